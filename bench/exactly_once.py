"""Exactly-once on a hot receivable family: every acknowledged transfer is on the ledger once, none twice.

The ``hotkey`` workload splits small amounts off one confirmed receivable from many
clients at once; each transfer is a business request with its own request id. The
contract keeps ``request id -> result`` under keys no query returns, and a split
child does not carry the request id, so each request is given an amount no other
request of the family has: a transfer on the ledger is mapped back to its request id
by its amount. Then, per request id:

- **found**: acknowledged, and the ledger holds exactly one transfer for it, the very
  part (``<id>.1`` child) the answer named;
- **duplicated**: the ledger holds two or more transfers for it, or two answers named
  different parts (the effect happened twice);
- **lost**: acknowledged, but no transfer for it is on the ledger, or another part
  than the one the answer named;
- committed but unacknowledged (the client never learnt the outcome, e.g. a timeout)
  and transfers of no request of the run (``unexpected``) are listed, not failures.

The amounts must also add up: the leaves of the family (every part transferred and
the remainder kept) sum to the root's face amount, and each split's two parts to
the part they came from.
"""
from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from client.money import yuan

SPLIT = "SPLIT"


@dataclass(frozen=True)
class Acknowledgement:
    """One answer a client got: the request, the part it says was transferred, and the committing tx."""

    request_id: str
    child_id: str
    tx_id: str


@dataclass(frozen=True)
class LedgerTransfer:
    """A part split off on the ledger: the ``<id>.1`` child of a SPLIT receivable."""

    child_id: str
    amount: int
    tx_id: str


@dataclass
class Verdict:
    acknowledged: int
    found: int
    duplicated: int
    lost: int
    committed_unacknowledged: int
    unexpected: int
    face_amount: int
    leaves_total: int
    problems: list[str] = field(default_factory=list)

    @property
    def amounts_add_up(self) -> bool:
        return not [p for p in self.problems if p.startswith("amounts:")]

    @property
    def holds(self) -> bool:
        """Exactly once, and the amounts add up."""
        return self.duplicated == 0 and self.lost == 0 and self.amounts_add_up

    def to_json(self) -> dict[str, Any]:
        return {"acknowledged": self.acknowledged, "found": self.found, "duplicated": self.duplicated,
                "lost": self.lost, "committed_unacknowledged": self.committed_unacknowledged,
                "unexpected": self.unexpected, "face_amount": self.face_amount, "leaves_total": self.leaves_total,
                "amounts_add_up": self.amounts_add_up, "holds": self.holds, "problems": list(self.problems)}


def ledger_transfers(family: Iterable[Any]) -> list[LedgerTransfer]:
    """The parts split off in a family (records with ``id``, ``status``, ``children``, ``face_amount``, ``last``)."""
    by_id = {r.id: r for r in family}
    out = []
    for r in by_id.values():
        if r.status == SPLIT and r.children and r.children[0] in by_id:
            moved = by_id[r.children[0]]   # the contract lists <id>.1 (transferred) before <id>.2 (kept)
            out.append(LedgerTransfer(moved.id, moved.face_amount, moved.last.tx_id))
    return out


def _amount_problems(family: list[Any], root_id: str) -> tuple[int, int, list[str]]:
    by_id = {r.id: r for r in family}
    root = by_id.get(root_id)
    if root is None:
        return 0, 0, [f"amounts: the root {root_id} is not in the family read from the ledger"]
    problems = []
    leaves_total = sum(r.face_amount for r in family if not r.children)
    if leaves_total != root.face_amount:
        problems.append(f"amounts: the parts add up to {yuan(leaves_total)}, the face amount of {root_id} "
                        f"is {yuan(root.face_amount)}")
    for r in family:
        missing = [c for c in r.children if c not in by_id]
        if missing:
            problems.append(f"amounts: {r.id} names children not on the ledger: {', '.join(missing)}")
        elif r.children and sum(by_id[c].face_amount for c in r.children) != r.face_amount:
            problems.append(f"amounts: the parts of {r.id} do not add up to its {yuan(r.face_amount)}")
    return root.face_amount, leaves_total, problems


