"""The `recfin events --checkpoint` examples of --help and docs/sdk-receivables.md run as written on a machine
that has only what recfin makes (no folder of the user's own), where `~/.recfin/events.checkpoint` was a usage
error: `recfin events` refuses a checkpoint in a folder that is not there, and nothing makes ~/.recfin."""

import json
import os
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import main
from tests.unit.client.gateway_fakes import FakeTransport
from tests.unit.receivables_client.test_sdk_docs_events import _events_at

DOC = Path(__file__).resolve().parents[3] / "docs" / "sdk-receivables.md"


def _checkpoint_examples(text: str) -> list[str]:
    lines = (line.strip() for line in text.splitlines())
    return [line for line in lines if line.startswith("recfin events --checkpoint")]


def _examples() -> list[str]:
    """Each example once: --help and the page may give the same line, which one run checks for both."""
    in_help = _checkpoint_examples(CliRunner().invoke(main, ["events", "--help"]).output)
    in_doc = _checkpoint_examples(DOC.read_text(encoding="utf-8"))
    assert in_help and in_doc, (in_help, in_doc)
    return list(dict.fromkeys(in_help + in_doc))


@pytest.mark.parametrize("example", _examples())
def test_the_checkpoint_example_runs_as_written(example, tmp_path, monkeypatch, over_a_gateway):
    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    work.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(work)
    words = shlex.split(example)
    words = words[:words.index(">>")] if ">>" in words else words   # the shell's redirect, not recfin's
    arguments = [os.path.expanduser(word) for word in words[2:]]    # as the shell expands a leading ~
    transport = FakeTransport()
    transport.event_responses = [_events_at(5, "aa" * 32)]
    over_a_gateway(transport)
    result = CliRunner().invoke(main, ["events", *arguments, "--limit", "1"])
    assert result.exit_code == 0, result.output
    checkpoint = Path(arguments[arguments.index("--checkpoint") + 1])
    assert json.loads(checkpoint.read_text())["blockNumber"] == 5
