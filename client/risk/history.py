"""A debtor's receivable history: the one input the risk features are computed from.

The history is a flat sequence of receivable lifecycle events, ledger-agnostic
on purpose: the synthetic simulator (:mod:`client.risk.simulator`) emits it,
and the ledger adapter (:func:`history_from_ledger`) turns the receivables
contract's records into it, so the model trains on exactly the shape it later
scores.

Dates are business dates: ``event_date`` is the date of the transaction
timestamp that made the change, in China Standard Time (UTC+8) as the contract
dates everything (docs/receivables.md), never a wall clock. Money is integer fen.

Reading the ledger (docs/receivables.md, "Reads for risk and pricing"):
``GetDebtorPaymentRecord`` gives the debtor's claims as the ledger stood at the
end of a date, each with the date it was registered, confirmed, rejected,
financed, marked overdue, split and settled, the dates freeze orders were
recorded and lifted ('frozen' and 'unfrozen' events, one per order), and its
dated payments (a 'paid' event each, so a partly paid claim counts what is
still owed).
:func:`events_from_payment_record`
turns one such record into events; :func:`history_from_ledger` does it for a
debtor through the typed receivables API (``ReceivablesClient.debtor_payment_record``, page after page).
Financiers, the debtor itself and the regulator may read it; a bank sees each
holder as an opaque token, which is all concentration needs.
"""

from __future__ import annotations

from collections.abc import Container, Iterator
from datetime import date
from types import SimpleNamespace
from typing import Annotated, Any, Literal, Protocol

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from client.business_dates import IsoDay
from client.money import LEDGER_MAX_FEN, fen_up_to

# 'frozen': a freeze order recorded (one per order, a queued one included); 'unfrozen': one lifted. Listed
# before it, 'frozen' sorts first on a day both happen, so an order recorded and lifted that day is counted
# recorded before it is lifted
EventKind = Literal["registered", "confirmed", "rejected", "financed", "paid", "settled", "overdue", "frozen",
                    "unfrozen", "split"]
EVENT_KINDS: tuple[str, ...] = ("registered", "confirmed", "rejected", "financed", "paid", "settled", "overdue",
                                "frozen", "unfrozen", "split")


# whole fen of a ledger record (its ``le`` and ``strict`` on the field); one past the ledger's cap is refused in fen,
# with the cap in yuan and fen
LedgerFen = Annotated[int, BeforeValidator(fen_up_to(LEDGER_MAX_FEN))]


