# The two set-up commands: `make dev` and `make test`. Nothing else needs to be installed or running.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install dev test test-clock check lint format bench clean lock i18n

$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

## make dev: install, start PostgreSQL and Redis (embedded unless DATABASE_URL/REDIS_URL are set),
## migrate, load demo data into an empty database, serve http://127.0.0.1:8000 with a worker.
dev: install
	$(BIN)/disputes dev

check: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m service.i18n_check

## make i18n: the message ids of the code and templates into service/locales/messages.pot, merged into each
## locale's messages.po (new ids come in empty: translate them; `make check` lists any left), and the
## catalog of the code's own (Chinese, English) texts regenerated. The .po files are read as they are: no compile step.
I18N_KEYWORDS := --no-default-keywords -k _ -k N_ -k gettext:2 -k ngettext:2,3
i18n: install
	$(BIN)/pybabel extract -F babel.cfg $(I18N_KEYWORDS) --add-location=file --sort-by-file \
		--project=quality-disputes --version=0.1 -o service/locales/messages.pot .
	$(BIN)/python -m service.i18n_check --tables-into service/locales/messages.pot
	$(BIN)/pybabel update -i service/locales/messages.pot -d service/locales -D messages --no-fuzzy-matching
	$(BIN)/python -m service.i18n_check --update

## make test: the checks, then the whole suite (embedded servers unless the URLs are set).
test: check
	$(BIN)/python -m pytest

## make test-clock: the API and integration tests under shifted clocks (libfaketime, own embedded servers):
## 16:30 UTC on this month's last day (already tomorrow in Shanghai) and in a year chinesecalendar does not know.
test-clock: install
	$(BIN)/python -m tests.support.clock_matrix

## make bench: benchmarks under tests/bench; each prints its figures.
bench: install
	BENCH=1 $(BIN)/python -m pytest tests/bench -s -p no:randomly

## make lock: re-pin the dependencies after changing pyproject.toml (every install uses requirements.lock)
lock: install
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^quality-disputes' > requirements.lock

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
