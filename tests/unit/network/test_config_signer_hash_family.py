"""An org admin signs a config update in the signature hash family of its own MSP in the channel config, the
one the ordering service verifies its signature in (Fabric's msp/identities.go ``Verify``: SHA3-256 for an
MSP set to SHA3, SHA-256 for SHA2, the default): `recfin org sign`, `org add|remove --update-out` and the
signatures made before a direct submit. Signed over SHA-256 whatever the MSP said, an admin of a SHA3 org
produced a signature the orderer refused."""
from __future__ import annotations

import pytest

from client.ledger.msp import SIGNATURE_HASHES
from network import config_signing, membership
from network.channel_config import ConfigUpdateError
from network.crypto import org_crypto
from network.org_change import plan_add

from .channel_fixtures import channel_config as build_config
from .channel_fixtures import with_org_keys
from .scripted_channel import BANK2_CODE, ScriptedChannel, host
from .test_config_signature_hash_family import _with_family


@pytest.fixture
def grown(topology, data_root):
    """The topology with bank2, its keys made: the org the update adds."""
    return with_org_keys(topology, data_root, membership.new_org_spec(topology, "bank2", "bank",
                                                                      enterprise=BANK2_CODE))


def _admin(topology, data_root, org_name: str) -> config_signing.AdminSigner:
    org = topology.org(org_name)
    return config_signing.load_admin(org_crypto(data_root, org.name, org.domain).user_msp(org.admin), org.msp_id)


def _valid(envelope, config=None) -> dict[str, bool]:
    """Whether each signer's signature verifies, by MSP ID: in ``config``'s families, else over SHA-256."""
    return {signed.msp_id: signed.valid for signed in config_signing.signers(envelope, config)}


def test_every_family_fabric_verifies_has_its_signing_digest():
    assert config_signing.SIGNING_DIGESTS.keys() == SIGNATURE_HASHES.keys()


def test_a_sha3_orgs_admin_signs_the_sha3_256_digest(topology, data_root, grown):
    current = _with_family(build_config(topology, data_root), "BankMSP", "SHA3")
    update = plan_add(grown, data_root, current, "bank2", sign_as=["supplier"]).update
    signature = config_signing.sign(update, _admin(topology, data_root, "bank"), current)
    envelope = config_signing.envelope(update, [signature])
    assert _valid(envelope, current) == {"BankMSP": True}
    assert _valid(envelope) == {"BankMSP": False}                # not over SHA-256


def test_a_sha2_orgs_admin_still_signs_the_sha256_digest(topology, data_root, grown):
    current = _with_family(build_config(topology, data_root), "BankMSP", "SHA3")
    update = plan_add(grown, data_root, current, "bank2", sign_as=["supplier"]).update
    signature = config_signing.sign(update, _admin(topology, data_root, "supplier"), current)
    envelope = config_signing.envelope(update, [signature])
    assert _valid(envelope, current) == _valid(envelope) == {"SupplierMSP": True}
    assert _valid(envelope, _with_family(current, "SupplierMSP", "SHA3")) == {"SupplierMSP": False}


def test_the_admins_signing_an_org_in_count_a_sha3_orgs_signature(topology, data_root, grown):
    current = _with_family(build_config(topology, data_root), "BankMSP", "SHA3")
    change = plan_add(grown, data_root, current, "bank2", sign_as=["bank", "supplier"])
    assert change.verdict.invalid_signatures == []
    assert sorted(change.verdict.signed_by) == ["BankMSP", "SupplierMSP"]
    assert _valid(change.envelope(), current) == {"BankMSP": True, "SupplierMSP": True}


def test_an_admin_of_an_msp_of_a_family_fabric_does_not_know_signs_nothing(topology, data_root,
                                                                             grown):
    current = _with_family(build_config(topology, data_root), "BankMSP", "MD5")
    update = plan_add(grown, data_root, current, "bank2", sign_as=["supplier"]).update
    refused = (r"^BankMSP's MSP in the channel config sets signature hash family 'MD5', which Fabric's MSP does "
               r"not know \(SHA2 or SHA3\), so the ordering service verifies no signature of its admins\. "
               r"Nothing signed: have the other orgs' admins sign it$")
    with pytest.raises(ConfigUpdateError, match=refused):
        config_signing.sign(update, _admin(topology, data_root, "bank"), current)


def test_org_sign_as_a_sha3_orgs_admin_writes_a_signature_the_orderer_counts(fake_fabric, topology, data_root,
                                                                              tmp_path):
    current = _with_family(build_config(topology, data_root), "RegulatorMSP", "SHA3")
    channel = ScriptedChannel(topology, current)
    writer = host(topology, data_root, channel)
    path = writer.write_update(writer.plan_add("bank2", "bank", BANK2_CODE, sign_as=["bank"]),
                               tmp_path / "bank2.tx")

    signer, checked = host(topology, data_root, channel).sign_update_file(path, "regulator")
    assert signer.startswith("RegulatorMSP CN=admin@regulator")
    assert checked.verdict.signed_by == ["BankMSP", "RegulatorMSP"]
    written = config_signing.read_update_file(path)[1]
    assert _valid(written, current) == {"BankMSP": True, "RegulatorMSP": True}
    assert _valid(written) == {"BankMSP": True, "RegulatorMSP": False}   # over SHA-256 it would not count


def test_writing_the_update_again_keeps_a_sha3_orgs_signature(fake_fabric, topology, data_root, tmp_path):
    current = _with_family(build_config(topology, data_root), "BankMSP", "SHA3")
    channel = ScriptedChannel(topology, current)
    writer = host(topology, data_root, channel)
    path = writer.write_update(writer.plan_add("bank2", "bank", BANK2_CODE, sign_as=["bank"]),
                               tmp_path / "bank2.tx")
    writer.write_update(writer.plan_add("bank2", "bank", BANK2_CODE, sign_as=["supplier"]), path)
    assert _valid(config_signing.read_update_file(path)[1], current) == {"BankMSP": True, "SupplierMSP": True}
