"""The embedded demo account: provision the design into a local moto server and check it."""
