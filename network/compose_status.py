"""How the compose network's orderers, peers and chaincode servers are doing, asked from the Docker machine.

The compose counterpart of `Network.status`: the nodes are reached as `ComposeUp` reaches them
(localhost and the published ports) and asked the native status's questions with its code:
/healthz (`probes.healthy`), the channel's block height (`channel.node_height`: the metrics, else
`peer channel getinfo` as the org's admin or osnadmin's channel height), for orderers channel
membership (`channel.orderer_channel_info`) and the Raft leader (`channel.raft_leader`). The
chaincode servers publish no port: their rows are what Docker says of their containers, whose
compose healthcheck asks their /healthz (`container_health`). A node that does not answer is a
row that says so, never an exception.
"""
from __future__ import annotations

from dataclasses import dataclass

from . import ccservers, channel, probes
from .bundle_host import prepare_peer_cli
from .compose_up import ComposeUp
from .containers import Hints, container_health
from .errors import ToolError
from .topology import Node


@dataclass
class ComposeNodeStatus:
    name: str
    org: str                    # MSP ID
    kind: str                   # orderer, peer, chaincode
    address: str                # as dialled from the Docker machine; chaincode servers: by their peers, in compose
    healthy: bool | None        # /healthz answered OK; chaincode servers: their container's, None when unknown
    height: int | None          # the channel's block height on this node
    member: bool | None         # orderers: in the channel (osnadmin); peers: None
    raft_leader: bool | None    # orderers: leads the channel's Raft cluster; None when no orderer says
    problem: str | None = None  # what is wrong and where to look


def compose_status(up: ComposeUp) -> list[ComposeNodeStatus]:
    """One row per orderer and peer of the compose network (unhealthy ones are asked nothing more), then one per
    chaincode server."""
    topo, root, tools = up.topology, up.data_root, up.tools
    # the `peer` CLI's base config, where getinfo as the org's admin looks (no chaincode package is needed)
    prepare_peer_cli(tools.fabric, root, topo.peers())
    leader = channel.raft_leader(topo)
    rows = []
    for node in topo.nodes():
        row = ComposeNodeStatus(node.name, node.msp_id, node.kind, node.address, False, None, None, None)
        rows.append(row)
        if not probes.healthy(node.operations_address):
            row.problem = (f"no OK from /healthz at {node.operations_address}: see `docker ps -a` and "
                           f"`docker logs {up.service(node)}`")
            continue
        row.healthy = True
        if node.kind == "orderer":
            row.raft_leader = None if leader is None else node.name == leader.name
            row.member, row.problem = _orderer_membership(up, node)
        row.height = channel.node_height(tools, topo, root, node)
        if row.height is None and row.problem is None:
            row.problem = (f"no block height for {topo.channel} (not joined yet?): "
                           f"`recfin network compose-up` joins it")
    _mark_behind(rows)
    if leader is None:
        _mark_leaderless(up, rows)
    return rows + chaincode_rows(up)


def leaderless(rows: list[ComposeNodeStatus]) -> bool:
    """No orderer leads the channel's Raft cluster, so nothing can be ordered: its members have no leader,
    or no orderer is a member (compose-up has not joined them, or their ledger volumes were lost)."""
    return not any(r.kind == "orderer" and r.raft_leader for r in rows)


def _mark_leaderless(up: ComposeUp, rows: list[ComposeNodeStatus]) -> None:
    """Every healthy orderer may look fine on its own while no transaction can be ordered: say so on each
    member's row, where an operator reads first, with where to look (each orderer logs its Raft elections)."""
    for row in rows:
        if row.kind == "orderer" and row.member and row.problem is None:
            row.problem = (f"no orderer leads the Raft cluster of {up.topology.channel}, so no transaction can be "
                           f"ordered: a majority of its consenters must run and reach each other; see "
                           f"`docker logs {up.service(up.topology.node(row.name))}`")


def chaincode_rows(up: ComposeUp) -> list[ComposeNodeStatus]:
    """One row per org's chaincode server, from its container (named by its hostname, as compose.chaincode_service
    names it): a peer whose server is down fails every invoke while its own /healthz answers OK."""
    services = up.services          # the channel's orgs, on the hostnames the containers use
    rows = []
    for org in services.orgs:
        container = services.chaincode_server_host(org)
        healthy, problem = container_health(container, COMPOSE_HINTS)
        rows.append(ComposeNodeStatus(ccservers.server_name(services.chaincode.name, org.name), org.msp_id,
                                      "chaincode", services.chaincode_server_address(org), healthy, None, None, None,
                                      problem))
    return rows


# What compose-status tells the operator to do about a chaincode server's container.
COMPOSE_HINTS = Hints(
    elsewhere="run compose-status on the Docker machine",
    # not `docker compose up -d`: run elsewhere than beside the compose file the network runs from, it would start
    # another file's containers, on no data folder given
    start="`recfin network compose-up --start --compose-file FILE`, FILE the compose file the network runs from, "
          "starts it",
    compose_file="the compose file `recfin network compose` writes")


def _orderer_membership(up: ComposeUp, node: Node) -> tuple[bool | None, str | None]:
    channel_name = up.topology.channel
    try:
        info = channel.orderer_channel_info(up.tools, up.topology, up.data_root, node)
    except ToolError as exc:
        return None, f"osnadmin could not tell whether it is in {channel_name}: {exc}"
    if info is None:
        return False, f"not a member of {channel_name}: `recfin network compose-up` joins it"
    return True, None


def _mark_behind(rows: list[ComposeNodeStatus]) -> None:
    """A node below the highest height seen is behind: for a moment while a block spreads, for
    longer when it cannot reach the others (its logs say why)."""
    top = max((r.height for r in rows if r.height is not None), default=None)
    for row in rows:
        if row.height is not None and row.height < top and row.problem is None:
            row.problem = f"behind: height {row.height}, highest {top}"
