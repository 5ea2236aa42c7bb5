"""`recfin bench`: the load benchmark on a running network (the driver and reports live in `bench`)."""
from __future__ import annotations

import asyncio
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from bench import cpu
from bench.choices import (CONCURRENCY, GRPC, KNOB_NAMES, MAX_CLIENTS, MAX_CONCURRENCY, MAX_RATE, MODES, RATE,
                           TIMELINE_RESOLUTION_S, WORKLOAD_NAMES, grpc_value)
from client.timeouts import MAX_SECONDS
from network.errors import MissingBinariesError, NetworkError

from .connection import reports_ledger_errors
from .network_commands import topology_option
from .options import MAX_TIMEOUT_SECONDS, ChoiceCutShort, FiniteFloatRange, PathType, WholeNumberRange
from .output import emit, on_one_line, progress

if TYPE_CHECKING:
    from bench.sweep import Sweep
    from network import Network


def running_network(topology_path: Path | None, data_root: Path | None) -> tuple[Network, list]:
    """The network and its status rows; a ClickException with how to start it unless every orderer and peer is
    healthy and each org's server of every deployed chaincode is running and healthy (the report counts their CPU).
    Only the servers `recfin network status` counts are required: one of an org with no package of the chaincode
    (it joined after the deploy) is never started, and one of a deploy stopped before its commit serves no peer."""
    from network import Network

    net = Network.load(topology_path, data_root=data_root)
    statuses = [s for s in net.status() if s.in_topology]     # a node the topology no longer names is not benchmarked
    nodes = [s for s in statuses if s.kind != "chaincode"]
    healthy = sum(s.healthy for s in nodes)
    servers = [s for s in statuses if s.kind == "chaincode" and s.counted]
    if healthy < len(nodes) or not servers:
        raise click.ClickException(
            f"no running network to benchmark ({healthy}/{len(nodes)} nodes healthy, {len(servers)} chaincode "
            f"servers in {net.data_root}): {how_to_start(net)}")
    down = [f"{s.name} ({'not running' if s.pid is None else 'not healthy'})" for s in servers if not s.healthy]
    if down:
        raise click.ClickException(
            f"no running network to benchmark: chaincode server{'s' if len(down) > 1 else ''} {', '.join(down)} "
            f"of {len(servers)} in {net.data_root}: start them with `recfin chaincode restart` (see `recfin "
            f"network logs NAME` for why one stopped)")
    return net, statuses


def how_to_start(net: Network) -> str:
    """What starts the network: `recfin network up` and `recfin chaincode deploy`, after installing Fabric where it
    is missing here, since `up` cannot start a node without it (named as `up` names it)."""
    start = "start one with `recfin network up` and `recfin chaincode deploy`"
    try:
        net.fabric.require()
    except MissingBinariesError as error:
        return f"Fabric is not installed here, so `recfin network up` cannot start one: {error}; then {start}"
    return start


def grpc_option(_ctx, _param, values: tuple[str, ...]) -> tuple[tuple[str, Any], ...]:
    out = []
    for text in values:
        key, eq, value = text.partition("=")
        if not eq or not key.startswith("grpc."):
            raise click.BadParameter(f"{text!r}: write grpc.NAME=VALUE, e.g. grpc.keepalive_time_ms=30000")
        if not key.removeprefix("grpc.").strip():
            # "grpc." alone names no gRPC option: passed on, the channel was handed a setting of nothing
            raise click.BadParameter(f"{text!r} names no option after 'grpc.': write grpc.NAME=VALUE with gRPC's "
                                     "name of the option, e.g. grpc.keepalive_time_ms=30000")
        if not value:
            # an empty string is no setting of any gRPC option: passed on, the channel failed or took it as some
            # default far from the command line
            raise click.BadParameter(f"{text!r} gives {key} no value: write grpc.NAME=VALUE with the value after '=', "
                                     "a whole number (e.g. grpc.keepalive_time_ms=30000) or text (e.g. "
                                     "grpc.primary_user_agent=recfin-bench); leave the option out for gRPC's default")
        try:
            out.append((key, grpc_value(key, value)))
        except ValueError as error:
            raise click.BadParameter(f"{error}; give one in that range, or leave the option out for gRPC's "
                                     "default") from None
    return tuple(out)


