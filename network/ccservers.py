"""Chaincode servers: one `python -m chaincode --contract module:Class` per org, dialled by that org's peer.

Each org packages its own connection.json (its server's address and the TLS material its
peers dial with), so each org has its own package ID; that ID is the server's CHAINCODE_ID.
The topology's own chaincode also gets RECFIN_NETWORK_CONFIG, the contract configuration
file of the recorded definition (contract_config.served_config_path: one per configuration
digest, so a deploy whose commit fails leaves the file of the definition in force alone).
Every server speaks mutual TLS: it presents the certificate crypto.generate issued for its
host and accepts only clients whose certificate comes from its own org's TLS CA and names
its peers' chaincode client (CN peer-client.<server host>, CHAINCODE_TLS_CLIENT_NAMES),
which is what the org's peers present (connection.json's client_cert). Servers run under the
supervisor like the nodes, with logs and pid files under
<data_root>/chaincode/<name>/<org>/. Each also serves /healthz and /metrics
(chaincode.shim.operations) on its listen host, OPERATIONS_PORT_SHIFT ports above its gRPC
port; `recfin network status` asks its /healthz.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from chaincode.receivables.config import CONFIG_ENV as NETWORK_CONFIG_ENV, untagged_version
from client.atomic_file import write_atomically

from . import packaging
from .crypto import org_crypto
from .errors import ChaincodeError
from .fabric_bin import REPO_ROOT
from .supervisor import ProcessSpec
from .tools import inherited_env
from .topology import OPERATIONS_PORT_SHIFT, PeerOrgSpec, Topology, peer_client_name

def chaincode_dir(data_root: Path, name: str) -> Path:
    return data_root / "chaincode" / name


SERVER_PID_FILE = "server.pid"
SERVER_LOG_FILE = "server.log"
# The port offset a chaincode's servers take (port_offset_for), written before its packages name those ports, so
# a deploy stopped before its commit (its servers running, no deployment.json) keeps its ports from the next name.
PORT_OFFSET_FILE = "port_offset.json"


def org_dir(data_root: Path, name: str, org: PeerOrgSpec) -> Path:
    return chaincode_dir(data_root, name) / org.name


def server_pid_file(data_root: Path, name: str, org: PeerOrgSpec) -> Path:
    return org_dir(data_root, name, org) / SERVER_PID_FILE


def server_name(name: str, org_name: str) -> str:
    """What a chaincode's server for an org is called (`recfin network status`, `logs`): receivables.bank."""
    return f"{name}.{org_name}"


def folder_server_name(folder: Path) -> str:
    """The name of the server whose folder (<data_root>/chaincode/<name>/<org>) this is."""
    return server_name(folder.parent.name, folder.name)


def server_address(topology: Topology, org: PeerOrgSpec, port_offset: int = 0) -> str:
    """The address the org's server binds (CHAINCODE_SERVER_ADDRESS)."""
    return topology.chaincode_server_listen(org, port_offset)


def operations_address(topology: Topology, org: PeerOrgSpec, port_offset: int = 0) -> str:
    """Where the org's server answers /healthz and /metrics (CHAINCODE_OPERATIONS_ADDRESS)."""
    return topology.chaincode_server_listen(org, port_offset + OPERATIONS_PORT_SHIFT)


def server_ports(org: PeerOrgSpec, port_offset: int = 0) -> list[tuple[str, int]]:
    """What the org's server of a chaincode at port_offset binds: its gRPC port and its operations endpoint's."""
    port = org.chaincode_server_port + port_offset
    return [("chaincode server", port), ("operations endpoint", port + OPERATIONS_PORT_SHIFT)]


def server_tls_dir(topology: Topology, data_root: Path, org: PeerOrgSpec) -> Path:
    return org_crypto(data_root, org.name, org.domain).chaincode_server_tls(topology.chaincode_server_host(org))


def client_tls_dir(topology: Topology, data_root: Path, org: PeerOrgSpec) -> Path:
    return org_crypto(data_root, org.name, org.domain).chaincode_client_tls(topology.chaincode_server_host(org))


