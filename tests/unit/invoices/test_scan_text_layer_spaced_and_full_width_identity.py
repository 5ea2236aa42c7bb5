"""Two ways a PDF's text layer may print what it prints, each read wrong before:

- an issue date with blanks between its parts (开票日期：2026 年 09 月 01 日) was read as its year alone,
  flagged "unreadable: Invalid isoformat string: '2026'", the invoice left unread: the date is read whole now;
- a tax id in full-width characters (９１４４…ＭＡ…) was flagged "check digit fails: probably misread", where a
  text layer misreads nothing and its check digit agrees once half-width: it is flagged still (the ledger takes
  half-width characters), saying it is full-width and giving the tax id in half-width ones."""

from datetime import date
from pathlib import Path

import pytest

from client.invoices import read_scan

from . import _render
from ._samples import SELLER, invoice
from .test_scan import needs_font

pytestmark = needs_font
INV = invoice()
FULL_WIDTH = {ord(c): ord(c) + 0xFEE0 for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"}   # ０-９, Ａ-Ｚ


def _read(tmp_path: Path, old: str, new: str):
    pytest.importorskip("fpdf", reason="fpdf2 (test dependency) renders the text-layer PDF")
    rows = [(y, [(x, text.replace(old, new)) for x, text in cells]) for y, cells in _render.placed_rows(INV)]
    return read_scan(_render.save_pages_pdf([rows], tmp_path / "invoice.pdf"))


@pytest.mark.parametrize("printed", ["2026 年 09 月 01 日", "2026年 9 月 1日", "2026 年09月01 日"])
def test_a_date_spaced_between_its_parts_is_read_whole(tmp_path: Path, printed):
    result = _read(tmp_path, "2026年09月01日", printed)
    assert not result.fields["issue_date"].flagged, result.fields["issue_date"].reason
    assert result.invoice.issue_date == date(2026, 9, 1)


def test_a_tax_id_in_full_width_characters_is_flagged_naming_it_in_half_width_ones(tmp_path: Path):
    printed = SELLER.tax_id.translate(FULL_WIDTH)
    reading = _read(tmp_path, SELLER.tax_id, printed).fields["seller.tax_id"]
    assert reading.flagged and reading.value == printed
    assert reading.reason == (f"{printed!r} is printed in full-width characters, which the ledger does not take: in "
                              f"half-width ones it is {SELLER.tax_id}; check it against the invoice and write it so")


def test_a_tax_id_whose_check_digit_fails_is_still_probably_misread(tmp_path: Path):
    wrong = SELLER.tax_id[:17] + ("0" if SELLER.tax_id[17] != "0" else "1")
    reading = _read(tmp_path, SELLER.tax_id, wrong.translate(FULL_WIDTH)).fields["seller.tax_id"]
    assert reading.flagged and reading.reason == "check digit fails: probably misread"
