"""verify --ledger on a red-letter invoice asked the ledger only about the red-letter invoice itself, never about
the invoice it offsets: a bank could not tell that a claim it finances stands on an invoice that has been taken
back. The ledger is now asked about the original too (its fingerprint, and its other spelling's), and
``offsets.ledger`` says which receivable it backs, live or settled, or that it backs none."""

import json

from click.testing import CliRunner

from cli.invoice_commands import invoice as invoice_group
from client.invoices import CheckOptions, InMemoryRegistry, InvoiceUse, check_invoice
from client.invoices.fingerprint import fingerprint_of

from ._samples import einvoice_xml, invoice
from .test_cli import _fake_ledger
from .test_red_letter_names_its_original import BLUE_NUMBER, red_letter, with_remark

ORIGINAL_FP = fingerprint_of(invoice().seller.tax_id, "", BLUE_NUMBER)
# BLUE_NUMBER's first 12 digits read as a code: its other spelling, code and 8-digit number
OTHER_SPELLING_FP = fingerprint_of(invoice().seller.tax_id, BLUE_NUMBER[:12], BLUE_NUMBER[12:])


def _offsets(registry, **update):
    return check_invoice(red_letter(original_number=BLUE_NUMBER, **update),
                         CheckOptions(registry=registry)).finding("offsets.ledger")


def test_a_live_claim_on_the_invoice_offset_is_reported():
    finding = _offsets(InMemoryRegistry({ORIGINAL_FP: InvoiceUse("RCV-0007", live=True)}))
    assert finding.status == "fail"
    assert "RCV-0007" in finding.message and "still live" in finding.message and BLUE_NUMBER in finding.message
    assert finding.details == {"fingerprint": ORIGINAL_FP, "receivable_id": "RCV-0007", "live": True}


def test_a_claim_under_the_originals_other_spelling_is_reported_too():
    finding = _offsets(InMemoryRegistry({OTHER_SPELLING_FP: InvoiceUse("RCV-0008", live=False)}))
    assert finding.status == "fail" and "RCV-0008" in finding.message and "settled" in finding.message
    assert finding.details["receivable_id"] == "RCV-0008" and finding.details["live"] is False


def test_an_original_backing_nothing_passes_and_no_ledger_skips():
    assert _offsets(InMemoryRegistry()).status == "pass"
    assert _offsets(None).status == "skipped"


def test_an_invoice_naming_no_original_has_no_such_finding():
    report = check_invoice(red_letter(), CheckOptions(registry=InMemoryRegistry()))
    assert "offsets.ledger" not in {f.check for f in report.findings}
    assert "offsets.ledger" not in {f.check for f in check_invoice(invoice()).findings}


def test_verify_ledger_asks_about_the_original_and_says_so(monkeypatch, tmp_path):
    path = tmp_path / "red.xml"
    path.write_text(with_remark(einvoice_xml(red_letter()), f"被红冲蓝字数电发票号码：{BLUE_NUMBER}"), encoding="utf-8")
    claim = {"used": True, "receivable_id": "R-00000000000000aa", "live": True}
    contract, _ = _fake_ledger(monkeypatch, lambda asked: json.dumps(
        {"fingerprint": asked, **(claim if asked == ORIGINAL_FP else
                                  {"used": False, "receivable_id": None, "live": False})}).encode())
    r = CliRunner().invoke(invoice_group, ["verify", str(path), "--ledger", "--as", "bank/officer1"])
    assert r.exit_code == 1 and ("FindInvoice", ORIGINAL_FP) in contract.calls
    assert "FAIL  offsets.ledger" in r.output and "R-00000000000000aa" in r.output, r.output
    as_json = CliRunner().invoke(invoice_group, ["verify", str(path), "--ledger", "--as", "bank/officer1", "--json"])
    (finding,) = [f for f in json.loads(as_json.stdout)["findings"] if f["check"] == "offsets.ledger"]
    assert finding["details"]["receivable_id"] == "R-00000000000000aa" and finding["details"]["live"] is True


def test_a_positive_invoice_naming_an_original_is_not_held_up_by_it():
    # a blue invoice takes nothing back: a claim on the invoice it names is no reason to stop its own registration
    blue = invoice().model_copy(update={"original_number": BLUE_NUMBER[:-1] + "9"})
    registry = InMemoryRegistry({fingerprint_of(blue.seller.tax_id, "", blue.original_number):
                                 InvoiceUse("RCV-0009", live=True)})
    assert "offsets.ledger" not in {f.check for f in check_invoice(blue, CheckOptions(registry=registry)).findings}


def test_an_original_named_by_its_paper_identity_is_found_under_the_link(tmp_path):
    # a claim registered on the 20-digit number, its paper form's code and number linked afterwards
    # (LinkPaperIdentity): a red-letter invoice naming the original by the paper identity finds that claim, as
    # the contract keys a linked paper identity under the fingerprint of that code and number
    from datetime import date

    from client.invoices import match_invoice, registration_from_match
    from client.receivables import ReceivableRegistration

    from ._ledger import Ledger
    from .test_paper_identity_on_the_ledger import PAPER_CODE, PAPER_NUMBER, _registry
    from .test_registration_goods_receipt import documents

    ledger = Ledger()
    blue = invoice()
    po, gr = documents(tmp_path)
    registration = registration_from_match(blue, po, gr, match_invoice(blue, po, gr), date(2026, 12, 1))
    supplier = ledger.client("supplier")
    claim = supplier.register_receivable(ReceivableRegistration.model_validate(json.loads(registration.wire())))
    red = red_letter(original_code=PAPER_CODE, original_number=PAPER_NUMBER)
    assert _offsets_of(red, _registry(ledger)).status == "pass"
    supplier.link_paper_identity(claim.id, blue.number, PAPER_CODE, PAPER_NUMBER)
    finding = _offsets_of(red, _registry(ledger))
    assert finding.status == "fail" and claim.id in finding.message and f"code {PAPER_CODE}" in finding.message
    assert finding.details == {"fingerprint": fingerprint_of(blue.seller.tax_id, PAPER_CODE, PAPER_NUMBER),
                               "receivable_id": claim.id, "live": True}


def _offsets_of(red, registry):
    return check_invoice(red, CheckOptions(registry=registry)).finding("offsets.ledger")
