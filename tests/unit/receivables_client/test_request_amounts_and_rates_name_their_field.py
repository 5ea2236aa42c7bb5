"""An amount or a rate of a request given as a float, a bool or text is refused (TypeError) naming the request's
field. pydantic passes a TypeError on as raised, without the field's path, so a float tax or fees was refused as
"amount 1.5 is a float" and a float discount rate as "rate 0.036 is a float", leaving the integrator to find which
of the request's amounts or rates it was."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from client.receivables import DiscountOfferRequest, FinancingTerms, InvoiceAttestationRequest, ReceivableRegistration

from .test_client_calls import ATTESTATION, TERMS, registration

DISCOUNT = DiscountOfferRequest(apr=Decimal("0.05"), expires_on=date(2026, 4, 1))
INVOICE = registration().invoices[0]

CASES = [
    (type(INVOICE), INVOICE, "tax", 1300.5, "tax: amount 1300.5 is a float: give int fen or Decimal yuan"),
    (type(INVOICE), INVOICE, "amount", 10000.0, "amount 10000.0 is a float: give int fen or Decimal yuan"),
    (ReceivableRegistration, registration(), "face_amount", "113000.00",
     "face_amount: amount '113000.00' is a str: give int fen or Decimal yuan"),
    (FinancingTerms, TERMS, "fees", True, "fees: amount True is a bool: give int fen or Decimal yuan"),
    (FinancingTerms, TERMS, "discount_rate", 0.036,
     "discount_rate: rate 0.036 is a float: give a Decimal or a decimal string, never a float"),
    (FinancingTerms, TERMS, "advance_rate", 1, "advance_rate: rate 1 is a int: give a Decimal or a decimal string"),
    (DiscountOfferRequest, DISCOUNT, "apr", 0.05, "apr: rate 0.05 is a float: give a Decimal or a decimal string"),
    (InvoiceAttestationRequest, ATTESTATION, "total_with_tax", 113000.0,
     "total_with_tax: amount 113000.0 is a float: give int fen or Decimal yuan"),
]


@pytest.mark.parametrize("model, request_, field, value, said", CASES, ids=[f"{c[0].__name__}.{c[2]}" for c in CASES])
def test_an_amount_or_rate_of_another_type_names_the_field(model, request_, field, value, said):
    with pytest.raises(TypeError, match="^" + re.escape(said)):
        model.model_validate({**request_.model_dump(), field: value})
