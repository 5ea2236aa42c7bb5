"""The reconnect loop of docs/sdk-gateway.md ("Events and checkpoints"), run as written: a stream the Deliver
service ends with SERVICE_UNAVAILABLE is opened again from the same checkpointer, which the failed stream freed, and
resumes after the last block checkpointed. A handler's own exception ends the loop; the stream, opened in a `with`
block, is closed by it, so the checkpointer is free for the next run while that exception (its traceback holding
the loop's frame, and the iterator in it) is still kept, as a retry loop or a log keeps it."""

import re
import time
from pathlib import Path

import pytest
from fabric_protos.common import common_pb2
from fabric_protos.peer import events_pb2

from client.gateway import CheckpointerInUse, FileCheckpointer, InMemoryCheckpointer
from .conftest import connected
from .gateway_fakes import HANG, FakeStream, FakeTransport

DOC = Path(__file__).resolve().parents[3] / "docs" / "sdk-gateway.md"


def _reconnect_example() -> str:
    blocks = re.findall(r"^```python\n(.*?)^```", DOC.read_text(encoding="utf-8"), re.S | re.M)
    [example] = [block for block in blocks if "except DeliverStatusError as refused" in block]
    return example


def _block(number: int) -> events_pb2.DeliverResponse:
    return events_pb2.DeliverResponse(block=common_pb2.Block(header=common_pb2.BlockHeader(number=number)))


_UNAVAILABLE = events_pb2.DeliverResponse(status=common_pb2.SERVICE_UNAVAILABLE)


class _Streams(FakeTransport):
    """Each Deliver stream opened gives the next list of responses."""

    def __init__(self, *streams):
        super().__init__()
        self._next = list(streams)

    def deliver(self, envelope, kind):
        self._record("deliver", (envelope, kind))
        stream = FakeStream(self._next.pop(0))
        self.streams.append(stream)
        return stream


class _Done(Exception):
    """The handler's own failure, which ends the example's loop."""


@pytest.fixture(params=["in memory", "file"])
def checkpointer(request, tmp_path):
    if request.param == "in memory":
        yield InMemoryCheckpointer()
    else:
        with FileCheckpointer(tmp_path / "blocks.json") as made:
            yield made


def test_the_docs_reconnect_loop_resumes_after_a_refusal_worth_waiting_out(credentials, checkpointer, monkeypatch):
    transport = _Streams([_UNAVAILABLE], [_block(0), _block(1), _UNAVAILABLE], [_block(2), HANG])
    waits = []
    monkeypatch.setattr(time, "sleep", waits.append)
    handled = []

    def handle(block):
        handled.append(block.header.number)
        if block.header.number == 2:
            raise _Done()

    with connected(credentials, transport) as gateway:
        network = gateway.get_network("receivables-channel")
        with pytest.raises(_Done) as ended:
            exec(_reconnect_example(), {"network": network, "checkpointer": checkpointer, "handle": handle})
        assert handled == [0, 1, 2] and waits == [5, 5]
        assert checkpointer.block_number == 2   # resumes at block 2, whose handler failed: it comes again
        assert all(stream.cancelled or not stream.hangs() for stream in transport.streams)
        assert ended.value.__traceback__ is not None   # kept, and the stream it ended was closed all the same
        transport._next.append([_block(2)])
        with network.block_events(checkpoint=checkpointer) as again:   # the next run takes the checkpointer
            assert next(again).header.number == 2


def test_a_loop_that_leaves_its_stream_open_is_told_to_open_it_in_a_with_block(gateway, transport):
    """Without the `with` block, the iterator a handler's exception left open is still referred to when the loop
    opens the next (by its variable, or that exception's traceback): the refusal says why, and what to do."""
    checkpointer = InMemoryCheckpointer()
    transport.deliver_responses = [_block(0), HANG]
    network = gateway.get_network("receivables-channel")
    blocks = network.block_events(checkpoint=checkpointer)
    next(blocks)   # the handler of block 0 raised here, and the loop went round
    with pytest.raises(CheckpointerInUse, match=r"one left open when your own code raised in its loop stays open "
                                                r"while anything refers to it, that exception's traceback "
                                                r"included: open each stream in a with block"):
        blocks = network.block_events(checkpoint=checkpointer)
    blocks.close()
