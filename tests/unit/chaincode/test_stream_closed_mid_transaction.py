"""A peer that closes its stream while a transaction runs: the transaction's own cleanup must not keep it open."""

import asyncio
import contextlib
import gc

from fabric_protos.ledger.queryresult import kv_query_result_pb2
from fabric_protos.peer import chaincode_shim_pb2 as shim_pb2

from chaincode.contract import Context, Contract, transaction
from chaincode.shim import PeerError, QueryIterator

from .peer_double import Msg
from .test_stream_protocol import ScriptedPeer


class Scan(Contract):
    """Reads a range inside ``async with``, the documented way to release the peer's iterator."""

    name = "scan"

    @transaction(evaluate=True)
    async def Keys(self, ctx: Context) -> list:
        async with ctx.stub.get_state_by_range("a", "z") as rows:
            return [kv.key async for kv in rows]


def _first_batch_with_more_to_come() -> bytes:
    row = shim_pb2.QueryResultBytes(resultBytes=kv_query_result_pb2.KV(key="a", value=b"1").SerializeToString())
    return shim_pb2.QueryResponse(results=[row], has_more=True, id="iterator-1").SerializeToString()


async def test_an_iterator_closed_as_the_stream_closes_sends_nothing_and_the_stream_ends():
    """The closing stream cancels the transaction; ``async with`` then closes the iterator, whose QUERY_STATE_CLOSE
    once went out on the dead stream and waited for a reply forever, and the stream's handler with it."""
    peer = ScriptedPeer()
    async with peer.serving(Scan()) as handler:   # on leaving, the peer closes the stream; it must end in 5 s
        peer.start("tx1", "scan:Keys")
        await peer.received(Msg.GET_STATE_BY_RANGE)
        peer.reply("tx1", _first_batch_with_more_to_come())
        await peer.received(Msg.QUERY_STATE_NEXT)
    assert peer.log[-1] == ("chaincode", "QUERY_STATE_NEXT")   # no QUERY_STATE_CLOSE nor COMPLETED after it
    assert [status for _, status in handler.metrics.transactions] == ["cancelled"]
    assert handler.metrics.in_flight == 0
    assert handler._pending_replies == {}


class _RefusingLater:
    """A transport whose one request the test answers with the peer's refusal, when it likes."""

    def __init__(self) -> None:
        self.refuse = asyncio.Event()

    async def request(self, message_type: int, payload: bytes) -> bytes:
        await self.refuse.wait()
        raise PeerError("QUERY_STATE_NEXT failed: query iterator not found")


async def test_a_query_refused_after_its_reader_gave_up_is_not_reported_as_an_error_nobody_retrieved():
    """asyncio reports a failed task nobody awaited as it is collected, at ERROR with a traceback: a refusal no
    reader waits for any more (the readers gave up, or the closing stream cancelled them) is no such error."""
    reported = []
    asyncio.get_running_loop().set_exception_handler(lambda loop, context: reported.append(context["message"]))
    transport = _RefusingLater()
    rows = QueryIterator(transport, Msg.GET_STATE_BY_RANGE, b"", bytes)
    reader = asyncio.create_task(anext(rows))
    await asyncio.sleep(0)   # the query is out
    reader.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await reader
    transport.refuse.set()
    for _ in range(5):   # the request task takes the refusal
        await asyncio.sleep(0)
    del rows, reader
    gc.collect()
    assert reported == []
