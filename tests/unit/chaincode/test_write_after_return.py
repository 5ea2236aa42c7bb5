"""A write made after the transaction function returned, by a task it started and did not await."""

import asyncio
import contextlib

import pytest
from fabric_protos.peer import chaincode_shim_pb2 as shim_pb2, proposal_response_pb2

from chaincode.contract import Context, Contract, ContractRouter, transaction
from chaincode.shim import PeerOptions, StreamHandler

from .peer_double import PACKAGE_ID, Msg
from .test_stream_protocol import ScriptedPeer


class Careless(Contract):
    """Writes "a", and leaves a task to write "b" once the test lets it: after the transaction has ended."""

    name = "careless"

    def __init__(self) -> None:
        super().__init__()
        self.let_go = asyncio.Event()
        self.leftover: asyncio.Task | None = None

    @transaction
    async def Write(self, ctx: Context) -> None:
        await ctx.stub.put_state("a", b"1")

        async def write_later():
            await self.let_go.wait()
            await ctx.stub.put_state("b", b"2")

        self.leftover = asyncio.create_task(write_later())


@contextlib.asynccontextmanager
async def serving(peer: ScriptedPeer, contract: Contract, options: PeerOptions):
    handler = StreamHandler(ContractRouter([contract]).invoke, PACKAGE_ID, peer.incoming.get, peer.write)
    running = asyncio.create_task(handler.run())
    await peer.received(Msg.REGISTER)
    peer.send(Msg(type=Msg.REGISTERED))
    peer.send(Msg(type=Msg.READY, payload=options.to_ready_payload()))
    try:
        yield
    finally:
        peer.incoming.put_nowait(None)
        await asyncio.wait_for(running, 5)


def keys_written(request) -> list[str]:
    if request.type == Msg.WRITE_BATCH_STATE:
        return [record.key for record in shim_pb2.WriteBatchState.FromString(request.payload).rec]
    return [shim_pb2.PutState.FromString(request.payload).key]


@pytest.mark.parametrize("batched", [True, False], ids=["write batch", "one request per write"])
async def test_a_write_after_the_transaction_returned_fails_instead_of_vanishing(batched):
    """Batched, the write joined a batch already sent and vanished without a word; unbatched, it went to the
    peer after COMPLETED. Either way the transaction had been answered a success without it."""
    contract = Careless()
    peer = ScriptedPeer()
    async with serving(peer, contract, PeerOptions(use_write_batch=batched)):
        peer.start("tx1", "careless:Write")
        write = await peer.received(Msg.WRITE_BATCH_STATE if batched else Msg.PUT_STATE)
        peer.reply("tx1", b"")
        completed = await peer.received(Msg.COMPLETED)
        assert proposal_response_pb2.Response.FromString(completed.payload).status == 200
        assert keys_written(write) == ["a"]
        contract.let_go.set()
        refused = r"^PUT_STATE of key 'b' after the transaction function returned: it would be lost"
        with pytest.raises(ValueError, match=refused):
            await contract.leftover
    assert [kind for side, kind in peer.log if side == "chaincode"] == [
        "REGISTER", "WRITE_BATCH_STATE" if batched else "PUT_STATE", "COMPLETED"]


class LateEvent(Contract):
    """Sets event "early", leaves a read of "a" for the peer to answer and a task to set event "late" once the
    test lets it: after the function returned, while the answer waits for that read's reply."""

    name = "late_event"

    def __init__(self) -> None:
        super().__init__()
        self.let_go = asyncio.Event()
        self.leftover: asyncio.Task | None = None

    @transaction
    async def Emit(self, ctx: Context) -> None:
        ctx.stub.set_event("early", b"1")
        reading = asyncio.create_task(ctx.stub.get_state("a"))
        await asyncio.sleep(0)   # the read goes out; the transaction does not wait for it

        async def emit_later():
            await self.let_go.wait()
            ctx.stub.set_event("late", b"2")

        self.leftover = asyncio.create_task(emit_later())
        reading.cancel()


async def test_an_event_set_after_the_transaction_returned_fails_instead_of_changing_the_answer():
    """The answer waits for the reply to the read the function left: an event set meanwhile replaced the one the
    function had set, and one set after the answer vanished without a word. Endorsers that ran the leftover task
    at other moments would answer with different events, and their endorsements would not match."""
    contract = LateEvent()
    peer = ScriptedPeer()
    async with serving(peer, contract, PeerOptions()):
        peer.start("tx1", "late_event:Emit")
        await peer.received(Msg.GET_STATE)
        contract.let_go.set()
        refused = r"^set_event 'late' after the transaction function returned: "
        with pytest.raises(ValueError, match=refused):
            await contract.leftover
        peer.reply("tx1", b"")
        completed = await peer.received(Msg.COMPLETED)
        assert proposal_response_pb2.Response.FromString(completed.payload).status == 200
        assert (completed.chaincode_event.event_name, completed.chaincode_event.payload) == ("early", b"1")
