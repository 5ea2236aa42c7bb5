"""`recfin finance quote` and `finance compare` hold --as to what every other command's is held to
(``cli.connection.caller``): a name no org or user can have (longer than an MSP ID may be, or holding a character
outside ASCII letters, digits and '-') is a usage error, exit 2, naming --as, before anything connects or any file
is read. Looked up as given, a 10,000-character --as came back, exit 1, as the file system's "File name too long"
with the whole path."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from cli.finance_commands import finance
from cli.risk_commands import risk

from ..names_no_org_can_have import named_no_org_can_have, no_session_opened, refused_on_one_short_line
from .test_finance_ledger import CONFIG


@pytest.mark.parametrize("command", [
    ("finance", "quote", "R-1"),                                           # on the ledger
    ("finance", "quote", "R-1", "--face", "1000", "--due", "2027-03-01", "--grade", "B"),   # offline: BANK.yaml
    ("finance", "quote", "R-1", "--config", CONFIG),
    ("finance", "compare", "R-1"),
    ("risk", "score", "9131000000000001XN"),
], ids=" ".join)
@pytest.mark.parametrize("as_, said", named_no_org_can_have("bank"))
def test_an_as_no_org_or_user_can_have_is_a_usage_error(monkeypatch, tmp_path, command, as_, said):
    no_session_opened(monkeypatch)
    group = {"finance": finance, "risk": risk}[command[0]]
    result = CliRunner().invoke(group, [*command[1:], "--as", as_, "--data-root", str(tmp_path)])
    refused_on_one_short_line(result, "--as", said, tmp_path)


def test_a_name_an_org_can_have_is_still_taken(monkeypatch):
    no_session_opened(monkeypatch)
    result = CliRunner().invoke(finance, ["quote", "R-1", "--as", "bank/officer1", "--face", "1,000,000",
                                          "--due", "2027-03-01", "--grade", "B", "--on", "2026-12-01", "--json"])
    assert result.exit_code == 0, result.output
