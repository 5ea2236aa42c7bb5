"""One benchmark run: prepare the workload, drive it, and account the CPU of every process in the window.

With ``clients`` above 1 the load is split across that many client processes
(rate, concurrency, the cap on operations in flight and pool divided evenly: whole
operations in flight and whole receivables differ by at most one between processes and
add up to the figure asked for), each with its own gateway connections; they prepare
their pools, meet at a barrier, and drive together. Their samples are merged into one
report, and each one's CPU is listed as ``client-<n>``. The parent watches them
throughout: one that exits without sending its samples (killed by a signal, the OOM
killer) stops the run with a ClientProcessError naming its exit code, and one that fails during the run
stops it at once, naming its failure (the others are stopped, not waited for). Preparing has no
fixed deadline (a large pool takes as long as it takes): each process reports its
progress, which the parent passes on (a pool's count, tries and last failure at least every
PROGRESS_INTERVAL), and one that makes none for PREPARE_STALL_TIMEOUT while preparing stops
the run, with the last line it said (one that says nothing within PROCESS_START_TIMEOUT of its
start does too). Interrupted (SIGINT to the command alone too), the
parent stops the client processes and ends at once.
"""
from __future__ import annotations

import asyncio
import dataclasses
import multiprocessing
import os
import queue
import signal
import threading
import time
from collections.abc import Callable, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import cpu
from .driver import CONCURRENCY, RATE, Clock, Plan, Run, Sample, drive, last_send
from .network_session import open_parties, step_timeouts
from .workloads import WORKLOADS, Workload, merge_findings, mode_refusal

INTERRUPTED = "interrupted: the client processes were stopped"
PREPARE_STALL_TIMEOUT = 600.0   # the longest a client process may prepare without reporting progress
# The longest a client process may take from its start to its first line: starting Python and importing the SDK
# is not preparing, and takes many seconds on a loaded machine, so it is not held to the stall timeout.
PROCESS_START_TIMEOUT = 600.0
WATCH_INTERVAL = 1.0      # how often the parent checks that the client processes it waits for are alive
FAILURE_GRACE = 1.0       # after one client process fails, the longest the others' answers are awaited
ALONGSIDE_POLL = 0.05     # how often, meanwhile, the parent looks whether those it waits for have exited


class ClientProcessError(RuntimeError):
    """A client process failed; the message names each one and its error."""


@dataclass(frozen=True)
class Settings:
    """What to run, against which network data folder, from how many client processes."""

    workload: str
    plan: Plan
    pool_size: int
    data_root: Path | None = None
    clients: int = 1
    grpc_options: tuple[tuple[str, Any], ...] = ()
    prepare_concurrency: int = 16

    def __post_init__(self) -> None:
        if self.clients < 1:
            raise ValueError(f"clients {self.clients}: a run needs at least one client process")
        if self.plan.mode == CONCURRENCY and self.clients > self.plan.concurrency:
            raise ValueError(f"{self.clients} client processes for a concurrency of {self.plan.concurrency}: each "
                             f"process needs at least one operation in flight; use at most {self.plan.concurrency} "
                             "client processes or a higher concurrency")
        if self.plan.mode == RATE and self.clients > self.plan.max_in_flight:
            raise ValueError(f"{self.clients} client processes for at most {self.plan.max_in_flight} operations in "
                             f"flight: each process needs at least one; use at most {self.plan.max_in_flight} client "
                             "processes or a higher cap")
        if self.workload not in WORKLOADS:
            raise ValueError(f"workload {self.workload!r}: choose one of {', '.join(WORKLOADS)}")
        if self.plan.mode not in WORKLOADS[self.workload].modes:
            raise ValueError(mode_refusal(self.workload, self.plan.mode))

    def shares(self) -> list["Settings"]:
        """This run divided among its client processes, one Settings each (``clients`` 1): process i gets
        c // n + (i < c % n) of a concurrency c, and of the pool likewise, so the shares add up to the
        figures asked for; in rate mode each sends at rate / n, process i starting i / rate later than
        process 0 (its ``phase``), so their sends interleave one every 1 / rate as one process's would,
        instead of all n at the same instants. The cap on operations in flight is split
        the same way, so together they keep no more outstanding than asked for (rate mode, where the cap
        applies, refuses more processes than it; concurrency mode, which does not use it, gives each at least
        1). A workload whose pool is per process (the hot key's: each process has its own family) gives each
        the whole pool."""
        n = self.clients
        plan = self.plan
        caps = [max(1, cap) for cap in split_evenly(plan.max_in_flight, n)]
        if plan.mode == CONCURRENCY:
            plans = [dataclasses.replace(plan, concurrency=c, max_in_flight=cap)
                     for c, cap in zip(split_evenly(plan.concurrency, n), caps)]
        else:
            plans = [dataclasses.replace(plan, rate=plan.rate / n, phase=i / plan.rate, max_in_flight=cap)
                     for i, cap in enumerate(caps)]
        pools = [self.pool_size] * n if WORKLOADS[self.workload].pool_per_process else split_evenly(self.pool_size, n)
        return [dataclasses.replace(self, plan=p, pool_size=pool, clients=1) for p, pool in zip(plans, pools)]


