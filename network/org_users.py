"""An org's own people: a client identity issued to a new employee, and one revoked (a leaver, a lost key).

Issuing (`recfin org user add`): the org's CA issues the user a signing MSP folder whose
certificate carries the client OU of the org's NodeOUs config and Fabric CA's attribute
extension (`recfin.role` from the org's role, `recfin.enterprise`), and its TLS CA a client
pair, exactly as the generator issues the topology's users (crypto.issue_user). That runs
where the org's CA keys are: the data folder that generated them (the native network's, or
the hosts folder bundles are written from), or the company's own keys folder (`recfin org
keys`). The user is recorded in that folder's membership.yaml, so connection profiles,
bundles written from it and `--as ORG/USER` see it as they see the topology's users. Only an
org's own CA issues: both CAs' certificates and keys must be there, each key its certificate's
and each certificate the one in the org's verifying MSP (no CA is ever made here). Its attributes
are recfin.role and recfin.enterprise only, the enterprise one of the org's. Issuing holds the
folder's lock (membership.locked) from its last check to the record, so runs at once neither lose
a record nor issue one name twice; a run stopped part way is finished by the same run again
(ISSUING_FILE), its certificate kept.

A user whose key was made in an HSM (`recfin hsm generate`) sends a certificate request instead
(`--csr`): once its signature shows the request was made with the key it names, the CA issues the
signing certificate for that public key, with the subject, OU and attributes it gives any new user
(the request's own subject is not taken), and the MSP folder gets no keystore key; `recfin hsm link`
then has the user sign in the HSM. The TLS client pair is still a file key issued here.

Revoking (`recfin org user revoke`): a CRL signed by the org's CA that lists the user's
certificate beside every earlier revocation (network.crl), and the channel config update that
puts it into the org's MSP value in place of that CA's earlier CRL, changing nothing else.
The value's mod_policy is the org's Admins (OR('<MSP>.admin')), so the org's own admin signs
it; the policy is checked with that signature before anything is sent (config_policy), and
the update is submitted as that admin through `peer channel update`. From the config block
that carries it, every peer's channel MSP refuses the certificate: proposals it signs are not
endorsed, transactions it created are invalidated. Once the channel has it, the CRL is also
written into the org's local MSP folders (msp/crls/crl.pem of each peer, each user and, last, the
verifying MSP), read by the org's peer at its next start and by any channel definition made
from that MSP later, and the org's connection profile marks the user revoked. Nothing is written
here before the channel has the update. Where the channel's CRLs revoke more than the ones kept here
(a run whose wait stopped after submitting, a revocation made on another host), running the
revocation again, or `recfin org user list --sync`, writes the channel's CRLs here (OrgUsers.sync):
the newest as crl.pem, and any other one of the org's CA that lists more beside it (crl.missing_in).
What the org revokes here is read from every CRL of its CA in the verifying MSP's crls/ (crl.local_crls),
as Fabric applies each of them.

What is here acts on certificates only; the ledger is the client's side (this package never
imports it). `recfin org user revoke` then takes the identity's rights on the ledger too: as the
same admin (the MSP folder that signed the update) it asks the contract which party the identity
acts for (FindIdentityParty) and unbinds it there (UnbindPartyIdentity), unless given
--keep-binding. A party keeps the identity while none of its others has a certificate held here
that no CRL of the org's CA kept here revokes (OrgUsers.held_certificates); the command then names the
party and the commands that finish the job once another identity is bound.
"""
from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import ec
from fabric_protos.common import configtx_pb2
from pydantic import ValidationError

from client.atomic_file import make_folders, write_atomically
from client.ledger.msp import fabric_certificate
from client.receivables import client_id_of

from . import channel_config, config_policy, config_signing, crl, membership, org_definition_file, profiles
from .crypto import (REVOKED_NAME_RULE, OrgCrypto, ca_files_problem, certificates_under, client_certificate,
                     fabric_ski, issue_user, issued_by, issued_certificates, load_cert, load_key, org_crypto,
                     revocations_unaccounted_for, revoked_by_org, start_issued_record, unaccounted_reason)
from .errors import NetworkError
from .org_admins import PEER_CLI_FAMILY
from .org_change import change_rows, locked_out, sign_and_check, verdict_rows
from .org_definition import decode_msp, msp_node_config, revocation_list, with_revocation_list
from .org_membership import Admin, OrgMembership, PolicyNotSatisfiedError, updates_dir
from .topology import USER_ROLE_TO_CONTRACT_ROLE, PeerOrgSpec, UserSpec, format_validation_error

ROLE_ATTR, ENTERPRISE_ATTR = "recfin.role", "recfin.enterprise"
# The attributes a user's certificate carries: what recfin's tooling reads (the topology's users carry these two;
# the contract reads none, a party lists the identities acting for it). Anything else would be written into the
# certificate unread, or be a misspelling of one of these.
USER_ATTRS = (ROLE_ATTR, ENTERPRISE_ATTR)
DEFAULT_CLIENT_OU = "client"
MAX_COMMON_NAME = 64            # X.509's upper bound for a CN, which is <user>@<org domain>
CSR_CURVES = ("secp256r1", "secp384r1")   # the curves of the client keys Fabric's MSPs verify (P-256, P-384)
# In a user's folder from the moment `org user add` claims it until the user is recorded: what that run was
# asked for. A folder holding it and no record is a run that stopped part way (killed, the host down), which
# the next run asked the same finishes; outside msp/ and tls/, so no MSP loader reads it.
ISSUING_FILE = "issuing.json"


class OrgUserError(NetworkError):
    pass


class AlreadyRevokedError(OrgUserError):
    """The channel's CRL of the org already lists the user; channel_crls are the org CA's CRLs the channel has."""

    def __init__(self, message: str, channel_crls: list[x509.CertificateRevocationList] | None = None):
        super().__init__(message)
        self.channel_crls = list(channel_crls or [])


