"""A peer that misbehaves, or is merely unusual, on the Connect stream: the server keeps serving, answers
each transaction under its own tx ID, and says what went wrong in one line."""

import pytest
from fabric_protos.peer import chaincode_shim_pb2 as shim_pb2

from .peer_double import Msg, PeerSide, running_server
from .test_stream_protocol import Wire, kv_row, response_of


async def the_stream_still_answers(peer: PeerSide, tx_id: str = "after") -> None:
    await peer.start(tx_id, "wire:Read", "k")
    await peer.expect(tx_id, Msg.GET_STATE)
    await peer.reply(tx_id, b"v")
    response = response_of(await peer.expect(tx_id, Msg.COMPLETED))
    assert (response.status, response.payload) == (200, b"v")


@pytest.mark.parametrize("query", ["plain", "paged"])
@pytest.mark.parametrize("rows_first", [[], ["a"]])
async def test_a_batch_with_no_rows_that_says_more_follow_fails_the_transaction_instead_of_asking_for_ever(
        query, rows_first):
    """Asked again, such a peer can answer the same for ever: the transaction would never end."""
    async with running_server([Wire()]) as port, PeerSide.connect(port) as peer:
        await peer.start("tx1", "wire:RangeOf", query, "a", "z")
        await peer.expect("tx1", Msg.GET_STATE_BY_RANGE)
        if rows_first:
            await peer.reply("tx1", shim_pb2.QueryResponse(results=[kv_row(key) for key in rows_first],
                                                           has_more=True, id="iter-1").SerializeToString())
            await peer.expect("tx1", Msg.QUERY_STATE_NEXT)
        await peer.reply("tx1", shim_pb2.QueryResponse(results=[], has_more=True, id="iter-1").SerializeToString())
        message = await peer.next_message("tx1")
        if message.type == Msg.QUERY_STATE_CLOSE:   # releasing the iterator the peer says it holds is fine
            await peer.reply("tx1")
            message = await peer.next_message("tx1")
        assert Msg.Type.Name(message.type) == "COMPLETED", message
        response = response_of(message)
        assert response.status == 500
        request = "QUERY_STATE_NEXT" if rows_first else "GET_STATE_BY_RANGE"
        assert response.message == (f"PeerError: the peer answered {request} with no rows yet said more follow "
                                    "(iterator 'iter-1'), which a Fabric peer never does: the query is given up "
                                    "rather than asked on for ever; check the peer's version and log")
        await the_stream_still_answers(peer)
