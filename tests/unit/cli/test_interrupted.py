"""Ctrl-C ends any `recfin` command with one line and exit 130, the shell's code for SIGINT, as a ledger call cut
short exits: while a command runs, and while the commands load (seconds on a busy host) or `--version` reads the
version, through `python -m cli` and the `recfin` script alike. Each test sends a real SIGINT to a real process, once
the process has said where it is."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = Path(sys.executable).parent / "recfin"

# Loaded by Python at start-up (sitecustomize, from PYTHONPATH): the first recfin module that cli.main imports waits
# until the test's SIGINT comes, as a slow import would, after a line on stdout that says it is waiting.
HOLD_THE_FIRST_IMPORT = '''
import importlib.abc
import sys
import time


class HoldTheFirstImport(importlib.abc.MetaPathFinder):
    held = False

    def find_spec(self, name, path=None, target=None):
        loading = sys.modules.get("cli.main")
        if not self.held and loading is not None and name.startswith("cli.") and name != "cli.main":
            self.held = True
            print(f"loading {name}", flush=True)
            time.sleep(600)
        return None


sys.meta_path.insert(0, HoldTheFirstImport())
'''


def interrupted(command: list[str], env: dict[str, str] | None = None) -> tuple[str, subprocess.CompletedProcess]:
    """Run command until its first line on stdout (its readiness sign), send it SIGINT, and wait for its end: that
    line and how the command ended."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                               env={**os.environ, **(env or {})})
    try:
        ready = process.stdout.readline()
        assert ready, f"ended before saying it was ready: {process.wait()}, {process.stderr.read()}"
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=300)   # a guard against a hang, not a speed target
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return ready, subprocess.CompletedProcess(command, process.returncode, ready + out, err)


def test_ctrl_c_while_a_command_runs_exits_130_with_one_line():
    # far more debtors than the default: the simulation it says it begins runs for seconds, past the SIGINT
    ready, ended = interrupted([sys.executable, "-m", "cli", "risk", "evaluate", "--debtors", "10000"])
    assert ready.startswith("simulating"), ready
    assert (ended.returncode, ended.stderr) == (130, "Error: interrupted\n"), ended


@pytest.mark.parametrize("how", ["python -m cli", "recfin script"])
def test_ctrl_c_while_the_commands_load_exits_130_with_one_line_and_no_traceback(tmp_path, how):
    if how == "recfin script" and not SCRIPT.exists():
        pytest.skip("recfin console script not installed next to this interpreter (pip install -e .)")
    (tmp_path / "sitecustomize.py").write_text(HOLD_THE_FIRST_IMPORT)
    command = [sys.executable, "-m", "cli"] if how == "python -m cli" else [str(SCRIPT)]
    path = os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")]))
    ready, ended = interrupted([*command, "--version"], env={"PYTHONPATH": path})
    assert ready.startswith("loading cli."), ready
    assert (ended.returncode, ended.stderr) == (130, "Error: interrupted\n"), ended


# Loaded the same way: reading recfin's installed version waits until the test's SIGINT comes, after saying so.
HOLD_THE_VERSION = '''
import importlib.metadata
import time

_version = importlib.metadata.version


def held_version(distribution):
    if distribution == "recfin":
        print("reading the version of recfin", flush=True)
        time.sleep(600)
    return _version(distribution)


importlib.metadata.version = held_version
'''


def test_ctrl_c_while_the_version_is_read_exits_130_with_one_line_and_no_traceback(tmp_path):
    (tmp_path / "sitecustomize.py").write_text(HOLD_THE_VERSION)
    path = os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")]))
    ready, ended = interrupted([sys.executable, "-m", "cli", "--version"], env={"PYTHONPATH": path})
    assert ready.startswith("reading the version of recfin"), ready
    assert (ended.returncode, ended.stderr) == (130, "Error: interrupted\n"), ended
