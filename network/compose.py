"""The network on the official Fabric images: docker-compose.yaml, generated from the topology.

`build(topology, data)` is a pure function: the same three Raft orderers, four peers and
one chaincode server per org as the native runtime, addressed by their hostnames (the
names their TLS certificates carry) on one compose network instead of 127.0.0.1. The
committed `docker-compose.yaml` is `build(load(), DEFAULT_DATA)`; a unit test checks the
two agree, so they cannot drift.

What runs where:
- orderers: `hyperledger/fabric-orderer:<FABRIC_VERSION>` with the image's own
  orderer.yaml and the same environment overrides as the native runtime
  (`nodeconfig.orderer_env`), paths rewritten to the container's CONTAINER_ROOT;
- peers: `hyperledger/fabric-peer:<FABRIC_VERSION>` with the image's core.yaml, whose
  `chaincode.externalBuilders` already names the ccaas builder shipped in the image
  (/opt/hyperledger/ccaas_builder). The project's own builder (network/builder) is
  Python and the peer image has no Python; both builders read the same package
  (metadata.json type "ccaas", connection.json address/dial_timeout/tls_required).
  One edit, as in the native runtime: `vm.endpoint` emptied (there is no Docker socket
  in the container; with an endpoint set the peer registers a Docker health check and
  /healthz fails). An empty CORE_VM_ENDPOINT would fall back to the file's value, so
  the peer's command copies the image's core.yaml with that one line changed (see
  `peer_start_script`) and starts from the copy. The topology's peer tuning (limits, Gateway timeouts,
  chaincode runtime parameters) reaches the containers as the same CORE_* variables the
  native peers get (`nodeconfig.peer_tuning_env`);
- every orderer and peer: a healthcheck asking its own /healthz on its container's loopback with
  what the image holds (`node_healthcheck`); no `depends_on`, as no node needs another to start;
- chaincode servers: the image built from this repository's Dockerfile, running
  `python -m chaincode --contract <topology contract>` over mutual TLS: the server's pair
  and its clients' CA are mounted read-only from the org's crypto folder. The org's ccaas
  package carries the TLS material its peer dials with, so its package ID is known only
  once the crypto exists: `prepare --hostnames` writes it next to the package as
  `chaincode.env` (CHAINCODE_ID=...), which the service reads as its env_file. Every
  server mounts the same contract configuration, `chaincode/<name>/network_config.json`
  (RECFIN_NETWORK_CONFIG), derived from the topology like the package label's digest.
  Each serves /healthz and /metrics inside the compose network (not published) on the port the
  native server uses, its gRPC port + OPERATIONS_PORT_SHIFT (`ccservers.operations_address`),
  which the topology holds apart from every other port, that gRPC port included; its compose
  healthcheck asks /healthz there with the image's python (it has no curl) at the container's
  own hostname.

Each node mounts only its own folder of crypto material (read-only), never the channel
folder (the joins read the block on the host, `node_mounts`); ledgers live in named
volumes. Host paths start with `data`, by default the variable RECFIN_HOSTS_DATA or ./.recfin/hosts (where `recfin network prepare --hostnames`
writes), so one committed file serves any data folder. A file written elsewhere
(`write`, `--output`) names the repository from its own folder in that fallback and in
the chaincode image's build context, as compose reads them (`repository_from`).

`build` takes the topology it is given: `recfin network compose` passes the effective one
(network.membership: orgs added or removed by `recfin org`), the committed file topology.yaml's.
"""
from __future__ import annotations

import os
from pathlib import Path

import yaml

from client.atomic_file import check_output_file, write_atomically, written_path

from . import ccservers, contract_config, nodeconfig, packaging
from .crypto import org_crypto
from .errors import NetworkError, shell_word
from .default_paths import COMPOSE_FILE
from .fabric_bin import FABRIC_RELEASE, REPO_ROOT
from .topology import Node, Topology

FABRIC_VERSION = FABRIC_RELEASE       # the release of the Fabric commit the CLIs are built from (fabric_bin)
IMAGES = {"peer": f"hyperledger/fabric-peer:{FABRIC_VERSION}",
          "orderer": f"hyperledger/fabric-orderer:{FABRIC_VERSION}"}
