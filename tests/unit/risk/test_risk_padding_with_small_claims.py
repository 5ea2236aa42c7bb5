"""Padding with small claims buys no better grade (since late_payment-v8): four claims of 50 million yuan paid
30 days late, beside sixty claims of 1 fen held by one supplier and paid on time, score E as the four alone.
Each claim weighs the square root of its face (since v15): the sixty weigh 60 beside the four's 282,843, and
take 0.0001 off the probability (0.3477 to 0.3476), where weighed by face (v8 to v14) they took nothing; the
late shares move by at most 5e-4 in log-odds, and a window holding only padding by under 1e-4. Counted per
claim (v7) the padded record was 6% late and graded C, the four alone E."""
import math
from datetime import date, timedelta
from decimal import Decimal

import pytest

from client.risk import DEFAULT_MODEL, LatePaymentModel, ReceivableHistory, debtor_features, score_debtor
from client.risk.features import LATE_PRIOR, MODEL_FEATURES, log_odds

from .risk_helpers import BIG, DEBTOR, big_late_claims, ev, lifecycle, tiny_claims_on_time

AS_OF = date(2026, 6, 30)


@pytest.fixture(scope="module")
def model():
    return LatePaymentModel.load(DEFAULT_MODEL)


def scored(model, events):
    return score_debtor(model, ReceivableHistory(debtor=DEBTOR, events=events), AS_OF)


def test_sixty_one_fen_claims_paid_on_time_buy_no_better_grade_or_probability(model):
    alone = scored(model, big_late_claims())
    padded = scored(model, big_late_claims() + tiny_claims_on_time())
    assert padded.features.settled_on_time_count == 60   # the padding is there, and counted
    assert padded.grade >= alone.grade                     # "A" is the best grade
    # what sixty claims of 1 fen weigh beside four of 50 million yuan: the last digit of the probability
    assert padded.probability_late >= alone.probability_late - Decimal("0.0001")
    assert model.probability(padded.features.model_inputs()) == pytest.approx(
        model.probability(alone.features.model_inputs()), abs=1e-4)


def test_a_window_holding_only_padding_stays_at_the_prior(model):
    """The season a year ago (2025-06-30 .. 2025-09-28) holds six of the 1-fen claims and nothing else:
    smoothed with pseudo-observations of the debtor's mean claim, it reads as no record, not as six claims
    paid on time (six weights of 1 beside two pseudo-claims of 70,711 move it by 5e-5 in log-odds); the
    windows beside the four large claims move by at most 5e-4."""
    alone = dict(zip(MODEL_FEATURES, debtor_features(
        ReceivableHistory(debtor=DEBTOR, events=big_late_claims()), AS_OF).model_inputs()))
    padded_features = debtor_features(ReceivableHistory(debtor=DEBTOR, events=big_late_claims() +
                                                        tiny_claims_on_time()), AS_OF)
    assert padded_features.fell_due_same_season == 6
    padded = dict(zip(MODEL_FEATURES, padded_features.model_inputs()))
    assert padded["late_log_odds_same_season"] == pytest.approx(log_odds(LATE_PRIOR), abs=1e-4)
    for name in MODEL_FEATURES:
        assert padded[name] == pytest.approx(alone[name], abs=5e-4), name


def test_tiny_claims_confirmed_beside_rejections_do_not_dilute_them(model):
    """Rejections of the last 90 days weigh against confirmations counted by amount, in units of the debtor's
    mean claim: sixty 1-fen claims confirmed in the quarter leave the rejection rate where it was."""
    rejections = [ev(f"X{k}", kind, AS_OF - timedelta(days=10 + k), AS_OF + timedelta(days=50))
                  for k in range(2) for kind in ("registered", "rejected")]
    base = big_late_claims() + rejections
    recent_tiny = [e for k in range(60) for e in lifecycle(
        f"N{k}", AS_OF - timedelta(days=80 - k), AS_OF + timedelta(days=60), face=1, holder="SHELL")]
    alone = debtor_features(ReceivableHistory(debtor=DEBTOR, events=base), AS_OF)
    padded = debtor_features(ReceivableHistory(debtor=DEBTOR, events=base + recent_tiny), AS_OF)
    assert (padded.rejected_count_90, padded.confirmed_count_90) == (2, 60)
    rate = MODEL_FEATURES.index("rejection_rate_90")
    assert padded.model_inputs()[rate] == pytest.approx(alone.model_inputs()[rate], abs=1e-8)
    assert scored(model, base + recent_tiny).probability_late >= scored(model, base).probability_late


def test_claims_of_one_size_are_smoothed_as_the_count_was():
    """Weighed by amount, a record of claims of one size gives the late shares v7 gave by count,
    (late + 0.2) / (n + 2): the change is in what claims of other sizes weigh, not in the smoothing."""
    events = big_late_claims() + [e for k in range(6) for e in lifecycle(
        f"G{k}", date(2025, 9, 1) + timedelta(days=20 * k), date(2025, 11, 1) + timedelta(days=20 * k),
        face=BIG, paid=date(2025, 11, 1) + timedelta(days=20 * k))]
    inputs = dict(zip(MODEL_FEATURES, debtor_features(ReceivableHistory(debtor=DEBTOR, events=events),
                                                      AS_OF).model_inputs()))
    share = (4 + 0.2) / (10 + 2)    # 4 late of the 10 that fell due in the last 365 days
    assert inputs["late_log_odds_365"] == pytest.approx(math.log(share / (1 - share)), abs=1e-12)


def test_padding_buys_nothing_for_a_debtor_none_of_whose_real_claims_fell_due_yet(model):
    """A debtor whose one real claim (50 million yuan) is confirmed and not yet due, padded with sixty claims
    of 1 fen paid on time: the dust, the only claims paid on time, was the scale a clean window is smoothed
    with, so each window of it read as a clean record of as many claims (grade A, 0.0211, against C, 0.0986,
    without it). The claims not yet due scale it too, and the dust reads as what sixty claims of 1 fen weigh
    beside the real one: at most 5e-4 in log-odds."""
    real = lifecycle("REAL", date(2026, 6, 1), date(2026, 9, 1), face=BIG, holder="S9")
    alone = debtor_features(ReceivableHistory(debtor=DEBTOR, events=real), AS_OF)
    padded = debtor_features(ReceivableHistory(debtor=DEBTOR, events=real + tiny_claims_on_time()), AS_OF)
    assert padded.settled_on_time_count == 60
    for name, before, after in zip(MODEL_FEATURES, alone.model_inputs(), padded.model_inputs()):
        if name.startswith("late_log_odds_"):
            assert after == pytest.approx(before, abs=5e-4), name
    # 2e-5 of probability (0.11223 to 0.11221), under the last digit a score shows
    assert model.probability(padded.model_inputs()) >= model.probability(alone.model_inputs()) - 1e-4
    assert scored(model, real + tiny_claims_on_time()).grade == scored(model, real).grade
