# fypdesk: `make run` opens the app, `make test` runs lint and the whole suite.
# Both create .venv when it is missing or older than pyproject.toml.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint pytest pytest-core db bench dist dist-check install-desktop clean

$(STAMP): pyproject.toml tools/bootstrap_venv.py
	$(PYTHON) tools/bootstrap_venv.py $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/fypdesk gui

lint: $(STAMP)
	$(BIN)/ruff check src tests tools benchmarks
	$(BIN)/ruff format --check src tests tools benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

pytest: $(STAMP)
	$(BIN)/python -m pytest

# The core's tests again with PySide6 unimportable: nothing outside fypdesk.ui may need Qt.
pytest-core: $(STAMP)
	$(BIN)/python tools/pytest_without_qt.py

test: lint pytest pytest-core

# Rebuild the bundled database from data/source (commit both).
db: $(STAMP)
	$(BIN)/fypdesk build-db data/source -o data/fyp.db

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m benchmarks.run

# The frozen one-folder app in dist/fypdesk/, built with the venv's PySide6.
dist: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dist]'
	$(BIN)/python tools/render_icons.py build/icons
	$(BIN)/pyinstaller --noconfirm --clean --log-level WARN \
		--distpath dist --workpath build/pyinstaller packaging/fypdesk.spec

dist-check:
	$(BIN)/python tools/dist_check.py

# Menu entry, icon and AppStream metadata for the current user, running this checkout's venv.
# SCREENSHOTS_URL=https://... adds the screenshots served there to the metadata (tools/metainfo.py).
SCREENSHOTS_URL ?=
DESKTOP_ID := org.fypdesk.FypDesk
XDG_DATA := $(or $(XDG_DATA_HOME),$(HOME)/.local/share)
install-desktop: $(STAMP)
	$(BIN)/python tools/render_icons.py build/icons
	mkdir -p $(XDG_DATA)/applications $(XDG_DATA)/metainfo $(XDG_DATA)/icons
	sed 's|^Exec=fypdesk|Exec=$(abspath $(BIN))/fypdesk|' packaging/linux/$(DESKTOP_ID).desktop \
		> $(XDG_DATA)/applications/$(DESKTOP_ID).desktop
	$(BIN)/python tools/metainfo.py --screenshots-url "$(SCREENSHOTS_URL)" \
		$(XDG_DATA)/metainfo/$(DESKTOP_ID).metainfo.xml
	cp -r build/icons/hicolor $(XDG_DATA)/icons/
	-update-desktop-database $(XDG_DATA)/applications 2>/dev/null

clean:
	rm -rf $(VENV) build dist .mypy_cache .pytest_cache .ruff_cache

# The reliability suites with the large counts: 1,000 kills per crash case, 200 seeds per
# corruption case, thousands of hostile inputs (about half an hour). Figures:
# build/reliability/figures.json, and docs/reliability.md.
.PHONY: soak
soak: $(STAMP)
	SOAK=1 $(BIN)/python -m pytest tests/reliability -q -o faulthandler_timeout=0
