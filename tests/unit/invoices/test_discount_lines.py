"""A discount line (折扣行) read off a text layer or a scan: its empty cells printed as a dash, its quantity or amount
negative; and a 差额征税 remark on a printed line that begins with another block."""

from decimal import Decimal

import pytest

from client.invoices import check_invoice, parse_invoice, read_scan
from client.invoices._item_table import COLUMNS, Cell, without_empty_marks
from client.invoices._reading import ValueProblem, difference_tax, to_fen
from client.invoices._scan_fields import is_dash
from client.invoices.model import InvoiceLine
from client.invoices.scan import extract_fields

from . import _render
from ._samples import in_words, invoice, line
from ._tesseract import needs_tesseract
from .test_difference_mark import text_line
from .test_einvoice_forms import difference_invoice, line_tax, with_remark
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

def test_a_dash_alone_is_a_dash_and_a_figure_is_none():
    for mark in ("—", "-", "－", "–", "−", "——", " — "):
        assert is_dash(mark) and is_dash(mark, as_read=True), mark
    # 一 is how chi_sim reads a printed dash, but also a misread 1: a dash only where asked for as read
    assert is_dash("一", as_read=True) and not is_dash("一")
    for text in ("", " ", "-1", "—20.00", "-20.00", "一次", "个", "***"):
        assert not is_dash(text, as_read=True), text


def cells_of(**texts: str) -> dict[str, Cell]:
    return {column: Cell(column, (0, 0, 1, 1), text, 0.9) for column, text in texts.items()}


ORDINARY = dict(name="*日用品*洗衣液", amount="200.00", tax_rate="13%", tax="26.00")


@pytest.mark.parametrize("dashes", [dict(quantity="一"), dict(quantity="-"), dict(unit_price="—"),
                                    dict(quantity="一", unit_price="一"), dict(spec="一", unit="一"),
                                    dict(spec="—", unit="—", quantity="1")])
def test_on_an_ordinary_row_a_dash_alone_is_kept_as_read(dashes):
    # before: every one of them dropped as an empty cell, so a misread quantity (1 read as 一) went unflagged
    cells = cells_of(**ORDINARY, **dashes)
    assert without_empty_marks(cells) == cells


@pytest.mark.parametrize("amount", ["-20.00", "¥-20.00", "—20.00", "－20.00"])
def test_on_a_row_with_a_negative_amount_a_dash_alone_leaves_spec_unit_quantity_and_price_empty(amount):
    cells = cells_of(name="*日用品*洗衣液", spec="一", unit="—", quantity="一", unit_price="-", amount=amount,
                     tax_rate="13%", tax="-2.60")
    assert without_empty_marks(cells).keys() == {"name", "amount", "tax_rate", "tax"}


def test_a_row_whose_quantity_and_price_are_both_dashes_is_a_discount_line():
    cells = cells_of(**ORDINARY, spec="一", quantity="—", unit_price="－")
    assert without_empty_marks(cells).keys() == ORDINARY.keys()
    # 一 as a quantity and a price does not make a row a discount line: each may be a misread figure
    cells = cells_of(**ORDINARY, quantity="一", unit_price="一")
    assert without_empty_marks(cells) == cells


def test_a_dash_in_the_amount_rate_or_tax_is_never_an_empty_cell():
    # every row fills them: before, a dash there left the row "unreadable: nothing under amount"
    cells = cells_of(name="*日用品*洗衣液", quantity="—", unit_price="—", amount="—", tax_rate="-", tax="—")
    assert without_empty_marks(cells).keys() == {"name", "amount", "tax_rate", "tax"}


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


ONE = invoice(lines=(line("*日用品*洗衣液", "1", "200.00", "0.13", unit="瓶", spec="2kg"),))
EXEMPT = invoice(lines=(line("*日用品*洗衣液", "1", "200.00", "0", unit="瓶", spec="2kg"),))


def read_printed(tmp_path, inv, words: str | None = None, **printed: str):
    """The invoice read off a text layer, its one item row's cells printed as given (column -> text), and its
    amount in words as ``words`` where given."""
    at = {x: printed[column] for column, x in zip(COLUMNS, _render.COLUMNS) if column in printed}
    rows = [(y, [(x, at.get(x, text)) for x, text in cells] if cells[0][1] == inv.lines[0].name else cells)
            for y, cells in _render.placed_rows(inv, words)]
    return read_scan(_render.save_pages_pdf([rows], tmp_path / "printed.pdf"))


@needs_font
@pytest.mark.parametrize("printed", [dict(quantity="一"), dict(quantity="-"), dict(unit_price="—")],
                         ids=["quantity 一", "quantity -", "price —"])
