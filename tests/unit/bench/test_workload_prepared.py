"""The commits a workload's prepare made are kept by tx id, so a fault check looks each up on every peer as it does
the run's own commits."""
import asyncio

from bench.workloads import MixedWorkload

from .test_workloads import parties


def test_the_seed_pool_of_the_mix_keeps_the_tx_id_of_each_of_its_commits():
    p, client = parties()
    workload = MixedWorkload(p)
    asyncio.run(workload.prepare(20, say=lambda line: None))       # a seed of 2: 4 registered, 2 of them confirmed
    committed = [c for c in client.calls if c[0] in ("register", "confirm")]
    assert len(committed) == 6
    assert workload.prepared == [f"tx-{n}" for n in range(1, 7)]   # Recording's tx id: its count of calls so far
