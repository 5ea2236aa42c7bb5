"""A history whose split part carries a later due date than its claim (a file written by hand: the contract
keeps the claim's due date on its parts), one part paid and the other still to pay. Each part is to be paid by
its own day, so the claim paid on time so far is not late while the later part's day is not over: it falls in
no window until then, as its label is dated by that day (client.risk.features.day_decided; counted late from
its paid sibling's due date, it was late in the features before it could be). One whose first part was paid
late is decided late on that part's day: the windows count it late while it is neither settled nor overdue,
and the smoothing of the late shares must count it with the claims paid late. Left out of them
(late_payment-v8 as first shipped, which counted the claims settled late or overdue) it scaled a window
holding it alone by nothing: the share was 1 and `risk score` failed on a division by zero. The late share of
all time counts it late as the windows do: counting the claims settled late or overdue, it read it as never due."""
import math
from datetime import date

from click.testing import CliRunner

from cli.risk_commands import risk
from client.risk import ReceivableHistory, debtor_features
from client.risk.features import LATE_PRIOR, MODEL_FEATURES, claim_weight, log_odds

from .risk_helpers import DEBTOR, ev, lifecycle

DUE, PART_DUE, AS_OF = date(2026, 3, 1), date(2026, 5, 1), date(2026, 3, 15)
SIBLING_PAID_LATE = date(2026, 3, 10)   # its day was 2026-03-02, the next working day after the due date


def history(sibling_paid_on=DUE):
    """R of 800,000 fen, due on DUE, split into R.1 paid on ``sibling_paid_on`` and R.2 due on PART_DUE, unpaid."""
    return ReceivableHistory(debtor=DEBTOR, events=[
        ev("R", "registered", date(2026, 1, 4), DUE, face=800_000, holder="S0"),
        ev("R", "confirmed", date(2026, 1, 5), DUE, face=800_000, holder="S0"),
        ev("R", "split", date(2026, 2, 1), DUE, face=800_000, holder="S0"),
        ev("R.1", "registered", date(2026, 2, 1), DUE, face=400_000, holder="S1", parent="R"),
        ev("R.1", "confirmed", date(2026, 2, 1), DUE, face=400_000, holder="S1", parent="R"),
        ev("R.1", "settled", sibling_paid_on, DUE, face=400_000, holder="S1", parent="R", settled=sibling_paid_on),
        ev("R.2", "registered", date(2026, 2, 1), PART_DUE, face=400_000, holder="S0", parent="R"),
        ev("R.2", "confirmed", date(2026, 2, 1), PART_DUE, face=400_000, holder="S0", parent="R"),
        # a claim confirmed on the as-of date, so that a file is scored as of it
        *lifecycle("X", AS_OF, date(2026, 6, 1))])


def test_the_claim_is_in_no_window_while_its_later_parts_day_is_not_over():
    features = debtor_features(history(), AS_OF)
    assert (features.fell_due_30, features.late_30, features.overdue_count) == (0, 0, 0)
    assert all(math.isfinite(x) for x in features.model_inputs())


def test_a_window_holding_only_a_claim_whose_part_is_due_later_has_a_finite_smoothed_share():
    features = debtor_features(history(SIBLING_PAID_LATE), AS_OF)
    # late in the window, neither settled nor overdue
    assert (features.fell_due_30, features.late_30) == (1, 1)
    assert (features.settled_late_count, features.overdue_count) == (0, 0)
    assert features.smoothing_claims.late_record == claim_weight(800_000)   # the claim's, at its face
    inputs = features.model_inputs()
    assert all(math.isfinite(x) for x in inputs)


def test_risk_score_scores_it(tmp_path):
    path = tmp_path / "history.json"
    path.write_text(history(SIBLING_PAID_LATE).model_dump_json())
    result = CliRunner().invoke(risk, ["score", DEBTOR, "--history", str(path), "--as-of", str(AS_OF),
                                       "--json"])
    assert result.exit_code == 0, result.output
    assert result.exception is None


def test_the_late_share_of_all_time_counts_it_late_as_the_365_day_window_does():
    # R is the only claim that fell due in this history: all time and the year hold the same claims. Counted from the
    # claims settled late or overdue, the share of all time left it out and read the prior, a clean record
    features = debtor_features(history(SIBLING_PAID_LATE), AS_OF)
    assert features.late_365 == 1
    assert features.by_amount_all == features.by_amount_365
    assert (features.by_amount_all.amount, features.by_amount_all.late_amount) == (800_000, 400_000)
    inputs = dict(zip(MODEL_FEATURES, features.model_inputs()))
    assert inputs["late_log_odds_all"] == inputs["late_log_odds_365"] > log_odds(LATE_PRIOR)
