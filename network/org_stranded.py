"""What an org's leaving does to deployed chaincode definitions, as plain functions of the deployment records:
the chaincode it strands (StrandedChaincode), whether an endorsement policy is still endorsable without it, the
`recfin chaincode deploy` advised to put each right, and how a definition in force differs from the record.
"""
from __future__ import annotations

import itertools
import json
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from chaincode.receivables import collections as contract_collections
from chaincode.receivables.config import NetworkConfig

from . import ccservers, config_policy
from .errors import first_few
from .lifecycle import committed_endorsement_policy
from .org_definition import PolicySyntaxError
from .org_definition import signature_policy as compiled_policy
from .topology import DERIVED, PeerOrgSpec, Topology


def _topology_policy_of(orgs: Sequence[PeerOrgSpec], topology: Topology) -> str | None:
    """contract_config.endorsement_policy for these orgs of the topology, without the contract configuration's
    refusal of a role no org has: the policy needs only their MSP IDs, and an old deployment record may be of a
    network that lacked a role then (before its first regulator org was added)."""
    if topology.chaincode.endorsement_policy != DERIVED:
        return topology.chaincode.endorsement_policy
    # built unchecked: NetworkConfig refuses one without a regulator org, which this record's network may lack
    orgs_only = NetworkConfig.model_construct(org_roles={o.msp_id: (o.role,) for o in orgs})
    return contract_collections.endorsement_policy(orgs_only, principal="peer")



# The endorsement policy of a definition approved and committed without one: the channel's
CHANNEL_ENDORSEMENT = "/Channel/Application/Endorsement"


def _not_the_record(dep: ccservers.Deployment, record: Path) -> str:
    return f"not the one {record} records (version {dep.version}, sequence {dep.sequence})"


def _in_force_against_record(held: dict | None, dep: ccservers.Deployment, collections_config: Path | None,
                             record: Path) -> str:
    """The definition in force (querycommitted's answer, None when none is) against the one the deployment record
    at ``record`` holds, for the refusal of an approval as different: "(version V, sequence S), ..." naming how
    they differ: version and sequence, else what of the endorsement policy and collections the answer gives."""
    if held is None:
        return f"(none committed), {_not_the_record(dep, record)}"
    in_force = f"(version {held.get('version')}, sequence {held.get('sequence')})"
    if (str(held.get("version")), str(held.get("sequence"))) != (dep.version, str(dep.sequence)):
        return f"{in_force}, {_not_the_record(dep, record)}"
    # the usual case: an approval at the sequence in force differs only in what the record cannot show by number
    differences = committed_differences(held, dep.signature_policy, collections_config, "the record's")
    return f"{in_force}, the same version and sequence as {record} records, but {differences}"


def committed_differences(held: dict, signature_policy: str | None, collections_config: Path | None,
                          whose: str) -> str:
    """How the committed definition ``held`` (querycommitted's answer) differs from one of the same version
    with this policy (None: the channel's) and collections file, whose ``whose`` names in the text: what of
    its endorsement policy and collections the answer gives, else that one of them (or the collections)
    differs."""
    committed_policy, wanted_policy = committed_endorsement_policy(held), _as_committed(signature_policy)
    committed_collections = _committed_collection_names(held)
    wanted_collections = _recorded_collection_names(collections_config)
    differences = []
    if committed_policy is not None and committed_policy != wanted_policy:
        differences.append(f"its endorsement policy is {committed_policy} where {whose} is {wanted_policy}")
    if None not in (committed_collections, wanted_collections) and \
            committed_collections != wanted_collections:
        differences.append(f"its collections are {first_few(committed_collections) or 'none'} where {whose} "
                           f"are {first_few(wanted_collections) or 'none'}")
    if not differences:
        differences.append("its collections differ" if committed_policy == wanted_policy
                           else "its endorsement policy or collections differ")
    return "; and ".join(differences)


def _as_committed(signature_policy: str | None) -> str:
    """An endorsement policy as committed_endorsement_policy writes a committed one, so that the two compare
    by what they require, not by how they were typed ("AND('A.peer')" is "OR('A.peer')", and spaces are not
    read)."""
    if signature_policy is None:
        return CHANNEL_ENDORSEMENT
    try:
        return config_policy.render_signature_rule(compiled_policy(signature_policy))
    except PolicySyntaxError:
        return signature_policy


