"""A red-letter (负数, 红字) invoice offsets an earlier blue one, and names it: a fully digitalised one in its remark as
the platform writes it (被红冲蓝字数电发票号码：<20 digits>), an older one by the blue invoice's code and number
(对应正数发票代码:... 号码:...). verify refused a red-letter invoice (totals.positive) without naming that invoice, so
a bank could not tell which claim's invoice was offset. The readers take the original's identity where the invoice
gives it, check it as any invoice identity is checked, and verify names it, with --json too."""

import json
from datetime import date

import pytest
from click.testing import CliRunner

from cli.invoice_commands import invoice as invoice_group
from client.invoices import MalformedInput, check_invoice, invoice_to_json, parse_invoice
from client.invoices._lines import TextLine
from client.invoices.fingerprint import fingerprint_of
from client.invoices.model import Invoice
from client.invoices.scan import extract_fields

from . import _render
from ._samples import einvoice_json_twin, einvoice_xml, invoice

BLUE_NUMBER = "26442000000012345678"   # the sample invoice's own number
RED_NUMBER = "26442000000087654321"


def red_letter(**update) -> Invoice:
    """The sample invoice taken back whole: a red-letter invoice of its own number, every figure negative."""
    blue = invoice()
    lines = tuple(l.model_copy(update={"quantity": -l.quantity, "amount_fen": -l.amount_fen, "tax_fen": -l.tax_fen})
                  for l in blue.lines)
    return Invoice(number=RED_NUMBER, issue_date=date(2026, 10, 8), seller=blue.seller, buyer=blue.buyer, lines=lines,
                   total_amount_fen=-blue.total_amount_fen, total_tax_fen=-blue.total_tax_fen,
                   total_with_tax_fen=-blue.total_with_tax_fen, **update)


def with_remark(xml: str, remark: str) -> str:
    return xml.replace("</EInvoiceData>", f"<AdditionalInformation><Remark>{remark}</Remark>"
                                          "</AdditionalInformation></EInvoiceData>")


def _names_the_original(inv: Invoice, code: str, number: str) -> None:
    finding = check_invoice(inv).finding("totals.positive")
    assert finding.status == "fail"
    named = f"code {code} number {number}" if code else f"number {number}"
    assert f"offsetting invoice {named}" in finding.message, finding.message
    assert finding.details["offsets"] == {"number": number, **({"code": code} if code else {}),
                                          "fingerprint": fingerprint_of(inv.seller.tax_id, code, number)}


@pytest.mark.parametrize("remark", [f"被红冲蓝字数电发票号码：{BLUE_NUMBER} 红字发票信息确认单编号：44030126100000012345",
                                    f"对应蓝字发票号码:{BLUE_NUMBER}"])
def test_an_einvoice_xml_red_letter_invoice_names_the_invoice_it_offsets(remark):
    inv = parse_invoice(with_remark(einvoice_xml(red_letter()), remark).encode())
    assert (inv.original_code, inv.original_number) == ("", BLUE_NUMBER)
    _names_the_original(inv, "", BLUE_NUMBER)


def test_the_einvoice_json_twin_names_it_alike():
    xml = with_remark(einvoice_xml(red_letter()), f"被红冲蓝字数电发票号码：{BLUE_NUMBER}")
    # the JSON twin of the same tree, as an XML-to-JSON converter writes it
    doc = einvoice_json_twin(xml)
    inv = parse_invoice(json.dumps(doc, ensure_ascii=False).encode())
    assert inv.original_number == BLUE_NUMBER and inv == parse_invoice(xml.encode())


def test_the_recfin_json_form_names_it_and_reads_it_back():
    red = red_letter(original_code="3100204130", original_number="12345678")
    written = invoice_to_json(red)
    assert (written["original_number"], written["original_code"]) == ("12345678", "3100204130")
    inv = parse_invoice(json.dumps(written, ensure_ascii=False).encode())
    assert inv == red.model_copy(update={"source": inv.source})
    _names_the_original(inv, "3100204130", "12345678")
    # an invoice naming none is written as before
    assert "original_number" not in invoice_to_json(invoice()) and "original_code" not in invoice_to_json(invoice())


