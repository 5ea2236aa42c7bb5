"""An order or a receipt saved as CSV from a spreadsheet: the rows of empty cells it exports below the data are
passed over, and a file separated by semicolons or tabs is refused saying so, not for a missing column."""

import pytest

from client.invoices import MalformedInput, read_goods_receipt, read_purchase_order

from .test_bad_input import SAMPLES, run
from .test_matching import GR_CSV, PO_CSV, write


def as_excel_saves(text: str) -> bytes:
    """The text as Excel writes "CSV UTF-8": a byte order mark, and CRLF ending every row."""
    return b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8")


def saved(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_bytes(as_excel_saves(text))
    return path


def lines_of(document):
    return [(l.line, l.item_code, l.item_name, l.quantity, l.unit_price) for l in document.lines]


# --- rows of empty cells


@pytest.mark.parametrize("ghosts", [",,,,,\n,,,,,\n", ",,,,,,,,,\n", " , ,,\t,,\n", ",\n"],
                         ids=["as wide as the header", "wider", "spaces", "narrower"])
@pytest.mark.parametrize("reader, text", [(read_purchase_order, PO_CSV), (read_goods_receipt, GR_CSV)],
                         ids=["order", "receipt"])
def test_rows_of_empty_cells_after_the_data_are_passed_over(tmp_path, reader, text, ghosts):
    # before: refused, "row 5: item_name: missing" (or, a row wider than the header, its cells counted)
    expected = reader(write(tmp_path, "plain.csv", text))
    assert lines_of(reader(saved(tmp_path, "ghosts.csv", text + ghosts))) == lines_of(expected)


def test_a_match_of_exports_with_rows_of_empty_cells_is_matched(tmp_path):
    po = saved(tmp_path, "po.csv", (SAMPLES / "purchase_order.csv").read_text(encoding="utf-8") + ",,,,,\n" * 3)
    gr = saved(tmp_path, "gr.csv", (SAMPLES / "goods_receipt.csv").read_text(encoding="utf-8") + ",,,,,\n" * 3)
    r = run("match", SAMPLES / "einvoice.xml", "--po", po, "--receipt", gr)
    assert r.exit_code == 0 and "MATCHED: 3 matched" in r.output


def test_a_row_after_an_empty_one_is_named_where_the_file_has_it(tmp_path):
    rows = PO_CSV.splitlines(keepends=True)
    # the empty row is row 3 of the file; the row without an item name after it, row 4
    text = rows[0] + rows[1] + ",,,,,\n" + rows[2].replace("不锈钢螺栓", "")
    with pytest.raises(MalformedInput) as err:
        read_purchase_order(saved(tmp_path, "po.csv", text))
    assert (err.value.field, err.value.problem) == ("row 4: item_name", "missing")
    # the lines read are numbered by the file's line column, not by where the empty row was
    assert [l.line for l in read_purchase_order(saved(tmp_path, "ok.csv", rows[0] + rows[1] + ",,,,,\n" + rows[2])).lines] \
        == ["1", "2"]


def test_an_export_of_empty_rows_alone_has_no_lines(tmp_path):
    header = PO_CSV.splitlines()[0]
    with pytest.raises(MalformedInput) as err:
        read_purchase_order(saved(tmp_path, "po.csv", header + "\n" + ",,,,,\n" * 2))
    assert (err.value.field, err.value.problem) == ("lines", "a purchase order with no lines")


def test_a_row_with_one_cell_filled_is_no_empty_row(tmp_path):
    # a line whose item name was left out is still refused, never passed over as empty
    with pytest.raises(MalformedInput) as err:
        read_purchase_order(saved(tmp_path, "po.csv", PO_CSV + "PO-1,,,,,\n"))
    assert (err.value.field, err.value.problem) == ("row 5: item_name", "missing")
