"""Run N Phasewise replicas behind nginx, in the foreground (``make serve-replicas``).

    python -m deploy.replicas [--replicas 2] [--port 8080] [--address 127.0.0.1]
                              [--state-file PATH] [--keep-logs]
    python -m deploy.replicas --print-config [--upstream HOST:PORT ...] [--port 443]

Starts ``--replicas`` processes of ``streamlit run streamlit_app.py`` (repo root, the repo's
``.streamlit/config.toml``) on free ports of 127.0.0.1, all with the same
``STREAMLIT_SERVER_COOKIE_SECRET`` (the environment's, or one generated for this run) and the
production profile's upload limit; then nginx on ``--address:--port`` with ``deploy/nginx.conf``,
whose replica lines and listen line are filled in. nginx runs with its own prefix, pid, logs and
temp files in a temporary directory: no system nginx service or file is touched.

Ctrl-C, SIGTERM or SIGHUP stops every process this started (nginx, each replica and whatever a
replica started, e.g. its export browser) and nothing else. Children are also told to stop if
this process dies (Linux parent-death signal). A replica that dies is reported and not
restarted: nginx sends its users to the others. If nginx or every replica dies, everything
stops and the exit code is 1.

``--port 0`` picks a free port. ``--state-file`` receives, once the proxy answers
``/_stcore/health``, a JSON object: ``url``, ``nginx_pid``, ``prefix`` (logs/access.log is in it)
and ``replicas`` (``[{"url", "port", "pid", "log"}]``); tests and benchmarks read it.
``--print-config`` only prints the rendered nginx configuration (e.g. with ``--upstream`` lines
for replicas on other machines) and starts nothing.

Standard library only.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import ctypes.util
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TEMPLATE = REPO / "deploy" / "nginx.conf"
PRODUCTION_PROFILE = REPO / "deploy" / "config.production.toml"
SCRIPT = "streamlit_app.py"
COOKIE_SECRET_ENV = "STREAMLIT_SERVER_COOKIE_SECRET"
NGINX_CANDIDATES = ("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx")
INSTALL_HINT = "install it as root with `make nginx-deps` (Debian: apt-get install -y nginx-light)"

STARTUP_TIMEOUT_S = 90.0  # a replica's first start on a busy 2-core machine
STOP_TIMEOUT_S = 10.0  # SIGTERM, then SIGKILL
POLL_S = 0.25
SERVER_LINE = "server {address} max_fails=2 fail_timeout=10s;"

_BEGIN = re.compile(r"^(\s*)# BEGIN replicas\b.*$", re.M)
_END = re.compile(r"^\s*# END replicas\b.*$", re.M)
_LISTEN = re.compile(r"^(\s*)listen\s+[^;]+;(\s*# LISTEN\b.*)$", re.M)


class SupervisorError(RuntimeError):
    """Startup failed (message says why); everything started so far has been stopped."""


# --- configuration ------------------------------------------------------------------------------


def upload_limit_mb(profile: Path = PRODUCTION_PROFILE) -> int:
    """The app's upload limit in MB: ``server.maxUploadSize`` of the production profile."""
    return int(tomllib.loads(profile.read_text())["server"]["maxUploadSize"])


def render(template: str, upstreams: list[str], listen: str) -> str:
    """``template`` with one ``server`` line per upstream ``host:port`` between the BEGIN/END
    replicas markers, and ``listen`` (``[address:]port``, or e.g. ``443 ssl``) on the line
    marked ``# LISTEN``. Nothing else changes."""
    begin, end = _BEGIN.search(template), _END.search(template)
    if not begin or not end or end.start() < begin.end():
        raise ValueError("template has no '# BEGIN replicas' ... '# END replicas' block")
    if len(_LISTEN.findall(template)) != 1:
        raise ValueError("template needs exactly one 'listen ...;  # LISTEN' line")
    if not upstreams:
        raise ValueError("at least one upstream is needed")
    for upstream in upstreams:
        if not re.fullmatch(r"[A-Za-z0-9.\-\[\]:]+:\d{1,5}", upstream):
            raise ValueError(f"upstream must be host:port, got {upstream!r}")
    indent = begin.group(1)
    lines = "".join(f"{indent}{SERVER_LINE.format(address=u)}\n" for u in upstreams)
    text = template[: begin.end() + 1] + lines + template[end.start() :]
    return _LISTEN.sub(lambda m: f"{m.group(1)}listen {listen};{m.group(2)}", text)


def find_nginx() -> str | None:
    found = shutil.which("nginx")
    if found:
        return found
    return next((p for p in NGINX_CANDIDATES if os.access(p, os.X_OK)), None)


