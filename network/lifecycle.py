"""`peer lifecycle chaincode ...`: the argument lists (pure) and the calls, one org admin at a time."""
from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from pathlib import Path

from fabric_protos.peer import policy_pb2
from google.protobuf.message import DecodeError

from .config_policy import render_signature_rule
from .errors import ChaincodeError, ToolError
from .nodeconfig import orderer_client_args, peer_admin_env
from .org_definition import PolicySyntaxError, signature_policy
from .tools import Tools, last_error_line
from .topology import Node, Topology


# What _lifecycle accepts as a chaincode name and version (Fabric's ChaincodeNameRegExp and
# ChaincodeVersionRegExp), and the system chaincode names it refuses. Checked before anything is
# packaged: the peer would refuse them only at approveformyorg, after install. Matched whole (fullmatch): with
# .match, "$" also matches before a final newline, which Go's regexp (and so the peer) refuses.
NAME_RE = re.compile(r"^[a-zA-Z0-9]+([-_][a-zA-Z0-9]+)*$")
VERSION_RE = re.compile(r"^[A-Za-z0-9_.+-]+$")
SYSTEM_CHAINCODES = frozenset({"cscc", "escc", "lscc", "qscc", "vscc"})


def check_name_and_version(name: str, version: str) -> None:
    """Raise ChaincodeError naming the problem when Fabric would refuse this name or version."""
    check_name(name)
    check_version(version)


def check_name(name: str) -> None:
    """Raise ChaincodeError naming the problem when Fabric would refuse this chaincode name."""
    if not NAME_RE.fullmatch(name):
        raise ChaincodeError(f"chaincode name {name!r} is not one Fabric accepts: use letters and digits, "
                             f"joined by single '-' or '_' (e.g. receivables)")
    if name in SYSTEM_CHAINCODES:
        raise ChaincodeError(f"chaincode name {name!r} is a Fabric system chaincode's: choose another")


def check_version(version: str) -> None:
    """Raise ChaincodeError naming the problem when Fabric would refuse this definition version."""
    if not VERSION_RE.fullmatch(version):
        raise ChaincodeError(f"chaincode version {version!r} is not one Fabric accepts: use letters, digits "
                             f"and _.+- only (e.g. 1.1)")


def compiled_signature_policy(policy: str) -> bytes:
    """An endorsement signature policy as a definition carries it (its validation parameter, the
    ApplicationPolicy the peer compiles the policy text into): what the channel compares of two definitions'
    policies. ChaincodeError naming the policy when Fabric's policy language cannot read it."""
    try:
        envelope = signature_policy(policy)
    except PolicySyntaxError as exc:
        raise ChaincodeError(f"endorsement policy: {exc}") from None      # it names the policy and an example
    return policy_pb2.ApplicationPolicy(signature_policy=envelope).SerializeToString(deterministic=True)


def same_signature_policy(one: str | None, other: str | None) -> bool:
    """Whether two endorsement policies (None: the channel's Endorsement policy) are the same rule as a
    definition carries it, however typed: spaces, AND or OR of a single principal."""
    if one == other:
        return True
    if one is None or other is None:
        return False
    try:
        return compiled_signature_policy(one) == compiled_signature_policy(other)
    except ChaincodeError:
        return False


@dataclass(frozen=True)
class Definition:
    """A chaincode definition as the channel sees it (package IDs are per org, not part of it)."""

    channel: str
    name: str
    version: str
    sequence: int
    signature_policy: str | None = None     # None: the channel's /Channel/Application/Endorsement
    collections_config: Path | None = None

    def args(self) -> list[str]:
        out = ["--channelID", self.channel, "--name", self.name, "--version", self.version,
               "--sequence", str(self.sequence)]
        if self.signature_policy:
            out += ["--signature-policy", self.signature_policy]
        if self.collections_config:
            out += ["--collections-config", str(self.collections_config)]
        return out


def install_args(package: Path) -> list[str]:
    return ["lifecycle", "chaincode", "install", str(package)]


def approve_args(topology: Topology, data_root: Path, d: Definition, package_id: str) -> list[str]:
    return ["lifecycle", "chaincode", "approveformyorg", *orderer_client_args(topology, data_root),
            *d.args(), "--package-id", package_id]


def readiness_args(d: Definition) -> list[str]:
    return ["lifecycle", "chaincode", "checkcommitreadiness", *d.args(), "--output", "json"]


def commit_args(topology: Topology, data_root: Path, d: Definition) -> list[str]:
    """Commit, collecting endorsements from every org's peer (LifecycleEndorsement is MAJORITY)."""
    peers: list[str] = []
    for org in topology.orgs:
        env = peer_admin_env(topology, data_root, org.name)
        peers += ["--peerAddresses", env["CORE_PEER_ADDRESS"], "--tlsRootCertFiles", env["CORE_PEER_TLS_ROOTCERT_FILE"]]
    return ["lifecycle", "chaincode", "commit", *orderer_client_args(topology, data_root), *d.args(), *peers]


def queryapproved_args(channel: str, name: str, sequence: int) -> list[str]:
    return ["lifecycle", "chaincode", "queryapproved", "--channelID", channel, "--name", name,
            "--sequence", str(sequence), "--output", "json"]


def querycommitted_args(channel: str, name: str) -> list[str]:
    return ["lifecycle", "chaincode", "querycommitted", "--channelID", channel, "--name", name, "--output", "json"]


