"""The cap on a JSON argument's size fits the receivables contract: its largest arguments pass, more is refused
before it is parsed, on the event loop that serves every transaction."""

from __future__ import annotations

import json

import pytest

from chaincode.contract._conversion import MAX_JSON_ARGUMENT_BYTES, converter_for
from chaincode.receivables.tx_discounting import DiscountOfferArgument
from chaincode.receivables.tx_registration import ReceivableArgument
from chaincode.receivables.lifecycle import MAX_SPLIT_DEPTH
from chaincode.receivables.model import BUYER_DOCUMENT_NUMBER_MAX, GOODS_RECEIPTS_MAX, INVOICES_MAX

from .support import SUPPLIER, Net, credit_code

LARGEST_FEN = 2**53 - 1
# outside the Basic Multilingual Plane: four bytes in UTF-8, twelve as a \u escape pair
IDEOGRAPH = "\U00020000"


def largest_registration() -> dict:
    """A registration as large as the contract's rules let one be: the most invoices and goods receipts, each
    number of a receipt as long as allowed, in the widest characters."""
    invoice = {"number": "1" * 20, "code": "", "date": "2026-03-02", "amount": LARGEST_FEN, "tax": LARGEST_FEN,
               "seller_tax_id": credit_code(1), "buyer_tax_id": credit_code(2), "currency": "CNY"}
    number = IDEOGRAPH * BUYER_DOCUMENT_NUMBER_MAX
    receipt = {"po_number": number, "receipt_number": number, "part": {"received": LARGEST_FEN}}
    return {"debtor": credit_code(2), "face_amount": LARGEST_FEN, "currency": "CNY", "issue_date": "2026-03-02",
            "due_date": "2026-12-31", "invoices": [invoice] * INVOICES_MAX, "contract_hash": "a" * 64,
            "goods_receipts": [receipt] * GOODS_RECEIPTS_MAX}


def largest_discount_offer() -> dict:
    """A discount offer naming the most claims it may, each a part split as deep as a claim can be."""
    claim = "R-" + "0" * 16 + ".1" * MAX_SPLIT_DEPTH
    return {"apr": "0.0450000000", "scale": [{"min_days_early": 3660, "apr": "0.0450000000"}] * 20,
            "day_count": "ACT/365", "expires_on": "2026-12-31", "receivable_ids": [claim] * 1000}


STYLES = {"compact": {"separators": (",", ":"), "ensure_ascii": False}, "escaped and indented": {"indent": 2}}


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize(("argument", "largest"), [(ReceivableArgument, largest_registration),
                                                   (DiscountOfferArgument, largest_discount_offer)])
def test_the_largest_argument_the_rules_allow_converts_written_in_any_style(argument, largest, style):
    raw = json.dumps(largest(), **STYLES[style]).encode()
    assert converter_for(argument)(raw) == largest()
    assert len(raw) * 1.5 < MAX_JSON_ARGUMENT_BYTES     # room to spare


async def test_an_argument_over_the_cap_is_refused_naming_its_size_before_it_is_converted():
    net = Net()
    # some 600 KB of distinct identities, each about as long as the rules take
    party = {"uscc": credit_code(901), "name": "Shell Co", "role": "supplier", "msp_id": SUPPLIER,
             "client_ids": [f"x509::CN=user{n:03},OU=" + "a" * 970 for n in range(600)]}
    raw = json.dumps(party)
    result = await net.call(net.admins[SUPPLIER], "RegisterParty", raw)
    assert result.status == 500
    assert result.message.startswith("RULE argument-invalid: receivables:RegisterParty: argument 'party' = "), \
        result.message[:200]
    assert result.message.endswith(f": {len(raw.encode())} bytes of JSON: at most 524288 (512 KiB) are read: send a "
                                   "smaller value, or spread it over several transactions"), result.message[-200:]
