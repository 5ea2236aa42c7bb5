"""The scores docs/risk-and-pricing.md quotes for its worked examples of gaming routes are the shipped
model's: each history is built as the docs describe it and scored as of 2026-06-30, and the grade and
probability the docs give must be the ones the code computes (a re-trained model moves them all)."""
from datetime import date, timedelta
from pathlib import Path

import pytest

from client.risk import DEFAULT_MODEL, LatePaymentModel, ReceivableHistory, score_debtor
from client.risk.model import VERSION
from client.risk.working_days import next_working_day

from .risk_helpers import BIG, DEBTOR, big_late_claims, lifecycle, tiny_claims_on_time

DOCS = Path(__file__).resolve().parents[3] / "docs" / "risk-and-pricing.md"
AS_OF = date(2026, 6, 30)


@pytest.fixture(scope="module")
def docs():
    return " ".join(DOCS.read_text(encoding="utf-8").split())   # sentences are wrapped anywhere


@pytest.fixture(scope="module")
def model():
    return LatePaymentModel.load(DEFAULT_MODEL)


def shown(model, events):
    """'D (0.2992)': the grade and the probability as the docs quote them."""
    score = score_debtor(model, ReceivableHistory(debtor=DEBTOR, events=events), AS_OF)
    return f"{score.grade} ({score.probability_late})"


def ten_small_claims_paid_late():
    """Ten claims of 1,000 yuan paid 30 days late (after the last day each was on time)."""
    events = []
    for k in range(10):
        confirmed = date(2026, 1, 1) + timedelta(days=10 * k)
        due = confirmed + timedelta(days=60)
        events += lifecycle(f"S{k}", confirmed, due, paid=next_working_day(due) + timedelta(days=30))
    return events


def one_claim(face, paid_late):
    """One claim beside the four of big_late_claims, paid on its due date or 30 days late."""
    due = date(2026, 3, 2)   # a working day
    return lifecycle("H", date(2026, 1, 10), due, face=face,
                     paid=due + timedelta(days=30 if paid_late else 0))


def test_the_padding_example_quotes_the_shipped_models_score(model, docs):
    four = shown(model, big_late_claims())
    padded = shown(model, big_late_claims() + tiny_claims_on_time())
    assert padded[0] == four[0]   # the grade; the probability may move in its last digit (since v15)
    assert f"50 million yuan paid 30 days late score {four} with late_payment-{VERSION}" in docs
    assert f"held by one supplier and paid on time, {padded}:" in docs


def test_the_large_claims_paid_on_time_example_quotes_the_shipped_models_scores(model, docs):
    alone = shown(model, ten_small_claims_paid_late())
    beside = shown(model, ten_small_claims_paid_late() + lifecycle(
        "L", date(2025, 12, 1), date(2026, 3, 1), face=BIG, holder="SHELL", paid=date(2026, 3, 1)))
    assert (f"ten claims of 1,000 yuan paid 30 days late score {alone}, and beside one claim of 50 million "
            f"yuan paid on time, {beside}") in docs


def test_the_huge_claim_examples_quote_the_shipped_models_scores(model, docs):
    four = shown(model, big_late_claims())
    on_time, late = (shown(model, big_late_claims() + one_claim(100 * BIG, paid_late))
                     for paid_late in (0, 1))
    assert (f"four claims of 50 million yuan paid 30 days late ({four[0]}, {four[3:-1]}), one of 5 billion "
            f"yuan scores {on_time} paid on time; paid 30 days late it scores {late}") in docs
    assert f"smoothed as above they score {four} and {late}." in docs
    p_on_time, p_late = (shown(model, big_late_claims() + one_claim(2 * BIG, paid_late))[3:-1]
                         for paid_late in (0, 1))
    assert f"one of 100 million yuan: {p_on_time} paid on time, {p_late} paid late" in docs


def test_the_small_claim_paid_late_example_quotes_the_shipped_models_scores(model, docs):
    """With no larger claim paid on time, the smallest claim paid late sets the smoothing of a mostly late
    window: a claim of 100 yuan paid a day late beside four of 50 million yuan paid 30 days late takes the
    score far further than 100 yuan weigh, and the docs say by how much."""
    four = shown(model, big_late_claims())
    small = lifecycle("T", date(2026, 4, 1), date(2026, 4, 30), face=10_000, paid=date(2026, 5, 1))
    beside = shown(model, big_late_claims() + small)
    assert (f"Four claims of 50 million yuan paid 30 days late score {four}, and beside one claim of 100 "
            f"yuan paid a day late, {beside}.") in docs
