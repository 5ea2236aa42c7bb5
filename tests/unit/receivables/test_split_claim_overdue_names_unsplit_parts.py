"""A split claim past its due date is refused an overdue marking naming the parts that can be marked.

It named its two direct children, which may be split in turn (each refused again, one level down at a time)
or settled (nothing left to mark): the refusal names the unsplit parts still CONFIRMED or FINANCED, however
deep, or says none is left.
"""

from __future__ import annotations

from .support import standard_net


async def test_marking_a_split_claim_overdue_names_its_unsplit_parts_however_deep():
    net = await standard_net()
    core, tier1, tier2 = (net.actors[k] for k in ("core", "tier1", "tier2"))
    claim = (await net.confirmed(tier1, core, 1000_00, due_in=10))["id"]
    await net.ok(tier1, "TransferReceivable", claim, tier2.uscc, "40000")
    await net.ok(tier2, "TransferReceivable", f"{claim}.1", tier1.uscc, "10000")
    await net.ok(tier1, "TransferReceivable", f"{claim}.2", tier2.uscc, "10000")
    await net.ok(core, "RecordPayment", f"{claim}.2.1", "10000")    # settled: nothing to mark on it
    net.advance(days=11)
    message = await net.refused(core, "RecordOverdue", claim, rule="invalid-state")
    assert message == (f"RULE invalid-state: cannot mark overdue receivable {claim} while it is SPLIT: its "
                       f"debt is held in its parts now, of which {claim}.1.1, {claim}.1.2, {claim}.2.2 are "
                       "still CONFIRMED or FINANCED: mark those overdue instead"), message
    # as the refusal says: each part named is marked
    for part in (f"{claim}.1.1", f"{claim}.1.2", f"{claim}.2.2"):
        assert (await net.ok(core, "RecordOverdue", part))["status"] == "OVERDUE"


async def test_marking_a_split_claim_overdue_once_no_part_is_left_to_mark_says_so():
    net = await standard_net()
    core, tier1, tier2 = (net.actors[k] for k in ("core", "tier1", "tier2"))
    claim = (await net.confirmed(tier1, core, 1000_00, due_in=10))["id"]
    await net.ok(tier1, "TransferReceivable", claim, tier2.uscc, "40000")
    await net.ok(core, "RecordPayment", f"{claim}.1", "40000")
    net.advance(days=11)
    await net.ok(tier1, "RecordOverdue", f"{claim}.2")
    message = await net.refused(core, "RecordOverdue", claim, rule="invalid-state")
    assert message == (f"RULE invalid-state: cannot mark overdue receivable {claim} while it is SPLIT and "
                       "every part of it is OVERDUE or SETTLED: none is left to mark overdue (only a part "
                       "CONFIRMED or FINANCED is)"), message


async def test_a_holder_marking_a_split_claim_overdue_is_named_only_the_parts_it_holds():
    """A part is marked by its own debtor, holder or financier: the split claim's holder is not sent to parts
    another supplier holds (refused not-a-party-to-claim), nor told whether they are paid."""
    net = await standard_net()
    core, tier1, tier2 = (net.actors[k] for k in ("core", "tier1", "tier2"))
    tier3 = await net.party("tier3", "SupplierMSP", "supplier", "Tier-3 Forgings")
    claim = (await net.confirmed(tier1, core, 1000_00, due_in=10))["id"]
    await net.ok(tier1, "TransferReceivable", claim, tier2.uscc, "100000")      # whole: tier2 holds it
    await net.ok(tier2, "TransferReceivable", claim, tier3.uscc, "40000")       # .1 to tier3, .2 kept
    await net.ok(tier3, "TransferReceivable", f"{claim}.1", tier2.uscc, "10000")  # .1.1 to tier2, .1.2 kept
    net.advance(days=11)
    message = await net.refused(tier2, "RecordOverdue", claim, rule="invalid-state")
    assert message == (f"RULE invalid-state: cannot mark overdue receivable {claim} while it is SPLIT: its "
                       "debt is held in its parts now, each marked overdue by its own debtor, holder or "
                       f"financier: of those {tier2.uscc} holds or finances, {claim}.1.1, {claim}.2 are still "
                       "CONFIRMED or FINANCED: mark those overdue instead"), message
    assert f"{claim}.1.2" not in message
    await net.refused(tier2, "RecordOverdue", f"{claim}.1.2", rule="not-a-party-to-claim")
    for part in (f"{claim}.1.1", f"{claim}.2"):
        assert (await net.ok(tier2, "RecordOverdue", part))["status"] == "OVERDUE"
    message = await net.refused(tier2, "RecordOverdue", claim, rule="invalid-state")
    assert message == (f"RULE invalid-state: cannot mark overdue receivable {claim} while it is SPLIT: its "
                       "debt is held in its parts now, each marked overdue by its own debtor, holder or "
                       f"financier, and none that {tier2.uscc} holds or finances is left to mark (only a part "
                       "CONFIRMED or FINANCED is)"), message
