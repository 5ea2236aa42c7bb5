"""Several freeze orders on one claim (轮候冻结): a later order queues behind the one in effect and takes effect when
it is lifted, so the claim stays frozen, and its key keeps the regulator's org, until the last order is lifted."""

from __future__ import annotations

import json

from chaincode.receivables import keys
from client import receivables as sdk
from .support import CORE, REGULATOR, SUPPLIER, standard_net
from .test_claim_policy_never_one_org import guarded_by


def _event(result) -> tuple[str, dict]:
    name, payload = result.event
    details = json.loads(payload)
    return name, {k: v for k, v in details.items() if k not in ("event", "receivable_id", "tx_id")}


async def _frozen_twice(net) -> dict:
    """A confirmed claim frozen by ORDER-A, with ORDER-B queued behind it."""
    core, tier1, reg = net.actors["core"], net.actors["tier1"], net.actors["regulator"]
    r = await net.confirmed(tier1, core, 1000_00, due_in=30)
    first = await net.call(reg, "FreezeReceivable", r["id"], "ORDER-A")
    assert _event(first) == ("ReceivableFrozen", {"order_reference": "ORDER-A", "queued": False})
    second = await net.call(reg, "FreezeReceivable", r["id"], " ORDER-B ")
    assert second.status == 200, second.message
    assert _event(second) == ("ReceivableFrozen", {"order_reference": "ORDER-B", "queued": True})
    claim = json.loads(second.payload)
    assert claim["frozen"]["order_reference"] == "ORDER-A"
    assert [(o["order_reference"], o["by"], o["tx_id"]) for o in claim["queued_freezes"]] == [
        ("ORDER-B", reg.uscc, second.tx_id)]
    assert net.doc(r["id"]) == claim and sdk.Receivable.model_validate(claim).to_json() == claim
    return claim


async def _refused_every_move(net, rid: str, order: str) -> None:
    """Nothing moves the claim: a transfer, a payment, a financing request are refused naming ``order``."""
    core, tier1, tier2 = net.actors["core"], net.actors["tier1"], net.actors["tier2"]
    for actor, fn, *args in ((tier1, "TransferReceivable", rid, tier2.uscc, "100"),
                             (core, "RecordPayment", rid, "100"), (tier1, "RequestFinancing", rid)):
        message = await net.refused(actor, fn, *args, rule="receivable-frozen")
        assert f"frozen by order {order!r}" in message, message


async def test_the_second_order_binds_the_claim_once_the_first_is_lifted():
    net = await standard_net()
    tier1, tier2, reg = net.actors["tier1"], net.actors["tier2"], net.actors["regulator"]
    rid = (await _frozen_twice(net))["id"]
    message = await net.refused(tier1, "TransferReceivable", rid, tier2.uscc, "100", rule="receivable-frozen")
    assert "frozen by order 'ORDER-A' (1 more queued behind it)" in message

    # the order in effect lifted, as a client before queued orders asks it (no third argument): ORDER-B binds now
    lifted = await net.call(reg, "UnfreezeReceivable", rid, "LIFT-A")
    assert lifted.status == 200, lifted.message
    assert _event(lifted) == ("ReceivableUnfrozen", {"order_reference": "LIFT-A", "lifted": "ORDER-A",
                                                     "frozen_by": "ORDER-B"})
    claim = json.loads(lifted.payload)
    assert (claim["frozen"]["order_reference"], claim["queued_freezes"]) == ("ORDER-B", [])
    assert (claim["last_unfreeze"]["order_reference"], claim["last_unfreeze"]["lifted"]) == ("LIFT-A", "ORDER-A")
    assert net.claim_policy_orgs(rid) == [CORE, REGULATOR, SUPPLIER]
    await _refused_every_move(net, rid, "ORDER-B")

    # the last order lifted: the claim is free, and its key drops the regulator's org
    freed = await net.call(reg, "UnfreezeReceivable", rid, "LIFT-B")
    assert _event(freed) == ("ReceivableUnfrozen", {"order_reference": "LIFT-B", "lifted": "ORDER-B",
                                                    "frozen_by": None})
    claim = json.loads(freed.payload)
    assert (claim["frozen"], claim["queued_freezes"], claim["last_unfreeze"]["lifted"]) == (None, [], "ORDER-B")
    assert net.claim_policy_orgs(rid) == [CORE, SUPPLIER]
    await net.refused(reg, "UnfreezeReceivable", rid, "LIFT-C", rule="not-frozen")
    await net.ok(tier1, "TransferReceivable", rid, tier2.uscc, "100")

    # the history shows the queue after each write, and the payment record each order recorded
    history = await net.ok(reg, "GetReceivableHistory", rid, evaluate=True)
    assert [(h["action"], h["freeze_order"], h["queued_orders"], h["lifting_order"]) for h in history][2:6] == [
        ("FreezeReceivable", "ORDER-A", [], None), ("FreezeReceivable", "ORDER-A", ["ORDER-B"], None),
        ("UnfreezeReceivable", "ORDER-B", [], "LIFT-A"), ("UnfreezeReceivable", None, [], "LIFT-B")]
    assert [sdk.HistoryEntry.model_validate(h).to_json() for h in history] == history
    page = await net.ok(reg, "GetDebtorPaymentRecord", net.actors["core"].uscc, "10", "", evaluate=True)
    (record,) = [r for r in page["records"] if r["receivable_id"] == rid]
    assert record["freezes"] == [net.today, net.today] and record["frozen"] is False


