"""`recfin receivable get` names an invoice delivered on paper (数电纸质发票) by both its identities, as
`recfin invoice verify` does: its 20-digit number and the paper form's 发票代码 and 8-digit 发票号码. Before, the
invoice line gave the 20-digit number only, though a debtor's books may hold such an invoice under its paper code
and number, which it checks before it confirms (确权): only --json named them.

Over the real contract on MemoryLedger, as test_cli_get_shows_invoices_and_payments.py."""

from __future__ import annotations

import pytest

from ..ledger_contract import Channel
from .test_cli_get_shows_invoices_and_payments import _lines_of
from .test_cli_pages_and_currencies import parties_on_the_contract, registered


@pytest.fixture
def channel(monkeypatch, tmp_path) -> Channel:
    return parties_on_the_contract(monkeypatch, tmp_path)


def test_an_invoice_on_paper_is_named_by_its_paper_code_and_number_too(channel):
    rid = registered("26312000000012345678", invoice_amounts="1000.00,130.00,,131002400111,87654321")
    assert _lines_of(rid, "coreenterprise", "invoice") == [
        "26312000000012345678 (on paper: code 131002400111 number 87654321) of 2026-03-01: CNY 1,000.00, "
        "tax CNY 130.00"]


def test_an_invoice_not_on_paper_is_named_as_before(channel):
    rid = registered("26312000000012345678")
    assert _lines_of(rid, "coreenterprise", "invoice") == [
        "26312000000012345678 of 2026-03-01: CNY 1,000.00, tax CNY 130.00"]
