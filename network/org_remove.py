"""Removing a peer org from the running channel (`recfin org remove`): whether the channel can lose it, the
signed update dropping it, then its servers and peers stopped and the chaincode deployed again without it.
"""
from __future__ import annotations

from pathlib import Path

from fabric_protos.common import configtx_pb2

from client.ledger import config_policies

from . import ccservers, channel_config, crl, membership, namespaces, nodeconfig, profiles
from .control import run_lock
from .errors import NodeNotFoundError
from .org_admins import ChannelAdmins
from .org_change import OrgChange, OrgChangeError, plan_remove
from .org_claims import ClaimsCheck
from .org_definition import decode_msp
from .org_stranded import StrandedChaincode
from .topology import PeerOrgSpec


def _last_of_role(org: PeerOrgSpec, role: str) -> OrgChangeError:
    return OrgChangeError(f"{org.name} is the channel's last {role} org: the receivables contract needs one "
                          f"(add another {role} org with `recfin org add NAME --role {role}` first)")


class OrgRemoval(ChannelAdmins):
    """The `org remove` operation of OrgMembership."""

    def _leaving_org(self, name: str) -> PeerOrgSpec:
        """The org to remove, by name or MSP ID. One this data folder records as having left is refused saying
        its removal is finished (a run after the last step, or one the process did not see end, asks just
        that), not as a name the network does not know."""
        try:
            return self.topology.org(name)
        except NodeNotFoundError:
            self.check_removal_unfinished(name)
            raise

    def check_removal_unfinished(self, name: str) -> None:
        """Refused (OrgChangeError) saying its removal is finished when this data folder records the org (by
        name or MSP ID) as removed: `org remove` and `org submit` of its removal run after their last step."""
        departed = next((o for o in membership.departed_orgs(self.net.defined_topology, self.topology,
                                                             self.root)
                         if name in (o.name, o.msp_id)), None)
        if departed is not None:
            raise OrgChangeError(f"{departed.name} ({departed.msp_id}) has left the channel and {self.root} "
                                 f"records it as removed: its removal is finished and nothing is left to do "
                                 f"(its crypto and ledger stay there; `{departed.add_command()}` brings it "
                                 f"back)") from None

    def check_removable(self, name: str) -> PeerOrgSpec:
        """The org, unless it is the last of a role among the orgs this data folder records: the check for an org
        already gone from the channel (check_removable_now), whose config then tells nothing of it."""
        org = self._leaving_org(name)
        role = membership.last_of_role(self.topology, org.name)
        if role is not None:
            raise _last_of_role(org, role)
        return org

    def check_removable_from(self, org: PeerOrgSpec, current: configtx_pb2.Config) -> None:
        """Refused when the channel would lose its last org of org's role. Which orgs stay is the channel config's
        (current: an org added or removed from another host counts as the channel has it); their roles are this
        data folder's record of them, since the config holds none. An org of the channel the record does not
        name has a role that cannot be told here: refused too, naming it, unless another org holds the role."""
        role, unknown = self._role_lost_from(org, current)
        if role is None:
            self._check_admins_without(org, current)
            return
        if unknown:
            raise OrgChangeError(f"{org.name} is the channel's last {role} org that {self.root} records; the channel "
                                 f"also has {', '.join(unknown)}, which it does not, so whether one of them is a "
                                 f"{role} org cannot be told here: record them first (`recfin org submit` of the "
                                 f"file that added each, with --channel-only, records an org the channel has), or "
                                 f"run this from a data folder that records them")
        raise _last_of_role(org, role)

    def _role_lost_from(self, org: PeerOrgSpec, current: configtx_pb2.Config) -> tuple[str | None, list[str]]:
        """The role the channel (current) loses with org gone, by this data folder's record of the orgs that stay
        (None: one of them holds it), and the MSP IDs of the orgs that stay which the record does not name."""
        staying = [msp_id for msp_id in channel_config.application_orgs(current) if msp_id != org.msp_id]
        known = {o.msp_id: o for o in self.topology.orgs}
        return (membership.role_lost(org, [known[msp_id] for msp_id in staying if msp_id in known]),
                [msp_id for msp_id in staying if msp_id not in known])

    def check_removal_worth_signing(self, org: PeerOrgSpec, current: configtx_pb2.Config, path: Path) -> None:
        """For `org sign`: refused when the removal in path would take the channel's (current) last org of org's
        role, which `org submit` refuses (check_removable_from). The file can never be submitted: the org of
        that role that must join first changes the channel's orgs, and with them the config the removal was
        computed from, so it is written again then. Where an org that stays is not in this data folder's
        record, its role cannot be told here: the submitting host decides."""
        role, unknown = self._role_lost_from(org, current)
        if role is not None and not unknown:
            raise OrgChangeError(f"{_last_of_role(org, role)}. Nothing signed, {path} left as it was: that org's "
                                 f"joining changes the channel config this removal was computed from, so it is "
                                 f"written again after (`recfin org remove {org.name} --update-out`), and signed "
                                 f"then")

    @staticmethod
    def _check_admins_without(org: PeerOrgSpec, current: configtx_pb2.Config) -> None:
        """Refused when, once org has left the channel (current: its config while it has the org), the admins
        of the orgs that stay could never again meet the Application group's policy (`MAJORITY Admins`) that
        every change of the channel's orgs needs: where orgs that stay are locked out by their own CRL (one
        Fabric obtains no Authority Key Identifier from fails every identity of the MSP, its admins' too:
        crl.without_aki), the leaving org's admin may be one of the few that count. Gone, it would leave the
        channel's orgs fixed for good, and the locked-out orgs never repaired (their way out,
        config_policies.way_out, is that policy)."""
        after = channel_config.without_org(current, org.msp_id)
        groups = after.channel_group.groups[channel_config.APPLICATION].groups
        locked = sorted(msp_id for msp_id, group in groups.items()
                        if crl.without_aki(decode_msp(group).revocation_list) is not None)
        if not locked:
            return
        way = config_policies.way_out(after, locked[0])
        if way.open:
            return
        closed = way.closed()
        raise OrgChangeError(f"once {org.msp_id} has left the channel, its orgs could never change again: "
                             f"{closed[:1].lower()}{closed[1:]}. Stopped before anything was sent: while "
                             f"{org.msp_id}'s admin still counts, repair {', '.join(locked)} first "
                             f"(`recfin org remove` of each, then `recfin org add` once its msp/crls/ holds "
                             f"only CRLs that carry its CA's key identifier, as `recfin org user revoke` "
                             f"writes them), then remove {org.name}")

    def check_removable_now(self, org: PeerOrgSpec, current: configtx_pb2.Config) -> None:
        """check_removable_from while the channel (current) has the org: its config says which orgs stay, and this
        data folder's record alone would count an org it records that the channel lacks, or miss one the channel
        has that it does not record. Once the org is gone from the channel, this data folder's record
        (check_removable)."""
        if org.msp_id in channel_config.application_orgs(current):
            self.check_removable_from(org, current)
        else:
            self.check_removable(org.name)

    def plan_remove(self, name: str, sign_as: list[str] | None = None,
                    current: configtx_pb2.Config | None = None, claims: ClaimsCheck = ClaimsCheck(),
                    dry_run: bool = False) -> OrgChange:
        """The signed update dropping the org, checked; nothing submitted. claims: how the claims its leaving would
        strand are found (check_claims_without). Refused, saying how to finish, for an org already gone from
        the channel (current). dry_run: the channel's config is fetched into a temporary folder, leaving the
        data folder as it is. A dry run, and --update-out's file written in the removal's place, are refused as
        remove() is, up front, while an org that stays is cut off the bridge (namespaces.refuse_unreachable)."""
        org = self._leaving_org(name)
        namespaces.refuse_unreachable(self.topology, leaving=org.name)
        self.check_collections_without(org)         # what --update-out hands on would fail once submitted
        if current is None:
            current = self.fetch_config(self._via(leaving=org.name), keep=not dry_run)
        self.check_removable_now(org, current)
        if org.msp_id not in channel_config.application_orgs(current):
            # gone from the channel (removed from another host, or a removal stopped after its update): there
            # is no update to show or write, and the steps after it are what is left to do here
            raise OrgChangeError(f"{org.msp_id} is not in {self.topology.channel}'s config (gone "
                                 f"already): there is no update to show or sign. `recfin org remove "
                                 f"{org.name}` (without --dry-run and --update-out) finishes its removal "
                                 f"here: it stops {org.name}'s chaincode servers and peers, deploys the "
                                 f"chaincode without it and records it as removed")
        change = plan_remove(self.topology, self.root, current, org.name, sign_as)
        # the org is in the channel (plan_remove refuses otherwise)
        self.check_other_chaincodes_without(org, current)
        self.check_claims_without(org, claims)
        self._say_kept_policy_naming(org)
        return change

    def _say_kept_policy_naming(self, org: PeerOrgSpec) -> None:
        """A dry run's or --update-out's word that the removal, and `org submit` of its file, refuse it while the
        policy the chaincode keeps names the org (check_policy_without): neither takes --signature-policy, so
        neither refuses on it."""
        if (kept := self.kept_policy_naming(org)) is not None:
            problem, staying = kept
            self.net.say(f"  {problem}: `recfin org remove {org.name}` and `recfin org submit` of its removal "
                         f"refuse it until --signature-policy gives the policy it is to have without {org.msp_id}, "
                         f"e.g. --signature-policy \"{staying}\"")

    def remove(self, name: str, sign_as: list[str] | None = None,
               signature_policy: str | None = None, claims: ClaimsCheck = ClaimsCheck()) -> OrgChange | None:
        """Offboard the org: the config update dropping it, then its chaincode servers and peers stopped.
        signature_policy: the endorsement policy the chaincode is deployed again with (default: the one it has,
        or the topology's derived one for the staying orgs), refused when it would name the org. claims: how the
        claims its leaving would strand are found (check_claims_without).

        Under the data folder's run lock once the org and the policy are checked, as `org add` is: the org's
        servers and peers stop here, and one stopped while a deploy waits on it fails that deploy. Another run
        holding it refuses the removal before anything is sent."""
        org = self._leaving_org(name)
        self.check_policy_without(org, signature_policy)
        # the config goes through the orderers, the chaincode is approved again by every org that stays
        namespaces.refuse_unreachable(self.topology, leaving=org.name)
        with run_lock(self.root, "recfin org remove"):
            return self._remove(org, sign_as, signature_policy, claims)

    def _remove(self, org: PeerOrgSpec, sign_as: list[str] | None, signature_policy: str | None,
                claims: ClaimsCheck) -> OrgChange | None:
        say = self.net.say
        via = self._via(leaving=org.name)
        current = self.fetch_config(via)
        self.check_removable_now(org, current)
        change = None
        stranded = None         # the org already gone from the channel: _after_remove scans for what it strands
        if org.msp_id not in channel_config.application_orgs(current):
            say(f"[1/4] {org.msp_id} is not in {self.topology.channel}'s config: update skipped")
        else:
            stranded = self.stranded_without(org, current)
            self._refuse_stranded(org, stranded)            # check_other_chaincodes_without
            self.check_claims_without(org, claims)
            change = plan_remove(self.topology, self.root, current, org.name, sign_as)
            say(f"[1/4] config update: {change.verdict.describe()}")
            self._require_signatures(change)
            submitter = self._submitter(change, leaving=org.msp_id)
            self._submit(change, submitter)
            self._wait_for_config(via, org.msp_id, present=False)
            say(f"  submitted as {submitter}'s admin; {org.msp_id} is gone from the channel config")
        self._after_remove(org, signature_policy, current, stranded)
        return change

    def _after_remove(self, org: PeerOrgSpec, signature_policy: str | None = None,
                      current: configtx_pb2.Config | None = None,
                      stranded: list[StrandedChaincode] | None = None) -> None:
        """Once the channel config lacks the org: its servers and peers stopped, chaincode without it. Another
        chaincode its leaving strands (stranded_without) is not refused here: the org is gone, so it could no
        longer be deployed with the org in the channel. The removal is finished and the `recfin chaincode deploy`
        of each is printed, which, the org recorded as removed, approves for the staying orgs only. current: the
        channel config the removal was checked against, whose orgs but this one stay (stranded_without).
        stranded: that scan when the removal already made it against current (None: made here)."""
        net, say = self.net, self.net.say
        self.check_policy_without(org, signature_policy)        # before anything stops (a re-run, a file)
        if stranded is None:
            stranded = self.stranded_without(org, current)      # while this data folder still records the org
        say(f"[2/4] stop {org.name}'s chaincode servers and peers")
        for dep in ccservers.deployments(self.root):
            if net.supervisor.stop(net._server_spec(dep, org.name).pid_file):
                say(f"  stopped {dep.name}.{org.name}")
            net.say_stopped_alongside("  ")
            if dep.package_ids.pop(org.msp_id, None) is not None:
                ccservers.save_deployment(self.root, dep)
        for node in net.topology.peers(org.name):
            if net.supervisor.stop(nodeconfig.node_dirs(self.root, node.name).pid):
                say(f"  stopped {node.name}")
            net.say_stopped_alongside("  ")
        netns = net.topology.netns_of(org.name)
        if netns and namespaces.remove_org(netns):
            say(f"  removed namespace {netns}")
        say(f"[3/4] chaincode definition without {org.msp_id}")
        before = net.topology
        net.topology = membership.with_orgs(net.topology, [o for o in net.topology.orgs if o.name != org.name])
        deployed = [d for d in ccservers.deployments(self.root) if d.name == net.topology.chaincode.name]
        for dep in deployed:
            # Fabric keeps every collection of a definition: the org's offer-terms collections stay
            # in it, unused, since the contract configuration no longer names the org; their member
            # policies lose its MSP, which the channel refuses in a collection once it has left (contract_config).
            self._redeploy(dep, before, signature_policy)
        if not deployed:
            say("  no chaincode deployed")
        # Recorded only now: should the deploy above fail, the same `org remove` (or `org submit`) run again must
        # still find the org in this data folder, gone from the channel, to finish the definition without it.
        membership.record_removed(self.root, org.name)
        (profiles.profiles_dir(self.root) / f"{org.name}.json").unlink(missing_ok=True)
        say(f"[4/4] {org.name} removed from the network's orgs; its crypto and ledger stay in {self.root}")
        for chaincode in stranded:
            say(f"  {chaincode.name} needs deploying again: {chaincode.why}. {org.msp_id} has left the channel, so "
                f"deploy it now, for the orgs that stay: `{chaincode.deploy}`")
