"""Planning an org's arrival or departure: the ConfigUpdate, its signatures and the policy verdict.

Pure over its inputs (the current channel Config, the topology, the crypto folder, or for an
org that made its own keys, its public definition: plan_add_defined): nothing is fetched or
submitted here, so a plan can be shown (`recfin org add --dry-run`) and
checked before anything reaches the ordering service. `OrgMembership` (org_membership.py)
fetches the config, and submits a plan whose verdict is ok.

Every update also carries the spec of the org it adds or removes (name, domain, ports, users
and role: public, never a key) in the ConfigUpdate's `isolated_data`, the field Fabric keeps
for data that rides with an update without entering the resulting config. It is part of the
bytes every admin signs, `peer channel signconfigtx` keeps it, and the ordering service
ignores it (it stays in the config block's last_update). So an update written as a file can
be submitted from any channel org admin's host: the file names the org, and nothing of the
writing host is needed to record it (`carried_org`).
"""
from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from fabric_protos.common import configtx_pb2, policies_pb2
from pydantic import ValidationError

from client.ledger import config_policies
from client.ledger.msp import fabric_certificate

from . import channel_config, config_policy, config_signing, configtx, crl, membership
from .crypto import org_crypto
from .errors import NetworkError, NodeNotFoundError, TopologyError
from .org_definition import (ADMINS, ANCHOR_PEERS_KEY, MSP_KEY, OrgMsp, decode_anchor_peers, decode_msp,
                             org_group, policy_from)
from .org_definition_file import (OrgDefinition, check_revocations_kept, contract_role_ous_problem,
                                  needed_node_ous_problem, write_public_msp)
from .topology import PeerOrgSpec, Topology, org_name_ends_in_hyphen, org_name_too_long


class OrgChangeError(NetworkError):
    pass


# The key of the org's spec in ConfigUpdate.isolated_data.
ORG_SPEC_KEY = "recfin.org"
ACTIONS = ("add", "remove")


def updates_dir(data_root: Path) -> Path:
    """Where the channel's config updates are written and the config blocks fetched to compute them are kept
    (config-<org>.block, one per admin fetching: the channel's config as this data folder last saw it)."""
    return data_root / "channel" / "updates"


@dataclass(frozen=True)
class CarriedOrg:
    """What an update says about itself: whether it adds or removes an org, and that org's spec."""

    action: str                                  # "add" or "remove"
    org: PeerOrgSpec


def carry_org(update: configtx_pb2.ConfigUpdate, action: str, org: PeerOrgSpec) -> None:
    """Put the org's spec into the update (before anyone signs it: the signatures cover it)."""
    document = {"action": action, "org": org.model_dump(mode="json")}
    update.isolated_data[ORG_SPEC_KEY] = json.dumps(document, sort_keys=True).encode()


def carried_org(update: configtx_pb2.ConfigUpdate, source: object = "the update") -> CarriedOrg | None:
    """The org an update carries (None for one written without it: by an older recfin or other tools).
    Checked against the update itself: an add must write the org's group, a removal must drop it."""
    if ORG_SPEC_KEY not in update.isolated_data:
        return None
    try:
        document = json.loads(update.isolated_data[ORG_SPEC_KEY])
        action, org = document["action"], PeerOrgSpec.model_validate(document["org"])
    except (ValueError, KeyError, TypeError, ValidationError) as exc:
        raise OrgChangeError(f"{source}: the org spec it carries cannot be read ({str(exc).splitlines()[0]}): "
                             f"write it again with `recfin org add|remove --update-out`") from None
    written = update.write_set.groups[channel_config.APPLICATION].groups \
        if channel_config.APPLICATION in update.write_set.groups else {}
    if action not in ACTIONS or (action == "add") != (org.msp_id in written):
        raise OrgChangeError(f"{source} says it {action}s {org.msp_id}, but its update "
                             f"{'does not write' if action == 'add' else 'keeps'} that org: "
                             f"write it again with `recfin org add|remove --update-out`")
    return CarriedOrg(action, org)


