"""A request of many wrong items is refused with the first few problems and a count of the rest: a message of every
one would run to megabytes, formatted on the event loop before the response cap cuts it."""

import pytest

from chaincode.receivables.errors import RuleViolation
from chaincode.receivables.model import Doc, parse_request


class Amounts(Doc):
    amounts: list[int]


def test_a_request_of_many_wrong_items_names_the_first_ten_and_counts_the_rest():
    raw = '{"amounts": [' + ",".join(['"x"'] * 5000) + "]}"
    with pytest.raises(RuleViolation) as refused:
        parse_request(Amounts, raw, "the request")
    message = str(refused.value)
    assert refused.value.code == "argument-invalid"
    assert "amounts.0:" in message and "amounts.9:" in message and "amounts.10:" not in message
    assert message.endswith("; ... and 4990 more")
    assert len(message) < 1500


def test_a_request_of_one_wrong_item_names_it_alone():
    with pytest.raises(RuleViolation) as refused:
        parse_request(Amounts, '{"amounts": [1, "x"]}', "the request")
    assert "amounts.1:" in str(refused.value) and "more" not in str(refused.value)


def test_text_that_is_no_json_is_still_named_as_such():
    with pytest.raises(RuleViolation, match="is not JSON this contract can read"):
        parse_request(Amounts, '{"amounts": [', "the request")
