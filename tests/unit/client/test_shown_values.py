"""client.shown.shown_value: the one way the SDK's messages show a value the caller gave (typed, held by a file or a
ledger payload): text quoted, other values as JSON spells them, every character that does not print escaped onto
the message's line, and long ones cut short with their length."""

from __future__ import annotations

from decimal import Decimal

import pytest

from client.shown import SHOWN_LENGTH, past_the_digit_limit, shown_value


@pytest.mark.parametrize("value, shown", [
    ("abc", "'abc'"), (" abc\u3000", "' abc\\u3000'"), ("a\nb", "'a\\nb'"),
    (True, "true"), (None, "null"), (Decimal("1.50"), "1.50"), (12, "12"),
    ([None, "a"], '[null, "a"]'), ({"a": False}, '{"a": false}'),
])
def test_text_is_quoted_and_other_values_spelled_as_json(value, shown):
    assert shown_value(value) == shown


@pytest.mark.parametrize("inside", ["\u2028", "\u2029", "\u0085", "\u202e", "\u200b", "\x1b"])
def test_text_inside_an_array_or_object_escapes_what_does_not_print(inside):
    """json.dumps escapes control characters below U+0020 only: a line separator, a right-to-left override or a
    zero-width space inside an array would break the message's line, reorder it or hide there."""
    for value in ([f"t{inside}x"], {f"k{inside}": 1}):
        shown = shown_value(value)
        assert shown.isprintable() and inside not in shown, shown
        assert f"\\u{ord(inside):04x}" in shown, shown


def test_a_long_value_keeps_its_start_and_end_and_says_its_length():
    assert shown_value("a" * 50 + "b" * 50) == f"'{'a' * 39}...{'b' * 11}' (100 characters)"
    shown = shown_value(list(range(1000)))
    assert shown.startswith("[0, 1, 2") and shown.endswith("998, 999] (4890 characters)")


@pytest.mark.parametrize("length", [SHOWN_LENGTH - 1, SHOWN_LENGTH, 69])
def test_a_value_whose_cut_form_is_no_shorter_is_shown_whole(length):
    """Its start, end and length note (71 characters for a length of two digits) would be no shorter than the value."""
    assert shown_value("x" * length) == repr("x" * length)
    assert shown_value(["x" * (length - 4)]) == f'["{"x" * (length - 4)}"]'


def test_a_value_is_cut_from_where_that_shortens_it():
    assert shown_value("x" * 70) == f"'{'x' * 39}...{'x' * 11}' (70 characters)"


def test_an_integer_python_will_not_write_is_named_not_raised():
    huge = 16 ** 5000
    assert past_the_digit_limit(huge) and not past_the_digit_limit(10 ** 600)
    assert shown_value([huge]) == "[(an integer of over 4300 digits)]"


@pytest.mark.parametrize("number, past", [(10 ** 4299, False), (-(10 ** 4299), False), (10 ** 4300, True)],
                         ids=["4300 digits", "minus 4300 digits", "4301 digits"])
def test_an_integer_of_thousands_of_digits_is_told_apart_by_writing_it(number, past):
    """Past the bits that are always written, the limit itself decides: 4300 digits are written, 4301 are not."""
    assert past_the_digit_limit(number) is past
    assert (shown_value([number]) == "[(an integer of over 4300 digits)]") is past
