"""An org's public definition as a file: what a company that made its own keys gives the channel's admins.

`recfin org keys` writes it on the company's host, next to the keys (network.org_keys); `recfin
org add --definition FILE` reads it on a channel admin's host and computes the update from it, so
that host never holds a key of the org. The file (JSON) holds:

    format        recfin.org-definition/2 when it carries CRLs, else recfin.org-definition/1
    org           the org's spec: name, MSP ID, domain, ports, users and their attributes, role
    msp           its verifying MSP: CA and TLS CA certificates (PEM), its NodeOUs (role -> OU) and its
                  CRLs (PEM, from its msp/crls; only in format /2: a /1 file carries none)
    admin_cert    its admin's signing certificate: who signs as the org's admin
    anchor_peers  where the other orgs' peers reach its peer: [{host, port}]

Reading it checks it is what it says: no private key anywhere in it; each CA certificate a CA
that signed itself; the admin certificate issued by the org's own CA, with the admin OU; the
admin, peer and orderer OUs each the role's own name, by which the receivables contract knows an
org's admins and nodes, and no other role's (_contract_role_ous); each CRL one Fabric takes as that
CA's (its key identifier and signature). A certificate or CRL from another CA is refused.

A file with CRLs is format /2 so that a recfin that reads only /1, and would drop them, refuses it;
one without stays /1, which every recfin reads. Adding an org from a definition is refused when this
host knows a CRL of its CA the definition is behind (check_revocations_kept).

`write_public_msp` lays that public MSP into a data folder (msp/, ca/ca.pem, tlsca/tlsca.pem),
from a definition or from the MSP the channel's config gives the org: what bundles and the
update need of an org whose keys are elsewhere, and nothing more.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from pydantic import TypeAdapter, ValidationError

from chaincode.receivables.identity import ADMIN_OU as CONTRACT_ADMIN_OU
from chaincode.receivables.identity import NODE_OUS as CONTRACT_NODE_OUS
from client.atomic_file import make_folders, write_atomically
from client.ledger.msp import fabric_certificate

from . import configtx, crl
from .crypto import NODE_OUS, OrgCrypto, ca_certificate_lacks, issued_by, node_ous_config, org_crypto
from .errors import NetworkError
from .org_definition import OrgMsp, decode_anchor_peers, decode_msp, org_group
from .topology import Domain, PeerOrgSpec, Topology, format_validation_error

FORMAT = "recfin.org-definition/1"              # without CRLs
FORMAT_WITH_CRLS = "recfin.org-definition/2"
PEM_CERT = "-----BEGIN CERTIFICATE-----"
PEM_CRL = "-----BEGIN X509 CRL-----"


class OrgDefinitionError(NetworkError):
    pass


@dataclass(frozen=True)
class OrgDefinition:
    """An org as the channel sees it: its spec, its CAs' certificates, its NodeOUs and anchor peers."""

    org: PeerOrgSpec
    ca_cert: bytes                         # PEM
    tlsca_cert: bytes                      # PEM
    node_ous: dict[str, str]               # role -> OU
    admin_cert: bytes                      # PEM
    anchor_peers: tuple[tuple[str, int], ...]
    crls: tuple[bytes, ...] = ()           # PEM: the CRLs of its CA, which the channel's MSP of the org carries

    def document(self) -> dict:
        msp = {"ca_cert": self.ca_cert.decode(), "tlsca_cert": self.tlsca_cert.decode(),
               "node_ous": dict(self.node_ous)}
        if self.crls:
            msp["crls"] = [data.decode() for data in self.crls]
        return {"format": FORMAT_WITH_CRLS if self.crls else FORMAT, "org": self.org.model_dump(mode="json"),
                "msp": msp,
                "admin_cert": self.admin_cert.decode(),
                "anchor_peers": [{"host": host, "port": port} for host, port in self.anchor_peers]}

    def anchors(self) -> list[dict]:
        """The anchor peers as configtx.peer_org gives them (AnchorPeers: Host, Port)."""
        return [{"Host": host, "Port": port} for host, port in self.anchor_peers]


