"""What recfin sends is checked as the ordering service will get it: `peer channel update` signs as its
submitter over SHA-256 whatever the channel config says (Fabric builds the CLI's MSP with the SHA2 family,
msp/configbuilder.go), and the ordering service verifies that signature, on the update and on the
transaction, in the family of the submitter's MSP in the channel config. An admin of an org whose MSP is set
to SHA3 sends a signature that counts for nothing, so `org add|remove`, `org submit` and `org user revoke`
refuse it before sending, saying what to do; where another org's admin can submit, it does. The check counted
the submitter's own SHA3-256 signature, which never reaches the orderer."""
from __future__ import annotations

import pytest

from network import config_signing, crypto, membership, profiles
from network.org_membership import PolicyNotSatisfiedError
from network.org_users import CaFolder, OrgUsers, add_user

from .channel_fixtures import channel_config as build_config
from .scripted_channel import (BANK2_CODE, ChannelTakingUpdates, ScriptedChannel, admins_host, host,
                               with_update)
from .test_config_signature_hash_family import _with_family

SUPPLIER1_CODE = "91310000MA1K00002C"
REFUSED = (r"^not submitted: {msp}'s MSP in the channel config has signature hash family SHA3, and `peer "
           r"channel update` signs as its submitter, {msp}'s admin, over SHA-256 whatever the channel config "
           r"says \(Fabric builds the CLI's MSP with the SHA2 family\), so the ordering service would count "
           r"that signature for nothing, on the update as on the transaction, and refuse it")


def _sha3(topology, data_root, *msp_ids: str):
    """The channel config of the topology with these orgs' MSPs set to the SHA3 family."""
    config = build_config(topology, data_root)
    for msp_id in msp_ids:
        config = _with_family(config, msp_id, "SHA3")
    return config


def _adding(topology, data_root, channel, monkeypatch):
    """An OrgMembership on the scripted channel whose steps after the update (the orderer taking it, the new
    org's peer) do nothing: what is sent, or refused, is what is tested."""
    members = host(topology, data_root, channel)
    monkeypatch.setattr(members, "_wait_for_config", lambda *_args, **_kwargs: None)
    monkeypatch.setattr(members, "_after_add", lambda spec, grown: None)
    return members


# ---- org add, without --update-out -----------------------------------------------------------------------
def test_an_add_that_only_sha3_orgs_admins_sign_is_refused_before_anything_is_written_or_sent(
        fake_fabric, topology, data_root, monkeypatch):
    # MAJORITY of the 4 orgs' admins is 3: the 3 who sign are of SHA3 orgs, so one of them submits
    config = _sha3(topology, data_root, "CoreEnterpriseMSP", "SupplierMSP", "BankMSP")
    channel = ScriptedChannel(topology, config)
    members = _adding(topology, data_root, channel, monkeypatch)
    with pytest.raises(PolicyNotSatisfiedError, match=REFUSED.format(msp="CoreEnterpriseMSP")) as refused:
        members.add("bank2", "bank", BANK2_CODE, sign_as=["coreenterprise", "supplier", "bank"])
    message = str(refused.value)
    assert "missing 1 of" in message            # its own signature, as the CLI makes it, is not counted
    for way_out in ("--sign-as ORG", "--update-out FILE", "`recfin org sign FILE --as coreenterprise`",
                    "`recfin org submit FILE --as ORG`"):
        assert way_out in message
    assert channel.updates == []
    assert not (data_root / "crypto" / "bank2").exists()    # refused before the org's crypto is made
    assert membership.load_state(data_root)["added"] == []


def test_an_add_signed_by_a_sha2_orgs_admin_is_submitted_by_it_with_the_sha3_orgs_signature(
        fake_fabric, topology, data_root, monkeypatch):
    config = _sha3(topology, data_root, "BankMSP")
    channel = ScriptedChannel(topology, config)
    members = _adding(topology, data_root, channel, monkeypatch)
    members.add("bank2", "bank", BANK2_CODE, sign_as=["supplier", "bank", "regulator"])
    [(submitter, _env, sent)] = channel.updates
    assert submitter == "SupplierMSP"
    assert {s.msp_id: s.valid for s in config_signing.signers(sent, config)} == {"BankMSP": True,
                                                                                 "RegulatorMSP": True}


def test_of_the_signers_an_admin_of_a_sha2_org_submits_not_the_first_one_of_a_sha3_org(
        fake_fabric, topology, data_root, monkeypatch):
    config = _sha3(topology, data_root, "CoreEnterpriseMSP")
    channel = ScriptedChannel(topology, config)
    members = _adding(topology, data_root, channel, monkeypatch)
    members.add("bank2", "bank", BANK2_CODE, sign_as=["coreenterprise", "supplier", "bank"])
    [(submitter, _env, sent)] = channel.updates
    assert submitter == "SupplierMSP"      # CoreEnterpriseMSP comes first, and its signature would be lost
    assert sorted(s.msp_id for s in config_signing.signers(sent, config) if s.valid) == ["BankMSP",
                                                                                        "CoreEnterpriseMSP"]


