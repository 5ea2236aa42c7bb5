"""`recfin risk score` on the ledger says which claims the contract could not count in the debtor's payment
record (``history_cut``: a history the peer cut at its totalQueryLimit, or a record no transaction of the
contract created), as the score is not of them."""

from __future__ import annotations

import asyncio
import json
from datetime import date

from click.testing import CliRunner

from cli.risk_commands import risk
from client.risk import history_from_ledger

from ..pricing.ledger_world import World
from ..receivables.test_payment_record_names_cut_claims import PLANTED, plant_confirmed_claim


def test_a_claim_the_contract_could_not_count_is_named_beside_the_score(monkeypatch):
    w = World()
    net = w.net
    real = asyncio.run(net.confirmed(net.actors["tier1"], net.actors["core"], 900_000, due_in=30))
    plant_confirmed_claim(net, real["id"], w.uscc("core"))
    w.serve(monkeypatch)
    debtor = w.uscc("core")
    history_cut: list[str] = []
    history = history_from_ledger(w.client("bank"), debtor, date.fromisoformat(net.today), page_size=1,
                                  history_cut=history_cut)
    assert {e.receivable_id for e in history.events} == {real["id"]} and history_cut == [PLANTED]
    result = CliRunner().invoke(risk, ["score", debtor, "--as", "bank", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["features"]["confirmed_count"] == 1
    assert (f"note: 1 claim of {debtor} ({PLANTED}) is not in this score: the peer's history of each does not "
            "reach the write that created it") in result.stderr


def test_no_note_where_every_claim_was_counted(monkeypatch):
    w = World()
    asyncio.run(w.net.confirmed(w.net.actors["tier1"], w.net.actors["core"], 900_000, due_in=30))
    w.serve(monkeypatch)
    result = CliRunner().invoke(risk, ["score", w.uscc("core"), "--json"])
    assert result.exit_code == 0 and "not in this score" not in result.stderr
