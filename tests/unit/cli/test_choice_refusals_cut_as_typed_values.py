"""A value that is none of an option's choices is named in the refusal by the rule every refusal of a typed word
follows (``cli.output.TYPED_WHOLE_UP_TO``, as click's "No such option" is): whole up to that length, cut short past
it. The choices cut at ``client.shown.SHOWN_LENGTH`` instead, so a value of 100 characters was named whole as an
unknown option and cut as a choice."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from cli.main import main
from cli.output import TYPED_WHOLE_UP_TO
from cli.regulator_commands import bookmark_token
from client.shown import shown_value

CHOICES = [
    (["finance", "compare", "R-1", "--by"], []),                     # options.ChoiceCutShort
    (["regulator", "list"], ["--as", "regulator"]),                  # regulator_commands.StatusChoice
]


@pytest.mark.parametrize("before, after", CHOICES, ids=["ChoiceCutShort", "StatusChoice"])
def test_a_value_up_to_the_typed_length_is_named_whole(before, after):
    value = "y" * TYPED_WHOLE_UP_TO
    result = CliRunner().invoke(main, [*before, value, *after])
    assert result.exit_code == 2, result.output
    assert f"'{value}'" in result.output, result.output
    unknown = CliRunner().invoke(main, ["finance", "compare", "--" + value[2:]])
    assert f"'--{value[2:]}'" in unknown.output, unknown.output    # the rule a choice's refusal now shares


@pytest.mark.parametrize("before, after", CHOICES, ids=["ChoiceCutShort", "StatusChoice"])
def test_a_value_past_the_typed_length_is_cut_short(before, after):
    value = "y" * (TYPED_WHOLE_UP_TO + 1)
    result = CliRunner().invoke(main, [*before, value, *after])
    assert result.exit_code == 2, result.output
    assert value not in result.output
    assert f"({TYPED_WHOLE_UP_TO + 1} characters)" in result.output, result.output


def test_a_bookmark_token_that_does_not_decode_is_named_whole_as_one_that_names_no_page_is():
    """A token of the length a listing prints (a holder's, about 80 characters) with one character mistyped is named
    whole, so that the character can be found; it was cut short where a token that decodes was named whole."""
    token = bookmark_token("\x00recfin.by-holder\x0091310000MA1K00002C\x00R-0123456789abcdef.1\x00") + "+"
    assert len(shown_value(token)) < len(token) <= TYPED_WHOLE_UP_TO     # a length the old rule cut
    result = CliRunner().invoke(main, ["receivable", "list", "--bookmark", token, "--as", "supplier/supplier1"])
    assert result.exit_code == 2, result.output
    assert f"'{token}' is not a bookmark token" in result.output, result.output
