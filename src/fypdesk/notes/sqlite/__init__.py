"""The notes kept in one SQLite file on this machine: the local backend of
:class:`fypdesk.notes.interface.NotesStore`.

:class:`fypdesk.notes.sqlite.backend.SqliteNotes` is the store the window and the commands use;
the modules beside it are its machinery: the opener (:mod:`.store`: create, check, repair,
migrate), backups and recovery, the write-ahead-log checks, the idle-time upkeep, the search
index, the JSON exchange and the plain-``sqlite3`` snapshot reader that ``fypdesk export`` uses to
avoid importing SQLAlchemy. A second backend (a team's server) sits beside this package, not in it.
"""
