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


def _lines_replacing(number: str, extra: list[tuple[str, float]]) -> list[TextLine]:
    """The sample invoice's printed lines with its number line printing ``number`` instead, and ``extra`` lines
    (text and confidence) printed after it."""
    out = []
    for cells in _render.rows(invoice()):
        texts = [text for _, text in cells]
        if texts[0].startswith("发票号码"):
            groups = [([f"发票号码：{number}"], 0.95)] + [([text], conf) for text, conf in extra]
        else:
            groups = [(texts, 0.95)]
        for group, conf in groups:
            line = TextLine()
            for i, text in enumerate(group):
                line.add(text, conf, gap=i > 0)
            out.append(line)
    return out


PLATFORM_NUMBER = "26442000000012345678"  # the sample invoice's own


@pytest.mark.parametrize("number, extra", [
    # the platform's number under 发票号码, the paper form's code and number beside it
    (PLATFORM_NUMBER, ["发票代码：144032400111", "发票号码：87654321"]),
    (PLATFORM_NUMBER, ["发票代码：144032400111 发票号码：87654321"]),
    # the paper form's number under 发票号码, the platform's under its own label
    ("87654321", ["发票代码：144032400111", f"数电票号码：{PLATFORM_NUMBER}"]),
])
def test_a_page_printing_both_identities_read_cleanly_gives_the_paper_identity(number, extra):
    fields, inv, _ = extract_fields(_lines_replacing(number, [(text, 0.95) for text in extra]), 0.8)
    assert [name for name, field in fields.items() if field.flagged] == []
    assert (fields["number"].value, fields["paper_code"].value, fields["paper_number"].value) == (
        PLATFORM_NUMBER, "144032400111", "87654321")
    assert (inv.number, inv.code, inv.paper_code, inv.paper_number) == (
        PLATFORM_NUMBER, "", "144032400111", "87654321")


@pytest.mark.parametrize("extra", [
    [("发票代码：144032400111", 0.5), ("发票号码：87654321", 0.95)],            # the code read unsurely
    [("发票代码：144032400111", 0.95), ("发票号码：87654321", 0.5)],            # the paper number read unsurely
    [("发票代码：144032400111", 0.95), ("发票号码：87654321", 0.95), ("发票号码：87654329", 0.95)],  # two numbers
    [("发票代码：144032400111", 0.95), ("发票代码：144032400119", 0.95), ("发票号码：87654321", 0.95)],  # two codes
    [("发票代码：003100204130", 0.95), ("发票号码：87654321", 0.95)],           # no code's form
])
def test_a_second_identity_not_read_cleanly_still_flags_the_number(extra):
    fields, inv, _ = extract_fields(_lines_replacing(PLATFORM_NUMBER, extra), 0.8)
    assert fields["number"].flagged and "two identities" in fields["number"].reason
    assert "paper_code" not in fields and (inv is None or not inv.paper_code)
