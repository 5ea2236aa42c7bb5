"""A discount line (折扣行) read off a text layer or a scan: its empty cells printed as a dash, its quantity or amount
negative; and a 差额征税 remark on a printed line that begins with another block."""

from decimal import Decimal

import pytest

from client.invoices import check_invoice, read_scan
from client.invoices._reading import difference_tax
from client.invoices._scan_fields import is_empty_cell_mark
from client.invoices.model import InvoiceLine
from client.invoices.scan import extract_fields

from . import _render
from ._samples import invoice, line
from ._tesseract import needs_tesseract
from .test_difference_mark import text_line
from .test_einvoice_forms import difference_invoice
from .test_scan import lines_of

needs_font = pytest.mark.skipif(_render.cjk_font() is None, reason="no CJK font (OS package fonts-wqy-zenhei)")

GOODS = line("*日用品*洗衣液", "10", "20.00", "0.13", unit="瓶", spec="2kg")
# the discount of 20.00 on the line above: no quantity, price, spec or unit; a negative amount and tax
DISCOUNT = InvoiceLine(name="*日用品*洗衣液", spec=None, unit=None, quantity=None, unit_price=None, amount_fen=-2000,
                       tax_rate=Decimal("0.13"), tax_fen=-260)
DISCOUNTED = invoice(lines=(GOODS, DISCOUNT))
# a return or discount printed as one unit taken back: quantity -1 at the price, the amount negative
RETURNED = invoice(lines=(GOODS, line("*日用品*洗衣液", "-1", "20.00", "0.13", unit="瓶", spec="2kg")))


def printed_rows(inv, empty: str | None = None, amount: str | None = None):
    """The invoice's rows as printed; the discount line's empty cells (spec, unit, quantity, price) printed as
    ``empty`` (left blank where ``None``), and its amount as ``amount`` where given."""
    out = []
    for y, cells in _render.placed_rows(inv):
        if any(text == "-20.00" for _, text in cells) and cells[1][1] == "None":
            name, _, _, *figures = cells
            blanks = [(x, empty) for x in _render.COLUMNS[1:5]] if empty is not None else []
            figures = [(x, amount if amount is not None and text == "-20.00" else text) for x, text in figures]
            cells = [name, *blanks, *figures]
        out.append((y, cells))
    return out


def flagged(result):
    return {name: reading.reason for name, reading in result.fields.items() if reading.flagged}


def read_lines(result):
    return [(l.spec, l.unit, l.quantity, l.unit_price, l.amount_fen, l.tax_fen) for l in result.invoice.lines]


WANTED = [("2kg", "瓶", Decimal(10), Decimal("20.00"), 20000, 2600), (None, None, None, None, -2000, -260)]


# --- 1. a dash: alone, an empty cell; against a figure, its minus ----------------------------------

def test_a_dash_alone_is_the_mark_of_an_empty_cell_and_a_figure_is_none():
    for mark in ("—", "-", "－", "–", "−", "——", " — ", "一"):
        assert is_empty_cell_mark(mark), mark
    for text in ("", " ", "-1", "—20.00", "-20.00", "一次", "个", "***"):
        assert not is_empty_cell_mark(text), text


@needs_font
@pytest.mark.parametrize("empty", ["—", "-", "－"], ids=["em dash", "ascii", "full-width"])
def test_a_text_layer_discount_line_printing_a_dash_in_its_empty_cells_reads_them_empty(tmp_path, empty):
    pytest.importorskip("fpdf", reason="fpdf2 (test dependency) renders the text-layer PDF")
    # before: the quantity and price read as "-", flagged unreadable, and the spec and unit kept as the dash itself
    result = read_scan(_render.save_pages_pdf([printed_rows(DISCOUNTED, empty)], tmp_path / "discount.pdf"))
    assert result.method == "text-layer" and result.ok, flagged(result)
    assert read_lines(result) == WANTED
    assert result.invoice.total_amount_fen == 18000 and check_invoice(result.invoice).ok


@needs_font
@pytest.mark.parametrize("minus", ["-", "－", "—"], ids=["ascii", "full-width", "em dash"])
def test_a_dash_printed_against_a_discount_amount_is_its_minus(tmp_path, minus):
    pytest.importorskip("fpdf", reason="fpdf2 (test dependency) renders the text-layer PDF")
    # a dash is never part of the figure nor taken off it: -20.00, which the rows' sum against 合计 confirms
    rows = printed_rows(DISCOUNTED, "—", amount=f"{minus}20.00")
    result = read_scan(_render.save_pages_pdf([rows], tmp_path / "discount.pdf"))
    assert result.ok, flagged(result)
    assert read_lines(result) == WANTED


