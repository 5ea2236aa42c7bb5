"""What a bank's pricing file may leave out, and what each setting left out prices as, are the configuration
model's: a file without `fees` charges no fees at all, so the page that describes the file says so, setting by
setting, and names the settings that must be given."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import BaseModel

from client.pricing import BankPricing, PricingConfigError, bank_config_path, load_bank_config

PAGE = Path(__file__).parents[3] / "docs" / "risk-and-pricing.md"


def _settings(model: type[BaseModel], prefix: str = "") -> dict[str, object]:
    """Each leaf setting of ``model`` by its dotted name: its default, or ... when it must be given."""
    found: dict[str, object] = {}
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            found.update(_settings(annotation, f"{prefix}{name}."))
        else:
            found[f"{prefix}{name}"] = ... if field.is_required() else field.get_default()
    return found


def _as_yaml(value: object) -> str:
    """A default as the page writes it: a YAML scalar, rates quoted as the file writes them."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, str)):
        return str(value)
    return f'"{value}"'   # a Decimal rate


def _paragraph() -> str:
    text = " ".join(PAGE.read_text(encoding="utf-8").split())
    start = text.index("must be given: a file without one is refused naming it")
    return text[start - 200:start + 800]


@pytest.mark.parametrize("setting, default", sorted(_settings(BankPricing).items()))
def test_the_page_names_each_settings_default_or_that_it_must_be_given(setting, default):
    paragraph = _paragraph()
    if default is ...:
        required = paragraph[:paragraph.index("must be given")]
        assert f"`{setting}`" in required, setting
    else:
        assert f"`{setting}: {_as_yaml(default)}`" in paragraph, (setting, default)


def test_a_file_without_fees_charges_none_and_one_without_base_rate_is_refused(tmp_path):
    shipped = bank_config_path("bank").read_text(encoding="utf-8")
    without_fees = re.sub(r"^fees:\n(  .*\n)+", "", shipped, flags=re.M)
    assert "flat" not in without_fees
    path = tmp_path / "bank.yaml"
    path.write_text(without_fees, encoding="utf-8")
    assert (load_bank_config(path).fees.flat, load_bank_config(path).fees.rate_of_advance) == (0, 0)
    path.write_text(re.sub(r"^base_rate:.*\n", "", shipped, flags=re.M), encoding="utf-8")
    with pytest.raises(PricingConfigError, match="bank.yaml: base_rate: Field required"):
        load_bank_config(path)
