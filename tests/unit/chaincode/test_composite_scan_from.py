"""``get_state_by_partial_composite_key_from``: a partial composite key range from one of its keys on, the way a
transaction that writes resumes a scan (Fabric's peer refuses writes after a paginated query)."""

import json

from chaincode.contract import Context, Contract, transaction
from chaincode.testing import MemoryLedger, make_identity

ALICE = make_identity("SupplierMSP", "alice")


class Scanner(Contract):
    name = "scanner"

    @transaction
    async def Put(self, ctx: Context, object_type: str, ident: str) -> None:
        await ctx.stub.put_state(ctx.stub.create_composite_key(object_type, [ident]), ident.encode())

    @transaction
    async def ScanAndWrite(self, ctx: Context, object_type: str, start: str, count: int) -> dict:
        """``count`` records of ``object_type`` from the one with id ``start``, and a write after the scan."""
        rows = []
        iterator = ctx.stub.get_state_by_partial_composite_key_from(
            object_type, [], ctx.stub.create_composite_key(object_type, [start]))
        async for kv in iterator:
            if len(rows) == count:
                break
            rows.append(kv.value.decode())
        await iterator.close()
        await ctx.stub.put_state("scanned", json.dumps(rows).encode())
        return {"rows": rows}

    @transaction(evaluate=True)
    async def Outside(self, ctx: Context) -> str:
        try:
            ctx.stub.get_state_by_partial_composite_key_from("a", [], ctx.stub.create_composite_key("b", ["1"]))
        except ValueError as exc:
            return str(exc)
        return "accepted"


async def test_the_scan_starts_at_the_key_given_stays_in_its_range_and_lets_the_transaction_write():
    ledger = MemoryLedger(contracts=[Scanner()])
    for object_type, ident in (("a", "1"), ("a", "2"), ("a", "3"), ("b", "0")):
        assert (await ledger.submit(ALICE, "Put", object_type, ident)).status == 200
    result = await ledger.submit(ALICE, "ScanAndWrite", "a", "2", "5")
    assert result.status == 200, result.message
    assert json.loads(result.payload)["rows"] == ["2", "3"]            # from "2", not past object type "a"
    assert json.loads(ledger.state["scanned"]) == ["2", "3"]
    assert json.loads((await ledger.submit(ALICE, "ScanAndWrite", "a", "1", "1")).payload)["rows"] == ["1"]
    refused = (await ledger.evaluate(ALICE, "Outside")).payload.decode()
    assert "is not a key of the range of" in refused, refused
