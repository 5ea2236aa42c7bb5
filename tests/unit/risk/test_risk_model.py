"""The JSON artefact: round trip, the shipped model, refusal of a mismatched artefact, grades."""
import json
import math
import re
import shutil
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from client.risk import (DEFAULT_MODEL, MODEL_FEATURES, LatePaymentModel, ReceivableHistory, debtor_features, grade_for,
                         score_debtor)
from client.risk.model import VERSION, card_path
from client.risk.simulator import SimulationConfig, simulate
from client.risk.working_days import next_working_day
from .risk_helpers import DEBTOR, ev, lifecycle

# spelt out rather than imported, so the test reads the words a user reads: a bare `recfin risk train` refuses while
# the shipped model of this version is in place
RETRAIN_WORDS = re.escape("re-train it with `recfin risk train --out FOLDER` (or `--replace` to write over the "
                          "shipped model)")


@pytest.fixture(scope="module")
def histories():
    return simulate(SimulationConfig(debtors=12, seed=5))


def test_shipped_artefact_loads_and_scores_synthetic_debtors(histories):
    model = LatePaymentModel.load(DEFAULT_MODEL)
    assert model.features == list(MODEL_FEATURES)
    assert DEFAULT_MODEL.name == f"late_payment-{VERSION}.json" and model.version == VERSION
    assert DEFAULT_MODEL.with_name(f"late_payment-{VERSION}.card.md").read_text().count("SYNTHETIC") >= 1
    for h in histories:
        s = score_debtor(model, h, date(2025, 6, 30))
        assert Decimal(0) <= s.probability_late <= Decimal(1)
        assert s.grade == grade_for(s.probability_late)
        assert len(s.top_factors) == 3


def test_round_trip_gives_identical_scores(tmp_path, histories):
    model = LatePaymentModel.load(DEFAULT_MODEL)
    path = tmp_path / "copy.json"
    model.save(path)
    shutil.copyfile(card_path(DEFAULT_MODEL), card_path(path))   # the card of the bytes save wrote again
    again = LatePaymentModel.load(path)
    assert again == model
    for h in histories:
        assert score_debtor(again, h, date(2025, 1, 31)) == score_debtor(model, h, date(2025, 1, 31))


def test_mismatched_artefact_is_refused(tmp_path):
    data = json.loads(DEFAULT_MODEL.read_text())
    data["features"] = data["features"][:-1]
    with pytest.raises(ValidationError):
        LatePaymentModel.model_validate(data)
    data = json.loads(DEFAULT_MODEL.read_text())
    data["features"][0] = "late_rate_30"  # as an artefact of an earlier feature set
    with pytest.raises(ValidationError, match=RETRAIN_WORDS):
        LatePaymentModel.model_validate(data)
    data = json.loads(DEFAULT_MODEL.read_text())
    data["format"] = "pickle"
    with pytest.raises(ValidationError, match="format"):
        LatePaymentModel.model_validate(data)


def test_empty_history_scores_without_error():
    model = LatePaymentModel.load(DEFAULT_MODEL)
    s = score_debtor(model, ReceivableHistory(debtor="NEW"), date(2026, 1, 1))
    assert 0 < s.probability_late < 1


def test_grade_boundaries():
    assert [grade_for(Decimal(x)) for x in ("0", "0.0299", "0.03", "0.07", "0.15", "0.2999", "0.30", "1")] == \
        ["A", "A", "B", "C", "D", "D", "E", "E"]


def shipped_with(field: str, value) -> dict:
    """The shipped artefact's data with the intercept, or the second value of a list of parameters, set to value."""
    data = json.loads(DEFAULT_MODEL.read_text())
    if field == "intercept":
        data[field] = value
    else:
        data[field][1] = value
    return data


@pytest.mark.parametrize("field,value", [("coef", float("nan")), ("coef", float("inf")), ("mean", float("-inf")),
                                         ("scale", float("inf")), ("scale", 1e-300), ("intercept", float("nan")),
                                         ("coef", 1e308)])
def test_an_artefact_with_parameters_no_trained_model_has_is_refused_when_loaded(field, value):
    data = shipped_with(field, value)
    with pytest.raises(ValidationError, match=f"{field}: .*(not a trained model's parameter|at least 1e-06)"):
        LatePaymentModel.model_validate(data)


