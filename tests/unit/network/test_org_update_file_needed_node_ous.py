"""An update file adding an org gives it the NodeOUs an org definition must have: NodeOUs on, with an OU for the
admin, peer and client roles.

The channel's policies name an org's admins, peers and clients by those roles (configtx.peer_org). With NodeOUs off
Fabric's MSP cannot tell a peer or client of the org from its others, so no one of it meets the policies naming
them, and its admins are its admincerts, which the receivables contract, knowing admins by the OU ``admin``, does
not read; with a role's OU unset, that role has no one in it. A definition lacking them is refused
(org_definition_file._node_ous); an update file written by another tool (or edited before anyone signed it) is
refused by `org sign` and `org submit` too, in the definition's words, before anything is signed or sent. So is
`org add` (without --definition) where the org's folder has such NodeOUs in its msp/config.yaml.
"""
from __future__ import annotations

import re

import pytest
from fabric_protos.common import configtx_pb2

from network import membership, org_definition_file
from network.crypto import org_crypto
from network.org_change import OrgChangeError, plan_add

from .channel_fixtures import channel_config
from .scripted_channel import host, signed_by_the_admins_as_written
from .test_org_file_joining_group_policies import joining, neither_signed_nor_submitted
from . import test_org_own_cas
from .test_org_own_cas import with_msp_config

company = test_org_own_cas.company     # the fixture of the tests this extends

# the words a definition lacking them is refused with (org_definition_file._node_ous)
RULE = ("but its NodeOUs must map roles (client, peer, admin, orderer; admin, peer, client among them) to OUs: the "
        "channel's policies name the org's admins, peers and clients by them")


def node_ous_off(conf) -> None:
    conf.fabric_node_ous.enable = False


def without_ou(*roles: str):
    def change(conf) -> None:
        for role in roles:
            conf.fabric_node_ous.ClearField(f"{role}_ou_identifier")
    return change


def edited_msp(change):
    """An edit of the update making change(config) to the joining org's FabricMSPConfig."""
    def edit(update: configtx_pb2.ConfigUpdate) -> None:
        joining(update).CopyFrom(with_msp_config(joining(update), change))
    return edit


@pytest.mark.parametrize("change, said", [
    (node_ous_off, "NodeOUs switched off"),
    (without_ou("admin"), "no OU for the admin role"),
    (without_ou("peer"), "no OU for the peer role"),
    (without_ou("client"), "no OU for the client role"),
    (without_ou("peer", "client"), "no OU for the peer or client role"),
    (without_ou("admin", "peer", "client", "orderer"), "no OU for the admin, peer or client role"),
])
def test_an_update_adding_an_org_without_the_node_ous_a_definition_needs_is_neither_signed_nor_submitted(
        channel, bank2_update_file, topology, data_root, tmp_path, change, said):
    update_change, _path = bank2_update_file
    edited = signed_by_the_admins_as_written(update_change, topology, data_root, tmp_path, edited_msp(change))
    refused = (rf"^the update adds Bank2MSP with {re.escape(said)}, {re.escape(RULE)}\. Sign and submit none of "
               rf"{re.escape(str(edited))}: the update is written again from the definition the company sends "
               rf"\(`recfin org add --definition`\), which `recfin org keys` writes with those OUs$")
    neither_signed_nor_submitted(edited, refused, channel, topology, data_root, tmp_path)


def test_the_rule_is_the_one_a_definition_is_refused_by(tmp_path):
    """The update file's refusal says what a definition's says, so the two cannot drift apart."""
    with pytest.raises(org_definition_file.OrgDefinitionError) as refused:
        org_definition_file._node_ous({"admin": "admin", "client": "client"}, tmp_path / "bank2.definition.json")
    assert str(refused.value).endswith("msp.node_ous must " + RULE.removeprefix("but its NodeOUs must "))


def test_an_update_without_the_optional_orderer_ou_is_signed(channel, bank2_update_file, topology, data_root,
                                                             tmp_path):
    """The orderer role may be left out of a peer org's NodeOUs, as of a definition's."""
    update_change, _path = bank2_update_file
    edited = signed_by_the_admins_as_written(update_change, topology, data_root, tmp_path,
                                             edited_msp(without_ou("orderer")))
    before = edited.read_bytes()
    host(topology, data_root, channel).sign_update_file(edited, "coreenterprise")
    assert edited.read_bytes() != before


def test_org_add_refuses_an_org_folder_without_a_peer_ou(company, hosts, network_host, tmp_path):
    spec = company.definition.org
    grown = membership.with_orgs(hosts, [*hosts.orgs, spec])
    folder = org_crypto(tmp_path / "org-root", spec.name, spec.domain)
    without_peer = {role: ou for role, ou in company.definition.node_ous.items() if role != "peer"}
    org_definition_file.write_public_msp(folder, company.definition.ca_cert, company.definition.tlsca_cert,
                                         without_peer)
    with pytest.raises(OrgChangeError, match=rf"^the update adds Bank2MSP with no OU for the peer role, "
                                             rf"{re.escape(RULE)}\. Nothing was signed: bank2's NodeOUs are those "
                                             rf"of {re.escape(str(folder.msp_dir / 'config.yaml'))}: correct them "
                                             rf"there"):
        plan_add(grown, network_host, channel_config(hosts, network_host), "bank2", ["bank"],
                 org_root=tmp_path / "org-root")
