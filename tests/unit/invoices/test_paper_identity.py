"""A fully digitalised e-invoice delivered on paper (数电纸质发票) carries a second identity: the paper form's 发票代码
and 8-digit 发票号码 beside its 20-digit number. The model holds it (``paper_code``, ``paper_number``: both or
neither, only beside a 20-digit number with no code, each held to the rules of a code and an 8-digit number), the
recfin JSON form reads and writes it, and a reader refuses one it could not look up, naming the field."""

import json

import pytest
from pydantic import ValidationError

from client.invoices import Invoice, MalformedInput, invoice_to_json, parse_invoice
from client.invoices.fingerprint import fingerprint_of, identities_looked_up

from ._samples import SELLER, invoice

PAPER = {"paper_code": "144032400111", "paper_number": "12345678"}


def _json(**changes) -> bytes:
    doc = {**invoice_to_json(invoice()), **changes}
    return json.dumps({k: v for k, v in doc.items() if v is not None}, ensure_ascii=False).encode()


def test_recfin_json_reads_the_paper_identity_and_writes_it_back():
    inv = parse_invoice(_json(**PAPER), "paper.json")
    assert (inv.number, inv.code, inv.paper_code, inv.paper_number) == (
        "26442000000012345678", "", "144032400111", "12345678")
    written = invoice_to_json(inv)
    assert (written["paper_code"], written["paper_number"]) == ("144032400111", "12345678")
    again = parse_invoice(json.dumps(written, ensure_ascii=False).encode(), "again.json")
    assert again.model_dump() == inv.model_dump()


def test_an_invoice_without_a_paper_identity_is_written_as_before():
    assert "paper_code" not in invoice_to_json(invoice()) and "paper_number" not in invoice_to_json(invoice())


@pytest.mark.parametrize("changes, field, said", [
    ({"paper_code": "144032400111"}, "paper_number", "without paper_number"),
    ({"paper_number": "12345678"}, "paper_code", "without paper_code"),
    ({**PAPER, "number": "12345678", "code": "3100204130"}, "paper_code", "20 digits with no code"),
    ({**PAPER, "paper_code": "003100204130"}, "paper_code", "province"),
    ({**PAPER, "paper_code": "３１００２０４１３０"}, "paper_code", "(3100204130)"),
    ({**PAPER, "paper_number": "1234567"}, "paper_number", "8 digits"),
    ({**PAPER, "paper_number": "26442000000087654321"}, "paper_number", "8-digit"),
])
def test_a_paper_identity_that_could_not_be_looked_up_is_refused_naming_the_field(changes, field, said):
    with pytest.raises(MalformedInput) as refused:
        parse_invoice(_json(**changes), "paper.json")
    assert refused.value.field == field and said in str(refused.value)


def test_a_paper_identity_written_as_a_json_number_is_refused():
    with pytest.raises(MalformedInput) as refused:
        parse_invoice(_json(paper_code="144032400111", paper_number=12345678), "paper.json")
    assert refused.value.field == "paper_number" and "JSON number" in str(refused.value)


def test_the_model_refuses_half_a_paper_identity():
    with pytest.raises(ValidationError, match="without paper_number"):
        Invoice.model_validate({**invoice().model_dump(), "paper_code": "144032400111"})


def test_the_identities_looked_up_include_the_paper_identity_and_its_other_spelling():
    inv = Invoice.model_validate({**invoice().model_dump(), **PAPER})
    assert identities_looked_up(inv) == identities_looked_up(invoice()) + [
        ("paper identity", "144032400111", "12345678", fingerprint_of(SELLER.tax_id, "144032400111", "12345678")),
        ("paper identity's other spelling", "", "14403240011112345678",
         fingerprint_of(SELLER.tax_id, "", "14403240011112345678")),
    ]
