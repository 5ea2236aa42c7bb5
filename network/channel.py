"""The `receivables` channel: genesis block, orderer joins (osnadmin), peer joins, heights, Raft leader."""
from __future__ import annotations

import json
import re
from pathlib import Path

from client.atomic_file import make_folders

from . import configtx, probes
from .errors import ToolError
from .nodeconfig import osnadmin_tls_args, peer_admin_env
from .tools import Tools
from .topology import Node, Topology


def create_genesis_block(tools: Tools, topology: Topology, data_root: Path) -> tuple[Path, bool]:
    """configtx.yaml + `configtxgen -outputBlock`, once. Returns (block path, created now)."""
    block = configtx.genesis_block_path(data_root, topology.channel)
    if block.is_file() and block.stat().st_size > 0:
        return block, False
    make_folders(block.parent)
    config_path = configtx.write(topology, data_root)
    tools.run("configtxgen", configtx.configtxgen_args(config_path, topology.channel, block))
    return block, True


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
