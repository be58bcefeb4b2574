PYTHON ?= python3

.PHONY: install test test-slow bench docs clean lint

install:
	$(PYTHON) -m pip install -e ".[dev]"

test:
	$(PYTHON) -m pytest -q -n 2 -p no:cacheprovider

test-slow:
	$(PYTHON) -m pytest -q -n 2 -p no:cacheprovider -m slow

bench:
	$(PYTHON) benchmarks/bench_audit.py

docs:
	$(PYTHON) -m lossaudit docs --out docs --quiet --readme README.md

clean:
	rm -rf build dist *.egg-info .pytest_cache .hypothesis site
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

lint:
	ruff check lossaudit tests benchmarks
