"""A --history file of another debtor was refused as "X.json holds the history of D2, not D1", which said what was
wrong but not what to do. The refusal names both ways out: the file of the debtor asked for, or the file's own
debtor, given as `risk score`'s DEBTOR or `finance quote`'s --debtor."""
import json

from click.testing import CliRunner

from cli.finance_commands import finance
from cli.risk_commands import risk


def refusal(result) -> str:
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    return " ".join(result.output.split())


def test_risk_score_names_the_file_to_give_or_the_debtor_it_holds(tmp_path):
    path = tmp_path / "history.json"
    path.write_text(json.dumps({"debtor": "D2", "events": []}))
    said = refusal(CliRunner().invoke(risk, ["score", "D1", "--history", str(path)]))
    assert (f"Error: Invalid value for '--history': {path} holds the history of D2, not D1: give the file of D1's "
            "events, or give D2 as DEBTOR to score the one it holds") in said


def test_finance_quote_names_its_debtor_option(tmp_path):
    path = tmp_path / "history.json"
    path.write_text(json.dumps({"debtor": "D2", "events": []}))
    said = refusal(CliRunner().invoke(finance, [
        "quote", "RCV-1", "--as", "bank", "--face", "1,000,000", "--due", "2026-09-25", "--on", "2026-06-30",
        "--history", str(path), "--debtor", "D1"]))
    assert (f"{path} holds the history of D2, not D1: give the file of D1's events, or give D2 as --debtor to score "
            "the one it holds") in said
