"""Write the release AppStream metainfo, with screenshots served from ``--screenshots-url``.

AppStream accepts only http(s) image URLs (``appstreamcli validate`` rejects a path), and where a
release's screenshots are served is known only when it is published, so the committed
``packaging/linux/org.fypdesk.FypDesk.metainfo.xml`` has no ``<screenshots>``. This tool adds them
from ``docs/screenshots/`` (the same images as the README), each named in :data:`SCREENSHOTS`:

    python tools/metainfo.py --screenshots-url https://example.org/fypdesk/0.1.0 OUT.xml

then upload ``docs/screenshots/*.png`` to that address. ``make install-desktop
SCREENSHOTS_URL=...`` uses it. Without the option the committed file is copied unchanged.
"""

from __future__ import annotations

import argparse
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
METAINFO = ROOT / "packaging" / "linux" / "org.fypdesk.FypDesk.metainfo.xml"
SCREENSHOT_DIR = ROOT / "docs" / "screenshots"

#: File in docs/screenshots → caption; the first is the default screenshot.
SCREENSHOTS = {
    "reader-light.png": "A target with its source quote, the targets of its plan and a note",
    "reader-dark.png": "The same page in the dark theme",
}


class MetainfoError(Exception):
    """The options or the screenshots cannot make a valid metainfo file."""


def with_screenshots(metainfo: str, base_url: str) -> str:
    """``metainfo`` with a ``<screenshots>`` element whose images live under ``base_url``.

    Raises:
        MetainfoError: ``base_url`` is not http(s), a screenshot is missing, or the file already
            lists screenshots.
    """
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise MetainfoError(f"screenshots URL must be http(s)://host/...: {base_url!r}")
    missing = [name for name in SCREENSHOTS if not (SCREENSHOT_DIR / name).is_file()]
    if missing:
        raise MetainfoError(f"missing in {SCREENSHOT_DIR}: {', '.join(missing)}")
    root = ET.fromstring(metainfo)  # noqa: S314 -- our own committed file, not untrusted input
    if root.find("screenshots") is not None:
        raise MetainfoError("the metainfo already lists screenshots")
    screenshots = ET.Element("screenshots")
    for position, (name, caption) in enumerate(SCREENSHOTS.items()):
        shot = ET.SubElement(screenshots, "screenshot")
        if position == 0:
            shot.set("type", "default")
        ET.SubElement(shot, "caption").text = caption
        ET.SubElement(shot, "image").text = f"{base_url.rstrip('/')}/{name}"
    # After the description, where software centres' own metainfo files put them.
    children = list(root)
    description = next(i for i, child in enumerate(children) if child.tag == "description")
    root.insert(description + 1, screenshots)
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="where to write the metainfo file")
    parser.add_argument("--screenshots-url", default="", help="http(s) folder of the screenshots")
    args = parser.parse_args(argv)
    text = METAINFO.read_text(encoding="utf-8")
    try:
        if args.screenshots_url:
            text = with_screenshots(text, args.screenshots_url)
    except MetainfoError as exc:
        print(f"metainfo: {exc}", file=sys.stderr)
        return 2
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
