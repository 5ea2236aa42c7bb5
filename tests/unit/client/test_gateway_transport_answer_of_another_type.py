"""A transport of your own that answers a call with something other than its response message (the serialized
bytes, None, a message of another call) fails that call with the call's own typed error, naming the call, the
transport, the message expected and what came, where it failed later with a bare AttributeError inside the
client; nothing after the call is sent. A stream giving such a response ends with a GatewayError and is
cancelled."""

from __future__ import annotations

import asyncio

import pytest
from fabric_protos.gateway import gateway_pb2

from client.gateway import (CommitStatusError, EndorseError, EvaluateError, EventStreamError, GatewayError,
                            SubmitError, connect_async, private_key_signer)

from .conftest import CHANNEL, connected, receivables_contract
from .gateway_fakes import AsyncFakeTransport, FakeTransport, filtered_block


class AnsweringWith(FakeTransport):
    """Answers ``call`` with ``wrong(the answer it would give)``; every other call as the FakeTransport does."""

    def __init__(self, call: str, wrong):
        super().__init__()
        self._call, self._wrong = call, wrong

    def __getattribute__(self, name):
        answer = super().__getattribute__(name)
        if name in ("evaluate", "endorse", "submit", "commit_status") and name == self._call:
            return lambda request, timeout: self._wrong(answer(request, timeout))
        return answer


WRONG = {
    "serialized bytes": (lambda answer: answer.SerializeToString(), "returned bytes", "FromString(them)"),
    "None": (lambda answer: None, "returned NoneType", ""),
    "another call's message": (lambda answer: gateway_pb2.SubmitResponse()
                               if not isinstance(answer, gateway_pb2.SubmitResponse)
                               else gateway_pb2.EvaluateResponse(), "returned a gateway.", ""),
}

CALLS = {   # what the client raises for each call, and the message it expects
    "evaluate": (EvaluateError, "gateway.EvaluateResponse"),
    "endorse": (EndorseError, "gateway.EndorseResponse"),
    "submit": (SubmitError, "gateway.SubmitResponse"),
    "commit_status": (CommitStatusError, "gateway.CommitStatusResponse"),
}


def _said(error: GatewayError, call: str, said: str, hint: str) -> None:
    error_type, expected = CALLS[call]
    assert type(error) is error_type
    assert f"the transport's {call} (AnsweringWith) {said}" in error.message
    assert f"not the {expected} it must give" in error.message
    assert hint in error.message
    assert error.code is None


def _run(contract, call: str):
    if call == "evaluate":
        return contract.evaluate_transaction("Get", "R-1")
    return contract.submit_transaction("Confirm", "R-1")


@pytest.mark.parametrize("wrong, said, hint", WRONG.values(), ids=WRONG.keys())
@pytest.mark.parametrize("call", CALLS)
def test_a_blocking_call_answered_with_another_type_is_the_calls_typed_error(credentials, call, wrong, said, hint):
    transport = AnsweringWith(call, wrong)
    with connected(credentials, transport) as gateway:
        with pytest.raises(GatewayError) as raised:
            _run(receivables_contract(gateway), call)
    _said(raised.value, call, said, hint)
    called = [name for name, _, _ in transport.calls]
    assert called[-1] == call   # nothing after it: an endorsement in doubt is not submitted, nor a submit awaited
    assert raised.value.transaction_id == transport.calls[0][1].transaction_id


def test_a_submit_answered_with_another_type_may_still_commit(credentials):
    transport = AnsweringWith("submit", lambda answer: None)
    with connected(credentials, transport) as gateway:
        with pytest.raises(SubmitError) as raised:
            receivables_contract(gateway).submit_transaction("Confirm", "R-1")
    assert raised.value.may_have_been_ordered   # the transport was called: the transaction may be on its way
    assert raised.value.result == b"result"
    assert "network.new_commit(" in str(raised.value)


@pytest.mark.parametrize("call", CALLS)
def test_an_async_call_answered_with_another_type_is_the_calls_typed_error(credentials, call):
    key, identity = credentials
    fake = AnsweringWith(call, lambda answer: answer.SerializeToString())

    async def run() -> None:
        async with connect_async(identity=identity, signer=private_key_signer(key),
                                 transport=AsyncFakeTransport(fake)) as gateway:
            contract = receivables_contract(gateway)
            with pytest.raises(GatewayError) as raised:
                await (contract.evaluate_transaction("Get", "R-1") if call == "evaluate"
                       else contract.submit_transaction("Confirm", "R-1"))
        error_type, expected = CALLS[call]
        assert type(raised.value) is error_type
        assert f"the transport's {call} (AsyncFakeTransport) returned bytes, not the {expected}" in raised.value.message

    asyncio.run(run())


STREAMS = {
    "chaincode events": ("chaincode_events", "event_responses", "gateway.ChaincodeEventsResponse",
                         lambda network: network.chaincode_events("receivables", start_block=1)),
    "block events": ("deliver", "deliver_responses", "protos.DeliverResponse",
                     lambda network: network.filtered_block_events(start_block=1)),
}


@pytest.mark.parametrize("call, fed, expected, events", STREAMS.values(), ids=STREAMS.keys())
def test_a_blocking_stream_giving_another_type_ends_with_a_gateway_error(credentials, call, fed, expected, events):
    transport = FakeTransport()
    setattr(transport, fed, [b"\x08\x01", filtered_block(2)])
    with connected(credentials, transport) as gateway:
        iterator = events(gateway.get_network(CHANNEL))
        with pytest.raises(GatewayError) as raised:
            next(iterator)
    assert not isinstance(raised.value, EventStreamError)   # opened again, the same transport gives the same
    assert f"the transport's {call} stream (FakeTransport) gave bytes, not the {expected}" in raised.value.message
    (stream,) = transport.streams
    assert stream.cancelled


@pytest.mark.parametrize("call, fed, expected, events", STREAMS.values(), ids=STREAMS.keys())
def test_an_async_stream_giving_another_type_ends_with_a_gateway_error(credentials, call, fed, expected, events):
    key, identity = credentials
    fake = FakeTransport()
    setattr(fake, fed, [None])

    async def read() -> None:
        async with connect_async(identity=identity, signer=private_key_signer(key),
                                 transport=AsyncFakeTransport(fake)) as gateway:
            iterator = events(gateway.get_network(CHANNEL))
            with pytest.raises(GatewayError) as raised:
                await iterator.__anext__()
        assert not isinstance(raised.value, EventStreamError)
        assert f"stream (AsyncFakeTransport) gave NoneType, not the {expected}" in raised.value.message
        (stream,) = fake.streams
        assert stream.cancelled

    asyncio.run(read())
