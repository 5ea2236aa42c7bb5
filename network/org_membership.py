"""Onboarding and offboarding a peer org on the running channel: `recfin org add|remove`.

add: the new org's crypto -> the channel config fetched from the ordering service -> the
ConfigUpdate adding its MSP, anchor peer and policies, signed by the existing org admins
-> the policy check (nothing is sent unless the signatures satisfy every mod_policy the
update touches) -> `peer channel update` -> its peer started and joined -> the topology's
chaincode deployed again (a new sequence: the contract configuration now names the org's
role, with the collections that brings, and every org's server restarts with it); any other
deployed chaincode installed and approved at the committed sequence for the new org, its
server started -> connection profiles. remove is the reverse: the update dropping the org,
its chaincode servers and peer stopped, and the topology's chaincode deployed again without
it. Its crypto and ledger stay in the data folder.

The config travels through the `peer` CLI (`peer channel fetch config`, `peer channel
update`), as every other channel operation here does: the CLI already carries the TLS
setup, hostname overrides and the org admin's MSP, while Python computes, signs and checks
the update itself. `peer channel update` adds the submitting admin's own signature, so the
envelope handed to it carries the other admins' signatures only.

Both steps are safe to re-run: an org already in (or already gone from) the channel skips
the update and completes the rest.

On a network in Linux network namespaces (topology `namespaces:`), a new org gets a namespace
of its own at the next free address before its peer starts (recorded with it in membership.yaml),
and a removed org's namespace goes once its processes have stopped (network.namespaces).

When the admins' keys live on other hosts, the update travels as a file instead:
write_update (`--update-out`), sign_update_file on each admin's host (`recfin org sign`),
submit_update_file (`recfin org submit`), which then runs the same steps after the update
(_after_add, _after_remove) as add and remove do.
"""
from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass
from pathlib import Path

from fabric_protos.common import configtx_pb2

from chaincode.receivables.config import untagged_version

from . import (ccservers, channel, channel_admin, channel_config, config_policy, config_signing, configtx,
               contract_config, crypto, membership, namespaces, nodeconfig, packaging, profiles)
from .control import Network
from .crypto import org_crypto
from .errors import ChaincodeError, NetworkError
from .lifecycle import Definition, Lifecycle
from .nodeconfig import peer_admin_env
from .org_change import OrgChange, OrgChangeError, plan_add, plan_remove
from .org_definition import decode_msp
from .ports import ensure_free
from .topology import PeerOrgSpec, Topology


class PolicyNotSatisfiedError(OrgChangeError):
    """The collected signatures do not satisfy the update's policies; nothing was submitted."""


def updates_dir(data_root: Path) -> Path:
    return data_root / "channel" / "updates"


