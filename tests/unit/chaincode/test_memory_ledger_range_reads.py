"""MemoryLedger records a range read as Fabric's peer does, for phantom validation at commit: the keys its
iterator returned (the row after each batch it cuts included), and whether the range ended or stopped at the
peer's totalQueryLimit (core/chaincode/query_response_generator.go, core/ledger/kvledger/txmgmt/txmgr
query_executor.go resultsItr)."""

from chaincode.contract import Context, transaction
from chaincode.testing import MemoryLedger

from .memory_ledger_support import ALICE, PutsState


class Scanner(PutsState):
    name = "scanner"

    @transaction
    async def MarkFirst(self, ctx: Context) -> str:
        """Write the first key of the range and stop reading it."""
        async with ctx.stub.get_state_by_range("a", "z") as rows:
            async for kv in rows:
                await ctx.stub.put_state("mark", kv.key.encode())
                return kv.key
        return ""

    @transaction
    async def MarkCount(self, ctx: Context) -> int:
        count = len(await ctx.stub.get_state_by_range("a", "z").collect())
        await ctx.stub.put_state("mark", str(count).encode())
        return count


async def ledger_with(keys: str, **options) -> MemoryLedger:
    ledger = MemoryLedger([Scanner()], **options)
    for key in keys:
        assert (await ledger.submit(ALICE, "Put", key, "1")).status == 200
    return ledger


async def test_a_read_stopped_after_a_batch_read_the_row_the_peer_cut_the_batch_on():
    # batches of two: to answer b and c with more to come, the peer's iterator returned d already
    ledger = await ledger_with("bcde", query_batch_size=2)
    stopped = await ledger.endorse(ALICE, "MarkFirst")
    assert stopped.result.payload == b"b"
    assert [key for key, _ in stopped.range_reads[0].rows] == ["b", "c", "d"]
    await ledger.submit(ALICE, "Put", "d", "changed")
    assert ledger.commit(stopped) == "PHANTOM_READ_CONFLICT"
    # the row after it the peer never read: no phantom
    stopped = await ledger.endorse(ALICE, "MarkFirst")
    await ledger.submit(ALICE, "Put", "e", "changed")
    assert ledger.commit(stopped) == "VALID"


async def test_a_range_read_to_its_end_in_batches_reads_each_key_once():
    ledger = await ledger_with("bcde", query_batch_size=2)
    counted = await ledger.endorse(ALICE, "MarkCount")
    assert counted.result.payload == b"4"
    assert [key for key, _ in counted.range_reads[0].rows] == ["b", "c", "d", "e"]
    assert counted.range_reads[0].exhausted
    await ledger.submit(ALICE, "Put", "f", "new")
    assert ledger.commit(counted) == "PHANTOM_READ_CONFLICT"


async def test_a_range_of_exactly_the_total_query_limit_ends_at_its_last_key():
    # the peer stops at the limit before its iterator could say the range ended: a key added after the last
    # one served is outside what the transaction read
    ledger = await ledger_with("bcd", total_query_limit=3)
    counted = await ledger.endorse(ALICE, "MarkCount")
    assert counted.result.payload == b"3" and not counted.range_reads[0].exhausted
    await ledger.submit(ALICE, "Put", "e", "new")
    assert ledger.commit(counted) == "VALID"
    counted = await ledger.endorse(ALICE, "MarkCount")
    await ledger.submit(ALICE, "Put", "c", "changed")
    assert ledger.commit(counted) == "PHANTOM_READ_CONFLICT"


async def test_a_range_shorter_than_the_total_query_limit_is_read_to_its_end():
    ledger = await ledger_with("bc", total_query_limit=3)
    counted = await ledger.endorse(ALICE, "MarkCount")
    assert counted.range_reads[0].exhausted
    await ledger.submit(ALICE, "Put", "e", "new")
    assert ledger.commit(counted) == "PHANTOM_READ_CONFLICT"
