"""The production profile loads, keeps the protections on, and every setting is documented."""

import re
import subprocess
import tomllib
from pathlib import Path

import pytest
from streamlit import config as st_config

from deploy.serve import find_nginx, main, prepare, render

REPO = Path(__file__).resolve().parents[2]
PRODUCTION = tomllib.loads((REPO / "deploy" / "config.production.toml").read_text())
DEVELOPMENT = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text())
README = (REPO / "README.md").read_text()


def options(profile: dict) -> list[str]:
    return [f"{section}.{key}" for section, values in profile.items() for key in values]


@pytest.mark.parametrize("option", options(PRODUCTION) + options(DEVELOPMENT))
def test_every_key_is_a_real_streamlit_option(option):
    assert option in st_config._config_options_template  # a typo would be silently ignored


@pytest.mark.parametrize(
    ("option", "expected"),
    [
        ("server.enableXsrfProtection", True),
        ("server.enableCORS", True),
        ("server.address", "127.0.0.1"),
        ("server.enableStaticServing", True),  # static/: plotly.js only (chart_element)
        ("client.showErrorDetails", "none"),
        ("client.toolbarMode", "viewer"),
        ("browser.gatherUsageStats", False),
    ],
)
def test_production_keeps_protections_on(option, expected):
    section, key = option.split(".")
    assert PRODUCTION[section][key] == expected


def test_production_restricts_hosts_and_origins():
    assert PRODUCTION["server"]["allowedHosts"]
    assert all(o.startswith("https://") for o in PRODUCTION["server"]["corsAllowedOrigins"])


def test_development_shows_no_tracebacks_or_usage_stats():
    assert DEVELOPMENT["client"]["showErrorDetails"] == "none"
    assert DEVELOPMENT["browser"]["gatherUsageStats"] is False


@pytest.mark.parametrize(
    "key",
    [k for k in PRODUCTION["server"] if k not in ("port", "headless")]
    + ["showErrorDetails", "toolbarMode", "gatherUsageStats"],
)
def test_every_production_setting_is_explained_in_the_readme(key):
    assert re.search(rf"\b{key}\b", README), f"README's Deployment section does not mention {key}"


def test_make_run_binds_to_localhost_by_default():
    makefile = (REPO / "Makefile").read_text()
    assert re.search(r"^ADDRESS\s*\?=\s*127\.0\.0\.1$", makefile, re.M)


# --- the nginx configuration in front of the replicas (deploy/nginx.conf) -----------------------

NGINX_CONF = (REPO / "deploy" / "nginx.conf").read_text()
NGINX_DIRECTIVES = "\n".join(line.split("#", 1)[0] for line in NGINX_CONF.splitlines())


def nginx_size_mb(value: str) -> float:
    number, unit = re.fullmatch(r"(\d+)([kKmMgG]?)", value).groups()
    return int(number) / {"k": 1024, "m": 1, "g": 1 / 1024, "": 1024 * 1024}[unit.lower()]


def test_upload_limit_is_the_cohort_size_and_nginx_allows_slightly_more():
    app_mb = PRODUCTION["server"]["maxUploadSize"]
    assert app_mb == 10  # a centre cohort of up to 10 MB
    (proxy,) = re.findall(r"^\s*client_max_body_size\s+(\S+);", NGINX_DIRECTIVES, re.M)
    assert app_mb < nginx_size_mb(proxy) <= app_mb + 2  # room for the multipart envelope only


def test_sessions_stick_to_a_replica_by_a_routing_cookie_not_by_address():
    assert "ip_hash" not in NGINX_DIRECTIVES
    assert re.search(r"^\s*hash \$phasewise_route consistent;", NGINX_DIRECTIVES, re.M)
    assert re.search(r"map \$cookie_phasewise_route \$phasewise_route \{[^}]*\$request_id;",
                     NGINX_DIRECTIVES)  # fmt: skip
    assert "add_header Set-Cookie $phasewise_set_route always;" in NGINX_DIRECTIVES


def test_a_dead_replica_is_taken_out_and_its_requests_retried_elsewhere():
    servers = re.findall(r"^\s*server (\S+) (.*);", NGINX_DIRECTIVES, re.M)
    assert servers and all("max_fails=" in opts and "fail_timeout=" in opts for _, opts in servers)
    assert re.search(r"^\s*proxy_next_upstream error timeout;", NGINX_DIRECTIVES, re.M)
    assert re.search(r"^\s*zone phasewise ", NGINX_DIRECTIVES, re.M)  # shared by the workers


def test_websocket_location_upgrades_unbuffered_with_a_long_read_timeout():
    block = re.search(r"location /_stcore/stream \{([^}]*)\}", NGINX_DIRECTIVES).group(1)
    assert "proxy_buffering off;" in block
    timeout = re.search(r"proxy_read_timeout (\d+)h;", block)
    assert timeout and int(timeout.group(1)) >= 8  # a whole meeting, not nginx's 60 s
    assert "proxy_http_version 1.1;" in NGINX_DIRECTIVES
    assert "proxy_set_header Upgrade $http_upgrade;" in NGINX_DIRECTIVES
    assert "location = /_stcore/health" in NGINX_DIRECTIVES


