"""Certificate revocation lists as Fabric's MSP reads them: each matched to the CA that issued it.

Validating an identity, Fabric's MSP takes the CRL whose Authority Key Identifier equals the Subject Key
Identifier of the CA that issued the certificate; when that CRL lists the certificate's serial and its
signature verifies under that CA's key (`signed_by`, as Go's CheckCRLSignature verifies it: an ECDSA signature
with S in either half, one over SHA-1 too), the identity is refused (msp/mspimplvalidate.go). A CRL signed by
another key revokes nothing here. A CRL without an AKI matches no CA either, but the MSP, walking its CRLs,
fails the identity when it reaches one ("could not obtain Authority Key Identifier for crl"): one such CRL
in an MSP's list fails every identity of that MSP (`has_authority_key_id` finds it). Before any CRL, the MSP
reads the Subject Key Identifier of the CA that issued the identity, and fails the identity where it cannot
("could not obtain Subject Key Identifier for signer cert"), whatever CRLs it holds (`ski_problem`).

The MSP reads one extension of a CRL, the AKI, and with Go's encoding/asn1, which is stricter than
BER in places and laxer than DER in others (it ignores bytes after the AKI's SEQUENCE, and after the
fields it knows inside it). `cryptography`'s `crl.extensions` decodes every extension, strictly, and
raises at any it cannot: a CRL whose AKI is sound but whose CRL number is BER-encoded would seem to
have none. So the AKI is found here in the CRL's raw TBSCertList and decoded as Go decodes it
(`fabric_key_identifier`), and any other extension is read on its own (`extension_value`).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from asn1crypto import core
from asn1crypto import crl as asn1_crl
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import SignatureAlgorithmOID

from ..pem import go_pem_decode


PEM_CRL_START = b"-----BEGIN X509 CRL"


def load(data: bytes) -> x509.CertificateRevocationList | None:
    """A CRL as Go's x509.ParseCRL reads one for Fabric's MSP (setupCRLs), None where it reads none: where the bytes
    start with its BEGIN line, the first PEM block Go's pem.Decode takes when it is a CRL (one after a stray repeated
    BEGIN line too), DER otherwise. PEM after anything else, a blank line or the text dump `openssl crl -text` writes
    first, is read as DER, which it is not: Fabric's MSP setup refuses such a CRL."""
    if data.startswith(PEM_CRL_START) and (block := go_pem_decode(data)) is not None and block[0].label == b"X509 CRL":
        data = block[1]
    try:
        return x509.load_der_x509_crl(data)
    except ValueError:
        return None


def ca_ski(ca_cert: x509.Certificate) -> x509.SubjectKeyIdentifier:
    return ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value


AUTHORITY_KEY_IDENTIFIER = "2.5.29.35"
CRL_NUMBER = "2.5.29.20"
SUBJECT_KEY_IDENTIFIER = "2.5.29.14"


class _RawExtension(core.Sequence):
    """An extension with its value left as octets: asn1crypto's own CRL extensions decode the value as the OID
    says, and raise at one that does not decode."""
    _fields = [("extn_id", core.ObjectIdentifier), ("critical", core.Boolean, {"default": False}),
               ("extn_value", core.OctetString)]


class _RawExtensions(core.SequenceOf):
    _child_spec = _RawExtension


class _RawTbsCertList(asn1_crl.TbsCertList):
    _fields = [*asn1_crl.TbsCertList._fields[:-1],
               ("crl_extensions", _RawExtensions, {"explicit": 0, "optional": True})]


class _RawTbsCertificate(asn1_x509.TbsCertificate):
    _fields = [*asn1_x509.TbsCertificate._fields[:-1],
               ("extensions", _RawExtensions, {"explicit": 3, "optional": True})]


def extension_value(crl: x509.CertificateRevocationList, oid: str) -> bytes | None:
    """The value (the extnValue octets, undecoded) of the CRL's first extension with this dotted OID, as Fabric
    finds the AKI (the first match in TBSCertList.crlExtensions); None when it has none. ValueError when the
    extensions cannot be walked at all."""
    try:
        extensions = _RawTbsCertList.load(crl.tbs_certlist_bytes)["crl_extensions"]
        for extension in extensions:
            if extension["extn_id"].dotted == oid:
                return extension["extn_value"].native
    except (ValueError, TypeError) as error:          # asn1crypto's errors for bytes it cannot parse
        raise ValueError(f"the CRL's extensions cannot be read ({str(error).splitlines()[0]})") from None
    return None


class _GoAsn1Error(ValueError):
    pass


