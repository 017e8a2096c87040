"""What Install briefing… and Remove briefing… say: each question and report, in a sentence.

Pure functions of the library's results (no Qt), kept apart from the actions so the wording can be
read, tested and (with [i18n]) translated in one place.
"""

from __future__ import annotations

from fypdesk.content.install import InstallResult, PackNotNewerError, RemoveResult
from fypdesk.content.library import Library, Pack
from fypdesk.domain.errors import FypdeskError


def pack_label(pack: Pack) -> str:
    """A pack as the user chooses it: its title and edition."""
    built_in = " (built into fypdesk)" if pack.bundled else ""
    return f"{pack.manifest.title} — edition {pack.edition}{built_in}"


def installed_text(result: InstallResult) -> str:
    """What an install did, in a sentence."""
    pack, previous = result.pack, result.previous
    title, edition = f"“{pack.manifest.title}”", pack.edition
    if result.restored:
        return f"{title}, edition {edition}, built into fypdesk, is shown again."
    if previous is None:
        return f"Installed {title}, edition {edition}."
    if previous.edition == edition:
        return f"Installed {title}, edition {edition}, again."
    built_in = "the built-in " if previous.bundled else ""
    return f"Replaced {built_in}edition {previous.edition} of {title} by edition {edition}."


def removed_text(result: RemoveResult, title: str) -> str:
    """What a remove did, in a sentence or two (``title``: the pack's, as it was chosen)."""
    kept = "Your notes on it are kept, and come back if it is installed again."
    if result.hidden is not None:
        done = f"Hid “{title}”, which is built into fypdesk (hidden, not deleted)."
        if result.removed_file is not None:
            done = (
                f"Removed the installed copy of “{title}” and hid the edition built into"
                " fypdesk (hidden, not deleted)."
            )
        # The bundled file is part of the app, so the user is told where to find it again.
        return f"{done} {kept} To show it again, install {result.hidden.path}."
    if result.shown is not None:
        return (
            f"Removed “{title}”; edition {result.shown.edition}, built into fypdesk, is shown"
            f" again. {kept}"
        )
    return f"Removed “{title}” from the library. {kept}"


def remove_question(library: Library, pack: Pack) -> str:
    """The question asked before ``pack`` is removed: what happens to it and to the notes."""
    kept = "Your notes, stars and tags on it are kept, and come back if it is installed again."
    name = f"“{pack.manifest.title}”, edition {pack.edition}"
    if pack.bundled:
        return (
            f"Hide {name}?\n\nIt is built into fypdesk, so it is hidden, not deleted: installing"
            f" its file again shows it. {kept}"
        )
    bundled = library.bundled
    if bundled is not None and bundled.id == pack.id and pack.id not in library.hidden:
        kept += f" Edition {bundled.edition}, built into fypdesk, is shown again."
    return f"Remove {name} from the library?\n\nIts file is deleted. {kept}"


def not_newer_question(refusal: PackNotNewerError) -> str:
    """The question asked before an older or equal edition replaces the one shown."""
    shown = refusal.shown
    where = "built into fypdesk" if shown.bundled else "installed"
    name = f"“{refusal.title}”"
    if refusal.edition == shown.edition:
        return (
            f"Edition {refusal.edition} of {name} is {where} already; this file is edition"
            f" {refusal.edition} too.\n\nInstall it anyway?"
        )
    return (
        f"This file is edition {refusal.edition} of {name}, older than edition {shown.edition},"
        f" which is {where}.\n\nInstall edition {refusal.edition} anyway, in place of edition"
        f" {shown.edition}?"
    )


def failure_text(exc: BaseException) -> str:
    """A failure in one line for the user (never a traceback)."""
    if isinstance(exc, FypdeskError):
        text = str(exc)
    elif isinstance(exc, OSError):
        where = f" ({exc.filename})" if exc.filename else ""
        text = f"{exc.strerror or exc}{where}"
    else:  # a bug must reach the user as a message, not kill the worker thread
        text = f"unexpected {type(exc).__name__}: {exc}"
    one_line = " ".join(text.split())
    return one_line[:1].upper() + one_line[1:]
