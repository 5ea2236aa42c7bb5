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


def test_in_json_every_lines_lists_are_rebuilt_as_docs_invoices_md_says(tmp_path):
    # two items on two PO and receipt lines each, invoiced on alternate lines, and an item not ordered: each later
    # line names the first line of its own item, one that lists them itself, and its lists are that line's
    capacitor = line("*电子元件*贴片电容", "2", "1.50", "0.13", unit="个")
    bolt = line("*金属制品*不锈钢螺栓", "5", "0.80", "0.13", unit="个")
    inv = invoice(lines=(capacitor, bolt) * 3 + (line("*其他*未订购", "1", "1.00", "0.13"),))
    (tmp_path / "inv.json").write_text(json.dumps(invoice_to_json(inv), ensure_ascii=False), encoding="utf-8")
    (tmp_path / "po.csv").write_text("po_number,line,item_code,item_name,quantity,unit_price\n"
                                     "PO-1,1,C0805,贴片电容,3,1.50\nPO-1,2,M6,不锈钢螺栓,7,0.80\n"
                                     "PO-1,3,C0805,贴片电容,3,1.50\nPO-1,4,M6,不锈钢螺栓,8,0.80\n", encoding="utf-8")
    (tmp_path / "gr.csv").write_text("receipt_number,po_number,line,item_code,item_name,quantity\n"
                                     "GR-1,PO-1,1,C0805,贴片电容,3\nGR-1,PO-1,2,M6,不锈钢螺栓,7\n"
                                     "GR-1,PO-1,3,C0805,贴片电容,3\nGR-1,PO-1,4,M6,不锈钢螺栓,8\n", encoding="utf-8")
    files = [str(tmp_path / "inv.json"), "--po", str(tmp_path / "po.csv"), "--receipt", str(tmp_path / "gr.csv")]
    done = CliRunner().invoke(invoice_commands.invoice, ["match", *files, "--json"])
    doc = json.loads(done.output)
    by_number = {entry["invoice_line"]: entry for entry in doc["lines"]}
    rebuilt = {}
    for entry in doc["lines"]:
        listing = entry
        if "lines_as_on_line" in entry:
            listing = by_number[entry["lines_as_on_line"]]
            assert entry["lines_as_on_line"] < entry["invoice_line"] and "lines_as_on_line" not in listing
        rebuilt[entry["invoice_line"]] = (listing["po_lines"], listing["receipt_lines"])
    each = (["1", "3"], ["1", "3"]), (["2", "4"], ["2", "4"])
    assert rebuilt == {1: each[0], 2: each[1], 3: each[0], 4: each[1], 5: each[0], 6: each[1], 7: ([], [])}
    assert [entry.get("lines_as_on_line") for entry in doc["lines"]] == [None, None, 1, 2, 1, 2, None]
