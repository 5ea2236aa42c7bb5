"""Train and evaluate the late-payment model on SYNTHETIC histories.

The pipeline: simulate debtors (seeded) -> split debtors into training and
held-out sets -> build examples at as-of dates at least 90 days apart (features
as of the date, labels from the 90 days after it) -> fit a standardised logistic regression
on the training debtors -> measure AUC, Brier score and a calibration table on
the held-out debtors, next to the baseline (the debtor's late share over the
last 365 days) and the ceiling (the simulator's own probability, which no
model can see). Optionally the same for a gradient-boosted model calibrated by
cross-validation over folds of debtors, for comparison only (it is not saved).

scikit-learn and numpy are imported here only: scoring needs neither.
"""

from __future__ import annotations

import platform
import shlex
import time
from contextlib import ExitStack
from datetime import date, timedelta
from importlib.metadata import version as _version
from pathlib import Path
from typing import Any, Callable

from pydantic import BaseModel, ConfigDict

from ..atomic_file import staged_file

from .dataset import HORIZON_DAYS, Examples, build_examples, snapshot_dates, split_debtors
from .features import MODEL_FEATURES, RISING_FEATURES
from .history import ReceivableHistory
from .model import CARD_TITLE, FORMAT, VERSION, LatePaymentModel, digest_line, score_debtor
from .simulator import SimulationConfig, archetypes, late_probability, simulate, simulate_debtor

DEFAULT_SEED = 20261128
# 1,000 (300 up to v16): of 300 debtors the 90 held out gave the shipped seed's AUC lift over the baseline an
# interval 0.019 wide that held 0; 300 held out narrow it to 0.012, for a run some three times longer
DEFAULT_DEBTORS = 1000
# The fewest examples of each outcome (late, on time) a model is fitted on: ten per input, the usual rule for a
# logistic regression (fewer events per input give unstable, overconfident coefficients). A simulation of the
# fewest debtors `risk train` takes (20) usually gives more, but not on every seed (6, 11 and 22 give 116, 98 and
# 85 late examples), and a ledger with a few debtors may not.
MIN_EXAMPLES_PER_OUTCOME = 10 * len(MODEL_FEATURES)
# how many times the held-out debtors are resampled for the interval of the model's lift over the baseline: enough
# for the 2.5th and 97.5th percentiles to settle to about a thousandth of AUC, in seconds (about two on 7,289
# held-out examples on a busy 2-core machine)
BOOTSTRAP_RESAMPLES = 200


class TooFewExamples(ValueError):
    """Training examples a model cannot be fitted on: one outcome only, or too few of one."""


class CalibrationRow(BaseModel):
    model_config = ConfigDict(frozen=True)
    lower: float
    upper: float
    count: int
    mean_predicted: float | None
    observed_rate: float | None


class Metrics(BaseModel):
    model_config = ConfigDict(frozen=True)
    auc: float
    brier: float
    calibration: list[CalibrationRow]


class Difference(BaseModel):
    """The model's figure less the baseline's on the held-out examples, and the 2.5th and 97.5th percentiles of
    that difference over the resamples of held-out debtors (None when no resample had both outcomes)."""
    model_config = ConfigDict(frozen=True)
    difference: float
    low: float | None
    high: float | None


class LiftOverBaseline(BaseModel):
    """How sure the comparison with the baseline is: the model's AUC and Brier score less the baseline's, each
    with a 95% percentile bootstrap interval made by drawing the held-out DEBTORS with replacement (a drawn
    debtor brings all its examples: one debtor's examples share their features and its habit, so drawing
    examples alone would make the interval too narrow). A higher AUC and a lower Brier score are better: an AUC
    interval above 0, a Brier one below 0, says the model beats the baseline beyond the noise of which debtors
    were held out; one that holds 0 does not."""
    model_config = ConfigDict(frozen=True)
    auc: Difference
    brier: Difference
    resamples: int
    seed: int
    resampled: str = "held-out debtors, each with all its examples"


class EvaluationReport(BaseModel):
    data: str
    seed: int
    debtors: int
    training_debtors: int
    held_out_debtors: int
    training_examples: int
    held_out_examples: int
    held_out_late_rate: float
    training_late_rate: float
    # the fewest claims that fell due in the 365 days before its as-of date of any training example's debtor: a
    # debtor with fewer (a new one, none at all) is scored outside the records the model was fitted on
    least_fell_due_365: int
    horizon_days: int
    model: Metrics
    baseline: Metrics
    # the training late rate for every held-out example: what the late rate alone scores, which a Brier score of
    # imbalanced labels is read against (an AUC against 0.5)
    no_skill: Metrics
    ceiling: Metrics
    gradient_boosting: Metrics | None = None
    simulate_seconds: float
    fit_seconds: float
    # the scorer's time per held-out debtor: the mean, and the median and 95th percentile (numpy's default linear
    # interpolation, the type-7 percentiles recfin bench reports), which one debtor slowed by other work on the
    # machine does not move as it moves the mean
    score_ms_per_debtor: float
    score_ms_per_debtor_median: float
    score_ms_per_debtor_p95: float
    lift_over_baseline: LiftOverBaseline
    held_out_probabilities: list[float] = []
    held_out_labels: list[int] = []


