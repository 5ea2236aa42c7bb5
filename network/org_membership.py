"""Onboarding and offboarding a peer org on the running channel: `recfin org add|remove`.

add: the channel config fetched from the ordering service -> the channel's orgs' crypto
completed (an admin's lost key issued again) -> the policy check (the update computed on
certificates made in a temporary folder, as a dry run does: a refused add writes nothing of
the new org) -> the new org's crypto -> the ConfigUpdate adding its MSP, anchor peer and policies,
signed by the existing org admins -> the policy check again on it (nothing is sent unless the
signatures satisfy every mod_policy the update touches) -> `peer channel update` -> its peer
started and joined -> the topology's chaincode deployed again (a new sequence: the contract
configuration now names the org's role, with the collections that brings, and every org's server
restarts with it); any other deployed chaincode installed and approved at the committed sequence
for the new org, its server started -> connection profiles. remove is the reverse: the update dropping the org,
its chaincode servers and peer stopped, the topology's chaincode deployed again without it, and
only then the removal recorded (refused first when another deployed chaincode would still need the
org). Its crypto and ledger stay in the data folder.

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
(_after_add, _after_remove) as add and remove do. The file carries the org's spec
(org_change.carried_org), so any channel org's admin can submit it with `channel_only`: what
that host needs is its own admin's MSP folder, the orderers' TLS CA certificate and the
`peer` CLI (a bundle has the first two). Starting the new org's nodes stays with the host that
holds its keys. A file whose update the channel already has is not sent again: submitting it
only finishes or records the change, so every host that keeps a record can run it; one that
does not hold the org's keys records its certificates from the update (for bundles).

An org that made its own keys on its own host (`recfin org keys`) is added from its public
definition (plan_add_definition, `recfin org add --definition`): the update is computed from its
certificates, nothing of it is generated or written here, and it goes on as a file as above.
"""
from __future__ import annotations

import hashlib
import itertools
import json
import os
import shlex
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from fabric_protos.common import common_pb2, configtx_pb2

from chaincode.receivables import collections as contract_collections
from chaincode.receivables import lifecycle as contract_lifecycle
from chaincode.receivables import policy as contract_policy
from chaincode.receivables.config import REGULATOR, NetworkConfig, untagged_version

from . import (ccservers, channel, channel_admin, channel_config, config_policy, config_signing, configtx,
               contract_config, crypto, membership, namespaces, nodeconfig, packaging, profiles)
from .bundle_host import prepare_peer_cli
from .control import Network
from .crypto import org_crypto
from .errors import ChaincodeError, NetworkError, ToolError, first_few
from .lifecycle import Definition, Lifecycle, committed_endorsement_policy
from .nodeconfig import orderer_tls_ca, peer_admin_env
from .org_change import (AdminLoadError, CarriedOrg, OrgChange, OrgChangeError, carried_org, change_rows,
                         check_cas_its_own, parties_of, plan_add, plan_add_defined, plan_remove, removed_members,
                         updates_dir)
from .org_definition import PolicySyntaxError, decode_msp
from .org_definition import signature_policy as compiled_policy
from .org_definition_file import OrgDefinition, write_msp_of
from .ports import ensure_free
from .topology import DERIVED, PeerOrgSpec, Topology, org_name_too_long
from .org_stranded import (CHANNEL_ENDORSEMENT, StrandedChaincode, _committed_collection_names, _deploy_command,
                           _in_force_against_record, _names_unendorsable, _not_the_record, _policy_flag,
                           _recorded_collection_names, _recorded_policy, _topology_policy_of)


class PolicyNotSatisfiedError(OrgChangeError):
    """The collected signatures do not satisfy the update's policies; nothing was submitted."""


class AdminKeyError(OrgChangeError):
    """An org admin's MSP folder in the data folder cannot sign (its key missing, locked or another's)."""


class ClaimsUnreadable(Exception):
    """The ledger's claims could not be read for a removal's check; str() says why (each identity tried)."""


@dataclass(frozen=True)
class ClaimsCheck:
    """How the removal of an org whose parties may be the regulator learns the claims it would strand
    (check_claims_without). This package does not talk to the ledger; `recfin org remove` and `org submit` give
    ``read``: read(statuses, regulator_orgs) -> every claim in those statuses, as the SDK reads them, listed as a
    regulator's user (the regulator reads every claim) of one of regulator_orgs (the leaving org first), or
    ClaimsUnreadable. None: nothing here can read the ledger. ``endorsers``: endorsers(claim_ids, regulator_orgs)
    -> the MSP IDs the key-level policy of each claim's key names (GetReceivableEndorsers), by claim id, read the
    same way; None when the contract deployed has no such query (an older version), or when nothing here gives it.
    ``skipped``: the operator confirmed the removal without reading them (`--no-claim-check`). ``sends_nothing``:
    a dry run or an update written to a file, which the removal or `org submit` checks again: claims that cannot
    be read are warned of, not refused."""

    read: Callable[[Sequence[str], Sequence[PeerOrgSpec]], Iterable] | None = None
    endorsers: Callable[[Sequence[str], Sequence[PeerOrgSpec]], Mapping[str, Sequence[str]] | None] | None = None
    skipped: bool = False
    sends_nothing: bool = False


