"""Buyer and seller are told apart by their block labels (购买方 / 销售方), not by which is printed or drawn first:
a roll invoice that prints 销售方名称 above 购买方名称 is read with each party where its label puts it, and flagged,
since an invoice prints the buyer first; a page whose content draws the seller's block first is read as
printed. Where the labels are missing, printed order decides, flagged for a person to check which party is
which."""

import pytest

from client.invoices import read_scan
from client.invoices._lines import text_lines
from client.invoices._scan_layout import header_readings

from . import _render
from ._samples import BUYER, SELLER, invoice
from .test_scan import needs_font

PARTIES = ("buyer.name", "buyer.tax_id", "seller.name", "seller.tax_id")


def _read(tmp_path, reorder):
    pytest.importorskip("fpdf", reason="fpdf2 (test dependency) renders the text-layer PDF")
    rows = reorder(_render.placed_rows(invoice()))
    return read_scan(_render.save_pages_pdf([rows], tmp_path / "inv.pdf"))


def _assert_each_party_by_its_label(result):
    values = {name: result.fields[name].value for name in PARTIES}
    assert values == {"buyer.name": BUYER.name, "buyer.tax_id": BUYER.tax_id,
                      "seller.name": SELLER.name, "seller.tax_id": SELLER.tax_id}
    assert result.invoice.buyer.tax_id == BUYER.tax_id and result.invoice.seller.tax_id == SELLER.tax_id


@needs_font
def test_a_seller_block_drawn_first_is_still_the_seller_and_read_as_printed(tmp_path):
    # the page looks as any other; its content draws the seller's two lines before the buyer's. The text
    # layer's lines are read in printed order (test_text_layer_reading_order), the buyer's first: nothing to
    # flag
    result = _read(tmp_path, lambda rows: rows[:3] + rows[5:7] + rows[3:5] + rows[7:])
    _assert_each_party_by_its_label(result)
    assert result.ok and not result.flagged


@needs_font
def test_a_roll_invoice_printing_the_seller_first_is_read_by_its_labels(tmp_path):
    def seller_first(rows):
        (y1, _), (y2, _), (y3, _), (y4, _) = rows[3:7]
        return rows[:3] + [(y1, [(40, f"销售方名称：{SELLER.name}")]), (y2, [(40, f"纳税人识别号：{SELLER.tax_id}")]),
                           (y3, [(40, f"购买方名称：{BUYER.name}")]), (y4, [(40, f"纳税人识别号：{BUYER.tax_id}")])] + rows[7:]

    result = _read(tmp_path, seller_first)
    _assert_each_party_by_its_label(result)
    assert set(PARTIES) <= set(result.flagged)


@needs_font
@pytest.mark.parametrize("side_by_side", [False, True], ids=["one above the other", "side by side"])
def test_parties_printed_buyer_first_under_their_labels_are_not_flagged(tmp_path, side_by_side):
    pytest.importorskip("fpdf", reason="fpdf2 (test dependency) renders the text-layer PDF")
    result = read_scan(_render.save_text_pdf(invoice(), tmp_path / "inv.pdf", side_by_side=side_by_side))
    _assert_each_party_by_its_label(result)
    assert result.ok and not result.flagged


def test_side_by_side_ids_take_the_labels_of_the_line_above_in_order():
    lines = text_lines(f"销售方信息 名称：{SELLER.name} 购买方信息 名称：{BUYER.name}\n"
                       f"纳税人识别号：{SELLER.tax_id} 纳税人识别号：{BUYER.tax_id}")
    read = header_readings(lines)
    assert (read["buyer.tax_id"].value, read["seller.tax_id"].value) == (BUYER.tax_id, SELLER.tax_id)
    assert (read["buyer.name"].value, read["seller.name"].value) == (BUYER.name, SELLER.name)
    assert all(read[name].doubt for name in PARTIES)


def test_parties_without_labels_are_taken_in_printed_order_and_doubted():
    lines = text_lines(f"名称：{BUYER.name}\n纳税人识别号：{BUYER.tax_id}\n"
                       f"名称：{SELLER.name}\n纳税人识别号：{SELLER.tax_id}")
    read = header_readings(lines)
    assert (read["buyer.name"].value, read["seller.name"].value) == (BUYER.name, SELLER.name)
    assert all("no 购买方/销售方 block label" in read[name].doubt for name in PARTIES)


def test_an_id_without_a_label_flags_the_labelled_one_too():
    # drawn bottom up: each id comes before its block's label, so the buyer's id would inherit the seller's label
    lines = text_lines(f"纳税人识别号：{SELLER.tax_id}\n销售方信息 名称：{SELLER.name}\n"
                       f"纳税人识别号：{BUYER.tax_id}\n购买方信息 名称：{BUYER.name}")
    read = header_readings(lines)
    assert read["buyer.tax_id"].doubt and read["seller.tax_id"].doubt
    assert (read["buyer.name"].value, read["seller.name"].value) == (BUYER.name, SELLER.name)
