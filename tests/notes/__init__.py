"""Tests of the notes store (a package, so its conftest does not clash with the top-level one)."""
