"""Chaincode-as-a-service packages and their package IDs, byte for byte reproducible.

A ccaas package is a tar.gz of `metadata.json` ({"type": "ccaas", "label": ...}) and
`code.tar.gz`, which holds `connection.json` (where the peer dials the chaincode
server). The peer names an installed package `<label>:<sha256 of the package file>`, so
both archives are written with fixed mtimes (0), owners (0/0, no names), modes (0644),
entry order and gzip header: packaging the same inputs twice gives the same package ID.
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


def connection_json(address: str, *, dial_timeout: str = "10s", tls_required: bool = False) -> dict:
    return {"address": address, "dial_timeout": dial_timeout, "tls_required": tls_required}


def ccaas_package(label: str, connection: dict) -> bytes:
    if not LABEL_RE.match(label):
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


def write_package(folder: Path, label: str, connection: dict) -> Package:
    """Write <folder>/<label>.tar.gz (rewritten only when its bytes change) and return its ID."""
    data = ccaas_package(label, connection)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{label}.tar.gz"
    if not path.is_file() or path.read_bytes() != data:
        path.write_bytes(data)
    return Package(label, path, package_id(label, data))
