"""A checkpointer class given as ``checkpoint=`` (the parentheses forgotten) is refused naming it and how to make
one. The class passed the check of a checkpointer (it has the properties), and the request failed on
"checkpoint.block_number <property object at 0x...>: give a block number", which says nothing of the slip."""

import pytest

from client.gateway import FileCheckpointer, InMemoryCheckpointer

CHANNEL = "receivables-channel"


@pytest.mark.parametrize("given, made", [(InMemoryCheckpointer, r"InMemoryCheckpointer\(\)"),
                                         (FileCheckpointer, r"FileCheckpointer\(path\)")],
                         ids=["in memory", "file"])
def test_a_checkpointer_class_is_refused_saying_to_make_one(gateway, transport, given, made):
    network = gateway.get_network(CHANNEL)
    for asking in (lambda: network.chaincode_events("receivables", checkpoint=given),
                   lambda: network.block_events(checkpoint=given),
                   lambda: network.new_block_events_request(checkpoint=given, kind="filtered")):
        with pytest.raises(TypeError, match=(
                rf"^checkpoint is the class {given.__name__} itself, not a checkpointer: make one, {made}, "
                r"and give it$")):
            asking()
    assert transport.calls == []
