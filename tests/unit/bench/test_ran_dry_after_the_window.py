"""A fixed-rate run behind its schedule whose pool runs out, but whose last send comes after the measured window
closed, loaded the network through the whole window: it is no run that ran out (on a virtual clock)."""
import itertools

from bench.driver import RATE, Operation, Plan, Run, Sample, drive
from bench.outcomes import COMMITTED
from bench.report import build, lines

from .fakeclock import FakeClock, run_with

PLAN = Plan(RATE, rate=10, warmup=0, duration=2, call_timeout=None, max_in_flight=1)


def pool_of(clock, size, seconds):
    """``size`` operations, each taking ``seconds`` of virtual time and committing."""
    counter = itertools.count()

    def make():
        n = next(counter)
        if n >= size:
            return None

        async def call():
            await clock.sleep(seconds)
            return f"tx-{n}"
        return Operation("confirm", call)
    return iter(make, None)


def test_a_backlog_sent_after_the_window_closed_is_no_run_that_ran_out():
    # one in flight, 0.5 s each, due every 0.1 s: the 15 operations (due up to 1.4 s, inside the 2 s window) are
    # sent every 0.5 s, the last at 7.0 s; the network had one in flight from the start to past the window's end
    clock = FakeClock()
    run = run_with(clock, drive(pool_of(clock, 15, 0.5), PLAN, clock=clock))
    assert max(s.sent for s in run.samples) == 7.0
    assert (run.exhausted, run.ran_dry_at) == (False, None)
    report = build(run, workload="confirm", client="python", cpu_usage={"client": 1.0},
                   process_kinds={"client": "client"})
    assert report["throughput_window_s"] == 2
    assert report["cpu"]["client"]["cpu_s_per_tx"] == 1.0 / 3     # commits at 0.5, 1.0 and 1.5 s
    assert not any("ran out" in line for line in lines(report))


def test_a_run_whose_last_send_is_inside_the_window_still_ran_out():
    clock = FakeClock()
    run = run_with(clock, drive(pool_of(clock, 3, 0.05), Plan(RATE, rate=10, warmup=0, duration=2,
                                                               call_timeout=None), clock=clock))
    assert (run.exhausted, run.ran_dry_at) == (True, 0.2)


def test_a_report_built_from_samples_and_a_ran_out_flag_alone_is_judged_the_same():
    # as the Node client's report is (bench/node_compare.py report_from): its last send after the window's end
    samples = [Sample("confirm", 1.4, 7.0, 7.5, COMMITTED, "tx-14", "", True)]
    assert (Run(PLAN, samples, True).exhausted, Run(PLAN, samples, True).ran_dry_at) == (False, None)
    samples = [Sample("confirm", 1.4, 1.9, 2.4, COMMITTED, "tx-14", "", True)]
    assert (Run(PLAN, samples, True).exhausted, Run(PLAN, samples, True).ran_dry_at) == (True, 1.9)
