import json
import sys

from network import ccservers
from network.fabric_bin import REPO_ROOT


def test_server_spec_runs_the_contract_with_its_package_id(topology, tmp_path):
    org = topology.org("bank")
    spec = ccservers.server_spec(topology, tmp_path, "receivables", org, "chaincode.receivables:ReceivablesContract",
                                 "receivables_1.0:abc")
    assert spec.argv == [sys.executable, "-m", "chaincode", "--contract", "chaincode.receivables:ReceivablesContract"]
    assert spec.env["CHAINCODE_ID"] == "receivables_1.0:abc"
    assert spec.env["CHAINCODE_SERVER_ADDRESS"] == "127.0.0.1:9993"
    assert spec.env["PYTHONPATH"].split(":")[0] == str(REPO_ROOT)
    assert spec.name == "receivables.bank"
    assert spec.log == tmp_path / "chaincode" / "receivables" / "bank" / "server.log"
    assert "RECFIN_NETWORK_CONFIG" not in spec.env          # no file named: the contract's default configuration
    config = tmp_path / "chaincode" / "receivables" / "network_config.json"
    spec = ccservers.server_spec(topology, tmp_path, "receivables", org, "chaincode.receivables:ReceivablesContract",
                                 "receivables_1.0:abc", network_config=config)
    assert spec.env["RECFIN_NETWORK_CONFIG"] == str(config)


def test_deployment_round_trip(tmp_path):
    d = ccservers.Deployment("receivables", "1.0", 1, "m:C", None, None, 0, {"BankMSP": "receivables_1.0:aa"})
    ccservers.save_deployment(tmp_path, d)
    assert ccservers.load_deployment(tmp_path, "receivables") == d
    # a record written before deployments named their contract configuration still loads
    record = ccservers.state_file(tmp_path, "receivables")
    old = {k: v for k, v in json.loads(record.read_text()).items() if k != "network_config_sha256"}
    record.write_text(json.dumps(old))
    assert ccservers.load_deployment(tmp_path, "receivables") == d
    assert ccservers.deployments(tmp_path) == [d]
    assert ccservers.load_deployment(tmp_path, "other") is None


def test_other_chaincode_names_get_their_own_ports(tmp_path):
    assert ccservers.port_offset_for(tmp_path, "receivables", "receivables") == 0
    assert ccservers.port_offset_for(tmp_path, "audit", "receivables") == 10
    ccservers.save_deployment(tmp_path, ccservers.Deployment("audit", "1", 1, "m:C", None, None, 10, {}))
    assert ccservers.port_offset_for(tmp_path, "audit", "receivables") == 10
    assert ccservers.port_offset_for(tmp_path, "pricing", "receivables") == 20
