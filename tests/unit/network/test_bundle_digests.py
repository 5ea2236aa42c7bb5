"""bundle.json's digests: a company's host refuses a bundle file cut short, damaged or edited since it was
written, while what the normal flows change in an installed bundle (CRLs, the profile, keys moved to an HSM,
what adopt-keys writes, the company's hosts lines) still opens."""
from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from cli.main import main
from network import backup, backup_restore, bundle, crl, org_keys, profiles
from network.bundle_host import BundleHost
from network.bundle_keys import adopt_keys
from network.crypto import HSM_SIGNER_FILE, load_cert, load_key, org_crypto
from network.errors import NetworkError
from network.fabric_bin import FabricInstall
from network.org_users import OrgUsers

from .channel_fixtures import certificates_only_bundle, channel_config
from .scripted_channel import ScriptedChannel, host
from .scripted_peer import ScriptedPeer

BLOCK = "channel/receivables.block"
REWRITE = r"ask the network's operator to write it again with `recfin org bundle supplier`"
ADMIN_CERT = "crypto/supplier/users/admin@supplier.recfin.local/msp/signcerts/cert.pem"


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _manifest(root: Path) -> dict:
    return json.loads((root / "bundle.json").read_text())



@pytest.fixture
def cli_peer(monkeypatch, fake_fabric, hosts, docker) -> ScriptedPeer:
    """`recfin host` on the placeholder Fabric install, its `peer` calls answered by a scripted channel (and its
    `docker` calls by the scripted one)."""
    peer = ScriptedPeer(hosts, fabric=FabricInstall.locate())
    monkeypatch.setattr("cli.host_commands.Tools", lambda fabric, timeout: peer)
    return peer


# ---- what is refused --------------------------------------------------------------------------------
def test_a_genesis_block_cut_short_is_refused_naming_it_and_its_size(unpacked):
    """The peer CLI would take the block and fail at `peer channel join` in its own terms."""
    block = unpacked / BLOCK
    whole = block.read_bytes()
    block.write_bytes(whole[:10])
    refusal = (rf"1 file\(s\) of the bundle {unpacked} are not as `recfin org bundle` wrote them.*: {BLOCK} "
               rf"\(10 bytes, where {len(whole)} were written\); {REWRITE}")
    with pytest.raises(NetworkError, match=refusal):
        BundleHost.open(unpacked)
    result = CliRunner().invoke(main, ["host", "status", "--bundle", str(unpacked)])
    assert result.exit_code == 1 and result.output.startswith("Error: ") and BLOCK in result.output


def test_an_edited_port_in_topology_yaml_is_refused(unpacked):
    """A port is no part of the contract configuration, so the check against it lets the edit through:
    `recfin host` would dial the orderer at another address than the network's."""
    path = unpacked / bundle.TOPOLOGY_FILE
    doc = yaml.safe_load(path.read_text())
    doc["orderer_org"]["orderers"][0]["port"] = 7059
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    with pytest.raises(NetworkError, match=r"topology.yaml \(\d+ bytes as written, but other bytes: SHA-256 "
                                           rf"[0-9a-f]{{16}}\.\.\., not [0-9a-f]{{16}}\.\.\.\); {REWRITE}"):
        BundleHost.open(unpacked)


def test_every_damaged_file_is_named_a_missing_one_too(unpacked):
    cacert = next((unpacked / "crypto/bank/msp/cacerts").iterdir())
    cacert.write_bytes(cacert.read_bytes().replace(b"A", b"B", 1))
    (unpacked / "endpoints.yaml").unlink()
    with pytest.raises(NetworkError, match=r"2 file\(s\) .*: crypto/bank/msp/cacerts/.*\(\d+ bytes as "
                                           r"written, but other bytes.*\); endpoints.yaml \(missing\); "):
        BundleHost.open(unpacked)


@pytest.mark.parametrize("digests, why", [
    ([1], r"digests \(\[1\], not an object of file digests\)"),
    ({"../../etc/passwd": {"sha256": "0" * 64, "size": 1}}, r"digests entry '../../etc/passwd' \(not one of"),
    ({bundle.MANIFEST: {"sha256": "0" * 64, "size": 1}}, r"digests entry 'bundle.json' \(not one of"),
    ({BLOCK: {"sha256": "zz", "size": 1}}, rf"digests entry for {BLOCK} \(not a sha256 in hex"),
    ({BLOCK: {"sha256": "0" * 64, "size": True}}, r"digests entry for .*\(not a sha256 in hex and a size in "
                                                  r"bytes\)"),
])
def test_digests_of_the_wrong_shape_are_refused_by_name(unpacked, digests, why):
    path = unpacked / bundle.MANIFEST
    path.write_text(json.dumps({**_manifest(unpacked), "digests": digests}))
    with pytest.raises(NetworkError, match=rf"bundle.json has a bad {why}.*{REWRITE}"):
        BundleHost.open(unpacked)