def test_rendering_fills_in_only_the_replica_lines_and_the_listen_line():
    hosts = ["10.0.0.5:8501", "10.0.0.6:8501", "10.0.0.6:8502"]
    rendered = render(NGINX_CONF, hosts, "443 ssl")
    servers = re.findall(r"^\s*server (\S+) max_fails=\d+ fail_timeout=\d+s;", rendered, re.M)
    assert servers == hosts
    assert re.findall(r"^\s*listen ([^;]+);", rendered, re.M) == ["443 ssl"]
    changed = set(rendered.splitlines()) ^ set(NGINX_CONF.splitlines())
    assert all(re.match(r"\s*(server \S+ max_fails|listen )", line) for line in changed), changed
    with pytest.raises(ValueError):
        render(NGINX_CONF, ["10.0.0.5:8501; evil"], "8080")


@pytest.fixture
def prepared(tmp_path, monkeypatch) -> tuple[Path, dict[str, str]]:
    """A run directory for three replicas from port 9101, nginx on 0.0.0.0:9100."""
    monkeypatch.delenv("STREAMLIT_SERVER_COOKIE_SECRET", raising=False)
    env = prepare(tmp_path / "run", 3, 9100, "0.0.0.0", 9101, "/usr/sbin/nginx")
    return tmp_path / "run", env


def test_the_run_directory_gets_nginx_conf_for_the_replicas(prepared):
    run, env = prepared
    assert sorted(p.name for p in run.iterdir()) == ["logs", "nginx.conf", "temp"]
    upstreams = [f"127.0.0.1:{port}" for port in (9101, 9102, 9103)]
    assert (run / "nginx.conf").read_text() == render(NGINX_CONF, upstreams, "0.0.0.0:9100")
    assert env["PHASEWISE_RUN"] == str(run)
    assert (env["PHASEWISE_REPLICAS"], env["PHASEWISE_FIRST_PORT"]) == ("3", "9101")
    assert env["PHASEWISE_UPLOAD_MB"] == str(PRODUCTION["server"]["maxUploadSize"])
    assert len(env["STREAMLIT_SERVER_COOKIE_SECRET"]) >= 32  # one secret for every replica


def test_supervisord_runs_each_replica_and_nginx_restarts_them_and_stops_their_groups(prepared):
    """deploy/supervisord.conf as supervisord itself reads it, with the launcher's environment."""
    from supervisor.datatypes import RestartUnconditionally
    from supervisor.options import ServerOptions

    run, env = prepared
    with pytest.MonkeyPatch.context() as patch:
        for key, value in env.items():
            patch.setenv(key, value)
        options = ServerOptions()  # reads the environment here
        options.realize(["-c", str(REPO / "deploy" / "supervisord.conf")])
    groups = {group.name: group.process_configs for group in options.process_group_configs}
    assert sorted(groups) == ["nginx", "replica"]
    replicas, (nginx,) = groups["replica"], groups["nginx"]
    assert [p.name for p in replicas] == ["replica-9101", "replica-9102", "replica-9103"]
    for process in [*replicas, nginx]:
        assert process.autorestart is RestartUnconditionally  # whenever it exits
        assert process.stopasgroup and process.killasgroup  # with what it started
        assert process.stdout_logfile.startswith(f"{run}/logs/")  # never the terminal or /tmp
    for process, port in zip(replicas, (9101, 9102, 9103), strict=True):
        words = process.command.split()
        assert words[1:5] == ["-m", "streamlit", "run", "streamlit_app.py"]
        assert f"--server.port={port}" in words and "--server.address=127.0.0.1" in words
        assert f"--server.maxUploadSize={env['PHASEWISE_UPLOAD_MB']}" in words
        assert Path(process.directory).resolve() == REPO
    nginx_command = ["/usr/sbin/nginx", "-p", f"{run}/", "-c", f"{run}/nginx.conf"]
    assert nginx.command.split()[:5] == nginx_command
    assert nginx.priority > max(p.priority for p in replicas)  # started last, stopped first
    assert options.nodaemon  # in the foreground: Ctrl-C reaches it


def test_nginx_accepts_the_rendered_configuration(tmp_path):
    nginx = find_nginx()
    if nginx is None:
        pytest.skip("nginx is not installed (make nginx-deps)")
    (tmp_path / "logs").mkdir()
    (tmp_path / "temp").mkdir()
    conf = tmp_path / "nginx.conf"
    conf.write_text(render(NGINX_CONF, ["127.0.0.1:8501", "127.0.0.1:8502"], "127.0.0.1:8080"))
    result = subprocess.run([nginx, "-t", "-p", f"{tmp_path}/", "-c", str(conf)],
                            capture_output=True, text=True, timeout=30)  # fmt: skip
    assert result.returncode == 0, result.stderr


def test_the_systemd_unit_runs_the_same_launcher_with_options_it_accepts(capsys):
    unit = (REPO / "deploy" / "phasewise.service").read_text().replace("\\\n", " ")
    (exec_start,) = re.findall(r"^ExecStart=(.+)$", unit, re.M)
    words = exec_start.split()
    assert words[1:3] == ["-m", "deploy.serve"]
    assert main([*words[3:], "--print-config"]) == 0  # argparse accepts every option
    assert "listen 127.0.0.1:8080;" in capsys.readouterr().out
    assert re.search(r"^KillMode=mixed$", unit, re.M)  # SIGTERM to supervisord, not to all
    assert re.search(r"^Restart=on-failure$", unit, re.M)
