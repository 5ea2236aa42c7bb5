"""Forms real invoices take that the plain sample does not: identifiers through a JSON converter, a line taxed on
the difference (差额征税), exempt and not-taxed lines printed with ***, the tax-control device's 6-fen tolerance, a
natural person buying, an OFD package. Every file is built here."""

import io
import json
import zipfile
from datetime import date
from decimal import Decimal

import pytest

from client.invoices import (
    CheckOptions,
    ChecksFailed,
    Enterprise,
    InvoiceError,
    MalformedInput,
    UnsupportedFormat,
    check_invoice,
    evidence_hash,
    invoice_fingerprint,
    invoice_to_json,
    match_invoice,
    parse_invoice,
    read_goods_receipt,
    read_purchase_order,
    read_scan,
    registration_from_match,
)
from client.invoices._reading import line_tax_fen
from client.invoices.checks import default_tolerance_fen
from client.money import plain_yuan
from client.invoices.model import Invoice, InvoiceLine

from ._ledger import Ledger
from ._samples import BUYER, SELLER, einvoice_xml, invoice
from .test_cli import SAMPLES, run, write

SAMPLE_NUMBER = "26442000000012345678"


def twin(inv: Invoice) -> dict:
    """The invoice as an XML-to-JSON converter writes its XML, every value a string."""
    return {"EInvoice": {
        "Header": {"EIid": inv.number},
        "EInvoiceData": {
            "SellerInformation": {"SellerIdNum": inv.seller.tax_id, "SellerName": inv.seller.name},
            "BuyerInformation": {"BuyerIdNum": inv.buyer.tax_id, "BuyerName": inv.buyer.name},
            "BasicInformation": {"TotalAmWithoutTax": "2100.00", "TotalTaxAm": "203.00",
                                 "TotalTax-includedAmount": "2303.00", "RequestTime": "2026-09-01 10:11:12"},
            "IssuItemInformation": [
                {"ItemName": l.name, "Amount": f"{l.amount_fen / 100:.2f}", "TaxRate": str(l.tax_rate),
                 "ComTaxAm": f"{l.tax_fen / 100:.2f}"} for l in inv.lines],
        },
        "TaxSupervisionInfo": {"InvoiceNumber": inv.number, "IssueTime": "2026-09-01"},
    }}


# ------------------------------------------------------------------ identifiers as JSON numbers

def test_an_invoice_number_mangled_by_a_number_parsing_converter_is_refused_not_fingerprinted_anew():
    doc = twin(invoice(number="24442000000036916313"))
    assert parse_invoice(json.dumps(doc).encode()).number == "24442000000036916313"
    # what a converter that parses digit strings as numbers writes: the double nearest, printed back
    mangled = json.dumps(doc).replace('"24442000000036916313"', "24442000000036917000")
    with pytest.raises(MalformedInput) as refused:
        parse_invoice(mangled.encode(), source="twin.json")
    assert refused.value.field == "EInvoice/TaxSupervisionInfo/InvoiceNumber"
    assert "a JSON number (24442000000036917000), not a string" in refused.value.problem
    assert "floating-point" in refused.value.problem and "write it as a JSON string" in refused.value.problem


@pytest.mark.parametrize("path", [("Header", "EIid"), ("TaxSupervisionInfo", "InvoiceNumber"),
                                  ("EInvoiceData", "SellerInformation", "SellerIdNum"),
                                  ("EInvoiceData", "BuyerInformation", "BuyerIdNum")])
def test_every_identifier_of_the_einvoice_tree_must_be_a_string(path):
    doc = twin(invoice())
    if path[-1] == "EIid":
        del doc["EInvoice"]["TaxSupervisionInfo"]["InvoiceNumber"]  # EIid is read only without InvoiceNumber
    node = doc["EInvoice"]
    for name in path[:-1]:
        node = node[name]
    node[path[-1]] = 440300123456789  # even a whole number: its leading zeros or last digits may be gone
    with pytest.raises(MalformedInput) as refused:
        parse_invoice(json.dumps(doc).encode())
    assert refused.value.field == "/".join(("EInvoice",) + path)
    assert "JSON number" in refused.value.problem


@pytest.mark.parametrize("key,field", [("number", "number"), ("code", "code"), ("seller", "seller/tax_id"),
                                       ("buyer", "buyer/tax_id")])
