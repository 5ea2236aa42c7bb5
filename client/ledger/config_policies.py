"""Whether signatures meet a policy of a channel config, as Fabric's ordering service judges them.

The signatures a config update carries (``network.config_policy`` checks an update's before it is sent) and
a block's orderer signatures (:mod:`.block_integrity`) are judged alike, here:

- each signature verifies as Fabric verifies it (``signature_problem``: an ECDSA signature in its low-S form,
  on a curve Fabric verifies), made by a signer ``SignedBy`` names;
- policies are evaluated as Fabric does: ImplicitMeta, the named sub-policy of each child group (each org), ANY
  needing one, ALL every one, MAJORITY more than half (none of them over a group without child groups,
  which Fabric takes as met); Signature (NOutOf over MSP principals, greedy:
  :mod:`.signature_policy`), each signer satisfying one principal: 'X.member' when its certificate is an
  identity of MSP X in the config as Fabric's MSP validates one (:mod:`.msp`: it chains to X's CAs, each with a
  Subject Key Identifier, no CRL of X lists it, its OUs are one of X's OU identifiers where X lists any and, with
  NodeOUs on, exactly one NodeOU OU), and 'X.admin' / 'X.peer' / 'X.client' when, in addition, its OU is the
  role's NodeOU (or, for admin, it is one of the MSP's listed admin certificates).

Signatures that do not verify (a high-S ECDSA signature among them), signatures of an org whose MSP definition
Fabric's MSP setup refuses (:func:`.msp.definition_problem`: a CA certificate, a CRL or the admins breaking a rule
of setup, named with the rule), signatures of a certificate signed with
ECDSA that does not chain to its MSP's CAs (Fabric's MSP cannot deserialize it), signatures of a certificate that a
CRL of its CA in its MSP's revocation list names, signatures of any identity of an MSP whose revocation list holds a
CRL without an Authority Key Identifier (Fabric's MSP fails them all), and a second signature of an identity whose
first one counts (Fabric counts an identity once, naming it by its MSP ID and its certificate with the CA's ECDSA
signature in low-S form: two certificates differing only in that signature's S are one identity) are ignored, as
the orderer ignores them; the verdict names each with why. One of an MSP's listed admin certificates, its NodeOUs
on, still counts as its admin whatever its CRLs say, as Fabric takes it as the admin without validating it (for
no other principal).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from fabric_protos.common import configtx_pb2, policies_pb2
from fabric_protos.msp import msp_principal_pb2
from google.protobuf.message import DecodeError

from ..gateway._signer import VERIFIED_CURVE_ORDERS, leading_der_signature
from .msp import (MSP_KEY, ORG_SECTIONS, SIGNATURE_HASHES, ChannelMsp, OrgMsp, certificate_problem, chain_to,
                  fabric_certificate, fabric_chain, fabric_identity, fabric_msp_config, role_problem)
from .revocation import lacking_aki, number_text, read_number, refusing, without_aki
from chaincode.signature_policy import ROLES

from .signature_policy import Evaluation
from .signature_policy import evaluate as evaluate_rule
from .signature_policy import spelled as spelled_rule

ROOT = "Channel"
APPLICATION = ORG_SECTIONS[0]
ROLE_NAMES = {v: k for k, v in ROLES.items()}
NO_SUCH_POLICY = "(no such policy)"     # the rule of a check whose path holds no policy: Fabric's reject policy


# ---- the signatures ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class SignedBy:
    """One signature of a ConfigUpdateEnvelope, with what checking it found."""

    msp_id: str
    certificate: x509.Certificate
    valid: bool            # the signature verifies under the certificate's key, as Fabric verifies it
    problem: str = ""      # why it is not valid

    @property
    def subject(self) -> str:
        return self.certificate.subject.rfc4514_string()


# Not merged with client.ledger.endorsements.signature_problem: it accepts Ed25519 and checks the curve first.
def signature_problem(cert: x509.Certificate, signature: bytes, signed: bytes,
                      hash_algorithm: hashes.HashAlgorithm | None = None) -> str:
    """Why the ordering service would not accept signature as cert's over signed ("" when it would); the
    digest signed is ``hash_algorithm``'s (the signer's MSP's
    :meth:`~client.ledger.msp.ChannelMsp.signature_hash`), SHA-256 when None, the default SHA2 family's."""
    key = cert.public_key()
    # Fabric's bccsp reads the DER SEQUENCE the signature starts with (bytes after it ignored, r and s positive)
    numbers = leading_der_signature(signature) if isinstance(key, ec.EllipticCurvePublicKey) else None
    try:
        if numbers is None:
            raise InvalidSignature
        key.verify(encode_dss_signature(*numbers), signed, ec.ECDSA(hash_algorithm or hashes.SHA256()))
    except (InvalidSignature, TypeError, ValueError):
        return "the signature does not verify under its certificate's key (made over other bytes, or another key)"
    order = VERIFIED_CURVE_ORDERS.get(key.curve.name)
    if order is None:
        return f"its certificate's key is on curve {key.curve.name}, which Fabric does not verify"
    # Fabric's bccsp accepts only the low-S form of an ECDSA signature, so that no second valid form of it exists
    if numbers[1] > order // 2:
        return ("its ECDSA signature has S in the upper half of the curve order, which Fabric refuses "
                "(it takes the low-S form only, as `recfin org sign` makes)")
    return ""


