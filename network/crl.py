"""Certificate revocation lists as Fabric's MSP reads them: made by an org's CA, matched to that CA.

Fabric refuses a revoked identity through the CRLs of its org's MSP (FabricMSPConfig.revocation_list
in the channel config; the crls/ folder of a local MSP). Validating an identity, the MSP takes the CRL
whose Authority Key Identifier equals the Subject Key Identifier of the CA that issued the certificate;
when that CRL lists the certificate's serial and its signature verifies under that CA's key, the
identity is refused ("The certificate has been revoked", msp/mspimplvalidate.go). A CRL without an
AKI fails the validation of every identity of the MSP, so each CRL made here carries one: the CA's own
SKI (Fabric's SHA-256 form, as crypto.issue puts it in certificates). Fabric reads no date of a CRL:
a revocation takes effect with the config block that carries it.

An org keeps one CRL of its CA: each revocation extends it (every earlier entry kept, its CRL number
one higher), and it replaces the earlier one wherever it is kept.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path

from asn1crypto import core
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from client.atomic_file import make_folders, write_atomically
from client.ledger import revocation

from .crypto import VALIDITY, OrgCrypto, load_cert

CRL_FILE = "crl.pem"

# Matching a CRL to its CA is the MSP's rule, which an auditor's client applies too (client.ledger.revocation).
load, of_ca, lists, _ski = revocation.load, revocation.of_ca, revocation.lists, revocation.ca_ski


def crl_path(paths: OrgCrypto) -> Path:
    """The org's CRL in its verifying MSP (configtx and org definitions read it from there)."""
    return paths.msp_dir / "crls" / CRL_FILE


def without_aki(revocation_list: Sequence[bytes]) -> tuple[int, x509.CertificateRevocationList] | None:
    """The first CRL of an MSP's revocation list from which Fabric obtains no Authority Key Identifier (none, or one
    Go cannot decode: revocation.fabric_key_identifier), with its place (from 1); None when every CRL has one.
    Fabric's MSP reads the list without looking inside (setupCRLs only parses each CRL), then, validating any
    identity of the MSP, walks it and fails the identity at such a CRL ("could not obtain Authority Key Identifier
    for crl", msp/mspimplvalidate.go): with one in its list, the MSP validates none of its identities, its admins'
    included. A CRL that cannot be read at all is passed over, as revocation.refusing passes it."""
    for place, data in enumerate(revocation_list, start=1):
        found = load(data)
        if found is not None and not revocation.has_authority_key_id(found):
            return place, found
    return None


def describe(place: int, of: int, found: x509.CertificateRevocationList, msp_id: str,
             where: str = "in the channel config") -> str:
    """A CRL of an MSP's revocation list as a refusal names it: "CRL 1 of 2 in BankMSP's MSP in the channel config
    (issuer ..., CRL number 3)"."""
    return (f"CRL {place} of {of} in {msp_id}'s MSP {where} (issuer {found.issuer.rfc4514_string()}, "
            f"{number_text(found)})")


def lacking_aki(place: int, of: int, found: x509.CertificateRevocationList, msp_id: str,
                where: str = "in the channel config") -> str:
    """A CRL Fabric obtains no Authority Key Identifier from, named as describe() names it, and why: "CRL 1 of 1 in
    BankMSP's MSP in the channel config (issuer ..., CRL number 3) has no Authority Key Identifier"."""
    return f"{describe(place, of, found, msp_id, where)} {revocation.aki_problem(found)}"


def _read_number(crl: x509.CertificateRevocationList) -> int | None:
    """The CRL number, None when the CRL has none; ValueError when it cannot be decoded. Read on its own: decoding
    every extension (crl.extensions) fails at any one that is not DER, an AKI Fabric reads included. A number in BER
    that is not DER (a long-form length) is read: it says the number as well."""
    value = revocation.extension_value(crl, revocation.CRL_NUMBER)
    return None if value is None else core.Integer.load(value, strict=True).native


def number(crl: x509.CertificateRevocationList) -> int:
    """The CRL number, to order the CRLs of a CA: 0 for a CRL without one or whose number cannot be decoded
    (number_text tells them apart). Fabric reads no CRL number; recfin's CRLs carry one in DER."""
    try:
        found = _read_number(crl)
    except ValueError:
        return 0
    return 0 if found is None else found


def number_text(crl: x509.CertificateRevocationList) -> str:
    """The CRL number as a message names it: "CRL number 3", "no CRL number", or "CRL number unreadable (why)"."""
    try:
        found = _read_number(crl)
    except ValueError as problem:
        return f"CRL number unreadable ({str(problem).splitlines()[0]})"
    return "no CRL number" if found is None else f"CRL number {found}"


