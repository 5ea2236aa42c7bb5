"""An event iterator dropped without close() (a loop left with break) cancels its stream at once: its generator
held it in a cycle, so the stream, and the peer's end of it, stayed open until the cycle collector ran."""

import gc

import pytest

from .gateway_fakes import HANG, events_response

CHANNEL = "receivables-channel"


@pytest.fixture
def no_cycle_collector():
    enabled = gc.isenabled()
    gc.disable()   # what is freed must be freed by its last reference going, as a quiet process may not collect
    yield
    if enabled:
        gc.enable()


def test_a_loop_left_with_break_cancels_the_stream_of_the_iterator_it_dropped(gateway, transport,
                                                                               no_cycle_collector):
    transport.event_responses = [events_response(5, "tx1", "tx2"), HANG]
    for event in gateway.get_network(CHANNEL).chaincode_events("receivables"):
        break
    assert event.transaction_id == "tx1"
    (stream,) = transport.streams
    assert stream.cancelled


def test_an_unread_iterator_dropped_unclosed_cancels_its_stream(gateway, transport, no_cycle_collector):
    transport.event_responses = [HANG]
    events = gateway.get_network(CHANNEL).filtered_block_events()
    (stream,) = transport.streams
    assert not stream.cancelled
    del events
    assert stream.cancelled