def test_every_identifier_of_the_recfin_form_must_be_a_string(key, field):
    doc = invoice_to_json(invoice(number="01234567").model_copy(update={"code": "4403201130"}))
    if key in ("seller", "buyer"):
        doc[key]["tax_id"] = 440300123456789
    else:
        doc[key] = int(doc[key])
    with pytest.raises(MalformedInput) as refused:
        parse_invoice(json.dumps(doc).encode())
    assert refused.value.field == field and "JSON number" in refused.value.problem


def test_amounts_may_still_be_json_numbers():
    doc = twin(invoice())
    doc["EInvoice"]["EInvoiceData"]["BasicInformation"]["TotalTax-includedAmount"] = 2303.00
    assert parse_invoice(json.dumps(doc).encode()).total_with_tax_fen == 230300


# ------------------------------------------------------------------ 差额征税: tax on the amount less a deduction

# Labour dispatch at 5%, 100000.00 received, 80000.00 of it deducted: tax (100000 - 80000) x 5 / 105 = 952.38
DISPATCH = InvoiceLine(name="*人力资源服务*劳务派遣服务", unit="项", quantity=Decimal(1), unit_price=Decimal("99047.62"),
                       amount_fen=9904762, tax_rate=Decimal("0.05"), tax_fen=95238)


def difference_invoice(*lines: InvoiceLine) -> Invoice:
    lines = lines or (DISPATCH,)
    amount, tax = sum(l.amount_fen for l in lines), sum(l.tax_fen for l in lines)
    return Invoice(number=SAMPLE_NUMBER, issue_date=date(2026, 9, 1), seller=SELLER, buyer=BUYER, lines=lines,
                   total_amount_fen=amount, total_tax_fen=tax, total_with_tax_fen=amount + tax)


def with_remark(inv: Invoice, remark: str | None) -> bytes:
    xml = einvoice_xml(inv)
    if remark is not None:
        xml = xml.replace("</EInvoiceData>", f"<AdditionalInformation><Remark>{remark}</Remark>"
                                             "</AdditionalInformation></EInvoiceData>")
    return xml.encode()


def line_tax(inv: Invoice, **options):
    return check_invoice(inv, CheckOptions(**options)).of("line.tax")


def test_the_deduction_in_the_remark_is_taken_off_before_the_tax_is_checked():
    inv = parse_invoice(with_remark(difference_invoice(), "差额征税：80000.00。项目：派遣"))
    assert inv.taxed_on_difference and inv.lines[0].deduction_fen == 8000000
    (finding,) = line_tax(inv)
    assert finding.status == "pass"
    assert finding.message == "line 1: (99047.62 - deduction 80000.00) x 0.05 = tax 952.38"
    assert check_invoice(inv).ok


@pytest.mark.parametrize("remark", [None, "差额征税：70000.00。", "项目：派遣"])
def test_without_the_right_deduction_the_tax_fails(remark):
    (finding,) = line_tax(parse_invoice(with_remark(difference_invoice(), remark)))
    assert finding.status == "fail" and "but the tax is 952.38" in finding.message


def test_an_invoice_that_says_difference_but_gives_no_deduction_skips_the_tax_check_saying_why():
    inv = parse_invoice(with_remark(difference_invoice(), "差额征税-差额开票"))
    assert inv.taxed_on_difference and inv.lines[0].deduction_fen is None
    (finding,) = line_tax(inv)
    assert finding.status == "skipped"
    assert "taxed on the difference (差额征税) but gives no deduction" in finding.message
    report = check_invoice(inv)
    assert report.ok and report.finding("totals.tax").status == "pass"  # the totals are still checked
    # a deduction only lowers the tax: one above amount x rate fails however the invoice is taxed
    high = DISPATCH.model_copy(update={"tax_fen": 495240})
    (finding,) = line_tax(parse_invoice(with_remark(difference_invoice(high), "差额征税-差额开票")))
    assert finding.status == "fail" and "= 4952.38, but the tax is 4952.40" in finding.message


def test_a_deduction_for_one_of_several_lines_is_not_guessed():
    service = InvoiceLine(name="*现代服务*咨询费", quantity=Decimal(1), unit_price=Decimal(1000), amount_fen=100000,
                          tax_rate=Decimal("0.06"), tax_fen=6000)
    inv = parse_invoice(with_remark(difference_invoice(service, DISPATCH), "差额征税：80000.00。"))
    assert [l.deduction_fen for l in inv.lines] == [None, None]
    assert [f.status for f in line_tax(inv)] == ["pass", "skipped"]


