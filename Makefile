# bakhong: `make demo` serves a demo workshop, `make test` runs the whole suite.
# Both do their own set-up on a fresh Linux machine (Debian/Ubuntu for the test tools).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TESTSTAMP := $(VENV)/.installed-test
DEBS   := chromium poppler-utils zbar-tools espeak-ng fonts-noto-color-emoji
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test lint bench bundle clean system-packages voice

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip "setuptools>=77"

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	$(BIN)/bakhong kernel
	touch $@

$(TESTSTAMP): $(STAMP)
	$(BIN)/pip install --quiet -e ".[test,postgres]"
	touch $@

demo: $(STAMP) voice
	$(BIN)/bakhong demo demo-workshop --host 127.0.0.1 --port 8866

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
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

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

bench: $(TESTSTAMP) system-packages
	$(BIN)/python bench/voila_load.py

clean:
	rm -rf $(VENV) demo-workshop build dist *.egg-info test-artifacts
