"""The client identity string the contract binds to parties: ``x509::<subject DN>::<issuer DN>``."""

from __future__ import annotations

from pathlib import Path

from cryptography import x509

from chaincode.client_ids import x509_client_id


def client_id_of(certificate: bytes | str | Path | x509.Certificate) -> str:
    """Fabric's client identity id of an X.509 certificate (PEM bytes or text, a PEM file path, or a certificate).

    Formed by the very function the chaincode's ``ClientIdentity.id`` uses (DNs as Fabric's Go cid library
    writes them: Go's attribute order, most specific first, ``CN=treasurer,OU=client,O=...``, whatever the
    order inside the certificate), so the value can go into ``register_party(client_ids=[...])``.
    """
    # PEM text, also as read from a file saved with a byte-order mark
    if isinstance(certificate, str) and certificate.lstrip("\ufeff \t\r\n").startswith("-----BEGIN"):
        certificate = certificate.lstrip("\ufeff").encode()
    elif isinstance(certificate, (str, Path)):
        certificate = Path(certificate).read_bytes()
    if isinstance(certificate, bytes):
        certificate = x509.load_pem_x509_certificate(certificate)
    return x509_client_id(certificate)
