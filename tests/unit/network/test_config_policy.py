"""Who must sign a config update, checked against real signatures before anything is submitted."""
from __future__ import annotations

import datetime as dt

import pytest
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed, decode_dss_signature, encode_dss_signature
from cryptography.x509.oid import ExtensionOID
from fabric_protos.common import common_pb2, configtx_pb2, policies_pb2
from fabric_protos.msp import msp_config_pb2

from client.gateway import Identity
from client.ledger import config_policies
from client.gateway._signer import _CURVE_ORDERS, VERIFIED_CURVE_ORDERS, to_low_s
from network import channel_config, config_policy, config_signing, crl, crypto, membership
from network.crypto import org_crypto
from network.org_change import OrgChangeError, plan_add, plan_remove
from network.org_definition import PolicySyntaxError, decode_msp, signature_policy, with_revocation_list

from .channel_fixtures import channel_config as build_config
from .channel_fixtures import crl_without_aki, org_crl, with_crls, with_org_keys


@pytest.fixture
def grown(topology, data_root):
    return with_org_keys(topology, data_root,
                         membership.new_org_spec(topology, "bank2", "bank", enterprise="91110000MA1K00006B"))


@pytest.fixture
def current(topology, data_root):
    return build_config(topology, data_root)


def user(topology, data_root, org_name, user_name=None) -> config_signing.AdminSigner:
    org = topology.org(org_name)
    return config_signing.load_admin(org_crypto(data_root, org.name, org.domain).user_msp(user_name or org.admin),
                                     org.msp_id)


def high_s(signature: configtx_pb2.ConfigSignature, order: int) -> configtx_pb2.ConfigSignature:
    """The other form of the same ECDSA signature (S replaced by order - S): it verifies under the key, and
    Fabric refuses it."""
    r, s = decode_dss_signature(signature.signature)
    return configtx_pb2.ConfigSignature(signature_header=signature.signature_header,
                                        signature=encode_dss_signature(r, order - s))


def bank_anchor_update(config: configtx_pb2.Config) -> configtx_pb2.ConfigUpdate:
    """An update of BankMSP's AnchorPeers value: authorised by /Channel/Application/BankMSP/Admins."""
    desired = configtx_pb2.Config()
    desired.CopyFrom(config)
    desired.channel_group.groups["Application"].groups["BankMSP"].values["AnchorPeers"].value = b""
    return channel_config.compute_update("receivables", config, desired)


def with_bank_admins(config: configtx_pb2.Config, rule: str) -> configtx_pb2.Config:
    """A copy of the config whose BankMSP Admins policy is the signature policy rule."""
    changed = configtx_pb2.Config()
    changed.CopyFrom(config)
    changed.channel_group.groups["Application"].groups["BankMSP"].policies["Admins"].policy.CopyFrom(
        policies_pb2.Policy(type=policies_pb2.Policy.SIGNATURE, value=signature_policy(rule).SerializeToString()))
    return changed


def without_node_ous(config: configtx_pb2.Config, msp_id: str, admins: list[bytes]) -> configtx_pb2.Config:
    """A copy of the config whose org msp_id has an MSP without NodeOUs, its admins the certificates listed."""
    changed = configtx_pb2.Config()
    changed.CopyFrom(config)
    value = changed.channel_group.groups["Application"].groups[msp_id].values["MSP"]
    outer = msp_config_pb2.MSPConfig.FromString(value.value)
    conf = msp_config_pb2.FabricMSPConfig.FromString(outer.config)
    conf.ClearField("fabric_node_ous")
    del conf.admins[:]
    conf.admins.extend(admins)
    outer.config = conf.SerializeToString()
    value.value = outer.SerializeToString()
    return changed


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


