# Neural Playground: set up, run, test.
#
#   make run      set up .venv if missing or outdated, then open the app
#   make test     set up .venv, then lint (ruff) and run the tests headless (Qt offscreen)
#   make lint     only ruff
#   make bench    set up .venv, then run every benchmarks/*.py
#   make clean    remove caches and build output (keeps .venv); make distclean removes it too
#
# The virtualenv is rebuilt from pyproject.toml whenever that file changes (the stamp
# .venv/.installed is older), or when its Python no longer runs. Override the interpreter used
# to create it with `make PYTHON=python3.12 ...`, extra pytest arguments with
# `make test PYTEST_ARGS="-k history -x"`. Nothing here installs system packages: when Python's
# venv module or a library Qt needs is missing, the scripts print the apt-get command to run.

PYTHON ?= python3
VENV ?= .venv
VENV_PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=
# The tests run in parallel processes (pytest-xdist), one per core up to 4, a test file to a
# process (files share module fixtures). `make test PYTEST_WORKERS=0` runs them in this process.
PYTEST_WORKERS ?= auto
UNAME_S := $(shell uname -s)

# Empty when the venv's interpreter is missing or broken: then the stamp is rebuilt regardless.
VENV_WORKS := $(shell $(VENV_PY) -c "" >/dev/null 2>&1 && echo yes)

.DEFAULT_GOAL := help
.PHONY: help venv run test lint bench clean distclean FORCE

help:
	@echo "make run        open the app (sets up $(VENV) first)"
	@echo "make test       lint, then run the tests headless (sets up $(VENV) first)"
	@echo "make lint       ruff check (configured in pyproject.toml)"
	@echo "make bench      run the benchmarks"
	@echo "make venv       only set up $(VENV)"
	@echo "make clean      remove caches and build output; distclean also removes $(VENV)"

$(STAMP): pyproject.toml $(if $(VENV_WORKS),,FORCE)
	@bash scripts/make-venv.sh "$(PYTHON)" "$(VENV)"
	$(VENV_PY) -m pip install -e '.[test]'
	@touch $@

venv: $(STAMP)

lint: $(STAMP)
	$(VENV_PY) -m ruff check .

test: lint
	@VENV="$(VENV)" bash scripts/check-qt-libs.sh offscreen
	QT_QPA_PLATFORM=offscreen $(VENV_PY) -m pytest -n $(PYTEST_WORKERS) --maxprocesses 4 \
		--dist loadfile $(PYTEST_ARGS)

run: $(STAMP)
ifeq ($(UNAME_S),Linux)
	@platform="$${QT_QPA_PLATFORM:-xcb}"; platform="$${platform%%[;:]*}"; \
	VENV="$(VENV)" bash scripts/check-qt-libs.sh "$$platform" || exit 1; \
	if [ "$$platform" = xcb ] && [ -z "$${DISPLAY:-}" ] && [ -z "$${WAYLAND_DISPLAY:-}" ]; then \
		echo "make run: WARNING: no DISPLAY: the window needs an X11 or Wayland session" \
		     "(or a virtual one: xvfb-run make run)" >&2; \
	fi
endif
	$(VENV_PY) -m playground

# Benchmarks never download: beside a checkout with ../shared/datasets (the offline copies of
# MNIST and Fashion-MNIST), Keras gets a temporary KERAS_HOME linking to them, as in the tests.
SHARED_DATASETS := $(abspath ../shared/datasets)

bench: $(STAMP)
	@set -e; found=; \
	if [ -z "$${KERAS_HOME:-}" ] && [ -d "$(SHARED_DATASETS)" ]; then \
		KERAS_HOME="$$(mktemp -d)"; export KERAS_HOME; \
		trap 'rm -rf "$$KERAS_HOME"' EXIT; \
		mkdir -p "$$KERAS_HOME/datasets/fashion-mnist"; \
		for f in "$(SHARED_DATASETS)"/mnist.npz; do \
			if [ -f "$$f" ]; then ln -s "$$f" "$$KERAS_HOME/datasets/"; fi; done; \
		for f in "$(SHARED_DATASETS)"/fashion-mnist/*.gz; do \
			if [ -f "$$f" ]; then ln -s "$$f" "$$KERAS_HOME/datasets/fashion-mnist/"; fi; done; \
		echo "bench: KERAS_HOME=$$KERAS_HOME (links to $(SHARED_DATASETS))"; \
	fi; \
	for script in benchmarks/*.py; do \
		[ -f "$$script" ] || continue; found=1; \
		echo "== $$script"; \
		$(VENV_PY) "$$script"; \
	done; \
	[ -n "$$found" ] || echo "no benchmarks/*.py yet"

clean:
	rm -rf .pytest_cache build dist *.egg-info
	find . -path ./$(VENV) -prune -o -path ./.git -prune -o \
		-type d -name __pycache__ -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)

FORCE:
