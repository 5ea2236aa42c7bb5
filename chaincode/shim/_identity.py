"""ClientIdentity: who submitted the transaction, read from the creator's X.509 certificate."""

from __future__ import annotations

import base64
import functools
import json
import logging
import re
import unicodedata

from cryptography import x509
from cryptography.x509.oid import NameOID
from fabric_protos.msp import identities_pb2

from ._errors import InvalidValue

logger = logging.getLogger(__name__)

# Fabric CA writes enrolment attributes as JSON {"attrs": {...}} into this extension.
ATTRIBUTES_OID = x509.ObjectIdentifier("1.2.3.4.5.6.7.8.1")


def _attributes_of(certificate: x509.Certificate) -> dict[str, str]:
    try:
        extension = certificate.extensions.get_extension_for_oid(ATTRIBUTES_OID)
    except x509.ExtensionNotFound:
        return {}
    raw = extension.value.value if isinstance(extension.value, x509.UnrecognizedExtension) else b""
    try:
        attrs = json.loads(raw).get("attrs", {})
    except (ValueError, AttributeError):
        logger.warning("ignoring a malformed Fabric CA attribute extension")
        return {}
    return {str(name): str(value) for name, value in attrs.items()} if isinstance(attrs, dict) else {}


# The attribute types Go's pkix.Name keeps, in the order its ToRDNSequence emits them.
_DN_ORDER = (
    (NameOID.COUNTRY_NAME, "C"),
    (NameOID.STATE_OR_PROVINCE_NAME, "ST"),
    (NameOID.LOCALITY_NAME, "L"),
    (NameOID.STREET_ADDRESS, "STREET"),
    (NameOID.POSTAL_CODE, "POSTALCODE"),
    (NameOID.ORGANIZATION_NAME, "O"),
    (NameOID.ORGANIZATIONAL_UNIT_NAME, "OU"),
    (NameOID.COMMON_NAME, "CN"),
    (NameOID.SERIAL_NUMBER, "SERIALNUMBER"),
)
_DN_SPECIAL = set(',+"\\<>;')


def _escape_dn_value(value: str) -> str:
    escaped = []
    for index, char in enumerate(value):
        at_edge = (index == 0 and char in " #") or (index == len(value) - 1 and char == " ")
        escaped.append("\\" + char if at_edge or char in _DN_SPECIAL else char)
    return "".join(escaped)


def fabric_dn(name: x509.Name) -> str:
    """A DN as Fabric's Go cid library writes it: Go's canonical attribute order, reversed, RFC 2253 escaping.

    Go rebuilds the name from the fields it knows (so the certificate's own
    attribute order does not matter, and other attribute types are left out);
    values of one type share an RDN, joined with ``+``.
    """
    rdns = []
    for oid, label in _DN_ORDER:
        values = [str(attribute.value) for attribute in name.get_attributes_for_oid(oid)]
        if oid in (NameOID.COMMON_NAME, NameOID.SERIAL_NUMBER):
            values = values[-1:]  # pkix.Name holds one common name and serial number: the last one parsed
        if values:
            rdns.append("+".join(f"{label}={_escape_dn_value(value)}" for value in values))
    return ",".join(reversed(rdns))


def x509_client_id(certificate: x509.Certificate) -> str:
    """``x509::<subject DN>::<issuer DN>`` as Fabric's cid library forms it (before its base64 step): the id the
    contract binds to parties. Clients form it with this same function, so the two can never spell it apart."""
    return f"x509::{fabric_dn(certificate.subject)}::{fabric_dn(certificate.issuer)}"


# fabric_dn's attribute labels, each ranked by its place in the DN it writes (most specific first: CN before C)
_DN_RANK = {label: rank for rank, (_, label) in enumerate(reversed(_DN_ORDER))}
_ONE_VALUE_LABELS = {"CN", "SERIALNUMBER"}


def _split_unescaped(text: str, separator: str) -> list[str]:
    """``text`` cut at each ``separator`` not escaped by a backslash (the escapes stay in the parts)."""
    parts, start, index = [], 0, 0
    while index < len(text):
        if text[index] == "\\":
            index += 2
            continue
        if text[index] == separator:
            parts.append(text[start:index])
            start = index + 1
        index += 1
    parts.append(text[start:])
    return parts