@pytest.mark.parametrize("owner, claimed", [("supplier", "RegulatorMSP"), ("regulator", "CoreEnterpriseMSP")])
def test_a_certificate_presented_under_another_orgs_msp_id_counts_for_neither(grown, data_root, current, owner,
                                                                              claimed):
    """Fabric deserializes a signer with the MSP its signature names: one whose CA did not issue the certificate, so
    the signer is neither that org's admin nor (its own MSP not asked) its own org's."""
    change = plan_add(grown, data_root, current, "bank2", sign_as=["bank"])
    owners_admin = user(grown, data_root, owner)
    impostor = config_signing.AdminSigner(Identity(claimed, owners_admin.identity.credentials), owners_admin.signer)
    signatures = [*change.signatures.values(), config_signing.sign(change.update, impostor)]
    verdict = config_policy.evaluate(current, config_signing.envelope(change.update, signatures))
    assert not verdict.ok and verdict.checks[0].met == ["BankMSP"]
    # the same certificate under its own MSP ID is its org's admin
    signatures[-1] = config_signing.sign(change.update, owners_admin)
    verdict = config_policy.evaluate(current, config_signing.envelope(change.update, signatures))
    assert verdict.checks[0].met == sorted(["BankMSP", owners_admin.msp_id])


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
    update = bank_anchor_update(current)
    supplier = config_signing.sign(update, user(topology, data_root, "supplier"))
    verdict = config_policy.evaluate(current, config_signing.envelope(update, [supplier]))
    [check] = verdict.checks
    assert (check.path, check.rule, check.satisfied) == ("/Channel/Application/BankMSP/Admins",
                                                         "OR('BankMSP.admin')", False)
    assert check.missing == ["BankMSP.admin"]
    bank = config_signing.sign(update, user(topology, data_root, "bank"))
    assert config_policy.evaluate(current, config_signing.envelope(update, [supplier, bank])).ok


def test_without_node_ous_an_admin_listed_in_the_msp_is_its_admin_and_no_other_identity_is(
        topology, data_root, current):
    """An MSP without NodeOUs (one Fabric's older tools made) names its admins by certificate: the listed one
    meets 'BankMSP.admin'; another identity of its CA does not, whatever OU its certificate carries."""
    bank_admin = user(topology, data_root, "bank")
    config = without_node_ous(current, "BankMSP", [bank_admin.identity.credentials])
    update = bank_anchor_update(config)
    officer = config_signing.sign(update, user(topology, data_root, "bank", "officer1"))
    verdict = config_policy.evaluate(config, config_signing.envelope(update, [officer]))
    assert not verdict.ok and verdict.checks[0].missing == ["BankMSP.admin"]
    verdict = config_policy.evaluate(config, config_signing.envelope(update, [config_signing.sign(update, bank_admin)]))
    assert verdict.ok and verdict.checks[0].met == ["BankMSP.admin"]
    # listed no more: the same certificate, its OU admin, is no admin of an MSP without NodeOUs
    unlisted = without_node_ous(current, "BankMSP", [])
    assert not config_policy.evaluate(unlisted, config_signing.envelope(update, [config_signing.sign(update,
                                                                                                     bank_admin)])).ok


def test_a_failed_inner_rule_leaves_its_signers_for_the_next_as_fabric_does(topology, data_root, current):
    """Fabric's NOutOf tries each sub-rule on a copy of the used signers and keeps it only when the sub-rule is met:
    the bank admin, taken by the unmet AND, still meets the OR's second rule."""
    config = with_bank_admins(current, "OR(AND('BankMSP.admin', 'SupplierMSP.admin'), 'BankMSP.admin')")
    update = bank_anchor_update(config)
    bank = config_signing.sign(update, user(topology, data_root, "bank"))
    verdict = config_policy.evaluate(config, config_signing.envelope(update, [bank]))
    assert verdict.ok and verdict.checks[0].met == ["BankMSP.admin"], verdict.describe()
    supplier = config_signing.sign(update, user(topology, data_root, "supplier"))
    assert not config_policy.evaluate(config, config_signing.envelope(update, [supplier])).ok


