"""docs/receivables.md, "Day-count arithmetic", states the rounding of a disbursement as the contract does.

The contract rounds the principal (money lent) to the fen half up, then the interest on that principal; the
section said the arithmetic was exact and rounded once, at the end, which gives another net by a fen whenever
the principal is not a whole number of fen. A bank reproducing the ledger's figures from the page would
reconcile a fen off. The section's worked example with such a principal is checked against the contract.
"""
from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from chaincode.receivables import financing
from chaincode.receivables.model import OfferTerms

DOC = Path(__file__).parents[3] / "docs" / "receivables.md"
EXAMPLE = re.compile(
    r"Outstanding ([\d,]+\.\d\d) yuan at an advance rate of ([\d.]+), ([\d.]+)% for (\d+) days "
    r"(ACT/36[05]):\s+principal\s+([\d,]+\.\d\d) yuan \(([\d.]+), half up\), "
    r"interest ([\d,]+\.\d\d) yuan, net ([\d,]+\.\d\d) yuan"
    r" \(the exact figures\s+rounded only at the end would give ([\d,]+\.\d\d)\)")


def fen(yuan: str) -> int:
    return int(Decimal(yuan.replace(",", "")) * 100)


def day_count_section() -> str:
    text = DOC.read_text(encoding="utf-8")
    start = text.index("## Day-count arithmetic")
    return text[start:text.index("\n## ", start + 1)]


def test_the_worked_example_of_a_rounded_principal_is_what_the_contract_disburses():
    example = EXAMPLE.search(day_count_section())
    assert example, "the section shows no example of a principal that is not a whole number of fen"
    outstanding, advance_rate, percent, days, basis, principal, exact_principal, interest, net, once = \
        example.groups()
    terms = OfferTerms(advance_rate=advance_rate, discount_rate=str(Decimal(percent) / 100), fees=0,
                       recourse=False, day_count=basis, expires_on="2026-12-31", salt="s" * 16)
    made = financing.disbursement(financing_id="F-1", receivable_id="R-1", outstanding=fen(outstanding),
                                  currency="CNY", terms=terms, disbursed_on="2026-01-01",
                                  due_date="2026-04-01", days=int(days))
    assert (made.principal, made.interest, made.net_amount) == (fen(principal), fen(interest), fen(net))
    # the example is one where the principal needs rounding and rounding only at the end differs
    assert Decimal(exact_principal) * 100 == fen(outstanding) * Decimal(advance_rate)
    assert fen(once) != made.net_amount


def test_the_section_does_not_say_the_net_is_rounded_once_at_the_end():
    assert not re.search(r"rounded \*\*once\*\*,\s+at the end", day_count_section())
