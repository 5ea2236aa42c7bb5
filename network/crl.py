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
one higher), and it replaces the earlier one wherever it is kept (crls/crl.pem). An MSP folder may hold
more CRLs of the CA beside it (crl_0002.pem, ...: org_definition_file.write_public_msp lays out a
definition or channel that carries several, and keep_channel adds one the channel has): Fabric applies
every CRL of the folder whose AKI is the CA's, so what is revoked here is read from all of them
(local_crls).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from client.atomic_file import make_folders, write_atomically
from client.ledger import revocation

from .crypto import VALIDITY, OrgCrypto, load_cert

CRL_FILE = "crl.pem"

# Matching a CRL to its CA is the MSP's rule, which an auditor's client applies too (client.ledger.revocation).
load, of_ca, lists, _ski = revocation.load, revocation.of_ca, revocation.lists, revocation.ca_ski
# How a refusal names a CRL, which the config policy check in client.ledger.config_policies says too.
without_aki, describe, lacking_aki = revocation.without_aki, revocation.describe, revocation.lacking_aki
number_text = revocation.number_text


def crl_path(paths: OrgCrypto) -> Path:
    """The org's CRL in its verifying MSP (configtx and org definitions read it from there)."""
    return paths.msp_dir / "crls" / CRL_FILE


def number(crl: x509.CertificateRevocationList) -> int:
    """The CRL number, to order the CRLs of a CA: 0 for a CRL without one or whose number cannot be decoded
    (number_text tells them apart). Fabric reads no CRL number; recfin's CRLs carry one in DER."""
    try:
        found = revocation.read_number(crl)
    except ValueError:
        return 0
    return 0 if found is None else found


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


def local_crls(paths: OrgCrypto) -> list[x509.CertificateRevocationList]:
    """Every CRL of the org's CA in its verifying MSP's crls/, in name order: Fabric applies each of them."""
    return kept_crls_in(paths, paths.msp_dir)


def kept_crls_in(paths: OrgCrypto, msp_folder: Path) -> list[x509.CertificateRevocationList]:
    """Every CRL of the org's CA (of_ca) in one MSP folder's crls/, in name order; a file Fabric would not
    take as that CA's CRL revokes none of its identities, and is passed over."""
    return list(_kept_files(paths, msp_folder).values())


def _kept_files(paths: OrgCrypto, msp_folder: Path) -> dict[Path, x509.CertificateRevocationList]:
    """The files of one MSP folder's crls/ holding a CRL of the org's CA, in name order (as Fabric and
    configtxgen read them)."""
    folder = msp_folder / "crls"
    if not folder.is_dir() or not paths.ca_cert.is_file():
        return {}
    ca_cert = load_cert(paths.ca_cert)
    found = {path: of_ca(path.read_bytes(), ca_cert) for path in sorted(folder.iterdir()) if path.is_file()}
    return {path: kept for path, kept in found.items() if kept is not None}


def local_folders(paths: OrgCrypto) -> list[Path]:
    """Every MSP folder of the org under paths.root that keeps its CRL: its peers' and its users' (a local MSP reads
    crls/ when its node or client starts), then its verifying MSP. The verifying MSP comes last: the org's CRL is
    read from there (local), so a write that stops part way leaves it the older one, and the next run finishes."""
    return [*sorted(d for d in paths.root.glob("*/*/msp") if d.is_dir()), paths.msp_dir]


def missing_in(paths: OrgCrypto, msp_folder: Path, channel_crls: Sequence[x509.CertificateRevocationList]
               ) -> dict[Path, x509.CertificateRevocationList]:
    """What to write into one MSP folder of the org, by file, so that its crls/ revokes all that the channel's
    CRLs of the org's CA (channel_crls) revoke: the newest of them as crl.pem where it supersedes the newest
    CRL of the CA there, then each other one that lists a serial none of the folder's CRLs (with that write)
    lists, in a file of its own after the folder's (crl_0002.pem, ..., as write_public_msp names them): no
    revocation of the channel's is left out here. Empty when the folder has them all."""
    channel_newest = newest(channel_crls)
    if channel_newest is None:
        return {}
    crls_dir = msp_folder / "crls"
    kept = _kept_files(paths, msp_folder)
    out = {}
    if supersedes(channel_newest, newest(kept.values())):
        out[crls_dir / CRL_FILE] = kept[crls_dir / CRL_FILE] = channel_newest
    listed = set(revoked_serials(kept.values()))
    taken = {path.name for path in crls_dir.iterdir()} if crls_dir.is_dir() else set()
    place = 2
    for channel_crl in channel_crls:
        serials = set(revoked_serials([channel_crl]))
        if serials <= listed:
            continue
        while (name := f"{Path(CRL_FILE).stem}_{place:04d}{Path(CRL_FILE).suffix}") in taken:
            place += 1
        taken.add(name)
        out[crls_dir / name] = channel_crl
        listed |= serials
    return out


def behind(paths: OrgCrypto, channel_crls: Sequence[x509.CertificateRevocationList]) -> list[Path]:
    """The MSP folders of local_folders missing some of the channel's CRLs of the org's CA (missing_in)."""
    return [folder for folder in local_folders(paths) if missing_in(paths, folder, channel_crls)]


def keep_channel(paths: OrgCrypto, channel_crls: Sequence[x509.CertificateRevocationList],
                 folders: Sequence[Path]) -> list[Path]:
    """The channel's CRLs of the org's CA into these MSP folders of the org (in their order), each folder
    given what it misses of them (missing_in); the files written."""
    written = []
    for folder in folders:
        for target, found in missing_in(paths, folder, channel_crls).items():
            _write_crl(folder, target, pem(found))
            written.append(target)
    return written


def write_local(paths: OrgCrypto, data: bytes, folders: Sequence[Path] | None = None) -> list[Path]:
    """The CRL into these MSP folders of the org (in their order), else into every one under paths.root
    (local_folders, its verifying MSP's last)."""
    written = []
    for folder in local_folders(paths) if folders is None else folders:
        target = folder / "crls" / CRL_FILE
        _write_crl(folder, target, data)
        written.append(target)
    return written


def _write_crl(folder: Path, target: Path, data: bytes) -> None:
    """Written beside crls/, in the MSP folder (the same filesystem), and renamed into it: Fabric's MSP loader
    reads every file of crls/, and would take a half-written temporary file there for a CRL."""
    make_folders(target.parent)
    write_atomically(target, data, staging_dir=folder)
