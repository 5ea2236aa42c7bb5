"""A rate written with a percent sign ("3.1%") is the plainest percentage there is, yet it was refused as "not a rate
the contract takes" with only the general form to go by, where "3.1" was told to write "0.031". It is refused naming
the fraction to write, in a bank's configuration (with the file and the key) and in an offer alike; one whose
fraction the contract would not take either is refused without naming one."""
from datetime import date

import pytest
from pydantic import ValidationError

from client.pricing import BankOffer, PricingConfigError, bank_config_path, load_bank_config


def refusal(rate) -> str:
    with pytest.raises(ValidationError) as error:
        BankOffer(offer_id="OF-A", financier="bank-a", advance_rate="0.9", discount_rate=rate, recourse=True,
                  expires_on=date(2026, 12, 31))
    return str(error.value)


@pytest.mark.parametrize("rate, fraction", [("3.1%", "0.031"), ("3.1 %", "0.031"), (" 4.5% ", "0.045"),
                                            ("100%", "1"), ("0%", "0"), ("0.05%", "0.0005")])
def test_a_percentage_with_its_sign_is_refused_naming_the_fraction_to_write(rate, fraction):
    said = refusal(rate)
    assert "is a percentage" in said and f'write "{fraction}"' in said


@pytest.mark.parametrize("rate", ["150%", "0.000000001%"])   # above 1, or its fraction past 10 places
def test_no_fraction_is_named_where_the_contract_would_take_none(rate):
    said = refusal(rate)
    assert "is a percentage" in said and "write \"" not in said


@pytest.mark.parametrize("rate", ["-1%", "3,1%", "%"])   # no percentage a fraction could be written for
def test_what_is_no_percentage_is_refused_as_before(rate):
    assert "is not a rate the contract takes" in refusal(rate)


def test_a_banks_configuration_names_the_file_the_key_and_the_fraction(tmp_path):
    path = tmp_path / "bank-b.yaml"
    text = bank_config_path("bank").read_text(encoding="utf-8")
    path.write_text(text.replace('base_rate: "0.0310"', 'base_rate: "3.1%"'), encoding="utf-8")
    with pytest.raises(PricingConfigError) as refused:
        load_bank_config(path)
    assert str(refused.value).startswith("bank-b.yaml: base_rate: '3.1%' is a percentage")
    assert 'for 3.1%, write "0.031"' in str(refused.value)
