"""Per-node configuration: folders, environment and config files, as pure functions of the topology.

Peers run from a per-peer `core.yaml` (FABRIC_CFG_PATH=<node>/config) derived from Fabric's
base core.yaml with three edits env vars cannot make well: `vm.endpoint` emptied (no Docker),
`chaincode.externalBuilders` (a list) naming the project's ccaas builder, and Fabric's
`TimeWindowCheck` added to `peer.handlers.authFilters` (a list) so the peer refuses a proposal
stamped outside `peer.authentication.timewindow` of its clock. Everything
node-specific is an environment override, as Fabric intends. The topology's peer tuning
(network/tuning.py) is both: written into core.yaml, so the file says what runs, and set as
CORE_* variables, which is how compose's peers (on the image's core.yaml) get it. Orderers
run from the base orderer.yaml, copied unchanged, with environment overrides only.
"""
from __future__ import annotations

import copy
import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from client.atomic_file import make_folders, write_atomically
from client.yaml_files import read_yaml_mapping

from .crypto import OrgCrypto, org_crypto
from .errors import NetworkError
from .topology import Node, Topology
from .tuning import core_env_name, env_value

BUILDER_NAME = "recfin-ccaas"
# Fabric's auth filter refusing a proposal stamped outside peer.authentication.timewindow (15 minutes) of the
# peer's clock. Fabric ships it off (its base core.yaml lists DefaultAuth and ExpirationCheck only), and then
# a peer endorses a proposal stamped any time: the contract's business dates (due, late, expiry) are then the
# client's.
TIME_WINDOW_FILTER = "TimeWindowCheck"
NODE_LOGGING_SPEC = "info"


@dataclass(frozen=True)
class NodeDirs:
    root: Path

    @property
    def config(self) -> Path:
        return self.root / "config"

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def log(self) -> Path:
        return self.root / "node.log"

    @property
    def pid(self) -> Path:
        return self.root / "node.pid"


def node_dirs(data_root: Path, name: str) -> NodeDirs:
    return NodeDirs(data_root / "nodes" / name)


def node_pid_files(data_root: Path) -> list[Path]:
    """Every node's pid file under data_root (node_dirs' layout), the topology's nodes or not."""
    return sorted(data_root.glob(str(node_dirs(Path(), "*").pid)))


def node_folders(data_root: Path) -> list[Path]:
    """The folder of every node that ran under data_root (its pid file, or the log it keeps once `down` deleted
    that, is there), the topology's nodes or not: node_dirs(data_root, folder.name) is its layout."""
    layout = node_dirs(Path(), "*")
    return sorted({file.parent for pattern in (layout.pid, layout.log) for file in data_root.glob(str(pattern))})


def builder_dir(data_root: Path) -> Path:
    return data_root / "builder"


def _org_crypto(topology: Topology, data_root: Path, node: Node) -> OrgCrypto:
    if node.kind == "orderer":
        return org_crypto(data_root, topology.orderer_org.name, topology.orderer_org.domain)
    org = topology.org(node.org_name)
    return org_crypto(data_root, org.name, org.domain)


# The orderer's variables holding a list of files (orderer_env): Fabric's config parser reads "[a,b]" split at
# every comma, each part trimmed.
ORDERER_LIST_VARIABLES = ("ORDERER_GENERAL_TLS_ROOTCAS", "ORDERER_ADMIN_TLS_ROOTCAS", "ORDERER_ADMIN_TLS_CLIENTROOTCAS")
# A `$` that Go's os.ExpandEnv replaces: before a name, a brace or one of the shell's special parameters. Any other
# `$` (before a slash, a dot, a space, or at the end) it leaves as it is.
EXPANDED_DOLLAR = re.compile(r"\$[{A-Za-z0-9_*#$@!?-]")


def _list(*paths: Path) -> str:
    """Fabric reads a list from one env var written as [a,b]: a path holding a comma cannot be in one
    (data_root_path_problem refuses such a data folder)."""
    return "[" + ",".join(str(p) for p in paths) + "]"


def data_root_path_problem(data_root: Path, *, native: bool = True, fix: str | None = None) -> str | None:
    """Why Fabric would not find the files under data_root by the paths recfin writes for it, or None.

    Always: a path that is not UTF-8, which a YAML file cannot spell (configtxgen reads configtx.yaml on this
    machine), and a `$` that viper expands in FABRIC_CFG_PATH (the `peer` CLI recfin runs as an org's admin finds
    its core.yaml under data_root, bundle_host.prepare_peer_cli; with native, each peer too). With native (the nodes
    run here, from data_root): a comma, at which the orderer splits its CA lists. Every other character (a space, a
    colon, a quote, a newline, a `#`, a name in UTF-8 beyond ASCII) reaches Fabric as written. `up` and `prepare`
    ask before they write anything, so a folder they refuse is left as it was; so does `restore`. ``fix``: what to
    point at a folder whose path ends the sentence (default: the settings that choose the data folder)."""
    path = str(data_root)
    fix = fix or _data_root_fix(native)
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        shown = os.fsencode(data_root).decode("utf-8", "backslashreplace")
        readers = "configtxgen and the peers" if native else "configtxgen"
        return (f"the data folder's path is not UTF-8 ({shown}): configtx.yaml{' and each core.yaml' if native else ''}"
                f" name files under it, and a YAML file holds UTF-8 text only, so {readers} would look for those "
                f"files under another name; {fix} is UTF-8")
    if native and "," in path:
        return (f"the data folder's path holds a comma ({data_root}): the orderer reads its CA files from lists "
                f"({', '.join(ORDERER_LIST_VARIABLES)}) split at every comma, so it would look for files that do not "
                f"exist; {fix} has no comma")
    finder = "each peer, and the `peer` CLI recfin runs as an org's admin," if native else None
    return expanded_dollar_problem(data_root, fix=fix, finder=finder)


def _data_root_fix(native: bool) -> str:
    """What to point at another folder, whose path ends the sentence: the settings that choose the data folder."""
    return ("point --data-root, the topology's data_root or RECFIN_HOME" if native
            else "point --data-root or RECFIN_HOSTS_DATA") + " at a folder whose path"


def hosts_data_root_problem(data_root: Path) -> str | None:
    """data_root_path_problem's `$` part for a hosts data folder (native False), for the commands that run the
    `peer` CLI from one `prepare --hostnames` wrote (compose-up, compose-status): a folder prepared before
    prepare refused it is refused there too, before anything starts. The rest is configtxgen's, run by prepare."""
    return expanded_dollar_problem(Path(data_root).absolute(), fix=_data_root_fix(False))


def expanded_dollar_problem(folder: Path, *, fix: str, folder_named: str = "the data folder",
                            finder: str | None = None) -> str | None:
    """Why the `peer` CLI recfin runs as an org's admin (or ``finder``) would not find its core.yaml under
    ``folder`` (``folder_named``), or None: a `$` in its path that viper expands in FABRIC_CFG_PATH. ``fix``:
    what to point at a folder whose path has no $. Asked, before anything starts, of each folder the `peer` CLI
    finds its core.yaml in (bundle_host.prepare_peer_cli puts it there): a data folder by up and prepare, a hosts
    data folder by compose-up and compose-status, a bundle when it is opened."""
    if EXPANDED_DOLLAR.search(str(folder)) is None:
        return None
    finder = finder or "the `peer` CLI recfin runs as an org's admin"
    return (f"{folder_named}'s path holds a $ ({folder}): {finder} finds its core.yaml under it through "
            f"FABRIC_CFG_PATH, in which Fabric's config reader (viper) replaces $NAME and ${{NAME}} with that "
            f"variable's value, so it would look for its configuration in another folder; {fix} has no $")


def gossip_bootstrap(topology: Topology, node: Node) -> str:
    """peer.gossip.bootstrap of a peer: its org's other peers (Fabric dials only peers of its own org there), as
    the space-separated list Fabric reads from one variable. Bootstrapped from itself, a peer would learn its org's
    other peers only from the channel's anchor peers, once joined. An org's only peer names itself: it has no one
    else to ask."""
    others = [peer.address for peer in topology.peers(node.org_name) if peer.name != node.name]
    return " ".join(others) or node.address


def peer_env(topology: Topology, data_root: Path, node: Node) -> dict[str, str]:
    dirs = node_dirs(data_root, node.name)
    crypto = _org_crypto(topology, data_root, node)
    tls = crypto.node_dir(node.hostname) / "tls"
    return {
        "FABRIC_CFG_PATH": str(dirs.config),
        "FABRIC_LOGGING_SPEC": NODE_LOGGING_SPEC,
        "CORE_PEER_ID": node.hostname,
        "CORE_PEER_ADDRESS": node.address,
        "CORE_PEER_LISTENADDRESS": node.listen(),
        "CORE_PEER_CHAINCODELISTENADDRESS": node.listen("chaincode_port"),
        "CORE_PEER_CHAINCODEADDRESS": f"{node.host}:{node.ports['chaincode_port']}",
        # Other orgs learn it through its external endpoint and the anchor peers in the channel config.
        "CORE_PEER_GOSSIP_BOOTSTRAP": gossip_bootstrap(topology, node),
        "CORE_PEER_GOSSIP_EXTERNALENDPOINT": node.address,
        "CORE_PEER_LOCALMSPID": node.msp_id,
        "CORE_PEER_MSPCONFIGPATH": str(crypto.node_dir(node.hostname) / "msp"),
        "CORE_PEER_TLS_ENABLED": "true",
        "CORE_PEER_TLS_CERT_FILE": str(tls / "server.crt"),
        "CORE_PEER_TLS_KEY_FILE": str(tls / "server.key"),
        "CORE_PEER_TLS_ROOTCERT_FILE": str(tls / "ca.crt"),
        "CORE_PEER_GATEWAY_ENABLED": "true",
        "CORE_PEER_FILESYSTEMPATH": str(dirs.data),
        "CORE_LEDGER_SNAPSHOTS_ROOTDIR": str(dirs.data / "snapshots"),
        "CORE_OPERATIONS_LISTENADDRESS": node.listen("operations_port"),
        "CORE_OPERATIONS_TLS_ENABLED": "false",
        "CORE_METRICS_PROVIDER": "prometheus",
        **peer_tuning_env(topology),
    }


