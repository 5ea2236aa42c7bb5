"""A key of a bank's pricing YAML that YAML reads as no text (``~``, a date, a number, ``true``) was refused as
"datetime.date(2026, 1, 1): Keys should be strings" or "None: Keys should be strings": pydantic's Python words for
a key, nothing the file holds, and nothing of what to do. It names the block, what the key was read as and what to
do."""
import pytest

from client.pricing import PricingConfigError, bank_config_path, load_bank_config

SHIPPED = bank_config_path("bank").read_text(encoding="utf-8")


@pytest.mark.parametrize("key, said", [
    ("~", "a key read as null, not text"),
    ("2026-01-01", "a key read as a date (2026-01-01), not text"),
    ("1.5", "a key read as a number (1.5), not text"),
    ("true", "a key read as true or false (true), not text"),
])
def test_a_key_read_as_no_text_is_named_as_the_file_writes_it(tmp_path, key, said):
    path = tmp_path / "bank-c.yaml"
    path.write_text(SHIPPED + f"{key}: 1\n", encoding="utf-8")
    with pytest.raises(PricingConfigError) as refused:
        load_bank_config(path)
    assert str(refused.value) == f"bank-c.yaml: {said}: quote it if it is meant as a key, or remove it"


def test_one_in_a_block_names_the_block(tmp_path):
    path = tmp_path / "bank-c.yaml"
    old = "  max_days: 360\n"
    assert old in SHIPPED
    path.write_text(SHIPPED.replace(old, old + "  ~: 3\n", 1), encoding="utf-8")
    with pytest.raises(PricingConfigError) as refused:
        load_bank_config(path)
    assert str(refused.value) == ("bank-c.yaml: limits: a key read as null, not text: quote it if it is meant as a "
                                  "key, or remove it")
