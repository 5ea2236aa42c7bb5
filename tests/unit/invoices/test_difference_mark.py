"""An invoice is taxed on the difference (差额征税) only where it marks itself so: its remark or a header label begins
with 差额征税 (or 差额开票). Wording that merely mentions it marks nothing, and a registration needs every line's tax
checked: a line.tax skipped for want of a deduction stops it."""
import json
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
from client.invoices._lines import TextLine
from client.invoices._reading import difference_tax
from client.invoices.register import tax_left_unchecked
from client.invoices.scan import extract_fields

from ._samples import einvoice_xml
from .test_bad_input import one_error_line
from .test_cli import run, write
from .test_einvoice_forms import difference_invoice, line_tax, with_remark
from .test_scan import lines_of

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


@pytest.mark.parametrize("text", ["差额征税：80000.00。项目：派遣", "备注 差额征税：80000.00。", "备 注：差额征税：80000.00。",
                                  "备 差额征税：80000.00。", "注 差额征税：80000.00。"])
def test_a_printed_remark_may_carry_its_label_before_the_mark(text):
    # the PDF and scan reader hand a printed line whole, the label 备注 beside the remark; the label set upright
    # (备 above 注) leaves half of it on the remark's line
    assert difference_tax([text]) == (True, 8000000)


@pytest.mark.parametrize("text", ["本发票不属于差额征税：80000.00。", "销售方：差额征税：80000.00。",
                                  "备 本发票不属于差额征税：80000.00。", "注：差额征税：否",
                                  # "Note:", not half the label (printed upright, without a colon)
                                  "注：差额征税项目须另行开具发票", "注：差额征税：80000.00。", "备:差额征税：80000.00。"])
def test_a_deduction_in_text_that_does_not_begin_with_the_mark_is_not_read(text):
    assert difference_tax([text]) == (False, None)


def text_line(*cells: str) -> TextLine:
    """A line as the scan reader hands it, its cells apart by a gap, each read with confidence 0.95."""
    line = TextLine()
    for i, text in enumerate(cells):
        line.add(text, 0.95, gap=i > 0)
    return line


@pytest.mark.parametrize("remark_lines", [[("备注", "差额征税：80000.00。")],
                                          [("备", "差额征税：80000.00。"), ("注",)],
                                          [("备",), ("注", "差额征税：80000.00。")]],
                         ids=["label-whole", "label-upright-mark-beside-备", "label-upright-mark-beside-注"])
def test_a_scan_whose_remark_label_is_set_upright_is_read_taxed_on_the_difference(remark_lines):
    inv = difference_invoice()
    fields, read, _ = extract_fields(lines_of(inv) + [text_line(*cells) for cells in remark_lines], 0.8)
    assert not [name for name, f in fields.items() if f.flagged]
    assert read.taxed_on_difference and read.lines[0].deduction_fen == 8000000
    assert check_invoice(read).finding("line.tax").status == "pass"


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
    # stored as a failure, the finding is under unchecked already: tax_left_unchecked reads check_invoice's findings
    assert refused.value.unchecked == (finding,) and not tax_left_unchecked(inv, finding)
    assert tax_left_unchecked(inv, check_invoice(inv).finding("line.tax"))
    # with the deduction given the tax is checked, and the invoice registers
    given = parse_invoice(with_remark(difference_invoice(), "差额征税：80000.00。"))
    assert registration_from_match(given, po, gr, match_invoice(given, po, gr), DUE).face_amount == 10000000


def test_an_understated_tax_under_a_negated_remark_does_not_register(tmp_path):
    po, gr = dispatch_documents(tmp_path)
    inv = parse_invoice(with_remark(difference_invoice(), "本发票不属于差额征税"))
    with pytest.raises(ChecksFailed, match="line.tax: line 1: 99047.62 x 0.05 = 4952.38, but the tax is 952.38"):
        registration_from_match(inv, po, gr, match_invoice(inv, po, gr), DUE)



