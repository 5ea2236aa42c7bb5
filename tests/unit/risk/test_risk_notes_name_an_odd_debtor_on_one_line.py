"""A debtor id read from a --history file may hold a line break, or end in a space that does not show. The notes
`risk score` writes on stderr named it as written, so "note: D1<line break>Error: x has no confirmed receivable
..." printed a line of its own that read as an error; they name it as every refusal does (quoted, escaped)."""
import json

import pytest
from click.testing import CliRunner

from cli.risk_commands import risk

ODD = "D1\nError: x"


@pytest.mark.parametrize("events", [[], [
    {"receivable_id": "R1", "debtor": ODD, "holder": "S1", "face_amount": 100_00, "kind": kind,
     "event_date": "2026-05-01", "due_date": "2026-09-30"} for kind in ("registered", "confirmed")]],
    ids=["no event", "one claim"])
def test_each_note_is_one_line_naming_the_debtor_quoted(tmp_path, events):
    path = tmp_path / "history.json"
    path.write_text(json.dumps({"debtor": ODD, "events": events}))
    result = CliRunner().invoke(risk, ["score", ODD, "--history", str(path), "--as-of", "2026-06-30"])
    assert result.exit_code == 0, result.output
    notes = result.stderr.splitlines()
    assert len(notes) >= 2
    assert all(line.startswith("note: ") for line in notes), notes
    assert any(line.startswith(f"note: {ODD!r} has ") for line in notes), notes
