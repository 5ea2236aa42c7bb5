"""Per-org bundles: what one company needs to run its own peer and chaincode server on its own host.

`write(topology, data_root, org, out)` copies from a data folder prepared for hostnames
(`recfin network prepare --hostnames`; one prepared for the native runtime, whose channel names
127.0.0.1 or a namespace's address, is refused: check_prepared_for_hostnames) into `out`:

    bundle.json                       org, MSP ID, install root, every file written, and the SHA-256 digest
                                      and size of each file no normal flow changes afterwards (digested),
                                      which `recfin host` checks (network.bundle_host.check_digests)
    README.md                         how to start it, what to make resolvable, what is not inside
    docker-compose.yaml               the org's peers and chaincode server (network.compose, this org only)
    endpoints.yaml                    every node the org's host dials or is dialled by: hostname, port, TLS CA
    hosts, docker-compose.override.yaml   when the topology gives host addresses (`address:`): the lines for
                                      this host's /etc/hosts, and the same names as extra_hosts of the org's
                                      peer containers; a name it gives no address for is a commented-out line
                                      with ADDRESS in its place, and the README names it
    topology.yaml                     the network on hostnames, as the package was made for (`recfin host` reads it)
    crypto/<org>/                     the org's own material: verifying MSP, CA and TLS CA certificates,
                                      its peers' MSP+TLS, its users' MSP+TLS, its chaincode server's TLS
                                      pair and its peers' client pair for it (never the CA keys, nor any
                                      key among its verifying MSP's certificates); for a revoked user
                                      whose folder was removed, the CA's copy of its certificate
                                      (ca/issued/<user>.pem), by which its profile entry and `recfin org user
                                      list` show it revoked
    crypto/<other org>/               public material only: msp/ (CA certs, config.yaml), ca.pem, tlsca.pem
    channel/<channel>.block           the genesis block, to join the channel (when prepared)
    chaincode/<name>/<org>/<label>.tar.gz   the org's ccaas package (its server's hostname, mutual TLS: it holds
                                      its peers' client key, so it is written readable by its owner alone)
    chaincode/<name>/<org>/chaincode.env    CHAINCODE_ID=<that package's ID>, read by the chaincode service
    chaincode/<name>/network_config.json    the contract configuration its chaincode server runs with (the same
                                      in every org's bundle), and collections_config.json: the derived
                                      one, or the file the topology names (chaincode.collections_config)
    profiles/<org>.json               the connection profile for the org's SDK clients

Every address dialled is a topology hostname (the names in the TLS certificates); the IP addresses
the topology gives only say where those names point (Topology.host_addresses). Paths in the
profile are under `install_root` (default /var/recfin, the folder the README says to
unpack into); inside containers the same folder is mounted at compose.CONTAINER_ROOT.
No other org's private key is ever copied: other orgs contribute certificates only (a file among
them that holds a key, a link to one or a key saved under another name, PEM or DER, is left out; a CA or TLS CA
certificate file, which every bundle needs, holding one is refused with nothing written). An org that
made its own keys (`recfin org keys`) has only its certificates in data_root: its bundle is
written without its identities and package (listed as missing), and its company adds them on
its own host (`recfin host adopt-keys`, network.bundle_keys; `finish` writes what follows from them).
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from ipaddress import ip_address
from pathlib import Path, PurePosixPath

import yaml
from google.protobuf.message import DecodeError

from client.atomic_file import write_atomically

from . import channel_config, compose, configtx, contract_config, crl, membership, profiles
from .crypto import (HSM_SIGNER_FILE, KEY_ELSEWHERE_FILE, OrgCrypto, holds_private_key, load_cert, org_crypto,
                     revoked_by_org)
from .default_paths import DEFAULT_INSTALL_ROOT
from .errors import NetworkError, NodeNotFoundError, shell_word
from .flock_wait import FlockHolder, flock_holder, flock_within, held_while_stopped
from .mounts import mount_table
from .org_definition import decode_anchor_peers
from .topology import PeerOrgSpec, Topology

MANIFEST = "bundle.json"
TOPOLOGY_FILE = "topology.yaml"
PUBLIC_SUFFIXES = (".pem", ".crt", ".yaml")
SECRET_MODE = 0o600      # a private key file's, as the generator writes it
PRIVATE_FOLDER_MODE = 0o700     # every folder on the way to one
HOSTS_FILE = "hosts"
COMPOSE_OVERRIDE = "docker-compose.override.yaml"      # `docker compose` reads it with docker-compose.yaml
ADDRESS = "ADDRESS"      # where the topology gives no address: the operator writes the host's in its place
# The chaincode image's build context: the company's recfin checkout, which only its host knows. Compose resolves
# every variable of the file for each subcommand (restart, logs, ps, down too), from the environment or from .env
# in the file's folder: recorded there once, it is never missing; never recorded, each command stops saying how.
# The bundle ships no .env: a new bundle unpacked over the old would overwrite the company's. One written over the
# org's earlier bundle keeps the .env there (COMPANY_FILES), which is the company's, never listed nor digested.
SOURCE_VARIABLE = "RECFIN_SOURCE"
SOURCE_STEP = f"echo {SOURCE_VARIABLE}=/path/to/recfin > .env"
SOURCE_CONTEXT = (f"${{{SOURCE_VARIABLE}:?the chaincode image builds from a recfin checkout: record its path in this "
                  f"folder's .env ({SOURCE_STEP}), README.md step 3}}")
DIGESTS = "digests"      # bundle.json: file -> {"sha256", "size"}, for each file `digested` names
COMPOSE_FILE, ENDPOINTS_FILE, README_FILE = "docker-compose.yaml", "endpoints.yaml", "README.md"
# What `finish` writes from the topology and the bundle's own keys alone, never reading it back: `recfin host
# adopt-keys` writes each again, so one a stopped run left newer than bundle.json's digest is written over
REWRITTEN = (COMPOSE_FILE, ENDPOINTS_FILE, README_FILE)
COMPANY_FILES = (".env",)   # what the company adds to its bundle, kept when the org's bundle is written over it
# Beside out, while a bundle is written: .<out's name>.<mkdtemp's random part>.new, the bundle being built, and
# .old (the same random part), the earlier bundle renamed aside for it; a run stopped midway leaves them there
BUILD_SUFFIX, ASIDE_SUFFIX = ".new", ".old"
# What tempfile.mkdtemp puts between prefix and suffix: 8 of these characters. Held to that length, so that a folder
# an operator named in that form (.bank.backup.old: the earlier bundle kept aside by hand) is not taken for a leftover.
_RANDOM_PART = re.compile(r"[a-z0-9_]{8}")
# How long a write waits for another run writing a bundle into the same folder (a few seconds' work) to finish
WRITER_WAIT = 60.0
_WRITER_POLL = 0.1


@dataclass
class Bundle:
    org: str
    msp_id: str
    root: Path
    install_root: Path
    files: list[str] = field(default_factory=list)      # relative to root
    missing: list[str] = field(default_factory=list)    # what the data folder did not hold yet
    package_id: str | None = None                       # None until the org's own keys are in
    recovered: list[str] = field(default_factory=list)  # what a run stopped midway left at out, and what was done


def topology_document(topology: Topology) -> dict:
    """What a bundle records of the network: the topology on hostnames, without what only the writer's
    host uses (its data folder, loopback address and network namespaces). Nothing in it is secret."""
    data = topology.on_hosts().model_dump(mode="json", exclude_none=True)
    for key in ("data_root", "listen_host", "namespaces"):
        data.pop(key, None)
    return data


def topology_text(topology: Topology) -> str:
    """The bundle's topology.yaml as `finish` writes it: `recfin host adopt-keys` writes it again to tell a run of its
    own stopped midway by the file's digest, so both take it from here."""
    return yaml.safe_dump(topology_document(topology), sort_keys=False, allow_unicode=True)