def free_ports(count: int, address: str = "127.0.0.1") -> list[int]:
    """``count`` distinct ports the OS says are free now (all held open until all are chosen)."""
    with contextlib.ExitStack() as stack:
        ports = []
        for _ in range(count):
            sock = stack.enter_context(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
            sock.bind((address, 0))
            ports.append(sock.getsockname()[1])
        return ports


def get(url: str, timeout: float = 2.0) -> tuple[int, str, dict[str, str]]:
    """GET ``url``: (status, body, headers); status 0 when nothing answered."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status, resp.read().decode(errors="replace"), dict(resp.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace"), dict(error.headers)
    except (urllib.error.URLError, OSError):
        return 0, "", {}


def healthy(base_url: str) -> bool:
    status, body, _ = get(f"{base_url}/_stcore/health")
    return status == 200 and body.strip() == "ok"


# --- child processes ----------------------------------------------------------------------------

_LIBC = (
    ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    if sys.platform.startswith("linux")
    else None
)
_PR_SET_PDEATHSIG = 1


def _child_setup(parent: int) -> None:
    """In the child before exec: SIGTERM it when this supervisor dies (Linux)."""
    if _LIBC is not None:
        _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # the supervisor died before prctl took effect
        os._exit(1)


@dataclass
class Child:
    name: str
    cmd: list[str]
    log: Path
    env: dict[str, str] = field(default_factory=dict)
    cwd: Path = REPO
    port: int | None = None
    proc: subprocess.Popen[bytes] | None = None
    reported: bool = False  # its exit has been reported

    def start(self) -> None:
        parent = os.getpid()
        with open(self.log, "ab") as out:
            # Its own session: a terminal's Ctrl-C reaches only the supervisor, which stops the
            # children in order; and the child's own children (e.g. a replica's export browser)
            # share its process group, so they can be stopped with it.
            self.proc = subprocess.Popen(
                self.cmd,
                cwd=self.cwd,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=lambda: _child_setup(parent),
            )

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def tail(self, lines: int = 15) -> str:
        try:
            text = self.log.read_text(errors="replace").strip().splitlines()
        except OSError:
            return "(no log)"
        return "\n".join(f"    {line}" for line in text[-lines:]) or "    (empty log)"

    def signal_group(self, sig: int) -> None:
        """Send ``sig`` to the child's process group (itself and what it started)."""
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, sig)


def stop_all(children: list[Child], timeout: float = STOP_TIMEOUT_S) -> None:
    """SIGTERM every child (the first ones first), wait up to ``timeout``, then SIGKILL what is
    left of their process groups."""
    for child in children:
        if child.alive():
            assert child.proc is not None
            child.proc.terminate()
    deadline = time.monotonic() + timeout
    for child in children:
        if child.proc is None:
            continue
        try:
            child.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.proc.kill()
            child.proc.wait()
    for child in children:  # leftovers of a group (e.g. an export browser), now or never
        child.signal_group(signal.SIGKILL)


# --- the supervisor -----------------------------------------------------------------------------


class Stop(Exception):
    """A stop signal arrived."""


