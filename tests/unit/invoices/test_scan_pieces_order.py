"""A text layer's line is read in the order it is printed, left to right, whatever order the content draws its pieces
in: an invoice number drawn as its groups out of order reads as the number the page shows (and the invoice's XML
has), so its fingerprint is the XML's and the duplicate check finds it, not another number at full confidence."""

import pytest

from client.invoices import read_scan
from client.invoices.fingerprint import invoice_fingerprint

from . import _render
from ._samples import invoice
from .test_scan import needs_font

pytestmark = needs_font

LABEL = "发票号码："
EM = 14  # a Chinese character's width on the rendered PDF's page, in its units
DIGIT = 0.6 * EM  # a digit's, in the renderer's font


def _read_number_drawn(tmp_path, groups: list[str], drawn_order: list[int], gaps: float = 0.0):
    """The invoice read from a text-layer PDF whose number is printed as ``groups`` left to right, each ``gaps``
    apart, the content drawing them in ``drawn_order`` (indexes into ``groups``)."""
    pytest.importorskip("fpdf", reason="fpdf2 (test dependency) renders the text-layer PDF")
    inv = invoice()
    assert "".join(groups) == inv.number
    x, places = 40 + len(LABEL) * EM, []
    for group in groups:
        places.append(x)
        x += len(group) * DIGIT + gaps
    rows = []
    for y, cells in _render.placed_rows(inv):
        if cells and cells[0][1].startswith(LABEL):
            cells = [(40, LABEL)] + [(places[i], groups[i]) for i in drawn_order]
        rows.append((y, cells))
    return inv, read_scan(_render.save_pages_pdf([rows], tmp_path / "inv.pdf"))


@pytest.mark.parametrize("drawn_order", [[0, 2, 1], [2, 1, 0], [1, 0, 2]])
def test_a_number_drawn_in_pieces_out_of_order_reads_as_printed(tmp_path, drawn_order):
    inv, result = _read_number_drawn(tmp_path, ["2644", "2000", "000012345678"], drawn_order)
    number = result.fields["number"]
    assert number.value == inv.number and not number.flagged, number
    assert invoice_fingerprint(result.invoice) == invoice_fingerprint(inv)


def test_groups_printed_apart_and_drawn_out_of_order_read_as_printed(tmp_path):
    # 2644 2000 0000 1234 5678, a space's gap and more between groups, drawn last group first
    groups = ["2644", "2000", "0000", "1234", "5678"]
    inv, result = _read_number_drawn(tmp_path, groups, [4, 3, 2, 1, 0], gaps=EM)
    assert "".join(result.fields["number"].value.split()) == inv.number
    assert invoice_fingerprint(result.invoice) == invoice_fingerprint(inv)


def test_a_number_drawn_in_order_reads_as_before(tmp_path):
    inv, result = _read_number_drawn(tmp_path, ["2644", "2000", "000012345678"], [0, 1, 2])
    assert result.fields["number"].value == inv.number and result.ok
