"""`recfin receivable get` prints the invoices a claim stands on and the payments recorded on it, each on a line of
its own with its amounts as money in their currency. Before, the table showed the face and what was outstanding
only: a debtor about to confirm (确权) a claim saw none of the invoices it confirms against, and a holder, a bank or
a debtor looking up a claim after a payment saw the outstanding amount drop with nothing saying what was paid, when
and to whom; only --json held them.

Over the real contract on MemoryLedger (the connection is ``TopologySessions``, as in
test_cli_pages_and_currencies.py)."""

from __future__ import annotations

import pytest

from ..ledger_contract import Channel
from .test_cli_pages_and_currencies import parties_on_the_contract, registered
from .test_cli_party_commands import ok, recfin


@pytest.fixture
def channel(monkeypatch, tmp_path) -> Channel:
    return parties_on_the_contract(monkeypatch, tmp_path)


def _lines_of(rid: str, who: str, label: str) -> list[str]:
    res = recfin("receivable", "get", rid, "--as", who)
    assert res.exit_code == 0, res.output
    return [line.removeprefix(f"{label}: ") for line in res.output.splitlines() if line.startswith(f"{label}: ")]


def test_the_debtor_about_to_confirm_sees_each_invoice_with_its_amounts_in_the_claims_currency(channel):
    rid = registered("26312000000012345678", face="USD 1,130.00", invoice_amounts="USD 1000.00,USD 130.00",
                     currency="USD")
    assert _lines_of(rid, "coreenterprise", "invoice") == [
        "26312000000012345678 of 2026-03-01: USD 1,000.00, tax USD 130.00"]


def test_each_payment_says_when_how_much_and_to_whom(channel):
    rid = registered("26312000000012345678")
    ok("receivable", "confirm", rid, "--as", "coreenterprise")
    paid = ok("receivable", "pay", rid, "--amount", "130.00", "--as", "coreenterprise")
    assert _lines_of(rid, "supplier/supplier1", "payment") == [
        f"2026-03-02: CNY 130.00 to 91310000MA1K00002C (holder), tx {paid['payment_tx_id']}"]


def test_a_claim_unpaid_has_no_payment_line(channel):
    rid = registered("26312000000012345678")
    assert _lines_of(rid, "supplier/supplier1", "payment") == []


def test_what_the_bank_records_as_repaid_says_so(channel):
    rid = registered("26312000000012345678")
    ok("receivable", "confirm", rid, "--as", "coreenterprise")
    financing = ok("finance", "request", rid, "--as", "supplier/supplier1")["id"]
    offer = ok("finance", "offer", financing, "--advance-rate", "0.9", "--discount-rate", "0.036",
               "--expires", "2026-04-30", "--as", "bank/officer1")["id"]
    ok("finance", "accept", offer, "--as", "supplier/supplier1")
    ok("finance", "disburse", financing, "--as", "bank/officer1")
    repaid = ok("finance", "repay", financing, "--as", "bank/officer1")
    assert _lines_of(rid, "coreenterprise", "payment") == [
        f"2026-03-02: CNY 1,130.00 to 91110000MA1K00006B (financier), recorded by the bank as repaid to it, "
        f"tx {repaid['last']['tx_id']}"]
