"""`recfin events` lines: every amount an event of the receivables contract carries reads as money, nested ones
too, with the event's currency when the event names one and without a code when it does not.

The amounts are found by running the contract itself: the lifecycle of tests/unit/receivables/test_events.py
runs every submit transaction, and each event it emits is recorded here. An integer field that is neither in
``cli.amounts.MONEY_FIELDS`` nor a count named in ``COUNTS`` fails the test, so an amount the contract adds to
an event is not printed as raw fen next to others in yuan.
"""
from __future__ import annotations

import json

import pytest

from chaincode.receivables import events as contract_events
from chaincode.shim._stub import ChaincodeStub
from cli.amounts import MONEY_FIELDS, money
from cli.event_commands import _line
from client.receivables import ReceivablesEvent
from tests.unit.receivables import test_events as every_submit

# Integer fields of the contract's events that are not money: days, and records counted by a ledger upgrade.
COUNTS = {"days_early", "scanned", "writes", "financier_entries", "discount_offer_entries",
          "open_offer_entries", "fingerprint_entries", "claim_policies", "financing_policies",
          "discount_offer_policies", "entries_resealed"}
EVENT_NAMES = {value for name, value in vars(contract_events).items() if name.isupper() and isinstance(value, str)}


def integers(value, path: str = ""):
    """(path, key, value) of every integer in a payload, however deeply nested in records and lists."""
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, int) and not isinstance(item, bool):
                yield f"{path}{key}", key, item
            else:
                yield from integers(item, f"{path}{key}.")
    elif isinstance(value, list):
        for n, item in enumerate(value):
            yield from integers(item, f"{path}{n}.")


async def emitted_by_the_contract(monkeypatch) -> list[ReceivablesEvent]:
    payloads = []
    real = ChaincodeStub.set_event

    def recorded(stub, name, payload):
        payloads.append(payload)
        return real(stub, name, payload)

    monkeypatch.setattr(ChaincodeStub, "set_event", recorded)
    await every_submit.test_every_submit_transaction_emits_exactly_one_event_naming_the_receivable(monkeypatch)
    out = []
    for block, payload in enumerate(payloads, 1):
        doc = json.loads(payload)
        details = {k: v for k, v in doc.items() if k not in ("event", "receivable_id", "tx_id")}
        out.append(ReceivablesEvent(name=doc["event"], receivable_id=doc["receivable_id"], tx_id=doc["tx_id"],
                                    block_number=block, details=details))
    return out


async def test_every_amount_the_contracts_events_carry_is_printed_as_money(monkeypatch):
    emitted = await emitted_by_the_contract(monkeypatch)
    assert {e.name for e in emitted} == EVENT_NAMES   # every event of the contract was seen
    unknown = sorted({(e.name, path) for e in emitted for path, key, _ in integers(e.details)
                      if key not in MONEY_FIELDS and key not in COUNTS})
    assert unknown == [], (f"integer fields the CLI does not know, {unknown}: add each to cli.amounts.MONEY_FIELDS "
                           "if it is an amount, or to COUNTS here if it is not")
    amounts = 0
    for e in emitted:
        line = _line(e, as_json=False)
        currency = e.details.get("currency", "")
        for path, key, fen in integers(e.details):
            if key in MONEY_FIELDS:
                amounts += 1
                assert f"{key}={money(fen, currency)}" in line, (path, line)
        assert json.loads(_line(e, as_json=True)) == {"block": e.block_number, **e.payload()}   # fen for machines
    assert amounts > 10


def event(name: str, receivable_id: str, **details) -> ReceivablesEvent:
    return ReceivablesEvent(name=name, receivable_id=receivable_id, tx_id="t1", block_number=17, details=details)


ACCEPTED = dict(apr="0.05", days_early=90, discount=37_500, offer_id="D-1", paid=2_962_500)
PAID = dict(allocations=[{"amount": 8_300_000, "outstanding": 0, "payee": "91110000MA1K00099X",
                          "receivable_id": "R-1.2"}], amount=8_300_000)


LINES = [
    # a discount taken: what was paid and the discount, as money
    ("DiscountOfferAccepted", "R-1.1", ACCEPTED, None,
     "apr=0.05, days_early=90, discount=375.00, offer_id=D-1, paid=29,625.00"),
    ("DiscountOfferAccepted", "R-1.1", ACCEPTED, "CNY",
     "apr=0.05, days_early=90, discount=CNY 375.00, offer_id=D-1, paid=CNY 29,625.00, currency=CNY"),
    # a payment: its allocations' amounts as money too, in the event's currency
    ("PaymentRecorded", "R-1.2", PAID, None,
     "allocations=[{amount=83,000.00, outstanding=0.00, payee=91110000MA1K00099X, receivable_id=R-1.2}], "
     "amount=83,000.00"),
    ("PaymentRecorded", "R-1.2", PAID, "USD",
     "allocations=[{amount=USD 83,000.00, outstanding=USD 0.00, payee=91110000MA1K00099X, receivable_id=R-1.2}], "
     "amount=USD 83,000.00, currency=USD"),
]


@pytest.mark.parametrize("name, receivable_id, details, currency, shown", LINES,
                         ids=[f"{name} {currency or 'no currency'}" for name, _, _, currency, _ in LINES])
def test_the_line_shows_amounts_as_money_with_the_currency_the_event_names(name, receivable_id, details, currency,
                                                                           shown):
    named = {**details, "currency": currency} if currency else details
    assert _line(event(name, receivable_id, **named), as_json=False) == \
        f"block 17  {name}  {receivable_id}  tx t1  {shown}"
