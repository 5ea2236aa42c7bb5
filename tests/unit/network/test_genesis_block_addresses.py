"""A genesis block kept from before is compared with the topology: a node moved to another port or listen_host since
the channel was made is refused, naming each moved address, before any node starts."""
import re
from pathlib import Path

import pytest
from fabric_protos.common import configuration_pb2 as common_config_pb2
from fabric_protos.orderer import configuration_pb2 as orderer_config_pb2
from fabric_protos.orderer.etcdraft import configuration_pb2 as etcdraft_config_pb2

from network import channel, configtx, control, crypto, membership
from network.control import Network
from network.errors import TopologyError
from network.fabric_bin import FabricInstall
from network.topology import OrgNamespace, parse

from .channel_fixtures import channel_config, config_block


class NoConfigtxgen:
    def run(self, *args, **kwargs):
        raise AssertionError("configtxgen called for a block that is kept")


def write_genesis_block(topology, data_root):
    """The genesis block configtxgen makes from configtx.yaml: the channel config of the fixtures with the Raft
    consenters (their TLS certificates' bytes) and the orderer org's endpoints, as configtx.build gives them."""
    profile = configtx.build(topology, data_root)["Profiles"][configtx.PROFILE]["Orderer"]
    config = channel_config(topology, data_root)
    orderer = config.channel_group.groups["Orderer"]
    consenters = [etcdraft_config_pb2.Consenter(host=c["Host"], port=c["Port"],
                                                client_tls_cert=Path(c["ClientTLSCert"]).read_bytes(),
                                                server_tls_cert=Path(c["ServerTLSCert"]).read_bytes())
                  for c in profile["EtcdRaft"]["Consenters"]]
    metadata = etcdraft_config_pb2.ConfigMetadata(consenters=consenters).SerializeToString()
    orderer.values["ConsensusType"].value = orderer_config_pb2.ConsensusType(type="etcdraft",
                                                                             metadata=metadata).SerializeToString()
    for org in profile["Organizations"]:
        orderer.groups[org["ID"]].values["Endpoints"].value = common_config_pb2.OrdererAddresses(
            addresses=org["OrdererEndpoints"]).SerializeToString()
    block = configtx.genesis_block_path(data_root, topology.channel)
    block.parent.mkdir(parents=True, exist_ok=True)
    block.write_bytes(config_block(config, topology.channel).SerializeToString())
    return block


def edited(topology, change):
    data = topology.model_dump(mode="json", exclude_none=True)
    change(data)
    return parse(data)


def moved_ports(data):
    data["orderer_org"]["orderers"][1]["port"] = 7160
    data["orgs"][1]["peers"][0]["port"] = 8061


def test_a_port_edited_since_the_channel_was_made_is_refused_naming_each_moved_address(topology, data_root):
    block = write_genesis_block(topology, data_root)
    with pytest.raises(TopologyError) as refused:
        channel.create_genesis_block(NoConfigtxgen(), edited(topology, moved_ports), data_root)
    message = str(refused.value)
    assert f"the channel receivables was made (genesis block {block})" in message
    assert "orderer1.orderer 127.0.0.1:7150 -> 127.0.0.1:7160 (Raft consenter, orderer endpoint)" in message
    assert "peer0.supplier 127.0.0.1:8051 -> 127.0.0.1:8061 (anchor peer of SupplierMSP)" in message
    assert "orderer0" not in message and "peer0.bank" not in message
    assert "Put the old addresses back in the topology" in message
    assert f"`recfin network down --purge` deletes the data folder {data_root}, and with it the ledger" in message


def test_a_listen_host_edited_since_names_every_node_the_channel_names(topology, data_root):
    write_genesis_block(topology, data_root)
    with pytest.raises(TopologyError) as refused:
        channel.create_genesis_block(NoConfigtxgen(), edited(topology, lambda d: d.update(listen_host="127.0.0.2")),
                                     data_root)
    moved = str(refused.value).split("gives them: ", 1)[1].split(". The channel's config", 1)[0].split("; ")
    assert moved == ["orderer0.orderer 127.0.0.1:7050 -> 127.0.0.2:7050 (Raft consenter, orderer endpoint)",
                     "orderer1.orderer 127.0.0.1:7150 -> 127.0.0.2:7150 (Raft consenter, orderer endpoint)",
                     "orderer2.orderer 127.0.0.1:7250 -> 127.0.0.2:7250 (Raft consenter, orderer endpoint)",
                     "peer0.coreenterprise 127.0.0.1:7051 -> 127.0.0.2:7051 (anchor peer of CoreEnterpriseMSP)",
                     "peer0.supplier 127.0.0.1:8051 -> 127.0.0.2:8051 (anchor peer of SupplierMSP)",
                     "peer0.bank 127.0.0.1:9051 -> 127.0.0.2:9051 (anchor peer of BankMSP)",
                     "peer0.regulator 127.0.0.1:10051 -> 127.0.0.2:10051 (anchor peer of RegulatorMSP)"]


