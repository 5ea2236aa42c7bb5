"""The load driver: issue operations at a fixed rate (open loop) or with a fixed number in flight
(closed loop), through a warm-up and then a measured window.

Open loop: operation i is due at ``phase + i / rate`` seconds after the start
(``phase`` 0 but in a client process's share of a run), whether or not earlier
ones have finished. Its latency is counted from that due time, not
from when the driver got round to sending it, so time spent queueing in the
client (the event loop busy, the ``max_in_flight`` cap reached) shows up in the
figures instead of being left out (coordinated omission).

Closed loop: ``concurrency`` workers each send, wait for the outcome, and send the
next; latency runs from the send. Throughput then measures what the system
sustains at that concurrency.

Counts and latencies belong to the window their operation was due (or sent) in;
throughput counts the committed operations that *finished* inside the measured
window, divided by its length, so a backlog drained after the window does not
inflate it. A workload that runs out of operations (``Run.exhausted``) stops
loading the network at its last send: its throughput is of the window up to that
send (``Run.throughput_window``), not diluted by the idle rest. The clock is
injected: tests drive the scheduling with a fake one.
"""
from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Protocol

from .choices import CONCURRENCY, MAX_RATE, MODES, RATE
from .outcomes import ANSWERED, COMMITTED, SUCCEEDED, Outcome, classify


@dataclass(frozen=True)
class Operation:
    """One call of a workload: its kind (``register``, ``confirm``...) and a coroutine function that
    performs it and returns the tx id of what it committed, or None for a query, which commits nothing
    and counts as ``answered`` (never as a committed transaction)."""

    kind: str
    call: Callable[[], Awaitable[str | None]]


@dataclass(frozen=True)
class Sample:
    """What happened to one operation; times in seconds from the start of the run."""

    kind: str
    due: float          # open loop: the scheduled send time; closed loop: the send time
    sent: float
    finished: float
    cause: str
    tx_id: str | None
    detail: str
    measured: bool      # due inside the measured window

    @property
    def latency(self) -> float:
        return self.finished - self.due

    @property
    def committed(self) -> bool:
        return self.cause == COMMITTED

    @property
    def succeeded(self) -> bool:
        """Committed as valid, or (a query) answered."""
        return self.cause in SUCCEEDED


@dataclass(frozen=True)
class Plan:
    """How to drive: ``mode`` (rate or concurrency), its figure, and the windows in seconds.

    ``call_timeout`` bounds one operation (None: the SDK's own deadlines only);
    ``max_in_flight`` bounds the open loop's outstanding operations so an overload
    cannot exhaust the client (late sends are then counted from their due time).
    ``phase`` delays the open loop's schedule: client process i of n sends at i / rate
    + j * n / rate (``Settings.shares``), so together they send as one process at the
    whole rate would, instead of all n at the same instants.
    """

    mode: str
    rate: float | None = None
    concurrency: int | None = None
    warmup: float = 10.0
    duration: float = 60.0
    call_timeout: float | None = 120.0
    max_in_flight: int = 10_000
    phase: float = 0.0

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"mode {self.mode!r}: choose {' or '.join(MODES)}")
        # An infinite rate would schedule every operation at 0 s and never reach the window's end, and a
        # NaN compares false with everything, so it slips past the range checks below: refuse both first.
        for name in ("rate", "warmup", "duration", "phase"):
            value = getattr(self, name)
            if value is not None and not math.isfinite(value):
                raise ValueError(f"{name} {value}: give a finite number of "
                                 + ("operations per second" if name == "rate" else "seconds"))
        if self.mode == RATE and not (self.rate and self.rate > 0):
            raise ValueError("fixed-rate mode needs a rate above 0 (transactions per second)")
        if self.mode == RATE and self.rate > MAX_RATE:
            raise ValueError(f"rate {self.rate:g}: at most {MAX_RATE:,} operations per second (MAX_RATE); "
                             "for as many as the network takes, use the fixed-concurrency mode")
        if self.mode == CONCURRENCY and not (self.concurrency and self.concurrency >= 1):
            raise ValueError("fixed-concurrency mode needs a concurrency of at least 1")
        if self.warmup < 0 or self.duration <= 0:
            raise ValueError("the warm-up must not be negative and the measured window must be longer than 0 s")
        if self.phase < 0:
            raise ValueError(f"phase {self.phase}: give seconds of 0 or more")
        if self.max_in_flight < 1:
            raise ValueError("max_in_flight must be at least 1")
        if self.call_timeout is not None and not self.call_timeout > 0:      # NaN included
            raise ValueError(f"call_timeout {self.call_timeout}: give seconds above 0, or None for no bound")

    @property
    def end(self) -> float:
        return self.warmup + self.duration

    def in_window(self, t: float) -> bool:
        return self.warmup <= t < self.end


class Clock(Protocol):
    def now(self) -> float: ...

    async def sleep(self, seconds: float) -> None: ...


class MonotonicClock:
    """The real clock: time.monotonic and asyncio.sleep."""

    def now(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))


def last_send(samples: list[Sample]) -> float:
    """When the last of ``samples`` was sent (seconds from the start; 0 for none)."""
    return max((s.sent for s in samples), default=0.0)


