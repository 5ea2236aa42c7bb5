"""The `receivables` channel: genesis block, orderer joins (osnadmin), peer joins, heights, Raft leader."""
from __future__ import annotations

import json
import os
import re
import secrets
from collections.abc import Collection, Iterable
from pathlib import Path

from cryptography import x509
from cryptography.x509.oid import NameOID
from fabric_protos.common import configtx_pb2
from google.protobuf.message import DecodeError

from client.atomic_file import make_folders

from . import channel_config, configtx, membership, probes
from .errors import NetworkError, ToolError, TopologyError
from .nodeconfig import osnadmin_tls_args, peer_admin_env
from .org_change import addressed_like_channel, updates_dir
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
    if (lost := genesis_block_lost(topology, data_root)) is not None:
        raise NetworkError(lost)
    make_folders(block.parent)
    config_path = configtx.write(topology, data_root)
    # configtxgen writes its output in place: a run that stops half way (a full disk, a kill) would leave part of a
    # block, which every later run would keep as the channel's. So it writes beside it, renamed into place whole.
    partial = block.with_name(f".{block.name}.{secrets.token_hex(4)}.tmp")
    try:
        tools.run("configtxgen", configtx.configtxgen_args(config_path, topology.channel, partial))
        os.replace(partial, block)
    finally:
        partial.unlink(missing_ok=True)
    return block, True


def genesis_block_lost(topology: Topology, data_root: Path) -> str | None:
    """Why the channel's genesis block is not made again here, and how to put it back: it is not there (or empty)
    while a node's ledger here holds the channel. None when it is there, or no node has a ledger.

    The block is the channel's block 0, whose hash its block 1 names, and configtxgen stamps each block it makes with
    its own time and nonce: one made again is another channel's block 0, and a node joining with it (a peer whose
    ledger was lost, a new orderer, `org add`'s peer, a bundle's) could not follow the channel."""
    block = configtx.genesis_block_path(data_root, topology.channel)
    if block.is_file() and block.stat().st_size > 0:
        return None
    # A node's block store of this channel (a peer's ledgersData/chains/chains/<channel>, an orderer's
    # ledger/chains/<channel>); one of another channel only (the topology's channel renamed) makes none here.
    ledger = next(iter(sorted((data_root / "nodes").glob(f"*/data/**/chains/{topology.channel}"))), None)
    if ledger is None:
        return None
    return (f"the genesis block {block} of channel {topology.channel} is not there, while the ledger {ledger} "
            f"shows the channel was made: a block made again would not be the channel's block 0 "
            f"(configtxgen stamps each "
            f"block with its own time), and a node joining with it could not follow the channel. Put the block "
            f"back: from an archive `recfin network backup` made (its data/channel/{block.name}), from a bundle "
            f"`recfin org bundle` wrote (its channel/{block.name}), or fetched from a running orderer as an org's "
            f"admin (`peer channel fetch 0 {block} -c {topology.channel} ...`); or, to start a new channel, "
            f"`recfin network down --purge`, which deletes the ledgers")


def _block_to_join_with(topology: Topology, data_root: Path, node: Node, block: Path) -> None:
    """Refuse (NetworkError) a join whose block is missing while the channel was made (genesis_block_lost)."""
    if not block.is_file() and (lost := genesis_block_lost(topology, data_root)) is not None:
        raise NetworkError(f"{node.name} has not joined {topology.channel}, and the block it joins with is "
                           f"missing: {lost}")


def check_addresses_kept(topology: Topology, data_root: Path) -> None:
    """Refuse (TopologyError) a genesis block here whose channel names a node at an address the topology no longer
    gives it (a port or listen_host edited since the channel was made), before any node starts at the new one: `up`
    and `prepare` ask first, before crypto material is completed (a node's TLS certificate would be issued again
    for the new address).

    The channel config, in the block and in the ledger of every node that joined, keeps the addresses it was made
    with, so the nodes would not find each other: orderers dial their Raft peers at the consenters' addresses,
    peers fetch blocks from the orderer endpoints and gossip with the anchor peers. An org the data folder's
    membership record lists as added (`recfin org add`) has the anchor peer `org add` gave it (for one of the
    block's that left and came back, maybe at a new address: membership.returning_org_spec), so it is compared with
    the channel's latest config this data folder keeps instead (latest_kept_config), and passed over where none
    holds it. A file that is not a config block is left to the joins."""
    block = configtx.genesis_block_path(data_root, topology.channel)
    if not (block.is_file() and block.stat().st_size > 0):
        return
    added = {entry.get("name") for entry in membership.load_state(data_root)["added"]}
    added_since = {org.msp_id for org in topology.orgs if org.name in added}
    kept = latest_kept_config(data_root, topology.channel) if added_since else None
    try:
        moved = moved_nodes(topology, channel_config.config_from_block(block.read_bytes()), added_since,
                            later=None if kept is None else kept[1])
    except (channel_config.ConfigUpdateError, DecodeError):
        return
    if moved:
        later = "" if kept is None else (
            f"; an org added by `recfin org add` is compared with the channel's config as {kept[0]} keeps it, last "
            f"fetched from the ordering service")
        raise TopologyError(
            f"the channel {topology.channel} was made (genesis block {block}{later}) with nodes at addresses the "
            f"topology no longer gives them: {'; '.join(moved)}. The channel's config, in this block and in the "
            f"ledger of every node that joined, still names the old addresses, so nodes started at the new ones "
            f"would not find each other (orderers lose their Raft peers, peers fetch blocks from and gossip with the "
            f"old addresses). Nothing was started. Put the old addresses back in the topology (for an org `recfin "
            f"org add` added, in its spec under `added:` in {membership.state_path(data_root)}): recfin moves no "
            f"node in the channel's config, only an org that left and was added again by `recfin org add` gets a "
            f"new anchor peer there; or start a new channel: `recfin network down --purge` deletes the data folder "
            f"{data_root}, and with it the ledger and every transaction on it, then run this again")


