"""Printed forms the PDF and scan reader meets on real invoices: buyer and seller side by side, a natural person
buying (no tax id), a line that carries no tax printed 免税 / 不征税 / ***, and one taxed on the difference."""

from decimal import Decimal

import pytest

from client.invoices import check_invoice, parse_invoice, read_scan, read_scans
from client.invoices._lines import TextLine, text_lines
from client.invoices._pdf_text import text_layer
from client.invoices._reading import to_rate
from client.invoices._scan_fields import KINDS
from client.invoices._scan_layout import header_readings, invoices_in, item_rows
from client.invoices.scan import extract_fields, field_accuracy, pages_text

from . import _render
from ._samples import BUYER, SELLER, SELLER_2, invoice, line, money
from ._tesseract import needs_tesseract
from .test_einvoice_forms import difference_invoice, taxed_as_if, with_remark

needs_font = pytest.mark.skipif(_render.cjk_font() is None, reason="no CJK font (OS package fonts-wqy-zenhei)")

PERSON = BUYER.model_copy(update={"name": "乌洪军", "tax_id": ""})


def text_pdf(inv, tmp_path, **layout):
    pytest.importorskip("fpdf", reason="fpdf2 (test dependency) renders the text-layer PDF")
    return _render.save_text_pdf(inv, tmp_path / "inv.pdf", **layout)


def parties(result):
    return {key: result.fields[key].value for key in ("buyer.name", "buyer.tax_id", "seller.name", "seller.tax_id")}


# ------------------------------------------------------------------ side by side

@needs_font
@pytest.mark.parametrize("side_by_side", [False, True])
def test_a_company_buyer_reads_alike_in_both_layouts(tmp_path, side_by_side):
    inv = invoice()
    result = read_scan(text_pdf(inv, tmp_path, side_by_side=side_by_side))
    assert result.ok, result.flagged
    assert parties(result) == {"buyer.name": BUYER.name, "buyer.tax_id": BUYER.tax_id,
                               "seller.name": SELLER.name, "seller.tax_id": SELLER.tax_id}
    assert all(field_accuracy(inv, result).values())


@needs_font
@pytest.mark.parametrize("side_by_side", [False, True])
def test_a_person_buyer_keeps_no_tax_id_and_is_flagged(tmp_path, side_by_side):
    inv = invoice(buyer=PERSON)
    result = read_scan(text_pdf(inv, tmp_path, side_by_side=side_by_side))
    assert parties(result) == {"buyer.name": "乌洪军", "buyer.tax_id": "",
                               "seller.name": SELLER.name, "seller.tax_id": SELLER.tax_id}
    assert result.flagged == ["buyer.tax_id"] and not result.ok
    assert "natural person (个人)" in result.fields["buyer.tax_id"].reason
    # the invoice is still read, and its own checks name what is wrong with it
    assert [f.check for f in check_invoice(result.invoice).failed] == ["buyer.tax_id"]


@needs_font
def test_a_partly_read_tax_id_is_misread_not_missing(tmp_path):
    cut = SELLER.model_copy(update={"tax_id": "91440300MA5"})
    result = read_scan(text_pdf(invoice(seller=cut), tmp_path))
    seller = result.fields["seller.tax_id"]
    assert seller.value == "91440300MA5" and seller.flagged and not result.ok
    assert "11 characters" in seller.reason and "probably misread" in seller.reason
    assert "natural person" not in seller.reason


def test_a_name_ends_at_the_other_partys_block_label():
    # a text layer whose characters have no places: only the label tells where the buyer's name ends
    lines = text_lines("购买方信息 名称：华南精密 制造有限公司 销售方信息 名称：深圳市云帆供应链管理有限公司\n"
                       "名称：乌洪军 信息 名称：广州市云帆信息技术有限公司")
    read = header_readings(lines)
    assert read["buyer.name"].value == "华南精密 制造有限公司"
    assert read["seller.name"].value == "深圳市云帆供应链管理有限公司"
    second = header_readings(lines[1:])
    assert (second["buyer.name"].value, second["seller.name"].value) == ("乌洪军", "广州市云帆信息技术有限公司")


def placed_line(*words: tuple[int, str]) -> TextLine:
    """A line of (x, text) words, each character 10 units wide and high, as a text layer places them."""
    line = TextLine()
    for x, text in words:
        line.add(text, 1.0, gap=bool(line.text), box=(x, 0, x + 10 * len(text), 10))
    return line


