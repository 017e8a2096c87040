"""Facts about the notes database that readers need without importing SQLAlchemy."""

#: The ``store_meta`` key of the counter every write transaction increments.
REVISION_KEY = "revision"
#: The counter starts again at 1 past this (it only has to change; SQLite would turn an overflow
#: into a float, and Python's driver refuses integers past 2**63 - 1).
REVISION_WRAP = 1 << 62


def as_revision(value: object) -> int | None:
    """A stored revision as a usable count, or ``None`` when the stored value is not one (a
    damaged or crafted row: the store then treats its notes as changed since every backup)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if value != value or not 0 <= value <= REVISION_WRAP:  # NaN, negative, huge
        return None
    return int(value)


#: The Alembic revision of the newest notes schema (the head of
#: :mod:`fypdesk.notes.sqlite.migrations`;
#: a test keeps the two equal). Lets a caller see that a store is current without importing
#: Alembic, whose script directory costs a noticeable part of start-up to load.
HEAD_REVISION = "0005"
