"""Files that are invoices, exports or scans in name only: each refused with one line naming the file and what to do,
never a traceback, never a value read from what is no value."""
import io
import json
from pathlib import Path

import pytest

from cli.invoice_commands import invoice as invoice_group
from client.invoices import MalformedInput, match_invoice, parse_invoice
from client.invoices import _ocr, matching
from client.invoices.matching import read_goods_receipt, read_purchase_order
from client.invoices.parse import invoice_to_json

from ..cli_errors import error_line, invoke
from ._samples import invoice, line

SAMPLES = Path(__file__).parents[3] / "client" / "invoices" / "reference_data" / "samples"


@pytest.mark.parametrize("encoding,problem", [
    ("punycode", 'encoding="punycode" is not an encoding of text'),
    ("undefined", 'encoding="undefined" is not an encoding of text'),
])
def test_an_xml_declaring_a_codec_no_text_is_in_is_refused(tmp_path, encoding, problem):
    path = tmp_path / "invoice.xml"
    path.write_text(f'<?xml version="1.0" encoding="{encoding}"?>\n<EInvoice><a>1</a></EInvoice>\n')
    with pytest.raises(MalformedInput, match=problem):
        parse_invoice(path.read_bytes(), source="invoice.xml")
    r = invoke(invoice_group, "verify", path)
    assert r.exit_code == 2 and error_line(r) == (
        f"Error: {path}: {problem}: save the file as UTF-8, or name its encoding in the XML declaration "
        '(e.g. encoding="GBK")')


def _pdf_encrypted_for_certificates(path: Path) -> Path:
    from pypdf import PdfWriter
    from pypdf.generic import NameObject
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt("any")
    # what a PDF encrypted to its readers' certificates says its handler is, in place of the password one
    writer._encrypt_entry[NameObject("/Filter")] = NameObject("/Adobe.PubSec")
    buffer = io.BytesIO()
    writer.write(buffer)
    path.write_bytes(buffer.getvalue())
    return path


@pytest.mark.parametrize("each", [[], ["--each"]])
def test_a_pdf_encrypted_with_another_security_handler_is_refused(tmp_path, each):
    path = _pdf_encrypted_for_certificates(tmp_path / "invoice.pdf")
    r = invoke(invoice_group, "read", path, *each)
    assert r.exit_code == 2 and error_line(r) == (
        f"Error: {path}: encrypted with a security handler other than the standard password one: ask the sender "
        "for the invoice unencrypted or as XML")


def _receipt_with(tmp_path, where: tuple, value) -> Path:
    """The sample goods receipt JSON with ``value`` put at the place ``where`` names, written to a file."""
    doc = json.loads((SAMPLES / "goods_receipt.json").read_text(encoding="utf-8"))
    holder = doc
    for key in where[:-1]:
        holder = holder[key]
    holder[where[-1]] = value
    path = tmp_path / "gr.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("where,value,shown", [
    (("receipt_number",), {"id": "GR-1"}, 'receipt_number: an object ({"id": "GR-1"})'),
    (("lines", 0, "line"), True, "lines[0]: line: a boolean (true)"),
    (("lines", 0, "item_name"), ["贴片电容"], 'lines[0]: item_name: a list (["贴片电容"])'),
    (("lines", 0, "unit"), {"name": "个"}, 'lines[0]: unit: an object ({"name": "个"})'),
])
def test_an_export_value_that_is_an_object_a_list_or_a_boolean_is_refused(tmp_path, where, value, shown):
    path = _receipt_with(tmp_path, where, value)
    with pytest.raises(MalformedInput) as refused:
        read_goods_receipt(path)
    assert str(refused.value) == f"{path}: {shown}, not a value (text or a number): write the value alone"
    r = invoke(invoice_group, "match", SAMPLES / "einvoice.xml", "--po", SAMPLES / "purchase_order.csv",
               "--receipt", path)
    assert r.exit_code == 2 and shown in error_line(r)


@pytest.mark.parametrize("where,value", [
    (("lines", 0, "description"), {"en": "chip capacitor"}),   # beside the item_name read first
    (("unit",), {"name": "采购部"}),                             # the document's: only its numbers are read
    (("description",), ["a", "b"]),
    (("lines", 0, "number"), {"id": 1}),                        # a document's key, not read on a line
])
def test_an_export_key_the_reader_does_not_read_may_hold_an_object_or_a_list(tmp_path, where, value):
    path = _receipt_with(tmp_path, where, value)
    assert read_goods_receipt(path).lines


@pytest.mark.filterwarnings("ignore:Corrupt EXIF data")   # Pillow's, on the TIFF's cut-short header
@pytest.mark.parametrize("name,data", [("scan.png", b"\x89PNG\r\n\x1a\nbroken"), ("scan.tif", b"II*\x00broken")])
def test_an_image_pillow_cannot_identify_is_named_by_its_file(name, data):
    with pytest.raises(MalformedInput) as refused:
        _ocr.load_pages(data, name)
    assert str(refused.value) == (f"{name}: cannot decode the image: cannot identify image file '{name}'; the file "
                                  "is damaged or cut short: check it, or scan or download the invoice again")


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_an_image_cut_short_says_what_to_do():
    # Pillow's words alone: "cannot decode the image: Truncated File Read"
    import io

    from PIL import Image

    whole = io.BytesIO()
    Image.new("RGB", (200, 200), (255, 255, 255)).save(whole, "JPEG")
    with pytest.raises(MalformedInput) as refused:
        _ocr.load_pages(whole.getvalue()[:300], "scan.jpg")
    assert str(refused.value) == ("scan.jpg: cannot decode the image: Truncated File Read; the file is damaged or cut "
                                  "short: check it, or scan or download the invoice again")


def test_many_invoice_lines_of_one_item_match_with_their_receipt_lines_gathered_once(tmp_path, monkeypatch):
    """One item on 40 invoice lines, 40 PO lines and 40 receipt lines: the receipt lines the item's group shares are
    gathered once for the group, not once per invoice line (each of which compared every line with every other)."""
    n = 40
    inv = invoice(lines=(line("*电子元件*贴片电容", "200", "1.50", "0.13", unit="个", spec="0805"),) * n)
    doc = invoice_to_json(inv)
    doc.update(total_amount=f"{300 * n}.00", total_tax=f"{39 * n}.00", total_with_tax=f"{339 * n}.00")
    po = tmp_path / "po.csv"
    po.write_text("po_number,line,item_code,item_name,quantity,unit_price\n"
                  + "".join(f"PO-1,{i},C0805,贴片电容,200,1.50\n" for i in range(1, n + 1)), encoding="utf-8")
    gr = tmp_path / "gr.csv"
    gr.write_text("receipt_number,po_number,line,item_code,item_name,quantity\n"
                  + "".join(f"GR-1,PO-1,{i},C0805,贴片电容,200\n" for i in range(1, n + 1)), encoding="utf-8")
    calls = []
    gathered = matching._lines_of
    monkeypatch.setattr(matching, "_lines_of", lambda *args: calls.append(1) or gathered(*args))
    result = match_invoice(parse_invoice(json.dumps(doc, ensure_ascii=False).encode()), read_purchase_order(po),
                           read_goods_receipt(gr))
    assert result.status == "matched" and len(calls) == 1
    every = tuple(str(i) for i in range(1, n + 1))
    assert [(m.status, m.po_lines, m.receipt_lines) for m in result.lines] == [("matched", every, every)] * n
