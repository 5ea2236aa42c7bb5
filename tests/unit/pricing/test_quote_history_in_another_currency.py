"""A history read from the ledger is of the debtor's claims in one currency, and says which (``currency``):
`recfin finance quote --history FILE` refuses to price a claim in another currency on it, as the ledger's own
read scores in the claim's currency, and `recfin risk score --history FILE --json` names it. Before, a history
of the debtor's dollar claims graded a claim in yuan unremarked, and the score named no currency."""

from __future__ import annotations

import asyncio
import json
from datetime import date, timedelta

from click.testing import CliRunner

from cli.finance_commands import finance
from cli.risk_commands import risk
from client.risk import history_from_ledger

from .test_finance_ledger import CONFIG, quote


def _dollar_history(world, tmp_path):
    net = world.net
    asyncio.run(net.confirmed(net.actors["tier2"], net.actors["core"], 20_000_000, due_in=60, currency="USD"))
    history = history_from_ledger(world.client("bank"), world.uscc("core"), date.fromisoformat(world.today),
                                  currency="USD")
    assert history.currency == "USD"
    path = tmp_path / "usd-history.json"
    path.write_text(history.model_dump_json())
    return path


def test_a_quote_on_the_ledger_refuses_a_history_of_claims_in_another_currency(world, tmp_path):
    path = _dollar_history(world, tmp_path)
    result = quote(world, "--json", "--history", str(path), "--debtor", world.uscc("core"))
    assert result.exit_code == 1, result.output
    assert (f"{path} is a history of {world.uscc('core')}'s claims in USD, and {world.receivable} is in CNY: "
            "pass a history read in CNY") in result.output.replace("\n", " ")
    assert world.client("bank").financier_exposure(world.uscc("core")).offers == []


def test_a_quote_without_the_ledger_refuses_it_in_another_currency_than_the_banks(world, tmp_path):
    path = _dollar_history(world, tmp_path)
    due = (date.fromisoformat(world.today) + timedelta(days=60)).isoformat()
    result = CliRunner().invoke(finance, ["quote", "RCV-1", "--as", "bank", "--config", CONFIG, "--face", "100000",
                                          "--due", due, "--on", world.today, "--history", str(path),
                                          "--debtor", world.uscc("core"), "--json"])
    assert result.exit_code == 1, result.output
    assert "claims in USD, and RCV-1 is in CNY" in result.output.replace("\n", " ")


def test_risk_score_names_the_currency_of_a_saved_history(world, tmp_path):
    path = _dollar_history(world, tmp_path)
    result = CliRunner().invoke(risk, ["score", world.uscc("core"), "--history", str(path), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["currency"] == "USD"
