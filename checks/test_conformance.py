"""One test per check and resource: does the account (cluster, nodes) match the design?"""

from eks_refarch.conformance.model import Finding
from eks_refarch.conformance.pytest_plugin import assert_conforms


def test_conforms(finding: Finding) -> None:
    assert_conforms(finding)
