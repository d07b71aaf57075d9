# Two commands: `make run` (demo portal on 127.0.0.1:8000) and `make test` (the whole suite).
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test install sysdeps lint format bench totp worker beat messages

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

sysdeps:
	@bash scripts/ensure-system-packages.sh

run: install sysdeps
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: install sysdeps
	$(BIN)/ruff check .
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix . && $(BIN)/ruff format .

# Benchmarks on PostgreSQL (the scale data set is generated once, ~3 min): `make bench`, or one of them
# at a time: `make bench BENCH=pages`; `BENCH="--scale tiny"` for a quick run.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/bench_db
bench: install sysdeps
	DATABASE_URL=$${DATABASE_URL:-$(BENCH_DATABASE_URL)} $(BIN)/python -m bench $(BENCH)

totp: install
	@$(BIN)/python manage.py demo_totp

worker: install
	$(BIN)/celery -A openbanking_portal worker -l info

beat: install
	$(BIN)/celery -A openbanking_portal beat -l info

messages: install
	$(BIN)/python manage.py makemessages -l en --ignore '.venv/*' && $(BIN)/python manage.py compilemessages --ignore '.venv/*'