CHAINCODE_IMAGE = "recfin/chaincode:local"      # a local tag for what is built here, never pulled (PULL_POLICY)
PULL_POLICY = "build"
IMAGE_CFG_PATH = "/etc/hyperledger/fabric"      # FABRIC_CFG_PATH of the official images
CONTAINER_ROOT = Path("/var/recfin")              # where a container sees the data folder
DATA_VARIABLE = "RECFIN_HOSTS_DATA"
HOSTS_FOLDER = ".recfin/hosts"        # where `prepare --hostnames` writes by default, in the repository


def data_folder(repository: str = ".") -> str:
    """The data folder as a compose file names it: $RECFIN_HOSTS_DATA, else the repository's .recfin/hosts, the
    repository named as the file's folder sees it (`repository_from`)."""
    return f"${{{DATA_VARIABLE}:-{repository}/{HOSTS_FOLDER}}}"


DEFAULT_DATA = data_folder()
NETWORK = "recfin"
HEADER = ("# Generated by `recfin network compose --write` from network/topology.yaml: edit the topology,\n"
          "# not this file. Run `recfin network prepare --hostnames` first (crypto, channel block),\n"
          "# then `docker compose up -d`; docs/network.md, \"Running on separate hosts\".\n")


# How every compose file `write` writes starts: only such a file is written over
# (_not_a_compose_file_to_replace).
_HEADER_FIRST_LINE = HEADER.split("\n", 1)[0].encode() + b"\n"

PEER_CFG_PATH = "/tmp/recfin-peer-config"      # the peer's edited copy of the image's core.yaml
DOCKER_ENDPOINT_LINE = "endpoint: unix:///var/run/docker.sock"
_FILTER = nodeconfig.TIME_WINDOW_FILTER
# sed: the time window filter listed after ExpirationCheck, as its sibling in either form Fabric's core.yaml
# writes a list item in: "- name: ExpirationCheck" on one line, or "-" with "name: ExpirationCheck" below it
_ADD_TIME_WINDOW_FILTER = (f"-e 's/^\\( *- *\\)name: ExpirationCheck.*/&\\n\\1name: {_FILTER}/;t' "
                           f"-e 's/^\\(\\( *\\)  \\)name: ExpirationCheck.*/&\\n\\2-\\n\\1name: {_FILTER}/'")


def peer_start_script(image_cfg: str = IMAGE_CFG_PATH, cfg: str = PEER_CFG_PATH,
                      start: str = "exec peer node start") -> str:
    """sh: copy the image's core.yaml with vm.endpoint emptied and proposals' timestamps checked (the native
    peers' `nodeconfig.TIME_WINDOW_FILTER` listed in peer.handlers.authFilters), check both edits took, then
    start.

    No `$` in it: compose would read it as a variable."""
    return (f"mkdir -p {cfg} && "
            f"sed -e 's#{DOCKER_ENDPOINT_LINE}#endpoint: \"\"#' {_ADD_TIME_WINDOW_FILTER} "
            f"{image_cfg}/core.yaml > {cfg}/core.yaml && "
            f"if grep -q '{DOCKER_ENDPOINT_LINE}' {cfg}/core.yaml || ! grep -q 'endpoint: \"\"' {cfg}/core.yaml; "
            f"then echo 'recfin: could not empty vm.endpoint in {image_cfg}/core.yaml' >&2; exit 1; fi && "
            f"if ! grep -Eq '^ *(- *)?name: {_FILTER}' {cfg}/core.yaml; "
            f"then echo 'recfin: could not add {_FILTER} after ExpirationCheck in peer.handlers.authFilters "
            f"of {image_cfg}/core.yaml' >&2; exit 1; fi && "
            f"{start}")


def host_path(data: str, container_path: Path) -> str:
    """The host side of a container path under CONTAINER_ROOT."""
    return f"{data.rstrip('/')}/{container_path.relative_to(CONTAINER_ROOT).as_posix()}"


def _crypto_root(topology: Topology, node: Node) -> Path:
    if node.kind == "orderer":
        oo = topology.orderer_org
        return org_crypto(CONTAINER_ROOT, oo.name, oo.domain).node_dir(node.hostname)
    org = topology.org(node.org_name)
    return org_crypto(CONTAINER_ROOT, org.name, org.domain).node_dir(node.hostname)