class Supervisor:
    def __init__(
        self,
        replicas: int = 2,
        port: int = 8080,
        address: str = "127.0.0.1",
        state_file: Path | None = None,
        keep_logs: bool = False,
        nginx: str | None = None,
        out=sys.stdout,
    ) -> None:
        if replicas < 1:
            raise ValueError("--replicas must be at least 1")
        self.count = replicas
        self.port = port
        self.address = address
        self.state_file = state_file
        self.keep_logs = keep_logs
        self.nginx_bin = nginx
        self.out = out
        self.prefix: Path | None = None
        self.replicas: list[Child] = []
        self.nginx: Child | None = None

    def say(self, message: str) -> None:
        print(f"[replicas] {message}", file=self.out, flush=True)

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.address in ("0.0.0.0", "") else self.address
        return f"http://{host}:{self.port}"

    # startup
    def start(self) -> None:
        nginx = self.nginx_bin or find_nginx()
        if not nginx:
            raise SupervisorError(f"nginx is not installed: {INSTALL_HINT}")
        self.prefix = Path(tempfile.mkdtemp(prefix="phasewise-proxy-"))
        # nginx's workers drop to an unprivileged user when started as root: they must be able to
        # reach temp/ (the directories nginx creates there are its workers' own).
        self.prefix.chmod(0o755)
        for sub in ("logs", "temp"):
            (self.prefix / sub).mkdir()
        self.say(f"nginx prefix, config and logs: {self.prefix}")

        env = dict(os.environ)
        if not env.get(COOKIE_SECRET_ENV):
            env[COOKIE_SECRET_ENV] = secrets.token_urlsafe(32)
            self.say(f"{COOKIE_SECRET_ENV} not set: generated one for this run (all replicas)")
        else:
            self.say(f"{COOKIE_SECRET_ENV} from the environment (all replicas)")
        env.setdefault("PHASEWISE_DATA_DIR", str(REPO / "data"))
        limit = upload_limit_mb()
        for index, port in enumerate(free_ports(self.count), start=1):
            cmd = [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                SCRIPT,
                f"--server.port={port}",
                "--server.address=127.0.0.1",
                "--server.headless=true",
                f"--server.maxUploadSize={limit}",
            ]
            child = Child(
                f"replica {index}",
                cmd,
                self.prefix / "logs" / f"replica-{index}.log",
                env=env,
                port=port,
            )
            self.replicas.append(child)
            child.start()
        self._wait_replicas()
        self._start_nginx(nginx)
        self.write_state()
        lines = ", ".join(f"127.0.0.1:{r.port} (pid {r.pid})" for r in self.replicas)
        self.say(f"{len(self.replicas)} replicas: {lines}")
        self.say(f"Phasewise is served at {self.url}  (Ctrl-C stops everything)")

    def _wait_replicas(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        waiting = list(self.replicas)
        while waiting:
            for child in list(waiting):
                if not child.alive():
                    raise SupervisorError(
                        f"{child.name} exited before it was healthy "
                        f"(log {child.log}):\n{child.tail()}"
                    )
                if healthy(f"http://127.0.0.1:{child.port}"):
                    waiting.remove(child)
            if waiting and time.monotonic() > deadline:
                names = ", ".join(c.name for c in waiting)
                raise SupervisorError(f"not healthy after {STARTUP_TIMEOUT_S:.0f} s: {names}")
            if waiting:
                time.sleep(POLL_S)

    def _start_nginx(self, nginx: str) -> None:
        assert self.prefix is not None
        pick = self.port == 0
        for _attempt in range(3 if pick else 1):
            if pick:
                self.port = free_ports(1, self.address or "0.0.0.0")[0]
            conf = self.prefix / "nginx.conf"
            conf.write_text(
                render(
                    TEMPLATE.read_text(),
                    [f"127.0.0.1:{r.port}" for r in self.replicas],
                    f"{self.address}:{self.port}" if self.address else str(self.port),
                )
            )
            cmd = [nginx, "-p", f"{self.prefix}/", "-c", str(conf), "-g", "daemon off;"]
            self.nginx = Child(
                "nginx",
                cmd,
                self.prefix / "logs" / "nginx.log",
                env=dict(os.environ),
                cwd=self.prefix,
            )
            self.nginx.start()
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline:
                if not self.nginx.alive():
                    break
                if healthy(self.url):
                    return
                time.sleep(0.1)
            failed_to_bind = "Address already in use" in self.nginx.tail(50)
            stop_all([self.nginx])
            if not (pick and failed_to_bind):
                break
        raise SupervisorError(
            f"nginx did not serve {self.url}/_stcore/health "
            f"(log {self.nginx.log}):\n{self.nginx.tail()}"
        )

    def state(self) -> dict:
        return {
            "url": self.url,
            "port": self.port,
            "prefix": str(self.prefix),
            "nginx_pid": self.nginx.pid if self.nginx else None,
            "supervisor_pid": os.getpid(),
            "replicas": [
                {
                    "name": r.name,
                    "url": f"http://127.0.0.1:{r.port}",
                    "port": r.port,
                    "pid": r.pid,
                    "log": str(r.log),
                }
                for r in self.replicas
            ],
        }

    def write_state(self) -> None:
        if self.state_file is None:
            return
        tmp = self.state_file.with_name(self.state_file.name + ".tmp")
        tmp.write_text(json.dumps(self.state(), indent=2))
        tmp.replace(self.state_file)  # readers never see half a file

    # running
    def watch(self) -> int:
        """Until a stop signal (raises Stop) or nginx / every replica is gone (returns 1)."""
        assert self.nginx is not None
        while True:
            time.sleep(POLL_S)
            for child in self.replicas:
                if not child.alive() and not child.reported:
                    child.reported = True
                    assert child.proc is not None
                    alive = sum(r.alive() for r in self.replicas)
                    self.say(
                        f"{child.name} (127.0.0.1:{child.port}) exited with code "
                        f"{child.proc.returncode}; {alive} left, nginx routes its users "
                        f"to them. Last log lines:\n{child.tail()}"
                    )
            if not any(r.alive() for r in self.replicas):
                self.say("every replica has exited: stopping")
                return 1
            if not self.nginx.alive():
                self.say(f"nginx exited: stopping. Last log lines:\n{self.nginx.tail()}")
                return 1

    def stop(self) -> None:
        children = ([self.nginx] if self.nginx else []) + self.replicas
        if any(c.alive() for c in children):
            self.say("stopping nginx and the replicas")
        stop_all(children)
        if self.state_file is not None:
            with contextlib.suppress(OSError):
                self.state_file.unlink()
        if self.prefix is not None and not self.keep_logs:
            shutil.rmtree(self.prefix, ignore_errors=True)
        elif self.prefix is not None:
            self.say(f"logs kept in {self.prefix / 'logs'}")


_STOPPING = {"now": False}


# --- for tests and benchmarks: the supervisor as a subprocess -----------------------------------


class Launched:
    """``python -m deploy.replicas --state-file ...`` as a subprocess (tests, benchmarks), on a
    free port unless ``port`` is given.

    ``start()`` returns once the proxy is healthy; ``state`` is the state file's content
    (``url``, ``replicas``...); ``stop()`` sends SIGTERM and waits for the supervisor, which
    stops everything it started. Usable as a context manager.
    """

    def __init__(
        self,
        replicas: int = 2,
        *,
        port: int = 0,
        timeout: float = STARTUP_TIMEOUT_S + 30,
        extra_args: tuple[str, ...] = (),
        env: dict[str, str] | None = None,
    ) -> None:
        self.replicas = replicas
        self.port = port
        self.timeout = timeout
        self.extra_args = extra_args
        self.env = env
        self.dir = Path(tempfile.mkdtemp(prefix="phasewise-replicas-run-"))
        self.state_file = self.dir / "state.json"
        self.log = self.dir / "supervisor.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self.state: dict = {}

    @property
    def url(self) -> str:
        return self.state["url"]

    def output(self) -> str:
        try:
            return self.log.read_text(errors="replace")
        except OSError:
            return ""

    def start(self) -> Launched:
        cmd = [
            sys.executable,
            "-m",
            "deploy.replicas",
            "--replicas",
            str(self.replicas),
            "--port",
            str(self.port),
            "--state-file",
            str(self.state_file),
            *self.extra_args,
        ]
        parent = os.getpid()
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(
                cmd,
                cwd=REPO,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=lambda: _child_setup(parent),
            )
        deadline = time.monotonic() + self.timeout
        while not self.state_file.exists():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise SupervisorError(f"the replicas did not start:\n{self.output()}")
            time.sleep(0.1)
        self.state = json.loads(self.state_file.read_text())
        return self

    def replica(self, address: str) -> dict:
        """The replica whose ``host:port`` is ``address`` (as in nginx's X-Upstream header)."""
        port = int(address.rsplit(":", 1)[1])
        return next(r for r in self.state["replicas"] if r["port"] == port)

    def stop(self, timeout: float = 2 * STOP_TIMEOUT_S + 10) -> int | None:
        """SIGTERM the supervisor and wait; its exit code (None if it had to be killed)."""
        code = None
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.terminate()
            try:
                code = self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)
        return code

    def __enter__(self) -> Launched:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _on_stop_signal(signum: int, _frame) -> None:
    if _STOPPING["now"]:
        return  # already stopping: let the cleanup finish
    _STOPPING["now"] = True
    raise Stop(signum)


