"""Signers: turn a digest into a signature.

A signer is any callable ``(digest: bytes) -> bytes``. The Gateway hashes
each message (see :mod:`client.gateway.hashing`) and passes the digest to the
signer, so an HSM, a KMS or a remote signing service plugs in as a function.

A Fabric peer checks a client's signature the way its MSP does: it hashes
the signed bytes with SHA-256 (SHA3-256 if the channel's MSPs are set to
SHA3) and verifies the signature over that 32-byte digest, whatever the key
type (msp/identities.go, ``identity.Verify``). So every key, P-256, P-384 or
Ed25519, signs a 32-byte digest.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa, utils, x448, x25519

from ..der import DerError, der_element
from ..pem import PEM_BLOCKS

Signer = Callable[[bytes], bytes]
"""Digest in, signature out, synchronously (in connect_async() too): bytes, bytearray or memoryview. For ECDSA:
DER-encoded, either S form (the Gateway sends the low-S one, without anything after the DER). One whose key is not
in the process is called in a thread of its own and bounded by the timeout of the call its signature is for."""

_CURVE_ORDERS = {
    "secp256r1": 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
    "secp384r1": int(
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973", 16
    ),
}
"""The curves this client signs with, and their orders (for the low-S form)."""

VERIFIED_CURVE_ORDERS = {
    **_CURVE_ORDERS,
    "secp224r1": 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFF16A2E0B8F03E13DD29455C5C2A3D,
    "secp521r1": int("01FF" + "FFFFFFFF" * 7 + "FFFFFFFA51868783BF2F966B7FCC0148F709A5D0"
                     "3BB5C9B8899C47AEBB6FB71E91386409", 16),
}
"""The order of each curve Fabric's bccsp verifies ECDSA signatures on (P-224, P-256, P-384, P-521), for its
low-S rule. Wider than the curves this client signs with: a signature made elsewhere (an org admin's, another
client's endorsement key) may be on any curve a peer or orderer accepts, and a check must not refuse it."""


def private_key_signer(key) -> Signer:
    """A signer over an in-process private key, for the Gateway's default SHA-256 hash.

    ECDSA keys (P-256, P-384) sign the digest as given (pre-hashed) and the
    signature is normalised to low-S, which Fabric requires. Ed25519 keys sign
    the digest as their message, which is what a peer verifies. A digest that
    is not 32 bytes long (SHA-384, or the whole message from ``hashing.none``)
    is refused: no peer would accept the signature.
    """
    if isinstance(key, ec.EllipticCurvePrivateKey):
        order = _CURVE_ORDERS.get(key.curve.name)
        if order is None:
            raise ValueError(_unsupported(unsupported_key(key)))

        def sign(digest: bytes) -> bytes:
            der = key.sign(_checked(digest), _PREHASHED_32)
            return to_low_s(der, order)

        sign.returns_low_s_der = True   # what signs_low_s_der reads
        return _knowing_its_key(sign, key)
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return _knowing_its_key(lambda digest: key.sign(_checked(digest)), key)
    if isinstance(key, (bytes, bytearray, memoryview, str)):   # the key as its file holds it: not shown
        raise TypeError(f"private_key_signer takes a private key loaded with cryptography, not "
                        f"{type(key).__name__}: for a PEM key, give it to signer_from_pem(private_key_pem, password)")
    kind = unsupported_key(key)
    if kind is not None:
        # a private key right enough, of an algorithm Fabric's signing here does not use: a value refused, not a type
        raise ValueError(_unsupported(kind))
    raise TypeError(f"unsupported private key type {type(key).__name__}: {SIGNING_KEYS}")


SIGNING_KEYS = "this client signs with ECDSA keys on P-256 or P-384, or with Ed25519 keys"
"""The keys :func:`private_key_signer` signs with, as its refusals say it."""


def _unsupported(kind: str) -> str:
    return (f"unsupported private key, {kind}: {SIGNING_KEYS}; give one of those (cryptogen and Fabric CA issue "
            "ECDSA P-256 keys)")


def unsupported_key(key) -> str | None:
    """What a cryptography private key this client does not sign with is, for a refusal ("an RSA key of 2048
    bits", "an ECDSA key on curve secp521r1"); None for a key it signs with, and for any other object."""
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return None if key.curve.name in _CURVE_ORDERS else f"an ECDSA key on curve {key.curve.name}"
    if isinstance(key, rsa.RSAPrivateKey):
        return f"an RSA key of {key.key_size} bits"
    if isinstance(key, dsa.DSAPrivateKey):
        return f"a DSA key of {key.key_size} bits"
    kinds = {ed448.Ed448PrivateKey: "an Ed448 key", x25519.X25519PrivateKey: "an X25519 key, which signs nothing",
             x448.X448PrivateKey: "an X448 key, which signs nothing"}
    return next((said for kind, said in kinds.items() if isinstance(key, kind)), None)


def _knowing_its_key(sign: Signer, key) -> Signer:
    """``sign``, marked with the public key it signs for, so that connect() can refuse it beside an identity
    whose certificate holds another key (every peer would answer each request with a bare "access denied")."""
    sign.signing_public_key = key.public_key()
    return sign


def signer_public_key(signer: Signer):
    """The public key a signer made by :func:`private_key_signer` signs for; None for any other signer
    (an HSM's, a remote service's), whose key is not known without asking it to sign."""
    return getattr(signer, "signing_public_key", None)


def signs_low_s_der(signer: Signer, public_key) -> bool:
    """Whether ``signer`` is one :func:`private_key_signer` made over the private key of ``public_key``, an ECDSA
    key: it returns plain DER in the low-S form on that key's curve, which a caller need not parse again."""
    return getattr(signer, "returns_low_s_der", False) is True and signer_public_key(signer) == public_key


class EncryptedKeyError(ValueError):
    """The private key is encrypted and the password was not given (or is wrong). From load_msp_folder,
    ``keystore`` and ``key_files`` (their names) let a caller that cannot pass a password, as the CLI, say what to
    do instead; from signer_from_pem, which reads no folder, they are None and empty."""

    def __init__(self, message: str, *, keystore: Path | None = None, key_files: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.keystore = keystore
        self.key_files = key_files


def is_encrypted_key(pem: bytes) -> bool:
    """Whether a PEM key is password-protected: PKCS#8 ``ENCRYPTED PRIVATE KEY``, or OpenSSL's
    ``Proc-Type: 4,ENCRYPTED`` header on a traditional key."""
    return b"-----BEGIN ENCRYPTED PRIVATE KEY-----" in pem or b"Proc-Type: 4,ENCRYPTED" in pem


def signer_from_pem(private_key_pem: bytes | str, password: bytes | str | None = None) -> Signer:
    """A signer from a PEM private key (PKCS#8 or SEC1); ``password`` (bytes, or text taken as UTF-8, as
    load_msp_folder takes it) decrypts an encrypted one, and a key that is not encrypted is read without it.

    Raises EncryptedKeyError for an encrypted key without its password (or with a wrong one), ValueError for
    text that holds no PEM private key (a path, a certificate), neither showing the key."""
    if isinstance(private_key_pem, str):
        private_key_pem = private_key_pem.encode()
    if not isinstance(private_key_pem, (bytes, bytearray, memoryview)):
        raise TypeError(f"signer_from_pem takes the key file's PEM as bytes or text, not "
                        f"{type(private_key_pem).__name__}: e.g. signer_from_pem(Path(key_file).read_bytes())")
    if isinstance(password, str):
        password = password.encode()
    pem = bytes(private_key_pem)
    keys = sum(b"PRIVATE KEY" in block.group(1) for block in PEM_BLOCKS.finditer(pem))
    if keys > 1:
        # cryptography reads the first and drops the rest unsaid: the certificate's key, if second, would read as
        # lost, as connect() then refuses the first as another certificate's key
        raise ValueError(f"the PEM given holds {keys} private keys, and a signer signs with one: give the text of "
                         "the one key file (keystore/*_sk) whose key the identity's certificate was issued for")
    encrypted = is_encrypted_key(pem)
    try:
        # cryptography refuses a password for a key that has none; load_msp_folder reads such a key without it
        key = serialization.load_pem_private_key(pem, password=password if encrypted else None)
    except UnsupportedAlgorithm as error:
        raise ValueError(f"the private key given is of a kind this client cannot read ({error}): "
                         f"{SIGNING_KEYS}") from None
    except (ValueError, TypeError):
        if encrypted:
            why = "no password was given" if password is None else "the password given is wrong"
            raise EncryptedKeyError(f"the private key given is encrypted and {why}: pass the key's password as "
                                    "signer_from_pem(private_key_pem, password=b\"...\")") from None
        raise ValueError("signer_from_pem got no PEM private key (-----BEGIN PRIVATE KEY----- block): give the "
                         "text of the key file (keystore/*_sk), e.g. signer_from_pem(Path(key_file).read_bytes()), "
                         "not its path nor the certificate") from None
    return private_key_signer(key)


def leading_der_signature(data: bytes) -> tuple[int, int] | None:
    """``(r, s)`` of the DER ECDSA signature ``data`` starts with, read as a Fabric peer reads it; None if none.

    Fabric (bccsp/utils/ecdsa.go) reads a signature with Go's ``asn1.Unmarshal``, which takes the leading DER
    SEQUENCE and ignores the bytes after it, and the elements after ``r`` and ``s`` within it; it then refuses an
    ``r`` or ``s`` that is not positive. A signer padding its DER to a fixed buffer is therefore verified on its
    leading SEQUENCE alone, and so must its low-S check be.
    """
    sequence = _der_element(data, 0, len(data), 0x30)
    if sequence is None:
        return None
    r = _der_element(data, sequence[0], sequence[1], 0x02)
    s = _der_element(data, r[1], sequence[1], 0x02) if r is not None else None
    numbers = [_positive_integer(data[start:end]) for start, end in (r, s)] if s is not None else [None]
    return None if None in numbers else (numbers[0], numbers[1])


def _der_element(data: bytes, start: int, limit: int, tag: int) -> tuple[int, int] | None:
    """Where the content of the DER element tagged ``tag`` at ``start`` begins and ends, within ``limit``; None when
    there is none: another tag, an indefinite or non-minimal length (which DER and Go refuse), or too few bytes."""
    try:
        element = der_element(data, start, limit)
    except DerError:
        return None
    return (element.start, element.end) if element.tag == tag else None


def _positive_integer(content: bytes) -> int | None:
    """A DER INTEGER's positive value; None if it is empty, negative, zero or not minimally encoded."""
    if not content or content[0] & 0x80 or len(content) > 1 and content[0] == 0 and not content[1] & 0x80:
        return None
    return int.from_bytes(content, "big") or None


def to_low_s(der_signature: bytes, curve_order: int) -> bytes:
    """The same ECDSA signature with ``s`` in the lower half of the curve order."""
    return low_s_der(*utils.decode_dss_signature(der_signature), curve_order)


def low_s_der(r: int, s: int, curve_order: int) -> bytes:
    """The DER of the ECDSA signature ``(r, s)`` in its low-S form: ``(r, n - s)`` where ``s`` is above half the
    curve order ``n``, the same signature, as valid, and the only form Fabric takes."""
    return utils.encode_dss_signature(r, min(s, curve_order - s))


# Prehashed only needs the digest size, and every digest a peer verifies is 32 bytes (SHA-256 or
# SHA3-256). Built once: three signatures per transaction made it anew each time.
_PREHASHED_32 = ec.ECDSA(utils.Prehashed(hashes.SHA256()))
_DIGEST_LENGTH = 32


def _checked(digest: bytes) -> bytes:
    if len(digest) != _DIGEST_LENGTH:
        raise ValueError(
            f"signer got a {len(digest)}-byte digest, but Fabric peers verify signatures over the 32-byte "
            "SHA-256 digest of the message whatever the key type; connect with the default hash "
            "(hashing.sha256), or hashing.sha3_256 if the channel's MSPs use SHA3"
        )
    return digest
