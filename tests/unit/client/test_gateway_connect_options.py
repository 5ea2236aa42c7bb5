"""connect() options that only shape the channel the client opens: refused beside a channel or transport of the
caller's, which would silently leave them unused (TLS roots beside a plaintext channel, metadata never sent), or
beside insecure=True. A channel or transport of the other family is refused too, before anything is sent."""

import asyncio
import functools
import gc
import inspect
import warnings
from unittest.mock import MagicMock

import grpc
import pytest

from client.gateway import (
    AsyncGatewayTransport,
    AsyncGrpcTransport,
    GatewayTransport,
    EvaluateError,
    GrpcTransport,
    connect,
    connect_async,
    private_key_signer,
)
from .gateway_fakes import (
    AsyncFakeTransport, FakeTransport, events_response, filtered_block, key_pem, make_key_and_cert,
)

CHANNEL = "receivables-channel"
CHANNEL_OPTIONS = {
    "tls_root_certificates": b"-----BEGIN CERTIFICATE-----",
    "client_key": b"-----BEGIN PRIVATE KEY-----",
    "server_name_override": "peer0.org1.example.com",
    "insecure": True,
    "grpc_options": [("grpc.max_receive_message_length", 1)],
}
TRANSPORT_OPTIONS = {**CHANNEL_OPTIONS, "metadata": [("x-recfin-caller", "unit-test")]}


def _connect_sync(source, options):
    """connect() with ``source`` ("grpc_channel" or "transport") of the caller's and ``options``."""
    with grpc.insecure_channel("127.0.0.1:1") as channel:  # never dialled: connect() refuses first
        given = {"grpc_channel": channel} if source == "grpc_channel" else {"transport": FakeTransport()}
        return connect(**given, **options)


def _connect_async(source, options):
    async def main():
        async with grpc.aio.insecure_channel("127.0.0.1:1") as channel:
            given = {"grpc_channel": channel} if source == "grpc_channel" else {"transport": AsyncFakeTransport(FakeTransport())}
            return connect_async(**given, **options)

    return asyncio.run(main())


FAMILIES = pytest.mark.parametrize("connect_with", [_connect_sync, _connect_async], ids=["sync", "async"])


@FAMILIES
@pytest.mark.parametrize(
    "source, option",
    [("grpc_channel", name) for name in CHANNEL_OPTIONS] + [("transport", name) for name in TRANSPORT_OPTIONS],
)
def test_an_option_that_has_no_effect_with_a_channel_or_transport_of_the_callers_is_refused(
    credentials, connect_with, source, option
):
    key, identity = credentials
    _, client_certificate = make_key_and_cert("client")
    options = {"identity": identity, "signer": private_key_signer(key), option: TRANSPORT_OPTIONS[option],
               "client_certificate": client_certificate}  # used with either: not named
    if source == "grpc_channel":
        options.setdefault("metadata", [("x-recfin-caller", "unit-test")])  # sent over the caller's channel: not named
    where = "when you make the channel" if source == "grpc_channel" else "in your transport"
    with pytest.raises(ValueError) as caught:
        connect_with(source, options)
    assert str(caught.value).startswith(f"{option} has no effect with {source}: ")
    assert f"Set it {where}" in str(caught.value)
    assert str(caught.value).endswith(f"or give target instead of {source}")


@FAMILIES
def test_every_option_without_effect_is_named_at_once(credentials, connect_with):
    key, identity = credentials
    options = {"identity": identity, "signer": private_key_signer(key), "insecure": True,
               "tls_root_certificates": b"roots", "grpc_options": [("grpc.enable_retries", 0)]}
    with pytest.raises(ValueError, match=r"^tls_root_certificates, insecure, grpc_options have no effect with "
                                         r"grpc_channel: .* Set them when you make the channel"):
        connect_with("grpc_channel", options)


@FAMILIES
@pytest.mark.parametrize("source", ["grpc_channel", "transport"])
def test_the_client_certificate_may_still_be_given_for_its_hash_in_block_event_requests(credentials, connect_with, source):
    key, identity = credentials
    _, client_certificate = make_key_and_cert("client")
    gateway = connect_with(source, {"identity": identity, "signer": private_key_signer(key),
                                    "client_certificate": client_certificate})
    assert gateway.get_network(CHANNEL).name == CHANNEL


