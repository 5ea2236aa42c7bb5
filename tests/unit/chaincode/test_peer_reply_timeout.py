"""A peer that never answers a transaction's request: the transaction fails at the reply deadline."""

import asyncio
import contextlib

import pytest
from fabric_protos.peer import proposal_response_pb2

from chaincode.contract import Context, Contract, transaction
from chaincode.feature_contract import FeatureContract
from chaincode.shim import ChaincodeServer, PeerError, server

from .peer_double import CHANNEL, PACKAGE_ID, Msg, PeerSide
from .test_stream_protocol import ScriptedPeer

# Far below the default (a minute): the deadline is the only thing that can end these transactions, whatever
# it is, and the tests' 5 s waits for the answer fail on a runtime that has none.
DEADLINE = 0.01


class Stubborn(Contract):
    name = "stubborn"

    @transaction(evaluate=True)
    async def Read(self, ctx: Context, key: str) -> str:
        return (await ctx.stub.get_state(key) or b"").decode()

    @transaction(evaluate=True)
    async def ReadAgain(self, ctx: Context) -> str:
        """Reads "a", and on its failure "b": a caller retrying past a request the peer never answered."""
        try:
            await ctx.stub.get_state("a")
        except PeerError:
            pass
        return (await ctx.stub.get_state("b") or b"").decode()

    @transaction(evaluate=True)
    async def GiveUpOnRead(self, ctx: Context) -> str:
        """Stops waiting for "a" at once (as asyncio.wait_for does), leaving the peer owing its reply."""
        reading = asyncio.ensure_future(ctx.stub.get_state("a"))
        await asyncio.sleep(0)   # the request is out
        reading.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reading
        return "gave up"


def serving(peer: ScriptedPeer, reply_timeout: float = DEADLINE):
    return peer.serving(Stubborn(), reply_timeout=reply_timeout)


def response_of(completed) -> proposal_response_pb2.Response:
    return proposal_response_pb2.Response.FromString(completed.payload)


async def failed_at_the_deadline(peer: ScriptedPeer, *call: str) -> proposal_response_pb2.Response:
    """The answer to ``call`` (a function and its arguments) as tx1, whose GET_STATE the peer never answers: a
    failure naming the request."""
    peer.start("tx1", *call)
    await peer.received(Msg.GET_STATE)
    response = response_of(await peer.received(Msg.COMPLETED))
    assert response.status == 500
    assert response.message.startswith("PeerError: the peer did not answer GET_STATE within")
    return response


async def test_a_request_the_peer_never_answers_fails_its_transaction_naming_the_request_and_the_setting():
    peer = ScriptedPeer()
    async with serving(peer) as handler:
        response = await failed_at_the_deadline(peer, "stubborn:Read", "k")
        assert (response.status, response.message) == (
            500, f"PeerError: the peer did not answer GET_STATE within {DEADLINE:g} s "
                 f"(CHAINCODE_PEER_REPLY_TIMEOUT): check the peer's log for tx tx1")
        # the reply coming after all finds nothing waiting for it, and the stream serves on
        peer.reply("tx1", b"late")
        peer.start("tx2", "stubborn:Read", "k")
        await peer.received(Msg.GET_STATE)
        peer.reply("tx2", b"v")
        assert response_of(await peer.received(Msg.COMPLETED)).payload == b"v"
        assert handler._pending_replies == {}
        assert handler.metrics.in_flight == 0


async def test_after_an_unanswered_request_the_transaction_sends_no_other_the_late_reply_could_answer():
    peer = ScriptedPeer()
    async with serving(peer):
        response = await failed_at_the_deadline(peer, "stubborn:ReadAgain")
        assert response.message.endswith("; GET_STATE not sent")
    assert [kind for side, kind in peer.log if side == "chaincode"] == ["REGISTER", "GET_STATE", "COMPLETED"]


async def test_a_request_its_caller_gave_up_on_fails_the_transaction_at_the_deadline():
    """COMPLETED waits for every reply the peer owes; one it never sends must not hold the answer for good,
    nor end as a success: the request given up on could have been a write the peer never took."""
    peer = ScriptedPeer()
    async with serving(peer):
        await failed_at_the_deadline(peer, "stubborn:GiveUpOnRead")


