"""An event whose payload does not read as the contract's: reported, recorded and passed over, by `recfin events`
and by the SDK's iterator, so that no such event stops a follower for good; and the block and transaction of an
event are always the ledger's, never a payload's."""
from __future__ import annotations

import json

import pytest

from client.gateway import ChaincodeEvent, holds_position
from client.receivables import ReceivablesClient, ReceivablesEvent
from client.receivables._events import MAX_EVENT_DEPTH

from . import test_cli_ledger_commands as ledger_commands
from .fakes import FakeContract
from .test_cli_ledger_commands import chaincode_event, invoke
from .test_events import FakeStream, HoldsEveryTransaction

ledger = ledger_commands.ledger   # the fixture: the recording contract, `recfin events` reading its network

NOT_JSON = "has a payload that is not JSON"
TOO_DEEP = f"has a payload nested more than {MAX_EVENT_DEPTH} levels deep"


def not_json(block: int, tx: str) -> ChaincodeEvent:
    return ChaincodeEvent(block_number=block, transaction_id=tx, chaincode_name="receivables",
                          event_name="ReceivableConfirmed", payload=b"not json")


def nested(block: int, tx: str, depth: int) -> ChaincodeEvent:
    """An event whose ``note`` is lists nested ``depth`` deep (the payload one level more): written out, as
    ``json.dumps`` would itself recurse that deep."""
    note = b"[" * depth + b"]" * depth
    return ChaincodeEvent(block_number=block, transaction_id=tx, chaincode_name="receivables",
                          event_name="ReceivableConfirmed",
                          payload=b'{"event": "ReceivableConfirmed", "receivable_id": "R-1", "note": %s}' % note)


def payload_event(block: int, tx: str, payload: dict) -> ChaincodeEvent:
    return ChaincodeEvent(block_number=block, transaction_id=tx, chaincode_name="receivables",
                          event_name="ReceivableConfirmed",
                          payload=json.dumps({"event": "ReceivableConfirmed", **payload}).encode())


class ResumingNetwork:
    """The gateway's chaincode event service over a fixed ledger of events: from ``start_block``, or from a
    checkpoint holding a position, after its transaction in its block, as the peer resumes one."""

    name = "receivables-channel"   # the channel, as a Network names it

    def __init__(self, events: list[ChaincodeEvent]) -> None:
        self.events = events
        self.requests: list[tuple[int | None, tuple[int | None, str | None] | None]] = []

    def chaincode_events(self, chaincode, *, start_block=None, checkpoint=None):
        position = (checkpoint.block_number, checkpoint.transaction_id) if holds_position(checkpoint) else None
        self.requests.append((start_block, position))
        if position is not None:
            block, tx = position
            after = [e for e in self.events if e.block_number >= block]
            handled = next((n for n, e in enumerate(after) if e.transaction_id == tx), -1)
            return FakeStream(after[handled + 1:])
        return FakeStream([e for e in self.events if start_block is None or e.block_number >= start_block])

    def get_contract(self, name):
        assert name == "qscc"
        # each transaction in the block of its event, as a checkpoint of this ledger names it
        return HoldsEveryTransaction(lambda tx_id: next(e.block_number for e in self.events
                                                        if e.transaction_id == tx_id))


