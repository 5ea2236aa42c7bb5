"""The command lines a page gives to run without a network run as written, from the repository root, and exit 0;
and what a page shows one printing is what it prints.

test_documented_commands.py (tests/unit/cli) checks that every command line the pages show parses; most need a
network, so none is run there. The blocks OFFLINE_BLOCKS names are introduced as needing none ("these read the
shipped samples and need no network"): a reader on a fresh machine runs them first, so each is run here, through
the command tree, as it is written. A shown output is a ```text fence after "`recfin ...` prints": the command's
stdout must be that text, line for line.
"""
from __future__ import annotations

import re
import shlex

import pytest
from click.testing import CliRunner

from cli.main import main
from tests.unit.test_documented_python import ROOT, fences

# page -> the words that open its block of command lines needing no network
OFFLINE_BLOCKS = {
    "docs/invoices.md": "these read the shipped samples and need no network:",
    "docs/risk-and-pricing.md": "From the repository root:",
}
SHOWN_OUTPUT = re.compile(r"`((?:\.venv/bin/)?recfin [^`]+)`\s+prints\b[^`]*?\n```text\n")


def _page(document: str) -> str:
    return (ROOT / document).read_text(encoding="utf-8")


def offline_commands(markdown: str, opening: str) -> list[list[str]]:
    """The command lines of the indented block that follows ``opening``, continuations joined, as words."""
    if opening not in markdown:
        return []
    after = markdown.split(opening, 1)[1].lstrip("\n").splitlines()
    block = []
    for line in after:
        if not line.startswith("    "):
            break
        block.append(line.strip())
    joined = " ".join(line.removesuffix("\\") if line.endswith("\\") else line + "\n" for line in block)
    return [shlex.split(line, comments=True) for line in joined.splitlines() if line.strip()]


def _run(words: list[str], monkeypatch: pytest.MonkeyPatch):
    assert words[0].endswith("recfin"), f"not a recfin command: {words}"
    monkeypatch.chdir(ROOT)
    return CliRunner().invoke(main, words[1:])


EVERY_COMMAND = [pytest.param(words, id=f"{document}: {' '.join(words[1:4])}")
                 for document, opening in OFFLINE_BLOCKS.items()
                 for words in offline_commands(_page(document), opening)]


@pytest.mark.parametrize("words", EVERY_COMMAND)
def test_a_command_the_docs_give_to_run_without_a_network_runs(words, monkeypatch):
    result = _run(words, monkeypatch)
    assert result.exit_code == 0, f"`{shlex.join(words)}` exits {result.exit_code}:\n{result.output}"


def test_each_page_gives_the_commands_it_says_it_does():
    found = {document: len(offline_commands(_page(document), opening)) for document, opening in OFFLINE_BLOCKS.items()}
    assert all(found.values()), f"a block of commands needing no network is no longer found: {found}"


def shown_outputs(markdown: str) -> list[tuple[list[str], str]]:
    """Each ``recfin`` command the text says prints the ```text fence that follows, with that fence's text."""
    texts = {fence.line: fence.source for fence in fences(markdown) if fence.info == "text"}
    found = []
    for shown in SHOWN_OUTPUT.finditer(markdown):
        fence_line = markdown.count("\n", 0, shown.end() - 1) + 1      # the line of the opening ```text
        found.append((shlex.split(shown[1].replace("\n", " ")), texts[fence_line]))
    return found


SHOWN = [pytest.param(words, text, id=" ".join(words[1:4]))
         for document in ("README.md", *(f"docs/{page.name}" for page in sorted((ROOT / "docs").glob("*.md"))))
         for words, text in shown_outputs(_page(document))]


@pytest.mark.parametrize(("words", "text"), SHOWN)
def test_a_command_prints_what_the_docs_show_it_printing(words, text, monkeypatch):
    result = _run(words, monkeypatch)
    assert result.exit_code == 0, result.output
    assert result.stdout.rstrip("\n").splitlines() == text.rstrip("\n").splitlines()


def test_the_outputs_shown_are_found():
    assert SHOWN, "no page shows a command's output after '`recfin ...` prints': the pattern finds none"


def test_the_blocks_and_outputs_are_read_as_a_reader_reads_them():
    markdown = ("Intro, needing no network:\n\n    recfin a --x 1 \\\n      --y 2   # a comment\n    recfin b\n\n"
                "Then `recfin finance compare R\n--on D` prints (the table):\n\n```text\nline 1\nline 2\n```\n")
    assert offline_commands(markdown, "needing no network:") == [["recfin", "a", "--x", "1", "--y", "2"],
                                                                  ["recfin", "b"]]
    assert shown_outputs(markdown) == [(["recfin", "finance", "compare", "R", "--on", "D"], "line 1\nline 2")]
