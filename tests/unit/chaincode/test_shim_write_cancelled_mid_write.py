"""A transaction cancelled while gRPC still holds its write (flow control: the peer is not reading yet) leaves the
stream usable for the others: gRPC cannot take a write back, and cut short, the write went on inside gRPC, which
failed every other write on the stream until it ended (GRPC_CALL_ERROR_TOO_MANY_OPERATIONS): the other
transactions' requests and answers, and the cancelled transaction's own status-500 answer."""

import asyncio
import contextlib
import logging

import grpc
import pytest
from fabric_protos.peer import chaincode_shim_pb2_grpc
from grpc._cython.cygrpc import ExecuteBatchError

from chaincode.contract import Context, Contract, transaction
from chaincode.shim import ChaincodeServer
from chaincode.shim._peer_options import MAX_MESSAGE_BYTES

from .handler_stream import ready_handler, until
from .peer_double import CHANNEL, PACKAGE_ID, TIMEOUT, Msg, PeerSide
from .test_stream_protocol import response_of

# A value gRPC cannot hand over while the peer reads nothing: a few MB fill the windows and buffers between
# the two (the write of the 4th 1 MB message blocks), and the limit on one message is 100 MB.
HELD_BY_FLOW_CONTROL = 16 * 1024 * 1024
CUT_REASON = "the chaincode server stopped before this transaction finished"


class Writes(Contract):
    """A write the transaction gives up on mid-way, one it waits for, and a read; each says when it has begun."""

    name = "writes"

    def __init__(self) -> None:
        super().__init__()
        self.putting = asyncio.Event()
        self.give_up = asyncio.Event()
        self.gave_up = asyncio.Event()
        self.reading = asyncio.Event()

    @transaction
    async def PutAndGiveUp(self, ctx: Context, size: int) -> str:
        """Writes ``size`` bytes, and stops waiting for the write once told to (as ``asyncio.wait_for`` would)."""
        put = asyncio.ensure_future(ctx.stub.put_state("big", b"x" * size))
        self.putting.set()
        await self.give_up.wait()
        put.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await put
        self.gave_up.set()
        return "gave up"

    @transaction
    async def Put(self, ctx: Context, size: int) -> None:
        self.putting.set()
        await ctx.stub.put_state("big", b"x" * size)

    @transaction(evaluate=True)
    async def Read(self, ctx: Context, key: str) -> bytes:
        self.reading.set()
        return await ctx.stub.get_state(key)


@contextlib.asynccontextmanager
async def server_and_peer_not_reading(contract: Contract):
    """A server, and a peer that has made the stream ready and reads nothing until ``start_reading(peer)``:
    what the chaincode writes meanwhile waits in gRPC."""
    server = ChaincodeServer([contract], "127.0.0.1:0", PACKAGE_ID)
    port = await server.start()
    # the peer takes messages up to the chaincode's limit, not gRPC's default 4 MB
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{port}",
                                        options=[("grpc.max_receive_message_length", MAX_MESSAGE_BYTES)])
    try:
        call = chaincode_shim_pb2_grpc.ChaincodeStub(channel).Connect()
        peer = PeerSide(channel, call)
        assert (await asyncio.wait_for(call.read(), TIMEOUT)).type == Msg.REGISTER
        await call.write(Msg(type=Msg.REGISTERED))
        await call.write(Msg(type=Msg.READY))
        yield server, peer
        await call.done_writing()
        await asyncio.wait_for(peer._reader, TIMEOUT)
    finally:
        await channel.close()
        await server.stop(0)


def start_reading(peer: PeerSide) -> None:
    peer._reader = asyncio.create_task(peer._read_all())


