"""The Gateway SDK's own round trip on a running network, and the demo's time on it.

    python -m bench.sdk_roundtrip                     # sequential, then 16 in flight; then the demo, timed
    python -m bench.sdk_roundtrip --json > sdk.json

Each phase submits the simplest write there is, the runtime's feature contract's
``PutState(key, value)`` (a new key each time: one write, no read, so no conflicts),
through the async Gateway client from this one process, and waits for each commit:
first one at a time (``sequential``), then with 16 in flight (``16-way concurrent``).
The phases are ``bench.driver``'s closed loop, a warm-up and then a measured window,
reported the way ``recfin bench`` reports (``bench.report``): throughput, latency
p50/p95/p99, and CPU seconds per committed transaction of this process and of every
peer, orderer and chaincode server, with the machine they ran on (CPUs, CPU model,
memory, Python, recfin commit, Fabric version). Then ``recfin demo --skip-setup`` runs as its own
process on the warm network (up, chaincode deployed), timed from start to exit.

The feature contract is deployed as chaincode ``features`` first if the network does
not have it. See docs/benchmark.md.
"""
from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import click

from cli.bench_commands import duration_option, running_network
from cli.options import MAX_TIMEOUT_SECONDS, FiniteFloatRange, PathType, WholeNumberRange
from cli.connection import parse_as, reports_ledger_errors
from cli.network_commands import topology_option
from cli.output import emit, progress, table
from client.gateway import CommitError
from client.timeouts import MAX_SECONDS

from . import cpu
from .choices import MAX_CONCURRENCY
from .command_options import HELP_OPTIONS, json_option
from .driver import CONCURRENCY, Operation, Plan
from .network_session import open_client, step_timeouts
from .profiling import machine, machine_line
from .report import build, client_cpu_per_tx, lines
from .runner import execute

FEATURE_CHAINCODE = "features"
FEATURE_CONTRACT = "chaincode.feature_contract:FeatureContract"
WRITE = "PutState"
DEFAULT_CONCURRENCY = (1, 16)
SUMMARY_COLUMNS = ["phase", "in_flight", "committed", "failed", "not_sent", "tx_per_s", "p50_ms", "p99_ms",
                   "client_cpu_ms_per_tx"]


def phase_name(concurrency: int) -> str:
    return "sequential" if concurrency == 1 else f"{concurrency}-way concurrent"


class PutStateWorkload:
    """Endless ``PutState`` submits on new keys (``<prefix>-<n>``), each waiting for its commit; the shape
    ``bench.runner.execute`` drives (``operations()``, ``touched``, ``conclude()``)."""

    def __init__(self, contract: Any, prefix: str) -> None:
        self.contract = contract          # an AsyncContract of the feature chaincode
        self.prefix = prefix
        self.touched: set[str] = set()    # keys of committed writes

    def put(self, key: str) -> Operation:
        async def call() -> str:
            submitted = await self.contract.submit_async(WRITE, arguments=[key, "v"])
            status = await submitted.status()
            if not status.successful:
                raise CommitError(transaction_id=status.transaction_id, validation_code=status.code,
                                  block_number=status.block_number)
            self.touched.add(key)
            return status.transaction_id
        return Operation("put", call)

    def operations(self) -> Iterator[Operation]:
        n = 0
        while True:
            yield self.put(f"{self.prefix}-{n}")
            n += 1

    async def conclude(self) -> dict[str, Any]:
        """Nothing to check on the ledger afterwards: each commit status was checked as it came."""
        return {}


async def measure_phases(contract: Any, concurrencies: Sequence[int], *, warmup: float, duration: float,
                         call_timeout: float, processes: Sequence[cpu.Watched], run_id: str,
                         say: Callable[[str], None]) -> list[dict[str, Any]]:
    """One report per concurrency, in order, from this process (its CPU is the ``client`` entry)."""
    watched = [cpu.Watched("client", "client", os.getpid()), *processes]
    reports = []
    for concurrency in concurrencies:
        name = phase_name(concurrency)
        say(f"{name}: {warmup:g} s warm-up, {duration:g} s measured, {concurrency} in flight")
        plan = Plan(CONCURRENCY, concurrency=concurrency, warmup=warmup, duration=duration, call_timeout=call_timeout)
        workload = PutStateWorkload(contract, f"bench-{run_id}-c{concurrency}")
        measured = await execute(workload, plan, watched)
        report = build(measured.run, workload=f"{FEATURE_CHAINCODE}:{WRITE}", client="python-async",
                       cpu_usage=measured.cpu_usage, process_kinds=measured.process_kinds, extra={"phase": name})
        for line in lines(report):
            say(line)
        reports.append(report)
    return reports


