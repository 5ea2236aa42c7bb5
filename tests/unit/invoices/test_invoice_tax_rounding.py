"""A whole invoice's tax is within 1.27 of its lines' amounts x rates, however many lines it has: each line's
tolerance (6 fen on a tax-control device's invoice) does not add up to a face amount the lines do not bear."""

from datetime import date
from decimal import Decimal

import pytest

from client.invoices import check_invoice
from client.invoices.model import Invoice
from client.invoices.register import ChecksFailed, registration_from_match

from ._samples import invoice, line


def off_by(fen_each: int, lines: int, **kw) -> Invoice:
    """A tax-control device's invoice (8-digit number and a code) of ``lines`` lines, each line's tax ``fen_each``
    off amount x rate, within that line's 6 fen, and its totals the lines' sums."""
    good = tuple(line(f"*电子元件*贴片电容{n}", "100", "1.00", "0.13") for n in range(lines))
    shifted = tuple(l.model_copy(update={"tax_fen": l.tax_fen + fen_each}) for l in good)
    inv = invoice(number="00123456", lines=shifted, **kw).model_copy(update={"code": "3100204130"})
    return inv


def test_lines_each_within_their_tolerance_that_add_up_past_127_fen_fail_the_invoices_tax():
    inv = off_by(6, 22)   # 22 x 6 = 132 fen above the lines' amounts x rates
    report = check_invoice(inv)
    assert {f.status for f in report.of("line.tax")} == {"pass"}
    assert report.finding("totals.tax").status == "pass"   # the lines add up to 合计税额: only the rounding tells
    finding = report.finding("totals.tax_rounding")
    assert finding.status == "fail"
    assert finding.message.startswith("the lines' taxes come to 287.32, 1.32 more than their amounts x rates "
                                      "(286.00)")
    assert "at most 1.27" in finding.message
    assert finding.details == {"lines_fen": 28732, "computed_fen": 28600, "difference_fen": 132,
                               "most_fen": 127}
    assert not report.ok


def test_a_tax_as_far_below_fails_alike():
    finding = check_invoice(off_by(-6, 22)).finding("totals.tax_rounding")
    assert finding.status == "fail" and "1.32 less than their amounts x rates (286.00)" in finding.message


@pytest.mark.parametrize("fen_each, lines", [(6, 21), (-6, 21), (1, 127), (0, 3)])
def test_rounding_up_to_127_fen_in_all_passes(fen_each, lines):
    finding = check_invoice(off_by(fen_each, lines)).finding("totals.tax_rounding")
    assert finding.status == "pass", finding.message
    assert finding.details["difference_fen"] == fen_each * lines


def test_a_line_whose_tax_cannot_be_checked_is_left_out_of_the_sum():
    # marked taxed on the difference, no deduction given: the line's tax may be any figure below amount x rate
    lower = line("*经纪代理服务*代理费", "1", "100000.00", "0.06").model_copy(update={"tax_fen": 120000})
    inv = invoice(lines=(lower,)).model_copy(update={"taxed_on_difference": True})
    report = check_invoice(inv)
    assert report.finding("line.tax").status == "skipped"
    finding = report.finding("totals.tax_rounding")
    assert finding.status == "pass" and finding.details["difference_fen"] == 0


def test_a_line_failing_its_own_tax_is_not_counted_again_in_the_sum():
    inv = off_by(6, 21)
    wrong = inv.lines[0].model_copy(update={"tax_fen": inv.lines[0].tax_fen + 594})   # 6.00 above amount x rate
    inv = inv.model_copy(update={"lines": (wrong, *inv.lines[1:]), "total_tax_fen": inv.total_tax_fen + 594,
                                 "total_with_tax_fen": inv.total_with_tax_fen + 594})
    report = check_invoice(inv)
    assert [f.check for f in report.failed] == ["line.tax"]
    assert report.finding("totals.tax_rounding").details["difference_fen"] == 6 * 20


def test_a_registration_refuses_an_invoice_whose_tax_rounding_adds_up_past_127_fen():
    inv = off_by(6, 22, issued=date(2026, 9, 1))
    with pytest.raises(ChecksFailed) as refused:
        registration_from_match(inv, None, None, None, date(2026, 12, 1))   # refused before the match is looked at
    assert [f.check for f in refused.value.failed] == ["totals.tax_rounding"]
    assert Decimal("1.32") == Decimal(refused.value.failed[0].details["difference_fen"]) / 100
