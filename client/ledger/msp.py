"""The channel's org MSPs as its configuration defines them, and whether a certificate belongs to one.

Fabric's MSP takes an identity as its org's when the certificate chains, through the MSP's intermediate
certificates, to one of its root certificates, and no CRL of an issuing CA lists it (msp/mspimplvalidate.go).
It builds that chain at one moment, a second past the identity's notBefore, whatever the clock says
(getValidityOptsForCert): only CAs within their dates then issue it, and expiry alone refuses nobody. The CA that
issued it must be a leaf of the MSP's certification tree: one that issued an intermediate CA of the MSP issues no
identity (getValidationChain). The chain is the one Go's x509 Verify builds with the MSP's options: an identity
with more than one chain then is refused (getUniqueValidationChain), and as those options set no key usages, which
Go reads as serverAuth, a certificate of the chain that lists extended key usages must list serverAuth or
anyExtendedKeyUsage; a CA issues nothing beyond its path length limit or with a key usage lacking keyCertSign. An
auditor asks more: every certificate of the chain was within its dates at the moment being audited too. Nothing
here trusts an MSP ID written in a message: the MSP is the one the configuration defines under that ID, and the
certificate must chain to its CAs.

Before any of that, Fabric's MSP must set the definition up (msp/mspimplsetup.go, setupV142 for the MSP version
Fabric 2 and 3 channels use): it refuses the whole definition, and the orderer the channel config holding it, when a
CA certificate (a TLS CA's too), a CRL, an OU identifier or the admins break a rule of setup
(:func:`definition_problem`); no identity of such an MSP is valid, and each refusal names the certificate or CRL and
the rule, where a CA taken as issuing nothing would leave the MSP's other CAs issuing identities Fabric never takes.

Fabric's MSP also asks of every identity, whatever it is checked for, what its organizational units (the OU
attributes of its certificate's subject) allow (msp/mspimplvalidate.go, validateIdentityOUsV1 and V142): where the
MSP lists organizational unit identifiers, one OU of the identity must be one of them, the identity issued by the CA
certificate the identifier names (its chain above the identity that CA's; setup refuses an identifier naming no
certificate, or one that is none of the MSP's CAs or issued another of its intermediate CAs); where it enables NodeOUs
and sets at least one role's identifier, exactly one of the identity's OU attributes, each one counted, must be a
NodeOU's (OU=peer twice is none; client and admin both, none either).

Which role an identity has (peer, client, admin, orderer) only an MSP with NodeOUs enabled can tell: the role
is the organizational unit of its certificate, matched against the MSP's NodeOU identifiers (and, where one
names a certificate, the CA chain above the identity must be that certificate's). Without NodeOUs a client
or admin certificate of the org passes for its peer: nothing in the certificate says otherwise.

Only X.509 MSPs (MSPConfig type 0) are read: an org whose MSP is of another type Fabric supports (Idemix, type 1)
has identities that are no certificates, and none of its signatures can be verified here. Each MSP's signature hash
family (its crypto config, SHA2 when unset) says which digest its identities sign.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import cached_property

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, SignatureAlgorithmOID
from fabric_protos.common import configtx_pb2
from fabric_protos.msp import msp_config_pb2
from google.protobuf.message import DecodeError

from ..der import der_element
from ..gateway.extended_key_usages import purpose_names
from ..gateway._identity import is_ca_certificate
from ..gateway._signer import VERIFIED_CURVE_ORDERS, leading_der_signature
from ..pem import go_pem_decode
from . import revocation
from .qscc import LedgerReadError

MSP_KEY = "MSP"
ORG_SECTIONS = ("Application", "Orderer")   # the channel config groups that hold org groups
MAX_CHAIN = 8                               # CA certificates above an identity at the most, loops included
PEER = "peer"
NODE_OU_ROLES = ("client", "peer", "admin", "orderer")   # FabricNodeOUs' <role>_ou_identifier fields
X509_MSP_TYPE = 0                           # MSPConfig.type of Fabric's X.509 MSP (1 is Idemix)
DEFAULT_HASH_FAMILY = "SHA2"                # what Fabric's MSP takes when the crypto config sets none
SIGNATURE_HASHES = {"SHA2": hashes.SHA256, "SHA3": hashes.SHA3_256}
"""The digest each signature hash family Fabric's MSP knows has its identities sign (msp/identities.go, getHashOpt):
an MSP of any other family verifies no signature."""

CERTIFICATE_ERRORS = (ValueError, TypeError, UnsupportedAlgorithm, x509.DuplicateExtension,
                      x509.UnsupportedGeneralNameType)
"""What reading a malformed certificate raises: cryptography parses extensions and keys only when asked, so a
certificate that loaded can still fail there. Such a certificate is no identity, which says nothing of others."""


def _msp_config(group: configtx_pb2.ConfigGroup) -> msp_config_pb2.MSPConfig:
    return msp_config_pb2.MSPConfig.FromString(group.values[MSP_KEY].value)


def fabric_msp_config(group: configtx_pb2.ConfigGroup) -> msp_config_pb2.FabricMSPConfig:
    """The FabricMSPConfig of an org group's ``MSP`` value (KeyError when the group has none)."""
    return msp_config_pb2.FabricMSPConfig.FromString(_msp_config(group).config)


@dataclass(frozen=True)
class NodeOU:
    """An OU identifier of an MSP (a role's NodeOU, or one of its organizational unit identifiers): the OU its
    certificates carry and, when set, the CA certificate whose chain must be the one above them."""

    ou: str
    certificate: x509.Certificate | None = None