def digested(path: str) -> bool:
    """Whether bundle.json records the digest of the bundle's file at path (relative to the bundle):
    every file the bundle writes but those the normal flows change in an installed bundle, which `recfin
    host` would otherwise refuse as damaged: the CRLs (any crls/ folder: `org user list --sync`, `org user
    revoke`), the connection profile (they mark revoked users in it), private keys (`recfin hsm import`
    has a keystore key moved offline; a key's digest has no place in a manifest anyone may read either),
    the files saying a key is in an HSM (`recfin hsm link` and `import` write them), and `hosts` and the
    compose override, where the company writes its hosts' addresses in place of ADDRESS. `recfin host
    adopt-keys` records the digests afresh once it has written; the company's .env is not the bundle's."""
    file = PurePosixPath(path)
    return not (path in (MANIFEST, HOSTS_FILE, COMPOSE_OVERRIDE)
                or file.parts[:1] == (profiles.profiles_dir(Path(".")).name,)
                or "crls" in file.parts[:-1]
                or file.suffix == ".key" or file.parent.name == "keystore"
                or file.name in (HSM_SIGNER_FILE, KEY_ELSEWHERE_FILE))


def file_digest(path: Path) -> dict:
    """What bundle.json records of a file it digests: its SHA-256 (hex) and its size in bytes."""
    with open(path, "rb") as handle:
        sha256 = hashlib.file_digest(handle, "sha256").hexdigest()
        return {"sha256": sha256, "size": os.fstat(handle.fileno()).st_size}


def _holds_private_key(path: Path, data: bytes) -> bool:
    """Whether a file is a private key by its name or folder (a key file, a keystore's) or holds one by its content,
    PEM or DER under any name (crypto.holds_private_key)."""
    return path.suffix == ".key" or path.parent.name == "keystore" or holds_private_key(data)


def _copy(src: Path, dst: Path, bundle: Bundle) -> None:
    """Copy src to dst in one step (a reader sees the old file or the new), with src's mode; a private key is
    its owner's alone from the moment it exists, whatever src's mode, even in an unpacked bundle that others
    can list (`recfin host adopt-keys` copies into one)."""
    data = src.read_bytes()
    secret = _holds_private_key(src, data)
    write_atomically(dst, data, mode=SECRET_MODE if secret else stat.S_IMODE(src.stat().st_mode))
    if secret:
        _keep_private(dst, bundle.root)
    bundle.files.append(dst.relative_to(bundle.root).as_posix())


def _keep_private(secret: Path, root: Path) -> None:
    """Make each folder between the bundle's root and a secret file in it (a private key, the package
    holding the peers' client key) its owner's alone: the root is, as written, but one unpacked into a
    folder others can open (/var/recfin made 0755), where `adopt-keys` copies the keys, would otherwise
    list them to every user."""
    for folder in (root / part for part in list(secret.relative_to(root).parents)[:-1]):
        if stat.S_IMODE(folder.stat().st_mode) != PRIVATE_FOLDER_MODE:
            folder.chmod(PRIVATE_FOLDER_MODE)


def _copy_certificate(src: Path, dst: Path, bundle: Bundle) -> None:
    """Copy an org's CA or TLS CA certificate file, which the bundle needs by name and so cannot leave out: one
    that holds a private key (the CA's key saved in the same PEM file, or the file a link to the key) is refused,
    naming it, before the bundle is swapped in, so the key never reaches a company."""
    if _holds_private_key(src, src.read_bytes()):
        raise NetworkError(f"{src} holds a private key, and every org's bundle carries this file: keep the key in a "
                           f"file of its own (its CA's .key beside it) and the certificate alone in {src.name}, then "
                           f"run the command again. Nothing was written")
    _copy(src, dst, bundle)


def _copy_tree(src: Path, dst: Path, bundle: Bundle, *, public_only: bool = False, keys: bool = True) -> None:
    """Copy the files under src to dst. keys False: a file that holds a private key is left out, however
    it got there (a link to a CA key, a key saved under a certificate's name, PEM or DER); public_only: so is
    every file but a certificate or a config (PUBLIC_SUFFIXES), the keys first of all."""
    for path in sorted(p for p in src.rglob("*") if p.is_file()):
        if (public_only or not keys) and _holds_private_key(path, path.read_bytes()):
            continue
        if public_only and path.suffix not in PUBLIC_SUFFIXES:
            continue
        _copy(path, dst / path.relative_to(src), bundle)


def _write(path: Path, text: str, bundle: Bundle) -> None:
    write_atomically(path, text)   # `finish` rewrites an installed bundle's files: never half of one
    bundle.files.append(path.relative_to(bundle.root).as_posix())


def _rebase(value, old: str, new: str):
    if isinstance(value, dict):
        return {k: _rebase(v, old, new) for k, v in value.items()}
    if isinstance(value, list):
        return [_rebase(v, old, new) for v in value]
    if isinstance(value, str) and (value == old or value.startswith(old + "/")):
        return new + value[len(old):]
    return value


def endpoints(topology: Topology, org_name: str) -> dict:
    """Who the org's host talks to, by hostname, with the TLS CA (a path in the bundle) that verifies each."""
    topology = topology.on_hosts()
    org = topology.org(org_name)
    oo = topology.orderer_org

    def tlsca(name: str, domain: str) -> str:
        return org_crypto(Path("."), name, domain).tlsca_cert.as_posix()

    return {
        "org": org.name,
        "msp_id": org.msp_id,
        "channel": topology.channel,
        "own": {
            "peers": [{"name": n.name, "hostname": n.hostname, "port": n.ports["port"],
                       "operations_port": n.ports["operations_port"]} for n in topology.peers(org.name)],
            "chaincode_server": {"hostname": topology.chaincode_server_host(org), "port": org.chaincode_server_port,
                                 "address": topology.chaincode_server_address(org)},
        },
        "orderers": [{"name": n.name, "hostname": n.hostname, "port": n.ports["port"],
                      "admin_port": n.ports["admin_port"], "msp_id": oo.msp_id, "tls_ca": tlsca(oo.name, oo.domain)}
                     for n in topology.orderers()],
        "peers": [{"name": n.name, "hostname": n.hostname, "port": n.ports["port"], "msp_id": n.msp_id,
                   "tls_ca": tlsca(o.name, o.domain)}
                  for o in topology.orgs if o.name != org.name for n in topology.peers(o.name)],
    }


