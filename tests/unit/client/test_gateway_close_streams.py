"""Closing the gateway, or the caller's own channel under it: what readers and callers then get.

Over a real in-process gRPC server, mostly on channels the caller made (``grpc_channel=``): closing the
gateway leaves such a channel open, so nothing but the gateway itself can end the streams it opened.
"""

import asyncio
import re
import threading

import grpc
import pytest
from fabric_protos.common import common_pb2
from fabric_protos.peer import events_pb2

from client.gateway import (
    CommitStatusError,
    EndorseError,
    EvaluateError,
    EventStreamError,
    GatewayError,
    SubmitError,
    connect,
    connect_async,
    private_key_signer,
)
from .gateway_fakes import Servicer, events_response, start_server

CHANNEL = "receivables-channel"
STREAMS = {
    "chaincode events": lambda network: network.chaincode_events("receivables"),
    "blocks": lambda network: network.block_events(),
}


class OneEventThenQuiet(Servicer):
    """Each stream sends one event, then nothing until it ends; ``ended[stream]`` is set when the server sees
    it end (the client cancelled it), as a peer frees the stream's resources."""

    def __init__(self):
        super().__init__()
        self.ended = {name: threading.Event() for name in STREAMS}

    def _quiet_until_ended(self, stream, context):
        context.add_callback(self.ended[stream].set)
        yield
        self.ended[stream].wait(30)  # server.stop() ends it too, should the client never cancel

    def ChaincodeEvents(self, request, context):
        quiet = self._quiet_until_ended("chaincode events", context)
        next(quiet)
        yield events_response(3, "tx3")
        next(quiet, None)

    def Deliver(self, request_iterator, context):
        next(request_iterator)
        quiet = self._quiet_until_ended("blocks", context)
        next(quiet)
        yield events_pb2.DeliverResponse(block=common_pb2.Block(header=common_pb2.BlockHeader(number=8)))
        next(quiet, None)


@pytest.fixture
def served():
    servicer = OneEventThenQuiet()
    server, port = start_server(servicer)
    yield servicer, f"127.0.0.1:{port}"
    server.stop(None)


def _is_the_closed_gateway(error) -> bool:
    return type(error) is EventStreamError and error.code == grpc.StatusCode.CANCELLED and "closed" in error.message


@pytest.mark.parametrize("stream", STREAMS)
def test_closing_the_gateway_ends_a_read_in_progress_on_a_channel_the_caller_keeps(credentials, served, stream):
    servicer, address = served
    key, identity = credentials
    channel = grpc.insecure_channel(address)
    try:
        gateway = connect(grpc_channel=channel, identity=identity, signer=private_key_signer(key))
        events = STREAMS[stream](gateway.get_network(CHANNEL))
        next(events)
        outcome = []

        def read():
            try:
                outcome.append(next(events))
            except Exception as error:
                outcome.append(error)

        reader = threading.Thread(target=read, daemon=True)
        reader.start()  # waits for an event that never comes: only the cancelled stream ends its read
        gateway.close()
        reader.join(10)
        assert not reader.is_alive(), "the reader still waits on a stream the closed gateway left open"
        (error,) = outcome
        assert _is_the_closed_gateway(error), error
        assert error.message == "the gateway was closed; connect again to make calls"
        assert servicer.ended[stream].wait(10), "the peer's stream did not end"
        # the channel is still the caller's, open for a new gateway
        with connect(grpc_channel=channel, identity=identity, signer=private_key_signer(key)) as again:
            assert again.get_network(CHANNEL).get_contract("receivables").evaluate_transaction("Get") == b"42"
    finally:
        channel.close()


