"""An offer sent by a party that is no bank comes back with the contract's own refusal (role-not-permitted), whoever
holds the claim. The SDK chose the endorsers of an offer as a bank's: where the caller was a party of the holder's
own org (a supplier of that org mistaken for its bank with --as), it asked for the regulator org a bank of the
holder's org needs, and failed naming a collection and --endorsing-org, which no endorser could have mended.

Over the real contract on MemoryLedger (``TopologySessions``, as in test_cli_pages_and_currencies.py)."""

from __future__ import annotations

import pytest

from ..ledger_contract import Channel
from .test_cli_pages_and_currencies import parties_on_the_contract, registered
from .test_cli_party_commands import ok, recfin

OFFER = ["--advance-rate", "0.9", "--discount-rate", "0.036", "--expires", "2026-04-30"]


@pytest.fixture
def channel(monkeypatch, tmp_path) -> Channel:
    return parties_on_the_contract(monkeypatch, tmp_path)


@pytest.mark.parametrize("who", ["supplier/supplier1", "supplier/supplier2", "coreenterprise", "regulator"])
def test_an_offer_from_a_party_that_is_no_bank_is_refused_by_the_role_rule(channel, who):
    rid = registered("26312000000012345678")
    ok("receivable", "confirm", rid, "--as", "coreenterprise")
    financing = ok("finance", "request", rid, "--as", "supplier/supplier1")["id"]
    before = len(channel.submits)
    res = recfin("finance", "offer", financing, *OFFER, "--as", who)
    assert res.exit_code == 1, res.output
    [line] = res.output.strip().splitlines()
    assert line.startswith("Error: MakeFinancingOffer refused: RULE role-not-permitted: "), line
    assert "only a financier may do this" in line
    assert len(channel.submits) == before


def test_the_bank_still_offers(channel):
    rid = registered("26312000000012345678")
    ok("receivable", "confirm", rid, "--as", "coreenterprise")
    financing = ok("finance", "request", rid, "--as", "supplier/supplier1")["id"]
    assert ok("finance", "offer", financing, *OFFER, "--as", "bank/officer1")["status"] == "OPEN"
