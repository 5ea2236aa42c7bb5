"""The benchmark report: counts by cause, throughput, latency percentiles, CPU per committed transaction, and
the machine it ran on (``machine``: CPUs, CPU model, memory, Python, recfin commit, Fabric; the commands print
it once per run, not in each report's text lines); as a dict (written as
JSON), as text lines, and the ratios of the Node client's figures to recfin's.

Answered queries (``answered``: evaluates, never ordered) are counted apart from the committed
transactions: they are not in ``committed``, in the throughput, in the top-level latency, in the
timeline or in the divisor of CPU per transaction (the CPU they cost stays in the dividend); each
kind's ``latency_s`` in ``by_kind`` is of its committed or answered operations.

A run whose workload ran out of operations (``exhausted``) loaded the network only up to its last send
(``ran_dry_at_s``): its throughput is of the window up to then (``throughput_window_s`` seconds; None when it
ran out in the warm-up), and its CPU per tx is not given, since the CPU counters are read when the window
opens and closes and would divide the idle end's CPU by the transactions of the loaded part. Node/recfin
ratios of throughput and CPU are not given when either side ran out, nor any ratio a side has no
figure for (it committed nothing, its CPU was not measured): ``comparison_note`` says why."""
from __future__ import annotations

import bisect
import json
import math
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from client.atomic_file import write_atomically

from .cpu import CLOCK_TICKS
from .driver import Plan, Run, Sample
from .outcomes import ANSWERED, CAUSES, COMMITTED, NOT_SUBMITTED, SUCCEEDED
from .profiling import machine
from .stats import METHOD as LATENCY_METHOD
from .stats import PERCENTILES, latency_summary, throughput

SCHEMA = "recfin.bench/4"   # 2: answered queries apart, no longer in committed and throughput; 3: a run that ran
                            # out of operations: throughput up to its last send, no CPU per tx; 4: submitted counts
                            # the operations sent, those that sent nothing apart (not_sent)
REQUIRED_KEYS = ("schema", "workload", "client", "plan", "exhausted", "ran_dry_at_s", "submitted", "not_sent",
                 "committed", "answered", "failed", "throughput_tps", "throughput_window_s", "latency_s", "latency_method", "cpu",
                 "by_kind", "timeline")


def _counts(samples: list[Sample]) -> dict[str, Any]:
    causes = Counter(s.cause for s in samples)
    details: dict[str, Counter] = {}
    for s in samples:
        if not s.succeeded and s.detail:
            details.setdefault(s.cause, Counter())[s.detail] += 1
    # an operation that sent nothing (the SDK refused an argument, the gateway peer could not be reached) was
    # never submitted: counted apart, neither in submitted nor among its failures
    return {
        "submitted": sum(1 for s in samples if s.cause not in NOT_SUBMITTED),
        "not_sent": sum(causes[cause] for cause in NOT_SUBMITTED),
        "committed": causes[COMMITTED],
        "answered": causes[ANSWERED],
        "failed": {cause: causes[cause] for cause in CAUSES if cause not in SUCCEEDED + NOT_SUBMITTED},
        "failed_detail": {cause: dict(c.most_common(5)) for cause, c in details.items()},
    }


def timeline(run: Run, bin_seconds: float = 1.0) -> list[dict[str, Any]]:
    """Per time bin of the whole run (warm-up included): committed completions per second and their latency
    p50/p99. Bins are laid from the measured window's start (``bin_starts``), so none straddles the window's
    edges; each bin's ``width_s`` is its real width, shorter than ``bin_seconds`` at the run's start and at the
    window's end when the warm-up or the window is no whole number of bins, and its rate is of that width: a
    steady rate plots flat, with no dip at a bin only partly inside the run or the window."""
    if not run.samples:
        return []
    last = max(s.finished for s in run.samples)
    starts = bin_starts(run.plan, last, bin_seconds)
    grouped: list[list[float]] = [[] for _ in starts]
    for s in run.samples:
        if s.committed:
            grouped[bisect.bisect_right(starts, s.finished) - 1].append(s.latency)
    out = []
    for i, latencies in enumerate(grouped):
        width = round(_bin_end(run.plan, starts, i, bin_seconds) - starts[i], 9)   # 0.1, not 0.09999999999999998
        summary = latency_summary(latencies, (50, 99))
        out.append({"t": starts[i], "width_s": width, "committed_tps": len(latencies) / width,
                    "p50_s": summary["p50"], "p99_s": summary["p99"]})
    return out


