"""A line break in the path given to `receivable audit --genesis-block`, or in the identity `invoice attest --as`
names, leaves the error on one line: both were written into the error as given, and split it into two lines, the
second reading as output of its own."""
from __future__ import annotations

from pathlib import Path

from cli.main import main
from tests.unit.cli.test_error_lines_escape_controls import error_line

INVOICE = Path(__file__).resolve().parents[3] / "client/invoices/reference_data/samples/einvoice.xml"


def test_a_genesis_block_path_with_a_line_break_is_named_on_the_error_line(runner):
    result = runner.invoke(main, ["receivable", "audit", "R-0123456789abcdef", "--as", "regulator",
                                  "--genesis-block", "channel\nreceivables.block"])
    assert result.exit_code == 2, result.output
    assert "'channel\\nreceivables.block' cannot be read" in error_line(result)


def test_an_identity_with_a_line_break_is_named_on_the_error_line(runner):
    # refused as the command line is read: no org or user name holds a line break
    result = runner.invoke(main, ["invoice", "attest", str(INVOICE), "--as", "bank\nofficer1", "--json"])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert "Invalid value for '--as': 'bank\\nofficer1': it holds '\\n'" in error_line(result)


def test_a_genesis_block_path_with_a_line_break_holding_no_block_is_named_on_the_error_line(runner, tmp_path,
                                                                                             monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "channel\nreceivables.block").write_bytes(b"no block")
    result = runner.invoke(main, ["receivable", "audit", "R-0123456789abcdef", "--as", "regulator",
                                  "--genesis-block", "channel\nreceivables.block"])
    assert result.exit_code == 2, result.output
    assert "'channel\\nreceivables.block' does not decode as a common.Block" in error_line(result)
