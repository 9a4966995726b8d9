# The newcomer contract: `make report` and `make test` work on a fresh clone with only Python and make.
PYTHON ?= python3
EDITION ?= afml-13
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# The Dagster instance home: embedded SQLite in .dagster/, or PostgreSQL when AFML_DAGSTER_PG_URL is set.
export DAGSTER_HOME := $(if $(AFML_DAGSTER_PG_URL),$(CURDIR)/.dagster-pg,$(CURDIR)/.dagster)
export PYTHONHASHSEED := 0

.PHONY: setup report test ui questionnaire bench lock clean help preview
help:
	@echo "make report [EDITION=afml-13] [FORCE=1] [STRICT=1]  build outputs/<edition>/report.html and report.pdf"
	@echo "make test                      run the whole test suite"
	@echo "make ui                        Dagster UI, sensors and schedules on http://127.0.0.1:3000"
	@echo "make questionnaire EDITION=..  write the questionnaire workbooks (en, id, vi) and the XLSForm of an edition"
	@echo "  [RESPONDENT=<id>|all] [LOCALE=id]  one workbook per respondent, their details filled in"
	@echo "make bench                     scale and build benchmarks"
	@echo "make preview [EDITION=..] [PORT=8000]  live HTML preview on http://127.0.0.1:8000, rebuilt when sources/ or templates/ change"

setup: $(STAMP)
$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

report: $(STAMP)
	$(BIN)/python -m pipelines build --edition $(EDITION) $(if $(FORCE),--force,) $(if $(STRICT),--strict,)

test: $(STAMP)
	$(BIN)/python -m pytest

# The webserver and the daemon (sensors, schedules, run queue), as `dagster dev` starts them, without its
# deprecation notice (it is superseded by the separate `dg` tool); Ctrl-C stops both.
UI_PORT ?= 3000
ui: $(STAMP)
	@$(BIN)/dagster-daemon run -w workspace.yaml & daemon=$$!; \
	trap 'kill $$daemon 2>/dev/null; wait $$daemon' EXIT INT TERM; \
	$(BIN)/dagster-webserver -w workspace.yaml -h 127.0.0.1 -p $(UI_PORT)

questionnaire: $(STAMP)
	$(BIN)/python -m pipelines questionnaire --edition $(EDITION) $(if $(RESPONDENT),--respondent $(RESPONDENT),) $(if $(LOCALE),--language $(LOCALE),)

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

PORT ?= 8000
preview: $(STAMP)
	$(BIN)/python -m pipelines preview --edition $(EDITION) --port $(PORT)

# Re-pin after changing pyproject.toml dependencies (needs the package registry).
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet -e '.[test]' wheel
	( echo '# Pinned environment of the project: exact versions only (regenerate with `make lock`).'; \
	  .lock-venv/bin/python -m pip freeze --all --exclude-editable | grep -v -E '^(pip)==' | sort -f ) > requirements.lock
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) outputs/*/builds outputs/.cache