def msp_signature_problem(msp: ChannelMsp | None, cert: x509.Certificate, signature: bytes,
                          signed: bytes) -> str:
    """:func:`signature_problem`, the digest signed being the one of the signature hash family of ``msp``, the
    channel config's MSP the signer names, as Fabric's MSP verifies it (msp/identities.go Verify: an admin or
    orderer of an MSP set to SHA3 signs the SHA3-256 digest). ``msp`` None: the signer names no MSP of the
    config, so its signature counts for nothing anyway; it is verified over SHA-256, the default family's."""
    if msp is None:
        return signature_problem(cert, signature, signed)
    hash_algorithm = msp.signature_hash()
    if hash_algorithm is None:
        return (f"{msp.msp_id}'s MSP sets signature hash family {msp.signature_hash_family!r}, which "
                f"Fabric's MSP does not know ({' or '.join(SIGNATURE_HASHES)}): it verifies no signature")
    return signature_problem(cert, signature, signed, hash_algorithm)


# ---- what evaluating found --------------------------------------------------------------------------
@dataclass
class PolicyCheck:
    """One policy evaluated against the signers."""

    path: str                           # e.g. /Channel/Application/Admins
    rule: str                           # e.g. "MAJORITY Admins" or "OR('BankMSP.admin')"
    satisfied: bool
    needed: int                         # how many of the parts must be satisfied
    # the orgs (ImplicitMeta), or the parts of the top rule (Signature): each a principal or a nested rule
    parts: list[str] = field(default_factory=list)
    met: list[str] = field(default_factory=list)
    for_elements: list[str] = field(default_factory=list)  # the changed elements this policy authorises
    noun: str = "principals"            # what the parts are, for the message ("org admins")
    # ImplicitMeta over groups that are not orgs (/Channel/Admins over Application and Orderer): the check of
    # each such group's sub-policy not met, by group name, which says the orgs whose admins it still needs
    below: dict[str, PolicyCheck] = field(default_factory=dict)

    @property
    def missing_signers(self) -> list[str]:
        """The missing parts, each group of ``below`` replaced by the signers it misses in turn: the orgs (or
        principals) whose signatures could still meet the policy."""
        return [signer for part in self.missing
                for signer in (self.below[part].missing_signers if part in self.below else [part])]

    @property
    def missing(self) -> list[str]:
        """The parts not met, in order; a part a rule names twice ('BankMSP.admin' in
        OutOf(2, 'BankMSP.admin', 'BankMSP.admin')) is missing as many times as it is not met."""
        unclaimed, out = Counter(self.met), []
        for part in self.parts:
            if unclaimed[part]:
                unclaimed[part] -= 1
            else:
                out.append(part)
        return out

    def describe(self) -> str:
        if not self.satisfied and not self.parts:
            return self._met_by_nobody()
        head = f"{self.path} ({self.rule}) needs {self.needed} of {len(self.parts)} {self.noun}"
        if self.satisfied:
            return f"{head}: met by {', '.join(self.met) or 'no signature, none being needed'}"
        short = self.needed - len(self.met)
        missing = [f"{part} ({self.below[part].describe()})" if part in self.below else part
                   for part in self.missing]
        return (f"{head}, has {len(self.met)}" + (f" ({', '.join(self.met)})" if self.met else "")
                + f": missing {short} of {', '.join(missing)}")

    def _met_by_nobody(self) -> str:
        """A policy with nothing a signature could meet (none at its path, or of a type Fabric does not evaluate):
        said so, where "needs 1 of 0" would have the signers look for a signature that cannot help."""
        if self.rule == NO_SUCH_POLICY:
            head = f"{self.path} is no policy of the channel config"
            if self.for_elements:
                head += f", yet the mod_policy of {' and '.join(self.for_elements)} names it"
        else:
            head = f"{self.path} ({self.rule})"
        refused = ", so the ordering service refuses the change whoever signs" if self.for_elements else ""
        return f"{head}: no signature can meet it{refused}"


