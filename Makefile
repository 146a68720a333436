# Two commands matter on a fresh Debian/Ubuntu machine: `make serve` and `make test`.
# Both set up what they need first (Debian packages, .venv from the hashed lock
# requirements/dev.txt, node_modules); a second run skips what is already in place.

SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

# mkdocs-material and properdocs print a "MkDocs 2.0" banner on every build.
export NO_MKDOCS_2_WARNING := 1
export DISABLE_MKDOCS_2_WARNING := true

.PHONY: help setup serve site diagrams test lint typecheck unit validate manifests messages demo check lock mutation clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

setup: ## Install Debian packages, .venv (requirements/dev.txt) and node tools; skips what is in place
	@scripts/bootstrap.sh

serve: setup ## Build the site and serve it at http://127.0.0.1:8000
	$(BIN)/mkdocs serve --strict --dev-addr $(HOST):$(PORT)

site: setup ## Build the site into site/ (strict)
	$(BIN)/mkdocs build --strict --site-dir site

diagrams: setup ## Render every diagram (SVG and PNG, en and ja) into build/diagrams
	$(BIN)/refarch diagrams --out build/diagrams --format svg,png

test: setup lint typecheck validate unit ## Run every test: lint, types, the design, the test suite

lint: setup ## ruff check, ruff format --check, and deptry (every import declared)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/deptry .

typecheck: setup ## mypy (strict) on the package, tests/ and scripts/
	$(BIN)/mypy

validate: setup ## Validate architecture.yaml
	$(BIN)/refarch design validate architecture.yaml

unit: setup ## The pytest suite under tests/
	$(BIN)/pytest $(PYTEST_ARGS)

manifests: setup ## Render manifests/ from architecture.yaml
	$(BIN)/refarch manifests render --out manifests

messages: setup ## Extract user-facing strings into locale/refarch.pot, update and compile each language's catalog
	$(BIN)/python scripts/messages.py

demo: setup ## Check the design's own account in an embedded emulator (DRIFT=name to drift it)
	$(BIN)/refarch demo $(if $(DRIFT),--drift $(DRIFT))

check: setup ## Check your AWS account against the design (CHECK_ARGS="--profile p ...")
	$(BIN)/refarch check $(CHECK_ARGS)

mutation: setup ## Mutation testing of the reporters, runner, design and rules (long); writes tests/mutation/RESULTS.md
	$(BIN)/python scripts/mutation.py $(BATCHES)

lock: setup ## Re-resolve the hashed locks in requirements/ from pyproject.toml (needs PyPI)
	@scripts/lock.sh

clean: ## Remove build output and caches (keeps .venv)
	rm -rf site build .pytest_cache .mypy_cache .ruff_cache .cache mutants
