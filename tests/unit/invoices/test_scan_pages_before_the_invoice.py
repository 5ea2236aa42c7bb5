"""A PDF of several pages of which one is the invoice: a page before it (a cover letter, a statement of account
sent in one file with it) was read into the invoice, so its labels gave the invoice their values, unflagged: a
statement's 开票日期 became the invoice's issue date, its 销售方 block the seller. Pages before the first one
printing an invoice number, with no item table on them, are no invoice's now and are not read into it; a page
before it that prints an item table is the invoice's own page whose number was misread, and is read. (Pages after
the invoice: test_scan_pages_after_the_invoice.py.)"""

from datetime import date
from pathlib import Path

import pytest

from client.invoices import read_scan

from . import _render
from ._samples import invoice
from .test_scan import needs_font

pytestmark = [needs_font, pytest.mark.filterwarnings("ignore")]

INV = invoice()
STATEMENT = [(40, [(40, "对账单")]), (100, [(40, "开票日期：2026年10月01日")]),
             (160, [(40, "销售方信息"), (260, "名称：某某贸易有限公司")]),
             (220, [(260, "统一社会信用代码/纳税人识别号：91110108MA01C3D5ER")]),
             (280, [(40, "价税合计（小写）¥9999.00")])]


def _pdf(tmp_path: Path, pages) -> Path:
    pytest.importorskip("fpdf", reason="fpdf2 (test dependency) renders the text-layer PDF")
    return _render.save_pages_pdf(pages, tmp_path / "invoice.pdf")


def test_a_page_before_the_invoice_gives_it_none_of_its_values(tmp_path: Path):
    result = read_scan(_pdf(tmp_path, [STATEMENT, _render.placed_rows(INV)]))
    assert result.pages == (2,)
    assert [name for name, reading in result.fields.items() if reading.flagged] == []
    inv = result.invoice
    assert (inv.issue_date, inv.seller, inv.total_with_tax_fen) == (date(2026, 9, 1), INV.seller,
                                                                   INV.total_with_tax_fen)
    assert inv.lines == INV.lines


def test_a_page_before_with_an_item_table_is_the_invoices_own_and_is_read(tmp_path: Path):
    # its number's label misread (号 as 马): the rows on it are the invoice's, the next page carries its number on
    first = [(y, [(x, text.replace("发票号码", "发票号马")) for x, text in cells])
             for y, cells in _render.placed_rows(INV)]
    result = read_scan(_pdf(tmp_path, [first, [(40, [(40, f"发票号码：{INV.number}")])]]))
    assert result.pages == (1, 2)
    assert result.invoice is not None and result.invoice.lines == INV.lines


def test_a_page_before_with_item_rows_but_its_table_header_misread_is_the_invoices_own_and_is_read(tmp_path: Path):
    # its number's label and its table's header line both misread (OCR may lose a shaded header line): its rows
    # are the invoice's, and the page was dropped, the invoice read from the next page alone, every field not found
    first = [(y, [(x, text.replace("发票号码", "发票号马")) for x, text in cells])
             for y, cells in _render.placed_rows(INV) if not any(text == "项目名称" for _, text in cells)]
    result = read_scan(_pdf(tmp_path, [first, [(40, [(40, f"发票号码：{INV.number}")])]]))
    assert result.pages == (1, 2)
    assert result.invoice is not None and result.invoice.lines == INV.lines
    assert (result.invoice.seller, result.invoice.total_with_tax_fen) == (INV.seller, INV.total_with_tax_fen)