def test_a_name_ends_at_a_column_gap_where_no_label_stands():
    # the seller's block label printed upright, one character a line: 销 is all of it on this line
    line = placed_line((0, "名称：乌洪军"), (200, "销"), (230, "名称：广州市云帆信息技术有限公司"))
    read = header_readings([line])
    assert (read["buyer.name"].value, read["seller.name"].value) == ("乌洪军", "广州市云帆信息技术有限公司")
    # a gap of a character or two inside a name (OCR splits names at wide ones) does not end it
    near = placed_line((0, "名称：华南精密"), (90, "制造有限公司"))
    assert header_readings([near])["buyer.name"].value == "华南精密 制造有限公司"


def test_an_id_label_with_nothing_after_it_keeps_the_next_id_for_the_seller():
    lines = text_lines(f"统一社会信用代码/纳税人识别号： 统一社会信用代码/纳税人识别号：{SELLER.tax_id}")
    read = header_readings(lines)
    assert (read["buyer.tax_id"].value, read["seller.tax_id"].value) == ("", SELLER.tax_id)


@needs_font
@needs_tesseract
def test_a_side_by_side_scan_pairs_each_id_with_its_party(tmp_path):
    inv = invoice()
    result = read_scan(_render.save_png(inv, tmp_path / "inv.png", side_by_side=True))
    accuracy = field_accuracy(inv, result)
    for key in ("buyer.name", "buyer.tax_id", "seller.name", "seller.tax_id"):
        assert accuracy[key] or result.fields[key].flagged, (key, result.fields[key])
    assert result.fields["buyer.tax_id"].value != SELLER.tax_id


# ------------------------------------------------------------------ lines that carry no tax

def exempt_invoice():
    lines = invoice().lines[:2] + (line("*蔬菜*白菜", "100", "2", "0", unit="千克"),)
    return invoice(lines=lines)


@needs_font
@pytest.mark.parametrize("rate", ["免税", "不征税", "***"])
def test_a_line_printed_with_stars_for_its_tax_reads_as_zero_where_its_rate_says_so(tmp_path, rate):
    inv = exempt_invoice()
    result = read_scan(text_pdf(inv, tmp_path, printed={(2, "tax_rate"): rate, (2, "tax"): "***"}))
    assert result.ok, [(k, result.fields[k].reason) for k in result.flagged]
    assert (result.invoice.lines[2].tax_rate, result.invoice.lines[2].tax_fen) == (Decimal(0), 0)
    assert check_invoice(result.invoice).ok


@needs_font
def test_stars_for_the_tax_of_a_taxed_line_are_not_read_as_zero(tmp_path):
    result = read_scan(text_pdf(invoice(), tmp_path, printed={(2, "tax"): "***"}))
    tax = result.fields["lines[2].tax"]
    assert tax.flagged and not result.ok
    # restored from amount x rate, as any unreadable figure is, and flagged as derived: never a silent 0
    assert result.line_items[2] is None or result.line_items[2].tax_fen != 0


# ------------------------------------------------------------------ a reduced levy rate

def rent_invoice():
    """Individual housing rent beside taxed lines: levied at 5% reduced to 1.5%, its tax the amount at 1.5%."""
    return invoice(lines=(line("*经营租赁*房屋租金", "1", "1000.00", "0.015", unit="月"),) + invoice().lines[1:])


@needs_font
@pytest.mark.parametrize("rate", ["1.5%", "5%减按1.5%"])
def test_a_reduced_levy_rate_is_read_with_and_without_the_characters_places(tmp_path, rate):
    from pypdf import PdfReader

    inv = rent_invoice()
    pdf = text_pdf(inv, tmp_path, printed={(0, "tax_rate"): rate})
    placed = read_scan(pdf)   # the row cut by where its characters are
    assert placed.ok, [(k, placed.fields[k].reason) for k in placed.flagged]
    assert placed.invoice.model_dump(exclude={"kind"}) == inv.model_dump(exclude={"kind"})
    text, _ = text_layer(PdfReader(pdf).pages)
    fields, unplaced, _ = extract_fields(text_lines(text), 0.8)   # the same text, split by the row pattern
    assert fields["lines[0].tax_rate"].value == rate and not fields["lines[0]"].flagged
    assert unplaced.model_dump() == placed.invoice.model_dump()


