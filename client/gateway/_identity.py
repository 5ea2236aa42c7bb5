"""Who is transacting: an MSP ID and an X.509 certificate, and where to load them from."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from fabric_protos.msp import identities_pb2

from ..pem import CERTIFICATE_LABELS, PADDING, PEM_BLOCKS, UTF8_BOM
from ._signer import SIGNING_KEYS, EncryptedKeyError, Signer, is_encrypted_key, private_key_signer, unsupported_key


@dataclass(frozen=True)
class Identity:
    """A client identity: the MSP ID of its organisation and its PEM certificate.

    The identity is not secret; it travels in every request as the
    ``creator``. Pair it with a :data:`Signer` holding the matching private key.
    """

    msp_id: str
    credentials: bytes

    def __post_init__(self) -> None:
        # an MSP ID of another type (a YAML value such as 1234, read as a number) would fail only at the first
        # request, on protobuf's "bad argument type for built-in operation"; bytes are taken, as protobuf takes them
        if not isinstance(self.msp_id, (str, bytes)):
            raise TypeError(f"an identity's MSP ID must be a str, e.g. 'Org1MSP', not {type(self.msp_id).__name__} "
                            f"{self.msp_id!r}: quote it where it is written (YAML reads 1234 as a number)")
        if not self.msp_id:
            raise ValueError("an identity needs an MSP ID: give its org's, e.g. 'Org1MSP' (the org's mspid in the "
                             "connection profile)")
        # kept as bytes, the form they are sent in: a certificate file read as text is as good as one read as bytes
        object.__setattr__(self, "credentials", _pem_bytes(self.credentials))
        _refuse_all_but_certificates(self.credentials, "the PEM given as the identity's credentials")

    @classmethod
    def from_pem(cls, msp_id: str, certificate_pem: bytes | str) -> "Identity":
        """An identity from a PEM certificate given as text or bytes."""
        if isinstance(certificate_pem, str):
            certificate_pem = certificate_pem.encode()
        return cls(msp_id, certificate_pem)

    @classmethod
    def from_certificate_file(cls, msp_id: str, path: str | Path) -> "Identity":
        return cls(msp_id, _certificate_file_bytes(Path(path)))

    @property
    def certificate(self) -> x509.Certificate:
        return x509.load_pem_x509_certificate(self.credentials)

    def serialize(self) -> bytes:
        """The ``msp.SerializedIdentity`` bytes Fabric expects as creator."""
        return identities_pb2.SerializedIdentity(mspid=self.msp_id, id_bytes=self.credentials).SerializeToString()


EXPIRY_CLOCK_ALLOWANCE = timedelta(minutes=5)
"""How far past its certificate's end, by this machine's clock, an identity is still signed with: peers refuse an
expired creator by their own clocks, with no allowance, so a clock here a few minutes ahead of theirs would refuse
requests they still take (the last minutes of a claim's maturity day, say). Within it a request goes out and the
peers decide; past it, every peer whose clock is within the same minutes of this one refuses it."""


def expired_certificate(identity: Identity, now: datetime) -> str | None:
    """Why every peer refuses ``identity`` at ``now``, if its certificate's end has passed by then by more than
    ``EXPIRY_CLOCK_ALLOWANCE``, else None: Fabric's endorsers refuse a creator whose certificate's end has passed
    by their clock ("proposal client identity expired", or a bare "access denied"). Its start is not checked, as
    peers check none."""
    certificate = identity.certificate
    expired_on = certificate.not_valid_after_utc
    if now <= expired_on + EXPIRY_CLOCK_ALLOWANCE:
        return None
    return (f"the identity's certificate ({certificate.subject.rfc4514_string()}, MSP {identity.msp_id}) expired on "
            f"{expired_on.isoformat()} ({now.isoformat(timespec='seconds')} by this machine's clock), and every peer "
            "refuses the requests of an expired identity: renew it with its CA (same subject and key, as "
            "fabric-ca's reenroll does) and connect with the new certificate")


def _pem_bytes(credentials) -> bytes:
    """The credentials given to Identity as bytes: PEM bytes (or bytearray, memoryview) as they are, PEM text as its
    UTF-8; a TypeError naming what to give for anything else, a path above all, which is no PEM."""
    if isinstance(credentials, (bytes, bytearray, memoryview)):
        return bytes(credentials)
    if isinstance(credentials, str) and "-----BEGIN" in credentials:
        return credentials.encode("utf-8")
    shown = os.fspath(credentials) if isinstance(credentials, os.PathLike) else credentials
    # text of several lines is no path but PEM without its BEGIN line (a key's body, maybe): not shown
    shown = "of several lines" if isinstance(shown, str) and "\n" in shown else f"{shown!r:.80}"
    raise TypeError(f"an identity's credentials are its certificate's PEM (bytes, or text holding its -----BEGIN "
                    f"CERTIFICATE----- line), not {type(credentials).__name__} {shown}: for a certificate file, "
                    "use Identity.from_certificate_file(msp_id, path)")


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
    wanted = public_key_bytes(identity.certificate.public_key())

    keystore = folder / "keystore"
    candidates = _entries(keystore, ("_sk", ".pem"))
    if not candidates:
        raise ValueError(f"no private key in {keystore} (expected *_sk or *.pem): restore it, or run "
                         "`recfin hsm link` if the key is in an HSM")
    locked = []  # encrypted keys that the password given (or its absence) did not open
    unreadable = []  # files that are no PEM private key at all
    read_keys = []  # (file name, public key DER) of each key read that is not the certificate's
    for candidate in candidates:
        pem = _file_bytes(candidate, "a private key")
        encrypted = is_encrypted_key(pem)
        try:
            # cryptography refuses a password for a key that has none; the folder may mix both kinds.
            key = serialization.load_pem_private_key(pem, password=password if encrypted else None)
        except UnsupportedAlgorithm:
            # a key on a curve cryptography has no support for (a leftover SM2 key): not the certificate's,
            # whose key it could then not have read either; the keys after it are still tried
            unreadable.append(candidate.name)
            continue
        except (ValueError, TypeError):
            (locked if encrypted else unreadable).append(candidate.name)
            continue
        if public_key_bytes(key.public_key()) == wanted:
            return identity, _signer_of_key_file(key, candidate, cert_file)
        read_keys.append((candidate.name, public_key_bytes(key.public_key())))
    for name, key_der in read_keys:
        misplaced = signcert_out_of_order(identity, cert_file, f"{name} in {keystore}", same_public_key(key_der))
        if misplaced is not None:
            raise ValueError(misplaced)
    if locked:
        why = "no password was given" if password is None else "the password given is wrong"
        raise EncryptedKeyError(f"the private key in {keystore} ({', '.join(locked)}) is encrypted and {why}: "
                                "pass the key's password as load_msp_folder(..., password=b\"...\")",
                                keystore=keystore, key_files=tuple(locked))
    if unreadable:
        raise ValueError(f"no private key in {keystore} matches the certificate {cert_file.name}: "
                         f"{', '.join(unreadable)} cannot be read as a PEM private key (damaged, another "
                         "kind of file, or a key of a kind no Fabric MSP signs with, as an SM2 key): restore "
                         "the key from a backup, or run `recfin hsm link` if the key is in an HSM")
    others = "is another certificate's key" if len(candidates) == 1 else "are other certificates' keys"
    raise ValueError(f"no private key in {keystore} matches the certificate {cert_file.name}: "
                     f"{_few_names([candidate.name for candidate in candidates])} there {others}. Put the key "
                     f"{cert_file.name} was issued for in keystore/, or run `recfin hsm link` if the key is in an HSM. "
                     "If it is lost, this "
                     "identity cannot sign again: recfin issues a name one certificate only, so revoke it "
                     "(`recfin org user revoke ORG USER`) and issue the person a new user under another name "
                     "(`recfin org user add ORG NAME`)")


def _few_names(names: list[str], shown: int = 3) -> str:
    """A list of file names as an error gives it: the first ``shown``, then how many more there are."""
    if len(names) <= shown:
        return ", ".join(names)
    return f"{', '.join(names[:shown])} and {len(names) - shown} more"


def _signer_of_key_file(key, key_file: Path, cert_file: Path) -> Signer:
    """The signer over the certificate's key, or a ValueError naming the key file when it is of a kind this
    client does not sign with (an RSA key, an ECDSA key on a curve other than P-256 or P-384)."""
    kind = unsupported_key(key)
    if kind is None:
        return private_key_signer(key)
    raise ValueError(f"cannot sign with {key_file}, the key of the certificate {cert_file.name}: unsupported private "
                     f"key, {kind}: {SIGNING_KEYS}; issue the user a certificate for an ECDSA P-256 key (as "
                     "cryptogen and fabric-ca do by default), and put that key in keystore/")


def _entries(folder: Path, endings: tuple[str, ...]) -> list[Path]:
    """The entries of ``folder`` whose names end with one of ``endings``, sorted; none for a folder that does not
    exist. Listed with ``os.scandir``, not ``Path.glob``: glob takes a folder it may not read for an empty one, so
    a keystore of mode 000 was reported as holding no key, with the advice to restore it."""
    try:
        with os.scandir(folder) as listed:
            return sorted(folder / entry.name for entry in listed if entry.name.endswith(endings))
    except (FileNotFoundError, NotADirectoryError):
        return []
    except OSError as exc:
        raise ValueError(f"cannot read {folder}: {exc.strerror or exc}: give the user running this read access to "
                         "it") from None


def _file_bytes(path: Path, what: str) -> bytes:
    """The bytes of a file of the MSP folder, or a ValueError naming it: a folder in its place, or one not readable."""
    try:
        return path.read_bytes()
    except IsADirectoryError:
        raise ValueError(f"cannot read {path}: it is a folder, not a file holding {what}") from None
    except OSError as exc:
        raise ValueError(f"cannot read {path}: {exc.strerror or exc}") from None


def msp_folder_identity(folder: Path, msp_id: str) -> tuple[Identity, Path]:
    """The identity of an MSP folder's one certificate (``signcerts/*.pem``), and that file."""
    certs = _entries(folder / "signcerts", (".pem",))
    if not certs:
        raise ValueError(_no_certificate(folder))
    if len(certs) > 1:
        raise ValueError(f"more than one certificate in {folder / 'signcerts'}: {[c.name for c in certs]}: "
                         "keep only the certificate of the identity to sign as there (move the others out of "
                         "the folder)")
    credentials = _file_bytes(certs[0], "a certificate")   # a folder named cert.pem is named as one
    _refuse_all_but_certificates(credentials, str(certs[0]))
    return Identity(msp_id, credentials), certs[0]


def _no_certificate(folder: Path) -> str:
    """Why ``folder`` gives no certificate, and what to do: a path mistyped, the user's folder given for its MSP
    folder, a certificate not named *.pem, or none there at all."""
    if not folder.is_dir():
        found = "is a file, not a folder" if folder.exists() else "does not exist"
        return f"{folder} {found}: give the identity's MSP folder, the one holding signcerts/ and keystore/"
    signcerts, inner = folder / "signcerts", folder / "msp"
    what = f"no certificate in {signcerts} (expected *.pem)"
    # cryptogen and fabric-ca lay a user out as USER/msp (and USER/tls): the user's folder given for its MSP's
    if (inner / "signcerts").is_dir():
        return f"{what}: {folder} is the user's folder, not its MSP folder; give {inner}"
    others = [entry.name for entry in _entries(signcerts, ("",))]
    if others:
        return (f"{what}: it holds {_few_names(others)}, not named *.pem: rename the identity's PEM certificate to "
                "end in .pem")
    return (f"{what}: put there the certificate its org's CA issued for the identity's key, or give the MSP "
            "folder that holds it (`recfin org user add ORG NAME` writes a user's MSP folder whole, its "
            "certificate with it)")


def _certificate_file_bytes(path: Path) -> bytes:
    """The bytes of a certificate file, refused (naming the file) when they hold more than certificates."""
    credentials = path.read_bytes()
    _refuse_all_but_certificates(credentials, str(path))
    return credentials


def _refuse_all_but_certificates(credentials: bytes, where: str) -> None:
    """Refuse credentials holding no PEM block, a PEM block other than CERTIFICATE, text outside the blocks,
    or a first certificate that does not parse, naming ``where`` they come from.

    The bytes are sent whole, as they are (never re-encoded: an identity bound on the ledger is those bytes), as
    the creator of every proposal and transaction, so they are in every block on every peer. A peer's MSP reads
    only the first block, so a private key after the certificate (``openssl pkcs12 -nodes`` writes both in one
    file) would be published without anything failing. Nothing of what is refused is shown: it may be secret.
    """
    labels = [match.group(1).decode("ascii", "replace") for match in PEM_BLOCKS.finditer(credentials)]
    if not labels:  # an empty or DER file: cryptography's error would name neither the file nor a remedy
        raise ValueError(f"{where} holds no PEM certificate (no -----BEGIN CERTIFICATE----- block): give the "
                         "identity's certificate in PEM (`openssl x509 -inform der -in FILE -out FILE.pem` "
                         "writes a DER one so)")
    others = [label for label in labels if label not in CERTIFICATE_LABELS]
    if any("PRIVATE KEY" in label for label in others):
        if others == labels:   # the key copied in the certificate's place
            raise ValueError(f"{where} holds a private key and no certificate: keep the key in keystore/ and the "
                             "certificate issued for it alone in signcerts/")
        raise ValueError(f"{where} holds a private key besides the certificate, and an identity's bytes go whole "
                         "into every transaction it sends: keep the key in keystore/ and the certificate alone in "
                         "signcerts/")
    if others:
        raise ValueError(f"{where} holds a PEM block that is not a certificate ({', '.join(map(repr, others))[:80]}), "
                         "and an identity's bytes go whole into every transaction it sends: keep only its "
                         "CERTIFICATE block(s)")
    # the peer's PEM reading (Go's pem.Decode) finds a block only at the start or after a newline
    if credentials.startswith(UTF8_BOM):
        raise ValueError(f"{where} begins with a UTF-8 byte order mark, before which a peer finds no certificate: "
                         "save the file without it (as plain UTF-8 or ASCII)")
    # NULs or Ctrl-Z after the blocks (editors and copies leave them) hide nothing, and the peer passes over them
    if PEM_BLOCKS.sub(b"", credentials).strip(PADDING):
        raise ValueError(f"{where} holds text outside its PEM blocks (as openssl's 'Bag Attributes' or "
                         "'subject=' lines), and an identity's bytes go whole into every transaction it sends: "
                         "keep only its -----BEGIN CERTIFICATE----- block(s)")
    try:
        x509.load_pem_x509_certificate(credentials)  # the first block: the one a peer's MSP reads
    except ValueError as error:
        raise ValueError(f"{where} holds a certificate that does not parse ({error}): it is damaged or cut "
                         "short; restore the identity's certificate from a backup, or from its CA") from None


def public_key_bytes(public_key) -> bytes:
    """A public key's DER SubjectPublicKeyInfo: the bytes a key and a certificate's key are compared by."""
    return public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def same_public_key(key_der: bytes) -> Callable[[object], bool]:
    """Whether a public key is the one whose DER SubjectPublicKeyInfo is ``key_der``: a test for
    :func:`later_certificate_of` where the key is known."""
    return lambda public_key: public_key_bytes(public_key) == key_der


def later_certificate_of(identity: Identity, holds_key: Callable[[object], bool]) -> tuple[int, int, str] | None:
    """Where a certificate after the first of ``identity``'s PEM, not a CA's, holds the key ``holds_key`` tells
    (given a public key): its 1-based position, how many the PEM holds and its subject; None where none does, or one
    does not parse (the first parsed already: a peer reads no other)."""
    try:
        certificates = x509.load_pem_x509_certificates(identity.credentials)
    except ValueError:
        return None
    for position, later in enumerate(certificates[1:], start=2):
        # a CA's certificate is never an identity's: its key in the signer's place is a wrong key, not the identity's
        # own certificate put after another, and putting it first would make a CA the identity
        if holds_key(later.public_key()) and not _says_ca(later):
            return position, len(certificates), later.subject.rfc4514_string()
    return None


def _says_ca(certificate: x509.Certificate) -> bool:
    try:
        return is_ca_certificate(certificate)
    except ValueError:   # extensions that do not parse: it does not say so
        return False


def is_ca_certificate(certificate: x509.Certificate) -> bool:
    """Whether ``certificate`` says it is a CA's (BasicConstraints CA true), which Fabric's MSPs never take as an
    identity; False where it says nothing. Extensions that do not parse raise cryptography's ValueError."""
    try:
        return certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        return False


def signcert_out_of_order(identity: Identity, cert_file: Path, key_named: str,
                          holds_key: Callable[[object], bool]) -> str | None:
    """Why the key ``key_named`` (a keystore file, an HSM key) of an MSP folder whose signcert ``cert_file`` holds
    ``identity`` is not the identity's, where it is that of a later certificate in the file (``holds_key``, given a
    public key, tells): not a lost key, but the chain's certificates in the wrong order, which revoking would not
    mend. None where no later certificate holds it."""
    later = later_certificate_of(identity, holds_key)
    if later is None:
        return None
    position, count, subject = later
    return (f"{cert_file} holds {count} certificates, and peers take the first "
            f"({identity.certificate.subject.rfc4514_string()}) as the identity; {key_named} is the key of "
            f"certificate {position} ({subject}): put the identity's own certificate first in {cert_file.name} (a "
            "chain's CA certificates after it), or keep it alone there")