def split_evenly(total: int, n: int) -> list[int]:
    """``total`` in ``n`` whole parts that differ by at most one, the larger ones first; they add up to ``total``."""
    return [total // n + (i < total % n) for i in range(n)]


def client_shares(shares: Sequence[Settings]) -> list[dict[str, Any]]:
    """What each client process ran, for the report: its name, its rate and phase or its concurrency, its cap
    on operations in flight, and its pool."""
    return [{"name": f"client-{i}", "rate": s.plan.rate, "phase_s": s.plan.phase, "concurrency": s.plan.concurrency,
             "max_in_flight": s.plan.max_in_flight, "pool_size": s.pool_size}
            for i, s in enumerate(shares)]


@dataclass
class Measured:
    """A finished run: its samples, the CPU seconds of each process in the measured window, and what the
    workload checked on the ledger afterwards (``Workload.conclude``)."""

    run: Run
    cpu_usage: dict[str, float | None]
    process_kinds: dict[str, str]
    touched: set[str]
    findings: dict[str, Any] = field(default_factory=dict)
    shares: list[dict[str, Any]] = field(default_factory=list)   # per client process, with more than one


async def execute(workload: Workload, plan: Plan, processes: Sequence[cpu.Watched], *,
                  clock: Clock | None = None) -> Measured:
    """Drive a prepared workload; the processes' CPU is read when the measured window opens and closes."""
    snapshots: dict[str, dict[str, float | None]] = {}
    run = await drive(workload.operations(), plan, clock=clock,
                      on_window=lambda mark: snapshots.__setitem__(mark, cpu.snapshot(processes)))
    usage = cpu.usage_between(snapshots.get("start", {}), snapshots.get("end", {}))
    findings = await workload.conclude()
    return Measured(run, usage, {p.name: p.kind for p in processes}, set(workload.touched), findings)


async def run_on_network(settings: Settings, codes: dict[str, str], network_processes: Sequence[cpu.Watched], *,
                         say: Callable[[str], None] = print) -> Measured:
    """The run in this process (``clients`` = 1) or across client processes."""
    if settings.clients > 1:
        interrupted = threading.Event()
        try:
            return await asyncio.to_thread(_across_processes, settings, codes, network_processes, say,
                                           interrupted=interrupted)
        except asyncio.CancelledError:
            # Ctrl-C, or SIGINT to this process alone: asyncio.run cancels this task but then waits for the
            # thread, which stops its client processes and returns when told
            interrupted.set()
            raise
    async with AsyncExitStack() as stack:
        parties = await open_parties(stack, codes, settings.data_root, settings.grpc_options,
                                     step_timeouts(settings.plan.call_timeout))
        workload = WORKLOADS[settings.workload](parties)
        await workload.prepare(settings.pool_size, concurrency=settings.prepare_concurrency, say=say)
        watched = [cpu.Watched("client", "client", os.getpid()), *network_processes]
        return await execute(workload, settings.plan, watched)


# ---- several client processes --------------------------------------------------------------

READY = None   # what a client process puts on the progress queue once its pool is prepared


def _client_process(settings: Settings, codes: dict[str, str], barrier, results, index: int, progress) -> None:
    """A client process: prepare its share (its progress lines, then READY, put on ``progress``), wait for the
    others, drive, send back samples and its own CPU. It waits at the barrier for as long as the parent lives:
    the parent breaks the barrier when another process fails or stalls."""
    threading.Thread(target=_exit_with_parent, daemon=True).start()
    passed = threading.Event()

    async def main() -> dict[str, Any]:
        async with AsyncExitStack() as stack:
            parties = await open_parties(stack, codes, settings.data_root, settings.grpc_options,
                                         step_timeouts(settings.plan.call_timeout))
            workload = WORKLOADS[settings.workload](parties)
            await workload.prepare(settings.pool_size, concurrency=settings.prepare_concurrency,
                                   say=lambda line: progress.put((index, line)))
            progress.put((index, READY))
            await asyncio.to_thread(barrier.wait)
            passed.set()
            me = [cpu.Watched(f"client-{index}", "client", os.getpid())]
            measured = await execute(workload, settings.plan, me)
            return {"samples": [dataclasses.astuple(s) for s in measured.run.samples],
                    "exhausted": measured.run.exhausted, "cpu": measured.cpu_usage, "touched": sorted(measured.touched),
                    "findings": measured.findings}

    try:
        results.put((index, asyncio.run(main()), None))
    except BaseException as error:  # reported by the parent, which then stops the run
        if not passed.is_set():   # after it, breaking the barrier could fail the parent's wait still returning
            barrier.abort()
        results.put((index, None, f"{type(error).__name__}: {error}"))


def _across_processes(settings: Settings, codes: dict[str, str], network_processes: Sequence[cpu.Watched],
                      say: Callable[[str], None], *, client: Callable[..., None] = _client_process,
                      interrupted: threading.Event | None = None) -> Measured:
    """``client`` is the client process's body (``_client_process``; tests give stand-ins that die). Setting
    ``interrupted`` (from another thread) stops the client processes and ends this with a ClientProcessError
    within about WATCH_INTERVAL, while they prepare or during the run."""
    interrupted = interrupted or threading.Event()
    n = settings.clients
    context = multiprocessing.get_context("spawn")
    barrier, results, progress = context.Barrier(n + 1), context.Queue(), context.Queue()
    shares = settings.shares()
    children = [context.Process(target=client, args=(share, codes, barrier, results, i, progress), daemon=True)
                for i, share in enumerate(shares)]
    for child in children:
        child.start()
    say(f"  {n} client processes preparing their pools")
    passed = threading.Event()
    stalled: list[int] = []
    last_said: list[str | None] = [None] * n
    watcher = threading.Thread(target=_abort_if_one_exits,
                               args=(children, barrier, passed, progress, say, stalled, interrupted, last_said),
                               daemon=True)
    watcher.start()
    try:
        barrier.wait()
    except threading.BrokenBarrierError:
        if interrupted.is_set():
            _stop(children)
            raise ClientProcessError(INTERRUPTED) from None
        stopped = set(stalled)
        for index in stalled:   # stuck in its preparation, it would not see the broken barrier
            children[index].terminate()
        for index, child in enumerate(children):   # each one fails on the broken barrier too, and says why it stopped
            child.join(timeout=30)
            if child.is_alive():
                child.terminate()
                stopped.add(index)
        said = {index: failure for index, _, failure in _drain(results) if failure}
        failures = [f"client-{index}: no progress preparing its pool for {PREPARE_STALL_TIMEOUT:g} s (stopped)"
                    f"; it last said: {' '.join(last_said[index].split())}" if last_said[index] is not None else
                    f"client-{index}: not a word within {PROCESS_START_TIMEOUT:g} s of its start (stopped)"
                    for index in stalled]
        failures += [f"client-{index}: {failure}" for index, failure in sorted(said.items())]
        failures += [f"client-{index}: {_exit_description(child.exitcode)} while preparing its pool"
                     for index, child in enumerate(children)
                     if index not in said and index not in stopped and child.exitcode != 0]
        raise ClientProcessError("client processes failed before the run: "
                                 + ("; ".join(failures) or "the barrier broke")) from None
    finally:
        passed.set()
        watcher.join()
    snapshots = {}
    timers = [threading.Timer(settings.plan.warmup, lambda: snapshots.__setitem__("start", cpu.snapshot(network_processes))),
             threading.Timer(settings.plan.end, lambda: snapshots.__setitem__("end", cpu.snapshot(network_processes)))]
    for t in timers:
        t.start()
    answers, silent = _gather(children, results, interrupted)
    failures = [f"client-{index}: {failure}" for index, (_, failure) in sorted(answers.items()) if failure]
    if silent or interrupted.is_set() or failures:
        for t in timers:   # the run failed: its window is not measured, nor waited out
            t.cancel()
        running = [index for index, child in enumerate(children) if index not in answers and child.is_alive()]
        _stop(children)
        if interrupted.is_set():
            raise ClientProcessError(INTERRUPTED)
        raise ClientProcessError("client processes failed: " + "; ".join(
            [f"client-{index}: {_exit_description(children[index].exitcode)} without sending its samples"
             for index in silent] + failures)
            + ("; the other client processes were stopped" if running else "")
            + (" (a SIGKILL is often the OOM killer: see the system log)" if silent else ""))
    for t in timers:
        t.join()
    for child in children:
        child.join(timeout=10)
    collected = {index: result for index, (result, _) in answers.items()}
    merged = Run(merged_plan(settings.plan, shares))
    usage = cpu.usage_between(snapshots.get("start", {}), snapshots.get("end", {}))
    kinds = {p.name: p.kind for p in network_processes}
    touched: set[str] = set()
    ran_dry: list[float] = []
    for index, result in sorted(collected.items()):
        samples = [Sample(*row) for row in result["samples"]]
        merged.samples.extend(samples)
        if result["exhausted"]:
            ran_dry.append(last_send(samples))
        usage.update(result["cpu"])
        kinds.update({name: "client" for name in result["cpu"]})
        touched.update(result["touched"])
    # the load was whole until the first process ran out: the others' later sends were a part of it
    merged.exhausted, merged.ran_dry_at = bool(ran_dry), min(ran_dry, default=None)
    findings = merge_findings([result["findings"] for _, result in sorted(collected.items())])
    return Measured(merged, usage, kinds, touched, findings, client_shares(shares))


def merged_plan(plan: Plan, shares: Sequence[Settings]) -> Plan:
    """The plan the client processes ran together: in concurrency mode their concurrencies added up; in rate
    mode the rate asked for, of which each sent an n-th (a float sum of the n-ths could be off in the last digit)."""
    if plan.mode == CONCURRENCY:
        return dataclasses.replace(plan, concurrency=sum(s.plan.concurrency for s in shares))
    return plan


def _abort_if_one_exits(children: Sequence[multiprocessing.Process], barrier, passed: threading.Event, progress,
                        say: Callable[[str], None], stalled: list[int], interrupted: threading.Event,
                        last_said: list[str | None]) -> None:
    """Until the barrier is passed: pass each client process's progress lines on to ``say``, and break the barrier
    when one exits (one that fails in Python aborts it itself, but one killed by a signal cannot), when one still
    preparing reports no progress for PREPARE_STALL_TIMEOUT (then ``stalled`` names it: a pool's line every
    PROGRESS_INTERVAL that repeats the one before it, its tries stuck, is no progress), or when ``interrupted``."""
    started = time.monotonic()
    heard: list[float | None] = [None] * len(children)    # when each last made progress; None: not a word yet
    ready = [False] * len(children)
    while not passed.wait(WATCH_INTERVAL):
        _pass_on(progress, say, heard, ready, last_said)
        if interrupted.is_set() or any(child.exitcode is not None for child in children):
            barrier.abort()
            return
        now = time.monotonic()
        silent = [i for i, last in enumerate(heard)
                  if not ready[i] and (now - started > PROCESS_START_TIMEOUT if last is None
                                       else now - last > PREPARE_STALL_TIMEOUT)]
        if silent:
            stalled.extend(silent)
            barrier.abort()
            return
    _pass_on(progress, say, heard, ready, last_said)   # the lines sent just before the barrier


def _pass_on(progress, say: Callable[[str], None], heard: list[float | None], ready: list[bool],
             last_said: list[str | None]) -> None:
    """Say the progress lines the client processes have sent, noting when each last made progress (a line unlike
    its previous one), its last line, and when it is ready."""
    while True:
        try:
            index, line = progress.get(timeout=0.1)
        except queue.Empty:
            return
        if line is READY or line != last_said[index]:
            heard[index] = time.monotonic()
        if line is READY:
            ready[index] = True
            say(f"  client-{index}: pool ready, waiting for the others")
        else:   # every line marked: an SDK error has a line per peer
            last_said[index] = line
            for part in line.splitlines():
                say(f"  client-{index}:{part}")


def _exit_with_parent() -> None:
    """In a client process: end it if the parent ends, so none waits at the barrier for a parent that is gone."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        parent.join()
        os._exit(1)


def _gather(children: Sequence[multiprocessing.Process], results,
            interrupted: threading.Event) -> tuple[dict[int, tuple[Any, str | None]], list[int]]:
    """Each client process's (result, failure) as it sends them, and the indexes of any that exited without
    sending one. A failure, or one exiting silently, ends the wait: the rest are not waited for (after a failure,
    the others' answers for up to FAILURE_GRACE, as when a Ctrl-C reaches them all: ``_read_alongside``).
    When ``interrupted``, what has come so far."""
    answers: dict[int, tuple[Any, str | None]] = {}
    while len(answers) < len(children) and not interrupted.is_set():
        if any(failure for _, failure in answers.values()):
            break
        try:
            index, result, failure = results.get(timeout=WATCH_INTERVAL)
        except queue.Empty:
            exited = [i for i, child in enumerate(children) if i not in answers and child.exitcode is not None]
            if not exited:
                continue
            # a process that exited normally flushed what it sent into the pipe first: read that before
            # counting it as silent
            answers.update({index: (result, failure) for index, result, failure in _drain(results)})
            silent = [i for i in exited if i not in answers]
            if silent:
                return answers, silent
            continue
        answers[index] = (result, failure)
        if failure:
            _read_alongside(children, results, answers)
    return answers, []


def _read_alongside(children: Sequence[multiprocessing.Process], results,
                    answers: dict[int, tuple[Any, str | None]]) -> None:
    """After a client process's failure, the answers the others send within FAILURE_GRACE (a Ctrl-C fails them all
    within moments, each saying so), added to ``answers``: the wait ends as soon as each has answered or exited,
    and what those that exited sent is read from the pipe, where they flushed it before they did."""
    deadline = time.monotonic() + FAILURE_GRACE
    while any(i not in answers and child.exitcode is None for i, child in enumerate(children)) \
            and (left := deadline - time.monotonic()) > 0:
        try:
            index, result, failure = results.get(timeout=min(left, ALONGSIDE_POLL))
        except queue.Empty:
            continue
        answers[index] = (result, failure)
    answers.update({index: (result, failure) for index, result, failure in _drain(results)})


def _stop(children: Sequence[multiprocessing.Process]) -> None:
    for child in children:
        if child.is_alive():
            child.terminate()
    for child in children:
        child.join(timeout=10)
        if child.is_alive():
            child.kill()
            child.join()


def _exit_description(exitcode: int | None) -> str:
    """'exited with code 3', or 'killed by SIGKILL' for a negative exit code (multiprocessing's way of
    saying a signal ended it)."""
    if exitcode is not None and exitcode < 0:
        try:
            return f"killed by {signal.Signals(-exitcode).name} (exit code {exitcode})"
        except ValueError:
            pass
    return f"exited with code {exitcode}"


def _drain(results) -> list[tuple[int, Any, str | None]]:
    """The answers that have come, without waiting for more: each process that exited flushed its answer into the
    pipe before it did, and one still running is waited for, where it is, by the caller (``_read_alongside``)."""
    out = []
    while True:
        try:
            out.append(results.get_nowait())
        except queue.Empty:
            return out
