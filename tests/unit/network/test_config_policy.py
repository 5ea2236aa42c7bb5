"""Who must sign a config update, checked against real signatures before anything is submitted."""
from __future__ import annotations

import datetime as dt

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature
from fabric_protos.common import common_pb2, configtx_pb2

from client.gateway import Identity
from client.gateway._signer import _CURVE_ORDERS
from network import channel_config, config_policy, config_signing, crl, crypto, membership
from network.crypto import org_crypto
from network.org_change import plan_add
from network.org_definition import PolicySyntaxError, signature_policy, with_revocation_list

from .channel_fixtures import channel_config as build_config


@pytest.fixture
def grown(topology, data_root):
    spec = membership.new_org_spec(topology, "bank2", "bank", enterprise="91110000MA1K00006B")
    topo = membership.with_orgs(topology, [*topology.orgs, spec])
    crypto.generate(topo, data_root)
    return topo


@pytest.fixture
def current(topology, data_root):
    return build_config(topology, data_root)


def user(topology, data_root, org_name, user_name=None) -> config_signing.AdminSigner:
    org = topology.org(org_name)
    return config_signing.load_admin(org_crypto(data_root, org.name, org.domain).user_msp(user_name or org.admin),
                                     org.msp_id)


def test_every_admin_signing_meets_majority_admins(grown, data_root, current):
    change = plan_add(grown, data_root, current, "bank2")
    assert sorted(change.signatures) == ["BankMSP", "CoreEnterpriseMSP", "RegulatorMSP", "SupplierMSP"]
    assert change.verdict.ok
    [check] = change.verdict.checks
    assert (check.path, check.rule, check.needed, len(check.parts)) == ("/Channel/Application/Admins",
                                                                        "MAJORITY Admins", 3, 4)
    assert check.for_elements == ["group /Channel/Application"]
    assert "met by BankMSP, CoreEnterpriseMSP, RegulatorMSP, SupplierMSP" in change.verdict.describe()


def test_too_few_admins_names_who_is_missing(grown, data_root, current):
    change = plan_add(grown, data_root, current, "bank2", sign_as=["bank", "supplier"])
    assert not change.verdict.ok
    assert change.verdict.describe() == (
        "/Channel/Application/Admins (MAJORITY Admins) needs 3 of 4 org admins, has 2 (BankMSP, SupplierMSP): "
        "missing 1 of CoreEnterpriseMSP, RegulatorMSP")
    summary = change.summary()
    assert summary["policy_satisfied"] is False
    assert summary["policies"][0]["missing"] == ["CoreEnterpriseMSP", "RegulatorMSP"]


def test_a_client_signature_is_no_admin_signature(grown, data_root, current):
    change = plan_add(grown, data_root, current, "bank2", sign_as=["bank", "supplier"])
    client = user(grown, data_root, "coreenterprise", "treasurer")
    signatures = [*change.signatures.values(), config_signing.sign(change.update, client)]
    verdict = config_policy.evaluate(current, config_signing.envelope(change.update, signatures))
    assert len(verdict.signers) == 3 and not verdict.ok
    assert verdict.checks[0].met == ["BankMSP", "SupplierMSP"]


def test_a_certificate_claiming_another_msp_counts_for_nobody(grown, data_root, current):
    change = plan_add(grown, data_root, current, "bank2", sign_as=["bank", "supplier"])
    supplier_admin = user(grown, data_root, "supplier")
    # The supplier admin's certificate presented as RegulatorMSP's: not issued by RegulatorMSP's CA.
    impostor = config_signing.AdminSigner(Identity("RegulatorMSP", supplier_admin.identity.credentials),
                                          supplier_admin.signer)
    signatures = [*change.signatures.values(), config_signing.sign(change.update, impostor)]
    verdict = config_policy.evaluate(current, config_signing.envelope(change.update, signatures))
    assert not verdict.ok and "RegulatorMSP" not in verdict.checks[0].met


def test_a_signature_over_other_bytes_is_ignored(grown, data_root, current):
    change = plan_add(grown, data_root, current, "bank2")
    forged = configtx_pb2.ConfigSignature()
    forged.CopyFrom(change.signatures["CoreEnterpriseMSP"])
    forged.signature = change.signatures["BankMSP"].signature       # a real signature, of another header
    signatures = [change.signatures["BankMSP"], change.signatures["SupplierMSP"], forged]
    verdict = config_policy.evaluate(current, config_signing.envelope(change.update, signatures))
    assert len(verdict.invalid_signatures) == 1 and verdict.invalid_signatures[0].startswith("CoreEnterpriseMSP ")
    assert not verdict.ok


def test_signatures_verify_with_the_signers_public_key(grown, data_root, current):
    change = plan_add(grown, data_root, current, "bank2")
    update_bytes = change.update.SerializeToString()
    sig = change.signatures["BankMSP"]
    header = common_pb2.SignatureHeader.FromString(sig.signature_header)
    assert len(header.nonce) == config_signing.NONCE_BYTES
    key = user(grown, data_root, "bank").identity.certificate.public_key()
    key.verify(sig.signature, sig.signature_header + update_bytes, ec.ECDSA(hashes.SHA256()))
    with pytest.raises(InvalidSignature):
        key.verify(sig.signature, sig.signature_header + update_bytes + b"x", ec.ECDSA(hashes.SHA256()))
    assert all(s.valid for s in config_signing.signers(change.envelope()))


