"""Each `recfin` process imports only the command group it runs: `recfin --help`, `--version` and the completion of
a group's name list every group with its one-line help from recfin's own table, and `recfin GROUP ...` imports that
group's module alone, where every process used to import all of them (seconds, on a busy host) before running one.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from cli.main import main

ROOT = Path(__file__).resolve().parents[3]

# Runs recfin with the given arguments, then says on its last line of stderr which of cli's modules it imported.
RUN_AND_NAME_THE_MODULES = """
import atexit, sys
atexit.register(lambda: print(" ".join(sorted(m for m in sys.modules if m.startswith("cli."))), file=sys.stderr))
from cli.main import main
main(sys.argv[1:], prog_name="recfin")
"""


def run(*args: str, **env: str) -> tuple[subprocess.CompletedProcess, set[str]]:
    """recfin run with ``args`` in a process of its own (env added to its environment): how it ended, and the
    command modules (``cli.*_commands``) it imported."""
    ended = subprocess.run([sys.executable, "-c", RUN_AND_NAME_THE_MODULES, *args], capture_output=True, text=True,
                           timeout=120, cwd=ROOT, env={**os.environ, "COLUMNS": "80", **env})
    *said, modules = ended.stderr.splitlines() or [""]
    ended.stderr = "\n".join(said)
    return ended, {m for m in modules.split() if m.endswith("_commands")}


def test_help_lists_every_group_with_its_own_summary_and_imports_none():
    ended, imported = run("--help")
    assert ended.returncode == 0, ended.stderr
    assert imported == set()
    # the listing as click writes it from the groups themselves, each imported here, at the width the child had
    listed = click.Group("recfin", commands={name: main.commands[name] for name in main.commands})
    formatter = click.HelpFormatter(width=78)   # click's for COLUMNS=80
    listed.format_commands(click.Context(listed, info_name="recfin"), formatter)
    assert formatter.getvalue() and formatter.getvalue() in ended.stdout, ended.stdout


@pytest.mark.parametrize("args", [["--version"], ["-h"]])
def test_options_of_recfin_itself_import_no_group(args):
    ended, imported = run(*args)
    assert (ended.returncode, imported) == (0, set()), ended.stderr


def test_completing_a_group_name_imports_no_group():
    ended, imported = run(_RECFIN_COMPLETE="zsh_complete", COMP_WORDS="recfin ", COMP_CWORD="1")
    assert (ended.returncode, imported) == (0, set()), ended.stderr
    offered = ended.stdout.splitlines()
    assert all(name in offered for name in main.commands), offered
    assert main.commands["events"].get_short_help_str() in offered


def test_a_group_imports_its_own_module_alone():
    ended, imported = run("host", "--help")
    assert ended.returncode == 0, ended.stderr
    assert "Usage: recfin host [OPTIONS] COMMAND" in ended.stdout
    assert imported == {"cli.host_commands"}


def test_a_group_defined_with_others_has_all_its_commands():
    # finance is defined with the receivable groups; its quote and compare come from the module of its own
    ended, _ = run("finance", "--help")
    assert ended.returncode == 0, ended.stderr
    assert set(main.commands["finance"].commands) <= {line.split()[0] for line in ended.stdout.splitlines()
                                                      if line.startswith("  ") and line.split()}


def test_an_unknown_group_is_refused_naming_the_nearest():
    ended, imported = run("recievable", "get", "R-1")
    assert ended.returncode == 2 and "Did you mean 'receivable'?" in ended.stderr, ended.stderr
    assert imported == set()
