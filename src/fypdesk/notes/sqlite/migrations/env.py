"""Alembic environment for the notes database.

Run only in-process: the caller passes an open connection in ``config.attributes["connection"]``.
Unlike Alembic's template, this never calls ``logging.config.fileConfig``, which would disable the
application's loggers.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from fypdesk.notes.sqlite.schema import Base


def _run() -> None:
    connection = context.config.attributes.get("connection")
    if not isinstance(connection, Connection):
        raise RuntimeError("notes migrations run in-process only, on a connection the store passes")
    # SQLite cannot ALTER most things in place; batch mode copies tables instead.
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


_run()
