"""Exactly-once on a hot receivable family: every acknowledged transfer is on the ledger once, none twice.

The ``hotkey`` workload splits small amounts off one confirmed receivable from many
clients at once; each transfer is a business request with its own request id. After
the run each request id is read back through ``GetRequest``: the contract's record
names the transaction that applied it and the part (``<id>.1`` child) it split off.
Every split of the family is matched to a request that way, by request id, so
requests may move the same amount. Then, per request id:

- **found**: acknowledged, and the ledger's record names the very part the answer
  named, a part the family holds;
- **duplicated**: the request moved two or more parts: the answers named different
  parts, or named a part besides the recorded one that the family holds and no record
  accounts for; or, answered or not, the ledger holds a split besides the recorded one
  whose transaction wrote the request's record (:func:`read_split_requests`): a resend
  that was applied again instead of answered from the record, whose answer may never
  have come;
- **lost**: acknowledged, but the ledger has no record of it (``not-found``), or its
  record names another part than the answer named; or, acknowledged or not, its record
  names a part the family does not hold or another amount than the request moved (a
  resend is answered from the record, so an unacknowledged request's record tells the
  client a transfer that is not there); or its record names a part another
  request's record names too (:func:`_owners`): one split cannot be two transfers, so
  every claimant but one is lost, acknowledged or not (an unacknowledged one's record
  says the ledger applied it, yet no part of its own is there);
- **unaccounted**: a split of the family that no request record names, no answer
  claims and whose transaction wrote no record of the run's requests: an effect without
  its request (the family is the run's own, so every split
  of it is one of the run's requests);
- committed but unacknowledged (the client never learnt the outcome, e.g. a timeout,
  and its record names a part of the family of the amount asked, of its own) is
  listed, not a failure.

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

from fabric_protos.peer import transaction_pb2

from client.gateway import GatewayError
from client.ledger.endorsements import committed_transaction
from client.ledger.qscc import QSCC, LedgerReadError, decoded
from client.money import yuan
from client.receivables import RuleViolation
from client.receivables.ledger_keys import split_key

SPLIT = "SPLIT"
REQUEST_TYPE = "recfin.request"   # the contract's request records: caller's credit code, request id
READ_CONCURRENCY = 16
SHOWN_PROBLEMS = 10   # the exactly-once problems the text summary lists; the report's JSON has them all


@dataclass(frozen=True)
class Acknowledgement:
    """One answer a client got: the request, the part it says was transferred, and the committing tx."""

    request_id: str
    child_id: str
    tx_id: str


@dataclass(frozen=True)
class LedgerTransfer:
    """A part split off on the ledger: the ``<id>.1`` child of a SPLIT receivable, or the part a request
    record names."""

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
    unaccounted: int
    face_amount: int
    leaves_total: int
    problems: list[str] = field(default_factory=list)

    @property
    def amounts_add_up(self) -> bool:
        return not [p for p in self.problems if p.startswith("amounts:")]

    @property
    def holds(self) -> bool:
        """Exactly once (no duplicated, lost or unaccounted transfer), and the amounts add up."""
        return self.duplicated == 0 and self.lost == 0 and self.unaccounted == 0 and self.amounts_add_up

    def to_json(self) -> dict[str, Any]:
        return {"acknowledged": self.acknowledged, "found": self.found, "duplicated": self.duplicated,
                "lost": self.lost, "committed_unacknowledged": self.committed_unacknowledged,
                "unaccounted": self.unaccounted, "face_amount": self.face_amount, "leaves_total": self.leaves_total,
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


def recorded_transfer(record: Any) -> LedgerTransfer:
    """The part a TransferReceivable request record (``client.receivables.RequestRecord``) names as moved:
    the ``<id>.1`` child of a split, or for a whole transfer the receivable itself."""
    result = record.typed_result
    moved = result.children_records[0] if result.children_records else result
    return LedgerTransfer(moved.id, moved.face_amount, record.tx_id)


async def read_records(client: Any, request_ids: Iterable[str],
                       concurrency: int = READ_CONCURRENCY) -> dict[str, LedgerTransfer | None]:
    """What the ledger recorded for each request id, through ``client.request`` (an AsyncReceivablesClient of
    the requesting party): the part it moved, or None for a request id with no record (``not-found``)."""
    gate = asyncio.Semaphore(concurrency)

    async def read(request_id: str) -> LedgerTransfer | None:
        async with gate:
            try:
                return recorded_transfer(await client.request(request_id))
            except RuleViolation as refusal:
                if refusal.rule != "not-found":
                    raise
                return None

    ids = list(request_ids)
    return dict(zip(ids, await asyncio.gather(*(read(i) for i in ids))))


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


def check(requests: Mapping[str, int], acknowledgements: Iterable[Acknowledgement],
          recorded: Mapping[str, LedgerTransfer | None], family: Iterable[Any], root_id: str,
          applied_by: Mapping[str, str] | None = None) -> Verdict:
    """Judge a family read from the ledger against the requests sent (request id -> amount in fen), the answers
    the clients got, and what the ledger recorded for each request id (:func:`read_records`).
    ``applied_by``: for splits no record names, the request id the transaction that made each wrote the
    record of (split id -> request id, :func:`read_split_requests`): a request applied twice wrote its record
    in both transactions, so it is duplicated by what the ledger holds, whether or not an answer named its
    second part."""
    family = list(family)
    transfers = {t.child_id: t for t in ledger_transfers(family)}
    recorded = {rid: recorded.get(rid) for rid in requests}
    claimed = {t.child_id for t in recorded.values() if t is not None}
    owners = _owners(recorded, transfers)
    answered: dict[str, set[str]] = defaultdict(set)
    for ack in acknowledgements:
        answered[ack.request_id].add(ack.child_id)
    applied: dict[str, set[str]] = defaultdict(set)   # request id -> unrecorded parts its transactions made
    for child, rid in (applied_by or {}).items():
        if child in transfers and child not in claimed and rid in requests:
            applied[rid].add(child)

    def parts_moved(rid: str) -> list[str]:
        """The parts of the family the request moved, its recorded one first: that one, those its transactions
        made as the ledger holds them, and any answered part no record accounts for."""
        record = recorded.get(rid)
        unrecorded = {c for c in answered.get(rid, ()) if c in transfers and c not in claimed}
        others = applied.get(rid, set()) | unrecorded
        return sorted({record.child_id} & transfers.keys() if record else set()) + sorted(others)

    problems: list[str] = []
    duplicated, lost = set(), set()
    for rid, children in sorted(answered.items()):
        record = recorded.get(rid)
        parts = parts_moved(rid)
        if len(children) > 1 or len(parts) > 1:
            duplicated.add(rid)
            problems.append(f"duplicated: request {rid} moved {len(parts)} parts ({', '.join(parts)}); "
                            f"answers named {sorted(children)}")
            continue
        why = _lost(rid, requests.get(rid), children, record, transfers) or _shared(rid, record, owners)
        if why:
            lost.add(rid)
            problems.append(why)
    # a request whose answer never came but whose record says the ledger applied it: a resend is answered from
    # that record, so it must name a part of the family, of the amount asked, that no other request owns
    for rid, record in sorted(recorded.items()):
        if rid in answered:
            continue
        if len(parts := parts_moved(rid)) > 1:
            duplicated.add(rid)
            problems.append(f"duplicated: request {rid} moved {len(parts)} parts ({', '.join(parts)}); "
                            "no answer came")
            continue
        if record is None:
            continue
        why = _misrecorded(rid, requests.get(rid), record, transfers)
        if why:
            why += " (never answered; a resend would be answered from this record)"
        else:
            why = _shared(rid, record, owners)
        if why:
            lost.add(rid)
            problems.append(why)
    # a split an answer names, or whose transaction recorded a request, is that request's, counted under it
    # (found, duplicated, or lost when its record is missing), never unaccounted as well
    attributed = {c for children in (*answered.values(), *applied.values()) for c in children}
    unaccounted = [t for t in transfers.values() if t.child_id not in claimed and t.child_id not in attributed]
    problems += [f"unaccounted: {t.child_id} moved {t.amount} fen in {t.tx_id[:12]}…, and no request record "
                 "names it" for t in sorted(unaccounted, key=lambda t: t.child_id)]
    face, leaves_total, amount_problems = _amount_problems(family, root_id)
    return Verdict(
        acknowledged=len(answered), found=len(set(answered) - duplicated - lost), duplicated=len(duplicated),
        lost=len(lost), committed_unacknowledged=sum(1 for rid, t in recorded.items()
                                                     if rid not in answered and rid not in lost | duplicated
                                                     and t is not None and t.child_id in transfers),
        unaccounted=len(unaccounted), face_amount=face, leaves_total=leaves_total,
        problems=problems + amount_problems)


async def read_split_requests(client: Any, msp_id: str | None,
                              transfers: Iterable[LedgerTransfer]) -> dict[str, str]:
    """The request id whose record each split's transaction wrote (split id -> request id), read from the
    ledger through ``client`` (an AsyncReceivablesClient with its Network): qscc ``GetTransactionByID`` of the
    transaction that made the split (asked of ``msp_id``'s peers), and its writes of ``recfin.request`` keys
    in the contract's namespace. A split whose transaction cannot be read, is answered by another transaction or
    by one the peer did not commit VALID, or wrote no request record (deleting one, with an empty value too, writes
    none), is left out (and stays unaccounted)."""
    transfers = list(transfers)
    if not transfers:
        return {}
    qscc = client.network.get_contract(QSCC)
    namespace = client.contract.chaincode_name
    out = {}
    for transfer in transfers:
        try:
            answer = await qscc.evaluate("GetTransactionByID",
                                         arguments=[client.network.name, transfer.tx_id],
                                         endorsing_organizations=[msp_id] if msp_id else None)
            committed = committed_transaction(decoded(transaction_pb2.ProcessedTransaction, answer,
                                                      f"transaction {transfer.tx_id}"))
        except (GatewayError, LedgerReadError):
            continue
        if committed.tx_id != transfer.tx_id or committed.validation_code != transaction_pb2.VALID:
            # an answer of another transaction, or of one the peer invalidated, wrote nothing the split can
            # be told by: the split stays unaccounted rather than credited to a request it may not belong to
            continue
        for action in committed.actions:
            for write in action.writes:
                parsed = split_key(write.key)
                # a write with no value or an empty one deletes the record (Fabric's rwsetutil.IsKVWriteDelete)
                if write.namespace == namespace and write.value and parsed \
                        and parsed[0] == REQUEST_TYPE and parsed[1]:
                    out[transfer.child_id] = parsed[1][-1]    # the key's attributes: credit code, request id
    return out


def _lost(rid: str, amount: int | None, children: set[str], record: LedgerTransfer | None,
          transfers: Mapping[str, LedgerTransfer]) -> str | None:
    """Why an acknowledged request (one answered part) is not on the ledger as answered, or None."""
    if record is None:
        return f"lost: request {rid} was answered with {sorted(children)}, the ledger has no record of it"
    if record.child_id in transfers and children != {record.child_id}:
        return f"lost: request {rid} was answered with {sorted(children)}, the ledger moved {record.child_id}"
    return _misrecorded(rid, amount, record, transfers)


def _misrecorded(rid: str, amount: int | None, record: LedgerTransfer,
                 transfers: Mapping[str, LedgerTransfer]) -> str | None:
    """Why a request's record does not show the transfer asked for, answered or not: it names a part the family
    does not hold, or one of another amount than the request moved; or None."""
    if record.child_id not in transfers:
        return f"lost: request {rid} is recorded as moving {record.child_id}, no such part of the family is on the ledger"
    if amount is not None and transfers[record.child_id].amount != amount:
        return (f"lost: request {rid} asked for {amount} fen, the ledger moved "
                f"{transfers[record.child_id].amount} fen as {record.child_id}")
    return None


def _owners(recorded: Mapping[str, LedgerTransfer | None], transfers: Mapping[str, LedgerTransfer]) -> dict[str, str]:
    """The request each part of the family belongs to, where more than one request's record names it (a dedupe
    that answered one request from another's record): the one whose record names the transaction that made the
    split, or, when the records do not tell them apart, the first by request id. Which of them keeps the part is
    then a guess; that all the others are lost is not. Answers need no map of their own: an answer must name its
    request's recorded part (``_lost``), so a part two answers name is two records' too, or a loss already."""
    claimants: dict[str, list[str]] = defaultdict(list)
    for rid, record in sorted(recorded.items()):
        if record is not None and record.child_id in transfers:
            claimants[record.child_id].append(rid)
    owners = {}
    for part, rids in claimants.items():
        if len(rids) > 1:
            made_it = [rid for rid in rids if recorded[rid].tx_id == transfers[part].tx_id]
            owners[part] = made_it[0] if len(made_it) == 1 else rids[0]
    return owners


def _shared(rid: str, record: LedgerTransfer | None, owners: Mapping[str, str]) -> str | None:
    """Why ``rid`` is lost because its record names a part another request owns (:func:`_owners`), or None."""
    owner = owners.get(record.child_id) if record is not None else None
    if owner is None or owner == rid:
        return None
    return (f"lost: request {rid} is recorded as moving {record.child_id}, which request {owner} also claims: "
            "one split cannot be two transfers")


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
        resend_failures = hot.get("resend_failures") or {}
        failed_sends = (f"; {sum(resend_failures.values())} of those sends failed while the other was acknowledged: "
                        + ", ".join(f"{cause} {n}" for cause, n in sorted(resend_failures.items()))
                        if resend_failures else "")
        out.append(f"  hot key {', '.join(hot['families'])}: {hot['requests']} transfers sent "
                   f"({hot['duplicate_sends']} sent twice{failed_sends}), {hot['conflicts']} MVCC conflicts, "
                   f"{hot['retries']} SDK retries, {hot['retargets']} moved on to the new remainder")
    verdict = findings.get("exactly_once")
    if verdict:
        out.append(f"  exactly once: acknowledged {verdict['acknowledged']}  found {verdict['found']}  "
                   f"duplicated {verdict['duplicated']}  lost {verdict['lost']}  "
                   f"unaccounted {verdict['unaccounted']} "
                   f"(committed unacknowledged {verdict['committed_unacknowledged']}); parts {yuan(verdict['leaves_total'])} of face "
                   f"{yuan(verdict['face_amount'])}: {'add up' if verdict['amounts_add_up'] else 'DO NOT add up'}")
        problems = verdict["problems"]
        out += [f"    {problem}" for problem in problems[:SHOWN_PROBLEMS]]
        if len(problems) > SHOWN_PROBLEMS:    # the counts above include them: say where they are
            out.append(f"    and {len(problems) - SHOWN_PROBLEMS} more problems: every one is under \"exactly_once\", "
                       "\"problems\" in the JSON report")
    return out
