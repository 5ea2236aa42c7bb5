"""A bundle's private keys are in folders only their owner can open, however the bundle is unpacked.

`recfin org bundle` builds the bundle in a folder of mode 0700, but a company unpacks it at /var/recfin, a
folder its `mkdir` made 0755, and `recfin host adopt-keys` copies the keys in there: each folder on the way to a
key (and to the package holding the peers' client key) is 0700 itself, so no other user lists them.
"""
from __future__ import annotations

import shutil
import stat
from pathlib import Path

from network import org_keys
from network.bundle_keys import adopt_keys

from .channel_fixtures import certificates_only_bundle

CODE = "91110000MA1K00007E"


def secrets(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and (b"PRIVATE KEY" in p.read_bytes()
                                                               or p.name.endswith(".tar.gz")))


def open_folders(root: Path, files: list[Path]) -> set[str]:
    """The folders under root, on the way to any of files, that users other than the owner can open."""
    return {folder.relative_to(root).as_posix() for file in files for folder in file.parents
            if folder.is_relative_to(root) and folder != root and stat.S_IMODE(folder.stat().st_mode) & 0o077}


def test_the_written_bundle_keeps_every_folder_of_a_key_private(written, tmp_path, umask_022):
    unpacked = tmp_path / "var-recfin"
    shutil.copytree(written, unpacked, copy_function=shutil.copy2)     # modes kept, as `tar -x` keeps them
    unpacked.chmod(0o755)                                              # the folder the company made
    found = secrets(unpacked)
    assert any(p.parent.name == "keystore" for p in found) and any(p.name.endswith(".tar.gz") for p in found)
    assert open_folders(unpacked, found) == set()


def test_keys_adopted_into_an_open_folder_are_in_private_folders(hosts, network_host, tmp_path, umask_022):
    company = org_keys.make(hosts, "bank2", "bank", CODE, tmp_path / "bank2-host" / "keys")
    root = certificates_only_bundle(hosts, network_host, company, tmp_path / "bank2-bundle")
    root.chmod(0o755)
    adopt_keys(root, company.root)
    found = secrets(root)
    assert len(found) > 5 and open_folders(root, found) == set()