def test_a_signature_rule_fabric_refuses_to_compile_is_met_by_nobody(topology, data_root, current):
    """A rule of neither kind and a leaf indexing no principal: Fabric compiles neither, so no signature is taken to
    meet them (client.ledger.signature_policy). Read as an n-out-of, the first would be met (0 of 0); the second
    would index past the principals, or, at -1, the last of them."""
    every_peer = [("BankMSP", "peer"), ("SupplierMSP", "peer")]
    envelope = signature_policy("OR('BankMSP.peer', 'SupplierMSP.peer')")
    assert config_policy.met_by(envelope, every_peer)
    for malformed in (policies_pb2.SignaturePolicy(), policies_pb2.SignaturePolicy(signed_by=2),
                      policies_pb2.SignaturePolicy(signed_by=-1)):
        envelope.rule.CopyFrom(malformed)
        assert not config_policy.met_by(envelope, every_peer), malformed
    config = with_bank_admins(current, "OR('BankMSP.admin')")
    admins = config.channel_group.groups["Application"].groups["BankMSP"].policies["Admins"].policy
    neither = policies_pb2.SignaturePolicyEnvelope.FromString(admins.value)
    neither.ClearField("rule")
    admins.value = neither.SerializeToString()
    update = bank_anchor_update(config)
    bank = config_signing.sign(update, user(topology, data_root, "bank"))
    verdict = config_policy.evaluate(config, config_signing.envelope(update, [bank]))
    assert not verdict.ok and verdict.checks[0].met == [], verdict.describe()
    assert "needs 1 of 1 principals, has 0: missing 1 of BankMSP.admin" in verdict.describe()


@pytest.mark.parametrize("index", [1, 5, -1])
def test_a_leaf_indexing_no_principal_is_rendered_and_counted_as_none(index):
    """Past the principals or negative (Python would read -1 as the last one): the check that reports such a policy
    renders the leaf as naming nothing rather than failing or naming another principal, and no org is counted."""
    envelope = signature_policy("OR('BankMSP.admin')")
    envelope.rule.n_out_of.rules[0].signed_by = index
    assert config_policy.render_signature_rule(envelope) == f"OR('<no principal #{index}>')"
    assert config_policy.leaves_naming(envelope) == {}
    assert not config_policy.met_by(envelope, [("BankMSP", "admin")])


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
    order = _CURVE_ORDERS[user(grown, data_root, "bank").identity.certificate.public_key().curve.name]
    high = high_s(change.signatures["BankMSP"], order)
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


@pytest.mark.parametrize("listed", ["the admin", "another serial"])
def test_a_crl_without_authority_key_id_makes_every_identity_of_its_msp_count_for_nothing(
        grown, data_root, current, listed):
    admin_serial = user(grown, data_root, "supplier").identity.certificate.serial_number
    pem = crl_without_aki(grown, data_root, "supplier", admin_serial if listed == "the admin" else 12345)
    config = with_crls(current, "SupplierMSP", [pem])
    change = plan_add(grown, data_root, config, "bank2", sign_as=["bank", "supplier", "regulator"])
    assert not change.verdict.ok and change.verdict.checks[0].met == ["BankMSP", "RegulatorMSP"]
    [refused] = change.verdict.invalid_signatures
    assert refused.startswith("SupplierMSP ")
    assert "CRL 1 of 1 in SupplierMSP's MSP in the channel config" in refused and "CRL number 7" in refused
    assert "has no Authority Key Identifier, so Fabric fails every identity of SupplierMSP" in refused
    assert "carries its CA's key identifier" in refused
    # only the MSP holding it: the other orgs' admins still count
    assert change.verdict.signed_by == ["BankMSP", "RegulatorMSP"]


def test_fabric_stops_at_the_first_crl_that_refuses_an_identity(grown, data_root, current):
    admin_serial = user(grown, data_root, "supplier").identity.certificate.serial_number
    without_aki = crl_without_aki(grown, data_root, "supplier", 12345)
    ca = org_crypto(data_root, "supplier", grown.org("supplier").domain)
    revoking = crl.pem(crl.build(crypto.load_key(ca.ca_key), crypto.load_cert(ca.ca_cert),
                                 {admin_serial: dt.datetime.now(dt.timezone.utc)}, 3))
    for order, said in (([revoking, without_aki], "is revoked: CRL number 3 of its CA"),
                        ([without_aki, revoking], "CRL 1 of 2 in SupplierMSP's MSP")):
        config = with_crls(current, "SupplierMSP", order)
        [refused] = plan_add(grown, data_root, config, "bank2", sign_as=["supplier"]).verdict.invalid_signatures
        assert said in refused


