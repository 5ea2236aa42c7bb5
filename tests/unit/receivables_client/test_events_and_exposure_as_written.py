"""An event the first contract version wrote reads as its model; an exposure is looked up only under a currency
spelt as the ledger spells it."""

from __future__ import annotations

import json

import pytest

from client.gateway import ChaincodeEvent
from client.receivables import FinancierExposure, FinancingRequested, ReceivablesEvent


def financing_requested(**fields) -> ReceivablesEvent:
    body = {"event": "FinancingRequested", "receivable_id": "R-00000000000000a1", "tx_id": "t1",
            "financing_id": "F-00000000000000b1", "due_date": "2026-05-31", **fields}
    return ReceivablesEvent.from_chaincode_event(
        ChaincodeEvent(7, "t1", "receivables", "FinancingRequested", json.dumps(body).encode()))


def test_financing_requested_of_the_first_contract_version_reads_its_face_amount_as_outstanding():
    # as the contract emitted it before fc0b0ee: face_amount=r.outstanding, no currency
    details = financing_requested(face_amount=11_300_000).typed()
    assert isinstance(details, FinancingRequested)
    assert details.outstanding == 11_300_000 and details.currency is None
    assert financing_requested(outstanding=5, currency="CNY").typed().outstanding == 5
    with pytest.raises(ValueError, match="face_amount"):     # no contract named both: not read as either
        financing_requested(face_amount=11_300_000, outstanding=11_300_000).typed()


def exposure() -> FinancierExposure:
    return FinancierExposure(financier="B", debtor="D", version=3, exposure={"CNY": 80_000_000_00}, financings=[],
                             offered={"CNY": 15_000_000_00}, offers=[])


@pytest.mark.parametrize("currency", ["cny", "Cny", "CNY ", "RMB¥", "CN", "", None, 156])
@pytest.mark.parametrize("lookup, in_cny", [("exposure_in", 80_000_000_00), ("offered_in", 15_000_000_00),
                                            ("committed_in", 95_000_000_00)])
def test_a_currency_the_ledger_could_not_hold_is_refused_naming_it(lookup, in_cny, currency):
    held = exposure()
    with pytest.raises(ValueError, match=f"currency {currency!r}: give an ISO 4217 code"):
        getattr(held, lookup)(currency)
    assert (getattr(held, lookup)("CNY"), getattr(held, lookup)("USD")) == (in_cny, 0)    # as the ledger spells it
