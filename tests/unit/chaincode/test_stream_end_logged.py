"""A stream that ends under running transactions, or before a refusal could go out, says so in the log."""

import asyncio
import gc
import logging

import grpc
from fabric_protos.peer import chaincode_pb2, chaincode_shim_pb2_grpc

from chaincode.contract import Context, Contract, ContractRouter, transaction
from chaincode.shim import ChaincodeServer, StreamHandler

from .peer_double import CHANNEL, PACKAGE_ID, TIMEOUT, Msg
from .test_stream_protocol import ScriptedPeer


class Lookup(Contract):
    """A transaction that runs until the peer answers its read."""

    name = "lookup"

    @transaction(evaluate=True)
    async def Read(self, ctx: Context, key: str) -> bytes:
        return await ctx.stub.get_state(key)


def transaction_message(tx_id: str, channel_id: str = CHANNEL):
    return Msg(type=Msg.TRANSACTION, txid=tx_id, channel_id=channel_id,
               payload=chaincode_pb2.ChaincodeInput(args=[b"lookup:Read", b"k"]).SerializeToString())


def warnings_of(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING]


async def test_a_stream_the_peer_closes_under_running_transactions_names_them_in_a_warning(caplog):
    peer = ScriptedPeer()
    async with peer.serving(Lookup()):
        for channel in ("ch-a", "ch-b"):
            peer.send(transaction_message("tx-cut", channel))
            await peer.received(Msg.GET_STATE)
    assert ("the chaincode stream ended with 2 transaction(s) running, cancelled unanswered: "
            "tx tx-cut on channel 'ch-a', tx tx-cut on channel 'ch-b'") in warnings_of(caplog)


async def test_a_stream_grpc_cancels_as_the_peer_vanishes_names_its_transaction_and_the_peer_gone(caplog):
    """gRPC cancels the call of a peer that resets its connection: nothing was logged of it, nor of the
    transaction cancelled with it, although the peer's client is told "chaincode stream terminated"."""
    caplog.set_level(logging.INFO, logger="chaincode.shim")
    server = ChaincodeServer([Lookup()], "127.0.0.1:0", PACKAGE_ID)
    port = await server.start()
    try:
        channel = grpc.aio.insecure_channel(f"127.0.0.1:{port}")
        call = chaincode_shim_pb2_grpc.ChaincodeStub(channel).Connect()
        await call.read()
        await call.write(Msg(type=Msg.REGISTERED))
        await call.write(Msg(type=Msg.READY))
        await call.write(transaction_message("tx-vanished"))
        assert (await asyncio.wait_for(call.read(), TIMEOUT)).type == Msg.GET_STATE
        call.cancel()
        await channel.close()
        streams = server._service._streams

        async def stream_ended() -> None:
            while streams:
                await asyncio.sleep(0.01)

        await asyncio.wait_for(stream_ended(), TIMEOUT)
    finally:
        await server.stop(0)
    messages = [record.getMessage() for record in caplog.records]
    assert (f"the chaincode stream ended with 1 transaction(s) running, cancelled unanswered: tx tx-vanished "
            f"on channel '{CHANNEL}'") in warnings_of(caplog)
    # not a stop's end: the line names the other cause gRPC ends a stream for, a message over its receive ceiling
    assert any(message.startswith("peer ") and " disconnected (gRPC ends a stream too on a message from the peer "
               "over the server's" in message for message in messages)


async def test_the_warning_names_ten_cut_transactions_and_counts_the_rest(caplog):
    peer = ScriptedPeer()
    async with peer.serving(Lookup()):
        for number in range(12):
            peer.send(transaction_message(f"t{number}"))
            await peer.received(Msg.GET_STATE)
    [warning] = [message for message in warnings_of(caplog) if "cancelled unanswered" in message]
    assert warning.startswith("the chaincode stream ended with 12 transaction(s) running")
    assert warning.count("tx t") == 10 and warning.endswith(f"tx t9 on channel '{CHANNEL}' and 2 more")


async def test_a_refusal_the_closed_stream_could_not_carry_is_a_warning_not_a_lost_exception(caplog):
    """As gRPC's write does on a call the peer has cancelled, the write of the refusal raises."""
    reported = []
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(lambda loop, context: reported.append(context["message"]))
    incoming: asyncio.Queue = asyncio.Queue()

    async def write(message) -> None:
        if message.type == Msg.ERROR:
            raise RuntimeError("the call has ended")

    handler = StreamHandler(ContractRouter([Lookup()]).invoke, PACKAGE_ID, incoming.get, write)
    incoming.put_nowait(transaction_message("tx-early"))   # before REGISTERED: refused, not ready
    incoming.put_nowait(None)                              # and the peer is gone
    await asyncio.wait_for(handler.run(), TIMEOUT)
    for _ in range(5):   # the refusal's send fails, its task ends and is dropped
        await asyncio.sleep(0)
    gc.collect()   # a task whose exception nobody retrieved is reported as it is collected
    assert reported == []
    said = "tx tx-early: its refusal was not sent, the stream ended first (RuntimeError)"
    assert said in warnings_of(caplog)
