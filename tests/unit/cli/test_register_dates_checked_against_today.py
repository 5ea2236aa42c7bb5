"""`recfin receivable register` with a date the contract surely refuses against the transaction's business date is a
usage error (exit 2) before anything connects: a --due already past (due-date-passed), an --issue or an --invoice's
date still to come (issue-date-in-future, invoice-date-in-future). They came back the contract's refusal once
connected (exit 1), and with the network down the supplier was told to start it.

The transaction sent now carries today's business date in China Standard Time; the CLI allows it a day either side,
so nothing the contract would take is refused for a clock here that differs from the peers' or a midnight passed
while the command runs: a claim due today, or issued or invoiced tomorrow, is left to the contract."""
from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner

from cli import receivable_commands
from cli.main import main

TODAY = date(2027, 3, 10)


@pytest.fixture(autouse=True)
def business_day(monkeypatch):
    monkeypatch.setattr(receivable_commands, "business_today", lambda: TODAY)


def register(issue: str = "2027-03-09", due: str = "2027-06-30", invoice_date: str = "2027-03-08"):
    return CliRunner().invoke(main, [
        "receivable", "register", "--debtor", "91310000MA1K000019", "--face", "1,130.00", "--issue", issue,
        "--due", due, "--invoice", f"27312000000012345678,{invoice_date},1000.00,130.00",
        "--contract-hash", "ab" * 32, "--as", "supplier/supplier1"], terminal_width=400)


@pytest.mark.parametrize("dates, said", [
    (dict(issue="2027-01-04", due="2027-03-09", invoice_date="2027-01-04"),
     "Invalid value for '--due': 2027-03-09 is before today 2027-03-10 in China Standard Time (the ledger's business "
     "date): the claim has fallen due, and the contract registers only claims not yet due (due-date-passed); check "
     "the date"),
    (dict(issue="2027-03-12"),
     "Invalid value for '--issue': 2027-03-12 is after today 2027-03-10 in China Standard Time (the ledger's business "
     "date), which the contract refuses (issue-date-in-future): give the date the claim was issued, today or "
     "earlier, or register it once that date has come"),
    (dict(invoice_date="2027-03-12"),
     "Invalid value for '--invoice': '27312000000012345678,2027-03-12,1000.00,130.00': dated 2027-03-12, after today "
     "2027-03-10 in China Standard Time (the ledger's business date), which the contract refuses "
     "(invoice-date-in-future): give the date on the invoice, today or earlier, or register the claim once that "
     "date has come"),
], ids=["due-past", "issue-to-come", "invoice-to-come"])
def test_a_date_the_contract_surely_refuses_is_refused_before_connecting(ledger_sessions, dates, said):
    res = register(**dates)
    assert res.exit_code == 2, res.output
    assert said in " ".join(res.output.split())
    assert ledger_sessions == []


@pytest.mark.parametrize("dates", [
    dict(issue="2027-01-04", due="2027-03-10", invoice_date="2027-01-04"),   # due today: left to the contract
    dict(issue="2027-03-11", invoice_date="2027-03-11"),                      # tomorrow: left to the contract
    dict(issue="2027-03-10", due="2027-03-11", invoice_date="2027-03-10"),
], ids=["due-today", "issued-tomorrow", "issued-today-due-tomorrow"])
def test_a_day_either_side_of_today_gets_as_far_as_connecting(ledger_sessions, dates):
    res = register(**dates)
    assert res.exit_code == 1 and "connecting" in res.output, res.output
    assert len(ledger_sessions) == 1
