"""`recfin org bundle ORG --out` under a bind mount of a folder inside another bundle, or inside the data folder's
crypto/, was let through: both checks looked at the folders above --out's path, and a bind mount of a folder inside
(a bundle's subfolder, a peer folder) has neither the bundle nor crypto/ above its path. The org's private keys went
into the other bundle (to its company with every copy of it, deleted when it is written again) or into another org's
peer folder (copied into that org's next bundle). The mount table now gives the other paths of --out's folder, and
the folders above them are checked too; the refusal names the path it came in by.

A bind mount of a bundle's whole folder was refused already (its bundle.json is seen through the mount), as is one
of crypto/ itself (test_bundle_out_in_the_crypto_folder_by_another_path). The mounts are made in a user namespace of
their own (`unshare -Urm`, no root needed where the kernel allows it)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from network import bundle
from network.crypto import org_crypto
from network.fabric_bin import REPO_ROOT

BIND_AND_RUN = 'mount --bind "$1" "$2" && shift 2 && exec "$@"'


def _unshare() -> str:
    unshare = shutil.which("unshare")
    if unshare is None or subprocess.run([unshare, "-Urm", "true"], capture_output=True).returncode != 0:
        pytest.skip("no user namespace to bind-mount in without root privileges here")
    return unshare


def _bundle_through_a_mount(source, mounted, data_root, out) -> subprocess.CompletedProcess:
    """`recfin org bundle bank --out out` run where source is bind-mounted at mounted."""
    return subprocess.run([_unshare(), "-Urm", "sh", "-c", BIND_AND_RUN, "sh", str(source), str(mounted),
                           sys.executable, "-m", "cli.main", "org", "bundle", "bank", "--data-root", str(data_root),
                           "--out", str(out)],
                          env={**os.environ, "PYTHONPATH": str(REPO_ROOT)}, capture_output=True, text=True,
                          timeout=120, cwd=REPO_ROOT)


def _files_under(folder) -> list[str]:
    return sorted(os.path.relpath(os.path.join(top, name), folder)
                  for top, folders, names in os.walk(folder) for name in [*folders, *names])


def test_a_bind_mount_of_a_folder_inside_another_bundle_is_refused_and_nothing_written(hosts, network_host,
                                                                                      tmp_path):
    _unshare()
    suppliers = tmp_path / "supplier-bundle"
    bundle.write(hosts, network_host, "supplier", suppliers)
    inside = next(folder for folder in sorted(suppliers.iterdir()) if folder.is_dir())
    before = _files_under(suppliers)
    mounted = tmp_path / "mounted"
    mounted.mkdir()
    out = mounted / "bank-bundle"
    done = _bundle_through_a_mount(inside, mounted, network_host, out)
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert done.stderr.splitlines() == [
        f"Error: {out} lies inside {suppliers} (as {inside / 'bank-bundle'}, the same folder under another path), "
        f"which holds supplier's bundle (SupplierMSP): bank's bundle, with its private keys, would go wherever that "
        f"one is copied, and be deleted when it is written again: choose a folder outside it"]
    assert _files_under(suppliers) == before


def test_a_bind_mount_of_a_peer_folder_inside_crypto_is_refused_and_nothing_written(hosts, network_host, tmp_path):
    _unshare()
    spec = hosts.org("supplier")
    peer_folder = org_crypto(network_host, spec.name, spec.domain).node_dir(hosts.peers("supplier")[0].hostname)
    before = _files_under(network_host / "crypto")
    mounted = tmp_path / "mounted"
    mounted.mkdir()
    out = mounted / "bank-bundle"
    done = _bundle_through_a_mount(peer_folder, mounted, network_host, out)
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert done.stderr.splitlines() == [
        f"Error: {out} lies inside {network_host / 'crypto'} (as {peer_folder / 'bank-bundle'}, the same folder "
        f"under another path), the data folder's keys, which every later bundle is copied from (another org's bundle "
        f"would carry this one's private keys): choose a folder outside it, such as the default "
        f"{bundle.default_out(network_host, '<org>')}"]
    assert _files_under(network_host / "crypto") == before


def test_a_bind_mount_of_a_folder_outside_both_is_written_to(hosts, network_host, tmp_path):
    _unshare()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    mounted = tmp_path / "mounted"
    mounted.mkdir()
    done = _bundle_through_a_mount(elsewhere, mounted, network_host, mounted / "bank-bundle")
    assert done.returncode == 0, (done.stdout, done.stderr)
    assert (elsewhere / "bank-bundle" / bundle.MANIFEST).is_file()


def test_no_mount_table_gives_no_other_paths(monkeypatch, tmp_path):
    def unreadable(path, *args, **kwargs):
        raise FileNotFoundError(2, "No such file or directory", str(path))
    monkeypatch.setattr(bundle.Path, "read_text", unreadable)
    assert bundle._other_paths(tmp_path / "bank-bundle") == []