TOPOLOGY_FILE = "topology file"
MAX_POOL = MAX_RATE * 2 * MAX_TIMEOUT_SECONDS
"""The largest --pool: as many as the highest rate sends over the longest warm-up and window (a day each), the most
any run can take; a pool far past it (1e23 was taken) would be prepared, one registration after another, for ever."""


def channel_batch(net: Network) -> tuple[dict[str, Any], str]:
    """The ordering batch the running channel has (`recfin network tune` changes it there) and where it was read:
    the channel config, or, when that cannot be fetched, the topology's with why."""
    from network.batch_tuning import BatchTuner, batch_of

    try:
        batch = batch_of(BatchTuner(net).fetch_config())
        return batch.model_dump(mode="json"), f"channel {net.topology.channel} config"
    except (NetworkError, OSError) as error:
        return net.topology.tuning.in_effect()["ordering"], f"{TOPOLOGY_FILE} (the channel config: {error})"


def committed_policy(net: Network) -> tuple[str | None, str]:
    """The endorsement policy of the chaincode's committed definition (`recfin chaincode deploy --signature-policy`
    sets it) and where it was read: the definition, or, when the channel cannot be asked, the topology's with why."""
    from network import contract_config
    from network.lifecycle import Lifecycle, committed_endorsement_policy

    topo = net.topology
    try:
        net.fabric.require(("peer",))
        definition = Lifecycle(net.tools, topo, net.data_root).committed(topo.orgs[0].name, topo.chaincode.name)
    except (NetworkError, OSError) as error:
        return contract_config.endorsement_policy(topo), f"{TOPOLOGY_FILE} (the committed definition: {error})"
    if definition is None:
        return contract_config.endorsement_policy(topo), f"{TOPOLOGY_FILE} ({topo.chaincode.name} is not committed)"
    where = f"committed definition of {topo.chaincode.name} (sequence {definition.get('sequence')})"
    return committed_endorsement_policy(definition), where


def network_settings(net: Network) -> dict[str, Any]:
    """The network settings the figures depend on, as the running network has them where it can be asked: the
    ordering batch from the channel config, the endorsement policy from the committed definition; the other knobs
    of the topology's `tuning:` block (peer and chaincode runtime, set at `recfin network up`) as the topology
    says. "sources" says where each came from."""
    topo = net.topology
    tuning = topo.tuning.in_effect()
    batch, batch_source = channel_batch(net)
    policy, policy_source = committed_policy(net)
    return {"batch_timeout": batch["batch_timeout"], "endorsement_policy": policy,
            "orderers": len(topo.orderers()), "peers": len(topo.peers()),
            "tuning": {**tuning, "ordering": batch},
            "sources": {"batch_timeout": batch_source, "endorsement_policy": policy_source,
                        "orderers": TOPOLOGY_FILE, "peers": TOPOLOGY_FILE, "tuning.ordering": batch_source,
                        **{f"tuning.{knobs}": TOPOLOGY_FILE for knobs in tuning if knobs != "ordering"}}}


def rate_option(_ctx, _param, rate: float) -> float:
    """--rate, at most MAX_RATE: above it the pools, prepared at rate x seconds, would never be ready (1e300
    tx/s would size one of 1e300 receivables) and the driver's due times would all round to 0."""
    if rate > MAX_RATE:
        raise click.BadParameter(
            f"{rate:g} operations per second is above the most a run takes, {MAX_RATE:,} (far more than a "
            f"Fabric channel commits, and the pools are prepared at rate x seconds): give --rate {MAX_RATE} "
            "or less, or --mode concurrency to send as many as the network takes")
    return rate


def duration_option(_ctx, _param, duration: float) -> float:
    """--duration, at least TIMELINE_RESOLUTION_S: the driver's due times and the report's timeline bins are whole
    nanoseconds, so a shorter window rounds to no time at all (one of 1e-10 s once made a timeline with no bin for
    what finished in it, and the report was lost to an IndexError)."""
    if duration < TIMELINE_RESOLUTION_S:
        raise click.BadParameter(
            f"{duration:g} seconds is shorter than the benchmark's resolution, a nanosecond: give --duration "
            f"{TIMELINE_RESOLUTION_S:.9f} or more (a run measures whole nanoseconds)")
    return duration


