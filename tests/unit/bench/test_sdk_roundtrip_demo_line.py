"""`python -m bench.sdk_roundtrip`'s demo line: the transactions each run committed, not the last run's as
every run's."""
import json
import subprocess
from types import SimpleNamespace

from click.testing import CliRunner

from bench import sdk_roundtrip
from bench.sdk_roundtrip import time_demo


def demo_runs_committing(*counts: int) -> dict:
    committed = iter(counts)

    def run(command, **_):
        steps = [{"tx_id": str(i)} for i in range(next(committed))]
        return subprocess.CompletedProcess(command, 0, json.dumps({"steps": steps}), "")

    return time_demo(["recfin", "demo"], len(counts), run=run, clock=lambda: 0.0)


def printed_demo_line(monkeypatch, tmp_path, *counts: int) -> str:
    """The demo line `python -m bench.sdk_roundtrip` prints after demo runs that committed ``counts``."""
    net = SimpleNamespace(data_root=tmp_path, status=lambda: [])
    monkeypatch.setattr(sdk_roundtrip, "running_network", lambda topology, root: (net, []))
    monkeypatch.setattr(sdk_roundtrip, "ensure_feature_chaincode", lambda network, say: None)

    async def no_phases(*_):
        return []

    monkeypatch.setattr(sdk_roundtrip, "_run_phases", no_phases)
    monkeypatch.setattr(sdk_roundtrip, "time_demo", lambda command, runs: demo_runs_committing(*counts))
    result = CliRunner().invoke(sdk_roundtrip.main, ["--demo-runs", str(len(counts))])
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()[-1]


def test_the_demo_line_gives_each_runs_own_transactions_when_they_differ(monkeypatch, tmp_path):
    # the last run's 7 read as "7 transactions each" for runs of 12 and 7
    assert printed_demo_line(monkeypatch, tmp_path, 12, 7) == (
        "demo on the warm network: median 0.0 s over 2 run(s), transactions by run: 12, 7")


def test_the_demo_line_gives_one_count_when_every_run_committed_as_many(monkeypatch, tmp_path):
    assert printed_demo_line(monkeypatch, tmp_path, 7, 7, 7).endswith("over 3 run(s), 7 transactions each")
