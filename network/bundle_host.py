"""A company's own host: join the channel and approve the chaincode from the company's bundle.

`recfin org bundle ORG` writes what one company needs to run its node (network/bundle.py),
including the network as its writer saw it (topology.yaml: every node by hostname). Once the
company's peer and chaincode server run from the bundle's compose file, its admin joins the
channel and approves the chaincode. These are the calls `recfin network up` and `recfin chaincode
deploy` make on the native network (network/channel.py, network/lifecycle.py), pointed at the
bundle: the admin's MSP, the TLS CAs and the package are the bundle's files, and the `peer` CLI
reads the Fabric install's base core.yaml for its client settings (copied into
nodes/<peer>/config/, where those functions look; the peer itself runs on its image's core.yaml).

Every step can be run again: a joined peer is not joined twice, an installed package is not
installed twice, an approval is not repeated.
"""
from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Callable

from google.protobuf.message import DecodeError

from client.atomic_file import make_folders
from client.yaml_files import YamlProblem, read_yaml_file

from . import ccservers, channel, channel_config, compose, configtx, contract_config, packaging
from .bundle import (DIGESTS, MANIFEST, TOPOLOGY_FILE, collections_source, digested, file_digest,
                     keys_missing_note, load_manifest)
from .containers import Hints, container_health
from .crypto import org_crypto
from .errors import ChaincodeError, NetworkError, ToolError, TopologyError, shell_word
from .fabric_bin import FabricInstall
from .lifecycle import Definition, Lifecycle
from .org_stranded import committed_differences
from .nodeconfig import expanded_dollar_problem, node_dirs, orderer_tls_ca
from .tools import Tools
from .topology import Node, Topology, parse

# What every bundle.json holds (bundle.finish writes it), each field by the shape its readers rely on.
# package_id is null in a bundle written without its org's keys, until `recfin host adopt-keys`.
_SHAPES = {
    "a non-empty string": lambda value: isinstance(value, str) and value != "",
    "a non-empty string or null": lambda value: value is None or (isinstance(value, str) and value != ""),
    "a list of strings": lambda value: isinstance(value, list) and all(isinstance(item, str) for item in value),
}
MANIFEST_FIELDS = {"org": "a non-empty string", "msp_id": "a non-empty string", "install_root": "a non-empty string",
                   "package_id": "a non-empty string or null", "chaincode_version": "a non-empty string",
                   "network_config_sha256": "a non-empty string", "files": "a list of strings",
                   "missing": "a list of strings"}
_SHA256 = re.compile(r"[0-9a-f]{64}")


def _digests_problem(doc: dict) -> str | None:
    """What is wrong with bundle.json's digests (None: nothing, or none recorded, as by a recfin before them):
    a SHA-256 and size for files it lists, each a path inside the bundle that `digested` names."""
    recorded = doc.get(DIGESTS)
    if recorded is None:
        return None
    if not isinstance(recorded, dict):
        return f"{DIGESTS} ({recorded!r:.40}, not an object of file digests)"
    listed = set(doc["files"])
    for path, entry in recorded.items():
        inside = not PurePosixPath(path).is_absolute() and ".." not in PurePosixPath(path).parts
        if not (inside and path in listed and digested(path)):
            return f"{DIGESTS} entry {path!r:.80} (not one of the bundle's files it checks)"
        if not (isinstance(entry, dict) and set(entry) == {"sha256", "size"}
                and isinstance(entry["sha256"], str) and _SHA256.fullmatch(entry["sha256"])
                and type(entry["size"]) is int and entry["size"] >= 0):
            return f"{DIGESTS} entry for {path} (not a sha256 in hex and a size in bytes)"
    return None


def files_unchecked_note(root: Path, org: str) -> str:
    """What is said of a bundle whose bundle.json records no digests (one an earlier recfin wrote)."""
    return (f"{root / MANIFEST} records no file digests (an earlier recfin wrote it), so whether the "
            f"bundle's files are still as written (not cut short, damaged or edited) cannot be checked; "
            f"to have them checked, {_rewrite_hint(org)}")


