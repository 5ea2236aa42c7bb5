"""What `recfin risk score` on the ledger says beside the score: the claims in other currencies it left out, a
credit code the ledger does not know, and what the probability and the grade mean."""

from __future__ import annotations

import asyncio
import json
from datetime import date

from click.testing import CliRunner

from cli.risk_commands import risk
from client.risk import history_from_ledger

from ..pricing.ledger_world import World


def test_claims_in_another_currency_are_said_to_be_left_out_with_the_option_that_scores_them(monkeypatch):
    """A debtor that trades only in USD, scored in the default CNY, is not a debtor with no claims."""
    w = World()
    net = w.net
    tier1, core = net.actors["tier1"], net.actors["core"]
    dollars = asyncio.run(net.confirmed(tier1, core, 900_000, due_in=30, currency="USD"))
    net.advance(2)
    w.client("tier1").transfer(dollars["id"], w.uscc("tier2"), 300_000)   # parts: still one claim
    asyncio.run(net.confirmed(tier1, core, 500_000, due_in=60, currency="EUR"))
    w.serve(monkeypatch)
    debtor = w.uscc("core")
    left_out: dict[str, int] = {}
    today = date.fromisoformat(net.today)
    history = history_from_ledger(w.client("regulator"), debtor, today, left_out=left_out)
    assert history.events == [] and left_out == {"EUR": 1, "USD": 1}
    result = CliRunner().invoke(risk, ["score", debtor, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["features"]["confirmed_count"] == 0
    assert (f"note: {debtor} is scored on its claims in CNY only; its claims in other currencies "
            "(1 in EUR, 1 in USD) are not in this score: pass --currency EUR or --currency USD to score those"
            ) in result.stderr
    in_usd = CliRunner().invoke(risk, ["score", debtor, "--currency", "USD", "--json"])
    assert in_usd.exit_code == 0
    assert "(1 in EUR) are not in this score: pass --currency EUR " in in_usd.stderr


def test_a_debtor_with_claims_in_one_currency_only_gets_no_note_of_others(monkeypatch):
    w = World()
    net = w.net
    asyncio.run(net.confirmed(net.actors["tier1"], net.actors["core"], 900_000, due_in=30))
    w.serve(monkeypatch)
    result = CliRunner().invoke(risk, ["score", w.uscc("core"), "--json"])
    assert result.exit_code == 0 and "other currencies" not in result.stderr


def test_an_unknown_debtor_is_said_to_be_no_party_on_the_ledger_not_one_to_register(monkeypatch):
    w = World()
    w.serve(monkeypatch)
    result = CliRunner().invoke(risk, ["score", "91310000MA1K000006"])
    assert result.exit_code == 1
    assert "no party 91310000MA1K000006 on the ledger: check DEBTOR, the debtor's credit code" \
        in result.output
    assert "RULE party-not-registered" in result.output   # the contract's refusal stays, for scripts


def test_the_table_says_what_the_probability_and_the_grade_mean():
    result = CliRunner().invoke(risk, ["score", "SYN-DEBTOR-0007", "--as-of", "2025-12-30",
                                       "--history", "client/risk/samples/history.json"])
    assert result.exit_code == 0, result.output
    assert ("meaning: the probability that a confirmed receivable of the debtor, open on 2025-12-30 and "
            "falling due in the 90 days after it, is not paid by its due date (or the next working day when "
            "that is a day off); grades: A below 3%, "
            "B below 7%, C below 15%, D below 30%, E from 30%") in result.output
