"""`recfin discount publish|get|withdraw`: the human output shows the offer's day-count basis (ACT/360 or ACT/365
changes what the holder is paid) and the day it was published; a claim given twice with --receivable is refused
before anything is sent, naming it."""

from __future__ import annotations

import pytest

from tests.unit.receivables_client.test_cli_pages_and_currencies import parties_on_the_contract, registered
from tests.unit.receivables_client.test_cli_party_commands import ok, recfin


@pytest.fixture
def confirmed_claim(monkeypatch, tmp_path) -> str:
    parties_on_the_contract(monkeypatch, tmp_path)
    rid = registered("26312000000012345678")
    ok("receivable", "confirm", rid, "--as", "coreenterprise")
    return rid


def _fields(output: str) -> dict[str, str]:
    return dict(line.split(": ", 1) for line in output.splitlines() if ": " in line)


def test_publish_get_and_withdraw_show_the_basis_and_the_day_published(confirmed_claim):
    published = recfin("discount", "publish", "--apr", "0.05", "--day-count", "ACT/365", "--expires", "2026-12-31",
                       "--receivable", confirmed_claim, "--as", "coreenterprise")
    assert published.exit_code == 0, published.output
    offer_id = _fields(published.output)["id"]
    read = recfin("discount", "get", offer_id, "--as", "supplier/supplier1")
    assert read.exit_code == 0, read.output
    withdrawn = recfin("discount", "withdraw", offer_id, "--as", "coreenterprise")
    assert withdrawn.exit_code == 0, withdrawn.output
    on_ledger = ok("discount", "get", offer_id, "--as", "supplier/supplier1")
    for shown in (published, read, withdrawn):
        fields = _fields(shown.output)
        assert fields["day_count"] == "ACT/365", shown.output
        assert fields["published_on"] == on_ledger["published_on"], shown.output


def test_a_claim_given_twice_is_refused_on_one_line_naming_it(confirmed_claim):
    twice = recfin("discount", "publish", "--apr", "0.05", "--expires", "2026-12-31", "--receivable", confirmed_claim,
                   "--receivable", confirmed_claim, "--as", "coreenterprise")
    assert twice.exit_code == 2, twice.output
    assert twice.output.splitlines()[-1] == (f"Error: Invalid value for '--receivable': '{confirmed_claim}' is given "
                                             "twice: give each once")
