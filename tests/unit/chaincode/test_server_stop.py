"""Stopping the server while peers are connected: new transactions are refused, running ones finish,
and each peer's stream ends once nothing runs on it, rather than being cancelled at the end of the grace."""

import asyncio
import contextlib
import os
import signal
import subprocess
import sys

import grpc
import pytest

from chaincode.contract import Context, Contract, transaction
from chaincode.shim import ChaincodeServer

from .handler_stream import new_transaction_message, ready_handler
from .peer_double import CHANNEL, PACKAGE_ID, TIMEOUT, Msg, PeerSide
from .test_server import REPO, connect_when_up, free_port
from .test_stream_protocol import response_of

# The peer answers its client "transaction returned with failure: " and this.
STOPPING = b"chaincode server is stopping"


class Lookup(Contract):
    """A transaction that runs until the peer answers its read, as long as the test likes."""

    name = "lookup"

    @transaction(evaluate=True)
    async def Read(self, ctx: Context, key: str) -> bytes:
        return await ctx.stub.get_state(key)


@contextlib.asynccontextmanager
async def started_server():
    """A server and its port; the test stops the server itself, or, should it fail first, this does."""
    server = ChaincodeServer([Lookup()], "127.0.0.1:0", PACKAGE_ID)
    port = await server.start()
    try:
        yield server, port
    finally:
        await server.stop(0)   # nothing left to do when the test stopped it


async def stream_status(peer: PeerSide) -> grpc.StatusCode:
    """How the chaincode ended the peer's stream: OK when it ended it itself, not when gRPC cancelled it."""
    return await peer._call.code()


async def test_stop_ends_an_idle_peer_stream_itself_instead_of_waiting_for_the_grace_to_cancel_it():
    async with started_server() as (server, port), PeerSide.connect(port) as peer:
        await server.stop()   # the default grace: at its end gRPC would cancel the stream, status UNAVAILABLE
        assert await stream_status(peer) == grpc.StatusCode.OK


@pytest.mark.parametrize("kind", [Msg.TRANSACTION, Msg.INIT], ids=["TRANSACTION", "INIT"])
async def test_once_stop_begins_a_new_transaction_is_refused_and_a_running_one_completes_before_the_stream_ends(kind):
    async with started_server() as (server, port), PeerSide.connect(port) as peer:
        await peer.start("running", "lookup:Read", "k")
        await peer.expect("running", Msg.GET_STATE)
        stopping = asyncio.create_task(server.stop())
        await asyncio.sleep(0)   # stop() runs up to where it waits for the streams to end
        assert server.failed_checks(), "stop() has not begun"

        await peer.send(new_transaction_message(kind, "late"))
        refusal = await peer.expect("late", Msg.ERROR)
        assert refusal.payload == STOPPING

        await peer.reply("running", b"value of k")   # the running transaction goes on with its read
        assert response_of(await peer.expect("running", Msg.COMPLETED)).payload == b"value of k"
        await stopping
        assert await stream_status(peer) == grpc.StatusCode.OK
    assert server.metrics.in_flight == 0


async def test_stop_without_a_grace_limit_lets_a_running_transaction_finish_however_long_it_takes():
    async with started_server() as (server, port), PeerSide.connect(port) as peer:
        await peer.start("running", "lookup:Read", "k")
        await peer.expect("running", Msg.GET_STATE)
        stopping = asyncio.create_task(server.stop(None))   # gRPC's own stop(None) cancels every call at once
        await asyncio.sleep(0)   # stop() runs up to where it waits for the streams to end
        assert server.failed_checks(), "stop() has not begun"

        await peer.send(new_transaction_message(Msg.TRANSACTION, "late"))
        assert (await peer.expect("late", Msg.ERROR)).payload == STOPPING
        await peer.reply("running", b"value of k")
        assert response_of(await peer.expect("running", Msg.COMPLETED)).payload == b"value of k"
        await stopping
        assert await stream_status(peer) == grpc.StatusCode.OK
    assert server.metrics.in_flight == 0


async def test_stop_without_a_grace_limit_cancelled_while_waiting_stops_grpc_at_once():
    async with started_server() as (server, port):
        with pytest.raises(grpc.aio.AioRpcError) as peer_stream_ended:
            async with PeerSide.connect(port) as peer:
                await peer.start("running", "lookup:Read", "k")
                await peer.expect("running", Msg.GET_STATE)
                # held here: gRPC's server, once nothing refers to it, stops itself as it is collected
                grpc_server = server._server
                stopping = asyncio.create_task(server.stop(None))
                await asyncio.sleep(0)   # stop() waits for the running transaction
                stopping.cancel()
                with pytest.raises(asyncio.CancelledError):
                    await stopping
        # gRPC cancelled the stream rather than serving on with nothing left to stop it
        assert peer_stream_ended.value.code() == grpc.StatusCode.UNAVAILABLE
        del grpc_server


