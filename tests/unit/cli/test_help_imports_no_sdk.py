"""`recfin GROUP --help`, the --help of every command, and the completion of a group's command names or of any
command's line define the commands and print: they import none of the SDK's gRPC client, cryptography, the
contract's or the SDK's pydantic models, nor the risk model's numeric libraries, which took a --help more than a
second to load on a busy host. Each runs in a process of its own, as a shell runs recfin."""
from __future__ import annotations

import json
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


# Every command of every group, and every group under a group: its --help, then the completion of what follows its
# name (which parses its line: defaults read, values converted, callbacks given them), each in a process forked from
# one that has defined every command (and loaded nothing heavy, as the group test holds), as a shell runs recfin:
# over a hundred processes started afresh took minutes on a busy host. Given the heavy modules' names, prints, as
# JSON, what each --help printed and the heavy modules each run loaded.
WALK_EVERY_COMMAND = """
import contextlib, io, json, os, sys, traceback
from cli.main import main

HEAVY = sys.argv[1:]

def heavy_loaded():
    return sorted({heavy for heavy in HEAVY for module in list(sys.modules)
                   if module == heavy or module.startswith(heavy + ".")})

def paths(command, path):
    yield path
    for name in getattr(command, "commands", {}):
        yield from paths(command.commands[name], [*path, name])

def in_a_process_of_its_own(args, **env):
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        os.environ.update(env)
        shown = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")   # a completion writes its answer's bytes
        try:
            with contextlib.redirect_stdout(shown):
                main(args, prog_name="recfin", standalone_mode=False)
        except SystemExit:   # a completion ends with it
            pass
        except BaseException:
            traceback.print_exc()
        shown.seek(0)
        with os.fdopen(write_end, "w") as answer:
            json.dump({"shown": shown.read(), "heavy": heavy_loaded()}, answer)
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as answer:
        said = json.load(answer)
    os.waitpid(pid, 0)
    return said

every = [path for group in list(main.commands) for path in paths(main.commands[group], [group])]
walked = {"defining": heavy_loaded(), "commands": []}
for path in every:
    helped = in_a_process_of_its_own([*path, "--help"])
    completed = in_a_process_of_its_own([], _RECFIN_COMPLETE="zsh_complete",
                                        COMP_WORDS=" ".join(["recfin", *path, ""]), COMP_CWORD=str(len(path) + 1))
    walked["commands"].append({"command": path, "help": helped["shown"], "heavy_for_help": helped["heavy"],
                               "heavy_for_completion": completed["heavy"]})
print(json.dumps(walked))
"""


@pytest.fixture(scope="module")
def every_command() -> list[dict]:
    ended = subprocess.run([sys.executable, "-c", WALK_EVERY_COMMAND, *HEAVY], capture_output=True, text=True,
                           timeout=300, cwd=ROOT, env={**os.environ, "COLUMNS": "80"})
    assert ended.returncode == 0, ended.stderr
    walked = json.loads(ended.stdout)
    assert walked["defining"] == []
    return walked["commands"]


def test_every_commands_help_imports_nothing_heavy(every_command):
    assert len(every_command) > 100   # every group's commands were walked, not the groups alone
    for walked in every_command:
        assert f"Usage: recfin {' '.join(walked['command'])}" in walked["help"], walked
    assert {" ".join(walked["command"]): walked["heavy_for_help"] for walked in every_command
            if walked["heavy_for_help"]} == {}


def test_completing_what_follows_any_command_imports_nothing_heavy(every_command):
    assert {" ".join(walked["command"]): walked["heavy_for_completion"] for walked in every_command
            if walked["heavy_for_completion"]} == {}


@pytest.mark.parametrize("group", ["receivable", "invoice", "network", "regulator"])
def test_completing_a_command_name_imports_nothing_heavy(group):
    ended, heavy = heavy_imported(_RECFIN_COMPLETE="zsh_complete", COMP_WORDS=f"recfin {group} ", COMP_CWORD="2")
    assert ended.returncode == 0, ended.stderr
    offered = ended.stdout.splitlines()
    assert all(name in offered for name in main.commands[group].commands), offered
    assert heavy == []
