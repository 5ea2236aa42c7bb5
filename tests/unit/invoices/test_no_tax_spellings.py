"""A line that carries no tax is printed 免税 / 不征税 / ``***`` in its rate and tax columns; a file or a scan may
have the same words with a space inside (免 税, OCR and some software put one between the characters) or the stars
typed full-width (＊＊＊, as a Chinese input method gives them). Each reader (the XML and recfin JSON readers and
the scan's row pattern and cells) reads these as the line's no-tax spelling; what is no such spelling whole (免
alone, a word beside a rate) stays refused or flagged, and the totals are checked to the fen as before."""

import json
from decimal import Decimal

import pytest

from client.invoices import check_invoice, parse_invoice, read_scan
from client.invoices._cross_checks import row_values
from client.invoices._lines import text_lines
from client.invoices._scan_layout import item_rows
from client.invoices.errors import MalformedInput
from client.invoices.parse import invoice_to_json

from ._samples import invoice
from .test_einvoice_forms import exempt_xml
from .test_scan_layouts import exempt_invoice, needs_font, text_pdf

SPELLINGS = [("免 税", "***"), ("免\u3000税", "***"), ("不 征 税", "***"), ("免税", "＊＊＊"), ("＊＊＊", "＊＊＊"),
             ("免 税", "＊ ＊ ＊")]
AMBIGUOUS = [("免", "***"), ("税", "***"), ("免税 13%", "***"), ("免税13%", "＊＊＊")]
HEADING = "项目名称 规格型号 单位 数量 单价 金额 税率/征收率 税额\n"


def row_of(rate: str, tax: str):
    [row] = item_rows(text_lines(HEADING + f"*蔬菜*白菜 千克 100 2 200.00 {rate} {tax}\n"))
    return row


@pytest.mark.parametrize("rate, tax", SPELLINGS)
def test_the_xml_reader_reads_a_spaced_or_full_width_no_tax_spelling_as_no_tax(rate, tax):
    inv = parse_invoice(exempt_xml(rate, tax))
    assert (inv.lines[2].tax_rate, inv.lines[2].tax_fen) == (0, 0)
    assert check_invoice(inv).ok


@pytest.mark.parametrize("rate, tax", SPELLINGS)
def test_the_recfin_json_reader_reads_a_spaced_or_full_width_no_tax_spelling_as_no_tax(rate, tax):
    doc = invoice_to_json(exempt_invoice())
    doc["lines"][2].update(tax_rate=rate, tax=tax)
    inv = parse_invoice(json.dumps(doc, ensure_ascii=False).encode())
    assert (inv.lines[2].tax_rate, inv.lines[2].tax_fen) == (0, 0)
    assert inv.model_dump(exclude={"kind"}) == exempt_invoice().model_dump(exclude={"kind"})


@pytest.mark.parametrize("rate, tax", AMBIGUOUS)
def test_a_reader_refuses_what_is_no_no_tax_spelling_whole(rate, tax):
    with pytest.raises(MalformedInput):
        parse_invoice(exempt_xml(rate, tax), source="inv.xml")


def test_stars_on_a_taxed_line_stay_refused_full_width_too():
    with pytest.raises(MalformedInput) as refused:
        parse_invoice(exempt_xml("0.06", "＊＊＊"), source="inv.xml")
    assert "免税, 不征税 or ***" in refused.value.problem


@pytest.mark.parametrize("rate, tax", SPELLINGS[:5])
def test_the_scan_row_pattern_reads_a_spaced_or_full_width_no_tax_spelling_as_no_tax(rate, tax):
    row = row_of(rate, tax)
    assert row.problem is None
    values = row_values(row.cells)
    assert (values.tax_rate, values.tax, values.amount) == (Decimal(0), 0, 20_000)


@pytest.mark.parametrize("rate, tax", AMBIGUOUS[:2])
def test_the_scan_row_pattern_still_flags_what_is_no_no_tax_spelling_whole(rate, tax):
    assert row_of(rate, tax).problem is not None


def test_the_scan_row_pattern_reads_no_stars_as_a_tax_on_a_taxed_line():
    values = row_values(row_of("13%", "＊＊＊").cells)
    assert values.tax_rate == Decimal("0.13") and values.tax is None   # unreadable: never a silent 0


@needs_font
@pytest.mark.parametrize("rate, tax", [("免 税", "***"), ("免税", "＊＊＊"), ("＊＊＊", "＊＊＊")])
def test_a_scanned_exempt_line_with_a_spaced_or_full_width_spelling_reads_as_zero(tmp_path, rate, tax):
    result = read_scan(text_pdf(exempt_invoice(), tmp_path, printed={(2, "tax_rate"): rate, (2, "tax"): tax}))
    assert result.ok, [(k, result.fields[k].reason) for k in result.flagged]
    assert (result.invoice.lines[2].tax_rate, result.invoice.lines[2].tax_fen) == (Decimal(0), 0)
    assert check_invoice(result.invoice).ok


@needs_font
def test_full_width_stars_for_the_tax_of_a_taxed_line_are_not_read_as_zero(tmp_path):
    result = read_scan(text_pdf(invoice(), tmp_path, printed={(2, "tax"): "＊＊＊"}))
    assert result.fields["lines[2].tax"].flagged and not result.ok

