"""How a scan's fields are read: two readings reconciled, figures restored from the arithmetic, the item
table cut by its columns. No OCR here: readings and lines are made up, images rendered."""

from decimal import Decimal

import pytest

from client.invoices._cross_checks import (Totals, amount_agrees, restore_row, restore_totals, row_values,
                                          tax_agrees)
from client.invoices._item_table import column_extents, cut_row
from client.invoices._lines import TextLine
from client.invoices._ocr import Reading, fitted, ink_runs
from client.invoices._scan_fields import KINDS, Found, reconcile

from . import _render
from ._samples import invoice

needs_font = pytest.mark.skipif(_render.cjk_font() is None, reason="no CJK font (OS package fonts-wqy-zenhei)")


# --- two readings of one field --------------------------------------------------------

def test_two_readings_that_agree_are_as_sure_as_the_surer():
    # the page pass reads ¥ as 半, the second pass as ¥: each saw a currency sign, and the figures agree
    found = reconcile(Found("半2100.00", 0.62), Reading("¥2100.00", 0.93), KINDS["money"])
    assert (found.value, found.confidence, found.doubt) == ("2100.00", 0.93, None)


def test_two_readings_that_disagree_keep_the_surer_with_a_doubt():
    found = reconcile(Found("盒", 0.82), Reading("章", 0.40), KINDS["unit"])
    assert found.value == "盒" and "章" in found.doubt


def test_a_malformed_reading_gives_way_to_a_well_formed_one():
    assert reconcile(Found("4", 0.9), Reading("个", 0.7), KINDS["unit"]).value == "个"  # a unit is no digit
    assert reconcile(Found("2026年09月01日", 0.6), Reading("2026年09月0", 0.9), KINDS["date"]).value \
        == "2026年09月01日"
    assert reconcile(None, Reading("26442000000012345678", 0.9), KINDS["number"]).confidence == 0.9


def test_a_value_the_page_pass_cut_short_is_taken_whole():
    whole = "广州南方纺织品进出口有限公司"
    found = reconcile(Found("广州", 0.97), Reading(whole, 0.73), KINDS["party"])
    assert found.value == whole and found.confidence == 0.73 and found.doubt


def test_an_item_name_keeps_the_reading_of_its_own_crop():
    # psm 13 reports low confidence on names it reads right; its reading is kept, and the doubt flags the field
    found = reconcile(Found("*电子元件*集成电路心片", 0.47), Reading("电子元件*集成电路芯片", 0.42),
                      KINDS["name"])
    assert found.value == "*电子元件*集成电路芯片" and found.doubt


def test_tax_ids_that_differ_only_by_look_alike_letters_agree():
    found = reconcile(Found("91110108MAO1C3D5ER", 0.89), Reading("91110108MA01C3D5ER", 0.91), KINDS["tax_id"])
    assert (found.value, found.doubt) == ("91110108MA01C3D5ER", None)


def test_a_reduced_levy_rate_is_a_well_formed_rate():
    # the page pass stopped short of the last %; the rate cell's second reading is taken whole, its spaces out
    found = reconcile(Found("5%减按1.5", 0.9), Reading("5% 减按1.5%", 0.7), KINDS["tax_rate"])
    assert (found.value, found.confidence) == ("5%减按1.5%", 0.7)
    # two well-formed readings that disagree keep the surer, and the doubt flags the field
    found = reconcile(Found("5%减按1.5%", 0.6), Reading("1.5%", 0.9), KINDS["tax_rate"])
    assert found.value == "1.5%" and "'5%减按1.5%'" in found.doubt
    assert reconcile(Found("5%减按1.5%", 0.9), Reading("5%减按", 0.95), KINDS["tax_rate"]).value == "5%减按1.5%"


# --- figures restored from the arithmetic ---------------------------------------------

def _row(quantity="1", price="1000.00", amount="1000.00", rate="6%", tax="60.00", sure=None):
    """Cells of a row read with confidence 0.9, or as ``sure`` says per column."""
    values = {"quantity": quantity, "unit_price": price, "amount": amount, "tax_rate": rate, "tax": tax}
    return {k: Found(v, (sure or {}).get(k, 0.9)) for k, v in values.items() if v is not None}


def test_a_rows_tax_may_be_a_fen_off_amount_x_rate_but_not_two():
    # within a fen: per-line rounding; two fen off is a misread figure
    taxes = ("59.98", "59.99", "60.00", "60.01", "60.02")   # 1000.00 x 6% = 60.00
    assert [tax_agrees(row_values(_row(tax=t))) for t in taxes] == [False, True, True, True, False]


def test_a_rows_amount_is_quantity_x_price_to_the_fen():
    amounts = ("999.99", "1000.00", "1000.01")   # 1 x 1000.00
    assert [amount_agrees(row_values(_row(amount=a))) for a in amounts] == [False, True, False]


def test_a_misread_quantity_is_derived_from_the_amount_when_the_tax_confirms_it():
    cells = restore_row(_row(quantity="4", sure={"quantity": 0.5}), amount_in_total=False)
    assert cells["quantity"].value == "1" and "amount / unit price" in cells["quantity"].derived
    assert cells["quantity"].confidence == 0.5  # no surer than what it came from
    assert cells["unit_price"].derived is None


