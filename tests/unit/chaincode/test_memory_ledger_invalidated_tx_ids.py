"""A transaction the validator invalidates stays in its block, and its id with it: the same transaction
committed again is a DUPLICATE_TXID, and a proposal with its id is refused by the endorser, as on Fabric
(core/committer/txvalidator/v20/validator.go checkTxIdDupsLedger, core/endorser/endorser.go preProcess)."""

from chaincode.contract import Context, Contract, transaction
from chaincode.testing import MemoryLedger, make_identity
from chaincode.testing._proposals import make_signed_proposal

ALICE = make_identity("SupplierMSP", "alice")


class Flag(Contract):
    name = "flag"

    @transaction
    async def RaiseUnlessSet(self, ctx: Context) -> None:
        """Write "raised" where "flag" is absent."""
        if await ctx.stub.get_state("flag") is None:
            await ctx.stub.put_state("raised", b"yes")

    @transaction
    async def Set(self, ctx: Context) -> None:
        await ctx.stub.put_state("flag", b"on")

    @transaction
    async def Clear(self, ctx: Context) -> None:
        await ctx.stub.del_state("flag")


async def test_an_invalidated_transaction_committed_again_is_a_duplicate_even_where_its_reads_hold_again():
    ledger = MemoryLedger([Flag()])
    raising = await ledger.endorse(ALICE, "RaiseUnlessSet")       # reads "flag" absent
    await ledger.submit(ALICE, "Set")
    assert ledger.commit(raising) == "MVCC_READ_CONFLICT"
    await ledger.submit(ALICE, "Clear")                            # "flag" is absent again
    assert ledger.commit(raising) == "DUPLICATE_TXID"
    assert "raised" not in ledger.state


async def test_a_proposal_with_the_id_of_an_invalidated_transaction_is_refused():
    ledger = MemoryLedger([Flag()])
    signed, tx_id = make_signed_proposal(channel_id="recfin", chaincode_name="recfin",
                                         args=[b"RaiseUnlessSet"], creator=bytes(ALICE),
                                         signing_key=ALICE.private_key)
    raising = await ledger.endorse_proposal(signed)
    await ledger.submit(ALICE, "Set")
    assert ledger.commit(raising) == "MVCC_READ_CONFLICT"
    again = await ledger.endorse_proposal(signed)
    assert again.result.status == 500
    assert again.result.message.startswith(f"duplicate transaction found [{tx_id}]")
