"""`recfin bench --compare-node` when the Node script stops: the error says what failed. An error Node itself
reports uncaught (an unhandled 'error' event, a syntax error) starts with where it was thrown, not with what it
was; taken as the message, that line left `the Node client stopped: node:events:502`."""
import shutil
import subprocess

import pytest

from bench.node_compare import stopped

NODE = shutil.which("node")

UNHANDLED_EVENT = """node:events:502
      throw er; // Unhandled 'error' event
      ^

Error: 14 UNAVAILABLE: stream broke
    at Timeout._onTimeout (/tmp/t1.js:2:51)
    at listOnTimeout (node:internal/timers:581:17)
Emitted 'error' event at:
    at Timeout._onTimeout (/tmp/t1.js:2:37)

Node.js v20.20.2
"""


def test_an_error_node_reports_uncaught_is_named_by_its_own_line_not_where_it_was_thrown():
    assert stopped(UNHANDLED_EVENT, 1) == "the Node client stopped: Error: 14 UNAVAILABLE: stream broke"


@pytest.mark.skipif(NODE is None, reason="node not found on PATH")
@pytest.mark.parametrize(("script", "said"), [
    ("setTimeout(() => new (require('events').EventEmitter)().emit('error', new Error('14 UNAVAILABLE: gone')), 1);",
     "Error: 14 UNAVAILABLE: gone"),
    ("let x = ;", "SyntaxError: Unexpected token ';'"),
])
def test_the_line_is_found_in_what_node_prints(tmp_path, script, said):
    (tmp_path / "crash.js").write_text(script)
    done = subprocess.run([NODE, str(tmp_path / "crash.js")], capture_output=True, text=True, timeout=60)
    assert stopped(done.stderr, done.returncode) == f"the Node client stopped: {said}"


def test_the_scripts_own_one_line_refusal_and_an_error_it_prints_are_kept_as_they_are():
    refusal = "no gateway peer answered at 127.0.0.1:1: 14 UNAVAILABLE: No connection established; start the network\n"
    assert stopped(refusal, 3) == f"the Node client stopped: {refusal.strip()}"
    stack = "Error: 10 ABORTED: failed to endorse\n    at Actor.submit (/x/workload.js:140:19)\n"
    assert stopped(stack, 1) == "the Node client stopped: Error: 10 ABORTED: failed to endorse"
    assert stopped("", 137) == "the Node client stopped: exit code 137"


@pytest.mark.skipif(NODE is None, reason="node not found on PATH")
@pytest.mark.parametrize(("script", "said"), [
    ("(async () => { await new Promise(() => {}); console.log('{}'); })();", "it printed nothing"),
    ("console.log('pool: 10 registered');", "its last line is not JSON: pool: 10 registered"),
])
def test_a_comparison_run_whose_script_ends_without_its_figures_is_a_node_client_error(tmp_path, monkeypatch,
                                                                                         script, said):
    from bench import node_compare
    from bench.driver import RATE, Plan

    (tmp_path / "ends.js").write_text(script)
    monkeypatch.setattr(node_compare, "SCRIPT", tmp_path / "ends.js")
    monkeypatch.setattr(node_compare, "install", lambda: None)
    monkeypatch.setattr(node_compare, "config", lambda *arguments: {})    # the network's profiles: none here
    with pytest.raises(node_compare.NodeClientError) as ended:
        node_compare.run("register", Plan(RATE, rate=1, warmup=0, duration=1), 0, {}, tmp_path)
    assert str(ended.value) == f"the Node client ended (exit code 0) without its figures: {said}"