def node_environment(topology: Topology, node: Node) -> dict[str, str]:
    """The native runtime's environment for the node, seen from inside its container."""
    env = nodeconfig.node_env(topology, CONTAINER_ROOT, node)
    env["FABRIC_CFG_PATH"] = PEER_CFG_PATH if node.kind == "peer" else IMAGE_CFG_PATH
    return dict(sorted(env.items()))


def data_volume(node: Node) -> str:
    return f"{node.name}-data"


def node_mounts(topology: Topology, node: Node, data: str) -> list[str]:
    """The node's own crypto folder (read-only) and its named data volume. Not the channel folder: no node reads
    the genesis block inside its container (`osnadmin channel join` and `peer channel join` read it on the host
    and send it), and a host folder a mount names but the bundle lacks (the block not made yet) `docker compose
    up` makes owned by root, where a later bundle's block can then not be unpacked."""
    crypto_dir = _crypto_root(topology, node)
    return [
        f"{host_path(data, crypto_dir)}:{crypto_dir.as_posix()}:ro",
        f"{data_volume(node)}:{nodeconfig.node_dirs(CONTAINER_ROOT, node.name).data.as_posix()}",
    ]


DOCKER_HOST = "localhost"      # every certificate carries it as a SAN (network/crypto.py)


def from_docker_host(topology: Topology) -> Topology:
    """The network as the Docker machine itself reaches it: every node at localhost on the port its
    service publishes (`published_ports`), its TLS certificate checked against the localhost SAN;
    the orderer's hostname still goes to `--ordererTLSHostnameOverride`. What the Fabric CLIs on the
    Docker host dial (network/compose_up.py); the containers themselves use the hostnames."""
    return topology.model_copy(update={"addressing": "listen_host", "listen_host": DOCKER_HOST, "namespaces": {}})


# Ports published on the Docker host's loopback alone: the operations endpoint serves without TLS
# (nodeconfig), and Fabric then bypasses its authorization, PUT /logspec included.
LOOPBACK_ONLY_PORTS = ("operations_port",)
LOOPBACK = "127.0.0.1"


def published_ports(node: Node) -> list[str]:
    """Every port a client outside compose needs: the node's, its operations and osnadmin's (not chaincode).
    The operations port is published on 127.0.0.1 only (LOOPBACK_ONLY_PORTS); the others on every interface."""
    keys = [k for k in node.ports if k != "chaincode_port"]
    return [f"{LOOPBACK}:{node.ports[k]}:{node.ports[k]}" if k in LOOPBACK_ONLY_PORTS else
            f"{node.ports[k]}:{node.ports[k]}" for k in keys]


def published_operations_address(node: Node) -> str:
    """Where the Docker host itself reaches a node's operations endpoint (/healthz, /metrics): its loopback, the
    only interface the port is published on (published_ports), not the node's hostname."""
    return f"{LOOPBACK}:{node.ports['operations_port']}"


def consenter_hosts(topology: Topology, node: Node) -> list[str]:
    """An orderer's extra_hosts: each other consenter (what Raft dials, by hostname) the topology gives an address
    for (`address:`), as `hostname:address`. On separate hosts the container has only Docker's resolver, which
    knows no other host's containers and never reads /etc/hosts; on one Docker machine the addresses lead to the
    ports the others publish there. A name without an address is left to DNS or the compose network."""
    known = topology.host_addresses()
    return [f"{other.hostname}:{known[other.hostname]}" for other in topology.orderers()
            if other.hostname != node.hostname and other.hostname in known]


# The official images hold neither curl nor python, and which shell tools they hold depends on the base image the
# release was built on: busybox's wget on Alpine (Fabric 2.4 and before), bash but no wget on Ubuntu (the base of
# later releases). The check uses bash's /dev/tcp where bash is, else wget; either way sh, head and grep, which the
# peer's start script already needs. `-Y off`: no proxy (Docker passes the daemon's HTTP_PROXY into containers).
# A release whose image has neither would never turn healthy; compose-up waits on /healthz itself, from the host,
# so it is not held up by that.
def node_healthcheck(port: int) -> dict:
    """Compose's healthcheck of an orderer or peer: its operations endpoint, inside the container on 127.0.0.1 (it
    listens on every interface, without TLS), answers GET /healthz with 200 (503 names a failed check).

    No `$` in it: compose would read it as a variable."""
    probe = (f"if command -v bash >/dev/null 2>&1; then bash -c 'exec 3<>/dev/tcp/127.0.0.1/{port} && "
             f"printf \"GET /healthz HTTP/1.0\\r\\nHost: 127.0.0.1\\r\\n\\r\\n\" >&3 && "
             f"head -n 1 <&3 | grep -q \"^HTTP/1\\.[01] 200 \"'; "
             f"else wget -q -Y off -O /dev/null http://127.0.0.1:{port}/healthz; fi")
    return {"test": ["CMD-SHELL", probe], "interval": "10s", "timeout": "5s", "retries": 3, "start_period": "30s"}


