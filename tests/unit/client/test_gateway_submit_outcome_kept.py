"""A submit whose transaction may still commit says so with its transaction ID and endorsed result: a
SubmitError that may have been ordered, and a commit status request that failed before it was sent (its
signer failing)."""

import asyncio
import pickle

import grpc
import pytest

from client.gateway import (
    CommitStatusError, GatewayError, SubmitError, TransportError, connect, connect_async, private_key_signer,
)
from .gateway_fakes import AsyncFakeTransport, FakeTransport

CHANNEL = "receivables-channel"

SUBMIT_CALLS = {
    "submit_transaction": lambda contract: contract.submit_transaction("Register", "R-1"),
    "submit": lambda contract: contract.submit("Register", arguments=["R-1"]),
}


def _run(family, credentials, fake, call, signer):
    """``call`` on a contract of a gateway of ``family`` over ``fake``, signing with ``signer``."""
    key, identity = credentials
    if family == "sync":
        gateway = connect(identity=identity, signer=signer, transport=fake)
        return call(gateway.get_network(CHANNEL).get_contract("receivables"))

    async def from_async_gateway():
        connected = connect_async(identity=identity, signer=signer, transport=AsyncFakeTransport(fake))
        async with connected as gateway:
            return await call(gateway.get_network(CHANNEL).get_contract("receivables"))

    return asyncio.run(from_async_gateway())


def _failing_on(signature_number, signer):
    """``signer``, raising as a remote signing service does when it cannot be reached at its nth signature."""
    made = []

    def remote(digest):
        made.append(digest)
        if len(made) == signature_number:
            raise ConnectionError("signing service: connection reset")
        return signer(digest)

    return remote


@pytest.mark.parametrize("family", ["sync", "async"])
@pytest.mark.parametrize("call", SUBMIT_CALLS.values(), ids=SUBMIT_CALLS.keys())
def test_a_status_request_the_signer_failed_to_sign_after_the_submit_is_a_commit_status_error(
        credentials, family, call):
    fake = FakeTransport()
    fake.result = b"R-000123"
    # the proposal's signature, the transaction's, then the status request's
    signer = _failing_on(3, private_key_signer(credentials[0]))

    with pytest.raises(CommitStatusError) as caught:
        _run(family, credentials, fake, call, signer)

    error = caught.value
    assert [name for name, *_ in fake.calls] == ["endorse", "submit"]   # ordered, its status never asked
    assert error.transaction_id == fake.requests("submit")[0].transaction_id
    assert error.result == b"R-000123" and error.sent is False
    assert isinstance(error.__cause__, ConnectionError)
    assert "may still commit" in str(error) and "new_commit" in str(error)


@pytest.mark.parametrize("family", ["sync", "async"])
def test_a_signer_failing_before_the_submit_is_its_own_error_as_nothing_was_ordered(credentials, family):
    fake = FakeTransport()
    signer = _failing_on(2, private_key_signer(credentials[0]))   # the transaction's signature

    with pytest.raises(ConnectionError):
        _run(family, credentials, fake, SUBMIT_CALLS["submit_transaction"], signer)
    assert [name for name, *_ in fake.calls] == ["endorse"]


SUBMIT_ASYNC = {
    "submit_async": lambda contract: contract.submit_async("Register", arguments=["R-1"]), **SUBMIT_CALLS,
}


@pytest.mark.parametrize("family", ["sync", "async"])
@pytest.mark.parametrize("call", SUBMIT_ASYNC.values(), ids=SUBMIT_ASYNC.keys())
def test_a_submit_error_that_may_have_been_ordered_keeps_the_endorsed_result(credentials, family, call):
    fake = FakeTransport()
    fake.result = b"R-000124"   # an ID the chaincode made: the transaction may still commit with it
    fake.fail["submit"] = TransportError(grpc.StatusCode.DEADLINE_EXCEEDED, "submit timeout expired")

    with pytest.raises(SubmitError) as caught:
        _run(family, credentials, fake, call, private_key_signer(credentials[0]))

    assert caught.value.may_have_been_ordered and caught.value.result == b"R-000124"
    assert caught.value.transaction_id == fake.requests("submit")[0].transaction_id


def test_a_submit_error_from_the_transaction_itself_has_no_result_to_keep(gateway, transport):
    transport.fail["submit"] = TransportError(grpc.StatusCode.UNAVAILABLE, "no orderer")
    transaction = gateway.get_network(CHANNEL).get_contract("receivables").new_proposal("Register").endorse()
    with pytest.raises(SubmitError) as caught:
        transaction.submit()
    assert caught.value.result is None and transaction.result == b"result"


def test_a_submit_error_keeps_its_result_when_pickled():
    error = SubmitError("lost", transaction_id="ab" * 32, code=grpc.StatusCode.UNAVAILABLE)
    error.result = b"R-1"
    copied = pickle.loads(pickle.dumps(error))
    assert isinstance(copied, GatewayError) and copied.result == b"R-1"
