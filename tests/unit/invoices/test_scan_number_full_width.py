"""An invoice number a PDF's text layer prints in full-width digits (２６４４…, typed in full-width mode) was
flagged "neither the 20 digits of a fully digitalised e-invoice nor the 8 digits ...: give the number exactly as
printed, digits only ...; probably misread": a text layer is no misreading, and a person sees digits as printed, so
nothing said what to change. It is flagged still (the ledger takes half-width digits; the number is kept as printed,
as the XML and JSON readers keep it), saying it is in full-width digits and giving the number in half-width ones."""

from pathlib import Path

import pytest

from client.invoices import check_invoice, read_scan

from . import _render
from ._samples import invoice
from .test_scan import needs_font

NUMBER = "26442000000012345678"
FULL_WIDTH = NUMBER.translate(str.maketrans("0123456789", "０１２３４５６７８９"))


@needs_font
def test_a_text_layers_number_in_full_width_digits_is_flagged_naming_it_in_half_width_ones(tmp_path: Path):
    pytest.importorskip("fpdf", reason="fpdf2 (test dependency) renders the text-layer PDF")
    rows = [(y, [(x, text.replace(NUMBER, FULL_WIDTH)) for x, text in cells])
            for y, cells in _render.placed_rows(invoice(number=NUMBER))]
    result = read_scan(_render.save_pages_pdf([rows], tmp_path / "inv.pdf"))
    number = result.fields["number"]
    assert number.flagged and number.value == FULL_WIDTH
    assert number.reason == (f"invoice number {FULL_WIDTH!r} is printed in full-width digits, which the ledger does "
                             f"not take: in half-width digits it is {NUMBER}; check it against the invoice and "
                             "write it so")
    assert "misread" not in number.reason
    # flagged on the invoice, so nothing takes it as reviewed; verify says the same of it
    assert [u.field for u in result.invoice.unreviewed] == ["number"]
    assert f"give it in half-width digits, {NUMBER}" in {
        f.check: f for f in check_invoice(result.invoice).findings}["number.format"].message


@needs_font
def test_a_number_of_other_digits_is_still_probably_misread(tmp_path: Path):
    pytest.importorskip("fpdf", reason="fpdf2 (test dependency) renders the text-layer PDF")
    short = FULL_WIDTH[:19]   # 19 digits in full-width ones: no number in either form
    rows = [(y, [(x, text.replace(NUMBER, short)) for x, text in cells])
            for y, cells in _render.placed_rows(invoice(number=NUMBER))]
    number = read_scan(_render.save_pages_pdf([rows], tmp_path / "inv.pdf")).fields["number"]
    assert number.flagged and number.reason.endswith("probably misread, check it against the invoice")
