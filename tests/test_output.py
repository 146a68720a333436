"""--output behaves like tee: files replaced whole, links followed, streams fed, rest refused."""

from __future__ import annotations

import errno
import os
import signal
import socket
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from eks_refarch.cli import run
from eks_refarch.errors import EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, UserInputError
from eks_refarch.output import write_output

REFARCH = [sys.executable, "-m", "eks_refarch.cli"]


def test_a_new_file_gets_the_permissions_the_umask_gives(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    old = os.umask(0o027)
    try:
        write_output(target, "{}\n")
    finally:
        os.umask(old)
    assert target.read_text() == "{}\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_an_existing_file_is_replaced_whole_and_no_temporary_file_remains(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old report, much longer than the new one\n")
    write_output(target, "new\n")
    assert target.read_text() == "new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]


def test_a_full_disk_leaves_the_previous_report_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = tmp_path / "report.json"
    report.write_text("previous")

    def full_disk(*_: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(UserInputError, match="No space left on device"):
        write_output(report, "new")
    assert report.read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_a_symlink_is_followed_and_stays_a_link(tmp_path: Path) -> None:
    real = tmp_path / "reports" / "latest.json"
    real.parent.mkdir()
    real.write_text("old\n")
    link = tmp_path / "report.json"
    link.symlink_to(real)
    write_output(link, "new\n")
    assert link.is_symlink()
    assert real.read_text() == "new\n"


def test_a_fifo_receives_the_text_as_a_stream(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    write_output(fifo, "through the pipe\n")
    reader.join(timeout=10)
    assert received == [b"through the pipe\n"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_dev_stdout_and_a_process_substitution_receive_the_report(tmp_path: Path) -> None:
    script = (
        f"{' '.join(REFARCH)} policy --output /dev/stdout > {tmp_path}/stdout.json && "
        f"{' '.join(REFARCH)} policy --output >(cat > {tmp_path}/substituted.json) && sleep 0.5"
    )
    subprocess.run(["bash", "-c", script], check=True, timeout=120)
    expected = subprocess.run(
        [*REFARCH, "policy"], check=True, capture_output=True, text=True, timeout=60
    ).stdout
    assert (tmp_path / "stdout.json").read_text() == expected
    assert (tmp_path / "substituted.json").read_text() == expected


def test_dev_null_is_written_to_not_replaced() -> None:
    write_output(Path("/dev/null"), "discarded\n")
    assert stat.S_ISCHR(Path("/dev/null").stat().st_mode)


@pytest.mark.parametrize(
    ("destination", "says"),
    [
        ("/dev/zero", "it is a device node"),
        (".", "is a directory"),
        ("/proc/refarch-report.json", "cannot write in /proc"),
    ],
)
def test_what_cannot_hold_a_report_is_a_usage_error_naming_it(
    destination: str, says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = Path(destination).stat().st_mode if Path(destination).exists() else None
    assert run(["policy", "--output", destination]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert destination in err
    assert says in err
    after = Path(destination).stat().st_mode if Path(destination).exists() else None
    assert after == before


def test_a_socket_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(path))
        with pytest.raises(UserInputError, match="it is a socket"):
            write_output(path, "x")


def test_a_path_through_a_file_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    target = blocker / "sub" / "policy.json"
    assert run(["policy", "--output", str(target)]) == EXIT_USAGE
    assert f"{target}: --output: cannot write the output: Not a directory" in (
        capsys.readouterr().err
    )
    assert blocker.read_text() == "not a directory"


def test_a_regular_file_output_works_through_the_cli(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "policy.json"
    assert run(["policy", "--output", str(target)]) == EXIT_OK
    assert '"Statement"' in target.read_text()


@pytest.fixture
def silent_endpoint() -> Iterator[socket.socket]:
    """Accepts connections and never answers, so a check run waits until interrupted."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(64)
        sock.settimeout(120)
        yield sock


def test_ctrl_c_exits_130_and_leaves_the_old_report_untouched(
    tmp_path: Path, silent_endpoint: socket.socket
) -> None:
    endpoint = f"http://127.0.0.1:{silent_endpoint.getsockname()[1]}"
    target = tmp_path / "report.json"
    target.write_text("yesterday's report\n")
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x"}
    process = subprocess.Popen(
        [
            *REFARCH,
            "check",
            "--endpoint-url",
            endpoint,
            "--read-timeout",
            "60",
            "--output",
            str(target),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    connection, _ = silent_endpoint.accept()  # the run is now waiting on its first call
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == EXIT_INTERRUPTED, err
    assert "interrupted" in err
    assert "Traceback" not in err
    assert target.read_text() == "yesterday's report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]
    connection.close()