def _admin_key_refusal(msp_id: str, folder: Path, problem: ValueError, dry_run: bool, others: list[str]) -> str:
    """What to do about an org admin's MSP folder that cannot sign (problem: why loading it failed). Only `org add`
    itself (not its dry run, which writes nothing) issues a lost admin key again, before it signs; recfin signs an
    update only with an unencrypted key in keystore/. others: the channel's other orgs, whose admins could sign."""
    keystore = folder / "keystore"
    # the signer file in any form (a folder, a dangling symlink): it says the key is in an HSM, not lost
    elsewhere = [path for path in (folder / crypto.KEY_ELSEWHERE_FILE, folder / crypto.HSM_SIGNER_FILE)
                 if path.is_file() or path.name == crypto.HSM_SIGNER_FILE and os.path.lexists(path)]
    no_key = not {*keystore.glob("*_sk"), *keystore.glob("*.pem")}     # what load_msp_folder looks for
    signers = " ".join(f"--sign-as {o}" for o in others)
    renew = (f"move {{}} out of the data folder, then run `recfin org add` again: it issues the admin a new "
             f"certificate and key (the channel trusts {msp_id}'s CA, not one admin certificate)")
    if no_key and dry_run:
        held = f"its key is held elsewhere ({elsewhere[0]})" if elsewhere else f"it has no key in {keystore}"
        return (f"{msp_id}'s admin cannot sign for the dry run: {held}. To see the rest of the verdict, name the "
                f"other signers: {signers}")
    if no_key and elsewhere:
        return (f"{msp_id}'s admin cannot sign the update: {elsewhere[0]} says its key is held elsewhere, and "
                f"recfin signs a channel update only with a key in {keystore}. Write the update signed by the "
                f"others (`recfin org add ... --update-out FILE {signers}`) and have {msp_id}'s admin sign it where "
                f"the key is (`recfin org sign FILE`, docs/deployment.md), or {renew.format(elsewhere[0])}")
    if "is encrypted" in str(problem):
        return (f"{msp_id}'s admin cannot sign the update: the key in {keystore} is encrypted (recfin reads only "
                f"unencrypted admin keys: decrypt it in place). If that key is lost, "
                f"{renew.format(f'the files of {keystore}')}")
    if "matches the certificate" in str(problem):
        return (f"{msp_id}'s admin cannot sign the update: no key in {keystore} matches the admin's certificate. "
                f"If that key is lost, {renew.format(f'the files of {keystore}')}")
    return (f"{msp_id}'s admin cannot sign the update from {folder}: {str(problem).split(': ')[0]}; put the "
            f"folder right (one certificate in signcerts/, its key in keystore/), then run `recfin org add` again")


