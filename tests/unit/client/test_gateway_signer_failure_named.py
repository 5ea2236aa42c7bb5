"""A signer (or hash) that raises: its own exception reaches the caller as it is, its type kept (a caller catches
an HSMError, a signing service's TimeoutError), with a note naming the signer and saying the request it was to
sign was not sent. It came with neither, so a failure on the transaction after its endorsement left the caller
to wonder whether anything had gone to the orderer."""

import asyncio

import pytest

from client.gateway import connect, connect_async, private_key_signer
from .gateway_fakes import AsyncFakeTransport, FakeTransport

CHANNEL = "receivables-channel"
NOT_SENT = "the request was not sent (nothing of it reached a peer or an orderer)"


class SigningServiceDown(Exception):
    """What a signing service's client raises."""


def _notes(error) -> list[str]:
    return getattr(error, "__notes__", [])


def test_a_signer_that_raises_is_named_in_a_note_and_its_exception_kept(credentials):
    _, identity = credentials
    transport = FakeTransport()

    def signing_service(digest):
        raise SigningServiceDown("503 from kms.example.com")

    gateway = connect(identity=identity, signer=signing_service, transport=transport)
    with pytest.raises(SigningServiceDown) as failed:
        gateway.get_network(CHANNEL).get_contract("receivables").evaluate_transaction("Read", "R-1")
    assert str(failed.value) == "503 from kms.example.com"   # its message as it was; the note is beside it
    assert _notes(failed.value) == [
        "raised by the signer test_a_signer_that_raises_is_named_in_a_note_and_its_exception_kept.<locals>."
        f"signing_service while signing a request: {NOT_SENT}"]
    assert transport.calls == []


def test_a_signer_failing_on_the_endorsed_transaction_says_it_was_not_sent(credentials):
    key, identity = credentials
    transport = FakeTransport()
    sign = private_key_signer(key)
    signed = []

    def signer_failing_second(digest):
        signed.append(digest)
        if len(signed) == 2:
            raise SigningServiceDown("token removed")
        return sign(digest)

    gateway = connect(identity=identity, signer=signer_failing_second, transport=transport)
    with pytest.raises(SigningServiceDown) as failed:
        gateway.get_network(CHANNEL).get_contract("receivables").submit_transaction("Confirm", "R-1")
    assert any(NOT_SENT in note and "signer_failing_second" in note for note in _notes(failed.value))
    assert [name for name, *_ in transport.calls] == ["endorse"]   # the transaction never went to be ordered


def test_one_exception_raised_again_is_noted_once(credentials):
    _, identity = credentials
    down = SigningServiceDown("circuit open")

    def circuit_breaker(digest):
        raise down

    contract = connect(identity=identity, signer=circuit_breaker, transport=FakeTransport()).get_network(
        CHANNEL).get_contract("receivables")
    for _ in range(2):
        with pytest.raises(SigningServiceDown):
            contract.evaluate_transaction("Read", "R-1")
    assert len(_notes(down)) == 1


def test_a_hash_that_raises_is_named_alike(credentials):
    key, identity = credentials
    transport = FakeTransport()

    def broken_hash(message):
        raise ZeroDivisionError("division by zero")

    gateway = connect(identity=identity, signer=private_key_signer(key), hash=broken_hash, transport=transport)
    with pytest.raises(ZeroDivisionError) as failed:
        gateway.get_network(CHANNEL).get_contract("receivables").evaluate_transaction("Read", "R-1")
    assert _notes(failed.value) == [
        f"raised by the hash test_a_hash_that_raises_is_named_alike.<locals>.broken_hash while signing a request: "
        f"{NOT_SENT}"]
    assert transport.calls == []


def test_the_async_client_notes_it_too(credentials):
    _, identity = credentials
    transport = FakeTransport()

    def signing_service(digest):
        raise SigningServiceDown("503")

    async def main():
        async with connect_async(identity=identity, signer=signing_service,
                                 transport=AsyncFakeTransport(transport)) as gateway:
            await gateway.get_network(CHANNEL).get_contract("receivables").evaluate_transaction("Read", "R-1")

    with pytest.raises(SigningServiceDown) as failed:
        asyncio.run(main())
    assert any("signing_service" in note and NOT_SENT in note for note in _notes(failed.value))
    assert transport.calls == []