@dataclass(frozen=True)
class ChannelMsp:
    """An org's MSP as the channel configuration defines it: its CA certificates, CRLs, when it enables NodeOUs
    (and sets one role's identifier at least), each role's NodeOU (``node_ous`` None: NodeOUs off, roles cannot be
    told), and the organizational unit identifiers one of which every identity must carry when it lists any."""

    msp_id: str
    roots: tuple[x509.Certificate, ...]
    intermediates: tuple[x509.Certificate, ...]
    crls: tuple[bytes, ...]
    node_ous: Mapping[str, NodeOU] | None = field(default=None, compare=False)
    ou_identifiers: tuple[NodeOU, ...] = field(default=(), compare=False)
    signature_hash_family: str = field(default=DEFAULT_HASH_FAMILY, compare=False)
    node_ou_identifiers: Mapping[str, NodeOU] = field(default_factory=dict, compare=False)
    """Each role's NodeOU identifier the definition sets, NodeOUs enabled or not: Fabric's MSP setup reads the CA
    certificate each names either way (setupNodeOUsV142), while only ``node_ous`` tell roles."""
    admins: tuple[x509.Certificate, ...] | None = field(default=None, compare=False)
    """The admin certificates the definition lists; None where the MSP is known by its CAs alone (a connection
    profile's), whose admin rules of setup are then not asked."""
    tls_roots: tuple[x509.Certificate, ...] = field(default=(), compare=False)
    tls_intermediates: tuple[x509.Certificate, ...] = field(default=(), compare=False)
    """The TLS root and intermediate CA certificates the definition lists: setup checks them
    (:func:`_tls_ca_problem`), no identity chains to them."""

    @classmethod
    def of(cls, conf: msp_config_pb2.FabricMSPConfig) -> ChannelMsp:
        node_ou_identifiers = _node_ou_identifiers(conf)
        # an MSP that enables NodeOUs but sets no role's identifier enforces none (Fabric's setupNodeOUsV142)
        node_ous = (node_ou_identifiers or None) if conf.fabric_node_ous.enable else None
        return cls(conf.name, tuple(fabric_certificate(pem) for pem in conf.root_certs),
                   tuple(fabric_certificate(pem) for pem in conf.intermediate_certs),
                   tuple(conf.revocation_list), node_ous,
                   tuple(_ou_identifier(identifier) for identifier in conf.organizational_unit_identifiers),
                   conf.crypto_config.signature_hash_family or DEFAULT_HASH_FAMILY,
                   node_ou_identifiers, tuple(fabric_certificate(pem) for pem in conf.admins),
                   tuple(fabric_certificate(pem) for pem in conf.tls_root_certs),
                   tuple(fabric_certificate(pem) for pem in conf.tls_intermediate_certs))

    def signature_hash(self) -> hashes.HashAlgorithm | None:
        """The hash whose digest of a message the MSP's identities sign, or None when its family is none Fabric
        knows (such an MSP verifies no signature)."""
        found = SIGNATURE_HASHES.get(self.signature_hash_family)
        return None if found is None else found()

    @cached_property
    def internal_cas(self) -> frozenset[bytes]:
        """The CA certificates (DER) above one of the MSP's intermediate CAs in its chain: the internal nodes of
        its certification tree (Fabric's certificationTreeInternalNodesMap), which issue none of its identities."""
        return frozenset(ca.public_bytes(serialization.Encoding.DER) for intermediate in self.intermediates
                         for ca in (fabric_chain(intermediate, self) or [])[1:])

    def issues_identities(self, ca: x509.Certificate) -> bool:
        """Whether an identity issued by ``ca`` can be the MSP's: ``ca`` is a leaf of its certification tree."""
        return ca.public_bytes(serialization.Encoding.DER) not in self.internal_cas

    @cached_property
    def fabric_cas(self) -> dict[bytes, x509.Certificate]:
        """The MSP's root and intermediate CA certificates by the certificate Fabric's MSP names each by
        (:func:`fabric_identity`), a root first where one is listed twice: how its setup finds the CA an OU
        identifier names (getCertifiersIdentifier compares them sanitized)."""
        found: dict[bytes, x509.Certificate] = {}
        for ca in self.roots + self.intermediates:
            if (named := fabric_identity(ca, self)) is not None:
                found.setdefault(named, ca)
        return found

    @cached_property
    def certifier_chains(self) -> dict[x509.Certificate, tuple[list[x509.Certificate] | None, str | None]]:
        """For each CA certificate an OU or NodeOU identifier of the MSP names, its chain as Fabric's MSP setup finds
        it, or why setup refuses it (:func:`_certifiers_chain`)."""
        named = (*self.ou_identifiers, *self.node_ou_identifiers.values(), *(self.node_ous or {}).values())
        certificates = {identifier.certificate for identifier in named if identifier.certificate is not None}
        return {certificate: _certifiers_chain(certificate, self) for certificate in certificates}

    @cached_property
    def definition_problem(self) -> str | None:
        """Why Fabric's MSP refuses this definition at setup for one of its CA certificates, or None
        (:func:`definition_problem`): it then takes no identity of the MSP."""
        return definition_problem(self)

    def tells_role(self, role: str) -> bool:
        """Whether this MSP can tell an identity of ``role`` from the org's others (NodeOUs on, the role's set)."""
        return self.node_ous is not None and role in self.node_ous


@dataclass(frozen=True)
class OrgMsp:
    """What an org's MSP value says, decoded: its ID and the certificates it trusts; ``config``, the whole
    FabricMSPConfig it was decoded from (intermediate CAs, OU identifiers, NodeOU certificates)."""

    msp_id: str
    root_certs: tuple[bytes, ...]
    tls_root_certs: tuple[bytes, ...]
    node_ous: dict[str, str]            # role -> OU (client, peer, admin, orderer) when NodeOUs are on
    admins: tuple[bytes, ...] = ()      # admin certificates listed explicitly (none with NodeOUs)
    revocation_list: tuple[bytes, ...] = ()     # CRLs: the certificates the MSP refuses
    config: msp_config_pb2.FabricMSPConfig | None = field(default=None, compare=False, repr=False)

    @cached_property
    def identities(self) -> ChannelMsp:
        """The MSP as it validates identities (ChannelMsp), from ``config``; for an OrgMsp made of its parts
        alone, from those (its roots, CRLs, NodeOUs and admins; made without admins, its admins are unknown, not
        none). ValueError where a certificate of it does not load."""
        conf = self.config
        if conf is not None:
            return ChannelMsp.of(conf)
        conf = msp_config_pb2.FabricMSPConfig(name=self.msp_id, root_certs=self.root_certs,
                                              tls_root_certs=self.tls_root_certs,
                                              revocation_list=self.revocation_list, admins=self.admins)
        if self.node_ous:
            conf.fabric_node_ous.enable = True
            for role, ou in self.node_ous.items():
                getattr(conf.fabric_node_ous, f"{role}_ou_identifier").organizational_unit_identifier = ou
        msp = ChannelMsp.of(conf)
        return msp if self.admins else replace(msp, admins=None)

    @classmethod
    def of(cls, conf: msp_config_pb2.FabricMSPConfig) -> OrgMsp:
        """The MSP a FabricMSPConfig defines, with each role's NodeOU where NodeOUs are on and the role's set."""
        ous = {}
        if conf.fabric_node_ous.enable:
            for role in NODE_OU_ROLES:
                identifier = getattr(conf.fabric_node_ous, f"{role}_ou_identifier")
                if identifier.organizational_unit_identifier:
                    ous[role] = identifier.organizational_unit_identifier
        return cls(conf.name, tuple(conf.root_certs), tuple(conf.tls_root_certs), ous, tuple(conf.admins),
                   tuple(conf.revocation_list), conf)


def fabric_certificate(pem: bytes) -> x509.Certificate:
    """A certificate of an MSP definition as Fabric's MSP reads it (getCertFromPem): the bytes of the first PEM block
    Go's pem.Decode takes, whatever its label, read as DER; ValueError where it takes none (a BEGIN line it passes
    over before the certificate, which cryptography's PEM reading refuses, is passed over here too)."""
    decoded = go_pem_decode(pem)
    if decoded is None:
        raise ValueError("no PEM block Go's pem.Decode reads, so Fabric's MSP reads no certificate from it")
    return x509.load_der_x509_certificate(decoded[1])


def _ou_identifier(identifier: msp_config_pb2.FabricOUIdentifier) -> NodeOU:
    return NodeOU(identifier.organizational_unit_identifier,
                  fabric_certificate(identifier.certificate) if identifier.certificate else None)