def _go_tag_and_length(data: bytes, offset: int) -> tuple[int, bool, int, int, int]:
    """(class, constructed, tag, content length, offset of the content) of the element at offset, read as Go's
    encoding/asn1 parseTagAndLength reads it: DER lengths only (no indefinite, non-minimal or zero-padded one)."""
    if offset >= len(data):
        raise _GoAsn1Error("internal error in parseTagAndLength")
    first, offset = data[offset], offset + 1
    tag_class, constructed, tag = first >> 6, bool(first & 0x20), first & 0x1f
    if tag == 0x1f:
        tag = 0
        for shifted in range(6):
            if offset >= len(data):
                raise _GoAsn1Error("truncated base 128 integer")
            if shifted == 5:
                raise _GoAsn1Error("base 128 integer too large")
            byte, offset = data[offset], offset + 1
            if shifted == 0 and byte == 0x80:
                raise _GoAsn1Error("integer is not minimally encoded")
            tag = (tag << 7) | (byte & 0x7f)
            if not byte & 0x80:
                break
        if tag > 0x7fffffff:
            raise _GoAsn1Error("base 128 integer too large")
        if tag < 0x1f:
            raise _GoAsn1Error("non-minimal tag")
    if offset >= len(data):
        raise _GoAsn1Error("truncated tag or length")
    byte, offset = data[offset], offset + 1
    if not byte & 0x80:
        return tag_class, constructed, tag, byte, offset
    if byte & 0x7f == 0:
        raise _GoAsn1Error("indefinite length found (not DER)")
    length = 0
    for _ in range(byte & 0x7f):
        if offset >= len(data):
            raise _GoAsn1Error("truncated tag or length")
        if length >= 1 << 23:
            raise _GoAsn1Error("length too large")
        length, offset = (length << 8) | data[offset], offset + 1
        if length == 0:
            raise _GoAsn1Error("superfluous leading zeros in length")
    if length < 0x80:
        raise _GoAsn1Error("non-minimal length")
    return tag_class, constructed, tag, length, offset


_CONTEXT_SPECIFIC, _UNIVERSAL, _SEQUENCE = 2, 0, 16
# Fabric's authorityKeyIdentifier struct: KeyIdentifier []byte `asn1:"optional,tag:0"`, AuthorityCertIssuer []byte
# `asn1:"optional,tag:1"`, AuthorityCertSerialNumber big.Int `asn1:"optional,tag:2"`. Go matches a []byte field to a
# primitive element and a big.Int value (a struct to encoding/asn1) to a constructed one, whose fields it then
# cannot set ("struct contains unexported fields"); an element a field does not match leaves it unset.
_AKI_FIELDS = ((0, False), (1, False), (2, True))


def _go_leading(value: bytes, tag_wanted: int, constructed_wanted: bool, kind: str) -> bytes:
    """The content of the universal element ``value`` starts with, as asn1.Unmarshal reads it (the bytes after it
    ignored); _GoAsn1Error where it is none of that tag (``kind`` names it) or Go cannot read it."""
    if not value:
        raise _GoAsn1Error("sequence truncated")
    tag_class, constructed, tag, length, offset = _go_tag_and_length(value, 0)
    if (tag_class, tag, constructed) != (_UNIVERSAL, tag_wanted, constructed_wanted):
        raise _GoAsn1Error(f"tags don't match: the value is not {kind}")
    if offset + length > len(value):
        raise _GoAsn1Error("data truncated")
    return value[offset:offset + length]


def _go_key_identifier(value: bytes) -> bytes:
    """The keyIdentifier of an AKI extension value, decoded as asn1.Unmarshal(value, &authorityKeyIdentifier{})
    decodes it in Fabric's getAuthorityKeyIdentifierFromCrl (b"" when the AKI has none); _GoAsn1Error where Go
    returns an error."""
    fields, at, key_identifier = _go_leading(value, _SEQUENCE, True, "a SEQUENCE"), 0, b""
    for field_tag, field_constructed in _AKI_FIELDS:
        if at == len(fields):
            continue                                    # optional, absent
        tag_class, constructed, tag, length, start = _go_tag_and_length(fields, at)
        if (tag_class, tag, constructed) != (_CONTEXT_SPECIFIC, field_tag, field_constructed):
            continue                                    # another element: this optional field stays unset
        if start + length > len(fields):
            raise _GoAsn1Error("data truncated")
        if field_tag == 2:
            raise _GoAsn1Error("struct contains unexported fields")
        if field_tag == 0:
            key_identifier = fields[start:start + length]
        at = start + length
    return key_identifier                               # elements after the fields: ignored, as Go does


_OCTET_STRING = 4


