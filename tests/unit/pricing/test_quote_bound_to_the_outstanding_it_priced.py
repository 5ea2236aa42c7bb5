"""A quote's fees are whole fen on the advance it priced, and that advance is a share of what the claim owed then.
A quote made without the ledger (`finance quote --face`) can be taken later, from a `finance compare --offers`
file, after the debtor has paid part of the claim: its fixed fees would then be charged on a smaller advance (CNY
950.00 of fees priced on CNY 900,000.00 advanced, charged on CNY 18,000.00), at a cost the bank never quoted and
below the minimum advance it would have declined. So the quote's offer carries the outstanding amount it priced
(``quoted_outstanding``), and an offer bound to another amount than the claim now owes is not eligible, naming
both amounts and saying to ask the bank to quote again; docs/risk-and-pricing.md says so."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from client.pricing import load_bank_config, quote
from client.pricing.proposals import BankOffer, ReceivableTerms, price_bank_offer, rank_proposals

from .test_quote_offer_labels import offline_quote_compared

BANK = Path(__file__).parents[3] / "client" / "pricing" / "banks" / "bank.yaml"
DOCS = Path(__file__).parents[3] / "docs" / "risk-and-pricing.md"
ON = date(2026, 12, 1)


def _quoted(face: int = 100_000_000) -> BankOffer:
    terms = ReceivableTerms(receivable_id="RCV-1", face_amount=face, due_date="2027-03-01")
    return quote(load_bank_config(BANK), terms, grade="B", on=ON).offer


def _owing(face: int, **more) -> ReceivableTerms:
    return ReceivableTerms(receivable_id="RCV-1", face_amount=face, due_date="2027-03-01", **more)


def test_a_quotes_offer_names_the_outstanding_amount_it_priced():
    assert _quoted().quoted_outstanding == 100_000_000


def test_an_offer_quoted_on_more_than_the_claim_now_owes_is_not_eligible_naming_both_amounts():
    offer = _quoted()
    p = price_bank_offer(offer, _owing(2_000_000, financing_id="F-1"), ON, accepting=True)
    assert not p.eligible and not p.takeable_now and p.apr is None
    assert p.why == ("not eligible: quoted on CNY 1,000,000.00 outstanding, but RCV-1 now owes CNY 20,000.00: "
                     "its advance rate and fees of CNY 950.00 were priced for an advance of CNY 900,000.00, not "
                     "CNY 18,000.00; ask bank to quote again on CNY 20,000.00 outstanding")


def test_an_offer_quoted_on_less_than_the_claim_owes_is_not_eligible_either():
    p = price_bank_offer(_quoted(50_000_000), _owing(100_000_000, financing_id="F-1"), ON, accepting=True)
    assert not p.eligible
    assert p.why.startswith("not eligible: quoted on CNY 500,000.00 outstanding, but RCV-1 now owes "
                            "CNY 1,000,000.00: ")


def test_the_offer_on_the_amount_it_was_quoted_on_ranks_and_one_on_another_is_listed_last():
    bound = _quoted()
    unbound = bound.model_copy(update={"offer_id": "OF-B", "quoted_outstanding": None})
    stale = _quoted(120_000_000).model_copy(update={"offer_id": "OF-C"})
    [first, second, last] = rank_proposals(_owing(100_000_000, financing_id="F-1"), ON, [stale, unbound, bound])
    assert {first.offer_id, second.offer_id} == {"bank:RCV-1", "OF-B"} and first.eligible and second.eligible
    assert (last.offer_id, last.eligible, last.rank_by_cost) == ("OF-C", False, None)


def test_the_quoted_outstanding_is_a_positive_whole_fen_amount():
    for wrong in (0, -1, 1.5, "100"):
        with pytest.raises(ValidationError, match="quoted_outstanding"):
            BankOffer.model_validate({**_quoted().model_dump(mode="json"), "quoted_outstanding": wrong})


def test_compare_takes_the_offline_quote_only_on_the_amount_it_was_quoted_on(tmp_path):
    offer, proposal = offline_quote_compared(tmp_path, owed_now=2_000_000)
    assert offer["quoted_outstanding"] == 100_000_000
    assert (proposal["eligible"], proposal["takeable_now"], proposal["net_cash"]) == (False, False, 0)
    assert "quoted on CNY 1,000,000.00 outstanding, but RCV-1 now owes CNY 20,000.00" in proposal["why"]


def test_the_docs_say_an_offer_is_bound_to_the_outstanding_it_was_quoted_on():
    flat = " ".join(DOCS.read_text(encoding="utf-8").split())
    assert ("`quoted_outstanding`, the outstanding amount it priced (fen): its advance rate and fees hold for "
            "that amount only") in flat
    assert ("an offer whose `quoted_outstanding` is not what the claim now owes (`face_amount`) is not eligible, "
            "naming both amounts and saying to ask the bank to quote again") in flat
