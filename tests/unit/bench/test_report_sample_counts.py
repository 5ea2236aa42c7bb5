"""The text summary of a run says how many operations each figure is of, and says plainly when none committed,
instead of printing placeholders for a latency and a CPU per tx that were never measured."""
from bench.driver import Run
from bench.report import build, lines

from .test_report import PLAN, a_run, sample


def summary(run):
    report = build(run, workload="register", client="python", cpu_usage={"client": 1.0},
                   process_kinds={"client": "client"})
    return lines(report)


def test_the_latency_percentiles_name_how_many_committed_operations_they_are_of():
    latency = [line for line in summary(a_run()) if "latency" in line]
    assert latency == ["  throughput 1.8 tx/s  latency of the 8 committed: p50 550.0 ms  p95 865.0 ms  p99 893.0 ms"]


def test_a_run_that_committed_nothing_says_so_and_prints_no_empty_percentiles():
    text = summary(Run(PLAN, [sample(1.0 + i / 2, 0.2, "timeout") for i in range(7)]))
    assert "  submitted 7  committed valid 0  timeout 7" in text
    assert ("  throughput 0.0 tx/s  latency: none, no operation due in the measured window committed (the counts "
            "above say what became of the 7 sent); no CPU per tx either") in text
    assert not [line for line in text if "p50 -" in line]
    assert "  cpu client    client                       1.00 s" in text


def test_a_run_that_sent_nothing_in_the_window_says_so():
    text = summary(Run(PLAN, []))
    assert ("  throughput 0.0 tx/s  latency: none, no operation was due in the measured window; no CPU per tx "
            "either") in text
