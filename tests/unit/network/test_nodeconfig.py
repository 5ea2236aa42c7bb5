import os
import re
import stat

import pytest
import yaml

from network import nodeconfig
from network.crypto import org_crypto
from network.errors import NetworkError
from network.topology import load, parse


def test_peer_env_overrides(topology, data_root):
    node = topology.node("peer0.bank")
    env = nodeconfig.peer_env(topology, data_root, node)
    dirs = nodeconfig.node_dirs(data_root, node.name)
    assert env["CORE_PEER_ID"] == "peer0.bank.recfin.local"
    assert env["CORE_PEER_ADDRESS"] == env["CORE_PEER_LISTENADDRESS"] == "127.0.0.1:9051"
    assert env["CORE_PEER_CHAINCODELISTENADDRESS"] == env["CORE_PEER_CHAINCODEADDRESS"] == "127.0.0.1:9052"
    assert env["CORE_PEER_GOSSIP_EXTERNALENDPOINT"] == "127.0.0.1:9051"
    assert env["CORE_PEER_GOSSIP_BOOTSTRAP"] == "127.0.0.1:9051"
    assert env["CORE_PEER_LOCALMSPID"] == "BankMSP"
    assert env["CORE_OPERATIONS_LISTENADDRESS"] == "127.0.0.1:9446"
    # empty, a variable would read as unset and leave core.yaml's vm.endpoint: the native core.yaml is edited
    assert "CORE_VM_ENDPOINT" not in env
    assert env["CORE_PEER_TLS_ENABLED"] == "true"
    assert env["FABRIC_CFG_PATH"] == str(dirs.config)
    assert env["CORE_PEER_FILESYSTEMPATH"] == str(dirs.data)
    assert env["CORE_LEDGER_SNAPSHOTS_ROOTDIR"].startswith(str(dirs.data))
    assert env["CORE_METRICS_PROVIDER"] == "prometheus"
    for key in ("CORE_PEER_MSPCONFIGPATH", "CORE_PEER_TLS_CERT_FILE", "CORE_PEER_TLS_KEY_FILE", "CORE_PEER_TLS_ROOTCERT_FILE"):
        assert (data_root / env[key]).exists(), key


def test_each_peer_of_an_org_bootstraps_gossip_from_the_orgs_other_peers(tmp_path):
    data = load().model_dump(mode="json", exclude_none=True)
    next(o for o in data["orgs"] if o["name"] == "bank")["peers"] += [
        {"name": "peer1", "port": 9061, "chaincode_port": 9062, "operations_port": 9448},
        {"name": "peer2", "port": 9071, "chaincode_port": 9072, "operations_port": 9449}]
    three = parse(data, "a bank with three peers")
    for topology in (three, three.on_hosts()):      # the native runtime's addresses, and compose's hostnames
        bank = [n.address for n in topology.peers("bank")]
        for node in topology.peers("bank"):
            env = nodeconfig.peer_env(topology, tmp_path, node)
            # Fabric reads peer.gossip.bootstrap as a list, space-separated in one variable
            assert env["CORE_PEER_GOSSIP_BOOTSTRAP"].split(" ") == [a for a in bank if a != node.address]
        alone = topology.node("peer0.supplier")     # an org's only peer: nothing but itself to ask
        assert nodeconfig.peer_env(topology, tmp_path, alone)["CORE_PEER_GOSSIP_BOOTSTRAP"] == alone.address


def test_orderer_env_overrides(topology, data_root):
    node = topology.node("orderer1.orderer")
    env = nodeconfig.orderer_env(topology, data_root, node)
    dirs = nodeconfig.node_dirs(data_root, node.name)
    assert env["ORDERER_GENERAL_BOOTSTRAPMETHOD"] == "none"
    assert env["ORDERER_CHANNELPARTICIPATION_ENABLED"] == "true"
    assert env["ORDERER_GENERAL_TLS_ENABLED"] == "true"
    assert (env["ORDERER_GENERAL_LISTENADDRESS"], env["ORDERER_GENERAL_LISTENPORT"]) == ("127.0.0.1", "7150")
    assert env["ORDERER_ADMIN_LISTENADDRESS"] == "127.0.0.1:7153"
    assert env["ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED"] == "true"
    tlsca = org_crypto(data_root, "orderer", "orderer.recfin.local").node_dir(node.hostname) / "tls" / "ca.crt"
    assert env["ORDERER_ADMIN_TLS_CLIENTROOTCAS"] == f"[{tlsca}]"
    assert env["ORDERER_OPERATIONS_LISTENADDRESS"] == "127.0.0.1:9543"
    assert env["ORDERER_FILELEDGER_LOCATION"].startswith(str(dirs.data))
    assert env["ORDERER_CONSENSUS_WALDIR"] != env["ORDERER_CONSENSUS_SNAPDIR"]
    assert env["ORDERER_GENERAL_LOCALMSPID"] == "OrdererMSP"
    for key in ("ORDERER_GENERAL_TLS_CERTIFICATE", "ORDERER_GENERAL_TLS_PRIVATEKEY", "ORDERER_GENERAL_LOCALMSPDIR",
                "ORDERER_GENERAL_CLUSTER_CLIENTCERTIFICATE"):
        assert (data_root / env[key]).exists(), key


