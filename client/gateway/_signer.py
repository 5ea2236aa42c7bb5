"""Signers: turn a digest into a signature.

A signer is any callable ``(digest: bytes) -> bytes``. The Gateway hashes
each message (see :mod:`client.gateway.hashing`) and passes the digest to the
signer, so an HSM, a KMS or a remote signing service plugs in as a function.
"""

from __future__ import annotations

from typing import Callable

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, utils

Signer = Callable[[bytes], bytes]
"""Digest in, signature out. For ECDSA: a DER-encoded, low-S signature."""

_CURVE_ORDERS = {
    "secp256r1": 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
    "secp384r1": int(
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973", 16
    ),
}


def private_key_signer(key) -> Signer:
    """A signer over an in-process private key.

    ECDSA keys (P-256, P-384) sign the digest as given (pre-hashed) and the
    signature is normalised to low-S, which Fabric requires. Ed25519 keys sign
    the message itself: use them with ``hash=hashing.none``.
    """
    if isinstance(key, ec.EllipticCurvePrivateKey):
        order = _CURVE_ORDERS.get(key.curve.name)
        if order is None:
            raise ValueError(f"unsupported ECDSA curve {key.curve.name}; Fabric uses P-256 or P-384")

        def sign(digest: bytes) -> bytes:
            der = key.sign(digest, _ecdsa_for_length(len(digest)))
            return to_low_s(der, order)

        return sign
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return key.sign
    raise TypeError(f"unsupported private key type {type(key).__name__}")


def signer_from_pem(private_key_pem: bytes | str, password: bytes | None = None) -> Signer:
    """A signer from a PEM private key (PKCS#8 or SEC1)."""
    if isinstance(private_key_pem, str):
        private_key_pem = private_key_pem.encode()
    return private_key_signer(serialization.load_pem_private_key(private_key_pem, password=password))


def to_low_s(der_signature: bytes, curve_order: int) -> bytes:
    """The same ECDSA signature with ``s`` in the lower half of the curve order."""
    r, s = utils.decode_dss_signature(der_signature)
    if s > curve_order // 2:
        s = curve_order - s
    return utils.encode_dss_signature(r, s)


# Prehashed only needs the digest size; any algorithm of that size will do. Built once: three
# signatures per transaction made them anew each time.
_ECDSA_BY_DIGEST_LENGTH = {
    hash_algorithm.digest_size: ec.ECDSA(utils.Prehashed(hash_algorithm))
    for hash_algorithm in (hashes.SHA256(), hashes.SHA384(), hashes.SHA512())
}


def _ecdsa_for_length(length: int) -> ec.ECDSA:
    try:
        return _ECDSA_BY_DIGEST_LENGTH[length]
    except KeyError:
        raise ValueError(f"ECDSA signer got a {length}-byte digest; use a SHA-256 or SHA-384 hash") from None
