"""An invoice is taxed on the difference (差额征税) only where it marks itself so: its remark or a header label begins
with 差额征税 (or 差额开票). Wording that merely mentions it marks nothing, and a registration needs every line's tax
checked: a line.tax skipped for want of a deduction stops it."""
from datetime import date

import pytest

from client.invoices import (
    ChecksFailed,
    check_invoice,
    match_invoice,
    parse_invoice,
    read_goods_receipt,
    read_purchase_order,
    registration_from_match,
)
from client.invoices._reading import difference_tax

from ._samples import einvoice_xml
from .test_cli import write
from .test_einvoice_forms import difference_invoice, line_tax, with_remark

DUE = date(2026, 12, 1)


def dispatch_documents(tmp_path):
    po = read_purchase_order(write(tmp_path, "po.csv", "po_number,item_name,quantity,unit_price\n"
                                                       "PO-9,劳务派遣服务,1,99047.62\n"))
    gr = read_goods_receipt(write(tmp_path, "gr.csv", "receipt_number,po_number,item_name,quantity\n"
                                                      "GR-9,PO-9,劳务派遣服务,1\n"))
    return po, gr


# DISPATCH's tax, 952.38, is (amount - 80000.00) x 5%: without a deduction it is 4000.00 below amount x rate
NOT_A_MARK = ["本发票不属于差额征税", "非差额征税", "不是差额征税开票", "备注：本发票不属于差额征税：80000.00。",
              "差额征税：否", "差额征税：不适用", "差额征税: 无", "项目：派遣，差额征税"]


@pytest.mark.parametrize("remark", NOT_A_MARK)
def test_a_remark_that_merely_mentions_the_difference_marks_nothing_and_the_tax_fails(remark):
    inv = parse_invoice(with_remark(difference_invoice(), remark))
    assert not inv.taxed_on_difference and inv.lines[0].deduction_fen is None
    (finding,) = line_tax(inv)
    assert finding.status == "fail" and "= 4952.38, but the tax is 952.38" in finding.message


def test_text_elsewhere_in_the_file_marks_nothing():
    xml = einvoice_xml(difference_invoice()).replace("<Drawer>张三</Drawer>", "<Drawer>差额征税：80000.00。</Drawer>")
    inv = parse_invoice(xml.encode())
    assert not inv.taxed_on_difference and line_tax(inv)[0].status == "fail"


@pytest.mark.parametrize("remark", ["差额征税-差额开票", " 差额征税：", "差额开票"])
def test_a_remark_beginning_with_the_mark_marks_the_invoice(remark):
    inv = parse_invoice(with_remark(difference_invoice(), remark))
    assert inv.taxed_on_difference and line_tax(inv)[0].status == "skipped"


def test_a_header_label_beginning_with_the_mark_marks_the_invoice():
    label = "<SpecificFactors><LabelCode>06</LabelCode><LabelName>差额征税-全额开票</LabelName></SpecificFactors>"
    xml = einvoice_xml(difference_invoice()).replace("</InherentLabel>", label + "</InherentLabel>")
    assert parse_invoice(xml.encode()).taxed_on_difference


@pytest.mark.parametrize("text", ["差额征税：80000.00。项目：派遣", "备注 差额征税：80000.00。", "备 注：差额征税：80000.00。"])
def test_a_printed_remark_may_carry_its_label_before_the_mark(text):
    # the PDF and scan reader hand a printed line whole, the label 备注 beside the remark
    assert difference_tax([text]) == (True, 8000000)


@pytest.mark.parametrize("text", ["本发票不属于差额征税：80000.00。", "销售方：差额征税：80000.00。"])
def test_a_deduction_in_text_that_does_not_begin_with_the_mark_is_not_read(text):
    assert difference_tax([text]) == (False, None)


def test_a_registration_is_refused_while_a_line_tax_could_not_be_checked(tmp_path):
    po, gr = dispatch_documents(tmp_path)
    inv = parse_invoice(with_remark(difference_invoice(), "差额征税-差额开票"))
    assert check_invoice(inv).ok  # verify lists the line skipped, saying why
    with pytest.raises(ChecksFailed) as refused:
        registration_from_match(inv, po, gr, match_invoice(inv, po, gr), DUE)
    (finding,) = refused.value.failed
    assert finding.check == "line.tax" and finding.status == "fail"
    assert "gives no deduction (扣除额) for this line" in finding.message
    assert "a receivable needs the tax checked: have the invoice give the line's deduction" in finding.message
    # with the deduction given the tax is checked, and the invoice registers
    given = parse_invoice(with_remark(difference_invoice(), "差额征税：80000.00。"))
    assert registration_from_match(given, po, gr, match_invoice(given, po, gr), DUE).face_amount == 10000000


def test_an_understated_tax_under_a_negated_remark_does_not_register(tmp_path):
    po, gr = dispatch_documents(tmp_path)
    inv = parse_invoice(with_remark(difference_invoice(), "本发票不属于差额征税"))
    with pytest.raises(ChecksFailed, match="line.tax: line 1: 99047.62 x 0.05 = 4952.38, but the tax is 952.38"):
        registration_from_match(inv, po, gr, match_invoice(inv, po, gr), DUE)