def from_crypto(topology: Topology, data_root: Path, org_name: str) -> OrgDefinition:
    """The definition of an org whose crypto is under data_root, as the channel would get it: its MSP (its CRLs
    included: what its CA revoked stays revoked wherever the definition adds it) and anchor peers as org_group
    encodes them for the update (addressed as `topology` addresses them)."""
    org = topology.org(org_name)
    group = org_group(configtx.peer_org(topology, data_root, org.name))
    msp = decode_msp(group)
    paths = org_crypto(data_root, org.name, org.domain)
    ca, tlsca = _only_root(msp, org.msp_id)
    ca, tlsca = _one_pem(ca, paths.msp_dir / "cacerts"), _one_pem(tlsca, paths.msp_dir / "tlscacerts")
    admin = paths.user_msp(org.admin) / "signcerts" / "cert.pem"
    _check_crls(msp.revocation_list, fabric_certificate(ca), crl.crl_path(paths).parent)
    return OrgDefinition(org, ca, tlsca, msp.node_ous, _one_pem(admin.read_bytes(), admin),
                         tuple(decode_anchor_peers(group)), msp.revocation_list)


def _one_pem(pem: bytes, source: object) -> bytes:
    """The certificate Fabric's MSP reads from an MSP folder's file (fabric_certificate), as the one PEM certificate
    a definition holds: the file may hold a BEGIN line Go's pem.Decode passes over before it, which read() would
    refuse in a definition."""
    try:
        return fabric_certificate(pem).public_bytes(Encoding.PEM)
    except ValueError as exc:
        raise OrgDefinitionError(f"{source}: its certificate cannot be read as Fabric's MSP reads it ({exc}): put "
                                 f"the org's PEM certificate there and run `recfin org keys` again") from None


def _only_root(msp: OrgMsp, source: object) -> tuple[bytes, bytes]:
    if len(msp.root_certs) != 1 or len(msp.tls_root_certs) != 1:
        raise OrgDefinitionError(f"{source}: the MSP has {len(msp.root_certs)} CA and {len(msp.tls_root_certs)} "
                                 f"TLS CA certificates; an org definition carries one of each (as `recfin org keys` "
                                 f"makes them)")
    return msp.root_certs[0], msp.tls_root_certs[0]


def write(definition: OrgDefinition, path: Path) -> Path:
    text = json.dumps(definition.document(), indent=2) + "\n"
    if "PRIVATE KEY" in text:           # a certificate field holding a key: never let it leave the host
        raise OrgDefinitionError(f"the definition of {definition.org.name} would hold a private key: nothing "
                                 f"written to {path}")
    write_atomically(path, text)
    return path


