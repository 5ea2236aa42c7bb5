"""An order or a receipt saved as CSV from a spreadsheet: the rows of empty cells it exports below the data are
passed over, and a file separated by semicolons or tabs is refused saying so, not for a missing column."""

import pytest

from client.invoices import MalformedInput, read_goods_receipt, read_purchase_order

from .test_bad_input import SAMPLES, one_error_line, run
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
    assert err.value.field == "row 4: item_name" and err.value.problem.startswith("missing: the row's item_name")
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
    assert err.value.field == "row 5: item_name" and err.value.problem.startswith("missing: the row's item_name")


# --- another separator than the comma


ASKED = "export it comma-separated, as UTF-8 (Excel: Save As, CSV UTF-8 (Comma delimited))"


@pytest.mark.parametrize("reader, text", [(read_purchase_order, PO_CSV), (read_goods_receipt, GR_CSV)],
                         ids=["order", "receipt"])
@pytest.mark.parametrize("first_line, separator, says", [
    ("", ";", "the header is one cell holding semicolons: the file is separated by semicolons, not commas; "),
    ("", "\t", "the header is one cell holding tabs: the file is separated by tabs, not commas; "),
    ("sep=;\n", ";", "the first line 'sep=;' is a spreadsheet's separator line, not the header row, and the file is "
                     "separated by semicolons, not commas: "),
    ("sep=\t\n", "\t", "the first line 'sep=\\t' is a spreadsheet's separator line, not the header row, and the "
                        "file is separated by tabs, not commas: "),
    # comma-separated, but the separator line stands where the header should
    ("sep=,\n", ",", "the first line 'sep=,' is a spreadsheet's separator line, not the header row: "),
], ids=["semicolons", "tabs", "sep=;", "sep=tab", "sep=,"])
def test_a_file_in_another_separator_is_refused_saying_so(tmp_path, reader, text, first_line, separator, says):
    # before: "header: no item name column (one of item_name, ...)", for a file that has one
    path = saved(tmp_path, "export.csv", first_line + text.replace(",", separator))
    with pytest.raises(MalformedInput) as err:
        reader(path)
    assert err.value.field == "header"
    assert err.value.problem.startswith(says) and ASKED in err.value.problem
    assert "no item name column" not in err.value.problem


def test_match_refuses_a_semicolon_separated_order_in_one_line(tmp_path):
    po = saved(tmp_path, "po.csv", (SAMPLES / "purchase_order.csv").read_text(encoding="utf-8").replace(",", ";"))
    r = run("match", SAMPLES / "einvoice.xml", "--po", po, "--receipt", SAMPLES / "goods_receipt.csv")
    assert r.exit_code == 2
    line = one_error_line(r)
    assert "po.csv" in line and "header: the header is one cell holding semicolons" in line and ASKED in line


@pytest.mark.parametrize("header", ["po_number,line,quantity,unit_price", "nonsense", "po_number,备注;说明,quantity"])
def test_a_header_without_an_item_name_column_is_refused_as_before(tmp_path, header):
    # read in several cells (one of them may hold a semicolon), or one cell with no semicolon or tab in it: the file
    # is comma-separated, and the column is missing
    with pytest.raises(MalformedInput) as err:
        read_purchase_order(saved(tmp_path, "po.csv", header + "\nPO-1,1,200,1.50\n"))
    assert err.value.field == "header" and err.value.problem.startswith("no item name column (one of item_name")
