"""The Node script's last line is JSON, but not its figures (another object, a row of the wrong shape, NaN, which
Python's JSON reader takes): the comparison is not made and says why, as for a script that printed nothing. It
ended the command in a traceback (KeyError, TypeError), or wrote NaN into the report's JSON."""
import json
import subprocess

import pytest
from click.testing import CliRunner

from bench import node_compare
from bench.driver import RATE, Plan
from cli.bench_commands import bench

from .test_bench_command import without_node_installed, wire_to_a_recording_client

PLAN = Plan(RATE, rate=2, warmup=0, duration=1, call_timeout=None)
ROW = ["register", 0.5, 0.5, 0.7, "committed", "tx-1", "", True]


def no_constant(name: str):
    raise AssertionError(f"{name} in the JSON written: no JSON reader but Python's takes it")


def printed(last_line: str) -> dict:
    """What the script's output gives, read as node_compare.run reads it."""
    return node_compare.script_output(subprocess.CompletedProcess([], 0, f"pool: 2 registered\n{last_line}\n", ""))


@pytest.mark.parametrize(("last_line", "said"), [
    ("[1, 2]", "a JSON list, not an object"),
    ('{"error": "no peer"}', "no samples, exhausted, cpu_s in it"),
    ('{"samples": [[1, 2]], "exhausted": false, "cpu_s": 0.1}', "sample 1 of 1 ([1, 2]): not a row of 8 fields"),
    ('{"samples": [], "exhausted": false, "cpu_s": NaN}', "cpu_s is nan, not seconds (0 or more) or null"),
    ('{"samples": [], "exhausted": false, "cpu_s": -0.5}', "cpu_s is -0.5, not seconds"),
    ('{"samples": [], "exhausted": "no", "cpu_s": 0.1}', "exhausted is 'no', not true or false"),
    (json.dumps({"samples": [ROW[:3] + ["Infinity"] + ROW[4:]], "exhausted": False, "cpu_s": 0.1}).replace(
        '"Infinity"', "Infinity"), "its due, sent and finished times are not all finite numbers of seconds"),
    (json.dumps({"samples": [ROW[:4] + ["lost"] + ROW[5:]], "exhausted": False, "cpu_s": 0.1}),
     "its cause 'lost' is none of committed, answered"),
    (json.dumps({"samples": [ROW[:7] + [1]], "exhausted": False, "cpu_s": 0.1}),
     "its measured flag is not true or false"),
])
def test_json_that_is_not_the_figures_is_a_node_client_error_naming_what_is_wrong(last_line, said):
    with pytest.raises(node_compare.NodeClientError) as unread:
        node_compare.report_from(printed(last_line), "register", PLAN, 2)
    assert str(unread.value).startswith("the Node client's figures cannot be read: ") and said in str(unread.value)


def test_the_figures_as_the_script_prints_them_are_read():
    report = node_compare.report_from(printed(json.dumps({"samples": [ROW], "exhausted": False, "cpu_s": None})),
                                      "register", PLAN, 2)
    assert report["committed"] == 1 and report["cpu"]["node-client"]["cpu_s"] is None


def test_the_command_records_the_unread_figures_as_the_node_runs_failure_and_writes_every_report(tmp_path,
                                                                                                 monkeypatch):
    wire_to_a_recording_client(monkeypatch, latency=0.5)
    without_node_installed(monkeypatch)
    monkeypatch.setattr(node_compare, "run", lambda name, plan, pool, *rest: node_compare.report_from(
        printed('{"samples": [], "exhausted": false, "cpu_s": NaN}'), name, plan, pool))
    result = CliRunner().invoke(bench, ["-w", "register", "--rate", "20", "--warmup", "0", "--duration", "0.3",
                                        "--compare-node", "--output", str(tmp_path)])
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    summary = json.loads((tmp_path / "summary.json").read_text(), parse_constant=no_constant)
    register = summary["workloads"]["register"]
    assert register["node_error"] == ("the Node client's figures cannot be read: cpu_s is nan, not seconds "
                                      "(0 or more) or null")
    assert "node_to_recfin" not in register and register["python"]["committed"] > 0
    assert result.output.strip().splitlines()[-1].startswith("Error: the Node client failed for register (")
