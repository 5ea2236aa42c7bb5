"""A text layer's row whose text lies under two column labels with nothing to cut it at (a spec that fills its
column with the unit drawn in the same piece of text, right after it) is doubted, so flagged, as a scan's is: never
read in silence as one spec with no unit. Where the unit is a piece of text of its own, the text layer says where
the spec ends, and the row is cut there."""

import pytest

from client.invoices import read_scan

from . import _render
from ._samples import invoice, line
from .test_scan import needs_font

pytestmark = needs_font

SPEC, UNIT = _render.COLUMNS[1], _render.COLUMNS[2]
# ten Chinese characters of the 14 pt text layer fill the spec column, from 规格型号 to where 单位 begins
FULL_SPEC = "不锈钢焊接钢管外径二"
EM = 14  # a Chinese character's width on the rendered PDF's page, in its units


def _read(tmp_path, drawn: list[tuple[int, str]]):
    """The invoice of two rows read from a text-layer PDF whose first row's spec and unit are drawn as ``drawn``
    ((x, text) pieces) in place of the spec and unit the renderer prints; the second row is printed as it is."""
    pytest.importorskip("fpdf", reason="fpdf2 (test dependency) renders the text-layer PDF")
    inv = invoice(lines=(line("*金属制品*不锈钢管", "3", "99.99", "0.13", unit="根", spec="中25"),
                         line("*电子元件*贴片电容", "200", "1.50", "0.13", unit="个", spec="0805")))
    rows = []
    for y, cells in _render.placed_rows(inv):
        if (SPEC, "中25") in cells:
            cells = sorted([c for c in cells if c not in ((SPEC, "中25"), (UNIT, "根"))] + drawn)
        rows.append((y, cells))
    return read_scan(_render.save_pages_pdf([rows], tmp_path / "inv.pdf"))


def _assert_flagged_not_merged(result):
    spec = result.fields["lines[0].spec"]
    assert spec.value == FULL_SPEC + "根" and "lines[0].unit" not in result.fields
    assert spec.flagged and "its text runs from under 规格型号 to under 单位" in spec.reason, spec
    assert "spec" in result.fields["lines[0]"].reason and not result.ok
    assert any(f.field == "lines[0].spec" for f in result.invoice.unreviewed)
    # the row printed as it should be is read as before, unflagged
    assert not any(reading.flagged for name, reading in result.fields.items() if name.startswith("lines[1]"))


def test_a_spec_and_unit_drawn_as_one_piece_under_two_labels_is_flagged_not_merged(tmp_path):
    _assert_flagged_not_merged(_read(tmp_path, [(SPEC, FULL_SPEC + "根")]))


def test_one_piece_of_text_per_character_does_not_say_where_the_spec_ends(tmp_path):
    # every character a piece of its own: a new piece begins everywhere, so none tells where the unit begins
    text = FULL_SPEC + "根"
    _assert_flagged_not_merged(_read(tmp_path, [(SPEC + i * EM, char) for i, char in enumerate(text)]))


def test_a_spec_drawn_as_two_pieces_is_not_cut_between_them_into_a_unit(tmp_path):
    # a font change inside the spec (CJK, then Latin): its second piece begins inside the spec's own column,
    # not where 单位 begins, so it says nothing of where the spec ends; the unit column has no piece of its own
    result = _read(tmp_path, [(SPEC, "不锈钢焊接钢管外"), (SPEC + 8 * EM, "DN25")])
    spec = result.fields["lines[0].spec"]
    assert spec.value == "不锈钢焊接钢管外DN25" and "lines[0].unit" not in result.fields
    assert spec.flagged and "its text runs from under 规格型号 to under 单位" in spec.reason, spec
    assert not result.ok


def test_a_unit_drawn_as_its_own_piece_right_after_a_full_spec_is_cut_there(tmp_path):
    result = _read(tmp_path, [(SPEC, FULL_SPEC), (UNIT, "根")])
    assert result.fields["lines[0].spec"].value == FULL_SPEC and result.fields["lines[0].unit"].value == "根"
    assert result.ok and not any(reading.flagged for reading in result.fields.values())
    assert result.invoice.lines[0].spec == FULL_SPEC and result.invoice.lines[0].unit == "根"

