"""The one rule for a pack id: a lowercase slug that stays the same in every edition.

Checked where ids come in: a briefing's source (``pack:``), a pack's manifest, notes files and
the command line. An id is safe as a file name and in a ``PACK:NODE`` reference (no ``:``).
"""

from __future__ import annotations

import re

PACK_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_PACK_ID = 64


def is_pack_id(value: object) -> bool:
    """Whether ``value`` is a well-formed pack id."""
    return (
        isinstance(value, str)
        and len(value) <= MAX_PACK_ID
        and PACK_ID.fullmatch(value) is not None
    )
