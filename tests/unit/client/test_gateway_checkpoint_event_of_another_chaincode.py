"""A checkpointer of one chaincode's events refuses an event of another chaincode, and changes nothing.

A follower of two chaincodes keeps a checkpointer per listener; one event checkpointed into the other listener's
checkpointer gave that listener another chaincode's block and transaction, and its next start resumed there,
skipping, without a word, every event of its own chaincode committed before that position."""

import json

import pytest

from client.gateway import ChaincodeEvent, FileCheckpointer, InMemoryCheckpointer
from .gateway_fakes import events_response

CHANNEL = "receivables-channel"


def _of(chaincode, block, transaction_id):
    return ChaincodeEvent(block, transaction_id, chaincode, "Confirmed", b"")


def _listened(gateway, transport, checkpointer, chaincode="receivables"):
    """The checkpointer, given to a chaincode events listener of ``chaincode`` whose stream opened, with the
    listener's first event checkpointed."""
    transport.event_responses = [events_response(5, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1")]
    with gateway.get_network(CHANNEL).chaincode_events(chaincode, checkpoint=checkpointer) as events:
        checkpointer.checkpoint_chaincode_event(next(events))
    return checkpointer


def test_an_event_of_another_chaincode_is_refused_and_the_position_kept(gateway, transport):
    checkpointer = _listened(gateway, transport, InMemoryCheckpointer())
    with pytest.raises(ValueError, match=(
            r"^this checkpointer is of chaincode 'receivables' events of channel 'receivables-channel', and this "
            r"event is of chaincode 'pricing': checkpointed here, it would have that listener resume at another "
            r"chaincode's block and transaction, skipping or replaying its own events\. Checkpoint each event "
            r"with the checkpointer of the listener that read it$")):
        checkpointer.checkpoint_chaincode_event(_of("pricing", 90, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa9"))
    assert (checkpointer.block_number, checkpointer.transaction_id) == (5, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1")
    checkpointer.checkpoint_chaincode_event(_of("receivables", 6, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa2"))   # its own listener's: taken
    assert (checkpointer.block_number, checkpointer.transaction_id) == (6, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa2")


def test_a_checkpoint_file_is_left_as_it_was(tmp_path, gateway, transport):
    path = tmp_path / "checkpoint.json"
    with FileCheckpointer(path) as checkpointer:
        _listened(gateway, transport, checkpointer)
        written = path.read_text()
        with pytest.raises(ValueError, match=rf"^the checkpointer of {path} is of chaincode 'receivables' events"):
            checkpointer.checkpoint_chaincode_event(_of("pricing", 90, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa9"))
        assert path.read_text() == written and checkpointer.block_number == 5
    with FileCheckpointer(path) as restarted:
        assert (restarted.block_number, restarted.transaction_id) == (5, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1")
    assert json.loads(written)["chaincode"] == "receivables"


def test_a_file_names_its_chaincode_from_the_start(tmp_path):
    path = tmp_path / "checkpoint.json"
    path.write_text(json.dumps({"blockNumber": 5, "transactionId": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1", "channel": CHANNEL,
                                "chaincode": "receivables"}))
    with FileCheckpointer(path) as checkpointer, pytest.raises(ValueError, match="this event is of chaincode"):
        checkpointer.checkpoint_chaincode_event(_of("pricing", 90, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa9"))
    assert json.loads(path.read_text())["blockNumber"] == 5


def test_a_checkpointer_not_yet_of_a_chaincode_takes_any_event(gateway, transport):
    fresh = InMemoryCheckpointer()   # read without a gateway: no listener named yet
    fresh.checkpoint_chaincode_event(_of("pricing", 3, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa3"))
    assert fresh.block_number == 3
    blocks = InMemoryCheckpointer()
    blocks.check_listener(CHANNEL)   # block events: a chaincode event's position only replays a block
    blocks.checkpoint_chaincode_event(_of("pricing", 3, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa3"))
    assert (blocks.block_number, blocks.transaction_id) == (3, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa3")
