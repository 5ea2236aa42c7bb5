"""`recfin receivable history --json` and `provenance --json` name the claim's currency beside their amounts. They
printed the contract's entries and tree alone, whose amounts are integer fen with no currency: a script reading the
history or the splits of a USD claim got 113000 with nothing saying it was USD, not CNY, unless it read the claim
too, as the tables of both commands do to show `USD 1,130.00`.

Over the real contract on MemoryLedger (the connection is ``TopologySessions``, as in
test_cli_pages_and_currencies.py)."""

from __future__ import annotations

import pytest

from ..ledger_contract import Channel
from .test_cli_pages_and_currencies import TIER2, parties_on_the_contract, registered
from .test_cli_party_commands import ok


@pytest.fixture
def channel(monkeypatch, tmp_path) -> Channel:
    return parties_on_the_contract(monkeypatch, tmp_path)


def _split_usd_claim() -> str:
    rid = registered("26312000000012345678", face="1,130.00", currency="USD")
    ok("receivable", "confirm", rid, "--as", "coreenterprise")
    ok("receivable", "transfer", rid, "--to", TIER2, "--amount", "USD 130.00", "--as", "supplier/supplier1")
    return rid


def test_each_history_entry_names_the_currency_of_its_outstanding_amount(channel):
    rid = _split_usd_claim()
    entries = ok("receivable", "history", rid, "--as", "supplier/supplier1")
    assert [(e["outstanding"], e["currency"]) for e in entries] == [(113_000, "USD"), (113_000, "USD"), (0, "USD")]


def test_the_provenance_names_the_currency_of_its_amounts(channel):
    rid = _split_usd_claim()
    tree = ok("receivable", "provenance", f"{rid}.1", "--as", "supplier/supplier2")
    assert tree["currency"] == "USD"
    assert [(a["id"], a["face_amount"]) for a in tree["ancestors"]] == [(rid, 113_000)]
    assert (tree["tree"]["id"], tree["tree"]["outstanding"]) == (f"{rid}.1", 13_000)
