"""Acting on the running channel as its orgs' admins, for `recfin org add|remove|sign|submit`: an admin's MSP
folder and the `peer` CLI environment it signs with, the channel config fetched as one, an update sent and waited
for, who fetches or submits, and the check that what is sent, signed as the `peer` CLI signs, is what the
ordering service takes. Also what is said of an admin folder that cannot sign.
"""
from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from cryptography import x509
from fabric_protos.common import configtx_pb2

from client.ledger.msp import ChannelMsp, channel_msps

from . import channel_admin, channel_config, config_policy, config_signing, crypto, nodeconfig
from .bundle_host import prepare_peer_cli
from .control import Network
from .crypto import org_crypto
from .errors import NetworkError
from .nodeconfig import orderer_tls_ca, peer_admin_env
from .org_change import OrgChange, OrgChangeError, updates_dir
from .topology import PeerOrgSpec, Topology


class PolicyNotSatisfiedError(OrgChangeError):
    """The collected signatures do not satisfy the update's policies; nothing was submitted."""


class AdminKeyError(OrgChangeError):
    """An org admin's MSP folder in the data folder cannot sign (its key missing, locked or another's)."""


PEER_CLI_FAMILY = "SHA2"
UNSIGNABLE = ("More signatures do not help: the ordering service takes no such change while the channel's config "
              "names its policies so")
"""The signature hash family of the MSP the `peer` CLI signs with, whatever the channel config says: Fabric
builds it from the admin's folder with SHA2 hard-coded (msp/configbuilder.go), so it signs over SHA-256."""


def peer_cli_signature_counts(msp_id: str, msps: dict[str, ChannelMsp]) -> bool:
    """Whether the ordering service verifies what the `peer` CLI signs as an identity of msp_id: it verifies
    in the family of msp_id's MSP in ``msps`` (the channel config's, channel_msps), and the CLI signs in
    PEER_CLI_FAMILY's. An MSP the config does not hold counts for nothing anyway: not passed over."""
    msp = msps.get(msp_id)
    return msp is None or msp.signature_hash_family == PEER_CLI_FAMILY


def peer_cli_refusal(msp_id: str, family: str, arriving: config_policy.Verdict, way_out: str) -> str:
    """The refusal of an update submitted through the `peer` CLI as msp_id's admin, where msp_id's MSP in the
    channel config has signature hash family ``family``, not PEER_CLI_FAMILY's: the ordering service counts
    the CLI's signature for nothing. arriving: the verdict on the update as it would arrive; way_out: what to
    do then, the command's own."""
    arrived = "" if arriving.ok else f" (the update as it would arrive: {arriving.describe()})"
    return (f"not submitted: {msp_id}'s MSP in the channel config has signature hash family {family}, and "
            f"`peer channel update` signs as its submitter, {msp_id}'s admin, over SHA-256 whatever the "
            f"channel config says (Fabric builds the CLI's MSP with the {PEER_CLI_FAMILY} family), so the "
            f"ordering service would count that signature for nothing, on the update as on the transaction, "
            f"and refuse it{arrived}. {way_out}")


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


def certificate_ended(msp_dir: Path) -> tuple[Path, datetime] | None:
    """(certificate file, end) of the MSP folder's one certificate (signcerts/*.pem) when it has ended, None when
    it has not or cannot be read (the folder's loader says what is wrong with it then). The `peer` CLI sets up no
    local MSP whose signing identity has ended, and the ordering service refuses a transaction whose creator's
    certificate has, while a signature on a config update counts whatever its certificate's dates: Fabric's MSP
    validates a signer as at its certificate's notBefore."""
    found = sorted((msp_dir / "signcerts").glob("*.pem"))
    if len(found) != 1:
        return None
    try:
        ends = x509.load_pem_x509_certificate(found[0].read_bytes()).not_valid_after_utc
    except (OSError, ValueError):
        return None
    return (found[0], ends) if ends <= datetime.now(timezone.utc) else None


def ended_refusal(msp_id: str, ended: tuple[Path, datetime]) -> str:
    """Why nothing is fetched or sent through the `peer` CLI as msp_id's admin, whose certificate ended
    (certificate_ended), and what to do."""
    cert_file, ends = ended
    return (f"{msp_id}'s admin certificate {cert_file} ended on {ends:%Y-%m-%d %H:%M} UTC, and the `peer` CLI acts "
            f"as no identity whose certificate has ended (it sets up no such MSP, and the ordering service refuses "
            f"what one sends), so nothing can be fetched or sent as it. A signature it made on an update still "
            f"counts (Fabric does not hold a config update's signers to their certificates' dates): act as another "
            f"org's admin, or renew this certificate for its key (in recfin's own admin folder: move "
            f"{cert_file.name} out of signcerts/ and run `recfin network prepare`, which issues it again for the key "
            f"kept in keystore/)")


