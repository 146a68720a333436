"""Node rules read whole: the node named, every problem listed, each fix naming its setting."""

from __future__ import annotations

from typing import Any

import pytest

from eks_refarch.conformance.builtin import load_builtin_checks
from eks_refarch.conformance.model import Status
from eks_refarch.conformance.nodes.facts import FileFact
from eks_refarch.conformance.nodes.kubelet import SPEC
from eks_refarch.conformance.nodes.rules import _setting_fix
from eks_refarch.design import Design
from eks_refarch.design.model import Design as Model
from tests.conformance.nodes.test_rules import CONFIG, GOOD, judge, node
from tests.conformance.reading import english

NODE = "ssh://node-a"
# Each setting check and the field of nodes.kubelet.expected it judges.
SETTINGS = {
    "kubelet_anonymous_auth_disabled": "anonymous_auth",
    "kubelet_authorization_mode_webhook": "authorization_mode",
    "kubelet_client_ca_file_set": "client_ca_file",
    "kubelet_read_only_port_disabled": "read_only_port",
    "kubelet_streaming_timeout_set": "streaming_connection_idle_timeout",
    "kubelet_iptables_chains_managed": "make_iptables_util_chains",
    "kubelet_event_qps_designed": "event_record_qps",
    "kubelet_cert_rotation_enabled": "rotate_certificates",
    "kubelet_server_cert_rotation_enabled": "rotate_kubelet_server_certificate",
}


@pytest.mark.parametrize(("check", "field"), sorted(SETTINGS.items()))
def test_a_setting_fix_names_the_setting_its_design_field_and_its_flag(
    check: str, field: str
) -> None:
    """The fix a reader follows names the kubelet's setting, the design field that holds
    the value and the flag that would override it; each check carries its own setting's."""
    spec = SPEC[field]
    fix = _setting_fix(field)
    assert fix.steps == (
        f"Set {spec.label} to the designed value (nodes.kubelet.expected.{field}) in the "
        "kubelet config (nodeadm NodeConfig spec.kubelet.config on AL2023) and remove any "
        f"--{spec.flag} flag that overrides it."
    )
    # The user data that writes the kubelet config, as for the file checks.
    registered = load_builtin_checks()
    assert fix.terraform == registered.get("kubelet_config_mode_restricted").remediation.terraform
    assert registered.get(check).remediation == fix


@pytest.mark.parametrize(("check", "field"), sorted(SETTINGS.items()))
def test_a_setting_off_design_fails_naming_node_value_source_and_expected(
    check: str, field: str, design: Design
) -> None:
    spec = SPEC[field]
    expected = getattr(design.nodes.kubelet.expected, field)
    # A value no setting is designed to have; the feature gate is a key=value list.
    flag = "RotateKubeletServerCertificate=false" if spec.flag == "feature-gates" else "7"
    drifted = node(flags={spec.flag: flag})
    assert isinstance(drifted.settings, dict)
    seen = drifted.settings[field]
    assert seen.value != expected
    (result,) = judge(check, design, drifted)
    assert result.status is Status.FAIL
    assert result.resource == NODE
    assert english(result.message) == (
        f"{spec.label} is {seen.value!r} (from {seen.source}); expected {expected!r} "
        f"(nodes.kubelet.expected.{field})"
    )


def test_a_timeout_written_as_a_number_fails_rather_than_being_read_as_a_duration(
    design: Design,
) -> None:
    """A number where the kubelet wants a duration text is not a duration, not even 0."""
    for value in (0, 14400):
        settings = {**GOOD, "streamingConnectionIdleTimeout": value}
        (result,) = judge("kubelet_streaming_timeout_set", design, node(settings))
        assert result.status is Status.FAIL
        assert f"streamingConnectionIdleTimeout is {value} (from {CONFIG})" in english(
            result.message
        )


def test_a_designed_timeout_of_one_second_passes(design_data: dict[str, Any]) -> None:
    """Only a zero timeout (none at all) is refused whatever the design says; one second
    is a length like any other."""
    design_data["nodes"]["kubelet"]["expected"]["streaming_connection_idle_timeout"] = "1s"
    one_second = Model.model_validate(design_data)
    settings = {**GOOD, "streamingConnectionIdleTimeout": "1s"}
    (result,) = judge("kubelet_streaming_timeout_set", one_second, node(settings))
    assert result.status is Status.PASS


def test_every_file_problem_of_a_node_is_listed_in_one_failure(design: Design) -> None:
    drop_in = f"{CONFIG}.d/10.conf"
    files = [FileFact(CONFIG, 0o666, "root", "root"), FileFact(drop_in, None, None, None)]
    (result,) = judge("kubelet_config_mode_restricted", design, node(files=files))
    assert result.status is Status.FAIL
    assert result.resource == NODE
    allowed = design.nodes.kubelet.max_file_mode
    assert english(result.message) == (
        f"{CONFIG} has mode 0666, more permissive than {allowed} (nodes.kubelet.max_file_mode); "
        f"{drop_in} does not exist (or is not the one the kubelet reads)"
    )