def _dn_value_problem(escaped: str) -> str | None:
    """Why ``escaped`` is no value as :func:`_escape_dn_value` writes one, or None."""
    chars = []   # (character, escaped?)
    index = 0
    while index < len(escaped):
        if escaped[index] == "\\":
            if index + 1 == len(escaped):
                return "it ends in a lone backslash"
            chars.append((escaped[index + 1], True))
            index += 2
        else:
            chars.append((escaped[index], False))
            index += 1
    for position, (char, was_escaped) in enumerate(chars):
        at_edge = (position == 0 and char in " #") or (position == len(chars) - 1 and char == " ")
        if was_escaped and not (at_edge or char in _DN_SPECIAL):
            return f"{char!r} is escaped, which only , + \" \\ < > ; and a leading space or # are"
        if not was_escaped and (at_edge or char in _DN_SPECIAL):
            return f"{char!r} is not escaped with a backslash"
    return None


def _dn_problem(dn: str, *, may_be_empty: bool = False) -> str | None:
    """Why ``dn`` is no DN as :func:`fabric_dn` writes one, or None. Empty is one only where ``may_be_empty``: a
    subject may hold none of its labels (RFC 5280 lets a certificate name its holder in subjectAltName alone),
    an issuer, a CA, names itself."""
    if not dn:
        return None if may_be_empty else "it is empty"
    last_rank = -1
    for rdn in _split_unescaped(dn, ","):
        labels = set()
        attributes = _split_unescaped(rdn, "+")
        for attribute in attributes:
            label, equals, value = attribute.partition("=")
            if not equals or label not in _DN_RANK:
                return (f"{attribute[:40]!r} is no LABEL=value of {', '.join(_DN_RANK)}" if attribute
                        else "it has an empty part between separators")
            if (why := _dn_value_problem(value)) is not None:
                return f"in {attribute[:40]!r}, {why}"
            labels.add(label)
        if len(labels) > 1:
            return f"{rdn[:40]!r} joins different labels with '+'"
        label = labels.pop()
        if label in _ONE_VALUE_LABELS and len(attributes) > 1:
            return f"it has more than one {label}"
        if _DN_RANK[label] <= last_rank:
            return f"{label} comes out of order (the order is {', '.join(_DN_RANK)}, each once)"
        last_rank = _DN_RANK[label]
    return None


def client_id_problem(client_id: str) -> str | None:
    """Why ``client_id`` is no id :func:`x509_client_id` forms from any certificate, or None when it is one.

    Such text can never be a caller's id: bound to a party, it would act for no one. A DN holds the labels
    ``fabric_dn`` writes, in its order, each value escaped as it escapes them. Text holding a control
    character or a line or paragraph separator (an id copied from a wrapped line, say) is refused as well."""
    if (odd := next((c for c in client_id if unicodedata.category(c) in ("Cc", "Zl", "Zp")), None)) is not None:
        return f"it holds {odd!r} (U+{ord(odd):04X}): an id is one line of text, copy it whole"
    if not client_id.startswith("x509::"):
        return "it does not start with x509::"
    dns = client_id[len("x509::"):]
    problems = []
    for cut in (index for index in range(len(dns)) if dns.startswith("::", index)):
        subject, issuer = dns[:cut], dns[cut + 2:]
        if (why := _dn_problem(subject, may_be_empty=True)) is not None:
            problems.append(f"its subject DN: {why}")
        elif (why := _dn_problem(issuer)) is not None:
            problems.append(f"its issuer DN: {why}")
        else:
            return None
    return problems[0] if problems else "it has no :: between the subject DN and the issuer DN"