def test_every_node_gets_its_own_folders_and_ports(topology, data_root):
    envs = [nodeconfig.node_env(topology, data_root, n) for n in topology.nodes()]
    assert len({e["FABRIC_CFG_PATH"] for e in envs}) == len(envs)
    ops = [e.get("CORE_OPERATIONS_LISTENADDRESS") or e.get("ORDERER_OPERATIONS_LISTENADDRESS") for e in envs]
    assert len(set(ops)) == len(ops)


def test_core_yaml_turns_docker_off_and_names_the_builder(tmp_path):
    base = {"peer": {"id": "jdoe"}, "vm": {"endpoint": "unix:///var/run/docker.sock"},
            "chaincode": {"externalBuilders": [], "mode": "net"}}
    core = nodeconfig.peer_core_yaml(base, tmp_path / "builder")
    assert core["vm"]["endpoint"] == ""
    assert core["chaincode"]["externalBuilders"] == [
        {"name": "recfin-ccaas", "path": str(tmp_path / "builder"), "propagateEnvironment": ["HOME", "PATH"]}]
    assert core["chaincode"]["mode"] == "net"
    assert core["peer"] == {"id": "jdoe", "handlers": {"authFilters": [{"name": "TimeWindowCheck"}]}}
    assert base["vm"]["endpoint"].startswith("unix://")   # the base is not modified


def test_write_node_config(topology, data_root, fake_fabric):
    peer, orderer = topology.node("peer0.regulator"), topology.node("orderer2.orderer")
    folder = nodeconfig.write_node_config(topology, data_root, peer, fake_fabric / "config")
    core = yaml.safe_load((folder / "core.yaml").read_text())
    assert core["vm"]["endpoint"] == "" and core["chaincode"]["externalBuilders"][0]["name"] == "recfin-ccaas"
    folder = nodeconfig.write_node_config(topology, data_root, orderer, fake_fabric / "config")
    assert (folder / "orderer.yaml").read_text() == (fake_fabric / "config" / "orderer.yaml").read_text()


@pytest.mark.parametrize("node_name, file_name", [("peer0.regulator", "core.yaml"), ("orderer2.orderer", "orderer.yaml")])
@pytest.mark.parametrize("content, problem", [("", "the file is empty"), ("- a\n- b\n", "it holds a list"),
                                              ("peer: [unclosed\n", "")])
def test_a_base_config_holding_no_mapping_is_refused_naming_it_and_writes_no_node_config(
        topology, data_root, fake_fabric, node_name, file_name, content, problem):
    """A hand-placed Fabric whose base core.yaml or orderer.yaml is empty or damaged: refused naming the file and
    how to restore it, where the peer's failed as a Python AttributeError and the orderer's in its log at start."""
    base = fake_fabric / "config" / file_name
    base.write_text(content)
    node = topology.node(node_name)
    with pytest.raises(NetworkError, match=re.escape(str(base)) + f".*{problem}.*scripts/install-fabric"):
        nodeconfig.write_node_config(topology, data_root, node, fake_fabric / "config")
    assert not (nodeconfig.node_dirs(data_root, node.name).config / file_name).exists()


def test_peer_admin_env_acts_as_the_org_admin(topology, data_root):
    env = nodeconfig.peer_admin_env(topology, data_root, "SupplierMSP")
    assert env["CORE_PEER_LOCALMSPID"] == "SupplierMSP"
    assert env["CORE_PEER_MSPCONFIGPATH"].endswith("users/admin@supplier.recfin.local/msp")
    assert env["CORE_PEER_ADDRESS"] == "127.0.0.1:8051"
    assert env["CORE_PEER_TLS_ENABLED"] == "true"
    assert env["CORE_PEER_TLS_ROOTCERT_FILE"].endswith("supplier/tlsca/tlsca.pem")


def test_osnadmin_uses_mutual_tls(topology, data_root):
    args = nodeconfig.osnadmin_tls_args(topology, data_root)
    assert args[0::2] == ["--ca-file", "--client-cert", "--client-key"]
    assert all((data_root / a).is_file() for a in args[1::2])


def test_node_and_channel_config_files_are_never_writable_by_others_whatever_the_umask(topology, data_root,
                                                                                      fake_fabric):
    # under umask 000 a plain write left core.yaml, orderer.yaml and configtx.yaml anyone's to edit
    from network import configtx

    old = os.umask(0)
    try:
        written = [nodeconfig.write_node_config(topology, data_root, topology.node(name), fake_fabric / "config")
                   / file for name, file in (("peer0.bank", "core.yaml"), ("orderer0.orderer", "orderer.yaml"))]
        written.append(configtx.write(topology, data_root) / "configtx.yaml")
    finally:
        os.umask(old)
    assert {path.name: stat.S_IMODE(path.stat().st_mode) for path in written} == {
        "core.yaml": 0o644, "orderer.yaml": 0o644, "configtx.yaml": 0o644}
