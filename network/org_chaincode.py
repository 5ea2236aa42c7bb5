"""The chaincode definitions as orgs join or leave: the topology's chaincode deployed again for the orgs as they
are, another deployed chaincode approved for a new org, and the checks, before a removal changes anything, that
no endorsement policy or collection would still need the leaving org.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from fabric_protos.common import configtx_pb2

from chaincode.receivables import collections as contract_collections
from chaincode.receivables.config import untagged_version

from . import ccservers, channel_config, config_policy, contract_config, membership, packaging
from .errors import ChaincodeError, ToolError, shell_word
from .lifecycle import Definition, Lifecycle
from .org_admins import ChannelAdmins
from .org_change import OrgChangeError
from .org_definition import PolicySyntaxError
from .org_stranded import (StrandedChaincode, _deploy_command, _in_force_against_record, _names_unendorsable,
                           _not_the_record, _policy_flag, _topology_policy_of)
from .topology import DERIVED, PeerOrgSpec, Topology


class OrgChaincode(ChannelAdmins):
    """The chaincode side of adding and removing an org."""

    def _collections_of(self, dep: ccservers.Deployment) -> Path | None:
        """The collections file recorded with the deployment (by hash), for the approval to match it:
        the copy kept beside the record at deploy, else (a record kept before copies were) the topology's."""
        if dep.collections_sha256 is None:
            return None
        if (kept := ccservers.kept_collections(self.root, dep)) is not None:
            return kept
        candidate = self.topology.chaincode.resolved_collections_config()
        if candidate is not None and candidate.is_file() and \
                hashlib.sha256(candidate.read_bytes()).hexdigest() == dep.collections_sha256:
            return candidate
        raise ChaincodeError(f"{dep.name} was committed with a collections config this host cannot find "
                             f"(sha256 {dep.collections_sha256[:12]}..., no copy at "
                             f"{ccservers.committed_collections_file(self.root, dep.name)}): run "
                             f"`{_deploy_command(dep, ' --collections-config <that file>')}`, "
                             f"which keeps a copy of the "
                             f"file and, with the same definition, commits nothing new, then this command again")

    def _join_chaincode(self, spec: PeerOrgSpec, before: Topology) -> None:
        """The topology's chaincode: a new definition whose contract configuration names the org.
        Any other deployed chaincode: installed on the org's peer, the committed definition approved
        for it, its server started."""
        topo, root, say = self.net.topology, self.root, self.net.say
        deployments = ccservers.deployments(root)
        if not deployments:
            say("  no chaincode deployed yet: `recfin chaincode deploy` will include the new org")
            return
        lc = Lifecycle(self.net.tools, topo, root)
        for dep in deployments:
            if dep.name == topo.chaincode.name:
                self._redeploy(dep, before)
                continue
            org = topo.org(spec.name)
            pkg = packaging.write_package(ccservers.org_dir(root, dep.name, org), f"{dep.name}_{dep.version}",
                                          ccservers.connection(topo, root, org, dep.port_offset))
            lc.install(org.name, pkg.path, pkg.package_id)
            definition = Definition(topo.channel, dep.name, dep.version, dep.sequence, dep.signature_policy,
                                    self._collections_of(dep))
            # A new org may approve the sequence in force, with its exact parameters, once: Fabric refuses the
            # same approval again ("attempted to redefine the current committed sequence"), so a re-run of an
            # `org add` that stopped after it (a later chaincode's step failing) passes over it.
            if lc.approved_package(org.name, dep.name, dep.sequence) == pkg.package_id:
                done = "already approved"
            elif lc.approve_as_committed(org.name, definition, pkg.package_id):
                done = "approved"
            else:
                collections = f" --collections-config {shell_word(definition.collections_config)}" \
                    if definition.collections_config else ""
                # Both definitions named, the channel's and the record's, for the operator to choose which the orgs
                # should have; a failed query must not hide the refusal and its way out.
                record = ccservers.state_file(root, dep.name)
                try:
                    held = lc.committed(org.name, dep.name)
                    in_force = _in_force_against_record(held, dep, definition.collections_config, record)
                except ToolError as exc:
                    in_force = f"(not read: {exc}), {_not_the_record(dep, record)}"
                raise ChaincodeError(
                    f"{dep.name} sequence {dep.sequence}: the channel refused {org.msp_id}'s approval as different "
                    f"from the definition in force {in_force}. Deploy the definition the channel should have for "
                    f"its orgs, {org.msp_id} included: the recorded one with `{_deploy_command(dep, collections)}`, "
                    f"or the one in force with the options it was deployed with; then run this command again")
            dep.package_ids[org.msp_id] = pkg.package_id
            ccservers.save_deployment(root, dep)
            say(f"  {dep.name} {dep.version} sequence {dep.sequence}: installed and {done} for {org.msp_id}")
            started = self.net.start_chaincode_servers(dep.name)
            say(f"  {len(started)} {dep.name} server(s) started" if started
                else f"  {dep.name} servers already running")

    def _redeploy(self, dep: ccservers.Deployment, before: Topology, signature_policy: str | None = None) -> None:
        """Deploy the topology's chaincode again for the channel's orgs as they are now.

        The contract configuration (org roles), the collections and a derived endorsement policy
        follow the orgs; the version keeps its number and gets the new configuration's digest, so
        this is a new sequence approved by the orgs, and every org's server restarts with the new
        file. A policy given explicitly at the earlier deploy (not the topology's) is kept, unless
        signature_policy replaces it; the collections are the topology's (derived, or its file).
        Should this step fail, running the same `org add` again completes it (the record says
        whether the policy was the topology's, so it is derived again for the orgs as they are).
        A policy kept from the earlier deploy is deployed as it is even where one org could meet it alone (a deploy
        given --allow-one-org-policy, or one from before deploys refused them): refusing it now, after the channel
        changed, would strand the chaincode. A replacement was refused before anything changed
        (check_policy_without)."""
        policy = signature_policy or ("topology" if self._policy_follows_topology(dep, before)
                                      else dep.signature_policy)
        result = self.net.deploy_chaincode(dep.name, dep.contract, untagged_version(dep.version),
                                           signature_policy=policy, allow_one_org_policy=signature_policy is None)
        self.net.say(f"  {result.name} {result.version} sequence {result.sequence}: "
                     f"{'committed for the new set of orgs' if result.changed else 'already committed'}")

    @staticmethod
    def _policy_follows_topology(dep: ccservers.Deployment, before: Topology) -> bool:
        """Whether the deployed endorsement policy is the topology's (so a derived one follows the orgs), not one
        given at deploy. The deployment records it; for a record written before it did, the policy is taken to
        be the topology's when it is what the topology gives for the orgs the chaincode was deployed for (its
        package IDs; an `org add` that stopped before its commit leaves the new org in `before` but not there),
        or for before's orgs."""
        if dep.signature_policy_from_topology is not None:
            return dep.signature_policy_from_topology
        deployed_for = [o for o in before.orgs if o.msp_id in dep.package_ids]
        candidates = {_topology_policy_of(before.orgs, before)}
        if deployed_for:
            candidates.add(_topology_policy_of(deployed_for, before))
        return dep.signature_policy in candidates

    def check_policy_without(self, org: PeerOrgSpec, signature_policy: str | None = None) -> None:
        """Refused, before anything changes, when the chaincode definition deployed without the org would keep an
        endorsement policy naming it (one given at deploy, or a fixed one of topology.yaml): once it has left, no
        transaction could be endorsed. signature_policy: the policy to deploy instead, which must not name it.
        Its collections are checked too (check_collections_without); the other deployed chaincode is checked by
        the callers, which know whether the channel still has the org (check_other_chaincodes_without)."""
        self.check_collections_without(org)
        if signature_policy is not None:
            try:
                named = config_policy.msp_ids_in(signature_policy)
            except PolicySyntaxError as exc:
                raise OrgChangeError(f"--signature-policy: {exc}") from None
            if org.msp_id in named:
                raise OrgChangeError(f"--signature-policy {signature_policy} names {org.msp_id}, which leaves the "
                                     f"channel: give one of the staying orgs only")
            staying = sorted(o.msp_id for o in self.topology.orgs if o.name != org.name)
            # an MSP ID no staying org has (a typo, an org long gone) can never endorse: a policy needing it
            # would leave no transaction endorsable, as one naming the leaving org would
            if unknown := sorted(set(named) - set(staying)):
                raise OrgChangeError(f"--signature-policy {signature_policy} names {', '.join(unknown)}, which no "
                                     f"org staying on the channel has: name only {', '.join(staying)}")
            after = membership.with_orgs(self.topology, [o for o in self.topology.orgs if o.name != org.name])
            if refusal := contract_config.one_org_policy_refusal(signature_policy, after, "--signature-policy",
                                                                 deploying=False):
                raise OrgChangeError(refusal)
            return
        if (kept := self.kept_policy_naming(org)) is not None:
            problem, staying = kept
            raise OrgChangeError(f"{problem}. Stopped before anything changed: run the command again with the policy "
                                 f"the chaincode is to have without {org.msp_id}, "
                                 f"e.g. --signature-policy \"{staying}\"")

    def kept_policy_naming(self, org: PeerOrgSpec) -> tuple[str, str] | None:
        """When the chaincode definition deployed without the org would keep an endorsement policy naming it (one
        given at deploy, or a fixed one of topology.yaml): what is wrong, and a policy of the staying orgs to give
        instead; None otherwise. check_policy_without refuses on it; a removal that sends nothing warns of it."""
        dep = ccservers.load_deployment(self.root, self.topology.chaincode.name)
        if dep is None or org not in self.topology.orgs:
            return None
        after = membership.with_orgs(self.topology, [o for o in self.topology.orgs if o.name != org.name])
        from_topology = self._policy_follows_topology(dep, self.topology)
        policy = contract_config.endorsement_policy(after) if from_topology else dep.signature_policy
        if not policy or org.msp_id not in config_policy.msp_ids_in(policy):
            return None
        staying = contract_collections.endorsement_policy(contract_config.network_config(after), principal="peer")
        given = "topology.yaml's chaincode.endorsement_policy" if from_topology else "given at its deploy"
        return (f"the endorsement policy of {dep.name}, {policy} ({given}), names {org.msp_id}, which leaves the "
                f"channel: kept, no transaction could be endorsed once it has gone"), staying

    def check_collections_without(self, org: PeerOrgSpec) -> None:
        """Refused, before anything changes, when the topology's chaincode, deployed again without the org, would carry
        collections the channel refuses once it has left. Derived ones drop the MSPs that left from their member
        policies (contract_config), but one whose members would all be gone is refused there; a fixed collections
        file (topology.yaml's chaincode.collections_config) is the operator's, so one whose member policy names the
        org is refused, naming its collections: Fabric's approval fails on a member not in the channel, after the
        update is in and the org's peers stopped. An endorsement policy naming it is no matter: Fabric does not
        check it against the channel, and it keeps the orgs that stay from rewriting the collection alone."""
        chaincode = self.topology.chaincode
        if ccservers.load_deployment(self.root, chaincode.name) is None or org not in self.topology.orgs:
            return          # nothing is deployed again, or the org already left this data folder's record
        stopped = "Stopped before anything changed"
        after = membership.with_orgs(self.topology, [o for o in self.topology.orgs if o.name != org.name])
        if chaincode.derives_collections:
            try:
                contract_config.collections_for(after, self.root)
            except ChaincodeError as exc:
                raise OrgChangeError(f"{exc}. {stopped}") from None
            return
        fixed = chaincode.resolved_collections_config()
        if fixed is None or not (named := contract_config.collections_naming(fixed, org.msp_id)):
            return
        emptied = [c.name for c in named if c.sole_member]
        if not emptied:
            instead = ""
        elif regulators := contract_config.regulators_policy(contract_config.network_config(after)):
            instead = (f"; {', '.join(emptied)} would have no member left: "
                       f"give {'it' if len(emptied) == 1 else 'each'} "
                       f"the member policy {regulators}, the regulator orgs, which take on a collection whose members "
                       f"have all left, for their audit, as the derived collections do")
        else:
            instead = (f"; {', '.join(emptied)} would have no member left, and no regulator org, which takes on such a "
                       f"collection, stays in the channel: add one first (`recfin org add NAME --role regulator`) "
                       f"and make it their member")
        raise OrgChangeError(
            f"the collections file {fixed} (topology.yaml's chaincode.collections_config) names {org.msp_id}, which "
            f"leaves the channel, in the member policy of {', '.join(c.name for c in named)}: Fabric refuses to "
            f"approve a collection whose member is not in the channel. {stopped}: remove {org.msp_id} from those "
            f"member policies{instead}, keeping every collection with its name, blockToLive and endorsement policy "
            f"(Fabric refuses a definition that drops a collection or changes its blockToLive, and checks no "
            f"endorsement policy against the channel), then run this again")

    def check_other_chaincodes_without(self, org: PeerOrgSpec, current: configtx_pb2.Config) -> None:
        """Refused, before anything changes, while the channel (current, its config) still has the org and a
        deployed chaincode other than the topology's would be stranded by its leaving (stranded_without): each is
        named with the `recfin chaincode deploy` that gives it a definition without the org, to run while the org
        is still in the channel. Once the org has left, its removal is finished instead and the same commands are
        printed (_after_remove): they then approve for the staying orgs only."""
        self._refuse_stranded(org, self.stranded_without(org, current))

    @staticmethod
    def _refuse_stranded(org: PeerOrgSpec, stranded: list[StrandedChaincode]) -> None:
        """check_other_chaincodes_without of a scan already made (stranded_without), which the removal then hands
        on to _after_remove rather than scanning again."""
        if stranded:
            raise OrgChangeError(
                f"{org.msp_id} leaves the channel, and deployed chaincode that the removal does not deploy again "
                f"needs it: {'; '.join(f'{s.name}: {s.why}; deploy it again with `{s.deploy}`' for s in stranded)}. "
                f"Stopped before anything changed: deploy each as said while {org.msp_id} is still in the "
                f"channel, then run this again")

    def stranded_without(self, org: PeerOrgSpec, current: configtx_pb2.Config | None) -> list[StrandedChaincode]:
        """The deployed chaincodes other than the topology's that the org's leaving strands: an endorsement policy
        naming the org that the peers of the orgs staying cannot meet (one given at its deploy, or a derived one,
        any two orgs, which is fixed at the deploy: `org add` only approves the committed definition for the new
        org, so removals can leave fewer than two of the orgs it names), or a collection it was committed with
        whose member policy names the org. Nothing deploys such a chaincode again for the removal, so its
        definition in force would keep needing the org's endorsement once its peers are gone, and the channel
        would refuse the approval of that definition by an org added later (a collection member not in the
        channel). Each comes with the `recfin chaincode deploy` that gives it a definition without the org,
        keeping its collections (Fabric refuses a definition that drops one). The orgs staying are those of the
        channel config current but the org, as Fabric has them: an org another host removed endorses nothing,
        however this data folder records it (without a config, those this data folder records)."""
        if org not in self.topology.orgs:
            return []       # the org already left this data folder's record: nothing of it is deployed from here
        recorded = {o.msp_id: o for o in self.topology.orgs}
        channel_orgs = channel_config.application_orgs(current) if current is not None else list(recorded)
        staying = [msp_id for msp_id in channel_orgs if msp_id != org.msp_id]
        staying_ids = ", ".join(staying)
        # one identity a peer; an org whose peers the topology does not list, or that it does not record, has one
        staying_peers = {msp_id: max(1, len(self.topology.peers(recorded[msp_id].name))) if msp_id in recorded else 1
                         for msp_id in staying}
        stranded = []
        for dep in ccservers.deployments(self.root):
            if dep.name == self.topology.chaincode.name:
                continue    # deployed again without the org (check_collections_without, check_policy_without)
            named, policy_option = [], _policy_flag(dep)
            if _names_unendorsable(dep.signature_policy, org.msp_id, staying_peers):
                rederived = (self.topology.chaincode.endorsement_policy == DERIVED
                             and self._policy_follows_topology(dep, self.topology))
                named.append(f"its endorsement policy {dep.signature_policy}"
                             f"{' (derived for the orgs of its deploy)' if rederived else ''} names {org.msp_id}, "
                             f"and the peers of the orgs that stay ({staying_ids}) cannot meet it: no transaction "
                             f"of it could be endorsed")
                # deployed again without a policy option, a derived policy is derived anew for the orgs then
                policy_option = "" if rederived else f" --signature-policy POLICY (naming only {staying_ids}, or " \
                                                     f"--channel-policy)"
            collections_option = ""
            if (kept := ccservers.kept_collections(self.root, dep)) is not None:
                # the definition keeps its collections as committed: Fabric refuses one that drops a collection
                collections_option = f" --collections-config {shell_word(kept)}"
                if collections := contract_config.collections_naming(kept, org.msp_id):
                    named.append(f"the member policy of its collections {', '.join(c.name for c in collections)} "
                                 f"names {org.msp_id}: no org added later could approve its definition (the "
                                 f"channel refuses a collection member it does not have)")
                    collections_option = (f" --collections-config FILE (a copy of {kept} without {org.msp_id} in "
                                          f"those member policies, every collection kept with its name and "
                                          f"blockToLive)")
            elif dep.collections_sha256 is not None:
                collections_option = (f" --collections-config FILE (the collections file it was committed with, "
                                      f"sha256 {dep.collections_sha256[:12]}...: no copy of it is kept at "
                                      f"{ccservers.committed_collections_file(self.root, dep.name)})")
            if named:
                stranded.append(StrandedChaincode(
                    dep.name, " and ".join(named), _deploy_command(dep, collections_option, policy_option)))
        return stranded
