"""The AWS half of the design as Terraform: rendered from the design, read back statically."""
