"""``recfin receivable audit --json`` says what the table's last line says: why the contract would not finance
the claim now (``financing_refusal``), beside the checks' ``passed``. Before, the JSON of a claim already
financed, settled, frozen or due carried ``passed: true`` and nothing of the refusal the table printed, so a
workflow gating on the JSON read it as a claim to finance."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner
from pydantic import ValidationError

from client.business_dates import business_today
from client.receivables.audit import AuditReport

from . import test_audit as audit_tests
from .test_audit import FREEZE, R, recfin

orgs_keys, ledger, as_bank = audit_tests.orgs_keys, audit_tests.ledger, audit_tests.as_bank


def audited_json(as_bank) -> tuple[int, dict]:
    res = CliRunner().invoke(recfin, ["receivable", "audit", R, "--json"])
    return res.exit_code, json.loads(res.output)


ONLY_CONFIRMED = "the contract takes a financing request only for a CONFIRMED claim no order freezes"
FINANCING = "F-00000000000000b1"


@pytest.mark.parametrize("state, refusal", [
    ({"status": "FINANCED", "financing_id": FINANCING}, f"{R} is FINANCED, not frozen: {ONLY_CONFIRMED}"),
    ({"status": "SETTLED"}, f"{R} is SETTLED, not frozen: {ONLY_CONFIRMED}"),
    ({"frozen": FREEZE},
     f"{R} is CONFIRMED, frozen under order '(2026) Hu 0101 Bao 123' since 2026-04-01: {ONLY_CONFIRMED}"),
    ({"financing_id": FINANCING}, f"{R} has live financing {FINANCING}: the contract takes no new financing "
                                  "request, only a bank's offer on that request"),
], ids=["financed", "settled", "frozen", "requested"])
def test_the_json_of_a_claim_the_contract_would_not_finance_says_why_as_the_table_does(as_bank, state,
                                                                                       refusal):
    as_bank.receivable = {**as_bank.receivable, **state}
    code, report = audited_json(as_bank)
    assert (code, report["passed"], report["financing_refusal"]) == (0, True, refusal)
    table = CliRunner().invoke(recfin, ["receivable", "audit", R]).output
    assert table.rstrip().endswith(f"PASSED: every check passed; yet {refusal}")


def test_the_json_of_a_claim_past_maturity_says_so(as_bank):
    due = (business_today() - dt.timedelta(days=1)).isoformat()
    as_bank.receivable = {**as_bank.receivable, "due_date": due}
    _, report = audited_json(as_bank)
    assert report["financing_refusal"].startswith(
        f"{R} is past maturity: the contract takes no financing on or after {due} (audited on ")


def test_the_json_of_a_claim_the_contract_would_finance_says_no_refusal_and_loads_back(as_bank):
    code, report = audited_json(as_bank)
    assert (code, report["passed"], report["financing_refusal"]) == (0, True, None)
    assert AuditReport.model_validate(report).to_json() == report


def test_a_saved_refusal_the_claims_state_does_not_give_is_refused(as_bank):
    as_bank.receivable = {**as_bank.receivable, "status": "FINANCED"}
    _, report = audited_json(as_bank)
    assert AuditReport.model_validate(report).financing_refusal == report["financing_refusal"]
    with pytest.raises(ValidationError, match="financing_refusal is None, but the claim's state"):
        AuditReport.model_validate({**report, "financing_refusal": None})
    # its words are the version's that wrote it: a later one may put them otherwise
    reworded = AuditReport.model_validate({**report, "financing_refusal": "worded otherwise"})
    assert reworded.financing_refusal == report["financing_refusal"]
    as_bank.receivable = {**as_bank.receivable, "status": "CONFIRMED"}
    _, financeable = audited_json(as_bank)
    with pytest.raises(ValidationError, match="financing_refusal is 'not to finance', but the claim's state"):
        AuditReport.model_validate({**financeable, "financing_refusal": "not to finance"})


def test_a_report_saved_before_it_carried_the_refusal_loads(as_bank):
    _, report = audited_json(as_bank)
    del report["financing_refusal"]
    assert AuditReport.model_validate(report).passed
