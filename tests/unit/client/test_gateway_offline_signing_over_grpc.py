"""Offline signing as docs/sdk-gateway.md says it, over real HTTP/2 to an in-process Gateway server: each
object's ``digest`` is SHA-256 of the bytes the peer checks the signature over (a proposal's bytes, a chaincode
events request, a block events request's envelope payload), the signature given is the one sent, and an empty
signature leaves the object unsigned, as in the Go client: this Gateway's signer signs it as it is sent, and a
Gateway without a signer sends nothing."""

import hashlib

import pytest

from client.gateway import GatewayError, connect, private_key_signer
from .gateway_fakes import Servicer, serving, verify

CHANNEL = "receivables-channel"


@pytest.fixture
def servicer():
    return Servicer()


@pytest.fixture
def target(servicer):
    with serving(servicer) as served_at:
        yield served_at


def _signed_on_the_wire(servicer):
    """(what the signature covers, the signature) of each request the server got, in order."""
    signed = []
    for name, request, *_ in servicer.seen:
        if name == "evaluate":
            signed.append((request.proposed_transaction.proposal_bytes, request.proposed_transaction.signature))
        elif name == "chaincode_events":
            signed.append((request.request, request.signature))
        elif name in ("deliver", "deliver_filtered"):
            signed.append((request.payload, request.signature))
    return signed


def _send_each_kind(gateway, unsigned_gateway, sign):
    """An evaluate, chaincode events and filtered block events, each built by ``unsigned_gateway`` and rebuilt
    through ``gateway`` with ``sign(digest)``; the digests, in the order sent."""
    network = unsigned_gateway.get_network(CHANNEL)
    proposal = network.get_contract("receivables").new_proposal("Get", arguments=["R-1"])
    gateway.new_signed_proposal(proposal.bytes, sign(proposal.digest)).evaluate()
    events = network.new_chaincode_events_request("receivables", start_block=3)
    stream = gateway.new_signed_chaincode_events_request(events.bytes, sign(events.digest)).events()
    next(stream)
    stream.close()
    blocks = network.new_block_events_request(start_block=5, kind="filtered")
    stream = gateway.new_signed_block_events_request(blocks.bytes, sign(blocks.digest), kind=blocks.kind).events()
    next(stream)
    stream.close()
    return [proposal.digest, events.digest, blocks.digest]


def test_each_digest_is_sha256_of_what_the_peer_checks_and_the_signature_given_is_sent(servicer, target, credentials):
    key, identity = credentials
    given = []

    def sign_elsewhere(digest):
        given.append(private_key_signer(key)(digest))
        return given[-1]

    with connect(target, identity=identity, insecure=True) as offline:   # no signer: signed elsewhere
        digests = _send_each_kind(offline, offline, sign_elsewhere)
    signed = _signed_on_the_wire(servicer)
    assert [hashlib.sha256(message).digest() for message, _ in signed] == digests
    assert [signature for _, signature in signed] == given
    for message, signature in signed:
        verify(key.public_key(), signature, message)


def test_an_empty_signature_is_signed_by_the_gateways_signer_as_it_is_sent(servicer, target, credentials):
    key, identity = credentials
    with connect(target, identity=identity, insecure=True) as offline, \
            connect(target, identity=identity, signer=private_key_signer(key), insecure=True) as signing:
        _send_each_kind(signing, offline, lambda digest: b"")
    signed = _signed_on_the_wire(servicer)
    assert len(signed) == 3
    for message, signature in signed:
        verify(key.public_key(), signature, message)


def test_an_empty_signature_through_a_gateway_without_a_signer_sends_nothing(servicer, target, credentials):
    _, identity = credentials
    with connect(target, identity=identity, insecure=True) as offline:
        network = offline.get_network(CHANNEL)
        proposal = network.get_contract("receivables").new_proposal("Get", arguments=["R-1"])
        rebuilt = offline.new_signed_proposal(proposal.bytes, b"")
        assert rebuilt.signature == b""
        with pytest.raises(GatewayError, match="no signer"):
            rebuilt.evaluate()
        events = network.new_chaincode_events_request("receivables", start_block=3)
        with pytest.raises(GatewayError, match="no signer"):
            offline.new_signed_chaincode_events_request(events.bytes, b"").events()
    assert servicer.seen == []
