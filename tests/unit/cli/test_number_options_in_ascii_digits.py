"""Numbers that are not amounts or rates (counts of fen, tolerances, a probability, seconds) are written in the
digits 0-9 too: ``int``, ``float`` and ``Decimal`` read full-width ``１００`` as 100, so a number pasted from a
document would be taken with nothing to show how. Each is a usage error (exit 2) naming the digit."""
from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from cli.main import main

SAMPLES = Path(__file__).parents[3] / "client" / "invoices" / "reference_data" / "samples"
MATCH = ["invoice", "match", str(SAMPLES / "einvoice.xml"), "--po", str(SAMPLES / "purchase_order.csv"),
         "--receipt", str(SAMPLES / "goods_receipt.csv")]
VERIFY = ["invoice", "verify", str(SAMPLES / "einvoice.xml"), "--today", "2026-11-30"]
QUOTE = ["finance", "quote", "RCV-1", "--as", "bank", "--face", "1,000,000", "--due", "2027-03-01",
         "--on", "2026-12-01"]


def run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.mark.parametrize("command, option, value, digit", [
    (MATCH, "--total-tolerance-fen", "１００", "'１' (U+FF11 FULLWIDTH DIGIT ONE)"),
    (MATCH, "--price-tolerance", "０.１", "'０' (U+FF10 FULLWIDTH DIGIT ZERO)"),
    (MATCH, "--quantity-tolerance", "0.٠١", "'٠' (U+0660 ARABIC-INDIC DIGIT ZERO)"),
    (VERIFY, "--tolerance-fen", "６", "'６' (U+FF16 FULLWIDTH DIGIT SIX)"),
    (VERIFY, "--max-age-days", "３６５", "'３' (U+FF13 FULLWIDTH DIGIT THREE)"),
    (["invoice", "read", str(SAMPLES / "einvoice.pdf")], "--min-confidence", "０.８",
     "'０' (U+FF10 FULLWIDTH DIGIT ZERO)"),
    (QUOTE + ["--grade", "B"], "--exposure", "１００", "'１' (U+FF11 FULLWIDTH DIGIT ONE)"),   # an amount, as before
    (QUOTE, "--probability", "０.３", "'０' (U+FF10 FULLWIDTH DIGIT ZERO)"),
    (["finance", "quote", "R-1", "--as", "bank/officer1", "--grade", "B", "--yes"], "--lock-timeout", "６０",
     "'６' (U+FF16 FULLWIDTH DIGIT SIX)"),
])
def test_a_number_option_refuses_a_digit_other_than_ascii_naming_it(command, option, value, digit):
    result = run(*command, option, value)
    assert result.exit_code == 2, result.output
    assert f"Invalid value for '{option}': {value!r} has the digit {digit}, which is not ASCII" in result.output


@pytest.mark.parametrize("command, option, value", [
    (MATCH, "--total-tolerance-fen", "100"), (MATCH, "--price-tolerance", "0.1"), (VERIFY, "--tolerance-fen", "6"),
    (VERIFY, "--max-age-days", "365"),
])
def test_the_same_number_in_ascii_digits_is_taken(command, option, value):
    assert run(*command, option, value).exit_code == 0


def test_a_probability_is_a_fraction_written_out_not_a_number_of_a_billion_digits():
    tiny = run(*QUOTE, "--probability", "1E-999999999", "--json")
    assert tiny.exit_code == 2, tiny.output
    assert "Invalid value for '--probability': '1E-999999999' has more than 20 decimal places" in tiny.output
    given = run(*QUOTE, "--probability", "0.1", "--json")
    assert given.exit_code == 0, given.output
    assert (json.loads(given.stdout)["probability_late"], json.loads(given.stdout)["debtor_grade"]) == ("0.1", "C")


def test_every_whole_number_option_of_every_command_reads_ascii_digits_only():
    """A count, a page size, a seed or a block number is a whole number like the tolerances: none reads `５００` as
    500 (`network tune --batch-size`, `risk score --synthetic-seed` and the page sizes did)."""
    from cli.options import WholeNumberRange

    from .test_help_examples import ALL

    plain = [(" ".join(path), param.name) for path, cmd in ALL for param in cmd.params
             if isinstance(param, click.Option) and (param.type is click.INT or type(param.type) is click.IntRange)]
    assert plain == []
    assert run("risk", "score", "SYN-DEBTOR-0007", "--synthetic-seed", "２０２６").exit_code == 2
    assert isinstance(next(p for path, cmd in ALL if path == ("network", "tune") for p in cmd.params
                           if p.name == "max_message_count").type, WholeNumberRange)