def test_the_other_orgs_admins_remove_an_org_its_own_crl_locks_out(topology, data_root, current):
    """The way out `org user revoke` names for such an org: one level up, MAJORITY of the other orgs' admins."""
    config = with_crls(current, "SupplierMSP", [crl_without_aki(topology, data_root, "supplier", 12345)])
    change = plan_remove(topology, data_root, config, "supplier")
    assert change.verdict.ok and change.verdict.signed_by == ["BankMSP", "CoreEnterpriseMSP", "RegulatorMSP"]
    [check] = change.verdict.checks
    assert (check.path, check.needed, check.met) == ("/Channel/Application/Admins", 3,
                                                     ["BankMSP", "CoreEnterpriseMSP", "RegulatorMSP"])
    [refused] = change.verdict.invalid_signatures
    assert refused.startswith("SupplierMSP ") and "Its own admins cannot replace that CRL" in refused
    assert "`recfin org remove`, then `recfin org add`" in refused


def _locked(topology, data_root, config, *org_names):
    for name in org_names:
        config = with_crls(config, topology.org(name).msp_id, [crl_without_aki(topology, data_root, name, 12345)])
    return config


def _two_org_channel(current):
    for leaving in ("CoreEnterpriseMSP", "RegulatorMSP"):
        current = channel_config.without_org(current, leaving)
    return current


@pytest.mark.parametrize("channel, locked, way", [
    ("four orgs", ["supplier"], "3 of the other orgs' admins (BankMSP, CoreEnterpriseMSP, RegulatorMSP) remove the "
                                "org and add it again with a CRL that carries its CA's key identifier (`recfin org "
                                "remove`, then `recfin org add`)"),
    ("four orgs", ["supplier", "bank"], "One level up, /Channel/Application/Admins (MAJORITY Admins) could remove and "
                                        "add SupplierMSP's group again without its admins, but it needs 3 of 4 org "
                                        "admins and only 2 other org(s) can sign (CoreEnterpriseMSP, RegulatorMSP; "
                                        "BankMSP is locked out by its own CRL too): no config update can repair "
                                        "SupplierMSP on this channel"),
    ("two orgs", ["supplier"], "but it needs 2 of 2 org admins and only 1 other org(s) can sign (BankMSP): no config "
                               "update can repair SupplierMSP on this channel"),
])
def test_a_locked_out_signature_is_not_counted_with_the_way_out_the_channel_has(topology, data_root, current, channel,
                                                                              locked, way):
    config = _locked(topology, data_root, current if channel == "four orgs" else _two_org_channel(current), *locked)
    in_channel = channel_config.application_orgs(config)
    others = [o.name for o in topology.orgs if o.name != "supplier" and o.msp_id in in_channel]
    removal = plan_remove(topology, data_root, config, "supplier", sign_as=["supplier", *others])
    [refused] = [r for r in removal.verdict.invalid_signatures if r.startswith("SupplierMSP ")]
    assert "Its own admins cannot replace that CRL, their signatures failing the same way" in refused
    assert refused.endswith(way)
    # the way is open exactly where the removal, signed by every other org's admin, meets its policy
    assert removal.verdict.ok is ("can repair" not in way)


@pytest.mark.parametrize("locked", [["supplier"], ["supplier", "bank"], ["supplier", "bank", "regulator"]])
def test_the_way_out_counts_the_orgs_the_removals_own_verdict_counts(topology, data_root, current, locked):
    config = _locked(topology, data_root, current, *locked)
    way = config_policies.way_out(config, "SupplierMSP")
    removal = plan_remove(topology, data_root, config, "supplier")      # every org's admin signs
    [check] = removal.verdict.checks
    assert (way.open, way.check.met, way.check.path, way.check.needed) == (removal.verdict.ok, check.met, check.path,
                                                                           check.needed)
    assert way.locked_too == sorted(topology.org(name).msp_id for name in locked if name != "supplier")