def test_a_dash_alone_in_an_ordinary_rows_quantity_or_price_is_a_misread_figure_and_flagged(tmp_path, printed):
    pytest.importorskip("fpdf", reason="fpdf2 (test dependency) renders the text-layer PDF")
    # before: read as an empty cell, ok with no quantity (or price) and nothing flagged
    result = read_printed(tmp_path, ONE, **printed)
    (column,) = printed
    assert not result.ok
    assert flagged(result)[f"lines[0].{column}"].startswith("derived, not read")
    assert read_lines(result) == [("2kg", "瓶", Decimal(1), Decimal("200.00"), 20000, 2600)]


@needs_font
@pytest.mark.parametrize("column", ["spec", "unit"])
def test_an_ordinary_rows_spec_or_unit_一_is_read_as_printed(tmp_path, column):
    pytest.importorskip("fpdf", reason="fpdf2 (test dependency) renders the text-layer PDF")
    # before: dropped as an empty cell, the row read with no spec (or unit)
    result = read_printed(tmp_path, ONE, **{column: "一"})
    assert getattr(result.invoice.lines[0], column) == "一"


@needs_font
@pytest.mark.parametrize("inv, printed, field, derived, tax_fen", [
    (ONE, dict(amount="—"), "amount", "quantity x unit price", 2600),
    (EXEMPT, dict(tax_rate="免税", tax="—"), "tax", "amount x rate", 0),  # a 免税 line's tax read 0
], ids=["amount", "exempt tax"])
def test_a_dash_alone_in_the_amount_or_tax_is_derived_and_flagged_and_the_row_kept(tmp_path, inv, printed, field,
                                                                                    derived, tax_fen):
    pytest.importorskip("fpdf", reason="fpdf2 (test dependency) renders the text-layer PDF")
    # before: the whole row unreadable, "nothing under amount" (or tax)
    result = read_printed(tmp_path, inv, **printed)
    assert not result.ok
    assert flagged(result)[f"lines[0].{field}"].startswith(f"derived, not read: {derived}")
    assert read_lines(result) == [("2kg", "瓶", Decimal(1), Decimal("200.00"), 20000, tax_fen)]


# a red-letter invoice: every row negative, a return of one (or five) units at the price
RED = invoice(lines=(line("*日用品*洗衣液", "-1", "200.00", "0.13", unit="瓶", spec="2kg"),))
RED_FIVE = invoice(lines=(line("*日用品*洗衣液", "-5", "200.00", "0.13", unit="瓶", spec="2kg"),))
RED_WORDS = {RED: "（负数）" + in_words(-RED.total_with_tax_fen),
             RED_FIVE: "（负数）" + in_words(-RED_FIVE.total_with_tax_fen)}


@needs_font
@pytest.mark.parametrize("inv, printed", [(RED, dict(quantity="一")), (RED, dict(quantity="-")),
                                          (RED_FIVE, dict(quantity="一")), (RED, dict(unit_price="—"))],
                         ids=["quantity 一", "quantity -", "quantity 一 of five", "price —"])
def test_a_dash_in_a_red_letter_rows_quantity_or_price_beside_a_figure_is_a_misread_figure_and_flagged(
        tmp_path, inv, printed):
    pytest.importorskip("fpdf", reason="fpdf2 (test dependency) renders the text-layer PDF")
    # a negative amount alone is no discount line: every row of a red-letter invoice is negative, and a discount
    # line leaves both quantity and price empty. Before: ok, the quantity (or price) None and nothing flagged
    result = read_printed(tmp_path, inv, RED_WORDS[inv], **printed)
    (column,) = printed
    assert not result.ok
    assert flagged(result)[f"lines[0].{column}"].startswith("derived, not read")
    (row,) = inv.lines
    assert read_lines(result) == [("2kg", "瓶", row.quantity, row.unit_price, row.amount_fen, row.tax_fen)]


@needs_font
@pytest.mark.parametrize("column", ["spec", "unit"])
def test_a_red_letter_rows_spec_or_unit_一_beside_its_figures_is_read_as_printed(tmp_path, column):
    pytest.importorskip("fpdf", reason="fpdf2 (test dependency) renders the text-layer PDF")
    # before: dropped as a discount line's empty cell, the row read with no spec (or unit)
    result = read_printed(tmp_path, RED, RED_WORDS[RED], **{column: "一"})
    assert getattr(result.invoice.lines[0], column) == "一"


