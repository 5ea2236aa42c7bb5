"""Bad input an operator may hand `recfin invoice ...`: each is refused with one line naming the file and the field,
never a traceback and never a silent wrong result."""
import json
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from cli.invoice_commands import invoice as invoice_group
from client.invoices import MalformedInput, check_invoice, CheckOptions, match_invoice, parse_invoice
from client.invoices.matching import read_goods_receipt, read_purchase_order
from client.invoices.parse import invoice_to_json

from ..cli_errors import error_line, invoke
from ._samples import einvoice_xml, invoice, line

SAMPLES = Path(__file__).parents[3] / "client" / "invoices" / "reference_data" / "samples"


def run(*args):
    return invoke(invoice_group, *args)


def one_error_line(result) -> str:
    """The error line, and nothing else printed."""
    assert len([l for l in result.output.splitlines() if l.strip()]) == 1, result.output
    return error_line(result)


@pytest.mark.parametrize("amount", ["1" + "0" * 40, "1e400", "1e999999999"])
def test_an_amount_too_large_is_malformed_not_a_crash(amount):
    xml = einvoice_xml(invoice(), replace={"<TotalTaxAm>203.00</TotalTaxAm>": f"<TotalTaxAm>{amount}</TotalTaxAm>"})
    with pytest.raises(MalformedInput, match="too large") as err:
        parse_invoice(xml.encode(), source="inv.xml")
    assert err.value.field.endswith("TotalTaxAm")


def test_an_amount_above_the_contract_cap_is_malformed():
    doc = invoice_to_json(invoice())
    doc["total_with_tax"] = "1000000000000000.01"  # 10^17 fen + 1
    with pytest.raises(MalformedInput, match="capped"):
        parse_invoice(json.dumps(doc).encode())


def test_a_huge_quantity_is_malformed_on_the_cli(tmp_path):
    doc = invoice_to_json(invoice())
    doc["lines"][0]["quantity"] = "1e999999"
    path = tmp_path / "inv.json"
    path.write_text(json.dumps(doc))
    r = run("verify", path, "--today", "2026-09-10")
    assert r.exit_code == 2 and "lines[0]/quantity: too large" in one_error_line(r)


def test_line_checks_are_exact_beyond_decimal_precision():
    # 18 + 10 digits times 10 digits: a Decimal product would round at 28 digits
    qty, price = Decimal("123456789012345678.9012345678"), Decimal("0.0000000001")
    exact = line("item", "1", "1.00", "0").model_copy(update={"quantity": qty, "unit_price": price,
                                                              "amount_fen": 1234567890, "tax_fen": 0})
    inv = invoice(lines=(exact,))
    report = check_invoice(inv, CheckOptions())
    assert report.finding("line.amount").status == "pass"


@pytest.mark.parametrize("data", [b"[" * 100_000 + b"]" * 100_000,
                                  b'{"EInvoice":' + b'{"a":' * 100_000 + b"1" + b"}" * 100_001,
                                  b"<EInvoice>" + b"<a>" * 100_000 + b"</a>" * 100_000 + b"</EInvoice>"])
def test_documents_nested_too_deeply_are_malformed(data):
    with pytest.raises(MalformedInput, match="nested too deeply"):
        parse_invoice(data)


@pytest.mark.parametrize("field,value", [("number", "123|456"), ("code", "31|0020413"), ("seller", "9144|")])
def test_a_pipe_in_the_fingerprinted_fields_is_malformed(field, value):
    doc = invoice_to_json(invoice())
    if field == "seller":
        doc["seller"]["tax_id"] = value
    else:
        doc[field] = value
    with pytest.raises(MalformedInput, match=r"'\|' cannot appear"):
        parse_invoice(json.dumps(doc).encode())


def test_a_pipe_in_an_xml_invoice_number_is_one_line_on_the_cli(tmp_path):
    xml = einvoice_xml(invoice()).replace("26442000000012345678", "2644|2000000012345678")
    path = tmp_path / "inv.xml"
    path.write_text(xml, encoding="utf-8")
    r = run("verify", path)
    assert r.exit_code == 2 and "InvoiceNumber" in one_error_line(r)


