"""Values the stub sends as bytes must be bytes: ``bytes()`` wrote anything else as something else.

``bytes(3)`` is three zero bytes and ``bytes([104, 105])`` is b"hi": a contract that forgot to encode an
amount (``put_state("balance", 3)``) committed b"\\x00\\x00\\x00" with status 200, and one passing a large
number allocated that many bytes before the message limit refused it. A str (no encoding) failed as an
internal TypeError. Each is refused with a ValueError naming the value and the way to encode it, before
anything is sent or kept."""

from __future__ import annotations

import pytest

from chaincode.contract import Context, Contract, transaction
from chaincode.testing import MemoryLedger, make_identity

CALLER = make_identity("SupplierMSP", "alice")


class Values(Contract):
    name = "values"

    @transaction
    async def Write(self, ctx: Context, call: str) -> None:
        value: object = {"int": 3, "str": "3", "list": [104, 105], "none": None}[call.partition(":")[2]]
        target = call.partition(":")[0]
        if target == "put_state":
            await ctx.stub.put_state("balance", value)
        elif target == "put_private_data":
            await ctx.stub.put_private_data("coll", "balance", value)
        elif target == "set_event":
            ctx.stub.set_event("Balance", value)
        elif target == "set_state_validation_parameter":
            await ctx.stub.set_state_validation_parameter("balance", value)
        elif target == "set_private_data_validation_parameter":
            await ctx.stub.set_private_data_validation_parameter("coll", "balance", value)
        else:
            await ctx.stub.invoke_chaincode("other", ["fn", value])

    @transaction
    async def WriteBytes(self, ctx: Context) -> None:
        await ctx.stub.put_state("a", b"1")
        await ctx.stub.put_state("b", bytearray(b"2"))
        await ctx.stub.put_private_data("coll", "c", memoryview(b"3"))
        ctx.stub.set_event("Done", bytearray(b"ok"))


TARGETS = ["put_state", "put_private_data", "set_event", "set_state_validation_parameter",
           "set_private_data_validation_parameter", "invoke_chaincode"]


# invoke_chaincode takes a str argument too, as UTF-8
CASES = [(target, kind) for target in TARGETS for kind in ("int", "str", "list", "none")
         if (target, kind) != ("invoke_chaincode", "str")]


@pytest.mark.parametrize(("target", "kind"), CASES)
async def test_a_value_that_is_no_bytes_is_refused_naming_how_to_encode_it(target, kind):
    ledger = MemoryLedger(contracts=[Values()])
    result = await ledger.submit(CALLER, "values:Write", f"{target}:{kind}")
    assert result.status == 500
    assert result.message.startswith("ValueError: ") and "must be bytes" in result.message, result.message
    assert "encode" in result.message
    assert ledger.state == {} and not ledger.events


async def test_bytes_bytearray_and_memoryview_are_taken():
    ledger = MemoryLedger(contracts=[Values()])
    result = await ledger.submit(CALLER, "values:WriteBytes")
    assert result.status == 200, result.message
    assert ledger.state == {"a": b"1", "b": b"2"}
    assert ledger.private_state["coll"] == {"c": b"3"}
    assert ledger.events[-1][1:] == ("Done", b"ok")
