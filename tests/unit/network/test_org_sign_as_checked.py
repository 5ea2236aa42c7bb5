"""`--sign-as ORG` names an org of the channel, whose admin's signature counts: one that is not (a name mistyped,
the org being added, the orderer org) is refused naming the orgs that can sign, before anything of a joining org is
written, where it was left out without a word (its signature missing from the verdict) or refused only once the
new org's crypto folder was made."""
from __future__ import annotations

import pytest

from network import Network, crypto, membership
from network.org_change import OrgChangeError, plan_remove
from network.org_membership import OrgMembership

from . import test_org_membership
from .channel_fixtures import channel_config
from .test_org_membership import CODE

channel_peer = test_org_membership.channel_peer       # the scripted `peer`, whose submissions are recorded

SIGNERS = "give one of bank, coreenterprise, regulator, supplier"


def _bank2_folder(topology, data_root):
    spec = membership.new_org_spec(topology, "bank2", "bank", CODE)
    return crypto.org_crypto(data_root, spec.name, spec.domain).root


@pytest.mark.parametrize("named, why", [
    ("bnak", "no peer org of this network has that name"),
    ("bank2", "Bank2MSP is not in the config of the channel receivables"),
    ("Bank2MSP", "Bank2MSP is not in the config of the channel receivables"),
])
@pytest.mark.parametrize("step", ["plan_add", "dry run"])
def test_an_add_signed_as_no_org_of_the_channel_is_refused_with_nothing_written(channel_peer, topology, data_root,
                                                                                 named, why, step):
    members = OrgMembership(Network(topology, data_root=data_root))
    with pytest.raises(OrgChangeError) as refused:
        members.plan_add("bank2", "bank", CODE, sign_as=["bank", named], throwaway_crypto=step == "dry run")
    assert str(refused.value) == (f"--sign-as {named}: {why}, so no admin of it signs this update: {SIGNERS}. "
                                  f"Nothing was written or signed")
    assert not _bank2_folder(topology, data_root).exists()
    assert not channel_peer.exists()


def test_a_removal_signed_as_no_org_of_the_channel_is_refused(topology, data_root):
    current = channel_config(topology, data_root)
    with pytest.raises(OrgChangeError, match=f"^--sign-as orderer: no peer org of this network has that name, so "
                                             f"no admin of it signs this update: {SIGNERS}"):
        plan_remove(topology, data_root, current, "bank", sign_as=["supplier", "orderer"])


def test_the_leaving_org_and_an_msp_id_in_another_case_still_sign(channel_peer, topology, data_root):
    removal = plan_remove(topology, data_root, channel_config(topology, data_root), "bank", sign_as=["bank"])
    assert sorted(removal.signatures) == ["BankMSP"]
    members = OrgMembership(Network(topology, data_root=data_root))
    change = members.plan_add("bank2", "bank", CODE, sign_as=["bankmsp", "supplier"], throwaway_crypto=True)
    assert sorted(change.signatures) == ["BankMSP", "SupplierMSP"]
