"""Every option of `refarch check`, declared once: click, the pytest adapter and the site read it.

An option's name, flags, type, default and help are written here and nowhere else. The
help is English; other languages find it in their catalog (``N_`` marks it for
extraction). ``click_option`` builds the click decorator, ``add_pytest_option`` the
pytest adapter's option, and the site's CLI page lists ``OPTIONS`` with the help in the
page's language.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, get_args

import click

from eks_refarch.conformance.aws.settings import AwsOptions, RetryMode, Scope
from eks_refarch.conformance.report import RENDERERS
from eks_refarch.design.loader import DEFAULT_DESIGN
from eks_refarch.i18n import LANGUAGES, N_, default_language


class OptionGroup(Protocol):
    """What the adapter is given by pytest's ``parser.getgroup``; pytest is not imported."""

    def addoption(self, *opts: str, **attrs: Any) -> None: ...


FORMATS = tuple(RENDERERS)
Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


@dataclass(frozen=True)
class Option:
    name: str  # the parameter's name in Python
    flags: tuple[str, ...]
    help: str  # English, marked with N_ for the catalog
    type: click.ParamType[Any, Any] | None = None  # None: a string
    default: Any = None
    show_default: bool | str = False
    is_flag: bool = False
    multiple: bool = False
    metavar: str | None = None
    # Whether `pytest checks/` offers it; the report options belong to `refarch check`.
    pytest: bool = True

    def click_option(self) -> Decorator:
        extra: dict[str, Any] = {}
        if self.multiple:
            # click gives an empty tuple for an absent repeatable option; None keeps a
            # source unselected, as for every other absent source option.
            extra["callback"] = lambda ctx, param, value: value or None
        return click.option(
            *self.flags,
            self.name,
            type=self.type,
            default=self.default,
            show_default=self.show_default,
            is_flag=self.is_flag,
            multiple=self.multiple,
            metavar=self.metavar,
            help=self.help,
            **extra,
        )

    def add_pytest_option(self, group: OptionGroup) -> None:
        long_flags = [f for f in self.flags if f.startswith("--")]
        kwargs: dict[str, Any] = {"dest": self.name, "help": self.help}
        if isinstance(self.type, click.Choice):
            kwargs["choices"] = list(self.type.choices)
        elif isinstance(self.type, click.IntRange):
            kwargs["type"] = int
        elif isinstance(self.type, click.FloatRange):
            kwargs["type"] = float
        if self.is_flag:
            kwargs["action"] = "store_true"
        else:
            default = self.default() if callable(self.default) else self.default
            kwargs["default"] = str(default) if isinstance(default, Path) else default
        group.addoption(*long_flags, **kwargs)


def _path(**kwargs: Any) -> click.Path:
    return click.Path(path_type=Path, **kwargs)


