"""Test data: the channel's config as a Config proto and a config block, built from the topology.

On a real network the genesis block comes from configtxgen (network/channel.py); that
binary is not available to unit tests, so this builds the same channel from the same
inputs, configtx.build()'s profile: the orgs through the product's own org_group encoding,
the channel, Application and Orderer policies from the profile. Element versions are set
as if the channel had already seen updates (Application at 1, SupplierMSP at 2), so tests
can tell "carried at its version" from "version 0".
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from fabric_protos.common import common_pb2, configtx_pb2

from network import bundle, configtx, crl, crypto, membership, org_definition_file
from network.crypto import load_cert, load_key, org_crypto
from network.org_definition import config_policy, org_group, with_revocation_list
from network.topology import Topology

APPLICATION_VERSION = 1
SUPPLIER_VERSION = 2


def _policies(group: configtx_pb2.ConfigGroup, specs: dict) -> None:
    for name, spec in specs.items():
        group.policies[name].CopyFrom(config_policy(spec))


def channel_config(topology: Topology, data_root: Path) -> configtx_pb2.Config:
    profile = configtx.build(topology, data_root)["Profiles"][configtx.PROFILE]
    root = configtx_pb2.ConfigGroup(mod_policy="Admins")
    _policies(root, profile["Policies"])
    root.values["HashingAlgorithm"].mod_policy = "Admins"

    orderer = root.groups["Orderer"]
    orderer.mod_policy = "Admins"
    _policies(orderer, profile["Orderer"]["Policies"])
    for org in profile["Orderer"]["Organizations"]:
        orderer.groups[org["ID"]].CopyFrom(org_group(org))

    application = root.groups["Application"]
    application.mod_policy = "Admins"
    application.version = APPLICATION_VERSION
    _policies(application, profile["Application"]["Policies"])
    for org in profile["Application"]["Organizations"]:
        application.groups[org["ID"]].CopyFrom(org_group(org))
    application.groups["SupplierMSP"].version = SUPPLIER_VERSION
    return configtx_pb2.Config(sequence=3, channel_group=root)


def config_block(config: configtx_pb2.Config, channel: str, number: int = 0,
                 last_update: configtx_pb2.ConfigUpdateEnvelope | None = None) -> common_pb2.Block:
    """A config block; last_update: the update that made the config, wrapped as the ordering service keeps it
    (an envelope of type CONFIG_UPDATE)."""
    header = common_pb2.ChannelHeader(type=common_pb2.CONFIG, channel_id=channel)
    envelope_of_update = common_pb2.Envelope()
    if last_update is not None:
        update_header = common_pb2.ChannelHeader(type=common_pb2.CONFIG_UPDATE, channel_id=channel)
        envelope_of_update.payload = common_pb2.Payload(
            header=common_pb2.Header(channel_header=update_header.SerializeToString()),
            data=last_update.SerializeToString()).SerializeToString()
    payload = common_pb2.Payload(header=common_pb2.Header(channel_header=header.SerializeToString()),
                                 data=configtx_pb2.ConfigEnvelope(config=config, last_update=envelope_of_update
                                                                  ).SerializeToString())
    envelope = common_pb2.Envelope(payload=payload.SerializeToString())
    return common_pb2.Block(header=common_pb2.BlockHeader(number=number),
                            data=common_pb2.BlockData(data=[envelope.SerializeToString()]))


def with_org_keys(topology: Topology, data_root: Path, spec) -> Topology:
    """The topology with the org ``spec`` (``membership.new_org_spec``) added and its crypto made in
    data_root: an org whose keys are made, which the channel's config does not have yet."""
    grown = membership.with_orgs(topology, [*topology.orgs, spec])
    crypto.generate(grown, data_root)
    return grown


def kept_crl(paths, msp_folder: Path | None = None) -> x509.CertificateRevocationList | None:
    """The CRL in an MSP folder of the org (its verifying MSP's unless given) as crls/crl.pem, the file a
    revocation extends, when the org's CA signed it; None otherwise."""
    path = (paths.msp_dir if msp_folder is None else msp_folder) / "crls" / crl.CRL_FILE
    if not path.is_file() or not paths.ca_cert.is_file():
        return None
    return crl.of_ca(path.read_bytes(), crypto.load_cert(paths.ca_cert))