def _committed_collection_names(held: dict) -> list[str] | None:
    """The names of a committed definition's collections, sorted, as querycommitted's JSON gives them
    ({"config": [{"Payload": {"StaticCollectionConfig": {"name": ...}}}]}, {} for none); None when it gives none
    or in another form."""
    package = held.get("collections")
    if not isinstance(package, dict):
        return None
    names = []
    for entry in package.get("config") or []:
        static = (entry.get("Payload") or {}).get("StaticCollectionConfig") if isinstance(entry, dict) else None
        if not isinstance(static, dict) or not isinstance(static.get("name"), str):
            return None
        names.append(static["name"])
    return sorted(names)


def _recorded_collection_names(collections_config: Path | None) -> list[str] | None:
    """The names of the collections in the record's collections file, sorted ([] without one); None when it
    cannot be read as a list of collections."""
    if collections_config is None:
        return []
    try:
        doc = json.loads(collections_config.read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(doc, list) or not all(isinstance(c, dict) and isinstance(c.get("name"), str) for c in doc):
        return None
    return sorted(c["name"] for c in doc)


@dataclass(frozen=True)
class StrandedChaincode:
    """A deployed chaincode that an org's leaving strands (OrgMembership.stranded_without)."""
    name: str
    why: str            # what of its definition needs the org
    deploy: str         # the `recfin chaincode deploy` that gives it a definition without the org


def _names_unendorsable(policy: str | None, msp_id: str, peers: Mapping[str, int]) -> bool:
    """Whether the endorsement policy names msp_id and the peers given (peers: how many each MSP ID has) cannot
    meet it. A client chooses which peers endorse, and Fabric's greedy NOutOf (config_policy.met_by) can fail
    with every peer where some of them meet the policy: endorsable when any such choice meets it. A policy that
    does not name msp_id is as endorsable without it as with it; the channel's (None) follows the channel's
    orgs; a recorded policy the parser refuses is one Fabric took at commit: not read."""
    if policy is None:
        return False
    try:
        envelope = compiled_policy(policy)
    except PolicySyntaxError:
        return False
    uses = config_policy.leaves_naming(envelope)      # the orgs the policy names, with how many leaves each
    if msp_id not in uses:
        return False
    # a peer of an org the policy does not name meets none of its principals: only the named orgs' are chosen,
    # and of each no more than the leaves naming it (a peer beyond that meets nothing more), which keeps the
    # choices few however many peers an org runs
    orgs = [m for m in sorted(uses) if m in peers]
    for chosen in itertools.product(*(range(min(peers[m], uses[m]) + 1) for m in orgs)):
        if config_policy.met_by(envelope, [(m, "peer") for m, n in zip(orgs, chosen) for _peer in range(n)]):
            return False
    return True


def _deploy_command(dep: ccservers.Deployment, collections: str = "", policy: str | None = None) -> str:
    """The `recfin chaincode deploy` of ``dep`` again, with ``collections`` (its --collections-config option, as
    the advice words it) and ``policy`` (its policy option; by default the one it was deployed with)."""
    return (f"recfin chaincode deploy --name {dep.name} --contract {dep.contract} --version {dep.version}"
            f"{collections}{_policy_flag(dep) if policy is None else policy}")


def _policy_flag(dep: ccservers.Deployment) -> str:
    """The `chaincode deploy` option that gives ``dep``'s endorsement policy again, so that the deploy it is
    advised for keeps the definition as committed: none for the topology's (the default), `--channel-policy` for
    the channel's, the exact expression otherwise, with `--allow-one-org-policy` where one org could meet it alone
    (deployed so knowingly, or before such a deploy was refused), as deploy would refuse it without."""
    if dep.signature_policy is None:
        return " --channel-policy"
    if dep.signature_policy_from_topology:
        return ""
    policy = dep.signature_policy
    # a policy's own quotes are single: double quotes read best, where nothing in it means anything inside them
    quoted = f'"{policy}"' if not set(policy) & set('"$`\\!') else shlex.quote(policy)
    try:
        one_org = config_policy.one_org_endorses_alone(policy) is not None
    except PolicySyntaxError:
        one_org = False             # the deploy names what it cannot read
    return f" --signature-policy {quoted}" + (" --allow-one-org-policy" if one_org else "")
