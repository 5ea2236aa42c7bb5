"""`risk score --as-of` named the default date of a --history file as its read_as_of or its last event's, which a
file with no event and no read_as_of has neither of: such a file is scored as of today (China Standard Time, the
contract's business date), and the help says so."""
import json
from datetime import date

from click.testing import CliRunner

from cli import risk_commands
from cli.risk_commands import risk

from .risk_helpers import DEBTOR


def test_the_help_says_a_file_with_no_event_is_scored_as_of_today():
    shown = " ".join(CliRunner().invoke(risk, ["score", "--help"]).output.split())
    assert ("or without one its last event's date, or today for a file with no event;") in shown


def test_a_file_with_no_event_is_scored_as_of_today(tmp_path, monkeypatch):
    monkeypatch.setattr(risk_commands, "business_today", lambda: date(2026, 3, 9))
    path = tmp_path / "history.json"
    path.write_text(json.dumps({"debtor": DEBTOR, "events": []}))
    result = CliRunner().invoke(risk, ["score", DEBTOR, "--history", str(path), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["as_of"] == "2026-03-09"
