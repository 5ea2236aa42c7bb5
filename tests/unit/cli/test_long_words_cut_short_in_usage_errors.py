"""Click's own usage errors name a word of the line that is no argument, option or command recfin has: "Got
unexpected extra argument (...)", "No such option '...'", "No such command '...'". A word of 10,000 characters (a
paste gone wrong) made an error line as long; past 300 characters it is now named as recfin's own refusals name a
long value (``cli.output.quoted_cut_short``): its start and end, quoted, and its length. Click's wording, its "Did
you mean" suggestions and its exit status 2 are kept, and a word of up to 300 characters is named whole."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from cli.main import main

LONG = "A" + "x" * 9998 + "Z"   # 10,000 characters
LONG_CUT = "'A" + "x" * 38 + "..." + "x" * 10 + "Z' (10000 characters)"
LONG_OPTION = "--" + "x" * 9996 + "Z"   # 9,999 characters
LONG_OPTION_CUT = "'--" + "x" * 37 + "..." + "x" * 10 + "Z' (9999 characters)"
GET = ["receivable", "get", "R-0123456789abcdef"]


def error_lines(args: list[str]) -> list[str]:
    """The `Error:` lines recfin prints for ``args``, which must end it as a usage error (exit 2)."""
    result = CliRunner().invoke(main, args, color=True)
    assert result.exit_code == 2, result.output
    return [line for line in result.output.splitlines() if line.startswith("Error:")]


@pytest.mark.parametrize("args, line", [
    ([*GET, LONG], f"Error: Got unexpected extra argument ({LONG_CUT})"),
    ([*GET, LONG, "two"], f"Error: Got unexpected extra arguments ({LONG_CUT} two)"),
    ([*GET, LONG_OPTION], f"Error: No such option {LONG_OPTION_CUT}."),
    ([LONG_OPTION], f"Error: No such option {LONG_OPTION_CUT}."),
    ([LONG], f"Error: No such command {LONG_CUT}."),
    (["receivable", LONG], f"Error: No such command {LONG_CUT}."),
], ids=["extra-argument", "extra-arguments", "option", "recfin-option", "command", "group-command"])
def test_a_long_word_is_named_cut_short(args, line):
    assert error_lines(args) == [line]


def test_a_long_extra_argument_that_does_not_print_is_cut_short_and_escaped():
    forged = "\x1b[31m" + "x" * 9998 + "\x07\nEnd"
    [line] = error_lines([*GET, forged])
    assert line == ("Error: Got unexpected extra argument ('\\x1b[31m" + "x" * 31 + "...xx\\x07\\nEnd'"
                    " (10008 characters))")


@pytest.mark.parametrize("length", [299, 300])
def test_a_word_of_up_to_300_characters_is_named_whole(length):
    word = "y" * length
    assert error_lines([*GET, word]) == [f"Error: Got unexpected extra argument ({word})"]
    assert error_lines([*GET, "--" + word[2:]]) == [f"Error: No such option '--{word[2:]}'."]
    assert error_lines(["receivable", word]) == [f"Error: No such command '{word}'."]


def test_a_word_of_301_characters_is_cut_short():
    word = "y" * 301
    assert error_lines([*GET, word]) == [
        f"Error: Got unexpected extra argument ('{'y' * 39}...{'y' * 11}' (301 characters))"]
    assert error_lines(["receivable", word]) == [f"Error: No such command '{'y' * 39}...{'y' * 11}' (301 characters)."]


@pytest.mark.parametrize("args, line", [
    (["recievable"], "Error: No such command 'recievable'. Did you mean 'receivable'?"),
    (["receivable", "lst"], "Error: No such command 'lst'. Did you mean 'list'?"),
    (["--verison"], "Error: No such option '--verison'. Did you mean '--version'?"),
    ([*GET, "--jsn"], "Error: No such option '--jsn'. (Did you mean one of: '--as', '--json'?)"),
])
def test_clicks_suggestions_still_follow_a_word_named(args, line):
    assert error_lines(args) == [line]
