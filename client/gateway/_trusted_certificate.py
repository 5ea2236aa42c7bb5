"""OpenSSL's ``TRUSTED CERTIFICATE`` PEM blocks, as ``openssl x509 -trustout`` and some distributions' trust bundles
write them: the DER of a certificate followed by OpenSSL's trust settings for it (X509_CERT_AUX).

The settings say for which purposes the certificate is trusted or rejected as a root::

    X509_CERT_AUX ::= SEQUENCE {
        trust   SEQUENCE OF OBJECT IDENTIFIER OPTIONAL,        -- trusted for these purposes only
        reject  [0] IMPLICIT SEQUENCE OF OBJECT IDENTIFIER OPTIONAL,   -- never for these
        alias   UTF8String OPTIONAL,                            -- openssl -setalias
        keyid   OCTET STRING OPTIONAL,
        other   [1] IMPLICIT SEQUENCE OF AlgorithmIdentifier OPTIONAL }

Nothing else reads them here, so the DER is walked by hand: only lengths and object identifiers are needed.
"""

from __future__ import annotations

import base64
import binascii
import re
import warnings
from dataclasses import dataclass

from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID

from ..der import DerError, DerProblem, der_element, oid_dotted
from .extended_key_usages import purpose_names

TRUSTED_CERTIFICATE_LABEL = "TRUSTED CERTIFICATE"

# what a TLS client checks a root for: server authentication, or any purpose
_SERVER_PURPOSES = frozenset({ExtendedKeyUsageOID.SERVER_AUTH.dotted_string,
                              ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE.dotted_string})

_SEQUENCE, _OID = 0x30, 0x06
# the longest object identifier read, in content octets: purposes take 8 to 10; far longer ones are no purpose, and
# reading an arc of thousands of octets into an integer costs time that grows with its square
_LONGEST_OID = 64
# the elements of X509_CERT_AUX by tag, in the order they must come
_AUX_FIELDS = {0x30: "trust", 0xA0: "reject", 0x0C: "alias", 0x04: "keyid", 0xA1: "other"}
_BODY = re.compile(rb"\A-----BEGIN [^\r\n]*?-----(.*)-----END [^\r\n]*-----\Z", re.DOTALL)


@dataclass(frozen=True)
class TrustedCertificate:
    """A TRUSTED CERTIFICATE block read: the certificate's DER alone, and the purposes its settings trust (None:
    no trust list, so not narrowed) and reject, as dotted object identifiers."""

    certificate_der: bytes
    trust: tuple[str, ...] | None
    reject: tuple[str, ...]

    def refusal_for_server_authentication(self) -> str | None:
        """What its settings say against trusting it to authenticate TLS servers (peers), or None when nothing.

        A rejected purpose wins over a trusted one, and a trust list that names neither serverAuth nor
        anyExtendedKeyUsage leaves it untrusted for servers, as OpenSSL reads them. (gRPC's BoringSSL heeds only
        a rejected serverAuth, and trusts a self-signed root whose settings name other purposes only; settings
        written so keep it from authenticating servers, so it is refused.)"""
        rejected = [purpose for purpose in self.reject if purpose in _SERVER_PURPOSES]
        if rejected:
            return f"its OpenSSL trust settings reject {purpose_names(rejected)}"
        if self.trust is not None and not _SERVER_PURPOSES.intersection(self.trust):
            trusted_for = purpose_names(self.trust) if self.trust else "no purpose (an empty trust list)"
            return f"its OpenSSL trust settings trust it only for {trusted_for}"
        return None


def read_trusted_certificate(block: bytes) -> TrustedCertificate:
    """The certificate and trust settings of a whole PEM block (BEGIN line to END line); a ValueError saying what is
    malformed (the base64, the certificate's DER, or the settings after it) otherwise, showing none of the bytes."""
    body = _BODY.match(block)
    try:
        der = base64.b64decode(b"".join(body.group(1).split()), validate=True) if body else b""
    except binascii.Error:
        raise ValueError("its body is not base64") from None
    if not der:
        raise ValueError("it holds nothing between its BEGIN and END lines")
    tag, _, certificate_end = _element(der, 0, "the certificate")
    if tag != _SEQUENCE:
        raise ValueError("it does not open with a certificate (a DER SEQUENCE)")
    certificate_der = der[:certificate_end]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # CryptographyDeprecationWarning for a malformed one gRPC still takes
            x509.load_der_x509_certificate(certificate_der)
    except ValueError as error:
        raise ValueError(f"the certificate in it does not parse: {error}") from None
    trust, reject = _trust_settings(der[certificate_end:])
    return TrustedCertificate(certificate_der, trust, reject)


def certificate_block(certificate_der: bytes) -> bytes:
    """A PEM ``CERTIFICATE`` block of the DER given, 64 base64 characters a line as RFC 7468 writes it."""
    text = base64.b64encode(certificate_der)
    lines = b"".join(text[start:start + 64] + b"\n" for start in range(0, len(text), 64))
    return b"-----BEGIN CERTIFICATE-----\n" + lines + b"-----END CERTIFICATE-----"