def test_gbk_without_a_declaration_says_what_to_do(tmp_path):
    path = tmp_path / "gbk.xml"
    path.write_bytes(einvoice_xml(invoice()).replace('encoding="UTF-8"', "").encode("gbk"))
    r = run("verify", path)
    assert r.exit_code == 2 and "save the file as UTF-8" in one_error_line(r)


def test_an_empty_file_is_called_empty(tmp_path):
    path = tmp_path / "empty.xml"
    path.write_bytes(b"  \n")
    r = run("verify", path)
    assert r.exit_code == 2 and "empty file" in one_error_line(r)


# --- orders and receipts -------------------------------------------------------

def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


PO_HEADER = "po_number,line,item_code,item_name,quantity,unit_price\n"


def test_a_row_wider_than_the_header_is_refused(tmp_path):
    path = write(tmp_path, "po.csv", PO_HEADER + "PO-1,1,C0805,贴片电容,200,1,50\n")
    with pytest.raises(MalformedInput, match="7 cells, but the header names 6 columns") as err:
        read_purchase_order(path)
    assert err.value.field == "row 2"


@pytest.mark.parametrize("row,field", [("PO-1,1,C0805,贴片电容,-200,1.50", "quantity"),
                                       ("PO-1,1,C0805,贴片电容,200,-1.50", "unit_price")])
def test_negative_quantities_and_prices_are_refused(tmp_path, row, field):
    with pytest.raises(MalformedInput, match="negative") as err:
        read_purchase_order(write(tmp_path, "po.csv", PO_HEADER + row + "\n"))
    assert err.value.field == f"row 2: {field}"


def test_a_huge_price_is_refused_not_a_crash(tmp_path):
    with pytest.raises(MalformedInput, match="too large"):
        read_purchase_order(write(tmp_path, "po.csv", PO_HEADER + "PO-1,1,C0805,贴片电容,200,1e999999\n"))


def test_json_that_is_not_an_object_is_named_as_such(tmp_path):
    with pytest.raises(MalformedInput, match="JSON that is not an object"):
        read_goods_receipt(write(tmp_path, "gr.json", "[]"))
    with pytest.raises(MalformedInput, match="nested too deeply"):
        read_goods_receipt(write(tmp_path, "gr.json", "[" * 100_000 + "]" * 100_000))


def test_a_gbk_export_says_how_to_convert_it(tmp_path):
    path = write(tmp_path, "po.csv", PO_HEADER + "PO-1,1,C0805,贴片电容,200,1.50\n", encoding="gbk")
    r = run("match", SAMPLES / "einvoice.xml", "--po", path, "--receipt", SAMPLES / "goods_receipt.csv")
    assert r.exit_code == 2 and "not UTF-8 text: save it as UTF-8 (Excel: Save As, CSV UTF-8" in one_error_line(r)


def test_the_total_is_summed_exactly(tmp_path):
    po = read_purchase_order(SAMPLES / "purchase_order.csv")
    gr = read_goods_receipt(SAMPLES / "goods_receipt.csv")
    from client.invoices import read_invoice
    result = match_invoice(read_invoice(SAMPLES / "einvoice.xml"), po, gr)
    assert result.ok and result.expected_amount_fen == 210000


@pytest.mark.parametrize("option,value", [("--price-tolerance", "5"), ("--price-tolerance", "1e999999"),
                                          ("--quantity-tolerance", "-0.1"), ("--quantity-tolerance", "nan")])
def test_tolerances_are_fractions_from_0_to_1(option, value):
    r = run("match", SAMPLES / "einvoice.xml", "--po", SAMPLES / "purchase_order.csv",
            "--receipt", SAMPLES / "goods_receipt.csv", option, value)
    assert r.exit_code == 2 and "must be a fraction from 0 to 1" in r.output


@pytest.mark.parametrize("option", ["--price-tolerance", "--quantity-tolerance"])
def test_a_tolerance_padded_with_zeros_is_read_and_one_with_a_digit_too_many_refused(option):
    args = ("match", SAMPLES / "einvoice.xml", "--po", SAMPLES / "purchase_order.csv",
            "--receipt", SAMPLES / "goods_receipt.csv", option)
    assert run(*args, "0.010000000000000000000000").exit_code == 0
    refused = run(*args, "0.010000000000000000000001")
    assert refused.exit_code == 2 and "more than 20 decimal places" in refused.output


