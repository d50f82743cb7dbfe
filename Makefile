# Two commands from a fresh clone:
#   make site   build the sample site into site/ (make serve: live preview)
#   make test   run the whole test suite
# Each creates .venv and installs what it needs; nothing else is assumed installed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: site serve intranet offline test validate system-deps node-deps benchmark dist clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

site: $(STAMP)
	$(BIN)/playbook build --strict

serve: $(STAMP)
	$(BIN)/playbook serve

# a site for any plain web server, under any sub-path: make intranet SITE_URL=https://intra.example/playbook/
SITE_URL ?=
intranet: $(STAMP)
	SITE_URL="$(SITE_URL)" $(BIN)/playbook build --strict --config-file mkdocs-intranet.yml --site-dir site-intranet

# a site that works opened from file:// or a zip, search included
offline: $(STAMP)
	$(BIN)/playbook build --strict --config-file mkdocs-offline.yml --site-dir site-offline
	rm -f site-offline.zip
	$(BIN)/python -m zipfile -c site-offline.zip site-offline

validate: $(STAMP)
	$(BIN)/playbook validate --strict

system-deps:
	bash scripts/install-system-deps.sh

# axe-core for the accessibility tests, from the npm registry, kept out of git;
# without npm the accessibility tests are skipped, and under CI (CI set) this step fails
AXE_JS := .cache/npm/node_modules/axe-core/axe.min.js
node-deps:
	@if [ -f "$(AXE_JS)" ]; then :; \
	elif ! command -v npm >/dev/null 2>&1; then \
	    if [ -n "$$CI" ]; then echo "error: npm not found, so axe-core cannot be installed (install Node.js and npm: apt-get install npm); CI is set, so this is an error" >&2; exit 1; fi; \
	    echo "note: npm not found (apt-get install npm); accessibility tests will be skipped"; \
	elif ! npm install --silent --no-audit --no-fund --prefix .cache/npm axe-core@4 >/dev/null; then \
	    if [ -n "$$CI" ]; then echo "error: npm could not install axe-core; CI is set, so this is an error" >&2; exit 1; fi; \
	    echo "warning: npm could not install axe-core; accessibility tests will be skipped"; \
	fi

# some tests run `python -m mkdocs` as users do; NO_MKDOCS_2_WARNING keeps Material's
# multi-line end-of-life banner (2027-05-05) out of their output (playbook build says it in one line)
test: $(STAMP) system-deps node-deps
	NO_MKDOCS_2_WARNING=1 $(BIN)/python -m pytest

# the wheel and the sdist, checked as the package index would
dist: $(STAMP)
	rm -rf dist
	$(BIN)/python -m build --outdir dist
	$(BIN)/twine check --strict dist/*

clean:
	rm -rf site site-intranet site-offline site-preview site-offline.zip dist .cache