def _install_stop_handlers() -> None:
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _on_stop_signal)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m deploy.replicas", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--replicas", type=int, default=2, help="number of replicas (default 2)")
    parser.add_argument("--port", type=int, default=8080, help="nginx port (0: a free one)")
    parser.add_argument(
        "--address",
        default="127.0.0.1",
        help="nginx listen address (default 127.0.0.1; 0.0.0.0 for the network)",
    )
    parser.add_argument("--state-file", type=Path, help="write ports and pids here (JSON)")
    parser.add_argument("--keep-logs", action="store_true", help="keep the temp dir on exit")
    parser.add_argument("--nginx", help="nginx binary (default: from PATH or /usr/sbin)")
    parser.add_argument(
        "--print-config", action="store_true", help="print the rendered nginx.conf and exit"
    )
    parser.add_argument(
        "--upstream",
        action="append",
        default=[],
        metavar="HOST:PORT",
        help="with --print-config: a replica address (repeat)",
    )
    args = parser.parse_args(argv)

    if args.print_config:
        upstreams = args.upstream or [f"127.0.0.1:{8501 + i}" for i in range(args.replicas)]
        print(render(TEMPLATE.read_text(), upstreams, f"{args.address}:{args.port}"), end="")
        return 0

    _install_stop_handlers()
    supervisor = Supervisor(
        args.replicas, args.port, args.address, args.state_file, args.keep_logs, args.nginx
    )
    code = 0
    try:
        supervisor.start()
        code = supervisor.watch()
    except Stop as stop:
        supervisor.say(f"{signal.Signals(stop.args[0]).name} received")
    except SupervisorError as error:
        supervisor.say(f"error: {error}")
        code = 1
    finally:
        _STOPPING["now"] = True  # a signal from here on must not cut the cleanup short
        supervisor.stop()
    supervisor.say("stopped")
    return code


if __name__ == "__main__":
    sys.exit(main())
