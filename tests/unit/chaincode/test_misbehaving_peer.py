"""A peer that misbehaves, or is merely unusual, on the Connect stream: the server keeps serving, answers
each transaction under its own tx ID, and says what went wrong in one line."""

import asyncio
import json
import random

import pytest
from fabric_protos.peer import chaincode_pb2, chaincode_shim_pb2 as shim_pb2, proposal_response_pb2

from chaincode.shim import ChaincodeServer

from .peer_double import CHANNEL, PACKAGE_ID, TIMEOUT, Msg, PeerSide, running_server
from .test_stream_protocol import Wire, kv_row, response_of


@pytest.mark.parametrize("query", ["plain", "paged"])
@pytest.mark.parametrize("rows_first", [[], ["a"]])
@pytest.mark.parametrize("release_refused", [False, True])
async def test_a_batch_with_no_rows_that_says_more_follow_fails_the_transaction_instead_of_asking_for_ever(
        query, rows_first, release_refused):
    """Asked again, such a peer can answer the same for ever: the transaction would never end. The iterator the
    peer says it holds is released first, whether the batch answered the query or a QUERY_STATE_NEXT: the contract,
    whose read failed, has no reason to close it. A refused release does not hide why the read failed."""
    async with running_server([Wire()]) as port, PeerSide.connect(port) as peer:
        await peer.start("tx1", "wire:RangeOf", query, "a", "z")
        await peer.expect("tx1", Msg.GET_STATE_BY_RANGE)
        if rows_first:
            await peer.reply("tx1", shim_pb2.QueryResponse(results=[kv_row(key) for key in rows_first],
                                                           has_more=True, id="iter-1").SerializeToString())
            await peer.expect("tx1", Msg.QUERY_STATE_NEXT)
        await peer.reply("tx1", shim_pb2.QueryResponse(results=[], has_more=True, id="iter-1").SerializeToString())
        release = await peer.expect("tx1", Msg.QUERY_STATE_CLOSE)
        assert shim_pb2.QueryStateClose.FromString(release.payload).id == "iter-1"
        if release_refused:
            await peer.reply("tx1", b"no such iterator", error=True)
        else:
            await peer.reply("tx1", shim_pb2.QueryResponse(id="iter-1").SerializeToString())
        response = response_of(await peer.expect("tx1", Msg.COMPLETED))   # released once, and nothing else sent
        assert response.status == 500
        request = "QUERY_STATE_NEXT" if rows_first else "GET_STATE_BY_RANGE"
        assert response.message == (f"PeerError: the peer answered {request} with no rows yet said more follow "
                                    "(iterator 'iter-1'), which a Fabric peer never does: the query is given up "
                                    "rather than asked on for ever; check the peer's version and log")
        await peer.still_serves_a_read("wire:Read")


async def test_replies_for_no_request_in_flight_are_dropped_and_the_waiting_one_gets_its_own():
    async with running_server([Wire()]) as port, PeerSide.connect(port) as peer:
        await peer.start("tx1", "wire:Read", "k")
        await peer.expect("tx1", Msg.GET_STATE)
        await peer.reply("ghost", b"not-yours")
        await peer.reply("ghost", b"not-yours", error=True)
        await peer.reply("tx1", b"not-yours", channel_id="another-channel")
        await peer.reply("tx1", b"mine")
        response = response_of(await peer.expect("tx1", Msg.COMPLETED))
        assert (response.status, response.payload) == (200, b"mine")
        await peer.still_serves_a_read("wire:Read")


@pytest.mark.parametrize("reason", [b"", b" \n"])
async def test_an_error_without_a_reason_from_the_peer_fails_the_transaction_saying_so(reason):
    async with running_server([Wire()]) as port, PeerSide.connect(port) as peer:
        await peer.start("tx1", "wire:Read", "k")
        await peer.expect("tx1", Msg.GET_STATE)
        await peer.reply("tx1", reason, error=True)
        response = response_of(await peer.expect("tx1", Msg.COMPLETED))
        assert (response.status, response.message) == (
            500, "PeerError: the peer refused GET_STATE without saying why: check the peer's log for tx tx1")
        await peer.still_serves_a_read("wire:Read")


@pytest.mark.parametrize("again", [Msg.TRANSACTION, Msg.INIT])
async def test_a_second_transaction_under_a_running_tx_id_is_refused_and_the_first_answered_once(again):
    async with running_server([Wire()]) as port, PeerSide.connect(port) as peer:
        await peer.start("tx1", "wire:Read", "k")
        await peer.expect("tx1", Msg.GET_STATE)
        await peer.send(Msg(type=again, txid="tx1", channel_id=CHANNEL,
                            payload=chaincode_pb2.ChaincodeInput(args=[b"wire:Read", b"other"]).SerializeToString()))
        refusal = await peer.expect("tx1", Msg.ERROR)
        assert refusal.payload == b"transaction tx1 is already running on this stream"
        await peer.reply("tx1", b"first")
        response = response_of(await peer.expect("tx1", Msg.COMPLETED))
        assert (response.status, response.payload) == (200, b"first")
        await peer.still_serves_a_read("wire:Read")
        assert peer.unread("tx1") == 0, "the second never ran: no request, no second COMPLETED"


