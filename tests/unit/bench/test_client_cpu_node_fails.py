"""`python -m bench.client_cpu` when the Node script fails part-way: recfin's rows are kept and the report
says from which row on the Node client is missing and why, where the command ended in a traceback and lost
every row it had measured.

Client CPU only; the Gateway is a stand-in returning prepared replies; no Fabric involved."""
import shutil
import subprocess

import pytest

from bench import client_cpu
from bench.client_cpu import Settings, new_workload, run_client_cpu, run_node
from bench.node_compare import NodeClientError

STOPPED = "the Node client stopped: Error: 14 UNAVAILABLE: No connection established"


@pytest.mark.usefixtures("samples_of_the_session")
def test_a_node_run_that_fails_leaves_recfins_rows_and_says_why(monkeypatch):
    tried = []

    def failing_node(address, ca_path, workload, concurrency):
        tried.append(concurrency)
        raise NodeClientError(STOPPED)

    monkeypatch.setattr(client_cpu, "install", lambda: None)
    monkeypatch.setattr(client_cpu, "run_node", failing_node)
    report = run_client_cpu(Settings(iterations=2, warmup=0, concurrency=(1, 2), operations=("register",)))
    assert [(r["client"], r["api"], r["concurrency"]) for r in report["rows"]] == [
        ("recfin", "sync", 1), ("recfin", "async", 1), ("recfin", "async", 2)]
    assert all(r["ours_to_node"] is None for r in report["rows"])
    assert tried == [1]                 # not asked again once it failed
    assert report["node_error"] == (f"{STOPPED} (at register, 1 in flight: no Node row from there on); "
                                    "or measure ours alone (--client python)")
    assert f"Node client not measured: {report['node_error']}" in client_cpu.text_lines(report)


def test_a_node_script_past_its_time_is_a_node_client_error(cast, samples, tmp_path, monkeypatch):
    def too_slow(command, **options):
        raise subprocess.TimeoutExpired(command, options["timeout"])

    monkeypatch.setattr(client_cpu.subprocess, "run", too_slow)
    monkeypatch.setattr(client_cpu, "_tool", lambda name: name)
    with pytest.raises(NodeClientError, match=r"the Node client did not finish within 80 s"):
        run_node("127.0.0.1:1", tmp_path / "ca.crt", new_workload(cast, samples, "register", 2, 0), 1)


@pytest.mark.skipif(shutil.which("node") is None, reason="node not found on PATH")
def test_a_node_script_stopped_by_an_error_nothing_caught_is_named_by_that_error(cast, samples, tmp_path, monkeypatch):
    crash = tmp_path / "crash.js"   # as an unhandled 'error' event of a gRPC stream stops it
    crash.write_text("setTimeout(() => new (require('events').EventEmitter)()"
                     ".emit('error', new Error('14 UNAVAILABLE: stream broke')), 1);")
    monkeypatch.setattr(client_cpu, "NODE_SCRIPT", crash)
    with pytest.raises(NodeClientError) as stopped:
        run_node("127.0.0.1:1", tmp_path / "ca.crt", new_workload(cast, samples, "register", 2, 0), 1)
    assert str(stopped.value) == "the Node client stopped: Error: 14 UNAVAILABLE: stream broke"


@pytest.mark.skipif(shutil.which("node") is None, reason="node not found on PATH")
def test_a_node_script_that_ends_without_its_figures_is_a_node_client_error(cast, samples, tmp_path, monkeypatch):
    silent = tmp_path / "silent.js"   # a wait nothing will ever end: Node exits 0 once nothing is left to run
    silent.write_text("(async () => { await new Promise(() => {}); console.log('{}'); })();")
    monkeypatch.setattr(client_cpu, "NODE_SCRIPT", silent)
    with pytest.raises(NodeClientError, match=r"^the Node client ended \(exit code 0\) without its figures: "
                                              r"it printed nothing"):
        run_node("127.0.0.1:1", tmp_path / "ca.crt", new_workload(cast, samples, "register", 2, 0), 1)


@pytest.mark.parametrize(("last_line", "said"), [
    ('{"error": "no peer"}', "transactions None, cpu_s None, wall_s None, results_matched None"),
    ('{"transactions": 2, "cpu_s": NaN, "wall_s": 1.0, "results_matched": 2}', "cpu_s nan (each a finite number"),
    ("[2, 0.1]", "a JSON list, not an object"),
])
def test_a_node_script_whose_last_line_is_json_but_not_its_figures_is_a_node_client_error(cast, samples, tmp_path,
                                                                                           monkeypatch, last_line,
                                                                                           said):
    monkeypatch.setattr(client_cpu.subprocess, "run",
                        lambda command, **options: subprocess.CompletedProcess(command, 0, last_line + "\n", ""))
    monkeypatch.setattr(client_cpu, "_tool", lambda name: name)
    with pytest.raises(NodeClientError) as unread:
        run_node("127.0.0.1:1", tmp_path / "ca.crt", new_workload(cast, samples, "register", 2, 0), 1)
    assert str(unread.value).startswith("the Node client's figures cannot be read: ") and said in str(unread.value)
