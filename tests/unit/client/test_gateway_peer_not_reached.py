"""A submit to a Gateway peer this client could not connect to (nothing listening, a TLS handshake refused) failed
with gRPC's UNAVAILABLE "failed to connect to all addresses", which gRPC gives a call before it goes to any
connection; yet the SubmitError said "may still commit: ask its status" (``may_have_been_ordered`` True, ``sent``
True), so a caller asked a commit status of a peer it cannot reach, and a command line said the change may have
committed. Such a call is now marked not sent: nothing was ordered, and the message stays gRPC's."""

from __future__ import annotations

import asyncio

import grpc
import pytest

from client.gateway import CommitStatusError, SubmitError, connect, connect_async, private_key_signer

from .gateway_fakes import Servicer, start_server

CHANNEL = "receivables-channel"


@pytest.fixture
def endorsed(credentials):
    """The bytes of a transaction endorsed by a peer that has stopped since, and that peer's address."""
    key, identity = credentials
    server, port = start_server(Servicer())
    address = f"127.0.0.1:{port}"
    with connect(address, identity=identity, signer=private_key_signer(key), insecure=True) as gateway:
        transaction = gateway.get_network(CHANNEL).get_contract("receivables").new_proposal(
            "Confirm", arguments=["R-1"], endorsing_organizations=["Org1MSP"]).endorse()
    server.stop(None).wait()
    return transaction.bytes, address


def assert_not_sent(error):
    assert error.code == grpc.StatusCode.UNAVAILABLE
    assert "failed to connect to all addresses" in error.message, error.message
    assert error.sent is False


def test_a_submit_to_a_peer_not_reached_was_not_ordered(credentials, endorsed):
    key, identity = credentials
    transaction_bytes, address = endorsed
    with connect(address, identity=identity, signer=private_key_signer(key), insecure=True) as gateway:
        with pytest.raises(SubmitError) as raised:
            gateway.new_transaction(transaction_bytes).submit()
    assert_not_sent(raised.value)
    assert raised.value.may_have_been_ordered is False
    assert "may still commit" not in str(raised.value)


def test_an_async_submit_to_a_peer_not_reached_was_not_ordered(credentials, endorsed):
    key, identity = credentials
    transaction_bytes, address = endorsed

    async def main():
        async with connect_async(address, identity=identity, signer=private_key_signer(key),
                                 insecure=True) as gateway:
            await gateway.new_transaction(transaction_bytes).submit()

    with pytest.raises(SubmitError) as raised:
        asyncio.run(main())
    assert_not_sent(raised.value)
    assert raised.value.may_have_been_ordered is False


def test_a_commit_status_of_a_peer_not_reached_still_may_commit(credentials, endorsed):
    key, identity = credentials
    _, address = endorsed
    with connect(address, identity=identity, signer=private_key_signer(key), insecure=True) as gateway:
        with pytest.raises(CommitStatusError) as raised:
            gateway.get_network(CHANNEL).new_commit("a" * 64).status()
    assert_not_sent(raised.value)
    assert "may still commit" in str(raised.value)   # the transaction's fate is as unknown as before the ask
