"""OpenSSL ``TRUSTED CERTIFICATE`` PEM blocks for the TLS roots tests: a certificate's DER followed by trust settings
(X509_CERT_AUX), built here byte by byte, or written by ``openssl x509 -trustout`` where the machine has openssl.

The tests check that both ways give the same bytes, so the blocks built here are the ones OpenSSL writes."""

from __future__ import annotations

import base64
import shutil
import subprocess

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

SERVER_AUTH = "1.3.6.1.5.5.7.3.1"
CLIENT_AUTH = "1.3.6.1.5.5.7.3.2"
EMAIL_PROTECTION = "1.3.6.1.5.5.7.3.4"
ANY_EXTENDED_KEY_USAGE = "2.5.29.37.0"
OPENSSL = shutil.which("openssl")
needs_openssl = pytest.mark.skipif(OPENSSL is None, reason="no openssl command here")


def certificate_der(certificate_pem: bytes) -> bytes:
    return x509.load_pem_x509_certificate(certificate_pem).public_bytes(serialization.Encoding.DER)


def trust_settings(trust=None, reject=None, alias: str | None = None) -> bytes:
    """The DER of OpenSSL's X509_CERT_AUX: purposes trusted (a SEQUENCE OF OID) and rejected ([0]), an alias."""
    fields = b""
    if trust is not None:
        fields += der(0x30, b"".join(map(oid, trust)))
    if reject is not None:
        fields += der(0xA0, b"".join(map(oid, reject)))
    if alias is not None:
        fields += der(0x0C, alias.encode())
    return der(0x30, fields)


def trusted_block(certificate_pem: bytes, aux: bytes = b"") -> bytes:
    """A TRUSTED CERTIFICATE block of the certificate's DER followed by ``aux`` (none: no settings, as
    ``openssl x509 -trustout`` alone writes it), 64 base64 characters a line."""
    text = base64.b64encode(certificate_der(certificate_pem) + aux)
    lines = b"".join(text[start:start + 64] + b"\n" for start in range(0, len(text), 64))
    return b"-----BEGIN TRUSTED CERTIFICATE-----\n" + lines + b"-----END TRUSTED CERTIFICATE-----\n"


def openssl_trusted_block(certificate_pem: bytes, *settings: str) -> bytes:
    """What ``openssl x509 -trustout`` writes for the certificate with ``settings`` (-addtrust serverAuth...)."""
    return subprocess.run([OPENSSL, "x509", "-trustout", *settings], input=certificate_pem, capture_output=True,
                          check=True).stdout


def der(tag: int, content: bytes) -> bytes:
    """A DER element: tag, length (short form below 128 bytes, else long form) and content."""
    if len(content) < 0x80:
        return bytes([tag, len(content)]) + content
    octets = len(content).to_bytes((len(content).bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(octets)]) + octets + content


def oid(dotted: str) -> bytes:
    """The DER of an object identifier given as dotted text."""
    arcs = [int(arc) for arc in dotted.split(".")]
    return der(0x06, b"".join(_base128(arc) for arc in [40 * arcs[0] + arcs[1], *arcs[2:]]))


def _base128(value: int) -> bytes:
    octets = [value & 0x7F]
    while value := value >> 7:
        octets.append(0x80 | value & 0x7F)
    return bytes(reversed(octets))
