"""Running a click command as an operator would, and reading the one line it prints when it refuses the input."""
from __future__ import annotations

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
