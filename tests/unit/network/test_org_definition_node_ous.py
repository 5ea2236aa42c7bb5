"""An org definition `recfin org add` takes gives its admins and nodes the OUs the receivables contract knows them by.

The contract cannot read the channel's MSPs: it takes a certificate carrying OU ``admin`` (and no other role's OU)
for an org admin, and one carrying OU ``peer`` or ``orderer`` for a node's identity, which it never binds to a party
(chaincode/receivables/identity.py). A joining org mapping its client or admin role to a node's OU would have its
users refused as nodes'; one mapping its peer or orderer role to another word would have its nodes' identities taken
for clients a party can bind. What recfin itself writes (network/crypto.py: each role's OU is its name) passes.
"""

from __future__ import annotations

import pytest

from network import crypto, membership, org_definition_file
from network.crypto import org_crypto
from network.org_definition import msp_node_config
from network.org_definition_file import OrgDefinitionError

from . import test_org_own_keys
from .test_org_definition_admin_ou import _admin_cert_with_ou
from .test_org_own_keys import _altered

company, sent = test_org_own_keys.company, test_org_own_keys.sent   # the fixtures of the tests these extend


@pytest.mark.parametrize("node_ou", ["peer", "orderer"])
def test_a_definition_giving_the_client_role_a_nodes_ou_is_refused(sent, tmp_path, node_ou):
    path = _altered(sent, tmp_path, lambda d: d["msp"]["node_ous"].update(client=node_ou))
    with pytest.raises(OrgDefinitionError, match=f"the client OU is '{node_ou}' too, but the receivables contract "
                                                 f"knows an? {node_ou}'s identity by the OU '{node_ou}' alone: "
                                                 f"issue the org's {node_ou}s with OU '{node_ou}', give no other "
                                                 f"role that OU"):
        org_definition_file.read(path)


def test_a_definition_giving_the_admin_role_the_peer_ou_is_refused(company, sent, tmp_path):
    as_peer = _admin_cert_with_ou(company, "peer")
    path = _altered(sent, tmp_path, lambda d: (d["msp"]["node_ous"].update(admin="peer"),
                                               d.update(admin_cert=as_peer)))
    with pytest.raises(OrgDefinitionError, match="the admin OU is 'peer', but the receivables contract knows an "
                                                 "org's admins by the OU 'admin' alone"):
        org_definition_file.read(path)


@pytest.mark.parametrize("role", ["peer", "orderer"])
def test_a_definition_giving_a_node_role_another_ou_is_refused(sent, tmp_path, role):
    path = _altered(sent, tmp_path, lambda d: d["msp"]["node_ous"].update({role: "node"}))
    with pytest.raises(OrgDefinitionError, match=f"the {role} OU is 'node', but the receivables contract knows an? "
                                                 f"{role}'s identity by the OU '{role}' alone: issue the org's "
                                                 f"{role}s with OU '{role}'"):
        org_definition_file.read(path)


def test_a_node_role_differing_only_in_case_is_refused(sent, tmp_path):
    """Fabric's MSP and the contract match NodeOU identifiers exactly: ``Peer`` is not ``peer``."""
    path = _altered(sent, tmp_path, lambda d: d["msp"]["node_ous"].update(peer="Peer"))
    with pytest.raises(OrgDefinitionError, match="the peer OU is 'Peer', but"):
        org_definition_file.read(path)


def test_a_client_ou_of_the_orgs_own_is_taken(sent, tmp_path):
    """The contract reads no client OU: an org's clients may carry one of its own choosing (org_users.client_ou)."""
    path = _altered(sent, tmp_path, lambda d: d["msp"]["node_ous"].update(client="customers"))
    assert org_definition_file.read(path).node_ous["client"] == "customers"


def test_a_definition_without_the_orderer_role_is_taken(sent, tmp_path):
    path = _altered(sent, tmp_path, lambda d: d["msp"]["node_ous"].pop("orderer"))
    assert "orderer" not in org_definition_file.read(path).node_ous


def test_every_msp_the_generator_writes_for_the_network_passes(hosts, prepared_hosts):
    """The native network's MSPs (the orderer org's and each node's included), as the channel would read their
    NodeOUs: the rule holds recfin's own orgs to nothing they do not already do."""
    configs = sorted(prepared_hosts.rglob("msp/config.yaml"))
    assert {path.relative_to(prepared_hosts).parts[1] for path in configs} >= \
        {hosts.orderer_org.name, *(org.name for org in hosts.orgs)}
    for config in configs:
        node_ous = msp_node_config(config.parent)["NodeOUs"]
        roles = {key.removesuffix("OUIdentifier").lower(): value["OrganizationalUnitIdentifier"]
                 for key, value in node_ous.items() if key.endswith("OUIdentifier")}
        org_definition_file._contract_role_ous(roles, config)
    for org in hosts.orgs:
        org_definition_file.check(org_definition_file.from_crypto(hosts, prepared_hosts, org.name), org.name)


def test_an_org_added_without_a_definition_file_passes(hosts, network_host):
    """`recfin org add` without --definition makes the org's crypto with the generator (OrgAdmin._generate): the
    definition of that org, as the channel gets it, passes the check a definition file is held to."""
    spec = membership.new_org_spec(hosts, "bank3", "bank", "91110000MA1K00007E")
    grown = membership.with_orgs(hosts, [*hosts.orgs, spec])
    crypto.generate(grown, network_host, only=[spec.name], adding=[spec.name])
    assert (org_crypto(network_host, spec.name, spec.domain).msp_dir / "config.yaml").is_file()
    definition = org_definition_file.from_crypto(grown, network_host, spec.name)
    org_definition_file.check(definition, spec.name)
    assert definition.node_ous == {"client": "client", "peer": "peer", "admin": "admin", "orderer": "orderer"}