def test_a_wrong_deduction_figure_is_malformed():
    with pytest.raises(MalformedInput, match="差额征税"):
        parse_invoice(with_remark(difference_invoice(), "差额征税：80000.005。"))


def taxed_as_if(deduction_fen: int) -> Invoice:
    """The dispatch invoice with the tax (amount - deduction) x rate gives for any deduction, totals to match: what a
    remark altered to pass a wrong tax needs."""
    tax = line_tax_fen(DISPATCH.amount_fen - deduction_fen, DISPATCH.tax_rate)
    return difference_invoice(DISPATCH.model_copy(update={"tax_fen": tax}))


# a negative deduction doubles the tax (and the face amount registered); one above the amount makes the tax negative
@pytest.mark.parametrize("deduction,says", [(-9904762, "(扣除额) is negative"),
                                            (19809524, "is more than the amount 99047.62")])
def test_a_deduction_outside_nothing_to_the_amount_is_refused_by_every_reader_and_the_check(deduction, says):
    inv = taxed_as_if(deduction)
    with pytest.raises(MalformedInput) as refused:
        parse_invoice(with_remark(inv, f"差额征税：{plain_yuan(deduction)}。"))
    assert refused.value.field == "EInvoice/EInvoiceData/AdditionalInformation/Remark"
    assert says in refused.value.problem and "check it against the invoice" in refused.value.problem
    deducted = inv.model_copy(update={"lines": (inv.lines[0].model_copy(update={"deduction_fen": deduction}),),
                                      "taxed_on_difference": True})
    (finding,) = line_tax(deducted)  # an invoice built in code meets the check itself
    assert finding.status == "fail" and says in finding.message
    with pytest.raises(MalformedInput) as refused:
        parse_invoice(json.dumps(invoice_to_json(deducted), ensure_ascii=False).encode())
    assert refused.value.field == "lines[0]/deduction" and says in refused.value.problem


def test_a_deduction_off_one_of_several_lines_is_still_bounded_by_their_amount():
    service = InvoiceLine(name="*现代服务*咨询费", quantity=Decimal(1), unit_price=Decimal(1000), amount_fen=100000,
                          tax_rate=Decimal("0.06"), tax_fen=6000)
    with pytest.raises(MalformedInput, match="is negative"):
        parse_invoice(with_remark(difference_invoice(service, DISPATCH), "差额征税：-1.00。"))


@pytest.mark.parametrize("deduction", [0, 9904762])
def test_a_deduction_from_nothing_to_the_whole_amount_stands(deduction):
    inv = parse_invoice(with_remark(taxed_as_if(deduction), f"差额征税：{plain_yuan(deduction)}。"))
    assert inv.lines[0].deduction_fen == deduction and line_tax(inv)[0].status == "pass"


def test_a_red_letter_line_takes_a_deduction_of_its_own_sign():
    red = DISPATCH.model_copy(update={"amount_fen": -9904762, "tax_fen": -95238, "quantity": Decimal(-1),
                                      "unit_price": Decimal("99047.62")})
    inv = difference_invoice(red).model_copy(update={"taxed_on_difference": True})
    at = inv.model_copy(update={"lines": (red.model_copy(update={"deduction_fen": -8000000}),)})
    assert line_tax(at)[0].status == "pass"
    positive = inv.model_copy(update={"lines": (red.model_copy(update={"deduction_fen": 8000000}),)})
    assert line_tax(positive)[0].status == "fail" and "(扣除额) is positive" in line_tax(positive)[0].message


def test_a_deduction_stands_only_on_an_invoice_taxed_on_the_difference():
    unmarked = difference_invoice(DISPATCH.model_copy(update={"deduction_fen": 8000000}))
    assert not unmarked.taxed_on_difference
    (finding,) = line_tax(unmarked)
    assert finding.status == "fail" and "on an invoice not taxed on the difference (差额征税)" in finding.message
    assert line_tax(unmarked.model_copy(update={"taxed_on_difference": True}))[0].status == "pass"
    # the recfin form marks an invoice with a deduction as so taxed, unless it says it is not: then it is refused
    doc = invoice_to_json(unmarked)
    assert parse_invoice(json.dumps(doc, ensure_ascii=False).encode()).taxed_on_difference
    with pytest.raises(MalformedInput) as refused:
        parse_invoice(json.dumps({**doc, "taxed_on_difference": False}, ensure_ascii=False).encode())
    assert refused.value.field == "lines[0]/deduction" and "set taxed_on_difference to true" in refused.value.problem


