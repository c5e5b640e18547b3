# bakhong: `make demo` serves a demo workshop, `make test` runs the whole suite.
# Both do their own set-up on a fresh Linux machine (Debian/Ubuntu for the test tools).
# Dependencies come from the hash-checked locks in requirements/ (make lock refreshes them).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TESTSTAMP := $(VENV)/.installed-test
LOCK     := requirements/lock.txt
TESTLOCK := requirements/lock-test.txt
# A hub's VM (docs/hosting.md): the runtime lock plus JupyterHub and its services.
HUBLOCK  := requirements/lock-hub.txt
DEBS   := chromium poppler-utils zbar-tools espeak-ng fonts-noto-color-emoji
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
CHP_VERSION := 5
HOST   ?= 127.0.0.1
PORT   ?= 8866

# pip prints its warnings and errors only. The editable install of bakhong is not
# hash-checked (a source tree has no hash): its dependencies come from the lock, it adds
# none (--no-deps), and the lock's setuptools builds it (--no-build-isolation).
# setuptools' "Editable installation" note is information, not a problem: filtered.
PIP      := $(BIN)/python -m pip --disable-pip-version-check
LOCKED   := $(PIP) install --quiet --require-hashes -r
EDITABLE := PYTHONWARNINGS="ignore:Editable installation" \
            $(PIP) install --quiet --no-deps --no-build-isolation -e .

# make lock / make test-latest: uv (pinned, it writes the locks) and pip-audit, in their
# own environment so the workshop's .venv holds exactly the lock.
TOOLS      := .venv-tools
UV_VERSION := 0.13.9
LATEST     := .venv-latest
LOCK_UPGRADE ?= --upgrade
LOCK_FLAGS := --universal --python-version 3.11 --generate-hashes --quiet \
              --custom-compile-command "make lock" -c requirements/constraints.txt

.PHONY: demo test test-latest lock lint bench bundle clean system-packages voice frontend frontend-check

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python $(LOCK) pyproject.toml
	@echo "== Cài thư viện theo $(LOCK) (lần đầu khoảng 1 phút) / installing the locked dependencies"
	$(LOCKED) $(LOCK)
	$(EDITABLE)
	$(BIN)/bakhong kernel
	touch $@

$(TESTSTAMP): $(STAMP) $(TESTLOCK)
	@echo "== Cài công cụ kiểm thử theo $(TESTLOCK) / installing the locked test tools"
	$(LOCKED) $(TESTLOCK)
	touch $@

demo: $(STAMP) voice
	$(BIN)/bakhong demo demo-workshop --host $(HOST) --port $(PORT)

system-packages:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	command -v zbarimg  >/dev/null || missing="$$missing zbar-tools"; \
	command -v certutil >/dev/null || missing="$$missing libnss3-tools"; \
	command -v espeak-ng >/dev/null || missing="$$missing espeak-ng"; \
	dpkg -s fonts-noto-color-emoji >/dev/null 2>&1 || missing="$$missing fonts-noto-color-emoji"; \
	command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
	  || missing="$$missing postgresql"; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi
	@# JupyterHub's proxy (tests/test_issue19_hub.py, docs/hosting.md), from npm
	@command -v configurable-http-proxy >/dev/null || { \
	  echo "Installing configurable-http-proxy@$(CHP_VERSION) (npm)"; \
	  $(SUDO) npm install -g --no-fund --no-audit --loglevel=error \
	    configurable-http-proxy@$(CHP_VERSION); }

# The offline voice of «Đọc hướng dẫn» (Debian's espeak-ng); the demo runs without it.
voice:
	@command -v espeak-ng >/dev/null || { echo "Installing espeak-ng (spoken instructions)"; \
	  ( $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq espeak-ng ) \
	  || echo "espeak-ng could not be installed: «Đọc hướng dẫn» will say so to the learner"; }

lint: $(TESTSTAMP)
	$(BIN)/ruff check .
	$(BIN)/python tools/typecheck.py

test: $(TESTSTAMP) system-packages
	$(BIN)/python -m pytest -n auto --dist loadfile -q

# An offline installer: wheels for Linux and Windows, install scripts, README (tools/bundle.py).
bundle: $(STAMP)
	$(BIN)/python tools/bundle.py dist/bakhong-offline

