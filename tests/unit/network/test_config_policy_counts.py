"""What a policy check counts and reports as Fabric evaluates the policy: a signature policy part by part
of its top rule (a nested rule one part, a principal two parts name two), an ImplicitMeta policy over no
child group met with no signature at all, a listed admin certificate the admin whatever its CRLs say."""
from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import serialization
from fabric_protos.common import configtx_pb2
from fabric_protos.msp import msp_config_pb2

from client.ledger import config_policies
from network import config_policy, config_signing
from network.org_definition import policy_from

from .channel_fixtures import channel_config
from .test_config_policy import _with_crl, bank_anchor_update, user, with_bank_admins


@pytest.fixture
def current(topology, data_root) -> configtx_pb2.Config:
    return channel_config(topology, data_root)


def _verdict(topology, data_root, config: configtx_pb2.Config, signers: list[tuple[str, str | None]]):
    update = bank_anchor_update(config)
    signatures = [config_signing.sign(update, user(topology, data_root, org, name)) for org, name in signers]
    return config_policy.evaluate(config, config_signing.envelope(update, signatures))


def test_a_nested_rule_is_counted_as_one_part_of_the_top_rule(topology, data_root, current):
    """OutOf(2, AND(bank, supplier), regulator) signed by the bank's and the supplier's admins has one of
    its two parts: the regulator's admin is missing, one of it, not "missing 0" of a policy not met."""
    config = with_bank_admins(current,
                              "OutOf(2, AND('BankMSP.admin', 'SupplierMSP.admin'), 'RegulatorMSP.admin')")
    verdict = _verdict(topology, data_root, config, [("bank", None), ("supplier", None)])
    [check] = verdict.checks
    assert not verdict.ok
    assert (check.needed, check.parts, check.met) == (
        2, ["AND('BankMSP.admin', 'SupplierMSP.admin')", "RegulatorMSP.admin"],
        ["AND('BankMSP.admin', 'SupplierMSP.admin')"])
    assert verdict.missing == ["RegulatorMSP.admin"]
    assert check.describe().endswith(
        "needs 2 of 2 parts of the rule, has 1 (AND('BankMSP.admin', 'SupplierMSP.admin')): "
        "missing 1 of RegulatorMSP.admin")
    met = _verdict(topology, data_root, config, [("bank", None), ("supplier", None), ("regulator", None)])
    assert met.ok and met.checks[0].describe().endswith(
        "needs 2 of 2 parts of the rule: met by AND('BankMSP.admin', 'SupplierMSP.admin'), "
        "RegulatorMSP.admin")


def test_a_principal_two_parts_name_is_needed_and_missing_twice(topology, data_root, current):
    """OutOf(2, 'BankMSP.member', 'BankMSP.member') needs two of the bank's identities: with one signing, the
    check names the bank's member as missing once, where it named no one ("missing 1 of ")."""
    config = with_bank_admins(current, "OutOf(2, 'BankMSP.member', 'BankMSP.member')")
    verdict = _verdict(topology, data_root, config, [("bank", None)])
    assert not verdict.ok and verdict.missing == ["BankMSP.member"]
    assert verdict.checks[0].describe().endswith(
        "needs 2 of 2 principals, has 1 (BankMSP.member): missing 1 of BankMSP.member")
    assert _verdict(topology, data_root, config, [("bank", None), ("bank", "officer1")]).ok


@pytest.mark.parametrize("rule", ["ANY", "MAJORITY", "ALL"])
def test_an_implicit_meta_policy_over_no_group_is_met_by_no_signature(current, rule):
    """Fabric takes 0 as the threshold of an ImplicitMeta policy whose group has no child group: met, as the
    ordering service finds it, where it was reported as needing 1 of 0 orgs, missing no one."""
    empty = configtx_pb2.Config()
    empty.CopyFrom(current)
    application = empty.channel_group.groups["Application"]
    for msp_id in list(application.groups):
        del application.groups[msp_id]
    application.policies["Admins"].policy.value = policy_from(
        {"Type": "ImplicitMeta", "Rule": f"{rule} Admins"}).value
    verdict = config_policies.evaluate_signed(empty, ("Channel", "Application", "Admins"), [])
    assert verdict.ok, verdict.describe()
    assert verdict.describe() == (f"/Channel/Application/Admins ({rule} Admins) needs 0 of 0 org admins: "
                                  f"met by no signature, none being needed")


def _listing_admin(config: configtx_pb2.Config, msp_id: str, certificate_pem: bytes) -> configtx_pb2.Config:
    """A copy of the config whose org msp_id's MSP (NodeOUs on) lists certificate_pem among its admins."""
    changed = configtx_pb2.Config()
    changed.CopyFrom(config)
    value = changed.channel_group.groups["Application"].groups[msp_id].values["MSP"]
    outer = msp_config_pb2.MSPConfig.FromString(value.value)
    conf = msp_config_pb2.FabricMSPConfig.FromString(outer.config)
    assert conf.fabric_node_ous.enable
    conf.admins.append(certificate_pem)
    outer.config = conf.SerializeToString()
    value.value = outer.SerializeToString()
    return changed


def test_a_listed_admin_its_crl_revokes_still_counts_as_the_admin_as_fabric_takes_it(topology, data_root,
                                                                                      current):
    """With NodeOUs on, Fabric takes one of the MSP's admincerts as the ADMIN principal before it validates
    the identity (satisfiesPrincipalInternalV142): its CA's CRL listing it keeps it from no admin policy,
    where the check ignored its signature as revoked. For any other principal it is still refused."""
    admin = user(topology, data_root, "bank")
    certificate = admin.identity.certificate
    revoked = _with_crl(current, topology, data_root, "bank", "bank", certificate.serial_number)
    config = _listing_admin(revoked, "BankMSP", certificate.public_bytes(serialization.Encoding.PEM))
    verdict = _verdict(topology, data_root, config, [("bank", None)])
    assert verdict.ok and verdict.invalid_signatures == [], verdict.describe()
    assert verdict.checks[0].met == ["BankMSP.admin"]
    members = with_bank_admins(config, "OR('BankMSP.member')")
    as_member = _verdict(topology, data_root, members, [("bank", None)])
    assert not as_member.ok and as_member.missing == ["BankMSP.member"]
    # not listed, the same revoked admin counts for nothing, as before
    assert not _verdict(topology, data_root, revoked, [("bank", None)]).ok
