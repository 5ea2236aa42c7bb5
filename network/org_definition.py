"""An org's definition in the channel configuration: its ConfigGroup, encoded from its crypto folder.

The group holds what configtxgen would write for an org of configtx.yaml: the `MSP` value
(a FabricMSPConfig built from the org's verifying MSP folder: CA and TLS CA certificates,
NodeOUs from config.yaml), the `AnchorPeers` value, and the org's Readers, Writers,
Admins and Endorsement policies, every element with mod_policy "Admins" (the org's own
admins may change it). The policies come from `configtx.peer_org`, so an org added to a
running channel is defined exactly like the ones in the genesis block.

Policies are written in Fabric's signature policy language ("OR('BankMSP.admin')",
"AND(...)", "OutOf(2, ...)") or as implicit meta rules ("MAJORITY Admins"); `policy_from`
turns either into a `common.Policy`.
"""
from __future__ import annotations

from pathlib import Path

from fabric_protos.common import configtx_pb2, policies_pb2
from fabric_protos.msp import msp_config_pb2
from fabric_protos.peer import configuration_pb2 as peer_config_pb2

from chaincode.signature_policy import SignaturePolicySyntaxError
from chaincode.signature_policy import signature_policy as compile_signature_policy
from client.ledger.msp import OrgMsp
from client.ledger.msp import fabric_msp_config as fabric_msp_config_of
from client.pem import go_pem_decode
from client.yaml_files import read_yaml_mapping, yaml_kind

from .crypto import holds_private_key
from .errors import NetworkError

ADMINS = "Admins"
MSP_KEY = "MSP"
ANCHOR_PEERS_KEY = "AnchorPeers"
FABRIC_MSP_TYPE = 0            # msp.MSPConfig.type: 0 is the X.509 FABRIC MSP
NODE_OU_FIELDS = {"ClientOUIdentifier": "client_ou_identifier", "PeerOUIdentifier": "peer_ou_identifier",
                  "AdminOUIdentifier": "admin_ou_identifier", "OrdererOUIdentifier": "orderer_ou_identifier"}


class PolicySyntaxError(NetworkError):
    pass


# ---- the signature policy language: chaincode.signature_policy reads it, for the test ledger too ----------
def signature_policy(text: str) -> policies_pb2.SignaturePolicyEnvelope:
    """Fabric's signature policy language compiled to a SignaturePolicyEnvelope (PolicySyntaxError naming what
    is wrong where it is none)."""
    try:
        return compile_signature_policy(text)
    except SignaturePolicySyntaxError as exc:
        raise PolicySyntaxError(str(exc)) from None


def implicit_meta_policy(text: str) -> policies_pb2.ImplicitMetaPolicy:
    """ "MAJORITY Admins" -> ImplicitMetaPolicy(rule=MAJORITY, sub_policy="Admins")."""
    parts = text.split()
    if len(parts) != 2 or parts[0] not in policies_pb2.ImplicitMetaPolicy.Rule.keys():
        raise PolicySyntaxError(f"implicit meta policy {text!r}: write '<ANY|ALL|MAJORITY> <sub-policy>'")
    return policies_pb2.ImplicitMetaPolicy(rule=policies_pb2.ImplicitMetaPolicy.Rule.Value(parts[0]),
                                           sub_policy=parts[1])


def policy_from(spec: dict) -> policies_pb2.Policy:
    """A configtx.yaml policy ({"Type": "Signature"|"ImplicitMeta", "Rule": ...}) as a common.Policy."""
    if spec["Type"] == "Signature":
        return policies_pb2.Policy(type=policies_pb2.Policy.SIGNATURE,
                                   value=signature_policy(spec["Rule"]).SerializeToString())
    if spec["Type"] == "ImplicitMeta":
        return policies_pb2.Policy(type=policies_pb2.Policy.IMPLICIT_META,
                                   value=implicit_meta_policy(spec["Rule"]).SerializeToString())
    raise PolicySyntaxError(f"policy type {spec['Type']!r}: recfin writes Signature and ImplicitMeta policies")


def config_policy(spec: dict, mod_policy: str = ADMINS) -> configtx_pb2.ConfigPolicy:
    return configtx_pb2.ConfigPolicy(policy=policy_from(spec), mod_policy=mod_policy)


