"""An add as a file (`recfin org sign`, `recfin org submit`), however it was written, is held to what `org
add` holds a new org's name to: neither its name nor its MSP ID may be, in another case, that of an org the
data folder records, nor an MSP ID the channel has. Written on another host from a record that lacks `bank`,
`ban-k` (BanKMSP) would join beside BankMSP, the two apart in case only, and be recorded here so.
"""
from __future__ import annotations

import pytest

from network import Network, crypto, membership, org_change
from network.org_change import OrgChangeError
from network.org_membership import OrgMembership

from . import test_org_membership
from .channel_fixtures import config_block
from .channel_fixtures import channel_config as channel_config_of
from .test_org_membership import CODE, _channel_after_submit

channel_peer = test_org_membership.channel_peer       # the scripted `peer`, whose submissions are recorded


def _written_elsewhere(members, topology, data_root, tmp_path, name: str, without: str | None = None):
    """The add of org name written by another host's recfin, whose record lacks the org without (its spec made
    there, its keys in a folder of that host), signed by enough of the channel's admins; and what the channel
    hands out once it is sent."""
    elsewhere = topology if without is None else \
        membership.with_orgs(topology, [o for o in topology.orgs if o.name != without])
    spec = membership.new_org_spec(elsewhere, name, "bank", CODE)
    grown = membership.with_orgs(topology, [*topology.orgs, spec])
    crypto.generate(grown, tmp_path / "elsewhere", only=[name])
    current = members.fetch_config("bank")
    signers = [o.name for o in topology.orgs][:len(topology.orgs) // 2 + 1]
    change = org_change.plan_add(grown, data_root, current, name, signers, org_root=tmp_path / "elsewhere")
    assert change.verdict.ok
    _channel_after_submit(tmp_path, change)
    return members.write_update(change, tmp_path / f"{name}.tx")


@pytest.mark.parametrize("channel_only", [True, False])
def test_an_add_file_whose_msp_id_is_a_recorded_orgs_in_another_case_is_refused(
        channel_peer, topology, data_root, tmp_path, channel_only):
    members = OrgMembership(Network(topology, data_root=data_root, timeout=5))
    path = _written_elsewhere(members, topology, data_root, tmp_path, "ban-k", without="bank")
    recorded = membership.load_state(data_root)
    for attempt in (lambda: members.submit_update_file(path, channel_only=channel_only),
                    lambda: members.sign_update_file(path, "coreenterprise")):
        with pytest.raises(OrgChangeError) as refused:
            attempt()
        assert str(refused.value).startswith(
            f"ban-k (BanKMSP) cannot join: its MSP ID BanKMSP is, in another case, org bank's MSP ID "
            f"BankMSP, so either could be taken for the other. Sign and submit none of {path}: the org "
            f"chooses another name"), str(refused.value)
    assert not channel_peer.exists() and membership.load_state(data_root) == recorded


def test_an_add_file_whose_msp_id_is_an_unrecorded_channel_orgs_in_another_case_is_refused(
        channel_peer, topology, data_root, tmp_path):
    """The channel took bankx (BankxMSP) from another host, which this data folder does not record."""
    bankx = membership.new_org_spec(topology, "bankx", "bank", CODE)
    with_bankx = membership.with_orgs(topology, [*topology.orgs, bankx])
    crypto.generate(with_bankx, data_root, only=["bankx"])     # its certificates only make its group here
    config = channel_config_of(with_bankx, data_root)
    (tmp_path / "current.block").write_bytes(config_block(config, topology.channel).SerializeToString())
    members = OrgMembership(Network(topology, data_root=data_root, timeout=5))
    path = _written_elsewhere(members, topology, data_root, tmp_path, "bank-x")
    with pytest.raises(OrgChangeError) as refused:
        members.submit_update_file(path, channel_only=True)
    assert str(refused.value).startswith(
        f"bank-x (BankXMSP) cannot join: its MSP ID BankXMSP is, in another case, BankxMSP, an MSP ID of the "
        f"channel {topology.channel}, so either could be taken for the other. Sign and submit none of "
        f"{path}"), str(refused.value)
    assert not channel_peer.exists()
