"""The lifting of freeze orders in the risk features and labels: a claim whose every order was lifted
before it fell due counts as any other (paid late, it is late); one an order still binds, having bound it
on its due date, counts in no timeliness measure; one whose last order was lifted after its due date is to
be paid by the day of the lifting. Training labels leave out what the features leave out."""
import asyncio
import json
from datetime import date, timedelta

import pytest
from click.testing import CliRunner

from cli.risk_commands import risk
from client.receivables import PaymentRecordPage
from client.risk import debtor_features
from client.risk.dataset import labelled_claims
from client.risk.history import ReceivableHistory, events_from_payment_record

from ..pricing.ledger_world import World
from ..receivables_client import fakes
from .risk_helpers import DEBTOR, ev, lifecycle

DUE = date(2026, 5, 1)
ON_TIME_UNTIL = date(2026, 5, 6)   # DUE is Labour Day: the first working day after the holiday
AS_OF = date(2026, 6, 30)


def claim(frozen_on, lifted_on=None, paid=None, *, marked_on=None):
    """Claim F due 2026-05-01, frozen on ``frozen_on``, lifted on ``lifted_on``, paid on ``paid``."""
    events = [ev("F", "registered", date(2026, 3, 1), DUE), ev("F", "confirmed", date(2026, 3, 2), DUE),
              ev("F", "frozen", frozen_on, DUE)]
    if lifted_on:
        events.append(ev("F", "unfrozen", lifted_on, DUE))
    if marked_on:
        events.append(ev("F", "overdue", marked_on, DUE))
    return events + ([ev("F", "settled", paid, DUE, settled=paid)] if paid else [])


def on_time_claims():
    return [e for k in range(6) for e in lifecycle(f"G{k}", date(2025, 9, 1) + timedelta(days=20 * k),
                                                     date(2025, 10, 31) + timedelta(days=20 * k),
                                                     paid=date(2025, 10, 31) + timedelta(days=20 * k))]


def features(events, as_of=AS_OF):
    return debtor_features(ReceivableHistory(debtor=DEBTOR, events=events), as_of)


def test_a_claim_whose_order_was_lifted_before_its_due_date_and_paid_late_counts_late():
    f = features(on_time_claims() + claim(date(2026, 4, 10), date(2026, 4, 20), date(2026, 5, 21)))
    assert f.fell_due_frozen == []
    assert (f.settled_late_count, f.max_days_late, f.settled_on_time_count) == (1, 15, 6)   # from ON_TIME_UNTIL
    assert f.model_inputs() != features(on_time_claims()).model_inputs()


def test_a_claim_whose_order_was_lifted_before_its_due_date_and_not_paid_is_overdue():
    f = features(on_time_claims() + claim(date(2026, 4, 10), date(2026, 4, 20)))
    assert f.fell_due_frozen == [] and (f.overdue_count, f.overdue_days_max) == (1, (AS_OF - ON_TIME_UNTIL).days)


@pytest.mark.parametrize("paid", [None, date(2026, 6, 10)])
def test_a_claim_still_frozen_at_its_due_date_counts_in_no_timeliness_measure(paid):
    clean = features(on_time_claims())
    frozen = features(on_time_claims() + claim(date(2026, 4, 20), paid=paid))
    assert frozen.fell_due_frozen == ["F"] and frozen.model_inputs() == clean.model_inputs()
    # lifted after the as-of date: not known then
    later = features(on_time_claims() + claim(date(2026, 4, 20), date(2026, 7, 5)))
    assert later.fell_due_frozen == ["F"] and later.model_inputs() == clean.model_inputs()


def test_a_queued_order_keeps_the_claim_frozen_after_the_first_is_lifted():
    events = claim(date(2026, 4, 10), date(2026, 4, 20)) + [ev("F", "frozen", date(2026, 4, 15), DUE)]
    f = features(on_time_claims() + events)
    assert f.fell_due_frozen == ["F"] and f.overdue_count == 0


def test_a_claim_lifted_after_its_due_date_is_to_be_paid_by_the_day_of_the_lifting():
    lifted = date(2026, 5, 20)
    on_the_day = features(on_time_claims() + claim(date(2026, 4, 20), lifted, lifted))
    assert on_the_day.fell_due_frozen == [] and on_the_day.settled_on_time_count == 7
    # marked overdue the day of the lifting: not past the day it was to be paid by
    unpaid_that_day = features(on_time_claims() + claim(date(2026, 4, 20), lifted, marked_on=lifted), lifted)
    assert unpaid_that_day.overdue_count == 0
    late = features(on_time_claims() + claim(date(2026, 4, 20), lifted, date(2026, 5, 30)))
    assert (late.settled_late_count, late.max_days_late) == (1, 10)
    unpaid = features(on_time_claims() + claim(date(2026, 4, 20), lifted, marked_on=lifted))
    assert (unpaid.overdue_count, unpaid.overdue_days_max) == (1, (AS_OF - lifted).days)


