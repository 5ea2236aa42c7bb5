"""Amounts are written in the digits 0-9: Python reads full-width, Arabic-Indic and other scripts' digits as
numbers (``Decimal("１００")`` is 100), so an amount pasted with them would be taken with nothing to show how. The
CLI refuses them, naming the digit, as it refuses a full-width date."""
from __future__ import annotations

import re

import click
import pytest
from click.testing import CliRunner

from cli.amounts import AMOUNT, read_amount


@pytest.mark.parametrize("text, digit", [
    ("１００", "'１' (U+FF11 FULLWIDTH DIGIT ONE)"),
    ("٣٤", "'٣' (U+0663 ARABIC-INDIC DIGIT THREE)"),
    ("1.5٠", "'٠' (U+0660 ARABIC-INDIC DIGIT ZERO)"),            # in the fraction only
    ("１,０００.５０", "'１' (U+FF11 FULLWIDTH DIGIT ONE)"),
    ("1,٠٠٠", "'٠' (U+0660 ARABIC-INDIC DIGIT ZERO)"),            # in a thousands group only
    ("１２fen", "'１' (U+FF11 FULLWIDTH DIGIT ONE)"),
    ("USD ١٠", "'١' (U+0661 ARABIC-INDIC DIGIT ONE)"),
    ("1\N{DEVANAGARI DIGIT FIVE}", "'५' (U+096B DEVANAGARI DIGIT FIVE)"),
])
def test_an_amount_with_a_digit_other_than_ascii_is_refused_naming_it(text, digit):
    with pytest.raises(ValueError, match=re.escape(f"{text!r} has the digit {digit}, which is not ASCII: write "
                                                   "amounts in the digits 0-9")):
        read_amount(text)


def test_the_option_says_so_as_a_usage_error():
    @click.command()
    @click.option("--amount", type=AMOUNT)
    def cmd(amount):
        click.echo(amount.fen)

    refused = CliRunner().invoke(cmd, ["--amount", "１,１３０"])
    assert refused.exit_code == 2
    assert "Invalid value for '--amount'" in refused.output and "FULLWIDTH DIGIT ONE" in refused.output
    assert CliRunner().invoke(cmd, ["--amount", "1,130"]).output == "113000\n"