NEVER_DIALLED = "127.0.0.1:1"


async def _close(channel_or_transport) -> None:
    closed = channel_or_transport.close()
    if inspect.isawaitable(closed):
        await closed


def _traced(call):
    """A sync decorator that keeps the call's identity (functools.wraps), as timing and tracing ones do."""

    @functools.wraps(call)
    def traced(*args, **kwargs):
        return call(*args, **kwargs)

    return traced


class TracedAsyncTransport:
    """An async transport whose ``async def`` calls go through a sync decorator."""

    def __init__(self, inner):
        self._inner = inner

    @_traced
    async def evaluate(self, request, timeout):
        return await self._inner.evaluate(request, timeout)

    @_traced
    async def endorse(self, request, timeout):
        return await self._inner.endorse(request, timeout)

    @_traced
    async def submit(self, request, timeout):
        return await self._inner.submit(request, timeout)

    @_traced
    async def commit_status(self, request, timeout):
        return await self._inner.commit_status(request, timeout)

    def chaincode_events(self, request):
        return self._inner.chaincode_events(request)

    def deliver(self, envelope, kind):
        return self._inner.deliver(envelope, kind)

    @_traced
    async def close(self):
        await self._inner.close()


class ForwardingTransport:
    """A transport whose plain methods forward each call, returning what the inner transport returns
    (a coroutine when the inner one is async): only calling it would tell its family."""

    def __init__(self, inner):
        self._inner = inner

    def evaluate(self, request, timeout):
        return self._inner.evaluate(request, timeout)

    def endorse(self, request, timeout):
        return self._inner.endorse(request, timeout)

    def submit(self, request, timeout):
        return self._inner.submit(request, timeout)

    def commit_status(self, request, timeout):
        return self._inner.commit_status(request, timeout)

    def chaincode_events(self, request):
        return self._inner.chaincode_events(request)

    def deliver(self, envelope, kind):
        return self._inner.deliver(envelope, kind)

    def close(self):
        return self._inner.close()


class DeclaredAsyncTransport(ForwardingTransport, AsyncGatewayTransport):
    """A forwarding transport that says it is async by its base."""


class DeclaredSyncTransport(ForwardingTransport, GatewayTransport):
    """A forwarding transport that says it is sync by its base."""


def _aio_grpc_transport():
    return AsyncGrpcTransport(grpc.aio.insecure_channel(NEVER_DIALLED))


def _async_fake():
    return AsyncFakeTransport(FakeTransport())


def _blocking_adapter(call):
    """A sync decorator that runs an ``async def`` to completion (as a hand-written ``asyncio.run`` wrapper
    does), keeping its identity with functools.wraps: the result is a plain sync call."""

    @functools.wraps(call)
    def run_to_completion(*args, **kwargs):
        return asyncio.run(call(*args, **kwargs))

    return run_to_completion


class BlockingAdapterTransport(ForwardingTransport):
    """A sync transport whose calls are ``async def`` implementations run to completion by a sync decorator."""

    @_blocking_adapter
    async def evaluate(self, request, timeout):
        return self._inner.evaluate(request, timeout)

    @_blocking_adapter
    async def endorse(self, request, timeout):
        return self._inner.endorse(request, timeout)

    @_blocking_adapter
    async def submit(self, request, timeout):
        return self._inner.submit(request, timeout)

    @_blocking_adapter
    async def commit_status(self, request, timeout):
        return self._inner.commit_status(request, timeout)


async def _settled(call):
    """What ``call()`` returns, awaited when it is awaitable: one line for a sync or an async gateway's call."""
    returned = call()
    return await returned if inspect.isawaitable(returned) else returned


async def _first_event(events):
    """The first event of a sync or an async event iterator: the async client opens its stream at this first read."""
    return await events.__anext__() if hasattr(events, "__anext__") else next(events)


