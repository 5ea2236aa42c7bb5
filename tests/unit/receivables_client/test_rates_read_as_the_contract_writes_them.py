"""A rate in a document or an event is read only as the contract writes one: ASCII digits, a point and more digits,
or the exponent form an earlier contract version stored (``5E-7``). Python's Decimal takes far more (digits of any
script, spaces around, a sign, ``1_0``, ``.05``, ``1E999999999``), each read as a rate the contract never wrote:
``"١"`` as 1, a 100% rate, and ``"-0.05"`` as a rate that ``to_json()`` then failed to write back. Such a document
is unreadable instead (``UnreadableAnswer`` from a call, ``ValueError`` from ``typed()``), as a date the contract
does not write is.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from pydantic import ValidationError

from client.gateway import ChaincodeEvent
from client.receivables import (DiscountOffer, Exposure, OfferTerms, ReceivablesClient, ReceivablesEvent,
                                UnreadableAnswer)

from . import fakes
from .fakes import FakeContract

NOT_WRITTEN_BY_THE_CONTRACT = ["١", "٠.٠٥", "０.05", " 0.05", "0.05\n", "-0.05", "+0.05", ".05", "5.", "1_0",
                               "0x1", "-0", "5E-7 ", "1E+2", "1E999999999", "1000", "0E-11", "1.5E-10"]
AS_THE_CONTRACT_WRITES = ["0.05", "0.0360", "0.2500", "1", "100", "0.0000005", "5E-7", "0E-10", "1.5E-7"]


@pytest.mark.parametrize("rate", NOT_WRITTEN_BY_THE_CONTRACT)
def test_a_rate_the_contract_does_not_write_makes_the_document_unreadable(rate):
    for model, document in ((DiscountOffer, fakes.discount_offer(apr=rate)),
                            (OfferTerms, fakes.terms(discount_rate=rate)),
                            (Exposure, {"exposure": 1, "financed": 1, "overdue": 0, "receivables": 1,
                                        "financed_share": rate})):
        with pytest.raises(ValidationError, match="not a rate as the contract writes one"):
            model.model_validate_json(json.dumps(document))


@pytest.mark.parametrize("rate", NOT_WRITTEN_BY_THE_CONTRACT)
def test_an_answer_holding_one_is_an_unreadable_answer(rate):
    client = ReceivablesClient(FakeContract(responses={"GetOfferTerms": fakes.terms(advance_rate=rate)}))
    with pytest.raises(UnreadableAnswer, match="advance_rate"):
        client.get_offer_terms("O-00000000000000c1")


@pytest.mark.parametrize("rate", NOT_WRITTEN_BY_THE_CONTRACT)
def test_an_event_holding_one_does_not_read_as_typed(rate):
    payload = {"event": "DiscountOfferAccepted", "receivable_id": "R-00000000000000a1", "offer_id": "D-1",
               "paid": 100, "discount": 1, "currency": "CNY", "days_early": 10, "apr": rate, "day_count": "ACT/360"}
    event = ReceivablesEvent.from_chaincode_event(ChaincodeEvent(
        block_number=7, transaction_id="ab" * 32, chaincode_name="receivables", event_name="DiscountOfferAccepted",
        payload=json.dumps(payload).encode()))
    assert event.details["apr"] == rate       # the stream goes on, with the payload as sent
    with pytest.raises(ValueError, match="apr"):
        event.typed()


@pytest.mark.parametrize("rate", AS_THE_CONTRACT_WRITES)
def test_a_rate_as_the_contract_writes_it_reads_and_is_written_back(rate):
    offer = DiscountOffer.model_validate_json(json.dumps(fakes.discount_offer(apr=rate)))
    assert offer.apr == Decimal(rate)
    written = offer.to_json()["apr"]
    # as written; the exponent form an earlier contract stored in the fixed point it stores now
    assert written == (rate if "E" not in rate else format(Decimal(rate), "f"))


def test_a_decimal_given_in_python_is_still_taken():
    assert DiscountOffer.model_validate({**fakes.discount_offer(), "apr": Decimal("0.05")}).apr == Decimal("0.05")
