"""A joining org's CAs are its own, and its name gives it hosts no other org has.

A channel org's CA certificates are public (every bundle holds them): an org added with one of them
as its own CA would take that org's identities for its own, and that org's admin would sign config
updates twice. `org add` (with or without --definition) refuses it, and so do `org sign` and `org
submit` for an update file written without the check, as they refuse one adding a group whose MSP
is named otherwise (Fabric knows an org by that name) or whose CA certificate does not load. A new
org whose host another org has is refused naming that org.
"""
from __future__ import annotations

import base64
import dataclasses
import datetime
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from fabric_protos.common import configtx_pb2
from fabric_protos.msp import msp_config_pb2

from network import channel_config as channel_config_module
from network import crypto, membership, org_change, org_definition_file, org_keys
from network.crypto import org_crypto
from network.errors import NetworkError
from network.org_change import OrgChangeError, plan_add, plan_add_defined
from network.org_definition import MSP_KEY, OrgMsp

from .channel_fixtures import channel_config
from .scripted_channel import ScriptedChannel, admins_host, host

CODE = "91110000MA1K00007E"


@pytest.fixture
def company(hosts, tmp_path) -> org_keys.OrgKeys:
    return org_keys.make(hosts, "bank2", "bank", CODE, tmp_path / "bank2-host" / "keys")


@pytest.fixture
def channel(fake_fabric, hosts, network_host) -> ScriptedChannel:
    return ScriptedChannel(hosts, channel_config(hosts, network_host))


def borrowing(company: org_keys.OrgKeys, network_host: Path, org_name: str, domain: str,
              tls_only: bool = False) -> org_definition_file.OrgDefinition:
    """bank2's definition with org_name's CA (and admin) or, tls_only, its TLS CA in place of its own."""
    theirs = org_crypto(network_host, org_name, domain)
    if tls_only:
        return dataclasses.replace(company.definition, tlsca_cert=theirs.tlsca_cert.read_bytes())
    admin = (theirs.user_msp("admin") / "signcerts" / "cert.pem").read_bytes()
    return dataclasses.replace(company.definition, ca_cert=theirs.ca_cert.read_bytes(),
                               tlsca_cert=theirs.tlsca_cert.read_bytes(), admin_cert=admin)


@pytest.mark.parametrize("org_name, domain, tls_only, refusal", [
    ("bank", "bank.recfin.local", False, r"Bank2MSP's CA certificate \(CN=ca.bank.recfin.local.*\) is the CA of "
                                         r"bank \(BankMSP\), an org of the channel: .*BankMSP's admin would sign "
                                         r"config updates as both orgs"),
    ("supplier", "supplier.recfin.local", True, r"Bank2MSP's TLS CA certificate \(CN=tlsca.supplier.recfin.local"
                                                r".*\) is the TLS CA of supplier \(SupplierMSP\)"),
    ("orderer", "orderer.recfin.local", False, r"is the CA of orderer \(OrdererMSP\)")])
def test_a_definition_whose_ca_is_a_channel_orgs_is_refused(company, hosts, network_host, org_name, domain,
                                                            tls_only, refusal):
    definition = borrowing(company, network_host, org_name, domain, tls_only)
    org_definition_file.check(definition, "the definition")        # what reading the file checks passes
    with pytest.raises(OrgChangeError, match=refusal + r".*makes a CA of its own with `recfin org keys`"):
        plan_add_defined(hosts, network_host, channel_config(hosts, network_host), definition, ["bank"])


def test_org_add_definition_refuses_a_channel_orgs_ca_before_anything_is_signed(company, channel, hosts,
                                                                                network_host):
    with pytest.raises(OrgChangeError, match=r"is the CA of bank \(BankMSP\)"):
        host(hosts, network_host, channel).plan_add_definition(borrowing(company, network_host, "bank",
                                                                         "bank.recfin.local"))
    assert not channel.updates