def tls_env(server_tls: Path, server_host: str) -> dict[str, str]:
    """The server's own pair, the CA its clients' certificates must come from (mutual TLS), and the one
    client name it accepts: its peers' chaincode client certificate, not any other the org's TLS CA issued."""
    return {"CHAINCODE_TLS_CERT": str(server_tls / "server.crt"), "CHAINCODE_TLS_KEY": str(server_tls / "server.key"),
            "CHAINCODE_TLS_CLIENT_CA": str(server_tls / "ca.crt"),
            "CHAINCODE_TLS_CLIENT_NAMES": peer_client_name(server_host)}


def server_env(package_id: str, address: str, msp_id: str, server_tls: Path, server_host: str,
               operations: str | None = None) -> dict[str, str]:
    env = inherited_env(("PYTHONPATH",))
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if p)
    env.update({"CHAINCODE_ID": package_id, "CHAINCODE_SERVER_ADDRESS": address, "RECFIN_MSP_ID": msp_id,
                "PYTHONUNBUFFERED": "1", **tls_env(server_tls, server_host)})
    if operations:
        env["CHAINCODE_OPERATIONS_ADDRESS"] = operations
    return env


def connection(topology: Topology, data_root: Path, org: PeerOrgSpec, port_offset: int = 0) -> dict:
    """The org's connection.json: where its peers dial its server, over mutual TLS with the org's material."""
    client = client_tls_dir(topology, data_root, org)
    try:
        root_cert, cert, key = ((client / name).read_text() for name in ("ca.crt", "client.crt", "client.key"))
    except OSError as exc:
        raise ChaincodeError(f"no chaincode TLS material for {org.name} ({exc.filename} missing): "
                             f"run `recfin network prepare` (or `up`) to generate it") from None
    return packaging.connection_json(topology.chaincode_server_address(org, port_offset),
                                     root_cert=root_cert, client_cert=cert, client_key=key)


def server_spec(topology: Topology, data_root: Path, name: str, org: PeerOrgSpec, contract: str,
                package_id: str, port_offset: int = 0, network_config: Path | None = None) -> ProcessSpec:
    """network_config: the contract configuration file the server runs with (RECFIN_NETWORK_CONFIG)."""
    folder = org_dir(data_root, name, org)
    env = server_env(package_id, server_address(topology, org, port_offset), org.msp_id,
                     server_tls_dir(topology, data_root, org), topology.chaincode_server_host(org),
                     operations_address(topology, org, port_offset))
    if network_config is not None:
        env[NETWORK_CONFIG_ENV] = str(network_config)
    return ProcessSpec(
        name=server_name(name, org.name),
        argv=[sys.executable, "-m", "chaincode", "--contract", contract],
        env=env,
        log=folder / SERVER_LOG_FILE,
        pid_file=server_pid_file(data_root, name, org),
        cwd=REPO_ROOT,
        netns=topology.netns_of(org.name),
    )


@dataclass
class Deployment:
    """What was last committed for one chaincode name: enough to restart its servers."""

    name: str
    version: str
    sequence: int
    contract: str
    signature_policy: str | None
    collections_sha256: str | None
    port_offset: int
    package_ids: dict[str, str]           # MSP ID -> package ID
    # sha256 of the contract configuration its servers run with (contract_config), None: the contract's default
    network_config_sha256: str | None = None
    # True: signature_policy is the topology's (its "derived" follows the orgs when they change); False: given
    # at deploy (--signature-policy, --channel-policy), kept as it is; None: a record written before this was kept
    signature_policy_from_topology: bool | None = None
    # The topology's chaincode version when this was deployed (None: a record written before it was kept):
    # while the topology still says it, a deploy given no version keeps `version` (version_to_deploy)
    topology_version: str | None = None


def version_to_deploy(recorded: Deployment | None, topology_version: str) -> str:
    """The version a deploy given none deploys, without the configuration digest the deploy adds: the recorded
    one, an earlier `--version` included, so deploying again changes nothing and a changed configuration keeps
    its number (the topology's would read as a downgrade, a new sequence every org approves again); the
    topology's for a first deploy, or once the topology names another version than the one kept with it."""
    if recorded is None or recorded.topology_version not in (None, topology_version):
        return topology_version
    return untagged_version(recorded.version)


def state_file(data_root: Path, name: str) -> Path:
    return chaincode_dir(data_root, name) / "deployment.json"


def load_deployment(data_root: Path, name: str) -> Deployment | None:
    try:
        return Deployment(**json.loads(state_file(data_root, name).read_text()))
    except (OSError, ValueError, TypeError):
        return None