@needs_tesseract
@needs_font
def test_a_scanned_discount_line_printing_a_dash_in_its_empty_cells_reads_them_empty(tmp_path):
    from PIL import Image, ImageDraw, ImageFont

    scale = 1.4
    placed = printed_rows(DISCOUNTED, "—")
    font = ImageFont.truetype(str(_render.cjk_font()), round(28 * scale))
    page = Image.new("L", (round(1500 * scale), round((placed[-1][0] + 96) * scale)), 255)
    for y, cells in placed:
        for x, text in cells:
            ImageDraw.Draw(page).text((round(x * scale), round(y * scale)), text, font=font, fill=0)
    page.save(tmp_path / "discount.png")
    result = read_scan(tmp_path / "discount.png")
    # before: chi_sim read each dash as 一, so the spec and unit were 一 and the quantity and price unreadable
    # (the name may be flagged for a blank OCR cannot tell from a space: no concern of the dashes)
    assert not {f"lines[1].{column}" for column in ("spec", "unit", "quantity", "unit_price")} & result.fields.keys()
    assert read_lines(result)[1] == WANTED[1]


# --- 2. a negative quantity -------------------------------------------------------------------------

@needs_font
def test_a_returned_unit_with_a_negative_quantity_is_read_and_the_lines_add_up_to_the_total(tmp_path):
    # read so before as well (a row cut into cells takes a negative figure in any column): kept to hold it
    pytest.importorskip("fpdf", reason="fpdf2 (test dependency) renders the text-layer PDF")
    result = read_scan(_render.save_text_pdf(RETURNED, tmp_path / "returned.pdf"))
    assert result.ok, flagged(result)
    assert [(l.quantity, l.unit_price, l.amount_fen, l.tax_fen) for l in result.invoice.lines] \
        == [(Decimal(10), Decimal("20.00"), 20000, 2600), (Decimal(-1), Decimal("20.00"), -2000, -260)]
    assert result.invoice.total_amount_fen == sum(l.amount_fen for l in result.invoice.lines) == 18000
    findings = check_invoice(result.invoice)
    assert findings.ok and findings.finding("line.amount").status == "pass"


# --- 3. the 差额征税 mark after another block on its printed line ------------------------------------

@pytest.mark.parametrize("text", ["名称：深圳市云帆供应链管理有限公司 备注 差额征税：80000.00。",
                                  "开户行及账号：招商银行深圳分行 备 差额征税：80000.00。",
                                  "纳税人识别号：91440300MA5G2HT8L0 注 差额征税：80000.00。",
                                  "地址、电话：深圳市南山区 备注：差额征税：80000.00。项目：派遣"])
def test_a_remark_after_another_block_on_its_line_is_read_after_its_label(text):
    # before: (False, None), the line not beginning with the mark or its label
    assert difference_tax([text]) == (True, 8000000)


@pytest.mark.parametrize("text", ["名称：深圳市云帆供应链管理有限公司 差额征税：80000.00。",
                                  "名称：深圳市云帆 备注 本发票不属于差额征税：80000.00。",
                                  "名称：深圳市云帆 备注 差额征税：否", "名称：深圳市云帆 注：差额征税：80000.00。",
                                  "名称：深圳市云帆备注 差额征税：80000.00。", "项目：派遣，差额征税：80000.00。"])
def test_later_in_a_line_only_the_remark_label_right_before_the_mark_marks_the_invoice(text):
    # no label, a negation after it, the "Note:" 注：, or a label run into the text before it: a mention, not a mark
    assert difference_tax([text]) == (False, None)


def test_only_a_deduction_from_the_mark_on_is_read():
    # what stands before the remark on the line is another block's, not a deduction the remark gives
    assert difference_tax(["注册资本：差额征税：1.00 备注 差额征税：80000.00。"]) == (True, 8000000)


def test_a_scan_whose_seller_block_runs_into_the_remark_is_read_taxed_on_the_difference():
    inv = difference_invoice()
    # an older invoice prints the seller's block left of the 备注 box, its label set upright (备 above 注)
    remark = [text_line(f"名称：{inv.seller.name}", "备", "差额征税：80000.00。"),
              text_line(f"纳税人识别号：{inv.seller.tax_id}", "注")]
    fields, read, _ = extract_fields(lines_of(inv) + remark, 0.8)
    # before: not marked, no deduction, and the tax (on amount - 80000.00) failed line.tax
    assert not [name for name, f in fields.items() if f.flagged]
    assert read.taxed_on_difference and read.lines[0].deduction_fen == 8000000
    assert check_invoice(read).finding("line.tax").status == "pass"