# Each case: connect function, what is given, how to make it around an in-memory peer, the connect that takes it.
REFUSED_AT_CONNECT = [
    (connect, "grpc_channel", lambda fake: grpc.aio.insecure_channel(NEVER_DIALLED), "connect_async"),
    (connect, "transport", lambda fake: AsyncFakeTransport(fake), "connect_async"),
    (connect, "transport", lambda fake: _aio_grpc_transport(), "connect_async"),
    (connect, "transport", lambda fake: DeclaredAsyncTransport(AsyncFakeTransport(fake)), "connect_async"),
    (connect_async, "grpc_channel", lambda fake: grpc.insecure_channel(NEVER_DIALLED), "connect"),
    (connect_async, "transport", lambda fake: DeclaredSyncTransport(fake), "connect"),
    (connect_async, "transport", lambda fake: GrpcTransport(grpc.insecure_channel(NEVER_DIALLED)), "connect"),
]  # fmt: skip
REFUSED_AT_CONNECT_IDS = [
    "aio channel to connect", "async def transport to connect", "AsyncGrpcTransport to connect",
    "AsyncGatewayTransport subclass to connect", "sync channel to connect_async",
    "GatewayTransport subclass to connect_async", "GrpcTransport to connect_async",
]  # fmt: skip

# Transports whose calls are plain methods: nothing tells their family before they answer.
REFUSED_AT_FIRST_CALL = [
    (connect_async, "transport", lambda fake: fake, "connect"),
    (connect_async, "transport", lambda fake: ForwardingTransport(fake), "connect"),
    (connect, "transport", lambda fake: TracedAsyncTransport(AsyncFakeTransport(fake)), "connect_async"),
    (connect, "transport", lambda fake: ForwardingTransport(AsyncFakeTransport(fake)), "connect_async"),
]  # fmt: skip
REFUSED_AT_FIRST_CALL_IDS = [
    "FakeTransport to connect_async", "plain methods forwarding to a sync transport to connect_async",
    "decorated async def transport to connect", "plain methods forwarding to async def calls to connect",
]  # fmt: skip

# Each first call: what it makes through the gateway's Network, and the transport call it opens with.
FIRST_CALLS = {
    "submit_transaction": (lambda network: network.get_contract("receivables").submit_transaction("Confirm", "R-1"),
                           "endorse"),
    "chaincode_events": (lambda network: network.chaincode_events("receivables"), "chaincode_events"),
    "block_events": (lambda network: network.block_events(), "deliver"),
    "filtered_block_events": (lambda network: network.filtered_block_events(), "deliver"),
    "wait_for_block": (lambda network: network.wait_for_block(1), "deliver"),
}  # fmt: skip


@pytest.mark.parametrize("connect_with, source, make, right", REFUSED_AT_CONNECT, ids=REFUSED_AT_CONNECT_IDS)
def test_a_channel_or_transport_of_the_other_family_is_refused_naming_the_connect_that_takes_it(
    credentials, connect_with, source, make, right
):
    key, identity = credentials
    fake = FakeTransport()

    async def main():  # in an event loop, where connect_async is called and a grpc.aio channel made
        given = make(fake)
        try:
            with pytest.raises(ValueError) as caught:
                connect_with(identity=identity, signer=private_key_signer(key), **{source: given})
        finally:
            await _close(given)
        return caught.value

    message = str(asyncio.run(main()))
    assert message.startswith(f"{source}") and f"which {connect_with.__name__}() cannot use: " in message
    assert f"give it to {right}()" in message
    assert fake.calls == []