def save_deployment(data_root: Path, d: Deployment) -> None:
    # Whole or not at all: load_deployment reads a torn file as "no deployment", which would move the ports.
    write_atomically(state_file(data_root, d.name), json.dumps(d.__dict__, indent=2, sort_keys=True))


def committed_collections_file(data_root: Path, name: str) -> Path:
    """The copy of the collections file the chaincode was committed with, beside its deployment record.

    An org joining later approves the committed definition, which must name the same collections;
    the file given at deploy may be long gone (a temporary folder) or the topology's may have moved on.
    """
    return chaincode_dir(data_root, name) / "committed_collections.json"


def keep_collections(data_root: Path, name: str, collections: Path) -> None:
    """Copy the collections file of the definition just committed (or found committed) beside its record."""
    write_atomically(committed_collections_file(data_root, name), collections.read_bytes())


def kept_collections(data_root: Path, d: Deployment) -> Path | None:
    """The kept copy of d's collections file, when it is the one d was committed with (by sha256)."""
    path = committed_collections_file(data_root, d.name)
    if d.collections_sha256 is None or not path.is_file():
        return None
    return path if hashlib.sha256(path.read_bytes()).hexdigest() == d.collections_sha256 else None


def server_pid_files(data_root: Path) -> list[Path]:
    """The pid file of every chaincode server started under data_root (server_spec's layout)."""
    return sorted((data_root / "chaincode").glob(f"*/*/{SERVER_PID_FILE}"))


def server_folders(data_root: Path) -> list[Path]:
    """The folder of every chaincode server that ran under data_root (its pid file or its log is there), recorded
    in a deployment or not: a deploy stopped before its commit started servers it never recorded."""
    return sorted({path.parent for file in (SERVER_PID_FILE, SERVER_LOG_FILE)
                   for path in (data_root / "chaincode").glob(f"*/*/{file}")})


def deployments(data_root: Path) -> list[Deployment]:
    root = data_root / "chaincode"
    if not root.is_dir():
        return []
    found = (load_deployment(data_root, p.name) for p in sorted(root.iterdir()) if p.is_dir())
    return [d for d in found if d is not None]


def record_port_offset(data_root: Path, name: str, offset: int) -> None:
    """Keep the port offset chaincode `name` takes, before anything names its ports (PORT_OFFSET_FILE)."""
    if recorded_port_offset(data_root, name) != offset:
        write_atomically(chaincode_dir(data_root, name) / PORT_OFFSET_FILE, json.dumps({"port_offset": offset}))


def recorded_port_offset(data_root: Path, name: str) -> int | None:
    """The port offset chaincode `name`'s servers take: its deployment's, else the one kept before its packages were
    written; None when neither is there."""
    known = load_deployment(data_root, name)
    if known is not None:
        return known.port_offset
    try:
        offset = json.loads((chaincode_dir(data_root, name) / PORT_OFFSET_FILE).read_text())["port_offset"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return offset if isinstance(offset, int) and not isinstance(offset, bool) else None


def port_offsets(data_root: Path) -> dict[str, int | None]:
    """Each chaincode whose servers hold (or held) ports under data_root: its recorded port offset, or None for one
    an earlier version's deploy packaged or served without recording it (stopped before its commit)."""
    root = data_root / "chaincode"
    if not root.is_dir():
        return {}
    out = {}
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        offset = recorded_port_offset(data_root, folder.name)
        if offset is not None or any(folder.glob("*/*.tar.gz")) or any(folder.glob(f"*/{SERVER_PID_FILE}")):
            out[folder.name] = offset
    return out


def port_offset_for(data_root: Path, name: str, default_name: str) -> int:
    """The topology's chaincode uses chaincode_server_port; each other name 10 ports further on, past every name
    here that was deployed, or packaged or served by a deploy that stopped before its commit (whose servers may
    still run). A name an earlier version left unrecorded took the next 10 after the offsets recorded then: one
    step past them each keeps clear of it."""
    if name == default_name:
        return 0
    offsets = port_offsets(data_root) | {default_name: 0}
    if offsets.get(name) is not None:
        return offsets[name]
    unrecorded = sum(1 for other, offset in offsets.items() if offset is None and other != name)
    return max(offset for offset in offsets.values() if offset is not None) + 10 * (1 + unrecorded)