DESIGN = Option(
    "design_file",
    ("--design",),
    N_("The design file to check against."),
    type=_path(dir_okay=False),
    default=DEFAULT_DESIGN,
    show_default=True,
)
AWS = (
    Option("region", ("--region",), N_("The AWS region; the design's region when not given.")),
    Option("profile", ("--profile",), N_("A profile from the AWS shared configuration files.")),
    Option(
        "role_arn",
        ("--role-arn",),
        N_("A read-only role to assume through STS before reading anything."),
    ),
    Option(
        "endpoint_url",
        ("--endpoint-url",),
        N_("Send every AWS call to this endpoint, such as a local emulator."),
    ),
    Option(
        "retry_mode",
        ("--retry-mode",),
        N_("How botocore retries throttled or failed calls."),
        type=click.Choice(get_args(RetryMode)),
        default=AwsOptions.retry_mode,
        show_default=True,
    ),
    Option(
        "max_attempts",
        ("--max-attempts",),
        N_("Attempts per AWS call, the first one included."),
        type=click.IntRange(1, 20),
        default=AwsOptions.max_attempts,
        show_default=True,
    ),
    Option(
        "connect_timeout",
        ("--connect-timeout",),
        N_("Seconds to wait for a connection to an AWS endpoint or the Kubernetes API server."),
        type=click.FloatRange(min=0.1),
        default=AwsOptions.connect_timeout,
        show_default=True,
    ),
    Option(
        "read_timeout",
        ("--read-timeout",),
        N_("Seconds to wait for an AWS endpoint or the Kubernetes API server to answer."),
        type=click.FloatRange(min=0.1),
        default=AwsOptions.read_timeout,
        show_default=True,
    ),
    Option(
        "terraform",
        ("--terraform",),
        N_(
            "Judge the Terraform root module in this directory instead of an AWS account: "
            "read statically, no credentials and no AWS call."
        ),
        type=_path(file_okay=False),
        metavar="DIR",
    ),
    Option(
        "scope",
        ("--scope",),
        N_(
            "How far account-wide checks (such as 'no other internet-facing load balancer') "
            "look: the whole account in the region, or only the design's VPC."
        ),
        type=click.Choice(get_args(Scope)),
        default=AwsOptions.scope,
        show_default=True,
    ),
)
# A run over many accounts (the AWS source, once per account).
ACCOUNTS = (
    Option(
        "accounts",
        ("--accounts",),
        N_(
            "Check every account listed in this YAML file (ID, name, a role name or ARN, "
            "optional design overrides), assuming the role in each."
        ),
        type=_path(dir_okay=False),
        metavar="FILE",
        pytest=False,
    ),
    Option(
        "organization",
        ("--organization",),
        N_(
            "Check every active member account of the AWS Organization that the "
            "management account's credentials list, assuming --role-name in each."
        ),
        is_flag=True,
        pytest=False,
    ),
    Option(
        "role_name",
        ("--role-name",),
        N_("The role to assume in each account (for --organization, or accounts without one)."),
        metavar="NAME",
        pytest=False,
    ),
    Option(
        "external_id",
        ("--external-id",),
        N_("The external ID the accounts' roles require, given to sts:AssumeRole."),
        pytest=False,
    ),
    Option(
        "concurrency",
        ("--concurrency",),
        N_("Accounts checked at the same time."),
        type=click.IntRange(1, 64),
        default=4,
        show_default=True,
        pytest=False,
    ),
    Option(
        "shard",
        ("--shard",),
        N_(
            "Check only shard I of N (such as 2/3): a stable share of the accounts, so N "
            "runs with shards 1 to N check each account exactly once."
        ),
        metavar="I/N",
        pytest=False,
    ),
)
CLUSTER = (
    Option(
        "kubeconfig",
        ("--kubeconfig",),
        N_(
            "Check the live cluster of this kubeconfig (list calls only), and its nodes' "
            "kubelets through the API server unless --hosts is given."
        ),
        type=_path(dir_okay=False),
    ),
    Option(
        "context",
        ("--context",),
        N_("The kubeconfig context to use; its current context when not given."),
    ),
    Option(
        "manifests",
        ("--manifests",),
        N_(
            "Check the manifests in this directory (plain or Helm-rendered YAML) instead of "
            "a live cluster."
        ),
        type=_path(file_okay=False),
    ),
)
NODES = (
    Option(
        "hosts",
        ("--hosts",),
        N_(
            "Check the kubelet on this node, a testinfra host URL (ssh://, paramiko://, "
            "local://); repeat it, or separate URLs with commas."
        ),
        multiple=True,
        metavar="URL",
        pytest=False,  # pytest-testinfra owns --hosts there; the adapter reads testinfra's
    ),
)
REPORT = (
    Option(
        "output_format",
        ("--format", "-f"),
        N_("The report format: text, JSON, JUnit XML, SARIF, Markdown or OpenMetrics."),
        type=click.Choice(FORMATS),
        default="text",
        show_default=True,
        pytest=False,
    ),
    Option(
        "output",
        ("--output", "-o"),
        N_(
            "Write the report to FILE instead of standard output: a file is replaced "
            "atomically, a link is followed, a FIFO or /dev/stdout receives it as a stream."
        ),
        type=_path(dir_okay=False),
        metavar="FILE",
        pytest=False,
    ),
    Option(
        "lang",
        ("--lang",),
        N_("The language of the report's messages and headings; the locale's when not given."),
        type=click.Choice(LANGUAGES),
        default=default_language,
        show_default=N_("from the locale (LANG)"),
        pytest=False,
    ),
    Option(
        "only",
        ("--only",),
        N_("Run only these checks (comma-separated check IDs)."),
        metavar="ID,...",
        pytest=False,
    ),
    Option(
        "as_built",
        ("--as-built",),
        N_(
            "Also draw the account as this run observed it, laid out like the design's "
            "network view, each resource marked with its checks' verdict."
        ),
        type=_path(dir_okay=False),
        metavar="FILE.svg",
        pytest=False,
    ),
    Option(
        "stats",
        ("--stats",),
        N_("Print the calls, retries and time of each AWS operation to standard error."),
        is_flag=True,
        pytest=False,
    ),
)
OPTIONS: tuple[Option, ...] = (DESIGN, *AWS, *ACCOUNTS, *CLUSTER, *NODES, *REPORT)


def click_options(options: tuple[Option, ...]) -> Decorator:
    """One decorator adding ``options`` to a click command, in the order given."""

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        for option in reversed(options):
            func = option.click_option()(func)
        return func

    return decorate


__all__ = [
    "ACCOUNTS",
    "AWS",
    "CLUSTER",
    "DESIGN",
    "FORMATS",
    "NODES",
    "OPTIONS",
    "REPORT",
    "Option",
]