@pytest.mark.parametrize("first_call", FIRST_CALLS)
@pytest.mark.parametrize("connect_with, source, make, right", REFUSED_AT_FIRST_CALL, ids=REFUSED_AT_FIRST_CALL_IDS)
def test_a_transport_of_the_other_family_that_connect_cannot_tell_fails_clearly_at_its_first_call(
    credentials, connect_with, source, make, right, first_call
):
    key, identity = credentials
    fake = FakeTransport()
    call, opening = FIRST_CALLS[first_call]

    async def main():
        gateway = connect_with(identity=identity, signer=private_key_signer(key), transport=make(fake))
        network = gateway.get_network(CHANNEL)
        with pytest.raises(ValueError) as caught:
            returned = await _settled(lambda: call(network))
            await _first_event(returned)  # reached only by the async client's event iterators
        if connect_with is connect_async and opening != "endorse" and first_call != "wait_for_block":
            with pytest.raises(ValueError, match=r"connect_async\(\) cannot use\. "):
                await _first_event(returned)  # a later read says so again, without opening another stream
        if connect_with is connect_async:
            await gateway.close()  # a sync close has already run: nothing to await, and no TypeError
        else:
            with pytest.raises(ValueError, match=r"connect\(\) cannot use\. .* Give the transport to connect_async\(\)"):
                gateway.close()  # the async close is not run: say so rather than leave the channel open unsaid
        return caught.value

    with warnings.catch_warnings(record=True) as warned:
        warnings.simplefilter("always")
        message = str(asyncio.run(main()))
        gc.collect()
    assert f"which {connect_with.__name__}() cannot use. " in message and f"Give the transport to {right}()" in message
    if connect_with is connect_async:
        # A sync transport makes its first call in place before returning it: a submit never gets past the
        # endorsement, and a stream it opened is cancelled unread.
        assert "That call has already been made" in message
        assert [name for name, *_ in fake.calls] == [opening] and fake.closed
    elif opening == "endorse":
        # The async call was closed as a coroutine, never run: nothing reached the peer.
        assert "closed without being run, so nothing was sent" in message
        assert fake.calls == []
    else:
        # An async transport opens its stream when asked; the sync client cancels it unread.
        assert "The stream was cancelled unread" in message
        assert [name for name, *_ in fake.calls] == [opening]
    assert [stream.cancelled for stream in fake.streams] == ([] if opening == "endorse" else [True])
    assert not [w for w in warned if "never awaited" in str(w.message)]


def test_a_mock_given_to_connect_async_fails_at_its_first_call_with_the_error_async_with_does_not_hide(credentials):
    key, identity = credentials
    transport = MagicMock()

    async def main():
        async with connect_async(identity=identity, signer=private_key_signer(key), transport=transport) as gateway:
            await gateway.get_network(CHANNEL).get_contract("receivables").evaluate_transaction("Get", "R-1")

    with pytest.raises(ValueError, match=r"^the transport returned MagicMock, not an awaitable: .* Give the transport "
                                         r"to connect\(\)"):
        asyncio.run(main())
    assert transport.evaluate.call_count == 1 and transport.close.call_count == 1
    assert transport.submit.call_count == 0 and transport.endorse.call_count == 0


@pytest.mark.parametrize(
    "connect_with, source, make, right",
    REFUSED_AT_CONNECT + REFUSED_AT_FIRST_CALL,
    ids=REFUSED_AT_CONNECT_IDS + REFUSED_AT_FIRST_CALL_IDS,
)
def test_the_connect_a_refusal_names_takes_what_was_refused(credentials, connect_with, source, make, right):
    key, identity = credentials
    named = {"connect": connect, "connect_async": connect_async}[right]
    fake = FakeTransport()

    async def main():
        given = make(fake)
        try:
            gateway = named(identity=identity, signer=private_key_signer(key), **{source: given})
            contract = gateway.get_network(CHANNEL).get_contract("receivables")
            try:
                return await _settled(lambda: contract.evaluate_transaction("Get", "R-1"))
            except EvaluateError as error:  # a gRPC channel to a port nobody listens on: the call went out
                return error
        finally:
            await _close(given)

    answer = asyncio.run(main())
    if fake.calls:
        assert answer == fake.result and [name for name, *_ in fake.calls] == ["evaluate"]
    else:  # a gRPC channel or transport, never dialled: gRPC itself answered, so the client of its family sent it
        assert isinstance(answer, EvaluateError) and answer.code == grpc.StatusCode.UNAVAILABLE, answer


def test_a_sync_transport_whose_calls_run_async_def_to_completion_is_taken_by_connect_and_serves_it(credentials):
    key, identity = credentials
    fake = FakeTransport()
    fake.event_responses = [events_response(7, "tx-1")]
    fake.deliver_responses = [filtered_block(7)]
    with connect(identity=identity, signer=private_key_signer(key), transport=BlockingAdapterTransport(fake)) as gateway:
        network = gateway.get_network(CHANNEL)
        result = network.get_contract("receivables").submit_transaction("Confirm", "R-1")
        with network.chaincode_events("receivables") as events:
            event = next(events)
        block = network.wait_for_block(7)
    assert result == b"result" and event.transaction_id == "tx-1" and block == 7
    assert [name for name, *_ in fake.calls] == ["endorse", "submit", "commit_status", "chaincode_events", "deliver"]
    assert fake.closed