def peer_tuning_env(topology: Topology) -> dict[str, str]:
    """CORE_* overrides for the topology's peer tuning (limits, Gateway timeouts, runtime parameters)."""
    return {core_env_name(key): env_value(value) for key, value in topology.tuning.peer_core_yaml().items()}


def orderer_env(topology: Topology, data_root: Path, node: Node) -> dict[str, str]:
    dirs = node_dirs(data_root, node.name)
    crypto = _org_crypto(topology, data_root, node)
    tls = crypto.node_dir(node.hostname) / "tls"
    ca = tls / "ca.crt"
    return {
        "FABRIC_CFG_PATH": str(dirs.config),
        "FABRIC_LOGGING_SPEC": NODE_LOGGING_SPEC,
        "ORDERER_GENERAL_LISTENADDRESS": node.bind_host or node.host,
        "ORDERER_GENERAL_LISTENPORT": str(node.ports["port"]),
        "ORDERER_GENERAL_LOCALMSPID": node.msp_id,
        "ORDERER_GENERAL_LOCALMSPDIR": str(crypto.node_dir(node.hostname) / "msp"),
        "ORDERER_GENERAL_BOOTSTRAPMETHOD": "none",
        "ORDERER_GENERAL_TLS_ENABLED": "true",
        "ORDERER_GENERAL_TLS_CERTIFICATE": str(tls / "server.crt"),
        "ORDERER_GENERAL_TLS_PRIVATEKEY": str(tls / "server.key"),
        "ORDERER_GENERAL_TLS_ROOTCAS": _list(ca),
        # Raft traffic shares the listen port; the node's TLS pair is its cluster client identity. The channel's
        # consenter set pins this exact certificate (configtx.yaml's ClientTLSCert/ServerTLSCert): another one,
        # even from the same TLS CA, is not this consenter, so crypto.generate never reissues it under a channel.
        "ORDERER_GENERAL_CLUSTER_CLIENTCERTIFICATE": str(tls / "server.crt"),
        "ORDERER_GENERAL_CLUSTER_CLIENTPRIVATEKEY": str(tls / "server.key"),
        "ORDERER_CHANNELPARTICIPATION_ENABLED": "true",
        "ORDERER_FILELEDGER_LOCATION": str(dirs.data / "ledger"),
        "ORDERER_CONSENSUS_WALDIR": str(dirs.data / "etcdraft" / "wal"),
        "ORDERER_CONSENSUS_SNAPDIR": str(dirs.data / "etcdraft" / "snapshot"),
        "ORDERER_ADMIN_LISTENADDRESS": node.listen("admin_port"),
        "ORDERER_ADMIN_TLS_ENABLED": "true",
        "ORDERER_ADMIN_TLS_CERTIFICATE": str(tls / "server.crt"),
        "ORDERER_ADMIN_TLS_PRIVATEKEY": str(tls / "server.key"),
        "ORDERER_ADMIN_TLS_ROOTCAS": _list(ca),
        "ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED": "true",
        "ORDERER_ADMIN_TLS_CLIENTROOTCAS": _list(ca),
        "ORDERER_OPERATIONS_LISTENADDRESS": node.listen("operations_port"),
        "ORDERER_OPERATIONS_TLS_ENABLED": "false",
        "ORDERER_METRICS_PROVIDER": "prometheus",
    }


def node_env(topology: Topology, data_root: Path, node: Node) -> dict[str, str]:
    return (peer_env if node.kind == "peer" else orderer_env)(topology, data_root, node)


