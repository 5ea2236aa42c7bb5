"""An invoice whose total tax (合计税额) is the tax on its total amount, rounded once, rather than the sum of its
lines' taxes each rounded on its own (0.41 where three lines of 1.05 at 13% carry 0.14 each): it failed totals.tax
saying only that the two differ, where a bank needs to know the cause and what to do. A VAT invoice's total tax is
the sum of its lines' taxes, as the tax authority records it, so the finding still fails, and now names the tax on
the total and says to have the invoice reissued; any other difference says to check the figures."""

from client.invoices import check_invoice

from ._samples import invoice, line

LINES = tuple(line(f"*电子元件*贴片电容{n}", "1", "1.05", "0.13") for n in range(3))   # 0.14 tax each


def _with_total_tax(fen: int):
    inv = invoice(lines=LINES)
    return inv.model_copy(update={"total_tax_fen": fen, "total_with_tax_fen": inv.total_amount_fen + fen})


def test_the_lines_sum_passes():
    assert check_invoice(invoice(lines=LINES)).finding("totals.tax").status == "pass"


def test_the_tax_on_the_total_fails_naming_it():
    finding = check_invoice(_with_total_tax(41)).finding("totals.tax")
    assert finding.status == "fail"
    assert finding.message.startswith("line taxes add up to 0.42 but the total tax is 0.41: 0.41 is the tax on the "
                                      "total amount 3.15 at 13% rounded once, but a VAT invoice's total tax (合计税额) "
                                      "is the sum of its lines' taxes")
    assert "have the seller reissue the invoice" in finding.message
    assert finding.details == {"lines_fen": 42, "total_fen": 41}


def test_another_difference_says_to_check_the_figures():
    finding = check_invoice(_with_total_tax(40)).finding("totals.tax")
    assert finding.message == ("line taxes add up to 0.42 but the total tax is 0.40; check the total tax and the "
                               "lines' taxes against the invoice")