@pytest.mark.parametrize("stream", STREAMS)
def test_closing_the_async_gateway_ends_a_read_in_progress_on_a_channel_the_caller_keeps(credentials, served, stream):
    servicer, address = served
    key, identity = credentials

    async def main():
        channel = grpc.aio.insecure_channel(address)
        try:
            gateway = connect_async(grpc_channel=channel, identity=identity, signer=private_key_signer(key))
            events = STREAMS[stream](gateway.get_network(CHANNEL))
            await events.__anext__()
            reader = asyncio.ensure_future(events.__anext__())  # waits for an event that never comes
            await asyncio.sleep(0)  # the reader starts its read
            await gateway.close()
            with pytest.raises(GatewayError) as caught:
                await asyncio.wait_for(reader, 10)  # a TimeoutError while the stream stays open
            assert await asyncio.to_thread(servicer.ended[stream].wait, 10), "the peer's stream did not end"
            async with connect_async(grpc_channel=channel, identity=identity, signer=private_key_signer(key)) as again:
                assert await again.get_network(CHANNEL).get_contract("receivables").evaluate_transaction("Get") == b"42"
            return caught.value
        finally:
            await channel.close()

    error = asyncio.run(main())
    assert _is_the_closed_gateway(error), error


CALLS = {
    "evaluate": lambda network: network.get_contract("receivables").evaluate_transaction("Get"),
    "submit": lambda network: network.get_contract("receivables").submit_transaction("Confirm"),
    "chaincode events": STREAMS["chaincode events"],
    "blocks": STREAMS["blocks"],
}
EXPECTED = {  # the error type and whether it names the call's transaction
    "evaluate": (EvaluateError, True),
    "submit": (EndorseError, True),
    "chaincode events": (EventStreamError, False),
    "blocks": (EventStreamError, False),
}
CHANNEL_CLOSED = "the gateway's gRPC channel was closed; connect again with an open channel to make calls"


def _outcome(error):
    transaction_id = getattr(error, "transaction_id", None)
    names_transaction = bool(transaction_id and re.fullmatch(r"[0-9a-f]{64}", transaction_id))
    return type(error), names_transaction, error.code, error.message


def _expected(message):
    return {name: (kind, names, grpc.StatusCode.CANCELLED, message) for name, (kind, names) in EXPECTED.items()}


def test_a_call_after_the_caller_closed_their_channel_fails_as_after_the_gateway_closed(credentials, served):
    # gRPC would raise ValueError ("Cannot invoke RPC on closed channel!"), outside the GatewayError tree.
    servicer, address = served
    key, identity = credentials
    outcomes = {}
    for close in ("channel", "gateway"):
        channel = grpc.insecure_channel(address)
        gateway = connect(grpc_channel=channel, identity=identity, signer=private_key_signer(key))
        if close == "channel":
            channel.close()
        else:
            gateway.close()
        found = outcomes[close] = {}
        for name, call in CALLS.items():
            with pytest.raises(GatewayError) as caught:
                result = call(gateway.get_network(CHANNEL))
                if name in STREAMS:
                    next(result)
            found[name] = _outcome(caught.value)
        channel.close()
    assert outcomes["channel"] == _expected(CHANNEL_CLOSED)
    assert outcomes["gateway"] == _expected("the gateway was closed; connect again to make calls")
    assert servicer.seen == []


def test_an_async_call_after_the_caller_closed_their_channel_fails_as_after_the_gateway_closed(credentials, served):
    # grpc.aio would raise UsageError ("Channel is closed."), outside the GatewayError tree.
    servicer, address = served
    key, identity = credentials

    async def main():
        channel = grpc.aio.insecure_channel(address)
        gateway = connect_async(grpc_channel=channel, identity=identity, signer=private_key_signer(key))
        await channel.close()
        found = {}
        for name, call in CALLS.items():
            with pytest.raises(GatewayError) as caught:
                result = call(gateway.get_network(CHANNEL))
                await (result.__anext__() if name in STREAMS else result)  # a stream opens on its first read
            found[name] = _outcome(caught.value)
        return found

    assert asyncio.run(main()) == _expected(CHANNEL_CLOSED)
    assert servicer.seen == []


def _endorsed(gateway):
    return gateway.get_network(CHANNEL).get_contract("receivables").new_proposal(
        "Confirm", arguments=["R-1"], endorsing_organizations=["Org1MSP"]
    )


