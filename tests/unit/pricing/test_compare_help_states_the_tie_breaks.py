"""Two offers equal on the measure `finance compare` orders by (the same net cash, or the same exact APR) are put in
order by tie-breaks the why of each tied offer names, but `--help` stated only "Order by effective annual cost or
by net cash now": a holder could not tell, before comparing, what decides between two offers paying the same. The
help states the rule, and it is the rule the ranking applies."""
import re
from datetime import date
from decimal import Decimal

from click.testing import CliRunner

from cli.finance_commands import finance
from client.pricing import BankOffer, ReceivableTerms, rank_proposals

TERMS = ReceivableTerms(receivable_id="RCV-1", face_amount=100_000_000, due_date=date(2027, 3, 1),
                        financing_id="F-1")
ON = date(2026, 12, 1)


def help_text() -> str:
    result = CliRunner().invoke(finance, ["compare", "--help"])
    assert result.exit_code == 0, result.output
    return re.sub(r"\s+", " ", result.output)


def offer(offer_id: str, *, recourse: bool = True, advance_rate: str = "0.90", fees: int = 50_000) -> BankOffer:
    return BankOffer(offer_id=offer_id, financier=f"bank-{offer_id}", advance_rate=Decimal(advance_rate),
                     discount_rate=Decimal("0.04"), fees=fees, recourse=recourse, day_count="ACT/360",
                     expires_on=date(2026, 12, 10))


def test_the_help_of_by_states_the_tie_breaks_in_their_order():
    said = help_text()
    rule = ("Ties break on the other measure, then without recourse before with it, then takeable now before "
            "needing a first step, then by offer id")
    assert rule in said


def test_the_ranking_applies_the_stated_order():
    # the same net cash and APR: without recourse first, then the offer id, whatever order they are given in
    alike = [offer("OF-C"), offer("OF-B", recourse=False), offer("OF-A")]
    for by in ("cash", "cost"):
        ranked = rank_proposals(TERMS, ON, alike, by=by)
        assert [p.offer_id for p in ranked] == ["OF-B", "OF-A", "OF-C"]
        assert ranked[2].why.count("by offer id alone") == 2
    # the same net cash but a dearer APR (more advanced, more paid in fees): ranked by cash, the cheaper first
    dearer = offer("OF-A", advance_rate="0.91", fees=1_040_000)   # 91,000,000 - 910,000 interest - fees
    cheaper = offer("OF-Z")
    same_cash = rank_proposals(TERMS, ON, [dearer, cheaper], by="cash")
    assert same_cash[0].net_cash == same_cash[1].net_cash
    assert [p.offer_id for p in same_cash] == ["OF-Z", "OF-A"]
    assert "which costs less a year all-in" in same_cash[1].why