@pytest.mark.parametrize("rate", ["13%", "1.5%", "5%减按1.5%", "5% 减按 1.5%", "3%减按1%", "免征", "免征增值税", "免税",
                                  "不征税", "***"])
def test_the_row_pattern_takes_every_rate_a_rate_cell_may_hold(rate):
    [row] = item_rows(text_lines("项目名称 规格型号 单位 数量 单价 金额 税率/征收率 税额\n"
                                 f"*经营租赁*房屋租金 月 1 1000.00 1000.00 {rate} 15.00\n"))
    assert row.problem is None and row.cells["tax_rate"].value == rate and row.cells["tax"].value == "15.00"


@pytest.mark.parametrize("rate, fraction", [("免征增值税", 0), ("免征", 0), ("免税", 0), ("不征税", 0), ("exempt", 0),
                                            ("3%减按1%", Decimal("0.01")), ("5% 减按 1.5%", Decimal("0.015"))])
def test_a_rate_the_xml_reader_takes_is_a_well_formed_rate_cell_on_a_scan(rate, fraction):
    assert to_rate(rate) == fraction
    assert KINDS["tax_rate"].well_formed(KINDS["tax_rate"].clean(rate))


# ------------------------------------------------------------------ 差额征税

@needs_font
def test_the_deduction_in_the_printed_remark_is_read_as_the_xml_reader_reads_it(tmp_path):
    inv = difference_invoice()
    result = read_scan(text_pdf(inv, tmp_path, remark="差额征税：80000.00。"))
    assert result.ok, [(k, result.fields[k].reason) for k in result.flagged]
    assert result.invoice.taxed_on_difference and result.invoice.lines[0].deduction_fen == 8000000
    assert check_invoice(result.invoice).ok
    from_xml = parse_invoice(with_remark(inv, "差额征税：80000.00。"))
    assert result.invoice.model_dump(exclude={"kind"}) == from_xml.model_dump(exclude={"kind"})


@needs_font
def test_without_the_remark_a_difference_taxed_row_is_flagged(tmp_path):
    result = read_scan(text_pdf(difference_invoice(), tmp_path))
    assert result.fields["lines[0].tax"].flagged and "amount x rate != tax" in result.fields["lines[0].tax"].reason
    unreadable = read_scan(text_pdf(difference_invoice(), tmp_path, remark="差额征税：80000.005。"))
    assert unreadable.fields["deduction"].flagged and not unreadable.ok


@needs_font
@pytest.mark.parametrize("deduction,says", [(-9904762, "is negative"), (19809524, "is more than the amount")])
def test_a_deduction_outside_nothing_to_the_amount_is_flagged(tmp_path, deduction, says):
    yuan = f"{deduction / 100:.2f}"
    result = read_scan(text_pdf(taxed_as_if(deduction), tmp_path, remark=f"差额征税：{yuan}。"))
    # (a negative tax is printed as no invoice prints it, and its figures are flagged too)
    assert "deduction" in result.flagged and says in result.fields["deduction"].reason and not result.ok
    assert result.fields["deduction"].value == yuan
    if deduction < 0:
        assert result.flagged == ["deduction"]
        assert check_invoice(result.invoice).finding("line.tax").status == "fail"


@needs_font
def test_printed_deductions_that_differ_are_flagged(tmp_path):
    result = read_scan(text_pdf(taxed_as_if(100), tmp_path, remark="差额征税：1.00。差额征税：80000.00。"))
    assert "deduction" in result.flagged and not result.ok  # (the row's tax is flagged too: no deduction fits)
    assert "several deductions after 差额征税 (1.00, 80000.00)" in result.fields["deduction"].reason


