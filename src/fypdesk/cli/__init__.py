"""The ``fypdesk`` command line.

Commands that only read content never import Qt or reportlab: the GUI is imported inside the
``gui`` command alone, so ``fypdesk targets`` starts in a fraction of a second.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from fypdesk import __version__
from fypdesk.cli.context import CommandContext
from fypdesk.domain.errors import FypdeskError

PROG = "fypdesk"


#: Options of the program itself that take a value (so the command comes after that value).
_GLOBAL_OPTIONS_WITH_VALUE = ("--content", "--data-dir", "--pack")


def build_parser(*, gui_only: bool = False) -> argparse.ArgumentParser:
    """The argument parser with every command registered (``gui_only``: just the window's, which
    spares the window's start-up the import of the other commands' modules)."""
    from fypdesk.cli import gui_command

    parser = argparse.ArgumentParser(
        prog=PROG,
        # Generic: the app reads a library of briefings. (No command name in it: a test tells the
        # window's short help from the full one by the word "targets".)
        description="An offline reader of policy briefings: read, annotate, and write briefs for"
        " a meeting. Its first briefing is the update on China's six industrial 14th Five-Year"
        " Plans.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument(
        "--content",
        type=Path,
        metavar="PATH",
        help="read this one pack file, outside the library (default: the library)",
    )
    parser.add_argument(
        "--pack",
        metavar="ID",
        help="read only this installed briefing (default: every briefing of the library; see"
        " 'fypdesk pack list')",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        metavar="DIR",
        help="folder for your notes and backups (default: $FYPDESK_DATA_DIR or the user data "
        "folder)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    if not gui_only:
        from fypdesk.cli import content_commands, export_command, notes_commands, pack_commands

        content_commands.register(commands)
        pack_commands.register(commands)
        export_command.register(commands)
        notes_commands.register(commands)
    gui_command.register(commands)
    return parser


def _opens_the_window(argv: Sequence[str]) -> bool:
    """Whether ``argv`` runs the ``gui`` command (named, or by default) without asking for help."""
    words = iter(argv)
    for word in words:
        if word in ("-h", "--help", "--version"):
            return False
        if word in _GLOBAL_OPTIONS_WITH_VALUE:
            next(words, None)
        elif not word.startswith("-"):
            return word == "gui"
    return True


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return its exit status. Expected failures print one line on stderr."""
    _never_fail_to_encode()
    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(gui_only=_opens_the_window(arguments))
    args = parser.parse_args(arguments)
    handler: Callable[[CommandContext], int] | None = getattr(args, "handler", None)
    if handler is None:
        if args.command is None:
            # No command: open the window, as a double-clicked app would.
            from fypdesk.cli import gui_command

            args = parser.parse_args([*arguments, "gui"])
            handler = gui_command.run_gui
        else:  # pragma: no cover - argparse rejects unknown commands itself
            parser.error(f"unknown command {args.command!r}")
    try:
        _check_text_arguments(args)
        with CommandContext(args) as context:  # what the command opens, it closes
            code = handler(context)
        if sys.stdout is not None:
            sys.stdout.flush()  # surface a closed pipe here, not at interpreter exit
        return code
    except FypdeskError as exc:
        _error(str(exc))
        return 1
    except BrokenPipeError:
        # `fypdesk targets | head`: the reader went away; that is not an error of ours. Point
        # stdout at /dev/null so the interpreter's final flush does not complain either.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        _error("interrupted")
        return 130
    except Exception as exc:
        # A bug of ours: one line for the user; FYPDESK_DEBUG=1 shows the traceback.
        if os.environ.get("FYPDESK_DEBUG"):
            raise
        _error(f"unexpected {type(exc).__name__}: {exc} (set FYPDESK_DEBUG=1 for details)")
        return 70


def _never_fail_to_encode() -> None:
    """Make stdout and stderr show what their encoding cannot hold as escapes (``\\u4e2d``)
    instead of raising UnicodeEncodeError mid-output: ``PYTHONIOENCODING=ascii``, a Windows
    cp1252 pipe or the C locale cannot encode a Chinese tag. The encoding itself is kept
    (UTF-8 stays UTF-8); lone surrogates, which no encoding holds, are escaped too."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):  # closed, or not reconfigurable
                reconfigure(errors="backslashreplace")


def _check_text_arguments(args: argparse.Namespace) -> None:
    """Refuse text arguments that hold bytes which are not UTF-8 (Python decodes such command-line
    bytes to lone surrogates, which no database or file can store). Paths may hold them: a file
    name is bytes on POSIX, and those are passed to the system as they came.

    Raises:
        FypdeskError: one argument is not valid text; the message names it.
    """
    for name, value in vars(args).items():
        values = value if isinstance(value, list) else [value]
        for text in values:
            if isinstance(text, str) and not _is_valid_text(text):
                raise FypdeskError(
                    f"the {name.replace('_', ' ')} {text!r} holds bytes that are not UTF-8 text"
                )


def _is_valid_text(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _error(message: str) -> None:
    if sys.stderr is not None:
        from fypdesk.cli.output import visible

        # A message may quote a stored value (a brief's name, an imported id): shown safely.
        print(f"{PROG}: error: {visible(message)}", file=sys.stderr)
