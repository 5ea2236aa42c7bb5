"""Chaincode-as-a-service packages and their package IDs, byte for byte reproducible.

A ccaas package is a tar.gz of `metadata.json` ({"type": "ccaas", "label": ...}) and
`code.tar.gz`, which holds `connection.json` (where the peer dials the chaincode
server, and the TLS material it dials with). The peer names an installed package
`<label>:<sha256 of the package file>`, so both archives are written with fixed mtimes
(0), owners (0/0, no names), modes (0644), entry order and gzip header: packaging the
same inputs twice gives the same package ID.
"""
from __future__ import annotations

import gzip
import hashlib
import io
import json
import re
import tarfile
from dataclasses import dataclass
from pathlib import Path

from client.atomic_file import write_atomically

from .errors import ChaincodeError

LABEL_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.+-]*$")  # what the peer accepts as a label


def deterministic_tar_gz(files: dict[str, bytes]) -> bytes:
    """A gzipped tar of name -> content with every variable header field fixed."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 0
            info.mode = 0o644
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            info.type = tarfile.REGTYPE
            tar.addfile(info, io.BytesIO(data))
    return gzip.compress(raw.getvalue(), compresslevel=9, mtime=0)


def _json(doc: dict) -> bytes:
    return json.dumps(doc, indent=2, sort_keys=True).encode() + b"\n"


def connection_json(address: str, *, dial_timeout: str = "10s", root_cert: str | None = None,
                    client_cert: str | None = None, client_key: str | None = None) -> dict:
    """What the peer reads to dial a chaincode server, in the fields Fabric's ccaas builder defines.

    With root_cert (PEM of the CA that issued the server's certificate) the peer dials over TLS;
    with client_cert and client_key (PEM) as well it presents that pair (mutual TLS). The PEM
    text sits in the file itself: the peer reads no paths from it.
    """
    doc: dict = {"address": address, "dial_timeout": dial_timeout, "tls_required": root_cert is not None}
    if root_cert is None:
        if client_cert or client_key:
            raise ChaincodeError("a client certificate for the chaincode server needs TLS: give root_cert too")
        return doc
    if bool(client_cert) != bool(client_key):
        raise ChaincodeError("mutual TLS to the chaincode server needs both client_cert and client_key")
    doc["root_cert"] = root_cert
    doc["client_auth_required"] = bool(client_cert)
    if client_cert:
        doc["client_cert"], doc["client_key"] = client_cert, client_key
    return doc


def ccaas_package(label: str, connection: dict) -> bytes:
    # fullmatch: with .match "$" matches before a final newline too, a label the peer refuses.
    if not LABEL_RE.fullmatch(label):
        raise ChaincodeError(f"chaincode label {label!r} is not valid: use letters, digits and _.+- only")
    code = deterministic_tar_gz({"connection.json": _json(connection)})
    return deterministic_tar_gz({"metadata.json": _json({"type": "ccaas", "label": label}), "code.tar.gz": code})


def package_id(label: str, package: bytes) -> str:
    """The ID the peer gives this package on install: label:sha256(package file)."""
    return f"{label}:{hashlib.sha256(package).hexdigest()}"


@dataclass(frozen=True)
class Package:
    label: str
    path: Path
    package_id: str


# The mode of a package whose connection.json carries a private key (the peers' chaincode TLS client key): that of
# the key file itself, so the package is no easier to read than the key.
SECRET_PACKAGE_MODE = 0o600


def write_package(folder: Path, label: str, connection: dict) -> Package:
    """Write <folder>/<label>.tar.gz (rewritten only when its bytes change) and return its ID.

    A package carrying a client key (mutual TLS) is its owner's alone (SECRET_PACKAGE_MODE) from the moment
    it exists, and one already there with the same bytes is made so too."""
    data = ccaas_package(label, connection)
    path = folder / f"{label}.tar.gz"
    mode = SECRET_PACKAGE_MODE if connection.get("client_key") else None
    if not path.is_file() or path.read_bytes() != data:
        # a peer install or bundle check reading it meanwhile gets the old or the new
        write_atomically(path, data, mode=mode)
    elif mode is not None and path.stat().st_mode & 0o777 != mode:
        path.chmod(mode)    # written before packages were kept private
    return Package(label, path, package_id(label, data))
