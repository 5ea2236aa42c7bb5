"""MSP and TLS material for every org, node and user, generated with `cryptography`.

Per org: a signing CA and a TLS CA (self-signed, ECDSA P-256). Per node and user: a
signing identity whose OU is its NodeOU role (peer, orderer, admin, client) and a TLS
key pair. Node TLS certs carry SANs for the hostname, the node's name, localhost, listen_host and
the address the node is dialled at, and are good for server and client auth (peers gossip, orderers
form the Raft cluster); user TLS certs are client certs without SANs (the orderer admin's is what
osnadmin presents for mutual TLS).
Users carry Fabric CA's attribute extension (OID 1.2.3.4.5.6.7.8.1, JSON {"attrs": ...})
with the `attrs` the topology gives them (`recfin.role`, `recfin.enterprise`).

Layout under <data_root>/crypto/<org>/:

    ca/ca.pem ca/ca.key  tlsca/tlsca.pem tlsca/tlsca.key
    msp/                     the org's verifying MSP (cacerts, tlscacerts, config.yaml) for configtx
    nodes/<hostname>/msp/    cacerts tlscacerts signcerts/cert.pem keystore/<ski>_sk config.yaml
    nodes/<hostname>/tls/    ca.crt server.crt server.key
    users/<user>@<domain>/msp/ ...   users/<user>@<domain>/tls/ ca.crt client.crt client.key
    chaincode/<server host>/server/  ca.crt server.crt server.key   the org's chaincode server (mutual TLS)
    chaincode/<server host>/client/  ca.crt client.crt client.key   what the org's peers present to it

The chaincode server's pair and the peers' client pair are both issued by the org's TLS CA: the
server trusts only clients from that CA, and the peer checks the server against the same CA
(connection.json's root_cert).

Idempotent: a file that exists is kept; missing certificates are issued by the existing CAs. A kept node's or
chaincode server's TLS certificate that lacks a SAN the topology now wants (listen_host or an org's namespace
address changed) is issued again for its kept key, said on the way; a pinned orderer's is refused. A signing
certificate is kept without a keystore key beside it too (its key is in an HSM, or was never here).
An org whose CA certificate is here without its key made its keys on its own host (`recfin org
keys`, which runs this generator for that org alone): it is left as it is. Half of any other CA (its
key without its certificate, or the reverse) is refused (CaFilesError): a CA made in its place would
overwrite the half that is here and be one the channel does not know. The one exception is a CA being
made: the org's MSP names no CA yet and its folder holds nothing but CA files, so a first run stopped
between a CA's key and its certificate gets the certificate for that key. Likewise a keystore key
written by a run that stopped before its certificate is the one the certificate is issued for, and a kept
certificate beside a key that is not its own (a run stopped while issuing a lost key again) is issued again for
that key (in an MSP folder, where the keystore holds only keys named as the generator names them: key_held); a
client user's is refused as a lost key (LostKeyError), a pinned orderer's TLS pair too. Every
certificate is valid VALIDITY (ten years) and ends no later than its CA's: a CA whose certificate has ended
issues nothing (ExpiredCaError), and one ending within ENDING_NOTICE is said on every run. A certificate or
key file that holds no readable PEM is named (DamagedFileError), never replaced. Whatever refuses, of any
org, refuses before anything of any org is written or issued again (generate).

A client user is issued a certificate once. The org's CA keeps a copy of each client certificate it
issues (ca/issued/<user>.pem, started empty with the CA; a CA made before it was kept starts it
from the users' folders, see start_issued_record). A client user the org's CRL revokes is left as
it is, with or without its folder, and never issued again; one with a certificate and no key
(LostKeyError), or whose folder is gone while the record has its certificate, is refused with what
to do. Only a user the record does not know is issued one: a new user. A new certificate of an
old user would keep its client id (x509::<subject>::<issuer>), and with it its party bindings,
under a serial no CRL lists. A record started from the folders while the CRL lists serials no
certificate here has cannot know those users' names: there no new name is issued but on the
operator's word that the CA never issued it (`org user add --never-issued`).
"""
from __future__ import annotations

import base64
import datetime as dt
import ipaddress
import itertools
import json
import os
import re
import secrets
import shutil
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml
from cryptography import x509
from cryptography.exceptions import InternalError, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

from client.atomic_file import FOLDER_MODE, PRIVATE_FOLDER_MODE, make_folders, write_atomically
from client.der import SEQUENCE, DerElement, DerError, der_element, oid_dotted
from client.gateway.hsm import key_id_for
from client.gateway.hsm_msp import HSM_SIGNER_FILE
from client.ledger.msp import fabric_certificate
from client.ledger.msp import issued_by   # whether a CA signed a certificate: one test for the network and the audit

from .errors import NetworkError, first_few
from .topology import Node, Topology, UserSpec, peer_client_name

ATTRS_OID = ObjectIdentifier("1.2.3.4.5.6.7.8.1")
NODE_OUS = ("client", "peer", "admin", "orderer")
VALIDITY = dt.timedelta(days=3650)
# How long before a certificate ends recfin names it: the generator a CA's on every run (what it issues ends
# with it), `network status` any CA, node or admin certificate of the data folder (certificates_ending).
ENDING_NOTICE = dt.timedelta(days=90)


# ---- primitives --------------------------------------------------------------
def new_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


# Fabric's subject key identifier: SHA-256 of the uncompressed EC point. It names the keystore file and is
# the certificates' SKI here, and the SDK finds a user's key in an HSM by it: one function serves both.
fabric_ski = key_id_for


def _name(cn: str, org: str, ou: str | None = None) -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"), x509.NameAttribute(NameOID.ORGANIZATION_NAME, org)]
    if ou:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, ou))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, cn))
    return x509.Name(attrs)


def _public(key: ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey) -> ec.EllipticCurvePublicKey:
    return key.public_key() if isinstance(key, ec.EllipticCurvePrivateKey) else key


def _builder(subject: x509.Name, issuer: x509.Name, key: ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey,
             not_after: dt.datetime | None = None) -> x509.CertificateBuilder:
    """not_after: the latest end of validity (an issued certificate's issuer's), else VALIDITY from now."""
    now = dt.datetime.now(dt.timezone.utc)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(_public(key))
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(min(now + VALIDITY, not_after) if not_after is not None else now + VALIDITY)
        .add_extension(x509.SubjectKeyIdentifier(fabric_ski(_public(key))), critical=False)
    )


def make_ca(cn: str, org: str, key: ec.EllipticCurvePrivateKey | None = None
            ) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    """A self-signed CA: its key (a new one, or key) and certificate."""
    key = key or new_key()
    name = _name(cn, org)
    cert = (
        _builder(name, name, key)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=True,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                     crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def issue(ca_key: ec.EllipticCurvePrivateKey, ca_cert: x509.Certificate,
          key: ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey, *,
          cn: str, org: str, ou: str | None = None, sans: list[str] | None = None, tls: bool = False,
          server: bool = False, attrs: dict[str, str] | None = None) -> x509.Certificate:
    """Issue an end-entity certificate for key (or the public half of it): a signing identity (tls=False) or a
    TLS cert. It ends no later than the CA's own certificate: past that, no chain to it verifies."""
    b = (
        _builder(_name(cn, org, ou), ca_cert.subject, key, ca_cert.not_valid_after_utc)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        # The issuer's own SKI (Fabric's SHA-256 form): OpenSSL/BoringSSL clients (grpc Python) look the
        # issuer up by it, and from_issuer_public_key would compute the SHA-1 form instead.
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(
            ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value), critical=False)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=tls,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
    )
    if tls:
        usages = [ExtendedKeyUsageOID.CLIENT_AUTH] + ([ExtendedKeyUsageOID.SERVER_AUTH] if server else [])
        b = b.add_extension(x509.ExtendedKeyUsage(usages), critical=False)
    if sans:
        b = b.add_extension(x509.SubjectAlternativeName([_general_name(san) for san in sans]), critical=False)
    if attrs:
        value = json.dumps({"attrs": attrs}, sort_keys=True, separators=(",", ":")).encode()
        b = b.add_extension(x509.UnrecognizedExtension(ATTRS_OID, value), critical=False)
    return b.sign(ca_key, hashes.SHA256())


def _general_name(san: str) -> x509.GeneralName:
    """A SAN as a certificate holds it: an IP address entry for an address, else a DNS name."""
    try:
        return x509.IPAddress(ipaddress.ip_address(san))
    except ValueError:
        return x509.DNSName(san)


def san_names(cert: x509.Certificate) -> list[str]:
    """The names and addresses a certificate's SAN extension lists, as text ([] without one)."""
    try:
        entries = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return []
    return [str(entry.value) for entry in entries]


def sans_missing(cert: x509.Certificate, wanted: Iterable[str]) -> list[str]:
    """Those of the wanted SANs the certificate does not list (an address compared as an address)."""
    held = {_general_name(san) for san in san_names(cert)}
    return [san for san in wanted if _general_name(san) not in held]


def cert_attrs(cert: x509.Certificate) -> dict[str, str]:
    """The Fabric CA attributes a certificate carries ({} when none)."""
    try:
        ext = cert.extensions.get_extension_for_oid(ATTRS_OID)
    except x509.ExtensionNotFound:
        return {}
    return json.loads(ext.value.value)["attrs"]


