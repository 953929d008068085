# One command for the main job (make demo) and one for all the tests (make test); both set up.
VENV := .venv/bin

.PHONY: demo test setup-system setup lint typecheck pytest bench catalogs

demo:
	bash scripts/setup-python.sh default
	$(VENV)/takehome demo --out demo-handout.pdf

setup-system:
	bash scripts/setup-system.sh

setup: setup-system
	bash scripts/setup-python.sh dev

lint: setup
	$(VENV)/ruff check .

typecheck: setup
	$(VENV)/mypy

pytest: setup
	QT_QPA_PLATFORM=offscreen $(VENV)/python -m pytest -q -p no:cacheprovider

test: setup lint typecheck pytest

# after changing a translatable string: re-extract, keep translations, compile (Babel)
catalogs:
	$(VENV)/python scripts/update_catalogs.py

bench: setup
	$(VENV)/python benchmarks/bench_handout.py