@dataclass
class Verdict:
    checks: list[PolicyCheck]
    signers: list[str]                  # "<MSP ID> <subject>" of each signature counted
    invalid_signatures: list[str]       # "<MSP ID> <subject>: <why>" of each signature Fabric would not count
    signed_by: list[str] = field(default_factory=list)   # the MSP IDs of the signatures counted

    @property
    def ok(self) -> bool:
        return all(c.satisfied for c in self.checks)

    def describe(self) -> str:
        return "; ".join(c.describe() for c in self.checks) or "no policy to check"

    @property
    def signable(self) -> bool:
        """Whether more signatures could meet the policies not yet met: False when one of them is met by no
        signature (no policy at its path, or one of a type Fabric does not evaluate)."""
        return all(c.satisfied or c.parts for c in self.checks)

    @property
    def missing(self) -> list[str]:
        """Who could still sign for the policies not yet met (some of them suffice: see describe())."""
        return sorted({m for c in self.checks if not c.satisfied for m in c.missing_signers})


# ---- finding things in the config ---------------------------------------------------------------------
def group_at(config: configtx_pb2.Config, path: tuple[str, ...]) -> configtx_pb2.ConfigGroup | None:
    """The group at path, ("Channel", "Application") for one, None when the config has none there."""
    if not path or path[0] != ROOT:
        return None
    group = config.channel_group
    for name in path[1:]:
        if name not in group.groups:
            return None
        group = group.groups[name]
    return group


def policy_path(element_path: tuple[str, ...], kind: str, mod_policy: str) -> tuple[str, ...]:
    """Where an element's mod_policy is: from the root when absolute ("/Channel/Orderer/Admins"), else in the
    element's own group (a group) or the group that holds it (a value or a policy)."""
    if mod_policy.startswith("/"):
        return tuple(p for p in mod_policy.split("/") if p)
    context = element_path if kind == "group" else element_path[:-1]
    return context + tuple(p for p in mod_policy.split("/") if p)


def org_msps(config: configtx_pb2.Config) -> dict[str, OrgMsp]:
    """Every org MSP of the channel (application and orderer orgs), by MSP ID."""
    out = {}
    for section in ORG_SECTIONS:
        holder = config.channel_group.groups.get(section)
        if holder is None:
            continue
        for group in holder.groups.values():
            if MSP_KEY in group.values:
                msp = OrgMsp.of(fabric_msp_config(group))
                out[msp.msp_id] = msp
    return out