def _trust_settings(aux: bytes) -> tuple[tuple[str, ...] | None, tuple[str, ...]]:
    """The trust and reject lists of the X509_CERT_AUX after the certificate (none: nothing narrowed)."""
    if not aux:
        return None, ()
    tag, offset, end = _element(aux, 0, "what follows the certificate")
    if tag != _SEQUENCE:
        raise ValueError("what follows the certificate is not OpenSSL's trust settings (a DER SEQUENCE)")
    if end != len(aux):
        raise ValueError("bytes follow OpenSSL's trust settings after the certificate")
    fields: dict[str, tuple[str, ...]] = {}
    order, last = list(_AUX_FIELDS), -1
    while offset < end:
        tag, start, offset = _element(aux, offset, "OpenSSL's trust settings")
        if tag not in _AUX_FIELDS or order.index(tag) <= last:  # each field once at most, in their order
            raise ValueError(f"OpenSSL's trust settings hold an element they do not have there (tag 0x{tag:02x})")
        last, name = order.index(tag), _AUX_FIELDS[tag]
        if name in ("trust", "reject"):
            fields[name] = _purposes(aux[start:offset], name)
        elif name == "other":
            _check_algorithm_identifiers(aux[start:offset])
    return fields.get("trust"), fields.get("reject", ())


def _purposes(content: bytes, name: str) -> tuple[str, ...]:
    """The dotted object identifiers of a trust or reject list's content."""
    purposes, offset = [], 0
    while offset < len(content):
        tag, start, offset = _element(content, offset, f"the {name} list of OpenSSL's trust settings")
        if tag != _OID:
            raise ValueError(f"the {name} list of its OpenSSL trust settings holds an element that is not a "
                             f"purpose's object identifier (tag 0x{tag:02x})")
        purposes.append(_dotted(content[start:offset], name))
    return tuple(purposes)


def _check_algorithm_identifiers(content: bytes) -> None:
    """Refuse an ``other`` list that is not a run of AlgorithmIdentifiers (each a SEQUENCE opening with an object
    identifier), which OpenSSL cannot read, so reads no trust settings at all from the block."""
    offset = 0
    while offset < len(content):
        tag, start, offset = _element(content, offset, "the other list of OpenSSL's trust settings")
        algorithm = content[start:offset]
        if tag != _SEQUENCE or not algorithm.startswith(bytes([_OID])):
            raise ValueError("the other list of its OpenSSL trust settings holds an element that is not an "
                             "algorithm identifier (a SEQUENCE opening with an object identifier)")
        _, oid_start, oid_end = _element(algorithm, 0, "an algorithm of OpenSSL's trust settings")
        _dotted(algorithm[oid_start:oid_end], "other")


def _element(data: bytes, offset: int, what: str) -> tuple[int, int, int]:
    """The tag, the start of the contents and the end of the DER element at ``offset``. A long-form length with a
    leading zero octet, or for a length below 128, is taken, as OpenSSL's decoder takes it."""
    try:
        element = der_element(data, offset, minimal_length=False)
    except DerError as error:
        raise ValueError(_ELEMENT_PROBLEMS[error.reason].format(what=what, length=error.length,
                                                                remain=error.available)) from None
    return element.tag, element.start, element.end


_NOT_DER = "an element of {what} has a length cut short or not in DER form"
_ELEMENT_PROBLEMS = {
    DerProblem.HEADER_CUT_SHORT: "it ends before the tag and length of an element of {what}",
    DerProblem.MULTI_BYTE_TAG: ("an element of {what} has a multi-byte tag, which neither a certificate nor its "
                                "trust settings use"),
    DerProblem.INDEFINITE_LENGTH: _NOT_DER,
    DerProblem.LENGTH_TOO_LONG: _NOT_DER,
    DerProblem.LENGTH_CUT_SHORT: _NOT_DER,
    DerProblem.NON_MINIMAL_LENGTH: _NOT_DER,    # not raised: minimal_length=False
    DerProblem.PAST_THE_END: "an element of {what} announces {length} bytes where {remain} remain: it is cut short",
}


def _dotted(content: bytes, name: str) -> str:
    """An object identifier's content octets as dotted text (1.3.6.1.5.5.7.3.1), in DER form only: OpenSSL and
    BoringSSL refuse an arc padded with a leading 0x80 octet, so settings holding one are settings they cannot
    read, not a purpose read as another."""
    where = f"the {name} list of its OpenSSL trust settings"
    if not content or content[-1] & 0x80:
        raise ValueError(f"{where} holds an object identifier cut short")
    if len(content) > _LONGEST_OID:
        raise ValueError(f"{where} holds an object identifier of {len(content)} octets, longer than any purpose's "
                         f"(at most {_LONGEST_OID} are read)")
    if any(octet == 0x80 and (at == 0 or not content[at - 1] & 0x80) for at, octet in enumerate(content)):
        raise ValueError(f"{where} holds an object identifier not in DER form (an arc padded with a leading 0x80 "
                         "octet)")
    return oid_dotted(content)
