"""The org change as a file, for admins whose keys live on other hosts: written (`--update-out`), checked against
the channel (UpdateFileCheck), signed on each admin's host (`recfin org sign`) and submitted (`recfin org submit`),
which then finishes the add or removal as OrgMembership's own do.
"""
from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

from fabric_protos.common import common_pb2, configtx_pb2

from client.ledger import config_policies
from client.ledger.msp import OrgMsp, channel_msps, fabric_certificate

from . import channel_config, config_policy, config_signing, membership, namespaces
from .control import run_lock
from .crypto import org_crypto
from .errors import NetworkError, shell_word, shell_words
from .org_admins import (PEER_CLI_FAMILY, UNSIGNABLE, Admin, ChannelAdmins, PolicyNotSatisfiedError,
                         peer_cli_signature_counts)
from .org_change import (CarriedOrg, OrgChange, OrgChangeError, carried_org, change_rows, check_cas_its_own,
                         check_contract_role_ous, check_group_readable, check_held_by_its_own,
                         check_identifiers_free, parties_of, removed_members, updates_dir)
from .org_claims import ClaimsCheck
from .org_definition import decode_msp
from .org_definition_file import OUT_OF_VALIDITY, out_of_validity, write_msp_of
from .topology import PeerOrgSpec, Topology, org_name_ends_in_hyphen, org_name_too_long


class NotAnUpdateFile(OrgChangeError, config_signing.UpdateFileError):
    """The file given is no org update of this channel at all, as the file alone shows: it cannot be read,
    holds no CONFIG_UPDATE transaction, has a part that cannot be read (a signature, the org spec it carries)
    or says of itself what its update does not do, or updates another channel than this network's. The file is
    at fault, not the update: told apart from a refusal of the update against the channel's config (stale
    versions, a joining group other admins could act for, a signature that counts for nothing), the command's
    own answer. Both an OrgChangeError and an UpdateFileError: the refusals it gathers were raised as one or
    the other before, and a caller catching either still catches them."""


def _refuse_writing_over_what_is_no_update(path: Path) -> None:
    """OrgChangeError, nothing written, when the file at path holds something that is no config update: an
    empty file holds nothing to lose, and an update (of this org change or another) is what --update-out
    replaces."""
    if path.stat().st_size == 0:
        return
    try:
        config_signing.read_update_file(path)
    except config_signing.UpdateFileError:
        raise OrgChangeError(f"{path} is there and holds no config update transaction, so it may be a file "
                             f"of yours (the org's definition, a topology): it is not written over, and "
                             f"nothing was written. Give --update-out a new file, or move {path} away and "
                             f"run this again") from None


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


