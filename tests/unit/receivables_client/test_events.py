"""The typed event iterator over the gateway's chaincode events."""

from __future__ import annotations

import json

import pytest

from client.gateway import ChaincodeEvent
from client.receivables import ReceivablesClient, ReceivablesEvent

from .fakes import FakeContract
from ..client.test_ledger_event_checkpoint_resumable import block, transaction


class FakeStream:
    """Stands in for the gateway's EventIterator: yields ChaincodeEvents, records close()."""

    def __init__(self, events):
        self._events = iter(events)
        self.closed = False

    def __next__(self):
        return next(self._events)

    def __iter__(self):
        return self

    def close(self):
        self.closed = True


class FakeNetwork:
    name = "receivables-channel"   # the channel, as a Network names it

    def __init__(self, events, *, held=None):
        """``held``: the block of each transaction of the ledger's earlier events (tx ID -> block number), as
        qscc answers a checkpoint's."""
        self.stream = FakeStream(events)
        self.requests = []
        self.held = held or {}

    def chaincode_events(self, chaincode, *, start_block=None, checkpoint=None):
        self.requests.append((chaincode, start_block, checkpoint))
        return self.stream

    def get_contract(self, name):
        assert name == "qscc"
        return HoldsEveryTransaction(self.held.__getitem__)


class HoldsEveryTransaction:
    """qscc of a ledger that holds every transaction asked for, each a valid one that emitted a chaincode event, in
    block ``block_of(tx_id)``, as `recfin events --checkpoint` asks it for the block of the checkpoint's transaction
    before it resumes after it."""

    def __init__(self, block_of) -> None:
        self.block_of = block_of

    def evaluate(self, function, *, arguments=(), endorsing_organizations=None):
        assert function == "GetBlockByTxID"
        _, tx_id = arguments
        return block(self.block_of(tx_id), (transaction(tx_id, event=True), 0))


def event(name: str, tx: str, block: int, **payload) -> ChaincodeEvent:
    body = {"event": name, "tx_id": tx, **payload}
    return ChaincodeEvent(block, tx, "receivables", name, json.dumps(body, sort_keys=True).encode())


def test_events_are_typed_and_keep_their_details():
    raw = [event("ReceivableSplit", "t1", 5, receivable_id="R-1", **{"from": "A", "to": "B", "amount": 4000,
                                                                     "children": ["R-1.1", "R-1.2"]}),
           event("PartyRegistered", "t2", 6, receivable_id=None, party="X", role="supplier", msp_id="SupplierMSP")]
    network = FakeNetwork(raw)
    client = ReceivablesClient(FakeContract(), network)
    with client.events(start_block=3) as events:
        first, second = next(events), next(events)
        assert events.last_raw is raw[1]
    assert network.requests == [("receivables", 3, None)]
    assert network.stream.closed
    assert isinstance(first, ReceivablesEvent)
    assert (first.name, first.receivable_id, first.tx_id, first.block_number) == ("ReceivableSplit", "R-1", "t1", 5)
    assert first.details == {"from": "A", "to": "B", "amount": 4000, "children": ["R-1.1", "R-1.2"]}
    assert first.payload() == json.loads(raw[0].payload)
    assert second.receivable_id is None and second.details["role"] == "supplier"


def test_a_payload_that_does_not_name_its_event_is_an_error():
    network = FakeNetwork([ChaincodeEvent(1, "t", "receivables", "ReceivableConfirmed",
                                          json.dumps({"event": "Other", "tx_id": "t"}).encode())])
    with pytest.raises(ValueError, match="does not name it"):
        next(ReceivablesClient(FakeContract(), network).events())


def test_a_payload_that_is_not_json_names_the_event_block_and_transaction():
    network = FakeNetwork([ChaincodeEvent(5, "t2", "receivables", "ReceivableConfirmed", b"not json")])
    with pytest.raises(ValueError, match=r"event 'ReceivableConfirmed' in block 5 tx t2 has a payload that is not "
                                         r"JSON \(Expecting value"):
        next(ReceivablesClient(FakeContract(), network).events())


def test_events_without_a_network_say_what_is_missing():
    with pytest.raises(ValueError, match="Network"):
        ReceivablesClient(FakeContract()).events()
