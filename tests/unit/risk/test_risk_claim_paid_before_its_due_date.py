"""A claim paid before its due date counts in the late shares from the day after it falls due, in the share of all
time as in the 30/90/180/365-day windows. Counted on time by the share of all time from the day it was paid, while
the windows waited for its day, a debtor read as of a date between the two had its claims paid early counted on
time and its claims due on the same days still unpaid counted nowhere: of the claims not yet due, only those paid
early (all of them on time) moved the share, and the windows and all time disagreed on one record."""
import json
from datetime import date, timedelta

from click.testing import CliRunner

from cli.risk_commands import risk
from client.risk import ReceivableHistory, debtor_features
from client.risk.features import MODEL_FEATURES

from .risk_helpers import DEBTOR, lifecycle, settle
from .test_risk_score_notes_what_its_counts_hide import score, small_late_claims_beside_a_large_one_on_time

DUE = date(2026, 3, 2)                 # a Monday: its last day on time
PAID_EARLY = DUE - timedelta(days=3)   # as the simulator's debtors pay some claims
AS_OF = DUE - timedelta(days=1)        # paid, not yet due


def claims_paid_late():
    """Two claims paid 20 days late, both fallen due in the last 90 days before AS_OF."""
    return [*lifecycle("L1", date(2025, 11, 1), date(2026, 1, 5), paid=date(2026, 1, 25)),
            *lifecycle("L2", date(2025, 11, 15), date(2026, 1, 19), paid=date(2026, 2, 8))]


def history(*events):
    return ReceivableHistory(debtor=DEBTOR, events=list(events))


def inputs(features):
    return dict(zip(MODEL_FEATURES, features.model_inputs()))


def test_the_share_of_all_time_leaves_a_claim_paid_early_out_until_it_falls_due_as_the_windows_do():
    paid_early = lifecycle("E", date(2026, 1, 10), DUE, face=400_000, paid=PAID_EARLY)
    features = debtor_features(history(*claims_paid_late(), *paid_early), AS_OF)
    assert features.settled_on_time_count == 1   # the payment is on the record, and settled on time
    assert (features.fell_due_365, features.late_365) == (2, 2)
    assert features.by_amount_all == features.by_amount_365 == features.by_amount_90
    assert inputs(features)["late_log_odds_all"] == inputs(features)["late_log_odds_365"]
    # nor does it set the size of the smoothing yet: the record is the two claims paid late, as without it
    without = debtor_features(history(*claims_paid_late()), AS_OF)
    assert features.smoothing_claims.late_record == without.smoothing_claims.late_record
    assert inputs(features)["late_log_odds_all"] == inputs(without)["late_log_odds_all"]


def test_once_it_has_fallen_due_the_share_of_all_time_counts_it_on_time_as_the_windows_do():
    paid_early = lifecycle("E", date(2026, 1, 10), DUE, face=400_000, paid=PAID_EARLY)
    before = debtor_features(history(*claims_paid_late(), *paid_early), AS_OF)
    after = debtor_features(history(*claims_paid_late(), *paid_early), DUE + timedelta(days=1))
    assert (after.fell_due_365, after.late_365) == (3, 2)
    assert after.by_amount_all == after.by_amount_365
    assert after.by_amount_all.amount == before.by_amount_all.amount + 400_000
    assert after.by_amount_all.late_amount == before.by_amount_all.late_amount
    assert inputs(after)["late_log_odds_all"] < inputs(before)["late_log_odds_all"]


def test_the_note_on_late_claims_by_count_counts_the_claims_the_share_of_all_time_weighs(tmp_path):
    """`risk score` says when the share of the claims that fell due paid late by count is well above the share
    the grade weighs: both over the same claims. Twenty claims paid before their due date, which no late share
    counts yet, took the count from 91% (10 of the 11 claims that fell due) to 32%, as if they had fallen due."""
    paid_early = [event for k in range(20) for event in lifecycle(
        f"E{k}", date(2026, 4, 1) + timedelta(days=k), date(2026, 7, 15), face=100_000, paid=date(2026, 5, 15))]
    scored, said = score(tmp_path, small_late_claims_beside_a_large_one_on_time() + paid_early)
    assert scored["features"]["settled_on_time_count"] == 21   # the large claim and the twenty paid early
    assert (f"note: {DEBTOR} paid late, or has not yet paid, 91% of the claims that fell due but 4% of them "
            "weighed by the square root of their amounts") in said.replace("\n", " ")



def scored_as_read(tmp_path, events, as_of):
    """`risk score --json` of a history read from the ledger as of ``as_of`` (scored as of that day, not of its last
    event): the --json answer and what the command said on stderr."""
    path = tmp_path / "history.json"
    path.write_text(ReceivableHistory(debtor=DEBTOR, read_as_of=as_of, events=list(events)).model_dump_json())
    result = CliRunner().invoke(risk, ["score", DEBTOR, "--history", str(path), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout), result.stderr.replace("\n", " ")


def test_a_debtor_whose_only_claims_were_paid_before_their_due_date_is_noted_as_scored_on_no_payment(tmp_path):
    """Until its claims fall due no late share counts them, so the grade is the one of a debtor with no record:
    `risk score` says so, and ``thin_record`` in --json is not null, as for claims not yet paid. Counting the
    settlements, the note took those paid early for payments the grade was drawn from."""
    confirmed = [event for k in range(2) for event in lifecycle(f"E{k}", date(2026, 1, 10), DUE)]
    paid_early = [*confirmed, *settle("E0", DUE, PAID_EARLY, face=100_000, holder="S1")]
    unpaid, _ = scored_as_read(tmp_path, confirmed, AS_OF)
    paid, said = scored_as_read(tmp_path, paid_early, AS_OF)
    assert paid["as_of"] == str(AS_OF)
    assert paid["features"]["settled_on_time_count"] == 1 and paid["features"]["by_amount_all"]["count"] == 0
    assert (paid["probability_late"], paid["grade"]) == (unpaid["probability_late"], unpaid["grade"])
    assert paid["thin_record"] == (f"{DEBTOR} has 2 confirmed receivables on record by {AS_OF}, none yet fallen "
                                   "due (1 paid before its due date, which no late share counts until it falls "
                                   f"due): grade {paid['grade']} is the model's view of a debtor whose payments "
                                   "are not yet known, not of its payments")
    assert f"note: {paid['thin_record']}" in said
    # one claim, paid early; once it has fallen due, it is a payment the grade is drawn from
    one = lifecycle("E", date(2026, 1, 10), DUE, paid=PAID_EARLY)
    assert scored_as_read(tmp_path, one, AS_OF)[0]["thin_record"].startswith(
        f"{DEBTOR} has 1 confirmed receivable on record by {AS_OF}, paid before its due date, which no late share "
        "counts until it falls due: grade")
    fallen_due, said = scored_as_read(tmp_path, one, DUE + timedelta(days=1))
    assert fallen_due["features"]["by_amount_all"] == {**fallen_due["features"]["by_amount_all"], "count": 1,
                                                       "late_count": 0}
    assert fallen_due["thin_record"] is None and "is the model's view" not in said
