"""The exactly-once check of the hot-key workload, on families the real contract built on MemoryLedger.

Each family is a confirmed receivable split again and again by the tier-1 supplier,
every split a business request with its own id; each request id's record is read
back through the contract's GetRequest, as the workload does. The faulty families
are the ones a client without request ids leaves (a retry moved the amount twice),
a client that reports what never committed, a split no request accounts for, and a
ledger whose amounts were altered.
"""
from __future__ import annotations

import asyncio
import json

import pytest

from bench.exactly_once import Acknowledgement, check, ledger_transfers, lines, read_family, read_records
from bench.workloads import merge_findings
from client.money import yuan
from client.receivables import Receivable, RequestRecord, RuleViolation
from client.receivables.errors import RULE_PATTERN

from ..receivables.support import standard_net

FACE = 1_130_00


class Family:
    """A confirmed receivable on MemoryLedger and the supplier's splits of its remainder."""

    def __init__(self) -> None:
        self.net = asyncio.run(standard_net())
        self.tier1, self.tier2, core = (self.net.actors[k] for k in ("tier1", "tier2", "core"))
        self.root = asyncio.run(self.net.confirmed(self.tier1, core, FACE))["id"]
        self.remainder = self.root
        self.acks: list[Acknowledgement] = []

    def split(self, request_id: str, amount: int, *, target: str | None = None, answered_as: str | None = None):
        """Split ``amount`` fen off the remainder (or ``target``) with ``request_id``; the client's answer is
        recorded under ``answered_as`` (default: the same request)."""
        result = asyncio.run(self.net.ok(self.tier1, "TransferReceivable", target or self.remainder,
                                         self.tier2.uscc, str(amount), request_id))
        moved, kept = result["children_records"]
        self.acks.append(Acknowledgement(answered_as or request_id, moved["id"], moved["last"]["tx_id"]))
        if target is None:
            self.remainder = kept["id"]
        return result

    def recorded(self, request_ids):
        """What GetRequest answers the supplier for each request id, as the workload reads it."""
        return asyncio.run(read_records(RecordReader(self.net, self.tier1), request_ids))

    def judge(self, requests: dict[str, int], acks: list[Acknowledgement] | None = None):
        return check(requests, self.acks if acks is None else acks, self.recorded(requests), self.records(), self.root)

    def alter_face_amount(self, receivable_id: str, fen: int) -> None:
        """Change a receivable's face amount on the ledger behind the contract's back."""
        key = self.net._key("recfin.receivable", receivable_id)
        doc = json.loads(self.net.ledger.state[key])
        doc["face_amount"] += fen
        self.net.ledger.state[key] = json.dumps(doc).encode()

    def records(self) -> list[Receivable]:
        out, level = [], [self.root]
        while level:
            docs = [Receivable.model_validate(self.net.doc(i)) for i in level]
            out += docs
            level = [c for d in docs for c in d.children]
        return out


class RecordReader:
    """``AsyncReceivablesClient.request`` of one actor, answered by the contract on MemoryLedger."""

    def __init__(self, net, actor) -> None:
        self.net, self.actor, self.asked = net, actor, []

    async def request(self, request_id: str) -> RequestRecord:
        self.asked.append(request_id)
        result = await self.net.call(self.actor, "GetRequest", request_id, evaluate=True)
        if result.status != 200:
            raise RuleViolation(RULE_PATTERN.search(result.message).group(1), result.message,
                                transaction="GetRequest", gateway_error=None)
        return RequestRecord.model_validate_json(result.payload)


def five_requests() -> dict[str, int]:
    return {f"r{n}": n for n in range(1, 6)}


def r3_resent_without_its_id() -> Family:
    """The five requests, r3 sent again under a new request id after it (a client without request ids retrying
    an answer it did not get), and that second answer taken as r3's."""
    family = Family()
    for request_id, amount in five_requests().items():
        family.split(request_id, amount)
        if request_id == "r3":
            family.split("r3-resent-without-its-id", amount, answered_as="r3")
    return family


def test_every_acknowledged_transfer_is_found_once_and_the_parts_add_up():
    family = Family()
    for request_id, amount in five_requests().items():
        family.split(request_id, amount)
    first_target = family.root
    family.split("r1", 1, target=first_target)      # a resend of r1 with its request id: the recorded answer
    verdict = family.judge(five_requests())
    assert (verdict.acknowledged, verdict.found, verdict.duplicated, verdict.lost, verdict.unaccounted) == (5, 5, 0, 0, 0)
    assert verdict.holds and verdict.problems == []
    assert verdict.face_amount == verdict.leaves_total == FACE
    assert sorted(t.amount for t in ledger_transfers(family.records())) == [1, 2, 3, 4, 5]


