"""A freeze order is lifted by a regulator of the org that recorded it: with two regulator orgs, one does not lift
the other's court order. Any party of that org may; and an order whose recording party is not registered, or whose
org the configuration no longer lets be a regulator, is lifted by any regulator, so it never binds a claim for good.
An order reference of invisible characters alone is refused: compared, it would be every other such reference."""

from __future__ import annotations

import json

import pytest

from chaincode.receivables import keys
from chaincode.receivables.config import DEFAULT_CONFIG, NetworkConfig

from .support import REGULATOR, credit_code, standard_net

REGULATOR2 = "Regulator2MSP"
TWO_REGULATOR_ORGS = NetworkConfig(org_roles={**DEFAULT_CONFIG.org_roles, REGULATOR2: ("regulator",)})


async def _frozen_by_each_regulator_org():
    """A confirmed claim frozen by RegulatorMSP's ORDER-A, with Regulator2MSP's ORDER-B queued behind it."""
    net = await standard_net(TWO_REGULATOR_ORGS)
    second = await net.party("regulator2", REGULATOR2, "regulator", "Second Regulator")
    core, tier1, first = net.actors["core"], net.actors["tier1"], net.actors["regulator"]
    r = await net.confirmed(tier1, core, 1000_00, due_in=30)
    await net.ok(first, "FreezeReceivable", r["id"], "ORDER-A")
    await net.ok(second, "FreezeReceivable", r["id"], "ORDER-B")
    return net, r["id"], first, second


async def test_a_regulator_does_not_lift_another_regulator_orgs_order():
    net, rid, first, second = await _frozen_by_each_regulator_org()
    before = net.snapshot()
    for lifts in ((), ("order-a",)):    # the order in effect, left out or named
        message = await net.refused(second, "UnfreezeReceivable", rid, "LIFT-2", *lifts,
                                    rule="not-the-ordering-regulator")
        assert (f"{rid}'s freeze order 'ORDER-A' was recorded by {first.uscc} of {REGULATOR}: while {REGULATOR} is "
                f"a regulator org (org_roles), only its regulators lift it, not {REGULATOR2}'s; ask {REGULATOR} to "
                "lift it") in message
    message = await net.refused(first, "UnfreezeReceivable", rid, "LIFT-1", "ORDER-B", rule="not-the-ordering-regulator")
    assert f"'ORDER-B' was recorded by {second.uscc} of {REGULATOR2}" in message
    assert net.snapshot() == before

    # each org lifts its own: the queued one, then the one in effect
    claim = await net.ok(second, "UnfreezeReceivable", rid, "LIFT-2", "ORDER-B")
    assert claim["frozen"]["order_reference"] == "ORDER-A" and claim["queued_freezes"] == []
    claim = await net.ok(first, "UnfreezeReceivable", rid, "LIFT-1")
    assert claim["frozen"] is None and claim["last_unfreeze"]["by"] == first.uscc


async def test_another_party_of_the_recording_org_lifts_its_order():
    net = await standard_net()
    inspector = await net.party("inspector2", REGULATOR, "regulator", "Another Inspector")
    core, tier1, reg = net.actors["core"], net.actors["tier1"], net.actors["regulator"]
    r = await net.confirmed(tier1, core, 1000_00, due_in=30)
    await net.ok(reg, "FreezeReceivable", r["id"], "ORDER-A")
    claim = await net.ok(inspector, "UnfreezeReceivable", r["id"], "LIFT", "ORDER-A")
    assert claim["frozen"] is None and claim["last_unfreeze"]["by"] == inspector.uscc


async def test_an_order_of_an_org_that_is_no_regulator_any_more_is_lifted_by_any_regulator():
    net, rid, first, second = await _frozen_by_each_regulator_org()
    # a new definition takes the regulator role from Regulator2MSP: its order no longer waits for it
    net.contract.config = TWO_REGULATOR_ORGS.model_copy(update={"org_roles": {
        **TWO_REGULATOR_ORGS.org_roles, REGULATOR2: ()}})
    claim = await net.ok(first, "UnfreezeReceivable", rid, "LIFT-1", "ORDER-B")
    assert [o["order_reference"] for o in claim["queued_freezes"]] == []
    assert claim["last_unfreeze"]["lifted"] == "ORDER-B"


