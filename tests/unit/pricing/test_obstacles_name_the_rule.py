"""What stops the holder taking an offer names the contract's rule that would refuse it: a freeze order
(receivable-frozen) and, for the debtor's early payment, a live financing (receivable-financed), as a claim that is
not confirmed names invalid-state; so a quote on a frozen claim says, before sending anything, the rule the
contract would refuse its offer by."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from click.testing import CliRunner

from cli.finance_commands import finance
from client.pricing import BankOffer, EarlyPaymentOffer, ReceivableTerms, rank_proposals
from client.receivables import FinancingTerms, RuleViolation

from ..cli_errors import error_line
from .ledger_world import CONFIG

ON = date(2026, 12, 1)
TERMS = ReceivableTerms(receivable_id="RCV-1", face_amount=100_000_000, due_date=date(2027, 3, 1))
BANK = BankOffer(offer_id="OF", financier="bank", advance_rate="0.9", discount_rate="0.04", recourse=True,
                 expires_on=date(2026, 12, 10))
EARLY = EarlyPaymentOffer(offer_id="DD", debtor="core", apr="0.05", expires_on=date(2027, 1, 1))


@pytest.mark.parametrize("frozen", [{"frozen_by": "ORDER-1"},
                                    {"frozen_by": "ORDER-1", "queued_freezes": ["ORDER-2"]}])
def test_a_freeze_names_receivable_frozen_on_every_offer(frozen):
    terms = TERMS.model_copy(update={"financing_id": "F-1", **frozen})
    for p in rank_proposals(terms, ON, [BANK], [EARLY]):
        assert not p.takeable_now and "(rule receivable-frozen)" in p.why, p.why


@pytest.mark.parametrize("status", ["REQUESTED", "ACCEPTED", "DISBURSED"])
def test_a_live_financing_names_receivable_financed_on_early_payment(status):
    terms = TERMS.model_copy(update={"financing_id": "F-1", "financing_status": status,
                                     "status": "CONFIRMED" if status == "REQUESTED" else "FINANCED"})
    [p] = rank_proposals(terms, ON, [], [EARLY])
    assert not p.takeable_now and "(rule receivable-financed)" in p.why, p.why


def test_a_quote_on_a_frozen_claim_names_the_rule_the_contract_refuses_its_offer_by(world):
    world.client("regulator").freeze(world.receivable, "ORDER-1")
    forced = CliRunner().invoke(finance, ["quote", world.receivable, "--as", "bank", "--config", CONFIG,
                                          "--on", world.today, "--grade", "B", "--yes"])
    assert forced.exit_code == 1
    assert error_line(forced).startswith(f"Error: no offer made on {world.financing}: not takeable now: "
                                         f"{world.receivable} is frozen by order ORDER-1, and the contract takes no "
                                         f"offer on it until the regulator unfreezes it (rule receivable-frozen)")
    terms = FinancingTerms(advance_rate="0.9", discount_rate="0.04", fees=0, recourse=True, day_count="ACT/360",
                           expires_on=date.fromisoformat(world.today) + timedelta(days=5))
    with pytest.raises(RuleViolation) as refused:
        world.client("bank").make_offer(world.financing, terms)
    assert refused.value.rule == "receivable-frozen"
    assert world.client("tier1").get_financing(world.financing).offers == []
