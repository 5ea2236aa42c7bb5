"""A text inside an array or object a caller sent is quoted in a refusal as JSON writes it and cut as a text on its
own is: to about the limit as written (escapes counted), keeping its start and end."""

from chaincode.receivables.errors import SHOWN_LENGTH, shown


def test_a_text_of_escaped_characters_inside_an_array_is_cut_to_the_limit_as_written():
    quoted = shown(["\x00" * 1000])
    # the array's brackets aside, no more than the limit, its "..." counted in: not six characters for each one kept
    assert quoted.startswith('["\\u0000') and len(quoted) <= SHOWN_LENGTH + 2, quoted


def test_a_long_text_inside_an_object_keeps_its_start_and_end():
    quoted = shown({"number": "A" * 100 + "Z" * 100})
    assert quoted.startswith('{"number": "AAA') and quoted.endswith('ZZZ"}'), quoted
    assert "..." in quoted and len(quoted) <= len('{"number": }') + SHOWN_LENGTH, quoted


def test_a_short_text_inside_an_array_is_quoted_whole_as_json_writes_it():
    assert shown(["a\nb", 'say "hi"', None, True]) == '["a\\nb", "say \\"hi\\"", null, true]'