def calibration_table(probabilities: list[float], labels: list[int], bins: int = 10) -> list[CalibrationRow]:
    """Equal-width bins over [0, 1]: how many, mean predicted, observed late rate (None when empty)."""
    rows = []
    for i in range(bins):
        lower, upper = i / bins, (i + 1) / bins
        inside = [(p, y) for p, y in zip(probabilities, labels) if lower <= p < upper or (i == bins - 1 and p == 1.0)]
        rows.append(CalibrationRow(
            lower=lower, upper=upper, count=len(inside),
            mean_predicted=sum(p for p, _ in inside) / len(inside) if inside else None,
            observed_rate=sum(y for _, y in inside) / len(inside) if inside else None))
    return rows


def metrics(probabilities: list[float], labels: list[int]) -> Metrics:
    from sklearn.metrics import brier_score_loss, roc_auc_score
    return Metrics(auc=float(roc_auc_score(labels, probabilities)),
                   brier=float(brier_score_loss(labels, probabilities)),
                   calibration=calibration_table(probabilities, labels))


def baseline_probabilities(examples: Examples, prior: float) -> list[float]:
    """Last year's late share of the debtor's receivables that fell due; the training prior if none did."""
    return [f.late_365 / f.fell_due_365 if f.fell_due_365 else prior for f in examples.features]


def lift_over_baseline(model: list[float], baseline: list[float], labels: list[int], debtors: list[str], *,
                       seed: int, resamples: int = BOOTSTRAP_RESAMPLES) -> LiftOverBaseline:
    """The model's AUC and Brier score less the baseline's, with the 2.5th-97.5th percentile interval of each over
    ``resamples`` draws (seeded: same inputs and seed, same interval) of the held-out debtors with replacement,
    every drawn debtor bringing all its examples. A draw whose examples are all of one outcome has no AUC: it
    counts in the Brier interval only."""
    import numpy as np
    from sklearn.metrics import roc_auc_score

    from scipy.stats import rankdata

    def auc(yd, scores) -> float:
        # roc_auc_score's figure (the share of late-on-time pairs ranked right, ties counting half) from the ranks
        # alone: its checks of its inputs took most of the time of the resamples' hundreds of calls
        late = yd == 1
        n_late = int(late.sum())
        return float((rankdata(scores)[late].sum() - n_late * (n_late + 1) / 2) / (n_late * (len(yd) - n_late)))

    p, b, y = np.asarray(model, dtype=float), np.asarray(baseline, dtype=float), np.asarray(labels, dtype=int)
    names = sorted(set(debtors))
    rows = {name: [] for name in names}
    for i, debtor in enumerate(debtors):
        rows[debtor].append(i)
    by_debtor = [np.asarray(rows[name]) for name in names]
    rng = np.random.default_rng(seed)
    auc_lifts, brier_lifts = [], []
    for _ in range(resamples):
        drawn = np.concatenate([by_debtor[k] for k in rng.integers(0, len(names), len(names))])
        yd = y[drawn]
        brier_lifts.append(float(np.mean((p[drawn] - yd) ** 2) - np.mean((b[drawn] - yd) ** 2)))
        if 0 < yd.sum() < len(yd):
            auc_lifts.append(auc(yd, p[drawn]) - auc(yd, b[drawn]))

    def difference(whole: float, lifts: list[float]) -> Difference:
        if not lifts:
            return Difference(difference=whole, low=None, high=None)
        low, high = np.percentile(lifts, [2.5, 97.5])
        return Difference(difference=whole, low=float(low), high=float(high))

    return LiftOverBaseline(
        auc=difference(float(roc_auc_score(y, p) - roc_auc_score(y, b)), auc_lifts),
        brier=difference(float(np.mean((p - y) ** 2) - np.mean((b - y) ** 2)), brier_lifts),
        resamples=resamples, seed=seed)


def interval_text(d: Difference) -> str:
    """"+0.0010 [-0.0085, +0.0127]": a difference and its interval, to four places."""
    interval = "no interval" if d.low is None or d.high is None else f"[{d.low:+.4f}, {d.high:+.4f}]"
    return f"{d.difference:+.4f} {interval}"