def check(requests: Mapping[str, int], acknowledgements: Iterable[Acknowledgement], family: Iterable[Any],
          root_id: str) -> Verdict:
    """Judge a family read from the ledger against the requests sent (request id -> amount in fen, each
    amount unique) and the answers the clients got."""
    by_amount: dict[int, str] = {}
    for request_id, amount in requests.items():
        if amount in by_amount:
            raise ValueError(f"requests {by_amount[amount]} and {request_id} both move {amount} fen: "
                             "each request needs its own amount to be found on the ledger")
        by_amount[amount] = request_id
    family = list(family)
    on_ledger: dict[str, list[LedgerTransfer]] = defaultdict(list)
    unexpected = []
    for moved in ledger_transfers(family):
        request_id = by_amount.get(moved.amount)
        (on_ledger[request_id] if request_id else unexpected).append(moved)
    answered: dict[str, set[str]] = defaultdict(set)
    for ack in acknowledgements:
        answered[ack.request_id].add(ack.child_id)

    problems = []
    duplicated = {rid for rid, moved in on_ledger.items() if len(moved) > 1} | \
                 {rid for rid, children in answered.items() if len(children) > 1}
    for rid in sorted(duplicated):
        problems.append(f"duplicated: request {rid} moved {len(on_ledger[rid])} parts "
                        f"({', '.join(m.child_id for m in on_ledger[rid])}); answers named {sorted(answered[rid])}")
    lost = set()
    for rid, children in answered.items():
        if rid in duplicated:
            continue
        if not on_ledger[rid]:
            lost.add(rid)
            problems.append(f"lost: request {rid} was answered with {sorted(children)}, no such transfer is on the ledger")
        elif children != {on_ledger[rid][0].child_id}:
            lost.add(rid)
            problems.append(f"lost: request {rid} was answered with {sorted(children)}, "
                            f"the ledger moved {on_ledger[rid][0].child_id}")
    problems += [f"unexpected: {m.child_id} moved {m.amount} fen for no request of this run" for m in unexpected]
    face, leaves_total, amount_problems = _amount_problems(family, root_id)
    return Verdict(
        acknowledged=len(answered), found=len(set(answered) - duplicated - lost), duplicated=len(duplicated),
        lost=len(lost), committed_unacknowledged=sum(1 for rid, moved in on_ledger.items()
                                                     if rid not in answered and len(moved) == 1),
        unexpected=len(unexpected), face_amount=face, leaves_total=leaves_total,
        problems=problems + amount_problems)


async def read_family(client: Any, root_id: str, concurrency: int = 16) -> list[Any]:
    """Every receivable of the family under ``root_id``, read through ``client`` (an AsyncReceivablesClient
    whose party may read them all: the creditor, the debtor or the regulator), level by level."""
    gate = asyncio.Semaphore(concurrency)

    async def read(receivable_id: str):
        async with gate:
            return await client.get_receivable(receivable_id)

    family, level = [], [root_id]
    while level:
        records = await asyncio.gather(*(read(i) for i in level))
        family += records
        level = [child for r in records for child in r.children]
    return family


def lines(findings: Mapping[str, Any]) -> list[str]:
    """The hot-key figures and the exactly-once verdict as text (nothing for other workloads)."""
    out = []
    hot = findings.get("hot_key")
    if hot:
        out.append(f"  hot key {', '.join(hot['families'])}: {hot['requests']} transfers sent "
                   f"({hot['duplicate_sends']} sent twice), {hot['conflicts']} MVCC conflicts, "
                   f"{hot['retries']} SDK retries, {hot['retargets']} moved on to the new remainder")
    verdict = findings.get("exactly_once")
    if verdict:
        out.append(f"  exactly once: acknowledged {verdict['acknowledged']}  found {verdict['found']}  "
                   f"duplicated {verdict['duplicated']}  lost {verdict['lost']}  "
                   f"(committed unacknowledged {verdict['committed_unacknowledged']}, "
                   f"unexpected {verdict['unexpected']}); parts {yuan(verdict['leaves_total'])} of face "
                   f"{yuan(verdict['face_amount'])}: {'add up' if verdict['amounts_add_up'] else 'DO NOT add up'}")
        out += [f"    {problem}" for problem in verdict["problems"][:10]]
    return out
