"""CIS Amazon EKS Benchmark section 3 (worker nodes): kubelet files and settings, per node.

Each check judges every node once. The expected values are the design's
``nodes.kubelet`` section; messages say which layer (a flag, the config file, a
drop-in, a default, /configz) gave the value that was seen.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from eks_refarch.conformance.facts import Facts
from eks_refarch.conformance.model import (
    Remediation,
    Result,
    Severity,
    failed,
    passed,
)
from eks_refarch.conformance.nodes.facts import FileFact, KubeletNode, KubeletNodes, Unknown
from eks_refarch.conformance.nodes.kubelet import SPEC, duration_seconds
from eks_refarch.conformance.registry import check
from eks_refarch.design import Design
from eks_refarch.i18n import Joined, Message, joined, msg

CIS_EKS = "https://www.cisecurity.org/benchmark/kubernetes"
EKS_CIS = "https://docs.aws.amazon.com/eks/latest/userguide/cis.html"
KUBELET_CONFIG = "https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/"
KUBELET_AUTH = "https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/"
DECISION = "ADR-0011"

Compare = Callable[[Any, Any], bool]


def _equal(seen: Any, expected: Any) -> bool:
    # bool is an int in Python; "true" for a port must not pass as 1.
    return type(seen) is type(expected) and seen == expected


def _same_duration(seen: Any, expected: Any) -> bool:
    seconds = duration_seconds(seen) if isinstance(seen, str) else None
    return seconds is not None and seconds != 0 and seconds == duration_seconds(expected)


def _settings(facts: Facts, design: Design, name: str, ok: Compare = _equal) -> Iterator[Result]:
    spec = SPEC[name]
    expected = getattr(design.nodes.kubelet.expected, name)
    for node in facts[KubeletNodes].items:
        if isinstance(node.settings, Unknown):
            yield node.settings.result(node.target)
            continue
        setting = node.settings[name]
        values = {"setting": spec.label, "value": repr(setting.value), "source": setting.source}
        if ok(setting.value, expected):
            yield passed(node.target, msg("{setting} is {value} (from {source})", **values))
        else:
            yield failed(
                node.target,
                msg(
                    "{setting} is {value} (from {source}); expected {expected} "
                    "(nodes.kubelet.expected.{field})",
                    expected=repr(expected),
                    field=name,
                    **values,
                ),
            )


def _octal(mode: int) -> str:
    return f"0{mode:03o}"


def _files(
    facts: Facts,
    select: Callable[[KubeletNode], Sequence[FileFact] | FileFact | Unknown],
    judge: Callable[[FileFact], Message | None],
    seen: Callable[[Joined], Message],
) -> Iterator[Result]:
    for node in facts[KubeletNodes].items:
        files = select(node)
        if isinstance(files, Unknown):
            yield files.result(node.target)
            continue
        listed = [files] if isinstance(files, FileFact) else list(files)
        problems = []
        for f in listed:
            if not f.exists:
                problems.append(
                    msg(
                        "{path} does not exist (or is not the one the kubelet reads)",
                        path=f.path,
                    )
                )
            else:
                problem = judge(f)
                if problem:
                    problems.append(problem)
        if problems:
            yield failed(node.target, joined(problems, style="clauses"))
        else:
            yield passed(node.target, seen(joined(_describe(f) for f in listed)))


def _describe(f: FileFact) -> str:
    mode = _octal(f.mode) if f.mode is not None else "-"
    return f"{f.path} {mode} {f.owner}:{f.group}"


def _mode_judge(design: Design) -> Callable[[FileFact], Message | None]:
    allowed = int(design.nodes.kubelet.max_file_mode, 8)

    def judge(f: FileFact) -> Message | None:
        if f.mode is not None and f.mode & ~allowed:
            return msg(
                "{path} has mode {mode}, more permissive than {allowed} "
                "(nodes.kubelet.max_file_mode)",
                path=f.path,
                mode=_octal(f.mode),
                allowed=design.nodes.kubelet.max_file_mode,
            )
        return None

    return judge


def _owner_judge(design: Design) -> Callable[[FileFact], Message | None]:
    owner, group = design.nodes.kubelet.file_owner, design.nodes.kubelet.file_group
    expected = f"{owner}:{group}"

    def judge(f: FileFact) -> Message | None:
        if (f.owner, f.group) != (owner, group):
            seen = f"{f.owner}:{f.group}"
            return msg(
                "{path} is owned by {seen}, expected {expected}",
                path=f.path,
                seen=seen,
                expected=expected,
            )
        return None

    return judge


def _modes_seen(files: Joined) -> Message:
    return msg("mode: {files}", files=files)


def _owners_seen(files: Joined) -> Message:
    return msg("owner: {files}", files=files)


def _config_files(node: KubeletNode) -> Sequence[FileFact] | Unknown:
    return node.config_files


def _kubeconfig(node: KubeletNode) -> FileFact | Unknown:
    return node.kubeconfig


# The fixes name the design's fields rather than their values: the metadata is declared
# once at import, while the values live in architecture.yaml (and the failing finding's
# message already shows the expected value).
FILE_FIX = (
    "On every node, through the launch template's user data, chmod the file to the "
    "designed mode (nodes.kubelet.max_file_mode) or stricter."
)
OWNER_FIX = (
    "On every node, through the launch template's user data, chown the file to the "
    "designed owner and group (nodes.kubelet.file_owner and file_group)."
)


@check(
    severity=Severity.MEDIUM,
    remediation=Remediation(steps=FILE_FIX, terraform="aws_launch_template.user_data"),
    references=(CIS_EKS, EKS_CIS),
    decision=DECISION,
    needs=[KubeletNodes],
)
def kubelet_kubeconfig_mode_restricted(facts: Facts, design: Design) -> Iterator[Result]:
    """The kubelet's kubeconfig file is no more permissive than the designed mode.

    Anyone who can change it can point the kubelet at another API server or steal its
    credentials.
    """
    yield from _files(facts, _kubeconfig, _mode_judge(design), _modes_seen)


@check(
    severity=Severity.MEDIUM,
    remediation=Remediation(steps=OWNER_FIX, terraform="aws_launch_template.user_data"),
    references=(CIS_EKS, EKS_CIS),
    decision=DECISION,
    needs=[KubeletNodes],
)
def kubelet_kubeconfig_owner_designed(facts: Facts, design: Design) -> Iterator[Result]:
    """The kubelet's kubeconfig file is owned by the designed user and group.

    A file owned by another user can be rewritten by that user.
    """
    yield from _files(facts, _kubeconfig, _owner_judge(design), _owners_seen)


@check(
    severity=Severity.MEDIUM,
    remediation=Remediation(steps=FILE_FIX, terraform="aws_launch_template.user_data"),
    references=(CIS_EKS, EKS_CIS, KUBELET_CONFIG),
    decision=DECISION,
    needs=[KubeletNodes],
)
def kubelet_config_mode_restricted(facts: Facts, design: Design) -> Iterator[Result]:
    """The kubelet's config file and drop-ins are no more permissive than the designed mode.

    Every setting the other node checks verify lives in these files; whoever may write
    one may turn authentication off.
    """
    yield from _files(facts, _config_files, _mode_judge(design), _modes_seen)


@check(
    severity=Severity.MEDIUM,
    remediation=Remediation(steps=OWNER_FIX, terraform="aws_launch_template.user_data"),
    references=(CIS_EKS, EKS_CIS, KUBELET_CONFIG),
    decision=DECISION,
    needs=[KubeletNodes],
)
def kubelet_config_owner_designed(facts: Facts, design: Design) -> Iterator[Result]:
    """The kubelet's config file and drop-ins are owned by the designed user and group.

    A file owned by another user can be rewritten by that user.
    """
    yield from _files(facts, _config_files, _owner_judge(design), _owners_seen)


def _setting_fix(name: str) -> Remediation:
    spec = SPEC[name]
    return Remediation(
        steps=f"Set {spec.label} to the designed value (nodes.kubelet.expected.{name}) in the "
        "kubelet config (nodeadm NodeConfig spec.kubelet.config on AL2023) and remove any "
        f"--{spec.flag} flag that overrides it.",
        terraform="aws_launch_template.user_data",
    )


@check(
    severity=Severity.HIGH,
    remediation=_setting_fix("anonymous_auth"),
    references=(CIS_EKS, KUBELET_AUTH),
    decision=DECISION,
    needs=[KubeletNodes],
)
def kubelet_anonymous_auth_disabled(facts: Facts, design: Design) -> Iterator[Result]:
    """The kubelet refuses anonymous requests.

    With anonymous auth on, anyone who reaches port 10250 is system:anonymous, and
    under AlwaysAllow may list pods or run commands in them.
    """
    yield from _settings(facts, design, "anonymous_auth")


@check(
    severity=Severity.CRITICAL,
    remediation=_setting_fix("authorization_mode"),
    references=(CIS_EKS, KUBELET_AUTH),
    decision=DECISION,
    needs=[KubeletNodes],
)
def kubelet_authorization_mode_webhook(facts: Facts, design: Design) -> Iterator[Result]:
    """The kubelet authorizes requests through the API server, not AlwaysAllow.

    AlwaysAllow lets every authenticated caller use every kubelet endpoint, exec and
    logs included.
    """
    yield from _settings(facts, design, "authorization_mode")


@check(
    severity=Severity.HIGH,
    remediation=_setting_fix("client_ca_file"),
    references=(CIS_EKS, KUBELET_AUTH),
    decision=DECISION,
    needs=[KubeletNodes],
)
def kubelet_client_ca_file_set(facts: Facts, design: Design) -> Iterator[Result]:
    """The kubelet verifies client certificates against the designed CA file.

    Without a client CA the kubelet cannot authenticate the API server's client
    certificate, so only weaker methods remain.
    """
    yield from _settings(facts, design, "client_ca_file")


@check(
    severity=Severity.HIGH,
    remediation=_setting_fix("read_only_port"),
    references=(CIS_EKS, KUBELET_CONFIG),
    decision=DECISION,
    needs=[KubeletNodes],
)
def kubelet_read_only_port_disabled(facts: Facts, design: Design) -> Iterator[Result]:
    """The kubelet's unauthenticated read-only port is off.

    Port 10255 serves pod specs and metrics to anyone on the network, with no
    authentication or authorization at all.
    """
    yield from _settings(facts, design, "read_only_port")


@check(
    severity=Severity.LOW,
    remediation=_setting_fix("streaming_connection_idle_timeout"),
    references=(CIS_EKS, KUBELET_CONFIG),
    decision=DECISION,
    needs=[KubeletNodes],
)
def kubelet_streaming_timeout_set(facts: Facts, design: Design) -> Iterator[Result]:
    """Idle exec, attach and port-forward streams time out as designed, never 0.

    A timeout of 0 keeps idle streams open forever, a way to exhaust the node and to
    keep a forgotten shell alive.
    """
    yield from _settings(facts, design, "streaming_connection_idle_timeout", _same_duration)


@check(
    severity=Severity.LOW,
    remediation=_setting_fix("make_iptables_util_chains"),
    references=(CIS_EKS, KUBELET_CONFIG),
    decision=DECISION,
    needs=[KubeletNodes],
)
def kubelet_iptables_chains_managed(facts: Facts, design: Design) -> Iterator[Result]:
    """The kubelet manages its iptables utility chains.

    Left to hand-made rules, the chains drift from what pod networking needs.
    """
    yield from _settings(facts, design, "make_iptables_util_chains")


@check(
    severity=Severity.LOW,
    remediation=_setting_fix("event_record_qps"),
    references=(CIS_EKS, KUBELET_CONFIG),
    decision=DECISION,
    needs=[KubeletNodes],
)
def kubelet_event_qps_designed(facts: Facts, design: Design) -> Iterator[Result]:
    """The kubelet records events at the designed rate.

    Too low a limit drops the events an investigation needs; the design states the rate.
    """
    yield from _settings(facts, design, "event_record_qps")


@check(
    severity=Severity.MEDIUM,
    remediation=_setting_fix("rotate_certificates"),
    references=(CIS_EKS, KUBELET_CONFIG),
    decision=DECISION,
    needs=[KubeletNodes],
)
def kubelet_cert_rotation_enabled(facts: Facts, design: Design) -> Iterator[Result]:
    """The kubelet rotates its client certificate.

    Without rotation the certificate expires and the node drops out of the cluster,
    or is kept alive with long-lived credentials.
    """
    yield from _settings(facts, design, "rotate_certificates")


@check(
    severity=Severity.MEDIUM,
    remediation=_setting_fix("rotate_kubelet_server_certificate"),
    references=(CIS_EKS, KUBELET_CONFIG),
    decision=DECISION,
    needs=[KubeletNodes],
)
def kubelet_server_cert_rotation_enabled(facts: Facts, design: Design) -> Iterator[Result]:
    """The RotateKubeletServerCertificate feature gate is on.

    The kubelet's serving certificate then renews through the API server instead of
    being a self-signed certificate that clients cannot verify.
    """
    yield from _settings(facts, design, "rotate_kubelet_server_certificate")