def _pem_cert(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _pem_key(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _write(path: Path, data: bytes, mode: int = 0o644) -> None:
    write_atomically(path, data, mode=mode)


class DamagedFileError(NetworkError, ValueError):
    """A certificate or key file of the network's material is there but holds no readable PEM (emptied, cut short,
    overwritten). A ValueError too, as the cryptography library's own parse error is."""


def _damaged(path: Path, what: str, error: Exception) -> DamagedFileError:
    return DamagedFileError(f"{path} is damaged: it holds no readable PEM {what} ({str(error).split('. See ')[0]}). "
                            f"Restore the file from a backup and run the command again; nothing is made in its place")


def load_cert(path: Path) -> x509.Certificate:
    """The PEM certificate in path; DamagedFileError naming the file when it holds none."""
    data = path.read_bytes()
    try:
        return x509.load_pem_x509_certificate(data)
    except ValueError as error:
        raise _damaged(path, "certificate", error) from None


def load_key(path: Path) -> ec.EllipticCurvePrivateKey:
    """The unencrypted PEM private key in path; DamagedFileError naming the file when it holds none."""
    data = path.read_bytes()
    try:
        return serialization.load_pem_private_key(data, password=None)
    except TypeError:   # a key that asks for a password: whole, not damaged, and no command takes its password
        raise DamagedFileError(
            f"{path} holds an encrypted private key, and recfin takes no key password: decrypt it (`openssl pkey "
            f"-in {path} -out {path}.plain` asks for its password; then move {path}.plain to {path}) and run the "
            "command again") from None
    except ValueError as error:
        raise _damaged(path, "private key", error) from None


# A PKCS#12 file's opening (PFX: SEQUENCE { version 3, ContentInfo { pkcs7-data | pkcs7-signedData ...): its bags
# may be sealed by a password, so a file of that shape counts as holding a key, as a key that asks for one does.
_PKCS12_START = re.compile(rb"\x30(?:[\x00-\x7f]|\x81.|\x82..|\x83...|\x84....)\x02\x01\x03\x30"
                           rb"(?:[\x00-\x7f]|\x81.|\x82..|\x83...|\x84....)"
                           rb"\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07[\x01\x02]", re.DOTALL)
_INTEGER, _OCTET_STRING = 0x02, 0x04
# Where a DER element that may be a private key opens, at any offset (all but its tag a lookahead, so that openings
# inside one another are each found): a SEQUENCE of 24 content octets or more (no key has fewer: the shortest, an EC
# key of a 112-bit curve in SEC1 without its public key, has 28, one less for each leading zero octet of its secret
# a writer leaves out; an Ed25519 key in PKCS#8 has 46) whose first element is the version INTEGER 0 or 1 followed
# by an INTEGER (PKCS#1, DSA), an OCTET STRING (SEC1) or a SEQUENCE (PKCS#8's AlgorithmIdentifier), or is a
# SEQUENCE opening with an OBJECT IDENTIFIER (an encrypted PKCS#8's AlgorithmIdentifier); _key_shaped looks past the
# AlgorithmIdentifier. A certificate does not open so (its first element opens with a tag [0] or an INTEGER), nor
# does a CRL (with an INTEGER or a SEQUENCE).
_KEY_OPENING = re.compile(rb"\x30(?=(?:[\x18-\x7f]|\x81[\x18-\xff]|\x82..|\x83...|\x84....)"
                          rb"(?:\x02\x01[\x00\x01][\x02\x04\x30]"
                          rb"|\x30(?:[\x00-\x7f]|\x81.|\x82..|\x83...|\x84....)\x06))", re.DOTALL)
# The OBJECT IDENTIFIERs (their DER contents) of digest algorithms, as arcs (SHA-2, SHA-3 and SHAKE; MD2, MD4, MD5 and
# HMAC-SHA*; HMAC-MD5 and HMAC-SHA1 as IPsec names them) and alone (SHA-1), and SM3 with its arc (SM3 used without a
# key, and with one: HMAC-SM3). An AlgorithmIdentifier naming one opens a digest: a DigestInfo, a timestamp's
# MessageImprint, the hash of a logotype or of biometric data that a CA's certificate may carry. No key type is a
# digest and no key is sealed by one, while the loader takes SEQUENCE { any AlgorithmIdentifier, OCTET STRING } for
# an encrypted key and a PKCS#8 key of an unknown algorithm for a key it cannot use
_SM3 = bytes.fromhex("2a811ccf55018311")
_DIGEST_ARCS = (bytes.fromhex("6086480165030402"), bytes.fromhex("2a864886f70d02"), bytes.fromhex("2b060105050801"),
                _SM3)
_DIGESTS = (bytes.fromhex("2b0e03021a"), _SM3)
_OBJECT_IDENTIFIER = 0x06
# Key-shaped elements read as keys in a whole file, and the longest one read (a 16384-bit RSA key is 9.4 KiB): a file
# of more, or a longer one, holds something built to look like keys and counts as holding one, unread
_MOST_KEY_READINGS = 64
_LONGEST_KEY = 64 * 1024
# A BEGIN line of any label: its base64 runs to the next five dashes (its END line's, another label's, or the next
# BEGIN line's; the end of the data when it is cut short)
_BEGIN_LINE = re.compile(rb"-----BEGIN [^\r\n]*?-----")
_HEADER_LINE = re.compile(rb"^[^\n:]*:[^\n]*", re.MULTILINE)
_NOT_BASE64 = re.compile(rb"[^A-Za-z0-9+/=]+")


def holds_private_key(data: bytes) -> bool:
    """Whether a file's content holds a private key, whatever the file is named: text naming a PRIVATE KEY (a PEM
    block labelled as one: PKCS#8, encrypted or not, SEC1, PKCS#1, OpenSSH; whole, or cut short before its END line,
    which still holds the secret), the base64 after a BEGIN line of another label (closed or not) holding one or a
    PKCS#12 file, a key in DER or a PKCS#12 file anywhere in the file or in such base64, at any offset, whatever
    comes before or after it (a certificate's PEM with its key's DER appended, any other bytes, padding). A key
    asking for a password counts: it is still the key; so does one of an algorithm this build cannot use, one whose
    secret the loader cannot set up, an EC key whose secret was written without its leading zero octets, and one
    cut short (its secret may be whole).

    Time grows with the length of the file: each offset is matched once against a key's opening (_KEY_OPENING),
    and only the elements whose first inner elements are a key's (_key_shaped) are given to the key loader. Fail
    closed: a file holding more than _MOST_KEY_READINGS such elements that are no key, or one longer than
    _LONGEST_KEY, counts as holding a key without reading the rest."""
    if b"PRIVATE KEY" in data:
        return True
    readings = 0
    for content in itertools.chain((data,), _pem_contents(data)):
        if _PKCS12_START.search(content) is not None:
            return True
        for opening in _KEY_OPENING.finditer(content):
            end = _key_shaped(content, opening.start())
            if end is None:
                continue
            readings += 1
            if (end > len(content) or end - opening.start() > _LONGEST_KEY or readings > _MOST_KEY_READINGS
                    or _der_private_key(content[opening.start():end])):
                return True
    return False


def _pem_contents(data: bytes) -> Iterator[bytes]:
    """What the base64 after each BEGIN line decodes to, read so that no armour hides a key: up to the next five
    dashes, header lines (``Key: value``) and every byte that is not base64 left out, each run between padding
    decoded on its own, a last partial quantum too."""
    for begin in _BEGIN_LINE.finditer(data):
        body_end = data.find(b"-----", begin.end())
        body = data[begin.end():body_end if body_end >= 0 else len(data)]
        for run in _NOT_BASE64.sub(b"", _HEADER_LINE.sub(b"", body)).split(b"="):
            whole = len(run) - (len(run) % 4 == 1)        # one character alone holds no octet
            if whole:
                yield base64.b64decode(run[:whole] + b"=" * (-whole % 4))


def _key_shaped(data: bytes, at: int) -> int | None:
    """Where the SEQUENCE at ``at`` (which _KEY_OPENING matched) ends, past the end of ``data`` when its content runs
    past it, if its first inner elements are a private key's: INTEGER 0|1 then an INTEGER (PKCS#1, DSA) or an
    OCTET STRING (SEC1), or then a SEQUENCE and an OCTET STRING (PKCS#8); a SEQUENCE then an OCTET STRING (an
    encrypted PKCS#8). None where they are not (a certificate's SubjectPublicKeyInfo: SEQUENCE then BIT STRING), or
    where the AlgorithmIdentifier names a digest algorithm (a DigestInfo: _names_a_digest)."""
    length = data[at + 1]
    start = at + 2 + (length & 0x7F if length & 0x80 else 0)
    # the shape first, the SEQUENCE's own end only for one of a key's shape: most openings are not
    versioned = data[start] == _INTEGER         # else an encrypted PKCS#8's AlgorithmIdentifier opens it
    deciding = _element_end(data, start)        # where the tag that decides lies, after the first element
    wanted = (_INTEGER, _OCTET_STRING) if versioned else (_OCTET_STRING,)
    algorithm = None if versioned else start
    if versioned and deciding is not None and deciding < len(data) and data[deciding] == SEQUENCE:
        algorithm = deciding
        wanted, deciding = (_OCTET_STRING,), _element_end(data, deciding)     # after PKCS#8's AlgorithmIdentifier
    if deciding is None or deciding == len(data) or data[deciding] not in wanted:
        return None
    if algorithm is not None and _names_a_digest(data, algorithm, deciding):
        return None
    try:
        end = der_element(data, at, minimal_length=False).end
    except DerError:        # the opening matched whole: only its content can run past the end
        end = len(data) + 1
    return end if deciding < end else None


def _names_a_digest(data: bytes, at: int, end: int) -> bool:
    """Whether the AlgorithmIdentifier at ``at`` (whole, ending at ``end``) names a digest algorithm (_DIGEST_ARCS,
    _DIGESTS)."""
    try:
        inner = der_element(data, at, end, minimal_length=False).start
        if inner == end or data[inner] != _OBJECT_IDENTIFIER:
            return False
        oid = der_element(data, inner, end, minimal_length=False)
    except DerError:
        return False
    named = data[oid.start:oid.end]
    return named in _DIGESTS or any(named.startswith(arc) and len(named) > len(arc) for arc in _DIGEST_ARCS)


def _element_end(data: bytes, at: int) -> int | None:
    """Where the DER element at ``at`` ends, None where there is no whole one."""
    try:
        return der_element(data, at, minimal_length=False).end
    except DerError:
        return None


def _der_private_key(der: bytes) -> bool:
    """Whether ``der`` reads as a private key: whether it is one, not whether it is sound (an RSA key's primes are
    not tested, which for a crafted one of large numbers would take seconds)."""
    try:
        serialization.load_der_private_key(der, password=None, unsafe_skip_rsa_key_validation=True)
    except (TypeError, UnsupportedAlgorithm):    # encrypted, or of an algorithm this build cannot use: still a key
        return True
    except InternalError:   # an algorithm OpenSSL knows, with a secret it cannot set up (an Ed448 key's of 32 octets)
        return True
    except ValueError:
        return _ec_secret_cut_short(der)
    return True


_EC_PUBLIC_KEY = bytes.fromhex("2a8648ce3d0201")     # id-ecPublicKey, a PKCS#8 EC key's algorithm
_EC_PARAMETERS = 0xA0


def _ec_secret_cut_short(der: bytes) -> bool:
    """Whether ``der`` is an EC key of a named curve, in SEC1 or in PKCS#8, whose secret is shorter than the curve's
    order: written without its leading zero octets, as older OpenSSL and Bouncy Castle releases and other writers
    wrote about one key in 256, which the loader refuses as too short. It is still the key."""
    try:
        outer, version, second = _sequence_opening(der)
        curve = None
        if second.tag == SEQUENCE:      # PKCS#8: AlgorithmIdentifier { id-ecPublicKey, namedCurve }, then SEC1
            algorithm = der_element(der, second.start, second.end, minimal_length=False)
            named = der_element(der, algorithm.end, second.end, minimal_length=False)
            wrapped = der_element(der, second.end, outer.end, minimal_length=False)
            if (der[algorithm.start:algorithm.end] != _EC_PUBLIC_KEY or named.tag != _OBJECT_IDENTIFIER
                    or wrapped.tag != _OCTET_STRING):
                return False
            curve, der = der[named.start:named.end], der[wrapped.start:wrapped.end]
            outer, version, second = _sequence_opening(der)
        if der[version.start - 2:version.end] != b"\x02\x01\x01" or second.tag != _OCTET_STRING:
            return False
        if second.end < outer.end:      # SEC1's own parameters: [0] { namedCurve }
            parameters = der_element(der, second.end, outer.end, minimal_length=False)
            if parameters.tag == _EC_PARAMETERS:
                named = der_element(der, parameters.start, parameters.end, minimal_length=False)
                curve = der[named.start:named.end] if named.tag == _OBJECT_IDENTIFIER else None
        if not curve or curve[-1] & 0x80:
            return False
        order_octets = (ec.get_curve_for_oid(ObjectIdentifier(oid_dotted(curve))).key_size + 7) // 8
    except (DerError, LookupError, ValueError):
        return False
    return 0 < second.end - second.start < order_octets


def _sequence_opening(der: bytes) -> tuple[DerElement, DerElement, DerElement]:
    """The SEQUENCE that ``der`` opens with and its first two elements; DerError where there are none whole."""
    outer = der_element(der, 0, minimal_length=False)
    first = der_element(der, outer.start, outer.end, minimal_length=False)
    return outer, first, der_element(der, first.end, outer.end, minimal_length=False)


def holds_key_of(key_path: Path, cert: x509.Certificate) -> bool:
    """Whether the key file key_path holds the private key cert was issued for. An encrypted key counts as its:
    it cannot be compared without its password, which recfin never asks for (its user finds out at its first use).
    DamagedFileError naming the file when it holds no readable key."""
    data = key_path.read_bytes()
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except TypeError:
        return True
    except ValueError as error:
        raise _damaged(key_path, "private key", error) from None
    spki = (serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return key.public_key().public_bytes(*spki) == cert.public_key().public_bytes(*spki)


def keystore_key(msp: Path) -> Path | None:
    """The keystore file (<msp>/keystore/*_sk) holding the key of the MSP folder's certificate: the one named by
    its Fabric SKI, else the one whose public key is the certificate's. A lone key is taken as it is (its user
    finds out at its first signature, `recfin hsm import` before importing it); None when the keystore is
    empty, or none of several keys is the certificate's."""
    keys = sorted((msp / "keystore").glob("*_sk"))
    cert_path = msp / "signcerts" / "cert.pem"
    if len(keys) <= 1 or not cert_path.is_file():
        return keys[0] if len(keys) == 1 else None
    public = load_cert(cert_path).public_key()
    named = msp / "keystore" / f"{fabric_ski(public).hex()}_sk"
    if named in keys:
        return named
    return next((k for k in keys if _public(load_key(k)).public_numbers() == public.public_numbers()), None)


def node_ous_config(ous: dict[str, str] | None = None) -> dict:
    """config.yaml of an MSP with NodeOUs on: roles come from the OU of a cert issued by cacerts/ca.pem.
    ous: role -> OU (default: each role's OU is its name, as this generator issues them)."""
    ous = ous if ous is not None else {ou: ou for ou in NODE_OUS}
    ids = {f"{role.capitalize()}OUIdentifier": {"Certificate": "cacerts/ca.pem", "OrganizationalUnitIdentifier": ou}
           for role, ou in ous.items()}
    return {"NodeOUs": {"Enable": True, **ids}}


def certificates_under(folder: Path) -> Iterator[tuple[Path, x509.Certificate]]:
    """Every certificate file (.pem, .crt) under folder, in path order; keys and CRLs are passed over."""
    for path in sorted(folder.rglob("*")):
        if path.suffix not in (".pem", ".crt") or not path.is_file():
            continue
        try:
            yield path, x509.load_pem_x509_certificate(path.read_bytes())
        except ValueError:
            continue                                    # a key, a CRL: not a certificate


@dataclass(frozen=True)
class CertificateEnd:
    """A certificate file that ends within ENDING_NOTICE, or has ended, as certificates_ending found it (its
    fields are what `network status --json` gives)."""

    file: Path
    ends: str                   # its not_valid_after, ISO 8601 in UTC
    days_left: int              # whole days from the look to its end, floored: negative once it has ended
    ended: bool

    def said(self) -> str:
        """`<file> ends on <date> (<n> days from now)`, or `<file> ended on <date>`."""
        if self.ended:
            return f"{self.file} ended on {self.ends[:10]}"
        return f"{self.file} ends on {self.ends[:10]} ({self.days_left} days from now)"


def ends_soon(cert: x509.Certificate, now: dt.datetime) -> bool:
    """Whether cert ends within ENDING_NOTICE of now, or has ended."""
    return cert.not_valid_after_utc - now <= ENDING_NOTICE


def certificates_ending(files: Iterable[Path], now: dt.datetime | None = None) -> list[CertificateEnd]:
    """Those of the certificate files that end within ENDING_NOTICE or have ended, in the order given: what
    `network status` names, and the generator of a CA. A file missing, or holding no readable certificate, is
    passed over (this only looks; the commands that use the file name what is wrong with it)."""
    now = now or dt.datetime.now(dt.timezone.utc)
    out = []
    for path in dict.fromkeys(files):
        try:
            cert = x509.load_pem_x509_certificate(path.read_bytes())
        except (OSError, ValueError):
            continue
        if ends_soon(cert, now):
            ends = cert.not_valid_after_utc
            out.append(CertificateEnd(path, ends.isoformat(), (ends - now).days, ends <= now))
        # a certificate further from its end is not said: every one ends some day
    return out


# ---- layout -----------------------------------------------------------------
@dataclass(frozen=True)
class OrgCrypto:
    """Paths of one org's material."""

    root: Path           # <data_root>/crypto/<org name>
    domain: str

    @property
    def ca_cert(self) -> Path:
        return self.root / "ca" / "ca.pem"

    @property
    def ca_key(self) -> Path:
        return self.root / "ca" / "ca.key"

    @property
    def tlsca_cert(self) -> Path:
        return self.root / "tlsca" / "tlsca.pem"

    @property
    def tlsca_key(self) -> Path:
        return self.root / "tlsca" / "tlsca.key"

    @property
    def public_only(self) -> bool:
        """The org's CA certificate is here but not its key: an org that made its keys on its own host
        (`recfin org keys`), of which this folder holds what the channel has, its certificates."""
        return self.ca_cert.is_file() and not self.ca_key.is_file()

    @property
    def msp_dir(self) -> Path:
        return self.root / "msp"

    def node_dir(self, hostname: str) -> Path:
        return self.root / "nodes" / hostname

    def user_dir(self, user: str) -> Path:
        return self.root / "users" / f"{user}@{self.domain}"

    def user_msp(self, user: str) -> Path:
        return self.user_dir(user) / "msp"

    def user_tls(self, user: str) -> Path:
        return self.user_dir(user) / "tls"

    @property
    def issued_dir(self) -> Path:
        """The CA's record of the client identities it issued: a copy of each one's certificate (<user>.pem)."""
        return self.root / "ca" / "issued"

    def issued_cert(self, user: str) -> Path:
        return self.issued_dir / f"{user}.pem"

    @property
    def unaccounted_revocations_file(self) -> Path:
        """Part of a record started from the users' folders (start_issued_record): the serials the org's CRL
        listed then that no certificate here had, identities revoked and removed whose names it cannot know."""
        return self.issued_dir / "unaccounted-revocations.json"

    def node_certificates(self, hostname: str) -> list[Path]:
        """A node's signing certificate and its TLS server certificate."""
        return [self.node_dir(hostname) / "msp" / "signcerts" / "cert.pem",
                self.node_dir(hostname) / "tls" / "server.crt"]

    def org_certificates(self, admin: str) -> list[Path]:
        """The org's CA and TLS CA certificates, and its admin's signing and TLS client certificates."""
        return [self.ca_cert, self.tlsca_cert, self.user_msp(admin) / "signcerts" / "cert.pem",
                self.user_tls(admin) / "client.crt"]

    def chaincode_server_tls(self, host: str) -> Path:
        """ca.crt, server.crt, server.key of the org's chaincode server named host."""
        return self.root / "chaincode" / host / "server"

    def chaincode_client_tls(self, host: str) -> Path:
        """ca.crt, client.crt, client.key: the pair the org's peers present to that server."""
        return self.root / "chaincode" / host / "client"


def org_crypto(data_root: Path, org_name: str, domain: str) -> OrgCrypto:
    return OrgCrypto(data_root / "crypto" / org_name, domain)


class LostKeyError(NetworkError):
    """A client user's certificate is here without its key, and nothing says the key is elsewhere; or its MSP
    folder is gone while the org's CA records issuing it (or keeps no record to tell)."""


class CaFilesError(NetworkError):
    """An org's CA files cannot issue: one is missing, the key is not the certificate's, the certificate is
    not the CA the org's verifying MSP (and so the channel) has, or not a CA certificate Fabric accepts."""


def _certs_in(folder: Path) -> list[x509.Certificate]:
    certs = []
    for path in sorted(folder.glob("*")) if folder.is_dir() else []:
        try:
            certs.append(fabric_certificate(path.read_bytes()))     # as configtxgen and Fabric's MSP read it
        except (ValueError, OSError):
            continue
    return certs


def ca_files_problem(paths: OrgCrypto, tls: bool = True) -> str | None:
    """What keeps the org's CA (and TLS CA, with tls) in paths from issuing, None when nothing does: each
    needs its certificate and key, the key the certificate's, and the certificate the one in the org's
    verifying MSP (msp/cacerts, msp/tlscacerts), which is what the channel knows."""
    pairs = [(paths.ca_cert, paths.ca_key, paths.msp_dir / "cacerts")]
    if tls:
        pairs.append((paths.tlsca_cert, paths.tlsca_key, paths.msp_dir / "tlscacerts"))
    for cert_path, key_path, verifying in pairs:
        missing = [p for p in (cert_path, key_path) if not p.is_file()]
        if len(missing) == 2:
            return (f"{cert_path} and {key_path} are missing: restore them from a backup; no CA is made in their "
                    f"place, since the channel knows the org by this CA")
        if missing:
            present = key_path if missing[0] == cert_path else cert_path
            return f"{missing[0]} is missing beside {present}: restore it; no CA is made in its place"
        cert = load_cert(cert_path)
        if _public(load_key(key_path)).public_numbers() != cert.public_key().public_numbers():
            return f"{key_path} is not the key of {cert_path}"
        if problem := ca_certificate_problem(cert_path, cert):
            return problem
        if cert not in _certs_in(verifying):
            return f"{cert_path} is not the CA certificate in the org's MSP ({verifying})"
    return None


class ExpiredCaError(CaFilesError):
    """An org's CA (or TLS CA) certificate has ended: nothing it issues could be valid."""


def ca_certificate_lacks(cert: x509.Certificate, *, key_identifier: bool = True) -> list[str]:
    """What of a CA certificate Fabric checks the certificate lacks ([] when nothing): it must say it is a CA
    (basicConstraints CA:TRUE: Fabric's MSP takes no other as a root), may sign certificates where it limits
    its key usage (keyCertSign: Go's chain verification refuses a leaf signed by a CA without it), and, with
    key_identifier, carry a Subject Key Identifier (what every certificate it issues here names as its
    Authority Key Identifier, and what Fabric's MSP looks the signing CA's CRLs up by for every identity it
    validates)."""
    try:
        is_ca = cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        is_ca = False
    try:
        signs = cert.extensions.get_extension_for_class(x509.KeyUsage).value.key_cert_sign
    except x509.ExtensionNotFound:
        signs = True            # no key usage: not limited
    try:
        cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
        has_ski = True
    except x509.ExtensionNotFound:
        has_ski = not key_identifier
    return [what for what, held in (("basicConstraints CA:TRUE", is_ca), ("keyUsage keyCertSign", signs),
                                    ("a Subject Key Identifier", has_ski)) if not held]


def ca_certificate_problem(cert_path: Path, cert: x509.Certificate) -> str | None:
    """Why the org's CA certificate in cert_path cannot issue what Fabric accepts (ca_certificate_lacks), None
    when it can. A CA renewed by hand, as certificates that end are, may lack any of it."""
    lacks = ca_certificate_lacks(cert)
    if not lacks:
        return None
    return (f"{cert_path} is no CA certificate Fabric accepts: it lacks {' and '.join(lacks)}. Renew it for "
            f"the same key and subject with basicConstraints CA:TRUE, keyUsage keyCertSign and a Subject Key "
            f"Identifier, update the org's MSP in the channel with it, and run the command again; nothing is "
            f"issued by it until then")


class _OrgIssuer:
    """Issues from an org's CA and TLS CA in paths. make_cas: a CA missing there is made (a new org's
    material); else none is made, and CaFilesError is raised before anything is written. say: where a line
    goes for each kept certificate issued again (tls_pair), and for a CA certificate ending soon.

    writes=False: a run that only checks. It reads what a writing run reads and refuses what it refuses, in
    the same order, but writes no file or folder (what it would make is made in memory alone) and says no
    certificate issued again (none is); only a CA ending soon is said. generate runs it over every org first,
    so a refusal of any org leaves every file of the data folder as it was."""

    def __init__(self, paths: OrgCrypto, org_label: str, *, make_cas: bool = True,
                 say: Callable[[str], None] = lambda _: None, writes: bool = True):
        self.paths = paths
        self.org = org_label
        self.say = say
        self.writes = writes
        if not make_cas and (problem := ca_files_problem(paths)) is not None:
            raise CaFilesError(problem)
        # Being made, and nothing issued yet: the org's folder holds its CA files alone (a first run stopped
        # between them leaves a key without its certificate, which is completed).
        self.making = make_cas and _holds_only_its_cas(paths)
        self.ca_key, self.ca_cert = self._ca(paths.root / "ca", "ca.pem", f"ca.{paths.domain}")
        self.tls_key, self.tls_cert = self._ca(paths.root / "tlsca", "tlsca.pem", f"tlsca.{paths.domain}")
        if self.making:         # a new CA has issued nothing: its record starts empty, and complete
            self.make_folder(paths.issued_dir)

    def write_file(self, path: Path, data: bytes, mode: int = 0o644, *, if_missing: bool = False) -> None:
        """path written with data (with if_missing, only when there is no such file); not in a run that only
        checks."""
        if self.writes and not (if_missing and path.is_file()):
            _write(path, data, mode)

    def make_folder(self, path: Path, mode: int = FOLDER_MODE) -> None:
        """path made as make_folders makes it; not in a run that only checks."""
        if self.writes:
            make_folders(path, mode)

    def say_issued_again(self, line: str) -> None:
        """A kept certificate issued again, said; a run that only checks issued nothing, and says nothing."""
        if self.writes:
            self.say(line)

    def _ca(self, folder: Path, cert_name: str, cn: str):
        cert_path, key_path = folder / cert_name, folder / cert_name.replace(".pem", ".key")
        if cert_path.is_file() and key_path.is_file():
            cert = load_cert(cert_path)
            if problem := ca_certificate_problem(cert_path, cert):
                raise CaFilesError(problem)
            self._check_dates(cert_path, cert)
            return load_key(key_path), cert
        if key_path.is_file() and not cert_path.is_file() and self.making:
            # The key a first run wrote before it stopped: no certificate of it ever existed, nor anything it
            # issued, so the CA's certificate is made for it now.
            key = load_key(key_path)
            cert = make_ca(cn, self.org, key)[1]
            self.write_file(cert_path, _pem_cert(cert))
            return key, cert
        if cert_path.is_file() or key_path.is_file():
            # half a CA in use: a new one would overwrite the half that is here, and be one the channel does not know
            raise CaFilesError(f"{key_path if cert_path.is_file() else cert_path} is missing beside "
                               f"{cert_path if cert_path.is_file() else key_path}: restore it; no CA is made in "
                               f"its place")
        key, cert = make_ca(cn, self.org)
        self.make_folder(folder, PRIVATE_FOLDER_MODE)
        self.write_file(key_path, _pem_key(key), 0o600)
        self.write_file(cert_path, _pem_cert(cert))
        return key, cert

    def _check_dates(self, cert_path: Path, cert: x509.Certificate) -> None:
        """Refuse a CA certificate that has ended (ExpiredCaError); say when one ends within ENDING_NOTICE.
        No certificate outlives its CA's (issue), so one issued from an ended CA could not be valid at all,
        and one issued near the end is valid only until then."""
        now = dt.datetime.now(dt.timezone.utc)
        ends = cert.not_valid_after_utc
        if ends <= now:
            raise ExpiredCaError(
                f"{cert_path} ended on {ends:%Y-%m-%d %H:%M} UTC: every certificate it issued ended with it, "
                f"and one it issued now could never be valid, so nothing is issued. The channel knows "
                f"{self.paths.root.name} by this CA: renew its certificate for the same key and subject, and "
                f"update the org's MSP in the channel with it (a config update the org admins sign); recfin "
                f"makes neither")
        if ends_soon(cert, now):
            self.say(f"  {cert_path} ends on {ends:%Y-%m-%d} ({(ends - now).days} days from now), and "
                     f"every certificate it issues ends by then: renew it for the same key and subject "
                     f"before, and update the org's MSP in the channel with it")

    def verifying_msp(self, msp: Path) -> None:
        # cacerts/ last: the org's MSP naming a CA there is what tells generate the org's CAs are in use and must
        # match it (ca_files_problem), so a run stopped before it leaves a folder the next run completes, not one
        # whose TLS CA it refuses as missing from tlscacerts/
        self.write_file(msp / "tlscacerts" / "tlsca.pem", _pem_cert(self.tls_cert), if_missing=True)
        self.write_file(msp / "cacerts" / "ca.pem", _pem_cert(self.ca_cert), if_missing=True)
        self.write_file(msp / "config.yaml", yaml.safe_dump(node_ous_config(), sort_keys=False).encode(),
                        if_missing=True)

    def signing_msp(self, msp: Path, cn: str, ou: str, attrs: dict[str, str] | None = None,
                    public_key: ec.EllipticCurvePublicKey | None = None) -> x509.Certificate | None:
        """The MSP folder's certificate and keystore key, made when missing; with public_key, a certificate for
        that key (whose private half is elsewhere, an HSM's), no keystore key, and KEY_ELSEWHERE_FILE saying so.

        A certificate whose key is not in the keystore is kept where the folder says the key is elsewhere:
        hsm-signer.yaml (`recfin hsm import`, `recfin hsm link`) or KEY_ELSEWHERE_FILE (`recfin org user add
        --csr`, before `hsm link`); a new one issued there would silently be another identity. A node's or
        the admin's lost key is issued again, as when missing: the channel trusts the org's CA, not one
        certificate. A client user's is refused (LostKeyError): a new certificate of the same subject keeps
        the old one's client id, so its party bindings, and a new serial, so it would escape a revocation.
        The key is written before the certificate, so no interrupted run leaves a certificate without its key;
        one that stopped between the two leaves a keystore key no certificate is for, which the certificate is
        issued for now (a second key beside it would leave the folder's key ambiguous). Where it stopped issuing a
        lost key again, that key is beside the old certificate, which is not its: a keystore holding no key of
        the folder's certificate counts as lost, and the certificate is issued again for the key that is there.
        The certificate issued now, None when the folder's is kept.
        """
        self.verifying_msp(msp)
        cert_path = msp / "signcerts" / "cert.pem"
        if cert_path.is_file() and key_held(msp):
            return None
        if cert_path.is_file() and ou == "client":
            raise _lost_key(self.paths, msp.parent.name.removesuffix(f"@{self.paths.domain}"))
        leftover = _leftover_key(msp) if public_key is None else None
        key = public_key or leftover or new_key()
        if leftover is not None and cert_path.is_file():
            self.say_issued_again(f"  {cert_path} issued again for the key in {msp / 'keystore'}: it was not "
                                  f"that key's, and its own key is not there (a run stopped between a new "
                                  f"key and its certificate)")
        cert = issue(self.ca_key, self.ca_cert, key, cn=cn, org=self.org, ou=ou, attrs=attrs)
        if public_key is None:
            if leftover is None:
                key_file = msp / "keystore" / f"{fabric_ski(key.public_key()).hex()}_sk"
                self.write_file(key_file, _pem_key(key), 0o600)
        else:
            self.write_file(msp / KEY_ELSEWHERE_FILE, KEY_ELSEWHERE_TEXT.encode())
        self.write_file(cert_path, _pem_cert(cert))
        return cert

    def tls_pair(self, tls: Path, cn: str, *, server: bool, sans: list[str] | None) -> None:
        """The folder's TLS pair, completed. A key that is here is never replaced: a certificate missing beside it
        is issued for it (the key is written first, so an interrupted run leaves just that). A pinned orderer's pair
        under an existing channel never gets here incomplete (generate refuses it: _pinned_pair_refusal).
        A kept certificate lacking one of sans (listen_host, or its org's namespace address, changed since it was
        issued: it would fail verification where it is dialled now), or not issued for the key beside it (a run
        stopped between a lost key's replacement and its certificate), is issued again for its key (_reissue_unfit).
        The folder, when missing, is made its owner's alone, as it holds a key."""
        self.make_folder(tls, PRIVATE_FOLDER_MODE)
        self.write_file(tls / "ca.crt", _pem_cert(self.tls_cert), if_missing=True)
        stem = "server" if server else "client"
        cert_path, key_path = tls / f"{stem}.crt", tls / f"{stem}.key"
        if cert_path.is_file() and key_path.is_file():
            self._reissue_unfit(cert_path, key_path, cn, server=server, sans=sans)
            return
        kept = key_path.is_file()
        key = load_key(key_path) if kept else new_key()
        cert = issue(self.tls_key, self.tls_cert, key, cn=cn, org=self.org, tls=True, server=server, sans=sans)
        if not kept:
            self.write_file(key_path, _pem_key(key), 0o600)
        self.write_file(cert_path, _pem_cert(cert))

    def _reissue_unfit(self, cert_path: Path, key_path: Path, cn: str, *, server: bool,
                       sans: list[str] | None) -> None:
        """The kept certificate in cert_path issued again, for the key in key_path and by the same TLS CA, when it
        is not that key's or lacks one of sans; said (self.say). The key file is left untouched and the certificate
        file keeps its mode. Only a pair nothing pins gets here: a peer's or a chaincode server's, whose clients
        trust the org's TLS CA, a user's, or an orderer's the channel does not hold (generate refuses a pinned one
        first: _pinned_sans_refusal, _pinned_key_refusal)."""
        kept = load_cert(cert_path)
        missing = sans_missing(kept, sans or [])
        own_key = holds_key_of(key_path, kept)
        if own_key and not missing:
            return
        cert = issue(self.tls_key, self.tls_cert, load_key(key_path), cn=cn, org=self.org, tls=True, server=server,
                     sans=sans)
        self.write_file(cert_path, _pem_cert(cert), stat.S_IMODE(cert_path.stat().st_mode))
        why = (f"it named {', '.join(san_names(kept)) or 'no SAN'}, not {', '.join(missing)}, where it is dialled now"
               if own_key else f"it was not the key's (a run stopped between a new {key_path.name} and its "
                               f"certificate)")
        self.say_issued_again(f"  {cert_path} issued again for its kept key by {self.paths.root.name}'s TLS "
                              f"CA: {why}")


# In an MSP folder whose certificate was issued for a key held elsewhere (an HSM): Fabric's MSP reads only
# its own subfolders and config.yaml, so the file is for recfin's generator and for whoever looks.
KEY_ELSEWHERE_FILE = "key-elsewhere.txt"
KEY_ELSEWHERE_TEXT = ("signcerts/cert.pem was issued for a key that is not on this host (recfin org user add --csr): "
                      "`recfin hsm link` points this folder at it in the HSM.\n")


def _key_elsewhere(msp: Path) -> bool:
    # lexists, not is_file: a signer file that is a folder or a dangling symlink still says the key is in an HSM,
    # and opening the folder names that file; taken for "no key", it would have the user revoked for a safe key
    return (msp / KEY_ELSEWHERE_FILE).is_file() or os.path.lexists(msp / HSM_SIGNER_FILE)


def key_held(msp: Path) -> bool:
    """The MSP folder's certificate (signcerts/cert.pem, which is there) has its key: in the keystore, or
    where the folder says it is (an HSM). A keystore holding only keys the generator made (_named_by_its_ski),
    none the certificate's, holds no key of it: what a run stopped between a lost key's replacement and its
    certificate leaves. Any other keystore file (named otherwise, encrypted, unreadable) is taken for the key,
    as a key is never certified or set aside here on a guess: the SDK names the folder when it is not."""
    if _key_elsewhere(msp):
        return True
    keys = sorted((msp / "keystore").glob("*_sk"))
    if not all(_named_by_its_ski(key) for key in keys):
        return True
    cert = load_cert(msp / "signcerts" / "cert.pem")
    return any(holds_key_of(key, cert) for key in keys)


def _named_by_its_ski(key_path: Path) -> bool:
    """Whether key_path holds a readable, unencrypted EC key, named as the generator names a keystore key it
    makes: <its Fabric SKI>_sk."""
    try:
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    except (TypeError, ValueError, OSError):
        return False
    return (isinstance(key, ec.EllipticCurvePrivateKey)
            and key_path.name == f"{fabric_ski(key.public_key()).hex()}_sk")


def _leftover_key(msp: Path) -> ec.EllipticCurvePrivateKey | None:
    """A keystore key an interrupted run wrote before the folder's certificate (which is missing, or not that
    key's: key_held), to issue the certificate for; None when the keystore is empty. No key is ever removed:
    of several (runs that stopped so before leftovers were reused), the first is taken, and the profile and
    the SDK pick the certificate's."""
    keys = sorted((msp / "keystore").glob("*_sk"))
    return load_key(keys[0]) if keys else None


def _lost_key(paths: OrgCrypto, user: str) -> LostKeyError:
    msp = paths.user_msp(user)
    return LostKeyError(f"{msp / 'keystore'} has no key for {msp / 'signcerts' / 'cert.pem'}, and the folder does "
                        f"not say the key is elsewhere: restore the key file. If it is lost, revoke the user (recfin "
                        f"org user revoke {paths.root.name} {user}; its revoked certificate is then left as it is) and "
                        f"give the person a new user under another name (recfin org user add); no certificate is "
                        f"issued in its place, which would escape a revocation and keep the user's party bindings")


def _holds_only_its_cas(paths: OrgCrypto) -> bool:
    """Whether the org's folder holds no file but its CA's and TLS CA's own (ca/, tlsca/): nothing issued yet."""
    own = {paths.ca_cert.parent, paths.tlsca_cert.parent}
    return all(path.parent in own for path in paths.root.rglob("*") if not path.is_dir())


def channel_made(topology: Topology, data_root: Path) -> str | None:
    """What in data_root shows its channel exists (its genesis block, a node's ledger folder), None if nothing."""
    from .configtx import genesis_block_path     # network.configtx builds on this module

    block = genesis_block_path(data_root, topology.channel)
    if block.is_file():
        return f"its genesis block {block}"
    ledgers = sorted(p for p in (data_root / "nodes").glob("*/data") if p.is_dir() and any(p.iterdir()))
    return f"the ledger {ledgers[0]}" if ledgers else None


def _consenter_hostnames(data_root: Path, channel: str, made: str) -> list[str] | None:
    """The hostnames of the consenters of data_root's config/configtx.yaml, each the folder its ServerTLSCert path
    names above `tls/server.crt` (whatever folder the data was made in; a path of another shape is given as it is);
    None when there is no such file. It is written before the genesis block is made from it, and again only by a
    later `up` or `prepare`, after this. A file that is there but cannot be read (not UTF-8, not YAML, a value YAML
    cannot build, no consenter named) is refused (CaFilesError naming it): which orderers the channel pins is not
    guessed from what is left here in its place."""
    from .configtx import PROFILE     # network.configtx builds on this module

    path = data_root / "config" / "configtx.yaml"
    if not path.exists():
        return None
    try:
        document = yaml.safe_load(path.read_bytes().decode("utf-8-sig"))
        consenters = document["Profiles"][PROFILE]["Orderer"]["EtcdRaft"]["Consenters"]
        certs = [Path(str(c["ServerTLSCert"])).parts for c in consenters]
        if not certs:
            raise LookupError("no consenter")     # a Raft channel is never made without one
    except (OSError, ValueError, yaml.YAMLError, LookupError, TypeError) as exc:
        if isinstance(exc, (LookupError, TypeError)):
            problem = f"it names no Raft consenter under the profile {PROFILE}"
        else:
            problem = "it is not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else \
                f"a value YAML cannot build: {exc}" if isinstance(exc, ValueError) else str(exc).splitlines()[0]
        raise CaFilesError(
            f"{path} cannot be read ({problem}), and the channel {channel} exists ({made}): its Raft consenters "
            f"say which orderers the channel pins, so that one missing its TLS pair is refused a new one. Restore "
            f"{path} as the genesis block was made from it; if that copy is lost, remove the file, and every "
            f"orderer that left material or a ledger in {data_root} counts as pinned") from None
    return list(dict.fromkeys(parts[-3] if len(parts) >= 3 and parts[-2:] == ("tls", "server.crt")
                              else str(Path(*parts)) for parts in certs))


def org_folder_gone(paths: OrgCrypto) -> bool:
    """Whether the org's folder holds nothing of its CA: no CA certificate or key, no verifying MSP's cacerts/."""
    return not paths.ca_cert.is_file() and not paths.ca_key.is_file() \
        and not any((paths.msp_dir / "cacerts").glob("*.pem"))


def org_gone_refusal(paths: OrgCrypto, known: str, by: str = "the channel knows the org by this CA") -> str:
    """Why an org's folder gone (org_folder_gone) is not made again: known says what knows the org, by how."""
    return (f"{paths.root} is gone (no CA certificate or key, no verifying MSP), but {known}: restore the folder "
            f"from a backup. No CA is made in its place, since {by}")


def _org_gone_refusal(paths: OrgCrypto, channel: str, made: str) -> str:
    return org_gone_refusal(paths, f"the channel {channel} exists ({made})")


def _pinned_pair_refusal(tls: Path, channel: str, made: str) -> str:
    missing = [str(tls / name) for name in ("server.crt", "server.key") if not (tls / name).is_file()]
    return (f"{' and '.join(missing)} {'are' if len(missing) > 1 else 'is'} missing, but the channel {channel} "
            f"exists ({made}) and its Raft consenter set holds this orderer's exact TLS certificate: restore "
            f"{'them' if len(missing) > 1 else 'it'} from a backup. No TLS pair is issued in its place, since the "
            f"orderer could not rejoin the channel with it")


def _pinned_key_refusal(cert_path: Path, channel: str, made: str) -> str:
    key_path = cert_path.with_name("server.key")
    return (f"{key_path} is not the key of {cert_path}, but the channel {channel} exists ({made}) and its Raft "
            f"consenter set holds this orderer's exact TLS certificate: restore the key it was issued for from a "
            f"backup. No TLS pair is issued in its place, since the orderer could not rejoin the channel with it")


def _pinned_sans_refusal(node: Node, cert_path: Path, missing: list[str], topology: Topology, made: str) -> str:
    where = "listen_host" if not topology.namespaces else f"the namespace address of {node.org_name}"
    return (f"{node.name} is dialled at {node.address} now, but its TLS certificate {cert_path} names "
            f"{', '.join(san_names(load_cert(cert_path))) or 'no SAN'}, not {', '.join(missing)} (the topology "
            f"wants {', '.join(_node_sans(topology, node))}). The channel {topology.channel} exists ({made}) and its "
            f"Raft consenter set holds this orderer's exact TLS certificate, so none is issued in its place: the "
            f"orderer could not rejoin the channel with it. Give {where} in the topology back the address the "
            f"certificate names; to run the network at the new address, start a new channel instead: `recfin "
            f"network down --purge` deletes the data folder, ledgers included, and `recfin network up` makes it anew")


def _node_sans(topology: Topology, node: Node) -> list[str]:
    """The SANs a node's TLS certificate carries: its hostname, its name, localhost, listen_host and the address
    it is dialled at (an org's namespace address, or its hostname on separate hosts)."""
    sans = [node.hostname, node.name, "localhost", topology.listen_host]
    return sans + [node.host] * (node.host not in sans)


def _holds_node_material(node_dir: Path) -> bool:
    """Whether a node's folder holds any of its own material (half a TLS pair, its MSP's certificate): an empty
    folder (a `mkdir -p`, a bind mount Docker made) says nothing of which node it was."""
    return any((node_dir / "tls").glob("server.*")) or any((node_dir / "msp" / "signcerts").glob("*"))


def _renamed_orderer_refusal(incomplete: list[tuple[Node, Path]], uncarried: list[str], data_root: Path,
                             channel: str, made: str) -> str:
    """Why orderers missing their TLS pair get none while consenter hostnames (uncarried) of configtx.yaml are
    carried by no orderer of the topology: one of them may be a consenter renamed, the channel pinning the old
    name's pair; or that consenter was dropped from the topology while the channel keeps it."""
    nodes = ", ".join(f"{node.name} ({node.hostname}, {node_dir / 'tls'})" for node, node_dir in incomplete)
    several, hosts = len(uncarried) > 1, ", ".join(uncarried)
    return (f"{nodes} {'have' if len(incomplete) > 1 else 'has'} no complete TLS pair, and the channel {channel} "
            f"exists ({made}), but the Raft consenter{'s' if several else ''} {hosts} of "
            f"{data_root / 'config' / 'configtx.yaml'} {'are' if several else 'is'} carried by no orderer of the "
            f"topology, so no pair is issued. Either a consenter's hostname was changed since the channel was made: "
            f"the channel pins the TLS certificate of the hostname it was made with, so give the orderer back its "
            f"hostname ({hosts}) in the topology. Or an orderer was removed from the topology while it is still a "
            f"consenter of the channel, which recfin cannot remove from a running channel: put it back in the "
            f"topology (a new orderer then gets its pair and joins as a follower). If configtx.yaml was edited, "
            f"restore it as the genesis block was made from it")


def generate(topology: Topology, data_root: Path, only: list[str] | None = None, adding: Iterable[str] = (),
             say: Callable[[str], None] = lambda _: None) -> None:
    """Create (or complete) all MSP and TLS material for the topology under data_root/crypto.

    only: these orgs' material alone (a company making its own keys). An org whose certificates are
    here without its CA key is left alone: its keys are on its own host, and a CA issued here would
    be one the channel does not know.

    Once the channel exists (channel_made), what it knows is never made again: an org's folder gone whole is
    refused (CaFilesError naming it) unless the org is one being added now (adding: `org add` of an org the
    channel never held), and so is a pinned orderer's TLS pair missing a half (its hostname among the consenters of
    config/configtx.yaml; without that file, material or a ledger of it here). An orderer outside the consenters
    is a follower (or new): followers are authenticated by the orderer org's TLS CA, not a pinned certificate, so
    it is issued a pair, ledger here or not; unless a consenter hostname is carried by no orderer of the topology
    and the orderer has no material in its node folder here, which is what a renamed consenter looks like (its
    ledger may be in a compose volume), or a new orderer beside a consenter dropped from the topology: then it is
    refused (every orderer missing its pair is, when that consenter has no material here either). So is a pinned
    orderer's kept certificate lacking a SAN the topology wants (listen_host, or the orderer org's namespace
    address, changed since), or whose server.key is not its key. All before anything is written.

    A kept server certificate of another node or of a chaincode server that lacks a SAN the topology wants is
    issued again for its key by the same TLS CA, one line to say each (_OrgIssuer.tls_pair).

    Whatever refuses, for any org (a lost key, a CA half there, ended or not the MSP's, a damaged file),
    refuses before anything of any org is written or issued again: each org is first run through as a run that
    only checks (_OrgIssuer's writes=False), then written. A refused run leaves every file as it was, and says
    only the CAs ending soon that its check met before the refusal."""
    oo = topology.orderer_org
    groups = [(oo.name, oo.domain, oo.admin, [], [n for n in topology.orderers()])]
    groups += [(o.name, o.domain, o.admin, o.users, topology.peers(o.name)) for o in topology.orgs]
    groups = [g for g in groups if only is None or g[0] in only]
    made = channel_made(topology, data_root)
    if made:
        for org_name, domain, *_ in groups:
            paths = org_crypto(data_root, org_name, domain)
            if org_name not in adding and org_folder_gone(paths):
                raise CaFilesError(_org_gone_refusal(paths, topology.channel, made))
        orderer_paths = org_crypto(data_root, oo.name, oo.domain)
        incomplete = []     # (orderer, its node folder) missing half or all of its TLS pair
        unnamed = []        # (orderer, its kept certificate, the SANs it lacks) of a complete pair
        unmatched = []      # (orderer, its kept certificate) of a complete pair whose key is not the certificate's
        for node in topology.orderers() if oo.name in [g[0] for g in groups] else []:
            node_dir = orderer_paths.node_dir(node.hostname)
            cert_path = node_dir / "tls" / "server.crt"
            if not all((node_dir / "tls" / name).is_file() for name in ("server.crt", "server.key")):
                incomplete.append((node, node_dir))
            elif not holds_key_of(node_dir / "tls" / "server.key", load_cert(cert_path)):
                unmatched.append((node, cert_path))
            elif missing := sans_missing(load_cert(cert_path), _node_sans(topology, node)):
                unnamed.append((node, cert_path, missing))
        consenters = (_consenter_hostnames(data_root, topology.channel, made) if incomplete or unnamed or unmatched
                      else None)
        for node, cert_path in unmatched:
            if consenters is None or node.hostname in consenters:
                raise CaFilesError(_pinned_key_refusal(cert_path, topology.channel, made))
        for node, cert_path, missing in unnamed:
            # without configtx.yaml, an orderer whose pair is here counts as pinned
            if consenters is None or node.hostname in consenters:
                raise CaFilesError(_pinned_sans_refusal(node, cert_path, missing, topology, made))
        # Which are pinned: the consenters of the configtx.yaml the channel was made from; without that file, any
        # orderer that left material or a ledger here. Another orderer is a follower (joined by `up`, osnadmin)
        # or one the topology names since, never pinned, so it gets a pair (for a key a stopped run left, if
        # any): unless a consenter's hostname is carried by no orderer of the topology, as a rename leaves it
        uncarried = [h for h in consenters or [] if h not in {node.hostname for node in topology.orderers()}]
        for node, node_dir in incomplete:
            tls = node_dir / "tls"
            if consenters is not None:
                known = node.hostname in consenters
            else:
                known = any(tls.glob("server.*")) or (node_dir / "msp").exists() or \
                    (data_root / "nodes" / node.name).exists()
            if known:
                raise CaFilesError(_pinned_pair_refusal(tls, topology.channel, made))
        # A renamed consenter has no material here under its new hostname (nor has an orderer named since),
        # while its old one is left: a follower with its own folder (a pair missing a half) is not it, and gets
        # its pair. A consenter with no material here either (configtx.yaml edited, that material gone) says
        # nothing of which orderer it was: then every orderer missing its pair is refused.
        unmade = [(node, node_dir) for node, node_dir in incomplete if not _holds_node_material(node_dir)]
        unknown = [h for h in uncarried if Path(h).name != h or not _holds_node_material(orderer_paths.node_dir(h))]
        refused = incomplete if unknown else unmade
        if uncarried and refused:
            raise CaFilesError(_renamed_orderer_refusal(refused, uncarried, data_root, topology.channel, made))
    # Every org is checked (a run that only checks) before any is written: a refusal of the last leaves the
    # first as it was too. What the check says (a CA ending soon) the writing run says again in its place, so
    # only a refused run says it from there.
    notices: list[str] = []
    try:
        for group in groups:
            _org_material(topology, data_root, *group, say=notices.append, writes=False)
    except Exception:
        for line in notices:
            say(line)
        raise
    for group in groups:
        _org_material(topology, data_root, *group, say=say, writes=True)


def _org_material(topology: Topology, data_root: Path, org_name: str, domain: str, admin: str,
                  users: list[UserSpec], nodes: list[Node], *, say: Callable[[str], None],
                  writes: bool) -> None:
    """One org's material, completed (writes=False: only checked, nothing written; _OrgIssuer)."""
    paths = org_crypto(data_root, org_name, domain)
    if paths.public_only:
        return
    # Each client user is decided (left revoked, or refused: LostKeyError) before anything of the org is
    # written, so a refusal leaves the org's folder as it was.
    recorded = issued_certificates(paths) or {}
    left_revoked = {u.name for u in users if client_user_left_revoked(paths, u.name, recorded)}
    # An org whose MSP already names its CAs is the channel's as it is: its CAs are never made again
    # (a CA deleted whole would otherwise come back as one the channel does not know).
    issuer = _OrgIssuer(paths, domain, make_cas=not any((paths.msp_dir / "cacerts").glob("*.pem")), say=say,
                        writes=writes)
    # A CA being made starts its record empty (_OrgIssuer's issued_dir); another's record may be started now
    users_named = [u.name for u in users]
    issued = {} if issuer.making else start_issued_record(paths, admin, users_named, writes=writes)
    issuer.verifying_msp(paths.msp_dir)
    for node in nodes:
        d = paths.node_dir(node.hostname)
        issuer.signing_msp(d / "msp", node.hostname, node.kind)
        issuer.tls_pair(d / "tls", node.hostname, server=True, sans=_node_sans(topology, node))
    if org_name != topology.orderer_org.name:
        _chaincode_tls(topology, topology.org(org_name), paths, issuer)
    _user(issuer, admin, "admin", None)
    for user in users:
        if user.name not in left_revoked:   # a revoked user is left as it is, and never issued again
            _client_user(issuer, user.name, user.attrs or None, issued)


def _user(issuer: _OrgIssuer, name: str, ou: str, attrs: dict[str, str] | None,
          public_key: ec.EllipticCurvePublicKey | None = None) -> x509.Certificate | None:
    """The user's signing MSP and TLS client pair, completed; its signing certificate if issued now."""
    cn = f"{name}@{issuer.paths.domain}"
    cert = issuer.signing_msp(issuer.paths.user_msp(name), cn, ou, attrs, public_key)
    issuer.tls_pair(issuer.paths.user_tls(name), cn, server=False, sans=None)
    if cert is not None and ou != "admin" and issuer.paths.issued_dir.is_dir():
        issuer.write_file(issuer.paths.issued_cert(name), _pem_cert(cert))
    return cert


def client_user_left_revoked(paths: OrgCrypto, name: str, issued: dict[str, x509.Certificate]) -> bool:
    """How the generator takes a topology client user, by what the org's CA records issuing (issued) and its CRL:
    True when the CRL revokes it (left as it is, with or without its folder, and never issued again); False when
    its identity is kept, completed, or issued new (a user the record does not know). Reads only.

    LostKeyError when its certificate is here without its key (and the folder does not say the key is
    elsewhere), or its folder is gone while the record has its certificate: either would need a new certificate
    of the same subject, which would keep the user's client id and party bindings under a serial no CRL lists."""
    msp, org = paths.user_msp(name), paths.root.name
    cert_path = msp / "signcerts" / "cert.pem"
    if not cert_path.is_file():
        if name not in issued:
            if paths.issued_dir.is_dir() and (unaccounted := revocations_unaccounted_for(paths)):
                raise LostKeyError(
                    f"{name} of {org} has no certificate here, and {org}'s CA cannot tell whether it issued {name} "
                    f"one: {unaccounted_reason(paths, unaccounted)}. Take {name} out of the org's users "
                    f"(topology.yaml, or membership.yaml's `users:`); if {org}'s CA never issued that name, add it "
                    f"with `recfin org user add {org} {name} --never-issued`. {REVOKED_NAME_RULE}")
            return False
        if revoked_by_org(paths, issued[name]):
            return True     # revoked, its folder since removed: it has no identity, and is given none
        raise LostKeyError(
            f"{paths.user_dir(name)} is gone, though {org}'s CA issued {name} a certificate (serial "
            f"{issued[name].serial_number:x}, its copy in {paths.issued_cert(name)}): restore the folder from a "
            f"backup. If it is lost, revoke the user (recfin org user revoke {org} {name}, which takes that copy; "
            f"the user is then left without an identity) and give the person a new user under another name "
            f"(recfin org user add); if it was revoked from another host, `recfin org user list {org} --sync` "
            f"brings the channel's CRL here. No certificate is issued in its place, which would keep the user's "
            f"client id and party bindings under a serial no CRL lists")
    if revoked_by_org(paths, load_cert(cert_path)):
        return True         # revoked, it signs nothing the channel accepts, and is not replaced
    if not key_held(msp):
        raise _lost_key(paths, name)
    return False


def _client_user(issuer: _OrgIssuer, name: str, attrs: dict[str, str] | None,
                 issued: dict[str, x509.Certificate]) -> None:
    """A topology user that client_user_left_revoked let through: its identity completed, or issued new."""
    paths = issuer.paths
    cert_path = paths.user_msp(name) / "signcerts" / "cert.pem"
    held = load_cert(cert_path) if cert_path.is_file() else None
    _user(issuer, name, "client", attrs)
    if held is not None and name not in issued:     # a folder the record missed (put back by hand): known now
        issuer.write_file(paths.issued_cert(name), _pem_cert(held))


def revoked_by_org(paths: OrgCrypto, cert: x509.Certificate) -> bool:
    """Whether a CRL of the org's CA kept in paths lists cert: any in its verifying MSP's crls/, as Fabric
    applies every one of them (crl.local_crls)."""
    from . import crl           # network.crl builds on this module, so it is imported when needed

    return crl.lists(crl.local_crls(paths), cert.serial_number) is not None


def issued_certificates(paths: OrgCrypto) -> dict[str, x509.Certificate] | None:
    """The client certificates the org's CA records issuing, by user; None where it keeps no record (a CA made
    before it was kept, until start_issued_record)."""
    if not paths.issued_dir.is_dir():
        return None
    return {path.stem: load_cert(path) for path in sorted(paths.issued_dir.glob("*.pem"))}


def client_certificate(paths: OrgCrypto, user: str) -> x509.Certificate | None:
    """The user's signing certificate: its MSP folder's, else the copy the org's CA kept (its folder removed)."""
    for path in (paths.user_msp(user) / "signcerts" / "cert.pem", paths.issued_cert(user)):
        if path.is_file():
            return load_cert(path)
    return None


def client_users_held(paths: OrgCrypto, admin: str) -> list[str]:
    """The client users the org's folder holds an identity of: a user folder, or the copy of its certificate the
    org's CA kept (the admin left out)."""
    held = {folder.name.removesuffix(f"@{paths.domain}") for folder in (paths.root / "users").glob(f"*@{paths.domain}")}
    return sorted((held | set(issued_certificates(paths) or {})) - {admin})


def attribute_differences(paths: OrgCrypto, users: Iterable[UserSpec], admin: str) -> list[str]:
    """Where the client users here differ from users, one line each: a user held here (client_users_held) that
    users does not name, "<user>: held here, not one of the users given"; a user whose certificate here
    (client_certificate) carries other attributes than users gives it, "<user>: recfin.enterprise X in its
    certificate, Y given". Users without a certificate here are left out: the generator issues theirs from the
    attributes given; it keeps one it issued before, whatever it carries."""
    users = list(users)
    given = {user.name for user in users}
    out = [f"{name}: held here, not one of the users given" for name in client_users_held(paths, admin)
           if name not in given]
    for user in users:
        cert = client_certificate(paths, user.name)
        if cert is None:
            continue
        held = cert_attrs(cert)
        out += [f"{user.name}: {key} {held.get(key, 'absent')} in its certificate, "
                f"{user.attrs.get(key, 'absent')} given"
                for key in sorted(set(held) | set(user.attrs)) if held.get(key) != user.attrs.get(key)]
    return out


# Said wherever a name could be issued again: the client id is made of the subject, so the name decides it.
REVOKED_NAME_RULE = ("A revoked user's name must never be given to a new user: its certificate would have the same "
                     "subject, and so keep the revoked user's client id and party bindings under a serial no CRL "
                     "lists")


def revocations_unaccounted_for(paths: OrgCrypto) -> list[int]:
    """Serials the org's CRL lists that no certificate of its CA here has (the record's copies in ca/issued/
    included), joined with those start_issued_record kept when it started the record: identities revoked and then
    removed on a CA that issued before it kept a record, whose names a record started from the users' folders
    cannot know. [] for a record kept from the CA's start, which holds a copy of every certificate it revoked.

    Worked out from the CRL each time, not only read from the record's file: an earlier version started records
    from the users' folders without writing that file."""
    from . import crl           # network.crl builds on this module, so it is imported when needed

    unaccounted = set(_unaccounted_when_record_started(paths))
    kept = crl.local_crls(paths)
    if kept:
        ca_cert = load_cert(paths.ca_cert)
        held = {cert.serial_number for _, cert in certificates_under(paths.root) if issued_by(cert, ca_cert)}
        unaccounted |= set(crl.revoked_serials(kept)) - held
    return sorted(unaccounted)


def _unaccounted_when_record_started(paths: OrgCrypto) -> list[int]:
    """The serials start_issued_record kept (unaccounted_revocations_file); [] where it kept none."""
    marker = paths.unaccounted_revocations_file
    try:
        return [int(serial, 16) for serial in json.loads(marker.read_text())["serials"]]
    except FileNotFoundError:
        return []
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DamagedFileError(f"{marker} is damaged ({exc}): restore it from a backup, or write the serials "
                               f"of the org's CRL that no certificate here has as "
                               f'{{"serials": ["<hex>", ...]}}') from None


def unaccounted_reason(paths: OrgCrypto, serials: list[int]) -> str:
    shown = first_few([f"{serial:x}" for serial in serials])
    if paths.unaccounted_revocations_file.is_file():
        shown += f"; {paths.unaccounted_revocations_file}"
    return (f"it issued before it kept a record of the identities it issued, and its CRL lists {len(serials)} "
            f"serial(s) no certificate on this host has ({shown}): users revoked and removed, whose names "
            f"cannot be told")


def start_issued_record(paths: OrgCrypto, admin: str, client_users: Iterable[str], *,
                        writes: bool = True) -> dict[str, x509.Certificate]:
    """The CA's record of the client certificates it issued (issued_certificates), started where the CA keeps none
    (it issued before the record was kept) from the users' folders: a copy of each certificate of the org's CA
    there but the admin's. Should the org's CRL list serials no certificate here has, the record keeps them
    (unaccounted_revocations_file): a name it does not know may then be one of those users', and `org user add`
    asks the operator to confirm it never was (--never-issued).

    Refused (LostKeyError, nothing written) while a user in client_users has no certificate here: whether the
    CA issued it one (and the org revoked it, or lost its folder) cannot be told, and a certificate issued again
    would keep its client id and party bindings under a serial no CRL lists.

    writes=False: the record as it would be started, checked and refused alike, with nothing written."""
    kept = issued_certificates(paths)
    if kept is not None:
        return kept
    missing = [u for u in client_users if not (paths.user_msp(u) / "signcerts" / "cert.pem").is_file()]
    if missing:
        org = paths.root.name
        raise LostKeyError(
            f"{', '.join(missing)} of {org} {'has' if len(missing) == 1 else 'have'} no certificate here "
            f"({paths.user_dir(missing[0])}), and {org}'s CA keeps no record of the identities it issued "
            f"({paths.issued_dir} is missing: it issued before the record was kept), so whether it was issued one "
            f"cannot be told: restore the folder from a backup. A user that never had one, or that was revoked, "
            f"take out of the org's users (topology.yaml, or membership.yaml's `users:`), and give people new users "
            f"under new names with `recfin org user add`. {REVOKED_NAME_RULE}. Nothing is issued until then")
    unaccounted = revocations_unaccounted_for(paths)
    ca_cert = load_cert(paths.ca_cert)
    record = {}
    for cert_path in sorted((paths.root / "users").glob(f"*@{paths.domain}/msp/signcerts/cert.pem")):
        user = cert_path.parents[2].name.removesuffix(f"@{paths.domain}")
        cert = load_cert(cert_path)
        if user != admin and issued_by(cert, ca_cert):
            record[user] = cert
    if not writes:
        return record
    staging = paths.issued_dir.with_name(f".issued.{secrets.token_hex(4)}.tmp")
    make_folders(staging, exist_ok=False)
    try:
        if unaccounted:
            _write(staging / paths.unaccounted_revocations_file.name,
                   json.dumps({"serials": [f"{serial:x}" for serial in unaccounted]}, indent=2).encode())
        for user, cert in record.items():
            _write(staging / f"{user}.pem", _pem_cert(cert))
        staging.rename(paths.issued_dir)    # whole or not at all: the record's folder says it is complete
    except OSError:
        if not paths.issued_dir.is_dir():   # else another run started it meanwhile: that one is as good
            raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return issued_certificates(paths) or {}


def issue_user(paths: OrgCrypto, name: str, ou: str, attrs: dict[str, str] | None,
               public_key: ec.EllipticCurvePublicKey | None = None,
               say: Callable[[str], None] = lambda _: None) -> None:
    """One more user of an org whose CA and TLS CA keys are in paths: its signing MSP (OU ou, attributes attrs)
    and TLS client pair, issued as `generate` issues the topology's users, and its certificate copied into the
    CA's record where the CA keeps one (start_issued_record starts it). The caller has checked the name is new
    (no user, folder or record of it). With public_key, the signing
    certificate is for that key (its private half is elsewhere, e.g. in an HSM) and the keystore stays empty;
    the TLS client pair is a file key either way. Never makes a CA: CaFilesError, with nothing written, unless
    both CAs' certificates and keys are here and are the ones in the org's verifying MSP (ca_files_problem);
    a CA made here would be one the channel does not know.

    say: where the lines go that the user's certificate ends sooner than VALIDITY, with its CA's certificate
    (no certificate outlives its CA's), and that the CA's ends within ENDING_NOTICE (as generate says)."""
    issuer = _OrgIssuer(paths, paths.domain, make_cas=False, say=say)
    cert = _user(issuer, name, ou, attrs, public_key)
    if cert is None:
        return
    # issue() cut it to its CA's end; said when that is more than ENDING_NOTICE short of the usual VALIDITY
    # (any user issued after its CA was made is cut a little)
    shortened = cert.not_valid_before_utc + VALIDITY - cert.not_valid_after_utc
    if cert.not_valid_after_utc >= issuer.ca_cert.not_valid_after_utc and shortened > ENDING_NOTICE:
        say(f"  {name}'s certificate ends on {cert.not_valid_after_utc:%Y-%m-%d}, with its CA's "
            f"certificate {paths.ca_cert}, {shortened.days} days sooner than the usual {VALIDITY.days} "
            f"days: no certificate outlives its CA's. Renew the CA's certificate for the same key and "
            f"subject, and update the org's MSP in the channel with it; {name}'s is not renewed with it (a "
            f"name is issued once): once it ends, give the person a new user under another name")


def _chaincode_tls(topology: Topology, org, paths: OrgCrypto, issuer: _OrgIssuer) -> None:
    """The org's chaincode server pair (named as its peers dial it) and its peers' client pair."""
    host = topology.chaincode_server_host(org)
    sans = [host, "localhost", topology.listen_host]
    dialled = topology.chaincode_server_address(org).rsplit(":", 1)[0]
    issuer.tls_pair(paths.chaincode_server_tls(host), host, server=True, sans=sans + [dialled] * (dialled not in sans))
    issuer.tls_pair(paths.chaincode_client_tls(host), peer_client_name(host), server=False, sans=None)
