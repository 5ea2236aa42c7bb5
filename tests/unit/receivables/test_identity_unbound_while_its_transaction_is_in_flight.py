"""An identity unbound while a transaction it submitted is endorsed but not yet committed: the transaction fails
validation. Every transaction that acts for a party reads the caller's binding, so the unbind, committed first,
changes a key in its read set (``MVCC_READ_CONFLICT``); the party's other identity acts on as before."""

from __future__ import annotations

from chaincode.receivables import keys

from .support import SUPPLIER, Actor, client_identity, standard_net


async def test_a_transfer_endorsed_before_its_submitter_was_unbound_fails_validation():
    net = await standard_net()
    core, tier1, tier2 = net.actors["core"], net.actors["tier1"], net.actors["tier2"]
    clerk = Actor("clerk", SUPPLIER, client_identity(SUPPLIER, "tier1-clerk"), tier1.uscc, "supplier")
    await net.ok(net.admins[SUPPLIER], "BindPartyIdentity", tier1.uscc, clerk.identity.id)
    claim = (await net.confirmed(tier1, core, 100_000_00))["id"]

    in_flight = await net.endorsed(clerk, "TransferReceivable", claim, tier2.uscc, str(40_000_00))
    binding = net._key(keys.CLIENT, SUPPLIER, clerk.identity.id)
    assert ("", binding) in in_flight.reads, "the caller's binding is read"
    await net.ok(net.admins[SUPPLIER], "UnbindPartyIdentity", tier1.uscc, clerk.identity.id)

    assert net.ledger.commit(in_flight) == "MVCC_READ_CONFLICT"
    assert net.doc(claim)["holder"] == tier1.uscc and not net.doc(claim).get("children")
    # sent again, it is refused: the identity acts for no party now; the party's other identity acts as before
    await net.refused(clerk, "TransferReceivable", claim, tier2.uscc, str(40_000_00), rule="caller-not-a-party")
    await net.ok(tier1, "TransferReceivable", claim, tier2.uscc, str(40_000_00))