class Lifecycle:
    """The lifecycle calls, each as the named org's admin against that org's peer."""

    def __init__(self, tools: Tools, topology: Topology, data_root: Path):
        self.tools, self.topology, self.data_root = tools, topology, data_root

    def _env(self, org: str, peer: Node | None = None) -> dict[str, str]:
        return peer_admin_env(self.topology, self.data_root, org, peer)

    def installed(self, org: str, peer: Node | None = None) -> set[str]:
        """The package IDs installed on one of the org's peers (default: its first)."""
        res = self.tools.run("peer", ["lifecycle", "chaincode", "queryinstalled", "--output", "json"],
                             self._env(org, peer))
        return parse_installed(res.stdout)

    def install(self, org: str, package: Path, package_id: str) -> bool:
        """Install on each of the org's peers that does not list this package ID yet: a peer endorses with
        what it has installed itself, so one left out could endorse nothing. True if installed on any now."""
        installed_now = False
        for peer in self.topology.peers(org):
            if package_id not in self.installed(org, peer):
                self.tools.run("peer", install_args(package), self._env(org, peer))
                installed_now = True
        return installed_now

    def approve(self, org: str, d: Definition, package_id: str) -> None:
        self.tools.run("peer", approve_args(self.topology, self.data_root, d, package_id), self._env(org))

    def approved_package(self, org: str, name: str, sequence: int) -> str | None:
        """The package ID the org approved for sequence, None when it approved none (or approved no package)."""
        res = self.tools.run("peer", queryapproved_args(self.topology.channel, name, sequence), self._env(org),
                             check=False)
        if res.returncode != 0:
            return None
        return _package_id_in(json.loads(res.stdout or "{}"))

    def approve_as_committed(self, org: str, d: Definition, package_id: str) -> bool:
        """Approve d at the sequence in force. The channel accepts it only when d's parameters (version, policy,
        collections) are the committed definition's: True then; False when it refuses them as different.

        Fabric 2.5 and later also refuse an org's approval of the sequence in force when the org already approved
        just that (lifecycle's isAttemptToRedefine: "attempted to redefine the current committed sequence" with
        no "different parameters"): d is then what the org approved and the channel holds, so True too."""
        res = self.tools.run("peer", approve_args(self.topology, self.data_root, d, package_id), self._env(org),
                             check=False)
        if res.returncode == 0:
            return True
        text = res.stderr + res.stdout
        if "different parameters" in text:
            return False
        if "attempted to redefine the current committed sequence" in text:
            return True
        raise ToolError(f"peer lifecycle chaincode approveformyorg failed: {last_error_line(text)}",
                        stdout=res.stdout, stderr=res.stderr, returncode=res.returncode)

    def readiness(self, org: str, d: Definition) -> dict[str, bool]:
        res = self.tools.run("peer", readiness_args(d), self._env(org))
        return parse_readiness(res.stdout)

    def commit(self, org: str, d: Definition) -> None:
        self.tools.run("peer", commit_args(self.topology, self.data_root, d), self._env(org))

    def committed(self, org: str, name: str) -> dict | None:
        """The committed definition ({sequence, version, ...}) or None when the name is not defined."""
        res = self.tools.run("peer", querycommitted_args(self.topology.channel, name), self._env(org), check=False)
        if res.returncode != 0:
            text = res.stderr + res.stdout
            if "404" in text or "not defined" in text or "not found" in text:
                return None
            raise ToolError(f"peer lifecycle chaincode querycommitted failed: {last_error_line(text)}",
                            stdout=res.stdout, stderr=res.stderr, returncode=res.returncode)
        return json.loads(res.stdout)


def parse_installed(output: str) -> set[str]:
    doc = json.loads(output or "{}")
    return {c["package_id"] for c in doc.get("installed_chaincodes") or []}


def _package_id_in(doc) -> str | None:
    """queryapproved's package ID, wherever its JSON nests it (source -> Type -> local package -> package_id)."""
    if isinstance(doc, dict):
        if isinstance(doc.get("package_id"), str):
            return doc["package_id"] or None
        found = (_package_id_in(value) for value in doc.values())
        return next((f for f in found if f), None)
    return None


def parse_readiness(output: str) -> dict[str, bool]:
    return {k: bool(v) for k, v in (json.loads(output).get("approvals") or {}).items()}


def next_sequence(committed: dict | None, recorded: dict | None, wanted: dict) -> tuple[int, bool]:
    """(sequence to use, whether anything changes).

    Nothing committed: sequence 1. The committed sequence is the one we recorded with the
    same wanted definition: nothing to do. Anything else: committed sequence + 1 (an upgrade
    in place: state stays, the new definition takes over at commit).
    """
    if committed is None:
        return 1, True
    seq = int(committed["sequence"])
    if recorded is not None and int(recorded.get("sequence", -1)) == seq and \
            all(recorded.get(k) == v for k, v in wanted.items()):
        return seq, False
    return seq + 1, True


def committed_endorsement_policy(held: dict) -> str | None:
    """The endorsement policy of a committed definition, from querycommitted's validation_parameter (an
    ApplicationPolicy, base64): in the policy language ("OR('BankMSP.peer')"), or the channel policy it refers to.
    None when the answer has none that can be read."""
    encoded = held.get("validation_parameter")
    if not isinstance(encoded, str) or not encoded:
        return None
    try:
        policy = policy_pb2.ApplicationPolicy.FromString(base64.b64decode(encoded, validate=True))
        if policy.HasField("signature_policy"):
            return render_signature_rule(policy.signature_policy)
    except (ValueError, DecodeError, IndexError):    # not base64, not the message, a rule naming no identity
        return None
    return policy.channel_config_policy_reference or None
