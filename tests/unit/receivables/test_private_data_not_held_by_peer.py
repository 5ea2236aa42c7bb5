"""A private read on a peer that does not hold the value is refused not-found, naming where to ask.

A real peer keeps the hash of every private write, member of the collection or not, and answers a read
of a key whose hash it has but whose value its private store lacks (a member peer that missed the
dissemination and has not reconciled yet, a peer of an org that is no member) with an ERROR, "private
data matching public hash version is not available" (Fabric's queryHelper.getPrivateData), not with an
empty value. MemoryLedger drops the hash with the value, so here its session answers those keys as such
a peer does, the values (and hashes) kept. GetOfferTerms and GetFinancierExposure answered that error as
a status-500 ``PeerError``, where they promise ``not-found`` saying to ask again shortly or to ask another
member org's peer."""

from __future__ import annotations

import pytest
from fabric_protos.peer import chaincode_shim_pb2 as shim_pb2

from chaincode.shim import PeerOptions
from chaincode.testing import _memory_peer

from .support import standard_net

NOT_AVAILABLE = ("private data matching public hash version is not available. Public hash version = "
                 "{BlockNum: 6, TxNum: 0}, Private data version = <nil>")


@pytest.fixture
def values_not_held(monkeypatch) -> set[tuple[str, str]]:
    """The (collection, key)s whose value the answering peer lacks: it refuses their reads as Fabric does."""
    not_held: set[tuple[str, str]] = set()
    session_class = _memory_peer.MemoryPeerSession
    get_one, get_many = session_class._get_state, session_class._get_state_multiple

    def get_state(session, payload: bytes) -> bytes:
        request = shim_pb2.GetState.FromString(payload)
        if (request.collection, request.key) in not_held:
            raise _memory_peer._PeerRefusal(NOT_AVAILABLE)
        return get_one(session, payload)

    def get_state_multiple(session, payload: bytes) -> bytes:
        # queryHelper.getPrivateDataMultipleKeys checks no hash version: such a key reads as empty
        request = shim_pb2.GetStateMultiple.FromString(payload)
        values = shim_pb2.GetStateMultipleResult.FromString(get_many(session, payload)).values
        held = [b"" if (request.collection, key) in not_held else value
                for key, value in zip(request.keys, values)]
        return shim_pb2.GetStateMultipleResult(values=held).SerializeToString()

    monkeypatch.setattr(session_class, "_get_state", get_state)
    monkeypatch.setattr(session_class, "_get_state_multiple", get_state_multiple)
    return not_held


@pytest.mark.parametrize("multi_key_reads", [False, True], ids=["GET_STATE", "GET_STATE_MULTIPLE"])
async def test_a_private_value_this_peer_lacks_is_refused_not_found_saying_where_to_ask(values_not_held,
                                                                                      multi_key_reads):
    net = await standard_net()
    net.ledger.peer_options = PeerOptions(use_get_multiple_keys=multi_key_reads)
    core, tier1, bank = (net.actors[k] for k in ("core", "tier1", "bank"))
    _, offer = await net.offered(tier1, (await net.confirmed(tier1, core, 1_000_00, due_in=60))["id"])
    private = net.ledger.private_state[offer["collection"]]
    values_not_held.update((offer["collection"], key) for key in private if offer["id"] in key)

    terms = await net.refused(tier1, "GetOfferTerms", offer["id"], evaluate=True, rule="not-found")
    exposure = await net.refused(bank, "GetFinancierExposure", core.uscc, "", evaluate=True, rule="not-found")
    for message in (terms, exposure):
        assert offer["id"] in message and offer["collection"] in message
        assert "ask again shortly, or ask a peer of another of those orgs" in message


async def test_any_other_refusal_of_a_private_read_still_fails_the_query(monkeypatch):
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    _, offer = await net.offered(tier1, (await net.confirmed(tier1, core, 1_000_00, due_in=60))["id"])

    def refuse(session, payload: bytes) -> bytes:
        raise _memory_peer._PeerRefusal("ledger is closed")

    monkeypatch.setattr(_memory_peer.MemoryPeerSession, "_get_state", refuse)
    result = await net.call(tier1, "GetOfferTerms", offer["id"], evaluate=True)
    assert result.status == 500 and "ledger is closed" in result.message and "RULE" not in result.message
