"""Every ledger command that sends a business request id prints it with --json as `receivable pay --json` does
(``request_id``): the id given with --request-id, or the fresh one sent without it, so that a script can retry
the same call, or ask `recfin request get ID` whether it committed, without having to give every id itself.

The commands, the SDK and the contract run for real on MemoryLedger (``TopologySessions``)."""

from __future__ import annotations

import pytest

from ..receivables_client.test_cli_pages_and_currencies import CORE, TIER2, parties_on_the_contract
from ..receivables_client.test_cli_party_commands import ok

SUPPLIER = ("--as", "supplier/supplier1")
REGISTER = ("receivable", "register", *SUPPLIER, "--debtor", CORE, "--face", "1,130.00", "--issue", "2026-03-02",
            "--due", "2026-05-31", "--invoice", "26312000000012345678,2026-03-01,1000.00,130.00",
            "--contract-hash", "c" * 64)


@pytest.fixture
def channel(monkeypatch, tmp_path):
    return parties_on_the_contract(monkeypatch, tmp_path)


def recorded(request_id: str, org_user: str) -> dict:
    """The ledger's record of ``request_id``, asked as its party."""
    return ok("request", "get", request_id, "--as", org_user)


def test_register_transfer_publish_and_accept_print_the_request_id_given(channel):
    claim = ok(*REGISTER, "--request-id", "PO-1")
    assert claim["request_id"] == "PO-1"
    assert recorded("PO-1", "supplier/supplier1")["tx_id"] == claim["last"]["tx_id"]
    ok("receivable", "confirm", claim["id"], "--as", "coreenterprise")
    moved = ok("receivable", "transfer", claim["id"], "--to", TIER2, "--amount", "100", *SUPPLIER,
               "--request-id", "MOVE-1")
    assert moved["request_id"] == "MOVE-1"
    offer = ok("discount", "publish", "--apr", "0.05", "--expires", "2026-04-01", "--receivable", f"{claim['id']}.2",
               "--as", "coreenterprise", "--request-id", "DISC-1")
    assert offer["request_id"] == "DISC-1"
    settled = ok("discount", "accept", offer["id"], f"{claim['id']}.2", "--yes", *SUPPLIER, "--request-id", "ACC-1")
    assert settled["request_id"] == "ACC-1"


def test_without_request_id_the_fresh_id_sent_is_printed_and_names_the_call_on_the_ledger(channel):
    claim = ok(*REGISTER)
    assert recorded(claim["request_id"], "supplier/supplier1")["tx_id"] == claim["last"]["tx_id"]
    ok("receivable", "confirm", claim["id"], "--as", "coreenterprise")
    moved = ok("receivable", "transfer", claim["id"], "--to", TIER2, "--amount", "100", *SUPPLIER)
    assert recorded(moved["request_id"], "supplier/supplier1")["transaction"] == "TransferReceivable"
    offer = ok("discount", "publish", "--apr", "0.05", "--expires", "2026-04-01", "--as", "coreenterprise")
    assert recorded(offer["request_id"], "coreenterprise")["transaction"] == "PublishDiscountOffer"
    settled = ok("discount", "accept", offer["id"], f"{claim['id']}.2", "--yes", *SUPPLIER)
    assert recorded(settled["request_id"], "supplier/supplier1")["transaction"] == "AcceptDiscountOffer"


def test_a_retry_with_the_printed_id_returns_the_first_result_and_moves_nothing_twice(channel):
    claim = ok(*REGISTER)
    again = ok(*REGISTER, "--request-id", claim["request_id"])
    assert again["id"] == claim["id"]
    assert again["request_id"] == claim["request_id"]
    assert again["last"]["tx_id"] == claim["last"]["tx_id"]   # the first registration's, none of its own


@pytest.mark.parametrize("given", [(), ("--request-id", "VER-1")], ids=["fresh id", "--request-id"])
def test_invoice_attest_and_register_print_the_request_id_sent(monkeypatch, tmp_path, given):
    import json

    from client.invoices import sources

    from ..invoices._ledger import Ledger, SecondsLater
    from ..invoices.test_attest import INVOICE, MATCHED, run

    ledger = Ledger().serve(monkeypatch)
    monkeypatch.setattr(sources, "datetime", SecondsLater)
    kept = ("--evidence", tmp_path / "ev.json") if given else ()   # a retry sends the same evidence again
    attested = run("attest", INVOICE, "--as", "bank/officer1", *given, *kept, "--json")
    assert attested.exit_code == 0, attested.output
    attest_id = json.loads(attested.stdout)["request_id"]
    assert attest_id == (given[1] if given else attest_id)
    assert ledger.client("bank").request(attest_id).transaction == "AttestInvoiceVerification"
    registered = run("register", INVOICE, *MATCHED, "--as", "supplier/supplier1", *given, "--json")
    assert registered.exit_code == 0, registered.output
    register_id = json.loads(registered.stdout)["request_id"]
    assert register_id == (given[1] if given else register_id)
    assert ledger.client("supplier").request(register_id).transaction == "RegisterReceivable"
