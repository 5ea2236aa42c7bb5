"""A hand-written history whose split parts added up to more than the claim they were split from (a part of
10,000.00 yuan under a claim of 50.00) was taken, and the features then counted more of the claim late than all of
it: `recfin risk score` ended in a traceback (`ValueError: math domain error`) instead of naming the file's mistake.
A split divides what a claim still owes, so such a history is refused, naming the claim and its parts."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from pydantic import ValidationError

from cli.risk_commands import risk
from client.risk.history import ReceivableHistory


def _event(receivable_id, kind, day, face, **extra):
    return {"receivable_id": receivable_id, "debtor": "D", "holder": "S", "face_amount": face, "kind": kind,
            "event_date": day, "due_date": "2025-01-25", **extra}


# R (5,000 fen) split into R.1 of 1,000,000 fen, which fell due and was paid 1 fen late
EVENTS = [_event("R", "confirmed", "2025-01-02", 5_000),
          _event("R", "split", "2025-01-10", 5_000),
          _event("R.1", "confirmed", "2025-01-10", 1_000_000, parent_id="R"),
          _event("R.1", "paid", "2025-01-27", 1_000_000, parent_id="R", amount=1)]


def test_parts_adding_up_to_more_than_the_claim_split_are_refused():
    with pytest.raises(ValidationError, match=r"the parts split from R \(R\.1\) add up to 1000000 fen, more than its "
                                              r"face of 5000 fen"):
        ReceivableHistory(debtor="D", events=EVENTS)


def test_parts_adding_up_to_the_claim_are_taken():
    parts = [_event("R", "confirmed", "2025-01-02", 5_000), _event("R", "split", "2025-01-10", 5_000),
             _event("R.1", "confirmed", "2025-01-10", 3_000, parent_id="R"),
             _event("R.2", "confirmed", "2025-01-10", 2_000, parent_id="R")]
    assert len(ReceivableHistory(debtor="D", events=parts).events) == 4


def test_risk_score_names_the_mistake_instead_of_a_traceback(tmp_path):
    path = tmp_path / "history.json"
    path.write_text(json.dumps({"debtor": "D", "events": EVENTS}), encoding="utf-8")
    result = CliRunner().invoke(risk, ["score", "D", "--history", str(path), "--as-of", "2025-01-31"])
    assert result.exit_code == 2, result.output
    assert "the parts split from R (R.1) add up to 1000000 fen, more than its face of 5000 fen" in result.output
