"""Kubelet facts from hosts with pytest-testinfra (``--hosts ssh://…``, ``paramiko://…``, ``local://``).

Read-only: files are stat'ed and read, processes listed; nothing is written or
restarted. A host that cannot be reached becomes facts of ``Unknown`` naming its URL,
so its checks report ``error``; one host's failure never stops the others.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable, Sequence
from typing import Any

import testinfra
import testinfra.backend
from paramiko.ssh_exception import SSHException
from testinfra.backend.base import CommandResult

from eks_refarch.conformance.facts import MessageError
from eks_refarch.conformance.nodes.facts import FileFact, KubeletNode, Unknown
from eks_refarch.conformance.nodes.kubelet import (
    KubeletConfigError,
    Setting,
    drop_in_order,
    effective,
    kubelet_paths,
    parse_config,
    parse_flags,
)
from eks_refarch.design.model import Kubelet
from eks_refarch.errors import Problem, UserInputError
from eks_refarch.i18n import Message, Text, joined, msg

# What testinfra raises when a command cannot run or fails: RuntimeError (ssh exiting
# 255, a file it cannot cat), AssertionError (check_output on a non-zero exit),
# OSError and SSHException (paramiko cannot connect or authenticate).
_HOST_FAILURES = (RuntimeError, AssertionError, OSError, SSHException)


class HostError(MessageError):
    """One read on one host failed; the message says which and why."""


def redact(url: str) -> str:
    """The URL as findings show it: without a password, if it carried one."""
    parts = urllib.parse.urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def check_urls(urls: Sequence[str]) -> None:
    """Refuse, before any connection, URLs testinfra has no backend for.

    A bare host name is testinfra's too: it connects with --connection (paramiko by
    default).
    """
    problems = []
    for url in urls:
        scheme = url.partition("://")[0] if "://" in url else None
        if scheme is not None and scheme not in testinfra.backend.BACKENDS:
            problems.append(
                Problem(
                    None,
                    None,
                    ("--hosts",),
                    f"{redact(url)!r} is not a testinfra host URL "
                    "(expected ssh://host, paramiko://user@host:port or local://)",
                )
            )
    if problems:
        raise UserInputError(problems)


def _exited(stderr: str, code: int) -> Text:
    """What a failed command said, or its exit status when it said nothing."""
    return stderr.strip() or msg("exit status {code}", code=code)


def _why(exc: BaseException) -> Text:
    # testinfra's ssh backend raises RuntimeError(CommandResult) when ssh exits 255.
    arg = exc.args[0] if exc.args else None
    if isinstance(arg, CommandResult):
        return _exited(arg.stderr, arg.rc)
    return f"{type(exc).__name__}: {exc}".strip()


class _Reader:
    """The few reads the kubelet checks need, through one testinfra host."""

    def __init__(self, host: Any, target: str) -> None:
        self.host = host
        self.target = target

    def _failed(self, what: Message, why: Text) -> HostError:
        return HostError(msg("{what} on {target}: {why}", what=what, target=self.target, why=why))

    def _do(self, what: Message, read: Callable[[], Any]) -> Any:
        try:
            return read()
        except _HOST_FAILURES as exc:
            raise self._failed(what, _why(exc)) from None

    def probe(self) -> None:
        """Whether the host runs a command at all; raises HostError with the reason if not."""
        try:
            result = self.host.run("true")
        except _HOST_FAILURES as exc:
            raise HostError(_why(exc)) from None
        if result.rc != 0:
            raise HostError(_exited(result.stderr, result.rc))

    def kubelet_argv(self) -> list[str] | None:
        # ps -C selects by command name, as testinfra's host.process.filter(comm=...)
        # does, without the half-dozen commands that module runs to pick a ps flavour.
        listing = msg("listing processes")
        result = self._do(listing, lambda: self.host.run("ps -C kubelet -o pid="))
        if result.rc not in (0, 1):  # 1: no such process
            raise self._failed(listing, _exited(result.stderr, result.rc))
        pids = [int(p) for p in result.stdout.split()]
        if not pids:
            return None
        if len(pids) > 1:
            raise HostError(
                msg(
                    "{count} kubelet processes on {target} (pids {pids})",
                    count=len(pids),
                    target=self.target,
                    pids=joined(pids),
                )
            )
        # /proc/<pid>/cmdline keeps the argument boundaries; ps output, which testinfra's
        # process.args re-joins on whitespace, loses them.
        path = f"/proc/{pids[0]}/cmdline"
        raw: bytes = self._do(_reading(path), lambda: self.host.file(path).content)
        return [a.decode("utf-8", "replace") for a in raw.split(b"\0") if a]

    def stat(self, paths: Sequence[str]) -> dict[str, FileFact]:
        """Mode and owner of every path, in one remote command.

        testinfra's File runs one command per property (exists, mode, user, group);
        over SSH each is a new session, so one stat call for all files keeps a node
        to a handful of round trips. A missing file is a FileFact without a mode.
        """
        unique = list(dict.fromkeys(paths))
        if not unique:
            return {}
        command = "stat -L -c '%%n\t%%a\t%%U\t%%G' -- " + " ".join(["%s"] * len(unique))
        modes = msg("reading file modes")
        result = self._do(modes, lambda: self.host.run(command, *unique))
        found = {p: FileFact(p, None, None, None) for p in unique}
        for line in result.stdout.splitlines():
            name, mode, user, group = line.rsplit("\t", 3)
            found[name] = FileFact(name, int(mode, 8), user, group)
        if result.rc not in (0, 1):
            raise self._failed(modes, _exited(result.stderr, result.rc))
        return found

    def text(self, path: str) -> str:
        text: str = self._do(_reading(path), lambda: self.host.file(path).content_string)
        return text

    def drop_ins(self, directory: str) -> list[str]:
        # find, because the kubelet walks the directory recursively (filepath.WalkDir).
        listing = msg("listing {directory}", directory=directory)
        result = self._do(
            listing,
            lambda: self.host.run(r"find %s \( -type f -o -type l \) -name '*.conf'", directory),
        )
        if result.rc != 0 and "No such file" not in result.stderr:
            raise self._failed(listing, _exited(result.stderr, result.rc))
        return drop_in_order(result.stdout.splitlines())


def _reading(path: str) -> Message:
    return msg("reading {path}", path=path)


def read_kubelet(reader: _Reader, kubelet: Kubelet) -> KubeletNode:
    """One host's kubelet facts; a failed read makes only what depended on it Unknown."""
    target = reader.target
    try:
        reader.probe()
    except HostError as exc:
        return KubeletNode.unreadable(
            target, msg("could not reach {target}: {reason}", target=target, reason=exc.message)
        )
    try:
        argv = reader.kubelet_argv()
        flags = parse_flags(argv) if argv is not None else None
        candidates = [*kubelet.config_paths, kubelet.kubeconfig_path]
        if flags is not None:
            candidates += [flags[k] for k in ("config", "kubeconfig") if flags.get(k)]
        stats = reader.stat(candidates)
        existing = [p for p in kubelet.config_paths if stats[p].exists]
        paths = kubelet_paths(
            flags, kubelet.config_paths, existing, kubelet.drop_in_dir, kubelet.kubeconfig_path
        )
        config = stats[paths.config] if paths.config else None
        drop_ins = reader.drop_ins(paths.drop_in_dir) if paths.drop_in_dir else []
        drop_in_stats = reader.stat(drop_ins)
        files = [config or FileFact(kubelet.config_paths[0], None, None, None)]
        files += [drop_in_stats[p] for p in drop_ins]
        kubeconfig: FileFact | Unknown = stats[paths.kubeconfig]
    except HostError as exc:
        return KubeletNode.unreadable(target, exc.message)
    settings: dict[str, Setting] | Unknown
    if flags is None:
        settings = Unknown(
            msg(
                "no kubelet process on {target}: its command-line flags, which override the "
                "config file, are unknown",
                target=target,
            )
        )
    else:
        settings = _settings(reader, flags, paths.config, config, drop_ins)
    return KubeletNode(target, settings, files, kubeconfig)