class LedgerEvent(BaseModel):
    """One change of one receivable, as the ledger recorded it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    receivable_id: str = Field(min_length=1)
    debtor: str = Field(min_length=1, description="the debtor's credit code (or a synthetic id)")
    holder: str = Field(min_length=1, description="who held the claim when the event happened")
    # strict: a float or a string in a history file is a unit mistake (yuan for fen), never rounded into fen;
    # capped as a ledger record is (a claim written under the contract's earlier cap is still scored)
    face_amount: LedgerFen = Field(gt=0, le=LEDGER_MAX_FEN, strict=True, description="fen")
    kind: EventKind
    # IsoDay: written YYYY-MM-DD, as the contract writes dates; "0" or 0 is no date (pydantic alone reads 1970-01-01)
    event_date: IsoDay = Field(description="date of the transaction timestamp")
    due_date: IsoDay
    settled_date: IsoDay | None = Field(default=None, description="on 'settled' events: the payment date")
    amount: LedgerFen | None = Field(default=None, gt=0, le=LEDGER_MAX_FEN, strict=True,
                               description="on 'paid' events: fen the payment took off the claim")
    parent_id: str | None = Field(default=None, description="set on the parts of a split claim: the id of the claim "
                                  "it was split from (never empty, never its own)")

    @model_validator(mode="after")
    def _settled_has_date(self) -> "LedgerEvent":
        if self.kind == "settled" and self.settled_date is None:
            raise ValueError("settled_date: required on a 'settled' event")
        if self.settled_date is not None and self.settled_date > self.event_date:
            raise ValueError("settled_date: cannot be after the event_date that recorded it")
        if (self.kind == "paid") != (self.amount is not None):
            raise ValueError("amount: required on a 'paid' event and on no other")
        # an empty or the claim's own id would make parts of one claim of unrelated ones (or of itself)
        if self.parent_id == "":
            raise ValueError("parent_id: empty: give the id of the claim this part was split from, or leave it out "
                             "on a claim that was not split from another")
        if self.parent_id == self.receivable_id:
            raise ValueError(f"parent_id: {self.parent_id!r} is the claim's own id: give the id of the claim it was "
                             "split from, or leave it out")
        return self


def ledger_order(event: LedgerEvent) -> tuple:
    """Where an event stands in a history: by date, then claim, then lifecycle step (EVENT_KINDS), then its other
    fields, so that any order of the same events sorts alike."""
    return (event.event_date, event.receivable_id, EVENT_KINDS.index(event.kind), event.holder, event.face_amount,
            event.due_date, event.settled_date or date.min, event.amount or 0, event.parent_id or "")


class ReceivableHistory(BaseModel):
    """Every recorded event of one debtor's receivables, in ledger order (:func:`ledger_order`).

    The events are sorted into that order when the history is made or loaded:
    the features take a claim's holder and settlement from its latest event and
    its confirmation from its first, so a history file written in another order
    gives the features the ledger would give. A history in which a claim
    descends from itself is refused (:func:`_refuse_parent_cycles`).
    """

    model_config = ConfigDict(extra="forbid")

    debtor: str = Field(min_length=1)
    events: list[LedgerEvent] = Field(default_factory=list)
    synthetic: bool = Field(default=False, description="true when a simulator, not a ledger, produced it")
    # the ledger records payments every day: features as of a later date would take each claim open at the read
    # for unpaid since, so debtor_features refuses them (checked_for); None on a history built by hand
    read_as_of: IsoDay | None = Field(default=None, description="the ledger's date the history was read as of "
                                      "(history_from_ledger sets it); nothing later is known to it")
    # amounts of two currencies do not add up: a read holds the debtor's claims in one, and says which, so that a
    # file of it scores no claim in another; None where not known (a file by hand, the simulator's)
    currency: str | None = Field(default=None, description="the currency of every claim it holds "
                                 "(history_from_ledger sets it)")
    # what of the debtor's claims the read left out, kept with the history so that a score of it saved to a file
    # still says it is not of them; None where not known (a file written before these fields, by hand, or the
    # simulator's, whose histories are whole)
    claims_not_counted: list[str] | None = Field(
        default=None, description="the claims the contract could not count in the read (its history_cut; "
                                  "history_from_ledger sets it, [] when it counted every one)")
    claims_in_other_currencies: dict[str, Annotated[int, Field(ge=0)]] | None = Field(
        default=None, description="how many of the debtor's claims in each other currency the read left out "
                                  "(a split claim once; history_from_ledger sets it, {} when it left out none)")

    @model_validator(mode="after")
    def _one_debtor_in_ledger_order(self) -> "ReceivableHistory":
        for i, event in enumerate(self.events):   # numbered as given, so an error points into the file
            if event.debtor != self.debtor:
                raise ValueError(f"events.{i}.debtor: {event.debtor!r} is not the history's debtor {self.debtor!r}")
        self.events = sorted(self.events, key=ledger_order)
        _refuse_parent_cycles(self.events)
        if self.read_as_of is not None and self.events and self.events[-1].event_date > self.read_as_of:
            raise ValueError(f"read_as_of: {self.read_as_of} is before the event of {self.events[-1].receivable_id} "
                             f"on {self.events[-1].event_date}: a history read as of a date holds nothing later; "
                             "give the date it was read as of, or leave read_as_of out")
        return self

    @field_validator("events")
    @classmethod
    def _paid_as_the_ledger_pays(cls, events: list[LedgerEvent]) -> list[LedgerEvent]:
        # checked as the field: a refusal of the whole model reads, to `risk score`, as a file of the
        # wrong shape
        in_order = sorted(events, key=ledger_order)
        _refuse_claims_described_twice(in_order)
        _refuse_payments_past_the_face(in_order)
        _refuse_parts_past_the_face(in_order)
        _refuse_liftings_of_no_order(in_order)
        return events

    def as_of(self, as_of: date) -> "ReceivableHistory":
        """The history as it stood at the end of ``as_of``: events recorded after it are dropped. One read from
        the ledger stays read as of its own date when ``as_of`` is later: it knows nothing after that. Read from
        the ledger as of a later date, its events still carry each claim's holder of that date, and a financing
        cancelled or taken back by then has no 'financed' event: the concentration and financed share of a view
        as of an earlier date are of the read (neither is a model input)."""
        read_as_of = None if self.read_as_of is None else min(self.read_as_of, as_of)
        # every other field as it is (naming each one here lost the next field added until it was named too), and
        # not validated again: the events kept are those up to a date of a history already checked and in ledger
        # order, and every check holds of such a part (no claim gains a face, a payment, a part or a lifting, nor
        # an event after read_as_of). Validating them again took a third of the time training builds its examples.
        return self.model_copy(update={"read_as_of": read_as_of,
                                       "events": [e for e in self.events if e.event_date <= as_of]})

    def checked_for(self, as_of: date, *, advice: str | None = None) -> "ReceivableHistory":
        """This history, if it can be scored as of ``as_of``; else a ValueError saying what to do.

        A history read from the ledger as of a date knows nothing after it: as of a later date each claim open
        when it was read would count as unpaid (and, once due, overdue), although the ledger may have recorded
        its payment since. A history built by hand (no ``read_as_of``) is scored as of any date. ``advice``, what
        the error says to do, is the Python calls by default; a caller that speaks of other things (a command
        line's options) gives its own."""
        if self.read_as_of is not None and as_of > self.read_as_of:
            if advice is None:
                advice = (f"read the history again as of {as_of} (history_from_ledger(..., {as_of})), or score as "
                          f"of {self.read_as_of}")
            raise ValueError(f"as_of {as_of} is after {self.read_as_of}, the date {self.debtor}'s history was read "
                             "from the ledger as of: as of then each claim open when it was read would count as "
                             f"unpaid, and once due as overdue, though the ledger may have recorded its payment "
                             f"since; {advice}")
        return self


def held_ancestor(parent_id: str, held: Container[str]) -> str:
    """``parent_id`` where ``held`` holds it, else the nearest id it holds of which ``parent_id`` is a part by name
    (the contract names parts ``{id}.{n}``...), else the root its name says (the id before the first "."): parts
    under a missing parent whose own parents are missing too still group as one claim."""
    candidate = parent_id
    while candidate not in held and "." in candidate:
        candidate = candidate.rsplit(".", 1)[0]
    return candidate


def _refuse_parent_cycles(events: list[LedgerEvent]) -> None:
    """Refuse a history in which a claim descends from itself: through its parent_id (a claim's first event gives
    it, as the features read it) or any id the history holds of which that parent is a part by name ({id}.{n}: what
    :func:`held_ancestor` goes to in a view as of a date before the parent was registered, or when the file leaves it
    out). A view of the history as of an earlier date holds fewer ids and so no cycle either; the features would
    count a claim on a cycle as two originals."""
    parent: dict[str, str | None] = {}
    for event in events:   # in ledger order: the first event of each claim gives its parent, as in the features
        parent.setdefault(event.receivable_id, event.parent_id)
    above: dict[str, list[str]] = {}
    for receivable_id, parent_id in parent.items():
        names = []
        while parent_id is not None:
            if parent_id in parent:
                names.append(parent_id)
            parent_id = parent_id.rsplit(".", 1)[0] if "." in parent_id else None
        above[receivable_id] = names
    done: set[str] = set()
    for start in above:
        if start in done:
            continue
        path, on_path, stack = [start], {start}, [iter(above[start])]
        while stack:   # depth first, without recursion: a chain of parts may be long
            nxt = next(stack[-1], None)
            if nxt is None:
                finished = path.pop()
                on_path.discard(finished)
                done.add(finished)
                stack.pop()
                continue
            if nxt in on_path:
                cycle = path[path.index(nxt):] + [nxt]
                raise ValueError(f"parent_id: the claims {' -> '.join(cycle)} are each split from the next (by "
                                 "parent_id, or by a parent_id naming one of its parts, its id and .N), so a claim "
                                 "would descend from itself: correct the parent_id of one of them")
            if nxt not in done:
                path.append(nxt)
                on_path.add(nxt)
                stack.append(iter(above[nxt]))


def _refuse_claims_described_twice(events: list[LedgerEvent]) -> None:
    """Refuse a history in which two events of one claim give it different face amounts or due dates. The
    ledger never changes either (a payment lowers what is owed, not the face; a split makes parts of their own),
    and every event a read gives carries the claim's own; the features take them from a claim's first event, so a
    file by hand whose events disagree would be scored on one of them with nothing said."""
    first: dict[str, LedgerEvent] = {}
    for event in events:   # in ledger order: the first event of each claim is the one the features take
        seen = first.setdefault(event.receivable_id, event)
        for name, unit in (("face_amount", " fen"), ("due_date", "")):
            if getattr(event, name) != getattr(seen, name):
                raise ValueError(
                    f"{event.receivable_id} has two {name}s: {getattr(seen, name)}{unit} on its '{seen.kind}' "
                    f"event of {seen.event_date} and {getattr(event, name)}{unit} on its '{event.kind}' event of "
                    f"{event.event_date}: a claim keeps one {name} on the ledger; give every event of it the same "
                    "(the one the debtor confirmed), or another receivable_id to the events of another claim")


def _refuse_payments_past_the_face(events: list[LedgerEvent]) -> None:
    """Refuse a history in which a claim's payments add up to more than its face, or to its face with no
    'settled' event by that day. The ledger settles a claim in the transaction that pays its last fen, and a
    payment never exceeds what is owed; the features take a claim without a settlement for unpaid, so one
    paid in full that way would count as open and, past its due date, as overdue and late."""
    face: dict[str, int] = {}
    settled_on: dict[str, date] = {}
    for event in events:   # in ledger order: a claim's first event gives its face, as in the features
        face.setdefault(event.receivable_id, event.face_amount)
        if event.kind == "settled":
            settled_on.setdefault(event.receivable_id, event.event_date)
    paid: dict[str, int] = {}
    for event in events:
        if event.kind != "paid":
            continue
        rid = event.receivable_id
        paid[rid] = paid.get(rid, 0) + (event.amount or 0)
        if paid[rid] > face[rid]:
            raise ValueError(f"the payments on {rid} add up to {paid[rid]} fen by {event.event_date}, "
                             f"more than its face of {face[rid]} fen: a payment takes off at most what is "
                             "still owed; correct the amounts of its 'paid' events")
        if paid[rid] == face[rid] and settled_on.get(rid, date.max) > event.event_date:
            raise ValueError(f"{rid} is paid in full on {event.event_date} (its payments add up to its face "
                             f"of {face[rid]} fen), but the history has no 'settled' event of it by then: "
                             f"add one with event_date and settled_date {event.event_date}, as the ledger "
                             "settles a claim in the payment of its last fen (without it the claim counts "
                             "as unpaid)")


def _refuse_parts_past_the_face(events: list[LedgerEvent]) -> None:
    """Refuse a history in which the parts split from a claim it holds add up to more than that claim's face. A
    split divides what a claim still owes, so its parts never add up to more than its face; the features weigh
    what its parts owed late against its face, and parts past it would read more than all of the claim as late
    (a late share above 1, which no score is drawn from). A part whose parent the file leaves out counts against
    the nearest claim it holds that the parent's id extends ({id}.{n}), as the features group it."""
    face: dict[str, int] = {}
    parent: dict[str, str | None] = {}
    for event in events:   # in ledger order: a claim's first event gives its face and parent, as in the features
        face.setdefault(event.receivable_id, event.face_amount)
        parent.setdefault(event.receivable_id, event.parent_id)
    parts: dict[str, list[str]] = {}
    for receivable_id, parent_id in parent.items():
        if parent_id is not None and (above := held_ancestor(parent_id, face)) in face:
            parts.setdefault(above, []).append(receivable_id)
    for above, ids in parts.items():
        total = sum(face[part] for part in ids)
        if total > face[above]:
            raise ValueError(f"the parts split from {above} ({', '.join(sorted(ids))}) add up to {total} fen, more "
                             f"than its face of {face[above]} fen: a split divides what a claim still owes; "
                             "correct the face_amount of its parts, or the parent_id of those not split from it")


def _refuse_liftings_of_no_order(events: list[LedgerEvent]) -> None:
    """Refuse a history in which an 'unfrozen' event lifts an order of its claim that no 'frozen' event
    recorded by then: the contract lifts only an order binding the claim, and the features tell whether an
    order still bound a claim on its due date by counting one against the other, so a stray lifting would
    free a claim a later order binds."""
    binding: dict[str, int] = {}
    for event in events:   # in ledger order: on one day, the orders recorded before those lifted
        if event.kind == "frozen":
            binding[event.receivable_id] = binding.get(event.receivable_id, 0) + 1
        elif event.kind == "unfrozen":
            if not binding.get(event.receivable_id):
                raise ValueError(f"{event.receivable_id} has an 'unfrozen' event on {event.event_date} "
                                 "but no freeze order binding it then: each 'unfrozen' event lifts an order "
                                 "a 'frozen' event of the claim recorded on or before its date; add that "
                                 "'frozen' event, or remove the 'unfrozen' one")
            binding[event.receivable_id] -= 1


# ---------------------------------------------------------------- from the ledger

class PaymentRecordReader(Protocol):
    """What the adapter needs: ``client.receivables.ReceivablesClient`` (or a fake with the same methods)."""

    def debtor_payment_record(self, debtor: str, *, page_size: int = 100, bookmark: str = "",
                              as_of: date | None = None) -> Any: ...


# the record's date fields and the event each gives, in lifecycle order
_DATED_KINDS = (("rejected_on", "rejected"), ("financed_on", "financed"), ("marked_overdue_on", "overdue"),
                ("split_on", "split"))


def _day(value: Any) -> date | None:
    return value if isinstance(value, date) or value is None else date.fromisoformat(value)


def _field(record: Any, name: str) -> Any:
    """A field of a record given as a model or as its JSON."""
    return record[name] if isinstance(record, dict) else getattr(record, name)


def _optional_field(record: Any, name: str) -> Any:
    """A field of a record given as a model or as its JSON, None where the JSON leaves it out: a record given as
    its JSON may leave out the fields it has no value for (:func:`events_from_payment_record`)."""
    return record.get(name) if isinstance(record, dict) else getattr(record, name)


def events_from_payment_record(debtor: str, record: Any) -> list[LedgerEvent]:
    """The lifecycle events of one claim from its ``GetDebtorPaymentRecord`` entry (a model or its JSON).

    Each dated state gives its event on that date; a split part, which keeps
    the original's confirmation date, is confirmed from the day it came to be
    (its first record). Each payment gives a 'paid' event on its date, each
    freeze order recorded a 'frozen' one and each lifted an 'unfrozen' one. Every
    event carries the holder of the record's date.
    """
    r = record.model_dump() if hasattr(record, "model_dump") else dict(record)
    common = dict(receivable_id=r["receivable_id"], debtor=debtor, holder=r["holder"], face_amount=r["face_amount"],
                  due_date=_day(r["due_date"]), parent_id=r.get("parent_id"))
    registered = _day(r["registered_on"])
    events = [LedgerEvent(kind="registered", event_date=registered, **common)]
    if r.get("confirmed_on") is not None:
        events.append(LedgerEvent(kind="confirmed", event_date=max(_day(r["confirmed_on"]), registered), **common))
    events += [LedgerEvent(kind=kind, event_date=_day(r[field]), **common)
               for field, kind in _DATED_KINDS if r.get(field) is not None]
    if r.get("settled_on") is not None:
        settled = _day(r["settled_on"])
        events.append(LedgerEvent(kind="settled", event_date=settled, settled_date=settled, **common))
    events += [LedgerEvent(kind="paid", event_date=_day(p["paid_on"]), amount=p["amount"], **common)
               for p in r.get("payments") or [] if p["amount"] > 0]
    events += [LedgerEvent(kind="frozen", event_date=_day(day), **common) for day in r.get("freezes") or []]
    # absent from a contract older than the list: no lifting known, so a claim frozen once reads as frozen
    # since
    events += [LedgerEvent(kind="unfrozen", event_date=_day(day), **common)
               for day in r.get("unfreezes") or []]
    return events


def _payment_record_pages(receivables: PaymentRecordReader, debtor: str, as_of: date,
                          page_size: int) -> Iterator[Any]:
    """Every page of the debtor's payment record (models or their JSON), all as of the first page's date, as
    ``iter_payment_record`` reads them: a page also names the claims it could not count (``history_cut``).
    Each bookmark is followed once, as there (``next_bookmark``): a peer answering one already asked with would
    have the read go round the same pages without end, or count their claims twice."""
    # here, not at the top: the simulator and training read this module, and need no ledger client
    from client.receivables._queries import next_bookmark

    bookmark, sent = "", {""}
    while True:
        page = receivables.debtor_payment_record(debtor, page_size=page_size, bookmark=bookmark, as_of=as_of)
        yield page
        as_of = _day(_field(page, "as_of"))
        if not (bookmark := next_bookmark(SimpleNamespace(bookmark=_field(page, "bookmark")), sent)):
            return


def history_from_ledger(receivables: PaymentRecordReader, debtor: str, as_of: date, *, currency: str = "CNY",
                        page_size: int = 100, left_out: dict[str, int] | None = None,
                        history_cut: list[str] | None = None) -> ReceivableHistory:
    """The debtor's history in ``currency`` as the ledger recorded it up to the end of ``as_of``.

    ``receivables`` is the typed receivables API (``client.receivables.ReceivablesClient``)
    connected as a bank, the debtor itself or the regulator. The contract answers
    as of that date, and events after it are dropped here as well as in the features.
    Claims in other currencies are left out: the features add amounts, and fen of
    two currencies do not add up. Pass the currency of the claim being priced.
    ``left_out``, when given, is filled with how many claims of each other currency
    were left out (a split claim once), so a caller can say that the score is not of them (a debtor whose
    claims are all in USD would otherwise read, scored in CNY, as one with no claims).
    ``history_cut``, when given, is extended with the claims the contract could not count (their history the
    peer cut at its totalQueryLimit, or a record no transaction of the contract created), so a caller can say
    that the score is not of them either; a split claim none of whose parts the read counts is left out with
    them (:func:`_with_a_part_of_each_split`). The history holds both as well (``claims_not_counted``,
    ``claims_in_other_currencies``), so that saved to a file it still says what it is not of.
    """
    records = []
    read_as_of = as_of
    cut: list[str] = []
    other_currencies: dict[str, int] = {}
    for page in _payment_record_pages(receivables, debtor, as_of, page_size):
        # every page is as of the first's: the contract's today when as_of is later (ledger_as_of)
        read_as_of = min(read_as_of, _day(_field(page, "as_of")))
        # absent from a contract older than the field: none named
        cut += (page.get("history_cut") or [] if isinstance(page, dict) else page.history_cut)
        for record in _field(page, "records"):
            record_currency = _field(record, "currency")
            if record_currency == currency:
                records.append(record)
            else:
                # parts of a split claim are records of their own: the claim counts once, as its original
                original = _optional_field(record, "parent_id") is None
                other_currencies[record_currency] = other_currencies.get(record_currency, 0) + (1 if original else 0)
    events = [event for record in _with_a_part_of_each_split(records)
              for event in events_from_payment_record(debtor, record)]
    # sorted into ledger order when made; read_as_of is no later than as_of, so nothing after as_of is kept, and
    # features as of a date after the one read are refused
    if history_cut is not None:
        history_cut += cut
    if left_out is not None:
        for code, count in other_currencies.items():
            left_out[code] = left_out.get(code, 0) + count
    return ReceivableHistory(debtor=debtor, events=[e for e in events if e.event_date <= read_as_of],
                             read_as_of=read_as_of, currency=currency, claims_not_counted=cut,
                             claims_in_other_currencies=other_currencies)


def _with_a_part_of_each_split(records: list[Any]) -> list[Any]:
    """``records`` less each claim split by ``as_of`` none of whose parts is among them, and so on up.

    The contract lists a split claim's parts with it (they came to be in the split, and owe what it owed), so
    a split claim without them in the read lost them to ``history_cut``: parts the peer cut at its
    totalQueryLimit, or that a newer contract version wrote. The features reopen a split claim none of whose
    parts a history holds (a hand-written file may leave its parts out), which here would count a claim its
    parts paid in full as unpaid, and past its due date as overdue at its whole face. It is left out instead,
    as its parts are, which the page names."""
    kept = list(records)
    while True:
        ids = {_field(r, "receivable_id") for r in kept}
        with_parts = {held_ancestor(parent, ids) for r in kept
                      if (parent := _optional_field(r, "parent_id")) is not None}
        partless = [r for r in kept if _optional_field(r, "split_on") is not None
                    and _field(r, "receivable_id") not in with_parts]
        if not partless:
            return kept
        # leaving one out may leave the claim it was split from without a part in the read: looked at again
        gone = {id(r) for r in partless}
        kept = [r for r in kept if id(r) not in gone]


def ledger_as_of(receivables: PaymentRecordReader, debtor: str, as_of: date) -> date:
    """The date the ledger answers for when asked about ``as_of``: that date, or the contract's today if earlier.

    The contract knows nothing after its today and answers as of that date
    (the page names it). Features computed as of a later date would count
    every open claim due before it as overdue, as if nothing were paid until
    then, so a score should be as of this date.
    """
    return receivables.debtor_payment_record(debtor, page_size=1, as_of=as_of).as_of
