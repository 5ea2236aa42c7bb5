"""A sync event stream whose read is stopped by something other than the stream's own failure (Ctrl-C in the
read, a transport raising what is no TransportError) cannot be read on: its generator is spent. It used to end
every later read as a clean end of the stream, with the gRPC call left open; a follower in a notebook, or a
thread waiting for its turn, took that for the end of the events. The stream is now cancelled, and every later
read raises an EventStreamError saying to open the stream again."""

from __future__ import annotations

import grpc
import pytest

from client.gateway import EventStreamError, connect, private_key_signer

from .conftest import CHANNEL
from .gateway_fakes import FakeTransport, events_response


class InterruptedStream:
    """Responses in order; a BaseException item is raised by its read."""

    def __init__(self, items):
        self.items = list(items)
        self.cancelled = False

    def __iter__(self):
        return self

    def __next__(self):
        if not self.items:
            raise StopIteration
        item = self.items.pop(0)
        if isinstance(item, BaseException):
            raise item
        return item

    def cancel(self):
        self.cancelled = True


class InterruptedTransport(FakeTransport):
    def __init__(self, stopping: BaseException):
        super().__init__()
        self.stopping = stopping
        self.stream = None

    def chaincode_events(self, request):
        self._record("chaincode_events", request)
        self.stream = InterruptedStream([events_response(3, "tx-a"), self.stopping, events_response(4, "tx-b")])
        return self.stream


@pytest.mark.parametrize("stopping", [KeyboardInterrupt(), RuntimeError("the transport's own failure")],
                         ids=["ctrl-c", "not a TransportError"])
def test_a_read_stopped_mid_stream_cancels_it_and_later_reads_say_to_open_it_again(credentials, stopping):
    key, identity = credentials
    transport = InterruptedTransport(stopping)
    with connect(identity=identity, signer=private_key_signer(key), transport=transport) as gateway:
        events = gateway.get_network(CHANNEL).chaincode_events("receivables")
        assert next(events).transaction_id == "tx-a"
        with pytest.raises(type(stopping)):
            next(events)
        assert transport.stream.cancelled   # the peer's end of the call is released
        for _ in range(2):                  # every later read, not only the first
            with pytest.raises(EventStreamError) as later:
                next(events)
            assert later.value.code == grpc.StatusCode.CANCELLED
            assert type(stopping).__name__ in later.value.message
            assert "open the stream again" in str(later.value)