def write_dispatch(tmp_path, inv, remark):
    """The invoice (with the remark) and DISPATCH's order and receipt as files, and register's options for them."""
    path = tmp_path / "inv.xml"
    path.write_bytes(with_remark(inv, remark))
    po = write(tmp_path, "po.csv", "po_number,item_name,quantity,unit_price\nPO-9,劳务派遣服务,1,99047.62\n")
    gr = write(tmp_path, "gr.csv", "receipt_number,po_number,item_name,quantity\nGR-9,PO-9,劳务派遣服务,1\n")
    return path, ["--po", po, "--receipt", gr, "--due", "2026-12-01", "--as", "supplier/supplier1"]


def test_verify_passes_an_unchecked_line_tax_saying_a_registration_refuses_it(tmp_path):
    path, _ = write_dispatch(tmp_path, difference_invoice(), "差额征税-差额开票")
    r = run("verify", path, "--today", "2026-09-10")
    assert r.exit_code == 0 and "PASSED" in r.output
    (skipped,) = [l for l in r.output.splitlines() if "line.tax" in l]
    assert skipped.lstrip().startswith("SKIP") and "cannot be checked" in skipped
    assert skipped.endswith("; recfin invoice register refuses the invoice until this tax can be checked")
    # a tax checked, with the deduction given, says nothing of the kind
    given, _ = write_dispatch(tmp_path, difference_invoice(), "差额征税：80000.00。")
    assert "recfin invoice register refuses" not in run("verify", given, "--today", "2026-09-10").output


def test_verify_json_marks_an_unchecked_line_tax_as_refused_by_a_registration(tmp_path):
    """As the text line says it: a PASSED verify --json is not to be taken for a registrable invoice."""
    path, _ = write_dispatch(tmp_path, difference_invoice(), "差额征税-差额开票")
    r = run("verify", path, "--today", "2026-09-10", "--json")
    doc = json.loads(r.output)
    assert r.exit_code == 0 and doc["result"] == "pass"
    (skipped,) = [f for f in doc["findings"] if f["check"] == "line.tax"]
    assert skipped["status"] == "skipped" and skipped["registration"] == "refused"
    assert skipped["registration_reason"] == ("a receivable needs every line's tax checked: recfin invoice register "
                                              "refuses the invoice until this tax can be checked")
    assert [f for f in doc["findings"] if "registration" in f] == [skipped]
    # a tax checked, with the deduction given, says nothing of the kind
    given, _ = write_dispatch(tmp_path, difference_invoice(), "差额征税：80000.00。")
    doc = json.loads(run("verify", given, "--today", "2026-09-10", "--json").output)
    assert not [f for f in doc["findings"] if "registration" in f or "registration_reason" in f]


def test_verify_help_says_the_json_of_an_unchecked_line_tax_marks_the_refusal():
    text = " ".join(run("verify", "--help").output.split())
    assert ('recfin invoice register refuses it, as the skipped line says (with --json, its finding has '
            '"registration": "refused" and why in "registration_reason")') in text


def test_register_refusing_only_an_unchecked_line_tax_says_verify_lists_it_as_skipped(tmp_path):
    path, options = write_dispatch(tmp_path, difference_invoice(), "差额征税-差额开票")
    r = run("register", path, *options)
    line = one_error_line(r)
    assert r.exit_code == 1 and "line.tax: line 1:" in line and "see recfin invoice verify" not in line
    assert line.endswith("(recfin invoice verify lists the tax of line 1 as skipped, not failed, and may pass the "
                         "invoice: it reports what it could check, while a registration needs every line's tax "
                         "checked)")


def test_register_refusing_a_failed_check_as_well_points_to_verify(tmp_path):
    inv = difference_invoice()
    off = inv.model_copy(update={"total_amount_fen": inv.total_amount_fen + 100})
    path, options = write_dispatch(tmp_path, off, "差额征税-差额开票")
    line = one_error_line(run("register", path, *options))
    assert "totals.amount:" in line and "line.tax: line 1:" in line
    assert line.endswith("(see recfin invoice verify)")


def test_register_help_says_an_unchecked_line_tax_is_refused_though_verify_skips_it():
    text = " ".join(run("register", "--help").output.split())
    assert ("A line whose tax they cannot check is refused too, though verify lists it as skipped and may pass the "
            "invoice: a line of an invoice taxed on the difference (差额征税) that gives no deduction (扣除额)") in text
