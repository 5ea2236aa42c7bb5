"""`recfin events --json` prints an event whose payload holds an unpaired surrogate escape (valid JSON: "\\ud800",
which a contract taking JSON arguments can echo into its events) as a JSON line that reads back as sent, and
records it. It stopped the follower with "'utf-8' codec can't encode character", before the checkpoint passed the
event, so every restart stopped at the same event."""
from __future__ import annotations

import json

from click.testing import CliRunner
from fabric_protos.gateway import gateway_pb2
from fabric_protos.peer import chaincode_event_pb2

from cli.event_commands import _json_line
from cli.main import main
from client.receivables import CONTRACT_NAME
from tests.unit.client.gateway_fakes import FakeTransport


def _rejected_at(block: int, tx_id: str, payload: bytes) -> gateway_pb2.ChaincodeEventsResponse:
    event = chaincode_event_pb2.ChaincodeEvent(chaincode_id=CONTRACT_NAME, tx_id=tx_id,
                                               event_name="ReceivableRejected", payload=payload)
    return gateway_pb2.ChaincodeEventsResponse(block_number=block, events=[event])


def test_an_unpaired_surrogate_is_printed_escaped_and_the_follower_goes_on(tmp_path, over_a_gateway):
    checkpoint = tmp_path / "events.checkpoint"
    transport = FakeTransport()
    transport.event_responses = [
        _rejected_at(5, "aa" * 32, b'{"event": "ReceivableRejected", "receivable_id": "R-1", '
                                   b'"reason": "x\\ud800y \\udc00\\ud83d\\ude00"}'),
        _rejected_at(6, "bb" * 32, b'{"event": "ReceivableRejected", "receivable_id": "R-2", "reason": "ok"}'),
    ]
    over_a_gateway(transport)
    followed = CliRunner().invoke(main, ["events", "--start-block", "0", "--checkpoint", str(checkpoint), "--json"])
    assert followed.exit_code == 1 and "the peer ended the event stream" in followed.stderr, followed.output
    lines = followed.stdout.splitlines()
    assert [json.loads(line)["reason"] for line in lines] == ["x\ud800y \udc00\U0001f600", "ok"]
    assert "\\ud800" in lines[0] and "\U0001f600" in lines[0]   # only what UTF-8 cannot carry is escaped
    assert json.loads(checkpoint.read_text())["blockNumber"] == 6


def test_every_json_line_is_utf_8_and_reads_back_as_made():
    record = {"reason": "\udfff\ud800", "k\udc80": "é\u2028"}
    line = _json_line(record)
    line.encode("utf-8")   # strict: what the terminal or file gets
    assert json.loads(line) == record and line.splitlines() == [line]
