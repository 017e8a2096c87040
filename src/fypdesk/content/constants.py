"""Facts shared by the content build and the reader, kept free of heavy imports."""

#: Bumped whenever the tables change shape; the reader refuses a database of another version.
SCHEMA_VERSION = 1

#: Application id in the SQLite header, so ``file`` and the reader can tell our databases apart.
APPLICATION_ID = 0x46595044  # "FYPD"

#: The years a source may state: from 1900 (a briefing may look back at the first plans, or at
#: the statistics of Republican China) to 2100.
MIN_YEAR, MAX_YEAR = 1900, 2100

WORDS_TABLE = "search_words"
TRIGRAM_TABLE = "search_trigram"
