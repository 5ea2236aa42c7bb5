"""A Fabric signature policy evaluated as Fabric evaluates it (``common/cauthdsl``): greedily, each signer used once.

A SignaturePolicy is an n-out-of tree over signed-by leaves, each leaf the index of one of the policy's principals
(its envelope's ``identities``). Fabric walks it in order:

- a signed-by leaf takes the first signer not used yet that meets its principal, and marks it used;
- an n-out-of tries each part in turn on a copy of the signers still unused; a part met keeps what it used (the
  copy becomes the unused ones), a part not met gives everything back; it is met when at least n parts are.

No part is tried again with other signers (no backtracking), so a set of signers can fail a policy that some of
them alone meet: in AND(OR('A.member', 'B.member'), 'A.member') signed by A and B, the OR takes A's signature, which
the last leaf then lacks.

Who meets which principal is the caller's to say (``meets``): a peer's endorsement (:mod:`.lifecycle`), an admin's
signature on a config update (:mod:`.config_policies`).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from fabric_protos.common import policies_pb2


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