# ---- reading and checking -----------------------------------------------------------------
def read(path: Path) -> OrgDefinition:
    """The definition in path, checked (OrgDefinitionError naming what is wrong)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise OrgDefinitionError(f"cannot read the org definition {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise OrgDefinitionError(f"{path} is not an org definition (not UTF-8 text): give the file "
                                 f"`recfin org keys` wrote") from None
    if "PRIVATE KEY" in text:
        raise OrgDefinitionError(f"{path} holds a private key: an org definition is public. Its company keeps "
                                 f"the keys and sends the file `recfin org keys` wrote, nothing else")
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise OrgDefinitionError(f"{path} is not an org definition ({exc}): give the file `recfin org keys` "
                                 f"wrote") from None
    if not isinstance(doc, dict) or doc.get("format") not in (FORMAT, FORMAT_WITH_CRLS):
        raise OrgDefinitionError(f"{path} is not an org definition (format is neither {FORMAT!r} nor "
                                 f"{FORMAT_WITH_CRLS!r}): give the file `recfin org keys` wrote")
    try:
        org = PeerOrgSpec.model_validate(doc.get("org"))
    except ValidationError as exc:
        raise OrgDefinitionError(format_validation_error(f"{path} org", exc, written_in="JSON")) from None
    msp = doc.get("msp") if isinstance(doc.get("msp"), dict) else {}
    # /2 says it carries CRLs; a /1 file has none, unless written by the recfin that put them in /1 files
    crls = msp.get("crls") if doc["format"] == FORMAT_WITH_CRLS else msp.get("crls", [])
    definition = OrgDefinition(org, _pem(msp, "ca_cert", path), _pem(msp, "tlsca_cert", path),
                               _node_ous(msp.get("node_ous"), path), _pem(doc, "admin_cert", path),
                               _anchor_peers(doc.get("anchor_peers"), org, path),
                               _crls(crls, path))
    check(definition, path)
    return definition


def _pem(doc: dict, key: str, path: Path) -> bytes:
    value = doc.get(key)
    if not isinstance(value, str) or value.count(PEM_CERT) != 1:
        raise OrgDefinitionError(f"{path}: {key} is not one PEM certificate: write the definition again with "
                                 f"`recfin org keys`")
    try:
        fabric_certificate(value.encode())      # as the channel's MSP of the org will read it
    except ValueError as exc:
        raise OrgDefinitionError(f"{path}: {key} cannot be read as a certificate ({exc})") from None
    return value.encode()


def _crls(value: object, path: Path) -> tuple[bytes, ...]:
    """The CRLs as written (each one PEM CRL); whose they are, check() judges."""
    if not isinstance(value, list) or not all(isinstance(data, str) and data.count(PEM_CRL) == 1 for data in value):
        raise OrgDefinitionError(f"{path}: msp.crls is not a list of PEM CRLs: write the definition again with "
                                 f"`recfin org keys`")
    return tuple(data.encode() for data in value)


# The org's channel policies name its members by these roles: admins sign config updates, peers endorse,
# clients submit (configtx.peer_org); a role without its OU has no one in it.
NEEDED_NODE_OUS = ("admin", "peer", "client")
# what an org's NodeOUs must do, in a definition's refusal and an update file's (needed_node_ous_problem)
NODE_OUS_RULE = (f"map roles ({', '.join(NODE_OUS)}; {', '.join(NEEDED_NODE_OUS)} among them) to OUs: the "
                 f"channel's policies name the org's admins, peers and clients by them")


def _node_ous(value: object, path: Path) -> dict[str, str]:
    if not isinstance(value, dict) or not all(role in value for role in NEEDED_NODE_OUS) or \
            not all(role in NODE_OUS and isinstance(ou, str) and ou for role, ou in value.items()):
        raise OrgDefinitionError(f"{path}: msp.node_ous must {NODE_OUS_RULE}")
    return dict(value)


def needed_node_ous_problem(node_ous: dict[str, str], *, enabled: bool = True) -> str | None:
    """What an MSP's NodeOUs (role -> OU, as OrgMsp.node_ous gives them; enabled: its NodeOUs' Enable) lack of
    what a definition must map (NEEDED_NODE_OUS), None when nothing. With NodeOUs off, Fabric's MSP cannot tell a
    peer or client of the org from its others, so the policies naming them are met by no one, and the org's admins
    would be its admincerts, which the receivables contract does not read; with a role's OU unset, that role of
    the org has no one in it. The text says what is lacking and the rule, in a definition's words."""
    if not enabled:
        said = "NodeOUs switched off"
    else:
        missing = [role for role in NEEDED_NODE_OUS if role not in node_ous]
        if not missing:
            return None
        roles = f"{', '.join(missing[:-1])} or {missing[-1]}" if len(missing) > 1 else missing[0]
        said = f"no OU for the {roles} role"
    return f"{said}, but its NodeOUs must {NODE_OUS_RULE}"


_DNS_NAME_CHECK = TypeAdapter(Domain)      # the topology's own rule for hostnames


