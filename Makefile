# tftrace: `make demo` profiles the built-in demo, `make test` runs every test.
# Both create the virtualenv and install everything they need from scratch.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEPS := $(VENV)/.deps
BUNDLE := tftrace/static/tftrace.js
LABEXT := tftrace/labextension/package.json
FRONTEND_SRC := $(shell find labextension/src -name '*.ts') $(shell find labextension/style -type f) labextension/build.mjs labextension/tsconfig.json

.PHONY: demo test install frontend system-deps bench clean

$(DEPS): requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.lock
	touch $(DEPS)

labextension/node_modules/.package-lock.json: labextension/package.json labextension/package-lock.json
	cd labextension && npm ci --no-audit --no-fund

# The views bundle (esbuild) and the JupyterLab mime extension (@jupyter/builder), node only.
# (The editable install skips hatch-jupyter-builder: this rule has built both already.)
$(BUNDLE) $(LABEXT) &: $(FRONTEND_SRC) labextension/node_modules/.package-lock.json
	cd labextension && npm run build

frontend: $(BUNDLE) $(LABEXT)

$(STAMP): pyproject.toml $(DEPS) $(BUNDLE) $(LABEXT) jupyter-config/jupyter_server_config.d/tftrace.json
	# the symlink goes first: pip would write (and on reinstall delete) the wheel's shared data
	# through it, in tftrace/labextension: a second install.json there breaks the wheel build
	rm -rf $(VENV)/share/jupyter/labextensions/tftrace-labextension
	SKIP_JUPYTER_BUILDER=1 $(PY) -m pip install -q --no-deps --no-build-isolation -e .
	mkdir -p $(VENV)/share/jupyter/labextensions
	rm -rf $(VENV)/share/jupyter/labextensions/tftrace-labextension
	ln -s $(abspath tftrace/labextension) $(VENV)/share/jupyter/labextensions/tftrace-labextension
	mkdir -p $(VENV)/etc/jupyter/jupyter_server_config.d
	cp jupyter-config/jupyter_server_config.d/tftrace.json $(VENV)/etc/jupyter/jupyter_server_config.d/
	# byte-compile, as pip does for an installed package (an editable checkout compiles on
	# first import, or on every import under PYTHONDONTWRITEBYTECODE)
	$(PY) -m compileall -q tftrace
	touch $(STAMP)

install: $(STAMP)

# Debian packages the browser tests need (Chromium); skipped when already there.
system-deps:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

demo: $(STAMP)
	$(PY) -m tftrace run -o demo.tftrace tftrace/demos/mlp_digits.py 2
	$(PY) -m tftrace stats demo.tftrace --top 15

# Third-party web apps the browser tests open exports in (speedscope), pinned by their lock file.
tests/browser/apps/node_modules/.package-lock.json: tests/browser/apps/package.json tests/browser/apps/package-lock.json
	cd tests/browser/apps && npm ci --no-audit --no-fund

test: $(STAMP) system-deps tests/browser/apps/node_modules/.package-lock.json
	$(PY) -m pytest -q tests

bench: $(STAMP) system-deps
	$(PY) benchmarks/stats_vs_xprof.py
	$(PY) benchmarks/capture_overhead.py
	$(PY) benchmarks/views.py
	$(PY) benchmarks/diff_noise.py

clean:
	rm -rf $(VENV) demo.tftrace build dist *.egg-info tftrace/static tftrace/labextension labextension/lib labextension/node_modules
