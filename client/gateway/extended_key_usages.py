"""Extended key usages (the purposes a certificate's key may serve, by object identifier) spelled for people: as
the names `openssl x509 -addtrust/-addreject` takes, so that a message reads as the command or the certificate
that set them, each with its dotted identifier, and an identifier OpenSSL gives no such name as it is.

The Gateway's TLS roots (OpenSSL trust settings that reject a purpose) and the ledger checks of an MSP's
certificates (a chain Fabric refuses for the usages it lists) both name them so.
"""

from __future__ import annotations

from collections.abc import Iterable

from cryptography.x509.oid import ExtendedKeyUsageOID

PURPOSE_NAMES = {
    ExtendedKeyUsageOID.SERVER_AUTH.dotted_string: "serverAuth",
    ExtendedKeyUsageOID.CLIENT_AUTH.dotted_string: "clientAuth",
    ExtendedKeyUsageOID.CODE_SIGNING.dotted_string: "codeSigning",
    ExtendedKeyUsageOID.EMAIL_PROTECTION.dotted_string: "emailProtection",
    ExtendedKeyUsageOID.TIME_STAMPING.dotted_string: "timeStamping",
    ExtendedKeyUsageOID.OCSP_SIGNING.dotted_string: "OCSPSigning",
    ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE.dotted_string: "anyExtendedKeyUsage",
}
"""OpenSSL's name of each purpose it names, by dotted object identifier."""


def purpose_names(purposes: Iterable[str]) -> str:
    """The purposes (dotted object identifiers) as a comma-separated list: "serverAuth (1.3.6.1.5.5.7.3.1)", an
    identifier OpenSSL names not as it is; "" for none."""
    return ", ".join(f"{PURPOSE_NAMES[p]} ({p})" if p in PURPOSE_NAMES else p for p in purposes)