def _anchor_peers(value: object, org: PeerOrgSpec, path: Path) -> tuple[tuple[str, int], ...]:
    """The anchor peers, each one of the org's own peers as its spec gives them (hostname and port, as `recfin org
    keys` writes them): they go into the channel's config as they are, where the other orgs' peers dial them."""
    if not isinstance(value, list) or not value or \
            not all(isinstance(p, dict) and {"host", "port"} <= p.keys() for p in value):
        raise OrgDefinitionError(f"{path}: anchor_peers must list the org's peer as [{{\"host\": ..., \"port\": ...}}]")
    own = {(peer.hostname or f"{peer.name}.{org.domain}", peer.port) for peer in org.peers}
    listed = ", ".join(f"{host}:{port}" for host, port in sorted(own))
    peers = []
    for anchor in value:
        host, port = anchor["host"], anchor["port"]
        named = f"anchor peer {json.dumps(host)}:{json.dumps(port)}"
        if type(port) is not int or not 0 < port < 65536:      # bool is an int to Python, 7051.9 is no port
            raise OrgDefinitionError(f"{path}: {named}: its port must be a whole number from 1 to 65535: give one "
                                     f"of {org.name}'s peers ({listed}), or write the definition again with "
                                     f"`recfin org keys`")
        try:
            _DNS_NAME_CHECK.validate_python(host, strict=True)
        except ValidationError:
            raise OrgDefinitionError(f"{path}: {named}: its host is not a DNS name: give one of {org.name}'s peers "
                                     f"({listed}), or write the definition again with `recfin org keys`") from None
        if (host, port) not in own:
            raise OrgDefinitionError(f"{path}: {named} is not one of {org.name}'s own peers ({listed}): the other "
                                     f"orgs' peers would dial it as {org.name}'s; give one of those, or write the "
                                     f"definition again with `recfin org keys`")
        peers.append((host, port))
    return tuple(peers)


def check(definition: OrgDefinition, source: object) -> None:
    """Every certificate chains to the org's own CA: each CA signed itself, the admin's is issued by the CA
    and carries the admin OU; the OUs the contract reads are the ones it knows (``_contract_role_ous``); each CRL
    is the CA's."""
    ca = _self_signed_ca(definition.ca_cert, "msp.ca_cert", source)
    _check_crls(definition.crls, ca, f"{source}: msp.crls")
    # a TLS CA's key identifier is for no one but its issuer here: Go's TLS verification does without it
    _self_signed_ca(definition.tlsca_cert, "msp.tlsca_cert", source, key_identifier=False)
    admin = fabric_certificate(definition.admin_cert)
    if not issued_by(admin, ca):
        raise OrgDefinitionError(f"{source}: admin_cert ({admin.subject.rfc4514_string()}) is not issued by the "
                                 f"org's CA ({ca.subject.rfc4514_string()}) but by {admin.issuer.rfc4514_string()}: "
                                 f"its certificates must come from its own CA; write the definition again with "
                                 f"`recfin org keys` from the org's own keys")
    ous = [a.value for a in admin.subject.get_attributes_for_oid(x509.NameOID.ORGANIZATIONAL_UNIT_NAME)]
    if definition.node_ous["admin"] not in ous:
        raise OrgDefinitionError(f"{source}: admin_cert carries OU {', '.join(ous) or 'none'}, not the admin OU "
                                 f"{definition.node_ous['admin']!r}: give the org admin's signing certificate")
    _contract_role_ous(definition.node_ous, source)


# What a certificate out of its validity costs the org joining with it, and what the company does about it
OUT_OF_VALIDITY = {
    "msp.ca_cert": ("every certificate the CA issued is refused with it and none it issues now could be valid",
                    "renew it for the same key and subject (recfin makes no CA in its place), then write the "
                    "definition again with `recfin org keys`"),
    "msp.tlsca_cert": ("no other org's node or client would accept the TLS certificates it issued",
                       "renew it for the same key and subject (recfin makes no CA in its place), then write the "
                       "definition again with `recfin org keys`"),
    "admin_cert": ("the org's admin could act in no channel transaction (the ordering service refuses a creator "
                   "whose certificate is not valid)",
                   "issue its admin a new certificate and write the definition again with `recfin org keys`"),
}