# ---- principals -------------------------------------------------------------------------------------
def _refusing_crl(cert: x509.Certificate, msp: OrgMsp) -> tuple[int, x509.CertificateRevocationList, bool] | None:
    """Where the MSP's revocation check refuses cert (client.ledger.revocation.refusing) against the CA that issued
    it, a root or an intermediate CA of its chain as Fabric's MSP builds it (:func:`.msp.fabric_chain`); None when it
    does not, or when cert has no such chain (it is then refused as no identity of the MSP)."""
    chain = fabric_chain(cert, msp.identities)
    return None if chain is None or len(chain) < 2 else refusing(msp.revocation_list, chain[1], cert.serial_number)


def revocation(cert: x509.Certificate, msp: OrgMsp, config: configtx_pb2.Config) -> str | None:
    """Why the MSP refuses cert at its revocation check, None when it does not. Fabric's MSP walks its revocation
    list in order (validateCertAgainstChain) and stops at the first CRL that either has no Authority Key Identifier
    it can read (which fails every identity of the MSP) or is the issuing CA's and lists cert's serial (which
    revokes it). For the first, the way out the other orgs have in the channel config ``config`` (way_out)."""
    found = _refusing_crl(cert, msp)
    if found is None:
        return None
    place, listing, revokes = found
    if revokes:
        try:
            number = read_number(listing)
        except ValueError:
            number = None
        # "no CRL number of its CA ... lists it" would read as no CRL listing it
        which = f"CRL number {number}" if number is not None else f"a CRL ({number_text(listing)})"
        return (f"its certificate (serial {cert.serial_number:x}) is revoked: {which} of its CA in {msp.msp_id}'s "
                "MSP in the channel config lists it, so Fabric refuses its signature")
    why = (f"{lacking_aki(place, len(msp.revocation_list), listing, msp.msp_id)}, so Fabric fails every identity "
           f"of {msp.msp_id} (\"could not obtain Authority Key Identifier for crl\") and counts its signature for "
           f"nothing. Its own admins cannot replace that CRL, their signatures failing the same way")
    way = way_out(config, msp.msp_id)
    if way is None:
        return why
    if not way.open:
        return f"{why}. {way.closed()}"
    return (f"{why}: {way.check.needed} of the other orgs' admins ({', '.join(way.check.met)}) remove the org and add "
            f"it again with a CRL that carries its CA's key identifier (`recfin org remove`, then `recfin org add`)")


def refusal(signer: SignedBy, msps: dict[str, OrgMsp], config: configtx_pb2.Config) -> str | None:
    """Why the ordering service counts the signature for no principal at all, None when it checks it against them:
    a signer of an MSP the channel does not have, a signature that does not verify as Fabric verifies it, or a
    signer its MSP's CRLs revoke (msps: the MSPs of the channel config ``config``)."""
    msp = msps.get(signer.msp_id)
    if msp is None:
        # Fabric deserializes each signer with the channel's MSPs before verifying anything
        # (policies.SignatureSetToValidIdentities), and drops one whose MSP it does not know
        return (f"{signer.msp_id} is no MSP of this channel ({', '.join(sorted(msps)) or 'none'}), so the "
                "ordering service cannot read the signer's identity and drops the signature: only the "
                "signatures of the channel's orgs count")
    if (refused := msp.identities.definition_problem) is not None:
        # setup fails for such an MSP, and with it the whole channel config: no signature of it counts
        return (f"Fabric refuses {signer.msp_id}'s MSP definition in the channel config, so it reads no identity of "
                f"{signer.msp_id} and drops the signature: {refused}")
    if identity_of(signer, msps) is None:
        return (f"its certificate is no identity {signer.msp_id}'s MSP can read: it does not chain to the MSP's CAs in "
                "the channel config (or its CA's ECDSA signature on it is not one Fabric reads), so Fabric drops the "
                "signature before checking it")
    if not signer.valid:
        return signer.problem or "the signature does not verify"
    if admin_unvalidated(signer.certificate, msp):
        return None     # its CRLs do not touch the admin it is; satisfies() refuses it any other principal
    return revocation(signer.certificate, msp, config)


