"""`recfin demo`'s step lines pad a step's text by the terminal columns it takes (``cli.output.display_width``),
not by its characters: 确权 takes four columns in two characters, so the confirm step's tx id stood two columns to
the right of every other step's whose text fits the column."""

from __future__ import annotations

import re

from click.testing import CliRunner

from cli import demo_commands
from cli.output import display_width

from ..receivables_client import test_demo

ledger = test_demo.ledger   # the demo over contract doubles

STEP_LINE = re.compile(r"\[\s*\d+\] \S+ +")


def test_each_tx_id_of_a_text_that_fits_its_column_starts_in_one_terminal_column(ledger):
    res = CliRunner().invoke(demo_commands.demo, ["--skip-setup"])
    assert res.exit_code == 0, res.output
    steps = [line for line in res.output.splitlines() if STEP_LINE.match(line)]
    what_starts = STEP_LINE.match(steps[0]).end()
    fitting = [line for line in steps
               if display_width(line.partition(" tx ")[0][what_starts:].rstrip()) <= demo_commands.WHAT_WIDTH]
    assert any("确权" in line for line in fitting), steps
    columns = {line: display_width(line.partition(" tx ")[0]) for line in fitting}
    assert set(columns.values()) == {what_starts + demo_commands.WHAT_WIDTH}, columns


def test_a_wide_text_is_padded_by_its_columns():
    lines: list[str] = []
    run = demo_commands.Run(lines.append)
    run.step("core", "confirm R-1 (确权)", "tx1")
    run.step("core", "confirm R-1 (ok)", "tx2")
    assert display_width(lines[0].partition(" tx ")[0]) == display_width(lines[1].partition(" tx ")[0]), lines
