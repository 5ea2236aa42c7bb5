"""A CA certificate renewed by hand for its key and subject, as the docs ask when a CA ends, by a tool that sets
only the extensions asked for: how tests make a CA certificate Fabric would not accept."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

from network.crypto import fabric_ski, load_cert, load_key


def renewed_ca_pem(cert_path: Path, key_path: Path, *, ski: bool = True, ca: bool = True,
                   cert_sign: bool = True, valid: tuple[dt.timedelta, dt.timedelta] | None = None) -> bytes:
    """The PEM of the CA certificate at cert_path renewed for the key at key_path and the same subject, with
    basicConstraints CA as ``ca``, keyUsage keyCertSign as ``cert_sign`` and a Subject Key Identifier if ``ski``;
    valid from and to the two offsets from now in ``valid`` (default: from a minute ago for ten years)."""
    old, key = load_cert(cert_path), load_key(key_path)
    now = dt.datetime.now(dt.timezone.utc)
    begins, ends = valid or (-dt.timedelta(minutes=1), dt.timedelta(days=3650))
    builder = (x509.CertificateBuilder().subject_name(old.subject).issuer_name(old.subject)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now + begins).not_valid_after(now + ends)
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False,
                                            key_encipherment=False, data_encipherment=False,
                                            key_agreement=False, key_cert_sign=cert_sign, crl_sign=True,
                                            encipher_only=False, decipher_only=False), critical=True))
    if ski:
        builder = builder.add_extension(x509.SubjectKeyIdentifier(fabric_ski(key.public_key())), critical=False)
    return builder.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)
