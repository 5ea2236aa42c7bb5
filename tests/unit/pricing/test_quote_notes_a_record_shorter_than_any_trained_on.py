"""`recfin finance quote` scores a debtor as `recfin risk score` does, and prices on that grade: a debtor with
fewer claims fallen due in the 365 days before the date than any the model was trained on is scored from a record
unlike any it was fitted on (one claim paid a day late grades it D). `risk score` said so on stderr and the quote,
priced on that grade, did not: it says so now, in the same words, beside the table and --json alike."""
import pytest
from click.testing import CliRunner

from cli.finance_commands import finance
from client.risk import ReceivableHistory

from ..risk.risk_helpers import DEBTOR
from ..risk.test_risk_score_notes_a_record_shorter_than_any_trained_on import AS_OF, claims, score

SHORT_RECORD = "was trained on had at least"   # in the note, after the model's name and before its fewest


def quoted(tmp_path, events, *options):
    path = tmp_path / "history.json"
    path.write_text(ReceivableHistory(debtor=DEBTOR, read_as_of=AS_OF, events=events).model_dump_json())
    return CliRunner().invoke(finance, ["quote", "RCV-1", "--as", "bank", "--face", "1,000,000", "--due",
                                        "2026-09-30", "--on", AS_OF.isoformat(), "--history", str(path),
                                        "--debtor", DEBTOR, *options])


@pytest.mark.parametrize("options", [(), ("--json",)], ids=["table", "json"])
def test_a_record_shorter_than_any_trained_on_is_said_as_risk_score_says_it(tmp_path, options):
    said_by_risk_score, = [line for line in score(tmp_path, claims(1, days_late=1)).stderr.splitlines()
                           if SHORT_RECORD in line]
    assert said_by_risk_score.startswith(f"note: {DEBTOR} has 1 claim fallen due in the 365 days before {AS_OF}")
    result = quoted(tmp_path, claims(1, days_late=1), *options)
    assert result.exit_code == 0, result.output   # priced at the grade the note is of
    assert said_by_risk_score in result.stderr.splitlines()


def test_as_many_as_the_fewest_trained_on_gets_no_such_note(tmp_path):
    result = quoted(tmp_path, claims(10))
    assert result.exit_code == 0, result.output
    assert SHORT_RECORD not in result.stderr
