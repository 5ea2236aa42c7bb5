"""`recfin risk score --json` says the currency of its amounts, as its table does: USD fen are not CNY fen."""
from __future__ import annotations

import asyncio
import json
from datetime import date

import pytest
from click.testing import CliRunner

from cli.risk_commands import risk
from client.risk.simulator import SimulationConfig, simulate

from ..pricing.ledger_world import World


def test_the_json_of_a_ledger_score_names_the_currency_the_table_shows(monkeypatch):
    w = World()
    net = w.net
    asyncio.run(net.confirmed(net.actors["tier1"], net.actors["core"], 900_000, due_in=30, currency="USD"))
    w.serve(monkeypatch)
    debtor, day = w.uscc("core"), date.fromisoformat(net.today).isoformat()
    scored = CliRunner().invoke(risk, ["score", debtor, "--currency", "USD", "--as-of", day, "--json"])
    assert scored.exit_code == 0, scored.output
    data = json.loads(scored.stdout)
    assert data["currency"] == "USD" and data["features"]["confirmed_amount"] == 900_000
    table = CliRunner().invoke(risk, ["score", debtor, "--currency", "USD", "--as-of", day])
    assert table.exit_code == 0 and "confirmed: 1 (USD 9,000.00)" in table.output
    in_yuan = CliRunner().invoke(risk, ["score", debtor, "--as-of", day, "--json"])
    assert in_yuan.exit_code == 0 and json.loads(in_yuan.stdout)["currency"] == "CNY"


def test_a_history_that_names_no_currency_scores_with_none(tmp_path):
    history = simulate(SimulationConfig(debtors=1, seed=2))[0]
    path = tmp_path / "history.json"
    path.write_text(history.model_dump_json())
    scored = CliRunner().invoke(risk, ["score", history.debtor, "--history", str(path), "--json"])
    assert scored.exit_code == 0, scored.output
    assert json.loads(scored.stdout)["currency"] is None
    synthetic = CliRunner().invoke(risk, ["score", history.debtor, "--synthetic-seed", "2",
                                          "--synthetic-debtors", "1", "--json"])
    assert synthetic.exit_code == 0 and json.loads(synthetic.stdout)["currency"] is None


@pytest.mark.parametrize("options,named", [
    (["--currency", "USD"], "--currency is"),
    (["--as", "bank"], "--as is"),
    (["--as", "bank", "--currency", "CNY", "--data-root", "."], "--as and --currency and --data-root are"),
])
@pytest.mark.parametrize("source", ["--history", "--synthetic-seed"])
def test_options_of_the_ledger_read_are_refused_where_no_ledger_is_read(tmp_path, options, named, source):
    """A file's history names no currency and is scored whole: `--currency USD` there scored all of it."""
    history = simulate(SimulationConfig(debtors=1, seed=2))[0]
    path = tmp_path / "history.json"
    path.write_text(history.model_dump_json())
    scored = ["--history", str(path)] if source == "--history" else ["--synthetic-seed", "2",
                                                                      "--synthetic-debtors", "1"]
    result = CliRunner().invoke(risk, ["score", history.debtor, *scored, *options])
    assert result.exit_code == 2, result.output
    assert f"{named} for reading the ledger, which {source} replaces" in result.output
    assert f"drop {source} to read the ledger" in result.output


def _history_file_naming(tmp_path, currency: str | None):
    """A --history file as `history_from_ledger` saves one: naming the currency its claims were read in."""
    history = simulate(SimulationConfig(debtors=1, seed=2))[0].model_copy(update={"currency": currency})
    path = tmp_path / "history.json"
    path.write_text(history.model_dump_json())
    return history.debtor, str(path)


def test_another_currency_than_the_files_own_is_refused_naming_it(tmp_path):
    """A history saved from the ledger names its currency: "in no currency it names" was untrue of it."""
    debtor, path = _history_file_naming(tmp_path, "USD")
    result = CliRunner().invoke(risk, ["score", debtor, "--history", path, "--currency", "EUR"])
    assert result.exit_code == 2, result.output
    said = " ".join(result.output.split())
    assert "the --history file's history was read in USD" in said
    assert "give --currency USD or leave --currency out" in said
    assert "in no currency it names" not in said


def test_the_files_own_currency_is_taken_and_scored_in(tmp_path):
    debtor, path = _history_file_naming(tmp_path, "USD")
    scored = CliRunner().invoke(risk, ["score", debtor, "--history", path, "--currency", "USD", "--json"])
    assert scored.exit_code == 0, scored.output
    assert json.loads(scored.stdout)["currency"] == "USD"


def test_another_ledger_option_with_a_file_naming_its_currency_says_it(tmp_path):
    debtor, path = _history_file_naming(tmp_path, "USD")
    result = CliRunner().invoke(risk, ["score", debtor, "--history", path, "--as", "bank", "--currency", "USD"])
    assert result.exit_code == 2, result.output
    said = " ".join(result.output.split())
    assert "--as is for reading the ledger, which --history replaces: its history is scored whole, in USD, " \
           "the one it names" in said
