"""Running a click command as an operator would, and reading the one line it prints when it refuses the input."""
from __future__ import annotations

import io

import click
from click.testing import CliRunner, Result


def invoke(command: click.Command, *args) -> Result:
    """The command run with ``args`` (as strings); an exception other than an exit is a bug, reported as one."""
    result = CliRunner().invoke(command, [str(a) for a in args])
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
    return result


def error_line(result: Result) -> str:
    """The single ``Error: ...`` line of a refused command (and no traceback)."""
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.startswith("Error: ")]
    assert len(lines) == 1, result.output
    return lines[0]


class CtrlCAtThePrompt(io.RawIOBase):
    """A command's stdin: a terminal where the user presses Ctrl-C instead of answering its question."""

    def isatty(self):
        return True

    def readable(self):
        return True

    def readinto(self, buffer):
        if not len(buffer):   # click's check that this is a binary stream, before anything is asked
            return 0
        raise KeyboardInterrupt


def terminated_here() -> None:
    """SIGTERM to this process, as `kill PID` or `timeout` sends it to a running command: its handler runs at once,
    as it would between two of the command's steps. Where the command left SIGTERM at its default, which would end
    the test run with it, the test fails instead: that command, so stopped, would end saying nothing."""
    import signal

    import pytest

    if signal.getsignal(signal.SIGTERM) in (signal.SIG_DFL, signal.SIG_IGN, None):
        pytest.fail("SIGTERM here ends the command at once: it has no handler that says what the stop left")
    signal.raise_signal(signal.SIGTERM)
