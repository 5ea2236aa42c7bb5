"""``invoice registry``: the audit asks the contract's invoice registry (FindInvoice, on the auditor's own
peer) whom each invoice of the claim's root backs. Two orgs running altered chaincode can write a claim
holding an invoice another claim holds (no registration of it ran, so nothing refused it), and the debtor's
peer confirms it (ConfirmReceivable reads no registry): before, the audit passed such a claim, and a bank
financing it financed the invoice twice."""
from __future__ import annotations

import json

from click.testing import CliRunner

from chaincode.receivables import fingerprint
from tests.unit.receivables_client import fakes

from . import test_audit as audit_tests
from .test_audit import BANK, PART, R, as_split_part, checks_of, recfin

orgs_keys, ledger, as_bank = audit_tests.orgs_keys, audit_tests.ledger, audit_tests.as_bank
OTHER = "R-00000000000000e1"      # the claim the registry says the invoice backs
STORED = "f" * 64                 # the fingerprint the fake claim's invoice is stored with


def test_a_claim_whose_invoice_backs_another_claim_fails_and_the_command_exits_1(as_bank):
    as_bank.registry = {STORED: OTHER}
    res = CliRunner().invoke(recfin, ["receivable", "audit", R, "--json"])
    assert res.exit_code == 1, res.output
    report = json.loads(res.output)
    registry = report["checks"][-1]
    assert (report["passed"], registry["what"], registry["subject"], registry["passed"]) == (
        False, "invoice registry", R, False)
    assert registry["reason"] == (
        f"invoice 1 (24312000000012345678) of {R} is registered as backing receivable {OTHER} (still "
        f"live; fingerprint {STORED}): an invoice backs one receivable, so {R} holds an invoice another "
        "claim holds, and financing it finances that invoice twice")
    # the other checks pass: the registration, the debtor's confirmation and the parties are genuine
    assert [check["passed"] for check in report["checks"][:-1]] == [True] * 4
    asked = [call for call in as_bank.contract.calls if call.name == "FindInvoice"]
    assert asked and {tuple(call.endorsing_organizations) for call in asked} == {(BANK,)}


def test_an_invoice_held_under_its_other_spelling_by_another_claim_fails(ledger):
    code, number = fingerprint.other_spelling("", "24312000000012345678")
    ledger.registry[fingerprint.invoice_fingerprint(fakes.TIER1, code, number)] = OTHER
    passed, reason = checks_of(ledger.audit()[0])["invoice registry"]
    assert passed is False and f"registered as backing receivable {OTHER}" in reason


def test_an_invoice_the_registry_holds_for_no_claim_fails(ledger):
    ledger.registry = {}
    passed, reason = checks_of(ledger.audit()[0])["invoice registry"]
    assert passed is False
    assert reason == (f"invoice 1 (24312000000012345678) of {R} is held by no entry of the invoice "
                      f"registry (fingerprint {STORED}): the registration that reserves it never ran, so "
                      "nothing keeps the invoice from backing another claim")


def test_a_split_part_is_checked_on_the_invoices_its_root_was_registered_with(ledger):
    as_split_part(ledger)
    ledger.receivable = {**ledger.receivable, "invoices": []}     # a part carries no invoices, its root does
    report = ledger.audit(PART)[0]
    assert report.passed and checks_of(report)["invoice registry"] == (
        True, f"the invoice registry holds each of the 1 invoice(s) of {R} for it, and no other claim")
    ledger.registry = {STORED: OTHER}
    passed, reason = checks_of(ledger.audit(PART)[0])["invoice registry"]
    assert passed is False and reason.startswith(f"invoice 1 (24312000000012345678) of {R} is registered as "
                                                 f"backing receivable {OTHER}")


def _naming_a_paper_identity(ledger) -> str:
    """The fake claim's invoice as one naming a paper identity (数电纸质发票), whose own fingerprint the
    registry holds for it: the paper identity's fingerprint."""
    paper = fingerprint.invoice_fingerprint(fakes.TIER1, "144031900111", "00012345")
    invoice = {**ledger.receivable["invoices"][0], "paper_code": "144031900111", "paper_number": "00012345",
               "paper_fingerprint": paper}
    ledger.receivable = {**ledger.receivable, "invoices": [invoice]}
    return paper


def test_an_invoices_paper_identity_held_by_another_claim_fails(ledger):
    ledger.registry[_naming_a_paper_identity(ledger)] = OTHER
    passed, reason = checks_of(ledger.audit()[0])["invoice registry"]
    assert passed is False and f"registered as backing receivable {OTHER}" in reason


def test_an_invoices_paper_identity_the_registry_holds_for_no_claim_fails(ledger):
    paper = _naming_a_paper_identity(ledger)
    passed, reason = checks_of(ledger.audit()[0])["invoice registry"]
    assert passed is False
    assert (f"names the paper identity code 144031900111 and number 00012345, which no entry of the invoice "
            f"registry holds (fingerprint {paper})") in reason
    ledger.registry[paper] = R
    passed, _ = checks_of(ledger.audit()[0])["invoice registry"]
    assert passed is True
