"""The check the bench integration test holds each client's report to (tests/integration/test_bench_on_the_network.py
``check_report``), over crafted reports: it runs only with Fabric, so what it asserts is proven here."""
import pytest

from bench import outcomes
from bench.driver import CONCURRENCY, Plan, Run, Sample
from bench.report import build
from tests.integration.test_bench_on_the_network import check_report


def mixed_report(*causes: str) -> dict:
    """The report of a mixed run of one register for each of ``causes``, every one of them in the measured window."""
    plan = Plan(CONCURRENCY, concurrency=1, warmup=0, duration=10, call_timeout=None)
    samples = [Sample("register", 1.0 + i, 1.0 + i, 1.2 + i, cause,
                      f"tx-{i}" if cause == outcomes.COMMITTED else None,
                      "ValueError: receivable_id '' names nothing" if cause == outcomes.NOT_SENT else "", True)
               for i, cause in enumerate(causes)]
    return build(Run(plan, samples), workload="mixed", client="python", cpu_usage={}, process_kinds={})


def test_a_run_whose_every_call_was_sent_passes():
    check_report(mixed_report(outcomes.COMMITTED, outcomes.COMMITTED, outcomes.MVCC_CONFLICT), "python", set())


def test_a_call_the_sdk_refused_before_sending_fails_the_check_naming_why():
    report = mixed_report(outcomes.COMMITTED, outcomes.COMMITTED, outcomes.NOT_SENT)
    with pytest.raises(AssertionError, match="names nothing"):
        check_report(report, "python", set())
