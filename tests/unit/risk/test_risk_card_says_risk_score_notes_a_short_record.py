"""The model card's limit on a debtor with fewer claims fallen due than any it was trained on said `recfin risk
score` noted only a debtor with none; it notes one with fewer too
(test_risk_score_notes_a_record_shorter_than_any_trained_on.py). The card training writes and the shipped card
say so, and the shipped card still gives the fewest the note reads."""
from client.risk import DEFAULT_MODEL
from client.risk.model import card_path, fewest_fell_due_365
from client.risk.training import model_card

SAID = "(`recfin risk score` notes a debtor with none or fewer)"


def test_the_shipped_card_says_risk_score_notes_a_debtor_with_fewer():
    card = card_path(DEFAULT_MODEL).read_text(encoding="utf-8")
    assert SAID in " ".join(card.split())
    assert fewest_fell_due_365(card) > 0


def test_the_card_training_writes_says_it(small_fit):
    model, report = small_fit
    card = model_card(model, report)
    assert SAID in " ".join(card.split())
    assert fewest_fell_due_365(card) == report.least_fell_due_365
