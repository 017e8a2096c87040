"""Run the notes database's Alembic migrations in-process."""

from __future__ import annotations

from collections.abc import Callable

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

#: Where Alembic finds the scripts: a package resource, so installed and frozen builds work too.
SCRIPT_LOCATION = "fypdesk.notes.sqlite:migrations"


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    return config


def head_revision() -> str:
    """The newest schema revision this fypdesk knows."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships its migrations
        raise RuntimeError("the notes migrations are missing from this installation")
    return head


def known_revisions() -> tuple[str, ...]:
    """Every schema revision, oldest first."""
    script = ScriptDirectory.from_config(_config())
    return tuple(reversed([rev.revision for rev in script.walk_revisions()]))


def current_revision(engine: Engine) -> str | None:
    """The database's schema revision, or ``None`` for a database that was never migrated."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to ``revision`` (default: the newest), in one transaction."""
    _run(engine, lambda config: command.upgrade(config, revision))


def downgrade(engine: Engine, revision: str) -> None:
    """Take the database back to ``revision`` (``"base"`` for empty); for tests and support."""
    _run(engine, lambda config: command.downgrade(config, revision))


def _run(engine: Engine, action: Callable[[Config], None]) -> None:
    with engine.connect() as connection:
        config = _config()
        config.attributes["connection"] = connection
        action(config)
        # env.py commits its own transaction; nothing is left open here.
        if connection.in_transaction():  # pragma: no cover - defensive
            connection.commit()
