"""A PDF of several pages whose first is the invoice: a page after it (a statement of account, a letter, terms of
payment sent in one file with it) was read into the invoice, so its labels gave the invoice their values: a
statement's 合计 line became the invoice's total amount and tax. An invoice ends on the page printing its total
with tax (价税合计) now: the pages after it are not read into it and are named in the field ``pages_after``, a note
(not flagged), flagged where such a page prints item rows (a list of goods, 销货清单, whose rows are not counted)."""

from pathlib import Path

import pytest

from client.invoices import read_scan, read_scans

from . import _render
from ._samples import invoice
from ._tesseract import needs_tesseract
from .test_scan import needs_font

pytestmark = [needs_font, pytest.mark.filterwarnings("ignore")]

INV = invoice()
OTHER = invoice(number="26442000000087654321")
STATEMENT = [(40, [(40, "对账单")]),
             (100, [(40, "合计"), (300, "¥9999.00"), (420, "¥1299.87")]),
             (160, [(40, "价税合计（大写）壹万壹仟贰佰玖拾捌圆捌角柒分"), (560, "（小写）¥11298.87")]),
             (220, [(40, "备注：对应蓝字发票号码：26442000000000000001")])]
TERMS = [(40, [(40, "付款条件：收到发票后30天内付款")])]


def _pdf(tmp_path: Path, pages) -> Path:
    pytest.importorskip("fpdf", reason="fpdf2 (test dependency) renders the text-layer PDF")
    return _render.save_pages_pdf(pages, tmp_path / "invoice.pdf")


def test_a_statement_after_the_invoice_gives_it_none_of_its_values(tmp_path: Path):
    result = read_scan(_pdf(tmp_path, [_render.placed_rows(INV), STATEMENT]))
    assert result.pages == (1,)
    inv = result.invoice
    assert (inv.total_amount_fen, inv.total_tax_fen, inv.total_with_tax_fen) == (
        INV.total_amount_fen, INV.total_tax_fen, INV.total_with_tax_fen)
    assert inv.lines == INV.lines and inv.original_number == ""
    note = result.fields["pages_after"]
    assert (note.value, note.flagged) == ("2", False)
    assert note.reason.startswith("page 2 after the invoice's total with tax (价税合计, on page 1) is not read into it")
    assert result.ok, result.flagged


def test_terms_of_payment_after_the_invoice_are_named_not_read(tmp_path: Path):
    result = read_scan(_pdf(tmp_path, [_render.placed_rows(INV), TERMS, TERMS]))
    assert result.pages == (1,) and result.invoice.issue_date == INV.issue_date
    assert result.fields["pages_after"].value == "2, 3"
    assert "pages 2-3 after the invoice's total with tax" in result.fields["pages_after"].reason


def test_item_rows_after_the_invoice_are_flagged_not_counted(tmp_path: Path):
    listed = [(y, cells) for y, cells in _render.placed_rows(OTHER)
              if not any(text.startswith(("发票号码", "开票日期", "价税合计")) for _, text in cells)]
    result = read_scan(_pdf(tmp_path, [_render.placed_rows(INV), listed]))
    assert result.pages == (1,) and result.invoice.lines == INV.lines
    note = result.fields["pages_after"]
    assert note.flagged and "item rows: a list of goods (销货清单)" in note.reason
    assert not result.ok


def test_an_invoice_whose_totals_are_on_its_second_page_keeps_both(tmp_path: Path):
    rows = _render.placed_rows(INV)
    at = next(i for i, (_, cells) in enumerate(rows) if cells[0][1] == "合计")
    result = read_scan(_pdf(tmp_path, [rows[:at], rows[at:], TERMS]))
    assert result.pages == (1, 2) and result.fields["pages_after"].value == "3"
    assert result.invoice.lines == INV.lines and result.invoice.total_with_tax_fen == INV.total_with_tax_fen


def test_a_page_between_two_invoices_is_neither_invoices(tmp_path: Path):
    first, second = read_scans(_pdf(tmp_path, [_render.placed_rows(INV), STATEMENT, _render.placed_rows(OTHER)]))
    assert (first.pages, first.fields["pages_after"].value) == ((1,), "2")
    assert second.pages == (3,) and "pages_after" not in second.fields
    assert first.invoice.total_amount_fen == INV.total_amount_fen
    assert second.invoice.number == OTHER.number


def test_an_invoice_alone_has_no_note(tmp_path: Path):
    result = read_scan(_pdf(tmp_path, [_render.placed_rows(INV)]))
    assert result.pages == (1,) and "pages_after" not in result.fields and result.ok


@needs_tesseract
def test_a_scanned_statement_after_the_invoice_gives_it_none_of_its_values(tmp_path: Path):
    # the same by OCR: an image-only PDF, the invoice's page then a statement's 合计 line
    from PIL import Image, ImageDraw, ImageFont

    first = _render.render_image(INV).convert("RGB")
    second = Image.new("RGB", first.size, "white")
    draw = ImageDraw.Draw(second)
    font = ImageFont.truetype(str(_render.cjk_font()), 39)
    draw.text((56, 56), "对账单", font=font, fill=0)
    draw.text((56, 140), "合计      ¥9999.00      ¥1299.87", font=font, fill=0)
    path = tmp_path / "scan.pdf"
    first.save(path, format="PDF", resolution=150, save_all=True, append_images=[second])
    result = read_scan(path)
    assert result.method == "ocr" and result.pages == (1,)
    assert (result.invoice.total_amount_fen, result.invoice.total_tax_fen) == (INV.total_amount_fen,
                                                                               INV.total_tax_fen)
    assert (result.fields["pages_after"].value, result.fields["pages_after"].flagged) == ("2", False)


