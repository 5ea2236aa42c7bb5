"""Readers of one query iterator past its first batch: each QUERY_STATE_NEXT is sent once, and its batch
read to the end, however many readers wait for it and whether they keep waiting."""

import asyncio
import contextlib
import json

import pytest
from fabric_protos.peer import chaincode_shim_pb2 as shim_pb2

from chaincode.contract import Context, Contract, ContractError, transaction

from .peer_double import Msg, PeerSide, running_server
from .test_stream_protocol import kv_row, response_of


def batch(keys: list[str], has_more: bool) -> bytes:
    return shim_pb2.QueryResponse(results=[kv_row(key) for key in keys], has_more=has_more,
                                  id="iter-1").SerializeToString()


class Scan(Contract):
    name = "scan"

    def __init__(self) -> None:
        super().__init__()
        self.give_up = asyncio.Event()
        self.gave_up = asyncio.Event()
        self.close_now = asyncio.Event()
        self.closing = asyncio.Event()

    @transaction(evaluate=True)
    async def RefuseAtTheFirstRow(self, ctx: Context) -> None:
        """Leaves a bare ``async for`` by an exception, the iterator unclosed."""
        async for kv in ctx.stub.get_state_by_range("a", "z"):
            raise ContractError(f"refused at {kv.key}")

    @transaction(evaluate=True)
    async def TwoReadersAfterTheFirstRow(self, ctx: Context) -> list:
        rows = ctx.stub.get_state_by_range("a", "z")
        first = await anext(rows)
        together = await asyncio.gather(anext(rows), anext(rows))
        return [first.key, *(kv.key for kv in together), *[kv.key async for kv in rows]]

    @transaction(evaluate=True)
    async def GiveUpOnTheSecondBatch(self, ctx: Context) -> list:
        """Reads the first row, starts reading the second (a new batch), gives up once ``give_up`` is set
        (as asyncio.wait_for would), then reads on."""
        rows = ctx.stub.get_state_by_range("a", "z")
        first = await anext(rows)
        reading = asyncio.create_task(anext(rows))
        await self.give_up.wait()
        reading.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reading
        self.gave_up.set()
        return [first.key, *[kv.key async for kv in rows]]

    @transaction(evaluate=True)
    async def CloseWhileTheQueryIsOut(self, ctx: Context) -> str:
        """Starts reading a range, closes it once ``close_now`` is set (the query sent, its reply not yet
        in), and says what the reader got."""
        rows = ctx.stub.get_state_by_range("a", "z")
        reading = asyncio.create_task(anext(rows, None))
        await self.close_now.wait()
        self.closing.set()   # no await before close() waits for the reply: the test replies once this is set
        await rows.close()
        (read,) = await asyncio.gather(reading, return_exceptions=True)
        if isinstance(read, Exception):
            return f"error: {read}"
        return "nothing" if read is None else f"row {read.key}"


async def test_two_readers_at_once_past_the_first_batch_share_one_next_request_and_lose_no_row():
    async with running_server([Scan()]) as port, PeerSide.connect(port) as peer:
        await peer.start("tx1", "scan:TwoReadersAfterTheFirstRow")
        await peer.expect("tx1", Msg.GET_STATE_BY_RANGE)
        await peer.reply("tx1", batch(["a"], has_more=True))
        await peer.expect("tx1", Msg.QUERY_STATE_NEXT)
        await peer.reply("tx1", batch(["b", "c"], has_more=True))
        # the second reader takes "c" from the batch the first is reading, rather than asking for the next
        await peer.expect("tx1", Msg.QUERY_STATE_NEXT)
        await peer.reply("tx1", batch(["d"], has_more=False))
        completed = await peer.expect("tx1", Msg.COMPLETED)
        assert json.loads(response_of(completed).payload) == ["a", "b", "c", "d"]


async def test_a_reader_that_gave_up_on_a_next_batch_leaves_it_to_the_next_reader_not_dropped():
    contract = Scan()
    async with running_server([contract]) as port, PeerSide.connect(port) as peer:
        await peer.start("tx1", "scan:GiveUpOnTheSecondBatch")
        await peer.expect("tx1", Msg.GET_STATE_BY_RANGE)
        await peer.reply("tx1", batch(["a"], has_more=True))
        await peer.expect("tx1", Msg.QUERY_STATE_NEXT)
        contract.give_up.set()
        await contract.gave_up.wait()
        await peer.reply("tx1", batch(["b", "c"], has_more=False))   # answered after its reader left
        completed = await peer.expect("tx1", Msg.COMPLETED)   # no second QUERY_STATE_NEXT skipping b and c
        assert json.loads(response_of(completed).payload) == ["a", "b", "c"]



async def close_while_the_query_is_out(peer: PeerSide, contract: Scan) -> None:
    """Run CloseWhileTheQueryIsOut up to where close() waits for the query's reply."""
    await peer.start("tx1", "scan:CloseWhileTheQueryIsOut")
    await peer.expect("tx1", Msg.GET_STATE_BY_RANGE)
    contract.close_now.set()
    await contract.closing.wait()


@pytest.mark.parametrize("has_more", [True, False], ids=["more rows: iterator open", "last batch"])
async def test_an_iterator_closed_while_its_query_is_out_releases_the_iterator_the_reply_opens(has_more):
    contract = Scan()
    async with running_server([contract]) as port, PeerSide.connect(port) as peer:
        await close_while_the_query_is_out(peer, contract)
        await peer.reply("tx1", batch(["a"], has_more=has_more))
        if has_more:   # the peer would otherwise hold the iterator until the transaction ends
            close = await peer.expect("tx1", Msg.QUERY_STATE_CLOSE)
            assert shim_pb2.QueryStateClose.FromString(close.payload).id == "iter-1"
            await peer.reply("tx1")
        completed = await peer.expect("tx1", Msg.COMPLETED)
        assert response_of(completed).payload == b"nothing"   # a closed iterator yields nothing more


async def test_an_iterator_closed_while_its_query_is_out_sends_nothing_more_when_the_peer_refuses_the_query():
    contract = Scan()
    async with running_server([contract]) as port, PeerSide.connect(port) as peer:
        await close_while_the_query_is_out(peer, contract)
        await peer.reply("tx1", b"no such range", error=True)
        completed = await peer.expect("tx1", Msg.COMPLETED)   # close() itself does not fail; the reader does
        assert response_of(completed).payload == b"error: no such range"


async def test_an_iterator_a_bare_async_for_leaves_by_an_exception_is_left_to_the_peer_to_close_with_the_transaction():
    """The peer closes a transaction's iterators as its COMPLETED arrives: the answer is the rule, at once, with no
    QUERY_STATE_CLOSE before it, which would cost a round trip for nothing."""
    async with running_server([Scan()]) as port, PeerSide.connect(port) as peer:
        await peer.start("t", "scan:RefuseAtTheFirstRow")
        await peer.expect("t", Msg.GET_STATE_BY_RANGE)
        await peer.reply("t", batch(["a"], has_more=True))
        response = response_of(await peer.expect("t", Msg.COMPLETED))
        assert (response.status, response.message) == (500, "refused at a")
