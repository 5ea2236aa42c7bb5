"""`recfin bench` on the real network, briefly: the mixed workload from recfin's client and from the
official Node client (`@hyperledger/fabric-gateway`, installed by scripts/install) side by side, with the
files an operator reads afterwards. The figures are printed for the log, never held to a target: a run
this short on a shared machine measures little, and timings do not belong in assertions.
"""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from bench import node_compare
from cli.main import main

KINDS = {"register", "confirm", "transfer", "query"}   # the mixed workload's (bench/workloads.py MIX)


def test_a_short_mixed_run_reports_both_clients_side_by_side(receivables_deployed, topology_file, tmp_path):
    # the command's own check (Node.js version, the pinned packages), so that a Node.js too old skips here
    # as the missing one does, instead of failing the run
    try:
        node_compare.install()
    except node_compare.NodeClientError as missing:
        pytest.skip(f"the official Node client cannot run: {missing}")
    out = tmp_path / "bench"
    result = CliRunner(env={"RECFIN_TOPOLOGY": str(topology_file)}).invoke(main, [
        "bench", "--workload", "mixed", "--mode", "concurrency", "--concurrency", "4", "--warmup", "2",
        "--duration", "10", "--compare-node", "--output", str(out),
        "--data-root", str(receivables_deployed.data_root), "--json"])
    print(result.stderr)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    entry = summary["workloads"]["mixed"]

    # recfin's run reads every process's CPU; the Node run its own client's (bench/node_compare.py)
    for client, processes in (("python", {"client", "peer", "orderer", "chaincode"}), ("node", {"client"})):
        report = entry[client]
        assert report["client"] == client and report["workload"] == "mixed"
        assert report["committed"] > 0, report["failed_detail"]
        # every outcome counted: transactions committed, queries answered, failures
        assert report["committed"] + report["answered"] + sum(report["failed"].values()) == report["submitted"]
        assert set(report["by_kind"]) <= KINDS and "register" in report["by_kind"]
        assert report["latency_s"]["p50"] > 0 and report["throughput_tps"] > 0
        measured_kinds = {p["kind"] for p in report["cpu"].values() if p["cpu_s_per_tx"]}
        assert processes <= measured_kinds, report["cpu"]
    ratios = entry["node_to_recfin"]
    assert ratios and all(value is not None and value > 0 for value in ratios.values()), ratios

    written = {path.name for path in out.iterdir()}
    assert {"summary.json", "bench-mixed.json", "bench-mixed-node.json", "bench.png"} <= written
    assert (out / "bench.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert json.loads((out / "summary.json").read_text()) == summary
