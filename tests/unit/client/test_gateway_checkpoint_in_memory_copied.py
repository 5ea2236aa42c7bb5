"""An InMemoryCheckpointer copies and pickles with its position and listener (a snapshot of where a listener is, kept
elsewhere), as it did before it held a lock for the one stream open with it; a copy is held by no stream. A
FileCheckpointer still copies not at all: two of one file would each resume at the other's position."""

import copy
import pickle

import pytest

from client.gateway import CheckpointerInUse, FileCheckpointer, InMemoryCheckpointer
from .gateway_fakes import HANG, events_response

CHANNEL = "receivables-channel"
TX1 = "a" * 63 + "1"


@pytest.mark.parametrize("copied", [copy.copy, copy.deepcopy, lambda c: pickle.loads(pickle.dumps(c))],
                         ids=["copy", "deepcopy", "pickle"])
def test_a_copy_keeps_the_position_and_the_listener_and_is_held_by_no_stream(gateway, transport, copied):
    checkpointer = InMemoryCheckpointer()
    transport.event_responses = [events_response(5, TX1), HANG]
    network = gateway.get_network(CHANNEL)
    with network.chaincode_events("receivables", checkpoint=checkpointer) as events:
        checkpointer.checkpoint_chaincode_event(next(events))
        snapshot = copied(checkpointer)
        assert (snapshot.block_number, snapshot.transaction_id) == (5, TX1)
        with pytest.raises(ValueError, match="not (of|to) chaincode 'other' events"):
            snapshot.check_listener(CHANNEL, "other")
        with pytest.raises(CheckpointerInUse):
            network.chaincode_events("receivables", checkpoint=checkpointer)
        with network.chaincode_events("receivables", checkpoint=snapshot):   # its own: not held
            pass


def test_a_file_checkpointer_is_still_not_copied(tmp_path):
    with FileCheckpointer(tmp_path / "events.json") as checkpointer:
        with pytest.raises(TypeError):
            copy.deepcopy(checkpointer)
        with pytest.raises(TypeError):
            pickle.dumps(checkpointer)
