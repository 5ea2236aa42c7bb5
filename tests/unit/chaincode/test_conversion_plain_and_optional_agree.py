"""A plain parameter type and its optional form (``bool`` and ``bool | None``, ``int`` and
``int | None``) read the same values, and refuse the same ones with the same words. A plain ``bool`` took
``True`` and ``TRUE``, which ``bool | None`` refuses, as the documented ``true``/``false`` of JSON does not
have them; a whole number of 5000 digits was "a whole number of 5000 digits: at most 4300" for an ``int``,
but "Invalid JSON: number out of range" for an ``int | None``, a ``list[int]`` or a model's field."""

import pydantic
import pytest

from chaincode.contract import Context, Contract, transaction
from chaincode.testing import MemoryLedger, make_identity

ALICE = make_identity("SupplierMSP", "alice")


class Tally(pydantic.BaseModel):
    n: int


class PlainAndOptional(Contract):
    name = "pair"

    @transaction(evaluate=True)
    async def Flag(self, ctx: Context, flag: bool) -> bool:
        return flag

    @transaction(evaluate=True)
    async def MaybeFlag(self, ctx: Context, flag: bool | None) -> bool | None:
        return flag


async def both(plain: str, optional: str, raw: str):
    ledger = MemoryLedger([PlainAndOptional()])
    return (await ledger.evaluate(ALICE, f"pair:{plain}", raw),
            await ledger.evaluate(ALICE, f"pair:{optional}", raw))


@pytest.mark.parametrize(("raw", "payload"), [("true", b"true"), ("false", b"false")])
async def test_a_bool_and_an_optional_bool_both_read_json_true_and_false(raw, payload):
    for result in await both("Flag", "MaybeFlag", raw):
        assert (result.status, result.payload) == (200, payload), result.message


@pytest.mark.parametrize("raw", ["True", "TRUE", "False", "FALSE", "tRuE"])
async def test_a_bool_refuses_a_spelling_json_does_not_have_as_an_optional_bool_does(raw):
    plain, optional = await both("Flag", "MaybeFlag", raw)
    assert (plain.status, optional.status) == (500, 500), (plain.message, optional.message)
    assert plain.message == (f"pair:Flag: argument 'flag' = '{raw}': expected true or false (lower case, as "
                             "JSON writes them)")


class Numbers(Contract):
    name = "numbers"

    @transaction(evaluate=True)
    async def Count(self, ctx: Context, count: int) -> int:
        return count

    @transaction(evaluate=True)
    async def MaybeCount(self, ctx: Context, count: int | None) -> int | None:
        return count

    @transaction(evaluate=True)
    async def Counts(self, ctx: Context, counts: list[int]) -> list[int]:
        return counts

    @transaction(evaluate=True)
    async def Tally(self, ctx: Context, tally: Tally) -> int:
        return tally.n


async def numbers(function: str, raw: str):
    return await MemoryLedger([Numbers()]).evaluate(ALICE, f"numbers:{function}", raw)


@pytest.mark.parametrize(("function", "raw", "digits"), [
    ("Count", "9" * 5000, 5000),
    ("MaybeCount", "9" * 5000, 5000),
    ("MaybeCount", "-" + "9" * 4301, 4301),
    ("Counts", "[1, " + "7" * 5000 + "]", 5000),
    ("Tally", '{"n": ' + "5" * 4400 + "}", 4400),   # a model's field, read by the model's own (lax) rules
])
async def test_a_whole_number_too_long_is_refused_in_a_plain_ints_words_in_any_type(function, raw, digits):
    result = await numbers(function, raw)
    assert result.status == 500
    assert result.message.startswith(f"numbers:{function}: argument '"), result.message
    said = f"': a whole number of {digits} digits: at most 4300 digits are accepted"
    assert result.message.endswith(said), result.message


async def test_other_json_a_type_refuses_keeps_its_own_words_beside_a_long_number():
    """JSON broken before the long number is refused for that, as pydantic says; a long fraction is no whole
    number; and 4300 digits still convert."""
    broken = await numbers("Counts", "[1 2, " + "7" * 5000 + "]")
    assert broken.status == 500 and "Invalid JSON" in broken.message, broken.message
    fraction = await numbers("MaybeCount", "0." + "3" * 5000)
    assert fraction.status == 500 and "whole number" not in fraction.message, fraction.message
    assert (await numbers("MaybeCount", "9" * 4300)).payload == b"9" * 4300