def _node_ou_identifiers(conf: msp_config_pb2.FabricMSPConfig) -> dict[str, NodeOU]:
    """Each role's NodeOU identifier the definition sets (a role whose identifier is unset left out), NodeOUs
    enabled or not."""
    if not conf.HasField("fabric_node_ous"):
        return {}
    return {role: _ou_identifier(getattr(conf.fabric_node_ous, f"{role}_ou_identifier")) for role in NODE_OU_ROLES
            if conf.fabric_node_ous.HasField(f"{role}_ou_identifier")}


def channel_msps(config: configtx_pb2.Config) -> dict[str, ChannelMsp]:
    """Every X.509 org MSP of the channel (application and orderer orgs), by MSP ID; an org whose MSP is of
    another type (Idemix) is left out, so an identity claiming its MSP is of no MSP found here.

    Raises LedgerReadError naming the org whose X.509 MSP does not decode or holds a certificate that cannot be
    read (Fabric takes no such config, so the config read is not what the channel holds)."""
    found = {}
    for section in ORG_SECTIONS:
        holder = config.channel_group.groups.get(section)
        if holder is None:
            continue
        for org, group in holder.groups.items():
            if MSP_KEY not in group.values:
                continue
            try:
                if _msp_config(group).type != X509_MSP_TYPE:
                    continue
                msp = ChannelMsp.of(fabric_msp_config(group))
            except (DecodeError, *CERTIFICATE_ERRORS) as error:
                raise LedgerReadError(f"the MSP of org {org} ({section}) in the channel config cannot be read as "
                                      f"an X.509 MSP ({type(error).__name__}: {error}); check that org's MSP "
                                      "value in the channel config") from None
            found[msp.msp_id] = msp
    return found


def application_msp_ids(config: configtx_pb2.Config) -> list[str]:
    """The MSP IDs of the channel's application orgs (the orgs whose peers endorse), sorted."""
    holder = config.channel_group.groups.get(ORG_SECTIONS[0])
    if holder is None:
        return []
    return sorted(fabric_msp_config(group).name for group in holder.groups.values() if MSP_KEY in group.values)


def issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    """Whether issuer's key signed cert (and cert names issuer as its issuer)."""
    try:
        cert.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


ECDSA_SIGNED = frozenset({SignatureAlgorithmOID.ECDSA_WITH_SHA1, SignatureAlgorithmOID.ECDSA_WITH_SHA256,
                          SignatureAlgorithmOID.ECDSA_WITH_SHA384, SignatureAlgorithmOID.ECDSA_WITH_SHA512})
"""The certificate signatures Fabric's MSP takes as ECDSA ones (msp/mspimpl.go isECDSASignedCert), whose S it
brings to the low half before it names the identity."""


def fabric_identity(cert: x509.Certificate, msp: ChannelMsp) -> bytes | None:
    """The certificate (DER) of the identity Fabric's MSP ``msp`` deserializes ``cert`` as, None where it cannot.

    Fabric names an identity by its MSP ID and the hash of its certificate as sanitized (msp/identities.go
    newIdentity, msp/mspimpl.go sanitizeCert): a certificate signed with ECDSA is first chained to the MSP's CAs
    at :func:`fabric_moment` (no chain, or more than one: the identity does not deserialize; the tree is not asked
    here, only when the identity is validated) and its CA's signature on it re-encoded with S in the low half
    of the issuer's curve order, so a certificate and its twin with the other S are one identity."""
    if cert.signature_algorithm_oid not in ECDSA_SIGNED:
        return cert.public_bytes(serialization.Encoding.DER)
    chain = fabric_chain(cert, msp)
    return None if chain is None else _sanitized(cert, chain)


def _sanitized(cert: x509.Certificate, chain: list[x509.Certificate]) -> bytes | None:
    """The certificate (DER) Fabric's MSP names the ECDSA-signed ``cert`` by, given its one chain
    (:func:`fabric_chain`); None where its CA's signature cannot be re-encoded (:func:`_low_s_certificate`)."""
    # a root CA is its own issuer: its chain holds it alone
    return _low_s_certificate(cert.public_bytes(serialization.Encoding.DER), cert.signature,
                              chain[min(1, len(chain) - 1)].public_key())


def _low_s_certificate(der: bytes, signature: bytes, issuer_key) -> bytes | None:
    """``der`` with its CA's ECDSA ``signature`` in the low-S DER form (bccsp/utils SignatureToLowS), unchanged
    where that is the signature it holds; None where the issuer's key is no ECDSA key on a curve Fabric knows."""
    if not isinstance(issuer_key, ec.EllipticCurvePublicKey):
        return None
    order, numbers = VERIFIED_CURVE_ORDERS.get(issuer_key.curve.name), leading_der_signature(signature)
    if order is None or numbers is None:
        return None
    r, s = numbers
    low = encode_dss_signature(r, s if s <= order // 2 else order - s)
    if low == signature:
        return der
    # Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, BIT STRING signature }: kept but the last
    old_value = _der_tlv(0x03, b"\x00" + signature)
    if not der.endswith(old_value):
        return None
    body_start = der_element(der).start                        # past the outer SEQUENCE's tag and length
    return _der_tlv(0x30, der[body_start:len(der) - len(old_value)] + _der_tlv(0x03, b"\x00" + low))


def _der_tlv(tag: int, content: bytes) -> bytes:
    """One DER element: its tag, its length in the shortest form, its content."""
    length = len(content)
    if length < 0x80:
        return bytes([tag, length]) + content
    size = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(size)]) + size + content


def _within_dates(cert: x509.Certificate, at: datetime) -> bool:
    return cert.not_valid_before_utc <= at <= cert.not_valid_after_utc


def _subject(cert: x509.Certificate) -> str:
    return cert.subject.rfc4514_string()


def chain_to(cert: x509.Certificate, msp: ChannelMsp, at: datetime | None = None) -> list[x509.Certificate] | None:
    """[cert, its issuer, ..., a root of the MSP], each issued (and signed) by the next, the first of
    :func:`validation_chains`; None when it does not chain to one of the MSP's roots. With ``at``, only certificates
    within their dates then make the chain (a CA renewed under the same key is found in the certificate valid at
    ``at``). Whether Fabric's MSP takes the chain (one chain only, its key usages) is :func:`fabric_chain`'s."""
    chains = validation_chains(cert, msp, at)
    return chains[0] if chains else None


