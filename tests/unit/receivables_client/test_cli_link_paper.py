"""`recfin receivable link-paper` over the real contract on MemoryLedger (the connection is ``TopologySessions``,
as in test_cli_pages_and_currencies.py): the creditor links the paper form's identity of a confirmed claim's
invoice, after which the invoice registry holds the claim under it too."""

from __future__ import annotations

import pytest

from ..ledger_contract import Channel
from .test_cli_pages_and_currencies import parties_on_the_contract, registered
from .test_cli_party_commands import ok, recfin

NUMBER = "26312000000012345670"
LINK = ("--invoice", NUMBER, "--paper-code", "144031900111", "--paper-number", "00012345")


@pytest.fixture
def channel(monkeypatch, tmp_path) -> Channel:
    return parties_on_the_contract(monkeypatch, tmp_path)


def test_the_creditor_links_a_confirmed_claims_paper_identity_and_the_registry_holds_it(channel):
    rid = registered(NUMBER)
    ok("receivable", "confirm", rid, "--as", "coreenterprise")
    # the registry holds the identity under the seller's tax id: the debtor could lock another buyer's invoice
    refused = recfin("receivable", "link-paper", rid, *LINK, "--as", "coreenterprise")
    assert refused.exit_code != 0 and "not-the-creditor" in refused.output
    linked = ok("receivable", "link-paper", rid, *LINK)
    invoice = linked["invoices"][0]
    assert (invoice["paper_code"], invoice["paper_number"]) == ("144031900111", "00012345")
    found = ok("receivable", "find-invoice", invoice["paper_fingerprint"], "--as", "supplier/supplier1")
    assert (found["used"], found["receivable_id"]) == (True, rid)
    shown = recfin("receivable", "link-paper", rid, *LINK, "--as", "supplier/supplier1")
    assert shown.exit_code != 0 and "paper-identity-already-named" in shown.output