# ---- the MSP value ------------------------------------------------------------------------
CERTIFICATE_PEM, CRL_PEM = "CERTIFICATE", "X509 CRL"


def _first_pem_type(data: bytes) -> str | None:
    """The label of the PEM block Go's pem.Decode takes first from ``data`` (getPemMaterialFromDir keeps a file it
    finds one in, the MSP reads that one), None when it finds none."""
    decoded = go_pem_decode(data)
    return None if decoded is None else decoded[0].label.decode("ascii", "replace")


def _block_holding_a_key(data: bytes, kind: str) -> int | None:
    """The number (from 1) of the first PEM block of ``kind`` whose decoded bytes hold a private key, among the
    blocks of that kind as Go's pem.Decode finds them one after another (the message names it as the file's
    ``kind`` block of that number: a block of another kind between them is not counted); None where no such
    block holds one (the key lies outside them)."""
    number, rest = 0, data
    while (decoded := go_pem_decode(rest)) is not None:
        block, body = decoded
        if block.label == kind.encode():
            number += 1
            if holds_private_key(body):
                return number
        rest = rest[block.end():]
    return None


def _pems(folder: Path, kind: str = CERTIFICATE_PEM) -> list[bytes]:
    """The files of an MSP subfolder as configtxgen reads them (Fabric's getPemMaterialFromDir): every regular file
    whose first PEM block is a ``kind`` ("CERTIFICATE", "X509 CRL"), whatever its name, in name order; a folder,
    and a file of another name holding no PEM block, is passed over, as Fabric passes it over. A file of any name
    whose first PEM block is of another kind (a PRIVATE KEY saved as ``key``), which configtxgen would write into
    the channel config, since it keeps every file holding a PEM block whatever its kind, a file of ``kind`` that
    also holds a private key, before, between or after its blocks or inside one (crypto.holds_private_key), which
    it would write whole, and a ``*.pem`` file holding no PEM block (DER bytes), which it would pass over, are
    refused, naming them."""
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.iterdir()):
        if not path.is_file():
            continue
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise NetworkError(f"cannot read {path} ({exc.strerror or exc}): make it readable, or move it out of "
                               f"{folder}") from None
        first = _first_pem_type(data)
        holding_a_key = first == kind and holds_private_key(data)
        if holding_a_key and (number := _block_holding_a_key(data, kind)) is not None:
            raise NetworkError(f"{path} holds a private key inside its PEM {kind} block {number}: configtxgen writes "
                               f"the whole file into the channel config, which every org of the channel reads. Keep "
                               f"only the {kind} in that block of {path.name} (or take the block out where it holds "
                               f"none) and the key in a file of its own, outside {folder}")
        if holding_a_key:
            raise NetworkError(f"{path} holds a private key besides its {kind}: configtxgen writes the whole file "
                               f"into the channel config, which every org of the channel reads, not its first PEM "
                               f"block alone. Keep only the {kind} blocks in {path.name} and the key in a file of its "
                               f"own, outside {folder}")
        if first == kind:
            found.append(data)
        elif first is not None:
            secret = "; a private key there would reach every org of the channel" if "PRIVATE KEY" in first else ""
            raise NetworkError(f"{path} holds a PEM {first}, not the PEM {kind} a file of {folder.name}/ must hold "
                               f"(configtxgen writes every file there holding a PEM block into the channel config, "
                               f"whatever its name, and Fabric's MSP would fail on it{secret}): move it out of "
                               f"{folder}")
        elif path.suffix == ".pem":
            raise NetworkError(f"{path} holds no PEM block, not the PEM {kind} a .pem file of {folder.name}/ must "
                               f"hold (configtxgen would pass it over, Fabric's MSP could not use it): write it as "
                               f"PEM (openssl's -outform PEM), or move it out of {folder}")
    return found


def _msp_config_damaged(config_file: Path, problem: str) -> NetworkError:
    return NetworkError(f"{config_file}: {problem}; Fabric reads the org's NodeOUs from it: repair it, or restore it "
                        f"from a backup")