def validation_chains(cert: x509.Certificate, msp: ChannelMsp,
                      at: datetime | None = None) -> list[list[x509.Certificate]]:
    """Every chain from ``cert`` to one of the MSP's roots, as Go's x509 Verify (which Fabric's MSP calls) builds
    them: through each root and each intermediate CA that signed the link before it (a CA whose subject and key
    are already in the chain left out, as Go's alreadyInChain does), the roots first; with ``at``, through
    certificates within their dates then. A CA issues nothing beyond its path length limit, nor with a key usage
    that lacks keyCertSign or without the CA flag (Go's isValid and CheckSignatureFrom), no SHA-1 signature makes
    a link, and no certificate marking critical an extension Go does not handle is one
    (:func:`unhandled_critical_extensions`). Chains that differ only
    in a CA listed twice, or in a twin of one whose CA's ECDSA signature has the other S, are one: Fabric's MSP
    pools its CA certificates sanitized, and a pool holds a certificate once."""
    if (at is not None and not _within_dates(cert, at)) or unhandled_critical_extensions(cert):
        return []
    if cert in msp.roots:
        return [[cert]]
    found: list[list[x509.Certificate]] = []

    def extend(chain: list[x509.Certificate]) -> None:
        if _signed_with_sha1(chain[-1]):
            return
        for ca, is_root in [(root, True) for root in msp.roots] + [(ca, False) for ca in msp.intermediates]:
            if (_already_in_chain(ca, chain) or (at is not None and not _within_dates(ca, at))
                    or not _may_issue(ca, intermediates_below=len(chain) - 1) or unhandled_critical_extensions(ca)
                    or not issued_by(chain[-1], ca)):
                continue
            if is_root:
                found.append(chain + [ca])
            elif len(chain) <= MAX_CHAIN:
                extend(chain + [ca])

    extend([cert])
    distinct: dict[tuple[bytes, ...], list[x509.Certificate]] = {}
    for chain in found:
        distinct.setdefault(tuple(_as_pooled(link, issuer) for link, issuer in zip(chain[1:], chain[2:] + chain[-1:])),
                            chain)
    return list(distinct.values())


GO_HANDLED_EXTENSIONS = frozenset({
    "2.5.29.14", "2.5.29.15", "2.5.29.17", "2.5.29.19", "2.5.29.30", "2.5.29.31", "2.5.29.32", "2.5.29.33",
    "2.5.29.35", "2.5.29.36", "2.5.29.37", "2.5.29.54",
    "1.3.6.1.5.5.7.1.1",                                   # authority information access
})
"""The extensions Go's x509 parser processes (processExtensions); any other marked critical it records as
unhandled, and Verify takes no chain holding the certificate."""
_GO_NAME_TYPES = (x509.DNSName, x509.RFC822Name, x509.IPAddress, x509.UniformResourceIdentifier)


def unhandled_critical_extensions(cert: x509.Certificate) -> list[str]:
    """The dotted OIDs of ``cert``'s critical extensions Go's x509 does not handle: one it does not process, a
    subject alternative name of no DNS, email, IP or URI name, name constraints of another kind of name."""
    if _unreadable_extensions(cert):
        return []
    unhandled = []
    for extension in cert.extensions:
        oid = extension.oid.dotted_string
        if not extension.critical:
            continue
        if oid not in GO_HANDLED_EXTENSIONS:
            unhandled.append(oid)
        elif isinstance(extension.value, x509.SubjectAlternativeName):
            if not any(isinstance(name, _GO_NAME_TYPES) for name in extension.value):
                unhandled.append(oid)
        elif isinstance(extension.value, x509.NameConstraints):
            subtrees = [*(extension.value.permitted_subtrees or ()), *(extension.value.excluded_subtrees or ())]
            if not all(isinstance(name, _GO_NAME_TYPES) for name in subtrees):
                unhandled.append(oid)
    return unhandled


def _signed_with_sha1(cert: x509.Certificate) -> bool:
    """Whether ``cert``'s CA signed it with SHA-1, a signature Go's x509 builds no chain through ("insecure
    algorithm")."""
    try:
        return isinstance(cert.signature_hash_algorithm, hashes.SHA1)
    except CERTIFICATE_ERRORS:
        return False


def _already_in_chain(ca: x509.Certificate, chain: list[x509.Certificate]) -> bool:
    """Whether a certificate of ``ca``'s subject, key and subject alternative names is in ``chain`` already (Go's
    alreadyInChain: a loop of cross-signatures ends there)."""
    def names(cert: x509.Certificate):
        return _extension(cert, x509.SubjectAlternativeName)
    key = ca.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return any(link.subject == ca.subject and names(link) == names(ca) and link.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo) == key for link in chain)


def _may_issue(ca: x509.Certificate, intermediates_below: int) -> bool:
    """Whether Go's x509 takes ``ca`` as the issuer of a chain's link with ``intermediates_below`` CAs under it:
    it is a CA, its key usage (where it has one) allows keyCertSign, and its path length limit (where set) is not
    exceeded."""
    if _unreadable_extensions(ca):
        return True
    constraints, usage = _extension(ca, x509.BasicConstraints), _extension(ca, x509.KeyUsage)
    if constraints is None or not constraints.ca:
        return False
    if constraints.path_length is not None and intermediates_below > constraints.path_length:
        return False
    return usage is None or usage.key_cert_sign


def _unreadable_extensions(cert: x509.Certificate) -> bool:
    """Whether cryptography cannot read ``cert``'s extensions (Go's parser reads some it refuses, as an SKI with
    bytes after it): no constraint is read from them then, none is made up either."""
    try:
        cert.extensions
    except CERTIFICATE_ERRORS:
        return True
    return False


def _extension(cert: x509.Certificate, kind: type[x509.ExtensionType]):
    """The value of ``cert``'s extension of ``kind``, None where it has none or its extensions cannot be read."""
    try:
        return cert.extensions.get_extension_for_class(kind).value
    except (x509.ExtensionNotFound, *CERTIFICATE_ERRORS):
        return None


def _as_pooled(cert: x509.Certificate, issuer: x509.Certificate) -> bytes:
    """``cert`` (DER) as Fabric's MSP holds a CA certificate: sanitized (:func:`_low_s_certificate`) where its
    ``issuer`` signed it with ECDSA."""
    der = cert.public_bytes(serialization.Encoding.DER)
    if cert.signature_algorithm_oid not in ECDSA_SIGNED:
        return der
    return _low_s_certificate(der, cert.signature, issuer.public_key()) or der


SERVER_AUTH_USAGES = frozenset({ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE})
"""The extended key usages a certificate of a chain Fabric's MSP verifies must list one of, where it lists any: the
MSP's verify options set no KeyUsages, which Go's x509 Verify reads as serverAuth, and checks down the chain."""


def _usage_problem(chain: list[x509.Certificate]) -> str | None:
    """Why Go's x509 Verify, as Fabric's MSP calls it, drops ``chain`` for its extended key usages, or None."""
    for cert in reversed(chain):
        usages = _extension(cert, x509.ExtendedKeyUsage)
        if usages is not None and SERVER_AUTH_USAGES.isdisjoint(usages):
            listed = purpose_names(usage.dotted_string for usage in usages) or "none"
            return (f"the certificate of {_subject(cert)} lists the extended key usages {listed}, without serverAuth "
                    "or anyExtendedKeyUsage, which Fabric's MSP asks of every certificate of an identity's chain "
                    "that lists any (its verify options set none, which Go's x509 reads as serverAuth)")
    return None


def fabric_moment(cert: x509.Certificate) -> datetime:
    """When Fabric's MSP verifies ``cert``'s chain: a second past its notBefore (getValidityOptsForCert)."""
    return cert.not_valid_before_utc + timedelta(seconds=1)


