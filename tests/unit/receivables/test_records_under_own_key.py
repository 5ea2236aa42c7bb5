"""A record is read only from the key its id names: any two orgs running altered chaincode can write a key
nobody has written yet, under the chaincode-level policy alone, and could copy there a record naming another
key's id (a financed claim, a party). Every write of a record goes to the key its id names, so a change of
such a copy, endorsed by the peers of the orgs guarding that key running this contract, rewrote the real
record: the creditor's withdrawal of the copy of a confirmed, financed claim withdrew the claim and freed its
invoice, and a client bound to a copy of a supplier's party record transferred that supplier's claim as its
holder.

Likewise a rejection or withdrawal releases only the fingerprint entries naming its claim: a claim record
two orgs wrote as a new key listing the invoice of another claim, confirmed and financed, withdrawn by its
creditor with the peers of its creditor's and its debtor's orgs running this contract endorsing, deleted
that claim's entry, and the financed invoice registered again."""

from __future__ import annotations

import json

import pytest

from chaincode.receivables import keys

from .support import CORE, SUPPLIER, Actor, client_identity, credit_code, standard_net

PLANTED = "R-00000000000000ff"
INVOICE = "26442000000012345678"


async def a_financed_claim():
    """The standard network and tier1's claim on core, on invoice INVOICE, confirmed and financed:
    (net, tier1, core, the claim)."""
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    financed = await net.confirmed(tier1, core, 1000_00, invoice_no=INVOICE)
    await net.financed(tier1, financed["id"])
    return net, tier1, core, financed


async def its_invoice_is_still_taken(net, tier1, core) -> str:
    """A new claim on INVOICE is refused as already financed: the refusal's message."""
    again = net.registration(tier1, core, 1000_00, invoice_no=INVOICE)
    return await net.refused(tier1, "RegisterReceivable", again, rule="invoice-already-financed")


@pytest.mark.parametrize("release", ["WithdrawReceivable", "RejectReceivable"])
async def test_a_planted_copy_of_a_financed_claim_changes_nothing_of_it(release):
    net, tier1, core, financed = await a_financed_claim()
    claim_key = net._key(keys.RECEIVABLE, financed["id"])
    held = net.ledger.state[claim_key]
    net.plant(net.registered_copy(financed["id"]), keys.RECEIVABLE, PLANTED)   # naming the claim's id
    message = await net.refused(tier1 if release == "WithdrawReceivable" else core, release, PLANTED, "copy",
                                rule="record-unreadable")
    assert f"recfin.receivable [{PLANTED}]" in message
    assert f"its id is '{financed['id']}', another key's" in message
    assert net.ledger.state[claim_key] == held
    await its_invoice_is_still_taken(net, tier1, core)


async def test_a_planted_copy_of_a_party_record_acts_for_no_one():
    net = await standard_net()
    tier1, tier2, core = net.actors["tier1"], net.actors["tier2"], net.actors["core"]
    claim = await net.confirmed(tier1, core, 1000_00)
    thief = client_identity(SUPPLIER, "thief")
    planted_code = credit_code(900)
    copy = {**json.loads(net.ledger.state[net._key(keys.PARTY, tier1.uscc)]), "client_ids": [thief.id]}
    net.plant(copy, keys.PARTY, planted_code)
    net.ledger.state[net._key(keys.CLIENT, SUPPLIER, thief.id)] = planted_code.encode()
    as_tier1 = Actor("thief", SUPPLIER, thief, tier1.uscc, "supplier")
    message = await net.refused(as_tier1, "TransferReceivable", claim["id"], tier2.uscc, "100000",
                                rule="record-unreadable")
    assert f"its uscc is '{tier1.uscc}', another key's" in message
    assert net.doc(claim["id"])["holder"] == tier1.uscc


async def test_records_under_their_own_keys_read_as_before():
    net = await standard_net()
    tier1, tier2, core = net.actors["tier1"], net.actors["tier2"], net.actors["core"]
    claim = await net.confirmed(tier1, core, 1000_00)
    await net.ok(tier1, "TransferReceivable", claim["id"], tier2.uscc, "100000")
    assert net.doc(claim["id"])["holder"] == tier2.uscc
    assert net.writes_not_endorsed(SUPPLIER, CORE) == []


@pytest.mark.parametrize("release", ["WithdrawReceivable", "RejectReceivable"])
async def test_a_planted_claim_listing_a_financed_invoice_releases_nothing_of_it(release):
    net, tier1, core, financed = await a_financed_claim()
    entry = net._key(keys.FINGERPRINT, financed["invoices"][0]["fingerprint"])
    held = net.ledger.state[entry]
    net.plant(net.registered_copy(financed["id"], id=PLANTED, root_id=PLANTED), keys.RECEIVABLE, PLANTED)
    await net.ok(tier1 if release == "WithdrawReceivable" else core, release, PLANTED, "planted")
    assert net.writes_not_endorsed(SUPPLIER, CORE) == []      # what those two orgs' peers endorse commits
    assert net.ledger.state[entry] == held
    assert f"already backs receivable {financed['id']}" in await its_invoice_is_still_taken(net, tier1, core)


async def test_a_withdrawal_still_releases_its_own_invoice():
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    mistaken = await net.registered(tier1, core, 1000_00, invoice_no=INVOICE)
    await net.ok(tier1, "WithdrawReceivable", mistaken["id"], "wrong due date")
    await net.registered(tier1, core, 1000_00, invoice_no=INVOICE)