@dataclass(frozen=True)
class Resolution:
    """The names an org's host resolves without DNS, and the addresses the topology gives for them.

    Containers resolve names through Docker's resolver (then the host's DNS servers), never the host's
    /etc/hosts: the org's peers (the containers that dial the others) need the names they dial as extra_hosts.
    On the host itself, `recfin host` and the SDK clients dial the org's own peers as well."""

    own_peers: list[str]            # the org's peer containers' hostnames
    dialled: list[str]              # what those containers dial: every orderer and every other org's peer
    addresses: dict[str, str]       # hostname -> IP address, for the names the topology gives one for

    @property
    def on_host(self) -> list[str]:
        return [*self.own_peers, *self.dialled]

    @property
    def missing(self) -> list[str]:
        return [name for name in self.on_host if name not in self.addresses]

    @property
    def dialled_addresses(self) -> dict[str, str]:
        """The addresses of the names the org's peer containers dial (their extra_hosts)."""
        return {name: self.addresses[name] for name in self.dialled if name in self.addresses}


def resolution(topology: Topology, ends: dict) -> Resolution:
    """What the org's host (its endpoints `ends`) must resolve, with the addresses the topology gives."""
    own = [p["hostname"] for p in ends["own"]["peers"]]
    dialled = [n["hostname"] for n in ends["orderers"] + ends["peers"]]
    known = topology.host_addresses()
    return Resolution(own, dialled, {name: known[name] for name in [*own, *dialled] if name in known})


UNKNOWN_NOTE = "no address in the topology: write the host's in place of ADDRESS and remove the #, or leave it to DNS"


def compose_override(org_name: str, res: Resolution) -> str:
    """docker-compose.override.yaml: the names the org's peer containers dial, as their extra_hosts."""
    lines = [f"# Written by `recfin org bundle {org_name}` from the topology's addresses. `docker compose` reads it",
             "# with docker-compose.yaml: containers do not read this host's /etc/hosts, so the peers get the",
             "# names they dial here. Where DNS resolves them, this file can be removed.",
             "services:"]
    for peer in res.own_peers:
        lines += [f"  {peer}:", "    extra_hosts:"]
        lines += [f'      - "{name}:{res.addresses[name]}"' if name in res.addresses else
                  f'      # - "{name}:{ADDRESS}"    {UNKNOWN_NOTE}' for name in res.dialled]
    return "\n".join(lines) + "\n"


def hosts_lines(org_name: str, res: Resolution) -> str:
    """The lines for /etc/hosts on the org's host: its own peers' names and every name they dial."""
    lines = [f"# Written by `recfin org bundle {org_name}` from the topology's addresses: add these lines to",
             "# /etc/hosts on this host (for `recfin host` and SDK clients) where DNS does not resolve the names."]
    lines += [f"{res.addresses[name]}\t{name}" if name in res.addresses else
              f"# {ADDRESS}\t{name}    {UNKNOWN_NOTE}" for name in res.on_host]
    return "\n".join(lines) + "\n"


def _resolving(res: Resolution, own: list[str]) -> str:
    """Step 2 of the README: the names to resolve and, without DNS, how."""
    head = f"""2. Make these names resolve to the hosts that run them:
   {", ".join(res.dialled)}.
   With DNS nothing more is needed: your containers ask Docker's resolver, which asks your
   host's DNS servers."""
    publish = f"   Publish your own {', '.join(own)} under that name to the others, ports as in endpoints.yaml.\n"
    override = "".join(f"         {peer}:\n           extra_hosts:\n"
                       + "".join(f'             - "{name}:{ADDRESS}"\n' for name in res.dialled)
                       for peer in res.own_peers)
    write_override = f"""write a docker-compose.override.yaml here (`docker compose` reads it with
   docker-compose.yaml), each host's address in place of {ADDRESS}:

       services:
{override}"""
    if not res.addresses:
        return f"""{head} Without DNS, in two places: /etc/hosts on this host (for `recfin host`
   and your SDK clients), and your containers, which do not read this host's /etc/hosts:
   {write_override}
{publish}"""
    if not res.dialled_addresses:
        # only this org's own names have addresses: a written override would list nothing but placeholders
        return f"""{head} Without DNS, in two places: `{HOSTS_FILE}`, written here from the addresses in
   the network's topology, whose lines go into /etc/hosts on this host (for `recfin host` and your
   SDK clients; the topology gives no address for the names your peers dial, so their lines are
   commented out, with {ADDRESS} in place of the address); and your containers, which do not
   read this host's /etc/hosts: {write_override}
{publish}"""
    unknown = ""
    if res.missing:
        # the override is the bundle's own file, read where it lies: the next bundle unpacked over this one
        # brings it back with its placeholders, and a peer container recreated from it loses the names filled in
        unknown = (f"   The topology gives no address for {', '.join(res.missing)}: their lines in both\n"
                   f"   files are commented out, with {ADDRESS} in place of the address. Write each host's\n"
                   f"   address there and remove the #, or leave those names to DNS. A new bundle unpacked\n"
                   f"   over this one writes both files again, {ADDRESS} and all: to keep the addresses,\n"
                   f"   ask the network's operator to give them in its topology (`address:`).\n")
    return f"""{head} Without DNS, in two places, both written here from the addresses in the
   network's topology: `{HOSTS_FILE}`, whose lines go into /etc/hosts on this host (for `recfin host`
   and your SDK clients; it names your own peers too), and {COMPOSE_OVERRIDE},
   which `docker compose` reads with docker-compose.yaml and which gives your peer containers
   the names they dial as extra_hosts (containers do not read this host's /etc/hosts).
{unknown}{publish}"""