def fabric_chains(cert: x509.Certificate, msp: ChannelMsp) -> list[list[x509.Certificate]]:
    """``cert``'s chains to the MSP's roots that Go's x509 Verify gives Fabric's MSP: built at
    :func:`fabric_moment`, those whose extended key usages Go refuses (:func:`_usage_problem`) left out. Fabric
    takes an identity with exactly one."""
    return _usable(validation_chains(cert, msp, fabric_moment(cert)))


def _usable(chains: list[list[x509.Certificate]]) -> list[list[x509.Certificate]]:
    """Those of ``chains`` whose extended key usages Go's x509 Verify takes (:func:`_usage_problem`)."""
    return [chain for chain in chains if _usage_problem(chain) is None]


def fabric_chain(cert: x509.Certificate, msp: ChannelMsp) -> list[x509.Certificate] | None:
    """``cert``'s chain to the MSP's roots as Fabric's MSP builds it (:func:`fabric_chains`); None where it has none
    then, or more than one, or Go 1.14's name constraints refuse the one (getUniqueValidationChain refuses it)."""
    chains = fabric_chains(cert, msp)
    return chains[0] if len(chains) == 1 and _legacy_name_constraints_problem(chains[0]) is None else None


def _legacy_name_constraints_problem(chain: list[x509.Certificate]) -> str | None:
    """Why Fabric's verifyLegacyNameConstraints refuses ``chain`` (the check Go 1.14's x509 made), or None: its leaf
    has no subject alternative name, its common name looks like a host name, and a CA of the chain carries name
    constraints."""
    leaf = chain[0]
    common_names = leaf.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    if (len(chain) < 2 or _unreadable_extensions(leaf) or _extension(leaf, x509.SubjectAlternativeName) is not None
            or not common_names or not _host_like(str(common_names[-1].value))):
        return None
    constrained = next((ca for ca in chain[1:] if _extension(ca, x509.NameConstraints) is not None), None)
    if constrained is None:
        return None
    return (f"the certificate of {_subject(leaf)} has no subject alternative name and a common name like a host "
            f"name, while {_subject(constrained)} above it carries name constraints: Fabric's MSP refuses such an "
            "identity as Go 1.14's x509 did (verifyLegacyNameConstraints); give the certificate a subject "
            "alternative name")


def _host_like(name: str) -> bool:
    """Whether ``name`` is a host name as Fabric's validHostname (msp/mspimpl.go) reads one."""
    name = name.removesuffix(".")
    if not name:
        return False
    for index, part in enumerate(name.split(".")):
        if not part:
            return False
        if index == 0 and part == "*":
            continue
        if not all(c.isascii() and (c.isalnum() or c in "_:" or (c == "-" and at > 0)) for at, c in enumerate(part)):
            return False
    return True


def _organizational_units(cert: x509.Certificate) -> list[str]:
    return [attribute.value for attribute in cert.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)]


def _issued_as(chain: list[x509.Certificate], identifier: NodeOU, msp: ChannelMsp) -> bool:
    """Whether the identity (``chain[0]``, chained to ``msp``) is issued as the OU identifier asks: where it names a
    certificate, the chain above the identity is that CA's (:func:`_certifiers_chain`: Fabric compares the two
    chains' hashes), so that CA issued it."""
    if identifier.certificate is None:
        return True
    certifiers, _ = msp.certifier_chains[identifier.certificate]
    return certifiers is not None and chain[1:] == certifiers


def _certifiers_chain(certificate: x509.Certificate,
                      msp: ChannelMsp) -> tuple[list[x509.Certificate] | None, str | None]:
    """The chain of the CA an OU identifier names by ``certificate``, as Fabric's MSP setup finds it
    (getCertifiersIdentifier): the root alone, or an intermediate CA and the CAs above it; and None. Or None and
    why setup refuses the identifier, said of the certificate: it is none of the MSP's root or intermediate CA
    certificates (compared as Fabric names them), or an intermediate CA that issued another of the MSP's."""
    named = fabric_identity(certificate, msp)
    listed = None if named is None else msp.fabric_cas.get(named)
    if listed is None:
        return None, (f"is none of {msp.msp_id}'s root or intermediate CA certificates (\"Failed adding OU. "
                      "Certificate [...] not in root or intermediate certs\")")
    if any(listed is root for root in msp.roots):
        return [listed], None
    chain = fabric_chain(listed, msp)
    if chain is None:
        return None, "has no single validation chain to the MSP's roots (\"Failed computing validation chain\")"
    if not msp.issues_identities(listed):
        return None, (f"is an intermediate CA of {msp.msp_id} that issued another of its intermediate CAs, so issues "
                      "none of its identities (\"Parent certificate should be a leaf of the certification tree\")")
    return chain, None


def _ou_problem(chain: list[x509.Certificate], msp: ChannelMsp) -> str | None:
    """Why the organizational units of the identity ``chain[0]`` (chained to ``msp``) make it no identity of the
    MSP, or None: Fabric's validateIdentityOUsV1, then, with NodeOUs on, V142's count of NodeOU OU attributes."""
    who, ous = _subject(chain[0]), _organizational_units(chain[0])
    if msp.ou_identifiers and not any(identifier.ou in ous and _issued_as(chain, identifier, msp)
                                      for identifier in msp.ou_identifiers):
        listed = ", ".join(sorted({identifier.ou for identifier in msp.ou_identifiers}))
        if not ous:
            return (f"the certificate of {who} carries no organizational unit, while {msp.msp_id}'s MSP takes only "
                    f"identities of its organizational unit identifiers ({listed})")
        return (f"none of the organizational units of the certificate of {who} ({', '.join(ous)}) is one of "
                f"{msp.msp_id}'s MSP's organizational unit identifiers ({listed}; where one names a CA certificate, "
                f"issued under it), which Fabric's MSP requires")
    if msp.node_ous is None:
        return None
    by_ou = {node_ou.ou: (role, node_ou) for role, node_ou in msp.node_ous.items()}   # a later role wins, as in Go
    carried = []
    for ou in ous:
        if ou not in by_ou:
            continue
        role, node_ou = by_ou[ou]
        if not _issued_as(chain, node_ou, msp):
            return (f"the certificate of {who} carries none of {msp.msp_id}'s NodeOU roles: its OU {ou} is the "
                    f"{role} OU, whose NodeOU names a CA certificate the identity is not issued under")
        carried.append(role)
        if len(carried) > 1:
            break                                       # Fabric stops at the second, as refused
    if not carried:
        return (f"the certificate of {who} carries none of {msp.msp_id}'s NodeOU roles, which {msp.msp_id}'s "
                "MSP refuses")
    if len(carried) > 1:
        roles = sorted(set(carried), key=NODE_OU_ROLES.index)
        if len(roles) > 1:
            return (f"the certificate of {who} carries the OUs of several roles ({', '.join(roles)}), which "
                    f"{msp.msp_id}'s MSP refuses")
        return (f"the certificate of {who} carries {msp.msp_id}'s {roles[0]} OU {len(carried)} times, which "
                f"{msp.msp_id}'s MSP refuses (an identity carries exactly one NodeOU OU)")
    return None


