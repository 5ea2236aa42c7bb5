"""`recfin host adopt-keys` stopped part way (a power cut, ^C) is finished by running it again.

The run writes the files `finish` makes from the topology (README.md among them, which then no longer says the
keys are missing) before the new bundle.json: stopped in between, the bundle.json left records the README of
the keyless bundle, and the run again must not refuse the README as damaged and send the company back to the
network's operator for a new bundle.
"""
from __future__ import annotations

import errno
import json
from pathlib import Path

import pytest

from network import bundle, org_keys
from network.bundle_host import BundleHost
from network.bundle_keys import adopt_keys
from network.errors import NetworkError
from network.org_users import CaFolder, add_user, keys_folder_org

from .channel_fixtures import certificates_only_bundle

CODE = "91110000MA1K00007E"


class PowerCut(BaseException):
    pass


def test_a_stopped_adopt_keys_is_finished_by_running_it_again_and_still_checks_the_files(
        hosts, network_host, tmp_path, monkeypatch):
    company = org_keys.make(hosts, "bank2", "bank", CODE, tmp_path / "bank2-host" / "keys")
    root = certificates_only_bundle(hosts, network_host, company, tmp_path / "bank2-bundle")
    write_file = bundle.write_atomically

    def cut_at_the_manifest(path, *args, **kwargs):
        if Path(path).name == bundle.MANIFEST and (root / bundle.README_FILE).read_text().find(
                "not yet in this bundle") < 0:    # finish's own manifest, once the README is the new one
            raise PowerCut()
        return write_file(path, *args, **kwargs)

    monkeypatch.setattr(bundle, "write_atomically", cut_at_the_manifest)
    with pytest.raises(PowerCut):
        adopt_keys(root, company.root)
    monkeypatch.setattr(bundle, "write_atomically", write_file)
    assert "not yet in this bundle" not in (root / bundle.README_FILE).read_text()
    assert json.loads((root / bundle.MANIFEST).read_text())["package_id"] is None
    with pytest.raises(NetworkError, match=r"lacks bank2's own keys.*recfin host adopt-keys"):
        BundleHost.open(root)

    # the files it copied from are still checked on the run again: a block damaged since is refused
    block = root / "channel" / f"{hosts.channel}.block"
    sound = block.read_bytes()
    block.write_bytes(sound[:-1])
    with pytest.raises(NetworkError, match=r"channel/.*\.block .*nothing was copied"):
        adopt_keys(root, company.root)
    block.write_bytes(sound)

    done = adopt_keys(root, company.root)
    manifest = json.loads((root / bundle.MANIFEST).read_text())
    assert manifest["package_id"] == done.package_id is not None and manifest["missing"] == []
    assert set(bundle.REWRITTEN) <= set(manifest[bundle.DIGESTS])
    assert BundleHost.open(root).files_checked


def test_a_run_stopped_after_writing_the_topology_with_the_keys_folders_users_is_finished_by_running_it_again(
        hosts, network_host, tmp_path, monkeypatch):
    # the topology.yaml finish writes names the users issued from the keys folder, which the bundle's did not
    company = org_keys.make(hosts, "bank2", "bank", CODE, tmp_path / "bank2-host" / "keys")
    root = certificates_only_bundle(hosts, network_host, company, tmp_path / "bank2-bundle")
    adopt_keys(root, company.root)
    add_user(CaFolder(company.root, keys_folder_org(company.root, "bank2")), "officer3", {})
    write_file = bundle.write_atomically

    def disk_full_at_the_readme(path, *args, **kwargs):
        if Path(path).name == bundle.README_FILE:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return write_file(path, *args, **kwargs)

    monkeypatch.setattr(bundle, "write_atomically", disk_full_at_the_readme)
    with pytest.raises(OSError):
        adopt_keys(root, company.root)
    monkeypatch.setattr(bundle, "write_atomically", write_file)
    topology_file = root / bundle.TOPOLOGY_FILE
    written = topology_file.read_text()
    assert "officer3" in written

    # any other change to the file is still refused
    topology_file.write_text(written.replace("port: 7050", "port: 7059", 1))
    with pytest.raises(NetworkError, match=r"topology\.yaml .*nothing was copied"):
        adopt_keys(root, company.root)
    topology_file.write_text(written)

    done = adopt_keys(root, company.root)
    assert "officer3" in json.loads((root / "profiles" / "bank2.json").read_text())["users"]
    assert done.package_id is not None and BundleHost.open(root).files_checked
