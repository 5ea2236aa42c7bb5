"""`recfin receivable withdraw`, and `recfin receivable provenance` of a tree with parts the caller may not read,
over the real contract on MemoryLedger (the connection is ``TopologySessions``, as in
test_cli_pages_and_currencies.py)."""

from __future__ import annotations

import pytest

from ..ledger_contract import Channel
from .test_cli_pages_and_currencies import TIER2, parties_on_the_contract, registered
from .test_cli_party_commands import ok, recfin


@pytest.fixture
def channel(monkeypatch, tmp_path) -> Channel:
    return parties_on_the_contract(monkeypatch, tmp_path)


def test_the_creditor_withdraws_a_claim_its_debtor_has_not_confirmed_and_its_invoice_is_free_again(channel):
    rid = registered("26312000000012345678")
    fingerprint = ok("receivable", "get", rid, "--as", "supplier/supplier1")["invoices"][0]["fingerprint"]
    # the debtor answers a registration; the creditor withdraws its own
    refused = recfin("receivable", "withdraw", rid, "--reason", "wrong face amount", "--as", "coreenterprise")
    assert refused.exit_code != 0 and "not-the-holder" in refused.output
    shown = recfin("receivable", "withdraw", rid, "--reason", "wrong face amount", "--as", "supplier/supplier1")
    assert shown.exit_code == 0, shown.output
    assert "status: WITHDRAWN" in shown.output and "withdrawal_reason: wrong face amount" in shown.output
    assert ok("receivable", "find-invoice", fingerprint, "--as", "supplier/supplier1")["used"] is False
    registered("26312000000012345678")     # the invoice backs a corrected claim


def test_provenance_prints_a_part_the_caller_may_not_read_as_its_id_alone(channel):
    rid = registered("26312000000012345679")
    ok("receivable", "confirm", rid, "--as", "coreenterprise")
    ok("receivable", "transfer", rid, "--to", TIER2, "--amount", "430.00", "--as", "supplier/supplier1")
    # tier2 passes part of its part back to tier1: that part is tier1's now, not tier2's to read
    ok("receivable", "transfer", f"{rid}.1", "--to", ok("party", "whoami", "--as", "supplier/supplier1")["uscc"],
       "--amount", "100.00", "--as", "supplier/supplier2")
    printed = recfin("receivable", "provenance", f"{rid}.1", "--as", "supplier/supplier2")
    assert printed.exit_code == 0, printed.output
    lines = printed.output.splitlines()
    assert f"  - {rid}.1.1  (redacted: you may not read it)" in lines
    assert any(line.startswith(f"  - {rid}.1.2  CONFIRMED  {TIER2}  outstanding CNY 330.00") for line in lines)
    as_json = ok("receivable", "provenance", f"{rid}.1", "--as", "supplier/supplier2")
    assert [(c["id"], c.get("redacted", False), c["holder"]) for c in as_json["tree"]["children"]] == \
        [(f"{rid}.1.1", True, None), (f"{rid}.1.2", False, TIER2)]
