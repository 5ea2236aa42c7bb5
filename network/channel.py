"""The `receivables` channel: genesis block, orderer joins (osnadmin), peer joins, heights, Raft leader."""
from __future__ import annotations

import json
import re
from collections.abc import Collection
from pathlib import Path

from cryptography import x509
from cryptography.x509.oid import NameOID
from fabric_protos.common import configtx_pb2
from google.protobuf.message import DecodeError

from client.atomic_file import make_folders

from . import channel_config, configtx, membership, probes
from .errors import ToolError, TopologyError
from .nodeconfig import osnadmin_tls_args, peer_admin_env
from .org_change import addressed_like_channel
from .org_definition import decode_anchor_peers
from .tools import Tools
from .topology import Node, Topology


def create_genesis_block(tools: Tools, topology: Topology, data_root: Path) -> tuple[Path, bool]:
    """configtx.yaml + `configtxgen -outputBlock`, once. Returns (block path, created now). A block kept from before
    is refused (TopologyError) when its channel names a node at an address the topology no longer gives it."""
    block = configtx.genesis_block_path(data_root, topology.channel)
    if block.is_file() and block.stat().st_size > 0:
        check_addresses_kept(topology, data_root)
        return block, False
    make_folders(block.parent)
    config_path = configtx.write(topology, data_root)
    tools.run("configtxgen", configtx.configtxgen_args(config_path, topology.channel, block))
    return block, True


def check_addresses_kept(topology: Topology, data_root: Path) -> None:
    """Refuse (TopologyError) a genesis block here whose channel names a node at an address the topology no longer
    gives it (a port or listen_host edited since the channel was made), before any node starts at the new one: `up`
    and `prepare` ask first, before crypto material is completed (a node's TLS certificate would be issued again
    for the new address).

    The channel config, in the block and in the ledger of every node that joined, keeps the addresses it was made
    with, so the nodes would not find each other: orderers dial their Raft peers at the consenters' addresses,
    peers fetch blocks from the orderer endpoints and gossip with the anchor peers. An org the data folder's
    membership record lists as added (`recfin org add`) is passed over: one of the block's that left and came
    back has the anchor peer `org add` gave it since, maybe at a new address (membership.returning_org_spec).
    A file that is not a config block is left to the joins."""
    block = configtx.genesis_block_path(data_root, topology.channel)
    if not (block.is_file() and block.stat().st_size > 0):
        return
    added = {entry.get("name") for entry in membership.load_state(data_root)["added"]}
    try:
        moved = moved_nodes(topology, channel_config.config_from_block(block.read_bytes()),
                            added_since={org.msp_id for org in topology.orgs if org.name in added})
    except (channel_config.ConfigUpdateError, DecodeError):
        return
    if moved:
        raise TopologyError(
            f"the channel {topology.channel} was made (genesis block {block}) with nodes at addresses the topology no "
            f"longer gives them: {'; '.join(moved)}. The channel's config, in this block and in the ledger of every "
            f"node that joined, still names the old addresses, so nodes started at the new ones would not find each "
            f"other (orderers lose their Raft peers, peers fetch blocks from and gossip with the old addresses). "
            f"Nothing was started. Put the old addresses back in the topology (recfin moves no node in the channel's "
            f"config: only an org that left and was added again by `recfin org add` gets a new anchor peer there, "
            f"and such an org is not compared); or start a new channel: `recfin network down --purge` deletes the "
            f"data folder {data_root}, and with it the ledger and every transaction on it, then run this again")


def moved_nodes(topology: Topology, config: configtx_pb2.Config, added_since: Collection[str] = ()) -> list[str]:
    """Each node the channel config names at an address the topology no longer gives it, as "<node> <old address>
    -> <new address> (<what the channel names it as>)". Compared in the addressing the config was written with
    (by hostname for compose and separate hosts, else natively: listen_host, or a namespace's address), so a
    config that only addresses the same nodes the other way names none, whichever way the topology is given.
    Orgs and orderers the topology no longer has, and those it has since the config was made, are passed over:
    their addresses moved nowhere; so are the orgs of added_since (MSP IDs), added to the channel after this config
    (again, for one it already names), whose anchor peers are those of the later config update that added them."""
    orgs = {org.msp_id for org in topology.orgs}
    for msp_id in channel_config.application_orgs(config):
        if msp_id not in orgs or msp_id in added_since:     # left the channel since, or left and came back
            config = channel_config.without_org(config, msp_id)
    # from the native view, which addressed_like_channel turns to hostnames where the config has them
    topology = addressed_like_channel(topology.model_copy(update={"addressing": "listen_host"}), config)
    nodes = {node.name: node for node in topology.nodes()}
    named_as: dict[tuple[str, str], list[str]] = {}        # (node name, old address) -> what the channel names it as
    orderers = {node.hostname: node for node in topology.orderers()}
    for consenter in channel_config.raft_consenters(config):
        node, old = orderers.get(_certified_hostname(consenter.server_tls_cert)), f"{consenter.host}:{consenter.port}"
        if node is not None and old != node.address:
            named_as[(node.name, old)] = ["Raft consenter"]
    moved_orderers = {old: name for name, old in named_as}
    for address in channel_config.orderer_endpoints(config):
        if address in moved_orderers:
            named_as[(moved_orderers[address], address)].append("orderer endpoint")
    for msp_id, group in config.channel_group.groups[channel_config.APPLICATION].groups.items():
        peers = topology.peers(msp_id)
        for host, port in decode_anchor_peers(group):
            if peers and f"{host}:{port}" not in {peer.address for peer in peers}:
                # configtx makes an org's first peer its anchor peer
                named_as.setdefault((peers[0].name, f"{host}:{port}"), []).append(f"anchor peer of {msp_id}")
    order = list(nodes)         # the topology's: orderers, then each org's peers
    return [f"{name} {old} -> {nodes[name].address} ({', '.join(named_as[(name, old)])})"
            for name, old in sorted(named_as, key=lambda moved: (order.index(moved[0]), moved[1]))]