@dataclass
class OrgChange:
    action: str                                  # "add" or "remove"
    org: PeerOrgSpec
    channel: str
    update: configtx_pb2.ConfigUpdate
    signatures: dict[str, configtx_pb2.ConfigSignature]   # MSP ID of the signing admin -> its signature
    verdict: config_policy.Verdict
    current: configtx_pb2.Config                 # the channel config the update was computed against

    def envelope(self, leave_out: str | None = None) -> configtx_pb2.ConfigUpdateEnvelope:
        """The signed ConfigUpdateEnvelope; leave_out drops one org's signature (the submitter adds its own)."""
        return config_signing.envelope(self.update, [s for m, s in self.signatures.items() if m != leave_out])

    def summary(self) -> dict:
        """What the update changes and who must sign, as plain data (the CLI prints it)."""
        out = {
            "action": self.action, "org": self.org.name, "msp_id": self.org.msp_id, "channel": self.channel,
            **parties_of(self.org),
            "changes": change_rows(self.update, self.current),
            "removed_members": removed_members(self.current, self.update),
            **verdict_rows(self.verdict, self.signatures),
        }
        if self.action == "add":
            group = self.update.write_set.groups[channel_config.APPLICATION].groups[self.org.msp_id]
            msp = decode_msp(group)
            out["msp"] = {"name": msp.msp_id, "root_certs": len(msp.root_certs),
                          "tls_root_certs": len(msp.tls_root_certs), "node_ous": msp.node_ous}
            out["anchor_peers"] = [f"{h}:{p}" for h, p in decode_anchor_peers(group)]
            out["org_policies"] = sorted(group.policies)
        return out


def change_rows(update: configtx_pb2.ConfigUpdate, current: configtx_pb2.Config | None) -> list[dict]:
    """Each element the update changes, with its version before (None: a new element) and after. current: the
    channel config the update applies to, which gives the version before of an element the read set does not list
    (a value or policy changed in a group that is not itself bumped); None for an update already applied, whose
    read set alone tells what was before."""
    return [{"element": "/" + "/".join(path), "kind": kind, "version": None if before is None else before.version,
             "new_version": after.version}
            for path, kind, before, after in channel_config.changed_elements(update, current)]


def verdict_rows(verdict: config_policy.Verdict, signatures: dict) -> dict:
    """The policies an update must satisfy, who signed, and whether that suffices, as plain data."""
    return {"policies": [{"policy": c.path, "rule": c.rule, "needed": c.needed, "of": len(c.parts),
                          "met_by": c.met, "missing": c.missing if not c.satisfied else [],
                          "satisfied": c.satisfied, "authorises": c.for_elements} for c in verdict.checks],
            "signed_by": sorted(signatures),
            "invalid_signatures": verdict.invalid_signatures,
            "policy_satisfied": verdict.ok,
            "verdict": verdict.describe()}


def parties_of(org: PeerOrgSpec) -> dict:
    """What an admin signs for besides certificates: the org's role in the contract, the enterprises its users
    act for, the users, and its host's address where the spec gives one (None: left to DNS). The update carries
    them; the channel config does not show them."""
    return {"role": org.role,
            "enterprises": membership.enterprises_of(org),
            "users": [u.name for u in org.users],
            "address": org.address}


def removed_members(current: configtx_pb2.Config, update: configtx_pb2.ConfigUpdate) -> list[str]:
    """Groups, values and policies of the current config that a bumped group of the update no longer lists.

    (A bumped group's write set names every member it keeps; the read set names them too,
    so what is dropped shows only against the current config.)
    """
    out = []

    def walk(path, existing, write):
        if existing.version != write.version:
            for kind, before, after in (("group", existing.groups, write.groups),
                                        ("value", existing.values, write.values),
                                        ("policy", existing.policies, write.policies)):
                out.extend(f"{kind} /{'/'.join(path + (name,))}" for name in sorted(before) if name not in after)
        for name, child in write.groups.items():
            if name in existing.groups:
                walk(path + (name,), existing.groups[name], child)

    walk(("Channel",), current.channel_group, update.write_set)
    return out


class AdminLoadError(ValueError):
    """An org admin's MSP folder that cannot sign (its loader's ValueError, message unchanged), naming the org's
    MSP ID and the folder so that a caller can say what to do about it."""

    def __init__(self, msp_id: str, folder: Path, problem: ValueError) -> None:
        super().__init__(str(problem))
        self.msp_id, self.folder, self.problem = msp_id, folder, problem


