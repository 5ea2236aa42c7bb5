"""A CSV file whose rows end in CR alone (an old Mac export, or a spreadsheet saved as "CSV (Macintosh)")
reads as the same file with LF or CR LF endings: its rows, their numbers in a refusal, a quoted cell holding a
line break, and a separator line named as such. It was refused as "invalid CSV: new-line character seen in
unquoted field - do you need to open the file in universal-newline mode?", which names neither the file's line
endings nor what to do."""

from __future__ import annotations

import pytest

from client.invoices import MalformedInput, ReferenceBusinessRegistry
from client.invoices.matching import read_goods_receipt, read_purchase_order

from .test_matching import GR_CSV, PO_CSV

ENDINGS = {"LF": "\n", "CR LF": "\r\n", "CR": "\r"}


def _saved(tmp_path, name: str, text: str, ending: str):
    """The text written with its rows ending in ``ending``, byte for byte (no newline translation)."""
    path = tmp_path / name
    path.write_bytes(text.replace("\n", ending).encode("utf-8"))
    return path


@pytest.mark.parametrize("reader, text", [(read_purchase_order, PO_CSV), (read_goods_receipt, GR_CSV)],
                         ids=["order", "receipt"])
@pytest.mark.parametrize("ending", ["CR", "CR LF"])
def test_an_export_whose_rows_end_in_cr_reads_as_with_lf(tmp_path, reader, text, ending):
    as_lf = reader(_saved(tmp_path, "lf.csv", text, "\n"))
    assert reader(_saved(tmp_path, "other.csv", text, ENDINGS[ending])) == as_lf
    assert len(as_lf.lines) > 1


def test_a_refused_row_of_a_cr_file_is_named_by_its_own_number(tmp_path):
    # the quoted cell's line break is part of its row: the bad quantity is still row 3, as with LF
    text = 'po_number,line,item_name,quantity,unit_price\nPO-1,1,"贴片\n电容",200,1.50\nPO-1,2,螺栓,x,0.80\n'
    with pytest.raises(MalformedInput) as refused:
        read_purchase_order(_saved(tmp_path, "po.csv", text, "\r"))
    assert refused.value.field == "row 3: quantity"


def test_a_quoted_cell_of_a_cr_file_keeps_its_line_break(tmp_path):
    text = 'po_number,line,item_name,quantity,unit_price\nPO-1,1,"贴片\n电容",200,1.50\n'
    po = read_purchase_order(_saved(tmp_path, "po.csv", text, "\r"))
    assert po.lines[0].item_name == "贴片\r电容" and po.lines[0].quantity == 200


def test_a_separator_line_of_a_cr_file_is_named_alone(tmp_path):
    text = "sep=;\n" + PO_CSV.replace(",", ";")
    with pytest.raises(MalformedInput) as refused:
        read_purchase_order(_saved(tmp_path, "po.csv", text, "\r"))
    assert refused.value.problem.startswith("the first line 'sep=;' is a spreadsheet's separator line")


def test_a_registry_whose_rows_end_in_cr_reads_as_with_lf(tmp_path):
    from client.invoices.sources import REFERENCE_DATA
    text = (REFERENCE_DATA / "business_registry.csv").read_text(encoding="utf-8")
    as_lf = ReferenceBusinessRegistry(_saved(tmp_path, "lf.csv", text, "\n"))
    as_cr = ReferenceBusinessRegistry(_saved(tmp_path, "cr.csv", text, "\r"))
    assert as_cr._records == as_lf._records and len(as_lf._records) > 1