async def test_an_order_whose_recording_party_is_not_registered_is_lifted_by_any_regulator():
    net, rid, first, second = await _frozen_by_each_regulator_org()
    # the order in effect names a credit code no party is registered under (a record written by hand, say)
    key = net._key(keys.RECEIVABLE, rid)
    stored = json.loads(net.ledger.state[key])
    stored["frozen"]["by"] = credit_code(999)
    net.ledger.state[key] = json.dumps(stored).encode()
    claim = await net.ok(second, "UnfreezeReceivable", rid, "LIFT-2")
    assert claim["last_unfreeze"]["lifted"] == "ORDER-A"
    assert claim["frozen"]["order_reference"] == "ORDER-B"


@pytest.mark.parametrize("invisible", ["\u200b", "\u2060\ufeff", " \ufeff "])
async def test_an_order_reference_of_invisible_characters_alone_is_refused(invisible):
    net = await standard_net()
    core, tier1, reg = net.actors["core"], net.actors["tier1"], net.actors["regulator"]
    r = await net.confirmed(tier1, core, 1000_00, due_in=30)
    message = await net.refused(reg, "FreezeReceivable", r["id"], invisible, rule="argument-invalid")
    assert "order_reference" in message and "holds only invisible characters" in message
    await net.ok(reg, "FreezeReceivable", r["id"], "ORDER-A")
    before = net.snapshot()
    await net.refused(reg, "UnfreezeReceivable", r["id"], "LIFT", invisible, rule="argument-invalid")
    message = await net.refused(reg, "UnfreezeReceivable", r["id"], invisible, rule="argument-invalid")
    assert "order_reference" in message
    assert net.snapshot() == before


async def test_a_queued_order_an_earlier_contract_stored_as_invisible_characters_is_lifted_by_its_exact_text():
    # stored so before such references were refused: named exactly, it is that order, and lifted alone
    net = await standard_net()
    core, tier1, regulator = net.actors["core"], net.actors["tier1"], net.actors["regulator"]
    r = await net.confirmed(tier1, core, 1000_00, due_in=30)
    await net.ok(regulator, "FreezeReceivable", r["id"], "ORDER-A")
    await net.ok(regulator, "FreezeReceivable", r["id"], "ORDER-B")
    key = net._key(keys.RECEIVABLE, r["id"])
    stored = json.loads(net.ledger.state[key])
    stored["queued_freezes"][0]["order_reference"] = "\u200b"
    net.ledger.state[key] = json.dumps(stored).encode()
    await net.refused(regulator, "UnfreezeReceivable", r["id"], "LIFT-Z", "\ufeff", rule="argument-invalid")
    lifted = await net.ok(regulator, "UnfreezeReceivable", r["id"], "LIFT-Z", "\u200b")
    assert lifted["frozen"]["order_reference"] == "ORDER-A" and lifted["queued_freezes"] == []


async def test_the_refusal_names_the_orders_binding_the_claim_the_callers_org_lifts():
    # Regulator2MSP's own order is queued behind RegulatorMSP's: sent without lifts (the order in effect), or
    # naming the other org's, its lifting is refused; told only to ask the other org, its regulator would wait
    # for that org to lift the order in effect, where naming its own in lifts lifts it now
    net, rid, first, second = await _frozen_by_each_regulator_org()
    for lifts in ((), ("ORDER-A",)):
        message = await net.refused(second, "UnfreezeReceivable", rid, "LIFT-2", *lifts,
                                    rule="not-the-ordering-regulator")
        assert message.endswith(f"ask {REGULATOR} to lift it; of the orders binding {rid}, {REGULATOR2} lifts "
                                "'ORDER-B' (queued): name it in lifts to lift it"), message
    # and where the caller's org has no order binding the claim, the refusal adds nothing
    third = await net.party("regulator2b", REGULATOR2, "regulator", "Another Second Regulator")
    await net.ok(third, "UnfreezeReceivable", rid, "LIFT-2", "ORDER-B")
    message = await net.refused(second, "UnfreezeReceivable", rid, "LIFT-3", rule="not-the-ordering-regulator")
    assert message.endswith(f"ask {REGULATOR} to lift it"), message
