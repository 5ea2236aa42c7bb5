import hashlib
from datetime import date

import pytest

from client.invoices.fingerprint import canonical_form, fingerprint_of, invoice_fingerprint

from ._samples import invoice


def test_canonical_form_and_known_vector():
    form = canonical_form(" 91440300ma5g2ht8lx ", " 26442000000012345678 ", date(2026, 9, 1), 210000)
    assert form == "recfin-invoice-v1|91440300MA5G2HT8LX|26442000000012345678|2026-09-01|210000"
    expected = hashlib.sha256(form.encode("utf-8")).hexdigest()
    assert fingerprint_of("91440300MA5G2HT8LX", "26442000000012345678", date(2026, 9, 1), 210000) == expected
    assert len(expected) == 64 and expected == expected.lower()


def test_invoice_fingerprint_uses_amount_without_tax():
    inv = invoice()
    assert invoice_fingerprint(inv) == fingerprint_of(inv.seller.tax_id, inv.number, inv.issue_date,
                                                      inv.total_amount_fen)
    other = inv.model_copy(update={"number": "26442000000012345679"})
    assert invoice_fingerprint(other) != invoice_fingerprint(inv)


def test_pipe_is_refused():
    with pytest.raises(ValueError):
        canonical_form("9144|", "1", date(2026, 1, 1), 1)
    with pytest.raises(ValueError):
        canonical_form("91440300MA5G2HT8LX", "  ", date(2026, 1, 1), 1)


CASES = [
    ("91440300MA5G2HT8LX", "26442000000012345678", date(2026, 9, 1), 210000),
    (" 91440300ma5g2ht8lx", "26442000000012345678 ", date(2026, 12, 31), 0),
    ("91350100M000100Y43", "A-001", date(2025, 1, 2), 1),
    ("350100M000100Y4", "12345678", date(2019, 7, 15), 999999999),
]


def test_agrees_with_the_chaincode():
    fp = pytest.importorskip("chaincode.receivables.fingerprint",
                             reason="the receivables chaincode (chaincode/receivables/fingerprint.py) is not there yet")
    for seller, number, issued, amount in CASES:
        assert canonical_form(seller, number, issued, amount) == fp.canonical_form(seller, number, issued.isoformat(),
                                                                                   amount)
        assert fingerprint_of(seller, number, issued, amount) == fp.invoice_fingerprint(seller, number,
                                                                                        issued.isoformat(), amount)
