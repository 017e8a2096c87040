"""Facts about the notes database that readers need without importing SQLAlchemy."""

#: The ``store_meta`` key of the counter every write transaction increments.
REVISION_KEY = "revision"
