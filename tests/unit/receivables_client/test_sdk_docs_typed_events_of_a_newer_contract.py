"""The typed-events example of docs/sdk-receivables.md ("Events"), run as written over the events a rolling
upgrade gives: one of a newer contract version, with a field this client does not know, among the others. The
follower it shows books what it can read and goes on, rather than raising out of its loop at that event (and,
restarted from its checkpoint, at the same event every time)."""

from __future__ import annotations

import json
from pathlib import Path

from client.gateway import ChaincodeEvent
from client.receivables import ReceivablesEvent

DOC = (Path(__file__).parents[3] / "docs" / "sdk-receivables.md").read_text(encoding="utf-8")
EVENTS = DOC.split("## Events\n", 1)[1].split("\n## ", 1)[0]
EXAMPLE = next(code for code in (block.split("```", 1)[0] for block in EVENTS.split("```python\n")[1:])
               if "typed()" in code)

REGISTERED = {"debtor": "9131000000000001XN", "holder": "9131000000000003XQ", "face_amount": 113_000,
              "currency": "CNY", "due_date": "2026-05-01"}


def _event(block: int, **details) -> ReceivablesEvent:
    tx_id = f"{block:064x}"
    payload = {"event": "ReceivableRegistered", "receivable_id": f"R-{block}", "tx_id": tx_id, **details}
    return ReceivablesEvent.from_chaincode_event(
        ChaincodeEvent(block, tx_id, "receivables", "ReceivableRegistered", json.dumps(payload).encode()))


def test_the_typed_example_books_what_it_reads_and_goes_on_past_a_newer_contracts_event(capsys):
    events = [_event(5, **REGISTERED), _event(6, **REGISTERED, condition="escrow"), _event(7, **REGISTERED)]
    exec(EXAMPLE, {"events": events})
    printed = capsys.readouterr().out.splitlines()
    assert [line for line in printed if line.startswith("113000 ")] == ["113000 CNY 2026-05-01"] * 2
    held = [line for line in printed if not line.startswith("113000 ")]
    assert len(held) == 1 and "block 6" in held[0] and "condition" in held[0]
