"""The client identity string the contract binds to parties: ``x509::<subject DN>::<issuer DN>``."""

from __future__ import annotations

from pathlib import Path

from cryptography import x509


def client_id_of(certificate: bytes | str | Path | x509.Certificate) -> str:
    """Fabric's client identity id of an X.509 certificate (PEM bytes, a PEM file path, or a certificate).

    DNs are in RFC 4514 form, most specific first (``CN=treasurer,OU=client,O=...``),
    exactly as the chaincode's ``ClientIdentity.id`` spells them, so the value can
    go into ``register_party(client_ids=[...])``.
    """
    if isinstance(certificate, (str, Path)):
        certificate = Path(certificate).read_bytes()
    if isinstance(certificate, bytes):
        certificate = x509.load_pem_x509_certificate(certificate)
    return f"x509::{certificate.subject.rfc4514_string()}::{certificate.issuer.rfc4514_string()}"
