"""The driver's own logic, on a virtual clock with plain async callables standing in for SDK calls.
(Scheduling and accounting only: none of this measures the product.)"""
import asyncio
import itertools

import pytest
from fabric_protos.peer import transaction_pb2

from bench.driver import CONCURRENCY, RATE, Operation, Plan, drive
from bench.outcomes import ANSWERED, COMMITTED, MVCC_CONFLICT, TIMEOUT
from client.gateway import CommitError

from .fakeclock import FakeClock, run_with


def taking(clock, seconds, kind="op"):
    """Endless operations that each take `seconds` of virtual time and commit tx-<n>."""
    counter = itertools.count()

    def make():
        n = next(counter)

        async def call():
            await clock.sleep(seconds)
            return f"tx-{n}"
        return Operation(kind, call)
    return iter(make, None)


def test_open_loop_sends_on_schedule_and_measures_the_window():
    clock = FakeClock()
    plan = Plan(RATE, rate=10, warmup=1, duration=2, call_timeout=None)
    run = run_with(clock, drive(taking(clock, 0.05), plan, clock=clock))
    assert len(run.samples) == 30                                   # due at 0.0, 0.1, ... 2.9
    dues = sorted(s.due for s in run.samples)
    assert dues == pytest.approx([i / 10 for i in range(30)])
    assert all(s.sent == pytest.approx(s.due) for s in run.samples)
    assert all(s.latency == pytest.approx(0.05) for s in run.samples)
    assert len(run.measured()) == 20                                # due in [1, 3)
    assert {s.cause for s in run.samples} == {COMMITTED}
    assert len({s.tx_id for s in run.samples}) == 30


def test_open_loop_latency_counts_from_the_scheduled_time_when_the_client_falls_behind():
    # One operation at a time, 0.25 s each, due every 0.1 s: sends slip further and further behind.
    clock = FakeClock()
    plan = Plan(RATE, rate=10, warmup=0, duration=1, call_timeout=None, max_in_flight=1)
    run = run_with(clock, drive(taking(clock, 0.25), plan, clock=clock))
    samples = sorted(run.samples, key=lambda s: s.due)
    finished_before = 0.0
    for i, s in enumerate(samples):
        due = i / 10
        sent = max(due, finished_before)           # the recurrence of a one-slot queue
        assert s.due == pytest.approx(due)
        assert s.sent == pytest.approx(sent)
        assert s.latency == pytest.approx(sent + 0.25 - due)
        finished_before = sent + 0.25
    # Measured from the send, every latency would be 0.25: the queueing would be hidden.
    assert samples[-1].latency > samples[-1].finished - samples[-1].sent


def test_closed_loop_keeps_the_concurrency_and_counts_throughput_by_completion():
    clock = FakeClock()
    plan = Plan(CONCURRENCY, concurrency=3, warmup=1, duration=2, call_timeout=None)
    run = run_with(clock, drive(taking(clock, 0.5), plan, clock=clock))
    assert len(run.samples) == 18                                   # 3 workers x sends at 0, 0.5, ... 2.5
    assert len(run.measured()) == 12                                # sent in [1, 3)
    assert len(run.committed_in_window()) == 12                     # finished at 1.0 .. 2.5 (3.0 is outside)
    assert all(s.latency == pytest.approx(0.5) for s in run.samples)


def test_the_window_hook_fires_when_the_window_opens_and_closes():
    clock = FakeClock()
    marks = []
    plan = Plan(RATE, rate=4, warmup=1.5, duration=2, call_timeout=None)
    run_with(clock, drive(taking(clock, 0.1), plan, clock=clock, on_window=lambda m: marks.append((m, clock.now()))))
    assert marks == [("start", 1.5), ("end", 3.5)]


def test_failures_are_counted_by_cause_and_the_run_goes_on():
    clock = FakeClock()
    counter = itertools.count()

    def make():
        n = next(counter)

        async def call():
            await clock.sleep(0.1)
            if n % 2:
                raise CommitError(transaction_id=f"tx-{n}", validation_code=transaction_pb2.MVCC_READ_CONFLICT,
                                  block_number=7)
            return f"tx-{n}"
        return Operation("transfer", call)

    run = run_with(clock, drive(iter(make, None), Plan(RATE, rate=10, warmup=0, duration=1, call_timeout=None),
                                clock=clock))
    causes = [s.cause for s in sorted(run.samples, key=lambda s: s.due)]
    assert causes == [COMMITTED, MVCC_CONFLICT] * 5
    conflicted = [s for s in run.samples if s.cause == MVCC_CONFLICT]
    assert all(s.tx_id and s.detail == "MVCC_READ_CONFLICT" for s in conflicted)