# ---- where the org's CA keys are ------------------------------------------------------------------
@dataclass(frozen=True)
class CaFolder:
    """The folder holding an org's CA keys (crypto/<org>/ca, tlsca), and the org as that folder knows it."""

    root: Path
    org: PeerOrgSpec

    @property
    def paths(self) -> OrgCrypto:
        return org_crypto(self.root, self.org.name, self.org.domain)

    def require_keys(self, tls: bool = True) -> None:
        """The org's CA (and TLS CA, with tls) can sign here: certificate and key of each, the key the
        certificate's, the certificate the one in the org's verifying MSP. Refused before anything is written."""
        needed = [self.paths.ca_key, self.paths.tlsca_key] if tls else [self.paths.ca_key]
        missing = next((key for key in needed if not key.is_file()), None)
        if missing is not None:
            raise OrgUserError(f"{self.org.name}'s CA key is not on this host ({missing} is missing): its users are "
                               f"issued and revoked where its keys are, the data folder that generated them "
                               f"(--data-root) or the company's own keys folder (--keys, the folder "
                               f"`recfin org keys` wrote)")
        problem = ca_files_problem(self.paths, tls)
        if problem is not None:
            raise OrgUserError(f"{self.org.name}'s CA files in {self.paths.root} do not make the CA the channel knows: "
                               f"{problem}. Nothing was written; restore the org's own CA files there (the CA "
                               f"certificates are also in its MSP, msp/cacerts and msp/tlscacerts); a CA made anew "
                               f"would be one the channel does not know")


def keys_folder_org(keys_root: Path, org_name: str) -> PeerOrgSpec:
    """The org whose keys `recfin org keys` wrote into keys_root, with the users issued from there since."""
    for path in sorted(keys_root.glob("*.definition.json")):
        spec = org_definition_file.read(path).org
        if org_name.lower() in (spec.name.lower(), spec.msp_id.lower()):
            return membership.with_recorded_users(spec, keys_root)
    raise OrgUserError(f"{keys_root} holds no definition of an org named {org_name!r} (<org>.definition.json): "
                       f"give --keys the folder `recfin org keys {org_name}` wrote")


# ---- issuing -----------------------------------------------------------------------------------------
def user_attrs(org: PeerOrgSpec, given: dict[str, str]) -> dict[str, str]:
    """A new user's attributes: recfin.role from the org's role, recfin.enterprise the one enterprise the org's
    users act for (when they act for one), and given on top. Refused where they disagree with the org's role."""
    role_attr = next(attr for attr, role in USER_ROLE_TO_CONTRACT_ROLE.items() if role == org.role)
    enterprises = org_enterprises(org)
    unknown = sorted(set(given) - set(USER_ATTRS))
    if unknown:
        raise OrgUserError(f"--attr {unknown[0]}: a user's certificate carries {' and '.join(USER_ATTRS)} only, the "
                           f"attributes recfin reads (the contract reads none: a party lists the identities acting "
                           f"for it); leave {', '.join(unknown)} out")
    if ENTERPRISE_ATTR in given and given[ENTERPRISE_ATTR] not in enterprises and (enterprises or
                                                                                  org.role == "regulator"):
        raise OrgUserError(f"{ENTERPRISE_ATTR}={given[ENTERPRISE_ATTR]} is not an enterprise of {org.name}, "
                           f"whose users "
                           + (f"act for {', '.join(enterprises)}: give one of those" if enterprises else
                              f"act for none (a regulator's): leave {ENTERPRISE_ATTR} out"))
    attrs = {ROLE_ATTR: role_attr} | ({ENTERPRISE_ATTR: enterprises[0]} if len(enterprises) == 1 else {}) | given
    if attrs[ROLE_ATTR] != role_attr:
        raise OrgUserError(f"{ROLE_ATTR}={attrs[ROLE_ATTR]} does not fit {org.name}, a {org.role} org, whose users "
                           f"are {ROLE_ATTR}={role_attr}: leave {ROLE_ATTR} out, it follows the org's role")
    if org.role != "regulator" and not attrs.get(ENTERPRISE_ATTR):
        raise OrgUserError(f"{org.name}'s users act for an enterprise each ({', '.join(enterprises) or 'none yet'}): "
                           f"give the new user's with --attr {ENTERPRISE_ATTR}=CREDIT_CODE")
    return attrs


def org_enterprises(org: PeerOrgSpec) -> list[str]:
    """The enterprises the org's users act for (their recfin.enterprise), as the topology and its record give them."""
    return sorted({u.attrs[ENTERPRISE_ATTR] for u in org.users if ENTERPRISE_ATTR in u.attrs})


def client_ou(paths: OrgCrypto) -> str:
    """The OU that makes a certificate a client of the org's MSP (its NodeOUs config), as the channel reads it;
    DEFAULT_CLIENT_OU when the folder has no config.yaml or it names no client OU. A config.yaml that cannot be read,
    or has another shape than Fabric reads, is a NetworkError naming it: guessing would issue a certificate the
    channel may not take for a client."""
    node_ous = msp_node_config(paths.msp_dir).get("NodeOUs") or {}     # its shapes checked
    client = node_ous.get("ClientOUIdentifier") or {}
    return client.get("OrganizationalUnitIdentifier") or DEFAULT_CLIENT_OU


