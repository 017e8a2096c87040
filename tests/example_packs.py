"""The fictional briefing of docs/content-format.md's worked example, in two editions.

``tests/data/packs/examplia/`` is the guide's worked example, file for file (a test checks that
the guide shows these very files): the Republic of Examplia's plan for two imaginary industries,
with a publisher's own kind of section ("obstacles"), amounts converted into US dollars,
European thousands, a range, and a target year the source states and one it does not.

``tests/data/packs/examplia-edition-2/`` is its next edition, for the tests of new editions
(notes carried across): the same pack id, a higher ``content_version``, and exactly
:data:`CHANGED_WORDING` (two wordings), :data:`CHANGED_NUMBER` (one number) and
:data:`DELETED_ITEM` (one item, with the target under it) changed.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from fypdesk.content.build import build_database
from tests.conftest import REPO_ROOT

if TYPE_CHECKING:
    from fypdesk.content.identity import BriefingChoice

PACKS_DIR = REPO_ROOT / "tests" / "data" / "packs"
#: The authored source of each edition.
EXAMPLIA = PACKS_DIR / "examplia"
EXAMPLIA_EDITION_2 = PACKS_DIR / "examplia-edition-2"

PACK_ID = "examplia-imaginary-industries"
EDITIONS = ("2026-03.1", "2026-03.2")

#: Nodes whose wording edition 2 changes: an obstacle's quote, and the Fog Energy plan's key
#: message (its text and its quote).
CHANGED_WORDING = ("sky-rail/obstacles/northern-fog", "fog-energy")
#: The target whose number edition 2 changes (at least 40 new stations become 45).
CHANGED_NUMBER = "sky-rail/targets/new-stations"
#: The item edition 2 deletes, and the target under it, which goes with it.
DELETED_ITEM = "fog-energy/objectives/research-institutes"
DELETED_TARGET = "fog-energy/targets/research-institutes"


def build_examplia(folder: Path, edition: int = 1) -> Path:
    """Build edition 1 or 2 with the real builder into ``folder``; the pack file's path (its
    checksum sidecar beside it)."""
    source = {1: EXAMPLIA, 2: EXAMPLIA_EDITION_2}[edition]
    out = folder / f"examplia-{edition}.fypack"
    build_database(source, out)
    return out


def bundled_and_examplia(folder: Path) -> list[BriefingChoice]:
    """A library in ``folder`` of the bundled briefing and Examplia's first edition, installed
    by the real code, as the window lists it."""
    from fypdesk.content.identity import BriefingChoice
    from fypdesk.content.install import install_pack
    from fypdesk.content.library import Library
    from tests.conftest import CONTENT_DB

    library = Library.open(folder / "library", CONTENT_DB)
    install_pack(library, build_examplia(folder, 1))
    return [BriefingChoice.of(pack) for pack in Library.open(library.folder, CONTENT_DB).packs()]
