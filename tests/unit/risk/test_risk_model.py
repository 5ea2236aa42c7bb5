"""The JSON artefact: round trip, the shipped model, refusal of a mismatched artefact, grades."""
import json
from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError

from client.risk import DEFAULT_MODEL, MODEL_FEATURES, LatePaymentModel, ReceivableHistory, grade_for, score_debtor
from client.risk.model import VERSION
from client.risk.simulator import SimulationConfig, simulate


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
    with pytest.raises(ValidationError, match="re-train it with `recfin risk train`"):
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


@pytest.mark.parametrize("field,value", [("coef", float("nan")), ("coef", float("inf")), ("mean", float("-inf")),
                                         ("scale", float("inf")), ("scale", 1e-300), ("intercept", float("nan")),
                                         ("coef", 1e308)])
def test_an_artefact_with_parameters_no_trained_model_has_is_refused_when_loaded(field, value):
    data = json.loads(DEFAULT_MODEL.read_text())
    if field == "intercept":
        data[field] = value
    else:
        data[field][1] = value
    with pytest.raises(ValidationError, match=f"{field}: .*(not a trained model's parameter|at least 1e-06)"):
        LatePaymentModel.model_validate(data)


def test_an_artefact_of_an_earlier_version_with_the_same_feature_names_is_refused():
    data = json.loads(DEFAULT_MODEL.read_text())
    data["version"] = "v2"   # the season ahead was computed another way
    with pytest.raises(ValidationError, match="version: the artefact is late_payment-v2.*re-train it"):
        LatePaymentModel.model_validate(data)