def workloads_named(chosen: tuple[str, ...]) -> list[str]:
    """The workloads to run, in the order named, each once: ``all`` stands for every one but hotkey."""
    from bench.workloads import WORKLOADS

    expanded = []
    for name in chosen:
        expanded.extend([n for n, w in WORKLOADS.items() if w.in_all] if name == "all" else [name])
    return list(dict.fromkeys(expanded))


def refuse_unrunnable(names: list[str], mode: str, concurrency: int, clients: int, max_in_flight: int) -> None:
    """A usage error, before anything runs, for a workload that cannot run in ``mode``, or a concurrency (or in
    rate mode a cap on operations in flight) that cannot be shared by ``clients`` processes."""
    from bench.workloads import WORKLOADS, mode_refusal

    for name in names:
        if mode not in WORKLOADS[name].modes:
            raise click.UsageError(mode_refusal(name, mode))
    if mode == CONCURRENCY and clients > concurrency:
        raise click.UsageError(f"--clients {clients} is more than --concurrency {concurrency}: each client process "
                               f"needs at least one operation in flight; use --clients {concurrency} or fewer, "
                               "or raise --concurrency")
    if mode == RATE and clients > max_in_flight:
        raise click.UsageError(f"--clients {clients} is more than --max-in-flight {max_in_flight}: each client "
                               f"process needs at least one operation in flight; use --clients {max_in_flight} or "
                               "fewer, or raise --max-in-flight")


def refuse_short_pool(names: list[str], pool_size: int | None, clients: int) -> None:
    """A usage error, before anything runs, for a --pool that leaves a client process without a receivable
    where a workload sends only its pool and splits it among the processes: that process would send nothing
    and run dry at once, and a run runs dry when its first process does, so the whole run would report no
    throughput. (A --pool of 0, with which such a workload sends nothing at all, --pool's type refuses.)"""
    from bench.workloads import WORKLOADS

    split = [name for name in names
             if WORKLOADS[name].sends_only_its_pool and not WORKLOADS[name].pool_per_process]
    if pool_size is not None and clients > pool_size and split:
        raise click.UsageError(f"--pool {pool_size} for --clients {clients}: the {' and '.join(split)} pool "
                               "is split among the client processes, and each needs at least one receivable; "
                               f"give --pool {clients} or more, or leave --pool out to size it for the run")


def refuse_unlike_comparison(compare_node: bool, names: list[str], clients: int, grpc_options: tuple) -> None:
    """A usage error, before anything runs, for ``--compare-node`` with a Python side the Node client would not
    match: the Node script runs as one process with grpc-js's default channel options. Only when something would
    be compared: a workload without a Node counterpart (hotkey) is not sent by the Node client."""
    from bench.workloads import WORKLOADS

    given = ([f"--clients {clients}"] if clients > 1 else []) + [f"--grpc-option {k}={v}" for k, v in grpc_options]
    if compare_node and given and any(WORKLOADS[name].node_counterpart for name in names):
        raise click.UsageError(
            f"--compare-node with {' and '.join(given)}: the Node client runs as one process with grpc-js's default "
            "channel options, so the ratios would not compare like for like; compare with --compare-node alone "
            "(one client process, no --grpc-option), and run the other load as its own `recfin bench` without "
            "--compare-node")


def knob_option(_ctx, _param, text: str | None) -> Sweep | None:
    """--knob NAME=V1,V2,...: a usage error naming the knob or the value outside its range, before anything runs."""
    if text is None:
        return None
    from bench.sweep import parse_sweep

    try:
        return parse_sweep(text)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


