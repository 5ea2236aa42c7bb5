"""What an operator does to a running network, done for real: a chaincode server
dies and comes back, the whole network stops and resumes on its ledgers, and a
new chaincode version is deployed in place. These run after the feature tests
(the module's name sorts after theirs; only the fault suite, moved to the end by
conftest.py, runs later) because they stop processes the others use.
"""
from __future__ import annotations

import json
import os
import signal
import uuid

import pytest
from click.testing import CliRunner

from cli.main import main
from client.gateway import GatewayError

from .conftest import FEATURE_CHAINCODE, FEATURE_CONTRACT, as_json

SUPPLIER = "SupplierMSP"


@pytest.fixture
def contract_for(gateways, feature_chaincode):
    def contract(org: str):
        return gateways(org).get_network("receivables").get_contract(feature_chaincode)

    return contract


def chaincode_server(network, org_msp_id: str):
    for node in network.status():
        if node.kind == "chaincode" and node.name.startswith(f"{FEATURE_CHAINCODE}.") and node.org == org_msp_id:
            return node
    raise AssertionError(f"no {FEATURE_CHAINCODE} chaincode server for {org_msp_id} in status")


def test_a_dead_chaincode_server_fails_clearly_and_work_resumes_when_it_is_back(fabric_network, contract_for):
    key = f"cc-restart-{uuid.uuid4().hex[:8]}"
    contract_for("supplier").submit_transaction("PutState", key, "before")

    server = chaincode_server(fabric_network, SUPPLIER)
    os.kill(server.pid, signal.SIGKILL)
    try:
        # Pinned to the supplier's peer: unpinned, the Gateway would retry the read on another org's peer,
        # whose server is alive, and the dead one would go unnoticed.
        with pytest.raises(GatewayError) as failed:
            contract_for("supplier").evaluate("GetState", arguments=[key], endorsing_organizations=[SUPPLIER])
        assert "chaincode" in str(failed.value).lower()
    finally:
        # the server runs again whatever failed above: the later tests on the feature chaincode need it
        fabric_network.start_chaincode_servers(FEATURE_CHAINCODE)
    read = contract_for("supplier").evaluate("GetState", arguments=[key], endorsing_organizations=[SUPPLIER])
    assert as_json(read)["value"] == "before"


def recfin(topology_file, *args: str):
    """`recfin ARGS` on the suite's network, as an operator types it; the test fails with the command's words."""
    result = CliRunner(env={"RECFIN_TOPOLOGY": str(topology_file)}).invoke(main, list(args))
    assert result.exit_code == 0, f"recfin {' '.join(args)}: {result.output}"
    return result


def test_down_then_up_resumes_on_the_same_ledgers(fabric_network, topology_file, gateways, feature_chaincode):
    key = f"resume-{uuid.uuid4().hex[:8]}"
    contract = gateways("bank").get_network("receivables").get_contract(feature_chaincode)
    contract.submit_transaction("PutState", key, "kept")
    heights_before = {n.name: n.height for n in fabric_network.status() if n.kind == "peer"}

    try:
        stopped = recfin(topology_file, "network", "down")
        assert "network down: " in stopped.output and "ledgers kept in" in stopped.output
        assert all(n.pid is None for n in fabric_network.status())
    finally:
        # up whatever failed above: the tests after this one (the fault suite's among them) need the network
        started = json.loads(recfin(topology_file, "network", "up", "--json").stdout)
    assert all(n["healthy"] for n in started if n["kind"] != "chaincode")
    assert all(n["pid"] for n in started)           # the chaincode servers too: `up` starts them again

    heights_after = {n.name: n.height for n in fabric_network.status() if n.kind == "peer"}
    assert all(heights_after[name] >= height for name, height in heights_before.items())
    # A fresh connection: the old channels died with the peers.
    reader = gateways("regulator").get_network("receivables").get_contract(feature_chaincode)
    assert as_json(reader.evaluate_transaction("GetState", key))["value"] == "kept"


def test_a_new_version_upgrades_in_place_without_losing_state(fabric_network, topology_file, gateways,
                                                              feature_chaincode, tmp_path):
    from chaincode.feature_contract import feature_collections_json

    key = f"upgrade-{uuid.uuid4().hex[:8]}"
    gateways("supplier").get_network("receivables").get_contract(feature_chaincode).submit_transaction(
        "PutState", key, "from 1.0"
    )
    collections = tmp_path / "collections.json"
    collections.write_text(feature_collections_json())
    first = fabric_network.deploy_chaincode(
        name=FEATURE_CHAINCODE, contract=FEATURE_CONTRACT, version="1.0", collections_config=collections
    )
    upgraded = json.loads(recfin(topology_file, "chaincode", "deploy", "--name", FEATURE_CHAINCODE,
                                 "--contract", FEATURE_CONTRACT, "--version", "1.1",
                                 "--collections-config", str(collections), "--json").stdout)
    assert first.changed is False
    assert upgraded["changed"] and upgraded["sequence"] == first.sequence + 1 and upgraded["version"] == "1.1"

    reader = gateways("coreenterprise").get_network("receivables").get_contract(feature_chaincode)
    assert json.loads(reader.evaluate_transaction("GetState", key))["value"] == "from 1.0"
