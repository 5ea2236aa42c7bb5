"""A ContractError made from another exception, ``ContractError(exc)``, sends that exception's text as its
message, as ``str(error)`` reads it: the runtime answers with the message, and one that was no str failed the
answer itself (the caller got an internal TypeError; MemoryLedger raised it into the test)."""

from __future__ import annotations

from chaincode.contract import Context, Contract, ContractError, transaction
from chaincode.testing import MemoryLedger, make_identity

ALICE = make_identity("SupplierMSP", "alice")


class Amounts(Contract):
    @transaction
    async def Parse(self, ctx: Context, amount: str) -> int:
        await ctx.stub.put_state("amount", amount.encode())
        try:
            return int(amount)
        except ValueError as exc:
            raise ContractError(exc) from exc


async def test_a_contract_error_wrapping_an_exception_is_refused_with_that_exception_s_text():
    ledger = MemoryLedger([Amounts()])
    result = await ledger.submit(ALICE, "Parse", "ten")
    assert (result.status, result.message) == (500, "invalid literal for int() with base 10: 'ten'")
    assert ledger.state == {}
    assert ContractError(ValueError("x")).message == str(ContractError(ValueError("x"))) == "x"
