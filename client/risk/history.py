"""A debtor's receivable history: the one input the risk features are computed from.

The history is a flat sequence of receivable lifecycle events, ledger-agnostic
on purpose: the synthetic simulator (:mod:`client.risk.simulator`) emits it,
and the ledger adapter (:func:`history_from_ledger`) turns the receivables
contract's records into it, so the model trains on exactly the shape it later
scores.

Dates are business dates: ``event_date`` is the date of the transaction
timestamp that made the change, in China Standard Time (UTC+8) as the contract
dates everything (docs/receivables.md), never a wall clock. Money is integer fen.

Reading the ledger (docs/receivables.md, "Queries"): ``ListReceivablesByDebtor``
pages through the debtor's receivables (full documents: face amount, due date,
payments, parent link); ``GetReceivableHistory`` gives each one's changes oldest
first (timestamp, action, status, holder, frozen). :func:`events_from_contract_history`
turns one receivable's document and history into events;
:func:`history_from_ledger` does it for a debtor through the typed receivables
API (``client.receivables.ReceivablesClient``: ``list_by_debtor``, ``history``).
Only the debtor itself and the regulator may list a debtor's receivables, so a
bank reads the history as one of them (``recfin finance quote --history-as``) or
scores a history they share (a file, ``--history``) until the contract offers a
query for banks.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta, timezone
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, model_validator

EventKind = Literal["registered", "confirmed", "rejected", "financed", "settled", "overdue", "frozen", "split"]
EVENT_KINDS: tuple[str, ...] = ("registered", "confirmed", "rejected", "financed", "settled", "overdue", "frozen",
                                "split")
BUSINESS_TZ = timezone(timedelta(hours=8), "CST")


class LedgerEvent(BaseModel):
    """One change of one receivable, as the ledger recorded it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    receivable_id: str = Field(min_length=1)
    debtor: str = Field(min_length=1, description="the debtor's credit code (or a synthetic id)")
    holder: str = Field(min_length=1, description="who held the claim when the event happened")
    face_amount: int = Field(gt=0, description="fen")
    kind: EventKind
    event_date: date = Field(description="date of the transaction timestamp")
    due_date: date
    settled_date: date | None = Field(default=None, description="on 'settled' events: the payment date")
    parent_id: str | None = Field(default=None, description="set on the parts of a split claim")

    @model_validator(mode="after")
    def _settled_has_date(self) -> "LedgerEvent":
        if self.kind == "settled" and self.settled_date is None:
            raise ValueError("settled_date: required on a 'settled' event")
        if self.settled_date is not None and self.settled_date > self.event_date:
            raise ValueError("settled_date: cannot be after the event_date that recorded it")
        return self


class ReceivableHistory(BaseModel):
    """Every recorded event of one debtor's receivables, in ledger order."""

    model_config = ConfigDict(extra="forbid")

    debtor: str = Field(min_length=1)
    events: list[LedgerEvent] = Field(default_factory=list)
    synthetic: bool = Field(default=False, description="true when a simulator, not a ledger, produced it")

    @model_validator(mode="after")
    def _one_debtor(self) -> "ReceivableHistory":
        for i, event in enumerate(self.events):
            if event.debtor != self.debtor:
                raise ValueError(f"events.{i}.debtor: {event.debtor!r} is not the history's debtor {self.debtor!r}")
        return self

    def as_of(self, as_of: date) -> "ReceivableHistory":
        """The history as it stood at the end of ``as_of``: events recorded after it are dropped."""
        return ReceivableHistory(debtor=self.debtor, synthetic=self.synthetic,
                                 events=[e for e in self.events if e.event_date <= as_of])


# ---------------------------------------------------------------- from the ledger

class ReceivablesReader(Protocol):
    """What the adapter needs: ``client.receivables.ReceivablesClient`` (or a fake with the same two methods)."""

    def list_by_debtor(self, debtor: str, *, page_size: int = 20, bookmark: str = "") -> Any: ...

    def history(self, receivable_id: str) -> Sequence[Any]: ...