@pytest.mark.parametrize(
    "connect_with, make",
    [
        (connect, lambda: GrpcTransport(grpc.insecure_channel(NEVER_DIALLED))),
        (connect, lambda: ForwardingTransport(FakeTransport())),
        (connect_async, _aio_grpc_transport),
        (connect_async, _async_fake),
        (connect_async, lambda: TracedAsyncTransport(_async_fake())),
        (connect_async, lambda: ForwardingTransport(_async_fake())),
        (connect_async, lambda: ForwardingTransport(_aio_grpc_transport())),
        (connect_async, lambda: DeclaredAsyncTransport(_async_fake())),
    ],
    ids=["GrpcTransport to connect", "plain forwarding transport to connect", "AsyncGrpcTransport to connect_async",
         "async def calls to connect_async", "decorated async def calls to connect_async",
         "plain methods forwarding to async def calls to connect_async",
         "plain methods forwarding to AsyncGrpcTransport to connect_async",
         "AsyncGatewayTransport subclass to connect_async"],
)  # fmt: skip
def test_a_transport_of_the_clients_own_family_is_taken(credentials, connect_with, make):
    key, identity = credentials

    async def main():
        given = make()
        gateway = connect_with(identity=identity, signer=private_key_signer(key), transport=given)
        await _close(given)
        return gateway

    assert asyncio.run(main()).get_network(CHANNEL).name == CHANNEL


@pytest.mark.parametrize("connect_with", [connect, connect_async])
@pytest.mark.parametrize("tls_option", ["client_key", "server_name_override"])
def test_insecure_beside_a_tls_option_is_refused_as_it_would_have_no_effect(credentials, connect_with, tls_option):
    key, identity = credentials
    given = {"client_key": key_pem(key), "server_name_override": "peer0.org1.example.com"}[tls_option]

    async def main():
        connect_with(NEVER_DIALLED, identity=identity, insecure=True, **{tls_option: given})

    with pytest.raises(ValueError, match=r"^insecure=True cannot be combined with TLS certificates, a client key or "
                                         r"a TLS server name: leave out tls_root_certificates, client_certificate, "
                                         r"client_key and server_name_override, or leave out insecure to use TLS$"):
        asyncio.run(main())


@pytest.mark.parametrize("wrap", [TracedAsyncTransport, ForwardingTransport], ids=["decorated", "forwarding"])
def test_an_async_transport_behind_a_wrapper_serves_the_async_client(credentials, wrap):
    key, identity = credentials
    fake = FakeTransport()
    fake.event_responses = [events_response(7, "tx-1")]
    fake.deliver_responses = [filtered_block(7)]

    async def main():
        async with connect_async(identity=identity, signer=private_key_signer(key), transport=wrap(AsyncFakeTransport(fake))) as gateway:
            network = gateway.get_network(CHANNEL)
            result = await network.get_contract("receivables").submit_transaction("Confirm", "R-1")
            async with network.chaincode_events("receivables") as events:
                event = await _first_event(events)
            return result, event, await network.wait_for_block(7)

    result, event, block = asyncio.run(main())
    assert result == b"result" and event.transaction_id == "tx-1" and block == 7
    assert [name for name, *_ in fake.calls] == ["endorse", "submit", "commit_status", "chaincode_events", "deliver"]
    assert fake.closed


def test_a_stream_that_reads_both_ways_serves_the_async_client(credentials):
    """A stream with both __next__ and __anext__ (a MagicMock set up as an async stream) is of neither family for
    certain, so connect_async() reads it as the async stream its transport says it is."""
    key, identity = credentials

    class MockStreamTransport(AsyncFakeTransport):
        def chaincode_events(self, request):
            self.stream = MagicMock()
            self.stream.__anext__.side_effect = [events_response(7, "tx-1"), StopAsyncIteration()]
            return self.stream

    transport = MockStreamTransport(FakeTransport())

    async def main():
        async with connect_async(identity=identity, signer=private_key_signer(key), transport=transport) as gateway:
            async with gateway.get_network(CHANNEL).chaincode_events("receivables") as events:
                return await _first_event(events)

    assert asyncio.run(main()).transaction_id == "tx-1"
