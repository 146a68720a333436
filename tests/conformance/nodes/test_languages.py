"""`refarch check --lang ja` end to end: every finding message in Japanese, in every format.

Two runs of the CLI: the shipped manifests (`--manifests manifests`), and a live cluster
(the stand-in API server, where one component is not ready) with its kubelets read
over testinfra (`--hosts local://`, with a drifted kubelet, and a host that does not
answer). Each is reported in every format. JSON keys, check ids, statuses and
severities stay as they are; every message is in Japanese, the same message in every
format, and no catalog lookup of the run falls back to English. Here, unlike in the
rule tests, the messages come from the collectors too: an unreachable host, a not-ready
component's status, where a kubelet setting came from.

It lives beside the node tests because it needs their kubelet on this machine.
"""

from __future__ import annotations

import json
import socket
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from eks_refarch import cli
from eks_refarch.conformance.builtin import load_builtin_checks
from eks_refarch.conformance.model import Severity, Status
from eks_refarch.conformance.options import FORMATS
from eks_refarch.conformance.report import text
from tests.conformance.cluster.apiserver import kubeconfig, serve
from tests.conformance.cluster.synthesize import NOT_READY
from tests.conformance.nodes.conftest import Node
from tests.conformance.nodes.test_ssh import lay_out_conforming
from tests.conformance.reading import JAPANESE, fallbacks
from tests.helpers import REPO

# paramiko warns about host keys it has not seen; the unreachable host never shows one.
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

KEYS = {"check", "status", "resource", "message", "severity"}
Key = tuple[str, str]  # (check, resource)


def check_in_japanese(args: list[str], capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    """The report of ``refarch check ARGS --lang ja`` in each format; asserts that no
    catalog lookup of any of the runs fell back to English."""
    reports = {}
    with fallbacks() as untranslated:
        for output_format in FORMATS:
            cli.run(["check", *args, "--lang", "ja", "--format", output_format])
            reports[output_format] = capsys.readouterr().out
    assert not untranslated, sorted(t for _, t in untranslated)
    return reports


def findings_of(report: str) -> dict[Key, dict[str, str]]:
    """The JSON report's findings by (check, resource), after checking what must not change."""
    ids = {spec.id for spec in load_builtin_checks().checks()}
    findings = {}
    for finding in json.loads(report)["findings"]:
        assert set(finding) == KEYS
        assert finding["check"] in ids
        assert finding["status"] in {s.value for s in Status}
        assert finding["severity"] in {s.value for s in Severity}
        assert JAPANESE.search(finding["message"]), finding
        findings[finding["check"], finding["resource"]] = finding
    return findings


def shown(findings: dict[Key, dict[str, str]], *statuses: Status) -> dict[Key, str]:
    wanted = {s.value for s in statuses}
    return {key: f["message"] for key, f in findings.items() if f["status"] in wanted}


def junit_messages(report: str) -> dict[Key, str]:
    messages = {}
    for case in ET.fromstring(report).iter("testcase"):
        resource = next(
            p.get("value") for p in case.iter("property") if p.get("name") == "resource"
        )
        check = case.get("name", "").removesuffix(f"[{resource}]")
        for outcome in ("failure", "error", "skipped"):
            element = case.find(outcome)
            if element is not None:
                messages[check, str(resource)] = str(element.get("message"))
    return messages


def sarif_messages(report: str) -> dict[Key, str]:
    messages = {}
    for result in json.loads(report)["runs"][0]["results"]:
        (location,) = result["locations"][0]["logicalLocations"]
        resource = location["fullyQualifiedName"]
        messages[result["ruleId"], resource] = result["message"]["text"].removesuffix(
            f" ({resource})"
        )
    return messages


def assert_every_format_says_the_same_in_japanese(reports: dict[str, str]) -> None:
    findings = findings_of(reports["json"])
    not_passed = shown(findings, Status.FAIL, Status.ERROR, Status.SKIP)
    assert junit_messages(reports["junit"]) == not_passed
    assert sarif_messages(reports["sarif"]) == shown(findings, Status.FAIL, Status.ERROR)
    for (_, resource), message in shown(findings, *Status).items():
        cell = message.replace("|", "\\|")
        assert f"| `{resource}` | {cell} |" in reports["markdown"], message
    for message in not_passed.values():  # the text report lists passes by check only
        assert message in reports["text"], message


@pytest.fixture
def wide_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """A text report wide enough that no table cell folds, so messages read whole."""
    monkeypatch.setattr(text, "WIDTH", 100_000)


def test_the_shipped_manifests_are_reported_in_japanese_in_every_format(
    wide_text: None, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    reports = check_in_japanese(["--manifests", "manifests"], capsys)
    assert_every_format_says_the_same_in_japanese(reports)
    statuses = {f["status"] for f in findings_of(reports["json"]).values()}
    assert statuses == {"pass", "skip"}


def test_a_live_cluster_and_its_kubelets_are_reported_in_japanese_in_every_format(
    wide_text: None, node: Node, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lay_out_conforming(node)
    node.config.chmod(0o666)
    node.start_kubelet(*node.path_flags, "--read-only-port=10255")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    down = f"paramiko://root@127.0.0.1:{closed}"
    with serve() as server:
        args = ["--design", str(node.design_path), "--kubeconfig"]
        args += [str(kubeconfig(tmp_path, server.url)), "--hosts", "local://", "--hosts", down]
        reports = check_in_japanese(args, capsys)
    assert_every_format_says_the_same_in_japanese(reports)
    findings = findings_of(reports["json"])
    statuses = {(check, resource): f["status"] for (check, resource), f in findings.items()}
    assert statuses["platform_components_ready", f"component {NOT_READY}"] == "fail"
    assert statuses["kubelet_read_only_port_disabled", "local://"] == "fail"
    assert statuses["kubelet_config_mode_restricted", "local://"] == "fail"
    assert {s for (_, resource), s in statuses.items() if resource == down} == {"error"}
