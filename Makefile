# One command for the main job (make demo) and one for all the tests (make test); both set up.
VENV := .venv/bin

.PHONY: demo test setup-system setup lint typecheck pytest pytest-napari bench bench-resources catalogs wheel-test

# the demo OCRs burned-in text (tesseract, a Debian package): set up the system packages too
demo: setup-system
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

# Widgets run offscreen; napari needs OpenGL, so its tests (marker "napari") run in a virtual X server.
# napari's pytest plugin (make_napari_viewer) is only loaded for those.
pytest: setup
	QT_QPA_PLATFORM=offscreen $(VENV)/python -m pytest -q -p no:cacheprovider -p no:napari -m "not napari"
	$(MAKE) --no-print-directory pytest-napari

pytest-napari: setup
	xvfb-run -a -s "-screen 0 1600x1000x24" env QT_QPA_PLATFORM=xcb \
		$(VENV)/python -m pytest -q -p no:cacheprovider -m napari tests/plugin/napari_host

# a wheel built from the tree installs in a clean venv and `takehome demo` works from it
wheel-test: setup
	bash scripts/wheel-test.sh

test: setup lint typecheck pytest wheel-test

# after changing a translatable string: re-extract, keep translations, compile (Babel)
catalogs:
	$(VENV)/python scripts/update_catalogs.py

bench: setup
	$(VENV)/python benchmarks/bench_handout.py

# memory and time at 1/10/40 key images from one multi-frame file, and the glossary merge
bench-resources: setup
	$(VENV)/python benchmarks/bench_resources.py
