# The commands a newcomer needs: `make demo` (offline), `make digest` and `make test`.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
# python3.13 from pyenv where it exists (the Lambda runtime), else python3 (3.11+).
BASE_PYTHON ?= $(shell p=$$(pyenv prefix 3.13.0 2>/dev/null) && [ -x "$$p/bin/python3" ] && echo "$$p/bin/python3" || echo python3)
DATE ?=
ARGS ?=

.PHONY: demo digest test lint typecheck unit bench golden clean chirpy chirpy-assets chirpy-screenshots weekly-chart

# GitHub's official OpenAPI description, to check the local GitHub server and our requests against it.
OPENAPI_SPEC := .cache/octokit-openapi/node_modules/@octokit/openapi/generated/api.github.com.json

# Two steps: what the digest needs at run time (demo, digest), then the dev tools (test, lint, bench).
PIP := $(PY) -m pip install -q --disable-pip-version-check --no-compile

$(VENV)/.runtime: pyproject.toml
	@test -x $(PY) || $(BASE_PYTHON) -m venv $(VENV)
	$(PIP) -e .
	@touch $@

$(VENV)/.installed: $(VENV)/.runtime
	$(PIP) -e '.[dev]'
	@touch $@

digest: $(VENV)/.runtime
	$(VENV)/bin/hf-digest run $(if $(DATE),--date $(DATE)) $(ARGS)

# A recorded day's post from a local Hugging Face look-alike (demo/hf-samples), no network: out/demo/.
demo: $(VENV)/.runtime
	@$(PY) demo/run.py $(if $(DATE),--date $(DATE)) $(ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check handler tests bench demo
	$(VENV)/bin/ruff format --check handler tests bench demo

typecheck: $(VENV)/.installed
	$(VENV)/bin/mypy

unit: $(VENV)/.installed
	$(VENV)/bin/pytest -q tests/unit

$(OPENAPI_SPEC):
	npm install --prefix .cache/octokit-openapi --no-save --no-audit --no-fund @octokit/openapi@23.0.2

# The real Chirpy theme (npm holds the whole theme), built by tests/integration/test_chirpy.py with Debian's
# jekyll and its ruby-jekyll-* plugins.
CHIRPY_THEME := .cache/chirpy/jekyll-theme-chirpy-5.3.21.tgz

$(CHIRPY_THEME):
	mkdir -p $(dir $@) && cd $(dir $@) && npm pack --silent jekyll-theme-chirpy@5.3.21 >/dev/null

chirpy: $(CHIRPY_THEME)

test: lint typecheck $(OPENAPI_SPEC) $(CHIRPY_THEME)
	$(VENV)/bin/pytest -q $(ARGS)

# What Chirpy loads from CDNs, from npm for its self-hosted mode (_data/assets/self_host.yml): the
# screenshots copy them into the site, so the pages look as a reader sees them with no network.
CHIRPY_ASSET_PACKAGES := bootstrap@4.6.1 @fortawesome/fontawesome-free@5.15.4 jquery@3.6.0 dayjs@1.10.7 \
	lozad@1.16.0 magnific-popup@1.1.0 clipboard@2.0.9 simple-jekyll-search@1.10.0 \
	@fontsource/lato@5.3.0 @fontsource/source-sans-pro@5.3.0
CHIRPY_ASSETS := .cache/chirpy-assets/.fetched

$(CHIRPY_ASSETS): Makefile
	mkdir -p $(dir $@) && cd $(dir $@) && npm pack --silent $(CHIRPY_ASSET_PACKAGES) >/dev/null
	@touch $@

chirpy-assets: $(CHIRPY_ASSETS)

# docs/chirpy-home.png and docs/chirpy-post.png: a few recorded days on the Chirpy theme, in Chromium.
chirpy-screenshots: $(VENV)/.installed $(CHIRPY_THEME) $(CHIRPY_ASSETS)
	$(PY) -m bench.chirpy_screenshots

# docs/weekly-chart.png: a recorded week's topic chart (the SVG beside its post), in headless Chromium.
weekly-chart: $(VENV)/.installed
	$(PY) -m bench.weekly_chart

# Benchmarks of the built function (sam build first): requests, cold start, memory, layer size, cost.
bench: $(VENV)/.installed
	bash .ci/sam-checks
	$(VENV)/bin/python -m bench.run --write docs/performance.md

golden: $(VENV)/.installed
	UPDATE_GOLDEN=1 $(VENV)/bin/pytest -q tests/unit/test_golden.py

# out/ is the local destination's folder of posts: kept; delete it yourself (`rm -rf out`) if you mean to.
clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .aws-sam