async def test_a_queued_order_lifted_first_leaves_the_order_in_effect_binding():
    net = await standard_net()
    reg = net.actors["regulator"]
    rid = (await _frozen_twice(net))["id"]
    lifted = await net.call(reg, "UnfreezeReceivable", rid, "LIFT-B", " ORDER-B ")
    assert _event(lifted) == ("ReceivableUnfrozen", {"order_reference": "LIFT-B", "lifted": "ORDER-B",
                                                     "frozen_by": "ORDER-A"})
    claim = json.loads(lifted.payload)
    assert (claim["frozen"]["order_reference"], claim["queued_freezes"]) == ("ORDER-A", [])
    assert claim["last_unfreeze"]["lifted"] == "ORDER-B"
    assert net.claim_policy_orgs(rid) == [CORE, REGULATOR, SUPPLIER]
    await _refused_every_move(net, rid, "ORDER-A")
    # lifted already: naming it again is refused, naming the lifting and the order that still binds
    message = await net.refused(reg, "UnfreezeReceivable", rid, "LIFT-B", "ORDER-B", rule="freeze-order-not-found")
    assert message.endswith(f"is not frozen by order 'ORDER-B': order 'LIFT-B' lifted it already (transaction "
                            f"{claim['last_unfreeze']['tx_id']}, {claim['last_unfreeze']['date']}), so nothing "
                            "is lifted, and a lifting sent again after a lost answer committed the first time; "
                            "the orders that still bind it are 'ORDER-A', each lifted only by the order that "
                            "lifts it"), message
    freed = await net.ok(reg, "UnfreezeReceivable", rid, "LIFT-A", "ORDER-A")
    assert (freed["frozen"], freed["last_unfreeze"]["lifted"]) == (None, "ORDER-A")
    assert net.claim_policy_orgs(rid) == [CORE, SUPPLIER]


async def test_an_order_that_binds_the_claim_already_is_refused_naming_it():
    net = await standard_net()
    reg = net.actors["regulator"]
    rid = (await _frozen_twice(net))["id"]
    message = await net.refused(reg, "FreezeReceivable", rid, "ORDER-A", rule="already-frozen")
    assert f"{rid} is already frozen by order 'ORDER-A', in effect (recorded by" in message, message
    message = await net.refused(reg, "FreezeReceivable", rid, "ORDER-B", rule="already-frozen")
    assert f"{rid} is already frozen by order 'ORDER-B', queued behind order 'ORDER-A', taking" in message
    # a third order queues behind the second
    third = await net.ok(reg, "FreezeReceivable", rid, "ORDER-C")
    assert [o["order_reference"] for o in third["queued_freezes"]] == ["ORDER-B", "ORDER-C"]


async def test_lifting_an_order_that_binds_nothing_is_refused_naming_those_that_do():
    net = await standard_net()
    reg = net.actors["regulator"]
    rid = (await _frozen_twice(net))["id"]
    message = await net.refused(reg, "UnfreezeReceivable", rid, "LIFT-X", "ORDER-X", rule="freeze-order-not-found")
    assert message.endswith(f"{rid} is not frozen by order 'ORDER-X': the orders that bind it are 'ORDER-A', "
                            "'ORDER-B'; lift one of those")


async def test_a_claim_an_earlier_version_froze_reads_with_no_queue_and_queues_the_next_order():
    """A claim an earlier version stored has no ``queued_freezes``: it reads as none queued."""
    net = await standard_net()
    core, tier1, reg = net.actors["core"], net.actors["tier1"], net.actors["regulator"]
    r = await net.confirmed(tier1, core, 1000_00)
    await net.ok(reg, "FreezeReceivable", r["id"], "ORDER-A")
    net.store_as_earlier(r["id"], "queued_freezes")

    got = await net.ok(reg, "GetReceivable", r["id"], evaluate=True)
    assert (got["frozen"]["order_reference"], got["queued_freezes"]) == ("ORDER-A", [])
    history = await net.ok(reg, "GetReceivableHistory", r["id"], evaluate=True)
    assert [h["queued_orders"] for h in history] == [[], [], []]
    queued = await net.ok(reg, "FreezeReceivable", r["id"], "ORDER-B")
    assert [o["order_reference"] for o in queued["queued_freezes"]] == ["ORDER-B"]
    assert (await net.ok(reg, "UnfreezeReceivable", r["id"], "LIFT-A"))["frozen"]["order_reference"] == "ORDER-B"


async def test_a_blank_lifts_is_refused_and_lifts_neither_order():
    """A blank third argument (an empty variable, say) names no order: taken as the order in effect, it would lift
    the order with priority, which could only be re-imposed at the end of the queue."""
    net = await standard_net()
    reg = net.actors["regulator"]
    claim = await _frozen_twice(net)
    for blank in ("", "  ", "\u3000"):
        message = await net.refused(reg, "UnfreezeReceivable", claim["id"], "LIFT-B", blank, rule="argument-invalid")
        assert "lifts is blank: name the freeze order lifted, or leave lifts out" in message, message
    assert net.doc(claim["id"]) == claim