def _readme(topology: Topology, bundle: Bundle, ends: dict, res: Resolution) -> str:
    org = topology.org(bundle.org)
    own = [p["hostname"] for p in ends["own"]["peers"]]
    missing = "".join(f"- not yet in this bundle: {m}\n" for m in bundle.missing)
    cc, version = topology.chaincode.name, contract_config.definition_version(topology)
    collections = (f", and --collections-config chaincode/{cc}/{contract_config.COLLECTIONS_FILE}"
                   if contract_config.collections_path(bundle.root, cc).is_file() else "")
    # Every `recfin host` command names the install root, quoted for the shell: run without --bundle, one
    # opens /var/recfin, not a bundle unpacked elsewhere (--install-root)
    bundle_root = shell_word(bundle.install_root)   # as the shell must be given it: a space splits it
    package_note = (f"Keep chaincode/{cc}/{org.name}/*.tar.gz private too (written readable by its owner alone): its\n"
                    f"connection.json holds the client key your peers present to your chaincode server.\n"
                    if bundle.package_id is not None else "")
    return f"""# {org.msp_id}: running your own node

This bundle holds what {org.name} needs to run its peer and chaincode server on its own
host in the `{topology.channel}` channel of the {topology.name} network: your own MSP and
TLS material (your peers and users, no CA keys), the other organisations' CA and TLS CA
certificates (certificates only), the channel's genesis block, your chaincode package,
a docker-compose.yaml for your node, endpoints.yaml and a connection profile.
{missing}
1. Unpack this folder at `{bundle.install_root}` (the connection profile names files there).
{_resolving(res, own)}3. Record where your checkout of recfin is (the chaincode server image builds from its
   Dockerfile), once, in this folder's .env, which `docker compose` reads by itself for
   every command (up, restart, logs, ps, down), your path in place of /path/to/recfin:

       {SOURCE_STEP}

   then `docker compose up -d` here: your peer(s) on the official
   hyperledger/fabric-peer image and your chaincode server, which accepts only mutual TLS
   from your peers' chaincode client certificate (issued by your TLS CA, subject
   CN peer-client.{topology.chaincode_server_host(org)}, CHAINCODE_TLS_CLIENT_NAMES; your peer presents
   the pair inside your chaincode package). Each peer's operations endpoint (/healthz,
   /metrics, /logspec) serves without TLS, so without authorization: it is published on this
   host's loopback interface alone (operations_port in endpoints.yaml): read it on this host
   (step 4's `host status` reads each peer's block height there), or from elsewhere through an
   SSH tunnel to it; do not publish it on other interfaces.
4. As your admin (crypto/{org.name}/users/{org.admin}@{org.domain}/msp), with recfin and Fabric's
   `peer` installed on this host (`scripts/install` in a recfin checkout puts `recfin` in its
   .venv/bin: put that folder on your PATH, or give the commands below that path):

       recfin host join --bundle {bundle_root}       # peer channel join with channel/{topology.channel}.block
       recfin host approve --bundle {bundle_root}    # install your package, approve the agreed definition
       recfin host status --bundle {bundle_root}     # joined, height, installed, committed

   The definition is version {version}, whose digest names the contract configuration your
   chaincode server runs with (chaincode/{cc}/{contract_config.CONFIG_FILE}, the same file in every
   org's bundle){collections}. When every org has approved a new definition, any one of them
   commits it: `recfin host commit --bundle {bundle_root}`
   (or `recfin host approve --commit --bundle {bundle_root}`). The same steps by hand are
   `peer channel join` and `peer lifecycle chaincode install|approveformyorg|commit`.

SDK clients: profiles/{org.name}.json (`network.profiles.load("{org.name}", "{bundle.install_root}")`).
Keep crypto/{org.name}/users/*/msp/keystore and */tls/*.key private: they are your identities.
{package_note}"""


def keys_missing_note(org_name: str, install_root: Path) -> str:
    """What a bundle says it lacks when the org's keys never were where it was written (the command's install
    root quoted for the shell, as the README's other `recfin host` commands have it)."""
    return (f"{org_name}'s own keys (its peers', users' and chaincode TLS pairs, so its chaincode package too): "
            f"they are on its own host, where `recfin org keys` made them; there, run `recfin host adopt-keys "
            f"--bundle {shell_word(install_root)} --keys <that folder>`")


def channel_org(defined: Topology, channel: Topology, data_root: Path, name: str) -> PeerOrgSpec:
    """The org of the channel (channel: defined, topology.yaml, with data_root's membership.yaml applied) that name
    (or MSP ID) names. NodeNotFoundError: for the ordering org or an org that has left the channel, saying so, where
    the lookup alone would take its name for one mistyped; for any other, Topology.org's."""
    try:
        return channel.org(name)
    except NodeNotFoundError:
        oo = channel.orderer_org
        if name.lower() in (oo.name.lower(), oo.msp_id.lower()):
            raise NodeNotFoundError(
                f"{oo.name} ({oo.msp_id}) is the ordering org: bundles are for the peer orgs "
                f"({', '.join(o.name for o in channel.orgs)}). Its operator runs the orderers from the repository's "
                f"docker-compose.yaml (`docker compose up -d {' '.join(n.hostname for n in channel.orderers())}`) "
                f"or the native runtime, and keeps the orderer org's keys") from None
        departed = next((o for o in membership.departed_orgs(defined, channel, data_root)
                         if name.lower() in (o.name.lower(), o.msp_id.lower())), None)
        if departed is None:
            raise
        raise NodeNotFoundError(
            f"{departed.name} ({departed.msp_id}) has left the channel, and {data_root} records it as removed: it "
            f"runs no node, so there is no bundle to write for it. Write the bundle of each org of the channel "
            f"({', '.join(o.name for o in channel.orgs)}) again with `recfin org bundle ORG`, so that none still "
            f"names it") from None


def write(topology: Topology, data_root: Path, org_name: str, out: Path,
          install_root: Path = DEFAULT_INSTALL_ROOT, said: Callable[[str], None] | None = None) -> Bundle:
    """Write the org's bundle into `out` (replacing the org's earlier bundle there but for the company's .env,
    never another org's bundle nor anything else), for the channel's orgs as data_root's membership.yaml
    records them (orgs added or removed by `recfin org`).
    An org whose keys data_root never held (made on its own host) gets its certificates only: its
    company completes the bundle with `recfin host adopt-keys` (network.bundle_keys).

    What it needs is checked before `out` is touched, and the bundle is built in a folder next to it that
    only its owner can read (it holds the org's private keys) and renamed into place once complete: a
    failure leaves the earlier bundle as it was and nothing half-written. What a run killed midway left beside
    `out` is finished or cleaned up by the next (_recover, said in Bundle.recovered): `out` itself holds a whole
    bundle, or none, at every moment. said, given, is called with each line of that as soon as the step is done,
    so that a command says what was finished or removed also when this run then fails (a full disk, say) and
    returns no Bundle."""
    out = real_folder(out)
    _check_outside_crypto(out, data_root)
    channel = membership.effective(topology, data_root).on_hosts()
    org = channel_org(topology, channel, data_root, org_name)
    topology = channel
    oo = topology.orderer_org
    others = [(oo.name, oo.domain), *((o.name, o.domain) for o in topology.orgs if o.name != org.name)]
    for name, domain in [(org.name, org.domain), *others]:
        if not org_crypto(data_root, name, domain).ca_cert.is_file():
            raise NetworkError(f"no crypto material for {name} in {data_root}: run `recfin network prepare "
                               f"--hostnames --data-root {shell_word(data_root)}`, or give --data-root the folder "
                               f"it was prepared in")
    check_prepared_for_hostnames(topology, data_root)
    collections_source(topology, data_root)
    _check_out(out, org)
    out.parent.mkdir(parents=True, exist_ok=True)
    recovered: list[str] = []

    def recovered_step(line: str) -> None:
        recovered.append(line)
        if said is not None:
            said(line)
    with _sole_writer(out):
        _recover(out, recovered_step)
        _check_out(out, org)
        # A sibling, so the final rename stays on one filesystem; mkdtemp makes it mode 0700.
        building = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=BUILD_SUFFIX, dir=out.parent))
        try:
            bundle = Bundle(org.name, org.msp_id, building, Path(install_root), recovered=recovered)
            _fill(topology, data_root, org, others, bundle)
            _keep_company_files(out, building)
            replaced = _swap_in(building, out)
        except BaseException:
            shutil.rmtree(building, ignore_errors=True)
            raise
        if replaced is not None:
            _remove(replaced)
    bundle.root = out
    return bundle