def bin_starts(plan: Plan, last: float, width: float) -> list[float]:
    """Where each timeline bin starts, in seconds from the run's start: whole bins of ``width`` back from the
    measured window's start to the run's (the first of them shorter where the warm-up is no whole number of
    bins), on from it to the window's end (the last of them cut at the end), then on from the end; up to the bin
    ``last`` (the last completion) falls in. Rounded to the nanosecond, as the driver's due times are, so that
    a warm-up of 0.3 s in bins of 0.1 s does not start with a bin of 1e-17 s. The first bin starts at 0 and the
    window has one at least, however short: a window under half a nanosecond rounded to no bin, and with no
    warm-up and nothing finished after it the timeline had none for what finished in it."""
    def bins(span: float, whole: Callable[[float], float] = math.ceil) -> int:    # bins over ``span`` seconds
        return max(0, int(whole(round(span / width, 9))))

    starts = [0.0]
    starts += [max(0.0, plan.warmup - k * width) for k in range(bins(plan.warmup), 0, -1)]
    starts += [plan.warmup + k * width for k in range(max(1, bins(plan.duration)))]
    if last >= plan.end:
        starts += [plan.end + k * width for k in range(bins(last - plan.end, math.floor) + 1)]
    return [t for t in dict.fromkeys(round(t, 9) for t in starts) if t <= last]


def _bin_end(plan: Plan, starts: list[float], i: int, width: float) -> float:
    """Where bin ``i`` ends: where the next starts, or, for the last, a whole bin on, cut at the window's end.
    The end is rounded to the nanosecond as the starts are: 0.1 + 0.2 s is 0.30000000000000004, and a drain bin
    starting at 0.3 would otherwise be cut there, a bin of 6e-17 s whose rate is a count over nothing."""
    if i + 1 < len(starts):
        return starts[i + 1]
    end = round(plan.end, 9)
    return min(starts[i] + width, end) if starts[i] < end else starts[i] + width


def cpu_per_tx(usage: Mapping[str, float | None], kinds: Mapping[str, str], committed: int | None) -> dict[str, Any]:
    """Each process's CPU seconds in the window and per committed transaction (None when not measurable, or when
    ``committed`` is None: the run ran out of operations, and the window's CPU is not all of its transactions')."""
    return {name: {"kind": kinds.get(name, "?"), "cpu_s": seconds,
                   "cpu_s_per_tx": (seconds / committed) if (seconds is not None and committed) else None}
            for name, seconds in usage.items()}


