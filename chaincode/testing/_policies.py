"""Signature policies as the memory ledger's validation reads and evaluates them.

The chaincode package imports nothing else of recfin (its server image holds it alone), so the policy
language is read here rather than with ``network.org_definition.signature_policy``: enough of it for an
endorsement policy, AND / OR / OutOf over 'MSP.role' principals.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from fabric_protos.common import policies_pb2
from fabric_protos.msp import msp_principal_pb2
from google.protobuf.message import DecodeError

MSPRole = msp_principal_pb2.MSPRole
# the principals a peer's signature meets in its MSP, NodeOUs on: a peer is a member too, no admin or client
PEER_ROLES = (MSPRole.MEMBER, MSPRole.PEER)
_ROLES = {"member": MSPRole.MEMBER, "admin": MSPRole.ADMIN, "client": MSPRole.CLIENT, "peer": MSPRole.PEER,
          "orderer": MSPRole.ORDERER}
_TOKEN = re.compile(r"\s*(?:(?P<str>'[^']*')|(?P<int>\d+)|(?P<name>[A-Za-z]+)|(?P<punct>[(),]))")


def compile_policy(text: str) -> bytes:
    """``text`` in Fabric's signature policy language ("AND('A.peer', 'B.peer')") as the marshalled
    SignaturePolicyEnvelope a peer evaluates; ValueError naming what is wrong where it is none."""
    tokens, principals = _tokens(text), []

    def fail(what: str) -> ValueError:
        return ValueError(f"policy {text!r}: {what}; write e.g. \"AND('AMSP.peer', 'BMSP.peer')\"")

    def take(kind: str) -> str:
        if not tokens or tokens[0][0] != kind:
            raise fail(f"expected {kind}, found {tokens[0][1] if tokens else 'the end'!r}")
        return tokens.pop(0)[1]

    def rule() -> policies_pb2.SignaturePolicy:
        if tokens and tokens[0][0] == "str":
            msp, _, role = take("str").strip("'").rpartition(".")
            if not msp or role not in _ROLES:
                raise fail(f"'{msp}.{role}' is not 'MSPID.role' with role one of {', '.join(_ROLES)}")
            if (msp, _ROLES[role]) not in principals:
                principals.append((msp, _ROLES[role]))
            return policies_pb2.SignaturePolicy(signed_by=principals.index((msp, _ROLES[role])))
        operator = take("name").lower()
        if operator not in ("and", "or", "outof") or take("punct") != "(":
            raise fail(f"{operator!r} is no AND(...), OR(...) or OutOf(n, ...)")
        n = None
        if operator == "outof":
            n = int(take("int"))
            if take("punct") != ",":
                raise fail("OutOf(n, ...) needs a comma after n")
        rules = [rule()]
        while (separator := take("punct")) == ",":
            rules.append(rule())
        if separator != ")":
            raise fail(f"expected ',' or ')', found {separator!r}")
        n = {"and": len(rules), "or": 1}.get(operator, n)
        if not 1 <= n <= len(rules):
            raise fail(f"OutOf({n}, ...) over {len(rules)} rules: n must be 1 to {len(rules)}")
        return policies_pb2.SignaturePolicy(n_out_of=policies_pb2.SignaturePolicy.NOutOf(n=n, rules=rules))

    top = rule()
    if tokens:
        raise fail(f"unexpected {tokens[0][1]!r} after the policy")
    identities = [msp_principal_pb2.MSPPrincipal(
        principal_classification=msp_principal_pb2.MSPPrincipal.ROLE,
        principal=MSPRole(msp_identifier=msp, role=role).SerializeToString()) for msp, role in principals]
    envelope = policies_pb2.SignaturePolicyEnvelope(version=0, rule=top, identities=identities)
    return envelope.SerializeToString()


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    while text[position:].strip():
        match = _TOKEN.match(text, position)
        if match is None:
            raise ValueError(f"policy {text!r}: cannot read it from {text[position:].strip()!r}")
        tokens.append((match.lastgroup, match.group(match.lastgroup)))
        position = match.end()
    return tokens


def principals_of(policy: bytes) -> tuple[policies_pb2.SignaturePolicy, list[tuple[str, int]]] | None:
    """The envelope's rule and its (MSP ID, role) principals; None for bytes Fabric cannot read as a
    policy of MSP roles, which nobody satisfies then."""
    try:
        envelope = policies_pb2.SignaturePolicyEnvelope.FromString(policy)
        principals = []
        for principal in envelope.identities:
            if principal.principal_classification != msp_principal_pb2.MSPPrincipal.ROLE:
                return None
            role = MSPRole.FromString(principal.principal)
            principals.append((role.msp_identifier, role.role))
    except DecodeError:
        return None
    return envelope.rule, principals


def policy_orgs(policy: bytes) -> list[str]:
    """The MSP IDs the policy names, sorted, for a message."""
    read = principals_of(policy)
    return sorted({msp for msp, _ in read[1]}) if read else ["<unreadable policy>"]


def signers_satisfy(policy: bytes, signers: Iterable[str], roles: tuple[int, ...] = PEER_ROLES) -> bool:
    """Whether one signature of each MSP in ``signers`` (one of its peers' by default: ``roles`` are the
    principal roles of its MSP a signature meets) satisfies ``policy``, as Fabric evaluates it
    (common/cauthdsl): greedily, a signed-by leaf taking the first unused signature meeting its principal,
    an n-out-of trying its parts in turn and met by n of them; a part not met gives back what it took; no
    signature counts twice. An MSP named twice is still one signature: Fabric drops an identity's repeats."""
    read = principals_of(policy)
    if read is None:
        return False
    rule, principals = read

    def unused_after(node: policies_pb2.SignaturePolicy, unused: tuple[str, ...]) -> tuple[str, ...] | None:
        """The signatures still unused once ``node`` is met from ``unused``; None where it is not."""
        if node.HasField("signed_by"):
            if not 0 <= node.signed_by < len(principals):
                return None
            msp, role = principals[node.signed_by]
            if msp not in unused or role not in roles:
                return None
            return tuple(signer for signer in unused if signer != msp)
        if not node.HasField("n_out_of"):
            return None
        met, left = 0, unused
        for part in node.n_out_of.rules:
            after = unused_after(part, left)
            if after is not None:
                met, left = met + 1, after
        return left if met >= node.n_out_of.n else None

    return unused_after(rule, tuple(dict.fromkeys(signers))) is not None