# Docker's json-file driver keeps a container's whole log unless told otherwise, and a peer logs every block it
# commits: the log would grow until the disk is full. Each container's log is cut at LOG_FILE_SIZE and the
# LOG_FILES newest kept (what `docker logs` reads). The driver is named, as its options are its own: with the daemon's
# default driver left in place, a daemon set to journald or syslog would refuse max-size and start no container.
LOG_FILE_SIZE, LOG_FILES = "50m", 5
LOGGING = {"driver": "json-file", "options": {"max-size": LOG_FILE_SIZE, "max-file": str(LOG_FILES)}}


def container_logging() -> dict:
    """LOGGING, a copy for each service: one dict shared by several would be written as a YAML anchor and aliases."""
    return {"driver": LOGGING["driver"], "options": dict(LOGGING["options"])}

# How long `docker compose stop|down|restart` waits after SIGTERM before it kills (Docker's default: 10 s).
# A chaincode server lets running transactions finish for chaincode.shim.server's SHUTDOWN_GRACE_SECONDS (5 s),
# then gives the cut ones CUT_ANSWER_SECONDS (1 s) to be answered: about 7 s with a transaction stuck, which 10 s
# covers by little on a loaded host; killed sooner, the peer gets no answer for them. An orderer or peer closes its
# ledger on SIGTERM; killed midway, it replays blocks into its state database at its next start.
CHAINCODE_STOP_GRACE = "15s"
NODE_STOP_GRACE = "30s"

# No process in a container gains privileges by executing a file (a setuid binary of the base image, such as su or
# mount in python:3.11-slim, or file capabilities): the chaincode server, dropped to its user by the entry point's
# setuid() before it runs, stays that user whatever someone who takes it over runs.
NO_NEW_PRIVILEGES = "no-new-privileges:true"


def node_service(topology: Topology, node: Node, data: str) -> dict:
    service = {
        "image": IMAGES[node.kind],
        "container_name": node.hostname,
        "hostname": node.hostname,
        "command": ["sh", "-c", peer_start_script()] if node.kind == "peer" else ["orderer"],
        "environment": node_environment(topology, node),
        "ports": published_ports(node),
        "volumes": node_mounts(topology, node, data),
        "healthcheck": node_healthcheck(node.ports["operations_port"]),
        "networks": [NETWORK],
        "restart": "unless-stopped",
        "stop_grace_period": NODE_STOP_GRACE,
        "logging": container_logging(),
        "security_opt": [NO_NEW_PRIVILEGES],
    }
    if node.kind == "orderer" and (extra_hosts := consenter_hosts(topology, node)):
        service["extra_hosts"] = extra_hosts     # a peer org's peers get theirs from its bundle's override file
    return service


CHAINCODE_ENV = "chaincode.env"      # CHAINCODE_ID=<package ID>, next to the org's package


def chaincode_folder(topology: Topology, data_root: Path, org_name: str) -> Path:
    """Where an org's ccaas package and its chaincode.env live under a data folder."""
    return data_root / "chaincode" / topology.chaincode.name / topology.org(org_name).name


def chaincode_healthcheck(host: str, port: int) -> dict:
    """Compose's healthcheck of a chaincode server: its /healthz answers 200 (urllib raises on 503).

    It runs inside the server's container and asks by the container's hostname, the address a
    scraper on the compose network uses too. It goes direct: Docker passes the daemon's
    HTTP(S)_PROXY into containers, and urlopen would send the request through that proxy.
    """
    probe = ("import urllib.request; urllib.request.build_opener(urllib.request.ProxyHandler({}))"
             f".open('http://{host}:{port}/healthz', timeout=3)")
    return {"test": ["CMD", "python", "-c", probe], "interval": "10s", "timeout": "5s", "retries": 3,
            "start_period": "20s"}


