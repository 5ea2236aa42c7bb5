"""A report saved as the audit gives it, ``AuditReport.to_json()`` (what ``recfin receivable audit --json`` prints),
loads back as the report it was: its ``passed`` is the verdict its checks give, so a saved verdict that says
otherwise (edited after the audit) is refused rather than read as either. Before, every such saved report failed
to load: ``passed`` is no field of the model, which refuses any key it does not know."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from pydantic import ValidationError

from client.receivables.audit import AuditReport

from . import test_audit as audit_tests
from .test_audit import R, recfin

# the fixtures: the ledger of real endorsements a claim is audited on, and the command's session on it
orgs_keys, ledger, as_bank = audit_tests.orgs_keys, audit_tests.ledger, audit_tests.as_bank


def test_a_report_saved_as_to_json_loads_as_the_report_it_was(ledger):
    report, _ = ledger.audit()
    saved = json.loads(json.dumps(report.to_json()))
    assert saved["passed"] is True
    assert AuditReport.model_validate(saved) == report


@pytest.mark.parametrize("failing", [False, True], ids=["passed", "a check failed"])
def test_the_commands_json_loads_back_with_its_verdict(as_bank, failing):
    if failing:
        audit_tests._no_debtor_endorsement(as_bank)
    res = CliRunner().invoke(recfin, ["receivable", "audit", R, "--json"])
    assert res.exit_code == (1 if failing else 0), res.output
    loaded = AuditReport.model_validate_json(res.output)
    assert loaded.passed is (not failing) and loaded.to_json() == json.loads(res.output)


def test_a_saved_verdict_its_checks_do_not_give_is_refused(ledger):
    saved = ledger.audit()[0].to_json()
    saved["checks"][0] = {**saved["checks"][0], "passed": False}   # a check edited to fail, the verdict kept
    with pytest.raises(ValidationError, match="the report says passed is True, but its checks say False"):
        AuditReport.model_validate(saved)
