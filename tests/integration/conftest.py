"""The integration suite: a real Fabric network, started and stopped by the suite.

The network is the project's own topology (three Raft orderers, four peer orgs)
run as native processes from the binaries that scripts/install-fabric builds.
Without those binaries every test here is skipped, with the install step's own
reason; nothing here ever stands in for a peer or an orderer.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from client.gateway import Gateway, connect, load_msp_folder
from network import Network, profiles
from network.fabric_bin import FabricInstall, fabric_home

FEATURE_CHAINCODE = "features"
FEATURE_CONTRACT = "chaincode.feature_contract:FeatureContract"


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.integration)
    # The fault suite kills and restarts nodes of the shared network: it runs after everything else.
    items.sort(key=lambda item: item.get_closest_marker("chaos") is not None)


def fabric_missing_reason() -> str | None:
    """Why the real network cannot start here, or None when it can."""
    missing = FabricInstall.locate().missing()
    if not missing:
        return None
    recorded = fabric_home() / "install-error.txt"
    why = recorded.read_text().strip() if recorded.is_file() else "scripts/install-fabric has not been run"
    return f"Fabric binaries missing ({', '.join(missing)}): {why}"


@pytest.fixture(scope="session")
def fabric_network(tmp_path_factory) -> Network:
    reason = fabric_missing_reason()
    if reason:
        pytest.skip(reason)
    network = Network.load(data_root=tmp_path_factory.mktemp("network"), say=print)
    network.up()
    try:
        yield network
    finally:
        network.down(purge=True)


@pytest.fixture(scope="session")
def feature_chaincode(fabric_network, tmp_path_factory) -> str:
    """The runtime's feature-test contract, deployed with its private data collection."""
    from chaincode.feature_contract import feature_collections_json

    collections = tmp_path_factory.mktemp("features") / "collections.json"
    collections.write_text(feature_collections_json())
    fabric_network.deploy_chaincode(
        name=FEATURE_CHAINCODE, contract=FEATURE_CONTRACT, version="1.0", collections_config=collections
    )
    return FEATURE_CHAINCODE


@pytest.fixture(scope="session")
def gateways(fabric_network):
    """connect_as(org, user) -> a Gateway to that org's own peer; all closed at the end."""
    opened: list[Gateway] = []

    def connect_as(org: str, user: str | None = None) -> Gateway:
        profile = profiles.load(org, fabric_network.data_root)
        who = profile.user(user) if user else next(iter(profile.users.values()))
        identity, signer = load_msp_folder(who.msp_dir, profile.msp_id)
        gateway = connect(
            profile.gateway.address,
            identity=identity,
            signer=signer,
            tls_root_certificates=profile.gateway.tls_root_cert,
            server_name_override=profile.gateway.host_name_override,
        )
        opened.append(gateway)
        return gateway

    yield connect_as
    for gateway in opened:
        gateway.close()


def as_json(result: bytes):
    return json.loads(result.decode()) if result else None
