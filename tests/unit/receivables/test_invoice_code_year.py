"""An invoice code (发票代码) carries the year its form was printed in (制版年度). No invoice is issued on a form before
it is printed, so RegisterReceivable refuses an invoice dated before its code's year, or before the year of the
``paper_code`` of the form a fully digitalised invoice was delivered on (invoice-code-invalid, naming the invoice,
the code, its year and the date), as the client's checks do before a registration (``number.code``, by the same
function). A code whose layout carries no year read here (a 12-digit code opening with 1 or 2) is not refused so."""

from __future__ import annotations

from datetime import date

import pytest

from chaincode.receivables import fingerprint

from .support import standard_net

# (code, the year its form was printed in, or None where its layout carries no year read here)
CODE_YEARS = [
    ("3100204130", 2020), ("3100264130", 2026), ("3100274130", 2027), ("4403994130", 1999), ("4403904130", 1990),
    ("4403894130", 2089), ("3100004130", 2000),
    ("044031900111", 2019), ("031002400111", 2024), ("031002700111", 2027), ("000009800111", 1998),
    ("144031900111", None), ("221010012345", None), ("221012712345", None),
    ("", None), ("12345678", None), ("31002041301", None),
]


@pytest.mark.parametrize(("code", "year"), CODE_YEARS)
def test_a_code_is_read_for_the_year_its_form_was_printed_in(code, year):
    assert fingerprint.code_year(code) == year
    for issued in (date(2026, 12, 31), date(2027, 1, 1)):
        refused = fingerprint.code_year_problem(code, issued) is not None
        assert refused == (year is not None and issued.year < year)


def _with_code(net, tier1, core, code: str, number: str = "12345678") -> dict:
    req = net.registration(tier1, core, 1000_00, invoice_no=number)
    req["invoices"][0]["code"] = code
    return req


async def test_an_invoice_dated_before_its_codes_year_is_refused_naming_the_invoice_the_code_its_year_and_the_date():
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    later = date.fromisoformat(net.today).year + 1
    code = f"3100{later % 100:02d}4130"
    message = await net.refused(tier1, "RegisterReceivable", _with_code(net, tier1, core, code),
                                rule="invoice-code-invalid")
    said = message.split("RULE invoice-code-invalid: ")[1]
    assert said.startswith(f"invoices[0] (number 12345678): code {code} is of a form printed in {later}")
    assert f"dated {net.today}, before that year" in said
    # a 12-digit code opening with 0 reads its year in digits 6-7
    twelve = f"03100{later % 100:02d}00111"
    await net.refused(tier1, "RegisterReceivable", _with_code(net, tier1, core, twelve), rule="invoice-code-invalid")
    # the form of this year, or an earlier one, registers
    await net.ok(tier1, "RegisterReceivable", _with_code(net, tier1, core, f"3100{(later - 1) % 100:02d}4130"))
    await net.ok(tier1, "RegisterReceivable", _with_code(net, tier1, core, "3100204130", "12345679"))


async def test_a_paper_code_of_a_later_year_is_refused_too():
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    later = date.fromisoformat(net.today).year + 1
    paper_code = f"4403{later % 100:02d}4130"
    number = f"{later % 100 - 1:02d}990000000000000001"
    req = net.registration(tier1, core, 1000_00, invoice_no=number)
    req["invoices"][0].update(paper_code=paper_code, paper_number="00012345")
    message = await net.refused(tier1, "RegisterReceivable", req, rule="invoice-code-invalid")
    assert f"paper_code {paper_code} is of a form printed in {later}" in message
    req["invoices"][0]["paper_code"] = f"4403{(later - 1) % 100:02d}4130"
    await net.ok(tier1, "RegisterReceivable", req)


async def test_a_code_whose_layout_carries_no_year_read_here_is_not_refused_for_it():
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    later = date.fromisoformat(net.today).year + 1
    # 2, region 3101, then digits that would read as a later year in a code opening with 0
    await net.ok(tier1, "RegisterReceivable", _with_code(net, tier1, core, f"23101{later % 100:02d}12345"))