def demo_command(data_root: Path) -> list[str]:
    """``recfin demo --skip-setup --json`` on the network in ``data_root``, as its own process."""
    script = Path(sys.executable).with_name("recfin")
    recfin = [str(script)] if script.is_file() else [sys.executable, "-c", "from cli.main import main; main()"]
    return [*recfin, "demo", "--skip-setup", "--json", "--data-root", str(data_root)]


def time_demo(command: Sequence[str], runs: int, *, run: Callable[..., subprocess.CompletedProcess] = subprocess.run,
              clock: Callable[[], float] = time.monotonic) -> dict[str, Any]:
    """Wall-clock seconds of each run of the demo, start to exit, and the transactions it committed."""
    timed = []
    for _ in range(runs):
        start = clock()
        done = run(list(command), capture_output=True, text=True)
        seconds = clock() - start
        if done.returncode != 0:
            said = [line for line in (done.stderr or "").splitlines() if line.strip()]
            raise click.ClickException(f"the demo failed (exit {done.returncode}): "
                                       + (said[-1] if said else "no message"))
        steps = json.loads(done.stdout)["steps"]
        timed.append({"seconds": seconds, "transactions": sum(1 for s in steps if s.get("tx_id"))})
    return {"command": " ".join(command), "runs": timed,
            "median_seconds": statistics.median(r["seconds"] for r in timed) if timed else None}


