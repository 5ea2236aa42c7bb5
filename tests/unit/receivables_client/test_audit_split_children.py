"""A split's parent lists its children as a list, as the contract writes it. A parent written with ``children``
of another type (a number, or a string that merely holds the part's id) splits nothing into the part: the
audit fails the part's confirmation, as it does for a malformed ``parent_id``, and the command exits 1 with its
report, not with a traceback."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from client.receivables.ledger_keys import receivable_key

from . import test_audit as audit_tests
from .test_audit import CORE, PART, R, SUPPLIER, as_split_part, checks_of, endorsed, recfin

# the fixtures: the ledger of real endorsements a claim is audited on, and the command's session on it
orgs_keys, ledger, as_bank = audit_tests.orgs_keys, audit_tests.ledger, audit_tests.as_bank

NOT_A_LIST = [5, f"xx{PART}xx", {PART: True}]


def split_listing(ledger, children) -> None:
    """The ledger's claim made a split part of R, whose split wrote R SPLIT with ``children`` as given."""
    root = ledger.receivable
    as_split_part(ledger)
    split = {**root, "status": "SPLIT", "outstanding": 0, "children": children}
    ledger.transactions["t-split"] = endorsed("t-split", {receivable_key(R): split,
                                                          receivable_key(PART): ledger.receivable},
                                              ledger.peers(CORE, SUPPLIER))


@pytest.mark.parametrize("children", NOT_A_LIST, ids=["a number", "a string holding the id", "a record"])
def test_children_that_are_not_a_list_split_nothing_and_the_confirmation_fails(ledger, children):
    split_listing(ledger, children)
    report, _ = ledger.audit()
    assert not report.passed
    passed, reason = checks_of(report)["confirmation"]
    assert passed is False and "this transaction splits no claim into it" in reason


def test_the_command_exits_1_with_the_report_for_children_given_as_a_number(as_bank):
    split_listing(as_bank, 5)
    res = CliRunner().invoke(recfin, ["receivable", "audit", PART, "--json"])
    assert res.exit_code == 1, res.output
    confirmation = json.loads(res.output)["checks"][0]
    assert (confirmation["what"], confirmation["passed"]) == ("confirmation", False)


def test_children_listed_as_the_contract_writes_them_still_pass(ledger):
    split_listing(ledger, [PART, f"{R}.2"])
    report, _ = ledger.audit()
    assert report.passed