@needs_font
def test_the_words_in_an_item_name_do_not_make_an_invoice_taxed_on_the_difference(tmp_path):
    # as the XML reader, the PDF reader reads 差额征税 only outside the item rows
    agency = line("*经纪代理服务*差额征税代理费", "1", "1000.00", "0.13", unit="项")
    inv = invoice(lines=(agency, line("*信息技术服务*软件维护服务费", "1", "1000.00", "0.06", unit="项")))
    result = read_scan(text_pdf(inv, tmp_path))
    assert result.ok and not result.invoice.taxed_on_difference
    assert result.invoice.model_dump(exclude={"kind"}) == parse_invoice(with_remark(inv, None)).model_dump(
        exclude={"kind"})
    # a row whose tax is then off is checked, not skipped as if a deduction might explain it
    untaxed = inv.model_copy(update={"lines": (agency.model_copy(update={"tax_fen": 0}), inv.lines[1]),
                                     "total_tax_fen": 6000, "total_with_tax_fen": 206000})
    read = read_scan(text_pdf(untaxed, tmp_path))
    assert read.invoice is not None and not read.invoice.taxed_on_difference
    assert check_invoice(read.invoice).of("line.tax")[0].status == "fail"


# ------------------------------------------------------------------ an invoice printed on several pages

def _pages(inv):
    """The invoice on two pages, each with the title, the labelled fields and the table header, as invoicing
    software prints one whose items do not fit a page: two items on the first, the third and the totals on the
    second."""
    rows = _render.placed_rows(inv)
    header = rows[:8]
    rest = rows[10:]
    return [rows[:10], header + [(rows[8][0] + y - rest[0][0], cells) for y, cells in rest]]


@needs_font
def test_an_invoice_over_two_pages_reads_its_table_on_from_the_next_pages_header(tmp_path):
    pytest.importorskip("fpdf", reason="fpdf2 (test dependency) renders the text-layer PDF")
    inv = invoice()
    result = read_scan(_render.save_pages_pdf(_pages(inv), tmp_path / "two pages.pdf"))
    assert result.ok, [(k, result.fields[k].reason) for k in result.flagged]
    assert result.invoice.model_dump() == inv.model_copy(update={"kind": None}).model_dump()


def test_the_table_ends_at_its_page_and_at_a_labelled_field():
    page_1, page_2 = (text_lines("\n".join(" ".join(text for _, text in cells) for _, cells in rows))
                      for rows in _pages(invoice()))
    for on_page_2 in page_2:
        on_page_2.page_number = 1
    rows = item_rows(page_1 + page_2)
    assert [row.problem for row in rows] == [None, None, None]
    assert [row.cells["name"].value for row in rows] == [l.name for l in invoice().lines]
    # one run of lines, no page between them (the second page's title left out): its labelled fields end the table
    run = text_lines("\n".join(l.text for l in page_1 + page_2[1:]))
    assert [row.cells["name"].value for row in item_rows(run)] == [l.name for l in invoice().lines]


def test_the_invoices_title_repeated_in_the_table_without_a_page_between_is_no_item_row():
    inv = invoice()
    page_1, page_2 = (text_lines("\n".join(" ".join(text for _, text in cells) for _, cells in rows))
                      for rows in _pages(inv))
    # the pages run together, the second page's title included: its title is no row of the table
    run = text_lines("\n".join(l.text for l in page_1 + page_2))
    assert [(row.problem, row.cells["name"].value) for row in item_rows(run)] == [(None, l.name) for l in inv.lines]
    fields, read, _ = extract_fields(run, 0.8)
    assert not [name for name, f in fields.items() if f.flagged]
    assert read.model_dump() == inv.model_copy(update={"kind": None}).model_dump()


@needs_font
def test_a_title_and_table_header_repeated_lower_on_the_same_page_are_skipped(tmp_path):
    pytest.importorskip("fpdf", reason="fpdf2 (test dependency) renders the text-layer PDF")
    inv = invoice()
    rows = _render.placed_rows(inv)
    title, header = rows[0][1], rows[7][1]
    repeated = rows[:10] + [(rows[9][0] + 56, title), (rows[9][0] + 112, header)] + [(y + 112, cells)
                                                                                     for y, cells in rows[10:]]
    result = read_scan(_render.save_pages_pdf([repeated], tmp_path / "repeated.pdf"))
    assert result.ok, [(k, result.fields[k].reason) for k in result.flagged]
    assert result.invoice.model_dump() == inv.model_copy(update={"kind": None}).model_dump()


# ------------------------------------------------------------------ several invoices in one file

OTHER_NUMBER = "26442000000087654321"


def several_pdf(tmp_path, *pages):
    pytest.importorskip("fpdf", reason="fpdf2 (test dependency) renders the text-layer PDF")
    return _render.save_pages_pdf(list(pages), tmp_path / "several.pdf")


