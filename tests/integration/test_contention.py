"""Many clients on one receivable family, on the real network: conflicts are retried and every
transfer happens exactly once.

The hotkey workload (bench/workloads.py) has eight clients split small amounts off
one confirmed receivable at once, each transfer a business request with its own
request id and the SDK's bounded MVCC retry; every fifth request is sent twice at
once. Concurrent splits of the remainder conflict, one per block commits. After the
run the family and every request id's record (GetRequest) are read back from the
ledger (bench/exactly_once.py): every acknowledged transfer must be there exactly
once, every split of the family accounted for by a request, the parts must add up to the face
amount, and the run must have met read conflicts and retried them. Every request sent must have been
acknowledged: a run where most failed outright (starved of a remainder, refused) could otherwise hold
exactly once over the few that committed.
"""
from __future__ import annotations

import asyncio
from collections import Counter
from contextlib import AsyncExitStack

from bench.driver import CONCURRENCY, Plan
from bench.exactly_once import lines
from bench.network_session import open_parties
from bench.runner import execute
from bench.workloads import HotKeyWorkload, pool_size_for


def run_hot_key(network, party_codes, *, clients: int, seconds: float):
    """The hotkey workload in a closed loop of ``clients`` workers; the run's samples and findings."""
    plan = Plan(CONCURRENCY, concurrency=clients, warmup=0, duration=seconds, call_timeout=120)

    async def main():
        async with AsyncExitStack() as stack:
            workload = HotKeyWorkload(await open_parties(stack, party_codes, network.data_root))
            await workload.prepare(pool_size_for(workload.name, CONCURRENCY, None, clients, seconds), say=print)
            return await execute(workload, plan, [])

    return asyncio.run(main())


def test_a_hot_family_under_concurrent_transfers_retries_its_conflicts_and_moves_each_amount_once(
        receivables_deployed, party_codes):
    measured = run_hot_key(receivables_deployed, party_codes, clients=8, seconds=20)
    for line in lines(measured.findings):
        print(line)
    hot, verdict = measured.findings["hot_key"], measured.findings["exactly_once"]
    committed = [s for s in measured.run.samples if s.committed]
    failed = Counter(s.cause for s in measured.run.samples if not s.committed)
    print(f"requests {hot['requests']}: committed {len(committed)}; failed "
          + (", ".join(f"{cause} {n}" for cause, n in sorted(failed.items())) or "none"))
    assert committed and verdict["acknowledged"] >= len(committed), "nothing committed: the check proves nothing"
    assert not failed and verdict["acknowledged"] == hot["requests"], (
        f"of {hot['requests']} requests {verdict['acknowledged']} were acknowledged; the samples that failed, by "
        f"cause: {dict(failed)} (bench/outcomes.py says what each cause means)")
    assert verdict["duplicated"] == 0, verdict["problems"]
    assert verdict["lost"] == 0, verdict["problems"]
    assert verdict["unaccounted"] == 0, verdict["problems"]
    assert verdict["found"] == verdict["acknowledged"]
    assert verdict["amounts_add_up"] and verdict["leaves_total"] == verdict["face_amount"], verdict["problems"]
    assert hot["conflicts"] > 0, "eight clients on one key met no read conflict: the workload is not contended"
    assert hot["retries"] > 0, "the SDK retried no conflict"
    assert hot["duplicate_sends"] > 0