def signing_orgs(topology: Topology, msp_ids: list[str], only: list[str] | None) -> set[str] | None:
    """The MSP IDs of the orgs ``only`` names (`--sign-as`, by org name or MSP ID), None when it names none.
    Refused (OrgChangeError) for a name that is no org of msp_ids, the channel's orgs: unknown here (mistyped, the
    orderer org) or not in the channel (the org being added), its admin's signature would count for nothing, and
    left out without a word the verdict would only say it is missing."""
    if only is None:
        return None
    wanted = set()
    for name in only:
        try:
            org = topology.org(name)
        except NodeNotFoundError as exc:
            if "ignoring case" in str(exc):     # two orgs apart in case only: the lookup's own refusal says which
                raise
            why = "no peer org of this network has that name"
        else:
            if org.msp_id in msp_ids:
                wanted.add(org.msp_id)
                continue
            why = f"{org.msp_id} is not in the config of the channel {topology.channel}"
        signers = sorted(o.name for o in topology.orgs if o.msp_id in msp_ids)
        raise OrgChangeError(f"--sign-as {name}: {why}, so no admin of it signs this update: give one of "
                             f"{', '.join(signers)}. Nothing was written or signed")
    return wanted


def admin_signers(topology: Topology, data_root: Path, msp_ids: list[str],
                  only: list[str] | None = None) -> dict[str, config_signing.AdminSigner]:
    """The admins of these orgs whose keys are in the data folder (only: a subset, by org name or MSP ID).
    Raises AdminLoadError for a folder that cannot sign."""
    wanted = signing_orgs(topology, msp_ids, only)
    out = {}
    for org in topology.orgs:
        if org.msp_id not in msp_ids or (wanted is not None and org.msp_id not in wanted):
            continue
        msp_dir = org_crypto(data_root, org.name, org.domain).user_msp(org.admin)
        if (msp_dir / "signcerts").is_dir():
            try:
                out[org.msp_id] = config_signing.load_admin(msp_dir, org.msp_id)
            except ValueError as exc:
                raise AdminLoadError(org.msp_id, msp_dir, exc) from exc
    return out


def _signed(action: str, org: PeerOrgSpec, channel: str, current: configtx_pb2.Config,
            update: configtx_pb2.ConfigUpdate, admins: dict[str, config_signing.AdminSigner]) -> OrgChange:
    signatures, verdict = sign_and_check(current, update, admins)
    return OrgChange(action, org, channel, update, signatures, verdict, current)


def locked_out(org: PeerOrgSpec, current: configtx_pb2.Config, verdict: config_policy.Verdict,
               removable: Callable[[PeerOrgSpec, configtx_pb2.Config], None] | None = None) -> str | None:
    """Why no signature can authorise the update, and the one way out, when the update changes org's own group
    (a policy of that group, e.g. its `Admins`, OR('<MSP>.admin'), is not met and names org's identities only)
    while org's MSP in the channel config holds a CRL Fabric obtains no Authority Key Identifier from; None otherwise.

    That CRL fails every identity of org's MSP (crl.without_aki), its admins' too, so no signature meets the
    group's own policies, and the change that would replace the CRL is one of them. The Application group's
    policy (`Admins`: MAJORITY of the orgs' admins) is one level up: it authorises removing org's group, and
    adding it again, with its own admins not needed, where enough other orgs' admins can sign
    (config_policies.way_out: not those another such CRL locks out). Fabric does not take the two as one
    update: an element already in the config is judged by its own mod_policy (common/configtx/update.go,
    verifyDeltaSet), so org's group written again under its key would need org's `Admins` once more. The way
    out is `recfin org remove`, then `recfin org add`. removable (OrgMembership.check_removable_from): raises
    OrgChangeError when `recfin org remove` would refuse the org as the channel stands (the last org of its
    role): what it asks for then comes first."""
    group = current.channel_group.groups[channel_config.APPLICATION].groups.get(org.msp_id)
    found = None if group is None else crl.without_aki(decode_msp(group).revocation_list)
    own_group = f"/Channel/{channel_config.APPLICATION}/{org.msp_id}/"
    blocked = next((c for c in verdict.checks if not c.satisfied and c.path.startswith(own_group) and c.parts
                    and all(part.split(".")[0] == org.msp_id for part in c.parts)), None)
    if found is None or blocked is None:
        return None
    place, listed = found
    why = (f"{crl.lacking_aki(place, len(decode_msp(group).revocation_list), listed, org.msp_id)}, so Fabric fails "
           f"every identity of {org.msp_id}, its admins' too, and {blocked.path} ({blocked.rule}), which this change "
           f"of {org.msp_id}'s own group needs, can be met by them only: no signature can authorise it, nor the one "
           f"that would replace that CRL")
    way = config_policies.way_out(current, org.msp_id)
    if not way.open:
        return f"{why}. {way.closed()}"
    enterprises = membership.enterprises_of(org)
    again = (f"recfin org add {org.name} --role {membership.org_role(org)}"
             + (f" --enterprise {enterprises[0]}" if len(enterprises) == 1 else "")
             + (f" --address {org.address}" if org.address else ""))
    first = ": "
    if removable is not None:
        try:
            removable(org, current)
        except OrgChangeError as refused:
            first = (f". As the channel stands, `recfin org remove {org.name}` is refused: {refused}. What it asks "
                     f"comes first, signed by the same admins; then ")
    return (f"{why}. The way out is one level up: {way.check.path} ({way.check.rule}) lets {way.check.needed} of the "
            f"other orgs' admins ({', '.join(way.check.met)}) remove {org.msp_id}'s group and add it again with a "
            f"sound MSP{first}`recfin org remove {org.name}`, then `{again}` once the org's msp/crls/ holds only CRLs "
            f"that carry its CA's key identifier (as `recfin org user revoke` writes them, every earlier revocation on "
            f"it)")