_KIND_OF_STATUS = {"CONFIRMED": "confirmed", "REJECTED": "rejected", "FINANCED": "financed",
                   "OVERDUE": "overdue", "SPLIT": "split"}


def business_date(timestamp: str | datetime) -> date:
    """The China Standard Time date of a transaction timestamp (ISO 8601, UTC when naive)."""
    ts = datetime.fromisoformat(timestamp.replace("Z", "+00:00")) if isinstance(timestamp, str) else timestamp
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=timezone.utc)
    return ts.astimezone(BUSINESS_TZ).date()


def events_from_contract_history(receivable: dict[str, Any], entries: Sequence[dict[str, Any]]) -> list[LedgerEvent]:
    """The lifecycle events of one receivable from ``GetReceivable`` and ``GetReceivableHistory``.

    Only fields that never change are taken from the current document (id,
    debtor, face amount, due date, parent link) plus the payment dates; status,
    holder and freeze come from each history entry, so nothing recorded after
    an entry's date leaks into the events of that date. A status change gives
    the event of that status (CONFIRMED, REJECTED, FINANCED, OVERDUE, SPLIT,
    SETTLED); a freeze appearing gives 'frozen'. A split part's first entry
    (already CONFIRMED) gives 'registered' and 'confirmed' on the split date.
    A settlement's date is the latest payment dated on or before it.
    """
    fixed = dict(receivable_id=receivable["id"], debtor=receivable["debtor"], face_amount=receivable["face_amount"],
                 due_date=date.fromisoformat(receivable["due_date"]), parent_id=receivable.get("parent_id"))
    payments = sorted(date.fromisoformat(p["date"][:10]) for p in receivable.get("payments") or [])
    events: list[LedgerEvent] = []
    before: dict[str, Any] | None = None
    for entry in entries:
        if entry.get("is_delete") or not entry.get("status"):
            continue
        day = business_date(entry["timestamp"])
        common = dict(fixed, holder=entry.get("holder") or receivable["holder"], event_date=day)
        status = entry["status"]
        if before is None:
            events.append(LedgerEvent(kind="registered", **common))
            if status in ("CONFIRMED", "FINANCED", "OVERDUE"):
                events.append(LedgerEvent(kind="confirmed", **common))
        if before is not None and status != before["status"]:
            if status in _KIND_OF_STATUS:
                events.append(LedgerEvent(kind=_KIND_OF_STATUS[status], **common))
            elif status == "SETTLED":
                paid = [p for p in payments if p <= day]
                events.append(LedgerEvent(kind="settled", settled_date=paid[-1] if paid else day, **common))
        if entry.get("frozen") and not (before or {}).get("frozen"):
            events.append(LedgerEvent(kind="frozen", **common))
        before = entry
    return events


def _plain(value: Any) -> dict[str, Any]:
    return value.model_dump(mode="json") if hasattr(value, "model_dump") else dict(value)


def history_from_ledger(receivables: ReceivablesReader, debtor: str, as_of: date, *, page_size: int = 100
                        ) -> ReceivableHistory:
    """The debtor's history as recorded on the ledger up to the end of ``as_of``.

    ``receivables`` is the typed receivables API (``client.receivables.ReceivablesClient``)
    connected with the identity of the debtor or the regulator (the only callers
    the contract lets list a debtor's receivables). Events after ``as_of`` are
    dropped here as well as in the features.
    """
    events: list[LedgerEvent] = []
    bookmark = ""
    while True:
        page = receivables.list_by_debtor(debtor, page_size=page_size, bookmark=bookmark)
        for record in page.records:
            doc = _plain(record)
            events.extend(events_from_contract_history(doc, [_plain(e) for e in receivables.history(doc["id"])]))
        bookmark = page.bookmark or ""
        if not bookmark or not page.records:
            break
    events.sort(key=lambda e: (e.event_date, e.receivable_id, EVENT_KINDS.index(e.kind)))
    return ReceivableHistory(debtor=debtor, events=events).as_of(as_of)
