"""A --history file's refusal names the debtor asked for and the file's own one cut short when long (start, end,
length), as every refusal names a long value: a 10,000-character DEBTOR (or --debtor), or a file's debtor as long,
was echoed whole, twice, into an error line of 20,000 characters; so was one with a file that is no JSON or an empty
list. A debtor id of a length one types is still named whole."""
import json

import pytest
from click.testing import CliRunner

from cli.finance_commands import finance
from cli.risk_commands import risk

LONG = "D" * 10_000


def history_of(tmp_path, debtor: str, events: list | None = None):
    path = tmp_path / "history.json"
    path.write_text(json.dumps({"debtor": debtor, "events": events or []}))
    return path


def run(command: str, debtor: str, path) -> str:
    if command == "risk score":
        result = CliRunner().invoke(risk, ["score", debtor, "--history", str(path)])
    else:
        result = CliRunner().invoke(finance, ["quote", "RCV-1", "--as", "bank", "--face", "1,000,000", "--due",
                                              "2026-09-25", "--on", "2026-06-30", "--history", str(path),
                                              "--debtor", debtor])
    return result.output


@pytest.mark.parametrize("command", ["risk score", "finance quote"])
@pytest.mark.parametrize("asked, held", [(LONG, "D2"), ("D1", LONG)], ids=["debtor asked", "file's debtor"])
def test_a_long_debtor_is_named_cut_short(tmp_path, command, asked, held):
    said = run(command, asked, history_of(tmp_path, held))
    assert "holds the history of" in said
    assert LONG not in said and "(10000 characters)" in said
    assert len(said) < 1500


@pytest.mark.parametrize("written", ["{not json", "[]"], ids=["not JSON", "an empty list"])
@pytest.mark.parametrize("command", ["risk score", "finance quote"])
def test_a_long_debtor_is_named_cut_short_by_the_refusal_of_a_file_that_holds_no_history(tmp_path, written, command):
    path = tmp_path / "history.json"
    path.write_text(written)
    said = run(command, LONG, path)
    assert LONG not in said and "(10000 characters)" in said
    assert len(said) < 1500
    if written == "[]":
        assert '{"debtor": "DEBTOR", "events": []}' in " ".join(said.split())


def test_a_debtor_of_the_length_one_types_is_named_whole(tmp_path):
    asked = "D" * 300
    said = " ".join(run("risk score", asked, history_of(tmp_path, "D2")).split())
    assert f"not {asked}: give the file of {asked}'s events" in said