def chaincode_service(topology: Topology, org_name: str, data: str = DEFAULT_DATA) -> dict:
    org = topology.org(org_name)
    host = topology.chaincode_server_host(org)
    server_tls = ccservers.server_tls_dir(topology, CONTAINER_ROOT, org)
    network_config = contract_config.config_path(CONTAINER_ROOT, topology.chaincode.name)
    # The native server's ports, which the topology holds apart: a fixed operations port could be the
    # gRPC port the topology gives this server, which would then fail to bind it and restart for ever.
    grpc_port, operations_port = (port for _what, port in ccservers.server_ports(org))
    return {
        "build": {"context": ".", "dockerfile": "Dockerfile"},
        "image": CHAINCODE_IMAGE,
        # Without it compose pulls CHAINCODE_IMAGE first (docker.io/recfin/chaincode, whoever publishes that name
        # would run as the org's chaincode server with its TLS key), builds only when the pull fails, and never
        # rebuilds an image it has: `up` after an upgrade would run the old contract. With it, every `up` builds
        # from the checkout (layer cache makes an unchanged one quick) and nothing is pulled under that name.
        "pull_policy": PULL_POLICY,
        "container_name": host,
        "hostname": host,
        "command": ["python", "-m", "chaincode", "--contract", topology.chaincode.contract],
        "env_file": [host_path(data, chaincode_folder(topology, CONTAINER_ROOT, org.name) / CHAINCODE_ENV)],
        "environment": {
            "CHAINCODE_SERVER_ADDRESS": topology.chaincode_server_listen(org),
            "CHAINCODE_OPERATIONS_ADDRESS": ccservers.operations_address(topology, org),
            **ccservers.tls_env(server_tls, host),  # mutual TLS: its own pair, its peer's CA and client name
            "PYTHONUNBUFFERED": "1",
            contract_config.ENV_VAR: network_config.as_posix(),
            "RECFIN_MSP_ID": org.msp_id,
        },
        "volumes": [f"{host_path(data, server_tls)}:{server_tls.as_posix()}:ro",
                    f"{host_path(data, network_config)}:{network_config.as_posix()}:ro"],
        "expose": [str(grpc_port), str(operations_port)],
        "healthcheck": chaincode_healthcheck(host, operations_port),
        "networks": [NETWORK],
        "restart": "unless-stopped",
        "stop_grace_period": CHAINCODE_STOP_GRACE,
        "logging": container_logging(),
        "security_opt": [NO_NEW_PRIVILEGES],
    }


def build(topology: Topology, data: str = DEFAULT_DATA, orgs: list[str] | None = None,
          *, chaincode_context: str = ".") -> dict:
    """The compose document (pure). `orgs` limits it to those peer orgs' peers and chaincode
    servers (no orderers): what one company runs on its own host (see network.bundle)."""
    topology = topology.on_hosts()
    chosen = [topology.org(o).name for o in orgs] if orgs is not None else [o.name for o in topology.orgs]
    nodes = [n for n in topology.nodes() if (orgs is None and n.kind == "orderer") or n.org_name in chosen]
    services = {n.hostname: node_service(topology, n, data) for n in nodes}
    for name in chosen:
        org = topology.org(name)
        svc = chaincode_service(topology, name, data)
        svc["build"]["context"] = chaincode_context
        services[topology.chaincode_server_host(org)] = svc
    return {
        "name": topology.name,
        "services": services,
        "volumes": {data_volume(n): {} for n in nodes},
        "networks": {NETWORK: {"name": topology.name}},
    }


def render(document: dict) -> str:
    return HEADER + yaml.safe_dump(document, sort_keys=False, default_flow_style=False, width=120)


def repository_from(folder: Path) -> str:
    """The repository's top folder as a compose file in `folder` names it.

    Compose reads a relative path in a file (the build context, the data folder's fallback) against the file's
    own folder, not the shell's. A file inside the repository names it relatively, so the file holds no machine's
    path ("." for the committed one); a file outside names it by its absolute path, which still holds when the
    file is moved. A `$` of it is written `$$`, which Compose reads as a `$` (`$name` would be a variable)."""
    folder, root = folder.resolve(), REPO_ROOT.resolve()
    named = os.path.relpath(root, folder) if folder.is_relative_to(root) else root.as_posix()
    return named.replace("$", "$$")


