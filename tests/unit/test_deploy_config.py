"""The production profile loads, keeps the protections on, and every setting is documented."""

import re
import tomllib
from pathlib import Path

import pytest
from streamlit import config as st_config

REPO = Path(__file__).resolve().parents[2]
PRODUCTION = tomllib.loads((REPO / "deploy" / "config.production.toml").read_text())
DEVELOPMENT = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text())
README = (REPO / "README.md").read_text()


def options(profile: dict) -> list[str]:
    return [f"{section}.{key}" for section, values in profile.items() for key in values]


@pytest.mark.parametrize("option", options(PRODUCTION) + options(DEVELOPMENT))
def test_every_key_is_a_real_streamlit_option(option):
    assert option in st_config._config_options_template  # a typo would be silently ignored


@pytest.mark.parametrize(("option", "expected"), [
    ("server.enableXsrfProtection", True),
    ("server.enableCORS", True),
    ("server.address", "127.0.0.1"),
    ("server.enableStaticServing", False),
    ("client.showErrorDetails", "none"),
    ("client.toolbarMode", "viewer"),
    ("browser.gatherUsageStats", False),
])
def test_production_keeps_protections_on(option, expected):
    section, key = option.split(".")
    assert PRODUCTION[section][key] == expected


def test_production_restricts_hosts_and_origins():
    assert PRODUCTION["server"]["allowedHosts"]
    assert all(o.startswith("https://") for o in PRODUCTION["server"]["corsAllowedOrigins"])


def test_development_shows_no_tracebacks_or_usage_stats():
    assert DEVELOPMENT["client"]["showErrorDetails"] == "none"
    assert DEVELOPMENT["browser"]["gatherUsageStats"] is False


@pytest.mark.parametrize("key", [k for k in PRODUCTION["server"] if k not in ("port", "headless")]
                         + ["showErrorDetails", "toolbarMode", "gatherUsageStats"])
def test_every_production_setting_is_explained_in_the_readme(key):
    assert re.search(rf"\b{key}\b", README), f"README's Deployment section does not mention {key}"


def test_make_run_binds_to_localhost_by_default():
    makefile = (REPO / "Makefile").read_text()
    assert re.search(r"^ADDRESS\s*\?=\s*127\.0\.0\.1$", makefile, re.M)