def sign_and_check(current: configtx_pb2.Config, update: configtx_pb2.ConfigUpdate,
                   admins: dict[str, config_signing.AdminSigner]
                   ) -> tuple[dict[str, configtx_pb2.ConfigSignature], config_policy.Verdict]:
    """Each admin's signature on the update, and the policy verdict on them against the current config."""
    signatures = {msp: config_signing.sign(update, admin, current) for msp, admin in admins.items()}
    return signatures, config_policy.evaluate(current, config_signing.envelope(update, list(signatures.values())))


def check_cas_its_own(msp: OrgMsp, current: configtx_pb2.Config, topology: Topology, remedy: str,
                      joining_id: str | None = None) -> None:
    """Refused (OrgChangeError, ending with remedy) when a CA certificate of a joining org's MSP is a CA of an org
    already in the channel (an application or orderer org): the same certificate, or one of its subject and public
    key, which verifies what that CA issued as well. Those certificates are public (every bundle holds them), and
    with one the joining MSP would take that org's identities for its own: that org's admin would sign config
    updates as both orgs, two votes of one company. A CA certificate of the joining MSP that does not load is
    refused too: what it would verify cannot be told. joining_id: the ID the org joins under (its group's key in the
    update), msp.msp_id where None; topology names the channel's orgs in the refusal."""
    joining_id = msp.msp_id if joining_id is None else joining_id
    names = {o.msp_id: o.name for o in [topology.orderer_org, *topology.orgs]}
    channel = {owner: _ca_certificates(theirs) for owner, theirs in config_policies.org_msps(current).items()
               if owner != joining_id}
    for kind, cert in _ca_certificates(msp, remedy):
        for owner, cas in channel.items():
            theirs = next((their_kind for their_kind, ca in cas if _same_ca(cert, ca)), None)
            if theirs is not None:
                who = f"{names[owner]} ({owner})" if owner in names else owner
                raise OrgChangeError(f"{msp.msp_id}'s {kind} certificate ({cert.subject.rfc4514_string()}) is the "
                                     f"{theirs} of {who}, an org of the channel: {msp.msp_id} would take {owner}'s "
                                     f"identities for its own, so {owner}'s admin would sign config updates as both "
                                     f"orgs. {remedy}")


def check_contract_role_ous(msp: OrgMsp, joining_id: str, remedy: str) -> None:
    """Refused (OrgChangeError, ending with remedy) when a joining org's MSP has NodeOUs off or lacks the admin,
    peer or client OU, or gives the OUs the receivables contract reads (admin, peer, orderer) to other roles than
    the contract's, as an org definition is refused (org_definition_file.needed_node_ous_problem,
    contract_role_ous_problem): a file another tool wrote, with NodeOUs off, would leave the org's peers and
    clients in none of the channel's policies and its admins unknown to the contract; with the client role's OU
    `peer`, every user of the org would be refused by the contract as a node's; with the peer role's OU `node`,
    its peers' identities would be taken for clients a party can bind. joining_id: the org's group's key."""
    enabled = msp.config.fabric_node_ous.enable if msp.config is not None else bool(msp.node_ous)
    lacking = needed_node_ous_problem(msp.node_ous, enabled=enabled)
    if lacking is not None:
        raise OrgChangeError(f"the update adds {joining_id} with {lacking}. {remedy}")
    problem = contract_role_ous_problem(msp.node_ous)
    if problem is not None:
        raise OrgChangeError(f"the update adds {joining_id} with NodeOUs the receivables contract would misread: "
                             f"{problem}. {remedy}")