# How far ahead of this machine's clock a certificate may begin and still be taken: the clocks of the machines that
# issue and check it differ. Fabric's MSP checks no certificate against the current time (it verifies an identity's
# chain as of the identity's own notBefore); only TLS does, and a TLS CA a few minutes ahead there is refused only
# until it begins. 15 minutes is the difference a recfin network already allows between clocks
# (peer.authentication.timewindow, network/nodeconfig.py); a certificate further ahead was issued by a clock set
# wrong, and the identities it issues would not verify against it.
CLOCK_SKEW = dt.timedelta(minutes=15)


def out_of_validity(cert: x509.Certificate, now: dt.datetime | None = None) -> str | None:
    """How cert is out of its validity ("ended on ...", "is valid only from ..."), None when it is in it: begun by
    now, or beginning no more than CLOCK_SKEW after it, and not ended."""
    now = now or dt.datetime.now(dt.timezone.utc)
    begins, ends = cert.not_valid_before_utc, cert.not_valid_after_utc
    if ends <= now:
        return f"ended on {ends:%Y-%m-%d %H:%M} UTC"
    if begins > now + CLOCK_SKEW:
        return (f"is valid only from {begins:%Y-%m-%d %H:%M:%S} UTC, more than {CLOCK_SKEW.seconds // 60} minutes "
                f"ahead of this machine's clock (a clock set wrong where it was issued, or here?)")
    return None


def check_in_validity(definition: OrgDefinition, source: object,
                      now: dt.datetime | None = None) -> None:
    """Refused (OrgDefinitionError) when the CA, the TLS CA or the admin certificate of a definition an org joins
    with has ended or has not begun: the channel would take an org none of whose identities it could use. Not
    part of check(): a company's own definition is read (`org keys` run again, a revocation) to renew just those."""
    for key, pem in (("msp.ca_cert", definition.ca_cert), ("msp.tlsca_cert", definition.tlsca_cert),
                     ("admin_cert", definition.admin_cert)):
        cert = fabric_certificate(pem)
        when = out_of_validity(cert, now)
        if when is None:
            continue
        cost, fix = OUT_OF_VALIDITY[key]
        raise OrgDefinitionError(f"{source}: {key} ({cert.subject.rfc4514_string()}) {when}: {cost}; the company "
                                 f"should {fix}")


def _check_crls(crls: tuple[bytes, ...], ca: x509.Certificate, source: object) -> None:
    """Refused unless each CRL is one Fabric takes as the org's CA's (crl.of_ca: the CA's key identifier, signed by
    its key). Another would fail every identity of the org's MSP (no key identifier), or revoke nothing."""
    for place, data in enumerate(crls, start=1):
        if crl.of_ca(data, ca) is None:
            found = crl.load(data)
            what = "cannot be read as a CRL" if found is None else \
                f"(issuer {found.issuer.rfc4514_string()}, {crl.number_text(found)}) is not the org's CA's"
            raise OrgDefinitionError(f"{source}: CRL {place} of {len(crls)} {what}: Fabric takes a CRL of the org "
                                     f"only with its CA's key identifier and signature "
                                     f"({ca.subject.rfc4514_string()}); keep only CRLs `recfin org user revoke` "
                                     f"wrote in the org's msp/crls and write the definition again with "
                                     f"`recfin org keys`")


