"""A message from the peer over the server's message limit is refused alone, saying its size, the limit and what to
change, and the stream serves on: at gRPC's limit the whole stream ended, with every transaction on it, and the
server's log said only that the peer had disconnected."""

import gc
import logging
import sys

import grpc
import pytest

from chaincode.contract import Context, Contract, transaction
from chaincode.shim import _handler, server

from .handler_stream import ready_handler, until
from .peer_double import PACKAGE_ID, TIMEOUT, Msg, PeerSide, running_server
from .test_stream_protocol import response_of

# Small enough for tests to exceed it quickly, large enough for every other message they send.
SMALL_LIMIT = 256 * 1024
OVER = SMALL_LIMIT + 1024


class Reader(Contract):
    name = "reader"

    @transaction(evaluate=True)
    async def Read(self, ctx: Context, key: str) -> bytes:
        return await ctx.stub.get_state(key) or b"<none>"


@pytest.fixture
def small_message_limit(monkeypatch):
    """The server's message limit at SMALL_LIMIT, as it is at 100 MiB."""
    monkeypatch.setattr(server, "MAX_MESSAGE_BYTES", SMALL_LIMIT)
    monkeypatch.setattr(_handler, "MAX_MESSAGE_BYTES", SMALL_LIMIT)


async def test_a_transaction_over_the_limit_is_refused_naming_its_size_and_the_stream_serves_on(
        small_message_limit, caplog):
    async with running_server([Reader()]) as port, PeerSide.connect(port) as peer:
        await peer.start("big", "reader:Read", "k" * OVER)
        refusal = (await peer.expect("big", Msg.ERROR)).payload.decode()
        assert refusal.startswith("TRANSACTION message too large: ")
        size = int(refusal.split(": ")[1].split(" bytes")[0])
        assert size > SMALL_LIMIT + OVER   # the key twice: in the input and in the proposal
        assert f"the chaincode server's limit is {SMALL_LIMIT} bytes (MAX_MESSAGE_BYTES" in refusal
        assert "peer.maxSendMsgSize" in refusal and "smaller arguments" in refusal
        await peer.still_serves_a_read("reader:Read")
    logged = [record for record in caplog.records if "refusing tx big" in record.getMessage()]
    assert [record.levelno for record in logged] == [logging.ERROR]
    assert f"{size} bytes" in logged[0].getMessage()


async def test_a_reply_over_the_limit_fails_its_transaction_naming_its_size_and_the_stream_serves_on(
        small_message_limit):
    async with running_server([Reader()]) as port, PeerSide.connect(port) as peer:
        await peer.start("read", "reader:Read", "k")
        await peer.expect("read", Msg.GET_STATE)
        await peer.reply("read", b"v" * OVER)
        answer = response_of(await peer.expect("read", Msg.COMPLETED))
        assert answer.status == 500
        assert answer.message.startswith("PeerError: RESPONSE message too large: ")
        assert f"the chaincode server's limit is {SMALL_LIMIT} bytes" in answer.message
        assert answer.message.endswith("read fewer or smaller values in one request")
        await peer.still_serves_a_read("reader:Read")


async def test_a_keepalive_over_the_limit_is_dropped_saying_so_and_the_stream_serves_on(small_message_limit, caplog):
    async with running_server([Reader()]) as port, PeerSide.connect(port) as peer:
        await peer.send(Msg(type=Msg.KEEPALIVE, payload=b"x" * OVER))
        await peer.still_serves_a_read("reader:Read")
    dropped = [record.getMessage() for record in caplog.records if "dropping a KEEPALIVE" in record.getMessage()]
    assert len(dropped) == 1 and "KEEPALIVE message too large" in dropped[0]


def test_the_server_reads_no_message_larger_than_twice_the_limit():
    """Read whole before it can be refused, a message costs its size several times over: at gRPC's 2 GiB, one
    misconfigured peer could take the server past its memory limit, and every peer's stream with it."""
    receive_limits = [value for name, value in server._grpc_options() if name == "grpc.max_receive_message_length"]
    assert receive_limits == [server.RECEIVE_CEILING_BYTES]
    assert server.MAX_MESSAGE_BYTES < server.RECEIVE_CEILING_BYTES <= 2 * server.MAX_MESSAGE_BYTES


async def test_a_message_over_the_receive_ceiling_ends_the_stream_and_the_log_names_the_ceiling(
        small_message_limit, monkeypatch, caplog):
    ceiling = 2 * SMALL_LIMIT
    monkeypatch.setattr(server, "RECEIVE_CEILING_BYTES", ceiling)
    caplog.set_level(logging.INFO, "chaincode.shim.server")
    async with running_server([Reader()]) as port:
        with pytest.raises(grpc.aio.AioRpcError) as ended:
            async with PeerSide.connect(port) as peer:
                await peer.send(Msg(type=Msg.KEEPALIVE, payload=b"x" * (ceiling + 1)))
        assert ended.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        await until(lambda: any("disconnected" in record.getMessage() for record in caplog.records))
    said = [record.getMessage() for record in caplog.records if "disconnected" in record.getMessage()]
    assert len(said) == 1 and f"over the server's {ceiling}-byte receive ceiling, RECEIVE_CEILING_BYTES" in said[0]


async def test_a_stream_ended_by_a_stop_is_not_said_to_have_had_too_large_a_message(caplog):
    caplog.set_level(logging.INFO, "chaincode.shim.server")
    server_ = server.ChaincodeServer([Reader()], "127.0.0.1:0", PACKAGE_ID)
    port = await server_.start()
    try:
        async with PeerSide.connect(port) as peer:
            await peer.still_serves_a_read("reader:Read")
            await server_.stop(TIMEOUT)
    finally:
        await server_.stop(0)
    said = [record.getMessage() for record in caplog.records if "disconnected" in record.getMessage()]
    assert said == [f"peer {said[0].split()[1]} disconnected"]


async def test_a_refused_message_is_let_go_at_once_not_held_until_the_peer_sends_the_next(small_message_limit):
    """Held, a refused message of hundreds of MiB stayed in the server's memory for as long as the stream was idle."""
    async with ready_handler(Reader()) as stream:
        oversized = _handler.read_peer_message(Msg(type=Msg.KEEPALIVE, payload=b"x" * OVER).SerializeToString())
        held_by_this_test = sys.getrefcount(oversized)
        await stream.read.deliver(oversized)
        await stream.read.next_read()   # the handler has refused it and waits for the next message
        gc.collect()
        assert sys.getrefcount(oversized) == held_by_this_test


def test_a_message_is_measured_on_the_wire_not_encoded_again(small_message_limit):
    """ByteSize() encodes the message anew to measure it: a copy of every message from the peer, tens of
    milliseconds of the event loop for a reply of 10 MB. The deserializer has its length for nothing."""
    under = Msg(type=Msg.RESPONSE, txid="t", channel_id="recfin", payload=b"v" * (SMALL_LIMIT - 100))
    read = _handler.read_peer_message(under.SerializeToString())
    assert isinstance(read, Msg) and read == under
    over = Msg(type=Msg.RESPONSE, txid="t", channel_id="recfin", payload=b"v" * OVER)
    read = _handler.read_peer_message(over.SerializeToString())
    assert isinstance(read, _handler.OversizedMessage)
    assert (read.message, read.size) == (over, len(over.SerializeToString()))