def _certified_hostname(pem: bytes) -> str | None:
    """The hostname a node's TLS certificate is issued to (its common name, as crypto issues them), None if it
    does not load."""
    try:
        names = x509.load_pem_x509_certificate(pem).subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    except ValueError:
        return None
    return str(names[0].value) if names else None


def parse_osnadmin(output: str) -> tuple[int, object]:
    """osnadmin prints "Status: <code>" then a JSON body; returns (code, body or None)."""
    m = re.search(r"Status:\s*(\d+)", output)
    if not m:
        raise ToolError(f"unexpected osnadmin output: {output.strip()[:200]}")
    body_text = output[m.end():].strip()
    try:
        body = json.loads(body_text) if body_text else None
    except ValueError:
        body = body_text
    return int(m.group(1)), body


def orderer_channel_info(tools: Tools, topology: Topology, data_root: Path, node: Node) -> dict | None:
    """osnadmin's view of the channel on one orderer ({name, status, consensusRelation, height}), None if absent."""
    res = tools.run("osnadmin", ["channel", "list", "--channelID", topology.channel, "-o", node.admin_address,
                                 *osnadmin_tls_args(topology, data_root)])
    code, body = parse_osnadmin(res.stdout + res.stderr)
    if code == 404:
        return None
    if code != 200 or not isinstance(body, dict):
        raise ToolError(f"osnadmin channel list on {node.name} answered {code}: {body}")
    return body


def orderer_channels(tools: Tools, topology: Topology, data_root: Path, node: Node) -> list[str]:
    """The channels an orderer is a member of (`osnadmin channel list`, every Fabric 2.3+ has it)."""
    res = tools.run("osnadmin", ["channel", "list", "-o", node.admin_address, *osnadmin_tls_args(topology, data_root)])
    code, body = parse_osnadmin(res.stdout + res.stderr)
    if code != 200 or not isinstance(body, dict):
        raise ToolError(f"osnadmin channel list on {node.name} answered {code}: {body}")
    return [c["name"] for c in body.get("channels") or [] if isinstance(c, dict) and "name" in c]


def join_orderer(tools: Tools, topology: Topology, data_root: Path, node: Node, block: Path) -> bool:
    """Join one orderer to the channel unless it already is. True if joined now."""
    if topology.channel in orderer_channels(tools, topology, data_root, node):
        return False
    res = tools.run("osnadmin", ["channel", "join", "--channelID", topology.channel, "--config-block", str(block),
                                 "-o", node.admin_address, *osnadmin_tls_args(topology, data_root)])
    code, body = parse_osnadmin(res.stdout + res.stderr)
    if code not in (200, 201):
        raise ToolError(f"osnadmin channel join on {node.name} answered {code}: {body}")
    return True


def peer_channels(tools: Tools, topology: Topology, data_root: Path, node: Node) -> list[str]:
    env = peer_admin_env(topology, data_root, node.org_name) | {"CORE_PEER_ADDRESS": node.address}
    res = tools.run("peer", ["channel", "list"], env)
    return parse_channel_list(res.stdout)


def parse_channel_list(output: str) -> list[str]:
    return [line.strip() for line in output.splitlines()
            if line.strip() and ":" not in line and re.fullmatch(r"[a-z][a-z0-9.-]*", line.strip())]


def join_peer(tools: Tools, topology: Topology, data_root: Path, node: Node, block: Path) -> bool:
    """`peer channel join` as the org admin unless already joined. True if joined now."""
    if topology.channel in peer_channels(tools, topology, data_root, node):
        return False
    env = peer_admin_env(topology, data_root, node.org_name) | {"CORE_PEER_ADDRESS": node.address}
    tools.run("peer", ["channel", "join", "-b", str(block)], env)
    return True


def parse_getinfo(output: str) -> int | None:
    m = re.search(r"Blockchain info:\s*(\{.*\})", output)
    if not m:
        return None
    try:
        return int(json.loads(m.group(1))["height"])
    except (ValueError, KeyError, TypeError):
        return None


def node_height(tools: Tools | None, topology: Topology, data_root: Path, node: Node) -> int | None:
    """Block height of the channel on a node: from its metrics; for a peer not yet reporting
    the gauge, `peer channel getinfo` (when tools are given)."""
    metrics = probes.fetch_metrics(node.operations_address)
    if metrics is not None:
        h = (probes.peer_height if node.kind == "peer" else probes.orderer_height)(metrics, topology.channel)
        if h is not None:
            return h
    if tools is None:
        return None
    try:
        if node.kind == "orderer":
            info = orderer_channel_info(tools, topology, data_root, node)
            return None if info is None else int(info.get("height", 0))
        env = peer_admin_env(topology, data_root, node.org_name) | {"CORE_PEER_ADDRESS": node.address}
        res = tools.run("peer", ["channel", "getinfo", "-c", topology.channel], env, check=False)
        return parse_getinfo(res.stdout + res.stderr)
    except ToolError:
        return None


def raft_leader(topology: Topology) -> Node | None:
    """The orderer whose metrics say it leads the channel's Raft cluster, if any."""
    for node in topology.orderers():
        metrics = probes.fetch_metrics(node.operations_address)
        if metrics and probes.is_raft_leader(metrics, topology.channel):
            return node
    return None