$(TOOLS)/.installed:
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check \
	  "uv==$(UV_VERSION)" pip-audit
	touch $@

# Move the locks forward: the newest releases within pyproject.toml's ranges (less
# requirements/constraints.txt). The test lock (everything, extras included) first; the
# runtime lock (the dependencies and the postgres extra: a workshop's store may be PostgreSQL,
# and make bundle ships exactly this lock) is constrained by it, so both name the same
# versions; the hub lock (a hub VM's, docs/hosting.md) too. LOCK_UPGRADE= keeps the locked versions, adding only what pyproject.toml now
# asks for. Then run make test, and commit requirements/.
lock: $(TOOLS)/.installed
	$(TOOLS)/bin/uv pip compile pyproject.toml requirements/build.in --extra test \
	  --extra postgres --extra hub $(LOCK_FLAGS) $(LOCK_UPGRADE) -o $(TESTLOCK)
	$(TOOLS)/bin/uv pip compile pyproject.toml requirements/build.in --extra postgres \
	  $(LOCK_FLAGS) $(LOCK_UPGRADE) -c $(TESTLOCK) -o $(LOCK)
	$(TOOLS)/bin/uv pip compile pyproject.toml requirements/build.in --extra postgres \
	  --extra hub $(LOCK_FLAGS) $(LOCK_UPGRADE) -c $(TESTLOCK) -o $(HUBLOCK)
	@echo "== $(LOCK), $(TESTLOCK), $(HUBLOCK) written: now make test, then commit requirements/"

# The newest releases instead of the lock, in their own .venv-latest: run it before moving the
# lock forward, and monthly. The whole suite (less the test that the venv matches the lock),
# then pip-audit of the lock's versions. The target fails if a test fails or an advisory
# names a locked version; an unreachable advisory source is said, not failed.
test-latest: system-packages $(TOOLS)/.installed
	rm -rf $(LATEST)
	$(PYTHON) -m venv $(LATEST)
	$(LATEST)/bin/python -m pip install --quiet --disable-pip-version-check --upgrade \
	  pip setuptools
	PYTHONWARNINGS="ignore:Editable installation" $(LATEST)/bin/python -m pip install \
	  --quiet --disable-pip-version-check --upgrade -e ".[test,postgres,hub]"
	$(LATEST)/bin/bakhong kernel
	@echo "== Versions that differ from $(TESTLOCK) (installed ← locked):"
	@$(LATEST)/bin/python tools/lockfile.py drift $(TESTLOCK) || true
	@suite=0; audit=0; \
	$(LATEST)/bin/python -m pytest -n auto --dist loadfile -q \
	  --deselect tests/test_lock.py::test_the_environment_holds_the_locked_versions || suite=$$?; \
	echo "== pip-audit $(TESTLOCK)"; \
	$(TOOLS)/bin/python tools/lockfile.py audit $(TESTLOCK) $(TOOLS)/bin/pip-audit || audit=$$?; \
	echo "== test-latest: suite exit $$suite, audit exit $$audit"; \
	[ $$suite = 0 ] && [ $$audit = 0 ]

# The learner page's front-end (issue 16): frontend/ built from its lockfile (npm ci) with
# esbuild into bakhong/page/ (shipped in the wheel). Run it after changing frontend/ and commit
# the result; tests/test_light_page.py checks the bundle against its sources.
frontend:
	cd frontend && npm ci --no-audit --no-fund && node build.mjs

# CI's check that the shipped bundle is what its sources build: the source hash, then a rebuild
# from frontend/package-lock.json in a temporary copy (npm ci, esbuild), compared byte for
# byte; CI=1 makes a missing node/npm a failure, not a skip. About 30 s on a fresh machine.
frontend-check: $(TESTSTAMP) system-packages
	CI=1 $(BIN)/python -m pytest -q -p no:randomly tests/test_light_page.py \
	  -k "built_from_these_sources or rebuild_from_the_lockfile"

bench: $(TESTSTAMP) system-packages
	$(BIN)/python bench/voila_load.py

clean:
	rm -rf $(VENV) $(TOOLS) $(LATEST) demo-workshop build dist *.egg-info test-artifacts
