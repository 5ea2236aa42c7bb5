"""A request's date is a ``datetime.date`` or ``YYYY-MM-DD`` text. pydantic's date alone took a number as a Unix
timestamp, so ``issue_date=0`` was registered as 1970-01-01 and ``1772323200`` as 2026-03-01 with nothing said, and
a datetime at midnight as its own calendar day; a str such as ``"12"`` was refused as "Datetimes provided to dates
should have zero time". Each is now refused naming the field, as a date argument of a method is."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from decimal import Decimal

import pydantic
import pytest

from client.receivables import (DiscountOfferRequest, FinancingTerms, InvoiceAttestationRequest, InvoiceInput,
                                ReceivableRegistration)

from .test_client_calls import ATTESTATION, TERMS, registration

# each request and its date fields, as an integrator's dict of it would carry them
DISCOUNT = DiscountOfferRequest(apr=Decimal("0.05"), expires_on=date(2026, 4, 1))
REQUESTS = [(ReceivableRegistration, registration(), "issue_date"),
            (ReceivableRegistration, registration(), "due_date"),
            (InvoiceInput, registration().invoices[0], "date"), (FinancingTerms, TERMS, "expires_on"),
            (DiscountOfferRequest, DISCOUNT, "expires_on"), (InvoiceAttestationRequest, ATTESTATION, "issue_date")]
IDS = [f"{model.__name__}.{field}" for model, _, field in REQUESTS]


def _given(request, field, value) -> dict:
    return {**request.model_dump(), field: value}


@pytest.mark.parametrize("model, request_, field", REQUESTS, ids=IDS)
@pytest.mark.parametrize("value, said", [
    (0, "must be a datetime.date, not int"),
    (1772323200, "must be a datetime.date, not int"),
    (1772323200.0, "must be a datetime.date, not float"),
    (Decimal("NaN"), "must be a datetime.date, not Decimal"),
    (True, "must be a datetime.date, not bool"),
    (datetime(2026, 3, 1), "must be a datetime.date, not a datetime: pass business_date("),
    (datetime(2026, 3, 1, 16, 30, tzinfo=timezone.utc), "must be a datetime.date, not a datetime: pass business_date("),
], ids=["zero", "timestamp", "float-timestamp", "nan", "bool", "midnight", "aware"])
def test_a_number_or_a_datetime_is_a_type_error_naming_the_field(model, request_, field, value, said):
    with pytest.raises(TypeError, match="^" + re.escape(f"{field} {said}")):
        model.model_validate(_given(request_, field, value))


@pytest.mark.parametrize("model, request_, field", REQUESTS, ids=IDS)
@pytest.mark.parametrize("text", ["12", "", "2026/03/01", "1772323200"])
def test_text_not_written_yyyy_mm_dd_is_refused_naming_the_field(model, request_, field, text):
    with pytest.raises(pydantic.ValidationError) as refused:
        model.model_validate(_given(request_, field, text))
    assert f"{field} {text!r} is not a date: give a datetime.date, or YYYY-MM-DD text" in str(refused.value)


@pytest.mark.parametrize("model, request_, field", REQUESTS, ids=IDS)
def test_a_date_and_its_text_are_taken(model, request_, field):
    day = getattr(request_, field)
    assert getattr(model.model_validate(_given(request_, field, day)), field) == day
    assert getattr(model.model_validate(_given(request_, field, day.isoformat())), field) == day