def test_a_request_moved_twice_is_duplicated():
    """The retry of a client without request ids: r3's answer was lost, it sent r3 again under a new id."""
    family = r3_resent_without_its_id()
    verdict = family.judge(five_requests())
    assert (verdict.acknowledged, verdict.found, verdict.duplicated, verdict.lost) == (5, 4, 1, 0)
    assert not verdict.holds and verdict.unaccounted == 0      # the second part is r3's: counted there, once
    assert [p for p in verdict.problems if p.startswith("duplicated: request r3 moved 2 parts")]
    assert verdict.amounts_add_up      # the ledger is consistent: the claim was split once too often


def test_a_request_whose_one_answer_names_a_part_besides_its_recorded_one_is_duplicated():
    """Only the resend's answer reached the client: one answer, yet r3's record names the first part, so r3
    moved two parts, a duplicate, not a lost answer."""
    family = r3_resent_without_its_id()
    first = next(a for a in family.acks if a.request_id == "r3")
    verdict = family.judge(five_requests(), [a for a in family.acks if a is not first])
    assert (verdict.acknowledged, verdict.found, verdict.duplicated, verdict.lost, verdict.unaccounted) == (5, 4, 1, 0, 0)
    assert [p.split(":")[0] for p in verdict.problems] == ["duplicated"]
    assert verdict.problems[0].startswith(f"duplicated: request r3 moved 2 parts ({first.child_id}, ")


def test_two_answers_naming_different_parts_are_duplicated_though_only_one_part_is_on_the_ledger():
    """The client holds two answers for r2 that name different parts: it was told r2 moved twice."""
    family = Family()
    for request_id, amount in five_requests().items():
        family.split(request_id, amount)
    second_answer = Acknowledgement("r2", f"{family.remainder}.1", "ab" * 32)    # a part never split off
    verdict = family.judge(five_requests(), family.acks + [second_answer])
    assert (verdict.acknowledged, verdict.found, verdict.duplicated, verdict.lost) == (5, 4, 1, 0)
    assert [p.split(":")[0] for p in verdict.problems] == ["duplicated"]


def test_an_acknowledgement_without_its_transfer_is_lost():
    family = Family()
    for request_id, amount in five_requests().items():
        family.split(request_id, amount)
    requests = {**five_requests(), "r6": 6}
    never_committed = Acknowledgement("r6", f"{family.remainder}.1", "ab" * 32)
    misreported = Acknowledgement("r2", f"{family.root}.2.2.1", "cd" * 32)   # the ledger moved r2 as <root>.2.1
    acks = [a for a in family.acks if a.request_id != "r2"] + [never_committed, misreported]
    verdict = family.judge(requests, acks)
    assert (verdict.acknowledged, verdict.found, verdict.duplicated, verdict.lost) == (6, 4, 0, 2)
    assert not verdict.holds
    assert [p.split(":")[0] for p in verdict.problems] == ["lost", "lost"]
    assert any("r6" in p and "the ledger has no record of it" in p for p in verdict.problems)
    assert any("r2" in p and f"{family.root}.2.1" in p for p in verdict.problems)


@pytest.mark.parametrize("answered", [True, False], ids=["answered", "timed-out"])
def test_a_request_recorded_as_moving_a_part_of_another_family_is_lost(answered):
    """r6 was applied to another receivable: its record names a part this family does not hold. Answered or not:
    a resend of a timed-out r6 would be answered from that record, told of a transfer this family does not hold."""
    family = Family()
    for request_id, amount in five_requests().items():
        family.split(request_id, amount)
    other = asyncio.run(family.net.confirmed(family.tier1, family.net.actors["core"], FACE))["id"]
    family.split("r6", 6, target=other)
    acks = family.acks if answered else [a for a in family.acks if a.request_id != "r6"]
    verdict = family.judge({**five_requests(), "r6": 6}, acks)
    assert (verdict.acknowledged, verdict.found, verdict.duplicated, verdict.lost, verdict.unaccounted,
            verdict.committed_unacknowledged) == (6 if answered else 5, 5, 0, 1, 0, 0)
    assert verdict.problems == [f"lost: request r6 is recorded as moving {other}.1, no such part of the family is "
                                "on the ledger" + ("" if answered else
                                                   " (never answered; a resend would be answered from this record)")]


