"""``find_identity_party`` and ``unbind_party_identity`` check the identity named (at most 1,000 characters) and
the MSP ID (at most 200) with the contract's own checks before anything is sent, as ``bind_party_identity`` checks
its identity: one the contract refuses whatever the ledger holds raises RefusedBeforeSending ``argument-invalid``,
where it went to the peers to be refused there. Checked against the contract's answer on MemoryLedger."""

from __future__ import annotations

import pytest

from chaincode.testing import make_identity
from client.receivables.errors import RULE_PATTERN

from .fakes import TIER1
from .test_argument_refusals_name_the_contracts_rule import refusal_of_both_clients
from .test_contract_agreement import Lifecycle

LONG_ID = "x509::CN=" + "a" * 1000 + "::CN=ca"
CALLS = [("FindIdentityParty", lambda c: c.find_identity_party("SupplierMSP", LONG_ID), ("SupplierMSP", LONG_ID)),
         ("FindIdentityParty", lambda c: c.find_identity_party("M" * 201, "x509::CN=a::CN=ca"),
          ("M" * 201, "x509::CN=a::CN=ca")),
         ("UnbindPartyIdentity", lambda c: c.unbind_party_identity(TIER1, LONG_ID), None)]


@pytest.mark.parametrize("transaction, call, contract_args", CALLS, ids=["long client id", "long msp id", "unbind"])
def test_an_identity_the_contract_refuses_whatever_the_ledger_holds_is_refused_before_sending(transaction, call,
                                                                                             contract_args):
    refused = refusal_of_both_clients(call)[0]
    assert (refused.transaction, refused.rule) == (transaction, "argument-invalid")
    if contract_args is not None:
        answered = Lifecycle().call(make_identity("SupplierMSP", "reader"), transaction, *contract_args, evaluate=True)
        assert RULE_PATTERN.search(answered.message).groups() == (refused.rule, refused.detail)
