"""Channel config updates computed in Python: adding and removing an org, on real Fabric protos."""
from __future__ import annotations

import pytest
from cryptography import x509
from fabric_protos.common import common_pb2, configtx_pb2, policies_pb2
from fabric_protos.msp import msp_config_pb2, msp_principal_pb2

from network import channel_config, membership
from network.channel_config import ConfigUpdateError
from network.crypto import org_crypto
from network.org_change import change_rows, plan_add, plan_remove, removed_members
from network.org_definition import anchor_peers_value, decode_anchor_peers, decode_msp

from .channel_fixtures import APPLICATION_VERSION, SUPPLIER_VERSION, channel_config as build_config, config_block
from .channel_fixtures import with_org_keys

ORGS = ["BankMSP", "CoreEnterpriseMSP", "RegulatorMSP", "SupplierMSP"]


@pytest.fixture
def with_bank2(topology, data_root):
    """The topology with a second bank org, its crypto generated into data_root."""
    return with_org_keys(topology, data_root,
                         membership.new_org_spec(topology, "bank2", "bank", enterprise="91110000MA1K00006B"))


@pytest.fixture
def current(topology, data_root):
    return build_config(topology, data_root)


def test_a_config_block_decodes_to_its_config(topology, current):
    block = config_block(current, topology.channel, number=7)
    decoded = channel_config.config_from_block(block.SerializeToString())
    assert decoded == current
    assert channel_config.channel_id_of_block(block) == "receivables"
    assert channel_config.application_orgs(decoded) == ORGS


def test_a_block_that_is_no_config_block_is_refused(topology, current):
    block = config_block(current, topology.channel)
    env = common_pb2.Envelope.FromString(block.data.data[0])
    payload = common_pb2.Payload.FromString(env.payload)
    payload.header.channel_header = common_pb2.ChannelHeader(
        type=common_pb2.ENDORSER_TRANSACTION, channel_id="receivables").SerializeToString()
    block.data.data[0] = common_pb2.Envelope(payload=payload.SerializeToString()).SerializeToString()
    with pytest.raises(ConfigUpdateError, match="not a config block"):
        channel_config.config_from_block(block)


def test_adding_an_org_bumps_application_only_and_carries_the_others_at_their_versions(with_bank2, data_root, current):
    change = plan_add(with_bank2, data_root, current, "bank2")
    update = change.update
    assert update.channel_id == "receivables"
    # The channel group is carried, not bumped; the orderer section is not touched at all.
    assert update.read_set.version == update.write_set.version == 0
    assert set(update.read_set.groups) == set(update.write_set.groups) == {"Application"}
    read_app, write_app = update.read_set.groups["Application"], update.write_set.groups["Application"]
    assert (read_app.version, write_app.version) == (APPLICATION_VERSION, APPLICATION_VERSION + 1)
    assert write_app.mod_policy == "Admins"
    # Every existing org is listed at its own version in both sets, with nothing inside.
    assert sorted(read_app.groups) == ORGS
    assert sorted(write_app.groups) == sorted(ORGS + ["Bank2MSP"])
    for msp in ORGS:
        expected = SUPPLIER_VERSION if msp == "SupplierMSP" else 0
        assert read_app.groups[msp] == write_app.groups[msp] == configtx_pb2.ConfigGroup(version=expected)
    # Application's own policies are carried at their versions.
    assert set(write_app.policies) == set(current.channel_group.groups["Application"].policies)
    assert all(not p.HasField("policy") for p in write_app.policies.values())
    # The new org arrives whole, every element at version 0, each modifiable by its admins.
    new = write_app.groups["Bank2MSP"]
    assert new.version == 0 and new.mod_policy == "Admins"
    assert set(new.values) == {"MSP", "AnchorPeers"} and set(new.policies) == {"Readers", "Writers", "Admins", "Endorsement"}
    assert all(v.version == 0 and v.mod_policy == "Admins" for v in [*new.values.values(), *new.policies.values()])
    changed = {("/".join(p), kind) for p, kind, _, _ in channel_config.changed_elements(update)}
    assert ("Channel/Application", "group") in changed and ("Channel/Application/Bank2MSP", "group") in changed
    assert ("Channel", "group") not in changed and ("Channel/Application/SupplierMSP", "group") not in changed