def check_digests(root: Path, doc: dict, fix: str) -> bool:
    """Refuse a bundle whose files differ from the digests its bundle.json records (read_network checked their
    shape), naming each file and how it differs, with `fix` (what to do); False where it records none (an
    earlier recfin wrote it: nothing to check against), True once every file is as written.

    Otherwise a genesis block cut short, or a certificate or package damaged, fails later in the peer CLI's
    own terms, and a topology.yaml whose ports or hostnames were edited (which its contract configuration
    does not show) has `recfin host` dial other addresses than the network's."""
    recorded = doc.get(DIGESTS)
    if recorded is None:
        return False
    differs = []
    for path, written in sorted(recorded.items()):
        what = _how_it_differs(root / path, written)
        if what is not None:
            differs.append(f"{path} ({what})")
    if differs:
        raise NetworkError(f"{len(differs)} file(s) of the bundle {root} are not as `recfin org bundle` "
                           f"wrote them, by the digests {MANIFEST} records (a copy cut short, disk trouble "
                           f"or an edit since): {'; '.join(differs)}; {fix}")
    return True


def _how_it_differs(path: Path, written: dict) -> str | None:
    if not path.exists():
        return "missing"
    if not path.is_file():
        return "not a file"
    try:
        now = file_digest(path)
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    if now["size"] != written["size"]:
        return f"{now['size']} bytes, where {written['size']} were written"
    if now["sha256"] != written["sha256"]:
        return (f"{now['size']} bytes as written, but other bytes: SHA-256 {now['sha256'][:16]}..., not "
                f"{written['sha256'][:16]}...")
    return None


def _rewrite_hint(org: str) -> str:
    return f"ask the network's operator to write it again with `recfin org bundle {org}`"


def rewrite_fix(org: str) -> str:
    return (f"{_rewrite_hint(org)} (a company that keeps its own keys then runs `recfin host adopt-keys` "
            f"again)")


def read_network(root: Path) -> tuple[dict, Topology]:
    """A bundle's manifest and the network it was made for (topology.yaml, checked against the manifest)."""
    manifest = root / MANIFEST
    if not root.exists():
        raise NetworkError(f"{root} does not exist: point --bundle (or RECFIN_BUNDLE) at the folder `recfin org "
                           f"bundle ORG` wrote, as unpacked on this host")
    if not manifest.is_file():
        raise NetworkError(f"{root} holds no {MANIFEST}: point --bundle at the folder `recfin org bundle ORG` "
                           f"wrote, as unpacked on this host")
    _refuse_links_out(root)
    doc = load_manifest(root)
    hint = _rewrite_hint(doc["org"] if _SHAPES["a non-empty string"](doc.get("org")) else "ORG")
    gone = [key for key in MANIFEST_FIELDS if key not in doc]
    if gone:
        raise NetworkError(f"{manifest} lacks {', '.join(gone)}: {hint}")
    bad = [f"{key} ({doc[key]!r:.40}, not {shape})" for key, shape in MANIFEST_FIELDS.items()
           if not _SHAPES[shape](doc[key])]
    if not bad and (digests_problem := _digests_problem(doc)) is not None:
        bad = [digests_problem]
    if bad:
        raise NetworkError(f"{manifest} has a bad {', '.join(bad)}: {hint}")
    org = doc["org"]
    topology_file = root / TOPOLOGY_FILE
    if not topology_file.is_file():
        raise NetworkError(f"{root} has no {TOPOLOGY_FILE} (written by an older recfin): {_rewrite_hint(org)}")
    try:
        topology = parse(read_yaml_file(topology_file, "a topology"), TOPOLOGY_FILE).on_hosts()
        topology.org(org)
    except (OSError, YamlProblem, TopologyError, NetworkError) as exc:
        raise NetworkError(f"{topology_file} is not this bundle's network ({exc}): {_rewrite_hint(org)}") from None
    # The manifest's digest is of the contract configuration the bundle's package was made for;
    # a topology.yaml edited since would approve a definition no other org approves.
    if contract_config.digest(topology) != doc["network_config_sha256"] or \
            contract_config.definition_version(topology) != doc["chaincode_version"]:
        raise NetworkError(f"{topology_file} does not match {MANIFEST} (the contract configuration differs, "
                           f"was either edited?): {_rewrite_hint(org)}")
    return doc, topology


