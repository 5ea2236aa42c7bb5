"""The receivables contract's network configuration, derived from the topology the channel has now.

`network_config(topology)` is the one derivation: each peer org's MSP ID -> its `role:`, plus
the topology's `contract:` settings, refused while a role has no org (the contract needs every one:
topology.missing_roles_refusal). From it come

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

Fabric never lets a new definition drop a collection, nor change its name or blockToLive, so a
collection once written for the chaincode stays in every later derivation (an org that left keeps
its collection; with the org gone from the configuration nothing writes to it any more). Its member
policy, though, may name only orgs of the channel (Fabric refuses the approval otherwise: "collection
member ... is not part of the channel"), so a kept collection loses the MSPs that left from its
member policy, every other setting as it was (kept_collection). Its endorsement policy among them:
Fabric checks no collection's endorsement policy against the channel, and that policy, not the
chaincode's, governs a write to the collection, so one weakened to the orgs that stay would let them
alone rewrite what the departed org agreed to; one whose orgs have all left lets nobody write, which
keeps the departed pair's terms as they were for the regulator's audit. A collection whose members
have all left gets the channel's regulator orgs, which every offer-terms collection has as members
for their audit; with no regulator org either, it cannot stay valid and the derivation is refused,
naming it. A fixed collections file is the operator's: `recfin org remove` refuses, before anything
changes, while a member policy of it names the leaving org (collections_naming).
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from fabric_protos.common import policies_pb2
from fabric_protos.msp import msp_principal_pb2

from chaincode.receivables import collections as contract_collections
from chaincode.receivables import config as contract
from client.atomic_file import write_atomically

from . import ccservers, configtx
from .config_policy import msp_ids_in, one_org_endorses_alone, render_signature_rule
from .errors import ChaincodeError
from .lifecycle import same_signature_policy
from .org_definition import PolicySyntaxError, signature_policy
from .topology import DERIVED, Topology, missing_roles_refusal

CONFIG_FILE = "network_config.json"
SERVED_CONFIG_FILE = "network_config.{}.json"
COLLECTIONS_FILE = "collections_config.json"
ENV_VAR = contract.CONFIG_ENV


def network_config(topology: Topology) -> contract.NetworkConfig:
    """The contract's configuration for the topology's orgs (pass the effective topology); refused (ChaincodeError)
    while a role has no org (topology.missing_roles_refusal)."""
    if (refusal := missing_roles_refusal(topology)) is not None:
        raise ChaincodeError(refusal)
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


ONE_ORG_POLICY_OPTION = "--allow-one-org-policy"
TWO_ORGS_GUARANTEE = ("The contract's guarantee that no single org writes alone rests, for every new key and every key "
                      "without a key-level policy of its own, on the chaincode's endorsement policy needing the peers "
                      "of two orgs: with this one, one org running altered chaincode on its own peer could write them")


def one_org_policy_refusal(policy: str, topology: Topology, given_as: str, deploying: bool = True) -> str | None:
    """Why deploying this endorsement policy would void the contract's guarantee (one_org_endorses_alone), and what to
    give instead, for the topology's orgs; None when every way of meeting it takes the peers of two orgs. given_as:
    where it comes from, e.g. "--signature-policy"; deploying: said by `recfin chaincode deploy`, which takes
    --channel-policy and the opt-in, rather than by `recfin org remove|submit`. PolicySyntaxError when it is no
    signature policy."""
    reason = one_org_endorses_alone(policy)
    if reason is None:
        return None
    # what `derived` gives, written out from the orgs alone (no role need be held for it to be said)
    peers = ", ".join(f"'{msp_id}.peer'" for msp_id in sorted(org.msp_id for org in topology.orgs))
    instead = (f"--signature-policy \"OutOf(2, {peers})\" (any two orgs' peers, what `endorsement_policy: derived` "
               f"gives)")
    if deploying:
        return (f"{given_as} {policy}: {reason}. {TWO_ORGS_GUARANTEE}. Nothing was deployed: give a policy every "
                f"way of meeting which takes the peers of two orgs, e.g. {instead}, or --channel-policy; "
                f"{ONE_ORG_POLICY_OPTION} deploys it anyway, voiding the guarantee (for a chaincode whose writes no "
                f"other org needs to agree to)")
    return (f"{given_as} {policy}: {reason}. {TWO_ORGS_GUARANTEE}. Stopped before anything changed: give a "
            f"policy every way of meeting which takes the peers of two orgs, e.g. {instead}; only `recfin chaincode "
            f"deploy --signature-policy POLICY {ONE_ORG_POLICY_OPTION}` deploys one that does not, voiding the "
            f"guarantee")


def channel_policy_refusal(topology: Topology, data_root: Path) -> str | None:
    """Why deploying with the channel's Endorsement policy (--channel-policy) would void the contract's guarantee,
    and what to do instead; None when the channel's configuration recfin generates for the topology needs the peers
    of two orgs (MAJORITY Endorsement of two orgs or more). What a config update changed on the channel since is
    not read."""
    if configtx.endorsement_orgs_needed(topology, data_root) >= 2:
        return None
    alone = " or of ".join(org.msp_id for org in topology.orgs)
    return (f"--channel-policy: the channel's Endorsement policy as recfin writes it, MAJORITY Endorsement over "
            f"its {len(topology.orgs)} org(s), is met by the peers of {alone} alone. {TWO_ORGS_GUARANTEE}. Nothing "
            f"was deployed: add a second org to the channel first (`recfin org add NAME --role ROLE ...`), then "
            f"deploy with --channel-policy; "
            f"{ONE_ORG_POLICY_OPTION} deploys it anyway, voiding the guarantee (for a chaincode whose writes no "
            f"other org needs to agree to)")


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


def derived_collections(topology: Topology, kept: list[dict] = (), kept_in: Path | None = None) -> list[dict]:
    """The collections for the topology's orgs, then each of `kept` whose name they lack, without the MSPs that are
    not the topology's orgs' in its member policy (kept_collection). kept_in: the file `kept` was read from, which a
    refusal names for its repair."""
    cfg = network_config(topology)
    derived = contract_collections.collections_config(cfg)
    names = {c["name"] for c in derived}
    return derived + [kept_collection(c, cfg, kept_in) for c in kept if c["name"] not in names]


def kept_collection(collection: dict, cfg: contract.NetworkConfig, kept_in: Path | None = None) -> dict:
    """An earlier collection as the channel of cfg's orgs can still approve it: its member policy without the MSPs
    that are not cfg's, every other setting (blockToLive and the endorsement policy included) as it was, and the
    collection itself unchanged when its member policy names none of them. Members all gone: the regulator orgs'
    (ChaincodeError when there is none). The endorsement policy stays as written even when it names orgs that left
    (Fabric checks only the member policy against the channel): it, not the chaincode's policy, governs a write to
    the collection, and the departed org's part in it is what keeps the orgs that stay from rewriting alone what
    the collection holds. kept_in: the file the collection was read from, named in a refusal."""
    name = collection["name"]
    members = _members_staying(collection.get("policy"), set(cfg.msp_ids), name, kept_in)
    if members is None:
        members = regulators_policy(cfg)
        if members is None:
            raise ChaincodeError(
                f"collection {name} would have no member left in the channel ({collection.get('policy')} names only "
                f"orgs that are not in it): Fabric keeps every collection of a definition and needs a member of the "
                f"channel in each, and no regulator org, which every offer-terms collection has as a member, is "
                f"there to take it on. Add a regulator org first (`recfin org add NAME --role regulator`)")
    return {**collection, "policy": members}


def regulators_policy(cfg: contract.NetworkConfig) -> str | None:
    """The member policy of cfg's regulator orgs, which take on a collection whose members have all left; None when
    cfg has none."""
    regulators = cfg.msps_with_role(contract.REGULATOR)
    return contract_collections.members_policy(regulators) if regulators else None


def _members_staying(policy: object, staying: set[str], collection: str, kept_in: Path | None) -> str | None:
    """A collection's member policy without the principals of MSPs not in staying: the text as it is when it names
    none of them, None when none of its principals stays. Fabric takes only an OR of principals as a member policy;
    a rule that needs more of its parts than stay (AND, OutOf) would need all those that stay."""
    where = kept_in or f"the chaincode's {COLLECTIONS_FILE} in the data folder"
    repair = (f"repair it in {where}, keeping every collection with its name and blockToLive (Fabric refuses a "
              f"definition that drops or changes them)")
    if not isinstance(policy, str):
        raise ChaincodeError(f"collection {collection}: policy is {policy!r}, not a signature policy: {repair}")
    try:
        envelope = signature_policy(policy)
    except PolicySyntaxError as exc:
        raise ChaincodeError(f"collection {collection}: policy: {exc}: {repair}") from None
    msp_of = [msp_principal_pb2.MSPRole.FromString(identity.principal).msp_identifier
              for identity in envelope.identities]
    if set(msp_of) <= staying:
        return policy

    def kept(rule: policies_pb2.SignaturePolicy) -> policies_pb2.SignaturePolicy | None:
        if rule.HasField("signed_by"):
            return rule if msp_of[rule.signed_by] in staying else None
        parts = [part for part in map(kept, rule.n_out_of.rules) if part is not None]
        if not parts:
            return None
        return policies_pb2.SignaturePolicy(n_out_of=policies_pb2.SignaturePolicy.NOutOf(
            n=min(rule.n_out_of.n, len(parts)), rules=parts))

    rule = kept(envelope.rule)
    if rule is None:
        return None
    return render_signature_rule(policies_pb2.SignaturePolicyEnvelope(rule=rule, identities=envelope.identities))


@dataclass(frozen=True)
class NamingCollection:
    """A collection of a fixed collections file whose member policy names an org (collections_naming)."""
    name: str
    sole_member: bool           # the org is the only member it names: removing it would leave no member


def collections_naming(path: Path, msp_id: str) -> list[NamingCollection]:
    """The collections of the collections file at path whose member policy names msp_id: what the channel refuses to
    approve once the org has left. Their endorsement policies are left alone, as Fabric leaves them
    (kept_collection)."""
    try:
        doc = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise ChaincodeError(f"cannot read the collections file {path}: {exc}") from None
    named = []
    for collection in doc if isinstance(doc, list) else []:
        if not isinstance(collection, dict) or not isinstance(policy := collection.get("policy"), str):
            continue
        try:
            members = msp_ids_in(policy)
        except PolicySyntaxError as exc:
            raise ChaincodeError(f"{path}: collection {collection.get('name')}: policy: {exc}") from None
        if msp_id in members:
            named.append(NamingCollection(str(collection.get("name")), members == [msp_id]))
    return named


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


def collections_for(topology: Topology, data_root: Path) -> list[dict]:
    """The derived collections for the topology's orgs with every collection data_root's collections_config.json
    held before (derived_collections), as write_collections writes them: to check them before anything changes."""
    path = collections_path(data_root, topology.chaincode.name)
    return derived_collections(topology, _written_collections(path), path)


def _collections_text(topology: Topology, data_root: Path) -> str:
    """collections_config.json as write_collections writes it."""
    return json.dumps(collections_for(topology, data_root), indent=2) + "\n"


def write_collections(topology: Topology, data_root: Path) -> Path | None:
    """Write the derived collections_config.json, keeping every collection it held before;
    None when the topology does not derive its collections."""
    if not topology.chaincode.derives_collections:
        return None
    path = collections_path(data_root, topology.chaincode.name)
    _replace(path, _collections_text(topology, data_root))
    return path


def collections_sha256(topology: Topology, data_root: Path) -> str | None:
    """The sha256 of the collections file a deploy given none approves the topology's chaincode with, as the
    deployment records it: the derived one as write_collections would write it (nothing is written), or the
    topology's file; None for none (or a file that cannot be read, which the deploy refuses)."""
    if topology.chaincode.derives_collections:
        return hashlib.sha256(_collections_text(topology, data_root).encode()).hexdigest()
    fixed = topology.chaincode.resolved_collections_config()
    try:
        return hashlib.sha256(fixed.read_bytes()).hexdigest() if fixed is not None else None
    except OSError:
        return None


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
    version = definition_version(topology, ccservers.version_to_deploy(deployed, topology.chaincode.version))
    policy = endorsement_policy(topology)
    differs = _deployed_differs(topology, data_root, deployed, version, sha, policy)
    out = {
        "chaincode": name,
        "config": network_config(topology).model_dump(mode="json"),
        "sha256": sha,
        # what `recfin chaincode deploy` given no version deploys: the deployed version's number is kept
        "version": version,
        "endorsement_policy": policy,
        "config_file": config_path(data_root, name),
        "deployed_version": deployed.version if deployed else None,
        "deployed_sha256": deployed.network_config_sha256 if deployed else None,
        "deployed_endorsement_policy": deployed.signature_policy if deployed else None,
        # a plain deploy changes nothing only when it would approve just what is deployed
        "deployed": deployed is not None and not differs,
        "deployed_differs": differs,
    }
    if committed is not None:
        held = str(committed.get("version", ""))
        short = contract.version_digest(held)
        out |= {"committed_version": held, "committed_sequence": committed.get("sequence"),
                "committed": short is not None and sha.startswith(short),
                "approvals": dict(committed.get("approvals") or {})}
    return out


def _deployed_differs(topology: Topology, data_root: Path, deployed: ccservers.Deployment | None,
                      version: str, sha: str, policy: str | None) -> list[str]:
    """What of the topology's chaincode definition a deploy given no options would approve differs from the
    deployment recorded (the parts deploy_chaincode compares; [] when none is recorded): any of them makes
    that deploy a new sequence. The contract is none of them: a deploy given no --contract keeps the deployed
    one."""
    if deployed is None:
        return []
    same = {"version": deployed.version == version, "configuration": deployed.network_config_sha256 == sha,
            "endorsement policy": same_signature_policy(deployed.signature_policy, policy),
            "collections": deployed.collections_sha256 == collections_sha256(topology, data_root)}
    return [part for part, alike in same.items() if not alike]
