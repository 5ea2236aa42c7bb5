"""A scan's flagged fields travel with the invoice read (never trusted unseen); a registration matches again the
documents it is given; an e-invoice with two invoice numbers that differ is refused; a scanned spec with a Chinese
character among Latin letters or digits is flagged."""

import json
from decimal import Decimal
from pathlib import Path

import pytest

from client.invoices import (
    ChecksFailed,
    MalformedInput,
    NotMatched,
    NotReviewed,
    Tolerances,
    UnreviewedField,
    evidence_hash,
    invoice_to_json,
    match_invoice,
    parse_invoice,
    read_scan,
    registration_from_match,
)
from client.invoices.matching import GoodsReceipt
from client.invoices.scan import extract_fields

from . import _render
from ._review import DUE, SAMPLES, file_refused, registration
from ._samples import BUYER, SELLER, einvoice_xml, invoice, line
from ._tesseract import needs_tesseract
from .test_cli import run
from .test_scan import lines_of
from .test_scan_layouts import PERSON, needs_font

FLAGS = (UnreviewedField(field="lines[1].name", reason="low confidence 0.561 < 0.800"),)


def _person_pdf(tmp_path) -> Path:
    """A text-layer PDF whose reading flags one field (a natural person buying has no tax id) yet has an invoice."""
    pytest.importorskip("fpdf", reason="fpdf2 (test dependency) renders the text-layer PDF")
    return _render.save_text_pdf(invoice(buyer=PERSON), tmp_path / "inv.pdf")


# ------------------------------------------------------------------ flagged fields go with the invoice

@needs_font
def test_a_reading_with_flags_gives_an_invoice_carrying_them(tmp_path):
    result = read_scan(_person_pdf(tmp_path))
    assert result.flagged == ["buyer.tax_id"] and result.invoice is not None
    assert [(u.field, u.reason) for u in result.invoice.unreviewed] == [
        ("buyer.tax_id", result.fields["buyer.tax_id"].reason)]
    # a reading with nothing flagged carries none
    pytest.importorskip("fpdf")
    clean = read_scan(_render.save_text_pdf(invoice(), tmp_path / "clean.pdf"))
    assert clean.ok and clean.invoice.unreviewed == ()


def test_an_invoice_file_listing_unreviewed_fields_is_refused_naming_them():
    doc = invoice_to_json(invoice().model_copy(update={"unreviewed": FLAGS}))
    assert list(doc)[:2] == ["format", "unreviewed"]
    assert doc["unreviewed"] == [{"field": "lines[1].name", "reason": "low confidence 0.561 < 0.800"}]
    refused = file_refused(doc)
    assert refused.field == "unreviewed"
    assert "lines[1].name (low confidence 0.561 < 0.800)" in refused.problem
    assert 'check them against the scan, correct the values in this file, then delete the "unreviewed" entry' in \
        refused.problem
    # once the entry is deleted (or emptied), the file is read
    del doc["unreviewed"]
    assert invoice_to_json(parse_invoice(json.dumps(doc, ensure_ascii=False).encode())) == doc
    assert invoice_to_json(parse_invoice(json.dumps({**doc, "unreviewed": []}, ensure_ascii=False).encode())) == doc
    assert "not a list of flagged fields" in file_refused({**doc, "unreviewed": "lines[1].name"}).problem


def test_an_invoice_with_unreviewed_fields_registers_only_once_said_reviewed(sample_documents):
    po, gr = sample_documents
    flagged = invoice().model_copy(update={"unreviewed": FLAGS})
    with pytest.raises(NotReviewed, match=r"lines\[1\]\.name \(low confidence 0.561 < 0.800\)"):
        registration(flagged, sample_documents)
    reg = registration(flagged, sample_documents, reviewed=True)
    # the evidence hash is of the invoice, not of the list of what was flagged on it
    assert reg.contract_hash == evidence_hash(invoice(), po, gr) == evidence_hash(flagged, po, gr)


@needs_font
def test_a_scanned_invoice_with_flags_reaches_its_checks_only_once_reviewed(tmp_path, sample_documents):
    inv = read_scan(_person_pdf(tmp_path)).invoice
    with pytest.raises(NotReviewed, match="buyer.tax_id"):
        registration(inv, sample_documents)
    with pytest.raises(ChecksFailed, match="buyer.tax_id"):
        registration(inv, sample_documents, reviewed=True)


@needs_font
def test_read_invoice_out_lists_flagged_fields_and_verify_match_register_refuse_the_file(tmp_path):
    out = tmp_path / "invoice.json"
    r = run("read", _person_pdf(tmp_path), "--invoice-out", out)
    assert r.exit_code == 1 and 'flagged field(s) under "unreviewed"' in r.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert [u["field"] for u in doc["unreviewed"]] == ["buyer.tax_id"]
    po, gr = SAMPLES / "purchase_order.csv", SAMPLES / "goods_receipt.csv"
    for args in (("verify", out, "--today", "2026-09-10"), ("match", out, "--po", po, "--receipt", gr),
                 ("register", out, "--po", po, "--receipt", gr, "--due", "2026-12-01", "--as", "supplier/supplier1")):
        refused = run(*args)
        assert refused.exit_code == 2, (args, refused.output)
        assert "unreviewed: 1 field(s) flagged" in refused.output and "buyer.tax_id" in refused.output
        assert 'delete the "unreviewed" entry' in refused.output
    # checked against the paper, corrected and the entry deleted: the file goes on
    del doc["unreviewed"]
    doc["buyer"]["tax_id"] = BUYER.tax_id
    out.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    checked = run("verify", out, "--today", "2026-09-10", "--supplier", SELLER.tax_id)
    assert checked.exit_code == 0, checked.output