def check_identifiers_free(topology: Topology, current: configtx_pb2.Config, name: str, msp_id: str,
                           remedy: str) -> None:
    """Refused (OrgChangeError, ending with remedy) when a joining org's name or MSP ID is, in another case,
    the name or MSP ID of an org topology records (the orderer org's included, as org_identifier_clash holds a
    new org to) or an MSP ID the channel (current, its config) has. A record that lacks an org the channel has
    (one added from another host) does not hold a new name to it: the two would stand in the channel, and in
    the record once the joining org is recorded, apart in case only, where a lookup in another case fits both.
    The same MSP ID exactly is the rule of an org in the channel (its CA) or of one that left, whose own org
    may come back: left to those checks. Not so an ordering org's (the topology's, or one the channel's config
    has), in any case: Fabric keeps one MSP per MSP ID on a channel, so an application org under that MSP ID
    would be the ordering org itself, whose admin would then count among the application orgs' admins (a copy
    of its MSP, whose CAs check_cas_its_own finds no other application org's), or, with another MSP, be
    refused by the ordering service ("two different versions of MSP"). Nor the same name exactly under another
    MSP ID (any name of the ordering org's): an org is found by its name (Topology.org), so the signers of a file
    carrying it would read it as that org, and the record, which keeps one org per name, would take it for
    that org once it is in."""
    ordering = {member: member for member in channel_config.orderer_orgs(current)} | \
        {topology.orderer_org.msp_id: topology.orderer_org.name}
    if (same := next((m for m in sorted(ordering) if m.lower() == msp_id.lower()), None)) is not None:
        raise OrgChangeError(f"{name} ({msp_id}) cannot join: its MSP ID {msp_id} is "
                             f"{'' if same == msp_id else f'{same}, in another case, '}the MSP ID of "
                             f"{ordering[same]}, the channel's ordering org: Fabric keeps one MSP per MSP ID on a "
                             f"channel, so the org would be {ordering[same]} itself, its admin counting among the "
                             f"application orgs' admins, or, with another MSP, be refused by the ordering "
                             f"service. {remedy}")
    if (namesake := next((o for o in [topology.orderer_org, *topology.orgs]
                          if o.name == name and (o is topology.orderer_org or o.msp_id != msp_id)), None)) is not None:
        whose = "the channel's ordering org" if namesake is topology.orderer_org else "an org of the network"
        raise OrgChangeError(f"{name} ({msp_id}) cannot join: its name {name} is the name of {namesake.name} "
                             f"({namesake.msp_id}), {whose}, so either could be taken for the other. {remedy}")
    joining = (("name", name), ("MSP ID", msp_id))
    taken = [(f"org {o.name}'s {what} {identifier}", given, mine)
             for o in [topology.orderer_org, *topology.orgs] if o.name != name
             for what, identifier in (("name", o.name), ("MSP ID", o.msp_id))
             for given, mine in joining if identifier.lower() == mine.lower() and identifier != mine]
    taken += [(f"{member}, an MSP ID of the channel {topology.channel}", "MSP ID", msp_id)
              for member in channel_config.application_orgs(current)
              if member.lower() == msp_id.lower() and member != msp_id]
    if taken:
        whose, what, identifier = taken[0]
        raise OrgChangeError(f"{name} ({msp_id}) cannot join: its {what} {identifier} is, in another case, "
                             f"{whose}, so either could be taken for the other. {remedy}")


