"""A chaincode other than the topology's serves 10 ports further on per name (ccservers.port_offset_for): ports
topology validation never sees, so `recfin chaincode deploy` checks them against the nodes' and the other
chaincodes' servers' before anything is packaged."""
from __future__ import annotations

import copy

import pytest
import yaml

from network.control import Network
from network.errors import ChaincodeError
from network.fabric_bin import FabricInstall
from network.topology import DEFAULT_TOPOLOGY, parse

from .scripted_peer import ScriptedPeer
from .test_deploy import RecordingSupervisor

FEATURES = "chaincode.feature_contract:FeatureContract"


def network_of(data_root, change) -> Network:
    data = copy.deepcopy(yaml.safe_load(DEFAULT_TOPOLOGY.read_text()))
    change(data)
    topology = parse(data)
    net = Network(topology, data_root=data_root, fabric=FabricInstall.locate(), supervisor_=RecordingSupervisor())
    net.tools = ScriptedPeer(topology)
    return net


def refused_before_anything(net, data_root, message):
    with pytest.raises(ChaincodeError, match=message):
        net.deploy_chaincode(name="features", contract=FEATURES)
    assert net.tools.calls == [] and net.supervisor.started == []
    assert not (data_root / "chaincode" / "features").exists()


def test_a_further_chaincodes_server_on_a_nodes_port_is_refused(data_root, fake_fabric):
    def peer_operations_on_10002(data):         # supplier's features server: 9992 + 10
        data["orgs"][1]["peers"][0]["operations_port"] = 10002
    net = network_of(data_root, peer_operations_on_10002)
    refused_before_anything(net, data_root, r"^chaincode features: its chaincode server for supplier would listen "
                                            r"on port 10002 \(supplier's chaincode_server_port 9992 \+ 10\), which "
                                            r"is peer0.supplier's operations_port: move one of them in topology.yaml "
                                            r"\(chaincode features listens 10 ports above each org's "
                                            r"chaincode_server_port")


def test_a_further_chaincodes_server_on_the_first_chaincodes_port_is_refused(data_root, fake_fabric):
    def regulator_server_on_10001(data):        # coreenterprise's features server: 9991 + 10
        data["orgs"][3]["chaincode_server_port"] = 10001
    net = network_of(data_root, regulator_server_on_10001)
    net.deploy_chaincode()
    calls = len(net.tools.calls)
    with pytest.raises(ChaincodeError, match=r"its chaincode server for coreenterprise would listen on port 10001 "
                                             r"\(coreenterprise's chaincode_server_port 9991 \+ 10\), which is the "
                                             r"chaincode server of chaincode receivables for regulator"):
        net.deploy_chaincode(name="features", contract=FEATURES)
    assert len(net.tools.calls) == calls


def test_a_further_chaincodes_operations_port_above_65535_is_refused(data_root, fake_fabric):
    def bank_server_high(data):
        data["orgs"][2]["chaincode_server_port"] = 64530            # its operations endpoint at 65530: valid
    net = network_of(data_root, bank_server_high)
    refused_before_anything(net, data_root, r"^chaincode features: its operations endpoint for bank would listen on "
                                            r"port 65540 \(bank's chaincode_server_port 64530 \+ 10 \+ 1000\), "
                                            r"above 65535: lower bank's chaincode_server_port in topology.yaml$")

