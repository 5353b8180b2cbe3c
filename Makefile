# kohapay — `make run` (demo on SQLite) and `make test` (suite on real MariaDB) are the README's
# two commands; both work on a fresh Debian machine with Python 3.11.
PYTHON_BOOT ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
DEMO_ENV := KOHAPAY_DEBUG=1 DATABASE_URL=
DEMO_DB := var/kohapay-demo.sqlite3
TEST_DATABASE_URL ?= $(or $(DATABASE_URL),mysql://root@127.0.0.1:3306/kohapay)
DEMO_DAYS ?= 45
DEMO_PER_DAY ?= 60

.PHONY: run test demo-db bench bench-data chaos lint schema clean

$(VENV)/.installed: requirements.txt
	tools/ensure-system-packages build
	test -x $(PY) || $(PYTHON_BOOT) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(DEMO_DB): | $(VENV)/.installed
	$(DEMO_ENV) $(PY) manage.py koha_schema create
	$(DEMO_ENV) $(PY) manage.py migrate --noinput -v0
	$(DEMO_ENV) $(PY) manage.py seed_demo --days $(DEMO_DAYS) --per-day $(DEMO_PER_DAY) --unpaid-fines 4

demo-db: $(DEMO_DB)

run: $(VENV)/.installed $(DEMO_DB)
	$(DEMO_ENV) $(PY) manage.py migrate --noinput -v0
	@echo
	@echo "kohapay demo: http://127.0.0.1:8000/  (dashboard /registers/, API docs /api/v1/docs/, admin /admin/)"
	@cat var/demo-credentials.txt 2>/dev/null || true
	@echo
	$(DEMO_ENV) $(PY) manage.py runserver 127.0.0.1:8000

test: $(VENV)/.installed
	tools/ensure-system-packages mariadb browser
	DATABASE_URL=$(TEST_DATABASE_URL) $(PY) -m pytest $(PYTEST_ARGS)

# Benchmarks (docs/performance.md, "How to run the benchmarks"): `make bench-data` seeds the dashboard databases once (minutes
# for 5m lines); `make bench` measures everything and writes docs/benchmarks.md.
BENCH_ARGS ?=
BENCH_SIZES ?= 100k 1m 5m

bench: export BENCH_INVOKED_AS = make bench$(if $(BENCH_ARGS), BENCH_ARGS="$(BENCH_ARGS)")
bench: $(VENV)/.installed
	tools/ensure-system-packages mariadb
	$(PY) -m tools.bench.run $(BENCH_ARGS)

bench-data: $(VENV)/.installed
	tools/ensure-system-packages mariadb
	$(PY) -m tools.bench.seed $(BENCH_SIZES)

# `make chaos` (docs/operations.md): restarts this machine's MariaDB in the middle of a burst of
# intakes and proves nothing was lost or doubled. Never in CI, never while others use the server.
CHAOS_ARGS ?=

chaos: $(VENV)/.installed
	tools/ensure-system-packages mariadb
	$(PY) tools/chaos.py $(CHAOS_ARGS)

schema: $(VENV)/.installed
	$(DEMO_ENV) $(PY) manage.py spectacular --skip-checks --validate --fail-on-warn --file var/openapi.yaml

clean:
	rm -rf var/kohapay-demo.sqlite3 var/demo-credentials.txt