def lift_reading(lift: LiftOverBaseline) -> tuple[str, str]:
    """What each interval says, (AUC, Brier): better or worse than the baseline beyond the noise of which debtors
    were held out, or not distinguishable from it (the interval holds 0). A higher AUC is better, a lower Brier."""
    def reading(d: Difference, better_above: bool) -> str:
        if d.low is None or d.high is None:
            return "no interval (no resample held both outcomes)"
        if d.low > 0 or d.high < 0:
            return "better than the baseline" if (d.low > 0) == better_above else "worse than the baseline"
        return "not distinguishable from the baseline"
    return reading(lift.auc, True), reading(lift.brier, False)


def check_examples(train: Examples, least: int | None = None) -> None:
    """Refuse (:class:`TooFewExamples`) training examples with fewer than ``least`` (MIN_EXAMPLES_PER_OUTCOME) of
    either outcome: with none, there is nothing to tell late from on time; with a handful, the fit weighs noise."""
    least = MIN_EXAMPLES_PER_OUTCOME if least is None else least
    late = sum(train.labels)
    on_time = len(train.labels) - late
    if min(late, on_time) >= least:
        return
    debtors = len(set(train.debtors))
    raise TooFewExamples(
        f"the training examples hold {late} labelled late and {on_time} on time (from {debtors} "
        f"{'debtor' if debtors == 1 else 'debtors'}): a model is fitted on at least {least} of each (ten per "
        f"input): give more debtors, a longer history or more as-of dates (build_examples), or keep the "
        "shipped model")


def fit_logistic(train: Examples, *, seed: int) -> LatePaymentModel:
    """A logistic regression on standardised inputs in which no input of RISING_FEATURES weighs negatively.

    Such a weight (correlated inputs can share out their evidence that way)
    would score a debtor safer for paying later or rejecting more claims. The
    most negative of them is left out (weight 0) and the rest refitted, until
    none is negative. Examples with too few of either outcome are refused
    first (:func:`check_examples`).
    """
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    check_examples(train)
    x = np.asarray(train.inputs, dtype=float)
    y = np.asarray(train.labels, dtype=int)
    scaler = StandardScaler().fit(x)
    scale = [float(s) if s > 0 else 1.0 for s in scaler.scale_]
    standardised = (x - scaler.mean_) / scale
    weighed = list(range(len(MODEL_FEATURES)))   # the columns the regression may weigh
    while True:
        clf = LogisticRegression(C=1.0, max_iter=2000, random_state=seed).fit(standardised[:, weighed], y)
        inverted = [(float(c), column) for c, column in zip(clf.coef_[0], weighed)
                    if c < 0 and MODEL_FEATURES[column] in RISING_FEATURES]
        if not inverted:
            break
        weighed.remove(min(inverted)[1])
    coef = [0.0] * len(MODEL_FEATURES)
    for c, column in zip(clf.coef_[0], weighed):
        coef[column] = float(c)
    return LatePaymentModel(
        format=FORMAT, version=VERSION, features=list(MODEL_FEATURES), mean=[float(m) for m in scaler.mean_],
        scale=scale, coef=coef, intercept=float(clf.intercept_[0]), horizon_days=HORIZON_DAYS)


def debtor_folds(train: Examples, n_splits: int = 3) -> list[tuple[list[int], list[int]]]:
    """(fit, calibrate) example indices for cross-validation, each debtor wholly on one side.

    One debtor's examples share their features, so calibrating on a fold that
    holds other examples of the same debtors would reward memorising them.
    """
    from sklearn.model_selection import GroupKFold
    return [(list(fit), list(calibrate)) for fit, calibrate in
            GroupKFold(n_splits=n_splits).split(train.inputs, train.labels, groups=train.debtors)]


def fit_gradient_boosting(train: Examples, *, seed: int):
    """Histogram gradient boosting, calibrated by isotonic regression on folds of debtors (for comparison)."""
    import numpy as np
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.ensemble import HistGradientBoostingClassifier

    base = HistGradientBoostingClassifier(max_iter=200, learning_rate=0.05, max_leaf_nodes=15, random_state=seed)
    model = CalibratedClassifierCV(base, method="isotonic", cv=debtor_folds(train))
    return model.fit(np.asarray(train.inputs, dtype=float), np.asarray(train.labels, dtype=int))


def _silent(_line: str) -> None:
    """Where no one asked to hear the stages."""


