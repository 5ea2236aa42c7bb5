"""Every `recfin` command that acts on a running network is run on the real one by an integration test.

A command counts as run by a module of tests/integration when every word of its path ("receivable",
"overdue") is a string literal in that module: the way the suite invokes commands (CliRunner argument
lists, `recfin.json("receivable", "overdue", ...)`). The commands below are the exceptions, each with
where it is tested instead and why not on the suite's network. A new command fails here until an
integration test runs it or it joins the list with its reason; an exception that gains an integration
test fails here too, so the list stays true.
"""
from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

from .test_help_examples import ALL

INTEGRATION = Path(__file__).resolve().parents[2] / "integration"

OFFLINE = "works on files alone, with no network"
ELSEWHERE = {
    ("invoice", "match"): f"{OFFLINE}: tests/unit/invoices/test_cli.py",
    ("invoice", "read"): f"{OFFLINE}: tests/unit/invoices/test_cli.py (OCR on scans the tests render)",
    ("risk", "train"): f"{OFFLINE}: tests/unit/risk/test_risk_cli.py (synthetic histories)",
    ("risk", "evaluate"): f"{OFFLINE}: tests/unit/risk/test_risk_cli.py (synthetic histories)",
    ("network", "prepare"): f"{OFFLINE}: tests/unit/cli/test_offline_examples.py; the suite's `up` prepares too",
    ("network", "compose"): f"{OFFLINE}: tests/unit/network/test_compose.py checks it against the topology",
    ("org", "bundle"): f"{OFFLINE}: tests/unit/cli/test_org_commands.py and tests/unit/network/test_bundle.py",
    ("org", "keys"): f"{OFFLINE}, on a joining company's host: tests/unit/network/test_org_own_keys.py",
    ("host", "adopt-keys"): f"{OFFLINE}, on a company's host: tests/unit/network/test_org_own_keys.py",
    **{("host", verb): "runs on one company's own host from its bundle, against that host's nodes: "
                       "tests/unit/network/test_bundle_host.py, against a scripted peer CLI"
       for verb in ("join", "approve", "commit", "status")},
    **{("network", verb): "needs a Docker engine, which the suite's machines lack: "
                          "tests/unit/cli/test_network_compose_up.py, against scripted tools"
       for verb in ("compose-up", "compose-status")},
    **{("hsm", verb): f"{OFFLINE} and a PKCS#11 token: tests/unit/cli/test_hsm_commands.py, on SoftHSM2"
       for verb in ("import", "check")},
    **{("network", "netns", verb): "needs no Fabric: tests/unit/network/test_namespaces.py runs it for real "
                                   "(as root); tests/integration/test_across_namespaces.py places the network "
                                   "with the same functions"
       for verb in ("up", "down", "status", "cut", "restore", "exec")},
}


@cache
def literals_by_module() -> dict[str, frozenset[str]]:
    found = {}
    for path in sorted(INTEGRATION.glob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found[path.name] = frozenset(node.value for node in ast.walk(tree)
                                     if isinstance(node, ast.Constant) and isinstance(node.value, str))
    return found


def modules_running(path: tuple[str, ...]) -> list[str]:
    return [name for name, literals in literals_by_module().items() if set(path) <= literals]


COMMANDS = [path for path, _ in ALL]


@pytest.mark.parametrize("path", COMMANDS, ids=[" ".join(p) for p in COMMANDS])
def test_each_command_runs_on_the_real_network_or_says_where_it_is_tested(path):
    running = modules_running(path)
    if path in ELSEWHERE:
        assert not running, (f"`recfin {' '.join(path)}` is now run by {running}: take it off ELSEWHERE "
                             f"({ELSEWHERE[path]})")
    else:
        assert running, (f"no integration test runs `recfin {' '.join(path)}`: add one in tests/integration, "
                         f"or list it in ELSEWHERE with where it is tested and why not on the network")


def test_every_exception_is_a_command():
    assert set(ELSEWHERE) <= set(COMMANDS), set(ELSEWHERE) - set(COMMANDS)


def test_the_exceptions_name_test_files_that_exist():
    root = INTEGRATION.parent.parent
    for path, reason in ELSEWHERE.items():
        named = [word.rstrip(",;)") for word in reason.split() if word.startswith("tests/")]
        assert named and all((root / file).is_file() for file in named), (path, reason)
