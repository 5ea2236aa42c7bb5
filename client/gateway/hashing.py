"""Hash functions for signing: each takes the message and returns its digest.

The Gateway hashes every message it wants signed with the hash chosen at
``connect(hash=...)`` (SHA-256 unless told otherwise) and hands the digest to
the signer. Fabric peers verify every client signature over the SHA-256
digest of the message, whatever the key (P-256, P-384 or Ed25519), because
the channel's MSPs use the SHA2 hash family; keep the default. Use
:func:`sha3_256` only for MSPs set to SHA3, and :func:`none` only for a
signing service that computes the SHA-256 digest itself. :func:`sha384` and
:func:`sha3_384` match the official clients' hash options, but no Fabric MSP
verifies signatures over them: a Gateway given one (or any hash whose digest is not
32 bytes, :func:`none` aside) refuses to sign with it.
"""

from __future__ import annotations

import hashlib
from typing import Callable

__all__ = ["Hash", "sha256", "sha384", "sha3_256", "sha3_384", "none"]

Hash = Callable[[bytes], bytes]
"""A hash: message bytes in, digest bytes out."""


def sha256(message: bytes) -> bytes:
    return hashlib.sha256(message).digest()


def sha384(message: bytes) -> bytes:
    return hashlib.sha384(message).digest()


def sha3_256(message: bytes) -> bytes:
    return hashlib.sha3_256(message).digest()


def sha3_384(message: bytes) -> bytes:
    return hashlib.sha3_384(message).digest()


def none(message: bytes) -> bytes:
    """No hashing: the signer receives the whole message."""
    return bytes(message)