async def test_a_queued_order_adds_the_regulators_org_to_a_key_an_earlier_freeze_left_without_it():
    net = await standard_net()
    core, tier1, reg = net.actors["core"], net.actors["tier1"], net.actors["regulator"]
    r = await net.confirmed(tier1, core, 1000_00, due_in=30)
    await net.ok(reg, "FreezeReceivable", r["id"], "ORDER-A")
    guarded_by(net, r["id"], CORE, SUPPLIER)   # as a freeze before freezes added the regulator's org left it
    await net.ok(reg, "FreezeReceivable", r["id"], "ORDER-B")
    assert net.claim_policy_orgs(r["id"]) == [CORE, REGULATOR, SUPPLIER]
    # the lifting of the order in effect keeps it while ORDER-B binds the claim, and the last lifting drops it
    await net.ok(reg, "UnfreezeReceivable", r["id"], "LIFT-A")
    assert net.claim_policy_orgs(r["id"]) == [CORE, REGULATOR, SUPPLIER]
    await net.ok(reg, "UnfreezeReceivable", r["id"], "LIFT-B")
    assert net.claim_policy_orgs(r["id"]) == [CORE, SUPPLIER]


async def test_an_earlier_freezes_key_gains_the_regulators_org_at_a_lifting_too():
    net = await standard_net()
    reg = net.actors["regulator"]
    rid = (await _frozen_twice(net))["id"]
    guarded_by(net, rid, CORE, SUPPLIER)
    await net.ok(reg, "UnfreezeReceivable", rid, "LIFT-B", "ORDER-B")   # ORDER-A still binds it
    assert net.claim_policy_orgs(rid) == [CORE, REGULATOR, SUPPLIER]


async def test_an_order_typed_again_with_other_formatting_is_the_order_recorded():
    """Full-width brackets, doubled or full-width spaces and another case name the same court order: refused
    already-frozen, not queued as a second order the court's single lifting would leave binding the claim."""
    net = await standard_net()
    core, tier1, reg = net.actors["core"], net.actors["tier1"], net.actors["regulator"]
    r = await net.confirmed(tier1, core, 1000_00, due_in=30)
    await net.ok(reg, "FreezeReceivable", r["id"], "(2026) Hu 0101 Cai Bao 1")
    queued = await net.ok(reg, "FreezeReceivable", r["id"], "（2026）沪0101财保 2号")
    assert queued["queued_freezes"][0]["order_reference"] == "（2026）沪0101财保 2号"   # stored as given
    for again, recorded in (("（2026） HU 0101  cai bao 1", "(2026) Hu 0101 Cai Bao 1"),
                            ("(2026)沪0101财保\u30002号", "（2026）沪0101财保 2号"),
                            ("（2026）沪0101财保2号", "（2026）沪0101财保 2号"),          # the space left out
                            ("〔2026〕沪0101财保 2号", "（2026）沪0101财保 2号"),        # the older brackets
                            ("\ufeff（2026）沪0101财保 2号", "（2026）沪0101财保 2号"),  # a BOM pasted with it
                            ("（2026）沪0101\u200b财保 2号", "（2026）沪0101财保 2号")):  # a zero-width space
        message = await net.refused(reg, "FreezeReceivable", r["id"], again, rule="already-frozen")
        assert f"is already frozen by order {recorded!r}" in message, message
    # ``lifts`` is compared the same way: the queued order lifted, typed otherwise
    lifted = await net.ok(reg, "UnfreezeReceivable", r["id"], "LIFT-2", "(2026)沪0101财保  2号")
    assert (lifted["last_unfreeze"]["lifted"], lifted["queued_freezes"]) == ("（2026）沪0101财保 2号", [])
    assert lifted["frozen"]["order_reference"] == "(2026) Hu 0101 Cai Bao 1"


async def test_lifts_written_exactly_as_an_order_names_that_order_before_one_equal_only_by_formatting():
    """Two orders equal only by formatting (queued by a build that compared exact text): lifts written as the
    second lifts the second, not the first that compares equal."""
    net = await standard_net()
    core, tier1, reg = net.actors["core"], net.actors["tier1"], net.actors["regulator"]
    r = await net.confirmed(tier1, core, 1000_00, due_in=30)
    await net.ok(reg, "FreezeReceivable", r["id"], "ORDER-X")
    key = net._key(keys.RECEIVABLE, r["id"])
    doc = json.loads(net.ledger.state[key])
    doc["queued_freezes"] = [{**doc["frozen"], "order_reference": "order-x"}]
    net.ledger.state[key] = json.dumps(doc).encode()
    lifted = await net.ok(reg, "UnfreezeReceivable", r["id"], "LIFT-1", "order-x")
    assert (lifted["last_unfreeze"]["lifted"], lifted["frozen"]["order_reference"]) == ("order-x", "ORDER-X")
