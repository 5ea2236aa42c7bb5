"""A key a model does not take is named with the keys its block takes (``validation_problems``, ``unknown_key_note``),
in the words of the document it was read from: a YAML file's "block", a JSON document's "object". Every document was
said to be YAML's ("is no key of this block"), a JSON offer `discount get --json` printed included."""
import pytest
import yaml
from pydantic import ValidationError

from client.pricing import BankPricing, PricingConfigError, bank_config_path, load_bank_config, validation_problems
from client.yaml_files import unknown_key_note

TAKEN = "per_debtor, min_advance, max_days"
MISSPELT = ("  max_days: 360", "  maxdays: 360")


def refused(document: dict) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        BankPricing.model_validate(document)
    return caught.value


def shipped_misspelt() -> str:
    text = bank_config_path("bank").read_text(encoding="utf-8")
    assert MISSPELT[0] in text
    return text.replace(*MISSPELT, 1)


def test_a_json_documents_misspelt_key_is_no_key_of_its_object():
    exc = refused(yaml.safe_load(shipped_misspelt()))
    said = validation_problems(exc, BankPricing, written_in="JSON")
    assert f"limits.maxdays: Extra inputs are not permitted: maxdays is no key of this object, which takes {TAKEN}" \
        in said, said
    assert "block" not in said, said


def test_a_yaml_files_misspelt_key_is_still_no_key_of_its_block(tmp_path):
    exc = refused(yaml.safe_load(shipped_misspelt()))
    expected = f"limits.maxdays: Extra inputs are not permitted: maxdays is no key of this block, which takes {TAKEN}"
    assert expected in validation_problems(exc, BankPricing, written_in="YAML")
    path = tmp_path / "bank-c.yaml"
    path.write_text(shipped_misspelt(), encoding="utf-8")
    with pytest.raises(PricingConfigError) as caught:
        load_bank_config(path)
    assert f"bank-c.yaml: {expected}" in str(caught.value)


@pytest.mark.parametrize("written_in, holder", [("YAML", "this block"), ("JSON", "this object")])
def test_the_note_names_the_holder_of_the_keys_as_its_format_calls_it(written_in, holder):
    assert unknown_key_note(BankPricing, ("limits", "maxdays"), written_in=written_in) == \
        f"maxdays is no key of {holder}, which takes {TAKEN}"