def _check_out(out: Path, org: PeerOrgSpec) -> None:
    """Refused unless out is new, empty, or the org's own earlier bundle (_check_replaceable) with no other bundle
    inside it, and lies inside no bundle (_check_outside_bundles)."""
    if out.exists() and not out.is_dir():
        raise NetworkError(f"{out} is a file: choose an empty or new folder for the bundle")
    _check_outside_bundles(out, org)
    if out.is_dir() and any(out.iterdir()) and not (out / MANIFEST).is_file():
        raise NetworkError(f"{out} is not empty and holds no {MANIFEST}: choose an empty or new folder")
    if (out / MANIFEST).is_file():
        _check_replaceable(out, org)
        inner = next((found.parent for found in out.rglob(MANIFEST) if found.parent != out), None)
        if inner is not None:
            raise NetworkError(f"{inner} holds {_whose(inner)}, inside {org.name}'s earlier bundle {out}, which "
                               f"writing it again deletes with all it holds: move {inner} out of {out} first")


def _check_outside_crypto(out: Path, data_root: Path) -> None:
    """Refused when out is, or lies inside, data_root's crypto/ folder: every bundle is copied from the org folders
    there, an org's node and user folders whole, private keys included, so a bundle written into another org's
    peer folder would go, with its own org's keys, into that org's next bundle and to its company."""
    crypto = Path(os.path.abspath(data_root / "crypto"))
    crypto = crypto.resolve() if crypto.exists() else crypto
    if out == crypto or crypto in out.parents:
        inside = ""
    # by identity too: a bind mount of crypto/, or another spelling of it on a filesystem that ignores case, is the
    # same folder under a path the comparison above does not match
    elif (alias := _same_folder_above(out, crypto)) is not None:
        inside = f" (as {alias}, the same folder under another path)"
    # a bind mount of a folder inside crypto/ (a peer folder, say) is neither crypto/ nor below it: where its source
    # lies, the mount table says
    elif (alias := next((path for path in _other_paths(out) if path == crypto or crypto in path.parents),
                        None)) is not None:
        inside = f" (as {alias}, the same folder under another path)"
    else:
        return
    raise NetworkError(f"{out} lies inside {crypto}{inside}, the data folder's keys, which every later bundle is "
                       f"copied from (another org's bundle would carry this one's private keys): choose a folder "
                       f"outside it, such as the default {default_out(data_root, '<org>')}")


def _same_folder_above(out: Path, folder: Path) -> Path | None:
    """out, or the one of its parents, that is folder itself (the same device and inode: os.path.samefile), else
    None; parts of out not yet made are passed over."""
    for candidate in (out, *out.parents):
        try:
            if os.path.samefile(candidate, folder):
                return candidate
        except OSError:         # not made yet, or folder does not exist
            continue
    return None


def _other_paths(out: Path) -> list[Path]:
    """The other paths out is reached by through bind mounts, as /proc/self/mountinfo lists them (none where it cannot
    be read): a bind mount shows a folder's tree under a path of its own, so what lies above the folder at its source
    (crypto/, a bundle) is above none of the mount's paths. The mount holding out's nearest made folder gives where
    in its file system that folder lies; each other mount of that file system showing it gives another path, kept
    when it leads to that same folder (os.path.samefile)."""
    made = next((folder for folder in (out, *out.parents) if folder.is_dir()), None)
    if made is None:
        return []
    table = mount_table()
    if table is None:
        return []       # not Linux, or no /proc
    mounts = [(mount.device, mount.root, mount.point) for mount in table]
    # the one mounted last of those holding it is the one its path reaches
    holding = [mount for mount in mounts if mount[2] == made or mount[2] in made.parents]
    if not holding:
        return []
    device, mounted, point = max(reversed(holding), key=lambda mount: len(mount[2].parts))
    source = mounted / made.relative_to(point)
    rest = out.relative_to(made)
    found: list[Path] = []
    for other_device, other_mounted, other_point in mounts:
        if other_device != device or not (source == other_mounted or other_mounted in source.parents):
            continue
        there = other_point / source.relative_to(other_mounted)
        try:
            same = there != made and os.path.samefile(there, made)
        except OSError:     # hidden by a later mount, or gone
            same = False
        if same and there / rest not in found:
            found.append(there / rest)
    return found



def _check_outside_bundles(out: Path, org: PeerOrgSpec) -> None:
    """Refused when a folder above out holds a bundle: written there, the org's private keys would go to that
    bundle's company with every copy of it, and be deleted when it is written again (its folder is replaced
    whole)."""
    # by the folders above out's other paths too: a bind mount of a folder inside a bundle has no bundle above it
    for path in (out, *_other_paths(out)):
        enclosing = next((folder for folder in path.parents if (folder / MANIFEST).is_file()), None)
        if enclosing is not None:
            break
    if enclosing is not None:
        inside = "" if path == out else f" (as {path}, the same folder under another path)"
        raise NetworkError(f"{out} lies inside {enclosing}{inside}, which holds {_whose(enclosing)}: {org.name}'s "
                           f"bundle, with its private keys, would go wherever that one is copied, and be deleted when "
                           f"it is written again: choose a folder outside it")


def _whose(folder: Path) -> str:
    """Whose bundle folder holds, as its manifest names the org ("a bundle" when it cannot be read)."""
    try:
        doc = _parse_manifest(folder / MANIFEST)
    except ValueError:
        return "a bundle"
    org, msp_id = doc.get("org"), doc.get("msp_id")
    if not (isinstance(org, str) and org):      # a JSON object naming no org: not "None's bundle (None)"
        return "a bundle"
    return f"{org}'s bundle ({msp_id})" if isinstance(msp_id, str) and msp_id else f"{org}'s bundle"


