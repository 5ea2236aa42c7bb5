"""`recfin org bundle ORG --out` inside the data folder's crypto/ is refused, nothing written.

The org folders there are what every later bundle copies from, an org's node and user folders whole, its private
keys included: bank's bundle written into supplier's peer folder went, with bank's private keys, into supplier's
next bundle, to another company.
"""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from cli.main import main
from network import bundle
from network.crypto import holds_private_key, org_crypto
from network.errors import NetworkError


def _own_peer_folder(hosts, data_root, org_name):
    spec = hosts.org(org_name)
    return org_crypto(data_root, spec.name, spec.domain).node_dir(hosts.peers(org_name)[0].hostname)


def test_a_bundle_into_another_orgs_peer_folder_is_refused_and_nothing_written(hosts, network_host):
    out = _own_peer_folder(hosts, network_host, "supplier") / "bank-bundle"
    with pytest.raises(NetworkError) as refused:
        bundle.write(hosts, network_host, "bank", out)
    said = str(refused.value)
    assert str(out) in said and str(network_host / "crypto") in said and "choose a folder outside it" in said
    assert not out.exists()
    assert not list(out.parent.glob(".bank-bundle.*"))      # nothing built beside it either


def test_so_no_later_bundle_carries_another_orgs_key(hosts, network_host, tmp_path):
    out = _own_peer_folder(hosts, network_host, "supplier") / "bank-bundle"
    with pytest.raises(NetworkError):
        bundle.write(hosts, network_host, "bank", out)
    bank = org_crypto(network_host, "bank", "bank.recfin.local")
    bank_keys = {p.read_bytes() for p in bank.root.rglob("*") if p.is_file() and holds_private_key(p.read_bytes())}
    written = bundle.write(hosts, network_host, "supplier", tmp_path / "supplier")
    carried = [p for p in written.root.rglob("*") if p.is_file() and p.read_bytes() in bank_keys]
    assert bank_keys and carried == []


@pytest.mark.parametrize("where", ["crypto", "crypto/new", "crypto/bank/msp/cacerts/b"])
def test_the_command_refuses_any_folder_under_crypto(hosts, network_host, where):
    out = network_host / where
    before = sorted(p.relative_to(network_host) for p in network_host.rglob("*"))
    result = CliRunner().invoke(main, ["org", "bundle", "bank", "--data-root", str(network_host), "--out", str(out)])
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith(f"Error: {out} lies inside {network_host / 'crypto'}")
    assert sorted(p.relative_to(network_host) for p in network_host.rglob("*")) == before


def test_a_link_to_the_crypto_folder_is_refused_too(hosts, network_host, tmp_path):
    link = tmp_path / "looks-elsewhere"
    link.symlink_to(_own_peer_folder(hosts, network_host, "supplier"))
    with pytest.raises(NetworkError, match="lies inside"):
        bundle.write(hosts, network_host, "bank", link / "bank-bundle")


def test_the_out_help_names_the_refusal_of_a_folder_inside_crypto():
    result = CliRunner().invoke(main, ["org", "bundle", "--help"])
    assert result.exit_code == 0
    assert "or inside the data folder's crypto/" in " ".join(result.output.split())