@dataclass(frozen=True)
class IssuedUser:
    org: PeerOrgSpec                 # with the new user
    user: UserSpec
    paths: OrgCrypto
    ou: str
    recorded_in: Path

    def summary(self) -> dict:
        msp = self.paths.user_msp(self.user.name)
        cert = load_cert(msp / "signcerts" / "cert.pem")
        return {"org": self.org.name, "msp_id": self.org.msp_id, "user": self.user.name, "role": "client",
                "ou": self.ou, "attrs": dict(self.user.attrs), "serial": f"{cert.serial_number:x}",
                # where the signing key is: the MSP folder's keystore, or with whoever sent the request (--csr)
                "key": "keystore" if any((msp / "keystore").glob("*_sk")) else "csr",
                "key_id": fabric_ski(cert.public_key()).hex(),
                "msp_dir": str(self.paths.user_msp(self.user.name)),
                "tls_dir": str(self.paths.user_tls(self.user.name)),
                "recorded_in": str(self.recorded_in)}


def check_user_name(org: PeerOrgSpec, name: str) -> None:
    try:
        UserSpec.model_validate({"name": name})
    except ValidationError as exc:
        raise OrgUserError(format_validation_error("user", exc) + " (lower-case letters, digits and '-')") from None
    if len(f"{name}@{org.domain}") > MAX_COMMON_NAME:
        raise OrgUserError(f"user {name[:20]}...: {name}@{org.domain} would be the certificate's common name, "
                           f"which X.509 caps at {MAX_COMMON_NAME} characters: choose a shorter name")


def csr_public_key(data: bytes, source: str) -> ec.EllipticCurvePublicKey:
    """The public key a certificate request (PKCS#10, PEM or DER) asks a certificate for, once the request's
    signature verifies with that key: only the key's holder made it. Nothing else of the request is taken."""
    try:
        request = x509.load_pem_x509_csr(data) if b"-----BEGIN" in data else x509.load_der_x509_csr(data)
    except ValueError:
        raise OrgUserError(f"{source} is not a certificate request (PKCS#10, PEM or DER): give the file "
                           f"`recfin hsm generate --csr` wrote") from None
    key = request.public_key()
    if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name not in CSR_CURVES:
        kind = (f"an EC key on curve {key.curve.name}" if isinstance(key, ec.EllipticCurvePublicKey)
                else f"a key of type {type(key).__name__.lstrip('_').removesuffix('PublicKey')}")
        raise OrgUserError(f"{source} asks for a certificate for {kind}: Fabric client identities sign with "
                           f"ECDSA P-256 or P-384; make the key on one of those (recfin hsm generate --curve)")
    try:
        valid = request.is_signature_valid
    except UnsupportedAlgorithm:
        valid = False
    if not valid:
        raise OrgUserError(f"the signature of {source} does not verify with the public key it carries: it was "
                           f"altered, or not made with that key; have the key's holder make it again "
                           f"(recfin hsm generate)")
    return key


def _certified_elsewhere(paths: OrgCrypto, public_key: ec.EllipticCurvePublicKey,
                         besides: Sequence[Path] = ()) -> Path | None:
    """A certificate on this host already issued for public_key, if any, but the files besides: of any
    org's users, nodes, TLS pairs or CAs (everything under the crypto folder holding paths). One key serving
    two identities, or two orgs, would let one holder endorse as both, and revoking one certificate would
    leave the other acting."""
    skipped = {path.absolute() for path in besides}
    for cert_path, cert in certificates_under(paths.root.parent):
        if cert.public_key() == public_key and cert_path.absolute() not in skipped:
            return cert_path
    return None


def _request(attrs: dict[str, str], public_key: ec.EllipticCurvePublicKey | None) -> dict:
    """What a run of `org user add` is asked for, as ISSUING_FILE keeps it: the attributes, and the requested
    key's identifier (None: a keystore key made here)."""
    return {"attrs": dict(attrs), "key_id": fabric_ski(public_key).hex() if public_key is not None else None}


def _interrupted(paths: OrgCrypto, name: str) -> dict | None:
    """What an earlier `org user add` of name was asked for, when it stopped between claiming the user's
    folder and recording the user (its ISSUING_FILE is still there); None when no run of it stopped so."""
    marker = paths.user_dir(name) / ISSUING_FILE
    if not marker.is_file():
        return None
    try:
        return json.loads(marker.read_text())
    except (OSError, ValueError):
        return {}       # written whole (write_atomically), so only a hand-edited one: it matches no request


def _refuse_taken(org: PeerOrgSpec, paths: OrgCrypto, name: str, public_key: ec.EllipticCurvePublicKey | None,
                  resuming: bool = False) -> None:
    """Refused when the org has a user of that name, a folder of that name, a certificate its CA issued to that
    name, or a certificate for public_key. resuming: the folder and its certificate are an interrupted run's
    of this name (_interrupted), which this run finishes."""
    users = [org.admin, *(u.name for u in org.users)]
    if name in users:
        raise OrgUserError(f"{name} is already a user of {org.name} ({', '.join(users)}): choose another name")
    if paths.user_dir(name).exists() and not resuming:
        raise _folder_taken(org, paths, name)
    earlier = (issued_certificates(paths) or {}).get(name)
    if earlier is not None and not resuming:
        state = "revoked" if revoked_by_org(paths, earlier) else "not revoked"
        raise OrgUserError(f"{org.name}'s CA issued {name} a certificate before (serial {earlier.serial_number:x}, "
                           f"{state}; its copy in {paths.issued_cert(name)}): a name is issued once, since a new "
                           f"certificate would keep the old one's client id, and with it any party binding; choose "
                           f"another name")
    own = [paths.user_msp(name) / "signcerts" / "cert.pem", paths.issued_cert(name)] if resuming else []
    if public_key is not None and (taken := _certified_elsewhere(paths, public_key, own)) is not None:
        raise OrgUserError(f"the requested key already has a certificate, {taken}: one key serves one identity; "
                           f"have the new user make a key of its own (recfin hsm generate)")


