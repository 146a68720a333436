"""Node conformance: the CIS Amazon EKS Benchmark's kubelet checks, over SSH or the API server."""
