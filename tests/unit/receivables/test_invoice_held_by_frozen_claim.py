"""invoice-already-financed of an invoice held by a REGISTERED claim a freeze order binds: a frozen claim is
neither withdrawn nor rejected, so the refusal says the withdrawal waits for the regulator to lift the order,
naming it, instead of advising a WithdrawReceivable that is refused receivable-frozen."""

from __future__ import annotations

from .support import standard_net

ORDER = "(2026)沪0101财保1号"


async def test_the_refusal_names_the_freeze_and_that_the_withdrawal_waits_for_its_lifting():
    net = await standard_net()
    core, tier1, regulator = net.actors["core"], net.actors["tier1"], net.actors["regulator"]
    req = net.registration(tier1, core)
    held = await net.ok(tier1, "RegisterReceivable", req)
    await net.ok(regulator, "FreezeReceivable", held["id"], ORDER)
    await net.ok(regulator, "FreezeReceivable", held["id"], "(2026)沪0101财保2号")
    message = await net.refused(tier1, "RegisterReceivable", req, rule="invoice-already-financed")
    assert f"{held['id']} is REGISTERED and frozen by order '{ORDER}' (1 more queued behind it)" in message
    assert "only once the regulator lifts every order binding it (UnfreezeReceivable)" in message
    assert "withdraw it (WithdrawReceivable) and register again" not in message
    # what the refusal says of the withdrawal holds: refused while frozen
    await net.refused(tier1, "WithdrawReceivable", held["id"], "mistake", rule="receivable-frozen")


async def test_once_every_order_is_lifted_the_refusal_advises_the_withdrawal_again():
    net = await standard_net()
    core, tier1, regulator = net.actors["core"], net.actors["tier1"], net.actors["regulator"]
    req = net.registration(tier1, core)
    held = await net.ok(tier1, "RegisterReceivable", req)
    await net.ok(regulator, "FreezeReceivable", held["id"], ORDER)
    await net.ok(regulator, "UnfreezeReceivable", held["id"], "(2026)沪0101财保1号之一")
    message = await net.refused(tier1, "RegisterReceivable", req, rule="invoice-already-financed")
    assert f"{held['id']} is REGISTERED, so if it is the mistaken claim, withdraw it (WithdrawReceivable)" in message
    await net.ok(tier1, "WithdrawReceivable", held["id"], "mistake")
    await net.ok(tier1, "RegisterReceivable", req)