@pytest.mark.parametrize("close", ["gateway", "channel"])
def test_a_submit_refused_before_it_was_sent_cannot_have_been_ordered(credentials, served, close):
    # Waiting for its commit status would take the whole commit-status timeout for a transaction no peer saw.
    servicer, address = served
    key, identity = credentials
    channel = grpc.insecure_channel(address)
    gateway = connect(grpc_channel=channel, identity=identity, signer=private_key_signer(key))
    transaction = _endorsed(gateway).endorse()
    if close == "gateway":
        gateway.close()
    else:
        channel.close()
    with pytest.raises(SubmitError) as caught:
        transaction.submit()
    channel.close()
    error = caught.value
    assert error.may_have_been_ordered is False
    assert (error.code, error.transaction_id, error.sent) == (grpc.StatusCode.CANCELLED, transaction.transaction_id, False)
    assert [name for name, *_ in servicer.seen] == ["endorse"]


@pytest.mark.parametrize("close", ["gateway", "channel"])
def test_an_async_submit_refused_before_it_was_sent_cannot_have_been_ordered(credentials, served, close):
    servicer, address = served
    key, identity = credentials

    async def main():
        channel = grpc.aio.insecure_channel(address)
        gateway = connect_async(grpc_channel=channel, identity=identity, signer=private_key_signer(key))
        transaction = await _endorsed(gateway).endorse()
        await (gateway.close() if close == "gateway" else channel.close())
        with pytest.raises(SubmitError) as caught:
            await transaction.submit()
        await channel.close()
        return caught.value, transaction.transaction_id

    error, transaction_id = asyncio.run(main())
    assert error.may_have_been_ordered is False
    assert (error.code, error.transaction_id, error.sent) == (grpc.StatusCode.CANCELLED, transaction_id, False)
    assert [name for name, *_ in servicer.seen] == ["endorse"]


class HoldsOneCall(Servicer):
    """Submit or CommitStatus (``held``) answers only once released; ``arrived`` is set when that call reached
    the server, so a test can close the gateway or its channel while the client waits for the answer."""

    def __init__(self, held: str):
        super().__init__()
        self.held = held
        self.arrived = threading.Event()

    def _hold(self, call: str) -> None:
        if call == self.held:
            self.arrived.set()
            self.release.wait(30)

    def Submit(self, request, context):
        self._hold("submit")
        return super().Submit(request, context)

    def CommitStatus(self, request, context):
        self._hold("commit status")
        return super().CommitStatus(request, context)


@pytest.fixture(params=["submit", "commit status"])
def holding(request):
    servicer = HoldsOneCall(request.param)
    server, port = start_server(servicer)
    yield servicer, f"127.0.0.1:{port}"
    servicer.release.set()
    server.stop(None)


def async_gateway_closing(credentials, address: str, close: str):
    """An async gateway to ``address``, and the coroutine function that closes what ``close`` names: the
    gateway ("gateway"), or the caller's own gRPC channel the gateway was given ("channel"). Call it in the
    event loop that will use the channel."""
    key, identity = credentials
    if close == "channel":
        channel = grpc.aio.insecure_channel(address)
        gateway = connect_async(grpc_channel=channel, identity=identity, signer=private_key_signer(key))
        return gateway, channel.close
    gateway = connect_async(address, identity=identity, signer=private_key_signer(key), insecure=True)
    return gateway, gateway.close


async def _start_held_call(gateway, held: str):
    """The held call, started in a task of its own; the transaction ID it belongs to."""
    transaction = await _endorsed(gateway).endorse()
    if held == "submit":
        return asyncio.ensure_future(transaction.submit()), transaction.transaction_id
    commit = await transaction.submit()
    return asyncio.ensure_future(commit.status()), commit.transaction_id


