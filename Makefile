# The two commands: `make run` (start the whole platform) and `make test` (every test).
SHELL := /bin/bash
UV_VERSION := 0.13.9
UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
RUN := $(UV) run --frozen
PYTEST := $(RUN) pytest

.PHONY: help install browser-deps kafka-deps run reset admin test chaos lint format unit integration contract e2e bench schemas i18n demo-event clean

help:
	@echo "make run          install what is needed and start the whole platform"
	@echo "make reset        wipe .data/ (databases, Kafka log, mails) for a clean start"
	@echo "make admin        create an organiser account for /verwaltung (while make run runs)"
	@echo "make test         install and run every test (contract, unit, integration, e2e)"
	@echo "make lint         ruff, mypy and the import rules (lint-imports)"
	@echo "make unit | integration | contract | e2e   one test layer"
	@echo "make browser-deps Chromium (Debian package) and axe-core for tests/e2e/browser"
	@echo "make kafka-deps   Java 17+ and Maven (Debian packages), Apache Kafka's jars (Maven Central)"
	@echo "make schemas      regenerate contracts/schemas from the models"
	@echo "make i18n         new texts of the public site into its English catalogue (site.po)"
	@echo "make chaos        the three-broker fault test (kill the busiest broker mid-rush)"
	@echo "make bench        the rush benchmark (bench/results/<date>.json, a plot per setting; BENCH_ARGS=--help)"
	@echo "make demo-event   create sample events on a running platform"

# --compile-bytecode: every service process (and each e2e test starts dozens) then loads
# compiled modules instead of compiling them anew where PYTHONDONTWRITEBYTECODE is set.
install: .venv/.installed

.venv/.installed: uv.lock pyproject.toml */pyproject.toml libs/*/pyproject.toml services/*/pyproject.toml
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 \
		|| python3 -m pip install --quiet "uv==$(UV_VERSION)"
	$(UV) sync --frozen --all-packages --compile-bytecode
	@touch $@

# The browser tests (tests/e2e/browser) drive Debian's Chromium through Playwright and inject
# axe-core from node_modules. `make run` needs neither.
CHROMIUM := $(or $(CHROMIUM_PATH),/usr/bin/chromium)

browser-deps: node_modules/.installed
	@if [ ! -x "$(CHROMIUM)" ]; then \
		if [ "$$(id -u)" -ne 0 ]; then \
			echo "browser-deps: $(CHROMIUM) is missing and installing it needs root:" >&2; \
			echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium" >&2; \
			echo "  (or point CHROMIUM_PATH at a Chromium binary)" >&2; \
			exit 1; \
		fi; \
		apt-get update && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y --no-install-recommends chromium; \
	fi

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "browser-deps: npm (Node.js) is needed" >&2; exit 1; }
	npm ci --no-audit --no-fund
	@touch $@

# The dev/test broker is Apache Kafka from Maven Central (infra/kafka/pom.xml), copied into
# a cache outside the repository; Java 17+ and Maven come from Debian's packages when missing.
KAFKA_VERSION ?= $(shell sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' infra/kafka/pom.xml)
KAFKA_LIB ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/quartier/kafka-$(KAFKA_VERSION)/lib
export KAFKA_VERSION KAFKA_LIB

kafka-deps: $(KAFKA_LIB)/.complete

$(KAFKA_LIB)/.complete: infra/kafka/pom.xml
	@java_ok() { command -v java >/dev/null 2>&1 && \
		[ "$$(java -XshowSettings:properties -version 2>&1 \
			| sed -n 's/.*java.specification.version = //p' | cut -d. -f1)" -ge 17 ]; }; \
	if ! java_ok || ! command -v mvn >/dev/null 2>&1; then \
		if [ "$$(id -u)" -ne 0 ]; then \
			echo "kafka-deps: Java 17+ and Maven are needed and installing them needs root:" >&2; \
			echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends openjdk-17-jdk-headless maven" >&2; \
			exit 1; \
		fi; \
		apt-get update && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y --no-install-recommends openjdk-17-jdk-headless maven; \
	fi
	rm -rf "$(KAFKA_LIB)"
	mvn -B -q -f infra/kafka/pom.xml -Dkafka.version=$(KAFKA_VERSION) \
		dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$(KAFKA_LIB)"
	@touch $@

run: install kafka-deps
	$(RUN) devstack run

# Everything `make run` keeps from one run to the next: databases, the Kafka log, mails, logs.
reset:
	rm -rf .data

# Asks e-mail, name and password (or ADMIN_EMAIL, ADMIN_NAME, ADMIN_PASSWORD); writes to
# GATEWAY_DATABASE_URL, else to the database of the running `make run` (.data/gateway-database-url).
admin: install
	$(RUN) gateway-admin

test: install browser-deps kafka-deps
	$(PYTEST) tests/contract tests/support libs services -q
	$(PYTEST) tests/e2e -q -m "not chaos"

# The three-broker fault test: 2-5 minutes on two cores, too many for make test's 15.
chaos: install kafka-deps
	$(PYTEST) tests/e2e -q -m chaos

unit: install
	$(PYTEST) tests/support libs/*/tests/unit services/*/tests/unit -q

integration: install kafka-deps
	$(PYTEST) services/*/tests/integration -q

contract: install
	$(PYTEST) tests/contract -q

e2e: install browser-deps kafka-deps
	$(PYTEST) tests/e2e -q -m "not chaos"

lint: install
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) lint-imports
	$(RUN) mypy contracts/src libs/*/src infra/src services/*/src bench

format: install
	$(RUN) ruff format .
	$(RUN) ruff check --fix .

# BENCH_ARGS: e.g. "--attendees 300 --runs 1 --in-flight 50 --forums-in-flight" for a short try
bench: install kafka-deps
	$(RUN) python -m bench.rush $(BENCH_ARGS)

schemas: install
	$(RUN) contracts-schemas

# New texts of the public site into the gateway's English catalogue (site.po), to translate.
i18n: install
	@mkdir -p .data
	$(RUN) pybabel extract -F services/gateway/babel.cfg --no-location \
		--omit-header -o .data/site.pot services/gateway/src/gateway
	$(RUN) pybabel update -i .data/site.pot -d services/gateway/src/gateway/translations \
		-D site -l en --no-fuzzy-matching --ignore-obsolete -w 100

demo-event: install
	$(RUN) python -m devstack.demo

clean:
	rm -rf .data test-artifacts