@pytest.mark.parametrize("unreadable, bound, problem", [
    (not_json(6, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2"), MAX_EVENT_DEPTH, NOT_JSON),
    # json.loads takes it; printing its nested values would exceed Python's recursion limit
    (nested(6, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2", 900), MAX_EVENT_DEPTH, TOO_DEEP),
    # the SDK's bound lifted: a line that cannot be made is reported as unreadable too, not a traceback
    (nested(6, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2", 500), 10**6, "cannot be shown (RecursionError: maximum recursion depth exceeded"),
], ids=["not JSON", "nested too deep", "cannot be shown"])
def test_an_unreadable_event_is_reported_recorded_and_passed_over_and_a_rerun_resumes_after_the_last(
        ledger, tmp_path, monkeypatch, unreadable, bound, problem):
    monkeypatch.setattr("client.receivables._events.MAX_EVENT_DEPTH", bound, raising=False)
    checkpoint = tmp_path / "events.checkpoint"
    ledger.network = ResumingNetwork([chaincode_event(5, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb1"), unreadable, chaincode_event(7, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb3")])
    first = invoke("events", "--start-block", "0", "--checkpoint", str(checkpoint))
    assert first.exit_code == 1 and "the peer ended the event stream" in first.stderr, first.output
    assert [line.split("  ")[:2] for line in first.stdout.splitlines()] == [["block 5", "ReceivableConfirmed"],
                                                                            ["block 7", "ReceivableConfirmed"]]
    report, ended = first.stderr.splitlines()
    assert ended.startswith("Error: the peer ended the event stream after the event of block 7 tx bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb3")
    assert report.startswith("skipped an unreadable event: event 'ReceivableConfirmed' in block 6 tx bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2 ")
    assert problem in report
    assert json.loads(checkpoint.read_text()) == {"blockNumber": 7, "transactionId": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb3"}

    ledger.network.events.append(chaincode_event(8, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb4"))
    again = invoke("events", "--start-block", "0", "--checkpoint", str(checkpoint))
    assert again.exit_code == 1 and "the peer ended the event stream" in again.stderr, again.output
    assert ledger.network.requests[-1] == (None, (7, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb3"))   # the checkpoint wins over --start-block
    assert [line.split("  ")[0] for line in again.stdout.splitlines()] == ["block 8"]
    assert again.stderr.splitlines()[:-1] == [f"resuming at block 7 after tx bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb3 ({checkpoint})"]   # block 6 not again


def test_with_json_an_unreadable_event_is_a_json_line_naming_it_and_why(ledger, tmp_path):
    checkpoint = tmp_path / "events.checkpoint"
    ledger.network = ResumingNetwork([chaincode_event(5, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb1"), not_json(6, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2"), chaincode_event(7, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb3")])
    res = invoke("events", "--start-block", "0", "--checkpoint", str(checkpoint), "--json")
    assert res.exit_code == 1 and "the peer ended the event stream" in res.stderr, res.output
    first, unreadable, last = (json.loads(line) for line in res.stdout.splitlines())
    assert (first["block"], first["tx_id"], last["block"], last["tx_id"]) == (5, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb1", 7, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb3")
    assert set(unreadable) == {"block", "tx_id", "event", "unreadable"}
    assert (unreadable["block"], unreadable["tx_id"], unreadable["event"]) == (6, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2", "ReceivableConfirmed")
    assert NOT_JSON in unreadable["unreadable"]
    assert json.loads(checkpoint.read_text()) == {"blockNumber": 7, "transactionId": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb3"}


def test_a_payload_naming_another_transaction_is_unreadable_and_one_naming_a_block_does_not_move_it(ledger):
    ledger.network = ResumingNetwork([
        payload_event(5, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb1", {"receivable_id": "R-1", "tx_id": "t-forged"}),
        payload_event(6, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2", {"receivable_id": "R-2", "tx_id": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2", "block": 99})])
    res = invoke("events", "--start-block", "0", "--json")
    assert res.exit_code == 1 and "the peer ended the event stream" in res.stderr, res.output
    unreadable, moved = (json.loads(line) for line in res.stdout.splitlines())
    assert (unreadable["block"], unreadable["tx_id"]) == (5, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb1")
    assert "naming transaction 't-forged', not the one that emitted it" in unreadable["unreadable"]
    assert (moved["block"], moved["tx_id"], moved["receivable_id"]) == (6, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2", "R-2")


@pytest.mark.parametrize("payload, problem", [
    ({"receivable_id": "R-1", "tx_id": "t-other"}, "naming transaction 't-other'"),
    ({"receivable_id": 5, "tx_id": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb1"}, "does not read as an event: receivable_id"),
])
def test_the_sdk_refuses_a_payload_it_cannot_take_at_its_word_naming_the_event(payload, problem):
    with pytest.raises(ValueError, match=problem) as refused:
        ReceivablesEvent.from_chaincode_event(payload_event(5, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb1", payload))
    assert "event 'ReceivableConfirmed' in block 5 tx bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb1" in str(refused.value)
    assert "\n" not in str(refused.value)


@pytest.mark.parametrize("named, shown", [(True, "true"), ([None], "[null]"), ({"a": False}, '{"a": false}'),
                                          ("t\nforged", "'t\\nforged'"),
                                          # a line separator inside an array: escaped, as it is in a text on its own
                                          (["t\u2028forged"], '["t\\u2028forged"]')])
def test_the_transaction_a_payload_names_is_shown_as_json_spells_it(named, shown):
    """What the payload holds, not Python's spelling of it (True, None), which the payload holds nowhere."""
    with pytest.raises(ValueError) as refused:
        ReceivablesEvent.from_chaincode_event(payload_event(5, "b" * 64, {"receivable_id": "R-1", "tx_id": named}))
    assert f"naming transaction {shown}, not the one that emitted it" in str(refused.value), refused.value
    assert "\n" not in str(refused.value)


def test_a_payload_without_a_transaction_is_the_blocks():
    event = ReceivablesEvent.from_chaincode_event(payload_event(5, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb1", {"receivable_id": "R-1"}))
    assert (event.tx_id, event.block_number) == ("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb1", 5)


@pytest.mark.parametrize("unreadable, problem", [(not_json(6, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2"), NOT_JSON), (nested(6, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2", 900), TOO_DEEP)],
                         ids=["not JSON", "nested too deep"])
def test_the_sdk_iterator_goes_on_after_an_unreadable_event_with_last_raw_naming_it(unreadable, problem):
    raw = [chaincode_event(5, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb1"), unreadable, chaincode_event(7, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb3")]
    network = ResumingNetwork(raw)
    with ReceivablesClient(FakeContract(), network).events(start_block=0) as events:
        assert next(events).tx_id == "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb1"
        with pytest.raises(ValueError, match=problem):
            next(events)
        assert events.last_raw is raw[1]     # what a follower checkpoints past
        assert next(events).tx_id == "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb3"


@pytest.mark.parametrize("depth", [MAX_EVENT_DEPTH, 5000], ids=["one level past the bound", "past the decoder"])
def test_the_sdk_refuses_a_payload_nested_past_its_bound_however_deep_naming_the_event(depth):
    with pytest.raises(ValueError, match=TOO_DEEP) as refused:
        ReceivablesEvent.from_chaincode_event(nested(5, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb1", depth))
    assert str(refused.value).startswith("event 'ReceivableConfirmed' in block 5 tx bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb1 ")


def test_a_payload_nested_as_deep_as_the_bound_allows_reads_and_prints_on_its_line(ledger):
    ledger.network = ResumingNetwork([nested(5, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb1", MAX_EVENT_DEPTH - 1)])
    res = invoke("events", "--start-block", "0")
    assert res.exit_code == 1 and "the peer ended the event stream" in res.stderr, res.output
    assert res.stdout.splitlines() == [
        "block 5  ReceivableConfirmed  R-1  tx bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb1  note=" + "[" * (MAX_EVENT_DEPTH - 1) + "]" * (MAX_EVENT_DEPTH - 1)]