@pytest.mark.parametrize("close", ["gateway", "channel"])
def test_an_async_call_in_flight_when_the_gateway_or_its_channel_closes_fails_as_in_the_sync_family(
    credentials, holding, close
):
    # grpc.aio raised a bare CancelledError, which `except GatewayError` missed and a TaskGroup took for a
    # cancellation; a submit lost its transaction ID, the one way back to a transaction that may be ordered.
    servicer, address = holding

    async def main():
        gateway, close_it = async_gateway_closing(credentials, address, close)
        waiting, transaction_id = await _start_held_call(gateway, servicer.held)
        assert await asyncio.to_thread(servicer.arrived.wait, 10), "the held call never reached the server"
        await close_it()
        with pytest.raises(GatewayError) as caught:
            await waiting
        return caught.value, transaction_id

    error, transaction_id = asyncio.run(main())
    expected_type = SubmitError if servicer.held == "submit" else CommitStatusError
    message = "the gateway was closed; connect again to make calls" if close == "gateway" else CHANNEL_CLOSED
    assert (type(error), error.code, error.message, error.transaction_id) == (
        expected_type, grpc.StatusCode.CANCELLED, message, transaction_id
    )
    assert error.sent  # it reached the peer: a submit may have been ordered
    if expected_type is SubmitError:
        assert error.may_have_been_ordered


def gateway_closing(credentials, address: str, close: str):
    """A gateway to ``address``, the function that closes what ``close`` names (the gateway, which opened its
    channel, or the caller's own channel given to it), and what to close after the test."""
    key, identity = credentials
    if close == "channel":
        channel = grpc.insecure_channel(address)
        return connect(grpc_channel=channel, identity=identity, signer=private_key_signer(key)), channel.close
    gateway = connect(address, identity=identity, signer=private_key_signer(key), insecure=True)
    return gateway, gateway.close


@pytest.mark.parametrize("close", ["gateway", "channel"])
def test_a_call_in_flight_when_the_gateway_or_its_channel_closes_says_which_closed(credentials, holding, close):
    # The sync family said gRPC's "Channel closed!", where the async one and every call after the close say
    # which closed and to connect again: a submit waiting for its commit status in another thread is the case.
    servicer, address = holding
    gateway, close_it = gateway_closing(credentials, address, close)
    transaction = _endorsed(gateway).endorse()
    outcome = []

    def held_call():
        try:
            commit = transaction.submit()
            commit.status()
        except GatewayError as error:
            outcome.append(error)

    waiting = threading.Thread(target=held_call, daemon=True)
    waiting.start()
    assert servicer.arrived.wait(10), "the held call never reached the server"
    close_it()
    waiting.join(10)
    assert not waiting.is_alive(), "the call still waits on a closed channel"
    gateway.close()
    (error,) = outcome
    expected_type = SubmitError if servicer.held == "submit" else CommitStatusError
    message = "the gateway was closed; connect again to make calls" if close == "gateway" else CHANNEL_CLOSED
    assert (type(error), error.code, error.message, error.transaction_id, error.sent) == (
        expected_type, grpc.StatusCode.CANCELLED, message, transaction.transaction_id, True
    )


def test_a_read_cut_by_the_close_of_the_callers_channel_says_so(credentials, served):
    # gRPC said "Stream removed (Channel closed!)"; the async family names the gateway's channel.
    servicer, address = served
    gateway, close_channel = gateway_closing(credentials, address, "channel")
    events = gateway.get_network(CHANNEL).chaincode_events("receivables")
    next(events)
    outcome = []

    def read():
        try:
            outcome.append(next(events))
        except GatewayError as error:
            outcome.append(error)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()  # waits for an event that never comes: only the closed channel ends its read
    close_channel()
    reader.join(10)
    assert not reader.is_alive(), "the reader still waits on a closed channel"
    gateway.close()
    (error,) = outcome
    assert (type(error), error.code, error.message) == (EventStreamError, grpc.StatusCode.CANCELLED, CHANNEL_CLOSED)


def test_cancelling_the_callers_own_task_during_an_async_call_still_cancels_it(credentials, holding):
    servicer, address = holding
    key, identity = credentials

    async def main():
        async with connect_async(address, identity=identity, signer=private_key_signer(key), insecure=True) as gateway:
            waiting, _ = await _start_held_call(gateway, servicer.held)
            assert await asyncio.to_thread(servicer.arrived.wait, 10), "the held call never reached the server"
            waiting.cancel()
            with pytest.raises(asyncio.CancelledError):
                await waiting
            return waiting.cancelled()

    assert asyncio.run(main())
