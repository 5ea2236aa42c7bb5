"""How sure the comparison with the baseline is: `risk evaluate`, `risk train` and the model card give the model's
AUC and Brier score less the baseline's with a 95% interval made by resampling held-out DEBTORS, each with all its
examples (one debtor's examples share its habit: resampling claims alone would make the interval too narrow), with
a stated seed and count of resamples, so that the same run gives the same interval."""
import json
import random

import pytest
from click.testing import CliRunner

from cli.risk_commands import risk
from client.risk import training
from client.risk.training import BOOTSTRAP_RESAMPLES, lift_over_baseline, model_card


def two_debtors_the_model_and_the_baseline_each_get_right():
    """Debtor A's claims the model scores nearly right and the baseline not at all (0.5), debtor B's the other way
    round: over both, the two are level; a resample holding A twice favours the model by the most any can, one
    holding B twice the baseline. Every claim of one debtor moves with the others."""
    labels = [1, 0, 0, 0, 1, 0, 0, 0, 0, 0] * 2
    right = [0.9 if y else 0.1 for y in labels[:10]]
    model = right + [0.5] * 10
    baseline = [0.5] * 10 + right
    debtors = ["A"] * 10 + ["B"] * 10
    return model, baseline, labels, debtors


def test_the_interval_resamples_debtors_with_all_their_claims():
    model, baseline, labels, debtors = two_debtors_the_model_and_the_baseline_each_get_right()
    lift = lift_over_baseline(model, baseline, labels, debtors, seed=1)
    # A alone: the model's Brier 0.01 against 0.25 on every claim; B alone the reverse. A draw of two debtors is
    # A+A, A+B or B+B, each A+A and B+B a quarter of the draws, so the 2.5th and 97.5th percentiles are those
    # extremes; drawing the 20 claims one by one would almost never give 20 of one debtor's and keep it near 0
    assert lift.brier.difference == pytest.approx(0)
    assert (lift.brier.low, lift.brier.high) == (pytest.approx(-0.24), pytest.approx(0.24))
    # A+A: the model ranks every claim right (AUC 1) and the baseline none (0.5); B+B the reverse
    assert lift.auc.difference == pytest.approx(0)
    assert (lift.auc.low, lift.auc.high) == (pytest.approx(-0.5), pytest.approx(0.5))
    assert lift.resamples == BOOTSTRAP_RESAMPLES and lift.seed == 1


def many_debtors(seed: int):
    rng = random.Random(seed)
    debtors = [f"D{i // 7}" for i in range(210)]
    labels = [int(rng.random() < 0.2) for _ in debtors]
    model = [min(0.99, max(0.01, 0.2 + 0.3 * (y - 0.2) + rng.gauss(0, 0.15))) for y in labels]
    baseline = [min(0.99, max(0.01, 0.2 + 0.2 * (y - 0.2) + rng.gauss(0, 0.15))) for y in labels]
    return model, baseline, labels, debtors


# resamples enough to show what these tests are about, which holds for any number of them
FEWER = BOOTSTRAP_RESAMPLES // 4


def test_the_interval_is_the_same_for_the_same_seed_and_moves_with_another():
    data = many_debtors(7)
    once, again = lift_over_baseline(*data, seed=5, resamples=FEWER), lift_over_baseline(*data, seed=5, resamples=FEWER)
    assert once == again
    other = lift_over_baseline(*data, seed=6, resamples=FEWER)
    assert other.auc.difference == once.auc.difference and other.brier.difference == once.brier.difference
    assert (other.auc.low, other.auc.high) != (once.auc.low, once.auc.high)
    assert once.auc.low < once.auc.difference < once.auc.high
    assert once.brier.low < once.brier.difference < once.brier.high


def test_the_interval_does_not_depend_on_the_order_of_the_examples():
    """Debtors are drawn by name, not by where their first example stands: a report's interval does not move
    when the same examples come in another order."""
    model, baseline, labels, debtors = many_debtors(3)
    order = list(range(len(labels)))
    random.Random(0).shuffle(order)
    shuffled = [[column[i] for i in order] for column in (model, baseline, labels, debtors)]
    def figures(lift):
        return [getattr(getattr(lift, m), k) for m in ("auc", "brier") for k in ("difference", "low", "high")]
    assert figures(lift_over_baseline(*shuffled, seed=2, resamples=FEWER)) == pytest.approx(
        figures(lift_over_baseline(model, baseline, labels, debtors, seed=2, resamples=FEWER)))


def test_the_report_and_card_give_the_lift_with_its_interval(evaluated_3_40):
    model, report = evaluated_3_40
    lift = report.lift_over_baseline
    assert lift.auc.difference == pytest.approx(report.model.auc - report.baseline.auc)
    assert lift.brier.difference == pytest.approx(report.model.brier - report.baseline.brier)
    assert lift.seed == report.seed and lift.resamples == BOOTSTRAP_RESAMPLES
    card = " ".join(model_card(model, report).split())
    assert (f"over {BOOTSTRAP_RESAMPLES} resamples of the {report.held_out_debtors} held-out debtors, each drawn "
            f"with all its examples (seed {report.seed}): AUC {lift.auc.difference:+.4f} [{lift.auc.low:+.4f}, "
            f"{lift.auc.high:+.4f}]") in card
    assert f"Brier {lift.brier.difference:+.4f} [{lift.brier.low:+.4f}, {lift.brier.high:+.4f}]" in card


def test_evaluate_shows_the_interval_in_its_table_and_json(evaluated_3_40, monkeypatch):
    # both outputs of one run, fitted once: the command's rendering of its lift is what is checked here
    asked = []
    monkeypatch.setattr(training, "run", lambda seed, debtors, **_: asked.append((seed, debtors)) or evaluated_3_40)
    runner = CliRunner()
    table = runner.invoke(risk, ["evaluate", "--seed", "3", "--debtors", "40"])
    assert table.exit_code == 0, table.output
    as_json = runner.invoke(risk, ["evaluate", "--seed", "3", "--debtors", "40", "--json"])
    assert as_json.exit_code == 0, as_json.output
    assert asked == [(3, 40), (3, 40)]
    lift = json.loads(as_json.stdout)["lift_over_baseline"]
    assert lift["resamples"] == BOOTSTRAP_RESAMPLES and lift["seed"] == 3
    assert lift["auc"]["low"] <= lift["auc"]["difference"] <= lift["auc"]["high"]
    assert (f"lift over the baseline, with its 95% interval over {BOOTSTRAP_RESAMPLES} resamples of the 12 "
            "held-out debtors") in table.stdout
    auc = lift["auc"]
    assert f"{auc['difference']:+.4f} [{auc['low']:+.4f}, {auc['high']:+.4f}]" in table.stdout
