"""The exactly-once check of requests never answered (a timeout) whose record says the ledger applied them.

A resend is answered from the record, so such a record must name a part of the family of the amount the request
asked; otherwise the client is told of a transfer that is not there, which is a lost request, not one committed
unacknowledged. (A record naming a part of another family: ``test_hotkey_check``.)
"""
from __future__ import annotations

from bench.exactly_once import Acknowledgement, LedgerTransfer, check, lines

from .test_exactly_once_one_part_one_request import record
from .test_hotkey_check import Family, five_requests


def test_an_unanswered_request_recorded_with_a_part_the_family_does_not_hold_is_lost():
    family = [record("R", "SPLIT", ["R.1", "R.2"], 1000, "t0"),
              record("R.1", "ACTIVE", [], 5, "tx-a"),
              record("R.2", "ACTIVE", [], 995, "tx-a")]
    recorded = {"a": LedgerTransfer("R.1", 5, "tx-a"), "b": LedgerTransfer("R.2.1", 7, "tx-b")}
    verdict = check({"a": 5, "b": 7}, [Acknowledgement("a", "R.1", "tx-a")], recorded, family, "R")
    assert (verdict.acknowledged, verdict.found, verdict.lost, verdict.committed_unacknowledged) == (1, 1, 1, 0)
    assert verdict.amounts_add_up and not verdict.holds
    assert verdict.problems == ["lost: request b is recorded as moving R.2.1, no such part of the family is on the "
                                "ledger (never answered; a resend would be answered from this record)"]
    assert "lost 1" in lines({"exactly_once": verdict.to_json()})[0]


def test_an_unanswered_request_whose_recorded_split_moved_another_amount_is_lost():
    """r5 asked 50 fen and timed out; its record names a split of 5 fen."""
    family = Family()
    for request_id, amount in five_requests().items():
        family.split(request_id, amount)
    acks = [a for a in family.acks if a.request_id != "r5"]
    verdict = family.judge({**five_requests(), "r5": 50}, acks)
    assert (verdict.acknowledged, verdict.found, verdict.lost, verdict.committed_unacknowledged) == (4, 4, 1, 0)
    assert not verdict.holds
    assert verdict.problems == [f"lost: request r5 asked for 50 fen, the ledger moved 5 fen as {family.root}.2.2.2.2.1"
                                " (never answered; a resend would be answered from this record)"]


def test_an_unanswered_request_recorded_with_its_own_part_of_its_amount_is_still_listed_not_failed():
    family = Family()
    for request_id, amount in five_requests().items():
        family.split(request_id, amount)
    acks = [a for a in family.acks if a.request_id != "r5"]
    verdict = family.judge(five_requests(), acks)
    assert (verdict.found, verdict.lost, verdict.committed_unacknowledged) == (4, 0, 1)
    assert verdict.holds and verdict.problems == []