class ClientIdentity:
    """The creator of the proposal: MSP ID, certificate, a stable id and Fabric CA attributes.

    Build it with :meth:`from_serialized` from ``stub.get_creator()``. It is read-only, so
    transactions of the same creator can share one.
    """

    def __init__(self, msp_id: str, certificate: x509.Certificate) -> None:
        self._msp_id = msp_id
        self._certificate = certificate
        self._attributes = _attributes_of(certificate)

    @classmethod
    def from_serialized(cls, creator: bytes) -> ClientIdentity:
        """The identity in ``creator`` (msp.SerializedIdentity bytes), decoded once per distinct creator:
        a network has few clients, and decoding the certificate and forming its id took about a
        quarter of a register's or transfer's CPU in the chaincode server (docs/benchmark.md)."""
        return _decoded(cls, bytes(creator))

    @property
    def msp_id(self) -> str:
        return self._msp_id

    @property
    def certificate(self) -> x509.Certificate:
        return self._certificate

    @functools.cached_property
    def id(self) -> str:
        """``x509::<subject DN>::<issuer DN>`` (:func:`x509_client_id`)."""
        return x509_client_id(self._certificate)

    @property
    def attributes(self) -> dict[str, str]:
        return dict(self._attributes)

    def get_attribute(self, name: str) -> str | None:
        return self._attributes.get(name)

    def assert_attribute_value(self, name: str, value: str) -> bool:
        """True when the attribute exists and equals ``value`` exactly."""
        return self._attributes.get(name) == value

    def __repr__(self) -> str:
        return f"ClientIdentity(msp_id={self.msp_id!r}, id={self.id!r})"


@functools.lru_cache(maxsize=1024)
def _decoded(cls: type[ClientIdentity], creator: bytes) -> ClientIdentity:
    identity = identities_pb2.SerializedIdentity.FromString(creator)
    if not identity.mspid:
        raise InvalidValue("the creator identity has no MSP ID")
    der = _first_pem_block(identity.mspid, identity.id_bytes)
    try:
        certificate = x509.load_der_x509_certificate(der)
    except ValueError as exc:
        raise InvalidValue(f"the creator identity of {identity.mspid} is not a PEM X.509 certificate: its first "
                           "PEM block holds no certificate") from exc
    return cls(identity.mspid, certificate)


# A PEM block as Go's encoding/pem reads one: at the start of a line, a BEGIN line ending in five dashes (spaces and
# tabs after them dropped), the body, and the END line of the same label with nothing after it on its line but
# spaces and tabs.
_PEM_BLOCK = re.compile(rb"(?:^|(?<=\n))-----BEGIN ([^\r\n]*?)-----[ \t]*\r?\n(.*?)\n-----END \1-----[ \t]*(?:\r?\n|\Z)",
                        re.DOTALL)
# The body as Go decodes it: spaces, tabs, CRs and LFs dropped, then padded standard base64 (nothing after '=').
_BASE64_BODY = re.compile(rb"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?")


def _first_pem_block(msp_id: str, id_bytes: bytes) -> bytes:
    """The DER bytes of the first PEM block of ``id_bytes``, whatever its label: what the peer authenticated.

    Fabric's MSP reads the creator's certificate from the first block ``pem.Decode`` finds, without looking at
    its label, checks the signature against it, and ignores everything after it; so does Go's ``cid`` library. A
    reader that picked another block (``load_pem_x509_certificate`` passes over blocks of other labels to the
    next CERTIFICATE one) would act for an identity the peer never authenticated: a client labelling its own
    certificate's block otherwise and appending another identity's (certificates are public, on the ledger).
    Where ``pem.Decode`` would pass over a malformed first block to a later one, or take PEM headers, or where
    dashes before the block could make it choose another, this refuses instead: a different reading must never be
    a more generous one."""
    begin = 0 if id_bytes.startswith(b"-----BEGIN ") else id_bytes.find(b"\n-----BEGIN ") + 1
    # Go's pem.Decode (since Go 1.24.8 and 1.25.2) takes the last BEGIN before the first "\n-----END ", and after a
    # block it cannot read goes on right after that END, where a BEGIN on the same line counts: with no dashes
    # before the BEGIN chosen here, every version of it chooses this one too
    block = _PEM_BLOCK.match(id_bytes, begin) if b"-----" not in id_bytes[:begin] else None
    body = re.sub(rb"[ \t\r\n]", b"", block.group(2)) if block is not None else b""
    if block is None or not _BASE64_BODY.fullmatch(body):
        raise InvalidValue(f"the creator identity of {msp_id} is not a PEM X.509 certificate: send the signer's "
                           "certificate as a PEM block labelled CERTIFICATE")
    return base64.b64decode(body, validate=True)
