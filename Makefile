# One entry point for people and CI. `make demo` and `make test` set everything up on first use.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# Reinstall when the lock or the project's own metadata changes.
STAMP := $(VENV)/.installed-$(shell cat requirements-dev.lock pyproject.toml | cksum | cut -d' ' -f1)
# The build backend (pyproject's [build-system] requires) is locked too: setup builds without isolation.
BUILD_REQUIRES := $(BIN)/python -c 'import tomllib; print(*tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"], sep="\n")'
COMPILE := $(BIN)/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes --custom-compile-command "make lock"
# `make lock LOCK_FLAGS=--upgrade` (or --upgrade-package requests) moves pins; by default they stay.
LOCK_FLAGS ?=

.PHONY: setup demo test lint bench lock audit clean

setup: $(STAMP)

# Every package pinned and hashed: the installers refuse anything else. pip installs uv alone, by uv's
# own hashes in the lock; uv installs the rest (pip asks the index about each of the ~90 packages one
# after another: about 90 s of a clean clone's CI, against 2 s for uv with a warm cache). The project
# itself comes after, without its dependencies (they are all in the lock) and built by the locked setuptools.
UV := $(BIN)/uv
IN_VENV = --quiet --python $(BIN)/python
$(STAMP): requirements-dev.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	awk '/^uv==/{p=1} p{print} p && !/\\$$/{exit}' requirements-dev.lock >$(VENV)/uv.lock.txt
	$(BIN)/python -m pip install --quiet --require-hashes -r $(VENV)/uv.lock.txt
	$(UV) pip sync $(IN_VENV) --require-hashes requirements-dev.lock
	$(UV) pip install $(IN_VENV) --no-deps --no-build-isolation -e .
	$(UV) pip check $(IN_VENV) || { echo "requirements-dev.lock lacks what pyproject.toml asks for: make lock" >&2; exit 1; }
	rm -f $(VENV)/.installed-*
	touch $@

demo: setup
	$(BIN)/modelcost ask "r1 vs o1"

# Two pytest runs at once: pytest-xdist's TEST_WORKERS share every test but those marked `alone` (a port
# picked before it is bound, a PostgreSQL server of their own, timing that is their behaviour), which
# run one after another beside them in a run of their own, first in line for the CPU (the workers are
# niced: those tests mostly wait, and when they run, their timing is what they check); its log follows
# the first's (`--dist worksteal`: a worker that runs out takes tests queued for the other). Each names its
# slowest tests: the suite's time is part of every change's cost. (xdist's
# `--dist loadgroup` with an xdist_group mark would do this in one run, but under pytest 9.2 it ignores
# the mark: pytest-dev/pytest-xdist#1386.)
TEST_WORKERS ?= 2
PYTEST := $(BIN)/python -m pytest -q
test: setup
	@log=$$(mktemp); \
	$(PYTEST) -m alone --durations=12 -o cache_dir=.pytest_cache/alone >"$$log" 2>&1 & alone=$$!; \
	nice -n 10 $(PYTEST) -n $(TEST_WORKERS) --dist worksteal -m "not alone" --durations=15; shared=$$?; \
	wait $$alone; alone=$$?; \
	echo "-- the tests marked alone, run beside the others:"; cat "$$log"; rm -f "$$log"; \
	test $$shared -eq 0 && test $$alone -eq 0

# mypy fails at the `assert_never` of a dispatch that misses a request or answer type; .ci/dispatch.py
# checks that every such dispatch keeps that shape and handles each member.
lint: setup
	$(BIN)/ruff check bot tests bench .ci
	$(BIN)/ruff format --check bot tests bench .ci
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python .ci/dispatch.py

bench: setup
	$(BIN)/python bench/bench_ask.py

# requirements.lock (production) and requirements-dev.lock (+ the dev extra) from pyproject.toml, every
# package pinned and hashed, the same pins for what they share, resolved for every platform (--universal)
# from Python 3.11 on. uv comes from the dev lock.
lock:
	test -x $(BIN)/uv || { $(PYTHON) -m venv $(VENV) && $(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.lock; }
	$(BUILD_REQUIRES) | $(COMPILE) $(LOCK_FLAGS) pyproject.toml - -o requirements.lock
	$(BUILD_REQUIRES) | $(COMPILE) $(LOCK_FLAGS) pyproject.toml - --extra dev -c requirements.lock -o requirements-dev.lock

# Known vulnerabilities in the locked packages (.ci/audit says how); exit 3 when they can't be checked
# from here. AUDIT_FLAGS goes to pip-audit, e.g. --ignore-vuln GHSA-xxxx-xxxx-xxxx.
audit: setup
	.ci/audit $(AUDIT_FLAGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
