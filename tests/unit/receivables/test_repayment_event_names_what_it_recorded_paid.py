"""RecordRepayment settles the claim: what the claim still owed is recorded as paid to the bank that day. Its
event, FinancingRepaid, names that amount (``paid``, in the claim's ``currency``), as PaymentRecorded names a
debtor's payment, so that a listener following the claim from its events sees what settled it: 0 where the
debtor's own payments (each in its PaymentRecorded) had settled it already."""

from __future__ import annotations

import json

from client.receivables import FinancingRepaid, ReceivablesEvent

from .support import standard_net


async def _repaid_event(net, bank, financing_id: str) -> dict:
    result = await net.call(bank, "RecordRepayment", financing_id)
    assert result.status == 200, result.message
    name, payload = result.event[0], json.loads(result.event[1])
    assert name == "FinancingRepaid"
    return payload


async def test_a_repayment_names_the_rest_it_recorded_paid_to_the_bank():
    net = await standard_net()
    core, tier1, bank = net.actors["core"], net.actors["tier1"], net.actors["bank"]
    r = await net.confirmed(tier1, core, 1000_00)
    f = await net.financed(tier1, r["id"])
    await net.ok(core, "RecordPayment", r["id"], "30000")

    payload = await _repaid_event(net, bank, f["id"])
    assert (payload["paid"], payload["currency"]) == (700_00, "CNY")
    assert net.doc(r["id"])["payments"][-1]["amount"] == payload["paid"]


async def test_a_repayment_of_a_claim_the_debtor_settled_names_nothing_paid():
    net = await standard_net()
    core, tier1, bank = net.actors["core"], net.actors["tier1"], net.actors["bank"]
    r = await net.confirmed(tier1, core, 1000_00)
    f = await net.financed(tier1, r["id"])
    await net.ok(core, "RecordPayment", r["id"], "100000")

    payload = await _repaid_event(net, bank, f["id"])
    assert (payload["paid"], payload["currency"]) == (0, "CNY")


def _event(**details) -> ReceivablesEvent:
    return ReceivablesEvent(name="FinancingRepaid", receivable_id="R-0123456789abcdef", tx_id="t" * 64,
                            block_number=7, details={"financing_id": "F-0123456789abcdef",
                                                     "financier": "9131000000000005XT", **details})


def test_the_sdk_reads_the_event_with_the_amount_and_an_earlier_contracts_without_it():
    now = _event(paid=70000, currency="CNY").typed()
    assert isinstance(now, FinancingRepaid) and (now.paid, now.currency) == (70000, "CNY")
    earlier = _event().typed()      # an earlier contract version named neither
    assert (earlier.paid, earlier.currency) == (None, None)
