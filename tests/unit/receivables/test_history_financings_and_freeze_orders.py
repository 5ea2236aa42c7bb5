"""What a regulator reads back of a claim's past: every financing it was under, a cancelled or recoursed one too,
the order each freeze was under and the order that lifted it; and a split claim's freeze refused naming its parts.

The state forgets all of these: CancelFinancing and ExerciseRecourse clear the claim's ``financing_id`` and
``financier``, UnfreezeReceivable clears ``frozen``. GetReceivableHistory reads each write as it was left, and the
claim keeps its last lifting (``last_unfreeze``).
"""

from __future__ import annotations

from client import receivables as sdk
from .support import standard_net
from .test_recourse import _recoursed


def _financings(history: list[dict]) -> list[tuple[str, str]]:
    """The (financing id, bank) pairs the history's writes name, each once, in the order first named: from the
    acceptance of a bank's offer on (a request names its financing, and no bank yet)."""
    seen: list[tuple[str, str]] = []
    for h in history:
        pair = (h["financing_id"], h["financier"])
        if h["financier"] is not None and pair not in seen:
            seen.append(pair)
    return seen


async def test_the_history_names_a_cancelled_financing_the_claim_no_longer_names():
    net = await standard_net()
    core, tier1, bank, bank2, reg = (net.actors[k] for k in ("core", "tier1", "bank", "bank2", "regulator"))
    r = await net.confirmed(tier1, core, 1000_00, due_in=30)
    first = await net.financed(tier1, r["id"], disburse=False)
    await net.ok(tier1, "CancelFinancing", first["id"], "not disbursed in time")
    second = await net.financed(tier1, r["id"], bank2)

    claim = net.doc(r["id"])
    assert (claim["financing_id"], claim["financier"]) == (second["id"], bank2.uscc)
    history = await net.ok(reg, "GetReceivableHistory", r["id"], evaluate=True)
    assert _financings(history) == [(first["id"], bank.uscc), (second["id"], bank2.uscc)]
    requested = next(h for h in history if h["action"] == "RequestFinancing")
    assert (requested["financing_id"], requested["financier"]) == (first["id"], None)
    cancelled = next(h for h in history if h["action"] == "CancelFinancing")
    assert (cancelled["financing_id"], cancelled["financier"]) == (None, None)
    assert [sdk.HistoryEntry.model_validate(h).to_json() for h in history] == history


async def test_the_history_names_a_recoursed_financing():
    net = await standard_net()
    bank, reg = net.actors["bank"], net.actors["regulator"]
    r, f = await _recoursed(net)

    assert net.doc(r["id"])["financing_id"] is None
    history = await net.ok(reg, "GetReceivableHistory", r["id"], evaluate=True)
    assert _financings(history) == [(f["id"], bank.uscc)]


async def test_the_freeze_order_and_the_order_lifting_it_are_read_back():
    net = await standard_net()
    core, tier1, reg = net.actors["core"], net.actors["tier1"], net.actors["regulator"]
    r = await net.confirmed(tier1, core, 1000_00)
    frozen = await net.ok(reg, "FreezeReceivable", r["id"], "ORDER-A")
    unfrozen = await net.ok(reg, "UnfreezeReceivable", r["id"], "LIFT-B")

    lifting = {"order_reference": "LIFT-B", "lifted": "ORDER-A", "by": reg.uscc, "date": net.today,
               "tx_id": unfrozen["last"]["tx_id"]}
    assert unfrozen["frozen"] is None and unfrozen["last_unfreeze"] == lifting
    assert (await net.ok(reg, "GetReceivable", r["id"], evaluate=True))["last_unfreeze"] == lifting
    assert sdk.Receivable.model_validate(unfrozen).to_json() == unfrozen

    # frozen again: the new order is the claim's, the last lifting stays until a later one replaces it
    again = await net.ok(reg, "FreezeReceivable", r["id"], "ORDER-C")
    assert (again["frozen"]["order_reference"], again["last_unfreeze"]) == ("ORDER-C", lifting)

    history = await net.ok(tier1, "GetReceivableHistory", r["id"], evaluate=True)
    assert [(h["action"], h["frozen"], h["freeze_order"], h["lifting_order"]) for h in history] == [
        ("RegisterReceivable", False, None, None), ("ConfirmReceivable", False, None, None),
        ("FreezeReceivable", True, "ORDER-A", None), ("UnfreezeReceivable", False, None, "LIFT-B"),
        ("FreezeReceivable", True, "ORDER-C", None)]
    assert history[2]["tx_id"] == frozen["last"]["tx_id"]


