"""How the compose network's orderers and peers are doing, asked from the Docker machine.

The compose counterpart of `Network.status`: the nodes are reached as `ComposeUp` reaches them
(localhost and the published ports) and asked the native status's questions with its code:
/healthz (`probes.healthy`), the channel's block height (`channel.node_height`: the metrics, else
`peer channel getinfo` as the org's admin or osnadmin's channel height), for orderers channel
membership (`channel.orderer_channel_info`) and the Raft leader (`channel.raft_leader`). Whether
the containers run is `docker compose ps`'s to say; a node that does not answer is a row that
says so, never an exception.
"""
from __future__ import annotations

from dataclasses import dataclass

from . import channel, probes
from .bundle_host import prepare_peer_cli
from .compose_up import ComposeUp
from .errors import ToolError
from .topology import Node


@dataclass
class ComposeNodeStatus:
    name: str
    org: str                    # MSP ID
    kind: str                   # orderer, peer
    address: str                # as dialled from the Docker machine
    healthy: bool               # /healthz answered OK
    height: int | None          # the channel's block height on this node
    member: bool | None         # orderers: in the channel (osnadmin); peers: None
    raft_leader: bool | None    # orderers: leads the channel's Raft cluster; None when no orderer says
    problem: str | None = None  # what is wrong and where to look


def compose_status(up: ComposeUp) -> list[ComposeNodeStatus]:
    """One row per orderer and peer of the compose network (unhealthy ones are asked nothing more)."""
    topo, root, tools = up.topology, up.data_root, up.tools
    # the `peer` CLI's base config, where getinfo as the org's admin looks (no chaincode package is needed)
    prepare_peer_cli(tools.fabric, root, topo.peers())
    leader = channel.raft_leader(topo)
    rows = []
    for node in topo.nodes():
        row = ComposeNodeStatus(node.name, node.msp_id, node.kind, node.address, False, None, None, None)
        rows.append(row)
        if not probes.healthy(node.operations_address):
            row.problem = (f"no OK from /healthz at {node.operations_address}: see `docker compose ps` and "
                           f"`docker compose logs {up.service(node)}`")
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
    return rows


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
