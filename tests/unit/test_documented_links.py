"""Every Markdown link of README.md and docs/*.md reaches a file that is there and, with a ``#fragment``, a
heading of that file: a section renamed or a document moved must fail here, not leave a reader at the top of
the page or on GitHub's 404.

Anchors are made as GitHub makes them from a heading: inline code marks dropped, lower case, every character
but a letter, digit, ``_``, ``-`` or space dropped, spaces made ``-``; the second heading of the same anchor
gets ``-1``, the third ``-2``. Headings inside code fences are none. Links to other sites are not fetched.

The pages also send the reader to a section by its name in quotes, without a link: `docs/network.md, "Folders"`
to another page, `("Due on a day off", above)` on the same one. Each such name must be the start of a heading or
of a paragraph's bold or italic title there (`**Working days.**`, `- *What did not help.*`), up to a word's end:
"Features" names the heading "Features (`client/risk/features.py`)"; a leading "(ledger) " is read past.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.unit.test_documented_python import DOCUMENTS, ROOT, fences

# [text](target): the text may wrap onto the next line, the target may not.
LINK = re.compile(r"\]\(\s*([^)\s]+)\s*\)")
HEADING = re.compile(r"#{1,6}\s+(.*?)\s*#*\s*$")


def anchor(heading: str) -> str:
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading.replace("`", "")).strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(markdown: str) -> set[str]:
    in_code = {fence.line + i for fence in fences(markdown) for i in range(fence.source.count("\n") + 2)}
    found, seen = set(), {}
    for number, line in enumerate(markdown.splitlines(), 1):
        heading = HEADING.match(line)
        if heading and number not in in_code:
            slug = anchor(heading[1])
            found.add(f"{slug}-{seen[slug]}" if slug in seen else slug)
            seen[slug] = seen.get(slug, 0) + 1
    return found


def broken_links(markdown: str, document: Path) -> list[str]:
    """Each link of ``markdown`` (the text of ``document``) that does not resolve, with its line and why."""
    found = []
    for link in LINK.finditer(markdown):
        target = link[1]
        if re.match(r"[a-z][a-z+.-]*:", target):          # https:, mailto:: another site's
            continue
        path, _, fragment = target.partition("#")
        where = f"{document.relative_to(ROOT)}:{markdown.count(chr(10), 0, link.start()) + 1}: ({target})"
        file = (document.parent / path).resolve() if path else document
        if path and not file.exists():
            shown = file.relative_to(ROOT) if file.is_relative_to(ROOT) else file
            found.append(f"{where}: there is no {shown}")
            continue
        if not fragment or file.suffix != ".md":
            continue
        headings = anchors(file.read_text(encoding="utf-8") if path else markdown)
        if fragment not in headings:
            found.append(f"{where}: {file.name} has no heading whose anchor is #{fragment}")
    return found


def problems_of_every_document(check) -> list[str]:
    return [problem for document in DOCUMENTS for problem in check(document.read_text(encoding="utf-8"), document)]


def found_in_every_document(pattern: re.Pattern[str]) -> int:
    """How often ``pattern`` occurs in the documents: guards a test against passing because it found nothing."""
    return sum(len(pattern.findall(document.read_text(encoding="utf-8"))) for document in DOCUMENTS)


def test_every_link_of_the_documents_resolves():
    bad = problems_of_every_document(broken_links)
    assert not bad, f"{len(bad)} link(s) lead nowhere; fix the link (or the heading):\n" + "\n".join(bad)
    assert found_in_every_document(LINK) > 50


@pytest.mark.parametrize("link, complaint", [
    ("[gone](#no-such-section)", "has no heading whose anchor is #no-such-section"),
    ("[moved](network.md#no-such-section)", "network.md has no heading whose anchor is #no-such-section"),
    ("[moved](no-such-document.md)", "there is no docs/no-such-document.md"),
    ("[wrapped\n](#the-second-section-1)", "has no heading whose anchor is #the-second-section-1"),
    ("[in code](#not-a-heading)", "has no heading whose anchor is #not-a-heading"),
])
def test_a_link_that_leads_nowhere_is_found(link, complaint):
    markdown = f"# Title\n\n## The `second` section (v2)\n\n```sh\n# not a heading\n```\n\n{link}\n"
    problems = broken_links(markdown, ROOT / "docs" / "sample.md")
    assert len(problems) == 1 and complaint in problems[0], problems


def test_links_github_resolves_are_taken():
    markdown = ("# Title\n\n## The `second` section (v2)\n\n## The second section (v2)\n\n"
                "[a](#the-second-section-v2) [b](#the-second-section-v2-1) [c](#title) [d](network.md) "
                "[e](https://example.com/x#y) [f](../README.md#recfin)\n")
    assert broken_links(markdown, ROOT / "docs" / "sample.md") == []


# --- Sections named in the prose ---------------------------------------------------------------------------

# `docs/network.md, "Folders"`, `network.md, section "X"`: another page's section. A name starts with a capital.
NAMED_ON_PAGE = re.compile(r"(?:docs/)?([\w-]+\.md)\)?,\s+(?:section\s+)?\"([A-Z][^\"]+)\"")
# `"X" above`, `("X", below)`, `above, "X"`: a section of the same page.
NAMED_HERE = re.compile(r"\"([A-Z][^\"]{2,100})\",? (?:above|below)\b|\b(?:above|below),? \"([A-Z][^\"]{2,100})\"")
TITLE = re.compile(r"\*\*([^*\n]+?)\*\*|(?<![*\w])\*([^*\n]+?)\*(?![*\w])")


def _plain(title: str) -> str:
    return re.sub(r"^\([^)]*\)\s*", "", title.replace("`", "")).strip().rstrip(".:").strip()


def section_titles(markdown: str) -> set[str]:
    """The headings and the bold or italic paragraph titles of ``markdown``, outside code, as plain text."""
    in_code = {fence.line + i for fence in fences(markdown) for i in range(fence.source.count("\n") + 2)}
    prose = "\n".join(line for number, line in enumerate(markdown.splitlines(), 1) if number not in in_code)
    found = {_plain(heading[1]) for heading in map(HEADING.match, prose.splitlines()) if heading}
    return found | {_plain(title[1] or title[2]) for title in TITLE.finditer(prose)}


def _names(titles: set[str], section: str) -> bool:
    section = _plain(section)
    return any(title == section or (title.startswith(section) and not title[len(section)].isalnum())
               for title in titles)


def unknown_sections(markdown: str, document: Path) -> list[str]:
    """Each section ``markdown`` names in quotes that the page it names has no heading or title for."""
    flat, found = re.sub(r"\s*\n\s*", " ", markdown), []
    for named in NAMED_ON_PAGE.finditer(flat):
        page = (ROOT / "README.md") if named[1] == "README.md" else (ROOT / "docs" / named[1])
        if page.exists() and not _names(section_titles(page.read_text(encoding="utf-8")), named[2]):
            found.append(f"{document.relative_to(ROOT)}: {named[0]!r}: {page.name} has no section of that name")
    here = section_titles(markdown)
    for named in NAMED_HERE.finditer(flat):
        if not _names(here, named[1] or named[2]):
            found.append(f"{document.relative_to(ROOT)}: {named[0]!r}: the page has no section of that name")
    return found


def test_every_section_the_prose_names_is_there():
    bad = problems_of_every_document(unknown_sections)
    assert not bad, f"{len(bad)} section(s) named that no heading or title has; fix the name:\n" + "\n".join(bad)
    assert found_in_every_document(NAMED_ON_PAGE) > 30


def test_a_section_named_that_is_not_there_is_found():
    markdown = ("# Title\n\n## Features (`features.py`)\n\n**(ledger) Quotes at once.** Text.\n\n"
                "- *What did not help.* More.\n\n```text\n## Not a heading\n```\n\n"
                "As \"Features\" above, (\"Quotes at once\", above), \"What did not help\" above; "
                "\"Feature\" above, \"Not a heading\" above, and docs/network.md, \"No such section\"; "
                "README.md, \"A tour\".\n")
    problems = unknown_sections(markdown, ROOT / "docs" / "sample.md")
    assert [problem.split(": ", 1)[1] for problem in problems] == [
        "'docs/network.md, \"No such section\"': network.md has no section of that name",
        "'\"Feature\" above': the page has no section of that name",
        "'\"Not a heading\" above': the page has no section of that name",
    ]
