"""`invoice attest`, `invoice attestations` and `invoice register` hold --as to what every other command's is held to
(``cli.connection.names_a_caller``): a name no org or user can have (longer than an MSP ID may be, or holding a
character outside ASCII letters, digits and '-') is a usage error, exit 2, naming --as, as the command line is read,
before the invoice is read, anything connects or any file is written. Read by ``parse_as`` alone, a
10,000-character --as came back, exit 1, as the file system's "File name too long" with the whole path."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from cli import connection
from cli.invoice_commands import invoice

from .test_attest import INVOICE

TOO_LONG = "a" * 10_000


@pytest.fixture
def nothing_connects(monkeypatch):
    def open_session(*_args, **_kwargs):
        raise AssertionError("a session was opened for an --as no org can have")
    monkeypatch.setattr(connection, "open_session", open_session)


@pytest.mark.parametrize("command", [
    ("attest", str(INVOICE), "--evidence", "e.json"),
    ("attestations", str(INVOICE)),
    ("register", str(INVOICE), str(INVOICE), str(INVOICE), "--due", "2026-11-30"),
], ids=lambda command: command[0])
@pytest.mark.parametrize("as_, said", [
    (TOO_LONG, "has 10000 characters, more than any org's name, MSP ID or user's name"),
    (f"bank/{TOO_LONG}", "has 10000 characters, more than any org's name, MSP ID or user's name"),
    ("bank\x1b[2J", "holds '\\x1b', '[', which no org's name, MSP ID or user's name holds"),
    ("../bank", "holds '.', which no org's name, MSP ID or user's name holds"),
], ids=["too long", "user too long", "escape", "path"])
def test_an_as_no_org_or_user_can_have_is_a_usage_error(nothing_connects, tmp_path, monkeypatch, command, as_, said):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(invoice, [*command, "--as", as_, "--data-root", str(tmp_path)])
    assert result.exit_code == 2, result.output
    one_line = " ".join(result.output.split())
    assert "Invalid value for '--as'" in one_line and said in one_line
    assert "File name too long" not in result.output and str(tmp_path) not in result.output
    assert len(result.output) < 1000
    assert list(tmp_path.iterdir()) == []      # no evidence file, nor its request id, written
