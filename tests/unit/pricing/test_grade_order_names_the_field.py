"""A bank configuration whose grades are out of order (a riskier grade with a lower spread, or a higher
limit factor or advance rate, than the grade before it) is refused naming the setting at fault and both
values, not the grade alone: a grade has three settings, and the error says which to change and to what."""
import pytest
import yaml

from client.pricing import PricingConfigError, bank_config_path, load_bank_config


def refusal(tmp_path, grade: str, **settings) -> str:
    data = yaml.safe_load(bank_config_path("bank").read_text())
    data["grades"][grade] = {**data["grades"][grade], **settings}
    path = tmp_path / "bank.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(PricingConfigError) as refused:
        load_bank_config(path)
    return str(refused.value)


@pytest.mark.parametrize("grade,settings,named", [
    ("B", {"spread": "0.0030"}, "grades.B.spread 0.0030 is below grades.A.spread 0.0040"),
    ("C", {"advance_rate": "0.95"}, "grades.C.advance_rate 0.95 is above grades.B.advance_rate 0.90"),
    ("D", {"limit_factor": "0.50"}, "grades.D.limit_factor 0.50 is above grades.C.limit_factor 0.30"),
])
def test_a_grade_out_of_order_names_the_field_and_both_values(tmp_path, grade, settings, named):
    assert refusal(tmp_path, grade, **settings) == (
        f"bank.yaml: {named}: a riskier grade needs a spread at least, and a limit factor and an advance "
        f"rate at most, those of the grade before it")


def test_every_setting_out_of_order_in_a_grade_is_named(tmp_path):
    message = refusal(tmp_path, "B", spread="0.0030", advance_rate="0.96")
    assert message.startswith("bank.yaml: grades.B.spread 0.0030 is below grades.A.spread 0.0040; "
                              "grades.B.advance_rate 0.96 is above grades.A.advance_rate 0.95: ")
    assert "limit_factor" not in message.split(": a riskier")[0]
