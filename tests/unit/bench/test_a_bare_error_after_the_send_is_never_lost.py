"""A bare ValueError raised within the SDK's call after the transaction was sent and committed (as reading an answer
could raise one) is followed through the benchmark: the driver counts it a client_error, the report counts it
submitted and failed (never not_sent), and the exactly-once check, reading the ledger, finds its request applied and
counts it committed unacknowledged, neither lost nor duplicated. Nor is it among the acknowledged transactions the
fault checks look up (bench.ledger_check.verify takes the committed samples'): the client never saw it commit.

Through the real SDK and the real contract on the in-process peer of test_hotkey_workload."""
from __future__ import annotations

import asyncio

from bench import outcomes
from bench.driver import CONCURRENCY, Plan
from bench.report import build
from bench.runner import execute
from bench.workloads import HotKeyWorkload, Parties
from client.receivables import AsyncReceivablesClient

from .test_hotkey_workload import NO_BACKOFF, EndsOnceDrained, World, counts, quiet


class FailsOnceTheFirstTransferCommitted:
    """A gateway Contract that passes every call on, except that its first TransferReceivable, once committed,
    raises a bare ValueError instead of returning the answer: sent, on the ledger, and never acknowledged."""

    def __init__(self, contract) -> None:
        self._contract = contract
        self.committed_then_failed: list[str] = []

    @property
    def chaincode_name(self) -> str:
        return self._contract.chaincode_name

    async def submit(self, name, **options):
        result = await self._contract.submit(name, **options)
        if name == "TransferReceivable" and not self.committed_then_failed:
            self.committed_then_failed.append(result.transaction_id)
            raise ValueError("the answer could not be taken apart")
        return result

    async def evaluate(self, name, **options):
        return await self._contract.evaluate(name, **options)


def test_a_transfer_that_committed_then_failed_with_a_bare_value_error_is_submitted_and_never_lost():
    world = World()
    plan = Plan(CONCURRENCY, concurrency=1, warmup=0, duration=30, call_timeout=30)

    async def scenario():
        parties = world.parties()
        supplier = parties.supplier
        failing = FailsOnceTheFirstTransferCommitted(supplier.contract)
        parties = Parties(AsyncReceivablesClient(failing, supplier.network), parties.debtor, parties.supplier_code,
                          parties.debtor_code, parties.transferee_code, supplier_msp=parties.supplier_msp,
                          debtor_msp=parties.debtor_msp)
        workload = HotKeyWorkload(parties, duplicate_every=0, retry=NO_BACKOFF)
        await workload.prepare(3, say=quiet)
        clock = EndsOnceDrained(plan.concurrency)
        clock.watch(workload)
        return failing, await execute(workload, plan, [], clock=clock)

    failing, measured = asyncio.run(scenario())
    [failed_tx] = failing.committed_then_failed
    samples = measured.run.samples
    assert [s.cause for s in samples] == [outcomes.CLIENT_ERROR, outcomes.COMMITTED, outcomes.COMMITTED]
    assert samples[0].detail == "ValueError: the answer could not be taken apart"

    report = build(measured.run, workload="hotkey", client="python", cpu_usage={}, process_kinds={})
    assert (report["submitted"], report["committed"], report["not_sent"]) == (3, 2, 0)
    assert report["failed"][outcomes.CLIENT_ERROR] == 1

    # the fault checks look up the tx ids of the committed samples: this one is not among them, so never lost
    acknowledged = [s.tx_id for s in samples if s.committed and s.tx_id]
    assert failed_tx not in acknowledged and len(acknowledged) == 2

    verdict = measured.findings["exactly_once"]
    assert counts(verdict) == (2, 2, 0, 0)
    assert verdict["committed_unacknowledged"] == 1 and verdict["unaccounted"] == 0 and verdict["holds"]
    assert len(world.transfers_on_ledger(measured.findings["hot_key"]["families"][0])) == 3