def summary_rows(reports: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """One table row per phase: committed, failed, not sent (counted apart from the failures; none in a report
    written before they were), tx/s, latency p50/p99 and the client's CPU per tx, in ms."""
    def ms(value: float | None) -> str | None:
        return None if value is None else f"{value * 1000:.1f}"

    return [{"phase": r["phase"], "in_flight": r["plan"]["concurrency"], "committed": r["committed"],
             "failed": sum(r["failed"].values()), "not_sent": r.get("not_sent", 0),
             # None where the phase had no measured window (it ran out of work during warm-up)
             "tx_per_s": None if r["throughput_tps"] is None else f"{r['throughput_tps']:.1f}",
             "p50_ms": ms(r["latency_s"]["p50"]), "p99_ms": ms(r["latency_s"]["p99"]),
             "client_cpu_ms_per_tx": (None if (c := client_cpu_per_tx(r)) is None else f"{c * 1000:.2f}")}
            for r in reports]


def ensure_feature_chaincode(net, say: Callable[[str], None]) -> None:
    """Deploy the feature contract as ``features`` unless the network has it (it keeps whatever version it has)."""
    from chaincode.feature_contract import feature_collections_json
    from network import ccservers

    if ccservers.load_deployment(net.data_root, FEATURE_CHAINCODE) is not None:
        return
    say(f"chaincode {FEATURE_CHAINCODE}: deploying the feature contract ({FEATURE_CONTRACT})")
    with tempfile.TemporaryDirectory() as folder:
        collections = Path(folder) / "collections.json"
        collections.write_text(feature_collections_json())
        net.deploy_chaincode(name=FEATURE_CHAINCODE, contract=FEATURE_CONTRACT, version="1.0",
                             collections_config=collections)


async def _run_phases(org: str, user: str | None, data_root: Path, concurrencies: Sequence[int], warmup: float,
                      duration: float, call_timeout: float, processes: Sequence[cpu.Watched],
                      say: Callable[[str], None]) -> list[dict[str, Any]]:
    async with AsyncExitStack() as stack:
        client = await open_client(stack, org, user, data_root, timeouts=step_timeouts(call_timeout))
        contract = client.network.get_contract(FEATURE_CHAINCODE)
        return await measure_phases(contract, concurrencies, warmup=warmup, duration=duration,
                                    call_timeout=call_timeout, processes=processes, run_id=uuid.uuid4().hex[:8],
                                    say=say)


MAX_DEMO_RUNS = 1_000
"""The most runs of the demo --demo-runs takes: each is a `recfin demo` process of seconds that commits its
transactions (27 in a run of the demo as shipped) to the ledger, so a thousand is hours of runs, more than a
median needs; a figure far past it (1e23 was taken) ran the demo until the command was stopped, and
printed nothing, since the figures come after the last run."""


@click.command("sdk-roundtrip", context_settings=HELP_OPTIONS)
@click.option("--as", "as_", default="supplier", show_default=True, metavar="ORG[/USER]",
              help="Who submits: an org of the network and optionally one of its users.")
@click.option("--concurrency", "concurrencies", type=WholeNumberRange(min=1, max=MAX_CONCURRENCY), multiple=True,
              default=DEFAULT_CONCURRENCY, show_default=True,
              help=f"Submits in flight for one phase (repeatable; 1 is sequential), at most {MAX_CONCURRENCY:,}.")
@click.option("--warmup", type=FiniteFloatRange(min=0, max=MAX_TIMEOUT_SECONDS), default=5.0, show_default=True,
              help="Warm-up seconds of each phase, at most a day (86400).")
@click.option("--duration", type=FiniteFloatRange(min=0, min_open=True, max=MAX_TIMEOUT_SECONDS), default=30.0,
              show_default=True, callback=duration_option,
              help="Measured seconds of each phase, at least a nanosecond (0.000000001), at most a day (86400).")
@click.option("--call-timeout", type=FiniteFloatRange(min=0, min_open=True, max=MAX_SECONDS), default=60.0,
              show_default=True,
              help="Seconds before one submit counts as a timeout, at most a year (the SDK's longest "
                   "deadline).")
@click.option("--demo-runs", type=WholeNumberRange(min=0, max=MAX_DEMO_RUNS), default=1, show_default=True,
              help=f"Times to run and time `recfin demo --skip-setup` afterwards (0: none), at most "
                   f"{MAX_DEMO_RUNS:,}.")
@topology_option
@click.option("--data-root", type=PathType(file_okay=False, path_type=Path),
              help="Network data folder holding profiles/ (default: the topology's).")
@json_option("Print the figures as JSON (progress goes to stderr).")
@reports_ledger_errors
def main(as_, concurrencies, warmup, duration, call_timeout, demo_runs, topology_path, data_root, as_json) -> None:
    """The SDK's round trip on the running network: tx/s, latency p50/p99 and client CPU per
    transaction of sequential and of concurrent submits from one process; then the demo's time.

    \b
    Example:
      python -m bench.sdk_roundtrip
      python -m bench.sdk_roundtrip --concurrency 1 --concurrency 16 --concurrency 64 --duration 60
      python -m bench.sdk_roundtrip --as bank/officer1 --demo-runs 3 --json > sdk.json
    """
    say = progress(as_json)
    org, user = parse_as(as_)
    net, _ = running_network(topology_path, data_root)
    ensure_feature_chaincode(net, say)
    processes = cpu.network_processes(net.status())      # read again: the feature contract's servers too
    reports = asyncio.run(_run_phases(org, user, net.data_root, list(dict.fromkeys(concurrencies)), warmup,
                                      duration, call_timeout, processes, say))
    demo = None
    if demo_runs:
        say(f"demo: `recfin demo --skip-setup`, {demo_runs} run(s)")
        demo = time_demo(demo_command(net.data_root), demo_runs)
    summary = {"submitter": as_, "chaincode": FEATURE_CHAINCODE, "transaction": WRITE, "machine": machine(),
               "phases": reports, "demo": demo}
    if as_json:
        emit(summary, as_json=True)
        return
    click.echo(machine_line(summary["machine"]))
    click.echo(table(summary_rows(reports), SUMMARY_COLUMNS))
    if demo is not None:
        click.echo(demo_line(demo))


def demo_line(demo: dict[str, Any]) -> str:
    """The demo's median time, and the transactions its runs committed: one figure when every run committed as
    many, else each run's own (a run that stopped early or did more is not hidden behind another's count)."""
    counts = [run["transactions"] for run in demo["runs"]]
    committed = (f"{counts[0]} transactions each" if len(set(counts)) == 1
                 else f"transactions by run: {', '.join(map(str, counts))}")
    return (f"demo on the warm network: median {demo['median_seconds']:.1f} s over {len(counts)} run(s), "
            f"{committed}")


if __name__ == "__main__":
    main()
