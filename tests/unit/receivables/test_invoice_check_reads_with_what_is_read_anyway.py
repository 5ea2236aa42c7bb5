"""ConfirmReceivable, RequestFinancing, AcceptFinancingOffer and AcceptDiscountOffer read the registry entry of the
claim's invoice (its root's, for a part) under the invoice's other spelling, one invoice backing one live claim
(upgrade.ensure_invoices_back_it_alone). On a peer offering multi-key reads, those reads join round trips the
transaction makes anyway (the caller's party, the debtor's, the bank's entry on its offer): only a request on a
part, whose root alone names the entry, reads the entry in a round trip of its own. Counts, never timings."""

from __future__ import annotations

import json

import pytest
from fabric_protos.peer import chaincode_shim_pb2 as shim_pb2

from chaincode.receivables import fingerprint, keys
from chaincode.receivables.model import DiscountTerms
from chaincode.shim._peer_options import PeerOptions
from chaincode.testing._memory_peer import MemoryPeerSession

from .support import Net, standard_net, transient_terms

CODE, NUMBER = "221010012345", "12345678"   # read run together, a 20-digit number: the invoice's other spelling


@pytest.fixture
def reads(monkeypatch) -> list[list[str]]:
    """The world-state keys of each point read the peer answers (GET_STATE, GET_STATE_MULTIPLE), in order."""
    seen: list[list[str]] = []
    get_state, get_multiple = MemoryPeerSession._get_state, MemoryPeerSession._get_state_multiple

    def one(session, payload):
        if not (request := shim_pb2.GetState.FromString(payload)).collection:
            seen.append([request.key])
        return get_state(session, payload)

    def many(session, payload):
        if not (request := shim_pb2.GetStateMultiple.FromString(payload)).collection:
            seen.append(list(request.keys))
        return get_multiple(session, payload)

    monkeypatch.setattr(MemoryPeerSession, "_get_state", one)
    monkeypatch.setattr(MemoryPeerSession, "_get_state_multiple", many)
    return seen


async def _net_and_claim() -> tuple[Net, str, str]:
    """A net whose peer offers multi-key reads, tier1's REGISTERED claim on core for the invoice CODE/NUMBER, and
    the registry key of that invoice's other spelling."""
    net = await standard_net()
    net.ledger.peer_options = PeerOptions(use_get_multiple_keys=True, max_size_get_multiple_keys=1000)
    tier1, core = net.actors["tier1"], net.actors["core"]
    req = net.registration(tier1, core, 1000_00, invoice_no=NUMBER)
    req["invoices"][0]["code"] = CODE
    claim = (await net.ok(tier1, "RegisterReceivable", req))["id"]
    entry = net._key(keys.FINGERPRINT, fingerprint.invoice_fingerprint(tier1.uscc, "", CODE + NUMBER))
    return net, claim, entry


def _read_with(seen: list[list[str]], entry: str) -> list[str]:
    """The read the entry was asked for in, which it is in once."""
    (batch,) = [batch for batch in seen if entry in batch]
    return batch


async def test_confirming_and_requesting_financing_on_a_claim_read_the_entry_with_the_callers_party(reads):
    net, claim, entry = await _net_and_claim()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    reads.clear()
    await net.ok(core, "ConfirmReceivable", claim)
    assert len(reads) == 2 and _read_with(reads, entry) == [net._key(keys.PARTY, core.uscc), entry]
    reads.clear()
    await net.ok(tier1, "RequestFinancing", claim)
    assert len(reads) == 2 and _read_with(reads, entry) == [net._key(keys.PARTY, tier1.uscc), entry]


async def test_a_request_on_a_part_reads_its_root_with_the_callers_party_and_the_entry_after(reads):
    net, claim, entry = await _net_and_claim()
    core, tier1, tier2 = net.actors["core"], net.actors["tier1"], net.actors["tier2"]
    await net.ok(core, "ConfirmReceivable", claim)
    await net.ok(tier1, "TransferReceivable", claim, tier2.uscc, "40000")
    reads.clear()
    await net.ok(tier2, "RequestFinancing", f"{claim}.1")
    assert reads[1] == [net._key(keys.PARTY, tier2.uscc), net._key(keys.RECEIVABLE, claim)]
    assert reads[2:] == [[entry]]   # named by the root alone, read in the round trip after


async def test_accepting_an_offer_on_a_part_reads_the_root_and_the_entry_with_reads_it_makes_anyway(reads):
    net, claim, entry = await _net_and_claim()
    core, tier1, tier2, bank = (net.actors[k] for k in ("core", "tier1", "tier2", "bank"))
    await net.ok(core, "ConfirmReceivable", claim)
    await net.ok(tier1, "TransferReceivable", claim, tier2.uscc, "40000")
    part = f"{claim}.1"
    _, offer = await net.offered(tier2, part)
    reads.clear()
    await net.ok(tier2, "AcceptFinancingOffer", offer["id"], transient=transient_terms())
    root = net._key(keys.RECEIVABLE, claim)
    (with_root,) = [batch for batch in reads if root in batch]
    assert with_root == [net._key(keys.OFFER_MADE, bank.uscc, core.uscc, offer["id"]),
                         net._key(keys.OFFER_MADE_DROPPED, bank.uscc, core.uscc, offer["id"]), root]
    # with the entry, the one of the invoice as registered, whose key-level policy the acceptance gives the bank
    registered = net._key(keys.FINGERPRINT, json.loads(net.ledger.state[root])["invoices"][0]["fingerprint"])
    assert _read_with(reads, entry) == [net._key(keys.PARTY, core.uscc), entry, registered]
    assert len(reads) == 4   # the binding and the offer; the caller's party and the claim's; these two

    # the other part, kept by tier1
    discount = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(10)})
    as_read = DiscountTerms.as_read(await net.ok(tier1, "GetDiscountOffer", discount["id"], f"{claim}.2",
                                                 evaluate=True))
    reads.clear()
    await net.ok(tier1, "AcceptDiscountOffer", discount["id"], f"{claim}.2", as_read)
    assert reads[1] == [net._key(keys.PARTY, tier1.uscc), root]
    assert _read_with(reads, entry) == [net._key(keys.PARTY, core.uscc), entry]
    assert len(reads) == 3


async def test_a_discount_acceptance_with_a_request_id_reads_the_entry_with_the_debtors_party(reads):
    # the caller's party is read with the request, before the retry is answered from it, which reads no claim
    net, claim, entry = await _net_and_claim()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    await net.ok(core, "ConfirmReceivable", claim)
    discount = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(10)})
    as_read = DiscountTerms.as_read(await net.ok(tier1, "GetDiscountOffer", discount["id"], claim, evaluate=True))
    reads.clear()
    await net.ok(tier1, "AcceptDiscountOffer", discount["id"], claim, as_read, "req-0000000000000001")
    assert reads[1] == [net._key(keys.PARTY, tier1.uscc), net._key(keys.REQUEST, tier1.uscc, "req-0000000000000001")]
    assert _read_with(reads, entry) == [net._key(keys.PARTY, core.uscc), entry]
    assert len(reads) == 3