async def test_a_claim_unfrozen_by_an_earlier_version_reads_with_no_lifting():
    """A claim an earlier version unfroze was stored without ``last_unfreeze``: it reads as never kept."""
    net = await standard_net()
    core, tier1, reg = net.actors["core"], net.actors["tier1"], net.actors["regulator"]
    r = await net.confirmed(tier1, core, 1000_00)
    await net.ok(reg, "FreezeReceivable", r["id"], "ORDER-A")
    await net.ok(reg, "UnfreezeReceivable", r["id"], "LIFT-B")
    net.store_as_earlier(r["id"], "last_unfreeze")

    got = await net.ok(reg, "GetReceivable", r["id"], evaluate=True)
    assert got["last_unfreeze"] is None and got["frozen"] is None
    history = await net.ok(reg, "GetReceivableHistory", r["id"], evaluate=True)
    assert [(h["action"], h["freeze_order"], h["lifting_order"]) for h in history][-2:] == [
        ("FreezeReceivable", "ORDER-A", None), ("UnfreezeReceivable", None, None)]
    # and it is frozen and lifted again as any claim is
    await net.ok(reg, "FreezeReceivable", r["id"], "ORDER-C")
    assert (await net.ok(reg, "UnfreezeReceivable", r["id"], "LIFT-D"))["last_unfreeze"]["lifted"] == "ORDER-C"


async def test_freezing_a_split_claim_is_refused_naming_the_parts_to_freeze():
    net = await standard_net()
    core, tier1, tier2, reg = (net.actors[k] for k in ("core", "tier1", "tier2", "regulator"))
    r = await net.confirmed(tier1, core, 1000_00)
    await net.ok(tier1, "TransferReceivable", r["id"], tier2.uscc, "400")
    await net.ok(tier2, "TransferReceivable", f"{r['id']}.1", tier1.uscc, "100")

    message = await net.refused(reg, "FreezeReceivable", r["id"], "ORDER-A", rule="invalid-state")
    assert f"freeze those of its parts the order names: {r['id']}.1.1, {r['id']}.1.2, {r['id']}.2" in message
    # a part frozen already is not named again; with none left to freeze the refusal says so
    await net.ok(reg, "FreezeReceivable", f"{r['id']}.1.1", "ORDER-A")
    message = await net.refused(reg, "FreezeReceivable", f"{r['id']}.1", "ORDER-A", rule="invalid-state")
    assert message.endswith(f"freeze those of its parts the order names: {r['id']}.1.2")
    # another order names it still: on it that order would be queued behind ORDER-A
    message = await net.refused(reg, "FreezeReceivable", f"{r['id']}.1", "ORDER-B", rule="invalid-state")
    assert message.endswith(f"freeze those of its parts the order names: {r['id']}.1.1, {r['id']}.1.2")
    await net.ok(reg, "FreezeReceivable", f"{r['id']}.1.2", "ORDER-A")
    message = await net.refused(reg, "FreezeReceivable", f"{r['id']}.1", "ORDER-A", rule="invalid-state")
    assert message.endswith("none of its parts can be frozen either: each is settled or frozen by this order already")
    assert net.doc(r["id"])["frozen"] is None

