"""The Events example of docs/sdk-receivables.md, run as written over a ledger with an event that does not read as
the contract's: it reports the event, checkpoints past it and reads on, and a restart does not stop there again."""

from __future__ import annotations

import json

from fabric_protos.gateway import gateway_pb2
from fabric_protos.peer import chaincode_event_pb2

from client.receivables import CONTRACT_NAME
from tests.unit.client.gateway_fakes import FakeTransport
from tests.unit.client.test_ledger_event_checkpoint_resumable import block, transaction

from .test_sdk_docs_events import _events_at, _run_example


def _not_json_at(block: int, tx_id: str) -> gateway_pb2.ChaincodeEventsResponse:
    event = chaincode_event_pb2.ChaincodeEvent(chaincode_id=CONTRACT_NAME, tx_id=tx_id,
                                               event_name="ReceivableConfirmed", payload=b"not json")
    return gateway_pb2.ChaincodeEventsResponse(block_number=block, events=[event])


def test_the_events_example_reports_an_unreadable_event_checkpoints_past_it_and_reads_on(tmp_path, monkeypatch,
                                                                                          capsys):
    monkeypatch.chdir(tmp_path)
    first = FakeTransport()
    first.event_responses = [_events_at(5, "aa" * 32), _not_json_at(6, "bb" * 32), _events_at(7, "cc" * 32)]
    _run_example(first)
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("5 ReceivableConfirmed R-1")
    assert out[1].startswith(f"skipped: event 'ReceivableConfirmed' in block 6 tx {'bb' * 32} has a payload that "
                             "is not JSON")
    assert out[2].startswith("7 ReceivableConfirmed R-1")
    assert json.loads((tmp_path / "receivables-events.json").read_text()) == {
        "blockNumber": 7, "transactionId": "cc" * 32, "channel": "receivables", "chaincode": "receivables"}

    restart = FakeTransport()
    restart.result = block(7, (transaction("cc" * 32, event=True), 0))   # qscc's block of the checkpoint's transaction
    asked = _run_example(restart)
    assert asked.start_position.specified.number == 7 and asked.after_transaction_id == "cc" * 32
