# Phasewise developer tasks.  `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON  ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
PORT    ?= 8501
ADDRESS ?= 127.0.0.1
# Extra arguments for pytest, e.g. `make test PYTEST_ARGS="-k smoke -x"`.
PYTEST_ARGS ?=

# The app's image and deck exports draw charts in Debian's chromium (kaleido), and the browser
# tests drive it (never `playwright install`: downloads are blocked here). Both need a CJK font
# (fonts-noto-cjk) so Chinese renders as characters, not empty boxes, in PNGs and screenshots.
CHROMIUM     := /usr/bin/chromium
BROWSER_PKGS := chromium fonts-noto-cjk

.PHONY: help run test test-quick browser-deps lint validate bench clean

help:
	@echo "make run       start the dashboard on http://$(ADDRESS):$(PORT)"
	@echo "make test      install test extras + browser deps, run the whole pytest suite"
	@echo "make test-quick  the same without the tests marked slow (while editing)"
	@echo "make lint      ruff check"
	@echo "make validate  validate the data/ directory"
	@echo "make bench     run the benchmarks (docs/benchmarks.md)"
	@echo "make serve-replicas  REPLICAS=2 replicas behind nginx on PORT (default 8080), supervisord"
	@echo "make clean     remove .venv and caches"

# --- virtualenv -------------------------------------------------------------
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Stamp files: reinstall only when pyproject.toml changes.
$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

# --- tasks ------------------------------------------------------------------
run: $(VENV)/.installed-run browser-deps
	$(BIN)/streamlit run streamlit_app.py --server.port=$(PORT) --server.address=$(ADDRESS)

# Two workers: the browser tests wait on their servers and browsers, so the cores stay busy. A third
# costs its own imports and collection: tests/app/test_pages.py + tests/browser/test_present.py
# took 101 s of CPU with -n 2 and 126 s with -n 3 (wall 690 s against 907 s, on a shared machine).
# --dist loadgroup: tests spread one by one, except the tests that read the full decks
# (xdist_group "decks"), which share one worker so each deck is built once (tests/conftest.py).
# The `slow` tests (the benchmark harness's quick run, inputs at the size limits) are collected
# first, so they run from the start beside the rest; `make test-quick` leaves them out.
WORKERS ?= 2
PYTEST_DIST := -n $(WORKERS) --dist loadgroup

test: $(VENV)/.installed-test browser-deps nginx-deps
	$(BIN)/python -m pytest $(PYTEST_DIST) $(PYTEST_ARGS)

test-quick: $(VENV)/.installed-test browser-deps nginx-deps
	$(BIN)/python -m pytest $(PYTEST_DIST) -m "not slow" $(PYTEST_ARGS)

browser-deps:
	@if [ -x "$(CHROMIUM)" ] && fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then \
		echo "browser-deps: $(CHROMIUM) and Noto Sans CJK present"; \
	elif [ "$$(id -u)" -eq 0 ]; then \
		echo "browser-deps: installing $(BROWSER_PKGS) via apt-get"; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update && apt-get install -y $(BROWSER_PKGS); \
	else \
		echo "browser-deps: missing $(CHROMIUM) and/or the Noto Sans CJK font." >&2; \
		echo "  Install them as root:  sudo apt-get install -y $(BROWSER_PKGS)" >&2; \
		exit 1; \
	fi

# --- replicas behind nginx, under supervisord (deploy/serve.py, supervisord.conf, nginx.conf) ---
# `make serve-replicas [REPLICAS=2] [PORT=8080] [ADDRESS=127.0.0.1] [REPLICA_PORT=8501]`: REPLICAS
# streamlit servers on 127.0.0.1:REPLICA_PORT, REPLICA_PORT+1, ... and nginx in front on
# ADDRESS:PORT, in the foreground; a replica that dies is restarted; Ctrl-C stops all.
REPLICAS ?= 2
REPLICA_PORT ?= 8501
# PORT's file default (8501) belongs to `make run`; a PORT given on the command line or in the
# environment is used as is.
REPLICAS_PORT = $(if $(filter file,$(origin PORT)),8080,$(PORT))
NGINX_PKGS := nginx-light

.PHONY: serve-replicas nginx-deps

serve-replicas: $(VENV)/.installed-run nginx-deps
	exec $(BIN)/python -m deploy.serve --replicas $(REPLICAS) --port $(REPLICAS_PORT) \
		--address $(ADDRESS) --first-replica-port $(REPLICA_PORT)

nginx-deps:
	@if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then \
		echo "nginx-deps: nginx present"; \
	elif [ "$$(id -u)" -eq 0 ]; then \
		echo "nginx-deps: installing $(NGINX_PKGS) via apt-get"; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update && apt-get install -y $(NGINX_PKGS) && \
		echo "nginx-deps: serve-replicas runs its own nginx; Debian's nginx service (port 80)" \
		     "is not used (on a systemd host: systemctl disable --now nginx)"; \
	else \
		echo "nginx-deps: nginx is missing (make serve-replicas and the replica tests need it)." >&2; \
		echo "  Install it as root:  sudo apt-get install -y $(NGINX_PKGS)" >&2; \
		exit 1; \
	fi

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .

validate: $(VENV)/.installed-run
	$(BIN)/python -m lib.validate data

bench: $(VENV)/.installed-test browser-deps
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
	find . -path ./.git -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +
