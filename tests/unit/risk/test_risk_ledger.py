"""The debtor's history read from the ledger (the real contract's payment record in-process, through the SDK),
and `recfin risk score` on it."""

from __future__ import annotations

import asyncio
import json
from datetime import date, timedelta

import pytest
from click.testing import CliRunner

from cli.risk_commands import risk
from client.risk import debtor_features, history_from_ledger

from ..pricing.ledger_world import World


@pytest.fixture
def world():
    """Two claims on `core`, due in 30 days: one paid on day 20 (on time), one on day 45 (15 days late)."""
    w = World()
    net = w.net
    tier1, core = net.actors["tier1"], net.actors["core"]
    on_time = asyncio.run(net.confirmed(tier1, core, 5_000_000, due_in=30))
    late = asyncio.run(net.confirmed(tier1, core, 7_000_000, due_in=30))
    w.start = date.fromisoformat(net.today)
    net.advance(20)
    w.client("core").record_payment(on_time["id"], 5_000_000)
    net.advance(25)
    w.client("core").record_payment(late["id"], 7_000_000)
    w.on_time, w.late = on_time["id"], late["id"]
    return w


def test_the_history_as_of_a_date_ignores_what_the_ledger_recorded_after_it(world):
    regulator = world.client("regulator")
    debtor = world.uscc("core")
    day_40 = world.start + timedelta(days=40)
    before = debtor_features(history_from_ledger(regulator, debtor, day_40), day_40)
    assert (before.confirmed_count, before.settled_on_time_count, before.settled_late_count) == (2, 1, 0)
    assert (before.overdue_count, before.overdue_amount) == (1, 7_000_000)  # the late payment is not known yet
    day_45 = world.start + timedelta(days=45)   # the ledger's today: a history read as of it knows nothing later
    after = debtor_features(history_from_ledger(regulator, debtor, day_45), day_45)
    assert (after.settled_late_count, after.settled_late_amount, after.overdue_count) == (1, 7_000_000, 0)
    assert after.max_days_late == 15
    assert history_from_ledger(regulator, debtor, world.start - timedelta(days=1)).events == []