# ---- what is checked, what is not -------------------------------------------------------------------
def test_the_manifest_digests_what_no_normal_flow_changes_and_nothing_else(unpacked):
    manifest = _manifest(unpacked)
    recorded = manifest["digests"]
    assert {BLOCK, bundle.TOPOLOGY_FILE, ADMIN_CERT, "endpoints.yaml", "docker-compose.yaml", "README.md",
            "chaincode/receivables/network_config.json", "chaincode/receivables/supplier/chaincode.env",
            "crypto/bank/tlsca/tlsca.pem"} <= set(recorded)
    assert any(path.endswith(".tar.gz") for path in recorded)
    assert recorded[BLOCK] == bundle.file_digest(unpacked / BLOCK)
    left_out = set(manifest["files"]) - set(recorded)
    assert "profiles/supplier.json" in left_out and bundle.MANIFEST in left_out
    assert any(path.endswith("_sk") for path in left_out) and any(path.endswith(".key") for path in left_out)
    assert not [path for path in recorded if "/keystore/" in path or path.endswith(".key")]
    assert BundleHost.open(unpacked).files_checked


def test_hosts_lines_and_the_compose_override_the_company_fills_in_are_not_checked(tmp_path, hosts,
                                                                                   prepared_hosts):
    orgs = [o.model_copy(update={"address": "198.51.100.11"}) if o.name == "supplier" else o
            for o in hosts.orgs]
    addressed = hosts.model_copy(update={"orgs": orgs})
    out = bundle.write(addressed, prepared_hosts, "supplier", tmp_path / "supplier").root
    assert bundle.HOSTS_FILE in _manifest(out)["files"] and bundle.HOSTS_FILE not in _manifest(out)["digests"]
    with open(out / bundle.HOSTS_FILE, "a") as lines:
        lines.write("192.0.2.1\torderer0.orderer.recfin.local\n")
    assert BundleHost.open(out).files_checked


def test_a_bundle_written_before_digests_opens_and_says_its_files_were_not_checked(unpacked, cli_peer):
    path = unpacked / bundle.MANIFEST
    old = _manifest(unpacked)
    del old["digests"]
    path.write_text(json.dumps(old))
    (unpacked / "endpoints.yaml").write_text("# edited\n")      # nothing to tell it by
    opened = BundleHost.open(unpacked)
    assert opened.org == "supplier" and opened.files_checked is False
    result = CliRunner().invoke(main, ["host", "status", "--bundle", str(unpacked), "--json"])
    assert result.exit_code == 1, result.output       # its peer has not joined (test_host_status_exit)
    assert json.loads(result.stdout)["org"] == "supplier"
    said = " ".join(result.stderr.split())
    assert "bundle.json records no file digests (an earlier recfin wrote it), so whether the bundle's " \
           "files are still as written (not cut short, damaged or edited) cannot be checked" in said
    assert "`recfin org bundle supplier`" in said


def test_a_checked_bundle_says_nothing_of_it(unpacked, cli_peer):
    result = CliRunner().invoke(main, ["host", "status", "--bundle", str(unpacked), "--json"])
    assert json.loads(result.stdout)["problems"] == [
        "peer0.supplier has not joined receivables: `recfin host join`"], result.output
    assert "digests" not in result.stderr


# ---- what the normal flows change in an installed bundle ----------------------------------------------
def test_a_user_sync_writing_crls_and_the_profile_still_passes(unpacked, hosts, prepared_hosts, tmp_path):
    """`org user list --sync --bundle` (and `org user revoke --bundle`) write the channel's CRL into the
    bundle's MSP folders and mark the user revoked in its connection profile."""
    org = hosts.org("supplier")
    keys = tmp_path / "supplier-keys"
    shutil.copytree(org_crypto(prepared_hosts, org.name, org.domain).root,
                    org_crypto(keys, org.name, org.domain).root)
    paths = org_crypto(keys, org.name, org.domain)
    serial = load_cert(org_crypto(unpacked, org.name, org.domain).user_msp("supplier2")
                       / "signcerts" / "cert.pem").serial_number
    revoking = crl.build(load_key(paths.ca_key), load_cert(paths.ca_cert),
                         {serial: dt.datetime.now(dt.timezone.utc)}, 1)
    profile_before = (unpacked / "profiles/supplier.json").read_bytes()
    members = host(hosts, unpacked, ScriptedChannel(hosts, channel_config(hosts, unpacked)))
    written = OrgUsers(members, keys).keep_locally(org, [revoking])
    in_bundle = [p for p in written if unpacked in p.parents]
    assert in_bundle and (unpacked / "profiles/supplier.json").read_bytes() != profile_before
    assert profiles.load("supplier", unpacked).user("supplier2").revoked
    assert BundleHost.open(unpacked).files_checked


