"""Typed chaincode events of the receivables contract, over the gateway's event stream."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from client.gateway import ChaincodeEvent
from client.shown import shown_value

from ._event_details import EVENT_DETAILS, EventDetails
from ._validation_problems import _problem_in
from .errors import NO_VERSION_ANSWERS

EVENT_NAMES: tuple[str, ...] = tuple(EVENT_DETAILS)
"""Every event name the contract emits (each has its details model in ``EVENT_DETAILS``)."""

MAX_EVENT_DEPTH = 64
"""How many levels of arrays and objects an event's payload may nest (the payload itself is one).

The contract's events nest four at most (a ledger upgrade's payload, its ``claims_to_reseal``, each claim,
its ``key_orgs``; a payment's three: its payload, ``allocations``, each allocation), so a deeper payload is
none of its events; 64 leaves room for what a newer contract may add. Every reader of the
details walks them recursively (pydantic in ``typed()``, ``json.dumps``, a follower's own code, ``recfin
events`` printing nested values with three Python frames a level): a payload nested some hundreds of levels
deep, which ``json.loads`` still takes (it gives up near a thousand), would exhaust Python's recursion limit
there, in every follower, on every restart at that event. Refused here, it is one unreadable event instead."""


def _not_json(constant: str) -> Any:
    """``json.loads`` takes NaN and Infinity, which JSON has not: a payload holding one is not the contract's, and
    written back (``recfin events --json``) it would be a line no strict JSON reader takes."""
    raise ValueError(f"{constant} is not a JSON number")


def _finite_float(text: str) -> float:
    """A JSON number with a fraction or exponent; one beyond a float's range (``1e999``) would be read as
    infinity, and written back as Infinity, which is not JSON."""
    number = float(text)
    if math.isinf(number):
        raise ValueError(f"{text} is beyond the range of a float")
    return number


def _nested_deeper_than(value: Any, limit: int) -> bool:
    """Whether arrays and objects in ``value`` (itself one level) nest more than ``limit`` levels. Walked a level
    at a time, not by recursion: what it looks for is nesting too deep to recurse through."""
    level, depth = ([value] if isinstance(value, (dict, list)) else []), 0
    while level:
        depth += 1
        if depth > limit:
            return True
        level = [child for container in level
                 for child in (container.values() if isinstance(container, dict) else container)
                 if isinstance(child, (dict, list))]
    return False


class ReceivablesEvent(BaseModel):
    """One event of the contract: its name, the receivable (None for party, attestation,
    discount-offer publication and withdrawal, and ledger upgrade events; an accepted discount offer names the
    claim it settled), the transaction, the block, and the details of the change (``details``: the payload's
    other fields, e.g. ``face_amount``, ``financing_id``, ``from``/``to``)."""

    model_config = ConfigDict(frozen=True)

    name: str
    receivable_id: str | None
    tx_id: str
    block_number: int
    details: dict[str, Any]

    @classmethod
    def from_chaincode_event(cls, event: ChaincodeEvent) -> "ReceivablesEvent":
        """The event a chaincode event of the contract carries; its block and transaction are the gateway's.

        ValueError, naming the event, its block and transaction, for a payload that does not read as one of the
        contract's events: not JSON, nested more than ``MAX_EVENT_DEPTH`` levels deep, not naming the event,
        naming another transaction, or a receivable id that is not text."""
        where = f"event {event.event_name!r} in block {event.block_number} tx {event.transaction_id}"
        too_deep = (f"{where} has a payload nested more than {MAX_EVENT_DEPTH} levels deep: not an event of this "
                    "contract, whose events nest a few levels at most (is the chaincode name right?)")
        try:
            payload = json.loads(event.payload, parse_constant=_not_json, parse_float=_finite_float)
        except RecursionError:   # nested deeper than the decoder goes, far deeper than MAX_EVENT_DEPTH
            raise ValueError(too_deep) from None
        except ValueError as exc:   # UnicodeDecodeError is a ValueError too
            raise ValueError(f"{where} has a payload that is not JSON ({exc}): not an event of this contract "
                             "(is the chaincode name right?)") from None
        # Each level opens with a bracket: a payload with few of them needs no walk.
        if (event.payload.count(b"[") + event.payload.count(b"{") > MAX_EVENT_DEPTH
                and _nested_deeper_than(payload, MAX_EVENT_DEPTH)):
            raise ValueError(too_deep)
        if not isinstance(payload, dict) or payload.get("event") != event.event_name:
            raise ValueError(f"{where} has a payload that does not name it")
        # The transaction is the one the block holds; a payload naming another would pass one transaction's
        # event for another's, so it is refused rather than trusted (one naming none is the block's, as before)
        named_tx = payload.get("tx_id")
        if named_tx not in (None, "", event.transaction_id):
            raise ValueError(f"{where} has a payload naming transaction {shown_value(named_tx)}, not the one "
                             "that emitted it")
        details = {k: v for k, v in payload.items() if k not in ("event", "receivable_id", "tx_id")}
        try:
            return cls(name=event.event_name, receivable_id=payload.get("receivable_id"),
                       tx_id=event.transaction_id, block_number=event.block_number, details=details)
        except ValidationError as problem:
            raise ValueError(f"{where} has a payload that does not read as an event: {_problem_in(problem)}") \
                from None

    def payload(self) -> dict[str, Any]:
        """The JSON payload as the contract emitted it."""
        return {"event": self.name, "receivable_id": self.receivable_id, "tx_id": self.tx_id, **self.details}

    def typed(self) -> EventDetails:
        """``details`` as the model of this event's name (``EVENT_DETAILS``): amounts int fen, dates
        ``datetime.date``, ``apr`` a Decimal; e.g. ``event.typed().face_amount`` of a ReceivableRegistered.

        ValueError, naming the event, for a name this client has no model of, or a field it does not know or
        cannot read (a newer contract's event, or a rate sent as a number: upgrade the client; ``details`` still
        holds every field as sent)."""
        where = f"event {self.name!r} in block {self.block_number} tx {self.tx_id}"
        model = EVENT_DETAILS.get(self.name)
        if model is None:
            raise ValueError(f"{where}: this client knows no event of that name (a newer contract's?): upgrade "
                             "recfin, or read the event's `details`")
        try:
            return model.model_validate(self.details)
        except (ValidationError, TypeError) as problem:
            # TypeError: a number where a rate is (``_rate_as_written``), which pydantic passes on unwrapped; the SDK's
            # callers get it as a TypeError, but here the float is the event's, unreadable as any other problem
            reason = _problem_in(problem) if isinstance(problem, ValidationError) else str(problem)
            # an event no version of the contract emits (NO_VERSION_ANSWERS) is read no better by a newer recfin
            of_no_version = isinstance(problem, ValidationError) and any(
                error["type"] == NO_VERSION_ANSWERS for error in problem.errors())
            why = ("no version of the contract emits it: read the event's `details`" if of_no_version else
                   "a newer contract's event? upgrade recfin, or read the event's `details`")
            raise ValueError(f"{where} does not read as {model.__name__}: {reason} ({why})") from problem


class ReceivablesEvents:
    """An endless iterator of :class:`ReceivablesEvent` over the gateway's chaincode events.

    ``raw`` is the gateway iterator: checkpoint with its ``ChaincodeEvent`` via
    ``last_raw`` (``checkpointer.checkpoint_chaincode_event(events.last_raw)``).
    Close it (or use ``with``) to stop the stream.

    An event whose payload does not read as the contract's (``ReceivablesEvent.from_chaincode_event``) raises
    ValueError from ``next``; ``last_raw`` is then that event, and the stream goes on after it, so a follower
    can report it, checkpoint past it and read on.
    """

    def __init__(self, raw) -> None:
        self.raw = raw
        self.last_raw: ChaincodeEvent | None = None

    def __iter__(self) -> Iterator[ReceivablesEvent]:
        return self

    def __next__(self) -> ReceivablesEvent:
        event = next(self.raw)
        self.last_raw = event
        return ReceivablesEvent.from_chaincode_event(event)

    def close(self) -> None:
        self.raw.close()

    def __enter__(self) -> "ReceivablesEvents":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class AsyncReceivablesEvents:
    """The async twin of :class:`ReceivablesEvents`: ``async for``, and ``aclose()`` or ``async with``."""

    def __init__(self, raw) -> None:
        self.raw = raw
        self.last_raw: ChaincodeEvent | None = None

    def __aiter__(self) -> "AsyncReceivablesEvents":
        return self

    async def __anext__(self) -> ReceivablesEvent:
        event = await self.raw.__anext__()
        self.last_raw = event
        return ReceivablesEvent.from_chaincode_event(event)

    async def aclose(self) -> None:
        await self.raw.aclose()

    async def __aenter__(self) -> "AsyncReceivablesEvents":
        return self

    async def __aexit__(self, *exc) -> None:
        await self.aclose()
