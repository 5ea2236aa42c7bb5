"""A key a bank's pricing YAML does not take, most often a misspelt one (``maxdays``, ``flat_fee``, a grade's
``sprad``), was refused as "limits.maxdays: Extra inputs are not permitted": the file and the key, but not what to
write instead, where the topology's refusal names the keys its block takes. The pricing file's says them too, for
the block the key stands in, a grade's included, and so does an offers file's (`finance compare --offers`)."""
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.finance_commands import finance
from client.pricing import PricingConfigError, bank_config_path, load_bank_config

SHIPPED = bank_config_path("bank").read_text(encoding="utf-8")


def refusal(tmp_path, old: str, new: str) -> str:
    assert old in SHIPPED
    path = tmp_path / "bank-c.yaml"
    path.write_text(SHIPPED.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(PricingConfigError) as refused:
        load_bank_config(path)
    return str(refused.value)


@pytest.mark.parametrize("old, new, said", [
    ("  max_days: 360", "  maxdays: 360",
     "bank-c.yaml: limits.maxdays: Extra inputs are not permitted: maxdays is no key of this block, which takes "
     "per_debtor, min_advance, max_days"),
    ("  flat: 50000", "  flat_fee: 50000",
     "bank-c.yaml: fees.flat_fee: Extra inputs are not permitted: flat_fee is no key of this block, which takes "
     "flat, rate_of_advance"),
    ('B: {spread: "0.0090"', 'B: {sprad: "0.0090", spread: "0.0090"',
     "bank-c.yaml: grades.B.sprad: Extra inputs are not permitted: sprad is no key of this block, which takes "
     "spread, advance_rate, limit_factor"),
    ("offer_valid_days: 7", "offer_valid_day: 7",
     "offer_valid_day: Extra inputs are not permitted: offer_valid_day is no key of this block, which takes bank, "
     "currency, base_rate, day_count, recourse, offer_valid_days, fees, limits, grades, thin_record_grade"),
])
def test_an_unknown_key_is_named_with_the_keys_its_block_takes(tmp_path, old, new, said):
    assert said in refusal(tmp_path, old, new)


def test_an_offers_file_names_the_keys_an_offer_takes(tmp_path):
    """`finance compare --offers` refuses a misspelt key of a bank offer alike, in JSON's words."""
    sample = json.loads((Path(__file__).parents[3] / "client" / "pricing" / "samples" / "offers.json").read_text())
    sample["bank_offers"][0]["fee"] = sample["bank_offers"][0].pop("fees")
    path = tmp_path / "offers.json"
    path.write_text(json.dumps(sample))
    result = CliRunner().invoke(finance, ["compare", "RCV-1", "--offers", str(path), "--on", "2026-12-01"])
    assert result.exit_code == 2
    said = " ".join(result.output.split())
    # the file is JSON: its key is an object's, not a YAML block's
    assert ("bank_offers.0.fee: Extra inputs are not permitted: fee is no key of this object, which takes offer_id, "
            "financier, advance_rate, discount_rate, fees, recourse") in said, said