def _refuse_links_out(root: Path) -> None:
    """Refuse a bundle holding a symbolic link that leads outside it: `recfin host adopt-keys` writes
    the org's private keys into the bundle and `recfin host` the peer CLI's core.yaml (under nodes/),
    and each would write through such a link: a key to wherever the bundle's sender chose, any file
    replaced. recfin writes no link into a bundle; one leading inside it is harmless."""
    inside = root.resolve()
    for folder, folders, files in os.walk(root):        # not into linked folders: each is checked as a link
        for name in [*folders, *files]:
            path = Path(folder) / name
            if path.is_symlink() and not path.resolve().is_relative_to(inside):
                raise NetworkError(f"{path} is a symbolic link to {os.readlink(path)}, outside the bundle "
                                   f"{root}: recfin writes keys and configuration into the bundle and would "
                                   f"write there. Nothing was written. Replace the link with the file or "
                                   f"folder it names (or remove it and unpack the bundle again), then run "
                                   f"the command again")


@dataclass(frozen=True)
class BundleHost:
    """One company's unpacked bundle, and the Fabric calls its admin makes from it."""

    root: Path
    org: str
    msp_id: str
    topology: Topology
    package_id: str
    chaincode_version: str
    collections_file: Path | None = None     # the definition's collections (--collections-config), if any
    # checked against bundle.json's digests: not where it records none (an earlier recfin's), nor a data folder
    files_checked: bool = False

    @classmethod
    def open(cls, root: str | Path) -> BundleHost:
        # absolute: the peer CLI reads a relative MSP or TLS path against FABRIC_CFG_PATH's folder, not ours
        root = Path(root).absolute()
        # first: the `peer` CLI finds its core.yaml under the bundle (prepare_cli), through a FABRIC_CFG_PATH that
        # viper expands, and `network prepare` never saw the folder it was unpacked to
        moved = "give --bundle the bundle moved or unpacked to a folder whose path"
        if (problem := expanded_dollar_problem(root, folder_named="the bundle", fix=moved)) is not None:
            raise NetworkError(problem)
        doc, topology = read_network(root)
        # The peer CLI acts as the topology's MSP ID (peer_admin_env), while messages and the approval
        # looked up would use the manifest's: both must be the one the channel knows the org by.
        msp_id = topology.org(doc["org"]).msp_id
        if doc["msp_id"] != msp_id:
            raise NetworkError(f"{root / MANIFEST} gives {doc['org']} the MSP ID {doc['msp_id']!r}, but its "
                               f"{TOPOLOGY_FILE} gives {msp_id!r} (was either edited?): "
                               f"{_rewrite_hint(doc['org'])}")
        if not doc.get("package_id") and keys_missing_note(doc["org"], Path(doc["install_root"])) in doc["missing"]:
            raise NetworkError(f"{root} lacks {doc['org']}'s own keys, and so its chaincode package: put them in "
                               f"with `recfin host adopt-keys --bundle {shell_word(root)} --keys DIR`, DIR the folder "
                               f"`recfin org keys` wrote on this company's host")
        if not doc.get("package_id"):
            raise NetworkError(f"{root / MANIFEST} lacks package_id: write the bundle again with `recfin org bundle`")
        # The bundle's copy of the collections, never the topology's fixed file: that names a file of
        # the checkout on the host the bundle was written on, which this host's may hold otherwise or not.
        collections = contract_config.collections_path(root, topology.chaincode.name)
        host = cls(root, doc["org"], doc["msp_id"], topology, doc["package_id"], doc["chaincode_version"],
                   collections if collections.is_file() else None)
        # Checked before any `peer` call: the CLI would report a missing file in its own terms, mid-way.
        fix = rewrite_fix(host.org)
        for path in host.peer_cli_files():
            if not path.is_file():
                raise NetworkError(f"{path} is missing from the bundle, and the `peer` CLI reads it: {fix}")
        _check_package(host.package(), host.package_id, fix)
        # last: the refusals above say more of the files they name (which package, which MSP ID)
        return replace(host, files_checked=check_digests(root, doc, fix))

    @classmethod
    def in_data_folder(cls, root: Path, topology: Topology, org_name: str) -> BundleHost:
        """One org's view of a data folder `recfin network prepare --hostnames` wrote. A bundle is that
        folder cut down to one org, laid out the same way, so the folder serves every org at once (the
        compose network on one Docker machine); `topology` says where its nodes are reached from here."""
        org = topology.org(org_name)
        version = contract_config.definition_version(topology)
        folder = compose.chaincode_folder(topology, root, org.name)
        package = folder / f"{topology.chaincode.name}_{version}.tar.gz"
        env_file = folder / compose.CHAINCODE_ENV
        if not package.is_file() or not env_file.is_file():
            raise NetworkError(f"{package.name} or {env_file.name} is missing from {folder} (the chaincode version "
                               f"the topology gives is {version}): run `recfin network prepare --hostnames` "
                               f"for {root}")
        _check_package(package, None, f"run `recfin network prepare --hostnames` for {root}")
        return cls(root, org.name, org.msp_id, topology, _chaincode_ids(env_file)[0], version,
                   collections_source(topology, root))

    # ---- the bundle's files -------------------------------------------------------
    @property
    def chaincode_name(self) -> str:
        return self.topology.chaincode.name

    def block(self) -> Path:
        path = configtx.genesis_block_path(self.root, self.topology.channel)
        if not path.is_file():
            raise NetworkError(f"{path} is missing: the bundle was written before the channel's genesis block "
                               f"existed; {_rewrite_hint(self.org)} after `recfin network prepare --hostnames`")
        # The peer joins whatever channel the block is of, and `peer channel join` reports success either way.
        # (A file the peer cannot read as a block, it refuses itself.)
        try:
            named = channel_config.channel_id_of_block(path.read_bytes())
        except (DecodeError, IndexError):
            named = None
        if named is not None and named != self.topology.channel:
            raise NetworkError(f"{path} is the genesis block of channel {named!r}, not of "
                               f"{self.topology.channel!r}, which this bundle's network uses: "
                               f"{_rewrite_hint(self.org)}")
        return path

    def package(self) -> Path:
        label = f"{self.chaincode_name}_{self.chaincode_version}"       # as compose.write_packages names it
        path = compose.chaincode_folder(self.topology, self.root, self.org) / f"{label}.tar.gz"
        if not path.is_file():
            raise NetworkError(f"{path} is missing from the bundle: {_rewrite_hint(self.org)}")
        return path

    def definition(self, sequence: int) -> Definition:
        return Definition(self.topology.channel, self.chaincode_name, self.chaincode_version, sequence,
                          contract_config.endorsement_policy(self.topology), self.collections_file)

    def peers(self):
        return self.topology.peers(self.org)

    def peer_cli_files(self) -> list[Path]:
        """What the `peer` calls read from the bundle: the org admin's certificate (its key may be in an
        HSM), the orderer's TLS CA (approve, commit) and every org's TLS CA (commit collects an endorsement
        from each org's peer)."""
        org = self.topology.org(self.org)
        admin = org_crypto(self.root, org.name, org.domain).user_msp(org.admin)
        return [admin / "signcerts" / "cert.pem", orderer_tls_ca(self.topology, self.root),
                *(org_crypto(self.root, o.name, o.domain).tlsca_cert for o in self.topology.orgs)]

    def prepare_cli(self, fabric: FabricInstall) -> None:
        prepare_peer_cli(fabric, self.root, self.peers())


