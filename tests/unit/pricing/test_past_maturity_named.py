"""A claim on or past its due date: the quote declines it, and a proposal is not eligible, naming the due date and
the contract's rule (past-maturity), as the contract refuses an offer, an acceptance and an early payment on it."""

from __future__ import annotations

import asyncio
import json
from datetime import date, timedelta

import pytest
from click.testing import CliRunner

from cli.finance_commands import finance
from client.pricing import BankOffer, EarlyPaymentOffer, ReceivableTerms, load_bank_config, quote, rank_proposals
from client.receivables import FinancingTerms, RuleViolation

from .ledger_world import CONFIG

DUE = date(2027, 3, 1)
TERMS = ReceivableTerms(receivable_id="RCV-1", face_amount=100_000_000, due_date=DUE, financing_id="F-1")
RULE = "the contract finances no claim on or after its due date (rule past-maturity)"


@pytest.mark.parametrize("on,when", [(DUE, "the disbursement date"), (DUE + timedelta(days=1),
                                                                       "before the disbursement date")])
def test_the_quote_declines_naming_the_due_date_and_the_rule(on, when):
    q = quote(load_bank_config(CONFIG), TERMS, grade="A", on=on)
    assert q.offer is None
    assert q.declined == f"RCV-1 is due on {DUE}, {when} {on}: {RULE}"


def test_a_proposal_on_the_due_date_is_not_eligible_naming_the_rule():
    offer = BankOffer(offer_id="OF", financier="bank", advance_rate="0.9", discount_rate="0.04", recourse=True,
                      expires_on=DUE + timedelta(days=5))
    early = EarlyPaymentOffer(offer_id="DD", debtor="core", apr="0.05", expires_on=DUE + timedelta(days=5))
    by_id = {p.offer_id: p for p in rank_proposals(TERMS, DUE, [offer], [early])}
    taken = f"RCV-1 is due on {DUE}, the day the cash would be taken {DUE}: the contract"
    assert by_id["OF"].why == f"not eligible: {taken} finances no claim on or after its due date (rule past-maturity)"
    assert by_id["DD"].why == f"not eligible: {taken} pays no claim early on or after its due date (rule past-maturity)"
    assert not by_id["OF"].eligible and not by_id["DD"].eligible


def test_on_the_ledger_the_decline_names_the_rule_the_contract_refuses_the_offer_by(world):
    net = world.net
    claim = asyncio.run(net.confirmed(net.actors["tier1"], net.actors["core"], 100_000_000, due_in=1))
    financing = world.client("tier1").request_financing(claim["id"]).id
    net.advance(days=1)   # the claim's due date: the request stands, and no offer can be made on it
    result = CliRunner().invoke(finance, ["quote", claim["id"], "--as", "bank", "--config", CONFIG, "--grade", "A",
                                          "--json"])
    assert result.exit_code == 1, result.output
    declined = json.loads(result.stdout)["declined"]
    assert declined == f"{claim['id']} is due on {net.today}, the disbursement date {net.today}: {RULE}"
    terms = FinancingTerms(advance_rate="0.9", discount_rate="0.04", fees=0, recourse=True, day_count="ACT/360",
                           expires_on=date.fromisoformat(net.today) + timedelta(days=5))
    with pytest.raises(RuleViolation) as refused:
        world.client("bank").make_offer(financing, terms)
    assert refused.value.rule == "past-maturity"
    assert world.client("tier1").get_financing(financing).offers == []