def refuse_unsweepable(sweep: Sweep, names: list[str], compare_node: bool, grpc_options: tuple) -> None:
    """A usage error, before anything runs, for a sweep whose table would not compare one load: more than one
    workload, the Node client beside it, or a gRPC option given both swept and fixed."""
    if len(names) != 1:
        raise click.UsageError(f"--knob runs one workload per value, and {', '.join(names)} are "
                               f"{len(names)}: give one --workload")
    if compare_node:
        raise click.UsageError("--knob with --compare-node: the Node client does not take the knob's values; "
                               "leave out --compare-node")
    if any(key == sweep.knob.name for key, _ in grpc_options):
        raise click.UsageError(f"--knob {sweep.knob.name} and --grpc-option {sweep.knob.name}: give it in "
                               "--knob only")


def swept_clients(sweep: Sweep | None, clients: int) -> tuple[int, ...]:
    """The client process counts the runs will have: each value of a --knob clients sweep, else --clients."""
    return sweep.values if sweep is not None and sweep.knob.name == "clients" else (clients,)


def value_folder(output_dir: Path, sweep: Sweep, value: Any) -> Path:
    """Where one value's reports go: --output/NAME=VALUE (a character no file name takes as _)."""
    text = "".join(c if c.isalnum() or c in "._-" else "_" for c in str(value))
    return output_dir / f"{sweep.knob.name}={text}"


def sweep_one_knob(sweep: Sweep, names, mode, rate, concurrency, warmup, duration, clients, pool_size, call_timeout,
                   max_in_flight, grpc_options, output_dir, replace, topology_path, data_root, as_json,
                   say) -> None:
    """`recfin bench --knob`: the runs of the sweep (each as `recfin bench` runs it), its table and sweep.json."""
    from bench.report import write_json
    from bench.sweep import NetworkSteps, run_sweep, table_lines

    knob = sweep.knob
    folders = {value: value_folder(output_dir, sweep, value) for value in sweep.values}
    earlier = {value: refuse_earlier_reports(folder, replace) for value, folder in folders.items()}
    sweep_file = output_dir / "sweep.json"
    if sweep_file.is_file() and not replace:
        raise click.UsageError(f"--output {output_dir} holds an earlier sweep ({sweep_file.name}): give another "
                               "--output, or --replace")
    running_network(topology_path, data_root)      # nothing is changed on a network that is not running
    sweep_file.unlink(missing_ok=True)              # --replace: an earlier table must not read as this sweep's

    def measure_value(value: Any) -> dict[str, Any]:
        runs_clients = value if knob.name == "clients" else clients
        runs_grpc = (*grpc_options, (knob.name, value)) if knob.name.startswith("grpc.") else grpc_options
        summary, failures = measure(names, mode, rate, concurrency, warmup, duration, runs_clients, pool_size,
                                    call_timeout, max_in_flight, runs_grpc, False, folders[value], earlier[value],
                                    topology_path, data_root, say)
        if failures:
            raise click.ClickException(f"{knob.name}={value}: " + "; ".join(failures))
        return summary

    result = run_sweep(sweep, NetworkSteps(topology_path, data_root, say), measure_value, say,
                       before=clients if knob.name == "clients" else None)
    write_json(result, sweep_file)
    if as_json:
        emit(result, as_json=True)
    else:
        for line in table_lines(result):
            click.echo(line)
    say(f"sweep in {sweep_file}; each value's reports in {output_dir}/{knob.name}=VALUE")


REPORT_FILES = ("summary.json", "bench-*.json", "bench.png")
"""What `recfin bench` writes in its --output folder (bench-*.json: each workload's report and the Node
client's)."""


def earlier_reports(folder: Path) -> list[Path]:
    """The files of an earlier run's reports in ``folder``, sorted: kept beside this run's, one of a workload
    this run does not repeat would read as part of it, and its summary would be replaced without a word."""
    if not folder.is_dir():
        return []
    return sorted({path for pattern in REPORT_FILES for path in folder.glob(pattern) if not path.is_dir()})


