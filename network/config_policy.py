"""Who must sign a ConfigUpdate, and whether the signatures in hand are enough: checked before submitting.

The ordering service authorises a ConfigUpdate element by element: every element the update
changes (channel_config.changed_elements) must already exist at version N and arrive at
N+1, and its *current* mod_policy must be satisfied by the update's signatures. A relative
mod_policy names a policy of the element's own group (for a group) or of the group that
holds it (for a value or a policy); an absolute one ("/Channel/Orderer/Admins") is found
from the root. New elements carry no check of their own: adding them bumps their parent,
whose mod_policy is checked.

Each policy is evaluated as Fabric evaluates it, by client.ledger.config_policies (the SDK's
audit judges a block's orderer signatures by it too): ImplicitMeta over each org's sub-policy,
Signature policies over MSP principals, each identity counted once and as its MSP validates it;
a signature that does not verify, or a revoked or locked-out signer's, is ignored, as the orderer
ignores it, and the verdict names each with why.

`evaluate(current, update_envelope)` returns a Verdict: ok, and one line per policy that
says who signed and who is missing ("needs 3 of 4 org admins: missing BankMSP, RegulatorMSP").
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from fabric_protos.common import configtx_pb2, policies_pb2

from client.ledger import config_policies
from client.ledger.config_policies import (Evaluator, PolicyCheck, RoleHolders, Verdict, group_at, indexes_one,
                                           policy_path, principal)
from client.ledger.revocation import without_aki

from . import channel_config, config_signing
from .org_definition import signature_policy

# Most of network/ shows a policy through this module, and reads the Verdict evaluate() gives
render_signature_rule = config_policies.render_signature_rule

# ---- finding things in the current config -----------------------------------------------------
def _element(config: configtx_pb2.Config, path: tuple[str, ...], kind: str):
    if kind == "group":
        return group_at(config, path)
    parent = group_at(config, path[:-1])
    if parent is None:
        return None
    members = parent.values if kind == "value" else parent.policies
    return members[path[-1]] if path[-1] in members else None


def required_policies(current: configtx_pb2.Config,
                      update: configtx_pb2.ConfigUpdate) -> dict[tuple[str, ...], list[str]]:
    """The policy path each changed, existing element must satisfy -> the elements it authorises."""
    out: dict[tuple[str, ...], list[str]] = {}
    for path, kind, _read, _write in channel_config.changed_elements(update):
        existing = _element(current, path, kind)
        if existing is None:
            continue                 # new: authorised through its parent's bump
        target = policy_path(path, kind, existing.mod_policy)
        out.setdefault(target, []).append(f"{kind} /{'/'.join(path)}")
    return out


def met_by(envelope: policies_pb2.SignaturePolicyEnvelope, identities: list[tuple[str, str]]) -> bool:
    """Whether these identities, each (MSP ID, role) such as ("BankMSP", "peer"), all signing, meet the signature
    policy as Fabric evaluates it: each identity counts for one principal, 'X.role' or 'X.member' of its MSP X, and
    NOutOf is greedy (every sub-rule met in turn keeps the identities it used), so a set can fail a policy that
    some of its identities alone would meet."""
    return RoleHolders(identities).evaluated(envelope.rule, [principal(p) for p in envelope.identities]).met


def msp_ids_in(policy: str) -> list[str]:
    """The MSP IDs a signature policy's principals name, e.g. ["BankMSP", "SupplierMSP"] for
    "AND('BankMSP.peer', 'SupplierMSP.peer')" (PolicySyntaxError when it is not one)."""
    return sorted({msp_id for msp_id, _role in map(principal, signature_policy(policy).identities)})


ENDORSING_ROLE = "peer"     # the one principal role a chaincode endorsement policy may name


def one_org_endorses_alone(policy: str) -> str | None:
    """Why a chaincode endorsement policy would let a single org endorse on its own, None when every way of meeting
    it takes the peers of two orgs or more (PolicySyntaxError when it is no signature policy). A principal of
    another role than peer lets an org endorse with no peer at all: an endorsement is a signature, and a client's
    or an admin's certificate of the org signs a proposal response as well as its peer ('X.member' is met by any of
    them). Otherwise each org's peers alone are tried, as many as the policy has leaves naming the org (more
    could meet no more of it), and no identity at all (OutOf(0, ...))."""
    envelope = signature_policy(policy)
    not_peers = sorted({f"'{msp_id}.{role}'" for msp_id, role in map(principal, envelope.identities)
                        if role != ENDORSING_ROLE})
    if not_peers:
        return (f"it names {', '.join(not_peers)}, of another role than peer: "
                f"a client's or an admin's certificate of the org signs "
                f"an endorsement as well as its peer, so the org could endorse with no peer at all; name "
                f"'<MSP>.peer' principals only")
    if met_by(envelope, []):
        return "it is met by no endorsement at all"
    leaves = leaves_naming(envelope)
    alone = [msp_id for msp_id in sorted(leaves) if met_by(envelope, [(msp_id, ENDORSING_ROLE)] * leaves[msp_id])]
    if alone:
        return f"the peers of {' or of '.join(alone)} alone meet it"
    return None


def leaves_naming(env: policies_pb2.SignaturePolicyEnvelope) -> Counter[str]:
    """How many of the policy's signed-by leaves name each MSP ID: more identities of an org than that can meet
    no more of it (each identity counts once, for one leaf)."""
    principals = [principal(p)[0] for p in env.identities]

    def leaves(rule: policies_pb2.SignaturePolicy) -> list[str]:
        if rule.HasField("signed_by"):
            # a leaf indexing no principal names no org (client.ledger.signature_policy: met by nobody)
            return [principals[rule.signed_by]] if indexes_one(rule.signed_by, principals) else []
        return [msp_id for sub in rule.n_out_of.rules for msp_id in leaves(sub)]

    return Counter(leaves(env.rule))


@dataclass
class UpdateVerdict(Verdict):
    """A Verdict on a config update that also knows the policies no signatures of the channel's admins can meet:
    each still unmet with every org of the channel's admin signing (out_of_reach). Such a policy names principals
    of orgs the channel does not have, or more of them than it has, so collecting signatures cannot help."""

    out_of_reach: list[PolicyCheck] = field(default_factory=list)
    signing_orgs: list[str] = field(default_factory=list)   # the orgs whose admins can sign, as the check took them

    @property
    def signable(self) -> bool:
        return super().signable and not self.out_of_reach

    def describe(self) -> str:
        said = super().describe()
        for check in self.out_of_reach:
            said += (f"; {check.path} stays unmet even signed by the admin of every org of the channel that can "
                     f"sign ({', '.join(self.signing_orgs) or 'none'}): {check.describe()}")
        return said


class _EveryAdmin(RoleHolders):
    """The channel's policies checked as if the admins of every org of config that can sign (one whose own CRL does
    not lock its admins out: without_aki) had signed, ``copies`` admins of each, with signatures Fabric counts."""

    def __init__(self, config: configtx_pb2.Config, copies: int):
        self.config = config
        self.msps = config_policies.org_msps(config)
        self.signing_orgs = sorted(msp_id for msp_id, msp in self.msps.items() if not without_aki(msp.revocation_list))
        super().__init__([(msp_id, "admin") for msp_id in self.signing_orgs for _ in range(copies)])


def _most_leaves_naming_one_org(config: configtx_pb2.Config) -> int:
    """The most signed-by leaves any one signature policy of config gives one MSP: an org with that many admins
    signing meets every part of any policy an admin of it can meet (each identity counts for one leaf)."""
    most, groups = 1, [config.channel_group]
    while groups:
        group = groups.pop()
        groups.extend(group.groups.values())
        for held in group.policies.values():
            if held.policy.type == policies_pb2.Policy.SIGNATURE:
                counts = leaves_naming(policies_pb2.SignaturePolicyEnvelope.FromString(held.policy.value))
                most = max(most, *counts.values(), 1)
    return most


def evaluate(current: configtx_pb2.Config, update_envelope: configtx_pb2.ConfigUpdateEnvelope) -> UpdateVerdict:
    """Check the envelope's signatures against every mod_policy its update touches, in the current config, and
    which of those policies not even the channel's admins all signing could meet (UpdateVerdict.out_of_reach)."""
    update = configtx_pb2.ConfigUpdate.FromString(update_envelope.config_update)
    signed = config_signing.signers(update_envelope, current)
    evaluator = Evaluator(current, signed)
    checks = []
    for path, elements in required_policies(current, update).items():
        check = evaluator.check(path)
        check.for_elements = elements
        checks.append(check)
    verdict = evaluator.verdict(checks)
    unmet = [check for check in checks if not check.satisfied and check.parts]
    if not unmet:
        return UpdateVerdict(**vars(verdict))
    everyone = _EveryAdmin(current, _most_leaves_naming_one_org(current))
    out_of_reach = []
    for path, elements in required_policies(current, update).items():
        reach = everyone.check(path)
        if not reach.satisfied and reach.parts:
            reach.for_elements = elements
            out_of_reach.append(reach)
    return UpdateVerdict(**vars(verdict), out_of_reach=out_of_reach, signing_orgs=everyone.signing_orgs)
