"""A registration holds the invoice's date to today (the ledger's, China Standard Time): an invoice dated after it,
or more than max_age_days (a year) before it, fails date.plausible and is refused before anything is sent, and a
due date not after today is refused as the contract would. The registration checked no date but the due date's
against the invoice's, so an invoice years old, likely paid or financed already, went to the ledger as any other."""

from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner

from cli import invoice_commands
from cli.invoice_commands import invoice as invoice_group
from client.invoices import (ChecksFailed, InvoiceError, match_invoice, read_invoice, registration_from_documents,
                             registration_from_match)

from ._ledger import Ledger
from .test_attest import INVOICE, SAMPLES

ISSUED = date(2026, 9, 1)   # the sample invoice's date
MATCHED = ["--po", SAMPLES / "purchase_order.csv", "--receipt", SAMPLES / "goods_receipt.csv"]


def _date_finding(refused: ChecksFailed):
    [finding] = [f for f in refused.failed if f.check == "date.plausible"]
    return finding


def test_an_invoice_older_than_a_year_is_refused_naming_its_age_and_the_bound(sample_documents):
    po, gr = sample_documents
    inv = read_invoice(INVOICE)
    with pytest.raises(ChecksFailed) as refused:
        registration_from_documents(inv, po, gr, date(2027, 12, 31), today=date(2027, 10, 1))
    finding = _date_finding(refused.value)
    assert finding.message.startswith("issued 2026-09-01, 395 days before 2027-10-01, more than the 365 days allowed "
                                      "(max_age_days, --max-age-days)")
    assert "confirm it with its buyer" in finding.message and "max_age_days of at least 395" in finding.message
    assert finding.details["age_days"] == 395 and finding.details["max_age_days"] == 365
    # a bank that has confirmed it allows it; the contract still holds the due date to its payment term
    allowed = registration_from_documents(inv, po, gr, date(2027, 12, 31), today=date(2027, 10, 1), max_age_days=400)
    assert allowed.issue_date == "2026-09-01"


def test_a_bank_may_hold_invoices_to_less_than_a_year(sample_documents):
    po, gr = sample_documents
    inv = read_invoice(INVOICE)
    with pytest.raises(ChecksFailed) as refused:
        registration_from_match(inv, po, gr, match_invoice(inv, po, gr), date(2026, 12, 31), today=date(2026, 10, 2),
                                max_age_days=30)
    assert "31 days before 2026-10-02, more than the 30 days allowed" in _date_finding(refused.value).message


def test_an_invoice_dated_after_today_is_refused(sample_documents):
    po, gr = sample_documents
    inv = read_invoice(INVOICE)
    with pytest.raises(ChecksFailed) as refused:
        registration_from_match(inv, po, gr, match_invoice(inv, po, gr), date(2026, 12, 31), today=date(2026, 8, 31))
    assert _date_finding(refused.value).message.startswith(
        "issued 2026-09-01, after today 2026-08-31: no invoice is dated after the day it is checked")
    assert registration_from_match(inv, po, gr, match_invoice(inv, po, gr), date(2026, 12, 31),
                                   today=ISSUED).issue_date == "2026-09-01"


def test_a_due_date_not_after_today_is_refused_before_it_is_sent(sample_documents):
    po, gr = sample_documents
    inv = read_invoice(INVOICE)
    with pytest.raises(InvoiceError) as refused:
        registration_from_documents(inv, po, gr, date(2026, 10, 1), today=date(2026, 10, 1))
    assert str(refused.value).startswith("due date 2026-10-01 (--due) is not after today 2026-10-01 (China Standard "
                                         "Time, as the ledger dates the registration): only a claim not yet due")
    assert registration_from_documents(inv, po, gr, date(2026, 10, 2), today=date(2026, 10, 1)).due_date == "2026-10-02"


def test_register_refuses_an_invoice_older_than_max_age_days(monkeypatch):
    ledger = Ledger().serve(monkeypatch)   # 2026-09-10 in Beijing: the sample invoice is 9 days old
    r = CliRunner().invoke(invoice_group, ["register", str(INVOICE), *map(str, MATCHED), "--due", "2026-11-30",
                                           "--max-age-days", "5", "--as", "supplier/supplier1"])
    assert r.exit_code == 1, r.output
    assert "date.plausible: issued 2026-09-01, 9 days before 2026-09-10, more than the 5 days allowed" in r.output
    assert ledger.opened == []   # refused before connecting
    r = CliRunner().invoke(invoice_group, ["register", str(INVOICE), *map(str, MATCHED), "--due", "2026-11-30",
                                           "--as", "supplier/supplier1"])
    assert r.exit_code == 0, r.output


def test_register_dates_the_invoice_by_the_ledgers_today(monkeypatch):
    Ledger().serve(monkeypatch)
    monkeypatch.setattr(invoice_commands, "business_today", lambda: date(2026, 8, 31))
    r = CliRunner().invoke(invoice_group, ["register", str(INVOICE), *map(str, MATCHED), "--due", "2026-11-30",
                                           "--as", "supplier/supplier1"])
    assert r.exit_code == 1, r.output
    assert "date.plausible: issued 2026-09-01, after today 2026-08-31" in r.output


def test_register_help_gives_the_bound_and_its_default():
    r = CliRunner().invoke(invoice_group, ["register", "--help"], terminal_width=200)
    assert r.exit_code == 0, r.output
    option = r.output.split("\n  --max-age-days", 1)[1].split("\n  --", 1)[0]
    assert "in days before today (China Standard Time" in option and "[default: 365; x>=1]" in option
