"""An invoice registers under one spelling only, and a goods receipt under its own PO only.

- a fully digitalised invoice's 20-digit number opens with its issue year's last two digits, so an invoice with a
  code cannot come back as a "fully digitalised" one (code and number run together, or the number padded to 20);
- a legacy record's number with zeros added takes them off again, however many, while the ledger is upgraded;
- a code with spaces around it, which the contract refuses, fails the client's checks too;
- an invoice without a seller tax id has no fingerprint: the duplicate check says so instead of raising;
- a goods receipt that names no PO backs no registration (it would match, and key a claim, under any PO);
- a delivery part whose receipt is worth more than the ledger takes is bad input, not a traceback.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner

from chaincode.receivables.fingerprint import current_spelling, identity_problem
from cli.invoice_commands import invoice as invoice_group
from client.invoices import invoice_to_json, match_invoice, registration_from_match
from client.invoices.checks import CheckOptions, InMemoryRegistry, InvoiceUse, check_invoice
from client.invoices.errors import InvoiceError, MalformedInput
from client.invoices.fingerprint import invoice_fingerprint
from client.invoices.matching import read_goods_receipt, read_purchase_order
from client.invoices.register import ChecksFailed

from ._samples import SELLER, invoice
from .test_matching import GR_CSV, PO_CSV, write

CODE, NUMBER = "044031900111", "12345678"          # an invoice with a code: Shenzhen's 4403, an 8-digit number


@pytest.mark.parametrize("number", [CODE + NUMBER, NUMBER.zfill(20)], ids=["run together", "zero-padded"])
def test_an_invoice_with_a_code_has_no_second_spelling_as_a_digitalised_one(number, tmp_path):
    printed = invoice(number=NUMBER).model_copy(update={"code": CODE})
    held = InMemoryRegistry({invoice_fingerprint(printed): InvoiceUse("R-1", live=True)})
    respelled = invoice(number=number)                  # issued 2026-09-01, no code
    assert invoice_fingerprint(respelled) != invoice_fingerprint(printed)
    why = identity_problem("", number, date(2026, 9, 1))
    assert why is not None and "does not start with 26" in why and "8-digit number" in why
    report = check_invoice(respelled, CheckOptions(registry=held))
    assert report.finding("number.code").status == "fail"
    assert "issue year 2026" in report.finding("number.code").message
    with pytest.raises(ChecksFailed, match="number.code"):
        registration_from_match(respelled, *_documents_and_match(respelled, GR_CSV, tmp_path), date(2026, 12, 1))


def test_a_digitalised_number_of_its_issue_year_is_accepted():
    assert identity_problem("", "26442000000012345678", date(2026, 1, 1)) is None
    assert identity_problem("", "25442000000012345678", date(2025, 12, 31)) is None
    assert identity_problem("", "25442000000012345678", date(2026, 1, 1)) is not None
    assert identity_problem(CODE, NUMBER, date(2026, 9, 1)) is None     # an 8-digit number carries no year
    inv = invoice(number="26442000000012345678", issued=date(2026, 9, 1))
    assert check_invoice(inv).finding("number.code").status == "pass"


def test_the_ledger_upgrade_keeps_a_stored_number_of_another_year():
    # registered before the rule: the upgrade neither refuses nor respells it
    assert identity_problem("", NUMBER.zfill(20)) is None
    assert current_spelling("", NUMBER.zfill(20)) == ("", NUMBER.zfill(20))
    assert current_spelling("", CODE + NUMBER) == ("", CODE + NUMBER)


@pytest.mark.parametrize("zeros", [1, 12, 13, 17])
def test_zeros_added_to_an_8_digit_number_with_its_code_are_taken_off(zeros):
    assert current_spelling("3100204130", "0" * zeros + NUMBER) == ("3100204130", NUMBER)


@pytest.mark.parametrize("code", [" 3100204130", "3100204130 ", "3100204130\u3000"])
def test_a_code_with_spaces_around_it_fails_the_checks_as_the_contract_refuses_it(code):
    finding = check_invoice(invoice(number=NUMBER).model_copy(update={"code": code})).finding("number.code")
    assert finding.status == "fail" and "spaces around it" in finding.message
    assert check_invoice(invoice(number=NUMBER).model_copy(update={"code": code.strip()})) \
        .finding("number.code").status == "pass"


def test_an_invoice_without_a_seller_tax_id_is_reported_not_raised():
    inv = invoice().model_copy(update={"seller": SELLER.model_copy(update={"tax_id": ""})})
    report = check_invoice(inv, CheckOptions(registry=InMemoryRegistry()))
    assert report.finding("seller.tax_id").status == "fail"
    duplicate = report.finding("duplicate.ledger")
    assert duplicate.status == "skipped" and "no fingerprint" in duplicate.message


def _documents_and_match(inv, receipt_csv, tmp_path):
    po = read_purchase_order(write(tmp_path, "po.csv", PO_CSV))
    gr = read_goods_receipt(write(tmp_path, "gr.csv", receipt_csv))
    return po, gr, match_invoice(inv, po, gr)


RECEIPT_NAMING_NO_PO = "receipt_number,line,item_code,item_name,quantity\n" + "".join(
    row.replace("GR-1,PO-1,", "GR-1,") + "\n" for row in GR_CSV.splitlines()[1:])


def test_a_receipt_naming_no_po_backs_no_registration(tmp_path):
    inv = invoice()
    po, gr, result = _documents_and_match(inv, RECEIPT_NAMING_NO_PO, tmp_path)
    assert gr.po_number is None and result.ok     # it matches, under this PO as under any other
    with pytest.raises(InvoiceError, match="names no purchase order.*PO column"):
        registration_from_match(inv, po, gr, result, date(2026, 12, 1))
    with pytest.raises(InvoiceError, match="names no purchase order"):
        registration_from_match(inv, po, gr, match_invoice(inv, po, gr, part_of_delivery=True), date(2026, 12, 1),
                                part_of_delivery=True)


def test_a_receipt_naming_its_po_registers_under_it(tmp_path):
    inv = invoice()
    reg = registration_from_match(inv, *_documents_and_match(inv, GR_CSV, tmp_path), date(2026, 12, 1))
    assert [(g.po_number, g.receipt_number) for g in reg.goods_receipts] == [("PO-1", "GR-1")]


HUGE = "1000000000000000"
HUGE_PO = PO_CSV.replace("PO-1,1,C0805,贴片电容,200,1.50", f"PO-1,1,C0805,贴片电容,{HUGE},1.50")
HUGE_GR = GR_CSV.replace("GR-1,PO-1,1,C0805,贴片电容,200", f"GR-1,PO-1,1,C0805,贴片电容,{HUGE}")


def test_a_receipt_worth_more_than_the_ledger_takes_is_bad_input(tmp_path):
    inv = invoice()
    po = read_purchase_order(write(tmp_path, "po.csv", HUGE_PO))
    gr = read_goods_receipt(write(tmp_path, "gr.csv", HUGE_GR))
    with pytest.raises(MalformedInput, match="GR-1.*above the cap"):
        match_invoice(inv, po, gr, part_of_delivery=True)
    invoice_file = write(tmp_path, "invoice.json", json.dumps(invoice_to_json(inv), ensure_ascii=False))
    documents = ["--po", str(tmp_path / "po.csv"), "--receipt", str(tmp_path / "gr.csv"), "--part-of-delivery"]
    for command in (["match"], ["register", "--due", "2026-11-30", "--as", "supplier/supplier1"]):
        result = CliRunner().invoke(invoice_group, [command[0], str(invoice_file), *documents, *command[1:]])
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output and "GR-1" in result.output and "above the cap" in result.output
