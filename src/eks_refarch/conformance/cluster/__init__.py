"""Cluster conformance: Kubernetes and Istio facts from a live cluster or manifests, and rules."""
