"""`recfin GROUP --help`, the --help of a command whose help needs nothing but the command, and the completion of a
group's command names define the commands and print: they import none of the SDK's gRPC client, cryptography,
the contract's or the SDK's pydantic models, nor the risk model's numeric libraries, which took a group's --help
more than a second to load on a busy host. Each runs in a process of its own, as a shell runs recfin."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cli.main import main

ROOT = Path(__file__).resolve().parents[3]

# what a command imports to run it, never to define it
HEAVY = ("grpc", "cryptography", "pydantic", "client.gateway", "client.receivables", "numpy", "scipy", "sklearn",
         "matplotlib")

# Runs recfin with the given arguments as click's main with standalone_mode=False, so that nothing it does on the
# way out (sys.exit) hides what it imported, then prints the modules imported, one line on stdout's last line.
RUN_AND_LIST_THE_MODULES = """
import sys
from cli.main import main
try:
    main(sys.argv[1:], prog_name="recfin", standalone_mode=False)
finally:
    print("\\n" + " ".join(sorted(sys.modules)))
"""

def heavy_imported(*args: str, **env: str) -> tuple[subprocess.CompletedProcess, list[str]]:
    """recfin run with ``args`` (env added to its environment) in a process of its own: how it ended, and the heavy
    modules it imported (a package, or a module under it)."""
    ended = subprocess.run([sys.executable, "-c", RUN_AND_LIST_THE_MODULES, *args], capture_output=True, text=True,
                           timeout=120, cwd=ROOT, env={**os.environ, "COLUMNS": "80", **env})
    *_printed, modules = ended.stdout.rstrip("\n").split("\n")
    return ended, sorted({heavy for heavy in HEAVY for module in modules.split()
                          if module == heavy or module.startswith(heavy + ".")})


@pytest.mark.parametrize("group", list(main.commands))
def test_a_groups_help_imports_nothing_heavy(group):
    ended, heavy = heavy_imported(group, "--help")
    assert ended.returncode == 0, ended.stderr
    assert f"Usage: recfin {group}" in ended.stdout
    assert heavy == []


@pytest.mark.parametrize("command", [
    ("receivable", "get"), ("receivable", "register"), ("party", "register"), ("finance", "request"),
    ("invoice", "verify"), ("regulator", "list"), ("transaction", "status"), ("network", "up"),
    ("chaincode", "deploy"), ("org", "remove"), ("hsm", "import"), ("hsm", "link"), ("hsm", "generate"),
    ("network", "compose"), ("network", "compose-up"), ("host", "adopt-keys"), ("host", "approve")])
def test_a_commands_help_imports_nothing_heavy(command):
    ended, heavy = heavy_imported(*command, "--help")
    assert ended.returncode == 0, ended.stderr
    assert f"Usage: recfin {' '.join(command)}" in ended.stdout
    assert heavy == []


@pytest.mark.parametrize("group", ["receivable", "invoice", "network", "regulator"])
def test_completing_a_command_name_imports_nothing_heavy(group):
    ended, heavy = heavy_imported(_RECFIN_COMPLETE="zsh_complete", COMP_WORDS=f"recfin {group} ", COMP_CWORD="2")
    assert ended.returncode == 0, ended.stderr
    offered = ended.stdout.splitlines()
    assert all(name in offered for name in main.commands[group].commands), offered
    assert heavy == []
