"""A debtor with no payment on record is graded by the model all the same (C for one with no history at all). Its
--json said so (``thin_record``), but the tables of `risk score` and `finance quote` said it only in a note on
stderr: a table kept in a file (``> score.txt``) showed grade C for a debtor with no history exactly as for one
graded C on its payments. The table carries the same sentence, labelled as --json names it, and a debtor with
payments has no such line."""
import json
from pathlib import Path

from click.testing import CliRunner

from cli.finance_commands import finance
from cli.risk_commands import risk
from client.risk import ReceivableHistory

from .risk_helpers import DEBTOR

SAMPLE_HISTORY = str(Path(__file__).parents[3] / "client" / "risk" / "samples" / "history.json")
AS_OF = "2026-06-30"
QUOTE = ["quote", "RCV-1", "--as", "bank", "--face", "1,000,000", "--due", "2026-09-25"]


def no_history(tmp_path) -> str:
    path = tmp_path / "history.json"
    path.write_text(ReceivableHistory(debtor=DEBTOR, events=[]).model_dump_json())
    return str(path)


def table_lines(stdout: str) -> dict[str, str]:
    return dict(line.split(": ", 1) for line in stdout.splitlines() if ": " in line)


def test_risk_score_table_says_a_debtor_with_no_history_is_graded_on_none(tmp_path):
    args = ["score", DEBTOR, "--history", no_history(tmp_path), "--as-of", AS_OF]
    table = CliRunner().invoke(risk, args)
    assert table.exit_code == 0, table.output
    lines = table_lines(table.stdout)
    said = json.loads(CliRunner().invoke(risk, [*args, "--json"]).stdout)["thin_record"]
    assert lines["grade"] == "C"
    assert lines["thin_record"] == said
    assert said.startswith(f"{DEBTOR} has no confirmed receivable on record by {AS_OF}")
    # right under the grade it speaks of
    labels = [line.split(": ", 1)[0] for line in table.stdout.splitlines()]
    assert labels.index("thin_record") == labels.index("grade") + 1


def test_risk_score_table_of_a_debtor_with_payments_has_no_such_line():
    table = CliRunner().invoke(risk, ["score", "SYN-DEBTOR-0007", "--history", SAMPLE_HISTORY])
    assert table.exit_code == 0, table.output
    assert "thin_record" not in table_lines(table.stdout)


def test_finance_quote_table_says_the_grade_it_priced_on_rests_on_no_payment(tmp_path):
    args = [*QUOTE, "--on", AS_OF, "--history", no_history(tmp_path), "--debtor", DEBTOR]
    table = CliRunner().invoke(finance, args)
    assert table.exit_code == 0, table.output
    lines = table_lines(table.stdout)
    said = json.loads(CliRunner().invoke(finance, [*args, "--json"]).stdout)["thin_record"]
    assert said.startswith(f"{DEBTOR} has no confirmed receivable on record by {AS_OF}")
    assert lines["thin_record"] == said
    # the bank's policy for such a debtor priced a riskier grade than the model's, and the table says why
    assert (lines["debtor_grade"], lines["priced_grade"]) == ("C", "D")


def test_finance_quote_table_of_a_grade_given_or_earned_has_no_such_line():
    given = CliRunner().invoke(finance, [*QUOTE, "--on", AS_OF, "--grade", "C"])
    earned = CliRunner().invoke(finance, [*QUOTE, "--on", "2025-12-30", "--history", SAMPLE_HISTORY,
                                          "--debtor", "SYN-DEBTOR-0007"])
    for result in (given, earned):
        assert result.exit_code == 0, result.output
        assert "thin_record" not in table_lines(result.stdout)
