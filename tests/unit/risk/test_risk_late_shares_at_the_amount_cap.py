"""A debtor whose claims, each within the contract's cap on an amount (2^53 - 1 fen), fell due unpaid in
sums a float cannot tell from sums a fen larger, is scored: its late shares' log-odds are taken from the
amounts late and not late, not from 1 - share, which was 0.0 there and the score a ZeroDivisionError
(`recfin risk score`, `finance quote` a traceback)."""
import math
from datetime import date, timedelta

import pytest

from client.money import MAX_FEN
from client.risk import DEFAULT_MODEL, LatePaymentModel, ReceivableHistory, debtor_features, score_debtor
from client.risk.features import MODEL_FEATURES, claim_weight

from .risk_helpers import DEBTOR, lifecycle

AS_OF = date(2026, 6, 30)
DUE = AS_OF - timedelta(days=10)


def overdue_at_the_cap() -> ReceivableHistory:
    """Two claims at the cap and one of 1 fen, confirmed in January, all unpaid 10 days past their due
    date."""
    events = []
    for rid, face in (("R1", MAX_FEN), ("R2", MAX_FEN), ("R3", 1)):
        events += lifecycle(rid, date(2026, 1, 6), DUE, face=face)
    return ReceivableHistory(debtor=DEBTOR, events=events)


def test_late_log_odds_of_a_window_all_late_at_the_cap_are_finite():
    features = debtor_features(overdue_at_the_cap(), AS_OF)
    inputs = dict(zip(MODEL_FEATURES, features.model_inputs()))
    late = 2 * claim_weight(MAX_FEN) + claim_weight(1)
    # smoothed with the smallest claim overdue, of 1 fen (weight 1): (late + 0.2) / (0 not late + 1.8)
    assert inputs["late_log_odds_30"] == pytest.approx(math.log((late + 0.2) / 1.8), rel=1e-12)
    assert all(math.isfinite(value) for value in inputs.values())


def test_a_debtor_overdue_at_the_cap_is_scored():
    score = score_debtor(LatePaymentModel.load(DEFAULT_MODEL), overdue_at_the_cap(), AS_OF)
    assert score.grade == "E"