def test_a_crl_whose_aki_fabric_reads_is_added_whatever_its_crl_number_is_encoded_as(grown, data_root, current):
    """Fabric decodes the AKI alone: a CRL number in BER (a long-form length) is nothing to it. Decoding every
    extension at once, as `cryptography`'s crl.extensions does, would take that CRL for one without an AKI."""
    paths = org_crypto(data_root, "bank2", grown.org("bank2").domain)
    ski = x509.SubjectKeyIdentifier.from_public_key(crypto.load_cert(paths.ca_cert).public_key())
    ber_number = x509.UnrecognizedExtension(ExtensionOID.CRL_NUMBER, b"\x02\x81\x01\x07")
    pem = org_crl(grown, data_root, "bank2", [x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski),
                                              ber_number])
    crl.crl_path(paths).parent.mkdir(parents=True, exist_ok=True)
    crl.crl_path(paths).write_bytes(pem)
    change = plan_add(grown, data_root, current, "bank2")
    assert change.verdict.ok
    assert decode_msp(change.update.write_set.groups["Application"].groups["Bank2MSP"]).revocation_list == (pem,)
    assert crl.number(crl.load(pem)) == 7


def test_a_crl_whose_aki_fabric_cannot_decode_is_refused_saying_so(grown, data_root, current):
    paths = org_crypto(data_root, "bank2", grown.org("bank2").domain)
    truncated = x509.UnrecognizedExtension(ExtensionOID.AUTHORITY_KEY_IDENTIFIER, b"\x30\x05\x80\x03\x01")
    crl.crl_path(paths).parent.mkdir(parents=True, exist_ok=True)
    crl.crl_path(paths).write_bytes(org_crl(grown, data_root, "bank2", [truncated, x509.CRLNumber(4)]))
    with pytest.raises(OrgChangeError) as refused:
        plan_add(grown, data_root, current, "bank2")
    assert ("CRL number 4) has an Authority Key Identifier that Fabric cannot decode (asn1: data truncated): once in "
            "the channel, Fabric would fail every identity of Bank2MSP") in str(refused.value)


@pytest.mark.parametrize("number, said", [
    (b"\x02\x05\x01", "CRL number unreadable ("),         # its INTEGER truncated
    (b"\x04\x01\x07", "CRL number unreadable ("),         # not an INTEGER
    (None, "no CRL number"),
])
def test_a_crl_without_an_aki_is_named_whatever_its_number(topology, data_root, current, number, said):
    extensions = [] if number is None else [x509.UnrecognizedExtension(ExtensionOID.CRL_NUMBER, number)]
    config = with_crls(current, "SupplierMSP", [org_crl(topology, data_root, "supplier", extensions)])
    removal = plan_remove(topology, data_root, config, "supplier")
    [refused] = removal.verdict.invalid_signatures
    assert "CRL 1 of 1 in SupplierMSP's MSP in the channel config (issuer CN=ca.supplier" in refused
    assert f", {said}" in refused and ") has no Authority Key Identifier, so Fabric fails" in refused


def test_an_org_is_not_added_with_a_crl_that_would_lock_it_out_of_its_own_group(grown, data_root, current):
    paths = org_crypto(data_root, "bank2", grown.org("bank2").domain)
    crl.crl_path(paths).parent.mkdir(parents=True, exist_ok=True)
    crl.crl_path(paths).write_bytes(crl_without_aki(grown, data_root, "bank2", 12345))
    with pytest.raises(OrgChangeError) as refused:
        plan_add(grown, data_root, current, "bank2")
    assert str(refused.value).startswith(f"CRL 1 of 1 in Bank2MSP's MSP from {crl.crl_path(paths).parent} (issuer ")
    assert "has no Authority Key Identifier" in str(refused.value) and "they could sign no change of its group" \
        in str(refused.value)
    # the same revocation with the CA's key identifier, as recfin writes CRLs: added, carrying it
    sound = crl.build(crypto.load_key(paths.ca_key), crypto.load_cert(paths.ca_cert),
                      {12345: dt.datetime.now(dt.timezone.utc)}, 7)
    crl.crl_path(paths).write_bytes(crl.pem(sound))
    change = plan_add(grown, data_root, current, "bank2")
    added = change.update.write_set.groups["Application"].groups["Bank2MSP"]
    assert change.verdict.ok and decode_msp(added).revocation_list == (crl.pem(sound),)


