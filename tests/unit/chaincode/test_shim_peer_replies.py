"""Answers a Fabric peer never gives, over the Connect stream: a reply of the wrong message type, bytes that do not
parse as the reply's protobuf, a refused iterator release after the contract broke a rule. Each fails its own
transaction at once, saying what came and what the contract meant, and the stream serves on."""

import pytest
from fabric_protos.peer import chaincode_shim_pb2 as shim_pb2

from chaincode.contract import Contract, ContractError, Context, transaction
from chaincode.shim import PeerError

from .peer_double import CHANNEL, Msg, PeerSide, running_server
from .test_stream_protocol import Impatient, ScriptedPeer, Wire, kv_row, response_of

NOT_PROTOBUF = b"\xff\xff\xff"   # field 31 of wire type 7, which no protobuf message has


class Rules(Contract):
    """Reads a range in ``async with`` and breaks a rule on its first row, or reads it all."""

    name = "rules"

    @transaction
    async def Scan(self, ctx: Context, refuse: bool) -> list:
        keys = []
        async with ctx.stub.get_state_by_range("a", "z") as rows:
            async for kv in rows:
                if refuse:
                    raise ContractError(f"receivable {kv.key} is frozen: unfreeze it first")
                keys.append(kv.key)
                break
        return keys

    @transaction(evaluate=True)
    async def ReadDespiteRefusal(self, ctx: Context, first: str, second: str) -> str:
        """Reads ``first``, carrying on if the read fails, then returns ``second``'s value."""
        try:
            await ctx.stub.get_state(first)
        except PeerError:
            pass
        return (await ctx.stub.get_state(second) or b"<none>").decode()


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


async def test_after_a_reply_of_the_wrong_type_the_transaction_sends_nothing_more_and_fails_though_caught():
    """The peer's own reply to the request may still come: sent, the next request could be answered with it, the
    contract reading the first key's value for the second's."""
    async with running_server([Rules(), Wire()]) as port, PeerSide.connect(port) as peer:
        await peer.start("tx1", "rules:ReadDespiteRefusal", "first", "second")
        await peer.expect("tx1", Msg.GET_STATE)
        await peer.send(Msg(type=Msg.COMPLETED, payload=b"v", txid="tx1", channel_id=CHANNEL))
        await peer.reply("tx1", b"value of first")
        response = response_of(await peer.expect("tx1", Msg.COMPLETED))
        assert (response.status, response.message) == (
            500, "PeerError: the peer answered GET_STATE with COMPLETED, not RESPONSE or ERROR, which a Fabric peer "
                 "never does: check the peer's version and log for tx tx1; GET_STATE not sent")
        assert peer.unread("tx1") == 0
        await peer.still_serves_a_read("wire:Read")


@pytest.mark.parametrize("function", ["ThenReadB", "ThenReturn"])
async def test_a_reply_of_the_wrong_type_to_a_request_given_up_on_also_stops_the_transaction(function):
    """The contract stopped waiting for "a" (asyncio.wait_for, say): the wrong type still leaves the peer's own reply
    to come, which a request for "b" sent next would take as its own, the contract reading "a"'s value for "b"."""
    peer, contract = ScriptedPeer(), Impatient()
    async with peer.serving(contract):
        peer.start("tx1", function)
        await peer.received(Msg.GET_STATE)
        contract.give_up.set()
        await contract.gave_up.wait()
        peer.send(Msg(type=Msg.COMPLETED, payload=b"v", txid="tx1", channel_id=CHANNEL))
        response = response_of(await peer.received(Msg.COMPLETED))
        assert (response.status, response.message.removesuffix("; GET_STATE not sent")) == (
            500, "PeerError: the peer answered GET_STATE with COMPLETED, not RESPONSE or ERROR, which a Fabric peer "
                 "never does: check the peer's version and log for tx tx1")
        peer.reply("tx1", b"value of a")   # the peer's own reply, after all: nothing takes it
    assert [kind for side, kind in peer.log if side == "chaincode"] == ["REGISTER", "GET_STATE", "COMPLETED"]


def _open_batch(key: str, iterator_id: str) -> bytes:
    """A first batch of one row after which the peer holds the iterator: more follow."""
    return shim_pb2.QueryResponse(results=[kv_row(key)], has_more=True, id=iterator_id).SerializeToString()


def _range_reply(row: bytes) -> bytes:
    return shim_pb2.QueryResponse(results=[shim_pb2.QueryResultBytes(resultBytes=row)], id="i").SerializeToString()