def _refuse_unaccounted(org: PeerOrgSpec, paths: OrgCrypto, name: str) -> None:
    """Refused on a CA whose record cannot know every name it issued (revocations_unaccounted_for): name has no
    certificate here, yet may be one of the revoked and removed users'."""
    if unaccounted := revocations_unaccounted_for(paths):
        raise OrgUserError(f"{org.name}'s CA cannot tell whether it issued {name} a certificate: "
                           f"{unaccounted_reason(paths, unaccounted)}. {REVOKED_NAME_RULE}. If {org.name}'s CA "
                           f"never issued {name} one, say so: recfin org user add {org.name} {name} --never-issued")


def _folder_taken(org: PeerOrgSpec, paths: OrgCrypto, name: str) -> OrgUserError:
    cert_path = paths.user_msp(name) / "signcerts" / "cert.pem"
    cert = load_cert(cert_path) if cert_path.is_file() and paths.ca_cert.is_file() else None
    if cert is None or not issued_by(cert, load_cert(paths.ca_cert)) or revoked_by_org(paths, cert):
        return OrgUserError(f"{paths.user_dir(name)} exists, though {org.name} records no user {name}: "
                            f"an identity issued there and not recorded; choose another name, or move that "
                            f"folder away")
    # moved away, the name would be issued again: a second certificate of its client id, the first unrevoked
    return OrgUserError(f"{paths.user_dir(name)} exists, though {org.name} records no user {name}: it "
                        f"holds a certificate of {org.name}'s CA (serial {cert.serial_number:x}) that no CRL "
                        f"revokes, an identity the channel takes. Choose another name and leave that folder "
                        f"where it is; should no one hold that identity, revoke it (recfin org user revoke "
                        f"{org.name} {name})")


def _unlike_interrupted(org: PeerOrgSpec, paths: OrgCrypto, name: str, asked: dict) -> OrgUserError:
    attrs = ", ".join(f"{k}={v}" for k, v in (asked.get("attrs") or {}).items()) or "?"
    key = (f"--csr of the key {asked['key_id']}" if asked.get("key_id")
           else "a keystore key made here (no --csr)")
    return OrgUserError(f"an earlier `recfin org user add {org.name} {name}` stopped part way "
                        f"({paths.user_dir(name)} holds its {ISSUING_FILE}, and {name} is not recorded): "
                        f"it was asked for {attrs} and {key}. Run it again asked the same to finish it "
                        f"(its certificate is kept, nothing is issued twice); to drop it instead, revoke it "
                        f"(recfin org user revoke {org.name} {name}) and choose another name")


def add_user(ca: CaFolder, name: str, given_attrs: dict[str, str],
             public_key: ec.EllipticCurvePublicKey | None = None, *, never_issued: bool = False,
             before_record: Callable[[PeerOrgSpec], None] | None = None,
             say: Callable[[str], None] = lambda _: None) -> IssuedUser:
    """Issue user name of ca.org from its CA keys in ca.root and record it there.

    public_key (from a certificate request, csr_public_key): the signing certificate is for that key, which
    stays where it is (an HSM); no keystore key is written. Refused for a key any certificate here is for.

    never_issued: the operator's word that the org's CA never issued this name, asked for (and otherwise refused)
    only where the CA issued before it kept a record and its CRL lists serials no certificate here has, so the
    name could be a revoked user's (revocations_unaccounted_for). A CA with a full record needs no such word.

    before_record: called under the lock with the org grown by the user, once its identity is issued and
    before it is recorded (add_to_network writes the connection profiles so): a run stopped in it or
    before the record is finished by the same run again.

    say: where the lines go that the user's certificate ends sooner than usual, with its CA's, and that the
    CA's certificate ends soon (crypto.issue_user).

    Runs at once with others on the same folder: the checks against the org's users are made again under the
    folder's lock (membership.locked) with the users recorded by then, the user's folder is claimed by
    creating it, and only that folder is removed when issuing or recording fails. A refusal writes nothing."""
    org, paths = ca.org, ca.paths
    check_user_name(org, name)
    _refuse_taken(org, paths, name, public_key, _interrupted(paths, name) is not None)
    ca.require_keys()
    attrs = user_attrs(org, given_attrs)
    with membership.locked(ca.root):
        org = membership.with_recorded_users(org, ca.root)      # as recorded now, another run's users too
        # under the lock no other run is at it: a folder with ISSUING_FILE and no record is a run that stopped
        asked = _interrupted(paths, name)
        _refuse_taken(org, paths, name, public_key, asked is not None)
        request = _request(attrs, public_key)
        if asked is not None and asked != request:
            raise _unlike_interrupted(org, paths, name, asked)
        if not never_issued and asked is None:      # an interrupted run's name passed this check then
            _refuse_unaccounted(org, paths, name)
        user = UserSpec(name=name, attrs=attrs)
        try:
            grown = PeerOrgSpec.model_validate({**org.model_dump(mode="python"),
                                                "users": [*(u.model_dump(mode="python") for u in org.users),
                                                          user.model_dump(mode="python")]})
        except ValidationError as exc:
            raise OrgUserError(format_validation_error(f"org {org.name}", exc)) from None
        ou = client_ou(paths)
        # a CA that issued before it kept a record starts one now: issue_user adds the new user to it
        start_issued_record(paths, org.admin, [u.name for u in org.users])
        make_folders(paths.user_dir(name).parent)
        marker = paths.user_dir(name) / ISSUING_FILE
        if asked is None:
            try:
                make_folders(paths.user_dir(name), exist_ok=False)    # claimed: what is in it is this run's
            except FileExistsError:
                raise _folder_taken(org, paths, name) from None
        try:
            if asked is None:
                write_atomically(marker, json.dumps(request))
            # an interrupted run's certificate and key are kept (issue_user completes a folder, as the
            # generator does): a second certificate of the name would share its client id
            issue_user(paths, name, ou, dict(user.attrs), public_key, say=say)
            if paths.issued_dir.is_dir() and not paths.issued_cert(name).is_file():
                # the run that issued it stopped before the CA's copy
                signed = paths.user_msp(name) / "signcerts" / "cert.pem"
                write_atomically(paths.issued_cert(name), signed.read_bytes())
            revoked = crl.crl_path(paths).parent
            for kept in sorted(revoked.iterdir()) if revoked.is_dir() else ():
                # the org's local MSP folders all carry its CRLs: every file of the verifying MSP's crls/
                target = paths.user_msp(name) / "crls" / kept.name
                make_folders(target.parent)
                shutil.copyfile(kept, target)
            if before_record is not None:
                before_record(grown)
            membership.record_user(ca.root, org.name, user)
        except BaseException:
            shutil.rmtree(paths.user_dir(name), ignore_errors=True)
            paths.issued_cert(name).unlink(missing_ok=True)     # issued to no one: the name stays free
            raise
        marker.unlink(missing_ok=True)      # recorded: nothing is left to finish
    return IssuedUser(grown, user, paths, ou, membership.state_path(ca.root))


