"""A freeze order binds the part of a split claim it names, not the claim: the contract takes payment on the other
parts, so what the debtor leaves unpaid on them counts as on any claim. Only a claim every part of which an order
binds when it falls due counts in no timeliness measure (``fell_due_frozen``)."""

from __future__ import annotations

import asyncio
from datetime import date

from client.risk import debtor_features, history_from_ledger

from ..pricing.ledger_world import World

ORDER = "(2026)沪0101财保9号"


def _claim_split_for_a_tier2_supplier(w: World, given: int) -> str:
    """A claim of 100,000.00 CNY due in 30 days, of which its holder passes ``given`` fen on to tier2 two days
    later (the part ``.1``; ``.2`` is kept), and the regulator freezes the part passed on three days after."""
    net = w.net
    claim = asyncio.run(net.confirmed(net.actors["tier1"], net.actors["core"], 10_000_000, due_in=30))["id"]
    net.advance(2)
    w.client("tier1").transfer(claim, w.uscc("tier2"), given)
    net.advance(3)
    asyncio.run(net.ok(net.actors["regulator"], "FreezeReceivable", f"{claim}.1", ORDER))
    return claim


def _features_today(w: World):
    day = date.fromisoformat(w.net.today)
    return debtor_features(history_from_ledger(w.client("bank"), w.uscc("core"), day), day)


def test_the_parts_no_order_binds_left_unpaid_are_overdue():
    w = World()
    _claim_split_for_a_tier2_supplier(w, 100)   # 1 yuan to tier2, frozen; 99,999 yuan kept
    w.net.advance(85)                           # the kept part unpaid 60 days past its due date
    f = _features_today(w)
    assert (f.overdue_count, f.overdue_amount, f.overdue_days_max) == (1, 9_999_900, 60)
    assert (f.late_90, f.fell_due_90) == (1, 1) and f.fell_due_frozen == []
    assert f.by_amount_90.amount == 9_999_900 and f.by_amount_90.late_amount == 9_999_900


def test_the_parts_no_order_binds_paid_late_are_late_by_their_own_days():
    w = World()
    _claim_split_for_a_tier2_supplier(w, 4_000_000)
    w.net.advance(35)                           # 10 days past due
    w.client("core").record_payment(f"{_kept(w)}", 6_000_000)
    w.net.advance(5)
    f = _features_today(w)
    assert (f.settled_late_count, f.settled_late_amount, f.max_days_late, f.overdue_count) == (1, 6_000_000, 10, 0)


def test_a_claim_every_part_of_which_an_order_binds_still_counts_neither_way():
    w = World()
    claim = _claim_split_for_a_tier2_supplier(w, 4_000_000)
    asyncio.run(w.net.ok(w.net.actors["regulator"], "FreezeReceivable", f"{claim}.2", ORDER))
    w.net.advance(60)
    f = _features_today(w)
    assert f.fell_due_frozen == [claim]
    assert (f.overdue_count, f.settled_late_count, f.fell_due_90) == (0, 0, 0)


def _kept(w: World) -> str:
    """The part its holder kept of the one claim on core: ``.2``."""
    record = w.client("regulator").debtor_payment_record(w.uscc("core"))
    return next(r.receivable_id for r in record.records if r.receivable_id.endswith(".2"))


def test_the_frozen_part_is_named_in_the_features_and_beside_the_score(monkeypatch):
    import json

    from click.testing import CliRunner

    from cli.risk_commands import risk

    w = World()
    claim = _claim_split_for_a_tier2_supplier(w, 100)
    w.net.advance(85)
    assert _features_today(w).parts_fell_due_frozen == [f"{claim}.1"]
    w.serve(monkeypatch)
    result = CliRunner().invoke(risk, ["score", w.uscc("core"), "--as", "bank", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["features"]["parts_fell_due_frozen"] == [f"{claim}.1"]
    assert (f"note: 1 part of split claims of {w.uscc('core')} ({claim}.1) fell due under a freeze order and "
            "counts neither on time nor late") in result.stderr
    assert "the claim it was split from counts by its other parts" in result.stderr
