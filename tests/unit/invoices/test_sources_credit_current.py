"""A credit bureau's record of the debtor is its standing on the day the record was made: one older than the bound
(a month by default) fails source.credit.current, saying to ask the bureau for a current report, in the SDK and in
the commands that consult the bureau."""

import json
from datetime import date, timedelta

import pytest
from click.testing import CliRunner

from cli import invoice_commands
from cli.invoice_commands import invoice as invoice_group
from client.invoices import (ReferenceBusinessRegistry, ReferenceCreditBureau, ReferenceTaxInvoiceVerifier,
                             read_invoice, verify_with_sources)
from client.invoices.sources import DEFAULT_MAX_CREDIT_AGE_DAYS

from ..ledger_contract import LedgerContract
from ._ledger import Ledger
from ._review import SAMPLES
from ._samples import BUYER
from .test_attest import evidence_on_ledger

INVOICE = SAMPLES / "einvoice.xml"
AS_OF = date(2026, 8, 31)   # the reference credit bureau's record of the sample's buyer


def run(*args):
    result = CliRunner().invoke(invoice_group, [str(a) for a in args])
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
    return result


def verified(**options):
    return verify_with_sources(read_invoice(INVOICE), ReferenceTaxInvoiceVerifier(), ReferenceBusinessRegistry(),
                               ReferenceCreditBureau(), **options)


def current(result):
    return {f.check: f for f in result.findings}["source.credit.current"]


def test_a_record_within_a_month_passes_and_one_a_day_older_fails_saying_to_ask_for_a_current_report():
    assert DEFAULT_MAX_CREDIT_AGE_DAYS == 30
    within = verified(today=AS_OF + timedelta(days=30))
    assert within.ok and current(within).status == "pass"
    stale = verified(today=AS_OF + timedelta(days=31))
    finding = current(stale)
    assert not stale.ok and finding.status == "fail"
    assert "as of 2026-08-31, 31 days before 2026-10-01, more than the 30 days allowed" in finding.message
    assert "ask the bureau for a current report" in finding.message
    assert finding.details == {"as_of": "2026-08-31", "today": "2026-10-01", "age_days": 31,
                               "max_credit_age_days": 30}
    # the record is still read as the debtor's: only its age fails, and nothing disagrees
    assert {f.check: f.status for f in stale.findings}["source.credit.debtor"] == "pass"
    assert stale.disagreements == () and "reference-credit" in stale.checked


def test_the_bound_is_an_argument_and_a_record_after_the_day_verified_fails():
    assert verified(today=date(2027, 8, 31), max_credit_age_days=365).ok
    assert current(verified(today=AS_OF, max_credit_age_days=0)).status == "pass"
    before = current(verified(today=AS_OF - timedelta(days=1)))
    assert before.status == "fail" and "after the day verified (2026-08-30)" in before.message
    with pytest.raises(ValueError, match="max_credit_age_days -1 is below 0"):
        verified(max_credit_age_days=-1)


def test_verify_judges_the_record_on_its_today_and_takes_the_bound_as_an_option():
    stale = run("verify", INVOICE, "--today", "2026-11-30", "--reference-sources")
    assert stale.exit_code == 1, stale.output
    assert "FAIL  source.credit.current" in stale.output and "ask the bureau for a current report" in stale.output
    allowed = run("verify", INVOICE, "--today", "2026-11-30", "--reference-sources", "--max-credit-age-days", "91",
                  "--json")
    assert allowed.exit_code == 0, allowed.output
    found = {f["check"]: f for f in json.loads(allowed.stdout)["sources"]["findings"]}
    assert found["source.credit.current"]["status"] == "pass"
    assert found["source.credit.current"]["details"]["age_days"] == 91


def test_attest_judges_the_record_on_the_day_attested(monkeypatch):
    Ledger().serve(monkeypatch)   # the test ledger's today, 2026-09-10: the record is 10 days old
    fresh = run("attest", INVOICE, "--as", "bank", "--json")
    assert fresh.exit_code == 0, fresh.output
    Ledger().serve(monkeypatch)   # another ledger: the same bank attests the invoice at the same time again
    stale = run("attest", INVOICE, "--as", "bank", "--max-credit-age-days", "9", "--json")
    assert stale.exit_code == 1, stale.output
    findings = {f["check"]: f for f in json.loads(stale.stdout)["evidence"]["document"]["findings"]}
    assert findings["source.credit.current"]["status"] == "fail"
    assert "10 days before 2026-09-10, more than the 9 days allowed" in findings["source.credit.current"]["message"]
    assert BUYER.tax_id in findings["source.credit.current"]["message"]


def test_attest_retried_on_a_later_day_judges_the_record_on_the_day_of_the_evidence_it_sends_again(monkeypatch,
                                                                                                  tmp_path):
    ledger = Ledger().serve(monkeypatch)
    submit = LedgerContract.submit

    def unreachable(self, name, **options):
        raise ConnectionError("the peers did not answer")

    monkeypatch.setattr(LedgerContract, "submit", unreachable)
    evidence = tmp_path / "evidence.json"
    attest = ["attest", INVOICE, "--as", "bank/officer1", "--request-id", "VER-31", "--evidence", evidence,
              "--max-credit-age-days", "10"]
    assert run(*attest).exit_code == 3   # sent on 2026-09-10, the record 10 days old: within the bound
    written = evidence.read_text(encoding="utf-8")
    monkeypatch.setattr(LedgerContract, "submit", submit)
    # retried two days later, when the record is 12 days old: the evidence of 2026-09-10 is sent again, as it was
    monkeypatch.setattr(invoice_commands, "business_today", lambda: date(2026, 9, 12))
    retried = run(*attest)
    assert retried.exit_code == 0, retried.output
    assert evidence.read_text(encoding="utf-8") == written and evidence_on_ledger(ledger, evidence)