def latest_kept_config(data_root: Path, channel_id: str) -> tuple[Path, configtx_pb2.Config] | None:
    """The channel's config as this data folder last saw it: of the config blocks `recfin org` and `network tune`
    keep from their fetches (channel/updates/config-*.block), the one of channel_id with the highest config
    sequence, and its path; None when none is kept. A file that is not a config block is passed over."""
    found = []
    for path in sorted(updates_dir(data_root).glob("config-*.block")):
        try:
            data = path.read_bytes()
            config = channel_config.config_envelope_from_block(data).config
            if channel_config.channel_id_of_block(data) == channel_id:
                found.append((config.sequence, path, config))
        except (OSError, channel_config.ConfigUpdateError, DecodeError, IndexError):
            continue
    if not found:
        return None
    _, path, config = max(found, key=lambda kept: kept[0])
    return path, config


def moved_nodes(topology: Topology, config: configtx_pb2.Config, added_since: Collection[str] = (),
                later: configtx_pb2.Config | None = None) -> list[str]:
    """Each node the channel config names at an address the topology no longer gives it, as "<node> <old address>
    -> <new address> (<what the channel names it as>)". Compared in the addressing the config was written with
    (by hostname for compose and separate hosts, else natively: listen_host, or a namespace's address), so a
    config that only addresses the same nodes the other way names none, whichever way the topology is given.
    Orgs and orderers the topology no longer has, and those it has since the config was made, are passed over:
    their addresses moved nowhere. The orgs of added_since (MSP IDs), added to the channel after this config (again,
    for one it already names), have the anchor peers of the later config update that added them: they are compared
    with later (a config of the channel since), in its addressing, and passed over where later does not hold them."""
    orgs = {org.msp_id for org in topology.orgs}
    for msp_id in channel_config.application_orgs(config):
        if msp_id not in orgs or msp_id in added_since:     # left the channel since, or left and came back
            config = channel_config.without_org(config, msp_id)
    # from the native view, which addressed_like_channel turns to hostnames where the config has them
    native = topology.model_copy(update={"addressing": "listen_host"})
    topology = addressed_like_channel(native, config)
    nodes = {node.name: node for node in topology.nodes()}
    # (node name, old address) -> (its address now, what the channel names it as)
    named_as: dict[tuple[str, str], tuple[str, list[str]]] = {}
    orderers = {node.hostname: node for node in topology.orderers()}
    for consenter in channel_config.raft_consenters(config):
        node, old = orderers.get(_certified_hostname(consenter.server_tls_cert)), f"{consenter.host}:{consenter.port}"
        if node is not None and old != node.address:
            named_as[(node.name, old)] = (node.address, ["Raft consenter"])
    moved_orderers = {old: name for name, old in named_as}
    for address in channel_config.orderer_endpoints(config):
        if address in moved_orderers:
            named_as[(moved_orderers[address], address)][1].append("orderer endpoint")
    _moved_anchor_peers(topology, config.channel_group.groups[channel_config.APPLICATION].groups.items(), named_as)
    if later is not None:
        groups = later.channel_group.groups[channel_config.APPLICATION].groups
        _moved_anchor_peers(addressed_like_channel(native, later),
                            [(msp_id, groups[msp_id]) for msp_id in sorted(set(added_since) & orgs & set(groups))],
                            named_as, " since it was added")
    order = list(nodes)         # the topology's: orderers, then each org's peers
    return [f"{name} {old} -> {new} ({', '.join(what)})" for (name, old), (new, what)
            in sorted(named_as.items(), key=lambda moved: (order.index(moved[0][0]), moved[0][1]))]


def _moved_anchor_peers(topology: Topology, groups: Iterable[tuple[str, configtx_pb2.ConfigGroup]],
                        named_as: dict[tuple[str, str], tuple[str, list[str]]], since: str = "") -> None:
    """Each anchor peer of these org groups at an address none of the org's peers has in topology, into named_as
    (as moved_nodes keeps it) under the org's first peer, which configtx and `org add` make its anchor peer."""
    for msp_id, group in groups:
        peers = topology.peers(msp_id)
        for host, port in decode_anchor_peers(group):
            if peers and f"{host}:{port}" not in {peer.address for peer in peers}:
                named_as.setdefault((peers[0].name, f"{host}:{port}"), (peers[0].address, []))[1].append(
                    f"anchor peer of {msp_id}{since}")


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
    _block_to_join_with(topology, data_root, node, block)
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
    _block_to_join_with(topology, data_root, node, block)
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


def node_height(tools: Tools | None, topology: Topology, data_root: Path, node: Node,
                operations_address: str | None = None) -> int | None:
    """Block height of the channel on a node: from its metrics, asked at operations_address (default: the node's
    own, node.operations_address); for a peer not yet reporting the gauge, `peer channel getinfo` (when tools
    are given)."""
    metrics = probes.fetch_metrics(operations_address or node.operations_address)
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