def refuse_unwritable_output(folder: Path) -> None:
    """A usage error naming --output, before anything runs, for a folder the reports cannot be written in: a file
    (or a device, a link to nothing) on its path where a folder must be, or a nearest existing folder this user may
    not write in. Found only as the first report was written, it cost the whole measured run. Nothing is made
    here: a run refused later (no network) leaves no folder behind. A path the system cannot look up (a name longer
    than the file system takes, a folder on the way this user may not search) is refused too, with the system's
    reason: its OSError was an error naming no option."""
    existing = folder
    try:
        while not existing.exists() and not existing.is_symlink() and existing != existing.parent:
            existing = existing.parent
        if not existing.is_dir():
            what = "a link to nothing" if not existing.exists() else "a file" if existing.is_file() else "no folder"
            raise click.BadParameter(f"{on_one_line(folder)}: {on_one_line(existing)} is {what}, so no report can "
                                     "be written under it: give a folder (it is made if missing)",
                                     param_hint="'--output'")
    except OSError as error:
        raise click.BadParameter(f"{on_one_line(folder)}: {error.strerror or error}, so no report can be written "
                                 "under it: give another folder", param_hint="'--output'") from None
    if not os.access(existing, os.W_OK | os.X_OK):
        raise click.BadParameter(f"{on_one_line(folder)}: the folder {on_one_line(existing)} is not writable by "
                                 "this user, so no report can be written in it: give another folder",
                                 param_hint="'--output'")


def refuse_earlier_reports(folder: Path, replace: bool) -> list[Path]:
    """A usage error, before anything runs, when ``folder`` holds an earlier run's reports and ``replace`` was
    not given; with it, those reports (for the command to remove once the network is found running)."""
    earlier = earlier_reports(folder)
    if earlier and not replace:
        more = f" and {len(earlier) - 4} more" if len(earlier) > 4 else ""
        names = ", ".join(path.name for path in earlier[:4]) + more
        raise click.UsageError(f"--output {folder} holds the reports of an earlier run ({names}): give "
                               "another --output, or --replace to remove them and write this run's")
    return earlier


def watched_now(before: list, statuses, workload: str, say) -> list:
    """The network's processes as they are when ``workload`` starts. A node restarted since an earlier workload runs
    under a new pid, which the list read before the first would not watch (its CPU then reported as not measured in
    every later workload, though it ran through their whole windows). A node of that list not running now stays
    under its old pid, and one that stopped between its status row and the reading of its start time is watched
    unmeasured (``cpu.GONE_BEFORE_WATCHED``): each is said here, for the report to show it not measured rather than
    leave it out."""
    now = cpu.network_processes(statuses)
    listed = {p.name for p in now}
    gone = [p for p in before if p.name not in listed]
    for p in [*(p for p in now if p.started == cpu.GONE_BEFORE_WATCHED), *gone]:
        say(f"{workload}: {p.name} is not running; its CPU is reported as not measured")
    return now + gone


@click.command()
@click.option("--workload", "-w", "workloads", type=ChoiceCutShort([*WORKLOAD_NAMES, "all"]), multiple=True,
              default=("all",), show_default=True,
              help="Workload(s) to run, one after the other, each once; all: every one but hotkey (the contention "
                   "check, concurrency mode only).")
@click.option("--mode", type=ChoiceCutShort(MODES), default=RATE, show_default=True,
              help="rate: open loop at --rate tx/s; concurrency: closed loop with --concurrency in flight.")
@click.option("--rate", type=FiniteFloatRange(min=0, min_open=True), default=50.0, show_default=True,
              callback=rate_option, help=f"Operations per second (rate mode), at most {MAX_RATE:,}.")
@click.option("--concurrency", type=WholeNumberRange(min=1, max=MAX_CONCURRENCY), default=16, show_default=True,
              help=f"Operations in flight (concurrency mode), at most {MAX_CONCURRENCY:,}.")
# A day at most each: the pools are prepared at rate x (warm-up + duration), and 1e300 seconds sized a pool
# that was never ready, as a rate of 1e300 did.
@click.option("--warmup", type=FiniteFloatRange(min=0, max=MAX_TIMEOUT_SECONDS), default=10.0, show_default=True,
              help="Warm-up seconds, at most a day (86400).")
@click.option("--duration", type=FiniteFloatRange(min=0, min_open=True, max=MAX_TIMEOUT_SECONDS), default=60.0,
              show_default=True, callback=duration_option,
              help="Measured seconds, at least a nanosecond (0.000000001), at most a day (86400).")
