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
