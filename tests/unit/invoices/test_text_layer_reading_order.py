"""A text layer's lines are read in the order they are printed, top to bottom, and a line's text left to
right, whatever order the content draws them in: pypdf gives them in the order drawn, so a producer that
writes its totals block before its header, its seller's block before its buyer's, or a form's labels before
the values that fill it, had its parties' names and tax ids, its totals and its rows read off the wrong lines
(or not at all)."""

import random

import pytest

from client.invoices import read_scan
from client.invoices._pdf_text import text_layer

from . import _render
from ._samples import invoice
from .test_scan import needs_font

pytestmark = needs_font


def _rows():
    return _render.placed_rows(invoice())


def _cell_by_cell(rows):
    """Each cell a row of its own (drawn on its own), as they are."""
    return [(y, [cell]) for y, cells in rows for cell in cells]


# the rows (y, cells) of the invoice, in the order the content draws them
ORDERS = {
    "totals first": lambda rows: rows[-2:] + rows[:-2],
    "bottom to top": lambda rows: rows[::-1],
    "shuffled": lambda rows: random.Random(0).sample(rows, len(rows)),
    # every row's first cell (its label), top to bottom, then every second cell, and so on: a form, then its
    # values
    "column by column": lambda rows: sorted(_cell_by_cell(rows), key=lambda row: row[1][0][0]),
    "cells bottom to top, right to left": lambda rows: _cell_by_cell(rows)[::-1],
}


def _pdf(tmp_path, pages, name="inv.pdf"):
    pytest.importorskip("fpdf", reason="fpdf2 (test dependency) renders the text-layer PDF")
    return _render.save_pages_pdf(pages, tmp_path / name)


def _layer_lines(path) -> list[tuple[int, str]]:
    from pypdf import PdfReader
    return [(line.page_number, line.text) for line in text_layer(PdfReader(path).pages)[1]]


@pytest.mark.parametrize("order", ORDERS)
def test_lines_drawn_in_any_order_are_the_lines_printed(tmp_path, order):
    rows = _rows()
    printed = _layer_lines(_pdf(tmp_path, [rows], "printed.pdf"))
    assert [text for _, text in printed][:3] == ["电子发票（增值税专用发票）", f"发票号码：{invoice().number}",
                                                 "开票日期：2026年09月01日"]
    assert _layer_lines(_pdf(tmp_path, [ORDERS[order](rows)])) == printed


@pytest.mark.parametrize("order", ["shuffled", "column by column", "bottom to top"])
def test_an_invoice_drawn_out_of_order_reads_as_the_one_drawn_in_order(tmp_path, order):
    rows = _rows()
    as_drawn = read_scan(_pdf(tmp_path, [ORDERS[order](rows)]))
    in_order = read_scan(_pdf(tmp_path, [rows], "printed.pdf"))
    assert in_order.ok and as_drawn.ok, as_drawn.flagged
    assert {name: field.value for name, field in as_drawn.fields.items()} == \
        {name: field.value for name, field in in_order.fields.items()}


def test_each_page_is_ordered_on_its_own(tmp_path):
    # the header and parties on page 1, the table and totals on page 2, each page drawn bottom to top: no line
    # of page 2 is put among page 1's, though it is printed higher up its page
    rows = _rows()
    printed = _layer_lines(_pdf(tmp_path, [rows[:7], rows[7:]], "printed.pdf"))
    assert {page for page, _ in printed} == {0, 1}
    assert _layer_lines(_pdf(tmp_path, [rows[:7][::-1], rows[7:][::-1]])) == printed


def test_pieces_on_one_baseline_drawn_apart_are_one_line_spaced_as_printed(tmp_path):
    # the label, then the date far below, then the number beside the label: one line, the number after it
    number = invoice().number
    rows = [(40, [(40, "发票号码：")]), (400, [(40, "开票日期：2026年09月01日")]), (40, [(40 + 5 * 28 + 28, number)])]
    assert [text for _, text in _layer_lines(_pdf(tmp_path, [rows]))] == \
        [f"发票号码： {number}", "开票日期：2026年09月01日"]