def test_a_copy_of_a_channel_orgs_ca_signed_again_as_an_intermediate_is_refused(company, hosts, network_host):
    """Its subject and key are the bank CA's, so it verifies what that CA issued, whatever root signed it."""
    bank_ca = crypto.load_cert(org_crypto(network_host, "bank", "bank.recfin.local").ca_cert)
    own_ca = crypto.load_cert(company.crypto / "ca" / "ca.pem")
    now = datetime.datetime.now(datetime.timezone.utc)
    copy = (x509.CertificateBuilder().subject_name(bank_ca.subject).issuer_name(own_ca.subject)
            .public_key(bank_ca.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(crypto.load_key(company.crypto / "ca" / "ca.key"), hashes.SHA256()))
    pem = copy.public_bytes(serialization.Encoding.PEM)
    assert pem != bank_ca.public_bytes(serialization.Encoding.PEM)
    definition = company.definition
    conf = msp_config_pb2.FabricMSPConfig(name="Bank2MSP", root_certs=[definition.ca_cert],
                                          intermediate_certs=[pem], tls_root_certs=[definition.tlsca_cert])
    msp = OrgMsp("Bank2MSP", (definition.ca_cert,), (definition.tlsca_cert,), definition.node_ous, config=conf)
    with pytest.raises(OrgChangeError, match=r"Bank2MSP's intermediate CA certificate \(CN=ca.bank.recfin.local"
                                             r".*\) is the CA of bank \(BankMSP\).*do this"):
        org_change.check_cas_its_own(msp, channel_config(hosts, network_host), hosts, "do this")
    own = OrgMsp("Bank2MSP", (definition.ca_cert,), (definition.tlsca_cert,), definition.node_ous)
    org_change.check_cas_its_own(own, channel_config(hosts, network_host), hosts, "do this")     # its own CAs pass


def test_org_add_refuses_an_org_folder_holding_a_channel_orgs_ca(company, hosts, network_host, tmp_path):
    spec = company.definition.org
    grown = membership.with_orgs(hosts, [*hosts.orgs, spec])
    bank = org_crypto(network_host, "bank", "bank.recfin.local")
    folder = org_crypto(tmp_path / "org-root", spec.name, spec.domain)
    org_definition_file.write_public_msp(folder, bank.ca_cert.read_bytes(), bank.tlsca_cert.read_bytes(),
                                         company.definition.node_ous)
    with pytest.raises(OrgChangeError, match=rf"is the CA of bank \(BankMSP\).*bank2 needs a CA of its own: move "
                                             rf"{folder.root} out of the data folder"):
        plan_add(grown, network_host, channel_config(hosts, network_host), "bank2", ["bank"],
                 org_root=tmp_path / "org-root")


def unreadable_ca_pem() -> bytes:
    """A CA certificate whose subject is not UTF-8 where it says it is: it loads, and fails when its subject is
    read."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.timezone.utc)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ZZZZ")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    der = cert.public_bytes(serialization.Encoding.DER).replace(b"\x0c\x04ZZZZ", b"\x0c\x04\xff\xfe\xff\xfe")
    return b"-----BEGIN CERTIFICATE-----\n" + base64.encodebytes(der) + b"-----END CERTIFICATE-----\n"


def with_msp_config(group: configtx_pb2.ConfigGroup, change) -> configtx_pb2.ConfigGroup:
    """A copy of an org group whose FabricMSPConfig change(config) has edited in place."""
    changed = configtx_pb2.ConfigGroup()
    changed.CopyFrom(group)
    outer = msp_config_pb2.MSPConfig.FromString(changed.values[MSP_KEY].value)
    conf = msp_config_pb2.FabricMSPConfig.FromString(outer.config)
    change(conf)
    outer.config = conf.SerializeToString()
    changed.values[MSP_KEY].value = outer.SerializeToString()
    return changed


def with_unreadable_intermediate(conf: msp_config_pb2.FabricMSPConfig) -> None:
    conf.intermediate_certs.append(unreadable_ca_pem())


# the group an update file adds in place of bank2's own, written from the channel config and bank2's group
FORGED_GROUPS = {
    "a channel org's MSP value, under another group":
        lambda current, group: current.channel_group.groups[channel_config_module.APPLICATION].groups["BankMSP"],
    "an MSP named other than its group":
        lambda current, group: with_msp_config(group, lambda conf: setattr(conf, "name", "OtherMSP")),
    "a CA certificate that does not load":
        lambda current, group: with_msp_config(group, with_unreadable_intermediate)}


# how the file's added group was written -> what org sign and org submit say of it
UNCHECKED_FILES = {
    "a channel org's CA": r"is the CA of bank \(BankMSP\)",
    "a channel org's MSP value, under another group": r"adds the group Bank2MSP with an MSP named BankMSP, the MSP ID "
                                                       r"of bank of the channel: Bank2MSP would take its identities "
                                                       r"for its own\. Sign and submit none of it",
    "an MSP named other than its group": r"adds the group Bank2MSP with an MSP named OtherMSP\. Sign and submit "
                                         r"none of it",
    "a CA certificate that does not load": r"Bank2MSP's intermediate CA certificate number 1 \(of 1\) does not "
                                           r"load .*cannot be told\. Sign and submit none of"}


@pytest.mark.parametrize("written_with", list(UNCHECKED_FILES))
def test_org_sign_and_submit_refuse_an_update_file_adding_an_org_not_its_own(
        company, channel, hosts, network_host, tmp_path, monkeypatch, written_with):
    """Written by a recfin without the check (or another tool), the file reaches the other admins signed."""
    writer = host(hosts, network_host, channel)
    definition = company.definition
    with monkeypatch.context() as unchecked:
        unchecked.setattr(org_change, "check_cas_its_own", lambda *args, **kwargs: None, raising=False)
        if written_with == "a channel org's CA":
            definition = borrowing(company, network_host, "bank", "bank.recfin.local")
        else:
            forged, real_with_org = FORGED_GROUPS[written_with], channel_config_module.with_org
            unchecked.setattr(channel_config_module, "with_org", lambda current, msp_id, group: real_with_org(
                current, msp_id, forged(current, group)))
        change = writer.plan_add_definition(definition, sign_as=["bank"])
    path = writer.write_update(change, tmp_path / "bank2.tx")
    signed = path.read_bytes()
    refusal = UNCHECKED_FILES[written_with]
    supplier_host = admins_host(hosts, network_host, tmp_path / "supplier-host", "supplier")
    with pytest.raises(OrgChangeError, match=refusal) as refused:
        host(hosts, supplier_host, channel).sign_update_file(path, "supplier")
    assert str(path) in str(refused.value)
    assert path.read_bytes() == signed
    with pytest.raises(OrgChangeError, match=refusal):
        host(hosts, network_host, channel).submit_update_file(path, channel_only=True)
    assert not channel.updates
    assert "bank2" not in [o.name for o in membership.effective(hosts, network_host).orgs]


def test_a_channel_orgs_ca_certificate_that_does_not_load_is_passed_over(company, hosts, network_host):
    """The channel took that MSP, and one certificate of it this host cannot read stops no org from joining; the
    others are still compared."""
    current = channel_config(hosts, network_host)
    banks = current.channel_group.groups[channel_config_module.APPLICATION].groups["BankMSP"]
    banks.CopyFrom(with_msp_config(banks, with_unreadable_intermediate))
    definition = company.definition
    own = OrgMsp("Bank2MSP", (definition.ca_cert,), (definition.tlsca_cert,), definition.node_ous)
    org_change.check_cas_its_own(own, current, hosts, "do this")
    borrowed = borrowing(company, network_host, "bank", "bank.recfin.local")
    with pytest.raises(OrgChangeError, match=r"is the CA of bank \(BankMSP\).*do this"):
        org_change.check_cas_its_own(OrgMsp("Bank2MSP", (borrowed.ca_cert,), (borrowed.tlsca_cert,),
                                            borrowed.node_ous), current, hosts, "do this")


def test_a_joining_ca_after_a_stray_begin_line_is_compared_as_fabric_reads_it(company, hosts, network_host):
    # an MSP folder file configtxgen keeps whole: Fabric's MSP reads the certificate after the BEGIN line Go passes
    # over, so it is that certificate which must be no channel org's CA
    current = channel_config(hosts, network_host)
    borrowed = borrowing(company, network_host, "bank", "bank.recfin.local")
    with pytest.raises(OrgChangeError, match=r"is the CA of bank \(BankMSP\).*do this"):
        org_change.check_cas_its_own(OrgMsp("Bank2MSP", (b"-----BEGIN CERTIFICATE-----\n" + borrowed.ca_cert,),
                                            (borrowed.tlsca_cert,), borrowed.node_ous), current, hosts, "do this")


# ---- a new org's name ------------------------------------------------------------------------------
def test_a_new_org_whose_host_another_org_has_is_refused_naming_that_org(channel, hosts, network_host):
    """coreenterprise's domain is core.recfin.local: an org named core would have its peer's hostname."""
    with pytest.raises(NetworkError) as refused:
        host(hosts, network_host, channel).spec_for("core", "bank", CODE)
    assert str(refused.value) == ("an org named core cannot join: its host peer0.core.recfin.local (named after its "
                                  "domain core.recfin.local) is coreenterprise's. Choose another name")
