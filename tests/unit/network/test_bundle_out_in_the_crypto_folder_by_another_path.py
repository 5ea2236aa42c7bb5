"""`recfin org bundle ORG --out` in the data folder's crypto/ reached by another path was let through: the check
compared paths, so a bind mount of crypto/ (or another spelling of it on a filesystem that ignores case) named a
folder the comparison did not match, and the org's private keys went into another org's folder, to be copied into
that org's next bundle. It is now compared by identity too (the same device and inode), and refused naming both
paths.

The command resolves --out's links before the check (bundle.real_folder), so a link shows the check itself comparing
by identity; a real bind mount, made in a user namespace of its own (`unshare -Urm`, no root needed where the
kernel allows it), shows the command refusing one."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from network import bundle
from network.crypto import org_crypto
from network.errors import NetworkError
from network.fabric_bin import REPO_ROOT


def _supplier_peer_folder(hosts, data_root):
    spec = hosts.org("supplier")
    return org_crypto(data_root, spec.name, spec.domain).node_dir(hosts.peers("supplier")[0].hostname)


def test_a_path_through_another_name_for_crypto_is_refused_as_the_same_folder(hosts, network_host, tmp_path):
    alias = tmp_path / "keys-by-another-name"
    alias.symlink_to(network_host / "crypto")
    peer_folder = _supplier_peer_folder(hosts, network_host)
    out = alias / peer_folder.relative_to(network_host / "crypto") / "bank-bundle"
    with pytest.raises(NetworkError) as refused:
        bundle._check_outside_crypto(out, network_host)
    assert str(refused.value).startswith(f"{out} lies inside {network_host / 'crypto'} (as {alias}, the same folder "
                                         f"under another path), the data folder's keys")


def test_a_folder_beside_crypto_is_not_taken_for_it(network_host, tmp_path):
    beside = network_host / "bundles" / "bank"
    bundle._check_outside_crypto(beside, network_host)      # not refused
    bundle._check_outside_crypto(tmp_path / "not-made" / "bank", network_host)


BIND_AND_BUNDLE = 'mount --bind "$1" "$2" && shift 2 && exec "$@"'


def test_a_bind_mount_of_crypto_is_refused_and_nothing_written(hosts, network_host, tmp_path):
    unshare = shutil.which("unshare")
    if unshare is None or subprocess.run([unshare, "-Urm", "true"], capture_output=True).returncode != 0:
        pytest.skip("no user namespace to bind-mount in without root privileges here")
    mounted = tmp_path / "mounted-keys"
    mounted.mkdir()
    out = mounted / _supplier_peer_folder(hosts, network_host).relative_to(network_host / "crypto") / "bank-bundle"
    done = subprocess.run([unshare, "-Urm", "sh", "-c", BIND_AND_BUNDLE, "sh", str(network_host / "crypto"),
                           str(mounted), sys.executable, "-m", "cli.main", "org", "bundle", "bank", "--data-root",
                           str(network_host), "--out", str(out)],
                          env={**os.environ, "PYTHONPATH": str(REPO_ROOT)}, capture_output=True, text=True,
                          timeout=120, cwd=REPO_ROOT)
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert done.stderr.splitlines() == [
        f"Error: {out} lies inside {network_host / 'crypto'} (as {mounted}, the same folder under another path), the "
        f"data folder's keys, which every later bundle is copied from (another org's bundle would carry this one's "
        f"private keys): choose a folder outside it, such as the default "
        f"{bundle.default_out(network_host, '<org>')}"]
    assert not (_supplier_peer_folder(hosts, network_host) / "bank-bundle").exists()
