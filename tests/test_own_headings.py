"""A section of the publisher's own kind reads under its own heading, verbatim and inert, in the
window, the command line and the brief: markup is text, never markup."""

from __future__ import annotations

import html
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from fypdesk.cli import main
from fypdesk.cli.export_command import load_content
from fypdesk.content.build import build_database
from fypdesk.content.repository import ContentRepository
from fypdesk.domain.brief import Annotations, BriefSpec
from fypdesk.export.compose import compose
from fypdesk.export.markdown import render_markdown
from tests.example_packs import EXAMPLIA

#: A heading of the publisher's own: markup, an entity, quotes and right-to-left text.
HEADING = 'Obstacles <b>&amp; "risks"</b> — מכשולים {0} %s'
SECTION = "sky-rail/obstacles"


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("own-heading")
    source = folder / "source"
    shutil.copytree(EXAMPLIA, source)
    plan = source / "plans" / "sky-rail.yaml"
    text = plan.read_text(encoding="utf-8")
    old = "    title: Obstacles\n"
    assert text.count(old) == 1
    plan.write_text(text.replace(old, f"    title: '{HEADING}'\n"), encoding="utf-8")
    out = folder / "pack.fypack"
    build_database(source, out)
    yield out


def test_the_heading_is_stored_as_written(pack: Path) -> None:
    repository = ContentRepository.open(pack)
    try:
        node = repository.node(SECTION)
    finally:
        repository.close()
    assert (node.title, node.section_kind) == (HEADING, "obstacles")


def test_the_window_shows_it_as_text(qtbot: QtBot, pack: Path) -> None:
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QTextBrowser

    from fypdesk.ui.reading.pane import Page, render

    repository = ContentRepository.open(pack)
    try:
        briefing, plans = repository.briefing(), repository.plans()
        pages = [
            render(Page(repository.detail(node_id), briefing, plans), QPalette())
            for node_id in (SECTION, "sky-rail", "sky-rail/obstacles/northern-fog")
        ]
    finally:
        repository.close()
    escaped = html.escape(HEADING)
    assert f"<h1>{escaped}</h1>" in pages[0]  # its page
    assert f">{escaped}</a>" in pages[1]  # listed on its plan's page
    assert f">{escaped}</a>" in pages[2]  # in its items' breadcrumbs
    browser = QTextBrowser()
    qtbot.addWidget(browser)
    browser.setHtml(pages[0])
    assert browser.toPlainText().splitlines()[1] == HEADING  # what the reader sees


def test_the_command_line_prints_it_verbatim(
    pack: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--content", str(pack), "show", SECTION]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[1] == HEADING
    assert main(["--content", str(pack), "show", SECTION, "--format", "json"]) == 0
    assert f'"title": "{HEADING.replace(chr(34), chr(92) + chr(34))}"' in capsys.readouterr().out


def test_the_brief_prints_it_verbatim(pack: Path) -> None:
    from tests.export.brief_samples import extract, render, squash

    repository = ContentRepository.open(pack)
    try:
        document = compose(BriefSpec(), load_content(repository), Annotations())
    finally:
        repository.close()
    text = squash(extract(render(document)).text)
    # The markup prints as text; the Hebrew word is laid out right to left (the PDF's text is in
    # visual order), so it is looked for on its own.
    assert squash('Obstacles <b>&amp; "risks"</b> —') in text
    assert "מכשולים" in text
    markdown = render_markdown(document)
    assert '### Obstacles \\<b\\>\\&amp; "risks"\\</b\\>' in markdown
