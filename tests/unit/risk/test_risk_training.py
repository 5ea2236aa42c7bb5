"""The training pipeline's properties on SYNTHETIC data: determinism, no look-ahead, beats the baseline.

No test asserts a fixed metric value or a timing.
"""
import math
import platform
import random
import re
from datetime import date, timedelta
from importlib.metadata import version

import pytest

from client.risk import DEFAULT_MODEL, debtor_features, events_from_payment_record
from client.risk.dataset import Examples, build_examples, labelled_claims, late_labels, snapshot_dates, split_debtors
from client.risk.features import MODEL_FEATURES
from client.risk.history import ReceivableHistory
from client.risk.model import card_path
from client.risk.simulator import SimulationConfig, simulate
from client.risk.working_days import is_working_day, next_working_day
from client.risk.training import (DEFAULT_DEBTORS, DEFAULT_SEED, calibration_table, debtor_folds, fit_logistic,
                                  model_card, plot, run)

# small_run's seed and size: evaluated_3_40's (conftest), fitted once for every test file that reads its figures
SMALL_SEED, SMALL = 3, 40


def last_day(cfg: SimulationConfig) -> date:
    """The simulation's last day: its histories record nothing later."""
    return cfg.end - timedelta(days=1)


@pytest.fixture(scope="module")
def default_run(shipped_simulation):
    return run(DEFAULT_SEED, DEFAULT_DEBTORS, histories=shipped_simulation.take())


@pytest.fixture(scope="module")
def small_run(evaluated_3_40):
    return evaluated_3_40


@pytest.fixture(scope="module")
def small_run_training() -> Examples:
    """The training examples small_run's model was fitted on, built again from the same simulation and split."""
    cfg = SimulationConfig(debtors=SMALL, seed=SMALL_SEED)
    histories = simulate(cfg)
    training, _ = split_debtors([h.debtor for h in histories], SMALL_SEED)
    return build_examples([h for h in histories if h.debtor in training], snapshot_dates(cfg.start, cfg.days),
                          history_ends=last_day(cfg))


def test_simulator_is_deterministic_and_seed_sensitive():
    a = simulate(SimulationConfig(debtors=8, seed=3))
    b = simulate(SimulationConfig(debtors=8, seed=3))
    c = simulate(SimulationConfig(debtors=8, seed=4))
    assert a == b
    assert a != c
    assert all(h.synthetic for h in a)


def test_training_is_deterministic_with_a_seed(small_fit):
    again_model, again_report = run(5, 20)   # small_fit's seed and size: the property holds at any size
    model, report = small_fit
    assert (again_model.coef, again_model.intercept, again_model.mean, again_model.scale) == \
        (model.coef, model.intercept, model.mean, model.scale)
    assert again_report.model == report.model and again_report.baseline == report.baseline


def test_a_run_given_its_simulation_refuses_histories_of_other_debtors():
    """Given the histories of another simulation, training refuses them rather than fitting a model on them that
    its artefact and card would say is the seed and size's. (Given its own, it trains what it would simulate:
    default_run, given them, trains the shipped artefact.)"""
    with pytest.raises(ValueError, match="not those of the simulation of seed 5 with 20 debtors"):
        run(5, 20, histories=simulate(SimulationConfig(debtors=3, seed=5)))
    with pytest.raises(ValueError, match="not those of the simulation of seed 5 with 3 debtors"):
        run(5, 3, histories=simulate(SimulationConfig(debtors=3, seed=6)))


def test_held_out_debtors_are_never_trained_on():
    ids = [f"D{i}" for i in range(100)]
    train, held = split_debtors(ids, seed=1)
    assert not train & held and train | held == set(ids) and len(held) == 30
    assert split_debtors(ids, seed=1) == (train, held)


