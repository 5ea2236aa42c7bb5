"""An object rebuilt unsigned from bytes that carry another identity is refused, not signed by this Gateway.

A peer (and the orderer) checks a request's signature against the identity the request carries: signed by
this Gateway's key, the request of another identity is answered with a bare "access denied" (a transaction
with an orderer refusal that reads as "may have been ordered"). Nothing is sent.
"""

import asyncio

import pytest

from client.gateway import Identity, connect, connect_async, private_key_signer
from .gateway_fakes import AsyncFakeTransport, FakeTransport, make_key_and_cert, verify

CHANNEL = "receivables-channel"


def _gateway_of(user):
    """A Gateway of ``user`` of Org1MSP over a fake transport, and that transport."""
    key, certificate = make_key_and_cert(user)
    transport = FakeTransport()
    with connect(identity=Identity("Org1MSP", certificate), signer=private_key_signer(key),
                 transport=transport) as gateway:
        yield gateway, transport


@pytest.fixture
def alice():
    yield from _gateway_of("alice@org1")


@pytest.fixture
def bob():
    yield from _gateway_of("bob@org1")


def _send_alices_rebuilt_by(alice_gateway, bob_gateway, kind):
    """Alice's object of ``kind`` rebuilt unsigned in Bob's Gateway, then sent."""
    network = alice_gateway.get_network(CHANNEL)
    if kind == "commit":
        bob_gateway.new_commit(network.new_commit("ab" * 32).bytes).status()
    elif kind == "proposal evaluated":
        bob_gateway.new_proposal(network.get_contract("receivables").new_proposal("Get").bytes).evaluate()
    elif kind == "proposal endorsed":
        bob_gateway.new_proposal(network.get_contract("receivables").new_proposal("Set").bytes).endorse()
    elif kind == "transaction":
        transaction = network.get_contract("receivables").new_proposal("Set").endorse()
        bob_gateway.new_transaction(transaction.bytes).submit()
    elif kind == "chaincode events request":
        request_bytes = network.new_chaincode_events_request("receivables").bytes
        bob_gateway.new_chaincode_events_request(request_bytes).events()


@pytest.mark.parametrize("kind, rebuild", [
    ("commit", "new_signed_commit"),
    ("proposal evaluated", "new_signed_proposal"),
    ("proposal endorsed", "new_signed_proposal"),
    ("transaction", "new_signed_transaction"),
    ("chaincode events request", "new_signed_chaincode_events_request"),
])
def test_another_identitys_request_is_refused_unsent_naming_both_and_the_way(alice, bob, kind, rebuild):
    (alice_gateway, _), (bob_gateway, bob_transport) = alice, bob
    with pytest.raises(ValueError) as refused:
        _send_alices_rebuilt_by(alice_gateway, bob_gateway, kind)
    message = str(refused.value)
    assert "CN=alice@org1 of MSP 'Org1MSP'" in message and "CN=bob@org1 of MSP 'Org1MSP'" in message
    assert f"gateway.{rebuild}(bytes, signature)" in message and "Nothing was sent" in message
    assert bob_transport.calls == []


def test_the_same_identity_written_as_other_pem_is_still_signed_and_sent(alice):
    # Another client may keep the certificate's PEM with other line endings: a peer reads the same identity.
    alice_gateway, _ = alice
    identity = alice_gateway.identity
    key_signer = alice_gateway._context.signing.signer
    transport = FakeTransport()
    crlf = Identity(identity.msp_id, identity.credentials.replace(b"\n", b"\r\n"))
    with connect(identity=crlf, signer=key_signer, transport=transport) as same:
        commit = alice_gateway.get_network(CHANNEL).new_commit("cd" * 32)
        same.new_commit(commit.bytes).status()
    (request,) = transport.requests("commit_status")
    verify(identity.certificate.public_key(), request.signature, request.request)


def test_a_request_of_the_certificate_renewed_for_the_same_key_is_signed_and_sent():
    # A certificate reenrolled for the same key: the peer checks the signature with that key, which verifies.
    key, certificate = make_key_and_cert("carol@org1")
    _, renewed = make_key_and_cert("carol@org1", key=key)
    transport = FakeTransport()
    with connect(identity=Identity("Org1MSP", certificate), signer=private_key_signer(key),
                 transport=FakeTransport()) as old:
        commit_bytes = old.get_network(CHANNEL).new_commit("cd" * 32).bytes
    with connect(identity=Identity("Org1MSP", renewed), signer=private_key_signer(key),
                 transport=transport) as new:
        new.new_commit(commit_bytes).status()
    (request,) = transport.requests("commit_status")
    verify(key.public_key(), request.signature, request.request)


def test_another_identitys_request_with_its_own_signature_is_sent_as_given(alice, bob):
    (alice_gateway, _), (bob_gateway, bob_transport) = alice, bob
    commit = alice_gateway.get_network(CHANNEL).new_commit("ef" * 32)
    signature = alice_gateway._context.signing.sign(commit._signed_part().request)
    bob_gateway.new_signed_commit(commit.bytes, signature).status()
    (request,) = bob_transport.requests("commit_status")
    verify(alice_gateway.identity.certificate.public_key(), request.signature, request.request)


def test_the_async_gateway_refuses_it_too(alice):
    alice_gateway, _ = alice
    key, certificate = make_key_and_cert("bob@org1")
    fake = FakeTransport()
    commit_bytes = alice_gateway.get_network(CHANNEL).new_commit("ab" * 32).bytes

    async def main():
        async with connect_async(identity=Identity("Org1MSP", certificate), signer=private_key_signer(key),
                                 transport=AsyncFakeTransport(fake)) as bob_gateway:
            with pytest.raises(ValueError, match="new_signed_commit"):
                await bob_gateway.new_commit(commit_bytes).status()

    asyncio.run(main())
    assert fake.calls == []
