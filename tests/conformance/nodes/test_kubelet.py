"""Pure kubelet configuration logic: files, drop-ins, flags, defaults and their precedence."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eks_refarch.conformance.nodes.kubelet import (
    FILE_DEFAULTS,
    FLAG_DEFAULTS,
    KubeletConfigError,
    drop_in_order,
    duration_seconds,
    effective,
    feature_gates,
    kubelet_paths,
    merge_patch,
    parse_bool,
    parse_config,
    parse_flags,
)
from tests.conformance.reading import english

JSON_CONFIG = """{
  "kind": "KubeletConfiguration",
  "apiVersion": "kubelet.config.k8s.io/v1beta1",
  "authentication": {"anonymous": {"enabled": false}, "x509": {"clientCAFile": "/ca.crt"}},
  "readOnlyPort": 0
}"""


def test_json_and_yaml_configs_parse_alike() -> None:
    yaml_config = (
        "kind: KubeletConfiguration\napiVersion: kubelet.config.k8s.io/v1beta1\n"
        "authentication:\n  anonymous: {enabled: false}\n  x509: {clientCAFile: /ca.crt}\n"
        "readOnlyPort: 0\n"
    )
    assert parse_config(JSON_CONFIG, "a.json") == parse_config(yaml_config, "a.yaml")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "c.json:"),
        ("- 1\n", "expected a KubeletConfiguration mapping, found list"),
        ("kind: NodeConfig\n", "expected kind KubeletConfiguration, found 'NodeConfig'"),
    ],
)
def test_configs_the_kubelet_would_refuse_are_errors_naming_the_file(
    text: str, message: str
) -> None:
    with pytest.raises(KubeletConfigError, match=message):
        parse_config(text, "c.json")


def test_an_empty_drop_in_changes_nothing() -> None:
    assert parse_config("", "00-empty.conf") == {}


@pytest.mark.parametrize(
    ("target", "patch", "result"),
    [
        ({"a": 1}, {"a": 2}, {"a": 2}),
        ({"a": {"b": 1, "c": 2}}, {"a": {"b": 3}}, {"a": {"b": 3, "c": 2}}),
        ({"a": {"b": 1}}, {"a": None}, {}),
        ({"a": [1, 2]}, {"a": [3]}, {"a": [3]}),
        ({"a": 1}, {"b": {"c": None}}, {"a": 1, "b": {}}),
    ],
)
def test_drop_ins_apply_as_json_merge_patches(
    target: dict[str, Any], patch: dict[str, Any], result: dict[str, Any]
) -> None:
    assert merge_patch(target, patch) == result


@given(st.dictionaries(st.text(max_size=3), st.integers() | st.text(max_size=3), max_size=5))
def test_a_patch_without_nulls_applied_twice_is_applied_once(patch: dict[str, Any]) -> None:
    once = merge_patch({"x": {"y": 1}}, patch)
    assert merge_patch(once, patch) == once


def test_only_conf_files_count_in_lexical_walk_order() -> None:
    paths = ["/d/20-b.conf", "/d/10-a.conf", "/d/sub/00.conf", "/d/10-a.conf.bak", "/d/09.json"]
    assert drop_in_order(paths) == ["/d/10-a.conf", "/d/20-b.conf", "/d/sub/00.conf"]


def test_flags_are_read_as_pflag_reads_them() -> None:
    argv = [
        "/usr/bin/kubelet",
        "--config=/etc/kubernetes/kubelet/config.json",
        "--node-ip",
        "10.0.0.1",
        "--anonymous-auth",  # a boolean flag takes no separate value
        "--v=2",
        "-c",
        "--read-only-port=10255",
        "--read-only-port=0",  # the last one wins
        "--",
        "--event-qps=1",
    ]
    assert parse_flags(argv) == {
        "config": "/etc/kubernetes/kubelet/config.json",
        "node-ip": "10.0.0.1",
        "anonymous-auth": "true",
        "v": "2",
        "read-only-port": "0",
    }


@pytest.mark.parametrize(
    ("text", "value"),
    [("true", True), ("1", True), ("T", True), ("false", False), ("0", False), ("yes", None)],
)
def test_booleans_are_read_as_go_reads_them(text: str, value: bool | None) -> None:
    assert parse_bool(text) is value


def test_feature_gates_split_into_gates() -> None:
    assert feature_gates("A=true, B=false,") == {"A": "true", "B": "false"}


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("4h0m0s", 14400),
        ("4h", 14400),
        ("240m", 14400),
        ("1h30m", 5400),
        ("0s", 0),
        ("0", 0),
        ("1.5h", 5400),
        ("500ms", 0.5),
        ("", None),
        ("4 hours", None),
        ("5", None),
    ],
)
def test_go_durations(text: str, seconds: float | None) -> None:
    assert duration_seconds(text) == seconds


@given(st.integers(0, 99), st.integers(0, 59), st.integers(0, 59))
def test_durations_add_up(h: int, m: int, s: int) -> None:
    assert duration_seconds(f"{h}h{m}m{s}s") == h * 3600 + m * 60 + s


def test_flags_override_drop_ins_which_override_the_file_which_overrides_defaults() -> None:
    documents: list[tuple[str, Mapping[str, Any]]] = [
        (
            "/etc/kubelet/config.json",
            {
                "readOnlyPort": 0,
                "eventRecordQPS": 5,
                "authentication": {"anonymous": {"enabled": False}},
            },
        ),
        ("/etc/kubelet/config.json.d/10-a.conf", {"readOnlyPort": 10255, "eventRecordQPS": None}),
    ]
    flags = {"anonymous-auth": "true", "feature-gates": "RotateKubeletServerCertificate=false"}
    settings = effective(documents, flags, config_file=True)
    assert settings["anonymous_auth"].value is True
    assert english(settings["anonymous_auth"].source) == "flag --anonymous-auth=true"
    assert settings["read_only_port"].value == 10255
    assert settings["read_only_port"].source == "/etc/kubelet/config.json.d/10-a.conf"
    # null in a drop-in deletes the file's value: the default applies again.
    assert (settings["event_record_qps"].value, settings["event_record_qps"].source) == (
        50,
        FILE_DEFAULTS,
    )
    assert settings["rotate_kubelet_server_certificate"].value is False
    assert settings["authorization_mode"].value == "Webhook"


def test_without_a_config_file_the_older_flag_defaults_apply() -> None:
    settings = effective([], {}, config_file=False)
    assert settings["anonymous_auth"].value is True
    assert settings["authorization_mode"].value == "AlwaysAllow"
    assert settings["read_only_port"].value == 10255
    assert settings["read_only_port"].source == FLAG_DEFAULTS


def test_a_flag_value_the_kubelet_would_refuse_is_kept_as_written() -> None:
    settings = effective(
        [], {"read-only-port": "none", "anonymous-auth": "maybe"}, config_file=True
    )
    assert settings["read_only_port"].value == "none"
    assert settings["anonymous_auth"].value == "maybe"


def test_a_running_kubelets_flags_name_its_files_and_the_design_stands_in_otherwise() -> None:
    designed = ["/etc/a/config.json", "/etc/b/config.yaml"]
    without = kubelet_paths(None, designed, ["/etc/b/config.yaml"], "/etc/a/d", "/var/kc")
    assert (without.config, without.drop_in_dir, without.kubeconfig) == (
        "/etc/b/config.yaml",
        "/etc/a/d",
        "/var/kc",
    )
    running = kubelet_paths(
        {"config": "/x.json", "kubeconfig": "/kc"}, designed, designed, "/etc/a/d", "/var/kc"
    )
    # A running kubelet without --config-dir reads no drop-ins, whatever the design says.
    assert (running.config, running.drop_in_dir, running.kubeconfig) == ("/x.json", None, "/kc")
    bare = kubelet_paths({}, designed, designed, "/etc/a/d", "/var/kc")
    assert (bare.config, bare.kubeconfig) == (None, "/var/kc")
