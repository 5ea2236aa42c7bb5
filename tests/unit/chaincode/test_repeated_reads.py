"""A key read twice in one transaction costs one round trip (single or multi-key reads); a creator is decoded once."""

from fabric_protos.peer import chaincode_shim_pb2 as shim_pb2

from chaincode.shim import ChaincodeStub, PeerOptions
from chaincode.shim._identity import ClientIdentity
from chaincode.testing import make_identity

Msg = shim_pb2.ChaincodeMessage


class CountingPeer:
    """Answers GET_STATE from ``values`` (committed state) and counts what it was asked."""

    def __init__(self, values: dict[str, bytes]) -> None:
        self.values = values
        self.requests: list[tuple[str, str]] = []

    async def request(self, message_type: int, payload: bytes) -> bytes:
        if message_type == Msg.GET_STATE:
            key = shim_pb2.GetState.FromString(payload).key
            self.requests.append(("GET_STATE", key))
            return self.values.get(key, b"")
        if message_type == Msg.GET_STATE_MULTIPLE:
            keys = list(shim_pb2.GetStateMultiple.FromString(payload).keys)
            self.requests.append(("GET_STATE_MULTIPLE", ",".join(keys)))
            return shim_pb2.GetStateMultipleResult(values=[self.values.get(k, b"") for k in keys]).SerializeToString()
        self.requests.append((Msg.Type.Name(message_type), ""))
        return b""


def stub_over(peer: CountingPeer, options: PeerOptions | None = None) -> ChaincodeStub:
    return ChaincodeStub(peer, channel_id="ch", tx_id="tx1", args=[b"f"], options=options)


async def test_a_second_read_of_a_key_is_answered_without_asking_the_peer():
    peer = CountingPeer({"a": b"1"})
    stub = stub_over(peer)
    assert await stub.get_state("a") == b"1"
    assert await stub.get_state("a") == b"1"
    assert await stub.get_state("missing") is None
    assert await stub.get_state("missing") is None
    assert peer.requests == [("GET_STATE", "a"), ("GET_STATE", "missing")]


async def test_a_multi_key_read_asks_only_for_keys_not_read_yet_and_answers_later_reads():
    peer = CountingPeer({"a": b"1", "b": b"2"})
    stub = stub_over(peer, PeerOptions(use_get_multiple_keys=True, max_size_get_multiple_keys=10))
    assert await stub.get_state("a") == b"1"
    assert await stub.get_multiple_states(["a", "b", "c", "b"]) == [b"1", b"2", None, b"2"]
    assert await stub.get_state("b") == b"2" and await stub.get_state("c") is None
    assert await stub.get_multiple_states(["c", "a"]) == [None, b"1"]
    assert peer.requests == [("GET_STATE", "a"), ("GET_STATE_MULTIPLE", "b,c")]


async def test_reads_after_a_write_still_see_the_committed_value():
    for options in (PeerOptions(), PeerOptions(use_write_batch=True)):
        peer = CountingPeer({"a": b"committed"})
        stub = stub_over(peer, options)
        assert await stub.get_state("a") == b"committed"
        await stub.put_state("a", b"new")
        await stub.del_state("b")
        assert await stub.get_state("a") == b"committed"  # no read-your-writes, as on a peer
        assert await stub.get_state("b") is None


async def test_each_transaction_asks_the_peer_again():
    peer = CountingPeer({"a": b"1"})
    await stub_over(peer).get_state("a")
    peer.values["a"] = b"2"  # committed by another transaction in between
    assert await stub_over(peer).get_state("a") == b"2"
    assert peer.requests == [("GET_STATE", "a"), ("GET_STATE", "a")]


def test_one_creator_is_decoded_once_and_keeps_its_id():
    creator = bytes(make_identity("SupplierMSP", "carol", attrs={"recfin.party": "9131"}))
    first, again = ClientIdentity.from_serialized(creator), ClientIdentity.from_serialized(creator)
    assert first is again
    assert first.id == again.id == "x509::CN=carol,OU=client,O=SupplierMSP,C=CN::CN=ca.suppliermsp,O=SupplierMSP,C=CN"
    assert first.get_attribute("recfin.party") == "9131"
    other = ClientIdentity.from_serialized(bytes(make_identity("SupplierMSP", "dave")))
    assert other is not first and other.id != first.id