def _settings(
    reader: _Reader,
    flags: dict[str, str],
    path: str | None,
    config: FileFact | None,
    drop_ins: list[str],
) -> dict[str, Setting] | Unknown:
    try:
        documents = []
        if path is not None:
            if config is None or not config.exists:
                return Unknown(
                    msg(
                        "the kubelet's config file {path} does not exist on {target}",
                        path=path,
                        target=reader.target,
                    )
                )
            documents.append((path, parse_config(reader.text(path), path)))
        documents += [(p, parse_config(reader.text(p), p)) for p in drop_ins]
    except (HostError, KubeletConfigError) as exc:
        return Unknown(exc.message)
    return effective(documents, flags, config_file=path is not None)


class TestinfraNodes:
    """Reads each host URL with testinfra.get_host, one after the other."""

    __test__ = False  # not a pytest test class, despite its name

    def __init__(
        self, urls: Sequence[str], get_host: Callable[[str], Any] = testinfra.get_host
    ) -> None:
        check_urls(urls)
        self.urls = tuple(urls)
        self.get_host = get_host

    def kubelets(self, kubelet: Kubelet) -> tuple[KubeletNode, ...]:
        nodes = []
        for url in self.urls:
            target = redact(url)
            try:
                host = self.get_host(url)
            except _HOST_FAILURES as exc:
                nodes.append(
                    KubeletNode.unreadable(
                        target,
                        msg("could not open {target}: {reason}", target=target, reason=_why(exc)),
                    )
                )
                continue
            nodes.append(read_kubelet(_Reader(host, target), kubelet))
        return tuple(nodes)