def test_the_submitters_signature_can_be_left_for_the_cli_to_add(grown, data_root, current):
    change = plan_add(grown, data_root, current, "bank2")
    assert {s.msp_id for s in config_signing.signers(change.envelope(leave_out="BankMSP"))} == {
        "CoreEnterpriseMSP", "RegulatorMSP", "SupplierMSP"}
    tx = config_signing.config_tx("receivables", change.envelope())
    payload = common_pb2.Payload.FromString(tx.payload)
    header = common_pb2.ChannelHeader.FromString(payload.header.channel_header)
    assert (header.type, header.channel_id) == (common_pb2.CONFIG_UPDATE, "receivables")
    assert configtx_pb2.ConfigUpdateEnvelope.FromString(payload.data).config_update == change.update.SerializeToString()


def test_an_org_value_change_needs_that_orgs_own_admin(topology, data_root, current):
    desired = configtx_pb2.Config()
    desired.CopyFrom(current)
    desired.channel_group.groups["Application"].groups["BankMSP"].values["AnchorPeers"].value = b""
    update = channel_config.compute_update("receivables", current, desired)
    supplier = config_signing.sign(update, user(topology, data_root, "supplier"))
    verdict = config_policy.evaluate(current, config_signing.envelope(update, [supplier]))
    [check] = verdict.checks
    assert (check.path, check.rule, check.satisfied) == ("/Channel/Application/BankMSP/Admins",
                                                         "OR('BankMSP.admin')", False)
    assert check.missing == ["BankMSP.admin"]
    bank = config_signing.sign(update, user(topology, data_root, "bank"))
    assert config_policy.evaluate(current, config_signing.envelope(update, [supplier, bank])).ok


@pytest.mark.parametrize("text, rendered", [
    ("OR('BankMSP.admin')", "OR('BankMSP.admin')"),
    ("AND('AMSP.peer', 'BMSP.peer')", "AND('AMSP.peer', 'BMSP.peer')"),
    ("OutOf(2, 'AMSP.peer', 'BMSP.peer', 'CMSP.member')", "OutOf(2, 'AMSP.peer', 'BMSP.peer', 'CMSP.member')"),
    ("OR('AMSP.admin', AND('BMSP.client', 'CMSP.peer'))", "OR('AMSP.admin', AND('BMSP.client', 'CMSP.peer'))"),
])
def test_signature_policies_compile_and_render_back(text, rendered):
    assert config_policy.render_signature_rule(signature_policy(text)) == rendered


@pytest.mark.parametrize("text", ["OR('BankMSP.boss')", "OutOf(3, 'A.peer', 'B.peer')", "OR('A.peer'", "XOR('A.peer')",
                                  "OR('A.peer') extra"])
def test_malformed_signature_policies_say_what_is_wrong(text):
    with pytest.raises(PolicySyntaxError, match="policy"):
        signature_policy(text)


def _with_crl(current, topology, data_root, of_org: str, by_org: str, serial: int) -> configtx_pb2.Config:
    """current with of_org's MSP listing a CRL that by_org's CA made, naming serial."""
    issuer = topology.org(by_org)
    ca = org_crypto(data_root, issuer.name, issuer.domain)
    made = crl.build(crypto.load_key(ca.ca_key), crypto.load_cert(ca.ca_cert),
                     {serial: dt.datetime.now(dt.timezone.utc)}, 1)
    changed = configtx_pb2.Config()
    changed.CopyFrom(current)
    msp_id = topology.org(of_org).msp_id
    group = changed.channel_group.groups["Application"].groups[msp_id]
    group.CopyFrom(with_revocation_list(group, [crl.pem(made)]))
    return changed


def test_an_admin_its_own_cas_crl_revokes_counts_for_nobody(grown, data_root, current):
    serial = user(grown, data_root, "supplier").identity.certificate.serial_number
    revoked = _with_crl(current, grown, data_root, "supplier", "supplier", serial)
    change = plan_add(grown, data_root, revoked, "bank2", sign_as=["bank", "supplier", "regulator"])
    assert not change.verdict.ok and change.verdict.checks[0].met == ["BankMSP", "RegulatorMSP"]
    [refused] = change.verdict.invalid_signatures
    assert refused.startswith("SupplierMSP ") and f"serial {serial:x}) is revoked: CRL number 1 of its CA" in refused
    assert change.verdict.signed_by == ["BankMSP", "RegulatorMSP"]
    # a CRL another CA made revokes nothing of SupplierMSP's, as Fabric matches a CRL to the CA it names
    elsewhere = _with_crl(current, grown, data_root, "supplier", "bank", serial)
    assert plan_add(grown, data_root, elsewhere, "bank2", sign_as=["bank", "supplier", "regulator"]).verdict.ok


def test_a_high_s_signature_is_invalid_and_says_why(grown, data_root, current):
    change = plan_add(grown, data_root, current, "bank2", sign_as=["bank", "supplier", "regulator"])
    bank = change.signatures["BankMSP"]
    r, s = decode_dss_signature(bank.signature)
    order = _CURVE_ORDERS[user(grown, data_root, "bank").identity.certificate.public_key().curve.name]
    high = configtx_pb2.ConfigSignature(signature_header=bank.signature_header,
                                        signature=encode_dss_signature(r, order - s))
    update_envelope = config_signing.envelope(change.update, [high, change.signatures["SupplierMSP"],
                                                              change.signatures["RegulatorMSP"]])
    [bank_signed, *_] = config_signing.signers(update_envelope)
    assert not bank_signed.valid and "S in the upper half of the curve order" in bank_signed.problem
    # the same signature verifies under the key: only its form is refused
    bank_signed.certificate.public_key().verify(high.signature, high.signature_header + update_envelope.config_update,
                                                ec.ECDSA(hashes.SHA256()))
    verdict = config_policy.evaluate(current, update_envelope)
    assert not verdict.ok and verdict.checks[0].met == ["RegulatorMSP", "SupplierMSP"]
    assert len(verdict.invalid_signatures) == 1 and verdict.invalid_signatures[0].startswith("BankMSP ")
