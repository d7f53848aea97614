# The two commands of README: `make run` and `make test`. Everything else is a helper of those.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DB ?= $(or $(SHEKARA_DB),data/shekara.duckdb)
GEO := data/geo/regions.geojson
APT_PACKAGES := chromium libreoffice-impress fonts-crosextra-carlito fonts-dejavu-core fonts-noto-core poppler-utils

.PHONY: run test check lint typecheck bench venv dev system-deps geodata demo clean

run: venv geodata demo  ## create the venv, build reference data and the demo DB, start the app on 127.0.0.1:8501
	SHEKARA_DB=$(DB) $(VENV)/bin/streamlit run dashboard.py --server.address 127.0.0.1 --server.port 8501

test: dev system-deps geodata  ## install everything the tests need, then run the whole suite
	$(PY) -m pytest -n 2 --timeout 900 $(PYTEST_ARGS)

check: dev lint typecheck test

lint: dev
	$(VENV)/bin/ruff check analytics pages bench tests dashboard.py scripts

typecheck: dev
	$(VENV)/bin/mypy analytics

bench: venv geodata
	$(PY) -m bench --rows $(or $(ROWS),1000000)

venv: $(VENV)/.installed
$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	touch $@

dev: $(VENV)/.installed-dev
$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

system-deps:  ## Debian packages for browser tests, slide rendering and PDF conversion
	@bash scripts/install_system_deps.sh $(APT_PACKAGES)

# The built geometry is committed (small); it is rebuilt from the npm package only when missing.
geodata: | venv
	@test -f $(GEO) || $(PY) scripts/build_geodata.py --out $(GEO)

demo: venv geodata
	@if [ ! -f "$(DB)" ]; then $(PY) -m analytics demo --db $(DB) --years 3 --seed 7; fi

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