def test_examples_use_only_the_past_for_inputs():
    histories = simulate(SimulationConfig(debtors=10, seed=9))
    cfg = SimulationConfig(debtors=10, seed=9)
    as_of = snapshot_dates(cfg.start, cfg.days)[2]
    original = build_examples(histories, [as_of], history_ends=last_day(cfg))

    # rewrite the future: every settlement after as_of becomes 30 days late, with the payment of its last fen
    def shifted(h: ReceivableHistory) -> ReceivableHistory:
        settled_on = {e.receivable_id: e.event_date for e in h.events if e.kind == "settled"}
        events = []
        for e in h.events:
            if e.kind == "settled" and e.event_date > as_of:
                late = e.due_date + timedelta(days=30)
                e = e.model_copy(update={"event_date": late, "settled_date": late})
            elif e.kind == "paid" and e.event_date > as_of and e.event_date == settled_on.get(e.receivable_id):
                e = e.model_copy(update={"event_date": e.due_date + timedelta(days=30)})
            events.append(e)
        return ReceivableHistory(debtor=h.debtor, events=events, synthetic=True)

    rewritten = build_examples([shifted(h) for h in histories], [as_of], history_ends=last_day(cfg))
    assert rewritten.inputs == original.inputs
    # the labels, which do come from after as_of, see the rewrite
    assert all(new >= old for new, old in zip(rewritten.labels, original.labels))
    assert sum(rewritten.labels) > sum(original.labels)
    for h in histories[:3]:
        assert debtor_features(h, as_of) == debtor_features(h.as_of(as_of), as_of)
        assert all(y in (0, 1) for y in late_labels(h, as_of, history_ends=last_day(cfg)))


def test_model_beats_the_baseline_on_held_out_debtors(default_run):
    _, report = default_run
    assert report.held_out_debtors > 0 and report.held_out_examples > 0
    assert report.model.auc > report.baseline.auc
    assert report.model.brier < report.baseline.brier
    assert report.model.auc > 0.5


def test_model_stays_below_the_simulators_own_probability(default_run):
    """The ceiling knows the hidden habit and the future; a model that reached it would be seeing the future."""
    _, report = default_run
    assert report.ceiling.auc > report.model.auc and report.ceiling.brier < report.model.brier


def test_examples_carry_the_due_date_their_label_is_for():
    cfg = SimulationConfig(debtors=6, seed=9)
    as_of = snapshot_dates(cfg.start, cfg.days)[0]
    examples = build_examples(simulate(cfg), [as_of], history_ends=last_day(cfg))
    assert len(examples.due_dates) == len(examples) > 0
    # the last day each was on time: a due date in the horizon, or the next working day after it when it is a day off
    last = next_working_day(as_of + timedelta(days=90))
    assert all(as_of < due <= last and is_working_day(due) for due in examples.due_dates)


def test_gradient_boosting_is_calibrated_on_folds_of_whole_debtors():
    cfg = SimulationConfig(debtors=12, seed=9)
    examples = build_examples(simulate(cfg), snapshot_dates(cfg.start, cfg.days, count=2), history_ends=last_day(cfg))
    folds = debtor_folds(examples)
    assert len(folds) == 3
    for fit, calibrate in folds:
        assert not {examples.debtors[i] for i in fit} & {examples.debtors[i] for i in calibrate}
        assert sorted(fit + calibrate) == list(range(len(examples)))


def test_calibration_table_shape(small_run):
    _, report = small_run
    rows = report.model.calibration
    assert len(rows) == 10
    assert [r.lower for r in rows] == [i / 10 for i in range(10)] and rows[-1].upper == 1.0
    assert sum(r.count for r in rows) == report.held_out_examples
    for r in rows:
        if r.count:
            assert r.lower <= r.mean_predicted <= r.upper and 0 <= r.observed_rate <= 1
        else:
            assert r.mean_predicted is None and r.observed_rate is None
    edge = calibration_table([0.0, 1.0, 0.55], [0, 1, 1], bins=4)
    assert [r.count for r in edge] == [1, 0, 1, 1]