def peer_core_yaml(base: dict, builder_path: Path, settings: dict[str, object] | None = None) -> dict:
    """The base core.yaml with Docker off, the project's external builder on, proposals' timestamps
    checked (`TIME_WINDOW_FILTER` added to the base's auth filters), and `settings` (dotted core.yaml
    key -> value, e.g. the topology's tuning) set."""
    core = copy.deepcopy(base)
    core.setdefault("vm", {})["endpoint"] = ""
    core.setdefault("chaincode", {})["externalBuilders"] = [
        {"name": BUILDER_NAME, "path": str(builder_path), "propagateEnvironment": ["HOME", "PATH"]}
    ]
    handlers = _section(core, ["peer", "handlers"])
    # the base's filters kept, in their order (ExpirationCheck refuses expired certificates)
    filters = list(handlers.get("authFilters") or [])
    if not any(isinstance(f, dict) and f.get("name") == TIME_WINDOW_FILTER for f in filters):
        filters.append({"name": TIME_WINDOW_FILTER})
    handlers["authFilters"] = filters
    for key, value in (settings or {}).items():
        *parents, leaf = key.split(".")
        _section(core, parents)[leaf] = value
    return core


def _section(core: dict, names: list[str]) -> dict:
    """The mapping at ``names`` in ``core``, made where it is missing or an empty key the base file leaves
    as null."""
    section = core
    for name in names:
        if not isinstance(section.get(name), dict):
            section[name] = {}
        section = section[name]
    return section


def write_node_config(topology: Topology, data_root: Path, node: Node, base_config_dir: Path) -> Path:
    """Write the node's config folder (core.yaml or orderer.yaml) and return it."""
    dirs = node_dirs(data_root, node.name)
    make_folders(dirs.config)
    make_folders(dirs.data)
    if node.kind == "peer":
        base = _base_config(base_config_dir / "core.yaml")
        core = peer_core_yaml(base, builder_dir(data_root), topology.tuning.peer_core_yaml())
        text = yaml.safe_dump(core, sort_keys=False)
        write_atomically(dirs.config / "core.yaml", text)
    else:
        base_file = base_config_dir / "orderer.yaml"
        _base_config(base_file)     # the orderer reads it as written; refused here, not in its log at start
        write_atomically(dirs.config / "orderer.yaml", base_file.read_text())
    return dirs.config


def _base_config(path: Path) -> dict:
    """The Fabric release's base config file (core.yaml, orderer.yaml) as the mapping it holds; one that is
    missing, empty or holds no mapping is refused naming it and where it comes from."""
    def refuse(problem: str) -> NetworkError:
        return NetworkError(f"{path}: {problem}: it is the Fabric release's base {path.name}, which every node's "
                            f"config starts from; run scripts/install-fabric again to restore it, or point "
                            f"RECFIN_FABRIC_CFG at a folder holding the release's config files")

    return read_yaml_mapping(path, f"Fabric's base {path.name}", refuse,
                             cannot_read=lambda exc: refuse(exc.strerror or type(exc).__name__))


# ---- client-side environments (the CLIs acting as an org admin) ------------------
def peer_admin_env(topology: Topology, data_root: Path, org_name: str,
                   peer: Node | None = None) -> dict[str, str]:
    """Env for `peer` CLI calls as the org's admin against one of its peers (default: its first)."""
    org = topology.org(org_name)
    node = peer or topology.peers(org.name)[0]
    crypto = org_crypto(data_root, org.name, org.domain)
    return {
        "FABRIC_CFG_PATH": str(node_dirs(data_root, node.name).config),
        "CORE_PEER_LOCALMSPID": org.msp_id,
        "CORE_PEER_MSPCONFIGPATH": str(crypto.user_msp(org.admin)),
        "CORE_PEER_ADDRESS": node.address,
        "CORE_PEER_TLS_ENABLED": "true",
        "CORE_PEER_TLS_ROOTCERT_FILE": str(crypto.tlsca_cert),
    }


def orderer_tls_ca(topology: Topology, data_root: Path) -> Path:
    oo = topology.orderer_org
    return org_crypto(data_root, oo.name, oo.domain).tlsca_cert


def orderer_client_args(topology: Topology, data_root: Path) -> list[str]:
    """`peer` flags that reach the first orderer over TLS (approve, commit)."""
    node = topology.orderers()[0]
    return ["-o", node.address, "--ordererTLSHostnameOverride", node.hostname,
            "--tls", "--cafile", str(orderer_tls_ca(topology, data_root))]


def osnadmin_tls_args(topology: Topology, data_root: Path) -> list[str]:
    """Mutual-TLS flags for osnadmin: the orderer TLS CA and the orderer admin's TLS client pair."""
    oo = topology.orderer_org
    tls = org_crypto(data_root, oo.name, oo.domain).user_tls(oo.admin)
    return ["--ca-file", str(orderer_tls_ca(topology, data_root)),
            "--client-cert", str(tls / "client.crt"), "--client-key", str(tls / "client.key")]
