"""Why the debtor's early payment is not takeable on a claim whose financing a bank accepted names what ends
that financing in the words the contract's own refusal of it uses (AcceptDiscountOffer, rule
receivable-financed, through lifecycle.financing_way_out): the off-chain reason said the bank would be paid
and its own account of what ends it, which the contract's refusal no longer matched once it named the way out
at the financing's stage."""

from __future__ import annotations

from datetime import date

import pytest

from client.pricing import EarlyPaymentOffer, ReceivableTerms, rank_proposals

from ..receivables.support import standard_net

PAID_INSTEAD = "the financier, not the holder, is paid; "


async def _contracts_way_out(disbursed: bool) -> str:
    """What the contract's refusal of an early payment says ends the financing, the bank's credit code read as
    "the bank" (the pricing's inputs name none)."""
    net = await standard_net()
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    claim = await net.confirmed(tier1, core, 100_000, due_in=60)
    await net.financed(tier1, claim["id"], disburse=disbursed)
    offer = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(10)})
    message = await net.refused(tier1, "AcceptDiscountOffer", offer["id"], claim["id"],
                                rule="receivable-financed")
    return message[message.index(PAID_INSTEAD) + len(PAID_INSTEAD):].replace(bank.uscc, "the bank")


@pytest.mark.parametrize("stage", ["ACCEPTED", "DISBURSED"])
async def test_the_reason_names_the_way_out_the_contracts_refusal_names(stage):
    way_out = await _contracts_way_out(disbursed=stage == "DISBURSED")
    terms = ReceivableTerms(receivable_id="RCV-1", face_amount=100_000, due_date=date(2027, 3, 1),
                            status="FINANCED", financing_id="F-1", financing_status=stage)
    early = EarlyPaymentOffer(offer_id="DD", debtor="core", apr="0.05", expires_on=date(2027, 1, 1))
    [p] = rank_proposals(terms, date(2026, 12, 1), [], [early])
    assert not p.takeable_now and "(rule receivable-financed)" in p.why, p.why
    assert way_out in p.why, (way_out, p.why)
