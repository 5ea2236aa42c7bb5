"""What the tests of an ORG[/USER] option checked as the command line is read (``cli.connection.names_a_caller``)
give it: names no org or user can have, each with what the refusal says of it, and a stand-in for
``connection.open_session`` that fails the test should a session be opened all the same (:func:`no_session_opened`)."""
from __future__ import annotations

import pytest

from cli import connection

TOO_LONG = "a" * 10_000
TOO_MANY = "has 10000 characters, more than any org's name, MSP ID or user's name"


def named_no_org_can_have(org: str) -> list:
    """(value, what its refusal says) of names no org or user can have, the org part of some of them ``org``: too
    long, a user too long, an escape sequence, a path."""
    return [pytest.param(TOO_LONG, TOO_MANY, id="too long"),
            pytest.param(f"{org}/{TOO_LONG}", TOO_MANY, id="user too long"),
            pytest.param(f"{org}\x1b[2J", "holds '\\x1b', '[', which no org's name, MSP ID or user's name holds",
                         id="escape"),
            pytest.param(f"../{org}", "holds '.', which no org's name, MSP ID or user's name holds", id="path")]


def no_session_opened(monkeypatch) -> None:
    """``connection.open_session`` made to fail the test: a name refused as the command line is read opens none."""
    def open_session(*_args, **_kwargs):
        raise AssertionError("a session was opened for a name no org or user can have")
    monkeypatch.setattr(connection, "open_session", open_session)


def refused_on_one_short_line(result, option: str, said: str, data_root) -> None:
    """The command refused the name as a usage error naming ``option``, saying ``said``, in a short message naming
    no path under ``data_root`` (looked up as given, the name came back as "File name too long" with the path)."""
    assert result.exit_code == 2, result.output
    one_line = " ".join(result.output.split())
    assert f"Invalid value for '{option}'" in one_line and said in one_line, one_line
    assert "File name too long" not in result.output and str(data_root) not in result.output
    assert len(result.output) < 1000