async def test_the_server_gives_its_streams_the_reply_deadline():
    chaincode_server = ChaincodeServer([FeatureContract()], "127.0.0.1:0", PACKAGE_ID,
                                       peer_reply_timeout=DEADLINE)
    port = await chaincode_server.start()
    try:
        async with PeerSide.connect(port) as peer:
            await peer.start("tx1", "features:GetState", "k")
            await peer.expect("tx1", Msg.GET_STATE)
            response = response_of(await peer.expect("tx1", Msg.COMPLETED))
            assert response.status == 500
            assert "the peer did not answer GET_STATE within" in response.message
    finally:
        await chaincode_server.stop(0)


def test_the_default_deadline_outlasts_the_peers_execute_timeout():
    assert ChaincodeServer([FeatureContract()], "127.0.0.1:0", PACKAGE_ID).peer_reply_timeout == 60.0


@pytest.mark.parametrize("seconds", [0, -1, float("inf"), float("nan")])
def test_a_deadline_that_is_no_positive_number_of_seconds_is_refused(seconds):
    with pytest.raises(ValueError, match="give a positive number of seconds"):
        ChaincodeServer([FeatureContract()], "127.0.0.1:0", PACKAGE_ID, peer_reply_timeout=seconds)


@pytest.mark.parametrize("value", ["soon", "0", "-5", "inf"])
def test_python_m_chaincode_refuses_a_bad_peer_reply_timeout_naming_it(monkeypatch, capsys, value):
    monkeypatch.setenv("CHAINCODE_ID", PACKAGE_ID)
    monkeypatch.setenv("CHAINCODE_SERVER_ADDRESS", "127.0.0.1:0")
    monkeypatch.setenv("CHAINCODE_PEER_REPLY_TIMEOUT", value)
    monkeypatch.setattr(server, "serve", _never_to_serve)
    with pytest.raises(SystemExit) as exit:
        server.main(["--contract", "chaincode.feature_contract:FeatureContract"])
    assert exit.value.code == 2
    said = capsys.readouterr().err
    assert f"error: --peer-reply-timeout (or CHAINCODE_PEER_REPLY_TIMEOUT) {value!r}: give a positive" in said


async def _never_to_serve(*args, **kwargs):
    raise AssertionError("the server started serving with a peer reply timeout it should have refused")


async def test_a_reply_dropped_says_on_which_channel_and_why_no_request_took_it(caplog):
    """A tx ID is unique on its channel only: "unexpected RESPONSE for tx tx1" alone, while tx1 waits for
    one, reads as the runtime losing a reply; the channel it came on, and where tx1 waits, say it did not."""
    peer = ScriptedPeer()
    async with serving(peer, reply_timeout=60):
        peer.start("tx1", "stubborn:Read", "k")
        await peer.received(Msg.GET_STATE)
        peer.send(Msg(type=Msg.RESPONSE, txid="tx1", channel_id="elsewhere", payload=b"not yours"))
        peer.reply("tx1", b"v")
        assert response_of(await peer.received(Msg.COMPLETED)).payload == b"v"
        peer.reply("tx1", b"once more")
        peer.start("tx2", "stubborn:Read", "k")   # served once the reply before it has been read
        await peer.received(Msg.GET_STATE)
        peer.reply("tx2", b"v")
        await peer.received(Msg.COMPLETED)
    dropped = [record.getMessage() for record in caplog.records if record.getMessage().startswith("dropping")]
    assert dropped == [
        "dropping an unexpected RESPONSE for tx tx1 on channel 'elsewhere': no request of it awaits a reply "
        f"there; one does on channel {CHANNEL!r}",
        f"dropping an unexpected RESPONSE for tx tx1 on channel {CHANNEL!r}: no request of it awaits a "
        "reply: answered already, given up after CHAINCODE_PEER_REPLY_TIMEOUT, or the transaction has ended",
    ]