def test_a_key_moved_to_an_hsm_still_passes(unpacked):
    """`recfin hsm import` writes hsm-signer.yaml into the MSP folder; the keystore key goes offline."""
    msp = org_crypto(unpacked, "supplier", "supplier.recfin.local").user_msp("supplier1")
    for key in (msp / "keystore").iterdir():
        key.unlink()
    (msp / HSM_SIGNER_FILE).write_text("library: /usr/lib/softhsm/libsofthsm2.so\ntoken: recfin\n"
                                       "key_id: 0a\n")
    assert BundleHost.open(unpacked).files_checked


@pytest.fixture
def keyless_bundle(hosts, network_host, tmp_path) -> tuple[Path, Path]:
    """bank2's certificates-only bundle, and the keys folder `recfin org keys` wrote on its own host."""
    company = org_keys.make(hosts, "bank2", "bank", "91110000MA1K00007E", tmp_path / "bank2-host" / "keys")
    return certificates_only_bundle(hosts, network_host, company, tmp_path / "bank2-bundle"), company.root


def test_adopt_keys_records_the_files_it_writes_and_the_bundle_passes(keyless_bundle):
    root, keys = keyless_bundle
    readme_before = (root / "README.md").read_bytes()
    done = adopt_keys(root, keys)
    assert (root / "README.md").read_bytes() != readme_before          # written again, with the package
    recorded = _manifest(root)["digests"]
    package = next(p for p in done.files if p.endswith(".tar.gz"))
    peer_cert = next(p for p in done.files if "/nodes/" in p and p.endswith("/msp/signcerts/cert.pem"))
    assert recorded[package] == bundle.file_digest(root / package) and peer_cert in recorded
    assert recorded["README.md"] == bundle.file_digest(root / "README.md")
    assert BundleHost.open(root).files_checked
    # and what it copied in is checked from then on
    (root / peer_cert).write_bytes((root / peer_cert).read_bytes()[:-5])
    with pytest.raises(NetworkError, match=rf"{peer_cert} \(\d+ bytes, where \d+ were written\)"):
        BundleHost.open(root)


def test_adopt_keys_refuses_a_damaged_bundle_and_copies_nothing(keyless_bundle):
    """Its new manifest records the digests afresh: taken as they are, they would vouch for the damage."""
    root, keys = keyless_bundle
    block = root / BLOCK
    block.write_bytes(block.read_bytes()[:5])
    before = _tree(root)
    with pytest.raises(NetworkError, match=rf"{BLOCK} \(5 bytes, where \d+ were written\); nothing was "
                                           r"copied; ask the network's operator to write it again with "
                                           r"`recfin org bundle bank2`"):
        adopt_keys(root, keys)
    assert _tree(root) == before


def test_adopt_keys_on_a_bundle_written_before_digests_says_so_and_records_them(keyless_bundle):
    root, keys = keyless_bundle
    old = _manifest(root)
    del old["digests"]
    (root / bundle.MANIFEST).write_text(json.dumps(old))
    said = []
    adopt_keys(root, keys, said.append)
    assert said and "records no file digests (an earlier recfin wrote it)" in said[0]
    assert BLOCK in _manifest(root)["digests"] and BundleHost.open(root).files_checked


# ---- written again from an org's backup ---------------------------------------------------------------
def test_a_bundle_written_from_an_orgs_restored_backup_is_byte_for_byte_the_same(hosts_data, hosts, tmp_path):
    archive = tmp_path / "bank.tar.gz"
    backup.write_backup(hosts_data, archive, topology=hosts, org="bank")
    restored = tmp_path / "bank-part"
    backup_restore.restore_backup(archive, restored)
    first = bundle.write(hosts, hosts_data, "bank", tmp_path / "first").root
    again = bundle.write(hosts, restored, "bank", tmp_path / "again").root
    assert _manifest(first)["digests"] and _tree(first) == _tree(again)
