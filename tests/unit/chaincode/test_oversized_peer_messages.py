"""A message from the peer over the server's message limit is refused alone, saying its size, the limit and what to
change, and the stream serves on: at gRPC's limit the whole stream ended, with every transaction on it, and the
server's log said only that the peer had disconnected."""

import logging

import pytest

from chaincode.contract import Context, Contract, transaction
from chaincode.shim import _handler, server

from .peer_double import Msg, PeerSide, running_server
from .test_stream_protocol import response_of

# Small enough for tests to exceed it quickly, large enough for every other message they send.
SMALL_LIMIT = 256 * 1024
OVER = SMALL_LIMIT + 1024


class Reader(Contract):
    name = "reader"

    @transaction(evaluate=True)
    async def Read(self, ctx: Context, key: str) -> bytes:
        return await ctx.stub.get_state(key) or b"<none>"


@pytest.fixture
def small_message_limit(monkeypatch):
    """The server's message limit at SMALL_LIMIT, as it is at 100 MiB."""
    monkeypatch.setattr(server, "MAX_MESSAGE_BYTES", SMALL_LIMIT)
    monkeypatch.setattr(_handler, "MAX_MESSAGE_BYTES", SMALL_LIMIT)


async def test_a_transaction_over_the_limit_is_refused_naming_its_size_and_the_stream_serves_on(
        small_message_limit, caplog):
    async with running_server([Reader()]) as port, PeerSide.connect(port) as peer:
        await peer.start("big", "reader:Read", "k" * OVER)
        refusal = (await peer.expect("big", Msg.ERROR)).payload.decode()
        assert refusal.startswith("TRANSACTION message too large: ")
        size = int(refusal.split(": ")[1].split(" bytes")[0])
        assert size > SMALL_LIMIT + OVER   # the key twice: in the input and in the proposal
        assert f"the chaincode server's limit is {SMALL_LIMIT} bytes (MAX_MESSAGE_BYTES" in refusal
        assert "peer.maxSendMsgSize" in refusal and "smaller arguments" in refusal
        await peer.still_serves_a_read("reader:Read")
    logged = [record for record in caplog.records if "refusing tx big" in record.getMessage()]
    assert [record.levelno for record in logged] == [logging.ERROR]
    assert f"{size} bytes" in logged[0].getMessage()


async def test_a_reply_over_the_limit_fails_its_transaction_naming_its_size_and_the_stream_serves_on(
        small_message_limit):
    async with running_server([Reader()]) as port, PeerSide.connect(port) as peer:
        await peer.start("read", "reader:Read", "k")
        await peer.expect("read", Msg.GET_STATE)
        await peer.reply("read", b"v" * OVER)
        answer = response_of(await peer.expect("read", Msg.COMPLETED))
        assert answer.status == 500
        assert answer.message.startswith("PeerError: RESPONSE message too large: ")
        assert f"the chaincode server's limit is {SMALL_LIMIT} bytes" in answer.message
        assert answer.message.endswith("read fewer or smaller values in one request")
        await peer.still_serves_a_read("reader:Read")


async def test_a_keepalive_over_the_limit_is_dropped_saying_so_and_the_stream_serves_on(small_message_limit, caplog):
    async with running_server([Reader()]) as port, PeerSide.connect(port) as peer:
        await peer.send(Msg(type=Msg.KEEPALIVE, payload=b"x" * OVER))
        await peer.still_serves_a_read("reader:Read")
    dropped = [record.getMessage() for record in caplog.records if "dropping a KEEPALIVE" in record.getMessage()]
    assert len(dropped) == 1 and "KEEPALIVE message too large" in dropped[0]
