"""Text an invoice file holds that is no text to read: half of a surrogate pair, a date written in a form that could
be two dates, an encoding no e-invoice is in. Each is refused with one line naming the file, the field where there is
one, and what to do; never read, never a traceback (exit 2, not the 1 of findings that failed)."""
import json
from datetime import date

import pytest

from cli.invoice_commands import invoice as invoice_group
from client.invoices import MalformedInput, parse_invoice
from client.invoices.matching import read_purchase_order
from client.invoices.parse import invoice_to_json
from client.invoices.sources import ReferenceTaxInvoiceVerifier

from ..cli_errors import error_line, invoke
from ._samples import invoice
from .test_parse import einvoice_xml

UNPAIRED = ("holds an unpaired UTF-16 surrogate (such as \\ud800), which is not a Unicode character: write the "
            "character itself, or both halves of its surrogate pair")


def _recfin(change) -> bytes:
    doc = invoice_to_json(invoice())
    change(doc)
    return json.dumps(doc).encode()   # ensure_ascii: a lone surrogate is written as the six characters \ud800


@pytest.mark.parametrize("change, where", [
    (lambda d: d["seller"].__setitem__("tax_id", d["seller"]["tax_id"] + "\ud800"), "seller/tax_id"),
    (lambda d: d["seller"].__setitem__("name", "深圳\udc80"), "seller/name"),
    (lambda d: d["lines"][1].__setitem__("name", "\udfff"), "lines[1]/name"),
    (lambda d: d.__setitem__("note\ud800", "x"), "note\\ud800"),
], ids=["tax id", "name", "line", "key"])
def test_a_json_invoice_holding_an_unpaired_surrogate_is_refused_naming_where(change, where):
    with pytest.raises(MalformedInput) as caught:
        parse_invoice(_recfin(change), source="invoice.json")
    assert str(caught.value) == f"invoice.json: {where}: {UNPAIRED}"


@pytest.mark.parametrize("text, where", [
    ('{"lines": [{"a\\ud800": 1, "a\\ud800": 2}]}', "lines[0]/a\\ud800"),
    ('{"x": {"k\\udc00": NaN}}', "x/k\\udc00"),
    ('{"k\\udc00": [1, NaN]}', "k\\udc00[1]"),
    # the copy that holds the key is the one dropped: no walk of the document kept meets it
    ('{"a": {"k\\ud800": NaN}, "a": 1}', "a/k\\ud800"),
], ids=["repeated key", "NaN under it", "NaN in a list under it", "in a dropped copy"])
def test_a_key_holding_an_unpaired_surrogate_is_named_escaped_whatever_is_refused_under_it(text, where):
    # refused for another reason (a repeated key, a NaN) first, the path to it is written as the surrogate walk writes
    # it: a message holding the surrogate itself could not be printed, the traceback this refusal is there to avoid
    with pytest.raises(MalformedInput) as caught:
        parse_invoice(text.encode(), source="f.json")
    message = str(caught.value)
    assert message.startswith(f"f.json: {where}: ") and message.encode("utf-8")


def test_a_surrogate_pair_written_as_two_escapes_is_one_character_and_read():
    data = _recfin(lambda d: d["seller"].__setitem__("name", "深圳\U0001f600"))   # json writes \ud83d\ude00
    assert b"\\ud83d\\ude00" in data
    assert parse_invoice(data).seller.name == "深圳\U0001f600"


def test_the_einvoice_tree_as_json_holding_an_unpaired_surrogate_is_refused():
    text = json.dumps({"EInvoice": {"EInvoiceData": {"SellerInformation": {"SellerName": ["a", "b\ud800"]}}}})
    with pytest.raises(MalformedInput, match=r"^x\.json: EInvoice/EInvoiceData/SellerInformation/SellerName\[1\]: "
                                             r"holds an unpaired"):
        parse_invoice(text.encode(), source="x.json")


def test_verify_refuses_such_a_file_with_one_line_and_exit_2(tmp_path):
    path = tmp_path / "invoice.json"
    path.write_bytes(_recfin(lambda d: d["seller"].__setitem__("name", "深圳\ud800")))
    r = invoke(invoice_group, "verify", path, "--today", "2026-11-30")
    assert r.exit_code == 2 and error_line(r) == f"Error: {path}: seller/name: {UNPAIRED}"


def test_a_reference_provider_file_holding_an_unpaired_surrogate_is_refused_naming_the_record(tmp_path):
    record = {"number": "26442000000012345678", "seller_tax_id": invoice().seller.tax_id, "seller_name": "深圳\ud800",
              "buyer_tax_id": invoice().buyer.tax_id, "buyer_name": "b", "issue_date": "2026-09-01",
              "total_with_tax_fen": 230300, "status": "normal"}
    path = tmp_path / "tax_invoices.json"
    path.write_text(json.dumps({"records": [record]}), encoding="utf-8")
    with pytest.raises(MalformedInput) as caught:
        ReferenceTaxInvoiceVerifier(path)
    assert str(caught.value) == f"{path}: records[0]/seller_name: {UNPAIRED}"


def test_a_purchase_order_as_json_holding_an_unpaired_surrogate_is_refused(tmp_path):
    path = tmp_path / "po.json"
    path.write_text('{"po_number": "PO-1\\ud800", "lines": []}', encoding="utf-8")
    with pytest.raises(MalformedInput, match=f"^{path}: po_number: holds an unpaired UTF-16 surrogate"):
        read_purchase_order(path)


