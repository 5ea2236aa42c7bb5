"""A red-letter invoice that names itself as the invoice it offsets offsets nothing: a misprinted or altered remark
whose claim-reducing effect would land on no invoice. Its own number was caught; its own identity in its other
spelling (a 12-digit code and 8-digit number run together as its 20-digit number, or the other way round), or the
paper identity of an invoice delivered on paper (数电纸质发票), was taken as another invoice's, so verify told a bank
to look for a claim on an invoice that is this one. Each is now refused saying the invoice names itself."""

import json
from datetime import date

import pytest

from client.invoices import MalformedInput, invoice_to_json, parse_invoice
from client.invoices.model import Invoice

from ._samples import einvoice_xml, invoice

CODE_12 = "244201234567"     # a 12-digit 发票代码 of the sample's province and year
LEGACY = "12345678"


def red(number: str, code: str = "", **update) -> Invoice:
    blue = invoice()
    lines = tuple(l.model_copy(update={"quantity": -l.quantity, "amount_fen": -l.amount_fen, "tax_fen": -l.tax_fen})
                  for l in blue.lines)
    return Invoice(number=number, code=code, issue_date=date(2026, 10, 8), seller=blue.seller, buyer=blue.buyer,
                   lines=lines, total_amount_fen=-blue.total_amount_fen, total_tax_fen=-blue.total_tax_fen,
                   total_with_tax_fen=-blue.total_with_tax_fen, **update)


SELF_NAMINGS = [
    # a 20-digit number naming itself as the code and number it reads as
    pytest.param({"number": CODE_12 + LEGACY}, {"original_code": CODE_12, "original_number": LEGACY},
                 id="20 digits as code and number"),
    # a code and number naming themselves run together
    pytest.param({"number": LEGACY, "code": CODE_12}, {"original_number": CODE_12 + LEGACY},
                 id="code and number as 20 digits"),
    # an invoice delivered on paper naming its paper form's identity
    pytest.param({"number": "26442000000012345699", "paper_code": "3100204130", "paper_number": LEGACY},
                 {"original_code": "3100204130", "original_number": LEGACY}, id="its paper identity"),
]


@pytest.mark.parametrize("own, named", SELF_NAMINGS)
def test_the_model_refuses_an_invoice_offsetting_itself_in_another_spelling(own, named):
    with pytest.raises(ValueError, match="is the invoice itself"):
        red(**own, **named)


@pytest.mark.parametrize("own, named", SELF_NAMINGS)
def test_the_recfin_json_form_refuses_it_naming_the_field(own, named):
    written = {**invoice_to_json(red(**own)), **named}
    with pytest.raises(MalformedInput) as refused:
        parse_invoice(json.dumps(written, ensure_ascii=False).encode())
    assert refused.value.field == "original_number" and "is the invoice itself" in refused.value.problem, \
        refused.value


def test_an_einvoice_xml_naming_itself_as_code_and_number_is_refused():
    xml = einvoice_xml(red(CODE_12 + LEGACY)).replace(
        "</EInvoiceData>", f"<AdditionalInformation><Remark>对应正数发票代码:{CODE_12} 号码:{LEGACY}</Remark>"
                           "</AdditionalInformation></EInvoiceData>")
    with pytest.raises(MalformedInput) as refused:
        parse_invoice(xml.encode())
    assert "is the invoice itself" in refused.value.problem, refused.value


def test_another_invoice_is_still_taken():
    inv = red(CODE_12 + LEGACY, original_code=CODE_12, original_number="12345679")
    assert (inv.original_code, inv.original_number) == (CODE_12, "12345679")


def test_a_scans_remark_naming_the_invoice_itself_as_code_and_number_is_flagged_not_taken():
    from client.invoices.scan import extract_fields

    from .test_red_letter_names_its_original import _remark_lines
    own = invoice().number            # 20 digits whose first 12 read as a code
    fields, inv, _ = extract_fields(_remark_lines(f"对应正数发票代码:{own[:12]}号码:{own[12:]}"), 0.8)
    assert fields["original"].flagged and "is the invoice itself" in fields["original"].reason
    assert inv.original_number == ""