@needs_font
def test_two_invoices_in_one_pdf_are_not_read_as_one(tmp_path):
    first, second = invoice(), invoice(number=OTHER_NUMBER, lines=invoice().lines[:1])
    path = several_pdf(tmp_path, _render.placed_rows(first), _render.placed_rows(second))
    result = read_scan(path)
    assert not result.ok and result.invoice is None
    flag = result.fields["invoices"]
    assert flag.flagged and flag.value == f"{first.number}, {OTHER_NUMBER}"
    assert f"{first.number} of {SELLER.name} on page 1, {OTHER_NUMBER} of {SELLER.name} on page 2" in flag.reason
    assert "split the file" in flag.reason
    # the fields shown are the first invoice's, its rows alone
    assert result.fields["number"].value == first.number and result.pages == (1,)
    assert result.fields["total_with_tax"].value == money(first.total_with_tax_fen)
    assert "lines[3]" not in result.fields
    # read as a list, each invoice is read whole from its own page
    each = read_scans(path)
    assert [(r.ok, r.pages) for r in each] == [(True, (1,)), (True, (2,))]
    assert [r.invoice.model_dump() for r in each] == [i.model_copy(update={"kind": None}).model_dump()
                                                     for i in (first, second)]


@needs_font
def test_the_same_number_from_another_seller_is_another_invoice(tmp_path):
    other_seller = invoice(seller=SELLER_2)
    path = several_pdf(tmp_path, _render.placed_rows(invoice()), _render.placed_rows(other_seller))
    flag = read_scan(path).fields["invoices"]
    assert flag.flagged and f"of {SELLER.name} on page 1" in flag.reason and f"of {SELLER_2.name} on page 2" in \
        flag.reason
    assert [r.invoice.seller for r in read_scans(path)] == [SELLER, SELLER_2]


@needs_font
def test_two_invoices_on_one_page_are_read_apart(tmp_path):
    second = invoice(number=OTHER_NUMBER, lines=invoice().lines[1:])
    below = [(y + 800, cells) for y, cells in _render.placed_rows(second)]
    each = read_scans(several_pdf(tmp_path, _render.placed_rows(invoice()) + below))
    assert [(r.ok, r.pages, r.invoice.number) for r in each] == [(True, (1,), invoice().number),
                                                                (True, (1,), OTHER_NUMBER)]
    assert each[1].invoice.lines == second.lines


@needs_font
def test_one_invoice_over_two_pages_or_citing_another_invoices_number_is_one_invoice(tmp_path):
    inv = invoice()
    over_two = read_scan(several_pdf(tmp_path, *_pages(inv)))
    assert over_two.ok and over_two.pages == (1, 2) and "invoices" not in over_two.fields
    # a red-letter invoice's remark names the invoice it reverses: no title block of another invoice
    cited = text_pdf(inv, tmp_path, remark=f"被红冲蓝字数电发票号码：{OTHER_NUMBER}")
    assert [r.ok for r in read_scans(cited)] == [True] and read_scan(cited).fields["number"].value == inv.number


def _number_and_rows(number, inv, first_row=0, last_row=None):
    """A page printing only an invoice number and item rows (some of ``inv``'s, by index), with no title, parties,
    table header or totals."""
    rows = _render.placed_rows(inv)[8:8 + len(inv.lines)][first_row:last_row]
    return [(40, [(40, f"发票号码：{number}")])] + [(96 + 56 * i, cells) for i, (_, cells) in enumerate(rows)]


@needs_font
def test_a_page_of_another_number_and_rows_alone_is_another_invoice(tmp_path):
    first, second = invoice(), invoice(number=OTHER_NUMBER, lines=invoice().lines[:2])
    path = several_pdf(tmp_path, _render.placed_rows(first), _number_and_rows(OTHER_NUMBER, second))
    each = read_scans(path)
    assert [(r.fields["number"].value, r.pages) for r in each] == [(first.number, (1,)), (OTHER_NUMBER, (2,))]
    # the first is read whole from its own page, its rows not joined by the second's
    assert each[0].ok and each[0].invoice.lines == first.lines
    # the second prints no seller, date or totals: read apart, incomplete, its rows its own
    assert each[1].invoice is None and each[1].line_items == second.lines
    assert each[1].fields["seller.name"].flagged and each[1].fields["total_with_tax"].flagged
    flag = read_scan(path).fields["invoices"]
    assert flag.flagged and flag.value == f"{first.number}, {OTHER_NUMBER}"
    assert f"{OTHER_NUMBER} on page 2" in flag.reason