@pytest.mark.parametrize("remark, named", [
    (f"被红冲蓝字数电发票号码：{BLUE_NUMBER[:-1]}", "neither the 20 digits"),          # a digit lost
    ("对应正数发票代码:0031002041 号码:12345678", "invoice code"),                      # no code's form
    (f"被红冲蓝字数电发票号码：{RED_NUMBER}", "the invoice itself"),
    (f"被红冲蓝字数电发票号码：{BLUE_NUMBER} 对应蓝字发票号码：26442000000011111111", "names 2 invoices"),
])
def test_an_original_that_is_no_invoices_identity_is_refused_naming_the_remark(remark, named):
    with pytest.raises(MalformedInput) as refused:
        parse_invoice(with_remark(einvoice_xml(red_letter()), remark).encode())
    assert refused.value.field == "EInvoice/EInvoiceData/AdditionalInformation/Remark"
    assert named in refused.value.problem, refused.value.problem


@pytest.mark.parametrize("update, field", [({"original_number": "1234567"}, "original_number"),
                                           ({"original_code": "3100204130"}, "original_number"),
                                           ({"original_code": "３１００２０４１３０", "original_number": "12345678"},
                                            "original_code")])
def test_the_recfin_json_form_refuses_an_original_that_is_no_invoices_identity(update, field):
    written = {**invoice_to_json(red_letter()), **update}
    with pytest.raises(MalformedInput) as refused:
        parse_invoice(json.dumps(written, ensure_ascii=False).encode())
    assert refused.value.field == field, refused.value


def _remark_lines(remark: str) -> list[TextLine]:
    """The sample invoice's printed lines (a text layer's, every character sure) with its remark printed last."""
    out = []
    for cells in _render.rows(invoice()) + [[(40, "备注"), (160, remark)]]:
        line = TextLine()
        for i, (_, text) in enumerate(cells):
            line.add(text, 0.95, gap=i > 0)
        out.append(line)
    return out


@pytest.mark.parametrize("remark, code, number", [
    ("对应正数发票代码:3100204130号码:12345678", "3100204130", "12345678"),
    (f"被红冲蓝字数电发票号码：{RED_NUMBER}", "", RED_NUMBER),
])
def test_a_printed_remark_gives_the_original_to_a_scans_reading(remark, code, number):
    fields, inv, _ = extract_fields(_remark_lines(remark), 0.8)
    assert not fields["original"].flagged and fields["original"].value == " ".join(filter(None, (code, number)))
    assert (inv.original_code, inv.original_number) == (code, number)


def test_a_printed_remark_naming_no_invoices_identity_is_flagged_not_taken():
    fields, inv, _ = extract_fields(_remark_lines("对应正数发票代码:3100204130号码:1234567"), 0.8)
    assert fields["original"].flagged and "the invoice it offsets" in fields["original"].reason
    assert inv.original_number == ""


def test_verify_names_the_original_and_gives_it_with_json(tmp_path):
    path = tmp_path / "red.xml"
    path.write_text(with_remark(einvoice_xml(red_letter()), f"被红冲蓝字数电发票号码：{BLUE_NUMBER}"), encoding="utf-8")
    text = CliRunner().invoke(invoice_group, ["verify", str(path)])
    assert text.exit_code == 1 and f"offsetting invoice number {BLUE_NUMBER}" in text.output, text.output
    as_json = CliRunner().invoke(invoice_group, ["verify", str(path), "--json"])
    doc = json.loads(as_json.output)
    offsets = {"number": BLUE_NUMBER, "fingerprint": fingerprint_of(red_letter().seller.tax_id, "", BLUE_NUMBER)}
    assert doc["offsets"] == offsets
    assert next(f for f in doc["findings"] if f["check"] == "totals.positive")["details"]["offsets"] == offsets


def test_a_red_letter_invoice_naming_none_says_so():
    message = check_invoice(red_letter()).finding("totals.positive").message
    assert "names no invoice it offsets" in message and "ask its seller" in message