@click.option("--clients", type=WholeNumberRange(min=1, max=MAX_CLIENTS), default=1, show_default=True,
              help=f"Client processes sharing the load, at most {MAX_CLIENTS} (one per hardware thread of a "
                   "large server): the rate, the concurrency (at most --concurrency processes) and the pool split "
                   "evenly.")
@click.option("--pool", "pool_size", type=WholeNumberRange(min=1, max=MAX_POOL), default=None,
              help=f"Receivables to prepare, at most {MAX_POOL:,}, for confirm/transfer/mixed (split among "
                   "--clients: at least one each for confirm and transfer), transfers off the hot family for hotkey "
                   "(each client process has its own) (default: enough for the run).")
@click.option("--call-timeout", type=FiniteFloatRange(min=0, min_open=True, max=MAX_SECONDS), default=120.0,
              show_default=True,
              help="Seconds before one operation counts as a timeout, at most a year; each step of a call (endorse, "
                   "submit, commit status), the pool's preparation included, has this deadline in both clients, so "
                   "keep it above the channel's batch timeout.")
@click.option("--max-in-flight", type=WholeNumberRange(min=1), default=10_000, show_default=True,
              help="Cap on outstanding operations in rate mode, split among --clients (at most this many "
                   "processes; late sends still count from their due time).")
@click.option("--grpc-option", "grpc_options", multiple=True, callback=grpc_option, metavar="grpc.NAME=VALUE",
              help="A gRPC channel option for the client's connections (repeatable).")
@click.option("--compare-node", is_flag=True,
              help="Also send each workload with the official Node client (npm ci into bench/node unless it holds "
                   "the pinned packages), as one process with default gRPC options: not with --clients above 1 "
                   "or --grpc-option (hotkey, which it does not send, excepted).")
@click.option("--knob", "sweep", default=None, callback=knob_option, metavar="NAME=V1,V2,...",
              help=f"Run the workload once per value of one knob ({', '.join(KNOB_NAMES)} or {GRPC}), applied as "
                   "docs/benchmark.md \"The knobs\" says, and print one table (value, tx/s, p50/p95/p99, "
                   "failures, CPU per tx) with the baseline (the setting before the sweep, else the first value) "
                   "marked; the setting is put back afterwards, on failure or Ctrl-C too. One workload; the "
                   "reports of each value in --output/NAME=VALUE, the table's JSON in --output/sweep.json.")
@click.option("--output", "output_dir", type=PathType(file_okay=False, path_type=Path), default=None,
              help="Folder for the JSON reports and the PNG plot (with matplotlib) "
                   "[default: bench-results/<UTC time>]; one holding an earlier run's reports is refused "
                   "unless --replace.")
@click.option("--replace", is_flag=True,
              help="Remove the earlier run's reports (summary.json, bench-*.json, bench.png) from --output, "
                   "once the network is found running, and write this run's.")
@topology_option
@click.option("--data-root", type=PathType(file_okay=False, path_type=Path),
              help="Network data folder holding profiles/ (default: the topology's).")