@pytest.mark.parametrize("remark", ["差额征税：80000.00。差额征税：1.00。", "差额征税：1.00。差额征税：80000.00。"])
def test_deductions_that_differ_are_refused_whichever_comes_first(remark):
    with pytest.raises(MalformedInput) as refused:
        parse_invoice(with_remark(taxed_as_if(100), remark))
    assert "several deductions after 差额征税 (1.00, 80000.00)" in refused.value.problem
    twice = parse_invoice(with_remark(difference_invoice(), "差额征税：80000.00。（差额征税：80000.00）"))
    assert twice.lines[0].deduction_fen == 8000000  # the same deduction given twice is one


def test_the_recfin_form_carries_the_deduction_and_ordinary_invoices_keep_their_form():
    inv = difference_invoice(DISPATCH.model_copy(update={"deduction_fen": 8000000}))
    doc = invoice_to_json(inv)
    assert doc["lines"][0]["deduction"] == "80000.00"
    back = parse_invoice(json.dumps(doc, ensure_ascii=False).encode())
    assert back.lines == inv.lines and back.taxed_on_difference
    assert line_tax(back)[0].status == "pass"
    plain = invoice_to_json(invoice())
    assert "taxed_on_difference" not in plain and all("deduction" not in l for l in plain["lines"])
    said = parse_invoice(json.dumps({**invoice_to_json(difference_invoice()), "taxed_on_difference": True}).encode())
    assert said.taxed_on_difference and line_tax(said)[0].status == "skipped"
    with pytest.raises(MalformedInput, match="true or false"):
        parse_invoice(json.dumps({**plain, "taxed_on_difference": "yes"}).encode())


def test_a_difference_taxed_invoice_registers(tmp_path):
    po = read_purchase_order(write(tmp_path, "po.csv", "po_number,item_name,quantity,unit_price\n"
                                                       "PO-9,劳务派遣服务,1,99047.62\n"))
    gr = read_goods_receipt(write(tmp_path, "gr.csv", "receipt_number,po_number,item_name,quantity\n"
                                                      "GR-9,PO-9,劳务派遣服务,1\n"))
    without = parse_invoice(with_remark(difference_invoice(), None))
    with pytest.raises(ChecksFailed, match="line.tax"):
        registration_from_match(without, po, gr, match_invoice(without, po, gr), date(2026, 12, 1))
    inv = parse_invoice(with_remark(difference_invoice(), "差额征税：80000.00。"))
    reg = registration_from_match(inv, po, gr, match_invoice(inv, po, gr), date(2026, 12, 1))
    assert reg.face_amount == 10000000 and reg.contract_hash == evidence_hash(inv, po, gr)
    assert reg.contract_hash != evidence_hash(without, po, gr)  # the deduction is part of the evidence


# ------------------------------------------------------------------ *** for a line that carries no tax

EXEMPT = '<TaxRate>0.06</TaxRate><ComTaxAm>60.00</ComTaxAm>'


def exempt_xml(rate: str, tax: str | None) -> bytes:
    """The sample with its service line carrying no tax: the rate and tax as the file writes them (``None``: no
    ComTaxAm element), and the totals without that line's 60.00."""
    element = "" if tax is None else f"<ComTaxAm>{tax}</ComTaxAm>"
    return einvoice_xml(invoice(), replace={EXEMPT: f"<TaxRate>{rate}</TaxRate>{element}",
                                            "<TotalTaxAm>203.00</TotalTaxAm>": "<TotalTaxAm>143.00</TotalTaxAm>",
                                            "<TotalTax-includedAmount>2303.00": "<TotalTax-includedAmount>2243.00"}
                        ).encode()


@pytest.mark.parametrize("rate,tax", [("免税", "***"), ("不征税", "***"), ("***", "***"), ("免税", None),
                                      ("免税", ""), ("***", None), ("免税", "0.00")])
def test_a_line_whose_rate_says_it_carries_no_tax_reads_as_zero(rate, tax):
    inv = parse_invoice(exempt_xml(rate, tax))
    assert (inv.lines[2].tax_rate, inv.lines[2].tax_fen) == (0, 0)
    assert check_invoice(inv).ok


