"""The exactly-once check when two requests' records name one part: one split cannot be two transfers.

A dedupe that answers request B from request A's record leaves one split on the ledger for two business
transfers. The amounts cannot show it (the hot key's amounts repeat on purpose, and the ledger itself adds up),
so the check must: every request but one that claims a part is lost.
"""
from __future__ import annotations

from types import SimpleNamespace

from bench.exactly_once import Acknowledgement, LedgerTransfer, check, lines

from .test_hotkey_check import Family


def record(receivable_id, status, children, face, tx):
    return SimpleNamespace(id=receivable_id, status=status, children=children, face_amount=face,
                           last=SimpleNamespace(tx_id=tx))


def test_two_requests_answered_and_recorded_with_one_split_are_one_found_and_one_lost():
    """Two transfers of 5 fen each, one split on the ledger, both records and both answers naming it."""
    family = [record("R", "SPLIT", ["R.1", "R.2"], 113000, "t0"),
              record("R.1", "ACTIVE", [], 5, "t1"),
              record("R.2", "ACTIVE", [], 112995, "t1")]
    acks = [Acknowledgement("r1", "R.1", "t1"), Acknowledgement("r2", "R.1", "t1")]
    recorded = {"r1": LedgerTransfer("R.1", 5, "t1"), "r2": LedgerTransfer("R.1", 5, "t1")}
    verdict = check({"r1": 5, "r2": 5}, acks, recorded, family, "R")
    assert (verdict.acknowledged, verdict.found, verdict.lost, verdict.duplicated, verdict.unaccounted) == (2, 1, 1, 0, 0)
    assert verdict.amounts_add_up and not verdict.holds
    assert verdict.problems == ["lost: request r2 is recorded as moving R.1, which request r1 also claims: one split "
                                "cannot be two transfers"]
    assert "lost 1" in lines({"exactly_once": verdict.to_json()})[0]


def test_a_request_answered_from_another_requests_record_on_the_contracts_family_is_lost():
    """On a family the real contract split: "b" (7 fen, as "a") was never applied, yet answered and recorded with
    "a"'s part."""
    family = Family()
    family.split("a", 7)
    family.split("c", 3)
    requests = {"a": 7, "b": 7, "c": 3}
    recorded = family.recorded(["a", "c"])
    recorded["b"] = recorded["a"]
    a_answer = family.acks[0]
    acks = family.acks + [Acknowledgement("b", a_answer.child_id, a_answer.tx_id)]
    verdict = check(requests, acks, recorded, family.records(), family.root)
    assert (verdict.acknowledged, verdict.found, verdict.lost) == (3, 2, 1)
    assert verdict.amounts_add_up and not verdict.holds
    assert verdict.problems == [f"lost: request b is recorded as moving {a_answer.child_id}, which request a also "
                                "claims: one split cannot be two transfers"]


def test_the_request_whose_record_names_the_splitting_transaction_keeps_the_part():
    """The records tell the claimants apart when only one names the transaction that made the split: that one
    keeps it, whatever the order of the request ids."""
    family = Family()
    family.split("z-applied", 7)
    part = family.acks[0]
    recorded = family.recorded(["z-applied"])
    recorded["a-impostor"] = LedgerTransfer(part.child_id, 7, "ee" * 32)     # its own transaction, no split of it
    acks = family.acks + [Acknowledgement("a-impostor", part.child_id, "ee" * 32)]
    verdict = check({"z-applied": 7, "a-impostor": 7}, acks, recorded, family.records(), family.root)
    assert (verdict.found, verdict.lost) == (1, 1)
    assert verdict.problems[0].startswith("lost: request a-impostor is recorded as moving")
    assert "which request z-applied also claims" in verdict.problems[0]


def test_an_unacknowledged_request_recorded_with_another_requests_part_is_lost_not_committed():
    """"c" never got its answer, and its record names "a"'s part: the ledger says it was applied, and no part of
    its own shows it. It is not a transfer committed unacknowledged, it is a lost one."""
    family = Family()
    family.split("a", 7)
    recorded = family.recorded(["a"])
    recorded["c"] = recorded["a"]
    verdict = check({"a": 7, "c": 7}, family.acks, recorded, family.records(), family.root)
    assert (verdict.acknowledged, verdict.found, verdict.lost, verdict.committed_unacknowledged) == (1, 1, 1, 0)
    assert not verdict.holds
    assert verdict.problems[0].startswith("lost: request c is recorded as moving")
