"""Adding a peer org to the running channel (`recfin org add`, also from a company's public definition): its
spec, its crypto, the signed update, then its peer started and joined, the chaincode and the connection profiles.
"""
from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from fabric_protos.common import configtx_pb2

from . import channel, channel_config, configtx, crypto, membership, namespaces, nodeconfig, profiles
from .control import run_lock
from .crypto import org_crypto
from .errors import NetworkError
from .org_admins import AdminKeyError, ChannelAdmins, _admin_key_refusal
from .org_change import (AdminLoadError, OrgChange, OrgChangeError, check_identifiers_free, plan_add,
                         plan_add_defined, signing_orgs)
from .org_definition import decode_msp
from .org_definition_file import OrgDefinition
from .ports import ensure_free
from .topology import PeerOrgSpec, Topology


class OrgAddition(ChannelAdmins):
    """The `org add` operation of OrgMembership."""

    def spec_for(self, name: str, role: str, enterprise: str | None, address: str | None = None) -> PeerOrgSpec:
        """The new org's spec: recorded by an earlier, interrupted `org add` (refused for another role or
        enterprise than the one it was added with); topology.yaml's for an org of it that left the channel
        (its MSP ID, domain and users again); else derived now. address (`--address`): its host's, in place of
        any the spec has (TopologyError for one no other host reaches). Refused when the org's folder
        holds users of an earlier attempt whose certificates carry other attributes."""
        state = membership.load_state(self.root)
        recorded = next((o for o in state["added"] if o.get("name") == name), None)
        defined = self.net.defined_topology
        if recorded is not None:
            spec = membership.recorded_org_spec(recorded, self.root, role, enterprise)
        elif name in state["removed"] and any(o.name == name for o in defined.orgs):
            spec = membership.returning_org_spec(defined, self.topology, name, role, enterprise)
        else:
            spec = membership.new_org_spec(self.topology, name, role, enterprise, departed=self._departed())
        spec = membership.with_address(spec, address, "--address")
        self._check_certificates_fit(spec)
        return spec

    def _check_certificates_fit(self, spec: PeerOrgSpec) -> None:
        """Refused when the org's folder holds users (made by an earlier `org add` of it) that spec does not name
        (user names follow the role: officerN, supplierN) or whose certificates carry other attributes than spec
        gives them: the generator keeps a certificate once issued, so the update would name one role or enterprise
        while the org's users act with another. The users `recfin org user add` issued it and this data folder
        records count as the spec's."""
        paths = org_crypto(self.root, spec.name, spec.domain)
        users = membership.with_recorded_users(spec, self.root).users
        differing = crypto.attribute_differences(paths, users, spec.admin)
        if differing:
            raise OrgChangeError(
                f"{paths.root} holds {spec.name}'s users from an earlier `recfin org add`, and they are not the "
                f"users this one gives it or their certificates carry other attributes ({'; '.join(differing)}): a "
                f"certificate is kept once issued. Run the command with the --role and --enterprise of that first "
                f"attempt; or, if {spec.msp_id} is not in the channel (no update adding it was submitted), "
                f"start over: move "
                f"{paths.root} out of the data folder and run this command again")

    def grown(self, spec: PeerOrgSpec) -> Topology:
        """The topology with the new org; in namespaces, placed in one of its own (recorded by an earlier,
        interrupted `org add`, else the next free address of the live bridge's subnet)."""
        orgs = [*(o for o in self.topology.orgs if o.name != spec.name), spec]
        if not self.topology.namespaces:
            return membership.with_orgs(self.topology, orgs)
        placement = membership.recorded_namespaces(self.root).get(spec.name) or \
            namespaces.place_new_org(self.topology, spec.name)
        return membership.with_orgs(self.topology, orgs, {spec.name: placement})

    def plan_add(self, name: str, role: str, enterprise: str | None = None, sign_as: list[str] | None = None,
                 current: configtx_pb2.Config | None = None, throwaway_crypto: bool = False,
                 address: str | None = None) -> OrgChange:
        """The signed update adding the org, checked; nothing submitted. throwaway_crypto (dry runs): when
        the org has no crypto yet, encode certificates made in a temporary folder, and fetch the channel's
        config into one, leaving the data folder as it is. address: its host's (spec_for); the update carries
        it with the org's spec. Refused as add() is, up front, while an org is cut off the bridge
        (namespaces.refuse_unreachable), before the org's crypto is made: a dry run previews a run that would
        send nothing, and --update-out's file, written in that run's place, is refused in the same words."""
        namespaces.refuse_unreachable(self.topology)
        spec = self.spec_for(name, role, enterprise, address)
        grown = self.grown(spec)
        if current is None:
            current = self.fetch_config(self._via(), keep=not throwaway_crypto)
        self._check_name_free(spec, current)
        # before the org's crypto is made: a --sign-as naming no org of the channel is refused with nothing written
        signing_orgs(grown, channel_config.application_orgs(current), sign_as)
        if spec.msp_id in channel_config.application_orgs(current):
            self._refuse_planning_a_member(spec, current, role, enterprise)
        if throwaway_crypto:
            return self._plan_add_unwritten(spec, grown, current, sign_as, dry_run=True)
        # the new org's alone: the host writing the update may hold no more of the channel than an admin's keys,
        # and completing the other orgs' there would make CAs the channel does not know (or refuse, their CA keys
        # not being there); it signs as the admins it has
        self._generate(spec, grown, current, only=[spec.name])
        return self._plan_add(spec, grown, current, sign_as)

    def _refuse_planning_a_member(self, spec: PeerOrgSpec, current: configtx_pb2.Config, role: str,
                                  enterprise: str | None) -> None:
        """Refused (OrgChangeError) when the channel (current) already has the org's MSP ID: there is no update to
        show or write. add() skips the update and finishes the rest, so that is what is said, once the checks it
        makes on such an org pass here too: its folder gone (_is_new_org), or a CA other than this folder's in the
        channel (_check_same_msp), is refused in its words. Nothing is written."""
        self._is_new_org(spec, current)
        self._check_same_msp(current, spec)
        add = f"recfin org add {spec.name} --role {role}" + (f" --enterprise {enterprise}" if enterprise else "")
        raise OrgChangeError(f"{spec.msp_id} is already in {self.topology.channel}'s config: there is no update to "
                             f"show or write. `{add}` (without --dry-run and --update-out) finishes its add here: "
                             f"it skips the update, starts and joins {spec.name}'s peer, deploys the chaincode with "
                             f"it and writes its connection profile")

    def _check_name_free(self, spec: PeerOrgSpec, current: configtx_pb2.Config) -> None:
        """check_identifiers_free before anything of the org is written or signed: its spec was held to the
        orgs this data folder records when it was made (new_org_spec), to the channel's MSP IDs only here,
        where its config is (an org added from another host may be in it, not in this record)."""
        check_identifiers_free(self.topology, current, spec.name, spec.msp_id,
                               "Nothing was written or signed: add the org under another name")

    def _plan_add(self, spec: PeerOrgSpec, grown: Topology, current: configtx_pb2.Config,
                  sign_as: list[str] | None, org_root: Path | None = None, dry_run: bool = False) -> OrgChange:
        """org_change.plan_add; a signing admin's MSP folder that cannot sign is refused (AdminKeyError naming it
        and what to do; dry_run: for a dry run, which issues no lost key again)."""
        try:
            return plan_add(grown, self.root, current, spec.name, sign_as, org_root=org_root)
        except AdminLoadError as exc:
            members = channel_config.application_orgs(current)
            others = [o.name for o in grown.orgs if o.msp_id in members and o.msp_id != exc.msp_id]
            raise AdminKeyError(_admin_key_refusal(exc.msp_id, exc.folder, exc.problem, dry_run, others)) from None

    def _plan_add_unwritten(self, spec: PeerOrgSpec, grown: Topology, current: configtx_pb2.Config,
                            sign_as: list[str] | None, dry_run: bool = False) -> OrgChange:
        """The signed update adding the org, the data folder left as it is: when the org has no complete verifying
        MSP yet (none, or the CA folders alone an interrupted `org add` left), its certificates are made in a
        temporary folder. Its verdict is the real update's: the same elements change and the same admins sign,
        whatever the new org's certificates are."""
        self._is_new_org(spec, current)
        msp = org_crypto(self.root, spec.name, spec.domain).msp_dir
        if any((msp / "cacerts").glob("*.pem")) and any((msp / "tlscacerts").glob("*.pem")) and \
                (msp / "config.yaml").is_file():
            return self._plan_add(spec, grown, current, sign_as, dry_run=dry_run)   # an earlier `org add` made it
        with tempfile.TemporaryDirectory() as tmp:
            crypto.generate(membership.with_orgs(grown, [spec]), Path(tmp))
            return self._plan_add(spec, grown, current, sign_as, org_root=Path(tmp), dry_run=dry_run)

    def _is_new_org(self, spec: PeerOrgSpec, current: configtx_pb2.Config) -> bool:
        """Whether the org is new: the channel (current, its config) does not hold its MSP ID and it never left
        the channel. An org that is in the channel, or left it, is known by its CA (the channel's, or the one its
        parties on the ledger are bound to), so its folder gone is refused (CaFilesError naming it), before
        anything is written."""
        paths = org_crypto(self.root, spec.name, spec.domain)
        channel = self.topology.channel
        if spec.msp_id in channel_config.application_orgs(current):
            known = f"{spec.msp_id} is in the config of the channel {channel}"
            by = "the channel knows the org by this CA"
        elif any(d.name == spec.name or d.msp_id == spec.msp_id for d in self._departed()):
            known = f"{spec.name} was in the channel {channel} and comes back under its MSP ID {spec.msp_id}"
            by = ("the ledger binds its parties to the client IDs of this CA's identities, which a new CA of the "
                  "same subject would give to the identities it issues")
        else:
            return True
        if crypto.org_folder_gone(paths):
            raise crypto.CaFilesError(crypto.org_gone_refusal(paths, known, by))
        return False

    def _generate(self, spec: PeerOrgSpec, grown: Topology, current: configtx_pb2.Config,
                  only: list[str] | None = None) -> None:
        """The crypto material of grown's orgs (only: these) completed; the org's folder made new only for a new
        org (_is_new_org)."""
        crypto.generate(grown, self.root, only=only, adding=[spec.name] if self._is_new_org(spec, current) else ())

    def plan_add_definition(self, definition: OrgDefinition, sign_as: list[str] | None = None,
                            current: configtx_pb2.Config | None = None, address: str | None = None,
                            dry_run: bool = False) -> OrgChange:
        """The signed update adding the org its public definition describes (its keys stay on its own
        host, so its node starts there); nothing of the org written to the data folder, nothing submitted.
        address: the org's host's, in place of any its definition gives (the certificates do not name it).
        dry_run: the channel's config is fetched into a temporary folder, leaving the data folder as it is.
        Refused as plan_add is, up front, while an org is cut off the bridge (namespaces.refuse_unreachable): the
        config fetched through the orderers waited its timeout for it; with a config given (--config-block) too,
        so that --update-out and --dry-run are refused alike, with or without --definition."""
        namespaces.refuse_unreachable(self.topology)
        definition = replace(definition, org=membership.with_address(definition.org, address, "--address"))
        self._check_not_departed(definition.org, (definition.ca_cert,), "the definition's")
        if current is None:
            current = self.fetch_config(self._via(), keep=not dry_run)
        return plan_add_defined(self.topology, self.root, current, definition, sign_as)

    def _departed(self) -> list[membership.DepartedOrg]:
        return membership.departed_orgs(self.net.defined_topology, self.topology, self.root)

    def _check_not_departed(self, org: PeerOrgSpec, ca_certs: Sequence[bytes], whose: str) -> None:
        """Refused when the org's MSP ID or domain is that of an org of topology.yaml or one that left, unless it
        is that org coming back: its CA (among ``ca_certs``, ``whose`` they are) the one this data folder holds
        for it. Its admin could otherwise bind identities to the departed org's parties on the ledger."""
        for departed in self._departed():
            if not membership.takes_departed(departed, org.msp_id, org.domain):
                continue
            held = org_crypto(self.root, departed.name, departed.domain).ca_cert
            if held.is_file() and held.read_bytes() in ca_certs:
                continue
            raise OrgChangeError(f"{membership.departed_clash_problem(departed, org.name, org.msp_id, org.domain)}"
                                 f"; {whose} CA is not the one {self.root} holds for {departed.name}. The "
                                 f"company makes its keys again under another name (`recfin org keys`)")

    def add(self, name: str, role: str, enterprise: str | None = None,
            sign_as: list[str] | None = None, address: str | None = None) -> OrgChange | None:
        """Onboard the org end to end. Returns the submitted change (None when the channel already had it).
        address: its host's (spec_for), recorded with it for bundles; the native runtime does not read it.

        Under the data folder's run lock once the org's spec is checked (a refused one writes nothing, the lock
        file included): the org's peer and chaincode servers start here, and an `up`, `down` or deploy running
        beside it would start or stop the same processes (a `down` finishing with the new peer left running).
        Another run holding it refuses the add before anything is sent."""
        self.net.fabric.require()
        # the config is fetched through the orderers, the peer joins from the others: none is waited for in vain
        namespaces.refuse_unreachable(self.topology)
        spec = self.spec_for(name, role, enterprise, address)
        with run_lock(self.root, "recfin org add"):
            return self._add(spec, sign_as)

    def _add(self, spec: PeerOrgSpec, sign_as: list[str] | None) -> OrgChange | None:
        say = self.net.say
        grown = self.grown(spec)
        folder = org_crypto(self.root, spec.name, spec.domain).root
        via = self._via()
        current = self.fetch_config(via)
        self._check_name_free(spec, current)
        joined = spec.msp_id in channel_config.application_orgs(current)
        # The channel's orgs' material completed first (an admin's lost key or folder issued again, as [1/6]
        # does), so the early verdict counts the admins the real update is signed by; nothing of the new org.
        channel_orgs = [o.name for o in self.topology.orgs if o.name != spec.name]
        crypto.generate(self.topology, self.root, only=[self.topology.orderer_org.name, *channel_orgs])
        if not joined:
            # the policy first: a refused add writes nothing of the org, so the corrected command starts afresh
            self._require_signatures(self._plan_add_unwritten(spec, grown, current, sign_as))
        say(f"[1/6] crypto material for {spec.name} ({spec.msp_id}) in {folder}")
        self._generate(spec, grown, current, only=[spec.name])     # the other orgs' were completed above
        change = None
        if joined:
            self._check_same_msp(current, spec)
            say(f"[2/6] {spec.msp_id} is already in {self.topology.channel}'s config: update skipped")
        else:
            change = self._plan_add(spec, grown, current, sign_as)
            changed = len(change.summary()["changes"])
            say(f"[2/6] config update: {changed} element(s) change; {change.verdict.describe()}")
            self._require_signatures(change)
            submitter = self._submitter(change)
            self._submit(change, submitter)
            self._wait_for_config(via, spec.msp_id, present=True)
            say(f"  submitted as {submitter}'s admin; {spec.msp_id} is in the channel config")
        self._after_add(spec, grown)
        return change

    def _after_add(self, spec: PeerOrgSpec, grown: Topology) -> None:
        """Once the channel config has the org: its peer started and joined, chaincode, profiles."""
        net, say = self.net, self.net.say
        membership.record_added(self.root, spec, grown.namespaces.get(spec.name))
        before, net.topology = net.topology, grown
        say(f"[3/6] peer of {spec.name}")
        if grown.namespaces:
            link = namespaces.add_org(namespaces.layout_of(grown), spec.name)
            say(f"  namespace {link.netns} at {link.address} on the bridge ({link.host_link})")
        self._start_peers(spec)
        say("[4/6] chaincode")
        self._join_chaincode(spec, before)
        say("[5/6] connection profiles")
        for path in profiles.write_all(net.topology, self.root):
            say(f"  {path}")
        say(f"[6/6] {spec.msp_id} is a member of {self.topology.channel}")

    def _check_same_msp(self, current: configtx_pb2.Config, spec: PeerOrgSpec) -> None:
        group = current.channel_group.groups[channel_config.APPLICATION].groups[spec.msp_id]
        ours = org_crypto(self.root, spec.name, spec.domain).ca_cert.read_bytes()
        if ours not in decode_msp(group).root_certs:
            raise OrgChangeError(f"{spec.msp_id} is already in the channel with another CA than "
                                 f"{org_crypto(self.root, spec.name, spec.domain).ca_cert}: choose another org name")

    def _start_peers(self, spec: PeerOrgSpec) -> None:
        net, topo = self.net, self.net.topology
        nodes = topo.peers(spec.name)
        if not topo.namespaces:     # in its namespace the org's ports are its own, not this namespace's
            ensure_free(topo.listen_host, [(n.name, key, port) for n in nodes if net._pid(n) is None
                                           for key, port in n.ports.items()])
        block = configtx.genesis_block_path(self.root, topo.channel)
        if not block.is_file():
            # `up` makes it for a new channel only: once the channel was made, another block would not be its block 0
            raise NetworkError(channel.genesis_block_lost(topo, self.root) or
                               f"no genesis block at {block}: the new peer joins with it; "
                               f"run `recfin network up` first")
        for node in nodes:
            nodeconfig.write_node_config(topo, self.root, node, net.fabric.config_dir)
            net._start_node(node)
            joined = channel.join_peer(net.tools, topo, self.root, node, block)
            net.say(f"  {node.name} {'joined' if joined else 'already in'} {topo.channel}")
        net.wait_for_heights()
