"""A --bookmark token that decodes but names no page of the list asked for (one another listing printed) is refused
by the contract (bookmark-invalid) in words for the command line: the option and the token as given, and to pass
the token this listing printed or leave --bookmark out. The contract's own advice ("send \"\" for the first page"),
with the decoded key's NUL bytes, named nothing an operator types.

Over the real contract on MemoryLedger (``TopologySessions``, as in test_cli_pages_and_currencies.py)."""

from __future__ import annotations

import pytest

from cli.regulator_commands import bookmark_token

from ..ledger_contract import Channel
from .test_cli_pages_and_currencies import parties_on_the_contract, registered
from .test_cli_party_commands import recfin

ANOTHER_LISTS = bookmark_token("\x00recfin.by-status\x00OVERDUE\x00R-0123456789abcdef\x00")


@pytest.fixture
def channel(monkeypatch, tmp_path) -> Channel:
    return parties_on_the_contract(monkeypatch, tmp_path)


@pytest.mark.parametrize("listing", [["receivable", "list", "--as", "supplier/supplier1"],
                                     ["receivable", "list", "--as", "supplier/supplier1", "--all"],
                                     ["regulator", "list", "FINANCED", "--as", "regulator"],
                                     ["discount", "list", "--as", "coreenterprise"],
                                     ["finance", "offers", "--as", "bank/officer1"]])
def test_a_token_of_another_list_is_refused_naming_the_option(channel, listing):
    registered("26312000000012345678")
    res = recfin(*listing, "--bookmark", ANOTHER_LISTS)
    assert res.exit_code == 1, res.output
    [line] = res.output.strip().splitlines()
    assert "RULE bookmark-invalid: " in line
    assert f"--bookmark {ANOTHER_LISTS} names no page of this list" in line
    assert "leave --bookmark out for the first page" in line
    assert "\\x00" not in line and 'send ""' not in line
