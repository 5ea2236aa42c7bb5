"""Every Python file of the repository that README.md and docs/*.md name in their prose is there: a module or test
renamed or moved must fail here, not send a reader to look for a file that is gone. Links are
test_documented_links.py's; this reads the paths written out (`client/risk/features.py`,
`tests/unit/bench/test_hotkey_*.py`, where a `*` must match at least one file) under the repository's own top
folders. Paths in a data folder or another project (`chaincode/server/connection.json`, `grpc/_channel.py`) are
not the repository's and are not looked for.
"""
from __future__ import annotations

import re
from pathlib import Path

from tests.unit.test_documented_links import found_in_every_document, problems_of_every_document
from tests.unit.test_documented_python import ROOT

TOP_FOLDERS = ("tests", "bench", "cli", "client", "chaincode", "network", "scripts")
PATH = re.compile(rf"(?<![\w/.$<-])((?:{'|'.join(TOP_FOLDERS)})/(?:[\w*-]+/)*[\w*-]+\.py)\b")


def missing_files(markdown: str, document: Path) -> list[str]:
    """Each repository .py path ``markdown`` names that matches no file, with its line."""
    found = []
    for named in PATH.finditer(markdown):
        if not any(ROOT.glob(named[1])):
            line = markdown.count("\n", 0, named.start()) + 1
            found.append(f"{document.relative_to(ROOT)}:{line}: {named[1]} is not in the repository")
    return found


def test_every_python_file_the_documents_name_is_there():
    bad = problems_of_every_document(missing_files)
    assert not bad, f"{len(bad)} file(s) named that are gone; name the file as it is now:\n" + "\n".join(bad)
    assert found_in_every_document(PATH) > 100


def test_a_file_that_is_gone_is_found():
    markdown = ("See `client/risk/features.py`, `tests/unit/bench/test_hotkey_*.py`, `grpc/_channel.py` and\n"
                "`client/risk/no_such_module.py`, or tests/unit/bench/test_no_such_*.py.\n")
    problems = missing_files(markdown, ROOT / "docs" / "sample.md")
    assert problems == ["docs/sample.md:2: client/risk/no_such_module.py is not in the repository",
                        "docs/sample.md:2: tests/unit/bench/test_no_such_*.py is not in the repository"]
