"""What a company's host reads from its bundle and writes into it: the collections its org approves
with, links that would take recfin's writes out of the bundle, a damaged chaincode.env."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from cli.host_commands import host as host_group
from network import bundle, contract_config, org_keys
from network.bundle_host import BundleHost
from network.bundle_keys import adopt_keys
from network.errors import NetworkError

from .channel_fixtures import certificates_only_bundle

# a file of the checkout, as a topology names it
FIXED = Path("chaincode/receivables/collections_config.json")


def with_fixed_collections(topology):
    """The topology naming a fixed collections file (chaincode.collections_config: FILE)."""
    chaincode = topology.chaincode.model_copy(update={"collections_config": FIXED})
    return topology.model_copy(update={"chaincode": chaincode})


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}



# ---- a fixed collections file --------------------------------------------------------------------
def test_a_fixed_collections_file_travels_in_the_bundle_and_its_org_approves_with_it(tmp_path, hosts,
                                                                                     prepared_hosts):
    """`recfin chaincode deploy` commits the topology's file: an org approving without it (or with the
    company's checkout's copy, which may differ) approves a definition never committed."""
    fixed = with_fixed_collections(hosts)
    out = tmp_path / "supplier"
    written = bundle.write(fixed, prepared_hosts, "supplier", out)
    carried = contract_config.collections_path(out, "receivables")
    assert carried.read_bytes() == fixed.chaincode.resolved_collections_config().read_bytes()
    assert "chaincode/receivables/collections_config.json" in written.files
    readme = (out / "README.md").read_text()
    assert "--collections-config chaincode/receivables/collections_config.json" in readme
    assert BundleHost.open(out).definition(1).collections_config == carried


def test_a_fixed_collections_file_that_is_missing_is_refused_before_anything_is_written(tmp_path, hosts,
                                                                                         prepared_hosts):
    chaincode = hosts.chaincode.model_copy(update={"collections_config": tmp_path / "gone.json"})
    out = tmp_path / "supplier"
    with pytest.raises(NetworkError, match=r"collections config .*gone.json \(chaincode.collections_config\) "
                                           r"is not a file: restore it.* Nothing was written"):
        bundle.write(hosts.model_copy(update={"chaincode": chaincode}), prepared_hosts, "supplier", out)
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_the_compose_network_approves_with_the_topologys_fixed_collections_file(hosts, hosts_data):
    """compose-up's view of the data folder (prepared with the derived collections here) approves the
    topology's fixed file, as `recfin chaincode deploy` commits it."""
    fixed = with_fixed_collections(hosts)
    view = BundleHost.in_data_folder(hosts_data, fixed, "supplier")
    assert view.definition(1).collections_config == fixed.chaincode.resolved_collections_config()
    derived = BundleHost.in_data_folder(hosts_data, hosts, "supplier")     # the prepared folder's
    assert derived.definition(1).collections_config == \
        contract_config.collections_path(hosts_data, "receivables")


# ---- links leading out of the bundle -------------------------------------------------------------
def test_a_link_out_of_the_bundle_is_refused_before_the_peer_cli_config_goes_through_it(unpacked, tmp_path):
    """`recfin host` copies the Fabric install's core.yaml to nodes/<peer>/config/core.yaml in the
    bundle: a link planted there would have it replace any file the admin can write."""
    victim = tmp_path / "victim.txt"
    victim.write_text("a file outside the bundle\n")
    config = unpacked / "nodes" / "peer0.supplier" / "config"
    config.mkdir(parents=True)
    (config / "core.yaml").symlink_to(victim)
    with pytest.raises(NetworkError, match=r"core.yaml is a symbolic link to .*victim.txt, outside the "
                                           r"bundle .*Nothing was written"):
        BundleHost.open(unpacked)
    result = CliRunner().invoke(host_group, ["status", "--bundle", str(unpacked)])
    assert result.exit_code == 1 and "is a symbolic link" in result.output
    assert victim.read_text() == "a file outside the bundle\n"
    (config / "core.yaml").unlink()
    (unpacked / "nodes").rename(tmp_path / "nodes")       # a folder linked out is refused the same way
    (unpacked / "nodes").symlink_to(tmp_path / "nodes")
    with pytest.raises(NetworkError, match=r"nodes is a symbolic link to .*, outside the bundle"):
        BundleHost.open(unpacked)


def test_a_link_inside_the_bundle_is_taken(unpacked):
    (unpacked / "notes.md").symlink_to("README.md")
    (unpacked / "peer-tls").symlink_to(unpacked / "crypto" / "supplier" / "nodes")
    assert BundleHost.open(unpacked).org == "supplier"