# --- scans ---------------------------------------------------------------------

def test_min_confidence_refuses_nan():
    r = run("read", SAMPLES / "einvoice.pdf", "--min-confidence", "nan")
    assert r.exit_code == 2 and "must be a fraction from 0 to 1" in r.output


@pytest.mark.parametrize("name", ["einvoice.xml", "einvoice.json"])
def test_an_xml_or_json_invoice_handed_to_read_is_pointed_to_verify(name):
    r = run("read", SAMPLES / name)
    assert r.exit_code == 2 and "recfin invoice verify" in one_error_line(r)


def test_a_damaged_pdf_is_one_line_without_pypdf_chatter(tmp_path):
    # a real process: under pytest the root logger has handlers, which would hide pypdf's stray warnings
    path = tmp_path / "scan.pdf"
    path.write_bytes(b"%PDF-1.4\ngarbage")
    res = subprocess.run([str(Path(sys.executable).parent / "recfin"), "invoice", "read", str(path)],
                         capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert res.returncode == 2 and res.stdout == ""
    [message] = res.stderr.splitlines()
    assert message.startswith(f"Error: {path}: not a readable PDF")


def test_an_integer_beyond_pythons_digit_limit_is_malformed_not_a_crash(tmp_path):
    huge = "1" + "0" * sys.get_int_max_str_digits()  # one digit more than Python turns into an int
    text = json.dumps(invoice_to_json(invoice())).replace('"2100.00"', huge, 1)
    with pytest.raises(MalformedInput, match="more than .* digits"):
        parse_invoice(text.encode(), source="inv.json")
    path = tmp_path / "inv.json"
    path.write_text(text)
    r = run("verify", path, "--today", "2026-09-10")
    assert r.exit_code == 2 and "more than" in one_error_line(r)
    with pytest.raises(MalformedInput, match="more than .* digits"):
        read_purchase_order(write(tmp_path, "po.json", f'{{"number": "PO-1", "lines": [{{"item_name": "a", '
                                                        f'"quantity": {huge}, "unit_price": 1}}]}}'))


@pytest.mark.parametrize("amount", ["300.0000000000000000000000000001", "300.000000000000000000000000000000001",
                                    "1E-30", "10.005"])
def test_a_fraction_of_a_fen_beyond_decimal_precision_is_refused_not_rounded(amount):
    from client.money import to_fen

    with pytest.raises(ValueError, match="fractions of a fen"):
        to_fen(Decimal(amount))
    doc = invoice_to_json(invoice())
    doc["lines"][0]["amount"] = amount
    with pytest.raises(MalformedInput, match="more than two decimal places") as err:
        parse_invoice(json.dumps(doc).encode())
    assert err.value.field == "lines[0]/amount"


@pytest.mark.parametrize("args", [("--max-age-days", "800000"), ("--max-age-days", "99999999999"),
                                  ("--today", "0001-01-02")])
def test_a_reference_date_or_age_reaching_before_year_one_is_no_crash(args):
    r = run("verify", SAMPLES / "einvoice.xml", *args)
    assert r.exit_code in (0, 1) and "date.plausible" in r.output and "Traceback" not in r.output
    ancient = check_invoice(invoice(), CheckOptions(today=date(1, 1, 2)))
    assert ancient.finding("date.plausible").status == "fail"  # issued after that "today"
    ages = check_invoice(invoice(), CheckOptions(today=date(2026, 11, 30), max_age_days=10**12))
    assert ages.finding("date.plausible").status == "pass"


@pytest.mark.parametrize("declaration", ['encoding = "GBK"', "encoding= 'gbk'", 'encoding\t=\t"GB2312"'])
def test_an_xml_declaration_with_spaces_around_the_equals_sign_names_the_encoding(declaration):
    xml = einvoice_xml(invoice()).replace('encoding="UTF-8"', declaration)
    assert declaration in xml
    assert parse_invoice(xml.encode("gbk")).seller.name == invoice().seller.name
