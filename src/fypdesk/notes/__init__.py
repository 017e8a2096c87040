"""The user's notes database: schema, migrations, repository, search, backups and exchange.

Everything the user writes lives here, apart from the read-only content. Nothing in this package
imports Qt; the window reaches it through :class:`fypdesk.notes.sqlite.repository.NotesRepository`.
"""