def write(topology: Topology, path: Path = COMPOSE_FILE) -> Path:
    """Write the compose file (default: docker-compose.yaml at the top of the repository). Written elsewhere, its
    build context (the Dockerfile's folder, with the .dockerignore that keeps the context to what the image copies)
    and its data folder's fallback name the repository from the file's folder.

    Replaced whole (a crash leaves the old file or the new), and only a compose file this writes (or an empty
    one): any other file there (the topology, a file of the operator's named by mistake) is refused, nothing
    written."""
    if (problem := _not_a_compose_file_to_replace(path)) is not None:
        raise NetworkError(f"not writing the compose file to {path}: {problem}")
    repository = repository_from(path.absolute().parent)
    data = data_folder(repository)
    if _first_closing_brace(data) not in (-1, len(data) - 1):     # -1: Compose reads on to the last `}`
        raise NetworkError(
            f"not writing the compose file to {path}: it names the repository by its path, "
            f"{shell_word(REPO_ROOT)}, which holds a `}}` that Compose would read as the end of the data "
            f"folder's `${{{DATA_VARIABLE}:-...}}` (Compose has no way to write a `}}` there), so the containers "
            f"would mount another folder. Nothing was written: write the compose file inside the repository "
            f"(it names the repository relatively there), or use a checkout whose path holds no `}}`")
    write_atomically(path, render(build(topology, data, chaincode_context=repository)))
    return path


def _first_closing_brace(value: str) -> int:
    """Where Compose's interpolation ends the `${` that value starts with: the first `}` that closes no `${`
    opened inside it (compose-go's template.getFirstBraceClosingIndex, which counts a `${` after a `$$` too);
    -1 where none does."""
    depth, i = 0, 0
    while i < len(value):
        if value[i] == "}":
            depth -= 1
            if depth == 0:
                return i
        if value.startswith("${", i):
            depth += 1
            i += 1
        i += 1
    return -1


def _not_a_compose_file_to_replace(path: Path) -> str | None:
    """Why the compose file must not be written at path, None when it may: nothing there, an empty file, or a
    compose file `write` wrote (it starts with HEADER's first line)."""
    if (problem := check_output_file(path)) is not None:
        return problem
    target = written_path(path)
    if not target.is_file():
        return None
    with open(target, "rb") as handle:
        start = handle.read(len(_HEADER_FIRST_LINE))
    if start and start != _HEADER_FIRST_LINE:
        return ("a file is there that `recfin network compose --write` did not write (it does not start "
                "with its header), so it is not written over and nothing was written: give --output a new "
                "file, or move that one away")
    return None


def hosts_data_root(topology: Topology, env: dict[str, str] | None = None) -> Path:
    """Where `prepare --hostnames` writes: $RECFIN_HOSTS_DATA, else next to the native data folder."""
    env = os.environ if env is None else env
    if env.get(DATA_VARIABLE):
        return Path(env[DATA_VARIABLE])
    return topology.resolved_data_root(env).parent / "hosts"


def write_packages(topology: Topology, data_root: Path, orgs: list[str] | None = None) -> dict[str, packaging.Package]:
    """Write each org's ccaas package (hostname address, the org's chaincode TLS material under
    data_root/crypto) and its chaincode.env under data_root/chaincode/<name>/<org>/, and the
    contract configuration every server mounts (with the derived collections) in data_root/chaincode/<name>/."""
    topology = topology.on_hosts()
    label = f"{topology.chaincode.name}_{contract_config.write(topology, data_root).version}"
    out = {}
    for org in (topology.org(o) for o in orgs) if orgs is not None else topology.orgs:
        keys = org_crypto(data_root, org.name, org.domain)
        if keys.public_only and not (keys.chaincode_client_tls(topology.chaincode_server_host(org))
                                     / "client.key").is_file():
            continue    # it made its keys on its own host: its package is made there (`recfin host adopt-keys`)
        folder = chaincode_folder(topology, data_root, org.name)
        pkg = packaging.write_package(folder, label, ccservers.connection(topology, data_root, org))
        write_atomically(folder / CHAINCODE_ENV, f"CHAINCODE_ID={pkg.package_id}\n")
        out[org.msp_id] = pkg
    return out
