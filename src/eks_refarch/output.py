"""Where a command's output goes: a file is written whole or not at all, a stream as tee would.

Every command that writes a file (a report, the IAM policy, manifests, diagrams, caches)
writes through here, so they all behave alike:

- a regular file (new or existing) is replaced atomically: the text goes to a temporary
  file in the same directory, which is renamed over the target, so a reader never sees
  half a report and an interrupted run leaves the old file as it was. The new file gets
  the permissions the umask gives, as any newly created file does;
- a symbolic link is followed: the file it points to is replaced, the link stays;
- a FIFO, ``/dev/stdout``, ``/dev/stderr``, ``/dev/fd/N`` (a shell's process
  substitution) and ``/dev/null`` receive the text as a stream, as ``tee`` would write it;
- a directory, a socket or any other device node is refused: as root, "replacing"
  ``/dev/sda`` with a report must be impossible;
- a directory that cannot be created or written is a user error naming it (exit 3),
  never an internal one.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import tempfile
from pathlib import Path

from eks_refarch.errors import Problem, UserInputError

# The caller's own streams: written to as they are, whatever they lead to.
STREAMS = re.compile(r"/dev/(stdout|stderr|null|fd/\d+)|/proc/(self|\d+)/fd/\d+")


def check_destination(path: Path, *, option: str = "--output") -> None:
    """Refuse, before any work is done, a destination that the write would refuse later."""
    _plan(path, option)


def write_output(path: Path, text: str | bytes, *, option: str = "--output") -> None:
    """Write ``text`` to ``path``: atomically for a file, as a stream for a pipe or device."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    target, streamed = _plan(path, option)
    if streamed:
        try:
            with open(target, "wb") as handle:
                handle.write(data)
        except OSError as exc:
            raise _refused(path, option, exc.strerror or str(exc)) from exc
        return
    _replace(target, data, path, option)


def write_file(path: Path, text: str | bytes) -> None:
    """Write a generated file (a manifest, a diagram) whole or not at all."""
    write_output(path, text, option="output file")


def _plan(path: Path, option: str) -> tuple[Path, bool]:
    """The file to write and whether it is a stream, or a UserInputError saying why not."""
    if STREAMS.fullmatch(os.path.abspath(path)):
        return path, True
    target = Path(os.path.realpath(path))  # follows every link; a dangling one names its target
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        _require_directory(target.parent, path, option)
        return target, False
    except OSError as exc:
        raise _refused(path, option, exc.strerror or str(exc)) from exc
    if stat.S_ISREG(mode):
        _require_directory(target.parent, path, option)
        return target, False
    if stat.S_ISFIFO(mode):
        return target, True
    if stat.S_ISDIR(mode):
        raise _refused(path, option, "it is a directory; name a file in it")
    kind = "a socket" if stat.S_ISSOCK(mode) else "a device node"
    raise _refused(path, option, f"it is {kind}; name a regular file, a FIFO or /dev/stdout")


def _require_directory(directory: Path, path: Path, option: str) -> None:
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _refused(path, option, f"cannot create {directory}: {exc.strerror}") from exc
    if not os.access(directory, os.W_OK | os.X_OK):
        raise _refused(path, option, f"the directory {directory} is not writable")


def _replace(target: Path, data: bytes, path: Path, option: str) -> None:
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    except OSError as exc:
        raise _refused(path, option, f"cannot write in {target.parent}: {exc.strerror}") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            # mkstemp creates the file 0600; a report is an ordinary file.
            os.fchmod(handle.fileno(), 0o666 & ~_umask())
        os.replace(temporary, target)
    except BaseException as exc:  # Ctrl-C included: never leave the temporary file behind
        Path(temporary).unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS):
            raise _refused(path, option, exc.strerror or str(exc)) from exc
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _refused(path: Path, option: str, why: str) -> UserInputError:
    return UserInputError([Problem(path, None, (option,), f"cannot write the output: {why}")])


__all__ = ["check_destination", "write_file", "write_output"]
