"""What the MemoryLedger tests share: their caller, and the one transaction each test contract starts from."""

from chaincode.contract import Context, Contract, transaction
from chaincode.testing import make_identity

ALICE = make_identity("SupplierMSP", "alice")


class PutsState(Contract):
    """A contract whose ``Put`` writes one key: a test's contract subclasses it, with its own ``name``."""

    @transaction
    async def Put(self, ctx: Context, key: str, value: str) -> None:
        await ctx.stub.put_state(key, value.encode())