def test_risk_score_reads_the_ledger_as_the_regulator(world, monkeypatch):
    world.serve(monkeypatch)
    debtor = world.uscc("core")
    day = (world.start + timedelta(days=40)).isoformat()
    result = CliRunner().invoke(risk, ["score", debtor, "--as-of", day, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert world.opened == ["regulator"] and data["debtor"] == debtor and data["synthetic"] is False
    assert data["features"]["overdue_count"] == 1 and data["features"]["settled_late_count"] == 0
    table = CliRunner().invoke(risk, ["score", debtor, "--as-of", day])
    assert table.exit_code == 0 and "SYNTHETIC" not in table.output and "overdue_now: 1 (CNY 70,000.00)" in table.output


def test_risk_score_as_a_supplier_is_refused_with_what_to_do(world, monkeypatch):
    world.serve(monkeypatch)
    result = CliRunner().invoke(risk, ["score", world.uscc("core"), "--as", "tier1"])
    assert result.exit_code == 1
    assert "may not read" in result.output and "--as regulator" in result.output and "--history" in result.output
    # the contract's own refusal stays in the line, its rule named, for scripts that act on the rule
    assert "refused: RULE not-permitted-to-read: " in result.output


def test_a_bank_reads_the_same_features_as_the_regulator_with_holders_as_tokens(world, monkeypatch):
    net = world.net
    asyncio.run(net.confirmed(net.actors["tier2"], net.actors["core"], 3_000_000, due_in=60))  # a second holder
    debtor = world.uscc("core")
    day = world.start + timedelta(days=45)   # the ledger's today: the histories know nothing later
    as_bank = history_from_ledger(world.client("bank"), debtor, day)
    as_regulator = history_from_ledger(world.client("regulator"), debtor, day)
    assert debtor_features(as_bank, day) == debtor_features(as_regulator, day)
    assert {e.holder for e in as_regulator.events} == {world.uscc("tier1"), world.uscc("tier2")}
    assert {e.holder[:2] for e in as_bank.events} == {"H-"} and len({e.holder for e in as_bank.events}) == 2
    world.serve(monkeypatch)
    result = CliRunner().invoke(risk, ["score", debtor, "--as", "bank", "--as-of", day.isoformat(), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["features"]["concentration"] == debtor_features(as_regulator, day).concentration


def test_the_history_from_the_ledger_is_in_one_currency(world):
    net = world.net
    dollars = asyncio.run(net.confirmed(net.actors["tier1"], net.actors["core"], 900_000, due_in=30, currency="USD"))
    # day: the ledger's today
    regulator, debtor, day = world.client("regulator"), world.uscc("core"), world.start + timedelta(days=45)
    yuan = history_from_ledger(regulator, debtor, day)
    assert dollars["id"] not in {e.receivable_id for e in yuan.events}
    assert debtor_features(yuan, day).confirmed_amount == 12_000_000  # the two CNY claims only
    in_usd = history_from_ledger(regulator, debtor, day, currency="USD")
    assert {e.receivable_id for e in in_usd.events} == {dollars["id"]}
    assert debtor_features(in_usd, day).confirmed_amount == 900_000


def test_risk_score_on_the_ledger_scores_the_currency_asked_for(world, monkeypatch):
    net = world.net
    asyncio.run(net.confirmed(net.actors["tier1"], net.actors["core"], 900_000, due_in=30, currency="USD"))
    world.serve(monkeypatch)
    debtor, day = world.uscc("core"), (world.start + timedelta(days=50)).isoformat()
    amounts = {}
    for currency in ("CNY", "USD"):
        result = CliRunner().invoke(risk, ["score", debtor, "--currency", currency, "--as-of", day, "--json"])
        assert result.exit_code == 0, result.output
        amounts[currency] = json.loads(result.stdout)["features"]["confirmed_amount"]
    assert amounts == {"CNY": 12_000_000, "USD": 900_000}
    misspelt = CliRunner().invoke(risk, ["score", debtor, "--currency", "usd"])
    assert misspelt.exit_code == 2 and "three-letter ISO 4217 code in capitals" in misspelt.output


def test_a_freeze_and_a_rejection_count_from_the_day_the_ledger_recorded_them():
    w = World()
    net = w.net
    tier1, core = net.actors["tier1"], net.actors["core"]
    claim = asyncio.run(net.confirmed(tier1, core, 3_000_000, due_in=60))
    disputed = asyncio.run(net.registered(tier1, core, 1_000_000, due_in=60))
    start = date.fromisoformat(net.today)
    net.advance(10)
    w.client("regulator").freeze(claim["id"], "ORDER-2026-17")
    w.client("core").reject(disputed["id"], "goods not received")
    regulator, debtor = w.client("regulator"), w.uscc("core")
    day_9, day_10 = start + timedelta(days=9), start + timedelta(days=10)
    before = debtor_features(history_from_ledger(regulator, debtor, day_9), day_9)
    after = debtor_features(history_from_ledger(regulator, debtor, day_10), day_10)
    assert (before.freezes, before.rejection_rate) == (0, 0)
    assert (after.freezes, after.rejection_rate) == (1, 0.5)


def test_an_as_of_after_the_ledgers_today_is_scored_as_of_its_today(monkeypatch):
    """The ledger knows nothing later: scored as of a later date, an open claim due before it would look overdue."""
    w = World()
    net = w.net
    asyncio.run(net.confirmed(net.actors["tier1"], net.actors["core"], 5_000_000, due_in=30))
    today = date.fromisoformat(net.today)
    w.serve(monkeypatch)
    debtor = w.uscc("core")
    now = CliRunner().invoke(risk, ["score", debtor, "--as-of", today.isoformat(), "--json"])
    later = CliRunner().invoke(risk, ["score", debtor, "--as-of", (today + timedelta(days=120)).isoformat(), "--json"])
    assert now.exit_code == 0 and later.exit_code == 0, later.output
    assert json.loads(later.stdout) == json.loads(now.stdout)
    assert json.loads(later.stdout)["as_of"] == today.isoformat()
    assert json.loads(later.stdout)["features"]["overdue_count"] == 0
    assert f"the ledger's today is {today}: scored as of {today}, not {today + timedelta(days=120)}" in later.stderr
    assert "ledger's today" not in now.stderr


def _claims_on_core(*claims: tuple[str, int, int]) -> tuple[World, list[str], date]:
    """A ledger with confirmed claims on `core`, each (holder, face, days to due); their ids and day 0."""
    w = World()
    core = w.net.actors["core"]
    ids = [asyncio.run(w.net.confirmed(w.net.actors[holder], core, face, due_in=due_in))["id"]
           for holder, face, due_in in claims]
    return w, ids, date.fromisoformat(w.net.today)


def test_a_partly_paid_claim_counts_at_what_is_still_owed_from_the_day_of_the_payment():
    w, (partly, _), start = _claims_on_core(("tier1", 3_000_000, 30), ("tier2", 1_000_000, 90))
    net = w.net
    net.advance(10)
    w.client("core").record_payment(partly, 1_000_000)
    regulator, debtor = w.client("regulator"), w.uscc("core")
    day_9, day_40 = start + timedelta(days=9), start + timedelta(days=40)
    net.advance(35)  # day 45: the record's outstanding is today's figure; as of day 9 nothing was paid yet
    before = debtor_features(history_from_ledger(regulator, debtor, day_9), day_9)
    assert (before.open_amount, before.concentration) == (4_000_000, 3 / 4)
    overdue = debtor_features(history_from_ledger(regulator, debtor, day_40), day_40)
    assert (overdue.open_amount, overdue.overdue_count, overdue.overdue_amount) == (3_000_000, 1, 2_000_000)
    assert overdue.concentration == 2 / 3 and overdue.confirmed_amount == 4_000_000


def test_a_financing_cancelled_before_disbursement_is_not_in_the_financed_share():
    w, (claim, _), start = _claims_on_core(("tier1", 2_000_000, 60), ("tier1", 2_000_000, 60))
    net = w.net
    tier1, bank = net.actors["tier1"], net.actors["bank"]
    f, o = asyncio.run(net.offered(tier1, claim, bank))
    asyncio.run(net.ok(tier1, "AcceptFinancingOffer", o["id"]))
    net.advance(5)
    asyncio.run(net.ok(tier1, "CancelFinancing", f["id"], "no longer needed"))
    regulator, debtor = w.client("regulator"), w.uscc("core")
    day_4, day_5 = start + timedelta(days=4), start + timedelta(days=5)
    assert debtor_features(history_from_ledger(regulator, debtor, day_4), day_4).financed_share == 0.5
    assert debtor_features(history_from_ledger(regulator, debtor, day_5), day_5).financed_share == 0.0


def test_a_claim_split_by_partial_transfers_on_the_ledger_counts_once_in_timeliness():
    """The real contract splits a claim at each partial transfer (R into R.1 and R.2, R.2 again ...): left unpaid,
    it is one overdue claim, and paid, one payment, late by its latest part."""
    w = World()
    net = w.net
    tier1, core = net.actors["tier1"], net.actors["core"]
    claim = asyncio.run(net.confirmed(tier1, core, 10_000_000, due_in=30))
    start = date.fromisoformat(net.today)
    net.advance(5)
    holder = w.client("tier1")
    holder.transfer(claim["id"], w.uscc("tier2"), 4_000_000)             # R.1 to tier2, R.2 kept
    holder.transfer(f"{claim['id']}.2", w.uscc("tier2"), 1_000_000)      # R.2 into R.2.1 and R.2.2
    net.advance(35)   # 10 days past due
    regulator, debtor, today = w.client("regulator"), w.uscc("core"), date.fromisoformat(net.today)
    history = history_from_ledger(regulator, debtor, today)
    assert len({e.receivable_id for e in history.events if e.kind == "confirmed" and e.parent_id}) == 4
    f = debtor_features(history, today)
    assert (f.confirmed_count, f.overdue_count, f.overdue_amount, f.overdue_days_max) == (1, 1, 10_000_000, 10)
    assert (f.late_30, f.fell_due_30) == (1, 1)
    parts = sorted({e.receivable_id for e in history.events if e.kind == "confirmed" and e.parent_id} -
                   {e.receivable_id for e in history.events if e.kind == "split"})
    client = w.client("core")
    for part in parts:
        client.record_payment(part, next(e.face_amount for e in history.events if e.receivable_id == part))
        net.advance(2)
    paid_on = date.fromisoformat(net.today)
    f = debtor_features(history_from_ledger(regulator, debtor, paid_on), paid_on)
    assert (f.settled_late_count, f.settled_late_amount, f.overdue_count) == (1, 10_000_000, 0)
    assert f.max_days_late == (paid_on - timedelta(days=2) - (start + timedelta(days=30))).days   # the last part
