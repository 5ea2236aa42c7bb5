"""Fixtures the invoice tests share."""

from __future__ import annotations

import pytest

from client.invoices import GoodsReceipt, PurchaseOrder, read_goods_receipt, read_purchase_order

from ._review import SAMPLES


@pytest.fixture(scope="module")
def sample_documents() -> tuple[PurchaseOrder, GoodsReceipt]:
    """The sample purchase order and goods receipt, which the sample invoice (``_samples.invoice()``, and the
    sample scan read) matches line for line."""
    return read_purchase_order(SAMPLES / "purchase_order.csv"), read_goods_receipt(SAMPLES / "goods_receipt.csv")


@pytest.fixture(autouse=True)
def registrations_dated_as_the_test_ledger(monkeypatch: pytest.MonkeyPatch) -> None:
    """A registration holds the invoice's date and the due date to today (``client.invoices.register``'s
    ``business_today``, and ``recfin invoice register``'s): here the test ledger's date, 2026-09-10, so that the
    samples' dates and the due dates the tests give keep their meaning whatever day the tests run on."""
    from cli import invoice_commands
    from client.business_dates import business_date
    from client.invoices import register

    from ._ledger import NOW

    for module in (register, invoice_commands):
        monkeypatch.setattr(module, "business_today", lambda: business_date(NOW))