def identity_of(signer: SignedBy, msps: dict[str, OrgMsp]) -> tuple[str, bytes] | None:
    """The identity Fabric's MSP deserializes the signer as, (MSP ID, its certificate as the MSP names it:
    :func:`.msp.fabric_identity`), a signature set counting each such identity once; None where it cannot: an MSP
    the channel does not have, or a certificate signed with ECDSA that does not chain to the MSP's CAs."""
    msp = msps.get(signer.msp_id)
    certificate = None if msp is None else fabric_identity(signer.certificate, msp.identities)
    return None if certificate is None else (signer.msp_id, certificate)


def admin_unvalidated(cert: x509.Certificate, msp: OrgMsp) -> bool:
    """Whether cert is one of msp's listed admin certificates (admincerts) in an MSP with NodeOUs on:
    Fabric (satisfiesPrincipalInternalV142) takes it as the ADMIN principal before it validates the identity
    at all, so neither a CRL that lists it nor one without an Authority Key Identifier keeps it from signing
    as the admin."""
    return msp.identities.node_ous is not None and listed_admin(cert, msp)


def listed_admin(cert: x509.Certificate, msp: OrgMsp) -> bool:
    """Whether cert is one of msp's listed admin certificates as Fabric compares them (msp/mspimpl.go isInAdmins:
    the certificates as its MSP names identities, :func:`.msp.fabric_identity`), so that a twin of an admin
    certificate differing only in the S of its CA's signature is that admin too."""
    def named(certificate: x509.Certificate) -> bytes:
        return fabric_identity(certificate, msp.identities) or certificate.public_bytes(Encoding.DER)
    signer = named(cert)
    return any(named(fabric_certificate(pem)) == signer for pem in msp.admins)


def satisfies(signer: SignedBy, msp_id: str, role: str, msps: dict[str, OrgMsp]) -> bool:
    """Whether one valid signer is the principal 'msp_id.role' under the channel's MSPs: its certificate is an
    identity of that MSP as Fabric's MSP validates one (client.ledger.msp.certificate_problem: CA chain, SKIs, CRLs,
    organizational units and NodeOUs; the MSP ignores expiry), and, for a role other than member, the MSP's NodeOUs
    tell that role and the certificate carries its OU (an admin may instead be one of the MSP's listed admins, as
    :func:`listed_admin` compares them: with NodeOUs on, one of them is the admin without that validation, as in
    Fabric)."""
    msp = msps.get(msp_id)
    if msp is None or signer.msp_id != msp_id or not signer.valid or msp.identities.definition_problem is not None:
        return False
    identities, cert = msp.identities, signer.certificate
    if role == "admin" and admin_unvalidated(cert, msp):
        # setup only asked the admincert to carry the client or admin OU (postSetupV142)
        return True
    admin = role == "admin" and listed_admin(cert, msp)
    if certificate_problem(cert, identities, None) is not None:
        return False
    if role == "member" or admin:
        return True
    return identities.tells_role(role) and role_problem(chain_to(cert, identities), identities, role) is None