class OrgUpdateFiles(ChannelAdmins):
    """The update-file operations of OrgMembership."""

    def write_update(self, change: OrgChange, path: Path) -> Path:
        """Write the signed update for other hosts' admins to sign (`recfin org sign`) and any of them to
        submit (`recfin org submit`): it carries the org's spec, so no record of this host is needed there.

        A file at path that holds this very update (an `--update-out` run again, the channel unchanged) keeps
        the signatures other admins added to it: written anew, it would lose them without a word. They join
        change (its signatures, and its verdict with them), so what is printed is what the file holds. A file
        of another update is replaced: its signatures are over other bytes. A file that holds no update at all
        (the org's definition, a topology, any file of the operator's named by mistake) is refused, nothing
        written: it is not this command's to replace. Nor is an update no signatures of the channel's admins
        could let through (its verdict not signable) written, for admins to sign in vain."""
        self._refuse_unsignable(change.verdict, "not written")
        if not path.is_file():
            return config_signing.write_update_file(path, change.channel, change.envelope())
        with config_signing.update_file_lock(path):     # a `recfin org sign` of it here waits, or goes first
            _refuse_writing_over_what_is_no_update(path)
            for msp_id, signature in self._signed_already(path, change).items():
                change.signatures.setdefault(msp_id, signature)
            change.verdict = config_policy.evaluate(change.current, change.envelope())
            return config_signing.write_update_file(path, change.channel, change.envelope())

    @staticmethod
    def _signed_already(path: Path, change: OrgChange) -> dict[str, configtx_pb2.ConfigSignature]:
        """The signatures the update file at path holds that verify, by MSP ID, when it is change's update
        for change's channel; none for any other file (another update, or one not readable as an update)."""
        try:
            channel_id, held = config_signing.read_update_file(path)
        except config_signing.UpdateFileError:
            return {}
        if channel_id != change.channel or held.config_update != change.update.SerializeToString():
            return {}
        return {signed.msp_id: signature
                for signature, signed in zip(held.signatures, config_signing.signers(held, change.current))
                if signed.valid}

    def _pending_spec(self, msp_id: str) -> Path:
        """Where an older recfin kept the new org's spec between `--update-out` and `submit`."""
        return updates_dir(self.root) / f"pending-{msp_id}.json"

    def _read_update(self, path: Path) -> tuple[configtx_pb2.ConfigUpdateEnvelope, configtx_pb2.ConfigUpdate,
                                                 CarriedOrg | None]:
        """The file's update and the org it carries, judged from the file alone, before the channel is asked:
        NotAnUpdateFile when it is no update of this channel at all (see there)."""
        try:
            channel_id, update_envelope = config_signing.read_update_file(path)
            update = configtx_pb2.ConfigUpdate.FromString(update_envelope.config_update)
            carried = carried_org(update, path)
        except (config_signing.UpdateFileError, OrgChangeError) as exc:
            raise NotAnUpdateFile(str(exc)) from None
        if channel_id != self.topology.channel:
            raise NotAnUpdateFile(f"{path} updates channel {channel_id!r}, not {self.topology.channel!r}: "
                                  f"use the topology of that channel (--topology)")
        return update_envelope, update, carried

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
            if checked.action == "remove" and (leaving := self._leaving_org_of(checked)) is not None:
                self.check_removal_worth_signing(leaving, checked.current, path)
            self._refuse_unsignable(checked.verdict, f"nothing signed, {path} left as it was")
            signed = config_signing.add_signature(checked.envelope,
                                                  config_signing.load_admin(admin.msp_dir, admin.org.msp_id),
                                                  checked.current)
            if not signed.valid:
                raise OrgChangeError(f"the key in {admin.msp_dir} does not match its certificate: nothing written")
            self._check_counts(signed, admin, checked.current)
            config_signing.write_update_file(path, self.topology.channel, checked.envelope)
        checked.verdict = config_policy.evaluate(checked.current, checked.envelope)
        return f"{signed.msp_id} {signed.subject}", checked

    @staticmethod
    def _refuse_unsignable(verdict: config_policies.Verdict, nothing_done: str) -> None:
        """Refused (PolicyNotSatisfiedError) when no signatures could meet the update's policies (a policy met by
        no signature, or one the channel's admins all signing leave unmet), saying what was not done."""
        if not verdict.ok and not verdict.signable:
            raise PolicyNotSatisfiedError(f"{verdict.describe()}. {UNSIGNABLE}: {nothing_done}")

    def _check_counts(self, signed: config_policies.SignedBy, admin: Admin,
                      current: configtx_pb2.Config) -> None:
        """Refused, before the file is written, when the signature just made would count for no policy of the
        update (current: the channel config it is checked against): the org is not in the channel, or the
        identity in the admin's MSP folder is not that org's admin as the channel's MSP takes one (a client's
        or a peer's folder, another org's, a revoked admin). Written, it would be reported as the org's
        signature while the verdict still misses the org."""
        orgs = channel_config.application_orgs(current)
        if signed.msp_id not in orgs:
            raise OrgChangeError(f"{signed.msp_id} is not an org of the channel {self.topology.channel} (its "
                                 f"orgs are {', '.join(orgs)}): Fabric counts its admin's signature for none "
                                 f"of the update's policies. Nothing written: the admins of the channel's "
                                 f"orgs sign it")
        if not config_policies.satisfies(signed, signed.msp_id, "admin", config_policies.org_msps(current)):
            raise OrgChangeError(f"the identity in {admin.msp_dir} ({signed.msp_id} {signed.subject}) is not "
                                 f"an admin of {signed.msp_id} as the channel's config has it, so Fabric "
                                 f"counts its signature for nothing. Nothing written: sign with "
                                 f"{signed.msp_id}'s admin's MSP folder (--msp-dir)")

    def submit_update_file(self, path: Path, *, channel_only: bool = False, as_org: str | None = None,
                           msp_dir: Path | None = None, record: bool = True,
                           signature_policy: str | None = None, claims: ClaimsCheck = ClaimsCheck(),
                           topology_path: Path | None = None) -> UpdateFileCheck:
        """Submit the file's update once its signatures satisfy the policy, then finish the add or remove.

        Submitted as as_org's admin (msp_dir, else this data folder's), by default an admin of a staying
        org whose keys are here, preferably one whose MSP is SHA2 and that signed (_file_submitter); refused
        before anything is sent when the submitter's signature, as the `peer` CLI makes it, would not count
        (check_sent_as: an admin of a SHA3 org). An update the channel already has is not sent
        again: only the steps after it run. channel_only: start and stop nothing here; record the org's
        arrival or departure in this data folder (unless not record: a bundle's host, whose network is its
        bundle's) and say what each company does next (`recfin org bundle`, `recfin host approve`).
        signature_policy: for a removal here, as for remove; claims: for a removal, as for remove. topology_path: the
        --topology the network was given, which the commands said next take too (None: the default one).

        Unless channel_only, under the data folder's run lock once the file is read (one that is no update writes
        nothing), as add and remove are: they start and stop the org's processes here. channel_only starts and
        stops nothing, and its folder may be a bundle's. Unless channel_only, refused as add and remove are, up
        front, while an org is cut off the bridge (namespaces.refuse_unreachable; for a removal the leaving org's own
        link does not count): once the update is in, the org's peer joins from the others, or the chaincode is
        deployed again without the org, which waited in vain for the org cut off."""
        read = self._read_update(path)
        if not channel_only:
            carried = read[2]
            leaving = carried.org.msp_id if carried is not None and carried.action == "remove" else None
            namespaces.refuse_unreachable(self.topology, leaving=self._name_of(leaving))
        with nullcontext() if channel_only else run_lock(self.root, "recfin org submit"):
            return self._submit_update_file(path, read, channel_only, as_org, msp_dir, record, signature_policy,
                                            claims, topology_path)

    def _submit_update_file(self, path: Path, read: tuple[configtx_pb2.ConfigUpdateEnvelope,
                                                          configtx_pb2.ConfigUpdate, CarriedOrg | None],
                            channel_only: bool, as_org: str | None, msp_dir: Path | None, record: bool,
                            signature_policy: str | None, claims: ClaimsCheck,
                            topology_path: Path | None) -> UpdateFileCheck:
        update_envelope, update, carried = read
        if channel_only:
            self.net.fabric.require(("peer",))
        else:
            self.net.fabric.require()
        leaving = carried.org.msp_id if carried is not None and carried.action == "remove" else None
        submitter = self._file_submitter(update_envelope, leaving, as_org, msp_dir)
        checked = self._check(path, update_envelope, update, carried, submitter)   # the config fetched as it
        adding = checked.action == "add"
        if not adding and as_org is not None and submitter.org.msp_id == checked.msp_id:   # an older file
            raise OrgChangeError(f"{checked.msp_id} leaves the channel with this update, so its admin could "
                                 f"not see it through: submit as an admin of an org that stays")
        if as_org is None:      # chosen again knowing the channel's config: who signed, in which MSP's family
            submitter = self._file_submitter(update_envelope, None if adding else checked.msp_id, None, None,
                                             checked.current)
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
                remedy = (f"Have the missing admins sign it with `recfin org sign {shell_word(path)} --as ORG`"
                          if checked.verdict.signable else UNSIGNABLE)
                raise PolicyNotSatisfiedError(f"not submitted: {checked.verdict.describe()}. {remedy}")
            # `peer channel update` adds the submitter's own signature: one identity signs once.
            signed_by = config_signing.signers(checked.envelope)
            others = configtx_pb2.ConfigUpdateEnvelope(
                config_update=checked.envelope.config_update,
                signatures=[sig for sig, who in zip(checked.envelope.signatures, signed_by)
                            if who.msp_id != submitter.org.msp_id])
            self.check_sent_as(
                submitter, others, checked.current,
                f"Submit it as the admin of an org whose MSP is {PEER_CLI_FAMILY} (--as ORG, or from its "
                f"host): {submitter.org.msp_id}'s admin's signature in the file, made with `recfin org sign "
                f"{shell_word(path)} --as {submitter.org.name}`, then goes with it and counts; or have another "
                f"org's admin sign it with `recfin org sign {shell_word(path)} --as ORG` in its place")
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
            self._say_next_on_hosts(now, path, record, None if keys_here or not adding else org, topology_path)
        elif adding:
            self._after_add(org, self.grown(org))
        else:
            self._after_remove(org, signature_policy, checked.current, stranded)
        return checked

    def _file_submitter(self, update_envelope: configtx_pb2.ConfigUpdateEnvelope, leaving: str | None,
                        as_org: str | None, msp_dir: Path | None,
                        current: configtx_pb2.Config | None = None) -> Admin:
        """as_org's admin, else an admin of a channel org staying in it whose keys are here. With current, the
        channel config, each signature is judged in its signer's MSP's family there (one of a SHA3 org
        counts), and the org whose admin submits is, by preference: one whose MSP the `peer` CLI signs for so
        that its signature counts (peer_cli_signature_counts) and that signed (its signature gives way to the
        CLI's), one of those that did not (the CLI adds a signature that counts), one of another family that
        did not sign (nothing lost, nothing gained), and last one of another family that signed: it would
        lose that signature, which goes with the update when another org's admin submits it. Before all of
        them, an admin whose certificate has not ended (the CLI cannot act as one that has: _admin_ended).
        Without current, every MSP is taken as SHA2's, and the signatures verified over SHA-256."""
        if as_org is not None:
            admin = self.admin(as_org, msp_dir)
            if admin.org.msp_id == leaving:
                raise OrgChangeError(f"{leaving} leaves the channel with this update, so its admin could not see "
                                     f"it through: submit as an admin of an org that stays")
            return admin
        signed = {s.msp_id for s in config_signing.signers(update_envelope, current) if s.valid}
        msps = {} if current is None else channel_msps(current)
        local = [o for o in self.topology.orgs if o.msp_id != leaving
                 and (org_crypto(self.root, o.name, o.domain).user_msp(o.admin) / "signcerts").is_dir()]

        def preference(org: PeerOrgSpec) -> tuple[bool, bool, bool]:
            counts = peer_cli_signature_counts(org.msp_id, msps)
            return self._admin_ended(org), not counts, (org.msp_id in signed) != counts

        for org in sorted(local, key=preference):
            return self.admin(org.name)
        raise OrgChangeError(f"no admin of an org staying in the channel has its MSP folder in {self.root}: "
                             f"submit as your org's admin with --as ORG (its MSP folder with --msp-dir), "
                             f"or from your bundle with --bundle")

    def _check_joining(self, checked: UpdateFileCheck, org: PeerOrgSpec | None) -> None:
        """An org still to come in is held, however its file was written, to MAX_ORG_NAME and to a name not ending in
        a hyphen (an older recfin did not hold names to them; org None: the file carries no spec), to a name
        and MSP ID no other org has in another case (_check_identifiers_free), to an MSP named as its group is
        (the name Fabric knows it by), to CAs of its own (check_cas_its_own) and to a group held by its own admins
        (check_held_by_its_own: a file edited before anyone signed could give another org's admin its vote), and
        to the NodeOUs the receivables contract knows its admins and nodes by (check_contract_role_ous, as a
        definition is held to them); one the channel already has keeps its name, CAs and policies."""
        if checked.action != "add" or checked.applied:
            return
        if org is not None and (problem := org_name_too_long(org.name)):
            raise OrgChangeError(f"{org.name} ({org.msp_id}) cannot join: {problem}: the company chooses a shorter "
                                 f"name with `recfin org keys` and the update is written again")
        if org is not None and (problem := org_name_ends_in_hyphen(org.name)):
            raise OrgChangeError(f"{org.name} ({org.msp_id}) cannot join: {problem}: the company drops the hyphen "
                                 f"with `recfin org keys` and the update is written again")
        self._check_identifiers_free(checked, org)
        update = configtx_pb2.ConfigUpdate.FromString(checked.envelope.config_update)
        group = update.write_set.groups[channel_config.APPLICATION].groups[checked.msp_id]
        added = check_group_readable(group, checked.msp_id, f"Sign and submit none of {checked.path}: write "
                                                            f"the update again with `recfin org add "
                                                            f"--update-out`")
        if added.msp_id != checked.msp_id:
            # Fabric knows an org by the name inside its MSP value, not by its group's key
            whose = (f", the MSP ID of {self._name_of(added.msp_id) or 'an org'} of the channel: {checked.msp_id} "
                     f"would take its identities for its own"
                     if added.msp_id in config_policies.org_msps(checked.current) else "")
            raise OrgChangeError(f"the update in {checked.path} adds the group {checked.msp_id} with an MSP named "
                                 f"{added.msp_id}{whose}. Sign and submit none of it: the update is written again "
                                 f"from the definition the company sends (`recfin org add --definition`)")
        check_cas_its_own(added, checked.current, self.topology,
                          f"Sign and submit none of {checked.path}: the company makes a CA of its own with `recfin "
                          f"org keys`, and the update is written again from the definition it sends",
                          joining_id=checked.msp_id)
        self._check_cas_in_validity(added, checked)
        check_contract_role_ous(added, checked.msp_id,
                                f"Sign and submit none of {checked.path}: the update is written again from the "
                                f"definition the company sends (`recfin org add --definition`), which `recfin org "
                                f"keys` writes with those OUs")
        check_held_by_its_own(group, checked.msp_id,
                              f"Sign and submit none of {checked.path}: write the update again with "
                              f"`recfin org add --update-out` (`--definition` for the definition the "
                              f"company sends)")

    @staticmethod
    def _check_cas_in_validity(added: OrgMsp, checked: UpdateFileCheck) -> None:
        """Refused when a CA or TLS CA certificate of the joining org's MSP has ended (or not begun), as `org add
        --definition` refuses its definition: a file written before it ended, or by a recfin without the check."""
        for kind, pems in (("msp.ca_cert", added.root_certs), ("msp.tlsca_cert", added.tls_root_certs)):
            for pem in pems:
                cert = fabric_certificate(pem)
                if (when := out_of_validity(cert)) is not None:
                    cost, fix = OUT_OF_VALIDITY[kind]
                    raise OrgChangeError(f"the update in {checked.path} adds {checked.msp_id} with the "
                                         f"{'TLS ' if kind == 'msp.tlsca_cert' else ''}CA certificate "
                                         f"{cert.subject.rfc4514_string()}, which {when}: {cost}. Sign and "
                                         f"submit none of it: the company should {fix}, and the update is "
                                         f"written again from it (`recfin org add --definition`)")

    def _check_identifiers_free(self, checked: UpdateFileCheck, org: PeerOrgSpec | None) -> None:
        """check_identifiers_free against this data folder's record and the channel's MSP IDs: a file
        written elsewhere, from a record that lacks an org of the channel, is held here to what `org add`
        is held to."""
        name = org.name if org is not None else checked.msp_id
        check_identifiers_free(self.topology, checked.current, name, checked.msp_id,
                               f"Sign and submit none of {checked.path}: the org chooses another name "
                               f"(`recfin org keys`, or `recfin org add NAME --update-out` here) and the "
                               f"update is written again")

    def _leaving_org_of(self, checked: UpdateFileCheck) -> PeerOrgSpec | None:
        """The spec of the org a removal takes out, as _org_of finds it; None where neither this data folder nor
        the file (an older recfin's) names it, which only the submitting host needs."""
        try:
            return self._org_of(checked)
        except OrgChangeError:
            return None

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
                if checked.applied:     # recorded here too: finished, not a reason to ask for --channel-only
                    self.check_removal_unfinished(org.msp_id)
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
                           keys_elsewhere: PeerOrgSpec | None, topology_path: Path | None) -> None:
        """What the companies do next when each runs its own node: the contract configuration names the
        channel's orgs, so the chaincode definition changes and every org approves it again. The commands said
        take topology_path (--topology), as the network acted on was given it: without it they would read the
        default topology, another network's."""
        say = self.net.say
        if recorded:
            say(f"  recorded in {membership.state_path(self.root)}; nothing started or stopped on this host. Next:")
        else:
            say("  not recorded here (this host's network is its bundle's, and the next bundle names the orgs "
                "as they are); nothing started or stopped on this host. Next:")
        topology = [] if topology_path is None else ["--topology", str(topology_path)]
        from_here = self._bundles_written_here(recorded)
        submit = shell_words(["recfin", "org", "submit", str(path), "--channel-only", *topology])
        bundles = (shell_words(["recfin", "org", "bundle", o.name, *topology]) + from_here for o in now.orgs)
        say(f"  1. the data folder the bundles are written from records the change too (if it is another: "
            f"`{submit} --data-root <that folder>` there; the "
            f"channel has the update, so it is not sent again), then every org's bundle is written again: "
            f"{'; '.join(bundles)}")
        if keys_elsewhere is not None:
            say(f"     {keys_elsewhere.name}'s keys are not in this data folder: a bundle written where they are not "
                f"comes without them. Made on its own host (`recfin org keys`): the company puts them in with "
                f"`recfin host adopt-keys --bundle DIR --keys DIR`; else write its bundle where "
                f"`recfin org add --update-out` generated them")
        say("  2. each company unpacks its new bundle, runs `docker compose up -d` in it (its chaincode server "
            "takes the new configuration), then `recfin host join` (a new org) and `recfin host approve`")
        say("  3. once every org has approved, one of them runs `recfin host commit`")

    def _bundles_written_here(self, recorded: bool) -> str:
        """The --data-root of the `recfin org bundle` lines said next: this folder, where it recorded the change and
        the bundles are written from it (made with `prepare --hostnames`) while `org bundle` would read another by
        default; nothing where that default is this folder, or the bundles come from elsewhere (a native folder,
        a bundle)."""
        from .bundle import check_prepared_for_hostnames
        from .compose import hosts_data_root

        if not recorded or self.root.resolve() == hosts_data_root(self.topology).resolve():
            return ""
        try:
            check_prepared_for_hostnames(self.topology, self.root)
        except NetworkError:
            return ""
        return f" --data-root {shell_word(self.root)}"

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