async def test_a_transaction_giving_up_on_a_write_gRPC_holds_leaves_the_stream_to_the_others():
    contract = Writes()
    async with server_and_peer_not_reading(contract) as (_, peer):
        await peer.start("big", "writes:PutAndGiveUp", str(HELD_BY_FLOW_CONTROL))
        await asyncio.wait_for(contract.putting.wait(), TIMEOUT)
        await peer.start("other", "writes:Read", "k")   # its request waits for the write before it
        await asyncio.wait_for(contract.reading.wait(), TIMEOUT)
        contract.give_up.set()
        await asyncio.wait_for(contract.gave_up.wait(), TIMEOUT)
        start_reading(peer)
        # the write the transaction gave up on had gone to gRPC: it arrives whole, and the peer answers it
        assert len((await peer.expect("big", Msg.PUT_STATE)).payload) > HELD_BY_FLOW_CONTROL
        await peer.reply("big")
        await peer.expect("other", Msg.GET_STATE)
        await peer.reply("other", b"v")
        assert (response_of(await peer.expect("other", Msg.COMPLETED)).payload) == b"v"
        answer = response_of(await peer.expect("big", Msg.COMPLETED))
        assert (answer.status, answer.payload) == (200, b"gave up")
        await peer.still_serves_a_read("writes:Read")


async def test_a_transaction_the_grace_cuts_mid_write_is_answered_after_the_write_and_the_stream_serves_on(caplog):
    contract = Writes()
    async with server_and_peer_not_reading(contract) as (server, peer):
        await peer.start("big", "writes:Put", str(HELD_BY_FLOW_CONTROL))
        await asyncio.wait_for(contract.putting.wait(), TIMEOUT)
        await peer.start("other", "writes:Read", "k")   # a round trip on the stream: the write is in gRPC by now
        await asyncio.wait_for(contract.reading.wait(), TIMEOUT)
        server._service.cut_running(CUT_REASON)
        # both are cut, and go on to send their status-500 answers; cut short, the write made those fail at once
        await until(lambda: sum(CUT_REASON in record.getMessage() for record in caplog.records) == 2)
        start_reading(peer)
        await peer.expect("big", Msg.PUT_STATE)
        for tx_id in ("big", "other"):
            answer = response_of(await peer.expect(tx_id, Msg.COMPLETED))
            assert (answer.status, answer.message) == (500, CUT_REASON)
        await peer.reply("big")   # the reply the peer still sends to the write, which no request takes
        await peer.still_serves_a_read("writes:Read")


async def fail_on_completed(message):
    """A write as gRPC's fails on a call it has ended: the COMPLETED answers here."""
    if message.type == Msg.COMPLETED:
        raise ExecuteBatchError("Failed grpc_call_start_batch: 8 with grpc_call_error value: "
                                "'GRPC_CALL_ERROR_TOO_MANY_OPERATIONS'")


async def test_an_answer_the_failed_stream_does_not_take_is_said_in_one_line_naming_its_transaction(caplog):
    async with ready_handler(Writes(), fail_on_completed) as stream:
        await stream.start_awaiting_read("t1", "writes:Read")
        await stream.read.deliver(Msg(type=Msg.RESPONSE, payload=b"v", txid="t1", channel_id=CHANNEL))
        await until(lambda: not stream.handler._running)
    said = [record for record in caplog.records if "t1" in record.getMessage()]
    assert [(record.levelno, record.exc_info) for record in said] == [(logging.WARNING, None)]
    assert "its COMPLETED was not sent, the stream failed first (ExecuteBatchError: " in said[0].getMessage()


async def test_grpc_ending_the_stream_in_the_same_step_as_a_cut_leaves_no_traceback(caplog):
    """The cut transaction sends its status-500 answer before the handler sees the call ended; gRPC fails the write."""
    async with ready_handler(Writes(), fail_on_completed) as stream:
        await stream.start_awaiting_read("t1", "writes:Read")
        await stream.read.next_read()   # the stream waits for the next message, which never comes
        stream.handler.cut_running(CUT_REASON)
        stream.running.cancel()   # gRPC ended the call in the same pass of the event loop
        with pytest.raises(asyncio.CancelledError):
            await asyncio.wait_for(stream.running, TIMEOUT)
    assert not [record for record in caplog.records if record.exc_info]
    assert any("t1" in record.getMessage() and record.levelno == logging.WARNING for record in caplog.records)
