# tftrace: `make demo` profiles the built-in demo, `make test` runs every test.
# Both create the virtualenv and install everything they need from scratch.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test install system-deps bench clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.lock
	$(PY) -m pip install -q --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)

# Debian packages the browser tests need (Chromium); skipped when already there.
system-deps:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

demo: $(STAMP)
	$(PY) -m tftrace run -o demo.tftrace tftrace/demos/mlp_digits.py 2
	$(PY) -m tftrace stats demo.tftrace --top 15

test: $(STAMP) system-deps
	$(PY) -m pytest -q tests

bench: $(STAMP)
	$(PY) benchmarks/stats_vs_xprof.py

clean:
	rm -rf $(VENV) demo.tftrace build dist *.egg-info
