"""The ``gui`` command: the only one that imports Qt, and only when it runs."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from fypdesk import paths
from fypdesk.cli.context import CommandContext


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``gui`` command."""
    gui = commands.add_parser("gui", help="open the reader window (the default command)")
    gui.add_argument("--select", metavar="ID", help="open on this item")
    gui.add_argument("--theme", choices=("system", "light", "dark"), default=None)
    gui.add_argument("--size", type=_size, metavar="WxH", help="window size, e.g. 1280x800")
    gui.add_argument(
        "--screenshot",
        type=Path,
        metavar="OUT.png",
        help="render the window to a PNG after its first paint, then exit",
    )
    gui.set_defaults(handler=run_gui)


#: The window sizes ``--size`` accepts, per side, in pixels (a screenshot of 99999x99999 would
#: need a 40 GB image).
MIN_SIDE = 100
MAX_SIDE = 10_000


def _size(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d{1,6})[x×](\d{1,6})", text.strip())
    if match is None:
        raise argparse.ArgumentTypeError(
            f"expected WIDTHxHEIGHT such as 1280x800, got {_shown(text)!r}"
        )
    width, height = int(match.group(1)), int(match.group(2))
    if not (MIN_SIDE <= width <= MAX_SIDE and MIN_SIDE <= height <= MAX_SIDE):
        raise argparse.ArgumentTypeError(
            f"each side must be from {MIN_SIDE} to {MAX_SIDE} pixels, not {width}x{height}"
        )
    return width, height


def _shown(text: str) -> str:
    from fypdesk.cli.output import visible

    return visible(text)


def run_gui(ctx: CommandContext) -> int:
    """Open the window (imports Qt only now) on the briefing of ``--content`` or ``--pack``, or
    else the library's copy of the bundled briefing (a newer installed edition wins), or else
    the first briefing of the library."""
    from fypdesk.content.library import Library
    from fypdesk.ui.app import run

    def open_library() -> Library:
        return Library.open(ctx.library_path, paths.bundled_content_path())

    without_library = getattr(ctx.args, "content", None) is not None
    return run(
        ctx.args,
        content_path=_window_content(ctx),
        notes_path=ctx.notes_path,
        open_library=None if without_library else open_library,
        # --select names an item of the briefing asked for (by default the bundled one), not
        # of whichever briefing was read last.
        reopen_last=not without_library
        and getattr(ctx.args, "pack", None) is None
        and ctx.args.select is None,
    )


def _window_content(ctx: CommandContext) -> Path:
    if getattr(ctx.args, "content", None) is not None:
        return ctx.content_path
    library = ctx.library()
    if getattr(ctx.args, "pack", None) is not None:
        return library.pack(ctx.args.pack).path
    packs = library.packs()
    for pack in packs:
        if library.bundled is not None and pack.id == library.bundled.id:
            return pack.path
    # Nothing installed reads: the bundled path, whose problem the window explains.
    return packs[0].path if packs else ctx.content_path
