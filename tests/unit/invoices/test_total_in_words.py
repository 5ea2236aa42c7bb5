"""The total with tax in words (价税合计（大写）) against the total in figures, where an invoice file gives the words:
the XML's ``BasicInformation/TotalTax-includedAmountInChinese``, its JSON twin's, recfin JSON's ``total_in_words``.
An invoice prints the total both ways so that neither can be altered alone; the readers did not read the words, and
an XML invoice whose figures were altered (or whose words say another amount) passed every check. The finding
``totals.in_words`` now says whether they agree, and a registration is refused where they do not."""

from __future__ import annotations

import json

import pytest

from client.invoices import ChecksFailed, check_invoice, evidence_hash, invoice_to_json, parse_invoice

from ._review import registration
from ._samples import einvoice_xml, invoice, line
from .test_cli import run
from .test_einvoice_forms import twin
from .test_red_letter_names_its_original import red_letter


def sold_for(price: str):
    """An invoice of one exempt-rate line (no tax), so that its total with tax is ``price``."""
    return invoice(lines=(line("*现代服务*咨询服务费", "1", price, "0"),))


def words_finding(inv, words: str):
    return check_invoice(parse_invoice(einvoice_xml(inv, words=words).encode())).finding("totals.in_words")


@pytest.mark.parametrize("price, words", [
    ("11300.00", "壹万壹仟叁佰圆整"), ("11300.00", "壹万壹仟叁佰元整"), ("11300.00", "壹万壹仟叁佰元正"),
    ("1680.32", "壹仟陆佰捌拾元零叁角贰分"), ("1680.32", "壹仟陆佰捌拾圆叁角贰分"),      # 角 and 分
    ("0.50", "伍角整"), ("10050.05", "壹万零伍拾圆零伍分"),                                # zeros inside
    ("105000000.00", "壹亿零伍佰万圆整"), ("123456789.01", "壹亿贰仟叁佰肆拾伍万陆仟柒佰捌拾玖圆零壹分"),
    ("2303.00", "人民币贰仟叁佰零叁圆整"), ("2303.00", "ⓧ贰仟叁佰零叁圆整"),
])
def test_words_saying_the_total_pass(price, words):
    inv = sold_for(price)
    finding = words_finding(inv, words)
    assert finding.status == "pass", finding
    assert finding.details == {"words": words, "words_fen": inv.total_with_tax_fen, "total_fen": inv.total_with_tax_fen}
    assert price in finding.message


@pytest.mark.parametrize("words", ["（负数）贰仟叁佰零叁圆整", "(负数)贰仟叁佰零叁圆整", "负贰仟叁佰零叁圆整"])
def test_a_red_letter_invoice_says_its_negative_total_in_words(words):
    assert words_finding(red_letter(), words).status == "pass"


def test_words_that_say_another_amount_fail_naming_both():
    finding = words_finding(sold_for("1300.00"), "壹万壹仟叁佰圆整")   # an altered figure: 11300 made 1300
    assert finding.status == "fail"
    assert finding.message.startswith("the total in words 壹万壹仟叁佰圆整 says 11300.00, but the total with tax in "
                                      "figures is 1300.00: one of them was altered or mistyped")
    assert finding.details["words_fen"] == 1130000 and finding.details["total_fen"] == 130000


def test_words_without_the_minus_sign_of_a_red_letter_total_fail():
    finding = words_finding(red_letter(), "贰仟叁佰零叁圆整")
    assert finding.status == "fail" and "says 2303.00, but the total with tax in figures is -2303.00" in finding.message


@pytest.mark.parametrize("words", ["壹仟伍圆整", "贰仟叁佰零叁", "2303.00", "贰仟叁佰零叁圆整整", "负"])
def test_words_that_are_no_amount_fail_saying_so(words):
    finding = words_finding(invoice(), words)
    assert finding.status == "fail", finding
    assert finding.message.startswith("the total in words cannot be read as an amount: ")
    assert "does not confirm the total with tax 2303.00" in finding.message
    assert "words_fen" not in finding.details and finding.details["words"] == words


def test_no_words_given_no_finding():
    report = check_invoice(parse_invoice(einvoice_xml(invoice()).encode()))
    assert report.of("totals.in_words") == () and report.ok
    assert parse_invoice(einvoice_xml(invoice()).encode()).total_in_words is None


def test_the_json_twin_of_the_xml_is_checked_alike():
    doc = twin(invoice())
    doc["EInvoice"]["EInvoiceData"]["BasicInformation"]["TotalTax-includedAmountInChinese"] = "贰仟叁佰圆整"
    finding = check_invoice(parse_invoice(json.dumps(doc, ensure_ascii=False).encode())).finding("totals.in_words")
    assert finding.status == "fail" and "says 2300.00, but the total with tax in figures is 2303.00" in finding.message


def test_recfin_json_carries_the_words_and_is_checked_alike():
    read = parse_invoice(einvoice_xml(invoice(), words="贰仟叁佰零叁圆整").encode())
    doc = invoice_to_json(read)
    assert doc["total_in_words"] == "贰仟叁佰零叁圆整"
    assert parse_invoice(json.dumps(doc, ensure_ascii=False).encode()).total_in_words == "贰仟叁佰零叁圆整"
    doc["total_with_tax"] = "2330.00"
    finding = check_invoice(parse_invoice(json.dumps(doc, ensure_ascii=False).encode())).finding("totals.in_words")
    assert finding.status == "fail" and "says 2303.00, but the total with tax in figures is 2330.00" in finding.message
    # an invoice without words is written as before
    assert "total_in_words" not in invoice_to_json(invoice())


def test_a_registration_refuses_words_that_disagree(sample_documents):
    altered = parse_invoice(einvoice_xml(invoice(), words="贰仟叁佰零捌圆整").encode())
    with pytest.raises(ChecksFailed, match="totals.in_words"):
        registration(altered, sample_documents)
    agreeing = parse_invoice(einvoice_xml(invoice(), words="贰仟叁佰零叁圆整").encode())
    assert registration(agreeing, sample_documents).face_amount == 230300


def test_the_words_leave_the_evidence_hash_as_it_was(sample_documents):
    po, gr = sample_documents
    with_words = parse_invoice(einvoice_xml(invoice(), words="贰仟叁佰零叁圆整").encode())
    without = parse_invoice(einvoice_xml(invoice()).encode())
    assert evidence_hash(with_words, po, gr) == evidence_hash(without, po, gr)



def test_verify_fails_an_xml_invoice_whose_words_disagree(tmp_path):
    path = tmp_path / "altered.xml"
    path.write_text(einvoice_xml(invoice(), words="贰仟叁佰零捌圆整"), encoding="utf-8")
    r = run("verify", path, "--today", "2026-09-10")
    assert r.exit_code == 1, r.output
    assert "FAIL  totals.in_words" in r.output and "says 2308.00, but the total with tax in figures is 2303.00" in \
        r.output
