"""The pytest adapter: the conformance run as pytest tests, one per check and resource.

It calls the same runner as `refarch check`, once per session, and parametrizes the
``finding`` fixture over the findings, with ids such as
``eks_endpoint_private[arn:aws:eks:...]``. pass passes; fail is an assertion failure
with the message and the remediation; skip is pytest.skip with the reason; error (could
not verify) is an error in setup naming the missing permission. Markers carry the
source (aws, cluster, nodes) and the severity, so ``-m "aws and critical"`` works, as do
``-k`` and ``--junitxml``. checks/conftest.py loads it.

The nodes are pytest-testinfra's own ``--hosts`` (with its ``--connection``, ``--ssh-config``,
``--ssh-identity-file``, ``--sudo`` and ``--sudo-user``); this adapter adds no option
of that name, it reads testinfra's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from eks_refarch.conformance.builtin import load_builtin_checks
from eks_refarch.conformance.cli import contexts
from eks_refarch.conformance.model import Finding, Severity, Source, Status
from eks_refarch.conformance.nodes.sources import TESTINFRA_OPTIONS
from eks_refarch.conformance.options import DESIGN, OPTIONS
from eks_refarch.conformance.report.remediation import remediation_text
from eks_refarch.conformance.runner import RunResult, run
from eks_refarch.design import load
from eks_refarch.i18n import SOURCE_LANGUAGE

_RESULT = pytest.StashKey[RunResult]()


class CouldNotVerify(Exception):
    """A finding with status error: reported by pytest as an error in setup."""


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("refarch", "conformance checks (refarch check)")
    for option in OPTIONS:
        if option.pytest:
            option.add_pytest_option(group)


def pytest_configure(config: pytest.Config) -> None:
    for source in Source:
        config.addinivalue_line(
            "markers", f"{source.value}: a check that reads the {source} source"
        )
    for severity in Severity:
        config.addinivalue_line("markers", f"{severity.value}: a check of {severity} severity")


def _result(config: pytest.Config) -> RunResult:
    if _RESULT not in config.stash:
        design = load(Path(config.getoption(DESIGN.name)))
        params = {o.name: config.getoption(o.name) for o in OPTIONS if o.pytest}
        # default=None: --hosts and its options belong to pytest-testinfra, absent if it is
        # disabled.
        params |= {
            name: config.getoption(name, default=None) for name in ("hosts", *TESTINFRA_OPTIONS)
        }
        config.stash[_RESULT] = run(design, contexts(params, design))
    return config.stash[_RESULT]


def _param(finding: Finding) -> Any:
    spec = load_builtin_checks().get(finding.check)
    marks = [getattr(pytest.mark, s.value) for s in sorted(spec.sources)]
    marks.append(getattr(pytest.mark, finding.severity.value))
    return pytest.param(finding, marks=marks, id=f"{finding.check}[{finding.resource}]")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "finding" in metafunc.fixturenames:
        findings = _result(metafunc.config).findings
        metafunc.parametrize("finding", [_param(f) for f in findings], indirect=True)


@pytest.fixture
def finding(request: pytest.FixtureRequest) -> Finding:
    """One finding; a finding that could not be verified fails here, in setup."""
    current: Finding = request.param
    if current.status is Status.ERROR:
        raise CouldNotVerify(f"{current.check} on {current.resource}: {current.message}")
    return current


def assert_conforms(finding: Finding) -> None:
    """The body of every conformance test: pass, fail with remediation, or skip."""
    if finding.status is Status.SKIP:
        pytest.skip(str(finding.message))
    if finding.status is Status.FAIL:
        spec = load_builtin_checks().get(finding.check)
        pytest.fail(
            f"{finding.check} [{finding.severity.value}] {finding.resource}\n"
            f"{finding.message}\n\n{remediation_text(spec, SOURCE_LANGUAGE)}",
            pytrace=False,
        )