def test_an_order_lifted_on_the_last_day_on_time_leaves_the_day_to_pay():
    f = features(on_time_claims() + claim(date(2026, 4, 20), ON_TIME_UNTIL, date(2026, 5, 8)))
    assert f.fell_due_frozen == [] and (f.settled_late_count, f.max_days_late) == (1, 2)
    # lifted on the due date, a holiday, and paid on the first working day after it: on time
    f = features(on_time_claims() + claim(date(2026, 4, 20), DUE, ON_TIME_UNTIL))
    assert f.fell_due_frozen == [] and (f.settled_late_count, f.settled_on_time_count) == (0, 7)


def test_a_lifting_of_no_order_is_refused():
    with pytest.raises(ValueError, match="'unfrozen' event on 2026-04-05 but no freeze order binding it"):
        ReceivableHistory(debtor=DEBTOR,
                          events=claim(date(2026, 4, 10)) + [ev("F", "unfrozen", date(2026, 4, 5), DUE)])


def test_an_order_recorded_and_lifted_the_same_day_sorts_recorded_first():
    events = list(reversed(claim(date(2026, 4, 10), date(2026, 4, 10))))
    history = ReceivableHistory(debtor=DEBTOR, events=events)
    assert [e.kind for e in history.events if e.event_date == date(2026, 4, 10)] == ["frozen", "unfrozen"]


def test_the_payment_record_gives_an_unfrozen_event_per_lifting_and_none_from_an_older_contract():
    record = {"receivable_id": "R1", "parent_id": None, "holder": "H", "face_amount": 100,
              "due_date": "2026-05-01",
              "registered_on": "2026-03-01", "confirmed_on": "2026-03-02", "rejected_on": None,
              "financed_on": None, "marked_overdue_on": None, "split_on": None, "settled_on": None,
              "freezes": ["2026-04-10", "2026-04-12"], "unfreezes": ["2026-04-20", "2026-04-25"],
              "payments": []}
    kinds = [(e.kind, e.event_date.isoformat()) for e in events_from_payment_record(DEBTOR, record)]
    lifted = [day for kind, day in kinds if kind == "unfrozen"]
    assert lifted == ["2026-04-20", "2026-04-25"]
    older = {k: v for k, v in record.items() if k != "unfreezes"}
    assert all(e.kind != "unfrozen" for e in events_from_payment_record(DEBTOR, older))


def test_the_sdk_reads_the_liftings_and_an_older_contract_answer_without_them_as_none():
    page = PaymentRecordPage.model_validate(fakes.payment_record_page([fakes.payment_record()]))
    assert page.records[0].unfreezes == [date(2026, 4, 8)]
    older = {k: v for k, v in fakes.payment_record().items() if k != "unfreezes"}
    assert PaymentRecordPage.model_validate(fakes.payment_record_page([older])).records[0].unfreezes == []


def test_training_labels_leave_out_a_claim_still_frozen_when_it_fell_due():
    history_ends, as_of = date(2026, 8, 1), date(2026, 4, 1)

    def labels(events):
        history = ReceivableHistory(debtor=DEBTOR, events=events)
        return labelled_claims(history, as_of, history_ends=history_ends)

    assert labels(claim(date(2026, 4, 20), paid=date(2026, 6, 10))) == []
    assert labels(claim(date(2026, 4, 20))) == []
    # frozen after the as-of date, lifted before it fell due, paid late: late
    assert labels(claim(date(2026, 4, 10), date(2026, 4, 20), date(2026, 5, 10))) == [(ON_TIME_UNTIL, 1)]
    # frozen on the as-of date: no example, however the order was lifted later
    assert labels(claim(date(2026, 3, 10), date(2026, 4, 20), date(2026, 5, 10))) == []
    # lifted after it fell due and paid that day: on time, by the day of the lifting
    assert labels(claim(date(2026, 4, 20), date(2026, 5, 20), date(2026, 5, 20))) == [(date(2026, 5, 20), 0)]


def test_on_the_ledger_a_claim_lifted_before_its_due_date_and_paid_late_counts_late(monkeypatch):
    w = World()
    net = w.net
    tier1, core, regulator = net.actors["tier1"], net.actors["core"], net.actors["regulator"]
    lifted_first = asyncio.run(net.confirmed(tier1, core, 1000_00, due_in=30))["id"]
    still_frozen = asyncio.run(net.confirmed(tier1, core, 1000_00, due_in=30))["id"]
    net.advance(5)
    asyncio.run(net.ok(regulator, "FreezeReceivable", lifted_first, "(2026)沪0101财保1号"))
    asyncio.run(net.ok(regulator, "FreezeReceivable", still_frozen, "(2026)沪0101财保2号"))
    net.advance(10)
    asyncio.run(net.ok(regulator, "UnfreezeReceivable", lifted_first, "(2026)沪0101财保1号解"))
    net.advance(35)   # 20 days past due
    w.client("core").record_payment(lifted_first, 1000_00)
    net.advance(1)
    w.serve(monkeypatch)
    result = CliRunner().invoke(risk, ["score", w.uscc("core"), "--json"])
    assert result.exit_code == 0, result.output
    scored = json.loads(result.stdout)["features"]
    assert scored["fell_due_frozen"] == [still_frozen]
    assert (scored["settled_late_count"], scored["max_days_late"], scored["overdue_count"]) == (1, 20, 0)