def role_problem(chain: list[x509.Certificate], msp: ChannelMsp, role: str) -> str | None:
    """Why the identity ``chain[0]`` (chained to ``msp``, its OUs valid: :func:`certificate_problem`) is not of
    ``role`` as the MSP's NodeOUs tell it, or None when it is, or when the MSP cannot tell
    (:meth:`ChannelMsp.tells_role`)."""
    if not msp.tells_role(role):
        return None
    ous = _organizational_units(chain[0])
    if msp.node_ous[role].ou in ous:
        return None
    other = next((f"{msp.msp_id}'s {name} OU" for name, node_ou in msp.node_ous.items() if node_ou.ou in ous),
                 f"none of {msp.msp_id}'s NodeOU roles")
    return f"the certificate of {_subject(chain[0])} carries {other}: it is no {role}"


def certificate_problem(cert: x509.Certificate, msp: ChannelMsp, at: datetime | None,
                        role: str | None = None) -> str | None:
    """Why ``cert`` is not an identity of ``msp`` at moment ``at`` (an aware datetime; None: as Fabric's MSP
    validates it, expiry aside), or None when it is: Fabric's MSP sets up the definition (none of its CA
    certificates breaks a rule of :func:`definition_problem`, which asks each for a Subject Key Identifier Fabric
    reads), it chains to one of the MSP's roots through CAs within their dates at :func:`fabric_moment`, its issuer
    issued none of the MSP's intermediate CAs (:meth:`ChannelMsp.issues_identities`), it and its CAs are within
    their dates at ``at``, no CRL of an issuing CA (matched as the MSP matches them) lists it or a
    CA between it and the root, its organizational units are the MSP's (its OU identifiers, its NodeOUs:
    :func:`_ou_problem`), and, with ``role`` and an MSP whose NodeOUs tell it, it is of that role. A certificate
    whose fields cannot be read is no identity."""
    try:
        return _certificate_problem(cert, msp, at, role)
    except CERTIFICATE_ERRORS as error:
        return f"the certificate cannot be read as an identity ({type(error).__name__}: {error})"


def definition_problem(msp: ChannelMsp) -> str | None:
    """Why Fabric's MSP refuses ``msp``'s definition as it sets it up, or None: the first rule broken, naming the
    certificate or CRL. Setup, as Fabric 2 and 3 channels run it (MSP version 1.4.3: msp/mspimplsetup.go
    preSetupV142 and postSetupV142), fails unless:

    - the MSP lists a root CA certificate (setupCAs);
    - every CRL it lists parses as Go's x509.ParseCRL reads one, DER or PEM from its first byte (setupCRLs, "could
      not parse RevocationList"; :func:`.revocation.load`);
    - every root and intermediate CA certificate it lists is a CA (basic constraints CA:TRUE), has a Subject Key
      Identifier Fabric reads, and verifies as the MSP verifies its identities: exactly one chain of the MSP's CAs
      at a second past its own notBefore, as Go's x509 builds it (signatures other than SHA-1, issuers allowed to
      issue, extended key usages, critical extensions; a root alone is its chain), which Go 1.14's name
      constraints take; and an intermediate CA must pass the MSP's CRLs as an identity does: none lacking an
      Authority Key Identifier Fabric reads, none of its issuer listing it (finalizeSetupCAs, validateCAIdentity
      of msp/mspimplvalidate.go);
    - every TLS root and TLS intermediate CA certificate it lists is a CA, has a Subject Key Identifier Fabric
      reads, and verifies as the other CAs do, through its TLS CAs to one of its TLS roots, and a TLS intermediate
      CA passes the MSP's CRLs (setupTLSCAs, validateTLSCAIdentity: :func:`_tls_ca_problem`);
    - every organizational unit identifier names a CA certificate, and that one, as the one a NodeOU identifier
      names (NodeOUs enabled or not), is one of its root CA certificates or of its intermediate CA certificates that
      issued no other of them (setupOUs, setupNodeOUsV142: getCertifiersIdentifier);
    - every admin certificate it lists reads as an identity of the MSP (one signed with ECDSA has exactly one
      chain to its CAs, getIdentityFromConf), and it lists one at least unless its NodeOUs are on with an admin
      OU (setupAdminsV142);
    - with NodeOUs off, every listed admin certificate validates as an identity of the MSP; with NodeOUs on, each
      carries the client or the admin OU (postSetupV142), which Fabric reads through the admin's certification
      chain: none of a CA certificate, nor of one issued by a CA that issued an intermediate CA of the MSP (its CRLs
      not asked).

    An MSP whose admins are unknown (``admins`` None) is not asked the admin rules. The orderer refuses a channel
    config holding such a definition whole."""
    if not msp.roots:
        return (f"{msp.msp_id}'s MSP lists no root CA certificate, and Fabric's MSP expects one at least "
                "(\"expected at least one CA certificate\")")
    for place, data in enumerate(msp.crls, start=1):
        if revocation.load(data) is None:
            return (f"CRL {place} of {len(msp.crls)} in {msp.msp_id}'s MSP in the channel config is no CRL Fabric "
                    "parses (DER, or PEM from its first byte), and Fabric's MSP refuses a definition holding one "
                    "(\"could not parse RevocationList\"): replace it with the CRL its CA wrote, or leave it out")
    for kind, ca in [("root", root) for root in msp.roots] + [("intermediate", ca) for ca in msp.intermediates]:
        if (problem := _ca_problem(ca, kind, msp)) is not None:
            return problem
    if (problem := _tls_ca_problem(msp)) is not None:
        return problem
    if (problem := _ou_identifiers_problem(msp)) is not None:
        return problem
    return None if msp.admins is None else _admins_problem(msp)


def _ou_identifiers_problem(msp: ChannelMsp) -> str | None:
    """Why Fabric's MSP setup refuses ``msp``'s definition for the CA certificate one of its organizational unit
    identifiers or NodeOU identifiers names, or None (:func:`definition_problem`): setupOUs reads the one each OU
    identifier must name, setupNodeOUsV142 the one a NodeOU identifier may name, both with getCertifiersIdentifier."""
    count = len(msp.ou_identifiers)
    named = [(f"organizational unit identifier {place} of {count} ({identifier.ou})", identifier)
             for place, identifier in enumerate(msp.ou_identifiers, start=1)]
    named += [(f"{role} NodeOU identifier ({identifier.ou})", identifier)
              for role, identifier in (msp.node_ou_identifiers or msp.node_ous or {}).items()
              if identifier.certificate is not None]
    for what, identifier in named:
        if identifier.certificate is None:
            return (f"the {what} in {msp.msp_id}'s MSP names no CA certificate, and Fabric's MSP setup reads the one "
                    f"each organizational unit identifier names (\"failed getting certificate for\"): name the CA "
                    f"certificate that issues the identities carrying {identifier.ou}")
        _, refused = msp.certifier_chains[identifier.certificate]
        if refused is not None:
            cert = identifier.certificate
            return (f"the {what} in {msp.msp_id}'s MSP names the certificate of {_subject(cert)} (serial "
                    f"{cert.serial_number:x}), which {refused}, and Fabric's MSP setup refuses such an identifier: "
                    f"name the root or intermediate CA certificate of {msp.msp_id} that issues the identities "
                    f"carrying {identifier.ou}")
    return None


