"""`recfin network netns exec ORG -- COMMAND` exits with COMMAND's own exit status, and its --help says so: a
script probing an org's reach (``netns exec bank -- python -m network.ccprobe ...``) tests that status as it would
the command's. Running in a namespace needs root, so the command's run is stood in for; tests/unit/network/
test_namespaces.py runs it for real where it can."""
from __future__ import annotations

import subprocess
from types import SimpleNamespace

from cli import network_commands
from cli.network_commands import network
from network import namespaces


def test_netns_exec_exits_with_its_commands_status_and_its_help_says_so(runner, monkeypatch):
    ran = []
    layout = SimpleNamespace(org=lambda name: SimpleNamespace(netns=f"recfin-{name}"))
    monkeypatch.setattr(network_commands, "netns_layout", lambda *args, **kwargs: (None, None, layout))

    def run_in(netns, argv, **kwargs):
        ran.append((netns, argv))
        return subprocess.CompletedProcess(argv, 3)

    monkeypatch.setattr(namespaces, "run_in", run_in)
    result = runner.invoke(network, ["netns", "exec", "bank", "--", "probe", "--flag"])
    assert (result.exit_code, ran) == (3, [("recfin-bank", ["probe", "--flag"])]), result.output
    shown = " ".join(runner.invoke(network, ["netns", "exec", "--help"]).output.split())
    assert "Exits with the command's own exit status" in shown, shown
