"""Pure kubelet configuration logic: config file, drop-ins and flags to effective settings.

The kubelet builds its configuration in layers, and so does this module: defaults
(those of KubeletConfiguration v1beta1 when a --config file is used, the older flag
defaults when none is), then the config file, then each ``.conf`` file of the
--config-dir drop-in directory in lexical order as a JSON merge patch
(``jsonpatch.MergePatch`` in the kubelet's ``mergeKubeletConfigurations``), then the
command-line flags, which override the file. Every effective setting remembers which
layer gave it its value, so a finding can say where to change it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

import yaml

from eks_refarch.conformance.facts import MessageError
from eks_refarch.i18n import Text, msg

KIND = "KubeletConfiguration"
DROP_IN_SUFFIX = ".conf"
SERVER_CERT_GATE = "RotateKubeletServerCertificate"
FILE_DEFAULTS = msg("default (KubeletConfiguration v1beta1)")
FLAG_DEFAULTS = msg("default (kubelet flags without --config)")


class KubeletConfigError(MessageError, ValueError):
    """A kubelet configuration file the kubelet itself would refuse."""


@dataclass(frozen=True)
class Setting:
    """One effective kubelet setting and where its value came from: a file or /configz
    path, a flag, or a default."""

    value: Any
    source: Text


@dataclass(frozen=True)
class Spec:
    """How one setting the design names is found in the file and on the command line."""

    name: str  # the field of nodes.kubelet.expected in the design
    label: str  # as the kubelet documentation names it
    path: tuple[str, ...]  # in KubeletConfiguration
    flag: str
    type: type
    default: Any  # KubeletConfiguration v1beta1 default
    flag_default: Any  # the kubelet's legacy default when it runs without --config


SPECS = (
    Spec(
        "anonymous_auth",
        "authentication.anonymous.enabled",
        ("authentication", "anonymous", "enabled"),
        "anonymous-auth",
        bool,
        False,
        True,
    ),
    Spec(
        "authorization_mode",
        "authorization.mode",
        ("authorization", "mode"),
        "authorization-mode",
        str,
        "Webhook",
        "AlwaysAllow",
    ),
    Spec(
        "client_ca_file",
        "authentication.x509.clientCAFile",
        ("authentication", "x509", "clientCAFile"),
        "client-ca-file",
        str,
        "",
        "",
    ),
    Spec("read_only_port", "readOnlyPort", ("readOnlyPort",), "read-only-port", int, 0, 10255),
    Spec(
        "streaming_connection_idle_timeout",
        "streamingConnectionIdleTimeout",
        ("streamingConnectionIdleTimeout",),
        "streaming-connection-idle-timeout",
        str,
        "4h0m0s",
        "4h0m0s",
    ),
    Spec(
        "make_iptables_util_chains",
        "makeIPTablesUtilChains",
        ("makeIPTablesUtilChains",),
        "make-iptables-util-chains",
        bool,
        True,
        True,
    ),
    Spec("event_record_qps", "eventRecordQPS", ("eventRecordQPS",), "event-qps", int, 50, 50),
    Spec(
        "rotate_certificates",
        "rotateCertificates",
        ("rotateCertificates",),
        "rotate-certificates",
        bool,
        False,
        False,
    ),
    # A feature gate, on by default since it went beta in Kubernetes 1.12.
    Spec(
        "rotate_kubelet_server_certificate",
        f"featureGates.{SERVER_CERT_GATE}",
        ("featureGates", SERVER_CERT_GATE),
        "feature-gates",
        bool,
        True,
        True,
    ),
)
SPEC = {s.name: s for s in SPECS}

# The kubelet's boolean flags take no separate value ("--flag false" would leave
# "false" as a stray argument); every other flag may take the next argument.
_BOOL_FLAGS = frozenset(s.flag for s in SPECS if s.type is bool and s.flag != "feature-gates")


def parse_config(text: str, path: str) -> dict[str, Any]:
    """A KubeletConfiguration (JSON or YAML) or drop-in as a mapping."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else path
        raise KubeletConfigError(msg("{file}: not valid JSON or YAML", file=where)) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise KubeletConfigError(
            msg(
                "{file}: expected a {kind} mapping, found {found}",
                file=path,
                kind=KIND,
                found=type(data).__name__,
            )
        )
    kind = data.get("kind")
    if kind is not None and kind != KIND:
        raise KubeletConfigError(
            msg(
                "{file}: expected kind {kind}, found {found}",
                file=path,
                kind=KIND,
                found=repr(kind),
            )
        )
    return data


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386 JSON merge patch: mappings merge, null deletes, anything else replaces."""
    if not isinstance(patch, Mapping):
        return patch
    result = dict(target) if isinstance(target, Mapping) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def drop_in_order(paths: Iterable[str]) -> list[str]:
    """The ``.conf`` files the kubelet applies, in its order (a lexical directory walk)."""
    conf = [p for p in paths if PurePosixPath(p).suffix == DROP_IN_SUFFIX]
    return sorted(conf, key=lambda p: PurePosixPath(p).parts)


def parse_flags(argv: Sequence[str]) -> dict[str, str]:
    """The kubelet's long flags and their values, as pflag reads them (the last one wins)."""
    flags: dict[str, str] = {}
    args = list(argv[1:])
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg == "--":
            break
        if not arg.startswith("--") or len(arg) == 2:
            continue
        name, eq, value = arg[2:].partition("=")
        if not eq:
            if name in _BOOL_FLAGS:
                value = "true"
            elif i < len(args) and not args[i].startswith("-"):
                value = args[i]
                i += 1
        flags[name] = value
    return flags


