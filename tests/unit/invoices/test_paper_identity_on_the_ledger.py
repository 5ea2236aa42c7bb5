"""An invoice delivered on paper (数电纸质发票), registered with both its identities, is held by the ledger under
both: read, registered and looked up through the readers, the SDK and the CLI, against the receivables contract
in process. Looked up afterwards under its paper identity alone (as an invoice with a code), it is a duplicate."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from click.testing import CliRunner

from client.invoices import (CheckOptions, Invoice, InvoiceUse, LedgerRegistry, check_invoice, match_invoice,
                             registration_from_match)
from client.invoices.fingerprint import fingerprint_of

from ..ledger_contract import LedgerContract
from ._ledger import Ledger
from ._samples import SELLER, invoice
from .test_registration_goods_receipt import documents

PAPER_CODE, PAPER_NUMBER = "144032400111", "87654321"
SAMPLES = Path(__file__).parents[3] / "client" / "invoices" / "reference_data" / "samples"


class _Evaluating:
    """The in-process contract as LedgerRegistry asks a Gateway Contract: ``evaluate_transaction(name, *args)``."""

    def __init__(self, contract: LedgerContract) -> None:
        self.contract = contract

    def evaluate_transaction(self, name: str, *args: str) -> bytes:
        return self.contract.evaluate(name, arguments=args)


def _registry(ledger: Ledger) -> LedgerRegistry:
    return LedgerRegistry(_Evaluating(LedgerContract(ledger.memory, ledger.identities["supplier"],
                                                     lambda: ledger.now)))


def _register_on_paper(tmp_path):
    """The sample e-invoice with a paper identity, registered by `recfin invoice register` as supplier1: the
    document and the CLI's result."""
    from cli.invoice_commands import invoice as invoice_group

    doc = json.loads((SAMPLES / "einvoice.json").read_text(encoding="utf-8"))
    doc.update(paper_code=PAPER_CODE, paper_number=PAPER_NUMBER)
    path = tmp_path / "invoice.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return doc, CliRunner().invoke(invoice_group, [
        "register", str(path), "--po", str(SAMPLES / "purchase_order.csv"),
        "--receipt", str(SAMPLES / "goods_receipt.csv"), "--due", "2026-11-30", "--as", "supplier/supplier1"])


def test_a_claim_registered_with_the_paper_identity_is_found_under_it(tmp_path):
    from client.receivables import ReceivableRegistration

    ledger = Ledger()
    inv = Invoice.model_validate({**invoice().model_dump(), "paper_code": PAPER_CODE, "paper_number": PAPER_NUMBER})
    po, gr = documents(tmp_path)
    registration = registration_from_match(inv, po, gr, match_invoice(inv, po, gr), date(2026, 12, 1))
    request = ReceivableRegistration.model_validate(json.loads(registration.wire()))   # as recfin invoice register does
    registered = ledger.client("supplier").register_receivable(request)
    registry = _registry(ledger)
    assert registry.receivable_for(fingerprint_of(SELLER.tax_id, PAPER_CODE, PAPER_NUMBER)) == \
        InvoiceUse(registered.id, live=True)
    # the paper form read alone, as an invoice with a code and an 8-digit number, backs that claim already
    as_coded = invoice(number=PAPER_NUMBER).model_copy(update={"code": PAPER_CODE})
    f = check_invoice(as_coded, CheckOptions(registry=registry)).finding("duplicate.ledger")
    assert f.status == "fail" and f"already backs receivable {registered.id}" in f.message


def test_register_names_both_identities_and_the_ledger_holds_both(tmp_path, monkeypatch):
    ledger = Ledger().serve(monkeypatch)
    doc, r = _register_on_paper(tmp_path)
    assert r.exit_code == 0, r.output
    assert f"for invoice {doc['number']} (on paper: code {PAPER_CODE} number {PAPER_NUMBER}): " in r.output
    used = _registry(ledger).receivable_for(fingerprint_of(SELLER.tax_id, PAPER_CODE, PAPER_NUMBER))
    assert used is not None and used.receivable_id in r.output


def test_register_on_a_chaincode_from_before_paper_identities_says_to_upgrade_it(tmp_path, monkeypatch):
    from pydantic import create_model

    from chaincode.receivables import model, tx_registration

    # the contract's registration as it was before invoices named a paper identity: a field it does not know is
    # refused
    older_invoice = create_model("InvoiceInput", __base__=model.Doc, **{
        name: (f.annotation, f) for name, f in model.InvoiceInput.model_fields.items()
        if name not in ("paper_code", "paper_number")})
    older = create_model("ReceivableRegistration", __base__=model.Doc, **{
        name: ((list[older_invoice], f) if name == "invoices" else (f.annotation, f))
        for name, f in model.ReceivableRegistration.model_fields.items()})
    monkeypatch.setattr(tx_registration, "ReceivableRegistration", older)
    ledger = Ledger().serve(monkeypatch)
    _, r = _register_on_paper(tmp_path)
    assert r.exit_code == 1, r.output
    [line] = r.output.strip().splitlines()
    assert "invoices.0.paper_code: Extra inputs are not permitted" in line
    assert "predates paper identities" in line and "`recfin chaincode deploy`" in line
    assert ledger.client("supplier").list_by_holder(SELLER.tax_id).records == []