def check_group_readable(group: configtx_pb2.ConfigGroup, msp_id: str, remedy: str) -> OrgMsp:
    """The MSP of a joining org's group; refused (OrgChangeError, ending with remedy) when the group is not
    one Fabric takes as an application org's (its values the MSP and the anchor peers only, no group inside
    it) or one of its values cannot be read: written by hand or another tool, the admins would sign an update
    the ordering service refuses, or the checks of what it adds could not be made."""
    problems = [f"a group {name} inside it (an org's group holds none)" for name in sorted(group.groups)]
    problems += [f"a value {name} (an org's group holds {MSP_KEY} and {ANCHOR_PEERS_KEY} only)"
                 for name in sorted(set(group.values) - {MSP_KEY, ANCHOR_PEERS_KEY})]
    msp = None
    try:
        msp = decode_msp(group)
    except NetworkError as exc:     # no MSP value
        problems.append(str(exc).removeprefix("the org group carries "))
    except Exception as exc:   # protobuf raises DecodeError or RuntimeError depending on the backend
        problems.append(f"an MSP value that cannot be read ({exc})")
    try:
        decode_anchor_peers(group)
    except Exception as exc:   # as above
        problems.append(f"an {ANCHOR_PEERS_KEY} value that cannot be read ({exc})")
    if problems:
        raise OrgChangeError(f"the update adds {msp_id} with a group Fabric would refuse or that cannot be "
                             f"read: {'; '.join(problems)}. {remedy}")
    return msp


def check_held_by_its_own(group: configtx_pb2.ConfigGroup, msp_id: str, remedy: str) -> None:
    """Refused (OrgChangeError, ending with remedy) when a joining org's group is not held as recfin writes
    every org's (org_definition.org_group): the group and each of its values and policies changed by its own
    Admins policy, and its policies those configtx.peer_org_policies gives it, met by its own admins, peers
    and clients only. Its own CA does not protect it from the rest: an Admins policy naming another org's
    admins would let that org's admin count for both orgs in the channel's `MAJORITY Admins`, and a
    mod_policy naming another org's policy would let that org replace the joining org's MSP alone."""
    problems = []
    if group.mod_policy != ADMINS:
        problems.append(f"the group's mod_policy is {group.mod_policy!r}")
    problems += [f"its value {name} has mod_policy {value.mod_policy!r}"
                 for name, value in sorted(group.values.items()) if value.mod_policy != ADMINS]
    expected = configtx.peer_org_policies(msp_id)
    for name in sorted(set(group.policies) | set(expected)):
        wanted = _policy_text(policy_from(expected[name])) if name in expected else None
        if name not in group.policies:
            problems.append(f"no policy {name}, where {wanted}")
            continue
        found = group.policies[name]
        if wanted is None:
            problems.append(f"a policy {name} ({_policy_text(found.policy)}) no org has")
        elif _policy_text(found.policy) != wanted:
            problems.append(f"its policy {name} is {_policy_text(found.policy)} where {wanted}")
        if found.mod_policy != ADMINS:
            problems.append(f"its policy {name} has mod_policy {found.mod_policy!r}")
    if problems:
        raise OrgChangeError(f"the update adds {msp_id} with a group not held by its own admins as every "
                             f"org's is (each element's mod_policy {ADMINS!r}, its policies met by its own "
                             f"admins, peers and clients): {'; '.join(problems)}. Other orgs' admins could "
                             f"act as {msp_id}'s, counting twice in the channel's MAJORITY Admins or "
                             f"changing its MSP alone. {remedy}")


def _policy_text(policy: policies_pb2.Policy) -> str:
    """A policy as configtx.yaml spells it ("OR('BankMSP.admin')", "MAJORITY Admins"): compared and named."""
    try:
        if policy.type == policies_pb2.Policy.SIGNATURE:
            envelope = policies_pb2.SignaturePolicyEnvelope.FromString(policy.value)
            return config_policy.render_signature_rule(envelope)
        if policy.type == policies_pb2.Policy.IMPLICIT_META:
            meta = policies_pb2.ImplicitMetaPolicy.FromString(policy.value)
            return f"{policies_pb2.ImplicitMetaPolicy.Rule.Name(meta.rule)} {meta.sub_policy}"
    except Exception:   # protobuf raises DecodeError or RuntimeError depending on the backend
        return f"an unreadable policy of type {policy.type}"
    return f"a policy of type {policy.type}"


