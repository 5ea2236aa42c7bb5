"""A debtor none of whose claims had fallen due is graded by the model all the same (C for a debtor with no
record at all), and only a note on stderr said the grade was not earned from payments: `risk score --json`
and `finance quote --json` looked the same for it as for a debtor graded C on its payments. Both now carry
the note's sentence as ``thin_record`` (null for a grade drawn from payments, and for a quote given its
grade)."""
import json
from datetime import date
from pathlib import Path

from click.testing import CliRunner

from cli.finance_commands import finance
from cli.risk_commands import risk
from client.risk import ReceivableHistory

from .risk_helpers import DEBTOR, ev

SAMPLE_HISTORY = str(Path(__file__).parents[3] / "client" / "risk" / "samples" / "history.json")
AS_OF = "2026-01-05"   # confirmed_not_yet_due's last event: a history is scored as of no later day


def history_file(tmp_path, events) -> str:
    path = tmp_path / "history.json"
    path.write_text(ReceivableHistory(debtor=DEBTOR, events=events).model_dump_json())
    return str(path)


def confirmed_not_yet_due(tmp_path) -> str:
    due = date(2026, 3, 31)
    return history_file(tmp_path, [ev("R1", "registered", date(2026, 1, 4), due),
                                   ev("R1", "confirmed", date(2026, 1, 5), due)])


def scored(*args: str) -> dict:
    result = CliRunner().invoke(risk, ["score", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_risk_score_json_says_a_grade_rests_on_no_payment(tmp_path):
    data = scored(DEBTOR, "--history", confirmed_not_yet_due(tmp_path), "--as-of", AS_OF)
    assert data["thin_record"] == (f"{DEBTOR} has 1 confirmed receivable on record by {AS_OF}, not yet "
                                   f"settled or overdue: grade {data['grade']} is the model's view of a "
                                   "debtor whose payments are not yet known, not of its payments")
    empty = scored(DEBTOR, "--history", history_file(tmp_path, []), "--as-of", AS_OF)
    assert empty["grade"] == "C" and empty["thin_record"].startswith(f"{DEBTOR} has no confirmed receivable")


def test_risk_score_json_has_no_thin_record_for_a_debtor_with_payments():
    assert scored("SYN-DEBTOR-0007", "--history", SAMPLE_HISTORY)["thin_record"] is None


def test_finance_quote_json_says_a_scored_grade_rests_on_no_payment(tmp_path):
    quoted = ["quote", "RCV-1", "--as", "bank", "--face", "1,000,000", "--due", "2026-09-25", "--json"]
    args = [*quoted, "--on", AS_OF]
    thin = CliRunner().invoke(finance, [*args, "--history", confirmed_not_yet_due(tmp_path),
                                        "--debtor", DEBTOR])
    assert thin.exit_code == 0, thin.output
    data = json.loads(thin.stdout)
    assert data["thin_record"].startswith(f"{DEBTOR} has 1 confirmed receivable on record by {AS_OF}")
    assert f"grade {data['debtor_grade']} is the model's view" in data["thin_record"]
    earned = CliRunner().invoke(finance, [*quoted, "--on", "2025-12-30", "--history", SAMPLE_HISTORY,
                                          "--debtor", "SYN-DEBTOR-0007"])
    assert earned.exit_code == 0, earned.output
    assert json.loads(earned.stdout)["thin_record"] is None
    given = CliRunner().invoke(finance, [*args, "--grade", "C"])   # nothing scored: no record to speak of
    assert given.exit_code == 0, given.output
    assert json.loads(given.stdout)["thin_record"] is None