def msp_node_config(msp_dir: Path) -> dict:
    """The MSP folder's config.yaml (NodeOUs, OrganizationalUnitIdentifiers) as a mapping, {} when it has none; a
    file that cannot be read as one, or whose sections have another shape than Fabric reads, is a NetworkError
    naming it."""
    config_file = msp_dir / "config.yaml"
    if not config_file.is_file():
        return {}
    doc = read_yaml_mapping(config_file, "an MSP's config.yaml",
                            lambda problem: _msp_config_damaged(config_file, problem),
                            cannot_read=lambda exc: NetworkError(f"cannot read {config_file}: {exc.strerror}"),
                            holds="a mapping (NodeOUs: ...)", allow_empty=True)
    _check_msp_config_shape(config_file, doc)
    return doc


def _check_msp_config_shape(config_file: Path, doc: dict) -> None:
    """Refuse what Fabric's MSP would not read into its configuration structs: a section of another kind, an OU
    identifier that is not text (a number would be read back as other digits: 0x1F is 31), Enable not a boolean."""
    def ou_identifier(value: object, where: str, certificate_required: bool) -> None:
        if not isinstance(value, dict):
            raise _msp_config_damaged(config_file, f"{where} is {yaml_kind(value)}, not a mapping of "
                                                   f"Certificate and OrganizationalUnitIdentifier")
        for key, required in (("OrganizationalUnitIdentifier", True), ("Certificate", certificate_required)):
            if value.get(key) is None and not required:
                continue
            if not isinstance(value.get(key), str):
                found = "missing" if value.get(key) is None else yaml_kind(value[key])
                raise _msp_config_damaged(config_file, f"{where}.{key} is {found}, not text: write it in quotes")

    identifiers = doc.get("OrganizationalUnitIdentifiers")
    if identifiers is not None and not isinstance(identifiers, list):
        raise _msp_config_damaged(config_file, f"OrganizationalUnitIdentifiers is {yaml_kind(identifiers)}, not a list")
    for number, ou in enumerate(identifiers or [], 1):
        ou_identifier(ou, f"OrganizationalUnitIdentifiers entry {number}", certificate_required=True)
    node_ous = doc.get("NodeOUs")
    if node_ous is None:
        return
    if not isinstance(node_ous, dict):
        raise _msp_config_damaged(config_file, f"NodeOUs is {yaml_kind(node_ous)}, not a mapping (Enable, "
                                               f"{', '.join(NODE_OU_FIELDS)})")
    if not isinstance(node_ous.get("Enable", False), bool):
        raise _msp_config_damaged(config_file, f"NodeOUs.Enable is {node_ous['Enable']!r}: write true or false")
    for key in NODE_OU_FIELDS:
        if node_ous.get(key) is not None:     # absent or empty: Fabric leaves that identifier unset
            ou_identifier(node_ous[key], f"NodeOUs.{key}", certificate_required=False)


def _msp_file(msp_dir: Path, name: str, named_in: str) -> bytes:
    """A certificate config.yaml names, relative to the MSP folder, as Fabric loads it."""
    try:
        return (msp_dir / name).read_bytes()
    except OSError as exc:
        raise _msp_config_damaged(msp_dir / "config.yaml", f"{named_in} names the certificate {name}, which cannot "
                                                           f"be read ({exc.strerror or exc})") from None


def fabric_msp_config(msp_id: str, msp_dir: Path) -> msp_config_pb2.FabricMSPConfig:
    """The FabricMSPConfig of a verifying MSP folder (cacerts, tlscacerts, config.yaml), as configtxgen reads it."""
    # config.yaml and the certificates it names first: its problems are named before those of the folders
    doc = msp_node_config(msp_dir)     # its shapes checked
    conf = msp_config_pb2.FabricMSPConfig(name=msp_id, crypto_config=msp_config_pb2.FabricCryptoConfig(
        signature_hash_family="SHA2", identity_identifier_hash_function="SHA256"))
    for number, ou in enumerate(doc.get("OrganizationalUnitIdentifiers") or [], 1):
        conf.organizational_unit_identifiers.append(msp_config_pb2.FabricOUIdentifier(
            certificate=_msp_file(msp_dir, ou["Certificate"], f"OrganizationalUnitIdentifiers entry {number}"),
            organizational_unit_identifier=ou["OrganizationalUnitIdentifier"]))
    node_ous = doc.get("NodeOUs") or {}
    if node_ous.get("Enable"):
        conf.fabric_node_ous.enable = True
        for key, field in NODE_OU_FIELDS.items():
            if node_ous.get(key):
                ident = getattr(conf.fabric_node_ous, field)
                ident.organizational_unit_identifier = node_ous[key]["OrganizationalUnitIdentifier"]
                if node_ous[key].get("Certificate"):
                    ident.certificate = _msp_file(msp_dir, node_ous[key]["Certificate"], f"NodeOUs.{key}")
    roots = _pems(msp_dir / "cacerts")
    if not roots:
        raise NetworkError(f"no CA certificate in {msp_dir / 'cacerts'}: generate the org's crypto material first")
    conf.root_certs.extend(roots)
    conf.intermediate_certs.extend(_pems(msp_dir / "intermediatecerts"))
    conf.admins.extend(_pems(msp_dir / "admincerts"))
    conf.tls_root_certs.extend(_pems(msp_dir / "tlscacerts"))
    conf.tls_intermediate_certs.extend(_pems(msp_dir / "tlsintermediatecerts"))
    # the org's CRLs (`recfin org user revoke` writes crls/crl.pem), as configtxgen reads them
    conf.revocation_list.extend(_pems(msp_dir / "crls", CRL_PEM))
    return conf