def test_an_answered_split_whose_request_has_no_record_is_lost_and_not_also_unaccounted():
    """r6's split is on the ledger and its answer names it, but GetRequest r6 finds no record (here: it was
    applied under another request id): one fault, counted once, under the request the answer names."""
    family = Family()
    for request_id, amount in five_requests().items():
        family.split(request_id, amount)
    family.split("r6-applied-under-another-id", 6, answered_as="r6")
    verdict = family.judge({**five_requests(), "r6": 6})
    assert (verdict.acknowledged, verdict.found, verdict.duplicated, verdict.lost, verdict.unaccounted) == (6, 5, 0, 1, 0)
    assert [p.split(":")[0] for p in verdict.problems] == ["lost"]
    assert "r6" in verdict.problems[0] and "the ledger has no record of it" in verdict.problems[0]


def test_an_outcome_the_client_never_learnt_is_listed_not_failed():
    family = Family()
    for request_id, amount in five_requests().items():
        family.split(request_id, amount)
    acks = [a for a in family.acks if a.request_id != "r4"]    # r4 timed out, yet committed
    verdict = family.judge(five_requests(), acks)
    assert (verdict.acknowledged, verdict.found, verdict.committed_unacknowledged, verdict.unaccounted) == (4, 4, 1, 0)
    assert verdict.duplicated == verdict.lost == 0 and verdict.holds


def test_a_split_no_request_of_the_run_accounts_for_fails_the_check():
    """A part moved without any answer or record of the run: an effect applied beyond its recorded one."""
    family = Family()
    for request_id, amount in five_requests().items():
        family.split(request_id, amount)
    family.split("someone-else", 3)
    acks = [a for a in family.acks if a.request_id != "someone-else"]
    verdict = family.judge(five_requests(), acks)
    assert (verdict.found, verdict.duplicated, verdict.lost, verdict.unaccounted) == (5, 0, 0, 1)
    assert not verdict.holds and verdict.amounts_add_up
    assert [p.split(":")[0] for p in verdict.problems] == ["unaccounted"]


def test_a_record_of_another_amount_than_the_request_moved_is_lost():
    family = Family()
    for request_id, amount in five_requests().items():
        family.split(request_id, amount)
    verdict = family.judge({**five_requests(), "r5": 50})
    assert (verdict.found, verdict.lost) == (4, 1)
    assert any("r5 asked for 50 fen, the ledger moved 5 fen" in p for p in verdict.problems)


def test_parts_that_do_not_add_up_to_the_face_amount_are_reported():
    family = Family()
    for request_id, amount in five_requests().items():
        family.split(request_id, amount)
    family.alter_face_amount(family.remainder, 1)              # one fen appears from nowhere
    verdict = family.judge(five_requests())
    assert verdict.duplicated == verdict.lost == 0
    assert not verdict.amounts_add_up and not verdict.holds
    assert verdict.leaves_total == FACE + 1
    assert any(p.startswith("amounts: the parts add up to 1,130.01") for p in verdict.problems)


def test_a_split_whose_two_parts_do_not_add_up_to_it_is_reported_though_the_leaves_do():
    """A fen added to a part that was split again (not a leaf): the leaves still sum to the face amount, but
    the part no longer equals its own two parts, nor its parent the sum of it and its sibling."""
    family = Family()
    for request_id, amount in five_requests().items():
        family.split(request_id, amount)
    altered = f"{family.root}.2"
    family.alter_face_amount(altered, 1)
    verdict = family.judge(five_requests())
    assert verdict.leaves_total == verdict.face_amount == FACE
    assert not verdict.amounts_add_up and not verdict.holds
    face = {r.id: r.face_amount for r in family.records()}
    assert verdict.problems == [f"amounts: the parts of {family.root} do not add up to its {yuan(FACE)}",
                                f"amounts: the parts of {altered} do not add up to its {yuan(face[altered])}"]


def test_requests_moving_the_same_amount_are_told_apart_by_request_id():
    """Matching by request id: six requests of 7 fen each, one of them moved twice, one answered wrongly."""
    family = Family()
    same = {f"s{n}": 7 for n in range(1, 7)}
    for request_id in same:
        family.split(request_id, 7)
        if request_id == "s2":
            family.split("s2-resent-without-its-id", 7, answered_as="s2")
    unanswered = family.judge(same, [a for a in family.acks if a.request_id != "s2"])   # s2's answers never came
    assert (unanswered.unaccounted, unanswered.committed_unacknowledged, unanswered.holds) == (1, 1, False)
    swapped = {a.request_id: a for a in family.acks if a.request_id in ("s4", "s5")}
    acks = [a for a in family.acks if a.request_id not in ("s4", "s5")] + [
        Acknowledgement("s4", swapped["s5"].child_id, swapped["s5"].tx_id),
        Acknowledgement("s5", swapped["s4"].child_id, swapped["s4"].tx_id)]
    verdict = family.judge(same, acks)
    assert (verdict.acknowledged, verdict.found, verdict.duplicated, verdict.lost) == (6, 3, 1, 2)
    assert sorted(p.split(":")[0] for p in verdict.problems) == ["duplicated", "lost", "lost"]