def test_a_second_signature_of_one_identity_counts_once(topology, data_root, current):
    """Fabric drops an identity's further signatures once one verified, so one admin cannot meet two principals."""
    update = bank_anchor_update(current)
    two_principals = with_bank_admins(current, "AND('BankMSP.admin', 'BankMSP.member')")
    admin = user(topology, data_root, "bank")
    twice = [config_signing.sign(update, admin), config_signing.sign(update, admin)]
    verdict = config_policy.evaluate(two_principals, config_signing.envelope(update, twice))
    assert not verdict.ok and verdict.checks[0].met == ["BankMSP.admin"]
    [refused] = verdict.invalid_signatures
    assert refused.startswith("BankMSP ") and "its identity signed already" in refused
    officer = config_signing.sign(update, user(topology, data_root, "bank", "officer1"))
    assert config_policy.evaluate(two_principals, config_signing.envelope(update, [twice[0], officer])).ok


def test_a_refused_signature_does_not_hide_a_later_one_of_the_same_identity(grown, data_root, current):
    change = plan_add(grown, data_root, current, "bank2", sign_as=["bank", "supplier", "regulator"])
    order = _CURVE_ORDERS[user(grown, data_root, "bank").identity.certificate.public_key().curve.name]
    high = high_s(change.signatures["BankMSP"], order)
    signatures = [high, *change.signatures.values()]
    verdict = config_policy.evaluate(current, config_signing.envelope(change.update, signatures))
    assert verdict.ok and len(verdict.invalid_signatures) == 1 and "upper half" in verdict.invalid_signatures[0]


def _low_s_signer(key: ec.EllipticCurvePrivateKey, order: int):
    return lambda digest: to_low_s(key.sign(digest, ec.ECDSA(Prehashed(hashes.SHA256()))), order)


@pytest.mark.parametrize("curve", [ec.SECP224R1(), ec.SECP521R1()])
def test_an_admin_key_on_any_curve_fabric_verifies_counts_and_high_s_is_refused(grown, data_root, current, curve):
    change = plan_add(grown, data_root, current, "bank2", sign_as=["bank", "regulator"])
    supplier = grown.org("supplier")
    ca = org_crypto(data_root, supplier.name, supplier.domain)
    key = ec.generate_private_key(curve)
    cert = crypto.issue(crypto.load_key(ca.ca_key), crypto.load_cert(ca.ca_cert), key, cn=f"admin2@{supplier.domain}",
                        org=supplier.domain, ou="admin")
    order = VERIFIED_CURVE_ORDERS[curve.name]
    admin = config_signing.AdminSigner(Identity("SupplierMSP", cert.public_bytes(serialization.Encoding.PEM)),
                                       _low_s_signer(key, order))
    low = config_signing.sign(change.update, admin)
    signatures = [*change.signatures.values(), low]
    verdict = config_policy.evaluate(current, config_signing.envelope(change.update, signatures))
    assert verdict.ok and verdict.invalid_signatures == [], verdict.invalid_signatures
    # the other form of the same signature verifies under the key too (so the order is the curve's): refused as high-S
    high = high_s(low, order)
    key.public_key().verify(high.signature, high.signature_header + change.update.SerializeToString(),
                            ec.ECDSA(hashes.SHA256()))
    [signed] = config_signing.signers(config_signing.envelope(change.update, [high]))
    assert not signed.valid and "S in the upper half of the curve order" in signed.problem


def test_a_curve_fabric_does_not_verify_is_named(grown, data_root, current):
    change = plan_add(grown, data_root, current, "bank2", sign_as=["bank"])
    supplier = grown.org("supplier")
    ca = org_crypto(data_root, supplier.name, supplier.domain)
    key = ec.generate_private_key(ec.SECP256K1())
    cert = crypto.issue(crypto.load_key(ca.ca_key), crypto.load_cert(ca.ca_cert), key, cn=f"admin2@{supplier.domain}",
                        org=supplier.domain, ou="admin")
    admin = config_signing.AdminSigner(Identity("SupplierMSP", cert.public_bytes(serialization.Encoding.PEM)),
                                       lambda digest: key.sign(digest, ec.ECDSA(Prehashed(hashes.SHA256()))))
    signature = config_signing.sign(change.update, admin)
    [signed] = config_signing.signers(config_signing.envelope(change.update, [signature]))
    assert not signed.valid and "curve secp256k1, which Fabric does not verify" in signed.problem
