"""`recfin org sign` writes only a signature the ordering service would count for the update's policies.

The signer names its org (--as) and may give an MSP folder (--msp-dir); a client's folder, another org's,
or an org the channel does not have signs bytes Fabric counts for no principal of the update. Written, the
file would name the org among its signers while the verdict still missed it, and the next admin of that org
would take it as signed. So such a signature is refused, naming the identity and what to sign with, and the
file is left as it was.
"""
from __future__ import annotations

import pytest

from network import channel_config, config_signing
from network.crypto import org_crypto
from network.org_change import OrgChangeError

from .channel_fixtures import channel_config as channel_config_of
from .scripted_channel import ScriptedChannel, host
from .test_org_file_elsewhere import CODE


def written_against(channel: ScriptedChannel, topology, data_root, tmp_path):
    writer = host(topology, data_root, channel)
    change = writer.plan_add("bank2", "bank", CODE, sign_as=["bank"])
    return writer.write_update(change, tmp_path / "bank2.tx")


def signers_of(path) -> list[str]:
    envelope = config_signing.read_update_file(path)[1]
    return [f"{s.msp_id} {s.subject}" for s in config_signing.signers(envelope)]


def test_a_signature_that_is_no_admins_is_not_written(fake_fabric, topology, data_root, tmp_path):
    channel = ScriptedChannel(topology, channel_config_of(topology, data_root))
    path = written_against(channel, topology, data_root, tmp_path)
    before = path.read_bytes()
    regulator, bank = topology.org("regulator"), topology.org("bank")
    client_msp = org_crypto(data_root, regulator.name, regulator.domain).user_msp(regulator.users[0].name)
    refused = (rf"^the identity in {client_msp} \(RegulatorMSP CN=inspector1@regulator.*\) is not an "
               rf"admin of RegulatorMSP as the channel's config has it, so Fabric counts its signature for "
               rf"nothing\. Nothing written: sign with RegulatorMSP's admin's MSP folder \(--msp-dir\)$")
    with pytest.raises(OrgChangeError, match=refused):
        host(topology, data_root, channel).sign_update_file(path, "regulator", client_msp)
    banks_admin = org_crypto(data_root, bank.name, bank.domain).user_msp(bank.admin)
    with pytest.raises(OrgChangeError, match=r"\(SupplierMSP CN=admin@bank.* is not an admin of SupplierMSP"):
        host(topology, data_root, channel).sign_update_file(path, "supplier", banks_admin)
    assert path.read_bytes() == before

    signer, checked = host(topology, data_root, channel).sign_update_file(path, "regulator")
    assert signer.startswith("RegulatorMSP CN=admin@regulator")
    assert checked.verdict.signed_by == ["BankMSP", "RegulatorMSP"]


def test_the_admin_of_an_org_the_channel_does_not_have_signs_nothing(fake_fabric, topology, data_root,
                                                                     tmp_path):
    # coreenterprise is in this data folder's topology, but not (or no longer) in the channel
    current = channel_config.without_org(channel_config_of(topology, data_root), "CoreEnterpriseMSP")
    channel = ScriptedChannel(topology, current)
    path = written_against(channel, topology, data_root, tmp_path)
    before = path.read_bytes()
    refused = (r"^CoreEnterpriseMSP is not an org of the channel receivables \(its orgs are BankMSP, "
               r"RegulatorMSP, SupplierMSP\): Fabric counts its admin's signature for none of the update's "
               r"policies\. Nothing written: the admins of the channel's orgs sign it$")
    with pytest.raises(OrgChangeError, match=refused):
        host(topology, data_root, channel).sign_update_file(path, "coreenterprise")
    assert path.read_bytes() == before and len(signers_of(path)) == 1
