"""`receivable register --invoice NUMBER,DATE,AMOUNT,TAX[,CODE]`: a thousands separator inside an amount splits the
list at its comma, so the parts after it shift (``100000,13,000`` read as tax 13 and code "000"). Such an invoice is
a usage error before the ledger is asked, naming the amount that looks so written; the contract used to refuse it
after endorsement, blaming the invoice code. Amounts in other digits than ASCII 0-9 are refused the same way.

Over the real contract on MemoryLedger (``channel``)."""

from __future__ import annotations

import pytest

from ..ledger_contract import Channel
from .test_cli_pages_and_currencies import CORE, parties_on_the_contract
from .test_cli_party_commands import ok, recfin


@pytest.fixture
def channel(monkeypatch, tmp_path) -> Channel:
    return parties_on_the_contract(monkeypatch, tmp_path)

NUMBER = "26312000000012345678"


def _register(invoice: str, face: str):
    return recfin("receivable", "register", "--as", "supplier/supplier1", "--debtor", CORE, "--face", face,
                  "--issue", "2026-03-02", "--due", "2026-05-31", "--invoice", invoice, "--contract-hash", "c" * 64)


@pytest.mark.parametrize("invoice, face, amount", [
    (f"{NUMBER},2026-03-01,100000,13,000", "100,000.00", "13,000"),             # was: code '000' refused
    (f"{NUMBER},2026-03-01,1,000.00,130.00", "1,130.00", "1,000.00"),          # was: code '130.00' refused
    (f"{NUMBER},2026-03-01,1,000.00,1,300.00", "2,300.00", "1,000.00"),        # six parts
    (f"{NUMBER},2026-03-01,CNY 1,000.00,130.00", "1,130.00", "CNY 1,000.00"),
])
def test_an_amount_with_a_thousands_separator_is_named_and_nothing_is_asked(channel, invoice, face, amount):
    asked = len(channel.activity)
    res = _register(invoice, face)
    assert res.exit_code == 2, res.output
    assert "Invalid value for '--invoice'" in res.output
    assert f"'{amount}' looks like an amount written with a thousands separator" in res.output
    assert f"write it without one ({amount.replace(',', '')})" in res.output
    assert len(channel.activity) == asked and channel.documents("recfin.receivable") == {}


def test_a_fifth_part_that_is_not_the_numbers_code_is_refused_with_the_contracts_reason(channel):
    asked = len(channel.activity)
    res = _register(f"{NUMBER},2026-03-01,1000.00,130.00,3100204130", "1,130.00")
    assert res.exit_code == 2, res.output
    assert f"invoice number {NUMBER} takes no invoice code" in res.output and "thousands" not in res.output
    assert len(channel.activity) == asked


def test_invoices_whose_parts_read_are_registered(channel):
    plain = ok("receivable", "register", "--as", "supplier/supplier1", "--debtor", CORE, "--face", "2,260.00",
               "--issue", "2026-03-02", "--due", "2026-05-31", "--contract-hash", "c" * 64,
               "--invoice", f"{NUMBER},2026-03-01,1000.00,130.00",
               "--invoice", "12345678,2026-03-01,1000,130,3100204130")     # an older invoice, with its code
    assert [(i["number"], i["code"], i["amount"], i["tax"]) for i in plain["invoices"]] == [
        (NUMBER, "", 100_000, 13_000), ("12345678", "3100204130", 100_000, 13_000)]


def test_an_amount_in_full_width_digits_is_refused_naming_the_digit(channel):
    asked = len(channel.activity)
    res = _register(f"{NUMBER},2026-03-01,１０００.００,１３０", "1,130.00")
    assert res.exit_code == 2, res.output
    assert "Invalid value for '--invoice'" in res.output
    assert "has the digit '１' (U+FF11 FULLWIDTH DIGIT ONE), which is not ASCII" in res.output
    face = _register(f"{NUMBER},2026-03-01,1000.00,130.00", "１,１３０")
    assert face.exit_code == 2 and "Invalid value for '--face'" in face.output and "FULLWIDTH DIGIT ONE" in face.output
    assert len(channel.activity) == asked and channel.documents("recfin.receivable") == {}