@pytest.fixture
def keyless_bundle(hosts, network_host, tmp_path) -> tuple[Path, Path]:
    """bank2's certificates-only bundle, and the keys folder `recfin org keys` wrote on its own host."""
    company = org_keys.make(hosts, "bank2", "bank", "91110000MA1K00007E", tmp_path / "bank2-host" / "keys")
    return certificates_only_bundle(hosts, network_host, company, tmp_path / "bank2-bundle"), company.root


def test_adopt_keys_refuses_a_bundle_linking_out_and_copies_no_key(keyless_bundle, tmp_path):
    """The bundle comes from the network's host, which the company keeps its keys from: a link in it
    must not take the company's private keys out of the bundle."""
    root, keys = keyless_bundle
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (root / "crypto" / "bank2" / "nodes").symlink_to(elsewhere)
    before = _tree(root)
    with pytest.raises(NetworkError, match=r"crypto/bank2/nodes is a symbolic link to .*elsewhere, "
                                           r"outside the bundle"):
        adopt_keys(root, keys)
    assert list(elsewhere.iterdir()) == [] and _tree(root) == before
    (root / "crypto" / "bank2" / "nodes").unlink()
    assert adopt_keys(root, keys).package_id           # without the link, the keys go in


# ---- a damaged chaincode.env ---------------------------------------------------------------------
def test_a_chaincode_env_that_is_not_text_is_refused_by_name(unpacked):
    env_file = unpacked / "chaincode" / "receivables" / "supplier" / "chaincode.env"
    env_file.write_bytes(b"CHAINCODE_ID=\xff\xfe\n")
    with pytest.raises(NetworkError, match=r"chaincode.env does not name the ID of receivables_.*\.tar\.gz"):
        BundleHost.open(unpacked)
    result = CliRunner().invoke(host_group, ["status", "--bundle", str(unpacked)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)      # a refusal, not a crash
    assert result.output.startswith("Error: ") and "chaincode.env" in result.output
    assert json.loads((unpacked / bundle.MANIFEST).read_text())["org"] == "supplier"


# ---- a configtx.yaml of another shape --------------------------------------------------------------
@pytest.mark.parametrize("organizations", [["OrdererOrg"], "OrdererOrg", [["orderer0"]]])
def test_a_configtx_yaml_of_another_shape_gives_what_it_can_not_a_crash(tmp_path, hosts, prepared_hosts,
                                                                        organizations):
    """Whether the channel was made for the native runtime is read from configtx.yaml where it has
    configtx.build's shape: an org named rather than written out (a file edited by hand) gives no address,
    and a native address beside it is still found."""
    root = tmp_path / "hosts"
    shutil.copytree(prepared_hosts, root)
    (root / "config").mkdir()
    document = {"Profiles": {"Channel": {"Orderer": {"Organizations": organizations},
                                         "Application": {"Organizations": organizations}}}}
    (root / "config" / "configtx.yaml").write_text(yaml.safe_dump(document))
    assert bundle.write(hosts, root, "bank", tmp_path / "bank").org == "bank"
    if isinstance(organizations, list):
        organizations.append({"OrdererEndpoints": ["127.0.0.1:7050"]})
        (root / "config" / "configtx.yaml").write_text(yaml.safe_dump(document))
        with pytest.raises(NetworkError, match=r"made for the native runtime.* gives 127.0.0.1:7050 as "):
            bundle.write(hosts, root, "bank", tmp_path / "bank-native")
        assert not (tmp_path / "bank-native").exists()


# ---- a native configtx.yaml before its genesis block exists ------------------------------------------------
def test_a_native_configtx_yaml_is_refused_while_the_genesis_block_is_missing(tmp_path, hosts, prepared_hosts):
    """docs/deployment.md: a folder whose configtx.yaml gives an IP address as an orderer endpoint is refused,
    before anything is written, also where configtxgen has not made the genesis block yet."""
    root = tmp_path / "hosts"
    shutil.copytree(prepared_hosts, root)
    (root / "channel" / f"{hosts.channel}.block").unlink()
    (root / "config").mkdir()
    document = {"Profiles": {"Channel": {"Orderer": {"Organizations": [{"OrdererEndpoints": ["127.0.0.1:7050"]}]}}}}
    (root / "config" / "configtx.yaml").write_text(yaml.safe_dump(document))
    with pytest.raises(NetworkError, match=r"made for the native runtime.*configtx.yaml, which its genesis block "
                                           r"is to be made from, gives 127.0.0.1:7050 as "):
        bundle.write(hosts, root, "bank", tmp_path / "bank-native")
    assert not (tmp_path / "bank-native").exists()