async def test_a_transaction_still_running_when_the_grace_ends_is_answered_500_saying_why_and_the_stream_ends():
    """Cancelled with its stream instead, it went unanswered, and the peer told its client only "chaincode stream
    terminated"."""
    async with started_server() as (server, port), PeerSide.connect(port) as peer:
        await peer.start("running", "lookup:Read", "k")
        await peer.start("also running", "lookup:Read", "k")
        for tx_id in ("running", "also running"):
            await peer.expect(tx_id, Msg.GET_STATE)   # and never answered: they run past any grace
        await server.stop(0.1)
        for tx_id in ("running", "also running"):
            response = response_of(await peer.expect(tx_id, Msg.COMPLETED))
            assert (response.status, response.message) == (
                500, "the chaincode server stopped before this transaction finished: it still ran 0.1 s after the "
                     "stop began; submit it again")
        assert await stream_status(peer) == grpc.StatusCode.OK   # it ended the stream itself, not gRPC
    assert server.metrics.in_flight == 0


async def test_a_second_stop_while_one_runs_returns_once_the_first_has_stopped_the_server():
    """It returned at once, the transactions still running and the operations endpoint stopped under them."""
    async with started_server() as (server, port), PeerSide.connect(port) as peer:
        await peer.start("running", "lookup:Read", "k")
        await peer.expect("running", Msg.GET_STATE)
        first = asyncio.create_task(server.stop(None))
        await asyncio.sleep(0)   # the first stop is draining
        second = asyncio.create_task(server.stop(None))
        for _ in range(5):
            await asyncio.sleep(0)
        assert not second.done()
        await peer.reply("running", b"value of k")
        assert response_of(await peer.expect("running", Msg.COMPLETED)).payload == b"value of k"
        await asyncio.wait_for(second, TIMEOUT)
        assert first.done()


async def test_stop_without_a_grace_limit_and_no_peer_connected_returns():
    async with started_server() as (server, _):
        await asyncio.wait_for(server.stop(None), TIMEOUT)   # nothing to wait for


async def test_a_transaction_grpc_had_received_when_the_drain_began_is_refused_rather_than_lost():
    async with ready_handler(Lookup()) as stream:
        await stream.read.deliver(new_transaction_message(Msg.TRANSACTION, "t1"))   # in, its read not yet resumed
        stream.handler.drain()   # stop() in the same pass of the event loop
        await asyncio.wait_for(stream.running, TIMEOUT)
    # the peer would otherwise fail it only once the stream ends, with "chaincode stream terminated"
    assert [(Msg.Type.Name(m.type), m.payload) for m in stream.sent if m.txid == "t1"] == [("ERROR", STOPPING)]


async def test_grpc_cancelling_the_stream_as_the_drain_ends_it_still_cancels_the_stream():
    async with ready_handler(Lookup()) as stream:
        await stream.read.next_read()   # the stream waits for the next message, which never comes
        stream.handler.drain()
        stream.running.cancel()   # the call ended (the peer went away) in the same pass
        with pytest.raises(asyncio.CancelledError):
            await stream.running


async def test_a_transaction_already_sending_its_answer_when_the_grace_ends_is_neither_cut_nor_answered_twice():
    completing, let_it_go = asyncio.Event(), asyncio.Event()

    async def write(message):
        if message.type == Msg.COMPLETED:
            completing.set()
            await let_it_go.wait()   # gRPC is sending it

    async with ready_handler(Lookup(), write) as stream:
        await stream.start_awaiting_read("t1")
        await stream.read.deliver(Msg(type=Msg.RESPONSE, payload=b"value of k", txid="t1", channel_id=CHANNEL))
        await completing.wait()
        stream.handler.drain()
        stream.handler.cut_running("the grace is over")
        let_it_go.set()
        await asyncio.wait_for(stream.running, TIMEOUT)
    answers = [response_of(message) for message in stream.sent if message.type == Msg.COMPLETED]
    assert [(answer.status, answer.payload) for answer in answers] == [(200, b"value of k")]


async def test_sigterm_with_a_peer_connected_refuses_new_work_finishes_the_running_transaction_and_exits():
    port = free_port()
    env = dict(os.environ, CHAINCODE_ID=PACKAGE_ID, CHAINCODE_SERVER_ADDRESS=f"127.0.0.1:{port}")
    process = subprocess.Popen(
        [sys.executable, "-m", "chaincode", "--contract", "chaincode.feature_contract:FeatureContract"],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        await connect_when_up(port)
        async with PeerSide.connect(port) as peer:
            await peer.start("running", "features:GetState", "k")
            await peer.expect("running", Msg.GET_STATE)
            process.send_signal(signal.SIGTERM)
            # the server logs this as it begins to stop, and refuses transactions from the next step on
            while "stopping chaincode server" not in (line := await asyncio.to_thread(process.stdout.readline)):
                assert line, "the server exited without saying it was stopping"
            await peer.start("late", "features:GetState", "k")
            assert (await peer.expect("late", Msg.ERROR)).payload == STOPPING
            await peer.reply("running", b"value of k")
            assert response_of(await peer.expect("running", Msg.COMPLETED)).status == 200
            assert await stream_status(peer) == grpc.StatusCode.OK
        assert await asyncio.to_thread(process.wait, 15) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