def test_records_are_read_by_request_id_and_a_missing_one_is_none():
    family = Family()
    family.split("r1", 1)
    reader = RecordReader(family.net, family.tier1)
    recorded = asyncio.run(read_records(reader, ["r1", "never-sent"], concurrency=1))
    assert recorded["never-sent"] is None and reader.asked == ["r1", "never-sent"]
    assert recorded["r1"].child_id == f"{family.root}.1" and recorded["r1"].amount == 1
    assert recorded["r1"].tx_id == family.acks[0].tx_id

    class Refusing(RecordReader):
        async def request(self, request_id):
            raise RuleViolation("not-permitted-to-read", "", transaction="GetRequest", gateway_error=None)

    with pytest.raises(RuleViolation):
        asyncio.run(read_records(Refusing(family.net, family.tier1), ["r1"]))


def test_the_family_is_read_level_by_level_through_the_client():
    family = Family()
    for request_id, amount in five_requests().items():
        family.split(request_id, amount)
    reads = []

    class Reader:
        async def get_receivable(self, receivable_id):
            reads.append(receivable_id)
            return Receivable.model_validate(family.net.doc(receivable_id))

    records = asyncio.run(read_family(Reader(), family.root))
    assert {r.id for r in records} == {r.id for r in family.records()} and len(records) == 11
    assert reads[0] == family.root and len(reads) == len(set(reads))


def test_the_verdict_prints_as_acknowledged_found_duplicated_lost_and_processes_merge():
    family = Family()
    for request_id, amount in five_requests().items():
        family.split(request_id, amount)
    verdict = family.judge(five_requests()).to_json()
    hot = {"families": [family.root], "requests": 5, "duplicate_sends": 1, "conflicts": 4, "retries": 3,
           "retargets": 2, "unsettled": 0}
    text = lines({"hot_key": hot, "exactly_once": verdict})
    assert "4 MVCC conflicts, 3 SDK retries" in text[0]
    assert "acknowledged 5  found 5  duplicated 0  lost 0  unaccounted 0" in text[1] and "add up" in text[1]
    assert lines({}) == []

    broken = {**verdict, "lost": 1, "holds": False}
    merged = merge_findings([{"hot_key": hot, "exactly_once": verdict},
                             {"hot_key": {**hot, "families": ["R-other"]}, "exactly_once": broken}])
    assert merged["hot_key"]["families"] == [family.root, "R-other"] and merged["hot_key"]["conflicts"] == 8
    assert merged["exactly_once"]["acknowledged"] == 10 and merged["exactly_once"]["lost"] == 1
    assert merged["exactly_once"]["holds"] is False and merged["exactly_once"]["amounts_add_up"] is True
    assert merge_findings([]) == {} and merge_findings([{}, {}]) == {}


def test_exactly_once_broken_in_one_process_fails_the_merge_whichever_process_comes_first():
    family = Family()
    for request_id, amount in five_requests().items():
        family.split(request_id, amount)
    held = family.judge(five_requests()).to_json()
    broken = family.judge({**five_requests(), "r5": 50}).to_json()     # r5 recorded with another amount: lost
    assert held["holds"] and not broken["holds"]
    for order in ([held, broken], [broken, held]):
        merged = merge_findings([{"exactly_once": verdict} for verdict in order])["exactly_once"]
        assert merged["holds"] is False and merged["lost"] == 1


def test_problems_past_the_first_ten_are_counted_in_the_text_not_left_out_unsaid():
    family = Family()
    for request_id, amount in five_requests().items():
        family.split(request_id, amount)
    problems = [f"lost: request r{n} was answered with ['x'], the ledger has no record of it" for n in range(13)]
    verdict = {**family.judge(five_requests()).to_json(), "lost": 13, "holds": False, "problems": problems}
    text = lines({"exactly_once": verdict})
    assert text[1:11] == [f"    {problem}" for problem in problems[:10]]
    assert text[11:] == ['    and 3 more problems: every one is under "exactly_once", "problems" in the JSON report']
    assert len(lines({"exactly_once": {**verdict, "problems": problems[:10]}})) == 11
