# The README's two commands: `make demo` and `make test`. Both work on a fresh machine
# with Python 3.10+, Node.js 20 and npm.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: demo test test-apps lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip

$(VENV)/.base: $(BIN)/python pyproject.toml
	$(PIP) install -e .
	touch $@

$(VENV)/.test: $(BIN)/python pyproject.toml
	$(PIP) install -e '.[test]'
	touch $@ $(VENV)/.base

demo: $(VENV)/.base
	@echo "== nodeward scan examples/insecure-express --advisories examples/advisories =="
	@echo "   (a deliberately insecure demo app; 64 real GHSA records make the dependency audit work offline)"
	@$(BIN)/nodeward scan examples/insecure-express --advisories examples/advisories --no-cache; status=$$?; \
	  if [ $$status -gt 1 ]; then exit $$status; fi; \
	  echo; echo "(exit code $$status: 1 means findings at or above --fail-on, as expected for this app)"

test-apps:
	./scripts/install-test-apps.sh

# pytest's exit code 5 ("no tests collected") is not a failure; lint runs after the suite.
test: $(VENV)/.test test-apps
	@$(BIN)/python -m pytest; status=$$?; \
	  if [ $$status -ne 0 ] && [ $$status -ne 5 ]; then exit $$status; fi
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

lint: $(VENV)/.test
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

bench: $(VENV)/.test
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
