"""The port numbers docs/network.md and docs/deployment.md give for the shipped network are the ones
network/topology.yaml gives its nodes and chaincode servers.

An operator opens a firewall, points a scraper or dials a node by these numbers: the "Ports" table of
docs/network.md (each node's listen, chaincode, operations and admin port), the chaincode servers' ports and
their operations endpoints 1000 above, the operations and admin ports `network compose-up` asks in
docs/deployment.md, and every `localhost:PORT` or `127.0.0.1:PORT` the two pages dial. A port moved in the
topology must fail here, not leave the pages sending the reader to a port nothing listens on.
"""
from __future__ import annotations

import re

from network.topology import DEFAULT_TOPOLOGY, OPERATIONS_PORT_SHIFT, load as load_topology
from tests.unit.test_documented_python import ROOT

TOPOLOGY = load_topology(DEFAULT_TOPOLOGY)
NETWORK = (ROOT / "docs" / "network.md").read_text(encoding="utf-8")
DEPLOYMENT = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
COLUMNS = ("port", "chaincode_port", "operations_port", "admin_port")   # the table's: listen, chaincode, ...


def _ports_section() -> str:
    return NETWORK.split("\n### Ports\n", 1)[1].split("\n### ", 1)[0]


def _one_line(text: str) -> str:
    return " ".join(text.split())


def test_the_ports_table_is_the_topologys():
    rows = re.findall(r"^\| ([a-z0-9]+\.[a-z0-9-]+) \| (.+) \|$", _ports_section(), re.MULTILINE)
    shown = {node: dict(zip(COLUMNS, (int(cell) if cell.strip().isdigit() else None
                                      for cell in cells.split(" | "))))
             for node, cells in rows}
    topology = {node.name: {column: node.ports.get(column) for column in COLUMNS} for node in TOPOLOGY.nodes()}
    assert shown == topology, "the Ports table of docs/network.md and network/topology.yaml differ"


def test_the_chaincode_servers_ports_and_their_operations_endpoints_are_the_topologys():
    section = _one_line(_ports_section())
    servers = section.split("Chaincode servers (one per org, dialled by that org's peer): ", 1)[1].split(". ", 1)[0]
    assert dict((org, int(port)) for port, org in re.findall(r"(\d+) \(([a-z0-9-]+)\)", servers)) == \
        {org.name: org.chaincode_server_port for org in TOPOLOGY.orgs}, "the chaincode servers' ports"
    shift, first, last = re.search(r"listens (\d+) ports above its gRPC port: (\d+) … (\d+)\.", section).groups()
    assert int(shift) == OPERATIONS_PORT_SHIFT
    assert (int(first), int(last)) == (TOPOLOGY.orgs[0].chaincode_server_port + OPERATIONS_PORT_SHIFT,
                                       TOPOLOGY.orgs[-1].chaincode_server_port + OPERATIONS_PORT_SHIFT)


def test_the_ports_compose_up_asks_are_the_topologys():
    steps = _one_line(DEPLOYMENT)
    orderers = [o for o in TOPOLOGY.nodes() if o.kind == "orderer"]
    peers = [p for p in TOPOLOGY.nodes() if p.kind == "peer"]
    health = re.search(r"\(orderers `localhost:(\d+)`, `(\d+)`, `(\d+)`, peers `(\d+)` \.\.\. `(\d+)`", steps)
    assert [int(port) for port in health.groups()] == \
        [o.ports["operations_port"] for o in orderers] + [peers[0].ports["operations_port"],
                                                           peers[-1].ports["operations_port"]]
    admin = re.search(r"joins each orderer \(admin ports ([\d, ]+)\)", steps)[1]
    assert [int(port) for port in admin.split(", ")] == [o.ports["admin_port"] for o in orderers]


def test_every_local_port_the_pages_dial_is_one_of_the_shipped_network():
    taken = {port for node in TOPOLOGY.nodes() for port in node.ports.values()}
    taken |= {port for org in TOPOLOGY.orgs
              for port in (org.chaincode_server_port, org.chaincode_server_port + OPERATIONS_PORT_SHIFT)}
    wrong = [f"{name}:{page[:found.start()].count(chr(10)) + 1}: {found[0]}"
             for name, page in (("docs/network.md", NETWORK), ("docs/deployment.md", DEPLOYMENT))
             for found in re.finditer(r"\b(?:localhost|127\.0\.0\.1):(\d+)\b", page)
             if int(found[1]) not in taken]
    assert not wrong, "ports no node or chaincode server of network/topology.yaml has:\n" + "\n".join(wrong)


def test_each_peer_dialled_by_port_is_the_org_the_command_names():
    """`--peerAddresses localhost:8051 --tlsRootCertFiles $D/crypto/supplier/...` and
    `CORE_PEER_LOCALMSPID=SupplierMSP CORE_PEER_ADDRESS=localhost:8051`: the port is that org's peer's."""
    peer_port = {node.org_name: node.ports["port"] for node in TOPOLOGY.nodes() if node.kind == "peer"}
    msp_org = {org.msp_id: org.name for org in TOPOLOGY.orgs}
    pairs = [(org, int(port)) for port, org in
             re.findall(r"--peerAddresses localhost:(\d+) --tlsRootCertFiles \$D/crypto/([a-z0-9-]+)/", DEPLOYMENT)]
    pairs += [(msp_org[msp], int(port)) for msp, port in
              re.findall(r"CORE_PEER_LOCALMSPID=(\w+) CORE_PEER_ADDRESS=localhost:(\d+)", DEPLOYMENT)]
    assert len(pairs) >= 5, "the lifecycle commands of docs/deployment.md are no longer where this test reads them"
    assert [(org, port) for org, port in pairs if peer_port[org] != port] == []