@needs_font
def test_a_page_of_the_same_number_and_rows_alone_goes_on_with_the_invoice(tmp_path):
    # the invoice's first two rows under its title, the third and the totals on a page that repeats its number only
    inv = invoice()
    rows = _render.placed_rows(inv)
    go_on = _number_and_rows(inv.number, inv, 2) + [(y - rows[10][0] + 152, cells) for y, cells in rows[11:]]
    result = read_scan(several_pdf(tmp_path, rows[:10], go_on))
    assert result.ok, [(k, result.fields[k].reason) for k in result.flagged]
    assert result.pages == (1, 2) and result.invoice.model_dump() == inv.model_copy(update={"kind": None}).model_dump()


@needs_font
@pytest.mark.parametrize("beside", [[], [(1000, "2026")]], ids=["alone", "a figure in a column to its right"])
def test_a_number_printed_in_groups_of_digits_is_read_whole(tmp_path, beside):
    inv = invoice()
    rows = _render.placed_rows(inv)
    grouped = " ".join(inv.number[i:i + 4] for i in range(0, len(inv.number), 4))
    rows[1] = (rows[1][0], [(40, f"发票号码：{grouped}"), *beside])
    result = read_scan(several_pdf(tmp_path, rows))
    assert result.ok and result.fields["number"].value == inv.number


def _over_three_pages(inv, number_on_page_2):
    """The invoice's title and first two rows on page 1; on page 2 only a number (as given) and the third row; on
    page 3 its number and the totals: no title block after page 1."""
    rows = _render.placed_rows(inv)
    middle = [(40, [(40, f"发票号码：{number_on_page_2}")]), (96, rows[10][1])]
    totals = [(40, [(40, f"发票号码：{inv.number}")])] + [(y - rows[11][0] + 96, cells) for y, cells in rows[11:]]
    return [rows[:10], middle, totals]


FULL_WIDTH_DIGITS = {ord(digit): ord(digit) + 0xFEE0 for digit in "0123456789"}


@needs_font
@pytest.mark.parametrize("printed", [
    lambda number: " ".join(number[i:i + 4] for i in range(0, len(number), 4)),
    lambda number: number.translate(FULL_WIDTH_DIGITS),
], ids=["in groups of four digits", "in full-width digits"])
def test_the_invoices_number_printed_otherwise_on_a_page_of_rows_goes_on_with_the_invoice(tmp_path, printed):
    inv = invoice()
    path = several_pdf(tmp_path, *_over_three_pages(inv, printed(inv.number)))
    each = read_scans(path)
    assert [(r.fields["number"].value, r.pages) for r in each] == [(inv.number, (1, 2, 3))]
    assert each[0].ok, [(k, each[0].fields[k].reason) for k in each[0].flagged]
    assert each[0].invoice.model_dump() == inv.model_copy(update={"kind": None}).model_dump()


@needs_font
@pytest.mark.parametrize("misread", ["26442000000012345679", "26442000000012845679", "2644200000001234567"],
                         ids=["one digit", "two digits", "one digit left out"])
def test_a_number_a_character_or_two_off_goes_on_with_the_invoice_and_is_flagged(tmp_path, misread):
    inv = invoice()
    each = read_scans(several_pdf(tmp_path, *_over_three_pages(inv, misread)))
    assert [(r.fields["number"].value, r.pages) for r in each] == [(inv.number, (1, 2, 3))]
    result = each[0]
    # every row is read, the totals agree: only the number is left for a person, naming what page 2 prints
    assert result.line_items == inv.lines and result.flagged == ["number"] and not result.ok
    assert f"({misread} on page 2)" in result.fields["number"].reason
    assert "check the number on the page" in result.fields["number"].reason


