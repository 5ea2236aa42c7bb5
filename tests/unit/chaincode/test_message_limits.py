"""Oversized values a caller or a contract produces: answered with status 500, and the stream survives.

gRPC ends the whole Connect call on a message over its limit, losing every
transaction on the stream, so each test runs the next transaction on the same
stream after the oversized one.
"""

import pytest
from fabric_protos.peer import chaincode_shim_pb2 as shim_pb2, proposal_response_pb2

from chaincode.contract import Context, Contract, ContractError, transaction
from chaincode.shim import PeerOptions, _handler, server
from chaincode.shim._handler import _completed_message
from chaincode.shim._text import MAX_RESPONSE_MESSAGE_BYTES, cap_response_message, excerpt
from chaincode.shim._types import Response

from .peer_double import CHANNEL, Msg, PeerSide, running_server

# Small enough for tests to exceed it quickly, large enough for every other message they send.
SMALL_LIMIT = 256 * 1024


class Oversized(Contract):
    name = "big"

    @transaction(evaluate=True)
    async def Payload(self, ctx: Context, size: int) -> bytes:
        return b"x" * size

    @transaction
    async def Event(self, ctx: Context, size: int) -> None:
        ctx.stub.set_event("big", b"x" * size)

    @transaction
    async def Store(self, ctx: Context, size: int) -> None:
        await ctx.stub.put_state("k", b"x" * size)

    @transaction
    async def StoreEach(self, ctx: Context, sizes: list[int]) -> None:
        for number, size in enumerate(sizes):
            await ctx.stub.put_state(f"k{number}", b"x" * size)

    @transaction
    async def Refuse(self, ctx: Context, text: str, repeat: int) -> None:
        raise ContractError(text * repeat)

    @transaction(evaluate=True)
    async def Read(self, ctx: Context, key: str) -> bytes:
        return await ctx.stub.get_state(key) or b"<none>"

    @transaction(evaluate=True)
    async def ReadLong(self, ctx: Context, size: int) -> bytes:
        return await ctx.stub.get_state("k" * size) or b"<none>"


def response_of(completed) -> proposal_response_pb2.Response:
    return proposal_response_pb2.Response.FromString(completed.payload)


@pytest.fixture
def small_message_limit(monkeypatch):
    """The server's gRPC limit and the runtime's own checks both at SMALL_LIMIT, as they are at 100 MiB."""
    monkeypatch.setattr(server, "MAX_MESSAGE_BYTES", SMALL_LIMIT)
    monkeypatch.setattr(_handler, "MAX_MESSAGE_BYTES", SMALL_LIMIT)
    return SMALL_LIMIT


async def test_an_unknown_function_named_with_megabytes_is_answered_briefly_at_the_real_limit():
    # Quoted whole, each \x01 would become four characters: 108 MB, over the 100 MiB limit.
    name = "big:" + "\x01" * 27_000_000
    async with running_server([Oversized()]) as port, PeerSide.connect(port) as peer:
        await peer.start("tx1", name)
        response = response_of(await peer.expect("tx1", Msg.COMPLETED))
        assert response.status == 500
        assert response.message == (f"function {excerpt(name)} is not a transaction of contract 'big'")
        assert response.message.startswith("function 'big:\\x01\\x01")
        await peer.still_serves_a_read("big:Read")