def fabric_ski(ca_cert: x509.Certificate) -> bytes:
    """The Subject Key Identifier of a CA certificate as Fabric's MSP reads it (getSubjectKeyIdentifierFromCert: the
    first SKI extension, its value an OCTET STRING as Go's asn1.Unmarshal decodes it, bytes after it ignored);
    ValueError, saying what the certificate lacks, where Fabric obtains none."""
    try:
        extensions = _RawTbsCertificate.load(ca_cert.tbs_certificate_bytes)["extensions"]
        value = next((extension["extn_value"].native for extension in extensions
                      if extension["extn_id"].dotted == SUBJECT_KEY_IDENTIFIER), None)
    except (ValueError, TypeError) as error:          # asn1crypto's errors for bytes it cannot parse
        raise ValueError(f"has no readable Subject Key Identifier: its extensions cannot be read "
                         f"({str(error).splitlines()[0]})") from None
    if value is None:
        raise ValueError("has no Subject Key Identifier")
    try:
        return _go_leading(value, _OCTET_STRING, False, "an OCTET STRING")
    except _GoAsn1Error as error:
        raise ValueError(f"has a Subject Key Identifier that Fabric cannot decode (asn1: {error})") from None


def ski_problem(ca_cert: x509.Certificate) -> str | None:
    """What the CA certificate lacks for Fabric's MSP, said of it ("has no Subject Key Identifier"); None when the
    MSP obtains an SKI from it. Fabric refuses every identity the CA issued without one."""
    try:
        fabric_ski(ca_cert)
    except ValueError as problem:
        return str(problem)
    return None


def fabric_key_identifier(crl: x509.CertificateRevocationList) -> bytes:
    """The key identifier of the CRL's Authority Key Identifier as Fabric's MSP reads it (b"" for an AKI without
    one, which matches no CA); ValueError, saying what the CRL lacks ("has no Authority Key Identifier"), when
    Fabric obtains none ("could not obtain Authority Key Identifier for crl"): the CRL has no AKI, or Go cannot
    decode the one it has."""
    try:
        value = extension_value(crl, AUTHORITY_KEY_IDENTIFIER)
    except ValueError as problem:
        raise ValueError(f"has no readable Authority Key Identifier: {problem}") from None
    if value is None:
        raise ValueError("has no Authority Key Identifier")
    try:
        return _go_key_identifier(value)
    except _GoAsn1Error as error:
        raise ValueError(f"has an Authority Key Identifier that Fabric cannot decode (asn1: {error})") from None


def aki_problem(crl: x509.CertificateRevocationList) -> str | None:
    """What the CRL lacks for Fabric's MSP, said of it ("has no Authority Key Identifier", "has an Authority Key
    Identifier that Fabric cannot decode (asn1: data truncated)"); None when the MSP obtains an AKI from it."""
    try:
        fabric_key_identifier(crl)
    except ValueError as problem:
        return str(problem)
    return None


def has_authority_key_id(crl: x509.CertificateRevocationList) -> bool:
    """Whether Fabric's MSP obtains an Authority Key Identifier from the CRL, as it needs of every CRL it holds.
    One without a key identifier in it counts as carrying one: the MSP reads an empty AKI, which matches no CA."""
    return aki_problem(crl) is None


def of_ca(data: bytes, ca_cert: x509.Certificate) -> x509.CertificateRevocationList | None:
    """The CRL in data if Fabric would take it as ca_cert's: its AKI is the CA's SKI and the CA's key signed it."""
    crl = load(data)
    return None if crl is None else _as_cas(crl, ca_cert)


def _as_cas(crl: x509.CertificateRevocationList, ca_cert: x509.Certificate) -> x509.CertificateRevocationList | None:
    """crl if it is ca_cert's as Fabric matches them (of_ca), else None: None too where the CA has no SKI Fabric
    reads (ski_problem), whose identities Fabric refuses before it looks at any CRL."""
    try:
        aki = fabric_key_identifier(crl)
        ski = fabric_ski(ca_cert)
    except ValueError:
        return None
    if aki != ski or not signed_by(crl, ca_cert):
        return None
    return crl


def signed_by(crl: x509.CertificateRevocationList, ca_cert: x509.Certificate) -> bool:
    """Whether ca_cert's key signed the CRL, as Fabric's MSP checks it before the CRL revokes anything (Go's
    Certificate.CheckCRLSignature): the signature over its TBSCertList, under the algorithm the CRL names. An ECDSA
    signature counts whichever half of the curve order its S is in (neither Go's ECDSA verification nor
    cryptography's asks for a low S), and one over SHA-1 counts too: Go's CheckSignature still takes ECDSA and RSA
    with SHA-1, which cryptography's CRL check refuses."""
    key, algorithm = ca_cert.public_key(), crl.signature_algorithm_oid
    try:
        if algorithm == SignatureAlgorithmOID.ECDSA_WITH_SHA1 and isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(crl.signature, crl.tbs_certlist_bytes, ec.ECDSA(hashes.SHA1()))
        elif algorithm == SignatureAlgorithmOID.RSA_WITH_SHA1 and isinstance(key, rsa.RSAPublicKey):
            key.verify(crl.signature, crl.tbs_certlist_bytes, padding.PKCS1v15(), hashes.SHA1())
        else:
            return crl.is_signature_valid(key)
    except (InvalidSignature, UnsupportedAlgorithm, TypeError):     # TypeError: a key no signature verifies under
        return False
    return True


