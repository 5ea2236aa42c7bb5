"""A bundle carries no private key but the org's own signing keys, whatever the file holding one is called: the
content decides, a key in DER or PEM (encrypted or not) or a PKCS#12 file, not a name like .key or keystore/."""
from __future__ import annotations

import base64
import datetime as dt

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from network import bundle, crypto
from network.crypto import holds_private_key, org_crypto

EC_KEY = ec.generate_private_key(ec.SECP256R1())
RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
PKCS8, SEC1 = serialization.PrivateFormat.PKCS8, serialization.PrivateFormat.TraditionalOpenSSL
DER, PEM = serialization.Encoding.DER, serialization.Encoding.PEM
PLAIN, SEALED = serialization.NoEncryption(), serialization.BestAvailableEncryption(b"password")


def _certificate() -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ca.example")])
    now = dt.datetime.now(dt.timezone.utc)
    return (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(EC_KEY.public_key())
            .serial_number(1).not_valid_before(now).not_valid_after(now + dt.timedelta(days=1))
            .sign(EC_KEY, hashes.SHA256()))


CERT = _certificate()
KEYS = {
    "ec-pkcs8-der": EC_KEY.private_bytes(DER, PKCS8, PLAIN),
    "ec-sec1-der": EC_KEY.private_bytes(DER, SEC1, PLAIN),
    "ec-pkcs8-der-encrypted": EC_KEY.private_bytes(DER, PKCS8, SEALED),
    "rsa-pkcs1-der": RSA_KEY.private_bytes(DER, SEC1, PLAIN),
    "ec-pkcs8-pem-encrypted": EC_KEY.private_bytes(PEM, PKCS8, SEALED),
    "rsa-pkcs1-pem": RSA_KEY.private_bytes(PEM, SEC1, PLAIN),
    "der-key-under-a-certificate-label": (b"-----BEGIN CERTIFICATE-----\n"
                                          + base64.encodebytes(EC_KEY.private_bytes(DER, PKCS8, PLAIN))
                                          + b"-----END CERTIFICATE-----\n"),
    "pkcs12": pkcs12.serialize_key_and_certificates(b"ca", EC_KEY, CERT, None, SEALED),
    # a key cut short before its END line, or closed under another label, still holds the secret
    "ec-pkcs8-pem-cut-short": EC_KEY.private_bytes(PEM, PKCS8, PLAIN).split(b"-----END")[0],
    "ec-pkcs8-pem-closed-under-another-label": EC_KEY.private_bytes(PEM, PKCS8, PLAIN).replace(
        b"-----END PRIVATE KEY-----", b"-----END EC PRIVATE KEY-----"),
    "pkcs12-pem": (b"-----BEGIN PKCS12-----\n"
                   + base64.encodebytes(pkcs12.serialize_key_and_certificates(b"ca", EC_KEY, CERT, None, PLAIN))
                   + b"-----END PKCS12-----\n"),
}
# a DER key followed by what an editor or a copy may add after it is still the key
KEYS.update({f"{name}-then-{what}": KEYS[name] + tail for name in ("ec-pkcs8-der", "ec-pkcs8-der-encrypted",
                                                                    "rsa-pkcs1-der")
             for what, tail in (("a-newline", b"\n"), ("crlf-and-spaces", b"\r\n  \t"), ("padding", b"\0" * 16))})
