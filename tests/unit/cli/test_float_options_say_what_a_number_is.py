"""A number of seconds or a rate written so that it is no number (a decimal comma, a unit, a word) is refused
saying what a number looks like, on every command that takes one and in network.ccprobe, which shares the check."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from cli.main import main
from network import ccprobe

from .test_help_examples import tree
from .test_options_refused_before_running import TIMEOUTS

ADVICE = "in digits, with a point before any decimals, e.g. 30 or 2.5"


@pytest.mark.parametrize("path, cmd", TIMEOUTS, ids=[" ".join(path) for path, _ in TIMEOUTS])
def test_every_timeout_written_with_a_decimal_comma_says_what_a_number_of_seconds_looks_like(monkeypatch, path,
                                                                                               cmd):
    ran = []
    monkeypatch.setattr(cmd, "callback", lambda *_, **__: ran.append(path))
    result = CliRunner().invoke(tree(), [*path, "--timeout=12,34.5"])
    assert result.exit_code == 2, result.output
    assert f"Invalid value for '--timeout': '12,34.5' is not a number: give a number of seconds {ADVICE}" \
        in result.output
    assert ran == []


@pytest.mark.parametrize("option, value, unit", [("--rate", "1,5", "operations per second"),
                                                 ("--duration", "60s", "seconds"),
                                                 ("--warmup", "ten", "seconds")])
def test_a_bench_time_or_rate_that_is_no_number_says_its_unit_and_what_a_number_looks_like(option, value, unit):
    result = CliRunner().invoke(main, ["bench", "-w", "confirm", option, value])
    assert result.exit_code == 2, result.output
    assert f"Invalid value for '{option}': '{value}' is not a number: give a number of {unit} {ADVICE}" \
        in result.output


def test_ccprobe_says_the_same_of_a_timeout_that_is_no_number(tmp_path, capsys):
    with pytest.raises(SystemExit) as exited:
        ccprobe.main([str(tmp_path / "connection.json"), "--timeout", "2,5"])
    assert exited.value.code == 2
    assert f"argument --timeout: '2,5' is not a number: give a number of seconds {ADVICE}" in capsys.readouterr().err