def test_an_xml_in_utf7_decoding_to_an_unpaired_surrogate_is_refused_with_exit_2(tmp_path):
    xml = einvoice_xml(invoice()).replace('encoding="UTF-8"', 'encoding="UTF-7"')
    path = tmp_path / "invoice.xml"
    path.write_bytes(xml.encode("utf-7").replace(b"<SellerName>", b"<SellerName>+2AA-"))
    r = invoke(invoice_group, "verify", path)
    assert r.exit_code == 2 and 'encoding="UTF-7" is not an encoding e-invoice XML is written in' in error_line(r)


# --- dates ---------------------------------------------------------------------

def _dated(written: str) -> bytes:
    return einvoice_xml(invoice(), replace={"<IssueTime>2026-09-01</IssueTime>":
                                            f"<IssueTime>{written}</IssueTime>"}).encode()


@pytest.mark.parametrize("written", ["2026111", "202691", "2025121", "202609011", "2026090110111", "2026-09- 1",
                                     "2026-09-01T10:11:12", "2026-09-01  10:11:12", "２０２６-09-01", "26-09-01"])
def test_a_date_in_no_form_read_is_refused_naming_the_field_and_the_forms(written):
    with pytest.raises(MalformedInput) as caught:
        parse_invoice(_dated(written), source="invoice.xml")
    message = str(caught.value)
    assert message.startswith(f"invoice.xml: EInvoice/TaxSupervisionInfo/IssueTime: not a date in a form read here: "
                              f"{written!r}; write it as one of 2026-09-01 (or 2026-9-1), 2026-09-01 10:11:12, "
                              "2026/09/01, 2026年09月01日, 20260901 or 20260901101112")
    assert ("2026111 could be 2026-01-11 or 2026-11-01" in message) == (written.isascii() and written.isdigit())


@pytest.mark.parametrize("written", ["2026-9-1", "2026-09-1", "2026/9/1", "2026年9月1日", "2026-09-01 10:11:12",
                                     "2026-9-1 9:05:00"])
def test_a_month_or_day_of_one_digit_between_separators_is_unambiguous_and_read(written):
    assert parse_invoice(_dated(written)).issue_date == date(2026, 9, 1)


def test_a_date_in_a_form_read_that_is_no_day_is_refused():
    with pytest.raises(MalformedInput, match=r"IssueTime: not a date: '20261301' \(no such day or time\)"):
        parse_invoice(_dated("20261301"))


def test_the_recfin_json_issue_date_is_held_to_the_same_forms():
    with pytest.raises(MalformedInput, match="^invoice.json: issue_date: not a date in a form read here: '2026111'"):
        parse_invoice(_recfin(lambda d: d.__setitem__("issue_date", "2026111")), source="invoice.json")


# --- encodings -----------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["unicode_escape", "raw_unicode_escape", "utf-7", "latin-1", "utf-32", "big5"])
def test_an_xml_declaring_an_encoding_no_einvoice_is_in_is_refused_by_name(tmp_path, encoding):
    path = tmp_path / "invoice.xml"
    path.write_bytes(einvoice_xml(invoice()).replace('encoding="UTF-8"', f'encoding="{encoding}"').encode("ascii",
                                                                                                       "ignore"))
    r = invoke(invoice_group, "verify", path)
    assert r.exit_code == 2 and error_line(r) == (
        f'Error: {path}: encoding="{encoding}" is not an encoding e-invoice XML is written in (UTF-8, UTF-16, '
        "GB18030, GBK or GB2312): save the file as UTF-8, or, if it is in one of those, name that one in the XML "
        "declaration")


def test_unicode_escape_is_not_read_as_the_file_s_encoding():
    # read with it, \x32 would become a digit of the invoice number
    xml = einvoice_xml(invoice()).replace('encoding="UTF-8"', 'encoding="unicode_escape"').replace(
        "<InvoiceNumber>2", "<InvoiceNumber>\\x32")
    with pytest.raises(MalformedInput, match='encoding="unicode_escape" is not an encoding e-invoice XML'):
        parse_invoice(xml.encode("utf-8"))


@pytest.mark.parametrize("encoding", ["rot13", "hex", "base64", "no-such-codec"])
def test_a_codec_that_is_no_encoding_of_text_is_refused_as_such(encoding):
    xml = einvoice_xml(invoice()).replace('encoding="UTF-8"', f'encoding="{encoding}"')
    with pytest.raises(MalformedInput, match=f'^x.xml: encoding="{encoding}" is not an encoding of text: save the '
                                             "file as UTF-8"):
        parse_invoice(xml.encode("utf-8"), source="x.xml")


@pytest.mark.parametrize("encoding, codec", [("UTF8", "utf-8"), ("utf_8", "utf-8"), ("GB18030", "gb18030"),
                                             ("gbk", "gbk"), ("CP936", "gbk"), ("GB2312", "gb2312")])
def test_the_encodings_einvoices_are_in_are_read_under_any_of_their_names(encoding, codec):
    inv = invoice()
    xml = einvoice_xml(inv).replace('encoding="UTF-8"', f'encoding="{encoding}"')
    assert parse_invoice(xml.encode(codec)).seller.name == inv.seller.name