def lists(crls: Iterable[x509.CertificateRevocationList], serial: int) -> x509.CertificateRevocationList | None:
    """The first of the CRLs that lists serial."""
    return next((c for c in crls if c.get_revoked_certificate_by_serial_number(serial) is not None), None)


def refusing(crls: Sequence[bytes], ca_cert: x509.Certificate,
             serial: int) -> tuple[int, x509.CertificateRevocationList, bool] | None:
    """The CRL of an MSP's revocation list (``crls``, in its order) at which Fabric's MSP refuses the certificate
    of ``serial`` issued by ``ca_cert``, walking the list as validateCertAgainstChain does: (its place, from 1, the
    CRL, True when it revokes the serial or False when it has no readable AKI, which fails every identity of the
    MSP); None when the walk ends without a refusal. A CRL that cannot be read at all is passed over here, but
    Fabric's MSP never walks a list holding one: its setup refuses the whole definition first (setupCRLs, "could not
    parse RevocationList"; :func:`client.ledger.msp.definition_problem`), which a caller asks before this walk."""
    for place, data in enumerate(crls, start=1):
        crl = load(data)
        if crl is None:
            continue
        if not has_authority_key_id(crl):
            return place, crl, False
        ours = _as_cas(crl, ca_cert)
        if ours is not None and ours.get_revoked_certificate_by_serial_number(serial) is not None:
            return place, ours, True
    return None


# ---- naming a CRL as a refusal names it ----------------------------------------------------------------
def without_aki(revocation_list: Sequence[bytes]) -> tuple[int, x509.CertificateRevocationList] | None:
    """The first CRL of an MSP's revocation list from which Fabric obtains no Authority Key Identifier (none, or one
    Go cannot decode: fabric_key_identifier), with its place (from 1); None when every CRL has one.
    Fabric's MSP reads the list without looking inside (setupCRLs only parses each CRL), then, validating any
    identity of the MSP, walks it and fails the identity at such a CRL ("could not obtain Authority Key Identifier
    for crl", msp/mspimplvalidate.go): with one in its list, the MSP validates none of its identities, its admins'
    included. A CRL that cannot be read at all is passed over here, as refusing passes it: it is no CRL without an
    AKI but one Fabric's MSP setup refuses the whole definition for ("could not parse RevocationList"), before any
    identity is validated (:func:`client.ledger.msp.definition_problem` names it)."""
    for place, data in enumerate(revocation_list, start=1):
        found = load(data)
        if found is not None and not has_authority_key_id(found):
            return place, found
    return None


def describe(place: int, of: int, found: x509.CertificateRevocationList, msp_id: str,
             where: str = "in the channel config") -> str:
    """A CRL of an MSP's revocation list as a refusal names it: "CRL 1 of 2 in BankMSP's MSP in the channel config
    (issuer ..., CRL number 3)"."""
    return (f"CRL {place} of {of} in {msp_id}'s MSP {where} (issuer {found.issuer.rfc4514_string()}, "
            f"{number_text(found)})")


def lacking_aki(place: int, of: int, found: x509.CertificateRevocationList, msp_id: str,
                where: str = "in the channel config") -> str:
    """A CRL Fabric obtains no Authority Key Identifier from, named as describe() names it, and why: "CRL 1 of 1 in
    BankMSP's MSP in the channel config (issuer ..., CRL number 3) has no Authority Key Identifier"."""
    return f"{describe(place, of, found, msp_id, where)} {aki_problem(found)}"


def read_number(crl: x509.CertificateRevocationList) -> int | None:
    """The CRL number, None when the CRL has none; ValueError when it cannot be decoded. Read on its own: decoding
    every extension (crl.extensions) fails at any one that is not DER, an AKI Fabric reads included. A number in BER
    that is not DER (a long-form length) is read: it says the number as well."""
    value = extension_value(crl, CRL_NUMBER)
    return None if value is None else core.Integer.load(value, strict=True).native


def number_text(crl: x509.CertificateRevocationList) -> str:
    """The CRL number as a message names it: "CRL number 3", "no CRL number", or "CRL number unreadable (why)"."""
    try:
        found = read_number(crl)
    except ValueError as problem:
        return f"CRL number unreadable ({str(problem).splitlines()[0]})"
    return "no CRL number" if found is None else f"CRL number {found}"