def test_the_same_topology_keeps_its_block_whichever_way_it_addresses_nodes(topology, hosts, data_root):
    block = write_genesis_block(topology, data_root)
    assert channel.create_genesis_block(NoConfigtxgen(), topology, data_root) == (block, False)
    assert channel.create_genesis_block(NoConfigtxgen(), hosts, data_root) == (block, False)


def test_a_block_made_by_hostname_is_compared_by_hostname(topology, hosts, data_root):
    """compose and separate hosts: the block names hostnames. The native view of the same network is only addressed
    otherwise; a port moved is named as the channel names the node, whichever view the topology is given in."""
    block = write_genesis_block(hosts, data_root)
    assert channel.create_genesis_block(NoConfigtxgen(), topology, data_root) == (block, False)
    assert channel.create_genesis_block(NoConfigtxgen(), hosts, data_root) == (block, False)
    moved = ("orderer1.orderer orderer1.orderer.recfin.local:7150 -> orderer1.orderer.recfin.local:7160 (Raft "
             "consenter, orderer endpoint); peer0.supplier peer0.supplier.recfin.local:8051 -> "
             "peer0.supplier.recfin.local:8061 (anchor peer of SupplierMSP).")
    for given in (topology, hosts):
        with pytest.raises(TopologyError, match=re.escape(moved)):
            channel.create_genesis_block(NoConfigtxgen(), edited(given, moved_ports), data_root)


def test_orgs_and_orderers_come_and_gone_since_move_nothing(topology, hosts, data_root):
    """The genesis block still lists an org removed since, and not an orderer the topology names since (a
    follower): neither is an address moved."""
    def regulator_gone_orderer_added(data):
        data["orgs"] = [org for org in data["orgs"] if org["name"] != "regulator"]
        data["orderer_org"]["orderers"].append({"name": "orderer3", "port": 7350, "admin_port": 7353,
                                                "operations_port": 9743})
    for made_from, checked in ((topology, topology), (hosts, hosts), (hosts, topology)):
        block = write_genesis_block(made_from, data_root)
        later = edited(checked, regulator_gone_orderer_added)
        assert channel.create_genesis_block(NoConfigtxgen(), later, data_root) == (block, False)


def test_an_org_of_the_block_that_left_and_came_back_at_a_new_port_is_not_compared(topology, data_root, fake_fabric):
    """`recfin org remove bankx`, `org add bank2` (taking bankx's old port), `org add bankx`: it comes back at new
    ports (membership.returning_org_spec), its anchor peer in the channel the one `org add` gave it, not the
    genesis block's; `prepare` reads the membership record and keeps the block. A port moved of an org that never
    left is refused still."""
    data = topology.model_dump(mode="json", exclude_none=True)
    bank = next(org for org in data["orgs"] if org["name"] == "bank")
    data["orgs"].append({**bank, "name": "bankx", "msp_id": "BankXMSP", "domain": "bankx.recfin.local",
                         "chaincode_server_port": 9995,
                         "peers": [{"name": "peer0", "port": 11051, "chaincode_port": 11052, "operations_port": 9448}]})
    defined = parse(data)
    crypto.generate(defined, data_root)
    block = write_genesis_block(defined, data_root)       # BankXMSP's anchor peer at 127.0.0.1:11051
    membership.record_removed(data_root, "bankx")
    bank2 = membership.new_org_spec(membership.effective(defined, data_root), "bank2", "bank", "91110000MA1K00007E")
    membership.record_added(data_root, bank2)
    assert bank2.peers[0].port == 11051
    membership.record_added(data_root, membership.returning_org_spec(
        defined, membership.effective(defined, data_root), "bankx", "bank"))
    now = membership.effective(defined, data_root)
    crypto.generate(now, data_root, adding=["bank2"])     # as `org add bank2` made it
    assert now.node("peer0.bankx").address != "127.0.0.1:11051"
    assert channel.create_genesis_block(NoConfigtxgen(), now, data_root) == (block, False)
    lines = []
    assert Network(defined, data_root=data_root, fabric=FabricInstall.locate(), say=lines.append,
                   timeout=5).prepare() == block
    assert lines[-1] == f"channel receivables genesis block {block} (kept)"

    with pytest.raises(TopologyError) as refused:
        channel.create_genesis_block(NoConfigtxgen(), membership.effective(edited(defined, moved_ports), data_root),
                                     data_root)
    assert "peer0.supplier 127.0.0.1:8051 -> 127.0.0.1:8061 (anchor peer of SupplierMSP)" in str(refused.value)
    assert "bankx" not in str(refused.value)
    assert "only an org that left and was added again by `recfin org add` gets a new anchor peer" in \
        str(refused.value)


