"""A YAML integer written with a leading zero is octal to YAML 1.1 (PyYAML) and decimal to YAML 1.2 and to the person
who wrote it: refused naming its place, never read as either (a bank's fee of 050000 fen was read as 20480)."""
from __future__ import annotations

import pytest

from client.pricing import PricingConfigError, bank_config_path, load_bank_config
from client.yaml_files import YamlProblem, load_yaml

SHIPPED = bank_config_path("bank").read_text(encoding="utf-8")


@pytest.mark.parametrize("old, new, octal, decimal", [
    ("  flat: 50000 ", "  flat: 050000", "20480", "50000"),
    ("  min_advance: 1000000 ", "  min_advance: 01000000", "262144", "1000000"),
])
def test_a_fee_or_limit_with_a_leading_zero_is_refused_not_read_as_octal(tmp_path, old, new, octal, decimal):
    assert old in SHIPPED
    path = tmp_path / "bank.yaml"
    path.write_text(SHIPPED.replace(old, new), encoding="utf-8")
    with pytest.raises(PricingConfigError) as refused:
        load_bank_config(path)
    line = SHIPPED[:SHIPPED.index(old)].count("\n") + 1
    assert str(refused.value) == (
        f"{path}: the number {new.split()[1]} at line {line}, column {len(new.split(':')[0]) + 3} has a leading 0, "
        f"which YAML 1.1 reads as octal ({octal}) and YAML 1.2 as decimal: write it without the leading zero "
        f"({decimal}), or quote it if it is text")


@pytest.mark.parametrize("text", ["port: 07051", "port: -010", "ports: [7050, 00]", "0100: x", "n: 0_7"])
def test_every_leading_zero_integer_is_refused_with_its_place(text):
    with pytest.raises(YamlProblem, match=r"has a leading 0, which YAML 1\.1 reads as octal"):
        load_yaml(text, "a topology")


def test_a_long_one_is_refused_without_building_its_octal_value():
    with pytest.raises(YamlProblem, match=r"^the number 0777.* at line 1, column 4 has a leading 0, which YAML 1\.1 "
                                          r"reads as octal and YAML 1\.2"):
        load_yaml("a: 0" + "7" * 100_000, "a topology")


def test_zero_other_bases_and_quoted_text_are_read_as_before():
    assert load_yaml('a: 0\nb: 0x1F\nc: 1_000\nd: "07051"\ne: 0.5\nf: 08\n', "a topology") == {
        "a": 0, "b": 31, "c": 1000, "d": "07051", "e": 0.5, "f": "08"}
