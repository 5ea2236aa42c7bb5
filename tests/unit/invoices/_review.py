"""What the tests of an invoice going nowhere unchecked share: where the sample documents are (conftest's
``sample_documents`` reads the order and receipt the sample invoice matches), the due date its claim is registered
with, the registration `recfin invoice register` would make of it, and what every reader says of the file
:func:`~client.invoices.invoice_to_json` writes of it."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from client.invoices import (
    GoodsReceipt,
    Invoice,
    MalformedInput,
    PurchaseOrder,
    invoice_to_json,
    match_invoice,
    parse_invoice,
    registration_from_match,
)
from client.receivables import ReceivableRegistration

SAMPLES = Path(__file__).parents[3] / "client" / "invoices" / "reference_data" / "samples"
DUE = date(2026, 12, 1)


def registration(inv: Invoice, documents: tuple[PurchaseOrder, GoodsReceipt], **options) -> ReceivableRegistration:
    """The registration of ``inv`` matched against the order and receipt, due on :data:`DUE`; ``options`` as
    :func:`registration_from_match` takes them (``reviewed=True``)."""
    po, gr = documents
    return registration_from_match(inv, po, gr, match_invoice(inv, po, gr), DUE, **options)


def file_refused(doc: dict | Invoice) -> MalformedInput:
    """Why every reader refuses the recfin JSON file ``doc`` (or the one written of an invoice); fails the test
    where the file is read."""
    if isinstance(doc, Invoice):
        doc = invoice_to_json(doc)
    with pytest.raises(MalformedInput) as refused:
        parse_invoice(json.dumps(doc, ensure_ascii=False).encode())
    return refused.value
