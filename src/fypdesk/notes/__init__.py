"""The user's notes: the interface every caller uses, and its backends.

Everything the user writes lives here, apart from the read-only content. The window, the commands
and the brief export read and write notes only through :mod:`fypdesk.notes.interface`, which
speaks domain types; :mod:`fypdesk.notes.sqlite` is the backend that keeps them in one SQLite file
on this machine. Nothing in this package imports Qt.
"""
