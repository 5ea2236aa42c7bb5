"""A signature policy evaluated as Fabric's cauthdsl evaluates it: greedily, each signer used once, no part tried
again with other signers; and the two rules Fabric refuses to compile met by nobody."""
from __future__ import annotations

import pytest
from fabric_protos.common import policies_pb2
from fabric_protos.msp import msp_principal_pb2

from client.ledger.lifecycle import EndorsementRule
from client.ledger.signature_policy import Evaluation, evaluate

Rule = policies_pb2.SignaturePolicy


def leaf(principal: int) -> Rule:
    return Rule(signed_by=principal)


def out_of(n: int, *parts: Rule) -> Rule:
    return Rule(n_out_of=Rule.NOutOf(n=n, rules=parts))


def any_of(*parts: Rule) -> Rule:
    return out_of(1, *parts)


def all_of(*parts: Rule) -> Rule:
    return out_of(len(parts), *parts)


def evaluated(rule: Rule, principals: list[str], signers: list[str]) -> Evaluation:
    """``rule`` over signers named as the principals they meet: signer "A" meets principal "A" only."""
    return evaluate(rule, principals=len(principals), signers=len(signers),
                    meets=lambda signer, principal: signers[signer] == principals[principal])


A, B, C, R, S = range(5)
ORGS = ["A", "B", "C", "R", "S"]


def test_an_or_keeps_every_part_it_meets_so_a_later_leaf_finds_its_signer_taken():
    """Fabric's n-out-of tries every part even once n are met: the OR uses A's and B's signatures, and the last
    leaf, B, has none left. An evaluator stopping at the first part met, or searching for another way, meets it."""
    rule = all_of(any_of(leaf(A), leaf(B)), leaf(B))
    assert evaluated(rule, ORGS, ["A", "B"]) == Evaluation(False, (0, 1), (A, B))
    assert evaluated(rule, ORGS, ["B"]) == Evaluation(False, (0,), (B,))


def test_more_signers_can_fail_a_policy_fewer_of_them_meet():
    """The shape of a collection's policy: the inner AND takes S's signature, and the last leaf S finds none."""
    rule = all_of(any_of(all_of(leaf(C), leaf(S)), leaf(R)), leaf(S))
    assert not evaluated(rule, ORGS, ["C", "R", "S"]).met
    assert evaluated(rule, ORGS, ["R", "S"]) == Evaluation(True, (0, 1), (R, S))


def test_a_leaf_takes_the_first_unused_signer_that_meets_it():
    """An admin meets 'A.member' too: listed first, it is taken for the member leaf and the admin leaf is left
    without one. Listed after the member, both leaves are met."""
    principals = ["A.member", "A.admin"]
    roles = {"A.admin": {"A.member", "A.admin"}, "A.member": {"A.member"}}
    rule = all_of(leaf(0), leaf(1))

    def over(signers: list[str]) -> Evaluation:
        return evaluate(rule, principals=2, signers=len(signers),
                        meets=lambda signer, principal: principals[principal] in roles[signers[signer]])

    assert over(["A.admin", "A.member"]) == Evaluation(False, (0,), (0,))
    assert over(["A.member", "A.admin"]) == Evaluation(True, (0, 1), (0, 1))


def test_each_signer_counts_for_one_leaf():
    twice = all_of(leaf(A), leaf(A))
    assert evaluated(twice, ORGS, ["A"]) == Evaluation(False, (0,), (A,))
    assert evaluated(twice, ORGS, ["A", "A"]) == Evaluation(True, (0, 1), (A, A))
    assert not evaluated(out_of(2, leaf(A), leaf(A), leaf(B)), ORGS, ["A"]).met


def test_a_part_not_met_gives_back_the_signers_it_took():
    """The AND takes A's signature and fails for want of B's: the next part, A, still has it."""
    rule = any_of(all_of(leaf(A), leaf(B)), leaf(A))
    assert evaluated(rule, ORGS, ["A"]) == Evaluation(True, (0,), (A,))


