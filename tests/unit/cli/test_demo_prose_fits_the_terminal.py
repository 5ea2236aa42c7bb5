"""`recfin demo`'s prose (the notes between its steps, the paragraphs after the ledger state) is wrapped to the
terminal, at most 100 columns: on a 48-column terminal each of its lines fits 48 columns, measured as a terminal
counts them (轮候冻结 takes eight). It was wrapped at 100 characters whatever the terminal, so that on a narrow one
each line of it broke in the middle of a word. The step lines and the tables keep their columns."""

from __future__ import annotations

import re

from click.testing import CliRunner

from cli import demo_commands
from cli.output import display_width

from ..receivables_client import test_demo

ledger = test_demo.ledger   # the demo over contract doubles

STEP_LINE = re.compile(r"\[\s*\d+\] ")
TABLE_ROW = re.compile(r"(ID|DEBTOR|R-\S+|[0-9A-Z]{18}|TOTAL) {2,}")   # the ledger state's and the exposure's rows


def prose_of(output: str) -> list[str]:
    return [line for line in test_demo.one_line_per_step(output)
            if line.strip() and not STEP_LINE.match(line) and not TABLE_ROW.match(line)
            and not line.startswith("  recfin ")]      # a command to copy, on a line of its own


def test_on_a_48_column_terminal_every_line_of_prose_fits_48_columns(ledger):
    res = CliRunner().invoke(demo_commands.demo, ["--skip-setup"], env={"COLUMNS": "48"})
    assert res.exit_code == 0, res.output
    prose = prose_of(res.output)
    assert any("轮候冻结" in line for line in prose), res.output     # a note with wide characters among them
    assert any("network keeps running" in line for line in prose), res.output
    assert [line for line in prose if display_width(line) > 48] == []


def test_a_terminal_wider_than_100_columns_has_the_prose_at_100(ledger):
    res = CliRunner().invoke(demo_commands.demo, ["--skip-setup"], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    widths = [display_width(line) for line in prose_of(res.output)]
    assert max(widths) <= demo_commands.PROSE_WIDTH and max(widths) > 90, widths


def test_the_words_are_kept_whole_and_in_order(monkeypatch):
    monkeypatch.setenv("COLUMNS", "48")
    text = "a creditor of the tier-1 supplier obtains a second order, which queues behind the court's " \
           "(轮候冻结): see /a/path/that/is/longer/than/the/forty-eight/columns/of/the/terminal.yaml"
    lines = demo_commands.wrapped(text, first_indent="     ", rest_indent="       ")
    assert " ".join(" ".join(lines).split()) == text
    assert lines[0].startswith("     a ") and all(line.startswith("       ") for line in lines[1:]), lines
    # the path, wider than the line, stays whole on a line of its own; every other line fits
    assert [line for line in lines if display_width(line) > 48] == ["       /a/path/that/is/longer/than/the/"
                                                                     "forty-eight/columns/of/the/terminal.yaml"]
    assert demo_commands.wrapped("") == []