@needs_font
@pytest.mark.parametrize("remark_line", [True, False], ids=["the remark's first words above", "the number alone"])
def test_a_remark_running_onto_the_next_page_is_no_second_invoice(tmp_path, remark_line):
    # a red-letter invoice's remark cites the invoice it reverses; the number's line lands at the top of a page
    inv = invoice()
    cited = [(40, [(40, "备注：被红冲蓝字数电")])] if remark_line else []
    cited.append((96, [(40, f"发票号码：{OTHER_NUMBER}")]))
    path = several_pdf(tmp_path, _render.placed_rows(inv), cited)
    assert [(r.ok, r.fields["number"].value, r.pages) for r in read_scans(path)] == [(True, inv.number, (1, 2))]
    assert read_scan(path).ok


@needs_font
def test_a_number_printed_twice_in_one_title_block_is_one_invoice(tmp_path):
    inv = invoice()
    rows = _render.placed_rows(inv)
    twice = rows[:2] + [(rows[1][0] + 28, rows[1][1])] + [(y + 28, cells) for y, cells in rows[2:]]
    path = several_pdf(tmp_path, twice)
    assert [(r.ok, r.pages, r.fields["number"].value) for r in read_scans(path)] == [(True, (1,), inv.number)]
    assert read_scan(path).invoice.model_dump() == inv.model_copy(update={"kind": None}).model_dump()


def test_a_second_invoice_on_a_page_never_leaves_the_first_empty():
    # the first invoice's table header and totals not read (a damaged scan): the second still begins at its number
    lines = text_lines("电子发票（增值税专用发票）\n发票号码：26442000000012345678\n开票日期：2026年09月01日\n"
                       "*电子元件*贴片电容 0805 个 200 1.50 300.00 13% 39.00\n"
                       f"发票号码：{OTHER_NUMBER}\n开票日期：2026年09月02日\n")
    found = invoices_in(lines)
    assert [(i.number, [l.text[:4] for l in i.lines], i.pages) for i in found] == [
        ("26442000000012345678", ["电子发票", "发票号码", "开票日期", "*电子元"], (1,)),
        (OTHER_NUMBER, ["发票号码", "开票日期"], (1,))]
    assert pages_text(()) == "no page"


@needs_font
def test_a_wrapped_remark_citing_the_reversed_invoice_is_no_second_invoice(tmp_path):
    # the remark wraps so that the cited number's label begins a line, with nothing of a title block after it
    inv = invoice()
    rows = _render.placed_rows(inv)
    below = rows[-1][0]
    wrapped = rows + [(below + 56, [(40, "备注：被红冲蓝字数电")]), (below + 112, [(40, f"发票号码：{OTHER_NUMBER}")])]
    path = several_pdf(tmp_path, wrapped)
    assert [(r.ok, r.fields["number"].value) for r in read_scans(path)] == [(True, inv.number)]
    assert "invoices" not in read_scan(path).fields


@needs_font
def test_a_second_copy_of_an_invoice_is_flagged_and_never_added_to_it(tmp_path):
    inv = invoice()
    rows = _render.placed_rows(inv)
    each = read_scans(several_pdf(tmp_path, rows, rows))
    assert len(each) == 1
    result = each[0]
    copies = result.fields["copies"]
    assert copies.flagged and copies.value == "page 2" and result.flagged == ["copies"] and not result.ok
    assert f"prints invoice {inv.number} on page 1 and again on page 2, reading the same" in copies.reason
    assert "remove the copy" in copies.reason
    # the fields and rows are the first copy's alone
    assert result.pages == (1,) and result.invoice.lines == inv.lines
    assert result.fields["total_with_tax"].value == money(inv.total_with_tax_fen)


@needs_font
def test_a_copy_that_reads_otherwise_or_spans_pages_is_named_so(tmp_path):
    inv = invoice()
    altered = _render.placed_rows(invoice(lines=inv.lines[:2]))
    result = read_scan(several_pdf(tmp_path, _render.placed_rows(inv), altered))
    reason = result.fields["copies"].reason
    assert "again on page 2, reading otherwise in" in reason and "total_with_tax" in reason and "altered" in reason
    assert result.invoice.lines == inv.lines
    # an invoice over two pages printed twice: the copy is pages 3-4, each copy's pages one invoice
    twice = read_scans(several_pdf(tmp_path, *_pages(inv), *_pages(inv)))
    assert [(r.pages, r.fields["copies"].value, len(r.invoice.lines)) for r in twice] == [((1, 2), "pages 3-4", 3)]
