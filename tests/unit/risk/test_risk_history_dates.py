"""Dates in a history file are YYYY-MM-DD strings, as the contract writes them: "0" or 0 is no date (pydantic alone
reads both as 1970-01-01, and a claim due then would be scored decades overdue)."""
import json

import pytest
from pydantic import ValidationError

from cli.risk_commands import risk
from client.risk import LedgerEvent

from ..cli_errors import error_line, invoke as run_command

EVENT = {"receivable_id": "R1", "debtor": "D1", "holder": "S1", "face_amount": 100_000, "kind": "registered",
         "event_date": "2025-01-02", "due_date": "2025-04-02"}
SETTLED = {**EVENT, "kind": "settled", "event_date": "2025-04-02", "settled_date": "2025-04-02"}


@pytest.mark.parametrize("field, value", [
    ("due_date", "0"), ("due_date", 0), ("event_date", 1735776000), ("event_date", "20250102"),
    ("due_date", "2025-W14-3"), ("settled_date", 0), ("settled_date", "2025-02-30"),
])
def test_an_event_date_not_written_yyyy_mm_dd_is_refused_naming_the_field_and_value(field, value):
    with pytest.raises(ValidationError, match=f"{field} is {value!r}: "):
        LedgerEvent.model_validate({**SETTLED, field: value})


def test_risk_score_refuses_a_due_date_of_0_in_a_history_file(tmp_path):
    path = tmp_path / "h.json"
    path.write_text(json.dumps([EVENT, {**EVENT, "kind": "confirmed", "due_date": "0"}]))
    result = run_command(risk, "score", "D1", "--history", path, "--as-of", "2025-03-01")
    assert result.exit_code == 2
    assert "events.1.due_date: due_date is '0': give a calendar date as YYYY-MM-DD" in error_line(result)


def test_dates_written_yyyy_mm_dd_are_read():
    event = LedgerEvent.model_validate(SETTLED)
    assert (event.event_date.isoformat(), event.due_date.isoformat()) == ("2025-04-02", "2025-04-02")