def run(seed: int = DEFAULT_SEED, debtors: int = DEFAULT_DEBTORS, *, compare: bool = False,
        held_out_share: float = 0.3, say: Callable[[str], None] | None = None,
        histories: list[ReceivableHistory] | None = None) -> tuple[LatePaymentModel, EvaluationReport]:
    """Simulate, split, fit, evaluate. Same seed and size: same model and figures.

    The stages take seconds each (a minute and more for thousands of debtors): ``say`` hears a line as each
    begins, for a command to show its progress. ``histories``: the simulation of ``seed`` and ``debtors``
    (:func:`~client.risk.simulator.simulate`), where it is already made and read besides (a minute of the shipped
    size is then not spent twice); the report's ``simulate_seconds`` is 0 then. Histories of another simulation
    (other debtors, or another seed's first debtor) are refused (ValueError).
    """
    say = say or _silent
    cfg = SimulationConfig(debtors=debtors, seed=seed)
    simulate_seconds = 0.0
    if histories is None:
        say(f"simulating the histories of {debtors} SYNTHETIC debtors (seed {seed})")
        t0 = time.perf_counter()
        histories = simulate(cfg)
        simulate_seconds = time.perf_counter() - t0
    # the debtors' ids are the same in every seed's: the first history, simulated again, tells the seed's apart
    elif [h.debtor for h in histories] != list(archetypes(cfg)) or \
            (histories and histories[0] != simulate_debtor(cfg, histories[0].debtor)):
        raise ValueError(f"the histories given are not those of the simulation of seed {seed} with {debtors} "
                         "debtors: give simulate(SimulationConfig(debtors=debtors, seed=seed)), or none")

    train_ids, held_ids = split_debtors([h.debtor for h in histories], seed, held_out_share)
    dates = snapshot_dates(cfg.start, cfg.days)
    say(f"building features: {len(train_ids)} training and {len(held_ids)} held-out debtors at {len(dates)} "
        "as-of dates")
    ends = cfg.end - timedelta(days=1)   # the simulation's last day: it records nothing later
    train = build_examples([h for h in histories if h.debtor in train_ids], dates, history_ends=ends)
    held = build_examples([h for h in histories if h.debtor in held_ids], dates, history_ends=ends)

    say(f"fitting the logistic regression on {len(train)} training examples")
    t0 = time.perf_counter()
    model = fit_logistic(train, seed=seed)
    fit_seconds = time.perf_counter() - t0

    say(f"evaluating on {len(held)} held-out examples: AUC, Brier score and calibration, beside the baseline and "
        "the ceiling")
    probabilities = [model.probability(row) for row in held.inputs]
    prior = sum(train.labels) / len(train.labels)
    report_model = metrics(probabilities, held.labels)
    base_probabilities = baseline_probabilities(held, prior)
    report_base = metrics(base_probabilities, held.labels)
    report_no_skill = metrics([prior] * len(held), held.labels)
    report_ceiling = metrics([late_probability(cfg, d, due) for d, due in zip(held.debtors, held.due_dates)],
                             held.labels)
    gb = None
    if compare:
        say("fitting and calibrating a gradient-boosted model for comparison (isotonic, on folds of debtors)")
        gbm = fit_gradient_boosting(train, seed=seed)
        gb = metrics([float(p) for p in gbm.predict_proba(held.inputs)[:, 1]], held.labels)

    say(f"resampling the {len(held_ids)} held-out debtors {BOOTSTRAP_RESAMPLES} times for the interval of the lift "
        "over the baseline")
    lift = lift_over_baseline(probabilities, base_probabilities, held.labels, held.debtors, seed=seed)

    held_histories = [h for h in histories if h.debtor in held_ids]
    say(f"timing the scorer on {len(held_histories)} held-out debtors")
    per_debtor_ms = []
    for h in held_histories:
        t0 = time.perf_counter()
        score_debtor(model, h, dates[-1])
        per_debtor_ms.append((time.perf_counter() - t0) * 1000)
    import numpy as np   # loaded by the fit already
    score_median_ms, score_p95_ms = (float(ms) for ms in np.percentile(per_debtor_ms, [50, 95]))

    report = EvaluationReport(
        data="SYNTHETIC (client.risk.simulator)", seed=seed, debtors=debtors,
        training_debtors=len(train_ids), held_out_debtors=len(held_ids),
        training_examples=len(train), held_out_examples=len(held),
        held_out_late_rate=sum(held.labels) / len(held.labels), training_late_rate=prior,
        least_fell_due_365=min(f.fell_due_365 for f in train.features), horizon_days=HORIZON_DAYS,
        model=report_model, baseline=report_base, no_skill=report_no_skill, ceiling=report_ceiling,
        gradient_boosting=gb,
        simulate_seconds=simulate_seconds, fit_seconds=fit_seconds,
        score_ms_per_debtor=sum(per_debtor_ms) / len(per_debtor_ms),
        score_ms_per_debtor_median=score_median_ms, score_ms_per_debtor_p95=score_p95_ms,
        lift_over_baseline=lift, held_out_probabilities=probabilities, held_out_labels=held.labels)
    model = model.model_copy(update={
        "training": {
            "data": "SYNTHETIC histories from client.risk.simulator",
            "seed": seed, "debtors": debtors, "training_debtors": len(train_ids),
            "held_out_debtors": len(held_ids), "training_examples": len(train),
            "as_of_dates": [d.isoformat() for d in dates],
            # the libraries the fit ran on: others can move the coefficients in their last digits
            "python": platform.python_version(), "scikit_learn": _version("scikit-learn"),
            "numpy": _version("numpy"),
            # no time of the run: with it no two runs of one seed wrote the same bytes, nor cards of one sha256
        },
        "metrics": {"held_out_auc": round(report_model.auc, 4), "held_out_brier": round(report_model.brier, 4),
                    "baseline_auc": round(report_base.auc, 4), "baseline_brier": round(report_base.brier, 4),
                    "ceiling_auc": round(report_ceiling.auc, 4), "ceiling_brier": round(report_ceiling.brier, 4)},
    })
    return model, report