class ChannelAdmins:
    """The channel as its org admins reach it; the base that each of OrgMembership's operations builds on."""

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

    def _admin_env(self, admin: Admin, scratch: Path | None = None) -> dict[str, str]:
        """`peer` CLI env as the admin. What the CLI needs besides the admin's MSP: the orderers' TLS CA
        certificate, and a core.yaml for its client settings (where no peer of the org runs on this host,
        the Fabric install's base one, as `recfin host` gives a bundle). scratch: a folder that base core.yaml
        goes to, where one is needed, in place of the peer's config folder (a dry run writes nothing here)."""
        if (ended := certificate_ended(admin.msp_dir)) is not None:
            raise OrgChangeError(ended_refusal(admin.org.msp_id, ended))
        tls_ca = orderer_tls_ca(self.topology, self.root)
        if not tls_ca.is_file():
            raise OrgChangeError(f"no TLS CA certificate of the ordering service at {tls_ca}: the `peer` CLI "
                                 f"verifies the orderers with it; give --bundle (every org's bundle holds it), "
                                 f"or copy it there from the hosts data folder")
        node = self.topology.peers(admin.org.name)[0]
        env = peer_admin_env(self.topology, self.root, admin.org.name) | \
            {"CORE_PEER_MSPCONFIGPATH": str(admin.msp_dir)}
        if not (nodeconfig.node_dirs(self.root, node.name).config / "core.yaml").is_file():
            cli_root = self.root if scratch is None else scratch
            prepare_peer_cli(self.net.fabric.require(("peer",)), cli_root, [node])
            env["FABRIC_CFG_PATH"] = str(nodeconfig.node_dirs(cli_root, node.name).config)
        return env

    def _config_block(self, admin: Admin) -> Path:
        """Where the latest config block fetched as admin is kept."""
        return updates_dir(self.root) / f"config-{admin.org.name}.block"

    def fetch_config(self, via: str | Admin, keep: bool = True) -> configtx_pb2.Config:
        """The channel's current config, fetched from the ordering service as an org's admin. keep False (a
        dry run, which leaves the data folder as it was): the block, and the core.yaml the `peer` CLI needs
        where none is here, go to a temporary folder, removed once the config is read."""
        admin = via if isinstance(via, Admin) else self.admin(via)
        if keep:
            return channel_admin.fetch_config(self.net, self._admin_env(admin), self._config_block(admin))
        with tempfile.TemporaryDirectory() as scratch:
            return channel_admin.fetch_config(self.net, self._admin_env(admin, Path(scratch)),
                                              Path(scratch) / self._config_block(admin).name)

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

    def _require_signatures(self, change: OrgChange) -> None:
        """Refused (PolicyNotSatisfiedError) unless the signatures satisfy the update's policies as the
        ordering service will get them: sent by _submitter, whose own signature `peer channel update` makes
        (check_sent_as)."""
        if not change.verdict.ok:
            remedy = ("Sign as more org admins (--sign-as), or have the missing admins' keys in the data folder"
                      if change.verdict.signable else UNSIGNABLE)
            raise PolicyNotSatisfiedError(f"not submitted: {change.verdict.describe()}. {remedy}")
        submitter = self.admin(self._submitter(change, self._leaving(change)))
        msp_id, name = submitter.org.msp_id, submitter.org.name
        self.check_sent_as(
            submitter, change.envelope(leave_out=msp_id), change.current,
            f"Sign as the admin of an org whose MSP is {PEER_CLI_FAMILY} too (--sign-as ORG, its keys in the "
            f"data folder), which then submits; or write the update with --update-out FILE, have {msp_id}'s "
            f"admin sign it with `recfin org sign FILE --as {name}` (which signs in its MSP's family) and "
            f"submit it as the admin of an org whose MSP is {PEER_CLI_FAMILY} (`recfin org submit FILE --as "
            f"ORG`)")

    def submission_refusal(self, change: OrgChange) -> str | None:
        """What `org add|remove` would refuse change with before sending it (_require_signatures: the
        signatures, then the update as the ordering service gets it from the submitter), None when it would
        send it: a dry run says so in the run's own words. Signs only copies; writes and sends nothing."""
        try:
            self._require_signatures(change)
        except OrgChangeError as refused:       # a submitter's admin folder gone is refused by the run too
            return str(refused)
        return None

    @staticmethod
    def _leaving(change: OrgChange) -> str | None:
        """The MSP ID of the org the change takes out of the channel, if any: its admin submits nothing."""
        return change.org.msp_id if change.action == "remove" else None

    def _submitter(self, change: OrgChange, leaving: str | None = None) -> str:
        """The MSP ID of the signing org, staying in the channel, whose admin submits the change: the first of
        the topology whose admin's certificate has not ended (certificate_ended: the `peer` CLI cannot act as
        one that has, while its signature counts sent by another) and whose MSP the `peer` CLI signs for so
        that its signature counts (peer_cli_signature_counts), else the first. Submitting, an admin's
        signature gives way to the CLI's: one of an org of another family would count for nothing, where sent
        by another org's admin it counts."""
        staying = [o for o in self.topology.orgs if o.msp_id in change.signatures and o.msp_id != leaving]
        if not staying:
            raise OrgChangeError("no admin of an org staying in the channel signed the update: add one with "
                                 "--sign-as")
        msps = channel_msps(change.current)
        return min(staying, key=lambda org: (self._admin_ended(org),
                                             not peer_cli_signature_counts(org.msp_id, msps))).msp_id

    def _admin_ended(self, org: PeerOrgSpec) -> bool:
        """Whether the certificate of org's admin in the data folder has ended (certificate_ended)."""
        return certificate_ended(org_crypto(self.root, org.name, org.domain).user_msp(org.admin)) is not None

    @staticmethod
    def check_sent_as(submitter: Admin, others: configtx_pb2.ConfigUpdateEnvelope,
                      current: configtx_pb2.Config, way_out: str) -> None:
        """Refused (PolicyNotSatisfiedError), before anything is sent, unless what the ordering service will
        get satisfies the update's policies against current, the channel config: others' signatures and the
        one `peer channel update` adds as submitter, which replaces that org's own, and whose identity, in
        its MSP folder, may not be that org's admin. Signed here on a copy, never sent.

        Signed as the CLI signs, over SHA-256 (PEER_CLI_FAMILY), and verified as the ordering service
        verifies, in the family of the submitter's MSP in current: an admin of an MSP set to SHA3 sends a
        signature that counts for nothing, on the update as on the transaction (whose signer the ordering
        service holds to /Channel/Writers first), whatever the others' signatures. way_out: what to do then,
        the command's own. Refused first when the submitter's certificate has ended (certificate_ended): the
        CLI would not run as it, nor the ordering service take what it sends."""
        if (ended := certificate_ended(submitter.msp_dir)) is not None:
            raise PolicyNotSatisfiedError(f"not submitted: {ended_refusal(submitter.org.msp_id, ended)}")
        sent = configtx_pb2.ConfigUpdateEnvelope()
        sent.CopyFrom(others)
        signed = config_signing.add_signature(sent, config_signing.load_admin(submitter.msp_dir,
                                                                              submitter.org.msp_id))
        verdict = config_policy.evaluate(current, sent)
        # over SHA-256 it verifies (the key is the certificate's), in the channel's family it does not
        if signed.valid and not config_signing.signers(sent, current)[-1].valid:
            msp_id = submitter.org.msp_id
            raise PolicyNotSatisfiedError(peer_cli_refusal(
                msp_id, channel_msps(current)[msp_id].signature_hash_family, verdict, way_out))
        if not signed.valid or not verdict.ok:
            raise PolicyNotSatisfiedError(f"not submitted: signed as the identity in {submitter.msp_dir} "
                                          f"({signed.msp_id} {signed.subject}) the update would be refused: "
                                          f"{verdict.describe()}. Submit as an admin of "
                                          f"{submitter.org.msp_id} (--msp-dir its admin's MSP folder), or as "
                                          f"another org's admin")

    def _via(self, leaving: str | None = None) -> str:
        """The org (not ``leaving``) whose admin fetches the channel's config: the first with its admin's folder
        here, one whose certificate has not ended first (the `peer` CLI cannot act as that one)."""
        here = [org for org in self.topology.orgs
                if org.name != leaving and org_crypto(self.root, org.name, org.domain).user_msp(org.admin).is_dir()]
        if not here:
            raise NetworkError(f"no org admin of the channel has its MSP folder in the data folder {self.root} "
                               f"(crypto/<org>/users/<admin>/msp), so the channel's config cannot be fetched here: "
                               f"run the command on the host that holds an org admin's keys (give its folder with "
                               f"--data-root), or, with --dry-run or --update-out, give the channel's config block "
                               f"with --config-block")
        return min(here, key=self._admin_ended).name