@click.option("--json", "as_json", is_flag=True, help="Print the reports as JSON (progress goes to stderr).")
@reports_ledger_errors
def bench(workloads, mode, rate, concurrency, warmup, duration, clients, pool_size, call_timeout, max_in_flight,
          grpc_options, compare_node, sweep, output_dir, replace, topology_path, data_root, as_json) -> None:
    """Load-test the receivables contract on the running network: counts by outcome, throughput,
    latency p50/p95/p99 and CPU seconds per committed transaction of every process.

    Fixed rate is an open loop (latency from each operation's scheduled time); fixed
    concurrency a closed loop. Writes bench-<workload>.json, summary.json and, with matplotlib
    (the `risk` extra), bench.png.
    The SDK's own round trip (the feature contract's simplest write, sequential and 16
    in flight, and the demo's time) is `python -m bench.sdk_roundtrip`.

    \b
    Example:
      recfin bench --workload register --rate 100 --duration 60
      recfin bench --mode concurrency --concurrency 32 --clients 2 --json
      recfin bench --workload mixed --compare-node --output results/mixed
      recfin bench --workload hotkey --mode concurrency --concurrency 8 --duration 30
      recfin bench --workload register --rate 100 --knob batch-timeout=100ms,250ms,500ms
    """
    from bench import node_compare
    from bench.workloads import WORKLOADS

    say = progress(as_json)
    names = workloads_named(workloads)
    if sweep is not None:
        refuse_unsweepable(sweep, names, compare_node, grpc_options)
    for each in swept_clients(sweep, clients):
        refuse_unrunnable(names, mode, concurrency, each, max_in_flight)
        refuse_unlike_comparison(compare_node, names, each, grpc_options)
        refuse_short_pool(names, pool_size, each)
    output_dir = output_dir or Path("bench-results") / datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    refuse_unwritable_output(output_dir)
    if sweep is not None:
        sweep_one_knob(sweep, names, mode, rate, concurrency, warmup, duration, clients, pool_size, call_timeout,
                       max_in_flight, grpc_options, output_dir, replace, topology_path, data_root, as_json, say)
        return
    earlier = refuse_earlier_reports(output_dir, replace)
    if compare_node and any(WORKLOADS[name].node_counterpart for name in names):
        try:                    # Node.js before the network is asked or anything runs; the pinned packages, which
            node_compare.require_node()     # npm ci fetches from the registry, only once a network to compare on
            running_network(topology_path, data_root)   # is found running (its ClickException passes through)
            node_compare.install()
        except node_compare.NodeClientError as error:
            raise click.ClickException(f"--compare-node: {error}; or leave out --compare-node") from error
    summary, failures = measure(names, mode, rate, concurrency, warmup, duration, clients, pool_size, call_timeout,
                                max_in_flight, grpc_options, compare_node, output_dir, earlier, topology_path,
                                data_root, say)
    if as_json:
        emit(summary, as_json=True)
    if failures:
        raise click.ClickException("; ".join(failures))


