"""`recfin invoice match` of one item invoiced, ordered and received on many lines: every invoice line of the item is
compared with all its PO and receipt lines, and each listed them all again, so the output grew with the square of
the line count (2,000 lines printed 52 MB, 124 MB as JSON). A line naming the same PO and receipt lines as an
earlier one, more than one of either, now names that earlier line instead: "PO and receipt lines as line 1", and in
JSON ``lines_as_on_line`` in place of ``po_lines`` and ``receipt_lines``. The output is counted, not timed."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cli import invoice_commands
from client.invoices.parse import invoice_to_json

from ._samples import invoice, line, match_files


def _files(folder, count: int) -> list[str]:
    """An invoice of ``count`` lines of one item, on as many PO lines and receipt lines of it."""
    inv = invoice(lines=tuple(line("*电子元件*贴片电容", "2", "1.50", "0.13", unit="个") for _ in range(count)))
    (folder / "inv.json").write_text(json.dumps(invoice_to_json(inv), ensure_ascii=False), encoding="utf-8")
    (folder / "po.csv").write_text("po_number,line,item_code,item_name,quantity,unit_price\n" + "".join(
        f"PO-1,{n + 1},C0805,贴片电容,2,1.50\n" for n in range(count)), encoding="utf-8")
    (folder / "gr.csv").write_text("receipt_number,po_number,line,item_code,item_name,quantity\n" + "".join(
        f"GR-1,PO-1,{n + 1},C0805,贴片电容,2\n" for n in range(count)), encoding="utf-8")
    return [str(folder / "inv.json"), "--po", str(folder / "po.csv"), "--receipt", str(folder / "gr.csv")]


def _match(args: list[str]) -> str:
    done = CliRunner().invoke(invoice_commands.invoice, ["match", *args])
    assert done.exit_code == 0, done.output
    return done.output


@pytest.mark.parametrize("options", [[], ["--json"]], ids=["text", "json"])
def test_twice_the_lines_print_about_twice_the_output(tmp_path, options):
    def size(count: int) -> int:
        folder = tmp_path / str(count)
        folder.mkdir()
        return len(_match(_files(folder, count) + options))

    # in the square of the count, twice the lines printed four times the output
    assert size(200) < 2.3 * size(100)


def test_in_json_a_later_line_names_the_line_that_lists_its_po_and_receipt_lines(tmp_path):
    doc = json.loads(_match(_files(tmp_path, 3) + ["--json"]))
    first, *later = doc["lines"]
    assert (first["po_lines"], first["receipt_lines"]) == (["1", "2", "3"], ["1", "2", "3"])
    assert "lines_as_on_line" not in first
    for each in later:
        assert each["lines_as_on_line"] == 1
        assert "po_lines" not in each and "receipt_lines" not in each
        assert (each["po_line"], each["receipt_line"], each["status"]) == ("1", "1", "matched")


def test_lines_on_one_po_line_each_list_it_as_before(tmp_path):
    # a list of one line grows with nothing: two invoice lines of one PO line both give it
    inv = invoice(lines=(line("*电子元件*贴片电容", "100", "1.50", "0.13"), line("*电子元件*贴片电容", "100", "1.50", "0.13")))
    doc = json.loads(_match(match_files(tmp_path, inv) + ["--json"]))
    assert [(l["po_lines"], l["receipt_lines"]) for l in doc["lines"]] == [(["1"], ["1"])] * 2
    assert not any("lines_as_on_line" in l for l in doc["lines"])