@pytest.mark.parametrize("rate,tax,says", [
    ("0.06", "***", "'***' for the tax on a line taxed at 0.06"),
    ("6%", None, "no tax on a line taxed at 6%"),
    ("0", None, "no tax on a line taxed at 0"),  # zero-rated prints 0.00: a rate, not an exemption
])
def test_no_tax_on_a_taxed_line_is_refused(rate, tax, says):
    with pytest.raises(MalformedInput) as refused:
        parse_invoice(exempt_xml(rate, tax), source="inv.xml")
    assert refused.value.field == "EInvoice/EInvoiceData/IssuItemInformation[3]/ComTaxAm"
    assert says in refused.value.problem and "免税, 不征税 or ***" in refused.value.problem


def test_a_line_taxed_at_a_reduced_rate_is_checked_at_that_rate():
    # individual housing rent: the rate column says "5%减按1.5%" and the tax is the amount at 1.5%
    xml = einvoice_xml(invoice(), replace={EXEMPT: "<TaxRate>5%减按1.5%</TaxRate><ComTaxAm>15.00</ComTaxAm>",
                                           "<TotalTaxAm>203.00</TotalTaxAm>": "<TotalTaxAm>158.00</TotalTaxAm>",
                                           "<TotalTax-includedAmount>2303.00": "<TotalTax-includedAmount>2258.00"})
    inv = parse_invoice(xml.encode())
    assert (inv.lines[2].tax_rate, inv.lines[2].tax_fen) == (Decimal("0.015"), 1_500)
    assert check_invoice(inv).ok


# ------------------------------------------------------------------ tolerance: by the invoice, and passed through

def spread(inv: Invoice, off: int) -> Invoice:
    """The invoice with its first line's tax ``off`` fen high and its second's as low: the totals still agree."""
    first, second, *rest = inv.lines
    return inv.model_copy(update={"lines": (first.model_copy(update={"tax_fen": first.tax_fen + off}),
                                            second.model_copy(update={"tax_fen": second.tax_fen - off}), *rest)})


def legacy(inv: Invoice) -> Invoice:
    return inv.model_copy(update={"number": "12345678", "code": "4403201130"})


def test_the_default_tolerance_is_chosen_by_the_invoice():
    assert default_tolerance_fen(invoice()) == 1
    assert default_tolerance_fen(legacy(invoice())) == 6
    assert default_tolerance_fen(invoice(number="12345678")) == 1  # no code: not a device's invoice either
    assert [f.status for f in line_tax(spread(invoice(), 2))] == ["fail", "fail", "pass"]
    assert [f.status for f in line_tax(legacy(spread(invoice(), 6)))] == ["pass", "pass", "pass"]
    assert [f.status for f in line_tax(legacy(spread(invoice(), 7)))] == ["fail", "fail", "pass"]
    assert line_tax(legacy(spread(invoice(), 6)))[0].details["tolerance_fen"] == 6


def test_a_given_tolerance_applies_to_amount_and_tax_and_the_device_rule_to_tax_only():
    assert [f.status for f in line_tax(spread(invoice(), 3), tolerance_fen=3)] == ["pass"] * 3
    assert [f.status for f in line_tax(legacy(spread(invoice(), 7)), tolerance_fen=7)] == ["pass"] * 3
    first = invoice().lines[0]
    off_amount = legacy(invoice()).model_copy(update={"lines": (first.model_copy(update={
        "amount_fen": first.amount_fen + 2, "tax_fen": first.tax_fen}),) + invoice().lines[1:]})
    assert check_invoice(off_amount).of("line.amount")[0].status == "fail"
    assert check_invoice(off_amount, CheckOptions(tolerance_fen=2)).of("line.amount")[0].status == "pass"


def test_registration_takes_the_tolerance_verify_was_given():
    po, gr = read_purchase_order(SAMPLES / "purchase_order.csv"), read_goods_receipt(SAMPLES / "goods_receipt.csv")
    inv = spread(invoice(), 3)
    result = match_invoice(inv, po, gr)
    with pytest.raises(ChecksFailed) as refused:
        registration_from_match(inv, po, gr, result, date(2026, 12, 1))
    assert [f.check for f in refused.value.failed] == ["line.tax", "line.tax"]
    assert registration_from_match(inv, po, gr, result, date(2026, 12, 1), tolerance_fen=3).face_amount == 230300