async def test_a_response_message_over_4_kib_is_cut_between_characters():
    async with running_server([Oversized()]) as port, PeerSide.connect(port) as peer:
        await peer.start("tx1", "big:Refuse", "€", "2000")   # 6000 bytes of a 3-byte character
        response = response_of(await peer.expect("tx1", Msg.COMPLETED))
        assert response.status == 500
        assert response.message == "€" * (MAX_RESPONSE_MESSAGE_BYTES // 3) + "…"
        await peer.still_serves_a_read("big:Read")


@pytest.mark.parametrize("function", ["big:Payload", "big:Event"])
async def test_an_answer_over_the_message_limit_becomes_a_500_saying_so(small_message_limit, function):
    async with running_server([Oversized()]) as port, PeerSide.connect(port) as peer:
        await peer.start("tx1", function, str(small_message_limit))
        completed = await peer.expect("tx1", Msg.COMPLETED)
        response = response_of(completed)
        assert (response.status, response.payload) == (500, b"")
        assert not completed.HasField("chaincode_event")
        head, _, rest = response.message.partition(" bytes, the limit is ")
        assert head.startswith("response too large: ")
        assert int(head.removeprefix("response too large: ")) > small_message_limit
        assert rest.startswith(f"{small_message_limit}: return a smaller payload or event")
        await peer.still_serves_a_read("big:Read")


async def test_an_answer_just_under_the_limit_goes_out_whole(small_message_limit):
    async with running_server([Oversized()]) as port, PeerSide.connect(port) as peer:
        size = small_message_limit - 1024   # room for the message's other fields
        await peer.start("tx1", "big:Payload", str(size))
        response = response_of(await peer.expect("tx1", Msg.COMPLETED))
        assert (response.status, len(response.payload)) == (200, size)


@pytest.mark.parametrize(("function", "request_type", "advice", "not_said"), [
    ("big:Store", "PUT_STATE", "use smaller keys and values", None),
    # a read is told to read less, not to write less
    ("big:ReadLong", "GET_STATE", "read with shorter keys or a shorter query", "writes"),
])
async def test_a_request_over_the_message_limit_fails_its_transaction_unsent(small_message_limit, function,
                                                                             request_type, advice, not_said):
    async with running_server([Oversized()]) as port, PeerSide.connect(port) as peer:
        await peer.start("tx1", function, str(small_message_limit))
        # The next message of the transaction is COMPLETED: the request never went out.
        response = response_of(await peer.expect("tx1", Msg.COMPLETED))
        assert response.status == 500
        assert response.message.startswith(f"ValueError: {request_type} request too large: ")
        assert f"the limit is {small_message_limit}: {advice}" in response.message
        assert not_said is None or not_said not in response.message
        await peer.still_serves_a_read("big:Read")


async def test_batched_writes_that_each_fit_are_cut_into_messages_within_the_limit(small_message_limit):
    # Each value fits a message of its own, as it would unbatched; together they are several limits' worth.
    sizes = [100 * 1024, 100 * 1024, 30 * 1024, 120 * 1024, 200 * 1024, 1, 255 * 1024]
    options = PeerOptions(use_write_batch=True, max_size_write_batch=1000)
    async with running_server([Oversized()]) as port, PeerSide.connect(port, options) as peer:
        await peer.start("tx1", "big:StoreEach", str(sizes))
        batches = []
        while (message := await peer.next_message("tx1")).type == Msg.WRITE_BATCH_STATE:
            assert message.ByteSize() <= small_message_limit
            batches.append(shim_pb2.WriteBatchState.FromString(message.payload))
            await peer.reply("tx1")
        assert response_of(message).status == 200
        assert [len(record.value) for batch in batches for record in batch.rec] == sizes
        assert [len(batch.rec) for batch in batches] == [3, 1, 2, 1]
        # No batch was cut early: the next batch's first record would not have fit in it.
        for batch, following in zip(batches, batches[1:]):
            joined = shim_pb2.WriteBatchState(rec=[*batch.rec, following.rec[0]])
            assert Msg(type=Msg.WRITE_BATCH_STATE, payload=joined.SerializeToString(), txid="tx1",
                       channel_id=CHANNEL).ByteSize() > small_message_limit


async def test_a_batched_write_too_large_on_its_own_fails_its_transaction_unsent(small_message_limit):
    options = PeerOptions(use_write_batch=True)
    async with running_server([Oversized()]) as port, PeerSide.connect(port, options) as peer:
        await peer.start("tx1", "big:StoreEach", str([10, small_message_limit]))
        # The small write went out in a batch of its own before the large one was refused.
        first = await peer.expect("tx1", Msg.WRITE_BATCH_STATE)
        assert [len(r.value) for r in shim_pb2.WriteBatchState.FromString(first.payload).rec] == [10]
        await peer.reply("tx1")
        response = response_of(await peer.expect("tx1", Msg.COMPLETED))
        assert response.status == 500
        assert response.message.startswith("ValueError: WRITE_BATCH_STATE request too large: ")
        await peer.still_serves_a_read("big:Read")


def test_the_cap_keeps_a_message_that_fits_and_cuts_one_that_does_not_between_characters():
    fits = "a" + "€" * ((MAX_RESPONSE_MESSAGE_BYTES - 1) // 3)
    assert len(fits.encode()) == MAX_RESPONSE_MESSAGE_BYTES
    assert cap_response_message(fits) is fits
    assert cap_response_message("a" * (MAX_RESPONSE_MESSAGE_BYTES + 1)) == "a" * MAX_RESPONSE_MESSAGE_BYTES + "…"
    # A 4-byte character that would straddle the limit is left out whole.
    straddling = "a" * (MAX_RESPONSE_MESSAGE_BYTES - 2) + "\N{GRINNING FACE}" + "b"
    assert cap_response_message(straddling) == "a" * (MAX_RESPONSE_MESSAGE_BYTES - 2) + "…"


def test_a_cut_message_with_an_unpaired_surrogate_still_goes_out_with_it_replaced():
    transaction = Msg(type=Msg.TRANSACTION, txid="tx1", channel_id=CHANNEL)
    completed = _completed_message(transaction, Response(500, "bad \udc80 " + "z" * 10_000), None)
    message = response_of(completed).message
    assert message.startswith("bad ? zzz") and message.endswith("z…")
    assert len(message.encode()) <= MAX_RESPONSE_MESSAGE_BYTES + len("…".encode())


def test_an_excerpt_quotes_a_long_value_by_its_start():
    assert excerpt("short") == "'short'"
    assert excerpt("\x01" * 1_000_000) == repr("\x01" * 57 + "...")
    assert excerpt(b"\xff" + b"a" * 100) == repr("\ufffd" + "a" * 56 + "...")