# ------------------------------------------------------------------ a registration matches again

def test_a_match_computed_on_other_documents_backs_no_registration(sample_documents):
    po, gr = sample_documents
    inv = invoice()
    matched = match_invoice(inv, po, gr)
    assert matched.ok
    # the same receipt number, re-exported: only 50 of the 200 capacitors were received
    short = GoodsReceipt(number=gr.number, po_number=gr.po_number,
                         lines=(gr.lines[0].model_copy(update={"quantity": Decimal(50)}), *gr.lines[1:]))
    assert match_invoice(inv, po, short).status == "partial"
    with pytest.raises(NotMatched, match=f"partial against PO {po.number} / receipt {gr.number} as given here"):
        registration_from_match(inv, po, short, matched, DUE)
    assert registration_from_match(inv, po, gr, matched, DUE).face_amount == inv.total_with_tax_fen


def test_the_match_is_computed_again_with_the_tolerances_given(sample_documents):
    po, gr = sample_documents
    dearer = invoice(lines=(line("*电子元件*贴片电容", "200", "1.51", "0.13", unit="个", spec="0805"),
                            line("*金属制品*不锈钢螺栓", "1000", "0.80", "0.13", unit="个", spec="M6"),
                            line("*信息技术服务*软件维护服务费", "1", "1000.00", "0.06", unit="项")))
    wider = Tolerances(price_rel=Decimal("0.01"), total_fen=300)
    result = match_invoice(dearer, po, gr, wider)
    assert result.ok and not match_invoice(dearer, po, gr).ok
    with pytest.raises(NotMatched):   # the defaults, as `recfin invoice register` uses
        registration_from_match(dearer, po, gr, result, DUE)
    assert registration_from_match(dearer, po, gr, result, DUE, tolerances=wider).face_amount == \
        dearer.total_with_tax_fen


# ------------------------------------------------------------------ two invoice numbers

def test_an_einvoice_whose_eiid_and_invoice_number_differ_is_refused_naming_both():
    xml = einvoice_xml(invoice())
    assert "<EIid>26442000000012345678</EIid>" in xml
    with pytest.raises(MalformedInput) as refused:
        parse_invoice(xml.replace("<EIid>26442000000012345678</EIid>", "<EIid>26442000000099999999</EIid>").encode())
    assert refused.value.field == "EInvoice/TaxSupervisionInfo/InvoiceNumber"
    assert refused.value.problem.startswith("'26442000000012345678', but EInvoice/Header/EIid is "
                                            "'26442000000099999999': two invoice numbers that differ")
    # the same number in both, or either alone, is read
    assert parse_invoice(xml.encode()).number == "26442000000012345678"
    alone = xml.replace("<EIid>26442000000012345678</EIid>", "")
    assert parse_invoice(alone.encode()).number == "26442000000012345678"


# ------------------------------------------------------------------ a spec misread by OCR

def test_a_text_layer_spec_mixing_chinese_and_digits_is_exact_and_not_flagged():
    inv = invoice(lines=(line("*金属制品*不锈钢管", "3", "99.99", "0.13", unit="根", spec="中25"),))
    fields, got, _ = extract_fields(lines_of(inv), 0.8)
    assert not fields["lines[0].spec"].flagged and got.lines[0].spec == "中25"


@needs_font
@needs_tesseract
def test_a_scanned_spec_with_a_chinese_character_among_digits_is_flagged(tmp_path):
    inv = invoice(lines=(line("*电子元件*贴片电容", "200", "1.50", "0.13", unit="个", spec="0805"),
                         line("*金属制品*不锈钢管", "3", "99.99", "0.13", unit="根", spec="中25")))
    # a misread such as "Φ25" read as "中25" comes out like this spec rendered as it is: the rule flags what was
    # read, whatever the scan showed, so the test renders the reading itself rather than hoping for a misread
    result = read_scan(_render.save_png(inv, tmp_path / "spec.png"))
    spec = result.fields["lines[1].spec"]
    assert spec.flagged and "a Chinese character beside Latin letters or digits" in spec.reason, spec
    assert "spec" in result.fields["lines[1]"].reason and not result.ok
    assert not result.fields["lines[0].spec"].flagged   # 0805 is Latin digits only


def test_the_spec_rule_takes_white_space_between_and_leaves_ascii_misreads_to_the_docs():
    from client.invoices.scan import _CJK_AMONG_LATIN

    for read in ("中25", "中 25", "25 中", "M8中"):
        assert _CJK_AMONG_LATIN.search(read), read
    for read in ("M8x30", "+0.5", "0805", "不锈钢", "中 ", "- 中"):
        assert not _CJK_AMONG_LATIN.search(read), read