# The roles whose OU the receivables contract reads from a caller's certificate, and the OU it takes for each
# (chaincode/receivables/identity.py): an org's admins by ADMIN_OU, a node's identity by its role's NodeOU, which it
# never binds to a party. Each is the role's own name, as network/crypto.py's node_ous_config writes every MSP.
CONTRACT_ROLE_OUS = {"admin": CONTRACT_ADMIN_OU, **{role: role for role in CONTRACT_NODE_OUS}}
# whom the contract knows by each of those OUs, and the certificates the org issues with it
_CONTRACT_KNOWS = {"admin": ("an org's admins", "admin"), "peer": ("a peer's identity", "peers"),
                   "orderer": ("an orderer's identity", "orderers")}


def _contract_role_ous(node_ous: dict[str, str], source: object) -> None:
    """Refused unless the OUs the contract reads are the ones it knows (contract_role_ous_problem)."""
    problem = contract_role_ous_problem(node_ous)
    if problem is not None:
        raise OrgDefinitionError(f"{source}: {problem}, and write the definition again with `recfin org keys`")


def contract_role_ous_problem(node_ous: dict[str, str]) -> str | None:
    """What is wrong with an MSP's NodeOUs (role -> OU) for the receivables contract, None when nothing is: each
    role the contract reads an OU of (CONTRACT_ROLE_OUS) must have that OU, and no other role may have it. The
    contract cannot read the channel's MSPs, so it matches those OUs exactly, as Fabric's MSP matches NodeOU
    identifiers. With another admin OU it would refuse the org's admins; with another peer or orderer OU it would
    take the org's nodes for clients and let their identities be bound to parties; a client (or other) role given
    one of those OUs would have its users taken for admins, or refused as nodes'. The client OU is the org's own.
    The text names the role, the OU it has and the one the contract knows, and ends with what the org does."""
    for role, ou in CONTRACT_ROLE_OUS.items():
        whom, issued = _CONTRACT_KNOWS[role]
        others = sorted(other for other, given in node_ous.items() if other != role and given == ou)
        if role in node_ous and node_ous[role] != ou:
            said = f"the {role} OU is {node_ous[role]!r}"
        elif others:
            said = f"the {' and '.join(others)} OU is {ou!r} too"
        else:
            continue
        return (f"{said}, but the receivables contract knows {whom} by the OU {ou!r} alone: issue the org's "
                f"{issued} with OU {ou!r}, give no other role that OU")
    return None


def _self_signed_ca(pem: bytes, key: str, source: object, *, key_identifier: bool = True) -> x509.Certificate:
    """The CA certificate in pem, refused unless it signed itself and carries what Fabric checks of a CA
    (ca_certificate_lacks): the channel would hold an MSP whose every identity fails validation."""
    cert = fabric_certificate(pem)
    lacks = ca_certificate_lacks(cert, key_identifier=key_identifier)
    if "basicConstraints CA:TRUE" in lacks or not issued_by(cert, cert):
        raise OrgDefinitionError(f"{source}: {key} ({cert.subject.rfc4514_string()}) is not a CA that signed "
                                 f"itself: give the org's own root CA certificate")
    if lacks:
        raise OrgDefinitionError(f"{source}: {key} ({cert.subject.rfc4514_string()}) is no CA certificate "
                                 f"Fabric accepts: it lacks {' and '.join(lacks)}, so every identity of the org "
                                 f"would fail the channel's MSP. Renew it for the same key and subject with "
                                 f"them and write the definition again")
    return cert