class OrgMembership:
    """Adds and removes peer orgs of a Network's running channel."""

    def __init__(self, net: Network):
        self.net = net

    @property
    def topology(self) -> Topology:
        return self.net.topology

    @property
    def root(self) -> Path:
        return self.net.data_root

    # ---- the channel config ------------------------------------------------------------------
    def fetch_config(self, via_org: str) -> configtx_pb2.Config:
        """The channel's current config, fetched from the ordering service as via_org's admin."""
        return channel_admin.fetch_config(self.net, peer_admin_env(self.topology, self.root, via_org),
                                          updates_dir(self.root) / f"config-{via_org}.block")

    def _submit(self, change: OrgChange, submitter_msp: str) -> Path:
        return self._send(change.envelope(leave_out=submitter_msp), submitter_msp,
                          updates_dir(self.root) / f"{change.action}-{change.org.name}.tx")

    def _send(self, update_envelope: configtx_pb2.ConfigUpdateEnvelope, submitter_msp: str, path: Path) -> Path:
        """`peer channel update` as submitter_msp's admin; the envelope must not carry that admin's signature."""
        submitter = next(o for o in self.topology.orgs if o.msp_id == submitter_msp)
        return channel_admin.submit_update(self.net, peer_admin_env(self.topology, self.root, submitter.name),
                                           update_envelope, path)

    def _wait_for_config(self, via_org: str, msp_id: str, present: bool) -> None:
        first = self.topology.orderers()[0]
        self.net.supervisor.wait_until(
            lambda: (msp_id in channel_config.application_orgs(self.fetch_config(via_org))) == present,
            what=f"{msp_id} {'in' if present else 'gone from'} the config of {self.topology.channel}",
            name="orderers", log=nodeconfig.node_dirs(self.root, first.name).log, timeout=self.net.timeout)

    @staticmethod
    def _require_signatures(change: OrgChange) -> None:
        if not change.verdict.ok:
            raise PolicyNotSatisfiedError(
                f"not submitted: {change.verdict.describe()}. Sign as more org admins (--sign-as), "
                f"or have the missing admins' keys in the data folder")

    def _submitter(self, change: OrgChange, leaving: str | None = None) -> str:
        for org in self.topology.orgs:
            if org.msp_id in change.signatures and org.msp_id != leaving:
                return org.msp_id
        raise OrgChangeError("no admin of an org staying in the channel signed the update: add one with --sign-as")

    def _via(self, leaving: str | None = None) -> str:
        for org in self.topology.orgs:
            if org.name != leaving and org_crypto(self.root, org.name, org.domain).user_msp(org.admin).is_dir():
                return org.name
        raise NetworkError("no org admin of the channel has its keys in the data folder: cannot fetch the config")

    # ---- add -------------------------------------------------------------------------------------
    def spec_for(self, name: str, role: str, enterprise: str | None) -> PeerOrgSpec:
        """The new org's spec: recorded by an earlier, interrupted `org add`, or derived now."""
        for recorded in membership.load_state(self.root)["added"]:
            if recorded.get("name") == name:
                return PeerOrgSpec.model_validate(recorded)
        return membership.new_org_spec(self.topology, name, role, enterprise)

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
                 current: configtx_pb2.Config | None = None, throwaway_crypto: bool = False) -> OrgChange:
        """The signed update adding the org, checked; nothing submitted. throwaway_crypto (dry runs): when
        the org has no crypto yet, encode certificates made in a temporary folder, leaving the data folder as it is."""
        spec = self.spec_for(name, role, enterprise)
        grown = self.grown(spec)
        if current is None:
            current = self.fetch_config(self._via())
        if throwaway_crypto:
            if org_crypto(self.root, spec.name, spec.domain).ca_cert.is_file():
                return plan_add(grown, self.root, current, spec.name, sign_as)   # an earlier `org add` made it
            with tempfile.TemporaryDirectory() as tmp:
                crypto.generate(membership.with_orgs(grown, [spec]), Path(tmp))
                return plan_add(grown, self.root, current, spec.name, sign_as, org_root=Path(tmp))
        crypto.generate(grown, self.root)
        return plan_add(grown, self.root, current, spec.name, sign_as)

    def add(self, name: str, role: str, enterprise: str | None = None,
            sign_as: list[str] | None = None) -> OrgChange | None:
        """Onboard the org end to end. Returns the submitted change (None when the channel already had it)."""
        net, say = self.net, self.net.say
        net.fabric.require()
        spec = self.spec_for(name, role, enterprise)
        grown = self.grown(spec)
        folder = org_crypto(self.root, spec.name, spec.domain).root
        say(f"[1/6] crypto material for {spec.name} ({spec.msp_id}) in {folder}")
        crypto.generate(grown, self.root)
        via = self._via()
        current = self.fetch_config(via)
        change = None
        if spec.msp_id in channel_config.application_orgs(current):
            self._check_same_msp(current, spec)
            say(f"[2/6] {spec.msp_id} is already in {self.topology.channel}'s config: update skipped")
        else:
            change = plan_add(grown, self.root, current, spec.name, sign_as)
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
            raise NetworkError(f"no genesis block at {block}: the new peer joins with it; "
                               f"run `recfin network up` first")
        for node in nodes:
            nodeconfig.write_node_config(topo, self.root, node, net.fabric.config_dir)
            net._start_node(node)
            joined = channel.join_peer(net.tools, topo, self.root, node, block)
            net.say(f"  {node.name} {'joined' if joined else 'already in'} {topo.channel}")
        net.wait_for_heights()

    def _collections_of(self, dep: ccservers.Deployment) -> Path | None:
        """The collections file recorded with the deployment (by hash), for the approval to match it."""
        if dep.collections_sha256 is None:
            return None
        candidate = self.topology.chaincode.resolved_collections_config()
        if candidate is not None and candidate.is_file() and \
                hashlib.sha256(candidate.read_bytes()).hexdigest() == dep.collections_sha256:
            return candidate
        raise ChaincodeError(f"{dep.name} was committed with a collections config this host cannot find "
                             f"(sha256 {dep.collections_sha256[:12]}...): approve it for the new org with "
                             f"`peer lifecycle chaincode approveformyorg --collections-config <that file>`")

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
            # Approving the sequence in force with its exact parameters is allowed (and repeatable):
            # it records this org's approval and package ID without a new sequence.
            lc.approve(org.name, definition, pkg.package_id)
            dep.package_ids[org.msp_id] = pkg.package_id
            ccservers.save_deployment(root, dep)
            say(f"  {dep.name} {dep.version} sequence {dep.sequence}: installed and approved for {org.msp_id}")
            started = self.net.start_chaincode_servers(dep.name)
            say(f"  {len(started)} {dep.name} server(s) started" if started else f"  {dep.name} servers already running")

    def _redeploy(self, dep: ccservers.Deployment, before: Topology) -> None:
        """Deploy the topology's chaincode again for the channel's orgs as they are now.

        The contract configuration (org roles), the collections and a derived endorsement policy
        follow the orgs; the version keeps its number and gets the new configuration's digest, so
        this is a new sequence approved by the orgs, and every org's server restarts with the new
        file. A policy given explicitly at the earlier deploy (not the topology's) is kept; the
        collections are the topology's (derived, or its file). Should this step fail, `recfin
        chaincode deploy` completes it: it derives the same definition from the recorded orgs."""
        topology_policy = contract_config.endorsement_policy(before)
        policy = "topology" if dep.signature_policy == topology_policy else dep.signature_policy
        result = self.net.deploy_chaincode(dep.name, dep.contract, untagged_version(dep.version),
                                           signature_policy=policy)
        self.net.say(f"  {result.name} {result.version} sequence {result.sequence}: "
                     f"{'committed for the new set of orgs' if result.changed else 'already committed'}")

    # ---- remove ----------------------------------------------------------------------------------
    def check_removable(self, name: str) -> PeerOrgSpec:
        org = self.topology.org(name)
        role = membership.last_of_role(self.topology, org.name)
        if role is not None:
            raise OrgChangeError(f"{org.name} is the channel's last {role} org: the receivables contract needs one "
                                 f"(add another {role} org with `recfin org add NAME --role {role}` first)")
        return org

    def plan_remove(self, name: str, sign_as: list[str] | None = None,
                    current: configtx_pb2.Config | None = None) -> OrgChange:
        org = self.check_removable(name)
        if current is None:
            current = self.fetch_config(self._via(leaving=org.name))
        return plan_remove(self.topology, self.root, current, org.name, sign_as)

    def remove(self, name: str, sign_as: list[str] | None = None) -> OrgChange | None:
        """Offboard the org: the config update dropping it, then its chaincode servers and peers stopped."""
        net, say = self.net, self.net.say
        org = self.check_removable(name)
        via = self._via(leaving=org.name)
        current = self.fetch_config(via)
        change = None
        if org.msp_id not in channel_config.application_orgs(current):
            say(f"[1/4] {org.msp_id} is not in {self.topology.channel}'s config: update skipped")
        else:
            change = plan_remove(self.topology, self.root, current, org.name, sign_as)
            say(f"[1/4] config update: {change.verdict.describe()}")
            self._require_signatures(change)
            submitter = self._submitter(change, leaving=org.msp_id)
            self._submit(change, submitter)
            self._wait_for_config(via, org.msp_id, present=False)
            say(f"  submitted as {submitter}'s admin; {org.msp_id} is gone from the channel config")
        self._after_remove(org)
        return change

    def _after_remove(self, org: PeerOrgSpec) -> None:
        """Once the channel config lacks the org: its servers and peers stopped, chaincode without it."""
        net, say = self.net, self.net.say
        say(f"[2/4] stop {org.name}'s chaincode servers and peers")
        for dep in ccservers.deployments(self.root):
            if net.supervisor.stop(net._server_spec(dep, org.name).pid_file):
                say(f"  stopped {dep.name}.{org.name}")
            if dep.package_ids.pop(org.msp_id, None) is not None:
                ccservers.save_deployment(self.root, dep)
        for node in net.topology.peers(org.name):
            if net.supervisor.stop(nodeconfig.node_dirs(self.root, node.name).pid):
                say(f"  stopped {node.name}")
        netns = net.topology.netns_of(org.name)
        if netns and namespaces.remove_org(netns):
            say(f"  removed namespace {netns}")
        say(f"[3/4] {org.name} removed from the network's orgs; its crypto and ledger stay in {self.root}")
        membership.record_removed(self.root, org.name)
        before = net.topology
        net.topology = membership.with_orgs(net.topology, [o for o in net.topology.orgs if o.name != org.name])
        (profiles.profiles_dir(self.root) / f"{org.name}.json").unlink(missing_ok=True)
        say(f"[4/4] chaincode definition without {org.msp_id}")
        deployed = [d for d in ccservers.deployments(self.root) if d.name == net.topology.chaincode.name]
        for dep in deployed:
            # Fabric keeps every collection of a definition: the org's offer-terms collections stay
            # in it, unused, since the contract configuration no longer names the org.
            self._redeploy(dep, before)
        if not deployed:
            say("  no chaincode deployed")

    # ---- the update as a file: signed by admins on their own hosts, then submitted ---------------
    def write_update(self, change: OrgChange, path: Path) -> Path:
        """Write the signed update for other hosts' admins to sign (`recfin org sign`), and remember the
        new org's spec so `recfin org submit` on this host can carry on with the rest of `org add`."""
        if change.action == "add":
            pending = self._pending_spec(change.org.msp_id)
            pending.parent.mkdir(parents=True, exist_ok=True)
            pending.write_text(change.org.model_dump_json(indent=2))
        return config_signing.write_update_file(path, change.channel, change.envelope())

    def _pending_spec(self, msp_id: str) -> Path:
        return updates_dir(self.root) / f"pending-{msp_id}.json"

    def check_update_file(self, path: Path) -> UpdateFileCheck:
        """The file's update against the channel's current config: the right channel, not stale, and its verdict."""
        channel_id, update_envelope = config_signing.read_update_file(path)
        if channel_id != self.topology.channel:
            raise OrgChangeError(f"{path} updates channel {channel_id!r}, not {self.topology.channel!r}: "
                                 f"use the topology of that channel (--topology)")
        update = configtx_pb2.ConfigUpdate.FromString(update_envelope.config_update)
        current = self.fetch_config(self._via())
        stale = channel_config.stale_reads(current, update)
        if stale:
            raise OrgChangeError(f"{path} was computed against an older channel config ({stale[0]}"
                                 f"{f' and {len(stale) - 1} more' if len(stale) > 1 else ''}): "
                                 f"write the update again with `recfin org add|remove --update-out`")
        action, msp_id = channel_config.org_membership_change(current, update)
        return UpdateFileCheck(path, action, msp_id, update_envelope, current,
                               config_policy.evaluate(current, update_envelope))

    def sign_update_file(self, path: Path, as_org: str, msp_dir: Path | None = None) -> tuple[str, UpdateFileCheck]:
        """Add as_org's admin signature to the file in place; its key from msp_dir, else this data folder."""
        org = self.topology.org(as_org)
        if msp_dir is None:
            msp_dir = org_crypto(self.root, org.name, org.domain).user_msp(org.admin)
        if not (msp_dir / "signcerts").is_dir():
            raise OrgChangeError(f"no admin MSP folder for {org.msp_id} at {msp_dir}: give it with --msp-dir")
        checked = self.check_update_file(path)
        signed = config_signing.add_signature(checked.envelope, config_signing.load_admin(msp_dir, org.msp_id))
        if not signed.valid:
            raise OrgChangeError(f"the key in {msp_dir} does not match its certificate: nothing written")
        config_signing.write_update_file(path, self.topology.channel, checked.envelope)
        checked.verdict = config_policy.evaluate(checked.current, checked.envelope)
        return f"{signed.msp_id} {signed.subject}", checked

    def submit_update_file(self, path: Path, *, channel_only: bool = False) -> UpdateFileCheck:
        """Submit the file's update once its signatures satisfy the policy, then finish the add or remove.

        channel_only: record the org's arrival or departure in this data folder and stop there; where each
        company runs its own node, nothing on this host is started or stopped, and the chaincode is
        approved again by each company from its new bundle (`recfin host approve`)."""
        checked = self.check_update_file(path)
        self.net.fabric.require()
        if not checked.verdict.ok:
            raise PolicyNotSatisfiedError(f"not submitted: {checked.verdict.describe()}. Have the missing admins "
                                          f"sign it with `recfin org sign {path} --as ORG`")
        leaving = checked.msp_id if checked.action == "remove" else None
        submitter = self._file_submitter(checked, leaving)
        # `peer channel update` adds the submitter's own signature: one identity signs once.
        signed_by = config_signing.signers(checked.envelope)
        others = configtx_pb2.ConfigUpdateEnvelope(
            config_update=checked.envelope.config_update,
            signatures=[sig for sig, who in zip(checked.envelope.signatures, signed_by) if who.msp_id != submitter])
        via = self._via(leaving=self._name_of(leaving))
        if checked.action == "add":
            spec = self._pending_add(checked.msp_id)
            grown = self.grown(spec)
            self._send(others, submitter, updates_dir(self.root) / f"add-{spec.name}.tx")
            self._wait_for_config(via, spec.msp_id, present=True)
            self.net.say(f"  submitted as {submitter}'s admin; {spec.msp_id} is in the channel config")
            if channel_only:
                membership.record_added(self.root, spec)
                self._say_next_on_hosts(grown)
            else:
                self._after_add(spec, grown)
        else:
            org = next(o for o in self.topology.orgs if o.msp_id == checked.msp_id)
            self._send(others, submitter, updates_dir(self.root) / f"remove-{org.name}.tx")
            self._wait_for_config(via, org.msp_id, present=False)
            self.net.say(f"  submitted as {submitter}'s admin; {org.msp_id} is gone from the channel config")
            if channel_only:
                membership.record_removed(self.root, org.name)
                self._say_next_on_hosts(membership.with_orgs(self.topology, [o for o in self.topology.orgs
                                                                               if o.name != org.name]))
            else:
                self._after_remove(org)
        return checked

    def _say_next_on_hosts(self, now: Topology) -> None:
        """What the companies do next when each runs its own node: the contract configuration names the
        channel's orgs, so the chaincode definition changes and every org approves it again."""
        say = self.net.say
        say(f"  recorded in {membership.state_path(self.root)}; nothing started or stopped on this host. Next:")
        say(f"  1. write every org's bundle again: {'; '.join(f'recfin org bundle {o.name}' for o in now.orgs)}")
        say("  2. each company unpacks its new bundle, runs `docker compose up -d` in it (its chaincode server "
            "takes the new configuration), then `recfin host join` (a new org) and `recfin host approve`")
        say("  3. once every org has approved, one of them runs `recfin host commit`")

    def _name_of(self, msp_id: str | None) -> str | None:
        return next((o.name for o in self.topology.orgs if o.msp_id == msp_id), None)

    def _pending_add(self, msp_id: str) -> PeerOrgSpec:
        pending = self._pending_spec(msp_id)
        if not pending.is_file():
            raise OrgChangeError(f"this data folder has no record of the update adding {msp_id} ({pending}): "
                                 f"submit from the host that ran `recfin org add ... --update-out`")
        return PeerOrgSpec.model_validate_json(pending.read_text())

    def _file_submitter(self, checked: UpdateFileCheck, leaving: str | None) -> str:
        """A channel org staying in it whose admin keys are here, preferably one that signed the update."""
        signed = {s.msp_id for s in config_signing.signers(checked.envelope) if s.valid}
        local = [o.msp_id for o in self.topology.orgs if o.msp_id != leaving
                 and org_crypto(self.root, o.name, o.domain).user_msp(o.admin).is_dir()]
        for msp_id in sorted(local, key=lambda m: m not in signed):
            return msp_id
        raise OrgChangeError("no admin of an org staying in the channel has its keys in this data folder: "
                             "submit from a host that has one")


@dataclass
class UpdateFileCheck:
    """A config update file checked against the channel: what it does and whether its signatures suffice."""

    path: Path
    action: str                                  # "add" or "remove"
    msp_id: str                                  # the org it adds or removes
    envelope: configtx_pb2.ConfigUpdateEnvelope
    current: configtx_pb2.Config                 # the channel config it was checked against
    verdict: config_policy.Verdict

    def summary(self) -> dict:
        signed = config_signing.signers(self.envelope)
        return {"file": str(self.path), "action": self.action, "msp_id": self.msp_id,
                "signed_by": sorted({s.msp_id for s in signed if s.valid}),
                "invalid_signatures": self.verdict.invalid_signatures,
                "missing": self.verdict.missing,
                "policy_satisfied": self.verdict.ok, "verdict": self.verdict.describe()}
