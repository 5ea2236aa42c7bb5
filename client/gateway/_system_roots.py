"""The operating system's trust store, as the TLS roots of a channel opened without ``tls_root_certificates``.

Left to itself, grpcio trusts the public CAs bundled with it (its Python package sets gRPC's roots to that file),
never the system's store; the official Go client trusts the system's (crypto/x509's SystemCertPool). So the client
reads the store itself, where Python's ``ssl`` module finds it (``ssl.get_default_verify_paths``: the file
``SSL_CERT_FILE`` names, else OpenSSL's default file, and the folders ``SSL_CERT_DIR`` names, else OpenSSL's
default folder), and on Windows the system's ROOT and CA stores too, as ``ssl.create_default_context`` reads them;
and hands gRPC what it found as PEM. macOS's Keychain is not read, as Python's ``ssl`` does not read it: there a
network's CA is given as ``tls_root_certificates``, or in the file ``SSL_CERT_FILE`` names (docs/sdk-gateway.md,
"On macOS", says how to export it from the Keychain).
"""

from __future__ import annotations

import functools
import os
import ssl
import sys
import warnings
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from ..pem import CERTIFICATE_LABELS, PEM_BLOCKS
from ._trusted_certificate import TRUSTED_CERTIFICATE_LABEL, certificate_block, read_trusted_certificate

_SERVER_AUTH = "1.3.6.1.5.5.7.3.1"
_GRPC_ROOTS_FILE = "GRPC_DEFAULT_SSL_ROOTS_FILE_PATH"


def roots_left_out() -> bytes | None:
    """The roots of a TLS channel opened without ``tls_root_certificates``: the system's trust store
    (:func:`system_roots`), or None when ``GRPC_DEFAULT_SSL_ROOTS_FILE_PATH`` is set, for gRPC to trust the file it
    names: whoever set gRPC's own variable chose those roots for every gRPC client of the process."""
    if os.environ.get(_GRPC_ROOTS_FILE):
        return None
    return system_roots()


def system_roots() -> bytes:
    """The CA certificates of the operating system's trust store, as PEM, each once; a ValueError naming where
    they were looked for and what to give instead when none is found.

    Read once for each place the store is found at (a changed ``SSL_CERT_FILE`` or ``SSL_CERT_DIR`` is read
    anew), as the Go client reads the system's pool once: a CA added to the store later is trusted by a
    process started after it. A store found holding no CA is not kept: the error says to fill it, and the next
    call reads it again."""
    paths = ssl.get_default_verify_paths()
    try:
        return _roots_at(paths.cafile, tuple(filter(os.path.isdir, _folders_named(paths))))
    except _EmptyStore:
        raise ValueError(_no_store(paths)) from None


class _EmptyStore(Exception):
    """Raised, not returned, so that the cache keeps no empty store."""


def _folders_named(paths: ssl.DefaultVerifyPaths) -> list[str]:
    """The folders ``SSL_CERT_DIR`` names, else OpenSSL's default one. The variable names several separated as in
    PATH, as OpenSSL and the Go client read it; ``ssl.get_default_verify_paths`` takes it as one folder, so finds
    none in such a list."""
    return os.environ.get(paths.openssl_capath_env, paths.openssl_capath).split(os.pathsep)


@functools.lru_cache(maxsize=8)
def _roots_at(file: str | None, folders: tuple[str, ...]) -> bytes:
    certificates: dict[bytes, None] = {}  # DER, in the order found: a dict keeps each once
    if file:
        certificates.update(dict.fromkeys(_certificates_in(_read(Path(file)))))
    for folder in folders:
        # Every file of the folder, as Go reads SSL_CERT_DIR, not only the hashed names OpenSSL looks up: a CA
        # copied in without `c_rehash` is taken too. The same CA under several names (Debian keeps each as a
        # .pem file, its hashed link and a line of the bundle beside them) is taken once.
        for entry in _files_of(Path(folder)):
            certificates.update(dict.fromkeys(_certificates_in(_read(entry))))
    certificates.update(dict.fromkeys(_windows_store()))
    if not certificates:
        raise _EmptyStore
    return b"\n".join(certificate_block(der) for der in certificates) + b"\n"


def _files_of(folder: Path) -> list[Path]:
    """The files of a folder of the store, by name (links followed); none when it cannot be listed, as OpenSSL
    passes over a folder it cannot read."""
    try:
        return sorted(entry for entry in folder.iterdir() if entry.is_file())
    except OSError:
        return []


def _read(path: Path) -> bytes:
    """The bytes of a file of the store; none when it cannot be read (a file only root may read, a broken link),
    as OpenSSL passes over a file of its folder that it cannot read."""
    try:
        return path.read_bytes()
    except OSError:
        return b""


def _certificates_in(pem: bytes) -> list[bytes]:
    """The DER of each certificate of a PEM file that parses and may vouch for a server, in order.

    A store's file holds more than certificates at times (a CRL, a distribution's notes), and a certificate gRPC
    cannot load makes it fail every call: both are passed over, as a store's other entries still stand."""
    found = []
    for block in PEM_BLOCKS.finditer(pem):
        label = block.group(1).decode("ascii", "replace")
        if label == TRUSTED_CERTIFICATE_LABEL:
            try:
                trusted = read_trusted_certificate(block.group(0))
            except ValueError:
                continue
            if trusted.refusal_for_server_authentication() is None:
                found.append(trusted.certificate_der)
        elif label in CERTIFICATE_LABELS:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # CryptographyDeprecationWarning for an old CA's odd serial
                    certificate = x509.load_pem_x509_certificate(block.group(0))
            except ValueError:
                continue
            found.append(certificate.public_bytes(serialization.Encoding.DER))
    return found


def _windows_store() -> list[bytes]:
    """The DER of each certificate of Windows' ROOT and CA stores trusted for server authentication, as
    ``ssl.SSLContext.load_default_certs`` takes them; none elsewhere."""
    if sys.platform != "win32":
        return []
    found = []
    for store in ("ROOT", "CA"):
        try:
            entries = ssl.enum_certificates(store)  # type: ignore[attr-defined]  # Windows only
        except OSError:
            continue
        for der, encoding, trust in entries:
            if encoding == "x509_asn" and (trust is True or _SERVER_AUTH in trust):
                found.append(bytes(der))
    return found


def _no_store(paths: ssl.DefaultVerifyPaths) -> str:
    # what was looked in, as read: a variable set empty names nothing, and OpenSSL's default is not read then either
    file = os.environ.get(paths.openssl_cafile_env, paths.openssl_cafile)
    folders = [folder for folder in _folders_named(paths) if folder]
    file_named = f"the file {file}" if file else f"no file ({paths.openssl_cafile_env} is set but names none)"
    folders_named = (f"the folder {folders[0]}" if len(folders) == 1 else f"the folders {', '.join(folders)}"
                     if folders else f"no folder ({paths.openssl_capath_env} is set but names none)")
    return (f"tls_root_certificates was left out, so the operating system's trust store is trusted, and no CA "
            f"certificate was found in it (looked in {file_named} and {folders_named}, which "
            f"{paths.openssl_cafile_env} and {paths.openssl_capath_env} name when set): give tls_root_certificates, "
            "the network's TLS CA certificates (such as its tlsca/tlsca.pem), or set "
            f"{paths.openssl_cafile_env} to a PEM file of the CAs to trust")
