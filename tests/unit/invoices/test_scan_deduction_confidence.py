"""The deduction (扣除额) a scan's remark gives after 差额征税 is flagged where OCR read it with less confidence
than the threshold, as every field is. It was not: its figure counts only in the row's tax check, which
passes one misread by a few fen (80000.08 for 80000.00 at 6% moves the tax by half a fen), so a misread
deduction came out in the invoice, nothing flagged."""

import pytest

from client.invoices import read_scan
from client.invoices._lines import TextLine
from client.invoices.scan import ScanResult, _compared, extract_fields

from . import _render
from .test_einvoice_forms import difference_invoice


def _scanned_lines(remark: str, remark_confidence: float) -> list[TextLine]:
    """The invoice's printed lines as OCR gives them: each character at 0.95, the remark's at
    ``remark_confidence``."""
    out = []
    for _, cells in _render.placed_rows(difference_invoice(), remark=remark):
        line = TextLine()
        for i, (_, text) in enumerate(cells):
            line.add(text, remark_confidence if "差额征税" in text else 0.95, gap=i > 0)
        out.append(line)
    return out


@pytest.mark.parametrize("printed", ["80000.00", "80000.08"])   # read right, and with its 0 read as 8
def test_a_deduction_read_with_low_confidence_is_flagged(printed):
    fields, invoice, _ = extract_fields(_scanned_lines(f"差额征税：{printed}。", 0.42), 0.8)
    assert [name for name, field in fields.items() if field.flagged] == ["deduction"]
    deduction = fields["deduction"]
    assert deduction.value == printed and deduction.confidence == pytest.approx(0.42)
    assert deduction.reason == "low confidence 0.420 < 0.800"
    assert invoice is not None and invoice.lines[0].deduction_fen == int(printed.replace(".", ""))


def test_a_deduction_read_with_confidence_is_not_flagged():
    fields, invoice, _ = extract_fields(_scanned_lines("差额征税：80000.00。", 0.95), 0.8)
    assert not [name for name, field in fields.items() if field.flagged]
    assert invoice.lines[0].deduction_fen == 8000000


# The deduction read is a field wherever the remark gives one, flagged or not: a searchable PDF's text layer
# and a second copy of the invoice are compared with the reading field by field, and a deduction they print
# otherwise was not said (the field was there only where flagged, and the text layer's "had no such field").

def _reading(remark: str, remark_confidence: float) -> ScanResult:
    fields, invoice, items = extract_fields(_scanned_lines(remark, remark_confidence), 0.8)
    return ScanResult(source="scan.pdf", method="ocr", fields=fields, line_items=items, invoice=invoice,
                      pages=(1,))


def test_a_text_layer_giving_another_deduction_than_the_page_image_is_flagged():
    image = _reading("差额征税：80000.00。", 0.95)
    assert image.fields["deduction"].value == "80000.00" and not image.flagged
    said_by = "the PDF's text layer (text drawn invisible on page 1)"
    altered = _compared(image, _reading("差额征税：80000.08。", 1.0), said_by)
    assert altered.flagged == ["deduction"] and altered.fields["deduction"].value == "80000.00"
    assert "the page image reads '80000.00', the PDF's text layer (text drawn invisible on page 1) reads " \
           "'80000.08'" in altered.fields["deduction"].reason
    assert not _compared(image, _reading("差额征税：80000.00。", 1.0), said_by).flagged


@pytest.mark.skipif(_render.cjk_font() is None, reason="no CJK font (OS package fonts-wqy-zenhei)")
def test_a_copy_giving_another_deduction_reads_otherwise_in_it(tmp_path):
    pytest.importorskip("fpdf", reason="fpdf2 writes the text-layer PDF")
    pages = [_render.placed_rows(difference_invoice(), remark=remark)
             for remark in ("差额征税：80000.00。", "差额征税：80000.08。")]
    copies = read_scan(_render.save_pages_pdf(pages, tmp_path / "two.pdf")).fields["copies"]
    assert "again on page 2, reading otherwise in deduction: one of the copies is altered or misread" \
        in copies.reason
