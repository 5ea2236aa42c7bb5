"""Every page of docs/ can be found and read by its sections: README.md names it by its path, and it opens with a
contents list that links each of its `## ` sections, in the page's order, before the first of them. A section
added, renamed or moved without its line in the contents list fails here (test_documented_links.py checks that each
link of the list leads to a heading; this checks that no section is left out of it).
"""
from __future__ import annotations

import re

import pytest

from tests.unit.test_documented_links import HEADING, anchor
from tests.unit.test_documented_python import ROOT, fences

PAGES = sorted((ROOT / "docs").glob("*.md"))
ITEM = re.compile(r"^- \[[^\]]*\]\(#([^)\s]+)\)$")


def _sections(markdown: str) -> list[tuple[int, str]]:
    """(line number, anchor) of each `## ` heading outside code, in order, numbered as GitHub numbers a repeat."""
    in_code = {fence.line + i for fence in fences(markdown) for i in range(fence.source.count("\n") + 2)}
    found, seen = [], {}
    for number, line in enumerate(markdown.splitlines(), 1):
        if number in in_code or not (heading := HEADING.match(line)):
            continue
        slug = anchor(heading[1])
        if line.startswith("## "):
            found.append((number, f"{slug}-{seen[slug]}" if slug in seen else slug))
        seen[slug] = seen.get(slug, 0) + 1
    return found


def contents_problems(markdown: str, page: str) -> list[str]:
    """What is wrong with the contents list of ``markdown``: missing, or not naming its sections in order."""
    sections = _sections(markdown)
    if not sections:
        return []
    opening = markdown.splitlines()[:sections[0][0] - 1]
    if "Contents:" not in opening:
        return [f"{page}: no `Contents:` list before its first section (line {sections[0][0]}); add one linking "
                "each `## ` section"]
    listed = [item[1] for line in opening[opening.index("Contents:"):] if (item := ITEM.match(line))]
    wanted = [anchor for _, anchor in sections]
    if listed != wanted:
        missing, stale = [a for a in wanted if a not in listed], [a for a in listed if a not in wanted]
        return [f"{page}: the contents list leaves out {missing}, links {stale} that is no `## ` section, or "
                f"names them out of order; make it link each `## ` section in the page's order: {wanted}"]
    return []


def test_every_page_opens_with_a_contents_list_of_its_sections():
    bad = [problem for page in PAGES
           for problem in contents_problems(page.read_text(encoding="utf-8"), str(page.relative_to(ROOT)))]
    assert not bad, "\n".join(bad)
    assert len(PAGES) >= 10


def test_readme_names_every_page():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    unnamed = [f"docs/{page.name}" for page in PAGES if f"docs/{page.name}" not in readme]
    assert not unnamed, f"README.md names no {', '.join(unnamed)}: add a line for each to its 'Read next' list"


@pytest.mark.parametrize("contents, complaint", [
    ("", "no `Contents:` list"),
    ("Contents:\n\n- [One](#one)\n\n", "leaves out ['two'], links []"),
    ("Contents:\n\n- [One](#one)\n- [Sub](#sub)\n- [Two](#two)\n\n", "leaves out [], links ['sub']"),
    ("Contents:\n\n- [Two](#two)\n- [One](#one)\n\n", "leaves out [], links []"),
])
def test_a_contents_list_that_misses_a_section_is_found(contents, complaint):
    markdown = f"# Title\n\nWhat it is.\n\n{contents}## One\n\n```sh\n## not a section\n```\n\n## Two\n\n### Sub\n"
    problems = contents_problems(markdown, "docs/sample.md")
    assert len(problems) == 1 and complaint in problems[0], problems


def test_a_contents_list_of_every_section_is_taken():
    markdown = "# T\n\nContents:\n\n- [One](#one)\n  - [Sub](#sub)\n- [One](#one-1)\n\n## One\n\n### Sub\n\n## One\n"
    assert contents_problems(markdown, "docs/sample.md") == []

