"""Ctrl-C ends any `recfin` command with one line and exit 130, the shell's code for SIGINT, as a ledger call cut
short exits: while a command runs, and while the commands load (seconds on a busy host) or `--version` reads the
version, through `python -m cli` and the `recfin` script alike. Each test sends a real SIGINT to a real process, once
the process has said where it is."""
from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = Path(sys.executable).parent / "recfin"

# Loaded by Python at start-up (sitecustomize, from PYTHONPATH): the first recfin module that cli.main imports (the
# module of the group run) waits until the test's SIGINT comes, as a slow import would, after a line on stdout that
# says it is waiting.
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


# A guard against a hang (a child stuck before its first line, or after the SIGINT), not a speed target.
HANG_GUARD_SECONDS = 300


def first_line(process: subprocess.Popen, stderr, within: float) -> tuple[bytes, bytes]:
    """The child's first line on stdout and what came after it in the same reads, waiting at most ``within``
    seconds: a bare readline would block for good on a child that hangs before it. Fails, with what the child
    printed on both, when the time is up or the child ends first."""
    fd, got, deadline = process.stdout.fileno(), b"", time.monotonic() + within
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        while b"\n" not in got:
            left = deadline - time.monotonic()
            chunk = os.read(fd, 65536) if left > 0 and selector.select(left) else None
            if not chunk:
                ended = f"ended (exit {process.wait(timeout=within)})" if chunk == b"" else f"no line in {within:g}s"
                stderr.seek(0)
                pytest.fail(f"{ended} before saying it was ready: stdout {got!r}, stderr {stderr.read()!r}")
            got += chunk
    line, _, rest = got.partition(b"\n")
    return line + b"\n", rest


def interrupted(command: list[str], env: dict[str, str] | None = None) -> tuple[str, subprocess.CompletedProcess]:
    """Run command until its first line on stdout (its readiness sign), send it SIGINT, and wait for its end: that
    line and how the command ended. Its stderr goes to a file, so a child writing much there before that line
    cannot block on a full pipe nobody reads."""
    with tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr, cwd=ROOT,
                                   env={**os.environ, **(env or {})})
        try:
            ready, rest = first_line(process, stderr, HANG_GUARD_SECONDS)
            process.send_signal(signal.SIGINT)
            out, _ = process.communicate(timeout=HANG_GUARD_SECONDS)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
            process.stdout.close()
        stderr.seek(0)
        err = stderr.read()
    return ready.decode(), subprocess.CompletedProcess(command, process.returncode, (ready + rest + out).decode(),
                                                       err.decode())


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
    # a group's module is loaded when one of its commands runs: --version loads none
    ready, ended = interrupted([*command, "receivable", "--help"], env={"PYTHONPATH": path})
    assert ready.startswith("loading cli.receivable_commands"), ready
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
