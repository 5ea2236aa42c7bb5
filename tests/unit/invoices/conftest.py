"""Fixtures the invoice tests share."""

from __future__ import annotations

from datetime import datetime

import pytest

from client.invoices import GoodsReceipt, PurchaseOrder, read_goods_receipt, read_purchase_order

from ._review import SAMPLES


@pytest.fixture(scope="module")
def sample_documents() -> tuple[PurchaseOrder, GoodsReceipt]:
    """The sample purchase order and goods receipt, which the sample invoice (``_samples.invoice()``, and the
    sample scan read) matches line for line."""
    return read_purchase_order(SAMPLES / "purchase_order.csv"), read_goods_receipt(SAMPLES / "goods_receipt.csv")


@pytest.fixture(autouse=True)
def dated_as_the_test_ledger(monkeypatch: pytest.MonkeyPatch) -> None:
    """A registration holds the invoice's date and the due date to today (``client.invoices.register``'s
    ``business_today``, and ``recfin invoice register``'s), and a verification the credit bureau's record
    (``client.invoices.sources``'): here the test ledger's date, 2026-09-10, so that the samples' dates, the
    reference credit records' and the due dates the tests give keep their meaning whatever day the tests run on."""
    from cli import invoice_commands
    from client.business_dates import business_date
    from client.invoices import register, sources

    from ._ledger import NOW

    for module in (register, sources, invoice_commands):
        monkeypatch.setattr(module, "business_today", lambda: business_date(NOW))
    # an attestation's time is the day its credit record was judged on: `invoice attest` retried judges it on the
    # evidence's day, which must be the test ledger's too (a test may set a clock of its own, SecondsLater)
    monkeypatch.setattr(sources, "datetime", AtTheTestLedgersTime)


class AtTheTestLedgersTime(datetime):
    """``datetime`` whose ``now`` is the test ledger's time."""

    @classmethod
    def now(cls, tz=None):
        from ._ledger import NOW

        return NOW.replace(tzinfo=None) if tz is None else NOW.astimezone(tz)