def _chaincode_ids(env_file: Path) -> list[str]:
    """The CHAINCODE_ID values of a chaincode.env (one in a sound file; none in one that is not UTF-8 text, a
    damaged file, which _check_package refuses by name)."""
    try:
        text = env_file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return []
    return [line.split("=", 1)[1].strip() for line in text.splitlines() if line.startswith("CHAINCODE_ID=")]


def _check_package(package: Path, package_id: str | None, fix: str) -> None:
    """Refuse a package whose ID is not package_id, or a chaincode.env beside it naming another: the peer
    would install one package and the org approve (and its chaincode server register as) another, so the
    chaincode never runs, and every later install of the package would be refused as done already."""
    env_file = package.parent / compose.CHAINCODE_ENV
    if not env_file.is_file():
        raise NetworkError(f"{env_file} is missing: {fix}")
    actual = packaging.package_id(package.name.removesuffix(".tar.gz"), package.read_bytes())
    if package_id is not None and actual != package_id:
        raise NetworkError(f"{package} is not the package {package_id} (its ID is {actual}): it was changed "
                           f"or comes from another bundle; {fix}")
    if _chaincode_ids(env_file) != [actual]:
        raise NetworkError(f"{env_file} does not name the ID of {package.name}, so its chaincode server "
                           f"would register as another package: {fix}")


