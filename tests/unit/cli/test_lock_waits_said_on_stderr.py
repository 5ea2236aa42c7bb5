"""A run waiting for a data folder's membership.lock behind a running backup says so on stderr in the CLI: the
network package says it through the CLI's wiring, not by printing itself."""
from __future__ import annotations

from click.testing import CliRunner

from cli.main import main
from network import flock_wait


def test_the_cli_wires_lock_waits_to_stderr(monkeypatch, capsys):
    monkeypatch.setattr(flock_wait, "say_waits", flock_wait._unsaid)
    assert CliRunner().invoke(main, ["network", "--help"]).exit_code == 0
    flock_wait.say_waits("waiting for `recfin network backup` to let go of membership.lock")
    captured = capsys.readouterr()
    assert captured.err == "waiting for `recfin network backup` to let go of membership.lock\n"
    assert captured.out == ""
