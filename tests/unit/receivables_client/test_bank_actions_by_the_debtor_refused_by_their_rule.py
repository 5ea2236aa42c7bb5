"""A disbursement or recourse sent by the claim's debtor comes back with the contract's own refusal
(role-not-permitted: only a financier may), as one sent by any other party that is no bank. The debtor may read the
financing, so the SDK went on to read the accepted offer's terms back for it, and the debtor was refused that read
instead: "GetOfferTerms refused: not-permitted-to-read", which said nothing of the action it had sent.

Over the real contract on MemoryLedger (``TopologySessions``, as in test_cli_pages_and_currencies.py)."""

from __future__ import annotations

import pytest

from ..ledger_contract import Channel
from .test_cli_pages_and_currencies import parties_on_the_contract, registered
from .test_cli_party_commands import ok, recfin


@pytest.fixture
def channel(monkeypatch, tmp_path) -> Channel:
    return parties_on_the_contract(monkeypatch, tmp_path)


def accepted(with_recourse: bool = True) -> str:
    rid = registered("26312000000012345678")
    ok("receivable", "confirm", rid, "--as", "coreenterprise")
    financing = ok("finance", "request", rid, "--as", "supplier/supplier1")["id"]
    offer = ok("finance", "offer", financing, "--advance-rate", "0.9", "--discount-rate", "0.036", "--expires",
               "2026-04-30", *(["--recourse"] if with_recourse else []), "--as", "bank/officer1")["id"]
    ok("finance", "accept", offer, "--as", "supplier/supplier1")
    return financing


@pytest.mark.parametrize("action, transaction", [(["disburse"], "RecordDisbursement"),
                                                 (["demand-recourse", "--reason", "unpaid"], "DemandRecourse"),
                                                 (["recourse", "--reason", "unpaid"], "ExerciseRecourse")])
def test_the_debtor_is_refused_by_the_role_rule_not_the_terms_read(channel, action, transaction):
    financing = accepted()
    before = len(channel.submits)
    res = recfin("finance", action[0], financing, *action[1:], "--as", "coreenterprise")
    assert res.exit_code == 1, res.output
    [line] = res.output.strip().splitlines()
    assert line.startswith(f"Error: {transaction} refused: RULE role-not-permitted: "), line
    assert "only a financier may do this" in line
    assert len(channel.submits) == before


def test_the_bank_still_disburses_on_the_terms_read_back(channel):
    financing = accepted()
    assert ok("finance", "disburse", financing, "--as", "bank/officer1")["status"] == "DISBURSED"