def _split_before_totals(rows):
    """The invoice's rows as two pages: its item rows but the last, then its last row and its totals."""
    at = next(i for i, (_, cells) in enumerate(rows) if cells[0][1] == "合计")
    return rows[:at - 1], rows[at - 1:]


@pytest.mark.parametrize("legend", [[(40, "价税合计（大写）")], [(40, "价税合计（大写）"), (920, "（小写）")]],
                         ids=["words label", "both labels"])
def test_a_total_with_tax_label_with_no_figure_does_not_end_the_invoice(tmp_path: Path, legend):
    # the form's frame printed on each page of a longer invoice, filled in on its last: the first page's empty
    # 价税合计 ended the invoice there, leaving out the page of its last row and its totals
    first, last = _split_before_totals(_render.placed_rows(INV))
    result = read_scan(_pdf(tmp_path, [first + [(first[-1][0] + 56, legend)], last, TERMS]))
    assert result.pages == (1, 2) and result.fields["pages_after"].value == "3"
    inv = result.invoice
    assert inv.lines == INV.lines
    assert (inv.total_amount_fen, inv.total_tax_fen, inv.total_with_tax_fen) == (
        INV.total_amount_fen, INV.total_tax_fen, INV.total_with_tax_fen)
    assert result.ok, result.flagged


def _red_letter_rows(remark):
    from ._samples import in_words
    from .test_red_letter_names_its_original import red_letter

    red = red_letter()
    return red, _render.placed_rows(red, words="（负数）" + in_words(-red.total_with_tax_fen), remark=remark)


def test_a_remark_printed_on_the_page_after_flags_the_reading(tmp_path: Path):
    # a red-letter invoice's remark, naming the invoice it offsets, printed on the page after its totals: read as
    # naming none, unflagged, the page said to be another document's
    red, rows = _red_letter_rows("退货。被红冲蓝字数电发票号码：" + "26442000000012345678")
    result = read_scan(_pdf(tmp_path, [rows[:-1], [(40, rows[-1][1])]]))
    assert result.pages == (1,) and result.invoice.total_with_tax_fen == red.total_with_tax_fen
    note = result.fields["pages_after"]
    assert note.flagged and not result.ok
    assert "the invoice's remark (备注) may go on there (page 2 begins with one)" in note.reason
    assert "check the remark there against the invoice's reading" in note.reason


def test_a_remark_cut_at_the_end_of_its_page_flags_the_reading(tmp_path: Path):
    red, rows = _red_letter_rows(("退货。被红冲蓝字数电发票号码：", "26442000000012345678"))
    result = read_scan(_pdf(tmp_path, [rows[:-1], [(40, [(160, "26442000000012345678")])]]))
    note = result.fields["pages_after"]
    assert note.flagged and "may go on there (page 1 ends in it)" in note.reason


def test_a_remark_the_drawer_follows_is_whole_on_its_page(tmp_path: Path):
    # the drawer (开票人) printed below the remark: the remark ended on the invoice's page, and the statement after
    # it is another document's, a note only
    rows = _render.placed_rows(INV, remark="2026年9月货款")
    rows.append((rows[-1][0] + 56, [(40, "开票人：王芳")]))
    result = read_scan(_pdf(tmp_path, [rows, STATEMENT]))
    note = result.fields["pages_after"]
    assert (note.value, note.flagged) == ("2", False)
    assert result.ok, result.flagged


def test_a_list_of_goods_after_the_invoice_is_flagged_its_figures_the_invoices(tmp_path: Path):
    # an invoice of more lines than its form holds prints one row 详见销货清单 with its totals, and its goods on a
    # list after it: the invoice's figures are those on its own page, the list's rows are not added to them (they
    # would count twice), and the reading is flagged for a person to check the list against the invoice
    from ._samples import line, money

    big = invoice(lines=tuple(line(f"*电子元件*电容{i}", "10", "1.00", "0.13", unit="个") for i in range(10)))
    rows = _render.placed_rows(big)
    header = next(i for i, (_, cells) in enumerate(rows) if cells[0][1] == "项目名称")
    totals = next(i for i, (_, cells) in enumerate(rows) if cells[0][1] == "合计")
    listed = [(40, "（详见销货清单）"), (1040, money(big.total_amount_fen)), (1210, "13%"),
              (1340, money(big.total_tax_fen))]
    page = [*(cells for _, cells in rows[:header + 1]), listed, *(cells for _, cells in rows[totals:totals + 2])]
    goods = [[(480, "销售货物或者提供应税劳务清单")], [(40, f"所属发票号码 {big.number}")],
             *(cells for _, cells in rows[header:totals]),
             [(40, "总计"), (1040, money(big.total_amount_fen)), (1340, money(big.total_tax_fen))]]
    result = read_scan(_pdf(tmp_path, [[(40 + 56 * i, cells) for i, cells in enumerate(p)] for p in (page, goods)]))
    inv = result.invoice
    assert result.pages == (1,) and len(inv.lines) == 1
    assert (inv.total_amount_fen, inv.total_tax_fen) == (big.total_amount_fen, big.total_tax_fen)
    note = result.fields["pages_after"]
    assert note.flagged and "item rows: a list of goods (销货清单)" in note.reason and not result.ok
