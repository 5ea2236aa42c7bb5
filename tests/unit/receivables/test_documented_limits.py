"""What the contract does not guarantee (docs/receivables.md, "What the contract does not guarantee"), held as
documented: a change here is a change of what the contract promises, and the section must say it.

- a freeze is validated against the claim's policy before it, so each org it binds must endorse it;
- RecordPayment is the debtor's word alone, and settling a claim so ends the bank's recourse;
- AcceptDiscountOffer records the debtor's early payment as made on the acceptance day.
"""

from __future__ import annotations

from chaincode.receivables import keys

from .support import BANK, CORE, REGULATOR, SUPPLIER, standard_net, transient_terms

RECOURSE = transient_terms(recourse=True)


async def test_a_freeze_commits_only_with_the_endorsement_of_each_org_it_binds():
    net = await standard_net()
    core, tier1, reg = (net.actors[k] for k in ("core", "tier1", "regulator"))
    r = await net.confirmed(tier1, core, 1000_00, due_in=60)
    await net.financed(tier1, r["id"])
    await net.ok(reg, "FreezeReceivable", r["id"], "(2026)沪0101财保1号")
    key, bound = net._key(keys.RECEIVABLE, r["id"]), [BANK, CORE, SUPPLIER]
    # the regulator's peer and any two of the three it binds: the third org's refusal keeps it from committing
    for refusing in bound:
        endorsers = [REGULATOR, *(org for org in bound if org != refusing)]
        assert net.writes_not_endorsed(*endorsers) == [(key, bound)], refusing
    assert net.writes_not_endorsed(*bound) == []


async def test_a_payment_the_payee_never_acknowledged_settles_the_claim_and_ends_the_banks_recourse():
    net = await standard_net()
    core, tier1, bank = (net.actors[k] for k in ("core", "tier1", "bank"))
    r = await net.confirmed(tier1, core, 1000_00, due_in=30)
    f = await net.financed(tier1, r["id"], terms=RECOURSE)
    paid = await net.ok(core, "RecordPayment", r["id"], "100000")   # the debtor's say-so: no other party is asked
    assert (paid["status"], paid["allocations"][0]["payee"]) == ("SETTLED", bank.uscc)
    exposure = await net.ok(bank, "GetFinancierExposure", core.uscc, "", evaluate=True)
    assert exposure["exposure"] == {"CNY": 0}                      # counted as collected
    net.advance(days=35)
    for fn in ("DemandRecourse", "ExerciseRecourse"):
        assert "paid in full" in await net.refused(bank, fn, f["id"], "not paid", rule="invalid-state",
                                                   transient=RECOURSE)
    await net.refused(bank, "RecordOverdue", r["id"], rule="invalid-state")


async def test_an_accepted_discount_is_the_debtors_payment_on_the_acceptance_day_whether_or_not_it_pays():
    net = await standard_net()
    core, tier1, bank = (net.actors[k] for k in ("core", "tier1", "bank"))
    r = await net.confirmed(tier1, core, 1000_00, due_in=60)
    offer = await net.ok(core, "PublishDiscountOffer", {"apr": "0.06", "expires_on": net.day(10)})
    accepted_on = net.today
    settled = await net.ok(tier1, "AcceptDiscountOffer", offer["id"], r["id"])
    assert (settled["status"], settled["outstanding"]) == ("SETTLED", 0)
    assert (settled["payments"][0]["method"], settled["payments"][0]["date"]) == ("dynamic-discount", accepted_on)
    net.advance(days=90)                                            # past the due date, nothing more recorded
    await net.refused(tier1, "RecordOverdue", r["id"], rule="invalid-state")
    record = (await net.ok(bank, "GetDebtorPaymentRecord", core.uscc, "10", "", evaluate=True))["records"][0]
    assert (record["settled_on"], record["days_late"], record["overdue"]) == (accepted_on, 0, False)