def _ca_certificates(msp: OrgMsp, refusal_remedy: str | None = None) -> list[tuple[str, x509.Certificate]]:
    """Each CA certificate the MSP trusts, with what it is to the org. One that does not load (its subject and key
    are read here: cryptography parses them only when asked) is refused with refusal_remedy, for a joining org's
    MSP; else passed over: a channel org's MSP is one Fabric took, and one certificate of it this host cannot read
    must not stop every org from joining."""
    conf = msp.config
    intermediates, tls_intermediates = ((), ()) if conf is None else (conf.intermediate_certs,
                                                                      conf.tls_intermediate_certs)
    listed = (("CA", msp.root_certs), ("intermediate CA", intermediates),
              ("TLS CA", msp.tls_root_certs), ("TLS intermediate CA", tls_intermediates))
    out = []
    for kind, pems in listed:
        for number, pem in enumerate(pems, 1):
            try:
                cert = fabric_certificate(pem)     # as Fabric's MSP reads it (getCertFromPem)
                cert.subject, cert.public_key()
            except (ValueError, UnsupportedAlgorithm) as exc:
                if refusal_remedy is None:
                    continue
                raise OrgChangeError(f"{msp.msp_id}'s {kind} certificate number {number} (of {len(pems)}) does not "
                                     f"load ({exc}): whose identities it would take for {msp.msp_id}'s cannot be "
                                     f"told. {refusal_remedy}") from None
            out.append((kind, cert))
    return out


