"""`recfin risk score --json` on the ledger says which of the debtor's claims the score is not of, as its stderr
notes do: the claims the contract could not count (``history_cut``) and how many claims of each other currency
were left out. A script reading the JSON alone took a score of some of the debtor's claims for a score of all."""

from __future__ import annotations

import asyncio
import json

from click.testing import CliRunner

from cli.risk_commands import risk

from ..pricing.ledger_world import World
from ..receivables.test_payment_record_names_cut_claims import PLANTED
from .ledger_debtors import core_with_claims_left_out


def test_the_json_names_the_claims_cut_and_those_in_other_currencies(monkeypatch):
    w = core_with_claims_left_out()
    w.serve(monkeypatch)
    result = CliRunner().invoke(risk, ["score", w.uscc("core"), "--as", "bank", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["features"]["confirmed_count"] == 1
    assert data["claims_not_counted"] == [PLANTED]
    assert data["claims_in_other_currencies"] == {"USD": 1}
    in_usd = json.loads(CliRunner().invoke(risk, ["score", w.uscc("core"), "--currency", "USD", "--json"]).stdout)
    assert in_usd["claims_not_counted"] == [PLANTED] and in_usd["claims_in_other_currencies"] == {"CNY": 1}


def test_every_claim_counted_is_said_too(monkeypatch):
    w = World()
    asyncio.run(w.net.confirmed(w.net.actors["tier1"], w.net.actors["core"], 900_000, due_in=30))
    w.serve(monkeypatch)
    result = CliRunner().invoke(risk, ["score", w.uscc("core"), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["claims_not_counted"], data["claims_in_other_currencies"]) == ([], {})


def test_a_file_or_a_simulated_history_knows_nothing_of_the_ledgers_other_claims():
    for source in (["--history", "client/risk/samples/history.json"], ["--synthetic-seed", "20261128"]):
        result = CliRunner().invoke(risk, ["score", "SYN-DEBTOR-0007", *source, "--json"])
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        assert (data["claims_not_counted"], data["claims_in_other_currencies"]) == (None, None)