def _left_out(model: LatePaymentModel) -> str:
    """Which inputs of RISING_FEATURES training left out (weight 0), for the card."""
    dropped = [f"`{f}`" for f, c in zip(model.features, model.coef) if f in RISING_FEATURES and c == 0]
    return "here: " + ", ".join(dropped) if dropped else "here none did"


def _spacing(model: LatePaymentModel) -> str:
    """How far apart the as-of dates the model was trained at are, for the card ("" for a single date)."""
    dates = [date.fromisoformat(d) for d in model.training.get("as_of_dates", [])]
    gaps = sorted({(b - a).days for a, b in zip(dates, dates[1:])})
    if not gaps:
        return ""
    apart = f"{gaps[0]} days" if len(gaps) == 1 else f"{gaps[0]} to {gaps[-1]} days"
    return f", {apart} apart (at least the horizon)"


def _trained_with(model: LatePaymentModel) -> str:
    """When, and with which Python, scikit-learn and numpy, the model was fitted, for the card."""
    training = model.training
    if not all(training.get(k) for k in ("python", "scikit_learn", "numpy")):
        return "The library versions it was fitted with are not recorded."
    # an artefact trained before training stopped recording the time of the run (so that a seed's bytes repeat)
    when = f" on {training['trained_at']}" if training.get("trained_at") else ""
    return (f"Fitted{when} with Python {training['python']}, scikit-learn {training['scikit_learn']} and numpy "
            f"{training['numpy']}. Scoring uses none of them (the artefact is JSON, the scorer plain Python), so "
            "an artefact fitted with other versions loads and scores alike; re-trained with other versions, the "
            "coefficients can differ in their last digits.")


def _against_no_skill(report: EvaluationReport) -> str:
    """What share of the no-skill Brier score the model and the baseline remove, for the card: with one claim in
    eight late, a Brier score near the late rate's own says little."""
    def removed(m: Metrics) -> str:
        return f"{1 - m.brier / report.no_skill.brier:.1%}" if report.no_skill.brier else "-"
    return (f"With {report.held_out_late_rate:.1%} of the held-out claims late ({report.training_late_rate:.1%} of "
            f"the training ones), the training late rate alone scores a Brier of {report.no_skill.brier:.4f} (no "
            f"skill): this model removes {removed(report.model)} of it, the "
            f"baseline {removed(report.baseline)}. Giving every claim the same probability, it ranks none above "
            "another: its AUC is 0.5.")


def _lift_interval(report: EvaluationReport) -> str:
    """The model less the baseline with its interval over resampled held-out debtors, and what it says, for the
    card: a lift smaller than the noise of which debtors were held out says nothing of the model."""
    lift = report.lift_over_baseline
    auc_reading, brier_reading = lift_reading(lift)
    return (f"This model less the baseline, with the 95% interval (2.5th to 97.5th percentile) over {lift.resamples} "
            f"resamples of the {report.held_out_debtors} held-out debtors, each drawn with all its examples (seed "
            f"{lift.seed}): AUC {interval_text(lift.auc)}, {auc_reading}; Brier {interval_text(lift.brier)}, "
            f"{brier_reading}. An interval that holds 0 says the difference is within the noise of which debtors "
            "were held out.")


def _retrain_command(report: EvaluationReport, folder: Path | None) -> str:
    """The command that trains this model again, for the card: with its seed and size when they are not the
    defaults, and its folder (None: the shipped model's) when it is not the shipped model's, where `--replace`
    alone would write over the model `risk score` and `finance quote` use by default with one of the default
    seed and size."""
    from .model import MODELS_DIR
    options = [f"--seed {report.seed}"] if report.seed != DEFAULT_SEED else []
    options += [f"--debtors {report.debtors}"] if report.debtors != DEFAULT_DEBTORS else []
    if folder is not None and Path(folder).absolute() != MODELS_DIR.absolute():
        options.append(f"--out {shlex.quote(str(Path(folder).absolute()))}")
    options += ["--compare"] if report.gradient_boosting else []
    return " ".join(["recfin risk train", *options, "--replace"])


