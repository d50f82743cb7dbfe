# Two commands from a fresh clone:
#   make site   build the sample site into site/ (make serve: live preview)
#   make test   run the whole test suite
# Each creates .venv and installs what it needs; nothing else is assumed installed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: site serve test validate system-deps benchmark clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

site: $(STAMP)
	$(BIN)/playbook build --strict

serve: $(STAMP)
	$(BIN)/playbook serve

validate: $(STAMP)
	$(BIN)/playbook validate --strict

system-deps:
	bash scripts/install-system-deps.sh

test: $(STAMP) system-deps
	NO_MKDOCS_2_WARNING=1 $(BIN)/python -m pytest

clean:
	rm -rf site .cache
