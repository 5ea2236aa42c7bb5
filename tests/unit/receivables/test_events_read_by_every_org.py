"""What every org of the channel learns from the events its block listener receives, beside what the
contract's read rules answer it (docs/receivables.md, "Events": "Every org of the channel reads every
event", and GetDebtorPaymentRecord's holder tokens).

The read rules decide what the contract answers, not what an org can learn: another bank, shown each holder
as a token, finds the holder and the bank that financed the claim in the events under the receivable id the
answer lists; another core enterprise, refused the debtor's payment record, finds its due dates and
payments there. The private terms and the disbursement's figures reach no event. Were the events to stop
carrying these, the docs should stop saying so.
"""

from __future__ import annotations

import json

from .support import standard_net, terms

SALT = "salt-of-this-offer-0123456789"


async def test_events_tell_other_orgs_the_holder_bank_and_payments_the_read_rules_keep_from_them():
    net = await standard_net()
    core, core2, tier1, bank, bank2 = (net.actors[k] for k in ("core", "core2", "tier1", "bank", "bank2"))
    offered = terms(advance_rate="0.8731", discount_rate="0.04217", fees=1234, salt=SALT)
    r = await net.confirmed(tier1, core, 1000_00, due_in=60)
    await net.financed(tier1, r["id"], terms={"terms": json.dumps(offered).encode()})
    net.advance(days=3)
    await net.ok(core, "RecordPayment", r["id"], "25000")

    record = (await net.ok(bank2, "GetDebtorPaymentRecord", core.uscc, "10", "", evaluate=True))["records"][0]
    assert record["receivable_id"] == r["id"] and record["holder"].startswith("H-")   # the answer's token
    await net.refused(core2, "GetDebtorPaymentRecord", core.uscc, "10", "", rule="not-permitted-to-read",
                      evaluate=True)

    events = [(name, json.loads(payload)) for _, name, payload in net.ledger.events]
    about_claim = [e for _, e in events if e.get("receivable_id") == r["id"]]
    assert {e["holder"] for e in about_claim if e["event"] == "ReceivableRegistered"} == {tier1.uscc}
    assert {e["financier"] for e in about_claim if e["event"] == "FinancingDisbursed"} == {bank.uscc}
    registered = next(e for e in about_claim if e["event"] == "ReceivableRegistered")
    assert (registered["debtor"], registered["due_date"]) == (core.uscc, r["due_date"])
    payments = [e for e in about_claim if e["event"] == "PaymentRecorded"]
    assert [(a["amount"], a["payee"]) for e in payments for a in e["allocations"]] == [(25000, bank.uscc)]

    # what the collections keep: no event carries a term or a disbursement figure
    disbursement = next(json.loads(v) for kv in net.ledger.private_state.values() for k, v in kv.items()
                        if "disbursement" in k)
    private = {SALT, "0.8731", "0.04217", offered["expires_on"],
               *(disbursement[k] for k in ("principal", "interest", "net_amount"))}
    assert not [(name, value) for name, e in events for value in _leaves(e) if value in private]


def _leaves(value):
    """Every value an event's JSON holds, however deep (compared whole: a hash or id holding digits is not a
    figure)."""
    if isinstance(value, dict):
        return [leaf for v in value.values() for leaf in _leaves(v)]
    if isinstance(value, list):
        return [leaf for v in value for leaf in _leaves(v)]
    return [value]