def model_card(model: LatePaymentModel, report: EvaluationReport, folder: Path | None = None) -> str:
    """The short model card written next to the artefact (in ``folder``; None: the shipped model's), the
    artefact's sha256 (which loading checks) under its title, where a card cut short still holds it."""
    cal = "\n".join(
        f"| {r.lower:.1f}-{r.upper:.1f} | {r.count} | "
        f"{'-' if r.mean_predicted is None else f'{r.mean_predicted:.3f}'} | "
        f"{'-' if r.observed_rate is None else f'{r.observed_rate:.3f}'} |" for r in report.model.calibration)
    coefs = "\n".join(f"| `{f}` | {c:+.3f} |" for f, c in zip(model.features, model.coef))
    gb = ""
    gb_verdict = ("A histogram gradient-boosted model with isotonic calibration on folds of debtors can be "
                  "measured on the same split with `recfin risk train --compare`.")
    if report.gradient_boosting:
        better = report.gradient_boosting.auc > report.model.auc and report.gradient_boosting.brier < report.model.brier
        gb_verdict = ("A histogram gradient-boosted model with isotonic calibration on folds of debtors, measured on "
                      "the same split " + ("(below), did better here: consider it, at the price of a pickle artefact "
                                           "and opaque scores." if better else
                                           "(below), did no better: it would not earn its opacity and its pickle "
                                           "artefact."))
        gb = (f"| gradient boosting + isotonic calibration (not shipped) | {report.gradient_boosting.auc:.4f} | "
              f"{report.gradient_boosting.brier:.4f} |\n")
    model_gain = report.model.auc - report.baseline.auc
    retrain = _retrain_command(report, folder)
    room = report.ceiling.auc - report.baseline.auc
    no_skill, ceiling = report.no_skill, report.ceiling
    return f"""{CARD_TITLE}{model.name}-{model.version}

{digest_line(model)}

**Trained on SYNTHETIC data only.** Every figure below was measured on
simulated debtors (`client.risk.simulator`), not on any real enterprise.

## What it predicts
The probability that a receivable of a debtor (core enterprise), confirmed
and open on the scoring date and falling due in the next {model.horizon_days} days, is not
paid by its due date (by the next working day when that is a Saturday, Sunday
or public holiday, 顺延), from the debtor's ledger history up to the scoring date
(no later events). A claim its holders split counts once, as the debtor
confirmed it, in the features and the labels: late if any part is paid late.
Grades: A < 3%, B < 7%, C < 15%, D < 30%, E otherwise.

## Model and why
A logistic regression on standardised features (scikit-learn
`LogisticRegression`, L2, C=1). It is calibrated by construction (it
minimises log-loss), its coefficients can be read and checked, and it ships as
JSON (`{model.name}-{model.version}.json`): the scorer is a dot product in plain
Python, loads no pickle and needs no scikit-learn. {gb_verdict}

## Features (as of the scoring date)
| feature | coefficient (standardised) |
|---|---|
{coefs}

Late shares weigh each claim that fell due by the square root of its face (a
claim a hundred times larger weighs ten times more, in any currency unit), and
of one paid late or not yet, by that weight times the share of its face still
owed on it when it fell due (what was paid by then was paid on time): of a
split claim, each part paid late or unpaid once. Sixty claims of 1 fen paid on
time weigh what one of 36 yuan does, and hiding four claims of 50 million yuan
paid late takes some 2.5 million of them. They are
smoothed towards 0.1 with two pseudo-observations of a claim m the debtor's
size ((late + 0.2 m) / (amount + 2 m): (late + 0.2) / (n + 2) for n claims of
one size), taken from the whole record so that tiny claims do not move it: for
a window at least 10% late, the largest claim paid on time or the smallest
paid late, whichever is larger; for one less late, the mean claim paid on time
(the sum of the squared weights over their sum), the largest paid late or the
mean claim confirmed and not yet due, whichever is largest, so dust paid on
time does not read as a clean record when no real claim has fallen due. So a
claim paid late or overdue, whatever its size, never lowers a share, nor does
paying a claim late rather than on time. The late share of all time, as each
window's, counts a claim from the day after it falls due (since v18), one
paid before its due date included: counted on time from its payment, it
moved that share while the claims due the same days and not yet paid were
counted nowhere. They enter as log-odds, the scale on which a logistic model adds
evidence; counts and days enter as log1p, days late as the most days any
claim was paid late, which no claim added can lower (`client/risk/features.py`). The recent days late
(`log_recent_days_late`, since v16) are the days late of the claims that fell due, each weighed as in the late
shares and halved for every 15 days since it fell due (one unpaid by its days past due so far), over the weight
of the claims paid on time, weighed alike, plus a tenth of the late-record smoothing claim: how late the debtor
pays now, which no claim paid late or overdue lowers. The confirmations of the last 365 days are
not an input: their weight came out negative, so confirming claims, 1 fen to a
supplier the debtor controls included, scored a debtor safer. Financed share and concentration are computed and
shown with every score but are not inputs: the simulator gives them no bearing
on payment, so a weight learned from it would be noise applied to real debtors.

The late shares, days late, recent days late, overdue claims and the 90-day
rejection rate only rise with bad news, so none may weigh negatively: training leaves out (weight
0) one that comes out negative and refits ({_left_out(model)}), and the
scorer refuses an artefact that breaks the rule. A rejection changes no input
but the 90-day rejection rate, and a freeze order recorded after a claim fell
due none, so neither ever lowers a debtor's probability. A claim a freeze
order bound when it fell due and binds still, which the contract let no one
pay, counts in no timeliness measure, on time, late or overdue, and has no
label; it stays among the claims not yet due, and with them in the size a
clean record is smoothed with, until the order is lifted (since v19), so
while the order binds the debtor scores as with the claim still to fall due;
one whose every order was lifted before it fell due counts as any
other, and one lifted after it is to be paid by the day of the lifting. A
claim an order binds on the as-of date is no training example, however and
whenever the order is lifted later: which claims are examples is decided
from what the ledger showed on that date, by the due date the debtor
confirmed. The
all-time rejection rate and the freeze count are
shown with every score but are not inputs: next to the late shares they added
nothing on the simulator and their weights came out negative, which would
have scored a debtor safer for rejecting claims or being frozen.

## Data
SYNTHETIC: {report.debtors} simulated debtors (seed {report.seed}): archetypes
reliable, average, seasonal, deteriorating, improving, distressed; a Spring
Festival squeeze; a claim due on a day off paid on time on the next working
day, one paid late so some days after it; random shocks of 2-8 months; month-to-month wobble; the odd
freeze order, most lifted after some weeks (before the due date or after it,
the claim then paid from the day of the lifting), a few never; no claim
financed while one binds it; about one claim in ten split down the supply
chain (one to three partial transfers to a supplier's own suppliers, none of
a frozen or financed claim), a claim paid late so by one part at least and
each other part late with even odds; about one claim or part in eight paid in
two or three instalments, some after the due date. Debtors
split {report.training_debtors} training / {report.held_out_debtors} held out (no
debtor in both). {len(model.training.get("as_of_dates", []))} as-of dates per debtor{_spacing(model)}, so
no receivable is labelled at two of them; {report.training_examples} training and
{report.held_out_examples} held-out examples, one per receivable confirmed and still open
on the as-of date and falling due in the horizon (one settled by then is left
out: its label would already be known; one not yet confirmed too: there was no
claim to price; and one a freeze order binds then: no bank could finance it,
and the day it is to be paid by was not known); held-out late rate {report.held_out_late_rate:.3f}.
{_trained_with(model)}

## Held-out metrics
| model | AUC | Brier |
|---|---|---|
| this model | {report.model.auc:.4f} | {report.model.brier:.4f} |
| baseline: last-365-day late share | {report.baseline.auc:.4f} | {report.baseline.brier:.4f} |
| no skill: the training late rate ({report.training_late_rate:.3f}) for every claim | {no_skill.auc:.4f} | \
{no_skill.brier:.4f} |
| ceiling: the simulator's own probability (no model can see it) | {ceiling.auc:.4f} | {ceiling.brier:.4f} |
{gb}
{_against_no_skill(report)}

{_lift_interval(report)}

Calibration (held out):

| predicted | examples | mean predicted | observed late rate |
|---|---|---|---|
{cal}

## Why the lift over the baseline is small
Of the {room:.4f} of AUC between the baseline and the ceiling, this model
gains {model_gain:.4f}. The ceiling knows what no history shows: the debtor's
hidden habit exactly, and the wobble and shocks still to come in the horizon.
A debtor's history shows its habit through the few receivables that fall due
each month (about five for a typical debtor), so last year's late share
already carries most of what can be known; the model adds recent and
long-run shares weighed against each other, the season ahead, days late,
how late the recent claims were paid, how long claims have been overdue, and recent rejections, which rise with the
debtor's current propensity but are rare. Shocks in the simulator start
without a build-up, so nothing in the history announces them.

## Limits
- Trained on a simulator whose habits were chosen, not estimated: the figures
  say the pipeline works, not how the model will do on a real ledger. Re-train
  on real ledger histories (through `history_from_ledger`) before relying on it,
  giving `build_examples` the date they were read as of (`history_ends`): a
  receivable due on or after it is left out, as its label is not known yet
  (that day may not be over), so labels cover due dates up to the day before.
- Debtor-level only: the receivable's own size and term are not inputs.
- Examples of one debtor at one date share their features, so large debtors
  weigh more.
- Every training example's debtor had at least {report.least_fell_due_365} claims fall due in the 365
  days before its as-of date: a debtor with fewer, or with none (new to the
  ledger, or its claims not yet due), is scored from a record unlike any the
  model was fitted on, so its probability is an extrapolation, not a measured
  figure (`recfin risk score` notes a debtor with none or fewer).
- Financing and concentration are random in the simulator, so the model has
  not learnt whether they warn of late payment on a real ledger.
- Splits and instalments are drawn at rates chosen, not measured, and say
  nothing of the debtor's habit in the simulator (a split claim drawn late is
  late through one part at least, the rest of it late or not at even odds), so
  the model has not learnt whether claims split down the supply chain, or paid
  in parts, are paid later on a real ledger; it sees them only through the
  late shares by amount, as what was still owed when they fell due.
- {report.held_out_debtors} held-out debtors: other seeds give other figures and
  another lift over the baseline (docs/risk-and-pricing.md gives the figures
  of other seeds, each with the interval of its lift).

Re-train: `{retrain}` (seed {report.seed}, {report.debtors} debtors).
"""


