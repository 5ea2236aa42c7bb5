"""A fully digitalised invoice's 20-digit number opens with the last two digits of its issue year (the check
number.code a registration applies). A scan whose number or date was misread in one of those digits (26... as
28..., 2026 as 2028: a 6 read as 8) broke it and was read with nothing flagged, every field "read with
confidence": both fields are flagged, for a person to tell which one is misread."""

import pytest

from client.invoices._lines import TextLine
from client.invoices.scan import extract_fields

from . import _render
from ._samples import invoice


def _scanned_lines(old: str | None = None, new: str | None = None) -> list[TextLine]:
    """The sample invoice's printed lines as OCR gives them: ``old`` read as ``new``, each at 0.95."""
    out = []
    for cells in _render.rows(invoice()):
        line = TextLine()
        for i, (_, text) in enumerate(cells):
            line.add(text.replace(old, new) if old else text, 0.95, gap=i > 0)
        out.append(line)
    return out


@pytest.mark.parametrize("old, new", [
    ("26442000000012345678", "28442000000012345678"),   # the number's year misread
    ("2026年09月01日", "2028年09月01日"),                  # the date's year misread
])
def test_a_number_that_does_not_open_with_its_issue_year_flags_the_number_and_the_date(old, new):
    fields, _, _ = extract_fields(_scanned_lines(old, new), 0.8)
    assert [name for name, field in fields.items() if field.flagged] == ["number", "issue_date"]
    for name in ("number", "issue_date"):
        reason = fields[name].reason
        assert "does not open with" in reason and "the number or the issue date is probably misread" in reason


def test_a_number_opening_with_its_issue_year_is_not_flagged_for_it():
    fields, _, _ = extract_fields(_scanned_lines(), 0.8)
    assert not [name for name, field in fields.items() if field.flagged]
