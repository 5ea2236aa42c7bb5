"""Timeliness counts once per original claim, however its holders split it; features do not depend on event order."""
import json
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from client.risk import ReceivableHistory, debtor_features
from .risk_helpers import (DAY, DEBTOR, DUE, FACE, PART_CONFIRMED, PART_DUE, SPLIT_ON, ev, lifecycle, settle,
                           split_claim, split_part_again)


def unsplit_claim(settlements):
    """The same claim never split: each part's share of it paid on the day the part was, settled when its last
    part was, if every part was."""
    n = len(settlements)
    faces = [FACE // n] * (n - 1) + [FACE - FACE // n * (n - 1)]   # as split_claim divides it
    events = split_claim([None])
    if None not in settlements:
        events += settle("R", DUE, max(settlements), face=FACE, holder="S0")
    return events + [ev("R", "paid", day, DUE, face=FACE, holder="S0", amount=face)
                     for day, face in zip(settlements, faces) if day is not None]


TIMELINESS = ("settled_on_time_count", "settled_late_count", "mean_days_late", "max_days_late", "overdue_count",
              "overdue_days_max", "fell_due_30", "late_30", "fell_due_90", "late_90", "fell_due_180", "late_180",
              "fell_due_365", "late_365", "fell_due_same_season", "late_same_season", "mean_days_late_365",
              "confirmed_count", "confirmed_count_365", "confirmed_count_90")

SETTLEMENTS = [
    [DUE, DUE - 2 * DAY],                           # every part on time
    [DUE, DUE + 10 * DAY],                          # one part 10 days late
    [DUE + 3 * DAY, DUE + 10 * DAY, DUE - DAY],     # two late: the claim is 10 days late
    [DUE, None],                                    # one part paid on time, one never
    [None] * 8,                                     # unpaid, in eight parts
    [DUE - 20 * DAY, DUE + 40 * DAY, None, DUE],
]
AS_OF_DATES = [SPLIT_ON + DAY, DUE, DUE + 5 * DAY, DUE + 20 * DAY, DUE + 60 * DAY, DUE + 300 * DAY]


@pytest.mark.parametrize("chained", [True, False])
@pytest.mark.parametrize("settlements", SETTLEMENTS)
def test_splitting_a_claim_among_holders_changes_no_model_input(settlements, chained):
    """However the suppliers divided it, the claim fell due once and was paid (or not) as its parts were."""
    split = ReceivableHistory(debtor=DEBTOR, events=split_claim(settlements, chained=chained))
    whole = ReceivableHistory(debtor=DEBTOR, events=unsplit_claim(settlements))
    assert {e.receivable_id for e in split.events if e.kind == "settled"} <= \
        {e.receivable_id for e in split.events if e.kind == "confirmed" and e.parent_id}   # the parts are paid
    for as_of in AS_OF_DATES:
        f, g = debtor_features(split, as_of), debtor_features(whole, as_of)
        assert [getattr(f, name) for name in TIMELINESS] == [getattr(g, name) for name in TIMELINESS], as_of
        assert f.model_inputs() == g.model_inputs(), as_of


def test_an_unpaid_claim_split_into_eight_parts_is_one_overdue_claim():
    f = debtor_features(ReceivableHistory(debtor=DEBTOR, events=split_claim([None] * 8)), DUE + 10 * DAY)
    assert (f.confirmed_count, f.overdue_count, f.overdue_amount, f.overdue_days_max) == (1, 1, FACE, 10)
    assert (f.late_30, f.fell_due_30, f.late_365, f.fell_due_365) == (1, 1, 1, 1)
    assert f.open_amount == FACE and f.concentration == (FACE - FACE // 8 * 7) / FACE   # held part by part


def test_a_split_claim_is_late_by_its_latest_part():
    f = debtor_features(ReceivableHistory(debtor=DEBTOR, events=split_claim([DUE + 3 * DAY, DUE + 10 * DAY, DUE])),
                        DUE + 30 * DAY)
    assert (f.settled_on_time_count, f.settled_late_count, f.settled_late_amount) == (0, 1, FACE)
    assert (f.mean_days_late, f.max_days_late, f.overdue_count) == (10.0, 10, 0)
    partly = debtor_features(ReceivableHistory(debtor=DEBTOR, events=split_claim([DUE, None])), DUE + 30 * DAY)
    assert (partly.settled_on_time_count, partly.settled_late_count, partly.overdue_count) == (0, 0, 1)
    assert partly.overdue_amount == FACE // 2   # what the unpaid part owes
    assert (partly.late_90, partly.fell_due_90) == (1, 1)


def test_a_claim_paid_in_part_before_its_split_is_settled_at_its_face():
    """A split divides what is still owed: face 100,000 fen, 40,000 paid, the 60,000 left split in two and paid
    on time. The debtor settled the claim it confirmed, all of it, as it would have unsplit."""
    due, confirmed = date(2026, 3, 1), date(2025, 12, 2)
    events = [ev("P", "registered", confirmed - DAY, due), ev("P", "confirmed", confirmed, due),
              ev("P", "paid", date(2026, 1, 10), due, amount=40_000), ev("P", "split", date(2026, 1, 20), due)]
    for rid, holder in (("P.1", "S2"), ("P.2", "S1")):
        events += [ev(rid, kind, date(2026, 1, 20), due, face=30_000, holder=holder, parent="P")
                   for kind in ("registered", "confirmed")]
        events.append(ev(rid, "settled", due, due, face=30_000, holder=holder, settled=due, parent="P"))
    whole = lifecycle("P", confirmed, due, paid=due) + [ev("P", "paid", date(2026, 1, 10), due, amount=40_000)]
    for as_of in (due, due + 30 * DAY):
        f = debtor_features(ReceivableHistory(debtor=DEBTOR, events=events), as_of)
        assert (f.confirmed_amount, f.settled_on_time_count, f.settled_on_time_amount) == (100_000, 1, 100_000)
        assert f == debtor_features(ReceivableHistory(debtor=DEBTOR, events=whole), as_of)
    late = [e.model_copy(update={"event_date": due + 5 * DAY, "settled_date": due + 5 * DAY})
            if e.kind == "settled" else e for e in events]
    f = debtor_features(ReceivableHistory(debtor=DEBTOR, events=late), due + 30 * DAY)
    assert (f.settled_late_count, f.settled_late_amount, f.settled_on_time_amount) == (1, 100_000, 0)


def test_a_part_paid_in_part_before_it_was_split_again_is_settled_at_its_face_without_the_original():
    """Only P.1 of P in the history: 100,000 fen, 40,000 paid, the 60,000 left split in two and paid on time.
    The parts add up to 60,000; P.1, split from the missing original, was 100,000."""
    f = debtor_features(ReceivableHistory(debtor=DEBTOR, events=split_part_again()), PART_DUE + 30 * DAY)
    assert (f.settled_on_time_count, f.settled_on_time_amount, f.settled_late_count) == (1, 100_000, 0)


def test_a_history_of_parts_alone_counts_the_claim_they_came_from_as_confirmed_once():
    """Only parts of P in the history (P.1, and P.1.1 and P.1.2 split from it): one confirmed claim of 100,000 fen
    (its parts count in it, not beside it), named as one the history holds only parts of. The day the debtor
    confirmed P is not in the history (P.1's is the day P.1 came to be), so P is in no window of recent
    confirmations."""
    history = ReceivableHistory(debtor=DEBTOR, events=split_part_again())
    f = debtor_features(history, PART_DUE + 30 * DAY)
    assert (f.confirmed_count, f.confirmed_amount, f.confirmed_count_90, f.confirmed_count_365) == (1, 100_000, 0, 0)
    assert f.originals_not_in_history == ["P"]
    assert debtor_features(history, PART_CONFIRMED - DAY).confirmed_count == 0


def test_a_part_whose_confirmation_the_history_leaves_out_still_gives_its_face_to_the_original():
    """The same history with P.1's confirmation left out: the parts below it are confirmed and paid on time, and
    the claim they belong to was 100,000 fen, not nothing."""
    events = [e for e in split_part_again() if not (e.receivable_id == "P.1" and e.kind == "confirmed")]
    f = debtor_features(ReceivableHistory(debtor=DEBTOR, events=events), PART_DUE + 30 * DAY)
    assert (f.settled_on_time_count, f.settled_on_time_amount) == (1, 100_000)


def test_a_history_missing_a_middle_part_counts_the_claim_once():
    """R split into R.1 and R.2, R.2 into R.2.1 and R.2.2, all paid on time, R.2 left out of the file: its parts
    are R's by their names, so R is one claim confirmed and settled on time, not R and a second claim "R.2"."""
    events = [e for e in split_claim([DUE] * 3) if e.receivable_id != "R.2"]
    f = debtor_features(ReceivableHistory(debtor=DEBTOR, events=events), DUE + 30 * DAY)
    assert (f.confirmed_count, f.confirmed_amount, f.confirmed_count_365) == (1, FACE, 1)
    assert (f.settled_on_time_count, f.settled_on_time_amount, f.settled_late_count) == (1, FACE, 0)


def test_parts_under_missing_parents_with_the_root_missing_too_count_as_one_claim():
    """R split into R.1 and R.2, R.2 into R.2.1 and R.2.2: a file holding only R.1 and R.2.1 (R and R.2 left
    out) holds parts of one claim, R, not of two."""
    events = [e for e in split_claim([DUE] * 3) if e.receivable_id in ("R.1", "R.2.1")]
    f = debtor_features(ReceivableHistory(debtor=DEBTOR, events=events), DUE + 30 * DAY)
    assert (f.confirmed_count, f.settled_on_time_count, f.settled_late_count) == (1, 1, 0)
    faces = {e.receivable_id: e.face_amount for e in events}
    assert f.confirmed_amount == faces["R.1"] + faces["R.2.1"]     # what the history holds of R, each part whole
    only_grandchildren = [e for e in split_claim([DUE] * 3) if e.receivable_id in ("R.2.1", "R.2.2")]
    g = debtor_features(ReceivableHistory(debtor=DEBTOR, events=only_grandchildren), DUE + 30 * DAY)
    assert (g.confirmed_count, g.confirmed_amount) == (1, sum({e.receivable_id: e.face_amount
                                                               for e in only_grandchildren}.values()))


def test_a_split_claim_one_part_of_which_the_history_confirms_counts_the_other_part_as_owed():
    """R split into R.1 and R.2, R.2's confirmation left out: R.2 is still a part of the claim the debtor confirmed
    (a part takes its confirmation from R), and it is unpaid, so R is overdue by R.2's half, as with R.2's
    confirmation in the history, not settled on time on R.1's payment alone."""
    complete = split_claim([DUE, None], chained=False)
    events = [e for e in complete if not (e.receivable_id == "R.2" and e.kind == "confirmed")]
    f = debtor_features(ReceivableHistory(debtor=DEBTOR, events=events), DUE + 30 * DAY)
    assert (f.settled_on_time_count, f.overdue_count, f.overdue_amount, f.confirmed_amount) == (0, 1, FACE // 2, FACE)
    assert f == debtor_features(ReceivableHistory(debtor=DEBTOR, events=complete), DUE + 30 * DAY)


def record_events():
    """Claims of several holders, one changing hands, one split, paid on time, late and not at all."""
    events = lifecycle("A", date(2025, 11, 2), date(2026, 1, 31), paid=date(2026, 2, 14), face=300_000)
    events += lifecycle("B", date(2025, 12, 1), date(2026, 2, 28), paid=date(2026, 2, 27), holder="S2")
    events += lifecycle("C", date(2026, 1, 10), date(2026, 3, 10), holder="S3")
    events += [ev("C", "financed", date(2026, 1, 20), date(2026, 3, 10), holder="S3"),
               ev("C", "paid", date(2026, 2, 20), date(2026, 3, 10), holder="S3", amount=40_000),
               ev("D", "registered", date(2026, 2, 1), date(2026, 5, 1), holder="S1"),
               ev("D", "confirmed", date(2026, 2, 3), date(2026, 5, 1), holder="S4"),   # passed on before confirming
               ev("E", "registered", date(2026, 2, 4), date(2026, 5, 4)),
               ev("E", "rejected", date(2026, 2, 6), date(2026, 5, 4)),
               ev("C", "frozen", date(2026, 3, 1), date(2026, 3, 10), holder="S3")]
    return events + split_claim([DUE, None, DUE + 4 * DAY])


@settings(max_examples=60, deadline=None)
@given(st.permutations(record_events()), st.sampled_from([date(2026, 2, 10), DUE - DAY, DUE + 20 * DAY]))
def test_the_order_of_events_in_a_history_changes_no_feature(shuffled, as_of):
    """A history file may list its events in any order; the ledger gives them by date: both score alike."""
    in_order = ReceivableHistory(debtor=DEBTOR, events=record_events())
    given_order = ReceivableHistory(debtor=DEBTOR, events=shuffled)
    assert given_order.events == in_order.events
    assert debtor_features(given_order, as_of) == debtor_features(in_order, as_of)


def test_a_file_listing_a_claims_later_holder_first_is_read_in_date_order():
    """R1 registered by A, confirmed once B held it; the file lists the confirmation first. B holds it now."""
    due = date(2025, 6, 1)
    events = [ev("R1", "confirmed", date(2025, 1, 5), due, holder="B"),
              ev("R1", "registered", date(2025, 1, 1), due, holder="A"),
              ev("R2", "registered", date(2025, 1, 1), due, holder="B"),
              ev("R2", "confirmed", date(2025, 1, 2), due, holder="B")]
    from_file = ReceivableHistory.model_validate_json(json.dumps(
        {"debtor": DEBTOR, "events": [e.model_dump(mode="json") for e in events]}))
    assert [(e.receivable_id, e.kind) for e in from_file.events] == [
        ("R1", "registered"), ("R2", "registered"), ("R2", "confirmed"), ("R1", "confirmed")]
    assert debtor_features(from_file, date(2025, 3, 1)).concentration == 1.0   # B holds both