def _admins_problem(msp: ChannelMsp) -> str | None:
    """Why Fabric's MSP setup refuses ``msp``'s definition for its admins (listed ones, or none), or None
    (:func:`definition_problem`)."""
    for index, admin in enumerate(msp.admins):
        who = f"the admin certificate of {_subject(admin)} (serial {admin.serial_number:x})"
        try:
            refused = f"the admin, and {msp.msp_id}'s MSP definition with it"
            unique = None
            if admin.signature_algorithm_oid in ECDSA_SIGNED:
                # read as fabric_identity reads it, the chain built once for the identity and for the refusal
                unique = chain, unchained = _unique_chain(admin, msp, refused)
                if chain is None or _sanitized(admin, chain) is None:
                    return (f"{who} listed in {msp.msp_id}'s MSP is no identity Fabric's MSP reads, as it reads each "
                            f"listed admin at setup: {unchained or 'its CA signature is not one Fabric re-encodes'}")
            if msp.node_ous is None:
                problem = _identity_problem(admin, msp, None, None)
            elif (unread := _certification_chain(admin, msp, refused, unique)[1]) is not None:
                return (f"{who} listed in {msp.msp_id}'s MSP carries no organizational unit Fabric's MSP reads "
                        f"({unread}; it reads an identity's OUs through its certification chain), and with NodeOUs on "
                        f"Fabric's MSP asks every listed admin for its client or its admin OU (\"admin {index} is "
                        "invalid\"): list only admins the MSP takes")
            elif not any(role in msp.node_ous and msp.node_ous[role].ou in _organizational_units(admin)
                         for role in ("client", "admin")):
                roles = ", ".join(f"{role} OU {msp.node_ous[role].ou}" for role in ("client", "admin")
                                  if role in msp.node_ous) or "no client or admin OU"
                return (f"{who} listed in {msp.msp_id}'s MSP carries neither its client nor its admin OU ({roles}; "
                        f"it carries {', '.join(_organizational_units(admin)) or 'no OU'}), and with NodeOUs on "
                        f"Fabric's MSP asks that of every listed admin (\"admin {index} is invalid\"): list only "
                        "admins issued with one of those OUs")
            else:
                problem = None
        except CERTIFICATE_ERRORS as error:
            problem = f"the certificate cannot be read as an identity ({type(error).__name__}: {error})"
        if problem is not None:
            return (f"{who} listed in {msp.msp_id}'s MSP is no valid identity of it ({problem}), and with NodeOUs "
                    f"off Fabric's MSP validates every listed admin at setup (\"admin {index} is invalid\"): list only "
                    "admins the MSP takes")
    if not msp.admins and not msp.tells_role("admin"):
        return (f"{msp.msp_id}'s MSP lists no admin certificate and has no admin OU (NodeOUs "
                f"{'on without an admin OU identifier' if msp.node_ous is not None else 'off'}), and Fabric's MSP "
                "refuses such a definition (\"administrators must be declared when no admin ou classification is "
                "set\"): list the org's admin certificate, or enable NodeOUs with an admin OU")
    return None


def _ca_form_problem(ca: x509.Certificate, who: str, kinds: str) -> str | None:
    """Why Fabric's MSP setup refuses the CA certificate ``ca`` (named ``who``), one of the ``kinds`` of CA
    certificates it lists, before any chain: it is no CA, or has no Subject Key Identifier Fabric reads."""
    if not _unreadable_extensions(ca) and not is_ca_certificate(ca):
        return (f"{who} is not a CA certificate (its basic constraints do not say CA:TRUE), which Fabric's MSP asks "
                f"of every {kinds} CA certificate it lists (\"CA Certificate did not have the CA attribute\"): list "
                "only CA certificates there")
    if (unreadable := revocation.ski_problem(ca)) is not None:
        return (f"{who} {unreadable}, which Fabric's MSP asks of every {kinds} CA certificate it lists (\"CA "
                "Certificate problem with Subject Key Identifier extension\"): have it issued again with one")
    return None


def _tls_ca_problem(msp: ChannelMsp) -> str | None:
    """Why Fabric's MSP setup refuses ``msp``'s definition for one of its TLS root or intermediate CA certificates,
    or None (:func:`definition_problem`; setupTLSCAs): what :func:`_ca_problem` asks of the other CAs, the chain
    built of the MSP's TLS CAs alone (validateTLSCAIdentity, at a second past the certificate's notBefore as for
    the others) and a TLS intermediate CA checked against the MSP's CRLs."""
    tls = ChannelMsp(msp.msp_id, msp.tls_roots, msp.tls_intermediates, ())
    listed = [("TLS root", ca) for ca in msp.tls_roots] + [("TLS intermediate", ca) for ca in msp.tls_intermediates]
    for kind, ca in listed:
        if (problem := _ca_problem(ca, kind, msp, tls)) is not None:
            return problem
    return None


def _ca_problem(ca: x509.Certificate, kind: str, msp: ChannelMsp, tls: ChannelMsp | None = None) -> str | None:
    """Why Fabric's MSP setup refuses the CA certificate ``ca``, one of ``msp``'s ``kind`` ("root" or
    "intermediate") CAs, or None (:func:`definition_problem`); with ``tls``, the MSP's TLS CAs, ``ca`` is one of
    those ("TLS root" or "TLS intermediate"), its chain built of them (:func:`_tls_ca_problem`)."""
    who = f"the {kind} CA certificate of {_subject(ca)} (serial {ca.serial_number:x})"
    kinds, checked, chained = (("root and intermediate", "CA certificates (validateCAIdentity)", msp) if tls is None
                               else ("TLS root and TLS intermediate", "TLS CA certificates (validateTLSCAIdentity)",
                                     tls))
    if (problem := _ca_form_problem(ca, who, kinds)) is not None:
        return problem
    refused = f"the {'' if tls is None else 'TLS '}CA certificate, and {msp.msp_id}'s MSP definition with it"
    chain, unchained = _unique_chain(ca, chained, refused)
    if chain is None:
        return f"{who} does not verify as Fabric's MSP verifies its {checked}: {unchained}"
    if len(chain) == 1:
        return None                                     # a root: Fabric checks no CRL for it
    return _ca_crl_problem(ca, who, chain[1], msp)