def measure(names: list[str], mode: str, rate: float, concurrency: int, warmup: float, duration: float,
            clients: int, pool_size: int | None, call_timeout: float, max_in_flight: int, grpc_options: tuple,
            compare_node: bool, output_dir: Path, earlier: list[Path], topology_path: Path | None,
            data_root: Path | None, say) -> tuple[dict[str, Any], list[str]]:
    """Run the workloads on the running network and write their reports in ``output_dir`` (``earlier``: the
    files --replace removes there): the summary, and what failed (exactly-once, the Node client) for the command
    to say once every report is written."""
    from bench import exactly_once, node_compare
    from bench.driver import Plan
    from bench.network_session import ensure_parties
    from bench.plot import plot
    from bench.profiling import machine, machine_line
    from bench.report import (RATE_MODE_NOTE, build, comparison, comparison_note, lines, not_comparable,
                              write_json)
    from bench.runner import ClientProcessError, Settings, run_on_network
    from bench.workloads import WORKLOADS, pool_size_for
    from network.tuning import duration_seconds

    net, statuses = running_network(topology_path, data_root)
    # the clients act through the profiles of the network found running: without --data-root, those of the
    # topology's data folder, which --topology may name, not the default topology's
    data_root = net.data_root
    plan = Plan(mode, rate=rate if mode == RATE else None, concurrency=concurrency if mode == CONCURRENCY else None,
                warmup=warmup, duration=duration, call_timeout=call_timeout, max_in_flight=max_in_flight)
    for path in earlier:     # --replace: none of them may stay beside this run's reports as if part of it
        path.unlink(missing_ok=True)
    if earlier:
        say(f"--replace: removed the earlier run's {len(earlier)} report file(s) from {output_dir}")
    say("parties: registering the demo's parties if needed")
    codes = ensure_parties(data_root, say)
    # both clients run each step of a call under these deadlines (the Node client's report states them too)
    both = {**network_settings(net), "step_deadlines_s": node_compare.step_deadlines(plan)}
    settings_in_effect = {**both, "clients": clients, "grpc_options": [list(o) for o in grpc_options]}
    reports, summary = [], {"settings": settings_in_effect, "workloads": {}}
    say(machine_line(machine()))    # once: every report below (each workload, each client) ran on it
    # in concurrency mode the pool is sized for an operation per batch timeout (a block cut) per worker
    block_cut = duration_seconds(both["batch_timeout"])
    processes: list = []
    for number, name in enumerate(names):
        processes = watched_now(processes, statuses if number == 0 else net.status(), name, say)
        pool = pool_size if pool_size is not None else pool_size_for(name, mode, rate, concurrency, warmup + duration,
                                                                     block_cut)
        say(f"{name}: preparing {pool} receivables, then {warmup:g} s warm-up and {duration:g} s measured")
        settings = Settings(name, plan, pool, data_root, clients, grpc_options)
        try:
            measured = asyncio.run(run_on_network(settings, codes, processes, say=say))
        except ClientProcessError as error:
            raise click.ClickException(str(error)) from error
        shares = {"client_processes": measured.shares} if measured.shares else {}
        ours = build(measured.run, workload=name, client="python", cpu_usage=measured.cpu_usage,
                     process_kinds=measured.process_kinds,
                     extra={"settings": settings_in_effect, **shares, **measured.findings})
        write_json(ours, output_dir / f"bench-{name}.json")
        reports.append(ours)
        entry: dict[str, Any] = {"python": ours}
        for line in lines(ours) + exactly_once.lines(measured.findings):
            say(line)
        if compare_node and not WORKLOADS[name].node_counterpart:
            say(f"{name}: no Node client counterpart, not compared")
        elif compare_node:
            say(f"{name}: the same with the Node client (@hyperledger/fabric-gateway)")
            try:
                theirs = node_compare.run(name, plan, pool, codes, data_root, both)
            except node_compare.NodeClientError as error:
                # the Python side measured is kept, and the next workloads still run: the run's summary says
                # which comparison failed, and the command fails once every report is written
                entry["node_error"] = str(error)
                entry["node_to_recfin_note"] = f"no Node/recfin ratios: {error}"
                summary["workloads"][name] = entry
                say(f"  note: no Node/recfin ratios: {error}")
                continue
            write_json(theirs, output_dir / f"bench-{name}-node.json")
            reports.append(theirs)
            entry["node"] = theirs
            entry["node_to_recfin"] = comparison(ours, theirs)
            if unlike := not_comparable(ours, theirs):
                entry["node_to_recfin_not_comparable"] = unlike
            for line in lines(theirs):
                say(line)
            say("  node / recfin: " + "  ".join(f"{k} {'not comparable' if v is None else f'{v:.2f}'}"
                                                for k, v in entry["node_to_recfin"].items()))
            notes = [note for note in (comparison_note(ours, theirs), RATE_MODE_NOTE if mode == RATE else None)
                     if note]
            if notes:
                entry["node_to_recfin_note"] = "; ".join(notes)
            for note in notes:
                say(f"  note: {note}")
        summary["workloads"][name] = entry
    write_json(summary, output_dir / "summary.json")
    written = ["summary.json", "bench-<workload>.json"]
    try:
        plot(reports, output_dir / "bench.png")
        written.append("bench.png")
    except ImportError as error:    # matplotlib is an optional extra: the figures are all in the reports already
        say(f"bench.png not written: the plot needs matplotlib ({error}): pip install 'recfin[risk]' "
            f"(in a checkout: .venv/bin/python -m pip install -e '.[risk]')")
    say(f"reports in {output_dir}: {', '.join(written)}")
    broken = [n for n, entry in summary["workloads"].items()
              if not entry["python"].get("exactly_once", {}).get("holds", True)]
    failures = [f"exactly-once does not hold for {', '.join(broken)}: see \"exactly_once\" in "
                f"{output_dir}/bench-<workload>.json"] if broken else []
    if no_node := [n for n, entry in summary["workloads"].items() if "node_error" in entry]:
        failures.append(f"the Node client failed for {', '.join(no_node)} (\"node_error\" in {output_dir}/"
                        "summary.json says how; the Python reports are written): see that the network serves "
                        "(`recfin network status`) and run again, or leave out --compare-node")
    return summary, failures
