"""What converting a JSON argument may cost the event loop that serves every transaction, and what it still
refuses on the way: a refusal's text stays short however many items are wrong, and the quick looks over plain
JSON find what the slow ones found, where they found it."""

import json
import sys
from decimal import Decimal

import pytest

from chaincode.contract import Context, Contract, transaction
from chaincode.contract._conversion import converter_for
from chaincode.receivables.tx_parties import PartyArgument
from chaincode.testing import MemoryLedger, make_identity

ALICE = make_identity("SupplierMSP", "alice")


def refusal(annotation, raw: str) -> str:
    with pytest.raises(ValueError) as refused:
        converter_for(annotation)(raw.encode())
    return str(refused.value)


def test_a_list_of_many_wrong_items_is_refused_naming_the_first_ten_and_counting_the_rest():
    message = refusal(list[int], json.dumps(["a"] * 10_000))
    wrong = "; ".join(f"{n}: Input should be a valid integer" for n in range(10))
    assert message == f"expected list[int] as JSON: {wrong}; ... and 9990 more"


def test_ten_wrong_items_are_all_named_and_no_more_is_counted():
    message = refusal(list[int], json.dumps(["a"] * 10))
    assert message.endswith("9: Input should be a valid integer")
    assert "more" not in message


@pytest.mark.parametrize(("document", "where"), [
    ('[[1, "a", {"b": [true, null, 2.5, NaN]}]]', "0.2.b.3: NaN"),
    ('{"a": [[], {}, [0.5]], "b": {"c": -Infinity}}', "b.c: -Infinity"),
    ('[' + '[], ' * 1000 + '{"deep": [[1e999]]}]', "1000.deep.0.0: Infinity"),
])
def test_a_non_finite_number_in_a_json_argument_of_any_value_is_refused_naming_where(document, where):
    assert refusal(PartyArgument, document) == f"{where} is not a JSON number: send a finite number"


def test_finite_numbers_and_plain_values_of_any_value_convert_as_sent():
    document = [[1, 2.5, -0.0, "NaN", None, True, {"x": [[], {}, 1e300]}]] * 100
    assert converter_for(PartyArgument)(json.dumps(document).encode()) == document


def test_a_decimal_beyond_the_exponent_bound_inside_plain_lists_is_refused_naming_where():
    message = refusal(list[list[Decimal]], '[["1.5"], ["2", "1E+99999"]]')
    assert message == "1.1: a decimal of the order of 10^99999: send one whose order lies from 10^-1000 to 10^1000"


class Numbers(Contract):
    name = "numbers"

    @transaction(evaluate=True)
    async def Echo(self, ctx: Context, obj: dict) -> dict:
        return obj


async def test_whole_numbers_either_side_of_the_lowest_digit_limit_convert_on_an_interpreter_started_with_it():
    """Up to 640 digits json's own code builds a number, past them the runtime's own conversion does: the
    lowest limit an interpreter takes must change neither."""
    numbers = {"at": int("7" * 640), "past": int("7" * 641), "negative": -int("7" * 640)}
    document = "{" + ", ".join(f'"{key}": {value}' for key, value in numbers.items()) + "}"
    before = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(640)
    try:
        result = await MemoryLedger([Numbers()]).evaluate(ALICE, "numbers:Echo", document)
    finally:
        sys.set_int_max_str_digits(before)
    assert result.status == 200, result.message
    assert json.loads(result.payload) == numbers