def test_the_less_sure_of_quantity_and_price_is_the_one_derived():
    cells = restore_row(_row(price="250.00", sure={"unit_price": 0.4}), amount_in_total=False)
    assert cells["unit_price"].value == "1000.00" and cells["quantity"].derived is None
    tie = restore_row(_row(quantity="4"), amount_in_total=False)  # equally sure: nothing says which
    assert all(c.derived is None for c in tie.values())


def test_nothing_is_derived_from_an_amount_nothing_confirms():
    cells = restore_row(_row(quantity="4", tax="61.00", sure={"quantity": 0.5}), amount_in_total=False)
    assert all(c.derived is None for c in cells.values())
    confirmed = restore_row(_row(quantity="4", tax="61.00", sure={"quantity": 0.5}), amount_in_total=True)
    assert confirmed["quantity"].value == "1"  # 合计金额 confirms the amount instead


def test_unreadable_figures_are_derived_from_the_others():
    assert restore_row(_row(amount="1OOO.OO"), amount_in_total=False)["amount"].value == "1000.00"
    assert restore_row(_row(tax=None), amount_in_total=False)["tax"].value == "60.00"
    rate = restore_row(_row(rate="G%"), amount_in_total=False)["tax_rate"]
    assert rate.value == "6%" and "the one rate" in rate.derived
    assert row_values(restore_row(_row(quantity="l"), amount_in_total=False)).quantity == Decimal(1)


def test_a_quantity_is_not_derived_when_the_division_is_not_exact():
    cells = restore_row(_row(quantity="4", price="3.00", sure={"quantity": 0.5}),
                        amount_in_total=False)
    assert cells["quantity"].derived is None  # 1000 / 3 is no printed quantity


def test_a_missing_total_is_the_sum_of_the_rows_and_says_so():
    found, conflict = restore_totals({"total_amount": None, "total_tax": Found("203.00", 0.9),
                                      "total_with_tax": Found("2303.00", 0.9)},
                                     Totals(None, 20300, 230300, 210000, 20300))
    assert found["total_amount"].value == "2100.00" and "sum of the item rows" in found["total_amount"].derived
    assert not conflict


# --- the item table by its columns ---------------------------------------------------

def _line(cells, merge=()):
    """A page-pass line from rendered (text, box) cells; ``merge`` joins cells as one word, as OCR may."""
    line = TextLine()
    i = 0
    while i < len(cells):
        text, box = cells[i]
        if i in merge:
            (text2, box2) = cells[i + 1]
            text, box = text + text2, (box[0], min(box[1], box2[1]), box2[2], max(box[3], box2[3]))
            i += 1
        line.add(text, 0.9, gap=bool(line.text), box=box)
        i += 1
    return line


@needs_font
def test_a_row_is_cut_into_cells_under_the_header_columns_even_where_words_ran_together():
    pytest.importorskip("PIL")
    inv = invoice()
    page = _render.render_image(inv).convert("L")
    layout = _render.layout(inv)
    columns = column_extents(_line(layout[7]))
    assert list(columns) == ["name", "spec", "unit", "quantity", "unit_price", "amount", "tax_rate", "tax"]
    row = layout[8]  # *电子元件*贴片电容 0805 个 200 1.50 300.00 13% 39.00
    cells = cut_row(page, _line(row, merge={2}), columns)  # the page pass read "个 200" as one word
    assert list(cells) == list(columns)
    for (text, box), cell in zip(row, cells.values()):
        assert cell.box[0] <= box[0] and cell.box[2] >= box[2], (text, box, cell)
        assert cell.box[2] < box[2] + 20  # no more than its own ink, padded
    assert cells["name"].page_text == "*电子元件*贴片电容"


@needs_font
def test_a_fitted_crop_sets_asterisks_apart():
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(_render.cjk_font()), 39)
    image = Image.new("L", (600, 80), 255)
    ImageDraw.Draw(image).text((20, 15), "*钢材*电缆桥架", font=font, fill=0)
    plain = Image.new("L", (600, 80), 255)
    ImageDraw.Draw(plain).text((20, 15), "钢材电缆桥架", font=font, fill=0)
    ink_height = image.point(lambda v: 255 if v < 128 else 0).getbbox()
    spaced, unspaced = fitted(image), fitted(plain)
    text_height = ink_height[3] - ink_height[1]
    # two asterisks, each with 0.35 text heights either side; the frame is 0.3 text heights all round
    assert spaced.width - unspaced.width > 2 * 2 * 0.3 * text_height
    assert unspaced.height == spaced.height


def test_specks_are_not_ink():
    from PIL import Image

    page = Image.new("L", (200, 40), 255)
    for x in (20, 60, 61):
        page.putpixel((x, 20), 90)  # specks of a scan
    for x in range(120, 160):
        for y in range(10, 30):
            page.putpixel((x, y), 0)
    assert ink_runs(page, 0, 40, min_gap=10) == [(120, 160)]
