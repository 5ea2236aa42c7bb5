"""A checkpoint of the caller's own kind (any object with ``block_number`` and ``transaction_id``, read from a database
say) whose transaction ID is not Fabric's 64 lowercase hex digits is refused before anything is sent: the peer would
find no such transaction in the block to resume after, and the listener skip or replay its events without a word."""

from dataclasses import dataclass

import pytest

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


def test_one_with_a_transaction_id_or_none_is_taken(gateway, transport):
    network = gateway.get_network(CHANNEL)
    for checkpoint in (StoredCheckpoint(7, "5" * 64), StoredCheckpoint(7, None), StoredCheckpoint(7, "")):
        network.new_chaincode_events_request("receivables", checkpoint=checkpoint)
    assert transport.calls == []
