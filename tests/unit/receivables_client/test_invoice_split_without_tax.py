"""`receivable register --invoice N,DATE,1,130.00`: an amount with a thousands separator and no tax still
makes four parts, read as amount 1.00 and tax 130.00. The face above that total is refused (face-exceeds-
invoices), and the refusal names the invoice read so, where it blamed only the face, which was right.
Refused before the ledger is asked."""

from __future__ import annotations

import pytest

from ..ledger_contract import Channel
from .test_cli_pages_and_currencies import CORE, parties_on_the_contract
from .test_cli_party_commands import recfin


@pytest.fixture
def channel(monkeypatch, tmp_path) -> Channel:
    return parties_on_the_contract(monkeypatch, tmp_path)


NUMBER = "26312000000012345678"


def _register(invoice: str, face: str, currency: str = "CNY"):
    return recfin("receivable", "register", "--as", "supplier/supplier1", "--debtor", CORE, "--face", face,
                  "--currency", currency, "--issue", "2026-03-02", "--due", "2026-05-31",
                  "--invoice", invoice, "--contract-hash", "c" * 64)


@pytest.mark.parametrize("invoice, face, currency, read_as, written", [
    (f"{NUMBER},2026-03-01,1,130.00", "1,130.00", "CNY", "amount CNY 1.00 and tax CNY 130.00", "1130.00"),
    (f"{NUMBER},2026-03-01,100,000", "100,000.00", "CNY", "amount CNY 100.00 and tax CNY 0.00", "100000"),
    (f"{NUMBER},2026-03-01,USD 11,300.00", "USD 11,300.00", "USD", "amount USD 11.00 and tax USD 300.00",
     "USD 11300.00"),
])
def test_an_invoice_read_as_a_split_amount_is_named_with_the_faces_refusal(channel, invoice, face, currency,
                                                                           read_as, written):
    asked = len(channel.activity)
    res = _register(invoice, face, currency)
    assert res.exit_code == 2, res.output
    assert "(face-exceeds-invoices)" in res.stderr
    assert f"--invoice {invoice} reads as {read_as}" in res.stderr
    assert f"write it without the thousands separator ({written}) and give the tax after it" in res.stderr
    assert len(channel.activity) == asked and channel.documents("recfin.receivable") == {}


def test_a_face_above_invoices_read_as_written_names_no_separator(channel):
    res = _register(f"{NUMBER},2026-03-01,1000.00,130.00", "2,000.00")
    assert res.exit_code == 2, res.output
    assert "(face-exceeds-invoices)" in res.stderr and "thousands separator" not in res.stderr
