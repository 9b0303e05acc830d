"""``make serve-replicas`` as a subprocess, for tests and benchmarks: ``python -m deploy.serve``
(supervisord, N replicas, nginx) on free ports, so parallel workers do not collide.

``Launched(2).start()`` returns once every replica and the proxy answer ``/_stcore/health``;
``state`` holds ``url``, ``nginx_pid`` and ``replicas`` (``[{"name", "url", "port", "pid"}]``);
``info(name)`` asks supervisord (XML-RPC on its socket) about a program now. ``stop()`` sends
supervisord SIGTERM, waits, and then SIGKILLs whatever is left of every process it had started,
so a failing test leaves nothing running (``leftovers``: the pids it had to kill itself).
Usable as a context manager.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import xmlrpc.client
from pathlib import Path

from supervisor.xmlrpc import SupervisorTransport

REPO = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT_S = 120.0  # a replica's first start on a busy 2-core machine
STOP_TIMEOUT_S = 40.0  # supervisord's own stopwaitsecs (10 s) per group, and then some


def free_ports(count: int, consecutive: bool = False) -> list[int]:
    """``count`` ports of 127.0.0.1 free now (``consecutive``: a run of them)."""
    for _ in range(100):
        with contextlib.ExitStack() as stack:
            ports: list[int] = []
            for index in range(count):
                sock = stack.enter_context(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
                wanted = ports[0] + index if consecutive and ports else 0
                try:
                    sock.bind(("127.0.0.1", wanted))
                except OSError:
                    break
                ports.append(sock.getsockname()[1])
            if len(ports) == count:
                return ports
    raise RuntimeError(f"no {count} free ports found")


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
            return resp.status == 200 and resp.read().decode().strip() == "ok"
    except (urllib.error.URLError, OSError):
        return False


def process_tree(root: int) -> set[int]:
    """``root`` and every process descended from it (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    tree, todo = set(), [root]
    while todo:
        pid = todo.pop()
        tree.add(pid)
        todo.extend(children.get(pid, []))
    return tree


def start_time(pid: int) -> str | None:
    """When ``pid`` started (clock ticks since boot); None once it has exited."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return None if fields[0] == "Z" else fields[19]


class Launched:
    def __init__(self, replicas: int = 2, *, port: int = 0) -> None:
        self.replicas = replicas
        self.port = port or free_ports(1)[0]
        self.first_port = free_ports(replicas, consecutive=True)[0]
        self.dir = Path(tempfile.mkdtemp(prefix="phasewise-served-"))
        self.dir.chmod(0o755)  # nginx's workers (unprivileged under root) write in run/temp
        self.log = self.dir / "supervisord.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self.state: dict = {}
        self.leftovers: list[int] = []  # what stop() had to SIGKILL itself
        self._started: dict[int, str] = {}  # every process seen under supervisord: start time

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def rpc(self):
        transport = SupervisorTransport(None, None, f"unix://{self.dir}/run/supervisor.sock")
        return xmlrpc.client.ServerProxy("http://127.0.0.1", transport=transport).supervisor

    def info(self, name: str) -> dict:
        """supervisord's view of one program now: ``statename``, ``pid``, ``start``..."""
        group = "nginx" if name == "nginx" else "replica"
        return self.rpc.getProcessInfo(f"{group}:{name}")

    def output(self) -> str:
        """supervisord's output, then each program's log."""
        logs = sorted((self.dir / "run" / "logs").glob("*.log"))
        return "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')[-3000:]}"
            for path in [self.log, *logs]
            if path.exists()
        )

    def start(self) -> Launched:
        command = [
            sys.executable, "-m", "deploy.serve", "--replicas", str(self.replicas),
            "--port", str(self.port), "--first-replica-port", str(self.first_port),
            "--run-dir", str(self.dir / "run"),
        ]  # fmt: skip
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(
                command, cwd=REPO, stdin=subprocess.DEVNULL, stdout=out,
                stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        try:
            self._wait_until_healthy()
            ports = range(self.first_port, self.first_port + self.replicas)
            self.state = {
                "url": self.url,
                "nginx_pid": self.info("nginx")["pid"],
                "replicas": [
                    {
                        "name": f"replica-{port}",
                        "url": f"http://127.0.0.1:{port}",
                        "port": port,
                        "pid": self.info(f"replica-{port}")["pid"],
                    }
                    for port in ports
                ],
            }
        except BaseException:  # a timeout, a dead supervisord, Ctrl-C: leave nothing running
            self.stop()
            raise
        return self

    def _wait_until_healthy(self) -> None:
        assert self.proc is not None
        replicas = [f"http://127.0.0.1:{self.first_port + i}" for i in range(self.replicas)]
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        waiting = [*replicas, self.url]  # the replicas first: nginx must not mark them down
        while waiting:
            self._remember()
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the replicas did not start:\n{self.output()}")
            if healthy(waiting[0]):
                waiting.pop(0)
            else:
                time.sleep(0.2)
        self._remember()

    def _remember(self) -> None:
        if self.proc is not None:
            for pid in process_tree(self.proc.pid):
                if (started := start_time(pid)) is not None:
                    self._started.setdefault(pid, started)

    def replica(self, address: str) -> dict:
        """The replica whose ``host:port`` is ``address`` (as in nginx's X-Upstream header)."""
        port = int(address.rsplit(":", 1)[1])
        return next(r for r in self.state["replicas"] if r["port"] == port)

    def stop(self) -> int | None:
        """SIGTERM supervisord and wait; then SIGKILL anything it started that is still there.
        supervisord's exit code (None if it had to be killed)."""
        code = None
        if self.proc is not None:
            self._remember()
            with contextlib.suppress(ProcessLookupError):
                self.proc.send_signal(signal.SIGTERM)
            try:
                code = self.proc.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for pid, started in self._started.items():
            if start_time(pid) == started:  # still that process, not a reused pid
                self.leftovers.append(pid)
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
        shutil.rmtree(self.dir, ignore_errors=True)
        return code

    def __enter__(self) -> Launched:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
