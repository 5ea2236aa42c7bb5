"""A --bookmark token that decodes but names no page of the list (refused by the SDK's check before sending, or by
the contract) is named in the refusal as given while it is of a length a listing prints; a 10,000-character one, a
paste gone wrong, was echoed whole into a line as long. Over the real contract on MemoryLedger."""
from __future__ import annotations

import pytest

from cli.regulator_commands import bookmark_token

from ..receivables_client.test_cli_pages_and_currencies import parties_on_the_contract, registered
from ..receivables_client.test_cli_party_commands import recfin

LONG_TOKEN = bookmark_token("\x00recfin.by-status\x00OVERDUE\x00" + "R" * 7_500 + "\x00")


@pytest.fixture
def channel(monkeypatch, tmp_path):
    return parties_on_the_contract(monkeypatch, tmp_path)


@pytest.mark.parametrize("listing", [["receivable", "list", "--as", "supplier/supplier1"],
                                     ["regulator", "list", "FINANCED", "--as", "regulator"],
                                     ["discount", "list", "--as", "coreenterprise"],
                                     ["finance", "offers", "--as", "bank/officer1"]])
def test_a_long_token_of_no_page_is_refused_cut_short(channel, listing):
    registered("26312000000012345678")
    res = recfin(*listing, "--bookmark", LONG_TOKEN)
    assert res.exit_code == 1, res.output
    [line] = res.output.strip().splitlines()
    assert f"--bookmark '{LONG_TOKEN[:20]}" in line and f"({len(LONG_TOKEN)} characters) names no page" in line
    assert len(line) < 600, line[:300]