def prepare_peer_cli(fabric: FabricInstall, root: Path, peers: list[Node]) -> None:
    """Give the `peer` CLI, acting on each of ``peers``, the base core.yaml of the Fabric install, where the
    shared calls (network/channel.py, network/lifecycle.py) look for it under ``root``."""
    base = fabric.config_dir / "core.yaml"
    for node in peers:
        target = node_dirs(root, node.name).config / "core.yaml"
        make_folders(target.parent)
        shutil.copyfile(base, target)


@dataclass(frozen=True)
class Approval:
    sequence: int
    committed: bool                  # the definition is the committed one (this org joins it late)
    approved_now: bool
    approvals: dict[str, bool]       # MSP ID -> approved, for this sequence
    installed_now: bool = False      # the org's package was installed by this call


# What to do about one of the org's peers that does not answer its admin's `peer` calls: not started, or its
# hostname resolving elsewhere or nowhere from this host.
PEER_NOT_ANSWERING = ("start the bundle's containers (`docker compose up -d` in the bundle) and check that its "
                      "hostname resolves here")


class HostOperations:
    """Join, approve, commit and report, as the bundle's org admin."""

    def __init__(self, host: BundleHost, tools: Tools, say: Callable[[str], None] = lambda _: None):
        self.host, self.tools, self.say = host, tools, say
        host.prepare_cli(tools.fabric)
        self.lifecycle = Lifecycle(tools, host.topology, host.root)

    @contextmanager
    def peers_answering(self, again: str) -> Iterator[None]:
        """A `peer` call in the block that failed while one of the org's peers does not answer this admin is said
        as that: the peer, its error, and what to do, then ``again`` (the command to run again), not the bare
        call (`peer lifecycle chaincode queryinstalled failed: ...`). The peers are asked only once a call failed;
        where each answers, the failure is the call's own and goes on as it was."""
        try:
            yield
        except ToolError:
            topo, silent = self.host.topology, []
            for node in self.host.peers():
                try:
                    channel.peer_channels(self.tools, topo, self.host.root, node)
                except ToolError as exc:
                    silent.append(f"{node.name} ({node.address}) did not answer: {exc}")
            if not silent:
                raise
            raise NetworkError(f"{'; '.join(silent)}; {PEER_NOT_ANSWERING}, then run `{again}` again") from None

    def join(self) -> dict[str, bool]:
        """Join each of the org's peers to the channel; peer name -> joined now."""
        block, topo = self.host.block(), self.host.topology
        out = {}
        for node in self.host.peers():
            try:
                out[node.name] = channel.join_peer(self.tools, topo, self.host.root, node, block)
            except ToolError as exc:        # name the peer: an org may run several
                raise exc.about(f"{node.name} ({node.address}) did not join {topo.channel}") from None
            self.say(f"  {node.name} ({node.address}): {'joined' if out[node.name] else 'already joined'} {topo.channel}")
        return out

    def _committed(self) -> dict | None:
        return self.lifecycle.committed(self.host.org, self.host.chaincode_name)

    def approval_target(self) -> tuple[int, dict | None]:
        """The sequence to approve: the committed one when the bundle's version is what the channel runs
        (this org approves the definition in force), else the next one (a new definition every org approves)."""
        committed = self._committed()
        if committed is None:
            return 1, None
        sequence = int(committed["sequence"])
        if committed.get("version") == self.host.chaincode_version:
            return sequence, committed
        return sequence + 1, None

    def approvals(self, sequence: int, committed: dict | None) -> dict[str, bool]:
        if committed is not None:
            return {k: bool(v) for k, v in (committed.get("approvals") or {}).items()}
        return self.lifecycle.readiness(self.host.org, self.host.definition(sequence))

    def approve(self) -> Approval:
        """Install the org's package unless installed, then approve the definition unless approved."""
        host = self.host
        installed = self.lifecycle.install(host.org, host.package(), host.package_id)
        self.say(f"  {host.msp_id} package {host.package_id}: {'installed' if installed else 'already installed'}")
        sequence, committed = self.approval_target()
        approvals = self.approvals(sequence, committed)
        # The approvals say whether the org approved this definition, not with which package: one approved
        # with the package of an earlier bundle (its server moved, its keys adopted since) would leave the
        # org's peer dialling a server that registers as another package. Fabric takes it again with this one.
        earlier = self.lifecycle.approved_package(host.org, host.chaincode_name, sequence) \
            if approvals.get(host.msp_id) else None
        approved_now = earlier != host.package_id
        if approved_now:
            definition = host.definition(sequence)
            if committed is None:
                self.lifecycle.approve(host.org, definition, host.package_id)
            elif not self.lifecycle.approve_as_committed(host.org, definition, host.package_id):
                # Same version (so the same contract configuration), yet refused: the policy or the
                # collections differ, which the peer CLI's answer does not say
                differs = committed_differences(committed, definition.signature_policy,
                                                definition.collections_config, "this bundle's")
                raise ChaincodeError(
                    f"the channel refused {host.msp_id}'s approval of {host.chaincode_name} "
                    f"{host.chaincode_version} sequence {sequence}, the definition in force, as different "
                    f"from it: {differs}. This bundle was written for another definition of that version: "
                    f"ask the network's operator to give the topology the endorsement policy and "
                    f"collections in force and write the bundle again (`recfin org bundle {host.org}`), or "
                    f"to deploy this bundle's definition as a new sequence")
            approvals = self.approvals(sequence, self._committed() if committed is not None else None)
        what = "committed definition" if committed is not None else "definition"
        again = f" again, with package {host.package_id} (it had approved {earlier})" \
            if earlier and approved_now else ""
        self.say(f"  {host.msp_id}: {'approved' if approved_now else 'already approved'} the {what} "
                 f"{host.chaincode_name} {host.chaincode_version} sequence {sequence}{again}")
        return Approval(sequence, committed is not None, approved_now, approvals, installed)

    def commit(self) -> int:
        """Commit the definition every org has approved; the sequence committed."""
        host = self.host
        sequence, committed = self.approval_target()
        if committed is not None:
            raise ChaincodeError(f"{host.chaincode_name} {host.chaincode_version} is already committed at sequence "
                                 f"{sequence}: nothing to commit")
        approvals = self.approvals(sequence, None)
        missing = sorted(msp for msp, ok in approvals.items() if not ok)
        if missing:
            # Commit readiness answers per org whether it approved exactly this definition, and an org can read
            # back only its own approval: one that approved another version, endorsement policy or collections
            # (a bundle written otherwise) reads as one that approved nothing, so name both. (Each org's package
            # is its own and not compared.)
            raise ChaincodeError(f"{host.chaincode_name} sequence {sequence} lacks approvals from {', '.join(missing)}: "
                                 f"they approved nothing for it yet, or another version, endorsement policy or "
                                 f"collections (a bundle written otherwise); their admins run `recfin host approve` "
                                 f"on their own hosts first, with bundles written from the same topology and "
                                 f"version as this one")
        self.lifecycle.commit(host.org, host.definition(sequence))
        now = self._committed()
        if now is None or int(now["sequence"]) != sequence:
            raise ChaincodeError(f"the commit of {host.chaincode_name} sequence {sequence} is not visible on "
                                 f"{host.peers()[0].name}: see its peer's log")
        return sequence

    def chaincode_server(self) -> dict:
        """The org's chaincode server as Docker says its container is: its compose healthcheck asks its /healthz,
        which publishes no port (`containers.container_health`, as `recfin network compose-status` asks it).
        ``healthy`` is None where Docker cannot say (not installed here, its daemon not answering)."""
        host = self.host
        container = host.topology.chaincode_server_host(host.topology.org(host.org))  # as compose names it
        hints = Hints(elsewhere="run `recfin host status` on the host the bundle's containers run on",
                      start="`docker compose up -d` in the bundle starts it",
                      compose_file="the bundle's docker-compose.yaml (`docker compose up -d` in the bundle)",
                      restart=f"`docker compose restart {container}` in the bundle starts it afresh")
        healthy, problem = container_health(container, hints)
        return {"name": ccservers.server_name(host.chaincode_name, host.org), "container": container,
                "healthy": healthy, "problem": problem}

    def status(self) -> dict:
        """What the org's peers and the channel say: joined, height, package installed (on each peer, and on the
        first as ``installed``), definition approved; and whether its chaincode server runs healthy. ``installed``
        is None where the peer did not answer; ``committed`` is None when nothing is committed or the org's first
        peer has not joined the channel (its ``joined`` then says which)."""
        host, topo = self.host, self.host.topology
        peers = []
        for node in host.peers():
            row = {"peer": node.name, "address": node.address, "joined": None, "height": None, "installed": None,
                   "error": None}
            try:
                row["joined"] = topo.channel in channel.peer_channels(self.tools, topo, host.root, node)
            except ToolError as exc:       # not started, not resolvable, or refusing this admin
                row["error"] = str(exc)
            if row["joined"]:
                # the bundle's compose publishes the operations port on this host's loopback alone: it serves
                # without TLS, so it faces no network
                row["height"] = channel.node_height(self.tools, topo, host.root, node,
                                                    compose.published_operations_address(node))
            # A peer that listed its channels answers this admin, joined or not, and queryinstalled asks the
            # peer, not the channel: each peer endorses with what it has installed itself.
            if row["error"] is None:
                row["installed"] = host.package_id in self.lifecycle.installed(host.org, node)
            peers.append(row)
        # The other lifecycle calls go to the org's first peer; querycommitted needs the channel joined. None
        # where it was not asked: the peer did not answer, or has not joined.
        first = peers[0]
        installed = first["installed"]
        committed = self._committed() if first["joined"] else None
        report = {"org": host.org, "msp_id": host.msp_id, "channel": topo.channel, "peers": peers,
                  "package_id": host.package_id, "installed": installed,
                  "chaincode_version": host.chaincode_version,
                  "committed": None if committed is None else {
                      "version": committed.get("version"), "sequence": committed.get("sequence"),
                      "approved_by_us": bool((committed.get("approvals") or {}).get(host.msp_id)),
                      "is_bundle_version": committed.get("version") == host.chaincode_version},
                  "chaincode_server": self.chaincode_server()}
        report["problems"] = status_problems(report)
        return report