def revoked_serials(crls: Iterable[x509.CertificateRevocationList]) -> dict[int, dt.datetime]:
    """Every serial the CRLs list, with the earliest revocation date given for it."""
    out: dict[int, dt.datetime] = {}
    for crl in crls:
        for entry in crl:
            when = entry.revocation_date_utc
            out[entry.serial_number] = min(when, out.get(entry.serial_number, when))
    return out


def build(ca_key: ec.EllipticCurvePrivateKey, ca_cert: x509.Certificate, revoked: dict[int, dt.datetime],
          crl_number: int) -> x509.CertificateRevocationList:
    """A CRL of ca_cert listing these serials, signed by its key."""
    now = dt.datetime.now(dt.timezone.utc)
    builder = (x509.CertificateRevocationListBuilder()
               .issuer_name(ca_cert.subject)
               .last_update(now)
               # Fabric reads no date of a CRL; the next update is given because X.509 asks for one
               .next_update(now + VALIDITY)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(_ski(ca_cert)),
                              critical=False)
               .add_extension(x509.CRLNumber(crl_number), critical=False))
    for serial, when in sorted(revoked.items()):
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(when).build())
    return builder.sign(ca_key, hashes.SHA256())


def extended(ca_key: ec.EllipticCurvePrivateKey, ca_cert: x509.Certificate,
             earlier: list[x509.CertificateRevocationList], serial: int) -> x509.CertificateRevocationList:
    """The CA's next CRL: every serial of the earlier ones and this one, numbered past the highest of them."""
    revoked = revoked_serials(earlier)
    revoked.setdefault(serial, dt.datetime.now(dt.timezone.utc))
    return build(ca_key, ca_cert, revoked, max((number(c) for c in earlier), default=0) + 1)


def newest(crls: Iterable[x509.CertificateRevocationList]) -> x509.CertificateRevocationList | None:
    """The CRL with the highest CRL number."""
    return max(crls, key=number, default=None)


def supersedes(candidate: x509.CertificateRevocationList, kept: x509.CertificateRevocationList | None) -> bool:
    """Whether candidate (the channel's) replaces the CRL kept locally: none kept, candidate numbered higher, or
    numbered the same with other contents (the channel's is the one Fabric enforces)."""
    if kept is None or number(candidate) > number(kept):
        return True
    return number(candidate) == number(kept) and pem(candidate) != pem(kept)


def pem(crl: x509.CertificateRevocationList) -> bytes:
    return crl.public_bytes(serialization.Encoding.PEM)


def local(paths: OrgCrypto) -> x509.CertificateRevocationList | None:
    """The org's CRL in its verifying MSP, when its CA (whose certificate is beside it) signed it."""
    return kept_in(paths, paths.msp_dir)


def kept_in(paths: OrgCrypto, msp_folder: Path) -> x509.CertificateRevocationList | None:
    """The CRL in one MSP folder of the org, when its CA (whose certificate is in paths) signed it."""
    path = msp_folder / "crls" / CRL_FILE
    if not path.is_file() or not paths.ca_cert.is_file():
        return None
    return of_ca(path.read_bytes(), load_cert(paths.ca_cert))


def local_folders(paths: OrgCrypto) -> list[Path]:
    """Every MSP folder of the org under paths.root that keeps its CRL: its peers' and its users' (a local MSP reads
    crls/ when its node or client starts), then its verifying MSP. The verifying MSP comes last: the org's CRL is
    read from there (local), so a write that stops part way leaves it the older one, and the next run finishes."""
    return [*sorted(d for d in paths.root.glob("*/*/msp") if d.is_dir()), paths.msp_dir]


def behind(paths: OrgCrypto, candidate: x509.CertificateRevocationList) -> list[Path]:
    """The MSP folders of local_folders whose CRL candidate supersedes (missing, older, or other)."""
    return [folder for folder in local_folders(paths) if supersedes(candidate, kept_in(paths, folder))]


def write_local(paths: OrgCrypto, data: bytes, folders: Sequence[Path] | None = None) -> list[Path]:
    """The CRL into these MSP folders of the org (in their order), else into every one under paths.root
    (local_folders, its verifying MSP's last).

    Each is written beside crls/, in the MSP folder (the same filesystem), and renamed into it: Fabric's MSP
    loader reads every file of crls/, and would take a half-written temporary file there for a CRL."""
    written = []
    for folder in local_folders(paths) if folders is None else folders:
        target = folder / "crls" / CRL_FILE
        make_folders(target.parent)
        write_atomically(target, data, staging_dir=folder)
        written.append(target)
    return written
