"""An attestation carries the sources asked that held nothing of the invoice (the evidence's ``sources_skipped``), so
that a bank's later pass clears its failure made while such a source still answered.

A failure names every source that answered; asked again later, a credit bureau that has lost the buyer's record is
named in ``sources_skipped``, never in ``sources``, so nothing could pass the invoice on it and the bank's old
failure held every registration of the invoice for good. The pass from ``attest_verification`` now lists it as
skipped, and the ledger clears the bank's failure there (the pass names every source the network requires)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from chaincode.receivables.config import DEFAULT_CONFIG
from client.invoices import (ReferenceBusinessRegistry, ReferenceCreditBureau, ReferenceTaxInvoiceVerifier, attestation,
                             read_invoice, verify_with_sources)
from client.invoices.attest import attest_verification, attestation_request
from client.receivables import InvoiceAttestationRequest, InvoiceInput, ReceivableRegistration, RuleViolation

from ._ledger import Ledger
from .test_attest import INVOICE, run
from .test_attest_skipped_sources import AT, bureau_knowing_nobody

TAX_REQUIRED = DEFAULT_CONFIG.model_copy(update={"require_attestation": True,
                                                 "attestation_sources": ("reference-tax",)})


def registration(inv) -> ReceivableRegistration:
    return ReceivableRegistration(debtor=inv.buyer.tax_id, face_amount=inv.total_with_tax_fen,
                                  issue_date=inv.issue_date, due_date=date(2026, 12, 31), contract_hash="0" * 64,
                                  invoices=[InvoiceInput(number=inv.number, date=inv.issue_date,
                                                         amount=inv.total_amount_fen, tax=inv.total_tax_fen,
                                                         seller_tax_id=inv.seller.tax_id,
                                                         buyer_tax_id=inv.buyer.tax_id)])


def test_a_pass_whose_bureau_knew_nothing_clears_the_banks_failure_made_while_it_answered(tmp_path, monkeypatch):
    ledger = Ledger(TAX_REQUIRED).serve(monkeypatch)
    inv = read_invoice(INVOICE)
    bank = ledger.client("bank")
    answered = verify_with_sources(inv, ReferenceTaxInvoiceVerifier(), ReferenceBusinessRegistry(),
                                   ReferenceCreditBureau())
    failed = attestation_request(inv, attestation(answered, AT)).model_copy(update={"outcome": "fail"})
    assert "reference-credit" in bank.attest_invoice_verification(failed).sources
    with pytest.raises(RuleViolation, match="against reference-tax, reference-registry, reference-credit"):
        ledger.client("supplier").register_receivable(registration(inv))

    ledger.now += timedelta(hours=1)
    knew_nothing = verify_with_sources(inv, ReferenceTaxInvoiceVerifier(), ReferenceBusinessRegistry(),
                                       bureau_knowing_nobody(tmp_path))
    record = attest_verification(bank, inv, knew_nothing).record
    assert record.passed and record.sources_skipped == ["reference-credit"]
    assert "reference-credit" not in record.sources
    assert ledger.client("supplier").register_receivable(registration(inv)).status == "REGISTERED"
    shown = run("attestations", INVOICE, "--as", "supplier")
    assert "sources reference-tax, reference-registry (skipped reference-credit)" in shown.output, shown.output


def test_a_request_sends_the_sources_skipped_only_where_there_are_some(tmp_path):
    inv = read_invoice(INVOICE)
    skipped = attestation_request(inv, attestation(verify_with_sources(
        inv, ReferenceTaxInvoiceVerifier(), ReferenceBusinessRegistry(), bureau_knowing_nobody(tmp_path)), AT))
    assert skipped.to_json()["sources_skipped"] == ["reference-credit"]
    # none skipped: sent as before the field, which a contract before it would refuse
    none = attestation_request(inv, attestation(verify_with_sources(inv, ReferenceTaxInvoiceVerifier()), AT))
    assert none.sources_skipped == [] and "sources_skipped" not in none.to_json()


def test_a_source_both_checked_and_skipped_is_refused_before_sending(tmp_path):
    inv = read_invoice(INVOICE)
    request = attestation_request(inv, attestation(verify_with_sources(inv, ReferenceTaxInvoiceVerifier()), AT))
    with pytest.raises(ValueError, match="reference-tax is named both in sources"):
        InvoiceAttestationRequest(**{**request.model_dump(), "sources_skipped": ["reference-tax"]})
