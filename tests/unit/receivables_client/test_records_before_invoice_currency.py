"""A claim stored before invoices carried a currency reads alike through every call, against the real contract.

Until invoices named their currency, a claim in USD stored its invoices with none: they were in the claim's
currency. GetReceivable reads them so; the list pages and a replayed request result must too, in the contract's
answer and in the SDK's models, or one record would show its invoices in two currencies.
"""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

from chaincode.receivables import keys
from chaincode.shim import create_composite_key
from client.receivables import InvoiceInput, ReceivableRegistration, ReceivablesClient

from ..ledger_contract import LedgerContract
from ..receivables.support import contract_hash, standard_net


def _stored_as_before(net, key: str, at: tuple[str, ...] = ()) -> None:
    """Take the currency off every invoice stored under ``key`` (at the path ``at`` inside the document)."""
    doc = json.loads(net.ledger.state[key])
    inner = doc
    for part in at:
        inner = inner[part]
    for invoice in inner["invoices"]:
        invoice.pop("currency")
    net.ledger.state[key] = json.dumps(doc).encode()


def test_an_older_claims_invoices_read_in_its_currency_through_every_call():
    net = asyncio.run(standard_net())
    tier1, core = net.actors["tier1"], net.actors["core"]
    contract = LedgerContract(net.ledger, tier1.identity, lambda: net.now)
    client = ReceivablesClient(contract)
    today = (net.now + timedelta(hours=8)).date()
    claim = client.register_receivable(ReceivableRegistration(
        debtor=core.uscc, face_amount=100_000, currency="USD", issue_date=today, due_date=today + timedelta(days=90),
        invoices=[InvoiceInput(number="26312000000000000001", date=today, amount=100_000, tax=0, currency="USD",
                               seller_tax_id=tier1.uscc, buyer_tax_id=core.uscc)],
        contract_hash=contract_hash()), request_id="reg-1")
    _stored_as_before(net, create_composite_key(keys.RECEIVABLE, [claim.id]))
    _stored_as_before(net, create_composite_key(keys.REQUEST, [tier1.uscc, "reg-1"]), at=("result",))

    assert client.get_receivable(claim.id).invoices[0].currency == "USD"
    listed = client.list_by_holder(tier1.uscc).records[0]
    assert listed.invoices[0].currency == "USD"
    answered = json.loads(contract.evaluate("ListReceivablesByHolder", arguments=[tier1.uscc, "20", ""]))
    assert answered["records"][0]["invoices"][0]["currency"] == "USD"   # the contract's page itself, too
    assert client.request("reg-1").typed_result.invoices[0].currency == "USD"
