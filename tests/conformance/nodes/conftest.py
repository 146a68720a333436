"""A real sshd on 127.0.0.1 and a kubelet laid out in a temporary directory, for node checks.

sshd runs as root from its own sshd_config in a temporary directory (host key, pid
file and authorized_keys there too), at a free high port, for the whole session. The
"kubelet" is bash started through a symlink named kubelet, so its command name is
kubelet and its command line carries the flags under test; it waits on its stdin and
is killed at teardown. sleep cannot stand in: it refuses the kubelet's flags.

The checks look for the one process named kubelet on the host, and every host here is
this machine; a lock file keeps two test runs on one machine (two worktrees, say) from
showing each other their kubelets.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from eks_refarch.design import Design, load

SETUP_HINT = "run `make setup` (it installs openssh-server)"
KUBELET_LOCK = Path("/tmp/eks-refarch-node-tests.lock")


@dataclass(frozen=True)
class Sshd:
    port: int
    ssh_config: Path
    client_key: Path
    alias: str = "refarch-node"

    @property
    def ssh_url(self) -> str:
        return f"ssh://{self.alias}?ssh_config={self.ssh_config}"

    @property
    def paramiko_url(self) -> str:
        return f"paramiko://root@127.0.0.1:{self.port}?ssh_identity_file={self.client_key}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _keygen(path: Path) -> None:
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "refarch-test", "-f", str(path)],
        check=True,
    )


@pytest.fixture(scope="session")
def sshd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sshd]:
    binary = shutil.which("sshd") or "/usr/sbin/sshd"
    if not Path(binary).is_file() or shutil.which("ssh") is None:
        pytest.fail(f"sshd or ssh is not installed: {SETUP_HINT}")
    if os.geteuid() != 0:
        pytest.fail("the node-check tests start sshd as root; run `make test` as root")
    d = tmp_path_factory.mktemp("sshd")
    _keygen(d / "host_key")
    _keygen(d / "client_key")
    (d / "authorized_keys").write_text((d / "client_key.pub").read_text(), encoding="utf-8")
    port = _free_port()
    config = d / "sshd_config"
    config.write_text(
        f"""\
ListenAddress 127.0.0.1
Port {port}
HostKey {d}/host_key
PidFile {d}/sshd.pid
AuthorizedKeysFile {d}/authorized_keys
UsePAM no
StrictModes no
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
""",
        encoding="utf-8",
    )
    Path("/run/sshd").mkdir(parents=True, exist_ok=True)  # its privilege-separation directory
    process = subprocess.Popen(
        [binary, "-D", "-e", "-f", str(config)], stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 10
    while True:
        if process.poll() is not None:
            errors = process.stderr.read() if process.stderr else ""
            pytest.fail(f"sshd exited with {process.returncode}: {errors}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            if time.monotonic() > deadline:
                process.kill()
                pytest.fail("sshd did not listen within 10 s")
            time.sleep(0.05)
    ssh_config = d / "ssh_config"
    ssh_config.write_text(
        f"""\
Host refarch-node
  HostName 127.0.0.1
  Port {port}
  User root
  IdentityFile {d}/client_key
  IdentitiesOnly yes
  BatchMode yes
  StrictHostKeyChecking no
  UserKnownHostsFile /dev/null
  LogLevel ERROR
  # testinfra asks for ControlMaster=auto; with a ControlPath every command of a run
  # shares one connection instead of a key exchange each.
  ControlPath {d}/cm-%C
""",
        encoding="utf-8",
    )
    yield Sshd(port, ssh_config, d / "client_key")
    subprocess.run(
        ["ssh", "-F", str(ssh_config), "-O", "exit", "refarch-node"],
        capture_output=True,
        check=False,  # no master is running if no ssh:// test ran
    )
    process.terminate()
    process.wait(timeout=10)


@dataclass
class Node:
    """A kubelet's files under ``root``, a design pointing at them, and its process."""

    root: Path
    design: Design
    design_path: Path
    config: Path
    drop_ins: Path
    kubeconfig: Path
    process: subprocess.Popen[bytes] | None = None

    def start_kubelet(self, *flags: str) -> None:
        binary = self.root / "kubelet"
        binary.symlink_to(shutil.which("bash") or "/bin/bash")
        self.process = subprocess.Popen(
            [str(binary), "-c", "read -r _", "kubelet", *flags], stdin=subprocess.PIPE
        )

    @property
    def path_flags(self) -> list[str]:
        return [
            f"--config={self.config}",
            f"--config-dir={self.drop_ins}",
            f"--kubeconfig={self.kubeconfig}",
        ]


@pytest.fixture
def machine_kubelet_lock() -> Iterator[None]:
    """Hold the machine-wide lock; fail if a kubelet other than a test's is running."""
    with KUBELET_LOCK.open("a") as lock:
        deadline = time.monotonic() + 300
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    pytest.fail(f"another test run has held {KUBELET_LOCK} for 5 minutes")
                time.sleep(0.2)
        running = subprocess.run(
            ["ps", "-C", "kubelet", "-o", "pid="], capture_output=True, text=True
        )
        if running.stdout.strip():
            pytest.fail(f"a kubelet is running on this machine (pid {running.stdout.split()})")
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture
def node(tmp_path: Path, design_data: dict[str, Any], machine_kubelet_lock: None) -> Iterator[Node]:
    root = tmp_path / "node"
    config = root / "etc/kubernetes/kubelet/config.json"
    drop_ins = root / "etc/kubernetes/kubelet/config.json.d"
    kubeconfig = root / "var/lib/kubelet/kubeconfig"
    drop_ins.mkdir(parents=True)
    kubeconfig.parent.mkdir(parents=True)
    kubelet = design_data["nodes"]["kubelet"]
    kubelet["config_paths"] = [str(config)]
    kubelet["drop_in_dir"] = str(drop_ins)
    kubelet["kubeconfig_path"] = str(kubeconfig)
    path = tmp_path / "architecture.yaml"
    path.write_text(yaml.safe_dump(design_data, allow_unicode=True), encoding="utf-8")
    layout = Node(root, load(path), path, config, drop_ins, kubeconfig)
    yield layout
    if layout.process is not None:
        layout.process.kill()
        layout.process.wait(timeout=10)
