"""`recfin receivable register` with one invoice given twice (the same code and number, whatever its date or amounts,
or a 12-digit code and 8-digit number and the two run together as one 20-digit number) is what the contract refuses
(invoice-listed-twice: counted twice, it would back a face of twice its total). The seller is the caller for every
invoice, so it is decided from the command line: a usage error (exit 2) naming both --invoice before anything
connects. It came back the contract's refusal once connected (exit 1), and with the network down the supplier was
told to start it."""
from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner

from cli import receivable_commands
from cli.main import main

REGISTER = ["receivable", "register", "--debtor", "91310000MA1K000019", "--face", "1,000.00", "--issue", "2026-03-02",
            "--due", "2026-05-31", "--contract-hash", "ab" * 32, "--as", "supplier/supplier1"]
DIGITALISED = "26312000000012345678,2026-03-01,1000.00,130.00"
CODED = "12345678,2022-03-01,1000.00,130.00,221010012345"
RUN_TOGETHER = "22101001234512345678,2022-03-01,1000.00,130.00"


@pytest.fixture(autouse=True)
def business_day(monkeypatch):
    """The claims here are issued on 2026-03-02: the command counts today as that day."""
    monkeypatch.setattr(receivable_commands, "business_today", lambda: date(2026, 3, 2))


def run(*invoices: str):
    return CliRunner().invoke(main, [*REGISTER, *(part for given in invoices for part in ("--invoice", given))],
                              terminal_width=400)


@pytest.mark.parametrize("first, again, same", [
    (DIGITALISED, DIGITALISED, "the same code and number"),
    (DIGITALISED, " 26312000000012345678 ,2026-03-02,500.00,65.00", "the same code and number"),
    (CODED, RUN_TOGETHER, "code 221010012345 and number 12345678 run together are the 20-digit number "
                          "22101001234512345678"),
    (RUN_TOGETHER, CODED, "code 221010012345 and number 12345678 run together are the 20-digit number "
                          "22101001234512345678"),
], ids=["as-given", "other-date-and-amounts", "coded-then-run-together", "run-together-then-coded"])
def test_one_invoice_given_twice_is_refused_before_connecting(ledger_sessions, first, again, same):
    res = run(first, "26312000000087654321,2026-03-01,100.00,13.00", again)
    assert res.exit_code == 2, res.output
    assert (f"Invalid value for '--invoice': {again!r} is the same invoice as {first!r}: {same} (another date or "
            "amount does not make it another invoice), which the contract refuses (invoice-listed-twice): list "
            "each invoice once") in " ".join(res.output.split())
    assert ledger_sessions == []


def test_other_invoices_get_as_far_as_connecting(ledger_sessions):
    res = run(DIGITALISED, "26312000000087654321,2026-03-01,100.00,13.00", CODED,
              "12345679,2022-03-01,1000.00,130.00,221010012345")
    assert res.exit_code == 1 and "connecting" in res.output, res.output
    assert len(ledger_sessions) == 1
