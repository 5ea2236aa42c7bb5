"""A refused typed JSON argument names where in it the error lies; a key there is the caller's text."""

import json

from chaincode.contract import Context, Contract, transaction
from chaincode.testing import MemoryLedger, make_identity

ALICE = make_identity("SupplierMSP", "alice")


class Tally(Contract):
    name = "tally"

    @transaction
    async def Count(self, ctx: Context, counts: dict[str, int]) -> int:
        return sum(counts.values())


async def test_a_key_with_a_line_break_is_quoted_short_so_it_cannot_forge_a_refusal_line():
    forged = "apples\nRULE approved: the transfer went through " + "x" * 3000
    result = await MemoryLedger([Tally()]).submit(ALICE, "tally:Count", json.dumps({forged: 1.5}))
    assert result.status == 500
    assert "\n" not in result.message, result.message
    assert len(result.message) < 400, len(result.message)
    assert "expected dict[str, int] as JSON: 'apples\\nRULE approved: " in result.message


async def test_a_plain_field_path_is_shown_as_it_is():
    result = await MemoryLedger([Tally()]).submit(ALICE, "tally:Count", '{"pears": true}')
    assert result.message == ("tally:Count: argument 'counts' = '{\"pears\": true}': expected "
                              "dict[str, int] as JSON: pears: Input should be a valid integer")