def build(run: Run, *, workload: str, client: str, cpu_usage: Mapping[str, float | None],
          process_kinds: Mapping[str, str], extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The report of one run. Counts and latencies are of the operations due in the measured window;
    throughput is of the committed ones that finished in it while the load was full (``Run.throughput_window``)."""
    measured = run.measured()
    counts = _counts(measured)
    window = run.throughput_window()
    committed_in_window = len(run.committed_between(*window)) if window else 0
    kinds = sorted({s.kind for s in measured})
    report = {
        "schema": SCHEMA,
        "workload": workload,
        "client": client,
        "plan": {k: getattr(run.plan, k) for k in ("mode", "rate", "concurrency", "warmup", "duration",
                                                   "call_timeout", "max_in_flight")},
        "exhausted": run.exhausted,
        "ran_dry_at_s": run.ran_dry_at,
        **counts,
        "throughput_tps": throughput(committed_in_window, window[1] - window[0]) if window else None,
        "throughput_window_s": window[1] - window[0] if window else None,
        "latency_s": latency_summary([s.latency for s in measured if s.committed]),
        "latency_method": LATENCY_METHOD,
        "cpu": cpu_per_tx(cpu_usage, process_kinds, None if run.exhausted else committed_in_window),
        "by_kind": {k: {**_counts([s for s in measured if s.kind == k]),
                        "latency_s": latency_summary([s.latency for s in measured if s.kind == k and s.succeeded])}
                    for k in kinds},
        "timeline": timeline(run),
        "machine": machine(),   # what produced the figures: CPUs, memory, Python, recfin commit, Fabric
    }
    report.update(extra or {})
    return report


def client_cpu_per_tx(report: Mapping[str, Any]) -> float | None:
    """The summed CPU per committed tx of the report's client processes."""
    values = [p["cpu_s_per_tx"] for p in report["cpu"].values() if p["kind"] == "client"]
    return None if not values or any(v is None for v in values) else sum(values)


# the names of the Node/recfin ratios (the summary's node_to_recfin)
LATENCY_RATIOS = ("latency_p50_node_to_recfin", "latency_p99_node_to_recfin")
CPU_RATIO = "client_cpu_per_tx_node_to_recfin"
THROUGHPUT_RATIO = "throughput_node_to_recfin"


def comparison(ours: Mapping[str, Any], node: Mapping[str, Any]) -> dict[str, float | None]:
    """The Node client's figures as a ratio to recfin's: latency p50 and p99 (above 1, Node's operations take
    longer), client CPU per tx (above 1, Node spends more), and throughput (above 1, Node commits more; in rate
    mode both are sent the same schedule, so it is about 1 until a client falls behind: RATE_MODE_NOTE).
    Throughput and CPU are None when either side ran out of operations, and a ratio is None when a side has no
    figure for it, the Node side's throughput of a run that committed nothing among them: a ratio of 0 would
    read as a figure measured, of a client that committed nothing (``not_comparable`` and ``comparison_note``
    say why, so a ratio is never left out, nor divided by zero, without a word)."""
    def ratio(a: float | None, b: float | None) -> float | None:
        return None if not a or not b else a / b

    dry = ours["exhausted"] or node["exhausted"]
    p50, p99 = LATENCY_RATIOS
    return {p50: ratio(node["latency_s"].get("p50"), ours["latency_s"].get("p50")),
            p99: ratio(node["latency_s"].get("p99"), ours["latency_s"].get("p99")),
            CPU_RATIO: None if dry else ratio(client_cpu_per_tx(node), client_cpu_per_tx(ours)),
            THROUGHPUT_RATIO: None if dry else ratio(node["throughput_tps"], ours["throughput_tps"])}


def not_comparable(ours: Mapping[str, Any], node: Mapping[str, Any]) -> dict[str, str]:
    """Why each ratio ``comparison`` leaves None is not comparable, by its name (empty when all are given): the
    side that ran out of operations, or the side without the figure and why (``_missing_figures``)."""
    reasons: dict[str, str] = {}
    dry = [r for r in (ours, node) if r["exhausted"]]
    for report in dry:
        for name in (CPU_RATIO, THROUGHPUT_RATIO):
            reasons.setdefault(name, f"the {report['client']} client ran out of operations {ran_dry(report)}")
    for report in (ours, node):
        for names, why in _missing_figures(report, dry=bool(dry)):
            for name in names:
                reasons.setdefault(name, f"the {report['client']} client: {why}")
    return reasons


def ran_dry(report: Mapping[str, Any]) -> str:
    """Where a report's workload ran out of operations: "in the warm-up" or "<s> s into the window"."""
    into = report["ran_dry_at_s"] - report["plan"]["warmup"]
    return "in the warm-up" if into <= 0 else f"{into:.1f} s into the {report['plan']['duration']:g} s window"


def comparison_note(ours: Mapping[str, Any], node: Mapping[str, Any]) -> str | None:
    """Why ratios of ``comparison`` are not given, or None when all are. Throughput and CPU are not
    when either side ran out of operations: both sides get the same pool, and in concurrency mode the
    faster client uses more of it in the warm-up: over the whole window it would show as the slower,
    and up to each side's own last send the two cover different stretches. Any ratio is not when a
    side has no figure to divide (``_no_figure``)."""
    notes = []
    dry = [f"the {r['client']} client ran out of operations {ran_dry(r)}" for r in (ours, node) if r["exhausted"]]
    if dry:
        notes.append(f"{' and '.join(dry)}: no throughput or CPU per tx ratio (the clients loaded the "
                     "network for different stretches of the window); prepare a larger --pool to compare "
                     "them")
    notes += [why for side in (ours, node) if (why := _no_figure(side, dry=bool(dry)))]
    return "; ".join(notes) or None


def _missing_figures(report: Mapping[str, Any], *, dry: bool) -> list[tuple[tuple[str, ...], str]]:
    """The ratios ``report``'s side leaves without a figure, each with why: no latency with no committed
    operation due in the window, no throughput with none committed in it (on either side: over a run that
    committed nothing a ratio means nothing), no CPU per tx with none committed in it or the client's CPU not
    measured. Throughput and CPU not where a side ran out of operations (``dry``): that is said instead."""
    missing: list[tuple[tuple[str, ...], str]] = []
    if report["latency_s"].get("p50") is None:
        missing.append((LATENCY_RATIOS, f"no latency ratio: it committed none of the {due_in_window(report)} "
                                        "operations due in the measured window"))
    if not dry and not report["throughput_tps"]:
        missing.append(((THROUGHPUT_RATIO,), "no throughput ratio: it committed none that finished in the "
                                             "measured window"))
    if not dry and not (cpu := client_cpu_per_tx(report)):
        clients = [p for p in report["cpu"].values() if p["kind"] == "client"]
        missing.append(((CPU_RATIO,), "no CPU per tx ratio: " + (
            "its client CPU was not measured" if not clients or any(p["cpu_s"] is None for p in clients)
            else "it committed no transaction in the window to divide its client CPU by" if cpu is None
            # a process other than this one is read in the OS's clock ticks (bench.cpu): a short window reads 0
            else "its client CPU read 0 s in the measured window (counted in the OS's clock ticks of "
                 f"{1000 // CLOCK_TICKS} ms): measure a longer window")))
    return missing


def _no_figure(report: Mapping[str, Any], *, dry: bool) -> str | None:
    """Which ratios ``report``'s side leaves without a figure, and why, or None (``_missing_figures``). Its
    counts by cause say what became of its operations."""
    missing = [why for _, why in _missing_figures(report, dry=dry)]
    if not missing:
        return None
    return f"the {report['client']} client: {'; '.join(missing)} (its failed counts say what became of them)"


RATE_MODE_NOTE = ("rate mode sends both clients the same schedule, so their throughputs match until one falls "
                  "behind it: compare the latency ratios here, and throughput in concurrency mode "
                  "(--mode concurrency) or at a rate past saturation")


def lines(report: Mapping[str, Any]) -> list[str]:
    """A human summary of one report. Not its machine: a run prints several reports (phases, workloads, the Node
    client's), all measured on one machine, which its command names once (profiling.machine_line)."""
    plan = report["plan"]
    load = f"rate {plan['rate']}/s" if plan["mode"] == "rate" else f"concurrency {plan['concurrency']}"
    fmt = lambda v: "-" if v is None else f"{v * 1000:.1f} ms"
    tps = report["throughput_tps"]
    throughput_text = "-" if tps is None else f"{tps:.1f} tx/s" + (
        f" (over the {report['throughput_window_s']:.1f} s before it ran out)" if report["exhausted"] else "")
    out = [f"{report['workload']} ({report['client']} client, {load}, warm-up {plan['warmup']} s, "
           f"measured {plan['duration']} s)"
           + (f"  [workload ran out of operations {ran_dry(report)}]" if report["exhausted"] else ""),
           f"  submitted {report['submitted']}  committed valid {report['committed']}  "
           + (f"answered (queries) {report['answered']}  " if report["answered"] else "")
           + "  ".join(f"{k} {v}" for k, v in report["failed"].items() if v)
           + (f"  not sent {report['not_sent']} ({_not_sent_causes(report)})" if report.get("not_sent") else ""),
           f"  throughput {throughput_text}  latency{_latency_text(report, fmt)}"]
    if report["exhausted"]:
        out.append("  ran out of operations: no CPU per tx (the CPU counters span the whole window, its idle end "
                   "included); a larger --pool avoids it where the workload takes one (the hot key's family takes "
                   "a fixed number of transfers)")
    if (shares := report.get("client_processes", [])) and len(shares) > 1:
        each = ((lambda s: f"{s['rate']:g}/s from {s['phase_s'] * 1000:.1f} ms, at most {s['max_in_flight']} in flight")
                if plan["mode"] == "rate"
                else (lambda s: f"{s['concurrency']} in flight"))
        out.append(f"  {len(shares)} client processes: "
                   + ", ".join(f"{s['name']} {each(s)} (pool {s['pool_size']})" for s in shares))
    for name, cpu in sorted(report["cpu"].items(), key=lambda kv: (kv[1]["kind"], kv[0])):
        per = cpu["cpu_s_per_tx"]
        out.append(f"  cpu {cpu['kind']:<9} {name:<28} "
                   + ("not measured" if cpu["cpu_s"] is None else
                      f"{cpu['cpu_s']:.2f} s" + ("" if per is None else f"  {per * 1000:.2f} ms/tx")))
    return out


def _not_sent_causes(report: Mapping[str, Any]) -> str:
    """What kept the operations that sent nothing from being sent, most frequent first (the five first)."""
    causes = report.get("failed_detail", {}).get(NOT_SUBMITTED[0], {})
    return ", ".join(f"{detail} ({count})" for detail, count in causes.items()) or "no detail"


def _latency_text(report: Mapping[str, Any], fmt) -> str:
    """The percentiles with the number of committed operations they are of; where none committed, that said
    plainly, with what it leaves out (the CPU per tx divides by the committed transactions too)."""
    if report["committed"]:
        return (f" of the {report['committed']} committed: "
                + "  ".join(f"p{p} {fmt(report['latency_s'].get(f'p{p}'))}" for p in PERCENTILES))
    if report["submitted"]:
        why = ("no operation due in the measured window committed (the counts above say what became of the "
               f"{report['submitted']} sent)")
    elif due_in_window(report):
        why = f"none of the {due_in_window(report)} operations due in the measured window was sent (not sent above)"
    else:
        why = "no operation was due in the measured window"
    return f": none, {why}; no CPU per tx either"


def due_in_window(report: Mapping[str, Any]) -> int:
    """How many operations were due in the measured window: those submitted and those that sent nothing (a report
    written before ``not_sent`` was counted apart holds them among ``submitted``)."""
    return report["submitted"] + report.get("not_sent", 0)


def write_json(report: Mapping[str, Any], path: Path) -> Path:
    """The report as JSON at ``path``, written whole or not at all: a reader never sees half a report,
    and a write that fails (the disk full) leaves no truncated file."""
    write_atomically(path, json.dumps(report, indent=2, sort_keys=True))
    return path


def check_schema(report: Mapping[str, Any]) -> list[str]:
    """What a report lacks (empty when it is complete); the Node side's JSON is checked the same way."""
    problems = [f"missing {key!r}" for key in REQUIRED_KEYS if key not in report]
    if report.get("schema") not in (None, SCHEMA):
        problems.append(f"schema {report.get('schema')!r} is not {SCHEMA}")
    return problems