def status_problems(report: dict) -> list[str]:
    """What keeps the org's node from running the channel's chaincode, each with what to do ([] when nothing):
    a peer that does not answer or has not joined the channel; once a definition is committed, one of another
    version than the bundle's, or the bundle's package not installed or the definition not approved by the org
    (its peer then runs no transaction of the chaincode), or its chaincode server down or not answering its
    /healthz (its peers dial it for every transaction of the chaincode). Nothing committed yet is none: the org
    alone can do nothing about it, as `recfin network status` counts no chaincode server before a commit; nor is a
    server Docker cannot say the health of (as compose-status counts it)."""
    channel_id, problems = report["channel"], []
    for row in report["peers"]:
        if row["error"] is not None:
            problems.append(f"{row['peer']} ({row['address']}) did not answer: {row['error']}; {PEER_NOT_ANSWERING}")
        elif not row["joined"]:
            problems.append(f"{row['peer']} has not joined {channel_id}: `recfin host join`")
    committed = report["committed"]
    if committed is None:
        return problems
    if not committed["is_bundle_version"]:
        problems.append(f"{channel_id} runs version {committed['version']} (sequence {committed['sequence']}), not "
                        f"this bundle's {report['chaincode_version']}: ask the network's operator for the bundle "
                        f"of the version in force (`recfin org bundle {report['org']}`), or, for a new version, "
                        f"every org approves this one (`recfin host approve`) and one commits it")
        return problems
    for row in report["peers"]:
        if row["installed"] is False:
            problems.append(f"package {report['package_id']} is not installed on {row['peer']}, so it endorses no "
                            f"transaction of the chaincode: `recfin host approve`")
    if not committed["approved_by_us"]:
        problems.append(f"{report['msp_id']} has not approved the committed definition, so its peers run no "
                        f"transaction of the chaincode: `recfin host approve`")
    server = report["chaincode_server"]
    if server["healthy"] is False:
        problems.append(f"chaincode server {server['name']} is not healthy, so every transaction of the chaincode "
                        f"its org's peers endorse fails: {server['problem']}")
    return problems
