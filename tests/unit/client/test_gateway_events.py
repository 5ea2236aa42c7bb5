"""Chaincode events, block events and checkpointers."""

import asyncio
import hashlib
import re
import sys
import threading
import time

import grpc
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from fabric_protos.common import common_pb2
from fabric_protos.gateway import gateway_pb2
from fabric_protos.orderer import ab_pb2
from fabric_protos.peer import events_pb2

from client.gateway import (
    ChaincodeEvent,
    EventStreamError,
    FileCheckpointer,
    GatewayError,
    InMemoryCheckpointer,
    TransportError,
    connect,
    connect_async,
    private_key_signer,
)
from .gateway_fakes import (
    CANCELLED,
    HANG,
    AsyncFakeTransport,
    FakeTransport,
    events_response,
    make_key_and_cert,
    verify,
)

CHANNEL = "receivables-channel"


def sent_events_request(transport):
    (signed,) = transport.requests("chaincode_events")
    return signed, gateway_pb2.ChaincodeEventsRequest.FromString(signed.request)


def test_chaincode_events_default_to_next_commit_and_are_signed(gateway, transport, credentials):
    key, identity = credentials
    transport.event_responses = [events_response(5, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa2"), events_response(6, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa3")]
    events = list(gateway.get_network(CHANNEL).chaincode_events("receivables"))
    assert events == [
        ChaincodeEvent(5, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1", "receivables", "Confirmed", b"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1"),
        ChaincodeEvent(5, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa2", "receivables", "Confirmed", b"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa2"),
        ChaincodeEvent(6, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa3", "receivables", "Confirmed", b"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa3"),
    ]
    signed, request = sent_events_request(transport)
    assert request.channel_id == CHANNEL and request.chaincode_id == "receivables"
    assert request.identity == identity.serialize()
    assert request.start_position.WhichOneof("Type") == "next_commit"
    assert request.after_transaction_id == ""
    verify(key.public_key(), signed.signature, signed.request)


def test_chaincode_events_from_start_block(gateway, transport):
    gateway.get_network(CHANNEL).chaincode_events("receivables", start_block=12)
    _, request = sent_events_request(transport)
    assert request.start_position.specified.number == 12


def test_checkpoint_wins_over_start_block_and_skips_handled_transactions(gateway, transport):
    checkpointer = InMemoryCheckpointer()
    checkpointer.checkpoint_chaincode_event(ChaincodeEvent(9, "74782d6200000000000000000000000000000000000000000000000000000000", "receivables", "Confirmed", b""))
    gateway.get_network(CHANNEL).chaincode_events("receivables", start_block=1, checkpoint=checkpointer)
    _, request = sent_events_request(transport)
    assert request.start_position.specified.number == 9
    assert request.after_transaction_id == "74782d6200000000000000000000000000000000000000000000000000000000"


def test_empty_checkpoint_uses_start_block(gateway, transport):
    gateway.get_network(CHANNEL).chaincode_events("receivables", start_block=3, checkpoint=InMemoryCheckpointer())
    _, request = sent_events_request(transport)
    assert request.start_position.specified.number == 3 and request.after_transaction_id == ""


def test_checkpoint_file_written_before_any_event_by_the_official_clients_is_empty(tmp_path, gateway, transport):
    # fabric-gateway's Go FileCheckpointer saves its zero state when created; its WithCheckpoint
    # treats block 0 with no transaction as no checkpoint, so resuming must not replay from genesis.
    path = tmp_path / "checkpoint.json"
    path.write_text('{"blockNumber":0,"transactionId":""}')
    network = gateway.get_network(CHANNEL)
    network.chaincode_events("receivables", checkpoint=FileCheckpointer(path))
    network.chaincode_events("receivables", start_block=7, checkpoint=FileCheckpointer(path))
    network.block_events(checkpoint=FileCheckpointer(path))
    first, second = [gateway_pb2.ChaincodeEventsRequest.FromString(s.request) for s in transport.requests("chaincode_events")]
    assert first.start_position.WhichOneof("Type") == "next_commit" and first.after_transaction_id == ""
    assert second.start_position.specified.number == 7
    ((envelope, _),) = transport.requests("deliver")
    seek = ab_pb2.SeekInfo.FromString(common_pb2.Payload.FromString(envelope.payload).data)
    assert seek.start.WhichOneof("Type") == "next_commit"


def test_checkpoint_file_of_the_node_client_resumes_where_it_says(tmp_path, gateway, transport):
    # fabric-gateway's Node FileCheckPointer writes its BigInt block number as a decimal string.
    path = tmp_path / "checkpoint.json"
    path.write_text('{"blockNumber":"12","transactionId":"74782d6e6f646500000000000000000000000000000000000000000000000000"}')
    gateway.get_network(CHANNEL).chaincode_events("receivables", checkpoint=FileCheckpointer(path))
    _, request = sent_events_request(transport)
    assert request.start_position.specified.number == 12 and request.after_transaction_id == "74782d6e6f646500000000000000000000000000000000000000000000000000"
    for text in ('{"blockNumber":"-1"}', '{"blockNumber":"1e3"}', '{"blockNumber":" 7"}'):
        path.write_text(text)
        with pytest.raises(ValueError, match="is not a checkpoint file"):
            FileCheckpointer(path)


def test_a_json_file_that_is_no_checkpoint_is_refused_and_left_as_it_was(tmp_path):
    # another program's JSON, or a transaction with no block to find it in, is no place to resume from:
    # reading it as "no checkpoint" would start elsewhere and then overwrite the file with a checkpoint
    path = tmp_path / "settings.json"
    for text in ('{"db": "postgres://erp", "transactionId": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa41"}', '{"transactionId": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa5"}', "",
                 '{"blockNumber": null, "transactionId": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa5"}', '{"blockNumber": 3, "transactionId": "t", "x": 1}'):
        path.write_text(text)
        with pytest.raises(ValueError, match="is not a checkpoint file"):
            FileCheckpointer(path)
        assert path.read_text() == text
    for text in ("{}", '{"blockNumber": null}', '{"transactionId": ""}'):
        path.write_text(text)
        assert FileCheckpointer(path).block_number is None


def test_checkpoint_in_block_0_after_a_transaction_resumes_there(gateway, transport):
    checkpointer = InMemoryCheckpointer()
    checkpointer.checkpoint_transaction(0, "74782d67656e657369732d6e65696768626f7572000000000000000000000000")
    gateway.get_network(CHANNEL).chaincode_events("receivables", checkpoint=checkpointer)
    _, request = sent_events_request(transport)
    assert request.start_position.specified.number == 0 and request.after_transaction_id == "74782d67656e657369732d6e65696768626f7572000000000000000000000000"


def test_checkpointer_semantics():
    checkpointer = InMemoryCheckpointer()
    assert checkpointer.block_number is None and checkpointer.transaction_id is None
    checkpointer.checkpoint_transaction(4, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1")
    assert (checkpointer.block_number, checkpointer.transaction_id) == (4, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1")
    checkpointer.checkpoint_block(4)
    assert (checkpointer.block_number, checkpointer.transaction_id) == (5, None)
    with pytest.raises(ValueError):
        checkpointer.checkpoint_block(-2)


def test_file_checkpointer_resumes_after_restart(tmp_path, gateway, transport):
    path = tmp_path / "state" / "checkpoint.json"
    first = FileCheckpointer(path)
    assert first.block_number is None and not path.exists()
    transport.event_responses = [events_response(5, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa2")]
    for event in gateway.get_network(CHANNEL).chaincode_events("receivables", checkpoint=first):
        first.checkpoint_chaincode_event(event)
        break  # the process stops after handling tx1
    first.close()  # as the process ending would: it holds the file until then

    restarted = FileCheckpointer(path)
    assert (restarted.block_number, restarted.transaction_id) == (5, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1")
    transport.calls.clear()
    gateway.get_network(CHANNEL).chaincode_events("receivables", checkpoint=restarted)
    _, request = sent_events_request(transport)
    assert request.start_position.specified.number == 5 and request.after_transaction_id == "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1"

    restarted.checkpoint_block(5)
    restarted.close()
    assert (FileCheckpointer(path).block_number, FileCheckpointer(path).transaction_id) == (6, None)
    assert list(path.parent.iterdir()) == [path]  # no temporary files left behind


def test_event_stream_failure_is_a_gateway_error(gateway, transport):
    transport.event_responses = [events_response(1, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1"), TransportError(grpc.StatusCode.UNAVAILABLE, "peer gone")]
    events = gateway.get_network(CHANNEL).chaincode_events("receivables")
    assert next(events).transaction_id == "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1"
    with pytest.raises(GatewayError) as caught:
        next(events)
    assert caught.value.code == grpc.StatusCode.UNAVAILABLE


def test_closing_event_iterator_cancels_stream(gateway, transport):
    transport.event_responses = [events_response(1, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1"), events_response(2, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa2")]
    with gateway.get_network(CHANNEL).chaincode_events("receivables") as events:
        next(events)
    assert transport.streams[0].cancelled
    with pytest.raises(StopIteration):
        next(events)


def test_closing_from_another_thread_ends_the_read_in_progress(gateway, transport):
    transport.event_responses = [events_response(3, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1"), HANG]
    events = gateway.get_network(CHANNEL).chaincode_events("receivables")
    received, failures = [], []

    def consume():
        try:
            for event in events:
                received.append(event.transaction_id)
        except Exception as error:  # noqa: BLE001 - the test asserts there is none
            failures.append(error)

    reader = _reader_inside_the_waiting_read(transport, consume)
    (stream,) = transport.streams
    events.close()  # while the reader's thread is inside the iterator
    reader.join(10)
    assert not reader.is_alive()
    assert received == ["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1"] and failures == []
    assert stream.cancelled
    with pytest.raises(StopIteration):
        next(events)


def _reader_inside_the_waiting_read(transport, read) -> threading.Thread:
    """A thread running ``read``, returned once it waits inside the iterator for the next block."""
    reader = threading.Thread(target=read)
    reader.start()
    (stream,) = transport.streams
    assert stream.waiting.wait(10), "the reader never reached the read that waits for the next block"
    return reader


def _wait_until_running(thread: threading.Thread, function_name: str) -> None:
    """Until ``thread`` is inside ``function_name`` (a read it started is under way) or has ended."""
    while thread.is_alive():
        frame = sys._current_frames().get(thread.ident)
        while frame is not None:
            if frame.f_code.co_name == function_name:
                return
            frame = frame.f_back
        time.sleep(0.001)


def _outcomes_of_two_readers(gateway, transport, end) -> list:
    """What each of two threads reading one iterator got, once ``end(events, stream)`` acted while the first was
    inside the read waiting for the next block and the second was waiting for its turn."""
    transport.event_responses = [events_response(3, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1"), HANG]
    events = gateway.get_network(CHANNEL).chaincode_events("receivables")
    assert next(events).transaction_id == "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1"
    outcomes = []

    def read_one():
        try:
            outcomes.append(next(events, "ended"))
        except Exception as error:  # noqa: BLE001 - the tests assert which one
            outcomes.append(error)

    first = _reader_inside_the_waiting_read(transport, read_one)
    second = threading.Thread(target=read_one)  # a second worker draining the same stream
    second.start()
    _wait_until_running(second, "__next__")
    (stream,) = transport.streams
    end(events, stream)
    first.join(10)
    second.join(10)
    assert not first.is_alive() and not second.is_alive()
    return outcomes


def test_threads_reading_one_iterator_take_turns_and_all_end_at_close(gateway, transport):
    # close() does not wait for a turn: it ends the first read, and the second then finds the stream closed
    outcomes = _outcomes_of_two_readers(gateway, transport, lambda events, stream: events.close())
    assert outcomes == ["ended", "ended"]


def test_threads_reading_one_iterator_all_get_the_failure_of_a_stream_cancelled_by_someone_else(gateway, transport):
    # the channel closed under both readers: not events.close(), so not a normal end for the one waiting its turn
    outcomes = _outcomes_of_two_readers(gateway, transport, lambda events, stream: stream.cancel())
    assert [type(outcome) for outcome in outcomes] == [EventStreamError, EventStreamError], outcomes
    assert {(outcome.code, outcome.message) for outcome in outcomes} == {(grpc.StatusCode.CANCELLED, CANCELLED.message)}


def test_every_read_after_a_stream_failed_raises_its_failure_until_closed(gateway, transport):
    transport.event_responses = [TransportError(grpc.StatusCode.UNAVAILABLE, "peer gone")]
    events = gateway.get_network(CHANNEL).chaincode_events("receivables")
    for _ in range(2):
        with pytest.raises(GatewayError) as caught:
            next(events)
        assert (caught.value.code, caught.value.message) == (grpc.StatusCode.UNAVAILABLE, "peer gone")
    events.close()
    assert next(events, "ended") == "ended"


def test_tasks_reading_one_async_iterator_all_get_the_failure_of_the_stream(credentials):
    key, identity = credentials
    fake = FakeTransport()
    fake.event_responses = [TransportError(grpc.StatusCode.UNAVAILABLE, "peer gone")]

    async def main():
        gateway = connect_async(identity=identity, signer=private_key_signer(key), transport=AsyncFakeTransport(fake))
        events = gateway.get_network(CHANNEL).chaincode_events("receivables")
        outcomes = await asyncio.gather(anext(events), anext(events), return_exceptions=True)
        later = await asyncio.gather(anext(events), return_exceptions=True)
        await events.aclose()
        after_close = await asyncio.gather(anext(events), return_exceptions=True)
        return outcomes + later, after_close

    failures, (after_close,) = asyncio.run(main())
    assert [type(failure) for failure in failures] == [EventStreamError] * 3, failures
    assert {(failure.code, failure.message) for failure in failures} == {(grpc.StatusCode.UNAVAILABLE, "peer gone")}
    assert isinstance(after_close, StopAsyncIteration)


@pytest.mark.parametrize("given", ["by name", "positionally"])
def test_a_rebuilt_block_events_request_needs_its_kind_as_its_bytes_do_not_carry_it(credentials, transport, given):
    key, identity = credentials
    gateway = connect(identity=identity, transport=transport)  # no signer: signed elsewhere
    request = gateway.get_network(CHANNEL).new_block_events_request(kind="filtered")
    signature = private_key_signer(key)(request.digest)
    with pytest.raises(TypeError, match="kind"):
        gateway.new_signed_block_events_request(request.bytes, signature)  # would be read as a full-block request
    if given == "by name":
        rebuilt = gateway.new_signed_block_events_request(request.bytes, signature, kind=request.kind)
    else:
        rebuilt = gateway.new_signed_block_events_request(request.bytes, signature, request.kind)
    rebuilt.events()
    ((envelope, kind),) = transport.requests("deliver")
    assert kind == "filtered" and envelope.signature == signature


def test_a_stream_cancelled_by_someone_else_than_close_is_still_a_gateway_error(gateway, transport):
    transport.event_responses = [CANCELLED]
    with pytest.raises(GatewayError) as caught:
        next(gateway.get_network(CHANNEL).chaincode_events("receivables"))
    assert caught.value.code == grpc.StatusCode.CANCELLED


def test_offline_signed_chaincode_events_request(credentials, transport):
    key, identity = credentials
    gateway = connect(identity=identity, transport=transport)
    request = gateway.get_network(CHANNEL).new_chaincode_events_request("receivables", start_block=2)
    signature = private_key_signer(key)(request.digest)
    gateway.new_signed_chaincode_events_request(request.bytes, signature).events()
    signed, inner = sent_events_request(transport)
    assert signed.signature == signature and inner.start_position.specified.number == 2


def block(number):
    return common_pb2.Block(header=common_pb2.BlockHeader(number=number))


def test_block_events_send_signed_seek_envelope(gateway, transport, credentials):
    key, identity = credentials
    transport.deliver_responses = [events_pb2.DeliverResponse(block=block(3)), events_pb2.DeliverResponse(block=block(4))]
    blocks = list(gateway.get_network(CHANNEL).block_events(start_block=3))
    assert [b.header.number for b in blocks] == [3, 4]

    ((envelope, kind),) = transport.requests("deliver")
    assert kind == "block"
    verify(key.public_key(), envelope.signature, envelope.payload)
    payload = common_pb2.Payload.FromString(envelope.payload)
    channel_header = common_pb2.ChannelHeader.FromString(payload.header.channel_header)
    signature_header = common_pb2.SignatureHeader.FromString(payload.header.signature_header)
    assert channel_header.type == common_pb2.DELIVER_SEEK_INFO and channel_header.channel_id == CHANNEL
    assert signature_header.creator == identity.serialize() and len(signature_header.nonce) == 24
    seek = ab_pb2.SeekInfo.FromString(payload.data)
    assert seek.start.specified.number == 3
    assert seek.stop.specified.number == 2**64 - 1
    assert seek.behavior == ab_pb2.SeekInfo.BLOCK_UNTIL_READY


def test_block_events_resume_from_block_checkpoint(gateway, transport):
    checkpointer = InMemoryCheckpointer()
    checkpointer.checkpoint_block(10)
    gateway.get_network(CHANNEL).filtered_block_events(checkpoint=checkpointer)
    ((envelope, kind),) = transport.requests("deliver")
    seek = ab_pb2.SeekInfo.FromString(common_pb2.Payload.FromString(envelope.payload).data)
    assert kind == "filtered" and seek.start.specified.number == 11


def test_block_events_default_to_next_commit(gateway, transport):
    gateway.get_network(CHANNEL).block_events()
    ((envelope, _),) = transport.requests("deliver")
    seek = ab_pb2.SeekInfo.FromString(common_pb2.Payload.FromString(envelope.payload).data)
    assert seek.start.WhichOneof("Type") == "next_commit"


def test_deliver_error_status_raises(gateway, transport):
    transport.deliver_responses = [events_pb2.DeliverResponse(status=common_pb2.FORBIDDEN)]
    with pytest.raises(GatewayError, match="FORBIDDEN"):
        list(gateway.get_network(CHANNEL).block_events())


def test_tls_client_certificate_hash_is_bound_into_deliver_requests(credentials, transport):
    key, identity = credentials
    _, tls_cert = make_key_and_cert("tls-client")
    gateway = connect(identity=identity, signer=private_key_signer(key), transport=transport, client_certificate=tls_cert)
    gateway.get_network(CHANNEL).block_events()
    ((envelope, _),) = transport.requests("deliver")
    channel_header = common_pb2.ChannelHeader.FromString(common_pb2.Payload.FromString(envelope.payload).header.channel_header)
    der = x509.load_pem_x509_certificate(tls_cert).public_bytes(serialization.Encoding.DER)
    assert channel_header.tls_cert_hash == hashlib.sha256(der).digest()


STARTING_ENTRIES = {
    "chaincode_events": lambda network, **start: network.chaincode_events("receivables", **start),
    "new_chaincode_events_request": lambda network, **start: network.new_chaincode_events_request("receivables", **start),
    "block_events": lambda network, **start: network.block_events(**start),
    "filtered_block_events": lambda network, **start: network.filtered_block_events(**start),
    "block_and_private_data_events": lambda network, **start: network.block_and_private_data_events(**start),
    "new_block_events_request": lambda network, **start: network.new_block_events_request(**start),
}


def refused_in_both_families(credentials, make_request, error_type, message):
    """``make_request(gateway)`` raises ``error_type`` from a sync and from an async gateway, before any stream opens."""
    key, identity = credentials
    fake = FakeTransport()

    async def from_async_gateway():
        gateway = connect_async(identity=identity, signer=private_key_signer(key), transport=AsyncFakeTransport(fake))
        with pytest.raises(error_type, match=message):
            make_request(gateway)

    with pytest.raises(error_type, match=message):
        make_request(connect(identity=identity, signer=private_key_signer(key), transport=fake))
    asyncio.run(from_async_gateway())
    assert fake.calls == []


@pytest.mark.parametrize("entry", STARTING_ENTRIES.values(), ids=STARTING_ENTRIES.keys())
@pytest.mark.parametrize("start_block", ["3", 1.5, True, -1, 2**64])
def test_a_start_block_that_is_not_a_block_number_is_refused_when_the_request_is_made(credentials, entry, start_block):
    refused_in_both_families(
        credentials,
        lambda gateway: entry(gateway.get_network(CHANNEL), start_block=start_block),
        ValueError,
        rf"^start_block {re.escape(repr(start_block))}: give a block number, a whole number from 0 to 2\*\*64 - 1$",
    )


@pytest.mark.parametrize("entry", STARTING_ENTRIES.values(), ids=STARTING_ENTRIES.keys())
def test_a_path_given_as_checkpoint_is_refused_when_the_request_is_made(credentials, entry):
    refused_in_both_families(
        credentials,
        lambda gateway: entry(gateway.get_network(CHANNEL), checkpoint="state.json"),
        TypeError,
        r"checkpoint 'state.json' is a str, not a checkpointer: give FileCheckpointer\(path\)",
    )


def test_block_events_of_an_unknown_kind_are_refused_when_the_request_is_made(credentials):
    key, identity = credentials
    request = connect(identity=identity, transport=FakeTransport()).get_network(CHANNEL).new_block_events_request()
    signature = private_key_signer(key)(request.digest)
    message = r"unknown block event kind 'filter': give one of 'block', 'filtered', 'private'"
    refused_in_both_families(
        credentials, lambda gateway: gateway.new_signed_block_events_request(request.bytes, signature, kind="filter"),
        ValueError, message,
    )  # fmt: skip
    refused_in_both_families(
        credentials, lambda gateway: gateway.get_network(CHANNEL).new_block_events_request(kind="filter"),
        ValueError, message,
    )  # fmt: skip
