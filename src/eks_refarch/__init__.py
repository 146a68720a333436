"""Reference architecture for microservices on Amazon EKS: design model, diagrams, checks."""

__version__ = "0.1.0"
