"""Who is transacting: an MSP ID and an X.509 certificate, and where to load them from."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from fabric_protos.msp import identities_pb2

from ._signer import Signer, private_key_signer


@dataclass(frozen=True)
class Identity:
    """A client identity: the MSP ID of its organisation and its PEM certificate.

    The identity is not secret; it travels in every request as the
    ``creator``. Pair it with a :data:`Signer` holding the matching private key.
    """

    msp_id: str
    credentials: bytes

    def __post_init__(self) -> None:
        if not self.msp_id:
            raise ValueError("an identity needs an MSP ID")
        x509.load_pem_x509_certificate(self.credentials)  # fail early on a bad certificate

    @classmethod
    def from_pem(cls, msp_id: str, certificate_pem: bytes | str) -> "Identity":
        """An identity from a PEM certificate given as text or bytes."""
        if isinstance(certificate_pem, str):
            certificate_pem = certificate_pem.encode()
        return cls(msp_id, certificate_pem)

    @classmethod
    def from_certificate_file(cls, msp_id: str, path: str | Path) -> "Identity":
        return cls(msp_id, Path(path).read_bytes())

    @property
    def certificate(self) -> x509.Certificate:
        return x509.load_pem_x509_certificate(self.credentials)

    def serialize(self) -> bytes:
        """The ``msp.SerializedIdentity`` bytes Fabric expects as creator."""
        return identities_pb2.SerializedIdentity(mspid=self.msp_id, id_bytes=self.credentials).SerializeToString()


def load_msp_folder(path: str | Path, msp_id: str, password: bytes | str | None = None) -> tuple[Identity, Signer]:
    """Identity and signer from a Fabric MSP folder (as cryptogen or fabric-ca write it).

    Reads the certificate from ``signcerts/*.pem`` and the private key from
    ``keystore/`` (``*_sk`` or ``*.pem``). When the keystore holds several
    keys, the one whose public key matches the certificate is used. ``password``
    (bytes, or text taken as UTF-8) decrypts an encrypted key; without it, or with a
    wrong one, the ValueError says so. A key that is not encrypted is read without it.
    """
    if isinstance(password, str):
        password = password.encode()
    folder = Path(path)
    identity, cert_file = msp_folder_identity(folder, msp_id)
    wanted = _public_bytes(identity.certificate.public_key())

    keystore = folder / "keystore"
    candidates = sorted({*keystore.glob("*_sk"), *keystore.glob("*.pem")})
    if not candidates:
        raise ValueError(f"no private key in {keystore} (expected *_sk or *.pem): restore it, or run "
                         "`recfin hsm link` if the key is in an HSM")
    locked = []  # encrypted keys that the password given (or its absence) did not open
    for candidate in candidates:
        pem = candidate.read_bytes()
        encrypted = _is_encrypted(pem)
        try:
            # cryptography refuses a password for a key that has none; the folder may mix both kinds.
            key = serialization.load_pem_private_key(pem, password=password if encrypted else None)
        except (ValueError, TypeError):
            if encrypted:
                locked.append(candidate.name)
            continue
        if _public_bytes(key.public_key()) == wanted:
            return identity, private_key_signer(key)
    if locked:
        why = "no password was given" if password is None else "the password given is wrong"
        raise ValueError(f"the private key in {keystore} ({', '.join(locked)}) is encrypted and {why}: "
                         "pass the key's password as load_msp_folder(..., password=b\"...\")")
    raise ValueError(f"no private key in {keystore} matches the certificate {cert_file.name}")


def _is_encrypted(pem: bytes) -> bool:
    """Whether a PEM key is password-protected: PKCS#8 ``ENCRYPTED PRIVATE KEY``, or OpenSSL's
    ``Proc-Type: 4,ENCRYPTED`` header on a traditional key."""
    return b"-----BEGIN ENCRYPTED PRIVATE KEY-----" in pem or b"Proc-Type: 4,ENCRYPTED" in pem


def msp_folder_identity(folder: Path, msp_id: str) -> tuple[Identity, Path]:
    """The identity of an MSP folder's one certificate (``signcerts/*.pem``), and that file."""
    certs = sorted((folder / "signcerts").glob("*.pem"))
    if not certs:
        raise ValueError(f"no certificate in {folder / 'signcerts'} (expected *.pem)")
    if len(certs) > 1:
        raise ValueError(f"more than one certificate in {folder / 'signcerts'}: {[c.name for c in certs]}")
    return Identity(msp_id, certs[0].read_bytes()), certs[0]


def _public_bytes(public_key) -> bytes:
    return public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