def test_the_new_orgs_msp_value_decodes_back_to_its_certificates(with_bank2, data_root, current):
    change = plan_add(with_bank2, data_root, current, "bank2")
    group = change.update.write_set.groups["Application"].groups["Bank2MSP"]
    msp = decode_msp(group)
    paths = org_crypto(data_root, "bank2", "bank2.recfin.local")
    assert msp.msp_id == "Bank2MSP"
    assert msp.root_certs == (paths.ca_cert.read_bytes(),)
    assert msp.tls_root_certs == (paths.tlsca_cert.read_bytes(),)
    assert msp.node_ous == {"client": "client", "peer": "peer", "admin": "admin", "orderer": "orderer"}
    raw = msp_config_pb2.FabricMSPConfig.FromString(msp_config_pb2.MSPConfig.FromString(group.values["MSP"].value).config)
    assert raw.fabric_node_ous.admin_ou_identifier.certificate == paths.ca_cert.read_bytes()
    assert raw.crypto_config.identity_identifier_hash_function == "SHA256"
    # The admin certificate of the new org chains to the root the MSP value carries.
    admin = x509.load_pem_x509_certificate((paths.user_msp("admin") / "signcerts" / "cert.pem").read_bytes())
    admin.verify_directly_issued_by(x509.load_pem_x509_certificate(msp.root_certs[0]))
    anchor = with_bank2.peers("bank2")[0]
    assert decode_anchor_peers(group) == [(anchor.host, anchor.ports["port"])]
    admins = policies_pb2.SignaturePolicyEnvelope.FromString(group.policies["Admins"].policy.value)
    roles = [msp_principal_pb2.MSPRole.FromString(i.principal) for i in admins.identities]
    assert [(r.msp_identifier, r.role) for r in roles] == [("Bank2MSP", msp_principal_pb2.MSPRole.ADMIN)]


def test_removing_an_org_bumps_application_and_drops_the_org(topology, data_root, current):
    change = plan_remove(topology, data_root, current, "regulator")
    read_app = change.update.read_set.groups["Application"]
    write_app = change.update.write_set.groups["Application"]
    assert write_app.version == read_app.version + 1
    # The read set names the members that stay, at their versions; the leaving org is in neither set.
    assert sorted(read_app.groups) == sorted(write_app.groups) == ["BankMSP", "CoreEnterpriseMSP", "SupplierMSP"]
    assert removed_members(current, change.update) == ["group /Channel/Application/RegulatorMSP"]
    assert change.summary()["removed_members"] == ["group /Channel/Application/RegulatorMSP"]


def test_changing_one_value_bumps_that_value_alone(topology, data_root, current):
    desired = configtx_pb2.Config()
    desired.CopyFrom(current)
    anchors = desired.channel_group.groups["Application"].groups["SupplierMSP"].values["AnchorPeers"]
    anchors.value = anchor_peers_value([{"Host": "peer1.supplier.recfin.local", "Port": 8151}]).value
    update = channel_config.compute_update("receivables", current, desired)
    read_org = update.read_set.groups["Application"].groups["SupplierMSP"]
    write_org = update.write_set.groups["Application"].groups["SupplierMSP"]
    # Membership unchanged: the org and Application are carried at their versions, holding the change only.
    assert update.write_set.groups["Application"].version == APPLICATION_VERSION
    assert read_org.version == write_org.version == SUPPLIER_VERSION
    assert set(write_org.values) == {"AnchorPeers"} and not read_org.values
    assert write_org.values["AnchorPeers"].version == 1
    assert [("/".join(p), k) for p, k, _, _ in channel_config.changed_elements(update)] == [
        ("Channel/Application/SupplierMSP/AnchorPeers", "value")]


