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


def test_netns_exec_of_a_command_killed_by_a_signal_exits_128_plus_its_number_as_a_shell_does(runner, monkeypatch):
    """subprocess gives -N for a command a signal N killed; SystemExit(-9) would exit 247, which a script reads as
    the command's own status. A shell says 137 (128 + 9), and so does `netns exec`, in its --help too."""
    layout = SimpleNamespace(org=lambda name: SimpleNamespace(netns=f"recfin-{name}"))
    monkeypatch.setattr(network_commands, "netns_layout", lambda *args, **kwargs: (None, None, layout))
    monkeypatch.setattr(namespaces, "run_in", lambda netns, argv, **kwargs: subprocess.CompletedProcess(argv, -9))
    result = runner.invoke(network, ["netns", "exec", "bank", "--", "probe"])
    assert result.exit_code == 137, result.output
    shown = " ".join(runner.invoke(network, ["netns", "exec", "--help"]).output.split())
    assert "killed by a signal, 128 plus its number" in shown, shown
