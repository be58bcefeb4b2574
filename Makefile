PYTHON ?= python3

.PHONY: install dev-deps test test-slow bench docs clean lint

install:
	$(PYTHON) -m pip install -e ".[dev]"

# `make test` on a fresh machine after `pip install -e .`: installs the dev extra first when it is missing
dev-deps:
	@$(PYTHON) -c "import pytest, xdist, hypothesis" 2>/dev/null || $(PYTHON) -m pip install --quiet -e ".[dev]"

test: dev-deps
	$(PYTHON) -m pytest -q -n 2 -p no:cacheprovider

test-slow: dev-deps
	$(PYTHON) -m pytest -q -n 2 -p no:cacheprovider -m slow

bench:
	$(PYTHON) benchmarks/bench_audit.py
	$(PYTHON) benchmarks/bench_classes.py

docs:
	$(PYTHON) -m lossaudit docs --out docs --quiet --readme README.md

clean:
	rm -rf build dist *.egg-info .pytest_cache .hypothesis site
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

# ruff; no function graded D or worse (radon's cyclomatic complexity); no module over 420 lines
lint:
	ruff check lossaudit tests benchmarks
	xenon --max-absolute C lossaudit
	@find lossaudit -name '*.py' | xargs wc -l | awk '$$2 != "total" && $$1 > 420 {print "too long: " $$2 " (" $$1 " lines)"; bad = 1} END {exit bad}'