@pytest.mark.parametrize("earlier", [
    "v2",   # the season ahead was computed another way
    "v4",   # each part of a split claim counted as a payment of its own
])
def test_an_artefact_of_an_earlier_version_with_the_same_feature_names_is_refused(earlier):
    data = json.loads(DEFAULT_MODEL.read_text())
    data["version"] = earlier
    with pytest.raises(ValidationError, match=f"version: the artefact is late_payment-{earlier}, this code computes "
                                              f"the features of {VERSION}: {RETRAIN_WORDS}"):
        LatePaymentModel.model_validate(data)


@pytest.mark.parametrize("missing", [("version",), ("format",), ("format", "version")])
def test_an_artefact_that_does_not_say_its_format_or_version_is_refused_naming_the_field(missing):
    """An artefact written before either was recorded cannot be told from the current model: refused, not labelled
    as it."""
    data = json.loads(DEFAULT_MODEL.read_text())
    for field in missing:
        del data[field]
    with pytest.raises(ValidationError, match=f"{' and '.join(missing)}: missing.*{RETRAIN_WORDS}"):
        LatePaymentModel.model_validate_json(json.dumps(data))


def test_a_model_built_in_code_names_its_format_and_version():
    shipped = LatePaymentModel.load(DEFAULT_MODEL)
    fields = shipped.model_dump(exclude={"format", "version"})
    with pytest.raises(ValidationError, match="format and version: missing"):
        LatePaymentModel(**fields)
    assert LatePaymentModel(**fields, format=shipped.format, version=VERSION) == shipped


@pytest.mark.parametrize("probability,grade,shown", [
    ("0.02996", "A", "0.0300"), ("0.03", "B", "0.0300"), ("0.06996", "B", "0.0700"), ("0.07", "C", "0.0700"),
    ("0.14996", "C", "0.1500"), ("0.15", "D", "0.1500"), ("0.29996", "D", "0.3000"), ("0.3", "E", "0.3000"),
])
def test_the_grade_is_from_the_models_probability_not_the_rounded_one_shown(probability, grade, shown):
    """Just below a bound the 4 places shown round up onto it (0.02996 shows as 0.0300): the grade is still the one
    below it, as `grade_for` gives for the probability itself."""
    data = json.loads(DEFAULT_MODEL.read_text())
    data["coef"] = [0.0] * len(data["coef"])
    data["intercept"] = math.log(float(probability) / (1 - float(probability)))
    model = LatePaymentModel.model_validate(data)
    p = model.probability([0.0] * len(MODEL_FEATURES))
    assert abs(p - float(probability)) < 1e-12
    s = score_debtor(model, ReceivableHistory(debtor="D"), SCORED_ON)
    assert str(s.probability_late) == shown
    assert s.grade == grade_for(Decimal(repr(p)))
    if len(probability) > 4:   # just below the bound
        assert s.grade == grade


SCORED_ON = date(2025, 6, 30)


def thin_record():
    """Six claims paid on time over the last year: a short, clean record."""
    return [e for i in range(6) for e in lifecycle(f"C{i}", SCORED_ON - timedelta(days=330 - 50 * i),
                                                   SCORED_ON - timedelta(days=270 - 50 * i),
                                                   paid=SCORED_ON - timedelta(days=270 - 50 * i))]


def with_bad_news(history, news, as_of):
    """``history`` plus rejected registrations and freeze orders recorded after the claims fell due (those up
    to ``as_of`` count)."""
    claims = sorted({e.receivable_id: e for e in history.events if e.event_date <= as_of}.values(),
                    key=lambda e: e.receivable_id)
    extra = []
    for n, (kind, days_back, pick) in enumerate(news):
        on = as_of - timedelta(days=days_back)
        if kind == "rejected registration" or not claims:
            extra += [ev(f"NEW{n}", "registered", on, on + timedelta(days=90), debtor=history.debtor),
                      ev(f"NEW{n}", "rejected", on, on + timedelta(days=90), debtor=history.debtor)]
        else:   # a freeze order on a claim on record, after its last on-time day (the due date, or the next
            # working day when that is a day off): paid by then, or already late (one recorded by then takes the
            # claim out of timeliness: test_risk_claims_frozen_when_due)
            claim = claims[pick % len(claims)]
            extra.append(ev(claim.receivable_id, "frozen",
                            max(on, claim.event_date, next_working_day(claim.due_date) + timedelta(days=1)),
                            claim.due_date,
                            face=claim.face_amount, debtor=history.debtor))
    return ReceivableHistory(debtor=history.debtor, events=sorted(history.events + extra, key=lambda e: e.event_date))