def train_and_save(seed: int = DEFAULT_SEED, debtors: int = DEFAULT_DEBTORS, out_dir: Path | None = None,
                   *, compare: bool = True, say: Callable[[str], None] | None = None
                   ) -> tuple[LatePaymentModel, EvaluationReport, Path]:
    """Train, then write the artefact and its card. The folder is made before training (so a bad one fails
    first, not after minutes of work). Both files are written to temporary files first and renamed only once
    both are whole, the artefact last, so a failure (``OSError``, naming the file) never leaves a new artefact
    beside the old card. ``say`` hears a line as each stage begins (:func:`run`'s, then the writing)."""
    from .model import MODELS_DIR
    out = Path(out_dir) if out_dir else MODELS_DIR
    out.mkdir(parents=True, exist_ok=True)
    model, report = run(seed, debtors, compare=compare, say=say)
    path = out / f"{model.name}-{model.version}.json"
    card = out / f"{model.name}-{model.version}.card.md"
    (say or _silent)(f"writing {card} and {path}")
    # the card first, the artefact last: the scorer loads the artefact, so it changes only once its card is in place
    # (a scorer loading between the two renames, or after the artefact's failed, finds the new card's digest beside
    # the old artefact and refuses it, rather than scoring with a model its card does not describe)
    _write_all_or_none([(card, model_card(model, report, out)), (path, model.to_text())])
    return model, report, path


