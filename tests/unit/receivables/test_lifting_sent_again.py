"""A lifting without ``lifts`` sent again (a retry after a lost answer, the same call run twice) is refused
``lifting-sent-again`` while another order binds the claim: the "order in effect" it would lift is by then the
order queued behind the one it lifted, and the claim would be freed while a court's order still binds it. The
SDK sends the retry as its caller wrote it (tests/unit/receivables_client/test_sdk_unfreeze_sent_again.py), so
the contract refuses it, reading the claim in the lifting's own transaction, while that lifting is the claim's
last change or another order was recorded since. An order named in ``lifts`` still lifts a second order, and
a different lifting order is no retry."""

from __future__ import annotations

from .support import standard_net

FIRST, SECOND = "(2026) Hu 0101 Bao 1", "(2026) Hu 0101 Bao 2"
LIFTING = "(2026) Hu 0101 Jie 1"


async def _frozen_twice():
    net = await standard_net()
    a = net.actors
    rid = (await net.confirmed(a["tier1"], a["core"]))["id"]
    await net.ok(a["regulator"], "FreezeReceivable", rid, FIRST)
    await net.ok(a["regulator"], "FreezeReceivable", rid, SECOND)
    await net.ok(a["regulator"], "UnfreezeReceivable", rid, LIFTING)
    return net, rid


async def test_a_lifting_sent_again_without_lifts_is_refused_and_the_next_order_still_binds():
    net, rid = await _frozen_twice()
    lifted = net.doc(rid)["last_unfreeze"]
    # typed again with other spacing and case, it is the same lifting order (order_key)
    said = await net.refused(net.actors["regulator"], "UnfreezeReceivable", rid, " (2026)hu0101 JIE 1",
                             rule="lifting-sent-again")
    assert (f"order '(2026)hu0101 JIE 1' already lifted freeze order '{FIRST}' of {rid} (transaction "
            f"{lifted['tx_id']}, {lifted['date']}), so nothing is lifted: sent again without lifts it would "
            f"lift the order in effect now, '{SECOND}', too. If the order lifts that one as well, name it in "
            "lifts") in said
    assert net.doc(rid)["frozen"]["order_reference"] == SECOND


async def test_the_same_lifting_order_naming_the_next_order_lifts_it_and_another_lifting_order_is_no_retry():
    net, rid = await _frozen_twice()
    reg = net.actors["regulator"]
    await net.ok(reg, "UnfreezeReceivable", rid, LIFTING, SECOND)
    assert net.doc(rid).get("frozen") is None
    await net.ok(reg, "FreezeReceivable", rid, "(2026) Hu 0101 Bao 3")
    await net.ok(reg, "FreezeReceivable", rid, "(2026) Hu 0101 Bao 4")
    await net.ok(reg, "UnfreezeReceivable", rid, "(2026) Hu 0101 Jie 2")
    await net.ok(reg, "UnfreezeReceivable", rid, "(2026) Hu 0101 Jie 3")   # another court's lifting: applied
    assert net.doc(rid).get("frozen") is None


async def test_a_lifting_sent_again_after_another_order_was_queued_is_refused_and_lifts_nothing():
    net, rid = await _frozen_twice()
    reg = net.actors["regulator"]
    # another court's order queued between the first attempt and the retry
    await net.ok(reg, "FreezeReceivable", rid, "(2026) Hu 0101 Bao 3")
    await net.refused(reg, "UnfreezeReceivable", rid, LIFTING, rule="lifting-sent-again")
    doc = net.doc(rid)
    assert doc["frozen"]["order_reference"] == SECOND
    assert [o["order_reference"] for o in doc["queued_freezes"]] == ["(2026) Hu 0101 Bao 3"]
    # named, the order it lifts as well is lifted
    await net.ok(reg, "UnfreezeReceivable", rid, LIFTING, SECOND)
    assert net.doc(rid)["frozen"]["order_reference"] == "(2026) Hu 0101 Bao 3"


async def test_a_lifting_sent_again_after_the_claim_it_freed_was_frozen_anew_is_refused():
    net = await standard_net()
    a = net.actors
    reg = a["regulator"]
    rid = (await net.confirmed(a["tier1"], a["core"]))["id"]
    await net.ok(reg, "FreezeReceivable", rid, FIRST)
    await net.ok(reg, "UnfreezeReceivable", rid, LIFTING)    # the claim is free
    await net.ok(reg, "FreezeReceivable", rid, SECOND)       # a new order, recorded before the retry
    await net.refused(reg, "UnfreezeReceivable", rid, LIFTING, rule="lifting-sent-again")
    assert net.doc(rid)["frozen"]["order_reference"] == SECOND


async def test_a_lifting_sent_again_with_lifts_is_refused_naming_its_first_attempt_not_the_next_order():
    # with lifts, a retry finds the order it names lifted: the refusal says by which lifting, and does not send
    # the regulator to lift the order that still binds the claim in its place
    net, rid = await _frozen_twice()
    reg = net.actors["regulator"]
    lifted = net.doc(rid)["last_unfreeze"]
    said = await net.refused(reg, "UnfreezeReceivable", rid, LIFTING, FIRST, rule="freeze-order-not-found")
    assert (f"{rid} is not frozen by order '{FIRST}': order '{LIFTING}' lifted it already (transaction "
            f"{lifted['tx_id']}, {lifted['date']}), so nothing is lifted") in said, said
    assert "lift one of those" not in said, said
    assert net.doc(rid)["frozen"]["order_reference"] == SECOND
