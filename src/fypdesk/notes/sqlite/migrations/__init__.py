"""Alembic migrations of the notes database, run in-process by :mod:`fypdesk.notes.sqlite.migrate`.

They live inside the package so that wheels and frozen builds carry them.
"""