def _write_all_or_none(files: list[tuple[Path, str]]) -> None:
    """Write each (path, text) to a temporary file beside it; only once all are written, rename them over their
    targets, in the order given, stopping at the first that fails (a folder where the file should be).

    A failure while writing leaves every target as it was; one while renaming leaves the files after it as they
    were. The ``OSError`` names the target, not its temporary file, and no temporary file is left behind.
    """
    targets: dict[str, Path] = {}   # temporary file -> the target it stands for
    # the target being written: a failed write (a full disk, a file size limit) names no file, and is named by it
    writing: Path | None = None
    try:
        with ExitStack() as staged:   # unwinds last in, first out: the last file given is entered first
            for path, text in reversed(files):
                writing = path
                temporary = staged.enter_context(staged_file(path))
                targets[str(temporary)] = path
                temporary.write_text(text, encoding="utf-8")
            writing = None   # the renames that follow name their temporary file
    except OSError as error:
        target = writing if error.filename is None else targets.get(error.filename)
        if target is None or error.strerror is None:   # None: SpecialFile, which names the file already
            raise
        raise OSError(error.errno, error.strerror, str(target)) from None


def plot(report: EvaluationReport, path: Path) -> Path:
    """Calibration curve and score distribution (held out, SYNTHETIC) to one PNG."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5))
    for name, m in (("logistic", report.model), ("baseline", report.baseline)):
        pts = [(r.mean_predicted, r.observed_rate) for r in m.calibration if r.count]
        left.plot([p for p, _ in pts], [o for _, o in pts], marker="o", label=f"{name} (AUC {m.auc:.3f})")
    left.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfect")
    left.set(xlabel="mean predicted probability of late payment", ylabel="observed late rate",
             title="Calibration, held-out debtors (synthetic)")
    left.legend()
    probs, labels = report.held_out_probabilities, report.held_out_labels
    right.hist([p for p, y in zip(probs, labels) if y == 0], bins=30, alpha=0.6, label="paid on time")
    right.hist([p for p, y in zip(probs, labels) if y == 1], bins=30, alpha=0.6, label="paid late")
    right.set(xlabel="predicted probability of late payment", ylabel="receivables",
              title="Score distribution, held out (synthetic)")
    right.legend()
    fig.tight_layout()
    path = Path(path)
    try:
        with staged_file(path) as tmp:
            fig.savefig(tmp, dpi=110, format=path.suffix.lstrip(".") or "png")
    finally:
        plt.close(fig)
    return path


def summary(report: EvaluationReport) -> dict[str, Any]:
    """The report without the per-example arrays (for --json)."""
    return report.model_dump(mode="json", exclude={"held_out_probabilities", "held_out_labels"})
