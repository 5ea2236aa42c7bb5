"""Answers a Fabric peer never gives, over the Connect stream: a reply of the wrong message type. It fails its own
transaction at once, saying what came, and the stream serves on."""

import pytest

from .peer_double import CHANNEL, Msg, PeerSide, running_server
from .test_stream_protocol import Wire, response_of


@pytest.mark.parametrize("kind, named", [(Msg.COMPLETED, "COMPLETED"), (Msg.PUT_STATE, "PUT_STATE"),
                                         (99, "message type 99")], ids=["completed", "put-state", "unnumbered"])
async def test_a_reply_of_the_wrong_type_fails_its_request_at_once_naming_both_types(kind, named):
    """Dropped, such a message left the request waiting out CHAINCODE_PEER_REPLY_TIMEOUT (a minute), and the peer
    its execute timeout, with nothing said to the caller."""
    async with running_server([Wire()]) as port, PeerSide.connect(port) as peer:
        await peer.start("tx1", "wire:Read", "k")
        await peer.expect("tx1", Msg.GET_STATE)
        await peer.send(Msg(type=kind, payload=b"v", txid="tx1", channel_id=CHANNEL))
        response = response_of(await peer.expect("tx1", Msg.COMPLETED))
        assert (response.status, response.message) == (
            500, f"PeerError: the peer answered GET_STATE with {named}, not RESPONSE or ERROR, which a Fabric peer "
                 "never does: check the peer's version and log for tx tx1")
        await peer.still_serves_a_read("wire:Read")


async def test_a_message_of_the_wrong_type_for_another_channel_leaves_the_waiting_request_its_own_reply():
    async with running_server([Wire()]) as port, PeerSide.connect(port) as peer:
        await peer.start("tx1", "wire:Read", "k")
        await peer.expect("tx1", Msg.GET_STATE)
        await peer.send(Msg(type=Msg.COMPLETED, payload=b"v", txid="tx1", channel_id="another-channel"))
        await peer.reply("tx1", b"mine")
        response = response_of(await peer.expect("tx1", Msg.COMPLETED))
        assert (response.status, response.payload) == (200, b"mine")