@pytest.mark.parametrize("args, request_type, reply, said", [
    (["wire:RangeOf", "plain", "a", "z"], Msg.GET_STATE_BY_RANGE, NOT_PROTOBUF,
     "GET_STATE_BY_RANGE does not parse as QueryResponse"),
    (["wire:RangeOf", "plain", "a", "z"], Msg.GET_STATE_BY_RANGE, _range_reply(NOT_PROTOBUF),
     "a query (a row of it) does not parse as KV"),
    (["wire:History", "r1"], Msg.GET_HISTORY_FOR_KEY, _range_reply(NOT_PROTOBUF),
     "GET_HISTORY_FOR_KEY (a row of it) does not parse as KeyModification"),
    (["wire:Page", "3", ""], Msg.GET_STATE_BY_RANGE,
     shim_pb2.QueryResponse(results=[kv_row("b")], id="i", metadata=NOT_PROTOBUF).SerializeToString(),
     "GET_STATE_BY_RANGE (its page's metadata) does not parse as QueryResponseMetadata"),
    (["wire:Call", "other", "ch2"], Msg.INVOKE_CHAINCODE, NOT_PROTOBUF,
     "INVOKE_CHAINCODE does not parse as ChaincodeMessage"),
    (["wire:Call", "other", "ch2"], Msg.INVOKE_CHAINCODE,
     Msg(type=Msg.COMPLETED, payload=NOT_PROTOBUF).SerializeToString(),
     "INVOKE_CHAINCODE does not parse as Response"),
], ids=["range-reply", "range-row", "history-row", "page-metadata", "invoke-reply", "invoke-response"])
async def test_a_reply_that_does_not_parse_fails_the_transaction_naming_the_request_not_as_an_internal_error(
        args, request_type, reply, said):
    """Answered "internal error (DecodeError) in tx ...: see the chaincode server's log", the caller was sent to
    look for a bug of the chaincode where the peer was at fault."""
    async with running_server([Wire()]) as port, PeerSide.connect(port) as peer:
        await peer.start("tx1", *args)
        await peer.expect("tx1", request_type)
        await peer.reply("tx1", reply)
        response = response_of(await peer.expect("tx1", Msg.COMPLETED))
        assert (response.status, response.message) == (
            500, f"PeerError: the peer's answer to {said}: check the peer's version and log")
        await peer.still_serves_a_read("wire:Read")


@pytest.mark.parametrize("release", ["refused", "granted"])
async def test_the_rule_a_contract_broke_reading_a_range_is_the_answer_whatever_becomes_of_the_release(release):
    """Leaving ``async with`` releases the peer's iterator; a refused release (a peer that has dropped the
    transaction's context says "transaction context not found") replaced the ContractError, and the caller learnt
    of an iterator instead of the rule."""
    async with running_server([Rules(), Wire()]) as port, PeerSide.connect(port) as peer:
        await peer.start("tx1", "rules:Scan", "true")
        await peer.expect("tx1", Msg.GET_STATE_BY_RANGE)
        await peer.reply("tx1", _open_batch("a", "it"))
        close = await peer.expect("tx1", Msg.QUERY_STATE_CLOSE)
        assert shim_pb2.QueryStateClose.FromString(close.payload).id == "it"
        if release == "refused":
            await peer.reply("tx1", b"transaction context not found", error=True)
        else:
            await peer.reply("tx1", shim_pb2.QueryResponse(id="it").SerializeToString())
        response = response_of(await peer.expect("tx1", Msg.COMPLETED))
        assert (response.status, response.message) == (500, "receivable a is frozen: unfreeze it first")
        await peer.still_serves_a_read("wire:Read")


async def test_a_refused_release_after_a_block_that_succeeded_still_fails_the_transaction():
    """Nothing else failed: the refusal is the only news, and the transaction must not report success."""
    async with running_server([Rules(), Wire()]) as port, PeerSide.connect(port) as peer:
        await peer.start("tx1", "rules:Scan", "false")
        await peer.expect("tx1", Msg.GET_STATE_BY_RANGE)
        await peer.reply("tx1", _open_batch("a", "it"))
        await peer.expect("tx1", Msg.QUERY_STATE_CLOSE)
        await peer.reply("tx1", b"transaction context not found", error=True)
        response = response_of(await peer.expect("tx1", Msg.COMPLETED))
        assert (response.status, response.message) == (500, "PeerError: transaction context not found")