# ---- the public MSP in a data folder ------------------------------------------------------
def write_public_msp(paths: OrgCrypto, ca_cert: bytes, tlsca_cert: bytes, node_ous: dict[str, str],
                     crls: tuple[bytes, ...] = ()) -> None:
    """The org's verifying MSP and CA certificates, as the generator lays them out (never a key), with these CRLs
    in its crls/ (the first as `recfin org user revoke` names it, the others after it in name order: Fabric and
    configtxgen read crls/ in name order, so the MSP's revocation list keeps the order of crls). Refused when the
    folder holds another CA for the org.

    Written into a folder an earlier call wrote with more CRLs, the CRL files of that write the new set does not
    name (crl_0003.pem, ... by this naming; no other file of crls/) are removed, else Fabric would go on applying a
    CRL dropped from the set. They go last, once every new file is in place: each file is replaced whole, so a
    crash in between leaves the new CRLs readable, beside the stale ones the next write removes."""
    if paths.ca_cert.is_file() and paths.ca_cert.read_bytes() != ca_cert:
        raise OrgDefinitionError(f"{paths.ca_cert} is another CA than the one the channel gives this org: "
                                 f"{paths.root} holds another org of that name; move it away")
    files = {paths.msp_dir / "cacerts" / "ca.pem": ca_cert, paths.msp_dir / "tlscacerts" / "tlsca.pem": tlsca_cert,
             paths.msp_dir / "config.yaml": yaml.safe_dump(node_ous_config(node_ous), sort_keys=False).encode(),
             paths.ca_cert: ca_cert, paths.tlsca_cert: tlsca_cert}
    crl_file = crl.crl_path(paths)
    # "crl.pem" < "crl_0002.pem" < ... < "crl_0010.pem": '.' sorts before '_', and the places are zero-padded
    width = max(4, len(str(len(crls))))
    files.update({crl_file.with_name(f"{crl_file.stem}_{place:0{width}d}{crl_file.suffix}") if place > 1 else crl_file:
                  data for place, data in enumerate(crls, start=1)})
    for path, data in files.items():
        # a peer or client loading the MSP never reads half a certificate; a CRL is staged outside crls/, of which
        # Fabric's MSP loader reads every file
        make_folders(path.parent)
        write_atomically(path, data, staging_dir=paths.msp_dir if path.parent == crl_file.parent else None)
    own_naming = re.compile(rf"{re.escape(crl_file.stem)}(_[0-9]+)?{re.escape(crl_file.suffix)}")
    held = crl_file.parent.iterdir() if crl_file.parent.is_dir() else ()
    stale = [path for path in held if own_naming.fullmatch(path.name) and path not in files]
    for path in sorted(stale, reverse=True):
        path.unlink(missing_ok=True)


def write_msp_of(paths: OrgCrypto, msp: OrgMsp) -> None:
    """The public MSP of an org from what the channel's config says of it (decode_msp)."""
    ca, tlsca = _only_root(msp, msp.msp_id)
    write_public_msp(paths, ca, tlsca, msp.node_ous, msp.revocation_list)


def check_revocations_kept(definition: OrgDefinition, kept: dict[str, Sequence[bytes]]) -> None:
    """Refused when a CRL of the org's CA that this host knows (kept: where -> the CRLs there) is numbered higher
    than every CRL of the definition or lists a serial none of them does: a definition written before a later
    revocation, or in the format without CRLs, would add the org back with users its CA revoked able to sign.
    CRLs of another CA are passed over; with none known, the definition is taken as it is."""
    ca = fabric_certificate(definition.ca_cert)
    carried = [found for found in (crl.of_ca(data, ca) for data in definition.crls) if found is not None]
    highest = max((crl.number(found) for found in carried), default=0)
    serials = crl.revoked_serials(carried)
    has = (f"carries CRLs up to CRL number {highest}" if carried
           else "carries no CRL (a definition in format /1 carries none)")
    for where, crls in kept.items():
        for found in (crl.of_ca(data, ca) for data in crls):
            if found is None:
                continue
            lacking = sorted(set(crl.revoked_serials([found])) - set(serials))
            if crl.number(found) > highest or lacking:
                lacks = f", and lacks revoked serial(s) {', '.join(f'{s:x}' for s in lacking)}" if lacking else ""
                raise OrgDefinitionError(
                    f"{where} holds a CRL of {definition.org.name}'s CA ({crl.number_text(found)}) the definition "
                    f"does not: it {has}{lacks}, so the org would be added with users its CA revoked able to sign. "
                    f"On {definition.org.name}'s host run `recfin org keys` again (it carries the CRLs of its "
                    f"msp/crls) and send the new definition it writes")
