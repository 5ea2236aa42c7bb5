"""A config update's signature is verified in the signature hash family of its signer's MSP in the channel
config, as Fabric's MSP verifies every signature (msp/identities.go ``Verify``): an admin of an org whose MSP
is set to SHA3 signs the SHA3-256 digest (as `recfin org sign` does; `peer channel signconfigtx` cannot, it
signs over SHA-256 whatever the channel config says, Fabric building the CLI's MSP with the SHA2 family), and
the ordering service counts that signature, where the check before submitting counted it as not verifying."""
from __future__ import annotations

import os

import pytest
from fabric_protos.common import common_pb2, configtx_pb2
from fabric_protos.msp import msp_config_pb2

from client.gateway import hashing
from network import config_policy, config_signing, membership
from network.crypto import org_crypto
from network.org_change import plan_add

from tests.unit.receivables_client.audit_ledger import with_signature_hash_family

from .channel_fixtures import channel_config as build_config
from .channel_fixtures import with_org_keys


@pytest.fixture
def grown(topology, data_root):
    """The topology with bank2, its keys made: the org the update adds."""
    return with_org_keys(topology, data_root,
                         membership.new_org_spec(topology, "bank2", "bank", enterprise="91110000MA1K00006B"))


def _with_family(config: configtx_pb2.Config, msp_id: str, family: str) -> configtx_pb2.Config:
    """config with the application org ``msp_id``'s MSP set to the signature hash ``family``."""
    value = config.channel_group.groups["Application"].groups[msp_id].values["MSP"]
    value.value = with_signature_hash_family(msp_config_pb2.MSPConfig.FromString(value.value),
                                             family).SerializeToString()
    return config


def _signed_over(digest, update_bytes: bytes,
                 admin: config_signing.AdminSigner) -> configtx_pb2.ConfigSignature:
    """admin's ConfigSignature over update_bytes, the signed bytes hashed with ``digest``."""
    header = common_pb2.SignatureHeader(creator=admin.identity.serialize(), nonce=os.urandom(24))
    signed = header.SerializeToString() + update_bytes
    return configtx_pb2.ConfigSignature(signature_header=header.SerializeToString(),
                                        signature=admin.signer(digest(signed)))


def _bank_signed(topology, grown, data_root, family: str, digest):
    """The verdict on the update adding bank2 (of ``grown``), signed by SupplierMSP's admin (SHA-256) and
    BankMSP's, over ``digest``, under the channel config of ``topology``, its BankMSP set to ``family``."""
    current = _with_family(build_config(topology, data_root), "BankMSP", family)
    change = plan_add(grown, data_root, current, "bank2", sign_as=["supplier"])
    bank = topology.org("bank")
    admin = config_signing.load_admin(org_crypto(data_root, bank.name, bank.domain).user_msp(bank.admin),
                                      bank.msp_id)
    update_bytes = change.update.SerializeToString()
    signatures = [*change.signatures.values(), _signed_over(digest, update_bytes, admin)]
    return config_policy.evaluate(current, config_signing.envelope(change.update, signatures))


def test_a_sha3_msp_admins_signature_over_sha3_256_counts(topology, grown, data_root):
    verdict = _bank_signed(topology, grown, data_root, "SHA3", hashing.sha3_256)
    assert verdict.invalid_signatures == []
    assert sorted(verdict.signed_by) == ["BankMSP", "SupplierMSP"]


def test_a_sha3_msp_admins_signature_over_sha256_is_refused(topology, grown, data_root):
    verdict = _bank_signed(topology, grown, data_root, "SHA3", hashing.sha256)
    assert verdict.signed_by == ["SupplierMSP"]
    assert len(verdict.invalid_signatures) == 1
    assert verdict.invalid_signatures[0].startswith("BankMSP ")
    assert "does not verify" in verdict.invalid_signatures[0]


def test_a_sha2_msp_admins_signature_is_verified_over_sha256(topology, grown, data_root):
    over_sha256 = _bank_signed(topology, grown, data_root, "SHA2", hashing.sha256)
    assert sorted(over_sha256.signed_by) == ["BankMSP", "SupplierMSP"]
    assert _bank_signed(topology, grown, data_root, "SHA2", hashing.sha3_256).signed_by == ["SupplierMSP"]


def test_an_msp_of_a_family_fabric_does_not_know_verifies_no_signature(topology, grown, data_root):
    verdict = _bank_signed(topology, grown, data_root, "MD5", hashing.sha256)
    assert verdict.signed_by == ["SupplierMSP"]
    assert len(verdict.invalid_signatures) == 1
    refused = verdict.invalid_signatures[0]
    assert "'MD5'" in refused and "verifies no signature" in refused
