"""An invoice of the fully digitalised platform delivered on paper (数电纸质发票) prints two unrelated identities:
the paper form's 发票代码 and 8-digit 发票号码, and the platform's 20-digit number (数电票号码). They fingerprint
apart and the ledger links neither to the other, so one invoice could back a claim under each. A scan printing a
second identity beside its number was read as if it had one, nothing said: the number is flagged, naming the
other identity, for a person to check both against the ledger."""

import pytest

from client.invoices._lines import TextLine
from client.invoices.scan import extract_fields

from . import _render
from ._samples import invoice


def _lines(extra: list[str]) -> list[TextLine]:
    """The sample invoice's printed lines, with ``extra`` lines printed after its number's, each at 0.95."""
    out = []
    for cells in _render.rows(invoice()):
        texts = [text for _, text in cells]
        for group in [texts] + ([[t] for t in extra] if texts[0].startswith("发票号码") else []):
            line = TextLine()
            for i, text in enumerate(group):
                line.add(text, 0.95, gap=i > 0)
            out.append(line)
    return out


@pytest.mark.parametrize("printed, named", [
    ("发票代码：144031900111", "发票代码 144031900111"),
    ("数电票号码：26442000000087654321", "数电票号码 26442000000087654321"),
])
def test_a_page_printing_a_second_identity_flags_the_number_naming_it(printed, named):
    fields, _, _ = extract_fields(_lines([printed]), 0.8)
    number = fields["number"]
    assert number.flagged and [name for name, field in fields.items() if field.flagged] == ["number"]
    assert named in number.reason and "two identities" in number.reason and "FindInvoice" in number.reason


def test_a_remark_citing_another_invoices_number_is_no_second_identity():
    # a red-letter invoice names the invoice it reverses inside a run of text, not as a field of its own
    fields, _, _ = extract_fields(_lines(["备注：被红冲蓝字数电发票号码：26442000000087654321"]), 0.8)
    assert not fields["number"].flagged