# a certificate file a key was appended to, or written before, in DER: a bundle or a backup would carry the key
KEYS.update({
    "certificate-pem-then-a-der-key": CERT.public_bytes(PEM) + KEYS["ec-pkcs8-der"],
    "certificate-pem-then-a-sealed-der-key-and-a-newline": CERT.public_bytes(PEM) + KEYS["ec-pkcs8-der-encrypted"]
    + b"\n",
    "certificate-pem-then-a-der-key-then-another-certificate-pem": (CERT.public_bytes(PEM) + KEYS["rsa-pkcs1-der"]
                                                                     + b"\n" + CERT.public_bytes(PEM)),
    "a-der-key-then-a-certificate-pem": KEYS["ec-sec1-der"] + b"\n" + CERT.public_bytes(PEM),
    "certificate-der-then-a-der-key": CERT.public_bytes(DER) + KEYS["ec-pkcs8-der"],
    "certificate-pem-then-a-pkcs12": CERT.public_bytes(PEM) + KEYS["pkcs12"],
})
# a key hidden on purpose, or by accident, is still the key: behind many DER elements or any other bytes, in base64
# no END line closes or that holds a stray character, cut short, or one the loader cannot set up
TINY_SEQUENCE = b"\x30\x03\x02\x01\x00"
# shaped as a PKCS#8 key (version 0, an AlgorithmIdentifier, an OCTET STRING) whose AlgorithmIdentifier is no such
KEY_SHAPED_NO_KEY = b"\x30\x2e\x02\x01\x00\x30\x05\x02\x03\x2b\x65\x70\x04\x22\x04\x20" + bytes(32)
KEYS.update({
    "certificate-pem-then-65-sequences-then-a-der-key": CERT.public_bytes(PEM) + TINY_SEQUENCE * 65
    + KEYS["ec-pkcs8-der"],
    "certificate-pem-then-an-integer-then-a-der-key": CERT.public_bytes(PEM) + b"\x02\x01\x00" + KEYS["rsa-pkcs1-der"],
    "text-then-a-der-key": b"notes\n" + KEYS["ec-sec1-der"],
    "der-key-under-a-certificate-label-no-end-line-closes": (b"-----BEGIN CERTIFICATE-----\n"
                                                            + base64.encodebytes(KEYS["ec-pkcs8-der"])),
    "der-key-under-a-certificate-label-with-a-stray-character": (
        b"-----BEGIN CERTIFICATE-----\n*" + base64.encodebytes(KEYS["ec-pkcs8-der"]) + b"-----END CERTIFICATE-----\n"),
    "certificate-and-a-der-key-in-one-block": (b"-----BEGIN CERTIFICATE-----\n"
                                               + base64.encodebytes(CERT.public_bytes(DER) + KEYS["ec-sec1-der"])
                                               + b"-----END CERTIFICATE-----\n"),
    "ec-pkcs8-der-cut-short": KEYS["ec-pkcs8-der"][:-1],
    # SEC1, no public key: the shortest key there is (28 content octets), of a curve this build cannot use
    "secp112r1-sec1-der-without-its-public-key": (b"\x30\x1c\x02\x01\x01\x04\x0e" + bytes(range(1, 15))
                                                  + b"\xa0\x07\x06\x05\x2b\x81\x04\x00\x06"),
    "ed448-pkcs8-der-holding-a-25519-secret": (b"\x30\x2e\x02\x01\x00\x30\x05\x06\x03\x2b\x65\x71\x04\x22\x04\x20"
                                               + bytes(range(32))),
    # more key-shaped elements than are read: built to look like keys, it counts as one unread
    "certificate-pem-then-65-key-shaped-elements": CERT.public_bytes(PEM) + KEY_SHAPED_NO_KEY * 65,
})


def _der(tag: int, *parts: bytes) -> bytes:
    body = b"".join(parts)
    return bytes([tag]) + (bytes([len(body)]) if len(body) < 0x80 else b"\x81" + bytes([len(body)])) + body


def _digest_info(algorithm_oid_hex: str) -> bytes:
    algorithm = _der(0x30, _der(0x06, bytes.fromhex(algorithm_oid_hex)), b"\x05\x00")
    return _der(0x30, algorithm, _der(0x04, bytes(range(32))))


# a digest as certificates carry one: SEQUENCE { AlgorithmIdentifier sha256, OCTET STRING }, shaped as an encrypted
# PKCS#8 key, and after a version INTEGER 0 as a PKCS#8 key
SHA256_DIGEST = _digest_info("608648016503040201")
LOGOTYPE = _der(0x30, _der(0xA2, _der(0xA0, _der(0x30, _der(0x30, _der(0x30, _der(0x16, b"image/svg+xml"), _der(
    0x30, SHA256_DIGEST), _der(0x30, _der(0x16, b"https://ca.example/logo.svg"))))))))    # RFC 3709
BIOMETRIC_INFO = _der(0x30, _der(0x30, b"\x02\x01\x00", SHA256_DIGEST[2:]))     # RFC 3739: a picture's hash


def _certificate_with(oid: str, value: bytes) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ca.example")])
    now = dt.datetime.now(dt.timezone.utc)
    return (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(EC_KEY.public_key())
            .serial_number(1).not_valid_before(now).not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.UnrecognizedExtension(x509.ObjectIdentifier(oid), value), critical=False)
            .sign(EC_KEY, hashes.SHA256()))


