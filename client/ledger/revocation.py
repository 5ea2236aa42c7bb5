"""Certificate revocation lists as Fabric's MSP reads them: each matched to the CA that issued it.

Validating an identity, Fabric's MSP takes the CRL whose Authority Key Identifier equals the Subject Key
Identifier of the CA that issued the certificate; when that CRL lists the certificate's serial and its
signature verifies under that CA's key, the identity is refused (msp/mspimplvalidate.go). A CRL signed by
another key revokes nothing here. A CRL without an AKI matches no CA either, but the MSP, walking its CRLs,
fails the identity when it reaches one ("could not obtain Authority Key Identifier for crl"): one such CRL
in an MSP's list fails every identity of that MSP (`has_authority_key_id` finds it).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

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
    return None if crl is None else _as_cas(crl, ca_cert)


def _as_cas(crl: x509.CertificateRevocationList, ca_cert: x509.Certificate) -> x509.CertificateRevocationList | None:
    """crl if it is ca_cert's as Fabric matches them (of_ca), else None."""
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


def refusing(crls: Sequence[bytes], ca_cert: x509.Certificate,
             serial: int) -> tuple[int, x509.CertificateRevocationList, bool] | None:
    """The CRL of an MSP's revocation list (``crls``, in its order) at which Fabric's MSP refuses the certificate
    of ``serial`` issued by ``ca_cert``, walking the list as validateCertAgainstChain does: (its place, from 1, the
    CRL, True when it revokes the serial or False when it has no readable AKI, which fails every identity of the
    MSP); None when the walk ends without a refusal. A CRL that cannot be read at all is passed over."""
    for place, data in enumerate(crls, start=1):
        crl = load(data)
        if crl is None:
            continue
        if not has_authority_key_id(crl):
            return place, crl, False
        ours = _as_cas(crl, ca_cert)
        if ours is not None and ours.get_revoked_certificate_by_serial_number(serial) is not None:
            return place, ours, True
    return None
