"""A whole-number option (--start-block, --page-size, -n, a seed, a count...) takes the ASCII digits 0-9 its
refusal asks for, with a "-" only where its range takes a number below 0: int() alone also read "1_000", "+5",
" 5" and "5\\n", so a value the refusal says is not one was taken."""
from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from cli.main import main
from cli.options import WholeNumberRange

from .test_help_examples import ALL

NOT_PLAIN_DIGITS = ["1_000", "+5", " 5", "5 ", "5\n", "\t5", "-0", "0x10", "5.", ""]


def whole_number_options() -> list[tuple[str, click.Option]]:
    return [(" ".join(path), param) for path, cmd in ALL for param in cmd.params
            if isinstance(param, click.Option) and isinstance(param.type, WholeNumberRange)]


@pytest.mark.parametrize("value", NOT_PLAIN_DIGITS)
def test_start_block_refuses_what_is_not_written_in_plain_digits(value):
    result = CliRunner().invoke(main, ["events", "--start-block", value], prog_name="recfin")
    assert result.exit_code == 2, result.output
    assert (f"Invalid value for '--start-block': {value!r} is not a whole number: give one in the digits 0-9 "
            f"with no point or unit, e.g. 100") in " ".join(result.output.split())


@pytest.mark.parametrize("value", ["1_000", "+5", " 5", "5\n", "-0"])
def test_every_whole_number_option_refuses_what_is_not_plain_digits(value):
    options = whole_number_options()
    assert len(options) >= 18
    taken, refused_otherwise = [], []
    for where, option in options:
        try:
            taken.append((where, option.name, option.type.convert(value, option, None)))
        except click.BadParameter as refused:
            if "is not a whole number: give one in the digits 0-9" not in refused.message:
                refused_otherwise.append((where, option.name, refused.message))
    assert (taken, refused_otherwise) == ([], [])


def test_every_whole_number_option_takes_its_default_and_its_lowest_in_digits():
    for where, option in whole_number_options():
        kind = option.type
        lowest = kind.min + (1 if kind.min_open else 0)
        assert kind.convert(str(lowest), option, None) == lowest, (where, option.name)
        assert kind.convert(f"00{lowest}", option, None) == lowest, (where, option.name)
        if isinstance(option.default, int):   # not None, nor click's sentinel for no default
            assert kind.convert(str(option.default), option, None) == option.default, (where, option.name)


def test_a_negative_number_is_refused_by_the_range_that_takes_none():
    result = CliRunner().invoke(main, ["events", "--start-block", "-3"], prog_name="recfin")
    assert result.exit_code == 2, result.output
    assert "Invalid value for '--start-block': -3 is not in the range 0<=x<=" in result.output


@pytest.mark.parametrize("value, number", [("-5", -5), ("-0", 0), ("0", 0), ("1000", 1000)])
def test_a_range_taking_numbers_below_0_reads_a_leading_minus(value, number):
    assert WholeNumberRange().convert(value, None, None) == number
    bounded = WholeNumberRange(min=-10, max=10)
    assert bounded.convert(value if number != 1000 else "10", None, None) == min(number, 10)


@pytest.mark.parametrize("value", ["+5", "1_000", " -5", "--5", "- 5"])
def test_a_range_taking_numbers_below_0_refuses_other_signs_and_spacing(value):
    with pytest.raises(click.BadParameter, match="is not a whole number: give one in the digits 0-9"):
        WholeNumberRange().convert(value, None, None)