def test_card_and_plot_say_synthetic(small_run, tmp_path):
    model, report = small_run
    card = model_card(model, report)
    assert "SYNTHETIC" in card and "AUC" in card and "Limits" in card
    assert model.training["data"].startswith("SYNTHETIC")
    pytest.importorskip("matplotlib")
    png = plot(report, tmp_path / "eval.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def late_as_lateness_rises(shape) -> Examples:
    """3000 examples of noise in which claims come out late as late_log_odds_90 rises; ``shape(row, label, rng)``
    then sets the inputs a test makes follow the label."""
    rng = random.Random(3)
    late = MODEL_FEATURES.index("late_log_odds_90")
    examples = Examples()
    for _ in range(3000):
        row = [rng.gauss(0, 1) for _ in MODEL_FEATURES]
        label = int(rng.random() < 1 / (1 + math.exp(1 - 2 * row[late])))
        shape(row, label, rng)
        examples.inputs.append(row)
        examples.labels.append(label)
    return examples


def test_training_leaves_out_an_input_that_would_make_bad_news_look_safe(small_run):
    """Rejections made to fall as lateness rises: their weight would come out negative, so it is left at 0."""
    rejections = MODEL_FEATURES.index("rejection_rate_90")

    def shape(row, label, rng):
        row[rejections] = 0.2 - 0.1 * label + rng.gauss(0, 0.02)

    model = fit_logistic(late_as_lateness_rises(shape), seed=1)
    coef = dict(zip(model.features, model.coef))
    assert coef["rejection_rate_90"] == 0.0 and coef["late_log_odds_90"] > 0.5
    assert re.search(r"comes out negative and refits \(here: [^)]*`rejection_rate_90`", model_card(model, small_run[1]))


def test_training_leaves_out_the_most_negative_input_first_and_keeps_what_the_refit_makes_positive():
    """Overdue counts carry some of the rejections' evidence: both weigh negatively in the first fit. Rejections, the
    most negative, are left out; refitted without them, overdue counts weigh positively and are kept. Leaving out
    the least negative first would lose both."""
    rejections, overdue = MODEL_FEATURES.index("rejection_rate_90"), MODEL_FEATURES.index("log_overdue_count")

    def shape(row, label, rng):
        row[rejections] = -1.0 * label + rng.gauss(0, 0.5)
        row[overdue] = -0.5 * row[rejections] - 0.2 * label + rng.gauss(0, 0.5)

    model = fit_logistic(late_as_lateness_rises(shape), seed=1)
    coef = dict(zip(model.features, model.coef))
    assert coef["rejection_rate_90"] == 0.0 and coef["log_overdue_count"] > 0


def test_a_claim_closed_by_a_split_is_labelled_once_late_if_a_part_was():
    """The parent of a split is never settled itself, and its parts are the one claim the debtor confirmed: one
    label, 1 when any part was paid after the due date."""
    common = dict(face_amount=100_000_00, currency="CNY", due_date="2026-03-31", rejected_on=None, financed_on=None,
                  marked_overdue_on=None, freezes=[], confirmed_on="2026-01-05")
    parent = dict(receivable_id="R1", parent_id=None, holder="S1", registered_on="2026-01-02", split_on="2026-02-01",
                  settled_on=None, **common)

    def history(*paid):
        parts = [dict(receivable_id=f"R1.{n}", parent_id="R1", holder=holder, registered_on="2026-02-01",
                      split_on=None, settled_on=on, **{**common, "face_amount": 50_000_00})
                 for n, holder, on in ((1, "S2", paid[0]), (2, "S1", paid[1]))]
        return ReceivableHistory(debtor="D", events=[e for record in (parent, *parts)
                                                     for e in events_from_payment_record("D", record)])

    ends = date(2026, 6, 30)
    assert labelled_claims(history("2026-03-31", "2026-04-10"), date(2026, 1, 10), history_ends=ends) == \
        [(date(2026, 3, 31), 1)]
    assert labelled_claims(history("2026-03-31", "2026-03-30"), date(2026, 1, 10), history_ends=ends) == \
        [(date(2026, 3, 31), 0)]


def test_the_card_says_how_thin_a_record_the_model_was_fitted_on(small_run, small_run_training):
    """A debtor none of whose claims has fallen due yet gets a score all the same; no training example was of
    one like it. The card names the fewest claims any training example's debtor had fall due in the year
    before its date, which a debtor with fewer is scored beyond."""
    model, report = small_run
    train = small_run_training
    least = min(f.fell_due_365 for f in train.features)
    assert report.least_fell_due_365 == least > 0
    card = " ".join(model_card(model, report).split())
    assert f"Every training example's debtor had at least {least} claims fall due in the 365 days before its " \
           "as-of date: a debtor with fewer, or with none" in card


def test_the_shipped_card_says_how_thin_a_record_the_shipped_model_was_fitted_on(default_run):
    _, report = default_run
    shipped = " ".join(card_path(DEFAULT_MODEL).read_text(encoding="utf-8").split())
    assert f"Every training example's debtor had at least {report.least_fell_due_365} claims fall due" in shipped


def test_the_shipped_artefact_is_what_the_code_trains_on_its_seed(default_run):
    """Re-training on the shipped seed and size gives the shipped model: the same examples, standardisation,
    weights and held-out figures. A change to the features, the labels or the simulator that moves them has to
    ship a re-trained artefact (and a new version when the features change): left as it was, the artefact
    would standardise and weigh inputs the code no longer computes that way, and score without a word. The
    last digits may differ from machine to machine (docs/risk-and-pricing.md, "Re-training")."""
    from client.risk import LatePaymentModel
    shipped, trained = LatePaymentModel.load(DEFAULT_MODEL), default_run[0]
    assert (trained.features, trained.version) == (shipped.features, shipped.version)
    for name in ("mean", "scale", "coef"):
        assert getattr(trained, name) == pytest.approx(getattr(shipped, name), rel=1e-9, abs=1e-12), name
    assert trained.intercept == pytest.approx(shipped.intercept, rel=1e-9)
    same = ("data", "seed", "debtors", "training_debtors", "held_out_debtors", "training_examples", "as_of_dates")
    assert {k: trained.training[k] for k in same} == {k: shipped.training[k] for k in same}
    assert trained.metrics == pytest.approx(shipped.metrics, abs=1e-4)


def test_the_card_says_which_libraries_the_model_was_fitted_with(small_run):
    """Re-trained with another scikit-learn or numpy, the coefficients can move in their last digits: the
    artefact records the versions it was fitted with, and its card states them."""
    model, report = small_run
    fitted_with = (platform.python_version(), version("scikit-learn"), version("numpy"))
    assert tuple(model.training.get(k) for k in ("python", "scikit_learn", "numpy")) == fitted_with
    card = " ".join(model_card(model, report).split())
    # no time of the run: it would make each run's bytes differ
    assert "trained_at" not in model.training
    assert (f"Fitted with Python {fitted_with[0]}, scikit-learn {fitted_with[1]} "
            f"and numpy {fitted_with[2]}.") in card


def test_a_card_of_a_model_without_recorded_versions_says_they_are_not_recorded(small_run):
    model, report = small_run
    card = model_card(model.model_copy(update={"training": {}}), report)
    assert "The library versions it was fitted with are not recorded." in card


def test_the_shipped_card_states_the_libraries_the_shipped_artefact_records():
    from client.risk import LatePaymentModel
    training = LatePaymentModel.load(DEFAULT_MODEL).training
    recorded = [training.get(k) for k in ("python", "scikit_learn", "numpy")]
    assert all(recorded), f"the shipped artefact records no {recorded}"
    shipped = " ".join(card_path(DEFAULT_MODEL).read_text(encoding="utf-8").split())
    # an artefact trained before the time of the run was left out of what training writes states it too
    when = f" on {training['trained_at']}" if training.get("trained_at") else ""
    assert "Fitted{} with Python {}, scikit-learn {} and numpy {}.".format(when, *recorded) in shipped


def test_the_brier_scores_are_read_against_the_late_rate_alone(small_run, small_run_training):
    """About one claim in eight is late: a Brier score near what the training late rate alone scores says little.
    The report, the card and `risk evaluate` give that no-skill score beside the model's and the baseline's."""
    from cli.risk_commands import _metrics_rows
    model, report = small_run
    train = small_run_training
    rate = sum(train.labels) / len(train)
    held = report.held_out_labels
    no_skill = sum((rate - y) ** 2 for y in held) / len(held)
    assert report.training_late_rate == pytest.approx(rate)
    assert report.no_skill.auc == 0.5 and report.no_skill.brier == pytest.approx(no_skill)
    assert report.model.brier < no_skill
    card = " ".join(model_card(model, report).split())
    assert f"| no skill: the training late rate ({rate:.3f}) for every claim | 0.5000 | {no_skill:.4f} |" in card
    assert (f"late ({rate:.1%} of the training ones), the training late rate alone scores a Brier of "
            f"{no_skill:.4f} (no skill): this model removes "
            f"{1 - report.model.brier / no_skill:.1%} of it, the baseline {1 - report.baseline.brier / no_skill:.1%}."
            ) in card
    assert {"model": f"no skill: training late rate ({rate:.3f}) for all", "auc": "0.5000",
            "brier": f"{no_skill:.4f}"} in _metrics_rows(report)
