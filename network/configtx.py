"""configtx.yaml for the `receivables` channel, derived from the topology, and its genesis block.

One profile, `ReceivablesChannel`: etcdraft with the three orderers as consenters (their
TLS certs as client and server certs, cluster traffic on the listen port), capabilities
V3_0 (channel) / V2_0 (orderer) / V2_5 (application), NodeOU-based org policies, each
peer org's first peer as its anchor peer, and MAJORITY Endorsement for both
LifecycleEndorsement and the default Endorsement policy. The batch (BatchTimeout, BatchSize)
is the topology's `tuning.ordering`; it lives in the genesis block, so a channel that exists
keeps its batch until a config update changes it (network/batch_tuning.py).
"""
from __future__ import annotations

from pathlib import Path

import yaml

from client.atomic_file import make_folders, write_atomically

from .crypto import org_crypto
from .topology import Topology

PROFILE = "ReceivablesChannel"


def _sig(rule: str) -> dict:
    return {"Type": "Signature", "Rule": rule}


def _meta(rule: str) -> dict:
    return {"Type": "ImplicitMeta", "Rule": rule}


def _crypto_root(data_root: Path, name: str, domain: str) -> Path:
    return org_crypto(data_root, name, domain).root


def orderer_org(topology: Topology, data_root: Path) -> dict:
    oo = topology.orderer_org
    m = oo.msp_id
    return {
        "Name": m,
        "ID": m,
        "MSPDir": str(_crypto_root(data_root, oo.name, oo.domain) / "msp"),
        "Policies": {
            "Readers": _sig(f"OR('{m}.member')"),
            "Writers": _sig(f"OR('{m}.member')"),
            "Admins": _sig(f"OR('{m}.admin')"),
        },
        "OrdererEndpoints": [n.address for n in topology.orderers()],
    }


def peer_org_policies(m: str) -> dict:
    """The policies of the peer org whose MSP ID is m: met by its own admins, peers and clients only."""
    return {
        "Readers": _sig(f"OR('{m}.admin', '{m}.peer', '{m}.client')"),
        "Writers": _sig(f"OR('{m}.admin', '{m}.client')"),
        "Admins": _sig(f"OR('{m}.admin')"),
        "Endorsement": _sig(f"OR('{m}.peer')"),
    }


def peer_org(topology: Topology, data_root: Path, org_name: str) -> dict:
    org = topology.org(org_name)
    m = org.msp_id
    anchor = topology.peers(org.name)[0]
    return {
        "Name": m,
        "ID": m,
        "MSPDir": str(_crypto_root(data_root, org.name, org.domain) / "msp"),
        "Policies": peer_org_policies(m),
        "AnchorPeers": [{"Host": anchor.host, "Port": anchor.ports["port"]}],
    }


def build(topology: Topology, data_root: Path) -> dict:
    """The configtx.yaml document as a dict (pure: no files read or written)."""
    oo = topology.orderer_org
    consenters = []
    for node in topology.orderers():
        tls = org_crypto(data_root, oo.name, oo.domain).node_dir(node.hostname) / "tls" / "server.crt"
        consenters.append({"Host": node.host, "Port": node.ports["port"],
                           "ClientTLSCert": str(tls), "ServerTLSCert": str(tls)})
    standard = {"Readers": _meta("ANY Readers"), "Writers": _meta("ANY Writers"), "Admins": _meta("MAJORITY Admins")}
    profile = {
        "Policies": dict(standard),
        "Capabilities": {"V3_0": True},
        "Orderer": {
            "OrdererType": "etcdraft",
            **topology.tuning.ordering.configtx(),      # BatchTimeout and BatchSize
            "EtcdRaft": {
                "Consenters": consenters,
                "Options": {"TickInterval": "500ms", "ElectionTick": 10, "HeartbeatTick": 1,
                            "MaxInflightBlocks": 5, "SnapshotIntervalSize": "16 MB"},
            },
            "Organizations": [orderer_org(topology, data_root)],
            "Policies": {**standard, "BlockValidation": _meta("ANY Writers")},
            "Capabilities": {"V2_0": True},
        },
        "Application": {
            "Organizations": [peer_org(topology, data_root, o.name) for o in topology.orgs],
            "Policies": {**standard,
                         "LifecycleEndorsement": _meta("MAJORITY Endorsement"),
                         "Endorsement": _meta("MAJORITY Endorsement")},
            "Capabilities": {"V2_5": True},
        },
    }
    return {"Profiles": {PROFILE: profile}}


# How many of the orgs' own policies an ImplicitMeta rule ("MAJORITY Endorsement") needs, of n.
_IMPLICIT_META_NEEDS = {"ANY": lambda n: 1, "ALL": lambda n: n, "MAJORITY": lambda n: n // 2 + 1}


def endorsement_orgs_needed(topology: Topology, data_root: Path) -> int:
    """The fewest orgs whose peers meet the channel's /Channel/Application/Endorsement policy as build() writes it
    for the topology: an ImplicitMeta rule over the orgs' own Endorsement policies, each met by that org's peers
    alone (peer_org_policies), so the rule needs as many orgs as it needs of those policies."""
    application = build(topology, data_root)["Profiles"][PROFILE]["Application"]
    quantifier, _ = application["Policies"]["Endorsement"]["Rule"].split()
    return _IMPLICIT_META_NEEDS[quantifier](len(application["Organizations"]))


def write(topology: Topology, data_root: Path) -> Path:
    """Write <data_root>/config/configtx.yaml and return its folder (configtxgen's -configPath)."""
    folder = data_root / "config"
    make_folders(folder)
    write_atomically(folder / "configtx.yaml",
        "# Generated by recfin from network/topology.yaml: edit the topology, not this file.\n"
        + yaml.safe_dump(build(topology, data_root), sort_keys=False))
    return folder


def genesis_block_path(data_root: Path, channel: str) -> Path:
    return data_root / "channel" / f"{channel}.block"


def configtxgen_args(config_path: Path, channel: str, output: Path) -> list[str]:
    return ["-configPath", str(config_path), "-profile", PROFILE, "-channelID", channel, "-outputBlock", str(output)]
