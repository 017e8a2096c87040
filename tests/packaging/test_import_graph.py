"""No module of fypdesk imports, directly or through others, a module that imports it back.

An import circle makes the order of imports matter and a module impossible to read on its own;
[house] removed the last one (the notes repository and its opener) and the reportlab patches' use
of the font module. import-linter's contracts check layers, not circles, so this test does.
"""

from __future__ import annotations

import grimp


def test_there_is_no_import_circle() -> None:
    graph = grimp.build_graph("fypdesk")
    modules = sorted(graph.modules)
    circles = [
        (importer, imported)
        for importer in modules
        for imported in sorted(graph.find_modules_directly_imported_by(importer))
        if importer < imported and graph.chain_exists(importer=imported, imported=importer)
    ]
    assert circles == []