# ---- org submit FILE --------------------------------------------------------------------------------------
@pytest.fixture
def sha3_core(fake_fabric, topology, data_root, tmp_path):
    """bank2's update file on a channel whose CoreEnterpriseMSP is SHA3, signed as bank there, and the
    channel set to take it: (the channel, the file)."""
    channel = ScriptedChannel(topology, _sha3(topology, data_root, "CoreEnterpriseMSP"))
    writer = host(topology, data_root, channel)
    change = writer.plan_add("bank2", "bank", BANK2_CODE, sign_as=["bank"])
    path = writer.write_update(change, tmp_path / "bank2.tx")
    channel.after = with_update(change.current, change.update)
    return channel, path


def test_a_file_a_sha3_org_signed_is_submitted_by_another_orgs_admin_whose_keys_are_here(
        sha3_core, topology, data_root, tmp_path):
    channel, path = sha3_core
    for org_name in ("coreenterprise", "supplier"):
        host(topology, data_root, channel).sign_update_file(path, org_name)
    # a host with the admin keys of CoreEnterpriseMSP, which signed, and of RegulatorMSP, which did not: the
    # signature of CoreEnterpriseMSP's admin counts in the channel's family, and would be lost submitting as
    # it
    root = admins_host(topology, data_root, tmp_path / "two-admins", "coreenterprise")
    admins_host(topology, data_root, root, "regulator", orderer_ca=False)
    host(topology, root, channel).submit_update_file(path, channel_only=True)
    [(submitter, _env, sent)] = channel.updates
    assert submitter == "RegulatorMSP"
    assert sorted(s.msp_id for s in config_signing.signers(sent, channel.config) if s.valid) == [
        "BankMSP", "CoreEnterpriseMSP", "SupplierMSP"]


def test_a_file_submitted_as_a_sha3_orgs_admin_is_refused_though_the_others_signatures_suffice(
        sha3_core, topology, data_root):
    channel, path = sha3_core
    for org_name in ("supplier", "regulator"):      # with bank's, 3 of 4 admins: the policy is met
        host(topology, data_root, channel).sign_update_file(path, org_name)
    members = host(topology, data_root, channel)
    with pytest.raises(PolicyNotSatisfiedError, match=REFUSED.format(msp="CoreEnterpriseMSP")) as refused:
        members.submit_update_file(path, channel_only=True, as_org="coreenterprise")
    # the transaction's signer, held to /Channel/Writers first, does not verify: no "as it would arrive" here
    assert "as it would arrive" not in str(refused.value)
    assert (f"Submit it as the admin of an org whose MSP is SHA2 (--as ORG, or from its host): "
            f"CoreEnterpriseMSP's admin's signature in the file, made with `recfin org sign {path} --as "
            f"coreenterprise`, then goes with it and counts") in str(refused.value)
    assert channel.updates == []
    members.submit_update_file(path, channel_only=True, as_org="supplier")
    assert [submitter for submitter, _env, _sent in channel.updates] == ["SupplierMSP"]


# ---- org user revoke -------------------------------------------------------------------------------------
def _with_supplier9(topology, data_root) -> None:
    add_user(CaFolder(data_root, topology.org("supplier")), "supplier9",
             {"recfin.enterprise": SUPPLIER1_CODE})
    profiles.write_all(membership.effective(topology, data_root), data_root)


def test_a_revocation_of_a_sha3_orgs_user_is_refused_before_it_is_sent(fake_fabric, topology, data_root):
    _with_supplier9(topology, data_root)
    channel = ChannelTakingUpdates(topology, _sha3(topology, data_root, "SupplierMSP"))
    with pytest.raises(PolicyNotSatisfiedError, match=REFUSED.format(msp="SupplierMSP")) as refused:
        OrgUsers(host(topology, data_root, channel)).revoke("supplier", "supplier9")
    message = str(refused.value)
    assert "missing 1 of SupplierMSP.admin" in message
    assert "Only SupplierMSP's admin can authorise a change of its MSP" in message
    assert "`recfin org remove supplier`, then `recfin org add`" in message
    assert channel.updates == []
    paths = crypto.org_crypto(data_root, "supplier", topology.org("supplier").domain)
    assert not (paths.msp_dir / "crls").exists()


def test_a_revocation_of_a_sha2_orgs_user_is_sent_as_before(fake_fabric, topology, data_root):
    _with_supplier9(topology, data_root)
    channel = ChannelTakingUpdates(topology, _sha3(topology, data_root, "BankMSP"))
    OrgUsers(host(topology, data_root, channel)).revoke("supplier", "supplier9")
    [(submitter, _env, sent)] = channel.updates
    assert submitter == "SupplierMSP" and list(sent.signatures) == []
