"""A plain parameter type and its optional form (``bool`` and ``bool | None``) read the same values, and
refuse the same ones: a plain ``bool`` took ``True`` and ``TRUE``, which ``bool | None`` refuses, as the
documented ``true``/``false`` of JSON does not have them."""

import pytest

from chaincode.contract import Context, Contract, transaction
from chaincode.testing import MemoryLedger, make_identity

ALICE = make_identity("SupplierMSP", "alice")


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