# ---- evaluation -------------------------------------------------------------------------------------
class Evaluator:
    """``signed`` counted as Fabric counts a signature set's signers under ``config`` (``msps``: its org MSPs,
    ``org_msps(config)``, given where one config judges many signature sets), and its policies checked."""

    def __init__(self, config: configtx_pb2.Config, signed: list[SignedBy],
                 msps: dict[str, OrgMsp] | None = None):
        self.config = config
        self.msps = org_msps(config) if msps is None else msps
        reasons = []
        verified = set()    # (MSP ID, certificate as Fabric names it) of each identity with a signature that verified
        for signer in signed:
            identity = self.identity(signer)
            if identity is None:
                # the orderer drops a signer its MSPs do not deserialize before anything else
                # (policies.SignatureSetToValidIdentities); refusal() says why
                reasons.append((signer, self.refusal(signer)))
                continue
            if identity in verified:
                # the orderer drops an identity's signatures after one of them verified
                # (policies.SignatureSetToValidIdentities), before checking any principal
                reasons.append((signer, "its identity signed already: Fabric counts the first of its signatures that "
                                        "verifies and ignores any further one"))
                continue
            if signer.valid:
                verified.add(identity)
            reasons.append((signer, self.refusal(signer)))
        self.signed = [s for s, why in reasons if why is None]
        self.refused = [(s, why) for s, why in reasons if why is not None]

    def identity(self, signer: SignedBy) -> tuple[str, bytes] | None:
        """The identity Fabric deserializes the signer as (:func:`identity_of`), None where it cannot."""
        return identity_of(signer, self.msps)

    def refusal(self, signer: SignedBy) -> str | None:
        """Why the signature counts for no principal at all (:func:`refusal`), None when it is checked against them."""
        return refusal(signer, self.msps, self.config)

    def policy_at(self, path: tuple[str, ...]) -> configtx_pb2.ConfigPolicy | None:
        group = group_at(self.config, path[:-1])
        if group is None or path[-1] not in group.policies:
            return None
        return group.policies[path[-1]]

    def check(self, path: tuple[str, ...]) -> PolicyCheck:
        where = "/" + "/".join(path)
        found = self.policy_at(path)
        if found is None:
            return PolicyCheck(where, NO_SUCH_POLICY, False, 1)
        policy = found.policy
        if policy.type == policies_pb2.Policy.IMPLICIT_META:
            meta = policies_pb2.ImplicitMetaPolicy.FromString(policy.value)
            rule = f"{policies_pb2.ImplicitMetaPolicy.Rule.Name(meta.rule)} {meta.sub_policy}"
            group = group_at(self.config, path[:-1])
            children = sorted(group.groups) if group is not None else []
            checks = {c: self.check(path[:-1] + (c, meta.sub_policy)) for c in children}
            met = [c for c in children if checks[c].satisfied]
            # a child that is no org (no MSP of its own) is met by orgs below it: those are the ones to name
            groups = {c: check for c, check in checks.items() if MSP_KEY not in group.groups[c].values}
            needed = {policies_pb2.ImplicitMetaPolicy.ANY: 1, policies_pb2.ImplicitMetaPolicy.ALL: len(children),
                      policies_pb2.ImplicitMetaPolicy.MAJORITY: len(children) // 2 + 1}[meta.rule]
            if not children:
                # Fabric (common/policies/implicitmeta.go) takes 0 as the threshold of a group without child
                # groups, whatever the rule: such a policy is met by any signatures, none at all too
                needed = 0
            if groups:
                noun = f"groups' {meta.sub_policy.lower()}"
            else:
                noun = "org admins" if meta.sub_policy == "Admins" else f"orgs' {meta.sub_policy}"
            return PolicyCheck(where, rule, len(met) >= needed, needed, children, met, noun=noun,
                               below={c: check for c, check in groups.items() if not check.satisfied})
        if policy.type == policies_pb2.Policy.SIGNATURE:
            env = policies_pb2.SignaturePolicyEnvelope.FromString(policy.value)
            return self.signature_check(where, env)
        return PolicyCheck(where, f"(unsupported policy type {policy.type})", False, 1)

    def signature_check(self, where: str, env: policies_pb2.SignaturePolicyEnvelope) -> PolicyCheck:
        """The signature policy ``env`` (at ``where``) over the counted signers, told part by part of its
        top rule: an n-out-of needs n of its parts, each a principal ('BankMSP.admin') or a nested rule
        spelled whole, so that what is met, needed and missing are counted alike (a principal two parts
        name counted twice). Each part is evaluated in turn on the signers the parts met before it left
        unused, as Fabric's n-out-of walks them (client.ledger.signature_policy), so the parts met are
        the ones Fabric finds met."""
        principals = [principal(p) for p in env.identities]
        names = [f"{m}.{r}" for m, r in principals]
        rule = env.rule
        if rule.HasField("n_out_of"):
            needed, parts = rule.n_out_of.n, list(rule.n_out_of.rules)
        elif rule.HasField("signed_by"):
            needed, parts = 1, [rule]
        else:       # a rule Fabric does not compile, met by nobody: its principals are what it would need
            return PolicyCheck(where, render_signature_rule(env), False, 1, names, [])
        used: set[int] = set()
        spelled, met = [], []
        for part in parts:
            text = _part_text(part, names)
            spelled.append(text)
            found = evaluate_rule(part, principals=len(principals), signers=len(self.signed),
                                  meets=lambda signer, index: signer not in used
                                  and self.satisfies(self.signed[signer], *principals[index]))
            if found.met:
                used.update(found.signers)
                met.append(text)
        noun = "principals" if all(part.HasField("signed_by") for part in parts) else "parts of the rule"
        return PolicyCheck(where, render_signature_rule(env), len(met) >= needed, needed, spelled, met,
                           noun=noun)

    def verdict(self, checks: list[PolicyCheck]) -> Verdict:
        """The checks made, with who the evaluator counted and who it did not, and why."""
        return Verdict(checks, [f"{s.msp_id} {s.subject}" for s in self.signed],
                       [f"{s.msp_id} {s.subject}: {why}" for s, why in self.refused],
                       sorted({s.msp_id for s in self.signed}))

    def satisfies(self, signer, msp_id: str, role: str) -> bool:
        """Whether one counted signer is the principal 'msp_id.role'."""
        return satisfies(signer, msp_id, role, self.msps)

    def evaluated(self, rule: policies_pb2.SignaturePolicy, principals: list[tuple[str, str]]) -> Evaluation:
        """``rule`` over the counted signers, each (MSP ID, role) of ``principals`` met as ``satisfies`` says, by
        Fabric's greedy NOutOf (client.ledger.signature_policy): each signer is used for at most one principal."""
        return evaluate_rule(
            rule, principals=len(principals), signers=len(self.signed),
            meets=lambda signer, principal: self.satisfies(self.signed[signer], *principals[principal]))


class RoleHolders(Evaluator):
    """Identities known by MSP ID and role alone, each (MSP ID, role), taken as Fabric would count their signatures:
    one is the principal 'X.role' of its MSP X, and 'X.member' as every identity of X is."""

    def __init__(self, identities: list[tuple[str, str]]):
        self.signed = list(identities)
        self.refused = []

    def satisfies(self, signer, msp_id: str, role: str) -> bool:
        return signer[0] == msp_id and role in (signer[1], "member")


class _AdminsOf(RoleHolders):
    """Policies checked as if one admin of each of these orgs (MSP IDs) had signed, with a signature Fabric counts:
    what those admins can meet, judged without their keys by the same checks as real signatures."""

    def __init__(self, config: configtx_pb2.Config, msp_ids: list[str]):
        super().__init__([(msp_id, "admin") for msp_id in msp_ids])
        self.config = config
        self.msps = org_msps(config)


@dataclass
class WayOut:
    """Whether the other orgs' admins can remove an org its own CRL locks out (every identity of its MSP failing,
    its admins' too) and add it again: the policy one level up that the removal needs (the Application group's
    mod_policy, `MAJORITY Admins`), checked as if the admin of every other org not locked out the same way signed."""

    msp_id: str
    check: PolicyCheck                  # that policy as those admins would meet it (met: the orgs that count)
    locked_too: list[str]               # other orgs whose own CRL locks their admins out as well

    @property
    def open(self) -> bool:
        return self.check.satisfied

    def closed(self) -> str:
        """Why no config update can repair the org, when the way is not open."""
        met = self.check.met
        locked = (f"; {', '.join(self.locked_too)} {'is' if len(self.locked_too) == 1 else 'are'} locked out by "
                  f"{'its' if len(self.locked_too) == 1 else 'their'} own CRL too" if self.locked_too else "")
        check = self.check
        return (f"One level up, {check.path} ({check.rule}) could remove and add {self.msp_id}'s group again without "
                f"its admins, but it needs {check.needed} of {len(check.parts)} {check.noun} and only {len(met)} other "
                f"org(s) can sign ({', '.join(met) or 'none'}{locked}): no config update can repair {self.msp_id} on "
                f"this channel")


def way_out(current: configtx_pb2.Config, msp_id: str) -> WayOut | None:
    """The way out for application org msp_id of the channel config current (WayOut); None for an org that is not
    one of the channel's application orgs."""
    if msp_id not in current.channel_group.groups[APPLICATION].groups:
        return None
    msps = org_msps(current)
    locked_too = sorted(m for m, msp in msps.items() if m != msp_id and without_aki(msp.revocation_list))
    evaluator = _AdminsOf(current, [m for m in msps if m != msp_id and m not in locked_too])
    # Removing an org changes one element, the Application group (its members), so the update needs that group's
    # mod_policy alone (network.config_policy.required_policies finds the same of the update itself)
    application = (ROOT, APPLICATION)
    check = evaluator.check(policy_path(application, "group", current.channel_group.groups[APPLICATION].mod_policy))
    check.for_elements = [f"group /{'/'.join(application)}"]
    return WayOut(msp_id, check, locked_too)


def principal(p: msp_principal_pb2.MSPPrincipal) -> tuple[str, str]:
    """A ROLE principal as (MSP ID, role name); one of another kind, or whose MSPRole does not decode, as an MSP ID
    "?" that no signer is (Fabric's MSP fails to read the latter at evaluation, so nobody satisfies it)."""
    if p.principal_classification != msp_principal_pb2.MSPPrincipal.ROLE:
        return ("?", "unsupported-principal")
    try:
        role = msp_principal_pb2.MSPRole.FromString(p.principal)
    except (DecodeError, RuntimeError):
        return ("?", "unreadable-principal")
    return role.msp_identifier, ROLE_NAMES.get(role.role, "?")


def indexes_one(index: int, principals: list) -> bool:
    """Whether a signed-by leaf's index names one of the principals (not past them, nor negative, which Python would
    read from the end)."""
    return 0 <= index < len(principals)


def render_signature_rule(env: policies_pb2.SignaturePolicyEnvelope) -> str:
    """A SignaturePolicyEnvelope back in the policy language, e.g. "OR('BankMSP.admin')"."""
    names = [f"{msp_id}.{role}" for msp_id, role in map(principal, env.identities)]
    return spelled_rule(env.rule, lambda index: _quoted(names, index))


def _part_text(part: policies_pb2.SignaturePolicy, names: list[str]) -> str:
    """One part of a signature policy's top rule, as a check names it: a principal bare ("BankMSP.admin"), a
    nested rule in the policy language ("AND('BankMSP.admin', 'SupplierMSP.admin')")."""
    if part.HasField("signed_by"):
        return _quoted(names, part.signed_by)[1:-1]
    return spelled_rule(part, lambda index: _quoted(names, index))


def _quoted(names: list[str], index: int) -> str:
    """A signed-by leaf's principal as the policy language spells it ("'BankMSP.admin'"), from the principals'
    names; one indexing none of them, which Fabric compiles no policy with, says what it holds."""
    return f"'{names[index]}'" if indexes_one(index, names) else f"'<no principal #{index}>'"


def evaluate_signed(config: configtx_pb2.Config, path: tuple[str, ...],
                    signed: list[SignedBy]) -> Verdict:
    """Whether these signatures, each already verified over the bytes its user signs (a block's orderer
    signatures: client.ledger.block_integrity), meet the policy at ``path`` of ``config``, evaluated as a
    config update's signatures are (each identity counted once, revoked ones not at all)."""
    evaluator = Evaluator(config, signed)
    return evaluator.verdict([evaluator.check(path)])


