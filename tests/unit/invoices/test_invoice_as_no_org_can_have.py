"""`invoice attest`, `invoice attestations` and `invoice register` hold --as to what every other command's is held to
(``cli.connection.names_a_caller``): a name no org or user can have (longer than an MSP ID may be, or holding a
character outside ASCII letters, digits and '-') is a usage error, exit 2, naming --as, as the command line is read,
before the invoice is read, anything connects or any file is written. Read by ``parse_as`` alone, a
10,000-character --as came back, exit 1, as the file system's "File name too long" with the whole path."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from cli.invoice_commands import invoice

from ..names_no_org_can_have import named_no_org_can_have, no_session_opened, refused_on_one_short_line
from .test_attest import INVOICE


@pytest.mark.parametrize("command", [
    ("attest", str(INVOICE), "--evidence", "e.json"),
    ("attestations", str(INVOICE)),
    ("register", str(INVOICE), str(INVOICE), str(INVOICE), "--due", "2026-11-30"),
], ids=lambda command: command[0])
@pytest.mark.parametrize("as_, said", named_no_org_can_have("bank"))
def test_an_as_no_org_or_user_can_have_is_a_usage_error(tmp_path, monkeypatch, command, as_, said):
    no_session_opened(monkeypatch)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(invoice, [*command, "--as", as_, "--data-root", str(tmp_path)])
    refused_on_one_short_line(result, "--as", said, tmp_path)
    assert list(tmp_path.iterdir()) == []      # no evidence file, nor its request id, written
