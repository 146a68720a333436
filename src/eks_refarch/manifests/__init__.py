"""The reference Kubernetes manifests, rendered from the design (``refarch manifests render``)."""
