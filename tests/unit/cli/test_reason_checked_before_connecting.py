"""A --reason the contract would refuse (blank, as an unset shell variable gives; over 500 characters; on more than
one line) is a usage error, as docs/cli.md says a value out of range is: exit 2, the option named, before anything
connects. It was found only once the command had connected, by the SDK's check, and exited 1 as a refusal: a script
could not tell its own mistake from the contract's answer, and with the network down it was told to start it."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from cli import connection
from cli.main import main

COMMANDS = [["receivable", "reject", "R-0123456789abcdef"],
            ["receivable", "withdraw", "R-0123456789abcdef"],
            ["finance", "withdraw-offer", "O-0123456789abcdef"],
            ["finance", "cancel", "F-0123456789abcdef"],
            ["finance", "demand-recourse", "F-0123456789abcdef"],
            ["finance", "recourse", "F-0123456789abcdef"]]


@pytest.fixture
def no_connection(monkeypatch):
    def refuse(*_a, **_k):
        raise AssertionError("connected")
    monkeypatch.setattr(connection, "open_session", refuse)


@pytest.mark.parametrize("command", COMMANDS, ids=[" ".join(c[:2]) for c in COMMANDS])
@pytest.mark.parametrize("reason, said", [("", "reason must be 1 to 500 characters"),
                                          ("   ", "reason must be 1 to 500 characters"),
                                          ("x" * 501, "reason must be 1 to 500 characters"),
                                          ("goods\nreturned", "reason holds '\\n' (U+000A")])
def test_a_reason_the_contract_would_refuse_is_a_usage_error_before_connecting(no_connection, command, reason,
                                                                                 said):
    res = CliRunner().invoke(main, [*command, "--reason", reason, "--as", "coreenterprise"])
    assert res.exit_code == 2, res.output
    assert "Error: Invalid value for '--reason': " in res.output and said in res.output
    assert "nothing was sent" in res.output


def test_a_reason_of_500_characters_after_trimming_is_taken(no_connection):
    res = CliRunner().invoke(main, ["receivable", "reject", "R-0123456789abcdef", "--reason", " " + "x" * 500 + " ",
                                    "--as", "coreenterprise"])
    assert "Invalid value" not in res.output
    assert isinstance(res.exception, AssertionError) and str(res.exception) == "connected"
