"""A subclass that redefines a base's transaction without ``@transaction`` hides it: undecorated methods are
never callable, whatever a base class declared under their name (docs/chaincode-api.md, "Routing")."""

from __future__ import annotations

from chaincode.contract import Context, Contract, transaction
from chaincode.testing import MemoryLedger, make_identity

ALICE = make_identity("SupplierMSP", "alice")


class Ledger(Contract):
    @transaction
    async def Pay(self, ctx: Context) -> str:
        return "paid"

    @transaction(name="Audit")
    async def audit(self, ctx: Context) -> str:
        return "audited"

    @transaction(evaluate=True)
    async def Balance(self, ctx: Context) -> str:
        return "balance"


class InternalLedger(Ledger):
    name = "internal"

    async def Pay(self, ctx: Context) -> str:   # an internal step now, for other transactions to call
        return "paid without a check"

    def audit(self, note: str) -> str:   # a plain helper that reuses the attribute's name
        return f"audited {note}"


async def test_a_transaction_redefined_without_the_decorator_is_no_longer_a_transaction():
    ledger = MemoryLedger([InternalLedger()])
    for function in ("Pay", "internal:Pay", "Audit"):
        result = await ledger.submit(ALICE, function)
        assert (result.status, result.payload) == (500, b""), function
        assert "is not a transaction of contract 'internal'" in result.message
    listed = [t["name"] for t in ledger.router.metadata()["contracts"]["internal"]["transactions"]]
    assert listed == ["Balance"]


async def test_a_transaction_the_subclass_leaves_alone_stays_callable():
    ledger = MemoryLedger([InternalLedger()])
    assert (await ledger.evaluate(ALICE, "Balance")).payload == b"balance"
    assert (await MemoryLedger([Ledger()]).submit(ALICE, "Pay")).payload == b"paid"
