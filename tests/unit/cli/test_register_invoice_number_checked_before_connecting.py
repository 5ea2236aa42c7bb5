"""`recfin receivable register --invoice NUMBER,DATE,AMOUNT,TAX` checks NUMBER before it connects, as it does one
given with a code: a number in full-width digits (a Chinese input method's ２６３…), or an 8-digit number without
the code it takes, is a usage error naming --invoice, exit status 2, nothing sent (docs/cli.md, "Bad input").
It was refused only once connected, by the SDK, with exit status 1, and with the network down the user heard of
the connection instead."""
from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner

from cli import receivable_commands
from cli.main import main

FULL_WIDTH = "２６３１２０００００００１２３４５６７８"


@pytest.fixture(autouse=True)
def business_day(monkeypatch):
    monkeypatch.setattr(receivable_commands, "business_today", lambda: date(2026, 3, 2))


def register(invoice: str):
    return CliRunner().invoke(main, ["receivable", "register", "--debtor", "91310000MA1K000019",
                                     "--face", "113,000.00", "--issue", "2026-03-02", "--due", "2026-05-31",
                                     "--invoice", invoice, "--contract-hash", "ab" * 32])


@pytest.mark.parametrize("number, says", [
    (FULL_WIDTH, "is neither the 20 digits of a fully digitalised e-invoice nor the 8 digits"),
    ("12345678", "and the code is missing: give its 10- or 12-digit code"),
])
def test_a_number_that_is_none_is_a_usage_error_before_connecting(ledger_sessions, number, says):
    result = register(f"{number},2026-03-01,100000.00,13000.00")
    assert result.exit_code == 2, result.output
    assert "Invalid value for '--invoice'" in result.output and says in result.output
    assert ledger_sessions == []


def test_a_good_number_without_a_code_still_gets_as_far_as_connecting(ledger_sessions):
    result = register("26312000000012345678,2026-03-01,100000.00,13000.00")
    assert result.exit_code == 1 and "connecting" in result.output
    assert len(ledger_sessions) == 1
