"""The project's chaincode-as-a-service external builder (builder/bin/detect, build, release).

The scripts ship inside the package; `install` copies them into the network's data folder
with their exec bits, and every peer's core.yaml names that folder in
`chaincode.externalBuilders` (see nodeconfig.peer_core_yaml).
"""
from __future__ import annotations

from pathlib import Path

from client.atomic_file import make_folders

from .nodeconfig import builder_dir

SOURCE = Path(__file__).resolve().parent / "builder"
SCRIPTS = ("detect", "build", "release")


def install(data_root: Path) -> Path:
    """Copy bin/detect, bin/build, bin/release into <data_root>/builder; return that folder."""
    target = builder_dir(data_root)
    make_folders(target / "bin")
    for name in SCRIPTS:
        src, dst = SOURCE / "bin" / name, target / "bin" / name
        data = src.read_bytes()
        if not dst.is_file() or dst.read_bytes() != data:
            dst.write_bytes(data)
        dst.chmod(0o755)
    return target
