"""Facts about the notes database that readers need without importing SQLAlchemy."""

#: The ``store_meta`` key of the counter every write transaction increments.
REVISION_KEY = "revision"

#: The Alembic revision of the newest notes schema (the head of :mod:`fypdesk.notes.migrations`;
#: a test keeps the two equal). Lets a caller see that a store is current without importing
#: Alembic, whose script directory costs a noticeable part of start-up to load.
HEAD_REVISION = "0004"
