"""An update file adding an org gives its admins and nodes the OUs the receivables contract knows them by.

The contract cannot read the channel's MSPs: it takes a certificate carrying OU ``admin`` for an org admin and one
carrying OU ``peer`` or ``orderer`` for a node's identity, which it never binds to a party
(chaincode/receivables/identity.py). An org definition is held to that (test_org_definition_node_ous.py); an update
file written by another tool (or edited before anyone signed it) is held to it too by `org sign` and `org submit`,
however the file was written: with the client role's OU ``peer`` the contract would refuse every user of the org as
a node's, with the peer role's OU ``node`` it would take the org's peers for clients a party can bind. Refused
before anything is signed or sent, naming the role, the OU it has and the one the contract knows. So is `org add`
(without --definition) where the org's folder in the data folder has such NodeOUs in its msp/config.yaml.
"""
from __future__ import annotations

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


def with_node_ou(role: str, ou: str):
    """An edit of the update giving the joining MSP's role this NodeOU identifier."""
    def edit(update: configtx_pb2.ConfigUpdate) -> None:
        def change(conf) -> None:
            getattr(conf.fabric_node_ous, f"{role}_ou_identifier").organizational_unit_identifier = ou
        joining(update).CopyFrom(with_msp_config(joining(update), change))
    return edit


@pytest.mark.parametrize("role, ou, said, whom, known, issued", [
    ("client", "peer", "the client OU is 'peer' too", "a peer's identity", "peer", "peers"),
    ("client", "orderer", "the client OU is 'orderer' too", "an orderer's identity", "orderer", "orderers"),
    ("peer", "node", "the peer OU is 'node'", "a peer's identity", "peer", "peers"),
    ("peer", "Peer", "the peer OU is 'Peer'", "a peer's identity", "peer", "peers"),
    ("orderer", "node", "the orderer OU is 'node'", "an orderer's identity", "orderer", "orderers"),
    ("admin", "peer", "the admin OU is 'peer'", "an org's admins", "admin", "admin"),
])
def test_an_update_adding_an_org_whose_node_ous_the_contract_misreads_is_neither_signed_nor_submitted(
        channel, bank2_update_file, topology, data_root, tmp_path, role, ou, said, whom, known, issued):
    change, _path = bank2_update_file
    edited = signed_by_the_admins_as_written(change, topology, data_root, tmp_path, with_node_ou(role, ou))
    refused = (rf"^the update adds Bank2MSP with NodeOUs the receivables contract would misread: {said}, but the "
               rf"receivables contract knows {whom} by the OU '{known}' alone: issue the org's {issued} with OU "
               rf"'{known}', give no other role that OU\. Sign and submit none of {edited}: the update is written "
               rf"again from the definition the company sends \(`recfin org add --definition`\), which `recfin org "
               rf"keys` writes with those OUs$")
    neither_signed_nor_submitted(edited, refused, channel, topology, data_root, tmp_path)


def test_an_update_giving_the_client_role_an_ou_of_the_orgs_own_is_signed(
        channel, bank2_update_file, topology, data_root, tmp_path):
    """The contract reads no client OU: an org's clients may carry one of its own choosing, as in a definition."""
    change, _path = bank2_update_file
    edited = signed_by_the_admins_as_written(change, topology, data_root, tmp_path, with_node_ou("client", "customers"))
    before = edited.read_bytes()
    host(topology, data_root, channel).sign_update_file(edited, "coreenterprise")
    assert edited.read_bytes() != before


def test_org_add_refuses_an_org_folder_whose_node_ous_the_contract_misreads(company, hosts, network_host, tmp_path):
    spec = company.definition.org
    grown = membership.with_orgs(hosts, [*hosts.orgs, spec])
    folder = org_crypto(tmp_path / "org-root", spec.name, spec.domain)
    org_definition_file.write_public_msp(folder, company.definition.ca_cert, company.definition.tlsca_cert,
                                         {**company.definition.node_ous, "peer": "node"})
    with pytest.raises(OrgChangeError, match=rf"^the update adds Bank2MSP with NodeOUs the receivables contract "
                                             rf"would misread: the peer OU is 'node', but .*\. Nothing was signed: "
                                             rf"bank2's NodeOUs are those of {folder.msp_dir / 'config.yaml'}: "
                                             rf"correct them there, or move {folder.root} out of the data folder"):
        plan_add(grown, network_host, channel_config(hosts, network_host), "bank2", ["bank"],
                 org_root=tmp_path / "org-root")
    # the same folder with the OUs the generator writes is planned
    org_definition_file.write_public_msp(folder, company.definition.ca_cert, company.definition.tlsca_cert,
                                         company.definition.node_ous)
    assert plan_add(grown, network_host, channel_config(hosts, network_host), "bank2", ["bank"],
                    org_root=tmp_path / "org-root").org.name == "bank2"
