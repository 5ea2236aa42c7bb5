"""Certificate revocation lists as Fabric's MSP reads them: each matched to the CA that issued it.

Validating an identity, Fabric's MSP takes the CRL whose Authority Key Identifier equals the Subject Key
Identifier of the CA that issued the certificate; when that CRL lists the certificate's serial and its
signature verifies under that CA's key, the identity is refused (msp/mspimplvalidate.go). A CRL signed by
another key revokes nothing here. A CRL without an AKI matches no CA either, but the MSP, walking its CRLs,
fails the identity when it reaches one ("could not obtain Authority Key Identifier for crl"): one such CRL
in an MSP's list fails every identity of that MSP (`has_authority_key_id` finds it).
"""
from __future__ import annotations

from collections.abc import Iterable

from cryptography import x509


def load(data: bytes) -> x509.CertificateRevocationList | None:
    """A CRL in PEM or DER (Fabric reads both), None for anything else."""
    for loader in (x509.load_pem_x509_crl, x509.load_der_x509_crl):
        try:
            return loader(data)
        except ValueError:
            continue
    return None


def ca_ski(ca_cert: x509.Certificate) -> x509.SubjectKeyIdentifier:
    return ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value


def has_authority_key_id(crl: x509.CertificateRevocationList) -> bool:
    """Whether crl carries an Authority Key Identifier extension, which Fabric's MSP needs of every CRL it holds.
    One without a key identifier in it counts as carrying one: the MSP reads an empty AKI, which matches no CA."""
    try:
        crl.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier)
    except (x509.ExtensionNotFound, ValueError):     # ValueError: an extension that is not valid DER, which
        return False                                   # Fabric cannot read an AKI from either
    return True


def of_ca(data: bytes, ca_cert: x509.Certificate) -> x509.CertificateRevocationList | None:
    """The CRL in data if Fabric would take it as ca_cert's: its AKI is the CA's SKI and the CA's key signed it."""
    crl = load(data)
    if crl is None:
        return None
    try:
        aki = crl.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value.key_identifier
        ski = ca_ski(ca_cert).digest
    except (x509.ExtensionNotFound, ValueError):
        return None
    if aki != ski or not crl.is_signature_valid(ca_cert.public_key()):
        return None
    return crl


def lists(crls: Iterable[x509.CertificateRevocationList], serial: int) -> x509.CertificateRevocationList | None:
    """The first of the CRLs that lists serial."""
    return next((c for c in crls if c.get_revoked_certificate_by_serial_number(serial) is not None), None)
