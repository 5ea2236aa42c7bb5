"""`recfin org add` holds a new org to the MSP IDs the channel's config has, not only to the orgs this data
folder records: the channel took bankx (BankxMSP) from another host, which this record lacks, so `bank-x`
(BankXMSP) would join beside it, the two apart in case only. `org sign` and `org submit` refuse such an add
(test_org_submit_identifier_case.py); `org add` itself, its dry run, `--update-out` and `--definition` refuse
it the same way, before anything of the org is written or signed.
"""
from __future__ import annotations

import shutil

import pytest

from network import Network, crypto, membership, org_keys
from network.org_change import OrgChangeError
from network.org_membership import OrgMembership

from . import test_org_membership
from .channel_fixtures import channel_config, config_block
from .test_org_membership import CODE

channel_peer = test_org_membership.channel_peer       # the scripted `peer`, whose submissions are recorded

CLASH = ("bank-x (BankXMSP) cannot join: its MSP ID BankXMSP is, in another case, BankxMSP, an MSP ID of the "
         "channel receivables, so either could be taken for the other.")


@pytest.fixture
def bankx_in_the_channel(channel_peer, topology, data_root, tmp_path):
    """The channel's config with bankx, which this data folder does not record (its certificates made here
    only to give it a group, then taken away again: they are on its own host)."""
    bankx = membership.new_org_spec(topology, "bankx", "bank", CODE)
    with_bankx = membership.with_orgs(topology, [*topology.orgs, bankx])
    crypto.generate(with_bankx, data_root, only=["bankx"])
    config = channel_config(with_bankx, data_root)
    shutil.rmtree(crypto.org_crypto(data_root, bankx.name, bankx.domain).root)
    (tmp_path / "current.block").write_bytes(config_block(config, topology.channel).SerializeToString())
    return channel_peer


def test_org_add_refuses_a_name_whose_msp_id_is_an_unrecorded_channel_orgs_in_another_case(
        bankx_in_the_channel, topology, data_root):
    members = OrgMembership(Network(topology, data_root=data_root, timeout=5))
    recorded = membership.load_state(data_root)
    for attempt in (lambda: members.plan_add("bank-x", "bank", CODE, throwaway_crypto=True),  # --dry-run
                    lambda: members.plan_add("bank-x", "bank", CODE),                         # --update-out
                    lambda: members.add("bank-x", "bank", CODE)):
        with pytest.raises(OrgChangeError) as refused:
            attempt()
        assert str(refused.value) == f"{CLASH} Nothing was written or signed: add the org under another name"
    assert not (data_root / "crypto" / "bank-x").exists() and not bankx_in_the_channel.exists()
    assert membership.load_state(data_root) == recorded


def test_org_add_definition_refuses_an_msp_id_an_unrecorded_channel_org_has_in_another_case(
        bankx_in_the_channel, topology, data_root, tmp_path):
    company = org_keys.make(topology, "bank-x", "bank", CODE, tmp_path / "bank-x-keys")
    members = OrgMembership(Network(topology, data_root=data_root, timeout=5))
    with pytest.raises(OrgChangeError) as refused:
        members.plan_add_definition(company.definition)
    assert str(refused.value) == f"{CLASH} The company chooses another name with `recfin org keys`"
    assert not bankx_in_the_channel.exists()