@dataclass
class Run:
    """The samples of one drive, the plan, and whether the workload ran out of operations early: before the
    measured window closed (``ran_out_at``).

    ``ran_dry_at``: when a run that ran out sent its last operation (``last_send`` of its samples unless given;
    of client processes, the earliest of theirs). Up to then every worker had an operation to send (closed loop),
    or the schedule was kept (open loop): the load was full; after it, it fell away."""

    plan: Plan
    samples: list[Sample] = field(default_factory=list)
    exhausted: bool = False
    ran_dry_at: float | None = None

    def __post_init__(self) -> None:
        if self.exhausted:
            self.ran_out_at(last_send(self.samples) if self.ran_dry_at is None else self.ran_dry_at)

    def ran_out_at(self, last_sent: float) -> None:
        """The workload ran out of operations, its last sent at ``last_sent``. Sent at the window's end or later
        (an open loop behind its schedule sends its backlog after the window closes), the load was full through
        the whole window: the run counts as one that did not run out, its throughput and CPU per transaction of
        the whole window, rather than "ran out 7.0 s into the 2 s window" with no CPU per transaction."""
        if last_sent >= self.plan.end:
            self.exhausted, self.ran_dry_at = False, None
        else:
            self.exhausted, self.ran_dry_at = True, last_sent

    def measured(self) -> list[Sample]:
        return [s for s in self.samples if s.measured]

    def committed_in_window(self) -> list[Sample]:
        """Committed operations that finished inside the measured window."""
        return self.committed_between(self.plan.warmup, self.plan.end)

    def throughput_window(self) -> tuple[float, float] | None:
        """The stretch of the measured window under full load, (start, end) in seconds: the whole window, or up
        to ``ran_dry_at`` when the workload ran out; None when it ran out before the window opened. Not up to the
        last completion: in a closed loop the workers that find the pool empty stop, so the load falls away
        before the last operations finish, and a slow one (a timeout) would stretch the idle end."""
        end = self.plan.end if self.ran_dry_at is None else min(self.plan.end, self.ran_dry_at)
        return (self.plan.warmup, end) if end > self.plan.warmup else None

    def committed_between(self, start: float, end: float) -> list[Sample]:
        """Committed operations that finished at ``start`` or later and before ``end``."""
        return [s for s in self.samples if s.committed and start <= s.finished < end]


WindowHook = Callable[[str], None]
"""Called with ``"start"`` when the measured window opens and ``"end"`` when it closes (CPU snapshots)."""


async def drive(operations: Iterator[Operation], plan: Plan, *, clock: Clock | None = None,
                on_window: WindowHook | None = None) -> Run:
    """Run ``operations`` under ``plan``; every operation started is awaited before this returns."""
    clock = clock or MonotonicClock()
    run = Run(plan)
    origin = clock.now()
    marks = asyncio.ensure_future(_window_marks(plan, clock, origin, on_window))
    try:
        if plan.mode == RATE:
            await _open_loop(operations, plan, clock, origin, run)
        else:
            await _closed_loop(operations, plan, clock, origin, run)
        if run.exhausted:
            run.ran_out_at(last_send(run.samples))
        await marks
    finally:
        marks.cancel()
    return run


async def _window_marks(plan: Plan, clock: Clock, origin: float, on_window: WindowHook | None) -> None:
    await clock.sleep(plan.warmup - (clock.now() - origin))
    if on_window:
        on_window("start")
    await clock.sleep(plan.end - (clock.now() - origin))
    if on_window:
        on_window("end")


async def _perform(op: Operation, plan: Plan, clock: Clock, origin: float, due: float, run: Run) -> None:
    sent = clock.now() - origin
    try:
        if plan.call_timeout is None:
            tx_id = await op.call()
        else:
            tx_id = await asyncio.wait_for(op.call(), plan.call_timeout)
        outcome = Outcome(ANSWERED if tx_id is None else COMMITTED, tx_id)
    except asyncio.CancelledError:
        raise
    except Exception as error:  # every failure is a counted outcome, never a crash of the run
        outcome = classify(error)
    finished = clock.now() - origin
    run.samples.append(Sample(op.kind, due, sent, finished, outcome.cause, outcome.tx_id, outcome.detail,
                              plan.in_window(due)))


async def _open_loop(operations: Iterator[Operation], plan: Plan, clock: Clock, origin: float, run: Run) -> None:
    slots = asyncio.Semaphore(plan.max_in_flight)
    pending: set[asyncio.Task] = set()
    i = 0
    # i / rate, not i * (1 / rate): the rounded reciprocal puts some due times a hair early, so a window
    # could hold one operation more than the Node script (bench/node/workload.js) sends for the same plan.
    # A client process's share (rate / n from phase i / whole rate) has its rate rounded the same way, so due
    # times are rounded to the nanosecond: 0.1 + 233 / (10 / 3) is 70 s, the window's end, not 69.99999999999999.
    while (due := round(plan.phase + i / plan.rate, 9)) < plan.end:
        await clock.sleep(due - (clock.now() - origin))
        await slots.acquire()               # a full client delays the send; its latency still starts at `due`
        op = next(operations, None)
        if op is None:
            slots.release()
            run.exhausted = True
            break
        task = asyncio.ensure_future(_perform(op, plan, clock, origin, due, run))
        pending.add(task)
        task.add_done_callback(lambda t: (pending.discard(t), slots.release()))
        i += 1
    if pending:
        await asyncio.gather(*pending)


async def _closed_loop(operations: Iterator[Operation], plan: Plan, clock: Clock, origin: float, run: Run) -> None:
    async def worker() -> None:
        while clock.now() - origin < plan.end:
            op = next(operations, None)
            if op is None:
                run.exhausted = True
                return
            await _perform(op, plan, clock, origin, clock.now() - origin, run)

    await asyncio.gather(*(worker() for _ in range(plan.concurrency)))