def list_users(root: Path, org: PeerOrgSpec) -> list[dict]:
    """The org's admin and users with the identities root holds for them, when each one's certificate ends
    (ISO 8601, UTC), and whether a CRL of the org's CA kept there (crl.local_crls) lists each. A
    user whose folder is gone is listed by the copy of its certificate the org's CA kept (msp_dir None).
    ``client_id`` is the id the contract knows the user by (``client_id_of``: x509::<subject DN>::<issuer DN>),
    what RegisterParty and BindPartyIdentity bind; None without a certificate."""
    paths = org_crypto(root, org.name, org.domain)
    rows = []
    for name, role, attrs in [(org.admin, "admin", {})] + [(u.name, "client", u.attrs) for u in org.users]:
        cert, held = client_certificate(paths, name), (paths.user_msp(name) / "signcerts" / "cert.pem").is_file()
        rows.append({"user": name, "role": role, "recfin_role": attrs.get(ROLE_ATTR),
                     "enterprise": attrs.get(ENTERPRISE_ATTR),
                     "serial": f"{cert.serial_number:x}" if cert is not None else None,
                     "ends": cert.not_valid_after_utc.isoformat() if cert is not None else None,
                     "revoked": cert is not None and revoked_by_org(paths, cert),
                     "client_id": client_id_of(cert) if cert is not None else None,
                     "msp_dir": str(paths.user_msp(name)) if held else None})
    return rows


# ---- revoking: the update --------------------------------------------------------------------------------
@dataclass
class Revocation:
    """The signed config update that puts the org's extended CRL into its MSP, checked; nothing submitted."""

    org: PeerOrgSpec
    user: str
    serial: int
    channel: str
    crl: x509.CertificateRevocationList
    update: configtx_pb2.ConfigUpdate
    signatures: dict[str, configtx_pb2.ConfigSignature]
    verdict: config_policy.Verdict
    current: configtx_pb2.Config
    # OrgMembership.check_removable_from, for the way out of an org its own CRL locks out (None: not checked)
    removable: Callable[[PeerOrgSpec, configtx_pb2.Config], None] | None = None

    @property
    def crl_pem(self) -> bytes:
        return crl.pem(self.crl)

    def envelope(self, leave_out: str | None = None) -> configtx_pb2.ConfigUpdateEnvelope:
        return config_signing.envelope(self.update, [s for m, s in self.signatures.items() if m != leave_out])

    def summary(self) -> dict:
        return {"org": self.org.name, "msp_id": self.org.msp_id, "user": self.user, "serial": f"{self.serial:x}",
                "channel": self.channel, "crl_number": crl.number(self.crl),
                "revoked_serials": [f"{s:x}" for s in sorted(crl.revoked_serials([self.crl]))],
                "changes": change_rows(self.update, self.current), **verdict_rows(self.verdict, self.signatures),
                "locked_out": self.lockout}

    @property
    def lockout(self) -> str | None:
        """Why no signature can authorise this change of the org's own MSP, and the way out (org_change.locked_out),
        when a CRL in that MSP has no Authority Key Identifier; None otherwise."""
        return locked_out(self.org, self.current, self.verdict, self.removable)


def channel_crls(current: configtx_pb2.Config, msp_id: str, ca_cert: x509.Certificate
                 ) -> list[x509.CertificateRevocationList]:
    """The CRLs of the org's MSP in the channel config that Fabric matches to ca_cert."""
    group = current.channel_group.groups[channel_config.APPLICATION].groups[msp_id]
    return [c for c in (crl.of_ca(data, ca_cert) for data in revocation_list(group)) if c is not None]


