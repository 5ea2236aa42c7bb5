"""`recfin demo`'s step lines pad a step's text by the terminal columns it takes (``cli.output.display_width``),
not by its characters: 确权 takes four columns in two characters, so the confirm step's tx id stood two columns to
the right of every other step's whose text fits the column. A text wider than the column (a freeze naming its
order, a refused step) is wrapped in it, the tx id after its last line: it pushed its tx id out of line."""

from __future__ import annotations

import re

from click.testing import CliRunner

from cli import demo_commands
from cli.output import display_width

from ..receivables_client import test_demo

ledger = test_demo.ledger   # the demo over contract doubles

STEP_LINE = re.compile(r"\[\s*\d+\] \S+ +")


def test_every_step_s_tx_id_starts_in_one_terminal_column_its_text_wrapped_in_its_column(ledger):
    res = CliRunner().invoke(demo_commands.demo, ["--skip-setup"], env={"COLUMNS": "48"})
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    steps = [line for line in lines if STEP_LINE.match(line)]
    what_starts = STEP_LINE.match(steps[0]).end()
    of_steps = [line for line in lines if STEP_LINE.match(line) or line.startswith(" " * what_starts)]
    texts = [line.partition(" tx ")[0][what_starts:].rstrip() for line in of_steps]
    assert [text for text in texts if display_width(text) > demo_commands.WHAT_WIDTH] == []
    with_tx = [line for line in of_steps if " tx " in line]
    assert len(with_tx) == len(steps) < len(of_steps)   # one tx id a step, some steps on more than one line
    assert any("确权" in line for line in with_tx), steps
    columns = {line: display_width(line.partition(" tx ")[0]) for line in with_tx}
    assert set(columns.values()) == {what_starts + demo_commands.WHAT_WIDTH}, columns


def test_a_wide_text_is_padded_by_its_columns():
    lines: list[str] = []
    run = demo_commands.Run(lines.append)
    run.step("core", "confirm R-1 (确权)", "tx1")
    run.step("core", "confirm R-1 (ok)", "tx2")
    assert display_width(lines[0].partition(" tx ")[0]) == display_width(lines[1].partition(" tx ")[0]), lines


def test_a_text_wider_than_its_column_goes_on_under_it_the_tx_id_after_its_last_line():
    lines: list[str] = []
    run = demo_commands.Run(lines.append)
    what = "freeze R-00000000000000d2 under order DEMO-20260302-2ACAB4-2: queued (轮候冻结)"
    run.step("regulator", what, "tx1", shown="queued behind DEMO-20260302-2ACAB4")
    run.step("core", "a", "tx2")
    first, *rest, last, other = lines
    assert " tx " not in first and first.startswith("[ 1] regulator ")
    text_starts = other.index(" a ") + 1
    assert all(line.startswith(" " * text_starts) and line[text_starts] != " " for line in [*rest, last]), lines
    assert last.endswith(" tx tx1  queued behind DEMO-20260302-2ACAB4")
    assert display_width(last.partition(" tx ")[0]) == display_width(other.partition(" tx ")[0])
    text = " ".join(line.partition(" tx ")[0][text_starts:].strip() for line in [first, *rest, last])
    assert text == what   # every word, in order, none cut
    assert test_demo.one_line_per_step("\n".join(lines))[0].startswith(first[:text_starts] + what + " ")
