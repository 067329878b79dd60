PY ?= .venv/bin/python

help:  ## list targets
	@grep -E '^[a-z-]+:.*##' Makefile | sed 's/:.*##/\t/'

install:  ## create .venv with every extra and the test tools
	python3 -m venv .venv && .venv/bin/pip install -q -e '.[dev,docs]'

demo:  ## run the seed example
	$(PY) examples/01_seed_runtime.py

lint:  ## ruff
	$(PY) -m ruff check src tests

test:  ## the README's test command
	$(PY) -m pytest -q

bench:  ## LangGraph vs stategraph (needs .venv-bench, see bench/README.md)
	.venv-bench/bin/python -m bench.run --quick

check: lint test docs  ## what CI runs

docs:  ## build the documentation site, strict (the docs extra, in the README's test venv)
	NO_MKDOCS_2_WARNING=1 $(PY) -m mkdocs build --strict --site-dir build/site

docs-serve:  ## preview the documentation site on http://127.0.0.1:8000
	NO_MKDOCS_2_WARNING=1 $(PY) -m mkdocs serve

.PHONY: help install demo lint test bench check docs docs-serve
