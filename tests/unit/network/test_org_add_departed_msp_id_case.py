"""No new org may take the MSP ID of an org of topology.yaml or of one that left, in any case: `ban-k` is
BanKMSP, bank's BankMSP ignoring case. Let in while bank is gone, it would stand beside bank once `recfin org
add bank` brought it back, the two MSP IDs apart in case only, where the channel's orgs are held to differ
ignoring case (topology.org_identifier_clash) and a lookup in another case fits both.
"""
from __future__ import annotations

import pytest

from network import Network, membership, org_keys
from network.errors import NetworkError
from network.org_membership import OrgMembership

from . import test_org_membership
from .test_org_membership import CODE, _left_channel

channel_peer = test_org_membership.channel_peer       # the scripted `peer`, whose submissions are recorded

REFUSAL = ("an org named ban-k would take the MSP ID BanKMSP, which is, ignoring case, bank's BankMSP, "
           "an org of topology.yaml or one that left the channel")


def test_a_new_org_whose_msp_id_is_a_departed_orgs_in_another_case_is_refused(channel_peer, topology,
                                                                              data_root, tmp_path):
    _left_channel(tmp_path, topology, data_root, "bank")
    members = OrgMembership(Network(topology, data_root=data_root))
    recorded = membership.load_state(data_root)
    for attempt in (lambda: members.plan_add("ban-k", "bank", CODE, throwaway_crypto=True),     # --dry-run
                    lambda: members.plan_add("ban-k", "bank", CODE),                            # --update-out
                    lambda: members.add("ban-k", "bank", CODE)):
        with pytest.raises(NetworkError) as refused:
            attempt()
        message = str(refused.value)
        assert message.startswith(REFUSAL), message
        assert "Add bank back under its own name (`recfin org add bank --role bank`), or choose another " \
               "name" in message
    assert not (data_root / "crypto" / "ban-k").exists() and not channel_peer.exists()
    assert membership.load_state(data_root) == recorded
    assert members.plan_add("bank", "bank", None).org.msp_id == "BankMSP"      # bank itself comes back


def test_a_definition_whose_msp_id_is_a_departed_orgs_in_another_case_is_refused(channel_peer, topology,
                                                                               data_root, tmp_path):
    left = _left_channel(tmp_path, topology, data_root, "bank")
    # made on the company's host from a bundle's topology, written while bank was gone
    company = org_keys.make(left, "ban-k", "bank", CODE, tmp_path / "ban-k-keys")
    members = OrgMembership(Network(topology, data_root=data_root))
    with pytest.raises(NetworkError) as refused:
        members.plan_add_definition(company.definition)
    assert str(refused.value).startswith(REFUSAL), str(refused.value)
    assert not channel_peer.exists()
