# The two commands: `make run` (start the whole platform) and `make test` (every test).
SHELL := /bin/bash
UV_VERSION := 0.13.9
UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
RUN := $(UV) run --frozen
PYTEST := $(RUN) pytest

.PHONY: help install run test lint format unit integration contract e2e bench schemas demo-event clean

help:
	@echo "make run          install what is needed and start the whole platform"
	@echo "make test         install and run every test (contract, unit, integration, e2e)"
	@echo "make lint         ruff + mypy"
	@echo "make unit | integration | contract | e2e   one test layer"
	@echo "make schemas      regenerate contracts/schemas from the models"
	@echo "make bench        the rush benchmark (results in bench/results/<date>.json)"
	@echo "make demo-event   create sample events on a running platform"

install: .venv/.installed

.venv/.installed: uv.lock pyproject.toml */pyproject.toml services/*/pyproject.toml
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 \
		|| python3 -m pip install --quiet "uv==$(UV_VERSION)"
	$(UV) sync --frozen --all-packages
	@touch $@

run: install
	$(RUN) devstack run

test: install
	$(PYTEST) tests/contract services -q
	$(PYTEST) tests/e2e -q

unit: install
	$(PYTEST) services/*/tests/unit -q

integration: install
	$(PYTEST) services/*/tests/integration -q

contract: install
	$(PYTEST) tests/contract -q

e2e: install
	$(PYTEST) tests/e2e -q

lint: install
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) mypy contracts/src infra/src services/*/src

format: install
	$(RUN) ruff format .
	$(RUN) ruff check --fix .

bench: install
	$(RUN) python bench/rush.py

schemas: install
	$(RUN) contracts-schemas

demo-event: install
	$(RUN) python -m devstack.demo

clean:
	rm -rf .data test-artifacts
