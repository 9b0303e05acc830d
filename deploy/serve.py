"""Run N Phasewise replicas behind nginx under supervisord, in the foreground.

    python -m deploy.serve [--replicas 2] [--port 8080] [--address 127.0.0.1]
                           [--first-replica-port 8501] [--run-dir DIR]
    python -m deploy.serve --print-config [--upstream HOST:PORT ...] [--port 443]

Writes ``DIR/nginx.conf`` (deploy/nginx.conf with one ``server`` line per replica and the
``listen`` line filled in; nothing else changes), then replaces itself with supervisord running
deploy/supervisord.conf: the replicas on 127.0.0.1 ports FIRST, FIRST+1, ..., nginx on
ADDRESS:PORT, every one restarted when it dies; Ctrl-C or SIGTERM stops them all. The run
directory (default ``$TMPDIR/phasewise-<port>``) holds nginx's pid, logs and temp files,
supervisord's socket (``supervisorctl -c deploy/supervisord.conf`` with PHASEWISE_RUN=DIR) and
each program's log (appended to, run after run; supervisord rotates them at 10 MB).
``--print-config`` only prints the rendered nginx configuration (e.g. with ``--upstream`` lines
for replicas on other machines).

All replicas share STREAMLIT_SERVER_COOKIE_SECRET (the environment's, or one made for this run)
and the production profile's upload limit.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import sys
import tempfile
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NGINX_TEMPLATE = REPO / "deploy" / "nginx.conf"
SUPERVISORD_CONF = REPO / "deploy" / "supervisord.conf"
PRODUCTION_PROFILE = REPO / "deploy" / "config.production.toml"
SERVER_LINE = "server {address} max_fails=2 fail_timeout=10s;"

_BEGIN = re.compile(r"^(\s*)# BEGIN replicas\b.*$", re.M)
_END = re.compile(r"^\s*# END replicas\b.*$", re.M)
_LISTEN = re.compile(r"^(\s*)listen\s+[^;]+;(\s*# LISTEN\b.*)$", re.M)


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
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")


def prepare(
    run_dir: Path, replicas: int, port: int, address: str, first_port: int, nginx: str
) -> dict[str, str]:
    """Write ``run_dir``'s nginx.conf (logs of earlier runs stay); the environment that
    supervisord.conf reads."""
    if replicas < 1:
        raise ValueError("--replicas must be at least 1")
    for sub in ("logs", "temp"):
        (run_dir / sub).mkdir(parents=True, exist_ok=True)
    # nginx's workers drop to an unprivileged user when started as root: they must reach temp/.
    run_dir.chmod(0o755)
    upstreams = [f"127.0.0.1:{first_port + i}" for i in range(replicas)]
    listen = f"{address}:{port}" if address else str(port)
    (run_dir / "nginx.conf").write_text(render(NGINX_TEMPLATE.read_text(), upstreams, listen))
    profile = tomllib.loads(PRODUCTION_PROFILE.read_text())
    return {
        "PHASEWISE_RUN": str(run_dir),
        "PHASEWISE_REPLICAS": str(replicas),
        "PHASEWISE_FIRST_PORT": str(first_port),
        "PHASEWISE_UPLOAD_MB": str(profile["server"]["maxUploadSize"]),
        "PHASEWISE_PYTHON": sys.executable,
        "PHASEWISE_NGINX": nginx,
        "PHASEWISE_DATA_DIR": os.environ.get("PHASEWISE_DATA_DIR", str(REPO / "data")),
        "STREAMLIT_SERVER_COOKIE_SECRET": os.environ.get("STREAMLIT_SERVER_COOKIE_SECRET")
        or secrets.token_urlsafe(32),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.serve", description=__doc__)
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--port", type=int, default=8080, help="nginx's port")
    parser.add_argument("--address", default="127.0.0.1", help="nginx's address (0.0.0.0: all)")
    parser.add_argument("--first-replica-port", type=int, default=8501)
    parser.add_argument("--run-dir", type=Path)
    parser.add_argument("--print-config", action="store_true")
    parser.add_argument("--upstream", action="append", default=[], metavar="HOST:PORT")
    args = parser.parse_args(argv)
    if args.print_config:
        first = args.first_replica_port
        upstreams = args.upstream or [f"127.0.0.1:{first + i}" for i in range(args.replicas)]
        print(render(NGINX_TEMPLATE.read_text(), upstreams, f"{args.address}:{args.port}"), end="")
        return 0
    nginx = find_nginx()
    if nginx is None:
        sys.exit("nginx is not installed: as root, `make nginx-deps` (apt-get install nginx-light)")
    run_dir = args.run_dir or Path(tempfile.gettempdir()) / f"phasewise-{args.port}"
    env = prepare(
        run_dir.resolve(), args.replicas, args.port, args.address, args.first_replica_port, nginx
    )
    print(f"Phasewise on http://{args.address}:{args.port}, run directory {run_dir}", flush=True)
    command = [sys.executable, "-m", "supervisor.supervisord", "-c", str(SUPERVISORD_CONF)]
    os.execve(sys.executable, command, {**os.environ, **env})


if __name__ == "__main__":
    sys.exit(main())
