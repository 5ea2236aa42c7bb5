"""Every Markdown link of README.md and docs/*.md reaches a file that is there and, with a ``#fragment``, a
heading of that file: a section renamed or a document moved must fail here, not leave a reader at the top of
the page or on GitHub's 404.

Anchors are made as GitHub makes them from a heading: inline code marks dropped, lower case, every character
but a letter, digit, ``_``, ``-`` or space dropped, spaces made ``-``; the second heading of the same anchor
gets ``-1``, the third ``-2``. Headings inside code fences are none. Links to other sites are not fetched.
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


def test_every_link_of_the_documents_resolves():
    bad = [problem for document in DOCUMENTS
           for problem in broken_links(document.read_text(encoding="utf-8"), document)]
    assert not bad, f"{len(bad)} link(s) lead nowhere; fix the link (or the heading):\n" + "\n".join(bad)
    # Guards the test against passing because it found nothing.
    assert sum(len(LINK.findall(d.read_text(encoding="utf-8"))) for d in DOCUMENTS) > 50


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
