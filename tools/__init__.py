"""Developer tools run from the checkout (icons, metainfo, venv bootstrap, frozen-app check)."""