def plan_revoke(current: configtx_pb2.Config, channel: str, ca: CaFolder, user: str, cert: x509.Certificate,
                admin: config_signing.AdminSigner | None,
                removable: Callable[[PeerOrgSpec, configtx_pb2.Config], None] | None = None) -> Revocation:
    """The update revoking cert (user of ca.org) in the config current, signed by admin (the org's), checked.
    removable: Revocation.removable."""
    org = ca.org
    if org.msp_id not in channel_config.application_orgs(current):
        raise OrgUserError(f"{org.msp_id} is not an org of channel {channel}: only the channel's orgs revoke there")
    group = current.channel_group.groups[channel_config.APPLICATION].groups[org.msp_id]
    ca_cert = load_cert(ca.paths.ca_cert)
    if ca_cert not in [fabric_certificate(pem) for pem in decode_msp(group).root_certs]:     # as Fabric reads them
        raise OrgUserError(f"{ca.paths.ca_cert} is not the CA the channel gives {org.msp_id}: a CRL it signed would "
                           f"match nothing there; revoke from the folder that holds the org's own keys")
    if not issued_by(cert, ca_cert):
        raise OrgUserError(f"{user}'s certificate ({cert.subject.rfc4514_string()}) is not issued by {org.name}'s CA "
                           f"({ca.paths.ca_cert}): only that CA's CRL can revoke it")
    in_channel = channel_crls(current, org.msp_id, ca_cert)
    listed = crl.lists(in_channel, cert.serial_number)
    if listed is not None:
        raise AlreadyRevokedError(f"{user} of {org.name} is already revoked: CRL number {crl.number(listed)} of "
                                  f"{org.msp_id} in channel {channel} lists its certificate (serial "
                                  f"{cert.serial_number:x}); nothing to do", in_channel)
    earlier = in_channel + crl.local_crls(ca.paths)
    extended = crl.extended(load_key(ca.paths.ca_key), ca_cert, earlier, cert.serial_number)
    others = [data for data in revocation_list(group) if crl.of_ca(data, ca_cert) is None]   # other CAs' CRLs
    desired = configtx_pb2.Config()
    desired.CopyFrom(current)
    desired.channel_group.groups[channel_config.APPLICATION].groups[org.msp_id].CopyFrom(
        with_revocation_list(group, [*others, crl.pem(extended)]))
    update = channel_config.compute_update(channel, current, desired)
    signatures, verdict = sign_and_check(current, update, {org.msp_id: admin} if admin is not None else {})
    return Revocation(org, user, cert.serial_number, channel, extended, update, signatures, verdict, current,
                      removable)


# ---- revoking on the running channel ------------------------------------------------------------------
@dataclass(frozen=True)
class HeldCertificate:
    """A signing certificate of an org's admin or user held on this host, and whether a CRL of the org kept here
    lists it."""

    user: str
    cert: x509.Certificate
    revoked: bool


@dataclass
class CrlKept:
    """The channel's CRLs of an org's CA, and the CRL files written into the local MSP folders (none: they had
    what the CRLs revoke)."""

    org: PeerOrgSpec
    channel_crls: list[x509.CertificateRevocationList]       # []: the channel has no CRL of the org's CA
    written: list[Path]

    @property
    def folders(self) -> list[Path]:
        """The MSP folders written into (a folder may get more than one CRL file)."""
        return list(dict.fromkeys(path.parent.parent for path in self.written))

    def summary(self) -> dict:
        newest = crl.newest(self.channel_crls)
        return {"org": self.org.name, "msp_id": self.org.msp_id,
                "channel_crl_number": crl.number(newest) if newest is not None else None,
                "channel_crls": len(self.channel_crls),
                "revoked_serials": [f"{s:x}" for s in sorted(crl.revoked_serials(self.channel_crls))],
                "written": [str(p) for p in self.written]}


def _marks_behind(root: Path, org: PeerOrgSpec) -> bool:
    """Whether the org's connection profile under root marks a user otherwise than its CRLs there say (a run
    that stopped after writing the CRL, before profiles.mark_revoked). A profile that cannot be read is left to the
    commands that read it, which name it."""
    path = profiles.profiles_dir(root) / f"{org.name}.json"
    try:
        profile = profiles.read(path) if path.is_file() else None
    except NetworkError:
        return False
    if profile is None:
        return False
    paths = org_crypto(root, org.name, org.domain)
    revocations = crl.local_crls(paths)
    return any(user.revoked != profiles.user_revoked(revocations, paths, name) for name, user in profile.users.items())


