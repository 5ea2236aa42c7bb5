"""The deduction (扣除额) a scan's remark gives after 差额征税 is flagged where OCR read it with less confidence
than the threshold, as every field is. It was not: its figure counts only in the row's tax check, which
passes one misread by a few fen (80000.08 for 80000.00 at 6% moves the tax by half a fen), so a misread
deduction came out in the invoice, nothing flagged."""

import pytest

from client.invoices._lines import TextLine
from client.invoices.scan import extract_fields

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