def test_a_workload_that_runs_dry_is_flagged():
    clock = FakeClock()
    ops = itertools.islice(taking(clock, 0.1), 5)
    run = run_with(clock, drive(ops, Plan(RATE, rate=10, warmup=0, duration=2, call_timeout=None), clock=clock))
    assert len(run.samples) == 5 and run.exhausted
    run = run_with(clock, drive(itertools.islice(taking(clock, 0.1), 4),
                                Plan(CONCURRENCY, concurrency=2, warmup=0, duration=2, call_timeout=None), clock=clock))
    assert len(run.samples) == 4 and run.exhausted


def test_a_query_answered_without_a_tx_id_is_answered_and_not_a_committed_transaction():
    clock = FakeClock()

    async def query():
        await clock.sleep(0.1)
        return None

    async def register():
        await clock.sleep(0.1)
        return "tx-register"

    ops = iter([Operation("query", query), Operation("register", register)])
    run = run_with(clock, drive(ops, Plan(RATE, rate=10, warmup=0, duration=1, call_timeout=None), clock=clock))
    assert [(s.kind, s.cause, s.tx_id) for s in run.samples] == [("query", ANSWERED, None),
                                                                  ("register", COMMITTED, "tx-register")]
    assert [s.kind for s in run.committed_in_window()] == ["register"]     # the throughput's numerator
    assert all(s.succeeded for s in run.samples)


def test_an_operation_past_the_call_timeout_counts_as_a_timeout():
    async def never():
        await asyncio.Event().wait()

    ops = iter([Operation("register", never)])
    run = asyncio.run(drive(ops, Plan(CONCURRENCY, concurrency=1, warmup=0, duration=0.5, call_timeout=0.01)))
    assert [s.cause for s in run.samples] == [TIMEOUT]


@pytest.mark.parametrize("kwargs, message", [
    (dict(mode="burst"), "choose rate or concurrency"),
    (dict(mode=RATE), "rate above 0"),
    (dict(mode=CONCURRENCY, concurrency=0), "at least 1"),
    (dict(mode=RATE, rate=1, duration=0), "longer than 0"),
    # not finite: inf would schedule every operation at 0 s and never end; nan slips past every comparison
    (dict(mode=RATE, rate=float("inf")), "rate inf: give a finite number of operations per second"),
    (dict(mode=RATE, rate=float("nan")), "rate nan: give a finite number"),
    (dict(mode=RATE, rate=1, warmup=float("nan")), "warmup nan: give a finite number of seconds"),
    (dict(mode=CONCURRENCY, concurrency=1, warmup=float("inf")), "warmup inf: give a finite number of seconds"),
    (dict(mode=RATE, rate=1, duration=float("inf")), "duration inf: give a finite number of seconds"),
    (dict(mode=RATE, rate=1, duration=float("nan")), "duration nan"),
    (dict(mode=RATE, rate=1, call_timeout=float("nan")), "call_timeout nan: give seconds above 0"),
    (dict(mode=RATE, rate=1, call_timeout=0), "call_timeout 0: give seconds above 0"),
    (dict(mode=RATE, rate=1, phase=-0.5), "phase -0.5: give seconds of 0 or more"),
    (dict(mode=RATE, rate=1, phase=float("nan")), "phase nan: give a finite number of seconds"),
])
def test_a_plan_that_cannot_run_is_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Plan(**kwargs)


@pytest.mark.parametrize("rate, warmup, duration, sent, measured", [
    # rates where i * (1 / rate) rounds below i / rate at the window's end: one operation too many
    (49, 0, 1, 49, 49), (49, 0.5, 0.5, 49, 24), (98, 1, 1, 196, 98), (103, 0, 1, 103, 103),
])
def test_the_open_loop_sends_what_is_due_before_the_window_ends_and_no_more(rate, warmup, duration, sent, measured):
    clock = FakeClock()
    plan = Plan(RATE, rate=rate, warmup=warmup, duration=duration, call_timeout=None)
    run = run_with(clock, drive(taking(clock, 0.001), plan, clock=clock))
    # operation i is due at i / rate (as docs/benchmark.md and bench/node/workload.js say): those due before
    # warmup + duration are sent, and of them those due from the warm-up's end on are measured
    assert (len(run.samples), len(run.measured())) == (sent, measured)
    assert sorted(s.due for s in run.samples) == pytest.approx([i / rate for i in range(sent)], abs=1e-9)
