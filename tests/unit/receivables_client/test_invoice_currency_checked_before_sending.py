"""A registration whose invoice is in another currency than the claim (a USD claim whose invoice was left at
``InvoiceInput``'s CNY) is refused before anything is sent, under the contract's rule and in its words
(``invoice-currency-mismatch``): the contract refuses it whatever the ledger holds, and it went to the peers to be
refused there. Checked against the contract's answer on MemoryLedger."""

from __future__ import annotations

import json
from decimal import Decimal

from client.receivables import ReceivablesClient
from client.receivables.errors import RULE_PATTERN

from . import fakes
from .fakes import FakeContract
from .test_argument_refusals_name_the_contracts_rule import refusal_of_both_clients
from .test_contract_agreement import Lifecycle


def test_an_invoice_in_another_currency_than_the_claim_is_refused_before_sending():
    life = Lifecycle()
    core = life.party("CoreEnterpriseMSP", "core_enterprise", "Core Manufacturing")
    tier1 = life.party("SupplierMSP", "supplier", "Tier-1 Parts")
    in_cny = life.registration(tier1, core, Decimal("1000.00"), "26312000000012345601", 30)
    mixed = in_cny.model_copy(update={"currency": "USD"})      # its invoice still in CNY, the default
    refused = refusal_of_both_clients(lambda client: client.register_receivable(mixed))[0]
    answered = life.call(tier1, "RegisterReceivable", json.dumps(mixed.to_json()))
    assert (refused.transaction, refused.rule, refused.detail) == (
        "RegisterReceivable", *RULE_PATTERN.search(answered.message).groups())
    assert "26312000000012345601 is in CNY, the claim in USD" in refused.detail


def test_a_claim_in_its_invoices_currency_is_sent_and_taken():
    life = Lifecycle()
    core = life.party("CoreEnterpriseMSP", "core_enterprise", "Core Manufacturing")
    tier1 = life.party("SupplierMSP", "supplier", "Tier-1 Parts")
    usd = life.registration(tier1, core, Decimal("1000.00"), "26312000000012345602", 30)
    usd = usd.model_copy(update={"currency": "USD", "invoices": [usd.invoices[0].model_copy(update={"currency": "USD"})]})
    contract = FakeContract(responses={"RegisterReceivable": fakes.receivable()})
    ReceivablesClient(contract).register_receivable(usd)
    sent = contract.only().arguments[0]
    assert life.call(tier1, "RegisterReceivable", sent).status == 200
