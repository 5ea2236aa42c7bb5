"""An invoice code carries the year its form was printed in: an invoice dated before that year was not issued on
that form, and ``number.code`` fails it, naming the year and what to check."""

from datetime import date

import pytest

from client.invoices import check_invoice
from client.invoices.register import REGISTRATION_CHECKS

from ._samples import invoice


def coded(code: str, issued: date):
    return invoice(number="00123456", issued=issued).model_copy(update={"code": code})


@pytest.mark.parametrize("code, issued", [
    ("3100204130", date(2019, 12, 31)),     # 10 digits: region 3100, year 20 (digits 5-6), then batch, language...
    ("044031900111", date(2018, 6, 1)),     # 12 digits: 0, region 4403, year 19 (digits 6-7), batch 001, kind 11
    ("011002600111", date(2025, 12, 31)),
])
def test_an_invoice_dated_before_its_codes_year_fails_number_code(code, issued):
    finding = check_invoice(coded(code, issued)).finding("number.code")
    assert finding.status == "fail"
    year = 2000 + int(code[4:6] if len(code) == 10 else code[5:7])
    assert f"{code}" in finding.message and f"{year}" in finding.message and f"{issued}" in finding.message
    assert "printed" in finding.message and "check" in finding.message
    # a registration is refused on it: number.code is one of the checks it requires
    assert "number.code" in REGISTRATION_CHECKS


@pytest.mark.parametrize("code, issued", [
    ("3100204130", date(2020, 1, 1)),       # the first day of the code's year
    ("3100204130", date(2026, 9, 1)),       # a form of an earlier year, used later
    ("044031900111", date(2019, 3, 5)),
    ("3100964130", date(2001, 5, 1)),       # 96: a form of 1996, before the century turned
    ("144031909110", date(2018, 1, 1)),     # a code opening with 1: its layout is not taken as known here
])
def test_an_invoice_dated_in_or_after_its_codes_year_passes(code, issued):
    finding = check_invoice(coded(code, issued)).finding("number.code")
    assert finding.status == "pass", finding.message


def paper(paper_code: str, issued: date):
    """A fully digitalised invoice delivered on paper (数电纸质发票), the form's code and number beside its own."""
    return invoice(number=f"{issued.year % 100}442000000012345678", issued=issued).model_copy(
        update={"paper_code": paper_code, "paper_number": "12345678"})


def test_an_invoice_dated_before_its_paper_forms_year_fails_number_code():
    finding = check_invoice(paper("044032600111", date(2025, 12, 31))).finding("number.code")
    assert finding.status == "fail"
    assert "paper code 044032600111" in finding.message and "2026" in finding.message and "2025-12-31" in finding.message


def test_a_paper_form_of_the_invoices_year_or_earlier_passes():
    for issued in (date(2026, 1, 1), date(2027, 3, 1)):
        finding = check_invoice(paper("044032600111", issued)).finding("number.code")
        assert finding.status == "pass", finding.message