def parse_bool(text: str) -> bool | None:
    """Go's strconv.ParseBool, which the kubelet's flags use; None if it would refuse."""
    if text in ("1", "t", "T", "true", "TRUE", "True"):
        return True
    if text in ("0", "f", "F", "false", "FALSE", "False"):
        return False
    return None


def feature_gates(text: str) -> dict[str, str]:
    """``A=true,B=false`` as the --feature-gates flag writes it."""
    gates = {}
    for item in text.split(","):
        key, _, value = item.strip().partition("=")
        if key:
            gates[key.strip()] = value.strip()
    return gates


_DURATION = re.compile(r"([0-9]*\.?[0-9]+)(ns|us|µs|ms|s|m|h)")
_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def duration_seconds(text: str) -> float | None:
    """A Go duration (``4h0m0s``, ``90m``, ``0s``, ``0``) in seconds; None if malformed."""
    if text == "0":
        return 0.0
    parts = _DURATION.findall(text)
    if not parts or "".join(n + u for n, u in parts) != text:
        return None
    return sum(float(n) * _UNITS[u] for n, u in parts)


def _from_flag(spec: Spec, raw: str) -> Any:
    """A flag's value in the setting's type; the raw text when the kubelet would refuse it."""
    if spec.type is bool:
        parsed = parse_bool(raw)
        return raw if parsed is None else parsed
    if spec.type is int:
        try:
            return int(raw)
        except ValueError:
            return raw
    return raw


def _lookup(data: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    node: Any = data
    for key in path:
        if not isinstance(node, Mapping) or key not in node:
            return None
        node = node[key]
    return node


def effective(
    documents: Sequence[tuple[str, Mapping[str, Any]]],
    flags: Mapping[str, str],
    *,
    config_file: bool,
) -> dict[str, Setting]:
    """Every setting the design names, after defaults, file, drop-ins and flags.

    ``documents`` are (source, content) in the order the kubelet applies them: the
    config file, then its drop-ins. ``config_file`` says whether the kubelet runs with
    --config, which decides the defaults.
    """
    merged: Any = {}
    for _, document in documents:
        merged = merge_patch(merged, document)
    gates = feature_gates(flags.get("feature-gates", ""))
    settings = {}
    for spec in SPECS:
        raw = gates.get(SERVER_CERT_GATE) if spec.flag == "feature-gates" else flags.get(spec.flag)
        if raw is not None:
            shown = f"{SERVER_CERT_GATE}={raw}" if spec.flag == "feature-gates" else raw
            flag = f"--{spec.flag}={shown}"
            settings[spec.name] = Setting(_from_flag(spec, raw), msg("flag {flag}", flag=flag))
            continue
        value = _lookup(merged, spec.path)
        if value is not None:
            # The last document that sets the value: merging only keeps a value that one sets.
            setter = [source for source, doc in documents if _lookup(doc, spec.path) is not None]
            settings[spec.name] = Setting(value, setter[-1])
        elif config_file:
            settings[spec.name] = Setting(spec.default, FILE_DEFAULTS)
        else:
            settings[spec.name] = Setting(spec.flag_default, FLAG_DEFAULTS)
    return settings


@dataclass(frozen=True)
class KubeletPaths:
    """The files the kubelet reads its configuration from."""

    config: str | None  # None: it runs without a config file
    drop_in_dir: str | None
    kubeconfig: str


def kubelet_paths(
    flags: Mapping[str, str] | None,
    designed_configs: Sequence[str],
    existing: Iterable[str],
    designed_drop_in: str | None,
    designed_kubeconfig: str,
) -> KubeletPaths:
    """What a running kubelet's --config, --config-dir and --kubeconfig say it reads.

    Without a running kubelet (``flags`` is None) the design's paths stand in: the
    first designed config path that exists, the designed drop-in directory and
    kubeconfig. A running kubelet reads no config file without --config and no
    drop-ins without --config-dir, whatever the design says.
    """
    if flags is None:
        present = set(existing)
        config = next((p for p in designed_configs if p in present), None)
        return KubeletPaths(config, designed_drop_in, designed_kubeconfig)
    return KubeletPaths(
        config=flags.get("config") or None,
        drop_in_dir=flags.get("config-dir") or None,
        kubeconfig=flags.get("kubeconfig") or designed_kubeconfig,
    )
