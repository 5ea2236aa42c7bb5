import hashlib
from datetime import date

import pytest

from client.invoices.fingerprint import (
    canonical_form,
    code_problem,
    fingerprint_of,
    invoice_fingerprint,
    is_fingerprint,
    number_problem,
)

from ._samples import invoice, line


def test_canonical_form_and_known_vector():
    form = canonical_form(" 91440300ma5g2ht8lx ", "", " 26442000000012345678 ")
    assert form == "recfin-invoice-v2|91440300MA5G2HT8LX||26442000000012345678"
    expected = hashlib.sha256(form.encode("utf-8")).hexdigest()
    assert fingerprint_of("91440300MA5G2HT8LX", "", "26442000000012345678") == expected
    assert len(expected) == 64 and expected == expected.lower()
    # the worked examples of docs/receivables.md
    assert fingerprint_of("91350100M000100Y43", "", "24312000000012345678") == \
        "b6b419d613541ff16e83dfdfecf30cdc7003539bb7f1be45124498722acadea8"
    assert fingerprint_of("91350100M000100Y43", "3100204130", "00123456") == \
        "0717ac1766b4626fe4df8b5e559b0485035bc2616eea900f4928af3c2de3f435"


def test_invoice_fingerprint_is_issuer_code_and_number_only():
    inv = invoice()
    assert invoice_fingerprint(inv) == fingerprint_of(inv.seller.tax_id, "", inv.number)
    # an altered copy (other date, other amounts) is the same invoice
    copy = invoice(issued=date(2026, 9, 2), lines=(line("*电子元件*贴片电容", "999", "1.50", "0.13"),))
    assert (copy.issue_date, copy.total_amount_fen) != (inv.issue_date, inv.total_amount_fen)
    assert invoice_fingerprint(copy) == invoice_fingerprint(inv)
    # another number, another seller or a code is another invoice
    assert invoice_fingerprint(invoice(number="26442000000012345679")) != invoice_fingerprint(inv)
    assert invoice_fingerprint(inv.model_copy(update={"code": "3100204130"})) != invoice_fingerprint(inv)
    legacy = invoice(number="00123456").model_copy(update={"code": "3100204130"})
    assert invoice_fingerprint(legacy) == fingerprint_of(inv.seller.tax_id, "3100204130", "00123456")


def test_pipe_and_missing_fields_are_refused():
    for args in [("9144|", "", "1"), ("91440300MA5G2HT8LX", "1|2", "1"), ("91440300MA5G2HT8LX", "", "1|"),
                 ("91440300MA5G2HT8LX", "", "  "), (" ", "", "1")]:
        with pytest.raises(ValueError):
            canonical_form(*args)


def test_is_fingerprint():
    fp = fingerprint_of("91440300MA5G2HT8LX", "", "26442000000012345678")
    assert is_fingerprint(fp)
    assert not any(is_fingerprint(v) for v in ("", fp.upper(), fp[1:], fp + "0", f"{fp}\n", "g" * 64))


def test_code_problem():
    assert code_problem("", "26442000000012345678") is None
    assert code_problem("3100204130", "00123456") is None and code_problem("031002400111", "00123456") is None
    assert "missing" in code_problem("", "00123456")
    assert code_problem("3100204130", "26442000000012345678") is not None
    assert code_problem("12345", "00123456") is not None
    # one code, one spelling: a 10-digit code padded to 12 names no tax bureau
    assert "without added zeros" in code_problem("003100204130", "00123456")
    assert code_problem("144031909110", "00123456") is None and code_problem("9901204130", "00123456") is not None


REWRITTEN = ["2644-2000000012345678", "026442000000012345678", "-26442000000012345678", "2644200000001234567",
             "２６４４２０００００００１２３４５６７８", "0012345-", "A-001", ""]


def test_a_number_has_one_spelling_so_one_fingerprint():
    assert number_problem("26442000000012345678") is None and number_problem("00123456") is None
    # the number goes to the contract as read, and the contract takes no whitespace around it
    assert number_problem("26442000000012345678\n") is not None and number_problem(" 00123456") is not None
    for bad in REWRITTEN:
        assert number_problem(bad) is not None, bad
        assert code_problem("", bad) is not None, bad  # a malformed number identifies nothing, with or without a code


def test_a_code_region_must_start_with_a_province_or_be_the_national_administrations():
    from client.invoices.fingerprint import code_form_problem

    codes = {"3100204130": True, "031002400111": True, "2102204130": True, "3101204130": True, "1" * 12: True,
             "000001800105": True, "100001800105": True,            # 0000: the national administration, 12 digits
             "003100204130": False, "0310020413": False,             # zero-padded: no province
             "9900204130": False, "071002400111": False, "0000018001": False}
    assert {code: code_form_problem(code) is None for code in codes} == codes
    for bad in [("9144|", "", "1"), ("91440300MA5G2HT8LX", "", " ")]:
        with pytest.raises(ValueError):
            canonical_form(*bad)


def test_an_invoice_read_here_gets_the_fingerprint_the_contract_stores():
    """End to end: the registration the client builds, registered on the contract, stores the client's fingerprint."""
    pytest.importorskip("chaincode.receivables.contract")
    import asyncio

    from tests.unit.receivables.support import standard_net

    async def run():
        net = await standard_net()
        tier1, core = net.actors["tier1"], net.actors["core"]
        for number, code in (("26442000000012345678", ""), ("00123456", "3100204130")):
            req = net.registration(tier1, core, 1000, invoice_no=number)
            req["invoices"][0]["code"] = code
            r = await net.ok(tier1, "RegisterReceivable", req)
            assert r["invoices"][0]["fingerprint"] == fingerprint_of(tier1.uscc, code, number)
            found = await net.ok(net.actors["bank"], "FindInvoice", fingerprint_of(tier1.uscc, code, number),
                                 evaluate=True)
            assert (found["used"], found["receivable_id"]) == (True, r["id"])

    asyncio.run(run())
