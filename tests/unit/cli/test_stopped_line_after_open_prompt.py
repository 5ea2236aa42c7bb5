"""A question left unanswered on stderr, a file or pipe here (no terminal), ends without a newline: the stop's
Error line starts a line of its own after it, and a line that ended gets no blank line after it. Run as a
process, so that stderr is the real stream click writes through, not a test runner's buffer."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

# recfin with one more command, asking its question on stderr as `finance quote` and `discount accept` do
ASKING = """
import sys, click
from cli.main import main
@main.command("ask")
@click.option("--said-first", default="")
def ask(said_first):
    click.echo(said_first, nl=False, err=True)
    if not said_first:
        click.confirm("go on?", default=False, err=True)
    raise KeyboardInterrupt
main(["ask", *sys.argv[1:]], prog_name="recfin")
"""


def _stderr_of(*arguments: str) -> tuple[int, str]:
    done = subprocess.run([sys.executable, "-c", ASKING, *arguments], cwd=ROOT, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=120)
    return done.returncode, done.stderr


def test_the_error_of_an_ended_input_starts_its_own_line_after_the_question():
    assert _stderr_of() == (1, "go on? [y/N]: \nError: aborted: the prompt got no answer (its input ended): "
                               "answer it in a terminal\n")


@pytest.mark.parametrize("said", ["all said\n", "half a line"])
def test_a_stop_after_other_output_starts_a_line_only_where_none_was_started(said):
    assert _stderr_of("--said-first", said) == (130, said + ("" if said.endswith("\n") else "\n")
                                                + "Error: interrupted\n")