def test_an_org_of_the_block_given_a_freed_namespace_address_when_it_came_back_is_not_compared(topology, data_root):
    """In namespaces: bank2 added, bank removed (its address freed for the next org), bank3 added at bank's old
    address, bank added back at a new one. `up` and `prepare` keep the channel."""
    names = [topology.orderer_org.name, *(org.name for org in topology.orgs)]
    in_namespaces = topology.in_namespaces({name: OrgNamespace(netns=f"t-{name}", address=f"10.214.0.{10 + i}")
                                            for i, name in enumerate(names)})
    crypto.generate(in_namespaces, data_root)
    block = write_genesis_block(in_namespaces, data_root)      # BankMSP's anchor peer at 10.214.0.13:9051

    def add(name, address):
        now = membership.effective(in_namespaces, data_root)
        spec = (membership.returning_org_spec(in_namespaces, now, name, "bank") if name == "bank" else
                membership.new_org_spec(now, name, "bank", "91110000MA1K00007E"))
        membership.record_added(data_root, spec, OrgNamespace(netns=f"t-{name}", address=address))
    add("bank2", "10.214.0.15")
    membership.record_removed(data_root, "bank")
    add("bank3", "10.214.0.13")
    add("bank", "10.214.0.16")
    now = membership.effective(in_namespaces, data_root)
    assert now.node("peer0.bank").address == "10.214.0.16:9051"
    assert channel.create_genesis_block(NoConfigtxgen(), now, data_root) == (block, False)


def test_a_kept_file_that_is_no_config_block_is_left_to_the_joins(topology, data_root):
    block = configtx.genesis_block_path(data_root, topology.channel)
    block.parent.mkdir(parents=True)
    block.write_bytes(b"genesis block stand-in")
    assert channel.create_genesis_block(NoConfigtxgen(), edited(topology, moved_ports), data_root) == (block, False)


def test_up_and_prepare_refuse_before_starting_any_node(topology, data_root, fake_fabric, monkeypatch):
    write_genesis_block(topology, data_root)
    started = []
    monkeypatch.setattr(control, "ensure_free", lambda *args, **kwargs: [])
    monkeypatch.setattr(Network, "_start_node", lambda self, node: started.append(node.name))
    lines = []
    net = Network(edited(topology, moved_ports), data_root=data_root, fabric=FabricInstall.locate(),
                  say=lines.append, timeout=5)
    with pytest.raises(TopologyError, match=r"orderer1\.orderer 127\.0\.0\.1:7150 -> 127\.0\.0\.1:7160"):
        net.up()
    assert started == [] and lines == []
    with pytest.raises(TopologyError, match=r"peer0\.supplier 127\.0\.0\.1:8051 -> 127\.0\.0\.1:8061"):
        net.prepare()
    assert lines == []


@pytest.mark.parametrize("step", ["up", "prepare"])
def test_a_moved_listen_host_is_refused_before_any_tls_certificate_is_issued_for_it(topology, data_root, fake_fabric,
                                                                                     monkeypatch, step):
    write_genesis_block(topology, data_root)
    held = {path: path.read_bytes() for path in (data_root / "crypto").rglob("*") if path.is_file()}
    monkeypatch.setattr(control, "ensure_free", lambda *args, **kwargs: [])
    monkeypatch.setattr(Network, "_start_node", lambda self, node: pytest.fail("a node started"))
    net = Network(edited(topology, lambda d: d.update(listen_host="127.0.0.2")), data_root=data_root,
                  fabric=FabricInstall.locate(), say=lambda line: None, timeout=5)
    with pytest.raises(TopologyError, match=r"peer0\.bank 127\.0\.0\.1:9051 -> 127\.0\.0\.2:9051"):
        getattr(net, step)()
    assert {path: path.read_bytes() for path in (data_root / "crypto").rglob("*") if path.is_file()} == held