@dataclass(frozen=True)
class Admin:
    """An org admin acting through the `peer` CLI: its org and its MSP folder (signcerts, keystore)."""

    org: PeerOrgSpec
    msp_dir: Path


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
    def admin(self, org_name: str, msp_dir: Path | None = None) -> Admin:
        """The org's admin (by org name or MSP ID), its MSP folder msp_dir or the data folder's."""
        org = self.topology.org(org_name)
        # absolute: the peer CLI reads a relative CORE_PEER_MSPCONFIGPATH against FABRIC_CFG_PATH's folder
        msp_dir = (Path(msp_dir).absolute() if msp_dir
                   else org_crypto(self.root, org.name, org.domain).user_msp(org.admin))
        if not (msp_dir / "signcerts").is_dir():
            raise OrgChangeError(f"no admin MSP folder for {org.msp_id} at {msp_dir}: give it with --msp-dir")
        return Admin(org, msp_dir)

    def _admin_env(self, admin: Admin) -> dict[str, str]:
        """`peer` CLI env as the admin. What the CLI needs besides the admin's MSP: the orderers' TLS CA
        certificate, and a core.yaml for its client settings (where no peer of the org runs on this host,
        the Fabric install's base one, as `recfin host` gives a bundle)."""
        tls_ca = orderer_tls_ca(self.topology, self.root)
        if not tls_ca.is_file():
            raise OrgChangeError(f"no TLS CA certificate of the ordering service at {tls_ca}: the `peer` CLI "
                                 f"verifies the orderers with it; give --bundle (every org's bundle holds it), "
                                 f"or copy it there from the hosts data folder")
        node = self.topology.peers(admin.org.name)[0]
        if not (nodeconfig.node_dirs(self.root, node.name).config / "core.yaml").is_file():
            prepare_peer_cli(self.net.fabric.require(("peer",)), self.root, [node])
        return peer_admin_env(self.topology, self.root, admin.org.name) | \
            {"CORE_PEER_MSPCONFIGPATH": str(admin.msp_dir)}

    def _config_block(self, admin: Admin) -> Path:
        """Where the latest config block fetched as admin is kept."""
        return updates_dir(self.root) / f"config-{admin.org.name}.block"

    def fetch_config(self, via: str | Admin) -> configtx_pb2.Config:
        """The channel's current config, fetched from the ordering service as an org's admin."""
        admin = via if isinstance(via, Admin) else self.admin(via)
        return channel_admin.fetch_config(self.net, self._admin_env(admin), self._config_block(admin))

    def _submit(self, change: OrgChange, submitter_msp: str) -> Path:
        return self.send(change.envelope(leave_out=submitter_msp), self.admin(submitter_msp),
                          updates_dir(self.root) / f"{change.action}-{change.org.name}.tx")

    def send(self, update_envelope: configtx_pb2.ConfigUpdateEnvelope, submitter: Admin, path: Path) -> Path:
        """`peer channel update` as submitter; the envelope must not carry that admin's signature."""
        return channel_admin.submit_update(self.net, self._admin_env(submitter), update_envelope, path)

    def _wait_for_config(self, via: str | Admin, msp_id: str, present: bool) -> None:
        self.wait_for_config(via, lambda config: (msp_id in channel_config.application_orgs(config)) == present,
                             f"{msp_id} {'in' if present else 'gone from'} the config of {self.topology.channel}")

    def wait_for_config(self, via: str | Admin, has: Callable[[configtx_pb2.Config], bool], what: str) -> None:
        """Until the channel config fetched as via has what was submitted (the ordering service took it)."""
        first = self.topology.orderers()[0]
        self.net.supervisor.wait_until(lambda: has(self.fetch_config(via)), what=what, name="orderers",
                                       log=nodeconfig.node_dirs(self.root, first.name).log, timeout=self.net.timeout)

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
    def spec_for(self, name: str, role: str, enterprise: str | None, address: str | None = None) -> PeerOrgSpec:
        """The new org's spec: recorded by an earlier, interrupted `org add`; topology.yaml's for an org of it that
        left the channel (its MSP ID, domain and users again); else derived now. address (`--address`): its host's,
        in place of any the spec has (TopologyError for one no other host reaches). Refused when the org's folder
        holds users of an earlier attempt whose certificates carry other attributes."""
        state = membership.load_state(self.root)
        recorded = next((o for o in state["added"] if o.get("name") == name), None)
        defined = self.net.defined_topology
        if recorded is not None:
            spec = PeerOrgSpec.model_validate(recorded)
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
                f"attempt; or, if {spec.msp_id} is not in the channel (no update adding it was submitted), start over: move "
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
        the org has no crypto yet, encode certificates made in a temporary folder, leaving the data folder as it is.
        address: its host's (spec_for); the update carries it with the org's spec."""
        spec = self.spec_for(name, role, enterprise, address)
        grown = self.grown(spec)
        if current is None:
            current = self.fetch_config(self._via())
        if throwaway_crypto:
            return self._plan_add_unwritten(spec, grown, current, sign_as, dry_run=True)
        self._generate(spec, grown, current)
        return self._plan_add(spec, grown, current, sign_as)

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
                            current: configtx_pb2.Config | None = None, address: str | None = None) -> OrgChange:
        """The signed update adding the org its public definition describes (its keys stay on its own
        host, so its node starts there); nothing written to the data folder, nothing submitted. address: the
        org's host's, in place of any its definition gives (the certificates do not name it)."""
        definition = replace(definition, org=membership.with_address(definition.org, address, "--address"))
        self._check_not_departed(definition.org, (definition.ca_cert,), "the definition's")
        if current is None:
            current = self.fetch_config(self._via())
        return plan_add_defined(self.topology, self.root, current, definition, sign_as)

    def _departed(self) -> list[membership.DepartedOrg]:
        return membership.departed_orgs(self.net.defined_topology, self.topology, self.root)

    def _check_not_departed(self, org: PeerOrgSpec, ca_certs: Sequence[bytes], whose: str) -> None:
        """Refused when the org's MSP ID or domain is that of an org of topology.yaml or one that left, unless it
        is that org coming back: its CA (among ``ca_certs``, ``whose`` they are) the one this data folder holds
        for it. Its admin could otherwise bind identities to the departed org's parties on the ledger."""
        for departed in self._departed():
            if departed.msp_id != org.msp_id and departed.domain.lower() != org.domain.lower():
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
        address: its host's (spec_for), recorded with it for bundles; the native runtime does not read it."""
        net, say = self.net, self.net.say
        net.fabric.require()
        spec = self.spec_for(name, role, enterprise, address)
        grown = self.grown(spec)
        folder = org_crypto(self.root, spec.name, spec.domain).root
        via = self._via()
        current = self.fetch_config(via)
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
            raise NetworkError(f"no genesis block at {block}: the new peer joins with it; "
                               f"run `recfin network up` first")
        for node in nodes:
            nodeconfig.write_node_config(topo, self.root, node, net.fabric.config_dir)
            net._start_node(node)
            joined = channel.join_peer(net.tools, topo, self.root, node, block)
            net.say(f"  {node.name} {'joined' if joined else 'already in'} {topo.channel}")
        net.wait_for_heights()

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
                             f"`{_deploy_command(dep, ' --collections-config <that file>')}`, which keeps a copy of the "
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
                collections = f" --collections-config {shlex.quote(str(definition.collections_config))}" \
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
            say(f"  {len(started)} {dep.name} server(s) started" if started else f"  {dep.name} servers already running")

    def _redeploy(self, dep: ccservers.Deployment, before: Topology, signature_policy: str | None = None) -> None:
        """Deploy the topology's chaincode again for the channel's orgs as they are now.

        The contract configuration (org roles), the collections and a derived endorsement policy
        follow the orgs; the version keeps its number and gets the new configuration's digest, so
        this is a new sequence approved by the orgs, and every org's server restarts with the new
        file. A policy given explicitly at the earlier deploy (not the topology's) is kept, unless
        signature_policy replaces it; the collections are the topology's (derived, or its file).
        Should this step fail, running the same `org add` again completes it (the record says
        whether the policy was the topology's, so it is derived again for the orgs as they are)."""
        policy = signature_policy or ("topology" if self._policy_follows_topology(dep, before)
                                      else dep.signature_policy)
        result = self.net.deploy_chaincode(dep.name, dep.contract, untagged_version(dep.version),
                                           signature_policy=policy)
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
            return
        dep = ccservers.load_deployment(self.root, self.topology.chaincode.name)
        if dep is None or org not in self.topology.orgs:
            return
        after = membership.with_orgs(self.topology, [o for o in self.topology.orgs if o.name != org.name])
        from_topology = self._policy_follows_topology(dep, self.topology)
        policy = contract_config.endorsement_policy(after) if from_topology else dep.signature_policy
        if policy and org.msp_id in config_policy.msp_ids_in(policy):
            staying = contract_collections.endorsement_policy(contract_config.network_config(after), principal="peer")
            given = "topology.yaml's chaincode.endorsement_policy" if from_topology else "given at its deploy"
            raise OrgChangeError(f"the endorsement policy of {dep.name}, {policy} ({given}), names {org.msp_id}, "
                                 f"which leaves the channel: kept, no transaction could be endorsed once it has gone. "
                                 f"Stopped before anything changed: run the command again with the policy the "
                                 f"chaincode is to have without {org.msp_id}, e.g. --signature-policy \"{staying}\"")

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
            instead = (f"; {', '.join(emptied)} would have no member left: give {'it' if len(emptied) == 1 else 'each'} "
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
                collections_option = f" --collections-config {shlex.quote(str(kept))}"
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

    # ---- remove ----------------------------------------------------------------------------------
    def check_removable(self, name: str) -> PeerOrgSpec:
        """The org, unless it is the last of a role among the orgs this data folder records: the check for an org
        already gone from the channel (check_removable_now), whose config then tells nothing of it."""
        org = self.topology.org(name)
        role = membership.last_of_role(self.topology, org.name)
        if role is not None:
            raise _last_of_role(org, role)
        return org

    def check_removable_from(self, org: PeerOrgSpec, current: configtx_pb2.Config) -> None:
        """Refused when the channel would lose its last org of org's role. Which orgs stay is the channel config's
        (current: an org added or removed from another host counts as the channel has it); their roles are this
        data folder's record of them, since the config holds none. An org of the channel the record does not
        name has a role that cannot be told here: refused too, naming it, unless another org holds the role."""
        staying = [msp_id for msp_id in channel_config.application_orgs(current) if msp_id != org.msp_id]
        known = {o.msp_id: o for o in self.topology.orgs}
        role = membership.role_lost(org, [known[msp_id] for msp_id in staying if msp_id in known])
        if role is None:
            return
        if unknown := [msp_id for msp_id in staying if msp_id not in known]:
            raise OrgChangeError(f"{org.name} is the channel's last {role} org that {self.root} records; the channel "
                                 f"also has {', '.join(unknown)}, which it does not, so whether one of them is a "
                                 f"{role} org cannot be told here: record them first (`recfin org submit` of the "
                                 f"file that added each, with --channel-only, records an org the channel has), or "
                                 f"run this from a data folder that records them")
        raise _last_of_role(org, role)

    def check_removable_now(self, org: PeerOrgSpec, current: configtx_pb2.Config) -> None:
        """check_removable_from while the channel (current) has the org: its config says which orgs stay, and this
        data folder's record alone would count an org it records that the channel lacks, or miss one the channel
        has that it does not record. Once the org is gone from the channel, this data folder's record
        (check_removable)."""
        if org.msp_id in channel_config.application_orgs(current):
            self.check_removable_from(org, current)
        else:
            self.check_removable(org.name)

    def check_claims_without(self, org: PeerOrgSpec, claims: ClaimsCheck) -> None:
        """Refused, before anything is sent, while the key-level policy of a claim names the org as one of the
        regulator orgs: that of a frozen claim, and of one whose debtor and holder (and bank) are parties of one org
        (chaincode/receivables/policy.py endorsing_orgs). Once the org has left, its peer endorses nothing, so no
        change of such a claim, an unfreeze included, could ever be endorsed again. Only a claim still live
        (registered, confirmed, financed or overdue) is written again, and only such a claim can be frozen: those
        are read. A key keeps the regulator orgs of the transaction that last wrote its policy (a claim frozen
        before the org joined does not name it), so each claim that is frozen or of one org's parties now (the
        only ones whose key names a regulator org: every change that ends that writes the policy again) is
        refused only when its key names the org (claims.endorsers); where the contract deployed cannot say, by
        the policy today's regulator orgs give, saying so. Refused too when they cannot be read, unless the
        operator confirmed without (claims.skipped), or nothing is sent (claims.sends_nothing: warned of)."""
        if org.role != REGULATOR:
            return
        if claims.skipped:
            self.net.say(f"  claims not read (--no-claim-check): a frozen claim whose key-level policy names "
                         f"{org.msp_id} can never be unfrozen once it has left")
            return
        regulator_orgs = [org, *(o for o in self.topology.orgs if o.role == REGULATOR and o.name != org.name)]
        regulators = sorted(o.msp_id for o in regulator_orgs)
        try:
            if claims.read is None:
                raise ClaimsUnreadable("nothing here reads the ledger (no ClaimsCheck.read given)")
            live = list(claims.read(contract_lifecycle.LIVE, regulator_orgs))
        except ClaimsUnreadable as exc:
            if claims.sends_nothing:
                self.net.say(f"  claims not checked ({exc}): the removal and `org submit` check them, refusing "
                             f"while a claim's key-level policy names {org.msp_id}")
                return
            raise OrgChangeError(_claims_unread(org, str(exc))) from None
        candidates = [c for c in live if org.msp_id in contract_policy.endorsing_orgs(c, regulators)]
        # The claims were read: from here on a dry run refuses as the removal would. Keys' policies that cannot be
        # read (an earlier contract, or a peer that fails the query) are taken as today's regulator orgs give them.
        held, unread_why = None, "the contract deployed does not answer GetReceivableEndorsers (an earlier version)"
        if candidates and claims.endorsers is not None:
            try:
                held = claims.endorsers([c.id for c in candidates], regulator_orgs)
            except ClaimsUnreadable as exc:
                unread_why = f"their keys' policies could not be read ({exc})"
        # a claim missing from the answer (none is ever deleted) is kept: refusing wrongly is undone by a re-run
        stranded = candidates if held is None else [c for c in candidates if org.msp_id in held.get(c.id, [org.msp_id])]
        if stranded:
            raise OrgChangeError(_claims_stranded(org, stranded, regulator_orgs[1:],
                                                  unread_why=unread_why if held is None else None))

    def plan_remove(self, name: str, sign_as: list[str] | None = None,
                    current: configtx_pb2.Config | None = None, claims: ClaimsCheck = ClaimsCheck()) -> OrgChange:
        """The signed update dropping the org, checked; nothing submitted. claims: how the claims its leaving would
        strand are found (check_claims_without)."""
        org = self.topology.org(name)
        self.check_collections_without(org)         # what --update-out hands on would fail once submitted
        if current is None:
            current = self.fetch_config(self._via(leaving=org.name))
        self.check_removable_now(org, current)
        change = plan_remove(self.topology, self.root, current, org.name, sign_as)
        # the org is in the channel (plan_remove refuses otherwise)
        self.check_other_chaincodes_without(org, current)
        self.check_claims_without(org, claims)
        return change

    def remove(self, name: str, sign_as: list[str] | None = None,
               signature_policy: str | None = None, claims: ClaimsCheck = ClaimsCheck()) -> OrgChange | None:
        """Offboard the org: the config update dropping it, then its chaincode servers and peers stopped.
        signature_policy: the endorsement policy the chaincode is deployed again with (default: the one it has,
        or the topology's derived one for the staying orgs), refused when it would name the org. claims: how the
        claims its leaving would strand are found (check_claims_without)."""
        say = self.net.say
        org = self.topology.org(name)
        self.check_policy_without(org, signature_policy)
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

    # ---- the update as a file: signed by admins on their own hosts, then submitted ---------------
    def write_update(self, change: OrgChange, path: Path) -> Path:
        """Write the signed update for other hosts' admins to sign (`recfin org sign`) and any of them to
        submit (`recfin org submit`): it carries the org's spec, so no record of this host is needed there."""
        return config_signing.write_update_file(path, change.channel, change.envelope())

    def _pending_spec(self, msp_id: str) -> Path:
        """Where an older recfin kept the new org's spec between `--update-out` and `submit`."""
        return updates_dir(self.root) / f"pending-{msp_id}.json"

    def _read_update(self, path: Path) -> tuple[configtx_pb2.ConfigUpdateEnvelope, configtx_pb2.ConfigUpdate,
                                                 CarriedOrg | None]:
        channel_id, update_envelope = config_signing.read_update_file(path)
        if channel_id != self.topology.channel:
            raise OrgChangeError(f"{path} updates channel {channel_id!r}, not {self.topology.channel!r}: "
                                 f"use the topology of that channel (--topology)")
        update = configtx_pb2.ConfigUpdate.FromString(update_envelope.config_update)
        return update_envelope, update, carried_org(update, path)

    def check_update_file(self, path: Path, via: Admin | None = None) -> UpdateFileCheck:
        """The file's update against the channel's current config, fetched as via (default: an admin whose
        keys are in this data folder): the right channel, not stale, and its verdict; or already applied."""
        update_envelope, update, carried = self._read_update(path)
        if via is None:
            leaving = carried.org.msp_id if carried is not None and carried.action == "remove" else None
            via = self.admin(self._via(leaving=self._name_of(leaving)))
        return self._check(path, update_envelope, update, carried, via)

    def _check(self, path: Path, update_envelope: configtx_pb2.ConfigUpdateEnvelope,
               update: configtx_pb2.ConfigUpdate, carried: CarriedOrg | None, via: Admin) -> UpdateFileCheck:
        current = self.fetch_config(via)
        applied = carried is not None and self._applied(current, update, carried)
        if applied:
            action, msp_id = carried.action, carried.org.msp_id
            if action == "add":
                self._check_applied_add(path, update_envelope, current, msp_id, via)
        else:
            stale = channel_config.stale_reads(current, update)
            if stale:
                raise OrgChangeError(f"{path} was computed against an older channel config ({stale[0]}"
                                     f"{f' and {len(stale) - 1} more' if len(stale) > 1 else ''}): "
                                     f"write the update again with `recfin org add|remove --update-out`")
            try:        # the org change and nothing else: what the file's summary shows its signers
                action, msp_id = channel_config.org_membership_change(current, update)
            except channel_config.ConfigUpdateError as exc:
                raise OrgChangeError(f"{path}: {exc}") from None
            if carried is not None and (action, msp_id) != (carried.action, carried.org.msp_id):
                raise OrgChangeError(f"{path} says it {carried.action}s {carried.org.msp_id}, but against the "
                                     f"channel's config its update {action}s {msp_id}: write it again with "
                                     f"`recfin org add|remove --update-out`")
        return UpdateFileCheck(path, action, msp_id, update_envelope, current,
                               config_policy.evaluate(current, update_envelope),
                               carried.org if carried is not None else None, applied)

    def _check_applied_add(self, path: Path, update_envelope: configtx_pb2.ConfigUpdateEnvelope,
                           current: configtx_pb2.Config, msp_id: str, via: Admin) -> None:
        """An add the channel has is recorded from the spec the file carries (its role, its users), which the
        channel does not hold: take it only from bytes the channel applied (the config block's last update),
        or that the admins' signatures in the file authorised against the channel without the org. Else an
        edited file, its signatures stripped, would record another role than the one the admins signed."""
        # the block fetch_config(via) just kept, read again for what the Config alone does not hold
        last = channel_config.config_envelope_from_block(self._config_block(via).read_bytes()).last_update
        if last.payload:
            applied = configtx_pb2.ConfigUpdateEnvelope.FromString(common_pb2.Payload.FromString(last.payload).data)
            if applied.config_update == update_envelope.config_update:
                return
        before = channel_config.without_org(current, msp_id)
        if not config_policy.evaluate(before, update_envelope).ok:
            raise OrgChangeError(f"{path} is not the update the channel applied for {msp_id}, and its signatures "
                                 f"do not authorise it: record the change from the file the admins signed")

    @staticmethod
    def _applied(current: configtx_pb2.Config, update: configtx_pb2.ConfigUpdate, carried: CarriedOrg) -> bool:
        """Whether the channel config already has what the update does: the org gone (a removal), or in it
        with the CA the update gives it (an add; another CA under that MSP ID is another org)."""
        msp_id = carried.org.msp_id
        members = current.channel_group.groups[channel_config.APPLICATION].groups
        if carried.action == "remove" or msp_id not in members:
            return carried.action == "remove" and msp_id not in members
        written = update.write_set.groups[channel_config.APPLICATION].groups[msp_id]
        if decode_msp(members[msp_id]).root_certs != decode_msp(written).root_certs:
            raise OrgChangeError(f"{msp_id} is already in the channel with another CA than the one this update "
                                 f"gives it: choose another org name and write the update again")
        return True

    def sign_update_file(self, path: Path, as_org: str, msp_dir: Path | None = None) -> tuple[str, UpdateFileCheck]:
        """Add as_org's admin signature to the file in place; its key from msp_dir, else this data folder.
        The channel config is fetched as that admin, so its own keys are all a signing host needs."""
        admin = self.admin(as_org, msp_dir)
        with config_signing.update_file_lock(path):
            checked = self.check_update_file(path, via=admin)
            if checked.applied:
                raise OrgChangeError(f"the channel config already has the update in {path} ({checked.msp_id} "
                                     f"{'added' if checked.action == 'add' else 'removed'}): nothing to sign")
            self._check_joining(checked, checked.org)
            signed = config_signing.add_signature(checked.envelope, config_signing.load_admin(admin.msp_dir,
                                                                                               admin.org.msp_id))
            if not signed.valid:
                raise OrgChangeError(f"the key in {admin.msp_dir} does not match its certificate: nothing written")
            config_signing.write_update_file(path, self.topology.channel, checked.envelope)
        checked.verdict = config_policy.evaluate(checked.current, checked.envelope)
        return f"{signed.msp_id} {signed.subject}", checked

    def submit_update_file(self, path: Path, *, channel_only: bool = False, as_org: str | None = None,
                           msp_dir: Path | None = None, record: bool = True,
                           signature_policy: str | None = None, claims: ClaimsCheck = ClaimsCheck()) -> UpdateFileCheck:
        """Submit the file's update once its signatures satisfy the policy, then finish the add or remove.

        Submitted as as_org's admin (msp_dir, else this data folder's), by default an admin of a staying
        org whose keys are here, preferably one that signed. An update the channel already has is not sent
        again: only the steps after it run. channel_only: start and stop nothing here; record the org's
        arrival or departure in this data folder (unless not record: a bundle's host, whose network is its
        bundle's) and say what each company does next (`recfin org bundle`, `recfin host approve`).
        signature_policy: for a removal here, as for remove; claims: for a removal, as for remove."""
        update_envelope, update, carried = self._read_update(path)
        if channel_only:
            self.net.fabric.require(("peer",))
        else:
            self.net.fabric.require()
        leaving = carried.org.msp_id if carried is not None and carried.action == "remove" else None
        submitter = self._file_submitter(update_envelope, leaving, as_org, msp_dir)
        checked = self._check(path, update_envelope, update, carried, submitter)
        adding = checked.action == "add"
        if not adding and submitter.org.msp_id == checked.msp_id:      # an older file that names no org
            if as_org is not None:
                raise OrgChangeError(f"{checked.msp_id} leaves the channel with this update, so its admin could "
                                     f"not see it through: submit as an admin of an org that stays")
            submitter = self._file_submitter(update_envelope, checked.msp_id, None, None)
        org = self._org_of(checked)
        self._check_joining(checked, org)
        keys_here = self._check_keys_here(checked, org, update, channel_only)
        if signature_policy is not None and (adding or channel_only):
            raise OrgChangeError("--signature-policy is for a removal whose chaincode is deployed again here "
                                 "(not --channel-only): leave it out")
        if adding and not checked.applied:                           # however the file was written
            added = update.write_set.groups[channel_config.APPLICATION].groups[checked.msp_id]
            self._check_not_departed(org, decode_msp(added).root_certs, "the update's")
        stranded = None         # the removal already applied: _after_remove scans for what it strands
        if not adding and not checked.applied:
            self.check_removable_from(org, checked.current)          # before anything is sent
            self.check_claims_without(org, claims)
            if not channel_only:        # once it is in, _after_remove says how to deploy them
                stranded = self.stranded_without(org, checked.current)
                self._refuse_stranded(org, stranded)                 # check_other_chaincodes_without
        if not adding and not channel_only:
            self.check_policy_without(org, signature_policy)         # before anything is sent
        now = self._orgs_after(checked, org) if channel_only else None
        if checked.applied:
            self.net.say(f"  {checked.msp_id} is already {'in' if adding else 'gone from'} the channel config: "
                         f"nothing submitted")
        else:
            if not checked.verdict.ok:
                raise PolicyNotSatisfiedError(f"not submitted: {checked.verdict.describe()}. Have the missing "
                                              f"admins sign it with `recfin org sign {path} --as ORG`")
            # `peer channel update` adds the submitter's own signature: one identity signs once.
            signed_by = config_signing.signers(checked.envelope)
            others = configtx_pb2.ConfigUpdateEnvelope(
                config_update=checked.envelope.config_update,
                signatures=[sig for sig, who in zip(checked.envelope.signatures, signed_by)
                            if who.msp_id != submitter.org.msp_id])
            self._check_sent_as(submitter, others, checked.current)
            self.send(others, submitter, updates_dir(self.root) / f"{checked.action}-{org.name}.tx")
            self._wait_for_config(submitter, checked.msp_id, present=adding)
            self.net.say(f"  submitted as {submitter.org.msp_id}'s admin; {checked.msp_id} is "
                         f"{'in' if adding else 'gone from'} the channel config")
        if now is not None:
            if record and adding:
                if not keys_here:       # what bundles need of it: the certificates the channel now has for it
                    write_msp_of(org_crypto(self.root, org.name, org.domain),
                                 decode_msp(update.write_set.groups[channel_config.APPLICATION].groups[org.msp_id]))
                membership.record_added(self.root, org)
            elif record:
                membership.record_removed(self.root, org.name)
            self._say_next_on_hosts(now, path, record, None if keys_here or not adding else org)
        elif adding:
            self._after_add(org, self.grown(org))
        else:
            self._after_remove(org, signature_policy, checked.current, stranded)
        return checked

    @staticmethod
    def _check_sent_as(submitter: Admin, others: configtx_pb2.ConfigUpdateEnvelope,
                       current: configtx_pb2.Config) -> None:
        """What the ordering service will get (the others' signatures and the one `peer channel update` adds as
        the submitter) must still satisfy the policy: the submitter's signature replaces its org's in the file,
        and the identity in its MSP folder may not be that org's admin. Signed here on a copy, never sent."""
        sent = configtx_pb2.ConfigUpdateEnvelope()
        sent.CopyFrom(others)
        signed = config_signing.add_signature(sent, config_signing.load_admin(submitter.msp_dir,
                                                                              submitter.org.msp_id))
        verdict = config_policy.evaluate(current, sent)
        if not signed.valid or not verdict.ok:
            raise PolicyNotSatisfiedError(f"not submitted: signed as the identity in {submitter.msp_dir} "
                                          f"({signed.msp_id} {signed.subject}) the update would be refused: "
                                          f"{verdict.describe()}. Submit as an admin of {submitter.org.msp_id} "
                                          f"(--msp-dir its admin's MSP folder), or as another org's admin")

    def _file_submitter(self, update_envelope: configtx_pb2.ConfigUpdateEnvelope, leaving: str | None,
                        as_org: str | None, msp_dir: Path | None) -> Admin:
        """as_org's admin, else an admin of a channel org staying in it whose keys are here, preferably one
        that signed the update."""
        if as_org is not None:
            admin = self.admin(as_org, msp_dir)
            if admin.org.msp_id == leaving:
                raise OrgChangeError(f"{leaving} leaves the channel with this update, so its admin could not see "
                                     f"it through: submit as an admin of an org that stays")
            return admin
        signed = {s.msp_id for s in config_signing.signers(update_envelope) if s.valid}
        local = [o for o in self.topology.orgs if o.msp_id != leaving
                 and (org_crypto(self.root, o.name, o.domain).user_msp(o.admin) / "signcerts").is_dir()]
        for org in sorted(local, key=lambda o: o.msp_id not in signed):
            return self.admin(org.name)
        raise OrgChangeError(f"no admin of an org staying in the channel has its MSP folder in {self.root}: "
                             f"submit as your org's admin with --as ORG (its MSP folder with --msp-dir), "
                             f"or from your bundle with --bundle")

    def _check_joining(self, checked: UpdateFileCheck, org: PeerOrgSpec | None) -> None:
        """An org still to come in is held, however its file was written, to MAX_ORG_NAME (an older recfin did not
        hold names to it; org None: the file carries no spec), to an MSP named as its group is (the name Fabric knows
        it by) and to CAs of its own (check_cas_its_own); one the channel already has keeps its name and CAs."""
        if checked.action != "add" or checked.applied:
            return
        if org is not None and (problem := org_name_too_long(org.name)):
            raise OrgChangeError(f"{org.name} ({org.msp_id}) cannot join: {problem}: the company chooses a shorter "
                                 f"name with `recfin org keys` and the update is written again")
        update = configtx_pb2.ConfigUpdate.FromString(checked.envelope.config_update)
        added = decode_msp(update.write_set.groups[channel_config.APPLICATION].groups[checked.msp_id])
        if added.msp_id != checked.msp_id:
            # Fabric knows an org by the name inside its MSP value, not by its group's key
            whose = (f", the MSP ID of {self._name_of(added.msp_id) or 'an org'} of the channel: {checked.msp_id} "
                     f"would take its identities for its own"
                     if added.msp_id in config_policy.org_msps(checked.current) else "")
            raise OrgChangeError(f"the update in {checked.path} adds the group {checked.msp_id} with an MSP named "
                                 f"{added.msp_id}{whose}. Sign and submit none of it: the update is written again "
                                 f"from the definition the company sends (`recfin org add --definition`)")
        check_cas_its_own(added, checked.current, self.topology,
                          f"Sign and submit none of {checked.path}: the company makes a CA of its own with `recfin "
                          f"org keys`, and the update is written again from the definition it sends",
                          joining_id=checked.msp_id)

    def _org_of(self, checked: UpdateFileCheck) -> PeerOrgSpec:
        """The spec of the org the update adds or removes: this network's own for an org it has, else the
        one the file carries, else (a file written by an older recfin) this host's record of it."""
        known = next((o for o in self.topology.orgs if o.msp_id == checked.msp_id), None)
        if known is not None and (checked.action == "remove" or checked.org is None):
            return known
        if checked.org is not None:
            return checked.org
        if checked.action == "add":
            return self._pending_add(checked.msp_id, checked.path)
        raise OrgChangeError(f"{checked.path} removes {checked.msp_id}, which this data folder's network does not "
                             f"name, and the file carries no spec of it (written by an older recfin): submit it "
                             f"on a host whose network has the org")

    def _check_keys_here(self, checked: UpdateFileCheck, org: PeerOrgSpec, update: configtx_pb2.ConfigUpdate,
                         channel_only: bool) -> bool:
        """Whether this data folder holds the added org's keys (checked to be the ones the update names).
        Refused before anything is sent when the steps after the update need what is not here."""
        if checked.action == "remove":
            if not channel_only and org not in self.topology.orgs:
                raise OrgChangeError(f"{org.name} is not an org of the network in {self.root}, so none of its "
                                     f"nodes stop here: submit with --channel-only")
            return False
        paths = org_crypto(self.root, org.name, org.domain)
        written = update.write_set.groups[channel_config.APPLICATION].groups[checked.msp_id]
        if paths.ca_cert.is_file() and paths.ca_cert.read_bytes() not in decode_msp(written).root_certs:
            raise OrgChangeError(f"{paths.ca_cert} is not the CA the update gives {checked.msp_id}: this data folder "
                                 f"holds another {org.name}; submit from a folder without it or with the one that "
                                 f"wrote the update")
        if not paths.ca_cert.is_file() or paths.public_only:     # its certificates at most: keys elsewhere
            if not channel_only:
                raise OrgChangeError(f"{org.name}'s keys are not in this data folder ({paths.root}): its peer starts "
                                     f"on the host that holds them (its own, when `recfin org keys` made them; else "
                                     f"where `recfin org add --update-out` ran); from here, submit with --channel-only")
            return False
        return True

    def _orgs_after(self, checked: UpdateFileCheck, org: PeerOrgSpec) -> Topology:
        """The network's orgs once the change is in, validated as topology.yaml is (names, MSP IDs,
        hostnames and ports must not clash) before anything is sent. Namespaces stay out: a channel-only
        change starts nothing, so it places nothing."""
        others = [o for o in self.topology.orgs if o.name != org.name]
        return membership.with_orgs(self.topology.model_copy(update={"namespaces": {}}),
                                    [*others, org] if checked.action == "add" else others)

    def _say_next_on_hosts(self, now: Topology, path: Path, recorded: bool,
                           keys_elsewhere: PeerOrgSpec | None) -> None:
        """What the companies do next when each runs its own node: the contract configuration names the
        channel's orgs, so the chaincode definition changes and every org approves it again."""
        say = self.net.say
        if recorded:
            say(f"  recorded in {membership.state_path(self.root)}; nothing started or stopped on this host. Next:")
        else:
            say("  not recorded here (this host's network is its bundle's, and the next bundle names the orgs "
                "as they are); nothing started or stopped on this host. Next:")
        say(f"  1. the data folder the bundles are written from records the change too (if it is another: "
            f"`recfin org submit {path} --channel-only --data-root <that folder>` there; the channel has the "
            f"update, so it is not sent again), then every org's bundle is written again: "
            f"{'; '.join(f'recfin org bundle {o.name}' for o in now.orgs)}")
        if keys_elsewhere is not None:
            say(f"     {keys_elsewhere.name}'s keys are not in this data folder: a bundle written where they are not "
                f"comes without them. Made on its own host (`recfin org keys`): the company puts them in with "
                f"`recfin host adopt-keys --bundle DIR --keys DIR`; else write its bundle where "
                f"`recfin org add --update-out` generated them")
        say("  2. each company unpacks its new bundle, runs `docker compose up -d` in it (its chaincode server "
            "takes the new configuration), then `recfin host join` (a new org) and `recfin host approve`")
        say("  3. once every org has approved, one of them runs `recfin host commit`")

    def _name_of(self, msp_id: str | None) -> str | None:
        return next((o.name for o in self.topology.orgs if o.msp_id == msp_id), None)

    def _pending_add(self, msp_id: str, path: Path) -> PeerOrgSpec:
        pending = self._pending_spec(msp_id)
        if not pending.is_file():
            raise OrgChangeError(f"{path} carries no spec of {msp_id}, the org it adds (written by an older recfin "
                                 f"or another tool), and this data folder has no record of it ({pending}): submit "
                                 f"it on the host that wrote it, or write it again with `recfin org add ... "
                                 f"--update-out`")
        return PeerOrgSpec.model_validate_json(pending.read_text())


def _claims_unread(org: PeerOrgSpec, why: str) -> str:
    """The refusal of a regulator org's removal whose claims could not be read (why)."""
    return (f"{org.name} ({org.msp_id}) is a regulator org: the key-level policy of a frozen claim names every "
            f"regulator org, and so does that of a claim whose debtor and holder are parties of one org, so once "
            f"{org.msp_id} has left no such claim could be changed again, a frozen one not even unfrozen. The claims "
            f"could not be read to find them ({why}). Stopped before anything was sent: have them read as a "
            f"regulator's user that acts for a registered regulator (--claims-as ORG/USER), or, once sure that no "
            f"claim is frozen or has its debtor and holder in one org (`recfin regulator list STATUS --all --json` "
            f"for REGISTERED, CONFIRMED, FINANCED and OVERDUE gives each claim's frozen, debtor_msp and holder_msp), "
            f"run it again with --no-claim-check")


def _frozen_by(claim) -> str:
    """A frozen claim and every order that binds it, as _claims_stranded names it: the one in effect, then those
    queued behind it in their order."""
    queued = [o.order_reference for o in claim.queued_freezes]
    return (f"{claim.id} by order {claim.frozen.order_reference}"
            + (f" with {', '.join(queued)} queued behind it" if queued else ""))


def _claims_stranded(org: PeerOrgSpec, stranded: list, staying: list[PeerOrgSpec], unread_why: str | None = None) -> str:
    """The refusal of a regulator org's removal while the key-level policy of claims (stranded: as the SDK reads
    them) names it; staying: the other regulator orgs. unread_why: why their keys' policies could not be read (a
    contract without GetReceivableEndorsers, a peer failing the query), so they are those today's regulator orgs
    give."""
    frozen = [c for c in stranded if c.frozen is not None]
    one_org = [c for c in stranded if c.frozen is None]
    # every order of each claim, queued ones too: each must be lifted and imposed again, and once the last is
    # lifted the claim keeps only that one (last_unfreeze.lifted)
    held = ([f"{len(frozen)} frozen ({first_few([_frozen_by(c) for c in frozen])})"]
            if frozen else []) + ([f"{len(one_org)} whose debtor and holder are parties of one org "
                                   f"({first_few([c.id for c in one_org])})"] if one_org else [])
    other = staying[0].name if staying else "ORG"
    ways = ([f"unfreeze each frozen one, once for each order that binds it, queued ones included (note them all "
             f"and their order first, `recfin receivable get ID` lists them, as the claim keeps only the last one "
             f"lifted), each order as a regulator of the org that recorded it, as one regulator org does not lift "
             f"another's (`recfin regulator unfreeze ID --order ORDER --as {org.name}` for {org.name}'s, "
             f"`--as {other}` for {other}'s), "
             f"remove the org, and once the chaincode definition without it is committed (this command deploys it; "
             f"after --channel-only, once the orgs have approved and committed it) have a regulator of {other} freeze "
             f"it again under each of its orders, in their order (`recfin regulator freeze ID --order ORDER --as "
             f"{other}`; each is recorded under that day's date, and `recfin receivable history ID` keeps the dates "
             f"they were first recorded on, which rank them in the queue): in between it is open to changes, so do "
             f"it at once"] if frozen else []) + (
        ["have each claim of one org's parties settled, or transferred by its holder to a party of another org, "
         "first"] if one_org else [])
    unsure = (f" As {unread_why}, these are the claims whose policy names {org.msp_id} when written today; a key keeps the regulator orgs of the "
              f"moment its policy was written, so one frozen before {org.msp_id} joined does not name it and may be "
              f"listed all the same: before lifting a freeze, deploy the current contract and run this again (it "
              f"then reads each key's policy), or, once sure from the claims' histories that each was last written "
              f"before {org.msp_id} joined, run it again with --no-claim-check" if unread_why else "")
    return (f"{org.name} ({org.msp_id}) is a regulator org, and the key-level policy of claims names it: "
            f"{'; '.join(held)}. Once it has left, its peer endorses nothing, so no change of those claims could "
            f"ever be endorsed again.{unsure} Stopped before anything was sent: {'; '.join(ways)}")


def _last_of_role(org: PeerOrgSpec, role: str) -> OrgChangeError:
    return OrgChangeError(f"{org.name} is the channel's last {role} org: the receivables contract needs one "
                          f"(add another {role} org with `recfin org add NAME --role {role}` first)")


@dataclass
class UpdateFileCheck:
    """A config update file checked against the channel: what it does and whether its signatures suffice."""

    path: Path
    action: str                                  # "add" or "remove"
    msp_id: str                                  # the org it adds or removes
    envelope: configtx_pb2.ConfigUpdateEnvelope
    current: configtx_pb2.Config                 # the channel config it was checked against
    verdict: config_policy.Verdict
    org: PeerOrgSpec | None = None               # the org's spec the file carries (None: an older file)
    applied: bool = False                        # the channel config already has the update

    def summary(self) -> dict:
        update = configtx_pb2.ConfigUpdate.FromString(self.envelope.config_update)
        # once applied, the current config holds the update's own versions: the read set alone says what was before
        before = None if self.applied else self.current
        return {"file": str(self.path), "action": self.action, "msp_id": self.msp_id,
                "org": None if self.org is None else self.org.name,
                **(parties_of(self.org) if self.org is not None else {}), "already_applied": self.applied,
                "changes": change_rows(update, before),
                "removed_members": [] if self.applied else removed_members(self.current, update),
                "signed_by": self.verdict.signed_by,
                "invalid_signatures": self.verdict.invalid_signatures,
                "missing": self.verdict.missing,
                "policy_satisfied": self.verdict.ok, "verdict": self.verdict.describe()}


# Every name importable from here before the chaincode helpers moved out to org_stranded, the imports above
# included: callers and tests import them from this module.
__all__ = ["Admin", "AdminKeyError", "AdminLoadError", "CHANNEL_ENDORSEMENT", "Callable", "CarriedOrg",
           "ChaincodeError", "ClaimsCheck", "ClaimsUnreadable", "DERIVED", "Definition", "Iterable", "Lifecycle",
           "Mapping", "Network", "NetworkConfig", "NetworkError", "OrgChange", "OrgChangeError", "OrgDefinition",
           "OrgMembership", "Path", "PeerOrgSpec", "PolicyNotSatisfiedError", "PolicySyntaxError", "REGULATOR",
           "Sequence", "StrandedChaincode", "ToolError", "Topology", "UpdateFileCheck", "_admin_key_refusal",
           "_claims_stranded", "_claims_unread", "_committed_collection_names", "_deploy_command", "_frozen_by",
           "_in_force_against_record", "_last_of_role", "_names_unendorsable", "_not_the_record", "_policy_flag",
           "_recorded_collection_names", "_recorded_policy", "_topology_policy_of", "carried_org", "ccservers",
           "change_rows", "channel", "channel_admin", "channel_config", "check_cas_its_own",
           "committed_endorsement_policy", "common_pb2", "compiled_policy", "config_policy", "config_signing",
           "configtx", "configtx_pb2", "contract_collections", "contract_config", "contract_lifecycle",
           "contract_policy", "crypto", "dataclass", "decode_msp", "ensure_free", "first_few", "hashlib", "itertools",
           "json", "membership", "namespaces", "nodeconfig", "orderer_tls_ca", "org_crypto", "org_name_too_long", "os",
           "packaging", "parties_of", "peer_admin_env", "plan_add", "plan_add_defined", "plan_remove",
           "prepare_peer_cli", "profiles", "removed_members", "replace", "shlex", "tempfile", "untagged_version",
           "updates_dir", "write_msp_of"]
