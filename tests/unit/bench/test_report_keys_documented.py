"""Every key a benchmark report holds is named in docs/benchmark.md's table of them, and the JSON written holds no
NaN or Infinity where a figure cannot be given (nothing committed, one sample, a run dry in the warm-up)."""
import json
import re
from pathlib import Path

import pytest

from bench import outcomes
from bench.driver import CONCURRENCY, RATE, Plan, Run, Sample
from bench.report import build
from bench.runner import Settings, client_shares

DOCS = Path(__file__).resolve().parents[3] / "docs" / "benchmark.md"
PLAN = Plan(CONCURRENCY, concurrency=2, warmup=1, duration=4, call_timeout=None)
NAMED = {"cpu", "by_kind"}
"""Maps whose keys are names (processes, kinds): their own keys are not checked here, their values' are."""
OPAQUE = {"failed", "failed_detail", "settings", "hot_key", "exactly_once"}
"""Maps of names (causes, details) or documented with what they hold elsewhere: not looked into."""


def keys_table() -> str:
    text = DOCS.read_text()
    start = text.index("### The report's keys")
    return text[start:text.index("\n## ", start)]


def keys_of(value, under: str = "") -> set[str]:
    found: set[str] = set()
    if isinstance(value, dict) and under not in OPAQUE:
        for key, inner in value.items():
            if under not in NAMED:
                found.add(key)
            found |= keys_of(inner, key if under not in NAMED else "")
    elif isinstance(value, list):
        for inner in value:
            found |= keys_of(inner, under)
    return found


def samples(*causes: str) -> list[Sample]:
    return [Sample("register" if i % 2 else "query", 1.0 + i / 4, 1.0 + i / 4, 1.3 + i / 4, cause,
                   f"tx-{i}" if cause == outcomes.COMMITTED else None, "" if cause in outcomes.SUCCEEDED else "x", True)
            for i, cause in enumerate(causes)]


def a_report(run: Run) -> dict:
    shares = client_shares([Settings("mixed", PLAN, 10, None, 2, ())] * 2)
    return build(run, workload="mixed", client="python", cpu_usage={"client-0": 0.5, "peer0.bank": None},
                 process_kinds={"client-0": "client", "peer0.bank": "peer"},
                 extra={"settings": {"batch_timeout": "250ms"}, "client_processes": shares,
                        "hot_key": {}, "exactly_once": {}})


def test_every_key_of_a_report_is_in_the_docs_table():
    report = a_report(Run(PLAN, samples(outcomes.COMMITTED, outcomes.ANSWERED, outcomes.NOT_SENT,
                                        outcomes.MVCC_CONFLICT)))
    table = keys_table()
    undocumented = sorted(key for key in keys_of(report) if not re.search(rf"`{re.escape(key)}`", table))
    assert undocumented == []


def refuse(name: str):
    raise AssertionError(f"{name} in the report's JSON")


@pytest.mark.parametrize("run", [
    Run(PLAN, []),                                                                       # nothing due
    Run(PLAN, samples(outcomes.TIMEOUT, outcomes.NOT_SENT)),                            # nothing committed
    Run(PLAN, samples(outcomes.ANSWERED, outcomes.COMMITTED)),                           # one committed sample
    Run(Plan(RATE, rate=1, warmup=1, duration=4), samples(outcomes.COMMITTED), True, 0.5),   # dry in the warm-up
], ids=["nothing due", "nothing committed", "one committed", "dry in the warm-up"])
def test_a_report_without_a_figure_writes_null_never_nan_or_infinity(run):
    report = json.loads(json.dumps(a_report(run)), parse_constant=refuse)
    if report["committed"] == 1:
        latency = report["latency_s"]
        assert latency["p50"] == latency["p95"] == latency["p99"] == latency["max"] == latency["mean"]
    else:
        assert set(report["latency_s"].values()) == {None} and report["cpu"]["client-0"]["cpu_s_per_tx"] is None