def _same_ca(one: x509.Certificate, other: x509.Certificate) -> bool:
    """Whether two CA certificates verify the same certificates: one subject and one key (a copy of a CA signed
    again by another root, as an intermediate, is still that CA)."""
    spki = (serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return one.subject == other.subject and \
        one.public_key().public_bytes(*spki) == other.public_key().public_bytes(*spki)


def addressed_like_channel(topology: Topology, current: configtx_pb2.Config) -> Topology:
    """The topology addressed the way the channel's anchor peers are, so the new org's anchor peer is
    one the others' peers can dial: by hostname where every anchor peer of the channel is one (compose,
    separate hosts: their genesis block was made from the hostnames view), else as the topology says
    (the native network: listen_host, or a namespace's address). The update can then be written from
    wherever the ordering service is reached, e.g. a Docker machine through its published ports."""
    hostnames = {node.hostname for node in topology.peers()}
    anchors = {host for group in current.channel_group.groups[channel_config.APPLICATION].groups.values()
               for host, _ in decode_anchor_peers(group)}
    return topology.on_hosts() if anchors and anchors <= hostnames else topology


def plan_add(topology: Topology, data_root: Path, current: configtx_pb2.Config, org_name: str,
             sign_as: list[str] | None = None, org_root: Path | None = None,
             anchors: list[dict] | None = None) -> OrgChange:
    """Add org_name (an org of `topology` whose crypto exists) to the channel config `current`.

    Signed by the admins of the orgs already in the channel (or those of them in sign_as),
    whose keys are under data_root; the new org's crypto is under org_root (default data_root).
    anchors: its anchor peers ([{Host, Port}]) when its own definition gives them.
    """
    org = topology.org(org_name)
    addressed = addressed_like_channel(topology, current)
    definition = configtx.peer_org(addressed, org_root or data_root, org.name)
    if anchors is not None:
        definition["AnchorPeers"] = anchors
    group = org_group(definition)
    revocation_list = decode_msp(group).revocation_list
    if (found := crl.without_aki(revocation_list)) is not None:
        # added so, the org could never sign a change of its own group again (locked_out)
        crls = crl.crl_path(org_crypto(org_root or data_root, org.name, org.domain)).parent
        place, listed = found
        raise OrgChangeError(f"{crl.lacking_aki(place, len(revocation_list), listed, org.msp_id, f'from {crls}')}: "
                             f"once in the channel, Fabric would fail every identity of "
                             f"{org.msp_id}, its admins' too, so they could sign no change of its group, that CRL's "
                             f"replacement included. Replace it in {crls} with one that carries its CA's key "
                             f"identifier (as `recfin org user revoke` writes them), then run this again")
    folder = org_crypto(org_root or data_root, org.name, org.domain).root
    check_cas_its_own(decode_msp(group), current, topology, f"{org.name} needs a CA of its own: move {folder} out "
                                                            f"of the data folder and run this again, which makes one")
    node_ous = org_crypto(org_root or data_root, org.name, org.domain).msp_dir / "config.yaml"
    check_contract_role_ous(decode_msp(group), org.msp_id,
                            f"Nothing was signed: {org.name}'s NodeOUs are those of {node_ous}: correct them "
                            f"there, or move {folder} out of the data folder and run this again, which makes the "
                            f"org's crypto anew")
    desired = channel_config.with_org(current, org.msp_id, group)
    update = channel_config.compute_update(topology.channel, current, desired)
    carry_org(update, "add", org)
    members = channel_config.application_orgs(current)
    return _signed("add", org, topology.channel, current, update, admin_signers(topology, data_root, members, sign_as))


def plan_remove(topology: Topology, data_root: Path, current: configtx_pb2.Config, org_name: str,
                sign_as: list[str] | None = None) -> OrgChange:
    """Remove org_name from the channel config `current`, signed by the channel's org admins (or sign_as)."""
    org = topology.org(org_name)
    desired = channel_config.without_org(current, org.msp_id)
    update = channel_config.compute_update(topology.channel, current, desired)
    carry_org(update, "remove", org)
    members = channel_config.application_orgs(current)
    return _signed("remove", org, topology.channel, current, update,
                   admin_signers(topology, data_root, members, sign_as))


def plan_add_defined(topology: Topology, data_root: Path, current: configtx_pb2.Config, definition: OrgDefinition,
                     sign_as: list[str] | None = None) -> OrgChange:
    """Add the org a public definition describes (`recfin org keys` on its own host): its MSP is laid out
    in a temporary folder from the definition's certificates and CRLs (an org added back keeps refusing the
    users its CA revoked), its anchor peers are the definition's, and nothing of it is written to data_root.
    Refused when data_root's folder of the org (left from when it was in the channel) or the channel's config
    holds a CRL of its CA the definition is behind (check_revocations_kept)."""
    spec = definition.org
    # an org is found by its name or MSP ID, in any case when none has it exactly (Topology.org): a new one's may
    # equal no other org's, ignoring case (orgs already in the channel that do are left as they are)
    given = {spec.name.lower(), spec.msp_id.lower()}
    known = [o.name for o in [topology.orderer_org, *topology.orgs] if given & {o.name.lower(), o.msp_id.lower()}]
    if known:
        raise OrgChangeError(f"{spec.name} ({spec.msp_id}) is already an org of the network in {data_root} (as "
                             f"{known[0]}): the company chooses another name with `recfin org keys`")
    if problem := org_name_too_long(spec.name):      # the channel's orgs may have longer names, added before
        raise OrgChangeError(f"{spec.name} ({spec.msp_id}) cannot join: {problem}. The company chooses a shorter "
                             f"name with `recfin org keys`")
    if problem := org_name_ends_in_hyphen(spec.name):   # a definition written by hand: `org keys` refuses one
        raise OrgChangeError(f"{spec.name} ({spec.msp_id}) cannot join: {problem}. The company chooses a "
                             f"name without it with `recfin org keys`")
    # the channel may hold an org this data folder does not record: its MSP IDs count too
    check_identifiers_free(topology, current, spec.name, spec.msp_id,
                           "The company chooses another name with `recfin org keys`")
    try:
        grown = membership.with_orgs(topology.model_copy(update={"namespaces": {}}), [*topology.orgs, spec])
    except TopologyError as exc:
        raise OrgChangeError(f"{spec.name} as its definition gives it does not fit the network as this host knows "
                             f"it ({exc}): its company writes the definition again with `recfin org keys --topology` "
                             f"and the network's current topology.yaml (every bundle holds one)") from None
    check_cas_its_own(OrgMsp(spec.msp_id, (definition.ca_cert,), (definition.tlsca_cert,), definition.node_ous),
                      current, topology, f"{spec.name}'s company makes a CA of its own with `recfin org keys` and "
                                         f"sends the definition it writes")
    crls_here = org_crypto(data_root, spec.name, spec.domain).msp_dir / "crls"
    kept = {str(crls_here): [p.read_bytes() for p in sorted(crls_here.glob("*")) if p.is_file()]}
    if (group := current.channel_group.groups[channel_config.APPLICATION].groups.get(spec.msp_id)) is not None:
        kept[f"the channel's config ({spec.msp_id})"] = list(decode_msp(group).revocation_list)
    check_revocations_kept(definition, kept)
    with tempfile.TemporaryDirectory() as tmp:
        write_public_msp(org_crypto(Path(tmp), spec.name, spec.domain), definition.ca_cert, definition.tlsca_cert,
                         definition.node_ous, definition.crls)
        return plan_add(grown, data_root, current, spec.name, sign_as, org_root=Path(tmp),
                        anchors=definition.anchors())