def test_nested_rules_report_the_leaves_their_met_parts_met_in_the_rules_order():
    rule = out_of(2, all_of(leaf(A), any_of(leaf(B), leaf(C))), any_of(leaf(R), all_of(leaf(S), leaf(C))), leaf(S))
    # the first part uses A and B (C is not signed), the second R, and S is met on its own: 3 of 3
    assert evaluated(rule, ORGS, ["S", "R", "B", "A"]) == Evaluation(True, (0, 1, 2, 3), (A, B, R, S))
    # without R the second part's AND takes S and the second C; the last leaf S has none left: 2 of 3 meet it
    assert evaluated(rule, ORGS, ["S", "C", "C", "A"]) == Evaluation(True, (0, 1, 2, 3), (A, C, S, C))
    # with one C, the first part takes it and the second part fails, giving S back to the last leaf
    assert evaluated(rule, ORGS, ["C", "S", "A"]) == Evaluation(True, (0, 1, 2), (A, C, S))


def test_a_rule_that_is_not_met_still_tells_what_its_met_parts_used():
    rule = out_of(3, leaf(A), leaf(B), leaf(C))
    assert evaluated(rule, ORGS, ["C", "A"]) == Evaluation(False, (0, 1), (A, C))


def test_zero_out_of_is_met_without_a_signer_and_still_uses_the_signers_its_parts_meet():
    assert evaluated(out_of(0), ORGS, []) == Evaluation(True, (), ())
    assert evaluated(out_of(0, leaf(A)), ORGS, []) == Evaluation(True, (), ())
    # its part A is tried and keeps A's signature, which the leaf after it then lacks
    assert evaluated(out_of(0, leaf(A)), ORGS, ["A"]) == Evaluation(True, (0,), (A,))
    assert evaluated(all_of(out_of(0, leaf(A)), leaf(A)), ORGS, ["A"]) == Evaluation(False, (0,), (A,))


@pytest.mark.parametrize("bad", [leaf(len(ORGS)), leaf(-1), Rule()], ids=["index-past", "negative-index", "neither"])
def test_a_rule_fabric_refuses_to_compile_is_met_by_nobody_and_uses_nothing(bad):
    """A leaf indexing no principal (Python's -1 would be the last) and a rule of neither kind (read as an n-out-of,
    its n of 0 would be met): Fabric compiles neither; where one is a part, the others count as usual."""
    asked = []

    def meets(signer: int, principal: int) -> bool:
        asked.append(principal)
        return True                  # every signer meets every principal it is asked about

    assert evaluate(bad, principals=len(ORGS), signers=2, meets=meets) == Evaluation(False, (), ())
    assert asked == []
    assert evaluated(any_of(bad, leaf(A)), ORGS, ["A"]) == Evaluation(True, (0,), (A,))
    assert not evaluated(any_of(bad), ORGS, ["A", "S"]).met
    assert not evaluated(all_of(bad, leaf(A)), ORGS, ["A", "S"]).met


def _peer_rule(rule: Rule, *roles: tuple[str, int]) -> EndorsementRule:
    """The EndorsementRule of ``rule`` over ROLE principals (MSP ID, role) as collection_orgs builds it."""
    peer_roles = (msp_principal_pb2.MSPRole.MEMBER, msp_principal_pb2.MSPRole.PEER)
    return EndorsementRule(rule, [msp if role in peer_roles else None for msp, role in roles])


def test_peers_meet_an_endorsement_rule_once_per_org_and_greedily():
    member, admin = msp_principal_pb2.MSPRole.MEMBER, msp_principal_pb2.MSPRole.ADMIN
    greedy = _peer_rule(all_of(any_of(leaf(0), leaf(1)), leaf(1)), ("AMSP", member), ("BMSP", member))
    assert not greedy.met_by(["AMSP", "BMSP"]) and not greedy.met_by(["BMSP"])
    # an org named twice is still one peer's endorsement
    both = _peer_rule(all_of(leaf(0), leaf(0)), ("AMSP", member))
    assert not both.met_by(["AMSP", "AMSP"])
    assert not _peer_rule(leaf(0), ("AMSP", admin)).met_by(["AMSP"])


def test_an_endorsement_rule_fabric_refuses_to_compile_is_met_by_no_peer():
    member = msp_principal_pb2.MSPRole.MEMBER
    # -1 is no principal: read as Python reads it, the last one (BMSP), it would be met
    assert not _peer_rule(leaf(-1), ("AMSP", member), ("BMSP", member)).met_by(["AMSP", "BMSP"])
    assert not _peer_rule(leaf(2), ("AMSP", member), ("BMSP", member)).met_by(["AMSP", "BMSP"])
    assert not _peer_rule(Rule(), ("AMSP", member)).met_by(["AMSP"])
    assert _peer_rule(any_of(leaf(-1), leaf(0)), ("AMSP", member)).met_by(["AMSP"])