def org_crl(topology: Topology, data_root: Path, org_name: str, extensions: list, serial: int = 12345) -> bytes:
    """A CRL signed by org_name's CA, listing serial, with these extensions as given (x509.UnrecognizedExtension
    for bytes no tool would write)."""
    ca = org_crypto(data_root, topology.org(org_name).name, topology.org(org_name).domain)
    ca_cert = crypto.load_cert(ca.ca_cert)
    now = dt.datetime.now(dt.timezone.utc)
    entry = x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(now).build()
    builder = (x509.CertificateRevocationListBuilder().issuer_name(ca_cert.subject).last_update(now)
               .next_update(now + dt.timedelta(days=1)).add_revoked_certificate(entry))
    for extension in extensions:
        builder = builder.add_extension(extension, critical=False)
    return crl.pem(builder.sign(crypto.load_key(ca.ca_key), hashes.SHA256()))


def crl_without_aki(topology: Topology, data_root: Path, org_name: str, serial: int) -> bytes:
    """A CRL signed by org_name's CA, listing serial, with no Authority Key Identifier: made by another tool than
    recfin's (whose CRLs always carry one), the kind that fails every identity of the MSP holding it."""
    return org_crl(topology, data_root, org_name, [x509.CRLNumber(7)], serial)


def with_crls(current: configtx_pb2.Config, msp_id: str, pems: list[bytes]) -> configtx_pb2.Config:
    """A copy of the config whose org msp_id has these CRLs as its MSP's revocation list."""
    changed = configtx_pb2.Config()
    changed.CopyFrom(current)
    group = changed.channel_group.groups["Application"].groups[msp_id]
    group.CopyFrom(with_revocation_list(group, pems))
    return changed


def certificate_ending_in(cert_path: Path, signer_key_path: Path, days: float,
                          began: dt.datetime | None = None) -> dt.datetime:
    """The certificate at cert_path signed again by signer_key_path (its issuer's key, or its own for a CA),
    same subject, issuer, key and extensions, ending in days; returns its new end. began: its new start
    (default 3000 days ago; one within its CA's dates keeps it an identity Fabric's MSP validates)."""
    old = load_cert(cert_path)
    now = dt.datetime.now(dt.timezone.utc)
    builder = (x509.CertificateBuilder().subject_name(old.subject).issuer_name(old.issuer)
               .public_key(old.public_key()).serial_number(old.serial_number)
               .not_valid_before(began or now - dt.timedelta(days=3000))
               .not_valid_after(now + dt.timedelta(days=days)))
    for extension in old.extensions:
        builder = builder.add_extension(extension.value, extension.critical)
    cert = builder.sign(load_key(signer_key_path), hashes.SHA256())
    cert_path.write_bytes(crypto._pem_cert(cert))
    return cert.not_valid_after_utc


def ca_ending_in(paths, days: float) -> None:
    """The org's CA certificate (``paths``: its ``org_crypto``) signed again by its key, same subject and
    extensions, ending in days; the org's verifying MSP holds the same certificate."""
    certificate_ending_in(paths.ca_cert, paths.ca_key, days)
    (paths.msp_dir / "cacerts" / "ca.pem").write_bytes(paths.ca_cert.read_bytes())


def certificates_only_bundle(topology: Topology, network_host: Path, company, out: Path) -> Path:
    """The root of the bundle the network's host writes at ``out`` for ``company`` (an `org keys` folder, the
    org keeping its own keys) once its add is recorded there: the org's public MSP, no key of it."""
    definition = company.definition
    membership.record_added(network_host, definition.org)
    org_definition_file.write_public_msp(org_crypto(network_host, definition.org.name, definition.org.domain),
                                         definition.ca_cert, definition.tlsca_cert, definition.node_ous)
    return bundle.write(topology, network_host, definition.org.name, out).root