def test_register_and_verify_take_the_same_tolerance_option(tmp_path, monkeypatch):
    matched = ["--po", SAMPLES / "purchase_order.csv", "--receipt", SAMPLES / "goods_receipt.csv",
               "--due", "2026-11-30"]
    path = write(tmp_path, "spread.xml", einvoice_xml(spread(invoice(), 3)))
    r = run("verify", path, "--today", "2026-09-10")
    assert r.exit_code == 1 and "FAIL  line.tax" in r.output and "but the tax is 39.03" in r.output
    assert run("verify", path, "--today", "2026-09-10", "--tolerance-fen", "3").exit_code == 0
    Ledger().serve(monkeypatch)
    r = run("register", path, *matched, "--as", "supplier/supplier1")
    assert r.exit_code == 1 and "line.tax" in r.output and "recfin invoice verify" in r.output
    r = run("register", path, *matched, "--tolerance-fen", "3", "--as", "supplier/supplier1", "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["face_amount"] == 230300


def test_a_registration_allows_no_wider_tolerance_than_the_device_rule(tmp_path):
    po, gr = read_purchase_order(SAMPLES / "purchase_order.csv"), read_goods_receipt(SAMPLES / "goods_receipt.csv")
    inv = spread(invoice(), 7)
    result = match_invoice(inv, po, gr)
    with pytest.raises(InvoiceError, match="a registration allows 0 to 6 fen per line"):
        registration_from_match(inv, po, gr, result, date(2026, 12, 1), tolerance_fen=7)
    six = spread(invoice(), 6)
    assert registration_from_match(six, po, gr, match_invoice(six, po, gr), date(2026, 12, 1),
                                   tolerance_fen=6).face_amount == 230300
    path = write(tmp_path, "spread.xml", einvoice_xml(inv))
    r = run("register", path, "--po", SAMPLES / "purchase_order.csv", "--receipt", SAMPLES / "goods_receipt.csv",
            "--due", "2026-11-30", "--tolerance-fen", "7", "--as", "supplier/supplier1")
    assert r.exit_code == 2 and "--tolerance-fen" in r.output and "0<=x<=6" in r.output
    # verify may look further, to tell how far off a figure is
    assert run("verify", path, "--today", "2026-09-10", "--tolerance-fen", "7").exit_code == 0


# ------------------------------------------------------------------ a natural person buying

def test_a_buyer_without_a_tax_id_is_read_and_fails_the_buyer_checks_by_name(tmp_path):
    person = invoice().model_copy(update={"buyer": BUYER.model_copy(update={"name": "乌洪军", "tax_id": ""})})
    xml = einvoice_xml(person, replace={"<BuyerIdNum></BuyerIdNum>": ""})
    inv = parse_invoice(xml.encode())
    assert (inv.buyer.name, inv.buyer.tax_id) == ("乌洪军", "")
    report = check_invoice(inv, CheckOptions(debtor=Enterprise(BUYER.tax_id)))
    assert [f.check for f in report.failed] == ["buyer.tax_id", "parties.debtor"]
    assert "natural person (个人)" in report.finding("buyer.tax_id").message
    assert "'乌洪军' has no tax id" in report.finding("parties.debtor").message
    r = run("verify", write(tmp_path, "person.xml", xml), "--today", "2026-09-10")
    assert r.exit_code == 1 and "FAIL  buyer.tax_id" in r.output
    assert invoice_fingerprint(inv) == invoice_fingerprint(invoice())  # the seller and number identify it


# ------------------------------------------------------------------ OFD

def ofd_package() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("OFD.xml", '<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org'
                                    '/2016" Version="1.1" DocType="OFD"/>')
    return buf.getvalue()


def test_an_ofd_package_is_named_and_the_xml_or_pdf_advised(tmp_path):
    with pytest.raises(UnsupportedFormat) as refused:
        parse_invoice(ofd_package(), source="inv.ofd")
    assert "OFD is not read" in refused.value.problem and "XML rendition" in refused.value.problem
    path = tmp_path / "inv.ofd"
    path.write_bytes(ofd_package())
    with pytest.raises(UnsupportedFormat, match="OFD is not read"):
        read_scan(path)
    for command in ("verify", "read"):
        r = run(command, path)
        assert r.exit_code == 2 and "OFD is not read" in r.output and "UTF-8" not in r.output


def test_a_pdf_given_to_the_xml_reader_is_sent_to_the_scan_reader():
    with pytest.raises(UnsupportedFormat, match="recfin invoice read"):
        parse_invoice(b"%PDF-1.7\n\xe2\xe3\xcf\xd3\n1 0 obj")