def test_a_negative_row_is_a_discount_line_only_where_neither_quantity_nor_price_holds_a_figure():
    def row(**texts):
        return {column: Cell(column, (0, 0, 1, 1), text, 0.95, None) for column, text in texts.items()}

    empty = row(name="*日用品*洗衣液", spec="一", unit="—", quantity="一", unit_price="-", amount="-20.00",
                tax_rate="13%", tax="-2.60")
    assert set(without_empty_marks(empty)) == {"name", "amount", "tax_rate", "tax"}
    # a quantity or price left blank (no cell) leaves the other dash an empty cell too
    assert set(without_empty_marks({c: cell for c, cell in empty.items() if c != "unit_price"})) \
        == {"name", "amount", "tax_rate", "tax"}
    # beside a price (or a quantity) the dash is a misread figure, and every cell is kept as read
    for column, figure in (("unit_price", "20.00"), ("quantity", "-1")):
        beside_a_figure = {**empty, column: Cell(column, (0, 0, 1, 1), figure, 0.95, None)}
        assert without_empty_marks(beside_a_figure) == beside_a_figure


@pytest.mark.parametrize("speck", ["|", ".", "'"])
def test_a_speck_read_in_a_negative_rows_empty_quantity_holds_no_figure(speck):
    # the discount line's empty cells go but the speck, kept to be flagged. Before: the speck counted as a figure,
    # so the row was no discount line and its price 一 was kept, to be flagged as an unreadable figure
    cells = cells_of(name="*软件*折扣", spec="—", unit="一", quantity=speck, unit_price="一", amount="-20.00",
                     tax_rate="6%", tax="-1.20")
    assert without_empty_marks(cells).keys() == {"name", "quantity", "amount", "tax_rate", "tax"}
    # a figure among the marks still makes it one: a red-letter row's quantity read as 一 beside it is kept
    cells = cells_of(name="*软件*服务", quantity="一", unit_price="1|00.00", amount="-100.00")
    assert without_empty_marks(cells) == cells


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
    assert difference_tax([text], printed_lines=True) == (True, 8000000)


@pytest.mark.parametrize("text", ["名称：深圳市云帆供应链管理有限公司 差额征税：80000.00。",
                                  "名称：深圳市云帆 备注 本发票不属于差额征税：80000.00。",
                                  "名称：深圳市云帆 备注 差额征税：否", "名称：深圳市云帆 注：差额征税：80000.00。",
                                  "名称：深圳市云帆备注 差额征税：80000.00。", "项目：派遣，差额征税：80000.00。",
                                  "名称：深圳市云帆 注 差额征税政策解读见附件", "名称：深圳市云帆 备注 差额征税",
                                  "名称：深圳市云帆 备 差额开票：80000.00。"])
def test_later_in_a_line_only_the_remark_label_right_before_the_mark_and_its_deduction_marks_the_invoice(text):
    # no label, a negation after it, the "Note:" 注：, or a label run into the text before it: a mention, not a mark;
    # nor is the mark without the deduction invoicing software prints with it (before: the last three marked it)
    assert difference_tax([text], printed_lines=True) == (False, None)


def test_only_a_deduction_from_the_mark_on_is_read():
    # what stands before the remark on the line is another block's, not a deduction the remark gives
    assert difference_tax(["注册资本：差额征税：1.00 备注 差额征税：80000.00。"], printed_lines=True) == (True, 8000000)


# figures after the mark that are no deduction: a year and notice number, a rate, a date
NO_AMOUNT = ["差额征税：2016年第47号公告适用", "差额征税：5%征收率", "差额征税：5％征收率", "差额征税：1.5‰",
             "差额征税：2016.12.31起", "差额征税：80,000年", "差额征税：12月",
             # OCR and typed remarks may set a space between the figure and what follows it (before: 2016.00, 5.00
             # and 80000.00 taken for deductions)
             "差额征税：2016 年第47号公告", "差额征税：5 %征收率", "差额征税：80000.00 %", "差额征税：12　月"]


@pytest.mark.parametrize("text", [f"名称：深圳市云帆 注 {mark}" for mark in NO_AMOUNT]
                         + ["名称：深圳市云帆 备注 差额征税：80000。", "名称：深圳市云帆 备 差额征税：80000.5。"])
def test_later_in_a_line_a_figure_after_the_mark_that_is_no_printed_deduction_marks_nothing(text):
    # mid-line only the deduction as invoicing software prints it, in yuan and fen, marks the invoice.
    # Before: marked, the year, rate or date (or the figure without its fen) taken for the deduction
    assert difference_tax([text], printed_lines=True) == (False, None)


@pytest.mark.parametrize("text", NO_AMOUNT)
def test_a_remark_beginning_with_the_mark_and_a_figure_that_is_no_amount_gives_no_deduction(text):
    # the remark begins with the mark, so marks the invoice; the year, rate or date after it is no deduction
    # (before: 2016年 gave a deduction of 2016.00, 5% one of 5.00)
    assert difference_tax([text]) == (True, None)