def msp_value(msp_id: str, msp_dir: Path) -> configtx_pb2.ConfigValue:
    conf = msp_config_pb2.MSPConfig(type=FABRIC_MSP_TYPE, config=fabric_msp_config(msp_id, msp_dir).SerializeToString())
    return configtx_pb2.ConfigValue(value=conf.SerializeToString(), mod_policy=ADMINS)


def anchor_peers_value(anchors: list[dict]) -> configtx_pb2.ConfigValue:
    peers = peer_config_pb2.AnchorPeers(anchor_peers=[peer_config_pb2.AnchorPeer(host=a["Host"], port=int(a["Port"]))
                                                      for a in anchors])
    return configtx_pb2.ConfigValue(value=peers.SerializeToString(), mod_policy=ADMINS)


# ---- the org group ----------------------------------------------------------------------------
def org_group(org: dict) -> configtx_pb2.ConfigGroup:
    """An org of configtx.yaml (configtx.peer_org's dict: ID, MSPDir, Policies, AnchorPeers) as a ConfigGroup."""
    group = configtx_pb2.ConfigGroup(mod_policy=ADMINS)
    group.values[MSP_KEY].CopyFrom(msp_value(org["ID"], Path(org["MSPDir"])))
    if org.get("AnchorPeers"):
        group.values[ANCHOR_PEERS_KEY].CopyFrom(anchor_peers_value(org["AnchorPeers"]))
    for name, spec in org["Policies"].items():
        group.policies[name].CopyFrom(config_policy(spec))
    return group


def decode_msp(group: configtx_pb2.ConfigGroup) -> OrgMsp:
    """The MSP of an org group (raises NetworkError when the group has none)."""
    return OrgMsp.of(_fabric_msp_config(group))


def revocation_list(group: configtx_pb2.ConfigGroup) -> list[bytes]:
    """The CRLs (PEM) the org's MSP value lists: the certificates its MSP refuses."""
    return list(_fabric_msp_config(group).revocation_list)


def with_revocation_list(group: configtx_pb2.ConfigGroup, crls: list[bytes]) -> configtx_pb2.ConfigGroup:
    """A copy of the org group whose MSP value lists these CRLs, every other field of it as it was."""
    conf = _fabric_msp_config(group)
    del conf.revocation_list[:]
    conf.revocation_list.extend(crls)
    outer = msp_config_pb2.MSPConfig.FromString(group.values[MSP_KEY].value)
    outer.config = conf.SerializeToString()
    changed = configtx_pb2.ConfigGroup()
    changed.CopyFrom(group)
    changed.values[MSP_KEY].value = outer.SerializeToString()
    return changed


def _fabric_msp_config(group: configtx_pb2.ConfigGroup) -> msp_config_pb2.FabricMSPConfig:
    if MSP_KEY not in group.values:
        raise NetworkError("the org group carries no MSP value")
    return fabric_msp_config_of(group)


def decode_anchor_peers(group: configtx_pb2.ConfigGroup) -> list[tuple[str, int]]:
    if ANCHOR_PEERS_KEY not in group.values:
        return []
    peers = peer_config_pb2.AnchorPeers.FromString(group.values[ANCHOR_PEERS_KEY].value)
    return [(p.host, p.port) for p in peers.anchor_peers]