async def test_a_storm_of_keepalives_is_answered_one_for_one_while_a_transaction_runs():
    storm = 500
    async with running_server([Wire()]) as port, PeerSide.connect(port) as peer:
        await peer.start("tx1", "wire:Read", "k")
        await peer.expect("tx1", Msg.GET_STATE)
        for _ in range(storm):
            await peer.send(Msg(type=Msg.KEEPALIVE))
        await peer.reply("tx1", b"v")
        assert response_of(await peer.expect("tx1", Msg.COMPLETED)).payload == b"v"
        for _ in range(storm):
            await asyncio.wait_for(peer.keepalives.get(), TIMEOUT)
        await peer.still_serves_a_read("wire:Read")
        assert peer.keepalives.empty()


async def test_a_stream_closed_under_waiting_transactions_leaves_nothing_held():
    server = ChaincodeServer([Wire()], "127.0.0.1:0", PACKAGE_ID)
    port = await server.start()
    try:
        async with PeerSide.connect(port) as peer:
            for number in range(5):
                await peer.start(f"tx{number}", "wire:Read", "k")
                await peer.expect(f"tx{number}", Msg.GET_STATE)
            (handler,) = server._service._streams
            assert server.metrics.in_flight == 5
        # closed by the peer with every request unanswered
        for _ in range(100):
            if not server._service._streams and server.metrics.in_flight == 0:
                break
            await asyncio.sleep(0.02)
        assert not server._service._streams
        assert server.metrics.in_flight == 0
        assert (handler._running, handler._pending_replies, handler._background) == ({}, {}, set())
        async with PeerSide.connect(port) as peer:
            await peer.still_serves_a_read("wire:Read")
    finally:
        await server.stop(0)


@pytest.mark.parametrize("inner", [Msg(type=Msg.ERROR), Msg(type=Msg.ERROR, payload=b"\n"), None])
async def test_a_called_chaincode_failing_without_a_reason_is_said_so_to_the_calling_contract(inner):
    """None: the peer's reply is empty, so no COMPLETED of the called chaincode is in it either."""
    async with running_server([Wire()]) as port, PeerSide.connect(port) as peer:
        await peer.start("tx1", "wire:Call", "other", "ch2")
        await peer.expect("tx1", Msg.INVOKE_CHAINCODE)
        await peer.reply("tx1", inner.SerializeToString() if inner is not None else b"")
        result = json.loads(response_of(await peer.expect("tx1", Msg.COMPLETED)).payload)
        assert result == {"status": 500, "payload": "", "message": "chaincode other/ch2 failed without saying "
                                                                   "why: check the peer's log for tx tx1"}


async def test_a_response_the_called_chaincode_gave_is_its_own_even_an_error_without_a_message():
    """Only a failure before any response is said for it: a called chaincode's own answer is passed on as given."""
    async with running_server([Wire()]) as port, PeerSide.connect(port) as peer:
        await peer.start("tx1", "wire:Call", "other", "ch2")
        await peer.expect("tx1", Msg.INVOKE_CHAINCODE)
        answered = proposal_response_pb2.Response(status=500, payload=b"partial")
        await peer.reply("tx1", Msg(type=Msg.COMPLETED, payload=answered.SerializeToString()).SerializeToString())
        result = json.loads(response_of(await peer.expect("tx1", Msg.COMPLETED)).payload)
        assert result == {"status": 500, "payload": "partial", "message": ""}


@pytest.mark.parametrize("seed", range(3))
async def test_transactions_answered_in_a_shuffled_order_among_stray_messages_each_get_their_own_values(seed):
    """Several transactions on one stream, each reading keys one at a time; the peer answers whichever it
    likes next, and between answers sends keepalives, replies for tx IDs that run nowhere and late replies
    for transactions that have ended."""
    chosen = random.Random(seed)
    async with running_server([Wire()]) as port, PeerSide.connect(port) as peer:
        keys_of = {f"tx{number}": [f"k{number}-{read}" for read in range(chosen.randint(1, 4))]
                   for number in range(chosen.randint(2, 12))}
        for tx_id, keys in keys_of.items():
            await peer.start(tx_id, "wire:Many", json.dumps(keys))
        unread = {tx_id: list(keys) for tx_id, keys in keys_of.items()}
        ended: list[str] = []
        while unread:
            tx_id = chosen.choice(sorted(unread))
            noise = chosen.random()
            if noise < 0.2:
                await peer.send(Msg(type=Msg.KEEPALIVE))
            elif noise < 0.3:
                await peer.reply(f"{tx_id}-elsewhere", b"stray")
            elif noise < 0.4 and ended:
                await peer.reply(chosen.choice(ended), b"late", error=chosen.random() < 0.5)
            key = shim_pb2.GetState.FromString((await peer.expect(tx_id, Msg.GET_STATE)).payload).key
            await peer.reply(tx_id, key.upper().encode())
            unread[tx_id].remove(key)
            if not unread[tx_id]:
                del unread[tx_id]
                response = response_of(await peer.expect(tx_id, Msg.COMPLETED))
                assert (response.status, json.loads(response.payload)) == (200, [k.upper() for k in keys_of[tx_id]])
                ended.append(tx_id)
        assert all(peer.unread(tx_id) == 0 for tx_id in keys_of)