@contextlib.contextmanager
def _sole_writer(out: Path) -> Iterator[None]:
    """Hold an flock on out's folder while a bundle is written into out: what lies beside out under a write's
    names (BUILD_SUFFIX, ASIDE_SUFFIX) is then no other run's work in progress, so _recover may finish or remove
    it. Another run writing there is waited for (WRITER_WAIT), as a bundle takes seconds to write; the lock goes
    with the process, however it ends."""
    folder = os.open(out.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        if not flock_within(folder, WRITER_WAIT, _WRITER_POLL):
            raise NetworkError(_writer_refusal(out.parent, flock_holder(folder)))
        yield
    finally:
        os.close(folder)        # releases the flock


def _writer_refusal(folder: Path, holder: FlockHolder | None) -> str:
    """The refusal of a write into folder while another run holds its lock past WRITER_WAIT, naming that run where
    /proc says who it is (holder): the folder's lock is an flock on the folder itself, which holds no record."""
    if holder is None:
        return (f"another `recfin org bundle` has been writing a bundle into {folder} for over {WRITER_WAIT:.0f} s: "
                f"wait for it to finish (or stop it), then run the command again. Nothing was written")
    run = f"another `recfin org bundle` ({holder.named()})"
    if holder.stopped:
        return (f"{held_while_stopped(run, holder.pid, folder)}. Resume it (or stop it), then run the command again. "
                f"Nothing was written")
    return (f"{run} has been writing a bundle into {folder} for over {WRITER_WAIT:.0f} s: wait for it to finish "
            f"(or stop it: `kill {holder.pid}`), then run the command again. Nothing was written")


def _leftovers(out: Path) -> dict[str, dict[str, Path]]:
    """What runs of write() into out left beside it, by the random part of their names: {"new": the folder a run
    built in, "old": the earlier bundle it renamed aside}. Only names of that exact form count (_RANDOM_PART): another
    bundle's (out "a" beside "a.b"), or a folder of the operator's named otherwise, never does."""
    prefix = f".{out.name}."
    found: dict[str, dict[str, Path]] = {}
    for path in out.parent.iterdir():
        if not path.name.startswith(prefix):
            continue
        random_part, dot, suffix = path.name[len(prefix):].rpartition(".")
        if _RANDOM_PART.fullmatch(random_part) and f"{dot}{suffix}" in (BUILD_SUFFIX, ASIDE_SUFFIX):
            found.setdefault(random_part, {})[f"{dot}{suffix}"] = path
    return found


def _recover(out: Path, said: Callable[[str], None]) -> None:
    """Finish or clean up what a run of write() stopped midway (killed, the host down) left beside out, before this
    run looks at out; said with a line for the command to say for each thing done, once it is done.

    A run builds the bundle in .new, renames out's earlier bundle aside to .old, renames .new to out, then deletes
    .old. Stopped between the two renames, it left no bundle at out, its complete new one in .new (the company's
    files carried over) and the earlier one in .old: the swap is finished (.new put in place, .old removed); an
    .old with no .new beside it is put back. Stopped before them, its .new was never in place (perhaps half
    written): removed, as its own failure removes it. Stopped after them, its .old is the earlier bundle it was
    deleting (perhaps in part): removed. out itself is always a whole bundle, or none."""
    left = _leftovers(out)
    if not out.exists() and not out.is_symlink():
        aside = sorted(random_part for random_part, parts in left.items() if ASIDE_SUFFIX in parts)
        if len(aside) > 1:
            names = ", ".join(str(left[r][s]) for r in aside for s in sorted(left[r]))
            raise NetworkError(f"runs of `recfin org bundle` stopped midway left {names} and no bundle at {out}: "
                               f"which is the one to keep cannot be told. Rename the one to keep to {out}, remove "
                               f"the others, then run the command again. Nothing was written")
        if aside:
            parts = left.pop(aside[0])
            if BUILD_SUFFIX in parts:
                # said before .old is removed: a removal that then fails (another user's file in it, a read-only
                # disk) must not leave unsaid that the bundle at out is now the stopped run's
                parts[BUILD_SUFFIX].rename(out)
                said(f"finished a run of `recfin org bundle` stopped midway: its complete bundle "
                     f"{parts[BUILD_SUFFIX].name} is now {out}")
                _remove(parts[ASIDE_SUFFIX])
                said(f"removed {parts[ASIDE_SUFFIX].name}, the earlier bundle that run had set aside from {out.name}")
            else:
                parts[ASIDE_SUFFIX].rename(out)
                said(f"put back at {out} the bundle a run of `recfin org bundle` stopped midway had set "
                     f"aside as {parts[ASIDE_SUFFIX].name}")
    for parts in left.values():
        for suffix, path in sorted(parts.items()):
            _remove(path)
            what = ("the unfinished bundle" if suffix == BUILD_SUFFIX
                    else f"the earlier bundle it had replaced at {out.name} and was deleting")
            said(f"cleaned up after a run of `recfin org bundle` stopped midway: removed {path.name}, {what}")


def _configtx_addresses(document) -> list[str]:
    """The host:port addresses a configtx.yaml document (configtx.build's shape) gives the channel: orderer
    endpoints, Raft consenters, anchor peers. What is not of that shape gives none (an org named rather than
    written out, say, in a file edited by hand): the genesis block is still read."""
    def mapping(value) -> dict:
        return value if isinstance(value, dict) else {}

    def entries(value) -> list:
        return value if isinstance(value, list) else []

    found = []
    for profile in map(mapping, mapping(mapping(document).get("Profiles")).values()):
        orderer, application = mapping(profile.get("Orderer")), mapping(profile.get("Application"))
        for org in entries(orderer.get("Organizations")):
            found += [str(address) for address in entries(mapping(org).get("OrdererEndpoints"))]
        hosts = [*entries(mapping(orderer.get("EtcdRaft")).get("Consenters")),
                 *(peer for org in entries(application.get("Organizations"))
                   for peer in entries(mapping(org).get("AnchorPeers")))]
        found += [f"{entry.get('Host')}:{entry.get('Port')}" for entry in hosts if isinstance(entry, dict)]
    return found


def _block_addresses(block: Path) -> list[str]:
    """The host:port addresses the genesis block gives the channel; none from a file that is no config block."""
    try:
        config = channel_config.config_from_block(block.read_bytes())
    except (channel_config.ConfigUpdateError, DecodeError):
        return []
    anchors = [f"{host}:{port}" for group in config.channel_group.groups[channel_config.APPLICATION].groups.values()
               for host, port in decode_anchor_peers(group)]
    return [*channel_config.orderer_endpoints(config), *(f"{c.host}:{c.port}" for c in
                                                         channel_config.raft_consenters(config)), *anchors]


def check_prepared_for_hostnames(topology: Topology, data_root: Path) -> None:
    """Refuse a data folder whose channel was made for the native runtime (`recfin network prepare` without
    --hostnames): its genesis block names 127.0.0.1, or a namespace's address, as the orderer endpoints, Raft
    consenters and anchor peers, and a company's peer that joined with it would dial those on its own host.
    Read from the block where it is a config block, and from the configtx.yaml prepare made it from, also
    while the block is missing (configtxgen not there yet): the packages and crypto beside that configtx.yaml
    were made for the native runtime too, and the block made from it later would name its addresses."""
    block = configtx.genesis_block_path(data_root, topology.channel)
    config_file = data_root / "config" / "configtx.yaml"
    try:
        recorded = _configtx_addresses(yaml.safe_load(config_file.read_text(encoding="utf-8")))
    except FileNotFoundError:
        recorded = []
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise NetworkError(f"{config_file} cannot be read ({exc}), so whether {block} was made for hostnames is "
                           f"unknown: run `recfin network prepare --hostnames` for a data folder to write bundles "
                           f"from") from None
    # By the kind of host, not by the topology's names: an org removed since (membership) is still in the block.
    in_block = _block_addresses(block) if block.is_file() else []
    native = {address for address in [*in_block, *recorded]
              if _native_host(address.rpartition(":")[0], topology)}
    if native:
        source = (f"its genesis block {block} (or {config_file}, which it is made from)" if block.is_file()
                  else f"{config_file}, which its genesis block is to be made from,")
        raise NetworkError(
            f"the channel in {data_root} was made for the native runtime, not for hostnames: "
            f"{source} gives {', '.join(sorted(native))} as orderer "
            f"endpoints, Raft consenters or anchor peers, which a company's peer would dial on its own host. Nothing "
            f"was written. Write bundles from a data folder made with `recfin network prepare --hostnames` (by default "
            f".recfin/hosts; give it as --data-root)")


def _native_host(host: str, topology: Topology) -> bool:
    """Whether the channel addresses a node at a host of the native runtime: an IP address (listen_host, a
    namespace's) or the listen_host's name. Made for hostnames, it names every node by its hostname."""
    try:
        ip_address(host.strip("[]"))
        return True
    except ValueError:
        return host in {topology.listen_host, "localhost"}


def real_folder(out: Path, option: str = "--out") -> Path:
    """The folder `out` (given as `option`) names, absolute and with its symbolic links followed: the bundle is built
    beside it and swapped in by renames, which would move a link itself (leaving its target untouched), or, for `.`,
    try to rename the current folder from inside it; and the connection profile's paths, written under it, are
    rebased from it to the install root."""
    if not Path(out).is_absolute():
        try:
            os.getcwd()
        except FileNotFoundError:
            raise NetworkError(f"the current folder no longer exists (an earlier bundle written with --out . replaced "
                               f"it), so {out} names no folder: run `cd .` (or cd to its path) and run the command "
                               "again") from None
    try:
        return Path(out).resolve()
    except (OSError, RuntimeError) as exc:      # a loop of links (RuntimeError before Python 3.13)
        raise NetworkError(f"{out} cannot be resolved to a folder ({exc}): choose another {option}") from None


def _remove(path: Path) -> None:
    """Delete what the swap renamed aside: a link is removed itself, never the tree it points to."""
    if path.is_symlink():
        path.unlink()
    else:
        shutil.rmtree(path)


def _parse_manifest(path: Path) -> dict:
    """The JSON object in a bundle.json; ValueError saying why when the file is not one."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValueError(str(exc)) from None
    except RecursionError:   # nested deeper than the parser's stack goes: no manifest is
        raise ValueError("JSON nested too deeply to be a manifest") from None
    if not isinstance(doc, dict):
        raise ValueError(f"a JSON {type(doc).__name__}, not an object")
    return doc


def load_manifest(root: Path) -> dict:
    """The object in root's bundle.json, its fields unchecked (network.bundle_host checks them)."""
    path = root / MANIFEST
    try:
        return _parse_manifest(path)
    except ValueError as exc:
        raise NetworkError(f"{path} cannot be read as a bundle manifest ({exc}): write the bundle again with "
                           f"`recfin org bundle ORG`") from None


def _check_replaceable(out: Path, org: PeerOrgSpec) -> None:
    """Refuse to replace another org's bundle: deleting it would delete that company's adopted private keys.
    A manifest that cannot be read is refused too: whose keys the folder holds cannot be told."""
    try:
        doc = _parse_manifest(out / MANIFEST)
    except ValueError as exc:
        raise NetworkError(f"{out / MANIFEST} cannot be read ({exc}), so whose bundle {out} holds is unknown: "
                           f"choose another --out, or remove {out} if its bundle is not needed") from None
    holder, holder_msp = doc.get("org"), doc.get("msp_id")
    if (holder, holder_msp) != (org.name, org.msp_id):
        raise NetworkError(f"{out} holds {holder}'s bundle ({holder_msp}), not {org.name}'s ({org.msp_id}): "
                           f"choose another --out, or remove {out} if that bundle is not needed")


def _fill(topology: Topology, data_root: Path, org: PeerOrgSpec, others: list[tuple[str, str]],
          bundle: Bundle) -> None:
    """Copy and write the bundle's files into bundle.root (inputs checked by write)."""
    # The org's own material: everything but the CA private keys. Its verifying MSP holds certificates only
    # (its signing keys are its nodes' and users', copy_own_keys): a key found there, a link to the CA key
    # among its CA certificates say, stays out.
    own, mine = org_crypto(data_root, org.name, org.domain), org_crypto(bundle.root, org.name, org.domain)
    _copy_tree(own.msp_dir, mine.msp_dir, bundle, keys=False)
    _copy_certificate(own.ca_cert, mine.ca_cert, bundle)
    _copy_certificate(own.tlsca_cert, mine.tlsca_cert, bundle)
    if own.public_only:
        bundle.missing.append(keys_missing_note(org.name, bundle.install_root))
    else:
        copy_own_keys(topology, own, mine, bundle)
    # Everybody else: certificates only.
    for name, domain in others:
        theirs, copy = org_crypto(data_root, name, domain), org_crypto(bundle.root, name, domain)
        _copy_tree(theirs.msp_dir, copy.msp_dir, bundle, public_only=True)
        _copy_certificate(theirs.ca_cert, copy.ca_cert, bundle)
        _copy_certificate(theirs.tlsca_cert, copy.tlsca_cert, bundle)

    block = configtx.genesis_block_path(data_root, topology.channel)
    if block.is_file():
        _copy(block, configtx.genesis_block_path(bundle.root, topology.channel), bundle)
    else:
        bundle.missing.append(f"channel/{block.name} (run `recfin network prepare --hostnames` with configtxgen)")
    collections = collections_source(topology, data_root)
    if collections is not None:
        _copy(collections, contract_config.collections_path(bundle.root, topology.chaincode.name), bundle)
    finish(topology, bundle)


def collections_source(topology: Topology, data_root: Path) -> Path | None:
    """The collections file an org approves with, as `recfin chaincode deploy` commits it: the
    topology's fixed file (chaincode.collections_config: FILE, resolved on this host, whose checkout
    holds it; a company's may hold another or none, so its bundle carries a copy), else the derived
    one the prepared folder holds, which every later definition keeps. NetworkError when the fixed
    file is missing: without it the org would approve a definition without the others' collections."""
    fixed = topology.chaincode.resolved_collections_config()
    if fixed is not None:
        if not fixed.is_file():
            raise NetworkError(f"the topology's collections config {fixed} (chaincode.collections_config) "
                               f"is not a file: restore it, or give chaincode.collections_config the file "
                               f"the definition is to carry, then run the command again. Nothing was written")
        return fixed
    prepared = contract_config.collections_path(data_root, topology.chaincode.name)
    return prepared if prepared.is_file() else None


def _keep_company_files(out: Path, built: Path) -> None:
    """Carry the company's own files (COMPANY_FILES) of the org's earlier bundle at out into the one built to
    replace it, as they are (mode, or a link as a link)."""
    for name in COMPANY_FILES:
        if (out / name).is_file() or (out / name).is_symlink():
            shutil.copy2(out / name, built / name, follow_symlinks=False)


def _swap_in(built: Path, out: Path) -> Path | None:
    """Rename the complete bundle to out. An earlier bundle (or empty folder) there is renamed aside first
    and returned, for the caller to delete; should the second rename fail, it is put back."""
    if not out.exists():
        built.rename(out)
        return None
    aside = built.with_suffix(ASIDE_SUFFIX)
    out.rename(aside)
    try:
        built.rename(out)
    except BaseException:
        aside.rename(out)
        raise
    return aside


def copy_own_keys(topology: Topology, own: OrgCrypto, mine: OrgCrypto, bundle: Bundle) -> None:
    """The org's identities from its folder own into the bundle's mine: its peers' MSP+TLS, its users'
    MSP+TLS, its chaincode server's TLS pair and its peers' client pair for it (never the CA keys).

    A revoked user whose folder was removed has no identity to copy, and the bundle no record of what the CA
    issued: the CA's copy of its certificate goes in, so the bundle's profile and `recfin org user list` show it
    revoked (not a user the company host would sign as), with every CRL of own's CA the bundle misses: the
    newest as crl.pem where it is newer than the bundle's, any other that revokes more beside it (crl_0002.pem,
    ...), as Fabric applies each."""
    org = topology.org(bundle.org)
    for written in crl.keep_channel(mine, crl.local_crls(own), [mine.msp_dir]):
        bundle.files.append(written.relative_to(bundle.root).as_posix())
    for node in topology.peers(org.name):
        _copy_tree(own.node_dir(node.hostname), mine.node_dir(node.hostname), bundle)
    for user in [org.admin, *(u.name for u in org.users)]:
        _copy_tree(own.user_dir(user), mine.user_dir(user), bundle)
    for user in org.users:
        copy = own.issued_cert(user.name)
        if (not (own.user_msp(user.name) / "signcerts" / "cert.pem").is_file() and copy.is_file()
                and revoked_by_org(own, load_cert(copy))):
            _copy(copy, mine.issued_cert(user.name), bundle)
    host = topology.chaincode_server_host(org)
    for folder in (own.chaincode_server_tls(host), own.chaincode_client_tls(host)):
        _copy_tree(folder, mine.root / folder.relative_to(own.root), bundle)


def finish(topology: Topology, bundle: Bundle) -> None:
    """What the bundle's files make of it: the chaincode package (when its own keys are in: its connection.json
    carries the peers' client pair), the contract configuration, compose file, endpoints, topology, connection
    profile, README and manifest. Written again when the company adds its keys."""
    out, org = bundle.root, topology.org(bundle.org)
    name = topology.chaincode.name
    version = contract_config.definition_version(topology)
    pkg_dir = Path("chaincode") / name / org.name
    own_keys = (org_crypto(out, org.name, org.domain).chaincode_client_tls(topology.chaincode_server_host(org))
                / "client.key").is_file()
    if own_keys:
        pkg = compose.write_packages(topology, out, orgs=[org.name])[org.msp_id]   # from the copied own material
        bundle.package_id = pkg.package_id
        package = pkg_dir / f"{name}_{version}.tar.gz"
        _keep_private(out / package, out)
        bundle.files += [package.as_posix(), (pkg_dir / compose.CHAINCODE_ENV).as_posix()]
    else:
        contract_config.write(topology, out)
    bundle.files.append(contract_config.config_path(Path("."), name).as_posix())
    collections = contract_config.collections_path(Path("."), name).as_posix()
    if (out / collections).is_file():
        bundle.files.append(collections)

    doc = compose.build(topology, ".", orgs=[org.name], chaincode_context=SOURCE_CONTEXT)
    doc["name"] = f"{topology.name}-{org.name}"
    header = (f"# Generated by `recfin org bundle {org.name}`: {org.msp_id}'s peer(s) and chaincode server on the\n"
              f"# official Fabric image and recfin's Dockerfile. Record your recfin checkout once in this\n"
              f"# folder's .env (`{SOURCE_STEP}`), then `docker compose up -d` here (README.md).\n")
    _write(out / COMPOSE_FILE, header + yaml.safe_dump(doc, sort_keys=False, width=120), bundle)
    ends = endpoints(topology, org.name)
    _write(out / ENDPOINTS_FILE, yaml.safe_dump(ends, sort_keys=False), bundle)
    res = resolution(topology, ends)
    # none given: the README says what to write, as before addresses could be given; none for the names the
    # peers dial: no override, which would hold placeholders only (the README gives it to fill in)
    if res.addresses:
        _write(out / HOSTS_FILE, hosts_lines(org.name, res), bundle)
    if res.dialled_addresses:
        _write(out / COMPOSE_OVERRIDE, compose_override(org.name, res), bundle)
    # The network as this bundle's package and configuration were made for: `recfin host` reads it.
    _write(out / TOPOLOGY_FILE, topology_text(topology), bundle)

    profile = profiles.build(topology, out, org.name).model_dump(mode="json")
    profile = _rebase(profile, str(out), str(bundle.install_root))
    _write(profiles.profiles_dir(out) / f"{org.name}.json", json.dumps(profile, indent=2) + "\n", bundle)
    _write(out / README_FILE, _readme(topology, bundle, ends, res), bundle)
    bundle.files = sorted(set(bundle.files) | {MANIFEST})
    # Of the files as they are now: written here, or (adopt-keys) carried over once checked against the
    # digests recorded before (a file of an earlier manifest that is gone since has none)
    digests = {path: file_digest(out / path) for path in bundle.files
               if digested(path) and (out / path).is_file()}
    write_atomically(out / MANIFEST, json.dumps(
        {"org": org.name, "msp_id": org.msp_id, "install_root": str(bundle.install_root),
         "package_id": bundle.package_id, "chaincode_version": version,
         "network_config_sha256": contract_config.digest(topology), "missing": bundle.missing,
         "files": bundle.files, DIGESTS: digests}, indent=2) + "\n")


def default_out(data_root: Path, org_name: str) -> Path:
    return data_root / "bundles" / org_name
