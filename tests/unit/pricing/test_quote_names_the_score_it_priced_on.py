"""`recfin finance quote --json` names the score it priced on: the date the debtor was scored as of, which is not
the disbursement date priced for (`on`) when the ledger's today or a history file's snapshot is earlier, and the
model that scored it. Said on stderr only, or not at all, a bank's system reading the quote could not tell a grade
of today's record from one of an older snapshot, nor which model gave it."""

from __future__ import annotations

import json
from datetime import date, timedelta

from click.testing import CliRunner

from cli.finance_commands import finance
from client.risk import DEFAULT_MODEL, LatePaymentModel

from .test_finance_ledger import CONFIG, SAMPLE_HISTORY, quote


def _model_name() -> str:
    model = LatePaymentModel.load(DEFAULT_MODEL)
    return f"{model.name}-{model.version}"


def test_a_quote_for_a_later_disbursement_names_the_day_it_was_scored_as_of(world):
    later = (date.fromisoformat(world.today) + timedelta(days=5)).isoformat()   # within the offer's 7 days
    result = quote(world, "--json", "--on", later)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["on"] == later and data["scored_as_of"] == world.today
    assert data["model"] == _model_name()


def _offline_quote(*risk: str):
    return CliRunner().invoke(finance, ["quote", "RCV-1", "--as", "bank", "--config", CONFIG, "--face", "100000",
                                        "--due", "2026-03-01", "--on", "2026-01-10", *risk, "--json"])


def test_a_history_files_snapshot_date_is_named():
    result = _offline_quote("--history", SAMPLE_HISTORY, "--debtor", "SYN-DEBTOR-0007")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["on"], data["scored_as_of"], data["model"]) == ("2026-01-10", "2025-12-30", _model_name())


def test_a_grade_given_names_no_score():
    data = json.loads(_offline_quote("--grade", "B").stdout)
    assert (data["scored_as_of"], data["model"]) == (None, None)


def _table_rows(output: str) -> dict[str, str]:
    """The quote table's `label: value` lines (or `label  value`), as a dict."""
    rows = {}
    for line in output.splitlines():
        label, _, value = line.strip().partition(" ")
        rows[label.rstrip(":")] = value.strip()
    return rows


def test_the_table_names_the_score_it_priced_on_as_json_does():
    """A credit officer reading the table, not --json, learns which model and as-of date priced the quote."""
    result = CliRunner().invoke(finance, ["quote", "RCV-1", "--as", "bank", "--config", CONFIG, "--face", "100000",
                                          "--due", "2026-03-01", "--on", "2026-01-10", "--history", SAMPLE_HISTORY,
                                          "--debtor", "SYN-DEBTOR-0007"])
    assert result.exit_code == 0, result.output
    rows = _table_rows(result.stdout)
    assert (rows["on"], rows["scored_as_of"], rows["model"]) == ("2026-01-10", "2025-12-30", _model_name())
    labels = list(rows)
    assert labels.index("probability_late") + 1 == labels.index("scored_as_of")


def test_a_grade_given_shows_no_score_in_the_table():
    result = CliRunner().invoke(finance, ["quote", "RCV-1", "--as", "bank", "--config", CONFIG, "--face", "100000",
                                          "--due", "2026-03-01", "--on", "2026-01-10", "--grade", "B"])
    assert result.exit_code == 0, result.output
    assert "scored_as_of" not in result.stdout and "model" not in _table_rows(result.stdout)