@pytest.mark.parametrize("text, deduction", [("差额征税：80000.00。", 8000000), ("差额征税：80,000.00，项目：派遣", 8000000),
                                             ("差额征税：80000。", 8000000), ("差额征税：-80000.00", -8000000),
                                             ("差额征税：80000.00.", 8000000)])
def test_a_remark_beginning_with_the_mark_gives_its_deduction_as_before(text, deduction):
    assert difference_tax([text]) == (True, deduction)
    assert difference_tax([f"名称：深圳市云帆 备注 {text}"], printed_lines=True) \
        == ((True, deduction) if ".00" in text else (False, None))


@pytest.mark.parametrize("text", ["差额征税：80000.00\n2026年3月服务费", "差额征税：80000.00 2026年第1期",
                                  "差额征税：80000.00\n1、合同号", "差额征税：80000.00 12月服务费",
                                  "差额征税：80000.00 3%征收率"])
def test_a_deduction_with_its_fen_is_read_whatever_follows_after_a_space(text):
    # a figure with its fen is whole: a date, a number or a rate a space or a line further on is other text
    # (before: the deduction dropped, and line.tax skipped where it should check)
    assert difference_tax([text]) == (True, 8000000)
    assert difference_tax([f"账号 62220001 备 {text}"], printed_lines=True) == (True, 8000000)


def test_a_deduction_broken_by_a_space_is_refused_not_dropped():
    # 80 000.00 is no figure to read, and dropping it silently would skip the tax check without a word
    with pytest.raises(ValueProblem, match="space inside its figure"):
        difference_tax(["差额征税：80 000.00"])


@pytest.mark.parametrize("text, deduction", [("差额征税：８００００．５０", 8000050), ("差额征税：８０，０００．５０元", 8000050),
                                             ("差额征税：80000．50。", 8000050), ("差额征税：８００００.００", 8000000)])
def test_a_deduction_with_a_full_width_decimal_point_is_read_to_the_fen(text, deduction):
    # before: ８００００．５０ read as 80000 (its fen dropped at the point) and ８０，０００．５０ refused as a figure
    # with a misplaced comma
    assert difference_tax([text]) == (True, deduction)
    assert difference_tax([f"名称：深圳市云帆 备注 {text}"], printed_lines=True) == (True, deduction)
    assert to_fen("¥１，２７２．００") == 127200


@pytest.mark.parametrize("note", ["差额征税：2016年第47号公告适用", "差额征税：5%征收率"])
def test_a_scanned_note_with_a_figure_after_the_mark_leaves_an_honest_tax_passing_and_an_understated_one_failing(
        note):
    honest = invoice(lines=(line("*劳务*派遣服务", "1", "100000.00", "0.06"),))
    understated = difference_invoice()  # its tax is (amount - 80000.00) x rate
    understated = understated.model_copy(update={
        "taxed_on_difference": False,
        "lines": tuple(l.model_copy(update={"deduction_fen": None}) for l in understated.lines)})
    for inv, status in ((honest, "pass"), (understated, "fail")):
        remark = [text_line(f"名称：{inv.seller.name}", "注", note)]
        _, read, _ = extract_fields(lines_of(inv) + remark, 0.8)
        # before: marked, the year (or rate) read as a deduction of 2016.00 (5.00): the honest tax failed
        assert not read.taxed_on_difference and read.lines[0].deduction_fen is None
        assert check_invoice(read).finding("line.tax").status == status


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


def test_a_scanned_note_mentioning_the_mark_mid_line_leaves_an_understated_tax_failing():
    inv = difference_invoice()  # its tax is (amount - 80000.00) x rate: understated for an invoice not so taxed
    inv = inv.model_copy(update={"taxed_on_difference": False,
                                 "lines": tuple(l.model_copy(update={"deduction_fen": None}) for l in inv.lines)})
    remark = [text_line(f"名称：{inv.seller.name}", "注", "差额征税政策解读见附件")]
    _, read, _ = extract_fields(lines_of(inv) + remark, 0.8)
    # before: marked taxed on the difference, so line.tax skipped for want of a deduction
    assert not read.taxed_on_difference
    assert check_invoice(read).finding("line.tax").status == "fail"


@pytest.mark.parametrize("remark", ["开户行：招商银行深圳分行 备注 差额征税：80000.00。", "说明 注 差额征税政策解读见附件"])
def test_an_xml_remark_is_read_for_the_mark_only_at_its_start(remark):
    # a remark field holds the remark alone: no other block runs into it. Before: both marked the invoice
    inv = parse_invoice(with_remark(difference_invoice(), remark))
    assert not inv.taxed_on_difference and inv.lines[0].deduction_fen is None
    (finding,) = line_tax(inv)
    assert finding.status == "fail"
