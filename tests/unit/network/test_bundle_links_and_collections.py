"""The collections a company's org approves with, from its bundle or the compose network's data folder."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from network import bundle, contract_config
from network.bundle_host import BundleHost
from network.errors import NetworkError

# a file of the checkout, as a topology names it
FIXED = Path("chaincode/receivables/collections_config.json")


def with_fixed_collections(topology):
    """The topology naming a fixed collections file (chaincode.collections_config: FILE)."""
    chaincode = topology.chaincode.model_copy(update={"collections_config": FIXED})
    return topology.model_copy(update={"chaincode": chaincode})


@pytest.fixture(scope="module")
def written(tmp_path_factory, hosts, prepared_hosts) -> Path:
    out = tmp_path_factory.mktemp("bundles") / "supplier"
    bundle.write(hosts, prepared_hosts, "supplier", out)
    return out


@pytest.fixture
def unpacked(written, tmp_path) -> Path:
    target = tmp_path / "var-recfin"
    shutil.copytree(written, target)
    return target


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