def test_no_change_and_duplicate_or_unknown_orgs_are_refused(topology, data_root, current):
    with pytest.raises(ConfigUpdateError, match="nothing to update"):
        channel_config.compute_update("receivables", current, current)
    bank = current.channel_group.groups["Application"].groups["BankMSP"]
    with pytest.raises(ConfigUpdateError, match="BankMSP is already an org of the channel"):
        channel_config.with_org(current, "BankMSP", bank)
    with pytest.raises(ConfigUpdateError, match="Bank9MSP is not an org of the channel"):
        channel_config.without_org(current, "Bank9MSP")


def _weakened_endorsement(current: configtx_pb2.Config) -> configtx_pb2.ConfigPolicy:
    """The channel's Application Endorsement policy at its next version, any one org's endorsement sufficing."""
    weakened = configtx_pb2.ConfigPolicy()
    weakened.CopyFrom(current.channel_group.groups["Application"].policies["Endorsement"])
    weakened.policy.value = policies_pb2.ImplicitMetaPolicy(
        rule=policies_pb2.ImplicitMetaPolicy.ANY, sub_policy="Endorsement").SerializeToString()
    weakened.version += 1
    return weakened


def test_an_org_change_that_changes_anything_else_too_is_refused_naming_it(with_bank2, topology, data_root,
                                                                           current):
    adding = plan_add(with_bank2, data_root, current, "bank2").update
    # what it carries besides (the org's spec in isolated_data) enters no config: the plain update passes
    assert channel_config.org_membership_change(current, adding) == ("add", "Bank2MSP")
    smuggled = configtx_pb2.ConfigUpdate()
    smuggled.CopyFrom(adding)
    smuggled.write_set.groups["Application"].policies["Endorsement"].CopyFrom(_weakened_endorsement(current))
    with pytest.raises(ConfigUpdateError, match=r"adds Bank2MSP, but also does what adding Bank2MSP does not: "
                                                r"writes policy /Channel/Application/Endorsement at version 1") as refused:
        channel_config.org_membership_change(current, smuggled)
    assert "--update-out" in str(refused.value)

    removing = plan_remove(topology, data_root, current, "regulator").update
    assert channel_config.org_membership_change(current, removing) == ("remove", "RegulatorMSP")
    smuggled.CopyFrom(removing)
    smuggled.write_set.values["HashingAlgorithm"].CopyFrom(configtx_pb2.ConfigValue(version=1, mod_policy="Admins"))
    smuggled.read_set.groups["Orderer"].version = 0
    with pytest.raises(ConfigUpdateError, match=r"removes RegulatorMSP, but .*: reads group /Channel/Orderer at "
                                                r"version 0 as it is; writes value /Channel/HashingAlgorithm "
                                                r"at version 1, mod_policy Admins\. Refused"):
        channel_config.org_membership_change(current, smuggled)


def test_a_value_changed_in_a_group_not_bumped_shows_the_version_it_has_in_the_config(current):
    anchors = current.channel_group.groups["Application"].groups["BankMSP"].values["AnchorPeers"]
    anchors.version = 4                                  # changed four times before
    desired = configtx_pb2.Config()
    desired.CopyFrom(current)
    desired.channel_group.groups["Application"].groups["BankMSP"].values["AnchorPeers"].value = b""
    update = channel_config.compute_update("receivables", current, desired)
    assert change_rows(update, current) == [{"element": "/Channel/Application/BankMSP/AnchorPeers", "kind": "value",
                                             "version": 4, "new_version": 5}]
    # a new element still has no version before
    grown = channel_config.with_org(current, "Bank9MSP", current.channel_group.groups["Application"].groups["BankMSP"])
    rows = change_rows(channel_config.compute_update("receivables", current, grown), current)
    assert {r["element"]: r["version"] for r in rows if r["kind"] == "group"} == {
        "/Channel/Application": APPLICATION_VERSION, "/Channel/Application/Bank9MSP": None}