class OrgUsers:
    """Revokes users of the channel's orgs, as each org's own admin through the `peer` CLI (OrgMembership's).

    ca_root: where the org's CA keys are (default: the network's data folder); a company's own keys
    folder (`recfin org keys`) names the org by the definition in it."""

    def __init__(self, members: OrgMembership, ca_root: Path | None = None):
        self.members = members
        self.ca_root = Path(ca_root) if ca_root is not None else members.root

    @property
    def keys_folder(self) -> bool:
        return self.ca_root.absolute() != self.members.root.absolute()

    def ca(self, org_name: str) -> CaFolder:
        if self.keys_folder:
            return CaFolder(self.ca_root, keys_folder_org(self.ca_root, org_name))
        return CaFolder(self.ca_root, self.members.topology.org(org_name))

    def _admin(self, ca: CaFolder, msp_dir: Path | None) -> Admin:
        """The admin of ca's org on the channel acted on. A keys folder's org that the network lacks (on the company's
        host, a run without --bundle acts on the default topology's) is said to be so, not an org name mistyped."""
        known = {identifier.lower() for o in self.members.topology.orgs for identifier in (o.name, o.msp_id)}
        if self.keys_folder and ca.org.name.lower() not in known:
            orgs = ", ".join(o.name for o in self.members.topology.orgs)
            raise OrgUserError(f"{ca.org.name}, whose keys are in {self.ca_root}, is not an org of the network in "
                               f"{self.members.root} (its orgs: {orgs}): on {ca.org.name}'s host give --bundle, the "
                               f"folder its bundle (`recfin org bundle {ca.org.name}`) is unpacked in; elsewhere, "
                               f"--data-root or --topology of the network it was added to")
        return self.members.admin(ca.org.name, msp_dir)

    def user_cert(self, ca: CaFolder, user: str) -> x509.Certificate:
        """The certificate of the org's user, from the CA's folder or the network's, else the copy the org's CA kept
        of it (a user whose folder is lost is revoked too); refused for the admin."""
        org = ca.org
        check_user_name(org, user)
        if user == org.admin:
            raise OrgUserError(f"{user} is {org.name}'s admin, whose signature is the only one that changes the org's "
                               f"MSP: revoked, the org could not change it again (nor revoke anyone); revoke its "
                               f"users instead. recfin has no command that changes an org's admin: that is a channel "
                               f"configuration update of the org's MSP (a new admin certificate from its CA), made "
                               f"with Fabric's configtxlator and `peer channel update` and signed as the channel's "
                               f"Admins policy asks")
        held_in = [org_crypto(root, org.name, org.domain) for root in dict.fromkeys([ca.root, self.members.root])]
        for path in [*(p.user_msp(user) / "signcerts" / "cert.pem" for p in held_in),
                     *(p.issued_cert(user) for p in held_in)]:
            if path.is_file():
                return load_cert(path)
        known = ", ".join(u.name for u in org.users)
        raise OrgUserError(f"{org.name} has no user {user!r} on this host (its users: {known}); see "
                           f"`recfin org user list {org.name}`")

    def plan(self, org_name: str, user: str, msp_dir: Path | None = None,
             current: configtx_pb2.Config | None = None, keep: bool = True) -> tuple[Revocation, Admin]:
        """The revocation signed by the org's admin (its MSP folder msp_dir, else the network's), checked against
        the channel's config (fetched as that admin unless current is given); nothing submitted. keep False (a
        dry run): the fetched config block goes to a temporary folder, so that nothing is written at all."""
        ca = self.ca(org_name)
        ca.require_keys(tls=False)
        cert = self.user_cert(ca, user)
        admin = self._admin(ca, msp_dir)
        if current is None:
            current = self.members.fetch_config(admin, keep=keep)
        signer = config_signing.load_admin(admin.msp_dir, admin.org.msp_id)
        return plan_revoke(current, self.members.topology.channel, ca, user, cert, signer,
                           self.members.check_removable_from), admin

    def _local_roots(self) -> list[Path]:
        """The folders holding the org's local MSP folders here: the CA's, and the network's (or bundle's)."""
        return [root for root in dict.fromkeys([self.ca_root, self.members.root]) if root.is_dir()]

    def held_certificates(self, org_name: str, msp_dir: Path | None = None,
                          revoking: Sequence[x509.CertificateRevocationList] = ()) -> list[HeldCertificate]:
        """Every signing certificate of the org's admin and users this host holds (the users' MSP folders under the
        CA's folder and the network's or bundle's, and the admin's msp_dir), each with whether a CRL of the org's CA
        kept in those folders (any in their verifying MSP's crls/), or one of ``revoking``, lists it. `org
        user revoke` counts, from these, who is left to act for a party; the CRLs kept here (after a
        revocation, or `org user list --sync`) may miss revocations made from another host, so it passes the
        CRL its run puts on the channel (or found there): a dry run then counts as the real run will. A
        certificate not held here is not among them."""
        org = self.ca(org_name).org
        crls = [kept for root in self._local_roots()
                for kept in crl.local_crls(org_crypto(root, org.name, org.domain))] + list(revoking)
        found: dict[Path, str] = {}
        for root in self._local_roots():
            users = org_crypto(root, org.name, org.domain).root / "users"
            for cert_path in sorted(users.glob(f"*@{org.domain}/msp/signcerts/*.pem")):
                found.setdefault(cert_path.resolve(), cert_path.parents[2].name.removesuffix(f"@{org.domain}"))
        if msp_dir is not None:
            for cert_path in sorted((Path(msp_dir) / "signcerts").glob("*.pem")):
                found.setdefault(cert_path.resolve(), org.admin)
        held = []
        for cert_path, user in found.items():
            cert = load_cert(cert_path)
            held.append(HeldCertificate(user, cert, crl.lists(crls, cert.serial_number) is not None))
        return held

    def keep_locally(self, org: PeerOrgSpec,
                     channel_crls: Sequence[x509.CertificateRevocationList]) -> list[Path]:
        """Write the channel's CRLs of the org's CA into each local MSP folder of the org here that misses
        some of them (crl.behind, crl.missing_in: the newest as crl.pem where it supersedes the CRL there,
        any other that lists more beside it; the verifying MSP's last), and mark the users they list revoked
        in the org's connection profile there (every other field and path of the profile kept: a bundle's
        name its install folder); a root whose folders all have them and whose profile agrees is left alone.
        Under the lock of each root it writes to, so a user issued meanwhile gets the CRLs too; a root it has
        nothing to write to is not locked (a read-only bundle install, which has the channel's CRLs)."""
        def stale(root: Path) -> bool:
            # every folder and the profile: a run stopped part way left some of them older, the verifying MSP's
            # (written last) among them, and this one finishes it
            paths = org_crypto(root, org.name, org.domain)
            return paths.msp_dir.is_dir() and (bool(crl.behind(paths, channel_crls))
                                               or _marks_behind(root, org))

        to_write = [root for root in self._local_roots() if stale(root)]
        written = []
        with membership.locked(*to_write):
            for root in to_write:
                if stale(root):   # again under the lock: another run may have written it meanwhile
                    paths = org_crypto(root, org.name, org.domain)
                    written += crl.keep_channel(paths, channel_crls, crl.behind(paths, channel_crls))
                    profiles.mark_revoked(root, org.name, org.domain)
        return written

    def _keep_channel_crl(self, org: PeerOrgSpec, channel_crls: list[x509.CertificateRevocationList]) -> CrlKept:
        return CrlKept(org, channel_crls, self.keep_locally(org, channel_crls) if channel_crls else [])

    def sync(self, org_name: str, msp_dir: Path | None = None) -> CrlKept:
        """The channel's CRLs of the org's CA (its config fetched as the org's admin) written here where the
        local ones are older, revoke less or are missing: after a revocation whose wait stopped, or made on
        another host."""
        self.members.net.fabric.require(("peer",))
        ca = self.ca(org_name)
        if not ca.paths.ca_cert.is_file():
            raise OrgUserError(f"no CA certificate of {ca.org.name} at {ca.paths.ca_cert}: the channel's CRLs are "
                               f"matched to it; give the folder that holds the org's material (--keys, --bundle, "
                               f"--data-root)")
        admin = self._admin(ca, msp_dir)
        current = self.members.fetch_config(admin)
        if ca.org.msp_id not in channel_config.application_orgs(current):
            raise OrgUserError(f"{ca.org.msp_id} is not an org of channel {self.members.topology.channel}: it has "
                               f"no CRL there")
        return self._keep_channel_crl(ca.org, channel_crls(current, ca.org.msp_id, load_cert(ca.paths.ca_cert)))

    def _require_sendable(self, change: Revocation, admin: Admin) -> None:
        """Refused (PolicyNotSatisfiedError), before anything is sent, unless admin's signature meets the
        org's Admins policy, and does as the ordering service gets it: `peer channel update` signs as admin
        over SHA-256 (check_sent_as), which an org whose MSP is SHA3 does not verify."""
        msp_id = change.org.msp_id
        if not change.verdict.ok:
            what_to_do = change.lockout or f"Revoke as {msp_id}'s admin (--msp-dir its admin's MSP folder)"
            raise PolicyNotSatisfiedError(f"not submitted: {change.verdict.describe()}. {what_to_do}")
        self.members.check_sent_as(
            admin, change.envelope(leave_out=msp_id), change.current,
            f"Only {msp_id}'s admin can authorise a change of its MSP, so recfin, which sends through the "
            f"`peer` CLI, cannot revoke on this channel while {msp_id}'s MSP is of another family than "
            f"{PEER_CLI_FAMILY}: send the update with a Fabric client that signs in its family, or have the "
            f"other orgs' admins remove {change.org.name} and add it again (`recfin org remove "
            f"{change.org.name}`, then `recfin org add`), which gives it an MSP of the {PEER_CLI_FAMILY} "
            f"family")

    def submission_refusal(self, change: Revocation, admin: Admin) -> str | None:
        """What revoke would refuse change, signed by admin, with before sending it (_require_sendable), None
        when it would send it: a dry run says so in the run's own words. Signs only a copy; sends nothing."""
        try:
            self._require_sendable(change, admin)
        except PolicyNotSatisfiedError as refused:
            return str(refused)
        return None

    def revoke(self, org_name: str, user: str, msp_dir: Path | None = None) -> Revocation:
        """Revoke the user on the channel, then write the CRL into the org's local MSP folders; once the peers
        running here have the config block, the revocation is in force on them.

        A user the channel already revokes is refused (AlreadyRevokedError), after the channel's CRL is
        written here where it is missing or older: a run whose wait stopped after submitting, or a revocation
        made on another host, is completed locally by running it again."""
        net, say = self.members.net, self.members.net.say
        net.fabric.require(("peer",))
        try:
            change, admin = self.plan(org_name, user, msp_dir)
        except AlreadyRevokedError as exc:
            kept = self._keep_channel_crl(self.ca(org_name).org, exc.channel_crls)
            if not kept.written:
                raise
            message = (f"{str(exc).removesuffix('; nothing to do')}; nothing to submit. This host did not "
                       f"have that CRL yet: it is now written into {len(kept.folders)} MSP folder(s) of "
                       f"{kept.org.name}, and its connection profile marks the user revoked")
            raise AlreadyRevokedError(message, exc.channel_crls) from None
        msp_id = change.org.msp_id
        say(f"[1/3] CRL number {crl.number(change.crl)} of {change.org.name}'s CA lists "
            f"{len(crl.revoked_serials([change.crl]))} certificate(s); {change.verdict.describe()}")
        self._require_sendable(change, admin)
        # `peer channel update` signs as the admin itself: the envelope goes without its signature.
        self.members.send(change.envelope(leave_out=msp_id), admin,
                          updates_dir(self.members.root) / f"revoke-{change.org.name}-{user}.tx")
        ca_cert = load_cert(self.ca(org_name).paths.ca_cert)
        self.members.wait_for_config(
            admin, lambda config: crl.lists(channel_crls(config, msp_id, ca_cert), change.serial) is not None,
            f"{user}'s certificate on {msp_id}'s CRL in the config of {change.channel}")
        say(f"[2/3] submitted as {msp_id}'s admin: channel {change.channel} refuses {user}'s certificate "
            f"(serial {change.serial:x})")
        peers = net.topology.peers()
        if peers and all(net._pid(node) is not None for node in peers):
            net.wait_for_heights()          # the peers running here have the block that carries it
        written = self.keep_locally(change.org, [change.crl])
        say(f"[3/3] CRL written to {len(written)} MSP folder(s) of {change.org.name} (its peer reads it at its next "
            f"start)")
        return change


def add_to_network(members: OrgMembership, org_name: str, name: str, given_attrs: dict[str, str],
                   public_key: ec.EllipticCurvePublicKey | None = None, *, never_issued: bool = False) -> IssuedUser:
    """Issue the user from the network's data folder (for public_key and never_issued, as add_user does) and
    write the connection profiles again (when the network has them), so `--as ORG/USER` finds it."""
    net = members.net

    def name_in_profiles(grown: PeerOrgSpec) -> None:
        # before the record, under its lock: a run stopped after the record with the profiles not yet written
        # would be refused when run again (the name is taken), and `--as ORG/USER` would not find the user.
        # Every user recorded by now, this run's and any other's: the profiles written last name them all.
        net.topology = membership.with_orgs(net.topology, [
            grown if o.name == grown.name else membership.with_recorded_users(o, members.root)
            for o in net.topology.orgs])
        if profiles.profiles_dir(members.root).is_dir():
            profiles.write_all(net.topology, members.root)

    return add_user(CaFolder(members.root, members.topology.org(org_name)), name, given_attrs, public_key,
                    never_issued=never_issued, before_record=name_in_profiles, say=net.say)
