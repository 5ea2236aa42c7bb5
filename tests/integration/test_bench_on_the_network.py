"""`recfin bench` on the real network, briefly: the mixed workload from recfin's client alone, as most runs are,
and from recfin's client and the official Node client (`@hyperledger/fabric-gateway`, installed by scripts/install)
side by side, with the files an operator reads afterwards. The figures are printed for the log, never held to a
target: a run this short on a shared machine measures little, and timings do not belong in assertions.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bench import node_compare
from cli.main import main

KINDS = {"register", "confirm", "transfer", "query"}   # the mixed workload's (bench/workloads.py MIX)
SHORT_MIXED_RUN = ["bench", "--workload", "mixed", "--mode", "concurrency", "--concurrency", "4", "--warmup", "2",
                   "--duration", "10", "--json"]
PYTHON_PROCESSES = {"client", "peer", "orderer", "chaincode"}   # recfin's run reads every process's CPU


def short_mixed_run(topology_file: Path, data_root: Path, out: Path, *more: str) -> dict:
    """`recfin bench` of SHORT_MIXED_RUN with ``more`` options, its reports written to ``out``; its JSON summary."""
    result = CliRunner(env={"RECFIN_TOPOLOGY": str(topology_file)}).invoke(main, [
        *SHORT_MIXED_RUN, *more, "--output", str(out), "--data-root", str(data_root)])
    print(result.stderr)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def check_report(report: dict, client: str, processes: set[str]) -> None:
    """Every figure of one client's report is there: each outcome counted, latency, throughput, and the CPU of
    each kind of process in ``processes``."""
    assert report["client"] == client and report["workload"] == "mixed"
    assert report["committed"] > 0, report["failed_detail"]
    # every outcome counted: transactions committed, queries answered, failures
    assert report["committed"] + report["answered"] + sum(report["failed"].values()) == report["submitted"]
    # the workload sends well-formed calls only: one the SDK refused before sending is a bug of the workload
    assert report["not_sent"] == 0, report["failed_detail"].get("not_sent")
    assert set(report["by_kind"]) <= KINDS and "register" in report["by_kind"]
    assert report["latency_s"]["p50"] > 0 and report["throughput_tps"] > 0
    measured_kinds = {p["kind"] for p in report["cpu"].values() if p["cpu_s_per_tx"]}
    assert processes <= measured_kinds, report["cpu"]


def check_files(out: Path, summary: dict, *reports: str) -> None:
    """The summary, each of ``reports`` and the plot are written to ``out``; the summary as printed."""
    assert {"summary.json", *reports, "bench.png"} <= {path.name for path in out.iterdir()}
    assert (out / "bench.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert json.loads((out / "summary.json").read_text()) == summary


def test_a_short_mixed_run_of_recfins_client_reports_its_figures(receivables_deployed, topology_file, tmp_path):
    # no --compare-node: this runs wherever the network does, with or without Node.js
    out = tmp_path / "bench"
    summary = short_mixed_run(topology_file, receivables_deployed.data_root, out)
    entry = summary["workloads"]["mixed"]
    assert "node" not in entry and "node_to_recfin" not in entry, entry.keys()
    check_report(entry["python"], "python", PYTHON_PROCESSES)
    check_files(out, summary, "bench-mixed.json")


def test_a_short_mixed_run_reports_both_clients_side_by_side(receivables_deployed, topology_file, tmp_path):
    # the command's own check (Node.js version, the pinned packages): a machine without Node.js, or with one too
    # old, skips here; an install that fails (npm ci on bench/node's lock file) fails the test
    try:
        node_compare.install()
    except node_compare.NodeUnavailableError as missing:
        pytest.skip(f"the official Node client cannot run: {missing}")
    out = tmp_path / "bench"
    summary = short_mixed_run(topology_file, receivables_deployed.data_root, out, "--compare-node")
    entry = summary["workloads"]["mixed"]

    # the Node run reads its own client's CPU (bench/node_compare.py)
    check_report(entry["python"], "python", PYTHON_PROCESSES)
    check_report(entry["node"], "node", {"client"})
    ratios = entry["node_to_recfin"]
    assert ratios and all(value is not None and value > 0 for value in ratios.values()), ratios
    check_files(out, summary, "bench-mixed.json", "bench-mixed-node.json")