PUBLIC = {
    "certificate-pem": CERT.public_bytes(PEM),
    "certificate-with-a-logotype-pem": _certificate_with("1.3.6.1.5.5.7.1.12", LOGOTYPE).public_bytes(PEM),
    "certificate-with-biometric-info-der": _certificate_with("1.3.6.1.5.5.7.1.2", BIOMETRIC_INFO).public_bytes(DER),
    "a-digest-info": SHA256_DIGEST,
    "an-sm3-digest-info": _digest_info("2a811ccf5501831101"),         # SM3 used without a key: 1.2.156.10197.1.401.1
    "an-hmac-sha1-digest-info": _digest_info("2b06010505080102"),     # HMAC-SHA1 as IPsec names it: 1.3.6.1.5.5.8.1.2
}
KEYS |= {       # a digest's shape hides no key: one inside it is found where it lies
    "der-key-as-a-digests-value": _der(0x30, SHA256_DIGEST[2:17], _der(0x04, KEYS["ec-pkcs8-der"])),
}
# a P-256 secret written without its leading zero octet (31 octets), as older writers wrote one key in 256: the
# loader refuses it as too short, and it is still the key
P256, EC_PUBLIC_KEY = bytes.fromhex("2a8648ce3d030107"), bytes.fromhex("2a8648ce3d0201")
SHORT_SECRET = _der(0x04, bytes(range(1, 32)))
KEYS |= {
    "p256-sec1-der-whose-secret-lost-its-leading-zero": b"text\n" + _der(0x30, b"\x02\x01\x01", SHORT_SECRET, _der(
        0xA0, _der(0x06, P256))),
    "p256-pkcs8-der-whose-secret-lost-its-leading-zero": _der(
        0x30, b"\x02\x01\x00", _der(0x30, _der(0x06, EC_PUBLIC_KEY), _der(0x06, P256)),
        _der(0x04, _der(0x30, b"\x02\x01\x01", SHORT_SECRET))),
}
PUBLIC |= {
    "certificate-der": CERT.public_bytes(DER),
    "public-key-der": EC_KEY.public_key().public_bytes(DER, serialization.PublicFormat.SubjectPublicKeyInfo),
    "certificate-der-then-a-newline": CERT.public_bytes(DER) + b"\n",
    "config": b"NodeOUs:\n  Enable: true\n",
    "two-certificates-pem": CERT.public_bytes(PEM) * 2,
    "certificate-pem-then-its-der": CERT.public_bytes(PEM) + CERT.public_bytes(DER) + b"\n",
    "certificate-pem-then-many-sequences": CERT.public_bytes(PEM) + TINY_SEQUENCE * 10_000,
    "certificate-pem-then-64-key-shaped-elements-that-are-no-key": CERT.public_bytes(PEM) + KEY_SHAPED_NO_KEY * 64,
    "certificate-as-openssl-x509-text-prints-it": (
        b"Certificate:\n    Data:\n        Version: 3 (0x2)\n        Serial Number: 1 (0x1)\n"
        b"            04:2b:0a:30:81:9f:02:01:00\n" + CERT.public_bytes(PEM)),
}


@pytest.mark.parametrize("content", KEYS.values(), ids=KEYS.keys())
def test_a_private_key_is_told_by_its_content(content):
    assert holds_private_key(content)


@pytest.mark.parametrize("content", PUBLIC.values(), ids=PUBLIC.keys())
def test_certificates_and_public_keys_are_no_private_key(content):
    assert not holds_private_key(content)


@pytest.mark.parametrize("org", ["bank", "supplier"])
def test_a_key_saved_under_a_certificates_name_is_left_out_of_the_bundle(hosts, network_host, tmp_path, org):
    spec = hosts.org(org)
    crypto = org_crypto(network_host, spec.name, spec.domain)
    planted = {}
    for n, (what, content) in enumerate(KEYS.items()):
        suffix = (".pem", ".crt", ".der")[n % 3]
        folder = ("cacerts", "tlscacerts", "intermediatecerts")[n % 3]
        planted[f"{folder}/{what}{suffix}"] = content
    planted["cacerts/ca-cert.pem"] = PUBLIC["certificate-pem"]      # a certificate of another name is kept
    for rel, content in planted.items():
        (crypto.msp_dir / rel).parent.mkdir(exist_ok=True)
        (crypto.msp_dir / rel).write_bytes(content)

    written = bundle.write(hosts, network_host, "supplier", tmp_path / "supplier")

    copy = org_crypto(written.root, spec.name, spec.domain)
    carried = {p.relative_to(copy.msp_dir).as_posix() for p in copy.msp_dir.rglob("*") if p.is_file()}
    assert "cacerts/ca-cert.pem" in carried and "cacerts/ca.pem" in carried
    assert not carried & {rel for rel in planted if rel != "cacerts/ca-cert.pem"}
    assert not [p for p in written.root.rglob("*") if p.is_file() and p.read_bytes() in KEYS.values()]


def test_der_elements_between_many_pem_blocks_are_not_each_tried_as_a_key(monkeypatch):
    # only an element whose first inner elements are a key's is given to the key loader: neither a certificate nor
    # the small SEQUENCEs after each of its blocks
    blocks = 200
    tried = []
    reader = crypto._der_private_key
    monkeypatch.setattr(crypto, "_der_private_key", lambda der: tried.append(der) or reader(der))
    content = (CERT.public_bytes(PEM) + TINY_SEQUENCE * 20) * blocks

    assert not holds_private_key(content)
    assert tried == []


def test_a_file_of_thousands_of_begin_lines_no_end_line_closes_is_read_in_one_pass():
    # each BEGIN line was searched for its END line to the end of the file, in time growing with the square of their
    # number: 20,000 took three minutes
    unclosed = b"-----BEGIN X509 CRL-----\n" * 60_000 + CERT.public_bytes(PEM)

    assert holds_private_key(unclosed + KEYS["ec-pkcs8-der"])
    assert not holds_private_key(unclosed)
