"""Fabric's signature policy language read (:func:`signature_policy`), and a signature policy evaluated as
Fabric evaluates it (``common/cauthdsl``): greedily, each signer used once.

A SignaturePolicy is an n-out-of tree over signed-by leaves, each leaf the index of one of the policy's principals
(its envelope's ``identities``). Fabric walks it in order:

- a signed-by leaf takes the first signer not used yet that meets its principal, and marks it used;
- an n-out-of tries each part in turn on a copy of the signers still unused; a part met keeps what it used (the
  copy becomes the unused ones), a part not met gives everything back; it is met when at least n parts are.

No part is tried again with other signers (no backtracking), so a set of signers can fail a policy that some of
them alone meet: in AND(OR('A.member', 'B.member'), 'A.member') signed by A and B, the OR takes A's signature, which
the last leaf then lacks.

Who meets which principal is the caller's to say (``meets``): a peer's endorsement (client.ledger.lifecycle), an
admin's signature on a config update (client.ledger.config_policies), a peer of an endorsing org in the test
ledger's validation (chaincode.testing). It lives in the chaincode package, which imports nothing else of recfin
(its server image holds it alone), so that all three evaluate with this one walk, and the network's tooling and
the test ledger read the policy language with this one parser.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

from fabric_protos.common import policies_pb2
from fabric_protos.msp import msp_principal_pb2


class Evaluation(NamedTuple):
    """What evaluating a rule found: ``met``, whether the rule is; ``signers``, the indices of the signers its met
    parts used, in increasing order; ``leaves``, the principal index of each signed-by leaf those parts met, in the
    order the rule names them (a principal two leaves index, met twice, is there twice). ``signers`` and ``leaves``
    are told as well when the rule is not met: they are what its met parts used, short of what it needs."""

    met: bool
    signers: tuple[int, ...]
    leaves: tuple[int, ...]


def evaluate(rule: policies_pb2.SignaturePolicy, *, principals: int, signers: int,
             meets: Callable[[int, int], bool]) -> Evaluation:
    """``rule`` evaluated over ``signers`` signers (indices 0 to signers - 1) for a policy of ``principals``
    principals, as Fabric does (this module's doc): ``meets(i, k)`` tells whether signer i meets principal k, the
    index a signed-by leaf holds. Each signer is counted once, so a caller passes an identity once (Fabric drops an
    identity's further signatures before evaluating).

    Two rules Fabric refuses to compile (cauthdsl ``compile``) are evaluated as met by nobody and using nothing,
    which is what Fabric would make of them at evaluation if it compiled them at all: a rule of neither kind (no
    signed-by, no n-out-of) and a signed-by leaf whose index is not one of the principals' (negative or past the
    last). Inside an n-out-of such a part is one not met; the other parts count as usual."""
    used = [False] * signers

    def walk(node: policies_pb2.SignaturePolicy, used: list[bool]) -> tuple[bool, list[int]]:
        """Whether ``node`` is met from the signers ``used`` leaves unused, marking those it uses in ``used``; and
        the principal indices of the leaves it met."""
        if node.HasField("signed_by"):
            principal = node.signed_by
            if not 0 <= principal < principals:
                return False, []
            for signer, taken in enumerate(used):
                if not taken and meets(signer, principal):
                    used[signer] = True
                    return True, [principal]
            return False, []
        if not node.HasField("n_out_of"):
            return False, []
        parts_met, leaves = 0, []
        for part in node.n_out_of.rules:
            trial = list(used)
            part_met, part_leaves = walk(part, trial)
            if part_met:
                used[:] = trial
                parts_met += 1
                leaves += part_leaves
        return parts_met >= node.n_out_of.n, leaves

    met, leaves = walk(rule, used)
    return Evaluation(met, tuple(i for i, taken in enumerate(used) if taken), tuple(leaves))


def spelled(rule: policies_pb2.SignaturePolicy, leaf: Callable[[int], str]) -> str:
    """``rule`` in Fabric's policy language, for a message: each signed-by leaf as ``leaf`` spells the principal index
    it holds (quoted by the caller), an n-out-of as OR (n = 1), AND (n = all its parts) or OutOf(n, ...)."""
    if rule.HasField("signed_by"):
        return leaf(rule.signed_by)
    parts, n = [spelled(part, leaf) for part in rule.n_out_of.rules], rule.n_out_of.n
    joined = ", ".join(parts)
    return f"OR({joined})" if n == 1 else f"AND({joined})" if n == len(parts) else f"OutOf({n}, {joined})"


# ---- the policy language ------------------------------------------------------------------------------------
# The role names of 'MSPID.role' principals, as Fabric's policy language and config policies write them.
ROLES = {"member": msp_principal_pb2.MSPRole.MEMBER, "admin": msp_principal_pb2.MSPRole.ADMIN,
         "client": msp_principal_pb2.MSPRole.CLIENT, "peer": msp_principal_pb2.MSPRole.PEER,
         "orderer": msp_principal_pb2.MSPRole.ORDERER}


class SignaturePolicySyntaxError(ValueError):
    """Text that is no policy of Fabric's signature policy language, the message naming what is wrong."""


_TOKEN = re.compile(r"\s*(?:(?P<str>'[^']*'|\"[^\"]*\")|(?P<int>\d+)|(?P<name>[A-Za-z]+)|(?P<punct>[(),]))")


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    while pos < len(text.rstrip()):
        m = _TOKEN.match(text, pos)
        if not m:
            raise SignaturePolicySyntaxError(f"policy {text!r}: cannot read {text[pos:pos + 20]!r}")
        kind = m.lastgroup
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


class _SignatureParser:
    def __init__(self, text: str):
        self.text, self.tokens, self.i = text, _tokens(text), 0
        self.principals: list[tuple[str, int]] = []

    def fail(self, what: str) -> SignaturePolicySyntaxError:
        return SignaturePolicySyntaxError(f"policy {self.text!r}: {what}; write e.g. \"OR('BankMSP.admin')\" "
                                          f"or \"OutOf(2, 'AMSP.peer', 'BMSP.peer')\"")

    def take(self, kind: str, value: str | None = None) -> str:
        if self.i >= len(self.tokens):
            raise self.fail(f"ends early, expected {value or kind}")
        k, v = self.tokens[self.i]
        if k != kind or (value is not None and v != value):
            raise self.fail(f"expected {value or kind}, found {v!r}")
        self.i += 1
        return v

    def principal(self, quoted: str) -> policies_pb2.SignaturePolicy:
        msp, _, role = quoted[1:-1].rpartition(".")
        if not msp or role not in ROLES:
            raise self.fail(f"{quoted} is not 'MSPID.role' with role one of {', '.join(ROLES)}")
        key = (msp, ROLES[role])
        if key not in self.principals:
            self.principals.append(key)
        return policies_pb2.SignaturePolicy(signed_by=self.principals.index(key))

    def rule(self) -> policies_pb2.SignaturePolicy:
        if self.i < len(self.tokens) and self.tokens[self.i][0] == "str":
            return self.principal(self.take("str"))
        op = self.take("name")
        if op.lower() not in ("and", "or", "outof"):
            raise self.fail(f"unknown operator {op!r}")
        self.take("punct", "(")
        n = int(self.take("int")) if op.lower() == "outof" else None
        if n is not None:
            self.take("punct", ",")
        rules = [self.rule()]
        while self.i < len(self.tokens) and self.tokens[self.i] == ("punct", ","):
            self.i += 1
            rules.append(self.rule())
        self.take("punct", ")")
        n = {"and": len(rules), "or": 1}.get(op.lower(), n)
        if not 1 <= n <= len(rules):
            raise self.fail(f"OutOf({n}, ...) over {len(rules)} rules")
        return policies_pb2.SignaturePolicy(n_out_of=policies_pb2.SignaturePolicy.NOutOf(n=n, rules=rules))

    def envelope(self) -> policies_pb2.SignaturePolicyEnvelope:
        rule = self.rule()
        if self.i != len(self.tokens):
            raise self.fail(f"unexpected {self.tokens[self.i][1]!r} after the policy")
        identities = [msp_principal_pb2.MSPPrincipal(
            principal_classification=msp_principal_pb2.MSPPrincipal.ROLE,
            principal=msp_principal_pb2.MSPRole(msp_identifier=msp, role=role).SerializeToString())
            for msp, role in self.principals]
        return policies_pb2.SignaturePolicyEnvelope(version=0, rule=rule, identities=identities)


def signature_policy(text: str) -> policies_pb2.SignaturePolicyEnvelope:
    """Fabric's signature policy language compiled to a SignaturePolicyEnvelope (SignaturePolicySyntaxError
    naming what is wrong where it is none)."""
    return _SignatureParser(text).envelope()
