"""GET_STATE_MULTIPLE requests are cut by size as well as by the peer's count of keys, as WRITE_BATCH_STATE
batches are: keys that each fit a GET_STATE of their own added up, cut by count alone, to a message over the
gRPC limit, which ends the whole stream with every transaction on it."""

from fabric_protos.peer import chaincode_shim_pb2 as shim_pb2

from chaincode.contract import Context, Contract, transaction
from chaincode.shim import PeerOptions

from . import test_message_limits
from .peer_double import CHANNEL, Msg, PeerSide, running_server
from .test_message_limits import response_of

# the server's gRPC limit and the runtime's checks at 256 KiB, for pytest to find here
small_message_limit = test_message_limits.small_message_limit


class ReadsMany(Contract):
    name = "many"

    @transaction(evaluate=True)
    async def States(self, ctx: Context, sizes: list[int]) -> list[int]:
        """Reads a key of each size at once; answers the length of each value read, in order."""
        values = await ctx.stub.get_multiple_states([f"{n}:" + "k" * size for n, size in enumerate(sizes)])
        return [len(value or b"") for value in values]

    @transaction(evaluate=True)
    async def Private(self, ctx: Context, collection: str, sizes: list[int]) -> list[int]:
        keys = [f"{n}:" + "k" * size for n, size in enumerate(sizes)]
        return [len(value or b"") for value in await ctx.stub.get_multiple_private_data(collection, keys)]


async def requests_answered(peer: PeerSide, limit: int) -> tuple[list[shim_pb2.GetStateMultiple], bytes]:
    """Each GET_STATE_MULTIPLE of tx1, checked within ``limit`` and answered with a value as long as each
    key's place in the transaction's list (so the order of the answer shows), and the transaction's
    payload."""
    requests, answered = [], 0
    while (message := await peer.next_message("tx1")).type == Msg.GET_STATE_MULTIPLE:
        assert message.ByteSize() <= limit
        request = shim_pb2.GetStateMultiple.FromString(message.payload)
        requests.append(request)
        values = [b"v" * (answered + index + 1) for index in range(len(request.keys))]
        answered += len(request.keys)
        await peer.reply("tx1", shim_pb2.GetStateMultipleResult(values=values).SerializeToString())
    response = response_of(message)
    assert response.status == 200, response.message
    return requests, response.payload


def joined_size(request: shim_pb2.GetStateMultiple, next_key: str) -> int:
    joined = shim_pb2.GetStateMultiple(keys=[*request.keys, next_key], collection=request.collection)
    return Msg(type=Msg.GET_STATE_MULTIPLE, payload=joined.SerializeToString(), txid="tx1",
               channel_id=CHANNEL).ByteSize()


async def test_keys_that_each_fit_are_read_in_messages_within_the_limit(small_message_limit):
    sizes = [100 * 1024, 100 * 1024, 30 * 1024, 120 * 1024, 200 * 1024, 1, 255 * 1024]
    options = PeerOptions(use_get_multiple_keys=True, max_size_get_multiple_keys=1000)
    async with running_server([ReadsMany()]) as port, PeerSide.connect(port, options) as peer:
        await peer.start("tx1", "many:States", str(sizes))
        requests, payload = await requests_answered(peer, small_message_limit)
    assert [len(key) - len(f"{n}:") for n, key in enumerate(k for r in requests for k in r.keys)] == sizes
    assert [len(request.keys) for request in requests] == [3, 1, 2, 1]
    # each value in its key's place
    assert payload == str(list(range(1, len(sizes) + 1))).replace(" ", "").encode()
    # no request was cut early: the next request's first key would not have fit in it
    for request, following in zip(requests, requests[1:]):
        assert joined_size(request, following.keys[0]) > small_message_limit


async def test_the_peers_count_of_keys_still_cuts_small_keys(small_message_limit):
    options = PeerOptions(use_get_multiple_keys=True, max_size_get_multiple_keys=2)
    async with running_server([ReadsMany()]) as port, PeerSide.connect(port, options) as peer:
        await peer.start("tx1", "many:States", str([1, 2, 3, 4, 5]))
        requests, _ = await requests_answered(peer, small_message_limit)
    assert [len(request.keys) for request in requests] == [2, 2, 1]


async def test_the_collection_named_in_each_request_counts_against_the_limit(small_message_limit):
    collection = "c" * (60 * 1024)
    sizes = [100 * 1024] * 3   # two fit a message together, but not beside the collection
    options = PeerOptions(use_get_multiple_keys=True)
    async with running_server([ReadsMany()]) as port, PeerSide.connect(port, options) as peer:
        await peer.start("tx1", "many:Private", collection, str(sizes))
        requests, _ = await requests_answered(peer, small_message_limit)
    assert [len(request.keys) for request in requests] == [1, 1, 1]
    assert all(request.collection == collection for request in requests)
