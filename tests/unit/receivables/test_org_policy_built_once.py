"""A transaction writes several key-level policies of the same few sets of orgs: each set's policy is built
once and kept, with the same bytes a policy built afresh has, so a stored policy still compares by value."""
from __future__ import annotations

import uuid

import pytest

from chaincode.receivables.store_base import EARLIER_POLICY_ROLE, POLICY_ROLE, earlier_org_policy, org_policy
from chaincode.shim import KeyEndorsementPolicy


def fresh(role: str, *orgs: str) -> bytes:
    kep = KeyEndorsementPolicy()
    kep.add_orgs(role, *orgs)
    return kep.policy()


def test_the_same_orgs_policy_is_built_once(monkeypatch):
    built = []
    policy = KeyEndorsementPolicy.policy
    monkeypatch.setattr(KeyEndorsementPolicy, "policy", lambda self: built.append(1) or policy(self))
    orgs = [f"Org{uuid.uuid4().hex}MSP", "ThisTestToo-MSP"]   # no earlier call kept them
    assert [org_policy(orgs) for _ in range(5)] == [fresh(POLICY_ROLE, *orgs)] * 5
    assert len(built) == 1 + 1   # the five share one; the second is the fresh one compared with


@pytest.mark.parametrize("orgs", [["SupplierMSP"], ["SupplierMSP", "CoreEnterpriseMSP"],
                                  ("CoreEnterpriseMSP", "SupplierMSP"), ["BankMSP", "BankMSP"]])
def test_a_kept_policy_has_the_bytes_of_one_built_afresh(orgs):
    assert org_policy(orgs) == org_policy(list(orgs)) == fresh(POLICY_ROLE, *orgs)
    assert earlier_org_policy(list(orgs)) == fresh(EARLIER_POLICY_ROLE, *orgs)
    assert org_policy(orgs) != earlier_org_policy(list(orgs))


def test_orgs_in_another_order_give_the_same_policy():
    assert org_policy(["B-MSP", "A-MSP"]) == org_policy(["A-MSP", "B-MSP"])


def test_a_policy_of_no_org_is_still_refused_each_time():
    for _ in range(2):
        with pytest.raises(ValueError, match="at least one org"):
            org_policy([])
