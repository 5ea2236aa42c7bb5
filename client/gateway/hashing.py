"""Hash functions for signing: each takes the message and returns its digest.

The Gateway hashes every message it wants signed with the hash chosen at
``connect(hash=...)`` (SHA-256 unless told otherwise) and hands the digest to
the signer. Choose the hash your signer expects: SHA-256 for ECDSA P-256 keys,
SHA-384 for P-384 keys, :func:`none` for signers that hash themselves
(Ed25519, some HSM or remote signing services).
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