def test_a_debtor_that_rejects_its_claims_scores_no_safer_than_without_them():
    model = LatePaymentModel.load(DEFAULT_MODEL)
    rejections = [("rejected registration", 300 - 30 * i, 0) for i in range(6)]   # over the past year
    for events in ([], thin_record()):
        clean = ReceivableHistory(debtor=DEBTOR, events=events)
        rejecting = with_bad_news(clean, rejections, SCORED_ON)
        assert rejecting.events != clean.events
        assert score_debtor(model, rejecting, SCORED_ON).probability_late >= \
            score_debtor(model, clean, SCORED_ON).probability_late


bad_news = st.lists(st.tuples(st.sampled_from(["rejected registration", "freeze order"]), st.integers(0, 500),
                              st.integers(0, 10**6)), min_size=1, max_size=12)


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 11), st.integers(0, 400), bad_news)
@example(debtor=8, days_back=250, news=[("freeze order", 15, 326)])   # a freeze the day after a Saturday due date
def test_rejections_and_freezes_never_lower_the_probability(histories, debtor, days_back, news):
    model = LatePaymentModel.load(DEFAULT_MODEL)
    as_of = date(2025, 6, 30) - timedelta(days=days_back)
    for base in (histories[debtor], ReceivableHistory(debtor=DEBTOR, events=thin_record()),
                 ReceivableHistory(debtor=DEBTOR)):
        before = model.probability(debtor_features(base, as_of).model_inputs())
        after = model.probability(debtor_features(with_bad_news(base, news, as_of), as_of).model_inputs())
        assert after >= before


def test_an_artefact_that_weighs_bad_news_negatively_is_refused():
    data = json.loads(DEFAULT_MODEL.read_text())
    data["coef"][data["features"].index("rejection_rate_90")] = -0.05
    with pytest.raises(ValidationError, match="coef: rejection_rate_90 only rise.*score a debtor safer.*re-train"):
        LatePaymentModel.model_validate(data)


@pytest.mark.parametrize("field,value,shown", [("intercept", True, "true"), ("coef", True, "true"),
                                               ("mean", False, "false"), ("scale", "1.5", '"1.5"'),
                                               ("intercept", "-1.99", '"-1.99"'), ("coef", None, "null")])
def test_a_parameter_that_is_not_a_json_number_is_refused(field, value, shown):
    data = shipped_with(field, value)
    with pytest.raises(ValidationError, match=f"{shown} is not a number: a model's parameters are JSON numbers"):
        LatePaymentModel.model_validate_json(json.dumps(data))


def test_whole_numbers_are_parameters_too():
    data = json.loads(DEFAULT_MODEL.read_text())
    data["intercept"], data["mean"][0] = -2, 0   # as a hand-written or rounded artefact may give them
    model = LatePaymentModel.model_validate_json(json.dumps(data))
    assert model.intercept == -2.0 and model.mean[0] == 0.0


@pytest.mark.parametrize("horizon", [-5, 0, 30, 365, True, 90.0, "90"])
def test_an_artefact_for_another_horizon_is_refused(horizon):
    data = json.loads(DEFAULT_MODEL.read_text())
    data["horizon_days"] = horizon
    with pytest.raises(ValidationError, match="horizon_days"):
        LatePaymentModel.model_validate_json(json.dumps(data))
    if isinstance(horizon, int) and not isinstance(horizon, bool):
        with pytest.raises(ValidationError, match=f"for receivables falling due in the next {horizon} days, this "
                                                  f"code labels and scores the next 90: re-train it"):
            LatePaymentModel.model_validate_json(json.dumps(data))
