"""The receivables contract's network configuration, derived from the topology the channel has now.

`network_config(topology)` is the one derivation: each peer org's MSP ID -> its `role:`, plus
the topology's `contract:` settings. From it come

- the file every org's chaincode server runs with (chaincode.receivables.config.load_config reads
  the file RECFIN_NETWORK_CONFIG names): natively `write_served_config` puts it at
  <data_root>/chaincode/<name>/network_config.<12 hex of its digest>.json, the file of that
  configuration alone, and a committed deploy copies it to network_config.json; for compose and
  bundles `write` puts it at network_config.json, which their servers mount;
- the definition's version, `<topology version>+cfg.<12 hex of its sha256>`, so every org's
  lifecycle approval covers the configuration and a server given another file refuses to start;
- the offer-terms collections, when the topology's `collections_config` is "derived": written
  next to it as collections_config.json, for `approveformyorg --collections-config`;
- the chaincode-level endorsement policy, when `endorsement_policy` is "derived".

Fabric never lets a new definition drop a collection, so a collection once written for the
chaincode stays in every later derivation (an org that left keeps its collection; with the org
gone from the configuration nothing writes to it any more).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from chaincode.receivables import collections as contract_collections
from chaincode.receivables import config as contract
from client.atomic_file import write_atomically

from . import ccservers
from .topology import DERIVED, Topology

CONFIG_FILE = "network_config.json"
SERVED_CONFIG_FILE = "network_config.{}.json"
COLLECTIONS_FILE = "collections_config.json"
ENV_VAR = contract.CONFIG_ENV


def network_config(topology: Topology) -> contract.NetworkConfig:
    """The contract's configuration for the topology's orgs (pass the effective topology)."""
    return contract.NetworkConfig(org_roles={org.msp_id: (org.role,) for org in topology.orgs},
                                  **topology.contract.model_dump())


def definition_version(topology: Topology, version: str | None = None) -> str:
    """The chaincode definition version naming the configuration's digest, e.g. 1.0+cfg.3f9a0c2b71d4."""
    return contract.tagged_version(version or topology.chaincode.version, network_config(topology))


def endorsement_policy(topology: Topology) -> str | None:
    """The topology's chaincode endorsement policy; "derived" is any two of its peer orgs."""
    policy = topology.chaincode.endorsement_policy
    if policy == DERIVED:
        return contract_collections.endorsement_policy(network_config(topology), principal="peer")
    return policy


def folder(data_root: Path, name: str) -> Path:
    return data_root / "chaincode" / name


def config_path(data_root: Path, name: str) -> Path:
    return folder(data_root, name) / CONFIG_FILE


def served_config_path(data_root: Path, name: str, sha256: str) -> Path:
    """The file the servers of the definition whose configuration has this digest run with (write_served_config):
    network_config.<first 12 hex>.json, as the version's `+cfg.` names it. One per configuration, never rewritten
    with another, so deploying a new one leaves the file of the definition in force alone (a commit that fails or
    is interrupted included)."""
    return folder(data_root, name) / SERVED_CONFIG_FILE.format(sha256[:contract.SHORT_DIGEST])


def collections_path(data_root: Path, name: str) -> Path:
    return folder(data_root, name) / COLLECTIONS_FILE


def _written_collections(path: Path) -> list[dict]:
    try:
        doc = json.loads(path.read_text())
    except (OSError, ValueError):
        return []
    return [c for c in doc if isinstance(c, dict) and "name" in c] if isinstance(doc, list) else []


def derived_collections(topology: Topology, kept: list[dict] = ()) -> list[dict]:
    """The collections for the topology's orgs, then each of `kept` whose name they lack, unchanged."""
    derived = contract_collections.collections_config(network_config(topology))
    names = {c["name"] for c in derived}
    return derived + [c for c in kept if c["name"] not in names]


def digest(topology: Topology) -> str:
    return contract.digest(network_config(topology))


def write_config(topology: Topology, data_root: Path) -> Path:
    """Write the topology chaincode's network_config.json (what RECFIN_NETWORK_CONFIG names)."""
    path = config_path(data_root, topology.chaincode.name)
    _replace(path, contract.to_json(network_config(topology)))
    return path


def write_served_config(topology: Topology, data_root: Path) -> Path:
    """Write the configuration's own file (served_config_path), which its definition's servers run with."""
    path = served_config_path(data_root, topology.chaincode.name, digest(topology))
    _replace(path, contract.to_json(network_config(topology)))
    return path


def write_collections(topology: Topology, data_root: Path) -> Path | None:
    """Write the derived collections_config.json, keeping every collection it held before;
    None when the topology does not derive its collections."""
    if not topology.chaincode.derives_collections:
        return None
    path = collections_path(data_root, topology.chaincode.name)
    kept = _written_collections(path)
    _replace(path, json.dumps(derived_collections(topology, kept), indent=2) + "\n")
    return path


@dataclass(frozen=True)
class ContractFiles:
    config_file: Path
    collections_file: Path | None      # None: the topology does not derive the collections
    version: str                       # the definition version naming the configuration


def write(topology: Topology, data_root: Path) -> ContractFiles:
    """Both files, for a data folder that is handed on (compose, bundles) rather than deployed from."""
    return ContractFiles(write_config(topology, data_root), write_collections(topology, data_root),
                         definition_version(topology))


def _replace(path: Path, text: str) -> None:
    """Write atomically, and not at all when the content is the same (its sha256 may be recorded)."""
    if path.is_file() and path.read_text() == text:
        return
    write_atomically(path, text)


# ---- what runs, and what would ---------------------------------------------------------------
def report(topology: Topology, data_root: Path, committed: dict | None = None) -> dict:
    """The configuration the channel's orgs give, its digest and definition version, against the
    deployment recorded in data_root and, when given, the committed definition (querycommitted)."""
    name = topology.chaincode.name
    sha = digest(topology)
    deployed = ccservers.load_deployment(data_root, name)
    out = {
        "chaincode": name,
        "config": network_config(topology).model_dump(mode="json"),
        "sha256": sha,
        "version": definition_version(topology),
        "endorsement_policy": endorsement_policy(topology),
        "config_file": config_path(data_root, name),
        "deployed_version": deployed.version if deployed else None,
        "deployed_sha256": deployed.network_config_sha256 if deployed else None,
        "deployed": deployed is not None and deployed.network_config_sha256 == sha,
    }
    if committed is not None:
        version = str(committed.get("version", ""))
        short = contract.version_digest(version)
        out |= {"committed_version": version, "committed_sequence": committed.get("sequence"),
                "committed": short is not None and sha.startswith(short),
                "approvals": dict(committed.get("approvals") or {})}
    return out
