"""Facts shared by the content build and the reader, kept free of heavy imports."""

import re

#: Bumped whenever the tables change shape. 2: a quantity's equivalent in a currency other than
#: the euro (the ``equivalent_*`` columns of ``quantities``).
SCHEMA_VERSION = 2
#: The versions the reader opens: every pack built since packs exist (a schema-1 pack has no
#: equivalents but the euro's). Any other is refused.
READABLE_SCHEMA_VERSIONS = (1, 2)

#: Application id in the SQLite header, so ``file`` and the reader can tell our databases apart.
APPLICATION_ID = 0x46595044  # "FYPD"

#: The years a source may state: from 1900 (a briefing may look back at the first plans, or at
#: the statistics of Republican China) to 2100.
MIN_YEAR, MAX_YEAR = 1900, 2100

WORDS_TABLE = "search_words"
TRIGRAM_TABLE = "search_trigram"

#: Characters no text of a briefing may hold: the C0 controls other than tab and line feed, DEL,
#: the C1 controls, and the bidi embeddings, overrides and isolates (U+202A-U+202E,
#: U+2066-U+2069). A stray one is a paste accident at best; at worst it makes a title read
#: backwards ("evil\u202etxt.exe") or drives a terminal. The source validator refuses them
#: (content/records.py) and so does the check of a built pack (content/integrity.py). The marks
#: that only set a direction (U+200E, U+200F) and the characters of every script are allowed.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

#: A publisher's own kind of section (beside the built-in ones, ``SectionKind``): lowercase words
#: and digits joined by hyphens, ``obstacles`` or ``risk-factors``, at most this long.
OWN_SECTION_KIND = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_SECTION_KIND = 40