def _ca_crl_problem(ca: x509.Certificate, who: str, issuer: x509.Certificate, msp: ChannelMsp) -> str | None:
    """Why the MSP's CRLs refuse the intermediate CA certificate ``ca`` (named ``who``) that ``issuer`` issued, as
    Fabric's MSP setup checks it (validateCertAgainstChain), or None."""
    found = revocation.refusing(msp.crls, issuer, ca.serial_number)
    if found is None:
        return None
    place, listing, revokes = found
    crl = revocation.describe(place, len(msp.crls), listing, msp.msp_id)
    if revokes:
        return (f"{who} is revoked: {crl} of its issuer {_subject(issuer)} lists it, and Fabric's MSP checks its "
                "intermediate CA certificates against its CRLs (\"The certificate has been revoked\")")
    return (f"{crl} has no Authority Key Identifier Fabric reads, which fails the check of {who} against the MSP's "
            "CRLs (\"could not obtain Authority Key Identifier for crl\"): give that CRL its CA's key identifier")


def _dates_problem(chain: list[x509.Certificate], at: datetime) -> str | None:
    link = next((link for link in chain if not _within_dates(link, at)), None)
    if link is None:
        return None
    return (f"the certificate of {_subject(link)} was not valid at {at.isoformat()} (valid "
            f"{link.not_valid_before_utc.isoformat()} to {link.not_valid_after_utc.isoformat()})")


def _chainless_problem(cert: x509.Certificate, msp: ChannelMsp, refused: str,
                       then: list[list[x509.Certificate]]) -> str:
    """Why ``cert`` has no chain Fabric's MSP takes (:func:`fabric_chains` found none among ``then``, its chains at
    :func:`fabric_moment`); ``refused``, what Fabric refuses for it."""
    who, moment = _subject(cert), fabric_moment(cert)
    if then:
        return f"{_usage_problem(then[0])}: Fabric refuses {who}"
    if unhandled := unhandled_critical_extensions(cert):
        return (f"the certificate of {who} marks critical the extensions {', '.join(unhandled)}, which Go's x509 "
                f"(Fabric's MSP's) does not handle: Fabric refuses {refused}")
    if _signed_with_sha1(cert):
        return (f"the certificate of {who} is signed with SHA-1, which Go's x509 Verify (Fabric's MSP's) takes no "
                f"chain through: Fabric refuses {refused}; have its CA issue it again with SHA-256")
    undated = chain_to(cert, msp)
    if undated is None:
        return (f"the certificate of {who} does not chain to a CA certificate of {msp.msp_id} in the channel config "
                "(through CAs allowed to issue it: one whose key usage lacks keyCertSign issues nothing, nor one "
                "beyond its path length limit, nor one whose own certificate is signed with SHA-1 or marks critical "
                "an extension Go's x509 does not handle)")
    # the chain at Fabric's moment would be this one had all its links been valid then
    return (f"{_dates_problem(undated, moment)}, a second past the notBefore of {who}, when Fabric's MSP verifies "
            f"its chain: Fabric refuses {refused}")


def _unique_chain(cert: x509.Certificate, msp: ChannelMsp,
                  refused: str = "the identity") -> tuple[list[x509.Certificate] | None, str | None]:
    """``cert``'s one chain to the MSP's roots as Fabric's MSP takes it (getUniqueValidationChain), and None; or
    None and why it has none (no chain, several, or Go 1.14's name constraints refuse the one); ``refused``, what
    Fabric refuses for it."""
    then = validation_chains(cert, msp, fabric_moment(cert))
    chains = _usable(then)
    if len(chains) > 1:
        through = "; ".join(" -> ".join(f"{_subject(ca)} (serial {ca.serial_number:x})" for ca in chain[1:])
                            for chain in chains)
        return None, (f"the certificate of {_subject(cert)} has {len(chains)} validation chains to {msp.msp_id}'s CA "
                      f"certificates in the channel config a second past its notBefore ({through}), and Fabric's "
                      f"MSP supports a single validation chain: it refuses {refused} (list only one of those CA "
                      "certificates valid then)")
    if not chains:
        return None, _chainless_problem(cert, msp, refused, then)
    if (legacy := _legacy_name_constraints_problem(chains[0])) is not None:
        return None, legacy
    return chains[0], None


def _certificate_problem(cert: x509.Certificate, msp: ChannelMsp, at: datetime | None,
                         role: str | None) -> str | None:
    if (refused := msp.definition_problem) is not None:
        return (f"Fabric refuses {msp.msp_id}'s MSP definition in the channel config, so it takes no identity of "
                f"{msp.msp_id}: {refused}")
    return _identity_problem(cert, msp, at, role)


def _certification_chain(cert: x509.Certificate, msp: ChannelMsp, refused: str = "the identity",
                         unique: tuple[list[x509.Certificate] | None, str | None] | None = None,
                         ) -> tuple[list[x509.Certificate] | None, str | None]:
    """``cert``'s chain as Fabric's MSP takes it for an identity (getCertificationChainForBCCSPIdentity), and None;
    or None and why it has none: a CA certificate is no identity, the chain must be the only one
    (:func:`_unique_chain`, or ``unique``, what it gave already), and the issuer a leaf of the MSP's certification
    tree. Fabric reads an identity's OUs through that chain too (GetOrganizationalUnits), none where it has none."""
    who = _subject(cert)
    if is_ca_certificate(cert):
        return None, f"the certificate of {who} is a CA certificate, which no MSP takes as an identity"
    chain, unchained = unique or _unique_chain(cert, msp, refused)
    if chain is None:
        return None, unchained
    if len(chain) > 1 and not msp.issues_identities(chain[1]):
        return None, (f"the certificate of {who} is issued by {_subject(chain[1])}, which issued an intermediate CA "
                      f"of {msp.msp_id} too: Fabric's MSP takes identities only from the CAs that issued none of its "
                      "intermediate CAs")
    return chain, None


def _identity_problem(cert: x509.Certificate, msp: ChannelMsp, at: datetime | None,
                      role: str | None) -> str | None:
    """:func:`certificate_problem` of an MSP whose definition Fabric sets up (setup itself validates the listed
    admins so)."""
    who = _subject(cert)
    chain, unchained = _certification_chain(cert, msp)
    if chain is None:
        return unchained
    if at is not None and (expired := _dates_problem(chain, at)) is not None:
        return expired
    for child, issuer in zip(chain, chain[1:]):
        # each issuer is one of the MSP's CAs, whose Subject Key Identifier the definition's check read
        found = revocation.refusing(msp.crls, issuer, child.serial_number)
        if found is None:
            continue
        place, listing, revokes = found
        if not revokes:
            # Fabric's MSP fails every identity when it meets such a CRL ("could not obtain Authority Key
            # Identifier for crl"): the identity is refused whatever the CRL lists
            return (f"CRL {place} of {msp.msp_id}'s revocation list in the channel config has no readable "
                    f"Authority Key Identifier, so Fabric refuses every identity of {msp.msp_id}, {who} too")
        when = listing.get_revoked_certificate_by_serial_number(child.serial_number).revocation_date_utc
        return (f"the certificate of {_subject(child)} (serial {child.serial_number:x}) is on {msp.msp_id}'s "
                f"revocation list in the channel config (revoked {when.isoformat()})")
    return _ou_problem(chain, msp) or (None if role is None else role_problem(chain, msp, role))
