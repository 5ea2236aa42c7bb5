"""A checkpoint of the caller's own kind (any object with ``block_number`` and ``transaction_id``, read from a database
say) whose transaction ID is not Fabric's 64 lowercase hex digits is refused before anything is sent: the peer would
find no such transaction in the block to resume after, and the listener skip or replay its events without a word."""

from dataclasses import dataclass

import pytest
from fabric_protos.gateway import gateway_pb2

CHANNEL = "receivables-channel"


@dataclass
class StoredCheckpoint:
    block_number: int | None
    transaction_id: str | None


@pytest.mark.parametrize("stored", ["tx1", "A" * 64, "a" * 63, f"{'a' * 64}\n"])
def test_a_checkpoint_of_your_own_with_no_transaction_id_is_refused_before_anything_is_sent(gateway, transport,
                                                                                              stored):
    network = gateway.get_network(CHANNEL)
    checkpoint = StoredCheckpoint(7, stored)
    for asking in (lambda: network.chaincode_events("receivables", checkpoint=checkpoint),
                   lambda: network.block_events(checkpoint=checkpoint)):
        with pytest.raises(ValueError, match=r"no Fabric transaction ID \(64 lowercase hex digits\).*start_block"):
            asking()
    assert transport.calls == []


def _position(request) -> tuple[int | None, str]:
    """The block a chaincode events request starts at (None: the next commit) and the transaction after which."""
    sent = gateway_pb2.ChaincodeEventsRequest.FromString(
        gateway_pb2.SignedChaincodeEventsRequest.FromString(request.bytes).request)
    start = sent.start_position
    return (start.specified.number if start.HasField("specified") else None), sent.after_transaction_id


def test_one_with_a_transaction_id_or_none_is_taken(gateway, transport):
    network = gateway.get_network(CHANNEL)
    for checkpoint in (StoredCheckpoint(7, "5" * 64), StoredCheckpoint(7, None), StoredCheckpoint(7, "")):
        request = network.new_chaincode_events_request("receivables", start_block=3, checkpoint=checkpoint)
        assert _position(request) == (7, checkpoint.transaction_id or "")   # the checkpoint wins over start_block
    assert transport.calls == []


@pytest.mark.parametrize("start_block", [None, 3], ids=["next commit", "a start block"])
def test_a_checkpoint_of_your_own_with_a_transaction_id_and_no_block_is_refused_before_anything_is_sent(
        gateway, transport, start_block):
    # taken as no position, the stream began at start_block or the next commit, past every event after that one
    network = gateway.get_network(CHANNEL)
    checkpoint = StoredCheckpoint(None, "5" * 64)
    for asking in (lambda: network.chaincode_events("receivables", start_block=start_block, checkpoint=checkpoint),
                   lambda: network.block_events(start_block=start_block, checkpoint=checkpoint)):
        with pytest.raises(ValueError, match=r"'5{64}' comes with no block_number.*the event's block_number"):
            asking()
    assert transport.calls == []


def test_one_with_neither_is_no_position_and_the_start_block_holds(gateway, transport):
    network = gateway.get_network(CHANNEL)
    for checkpoint in (StoredCheckpoint(None, None), StoredCheckpoint(None, "")):
        request = network.new_chaincode_events_request("receivables", start_block=3, checkpoint=checkpoint)
        assert _position(request) == (3, "")
    assert transport.calls == []
