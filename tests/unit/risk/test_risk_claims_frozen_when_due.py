"""A claim that fell due under a freeze order counts in no timeliness measure: the contract takes no payment
on a frozen claim, and an order is about the receivable (a dispute, an invoice the supplier may have faked, a
court order on the holder), not the debtor's doing. Counted, a debtor whose only claim the regulator froze
before it fell due scored E while the freeze held, and D once it paid the day the order was lifted. An order
recorded after the due date finds the claim already late, and leaves it late."""
import asyncio
import json
from datetime import date, timedelta

import pytest
from click.testing import CliRunner

from cli.risk_commands import risk
from client.receivables import RuleViolation
from client.risk import LatePaymentModel, debtor_features, score_debtor
from client.risk.history import ReceivableHistory

from ..pricing.ledger_world import World
from .risk_helpers import DEBTOR, ev, lifecycle

DUE = date(2026, 5, 1)
AS_OF = date(2026, 6, 30)


def claim_frozen_on(frozen_on, paid=None):
    """A claim due 2026-05-01, frozen on ``frozen_on``, paid on ``paid`` (None: still unpaid on AS_OF)."""
    events = [ev("F", "registered", date(2026, 3, 1), DUE), ev("F", "confirmed", date(2026, 3, 2), DUE),
              ev("F", "frozen", frozen_on, DUE)]
    return events + ([ev("F", "settled", paid, DUE, settled=paid)] if paid else [])


def on_time_claims():
    return [e for k in range(6) for e in lifecycle(f"G{k}", date(2025, 9, 1) + timedelta(days=20 * k),
                                                     date(2025, 10, 31) + timedelta(days=20 * k),
                                                     paid=date(2025, 10, 31) + timedelta(days=20 * k))]


def features(events):
    return debtor_features(ReceivableHistory(debtor=DEBTOR, events=events), AS_OF)


@pytest.mark.parametrize("paid", [None, date(2026, 6, 10), DUE])
def test_a_claim_frozen_by_its_due_date_counts_neither_on_time_nor_late(paid):
    clean = features(on_time_claims())
    frozen = features(on_time_claims() + claim_frozen_on(date(2026, 4, 20), paid))
    assert frozen.fell_due_frozen == ["F"]
    assert frozen.model_inputs() == clean.model_inputs()
    assert (frozen.settled_late_count, frozen.overdue_count, frozen.settled_on_time_count) == (0, 0, 6)
    # still a confirmed claim the debtor owes, and a freeze on record
    assert (frozen.confirmed_count, frozen.freezes) == (7, 1)
    assert frozen.open_amount == (0 if paid else 100_000)


def test_an_order_recorded_after_the_due_date_leaves_the_claim_late():
    frozen = features(on_time_claims() + claim_frozen_on(date(2026, 5, 10), date(2026, 6, 10)))
    # due on Labour Day: to be paid by 6 May, the first working day after the holiday, and frozen after it
    assert frozen.fell_due_frozen == [] and frozen.settled_late_count == 1 and frozen.max_days_late == 35
    overdue = features(on_time_claims() + claim_frozen_on(date(2026, 5, 10)))
    assert overdue.fell_due_frozen == [] and overdue.overdue_count == 1


def test_a_claim_frozen_and_not_yet_due_is_still_a_claim_to_pay():
    f = debtor_features(ReceivableHistory(debtor=DEBTOR, events=claim_frozen_on(date(2026, 4, 20))),
                        date(2026, 4, 25))
    assert f.fell_due_frozen == [] and f.open_amount == 100_000


def test_the_regulators_freeze_over_the_due_date_does_not_grade_the_debtor_on_the_ledger(monkeypatch):
    w = World()
    net = w.net
    tier1, core, regulator = net.actors["tier1"], net.actors["core"], net.actors["regulator"]
    claim = asyncio.run(net.confirmed(tier1, core, 1000_00, due_in=30))["id"]
    net.advance(10)
    asyncio.run(net.ok(regulator, "FreezeReceivable", claim, "(2026)沪0101财保1号"))
    net.advance(40)   # 20 days past due
    with pytest.raises(RuleViolation) as refused:
        w.client("core").record_payment(claim, 1000_00)
    assert refused.value.rule == "receivable-frozen"
    w.serve(monkeypatch)
    debtor = w.uscc("core")
    result = CliRunner().invoke(risk, ["score", debtor, "--json"])
    assert result.exit_code == 0, result.output
    scored = json.loads(result.stdout)
    assert scored["features"]["overdue_count"] == 0 and scored["features"]["fell_due_frozen"] == [claim]
    # as a debtor with no payment to go by, not E
    no_record = score_debtor(LatePaymentModel.load(), ReceivableHistory(debtor=debtor),
                             date.fromisoformat(net.today)).grade
    assert scored["grade"] == no_record
    said = result.stderr.replace("\n", " ")
    assert (f"note: 1 claim of {debtor} ({claim}) fell due under a freeze order and counts neither on time "
            f"nor late in grade {no_record}") in said
    assert (f"note: {debtor} has no confirmed receivable on record by {net.today} but 1 that fell due under "
            "a freeze order (not counted, on time or late)") in said
    # paid the day the order is lifted: still not the debtor's lateness
    asyncio.run(net.ok(regulator, "UnfreezeReceivable", claim, "(2026)沪0101财保1号解"))
    w.client("core").record_payment(claim, 1000_00)
    net.advance(1)
    after = json.loads(CliRunner().invoke(risk, ["score", debtor, "--json"]).stdout)
    assert (after["features"]["settled_late_count"], after["features"]["settled_on_time_count"]) == (0, 1)
