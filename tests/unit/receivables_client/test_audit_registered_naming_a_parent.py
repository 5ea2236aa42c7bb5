"""A claim whose key was created REGISTERED is its own root, whatever parent its value names. Two orgs running
altered chaincode can register a claim holding another claim's invoice and name that claim as its parent and
root; the debtor's peer confirms it (ConfirmReceivable reads no registry). Before, the audit then looked for the
invoices of the named root's registration, which it had not read, and left the invoice registry check out: the
claim passed, and a bank financing it financed the invoice twice."""
from __future__ import annotations

from client.receivables.ledger_keys import receivable_key

from . import test_audit as audit_tests
from .audit_ledger import endorsed
from .test_audit import CORE, SUPPLIER, BANK, R, at, checks_of

orgs_keys, ledger = audit_tests.orgs_keys, audit_tests.ledger
OTHER = "R-00000000000000e1"      # the genuine claim whose invoice the forged one holds


def test_a_claim_registered_naming_another_claim_as_its_parent_is_held_to_its_own_invoices(ledger):
    stored = ledger.receivable["invoices"][0]["fingerprint"]
    ledger.registry = {stored: OTHER}
    ledger.receivable = {**ledger.receivable, "parent_id": OTHER, "root_id": OTHER}
    ledger.transactions["t-register"] = endorsed(
        "t-register", {receivable_key(R): {**ledger.receivable, "status": "REGISTERED"}}, ledger.peers(SUPPLIER, BANK))
    ledger.transactions["t-confirm"] = endorsed("t-confirm", {receivable_key(R): ledger.receivable},
                                                ledger.peers(CORE, SUPPLIER), reads={receivable_key(R): at("t-register")})
    report, _ = ledger.audit()
    checks = checks_of(report)
    assert report.passed is False
    passed, reason = checks["invoice registry"]
    assert passed is False and f"is registered as backing receivable {OTHER}" in reason, reason
    assert [c.subject for c in report.checks if c.what == "invoice registry"] == [R]
