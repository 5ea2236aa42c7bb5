"""A seeded simulator of supply-chain payment behaviour. Its output is SYNTHETIC.

It produces :class:`~client.risk.history.ReceivableHistory` objects, the same
shape the ledger adapter produces, for debtors (core enterprises) with
different payment habits:

- archetypes: reliable, average, seasonal (a yearly cash squeeze in a month of
  their own), deteriorating (drifting towards late payment), improving, and
  distressed;
- a mild sector-wide squeeze around the Spring Festival (January/February);
- shocks: a debtor may suffer a spell of 2 to 8 months of much later payment,
  with more rejected registrations and the odd freeze order;
- persistence: month-to-month wobble in the propensity to pay late (AR(1));
- freeze orders lifted as a regulator lifts them: most after some weeks, before
  the claim falls due or after it, a few never. A claim takes no payment and no
  overdue mark while an order binds it; one lifted after its due date is to be
  paid by the day of the lifting, and the debtor pays it late or not as its
  habits stand that day. Nor is it financed while an order binds it: a claim
  drawn to be financed on a day an order binds it is financed the day after
  the lifting, or not at all (:func:`_financing_day`).

Each debtor buys from a few suppliers of unequal weight, so concentration
varies. A confirmed receivable is paid on or a few days before its due date
(on the next working day when that is a Saturday, Sunday or public holiday, as
debtors pay: :mod:`client.risk.working_days`), or late by a number of days
after the last day it could be paid on time that grows with the debtor's
propensity on that day; late claims are marked overdue the day after their
due date, a working day or not, as the contract lets a holder. Holders split
claims down the supply chain (partial transfers to a supplier of their own,
``{id}.1`` passed on and ``{id}.2`` kept, as the contract splits), and debtors
pay some claims and parts in instalments, before the due date or after it
(:func:`_paid_in_parts`); each payment is a 'paid' event, as the ledger reader
gives it. Everything is drawn from generators seeded by the config's seed (one
for the debtors, one per debtor, one per freeze order's lifting, one per claim
for its splits and instalments): the same seed gives the same histories.

Nothing here describes a real enterprise; the numbers are chosen to be
plausible, not estimated from data.

:func:`late_probability` gives the probability the simulator drew a label
from. No model can see it (it includes the wobble and shocks still to come);
the evaluation scores held-out receivables with it to show the ceiling a model
could reach on this data.
"""

from __future__ import annotations

import argparse
import json
import math
import random
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from ..atomic_file import write_atomically
from .history import LedgerEvent, ReceivableHistory, ledger_order
from .working_days import next_working_day

_ARCHETYPES = (("reliable", 0.35), ("average", 0.28), ("seasonal", 0.14),
               ("deteriorating", 0.10), ("improving", 0.07), ("distressed", 0.06))
_BASE_LOGIT = {"reliable": (-3.3, 0.4), "average": (-2.1, 0.5), "seasonal": (-2.4, 0.4),
               "deteriorating": (-2.8, 0.4), "improving": (-0.6, 0.4), "distressed": (-0.9, 0.5)}
_TERMS = ((30, 2), (60, 3), (90, 4), (120, 2), (180, 1))
_NEVER_LIFTED = 0.08   # the share of freeze orders the regulator never lifts
_SPLIT = 0.15          # the share of confirmed claims a holder passes part of down the supply chain
_PAID_IN_PARTS = 0.12  # the share of claims (and of parts) the debtor pays in instalments


@dataclass(frozen=True)
class SimulationConfig:
    debtors: int = 300
    start: date = date(2023, 1, 1)
    days: int = 3 * 365
    seed: int = 20261128

    @property
    def end(self) -> date:
        return self.start + timedelta(days=self.days)


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _poisson(rng: random.Random, lam: float) -> int:
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


@dataclass
class _Debtor:
    id: str
    archetype: str
    base: float
    drift: float            # change of the logit over the whole period
    season_month: int
    season_amplitude: float
    volume: float           # receivables per month
    suppliers: list[str]
    supplier_weights: list[float]
    shocks: list[tuple[int, int, float]]  # (start day, end day, size)
    wobble: list[float]                   # AR(1) per month


def _make_debtor(rng: random.Random, index: int, cfg: SimulationConfig) -> _Debtor:
    archetype = rng.choices([a for a, _ in _ARCHETYPES], weights=[w for _, w in _ARCHETYPES])[0]
    mu, sd = _BASE_LOGIT[archetype]
    drift = {"deteriorating": rng.uniform(1.8, 3.2), "improving": rng.uniform(-2.6, -1.4)}.get(archetype, 0.0)
    amplitude = rng.uniform(1.2, 2.0) if archetype == "seasonal" else 0.0
    n_suppliers = rng.randint(2, 14)
    skew = rng.uniform(0.3, 1.8)
    months = cfg.days // 30 + 2
    wobble, x = [], 0.0
    for _ in range(months):
        x = 0.85 * x + rng.gauss(0.0, 0.35)
        wobble.append(x)
    shocks = []
    shock_rate = 0.5 if archetype == "distressed" else 0.12
    for year in range(math.ceil(cfg.days / 365)):
        if rng.random() < shock_rate:
            begin = year * 365 + rng.randint(0, 364)
            shocks.append((begin, begin + rng.randint(60, 240), rng.uniform(1.5, 3.0)))
    debtor_id = f"SYN-DEBTOR-{index:04d}"
    return _Debtor(
        id=debtor_id, archetype=archetype, base=rng.gauss(mu, sd), drift=drift,
        season_month=rng.randint(1, 12), season_amplitude=amplitude,
        volume=math.exp(rng.gauss(math.log(5.0), 0.5)),
        suppliers=[f"SYN-SUPPLIER-{index:04d}-{k:02d}" for k in range(n_suppliers)],
        supplier_weights=[1.0 / (k + 1) ** skew for k in range(n_suppliers)],
        shocks=shocks, wobble=wobble)


def _logit(d: _Debtor, day: int, on: date, total_days: int) -> float:
    value = d.base + d.drift * day / total_days + d.wobble[min(day // 30, len(d.wobble) - 1)]
    if on.month in (1, 2):
        value += 0.6  # Spring Festival squeeze, everyone
    if d.season_amplitude:
        distance = min((on.month - d.season_month) % 12, (d.season_month - on.month) % 12)
        value += d.season_amplitude * max(0.0, 1.0 - distance / 1.5)
    for begin, end, size in d.shocks:
        if begin <= day < end:
            value += size
    return value


def _lifting_date(rng: random.Random, frozen_on: date) -> date | None:
    """The day the regulator lifts an order recorded on ``frozen_on``, or None for one it never lifts: most
    orders are lifted after some weeks (a dispute settled, an invoice checked), a few after months, and about
    one in twelve never within the history (a court case still running). Recorded at most a few weeks before
    the claim falls due, an order is lifted before its due date about as often as after it."""
    if rng.random() < _NEVER_LIFTED:
        return None
    return frozen_on + timedelta(days=7 + int(rng.expovariate(1.0 / 35)))


def _paid_on_time(rng: random.Random, due: date) -> date:
    """The day a claim due on ``due`` is paid on time: that day or up to three days before, on the next working
    day when that is a day off (so never after the last day it is on time)."""
    return next_working_day(due - timedelta(days=rng.choice((0, 0, 0, 1, 2, 3))))


def _late_probability_on(d: _Debtor, day: date, cfg: SimulationConfig) -> float:
    """The probability ``d`` pays late a claim whose last day on time is ``day``."""
    return _sigmoid(_logit(d, (day - cfg.start).days, day, cfg.days))


def _days_late(rng: random.Random, p_late: float) -> int:
    """How many days late a claim paid late is paid: more, the likelier the debtor is to pay late."""
    return 1 + int(rng.expovariate(1.0 / (4 + 40 * p_late)))


def _paid_from(rng: random.Random, p_late: float, lifted_on: date) -> tuple[date | None, date]:
    """(the day it is marked overdue or None, the day it is paid) for a claim an order held past its due date
    until ``lifted_on``, which the debtor pays late with probability ``p_late``, by as many days after the last
    day it is on time (that day, or the next working day) as a claim falling due that day; on time, on that
    last day: the first working day it may pay it."""
    on_time_until = next_working_day(lifted_on)
    if rng.random() < p_late:
        return lifted_on + timedelta(days=1), on_time_until + timedelta(days=_days_late(rng, p_late))
    return None, on_time_until


def _financing_day(drawn: date, frozen_on: date | None, lifted_on: date | None, due: date,
                   settled_on: date | None) -> date | None:
    """The day a claim drawn to be financed on ``drawn`` is financed, as the contract lets it be: on that day
    unless a freeze order recorded on ``frozen_on`` binds it then (from that day to the day of its lifting,
    ``lifted_on``, both counted, as either may come first within the day), as a frozen claim is refused
    financing (``receivable-frozen``). Such a claim is financed the day after the lifting when that day is
    still before its due date (a financing is refused from then on) and before it is paid; else, or when the
    order is never lifted, not at all (None).

    The day after the lifting, not a day drawn anew: the holder that wanted the financing asks again as soon
    as it may, and a fixed day draws nothing, so every other draw of this claim and of every other claim is
    that of a simulator which financed regardless; a claim no order bound on its financing day keeps it."""
    if frozen_on is None or drawn < frozen_on or (lifted_on is not None and drawn > lifted_on):
        return drawn
    if lifted_on is None:
        return None
    financed = lifted_on + timedelta(days=1)
    return financed if financed < due and (settled_on is None or financed < settled_on) else None


@dataclass(frozen=True)
class _Paid:
    """A confirmed claim no order binds when it is paid, as the draws for it left it."""

    rid: str
    holder: str
    face: int
    confirmed: date
    pay_from: date            # the first day it may be paid: the day it was confirmed, or an order lifted
    due: date
    overdue_on: date | None   # the day it is marked overdue, when paid late
    settled_on: date          # the day its last fen is paid
    financed: date | None     # the day it is financed, if it is
    p_late: float             # the probability it was drawn late with


# (kind, id, holder, face, day, due, settled date, amount, parent): the arguments of one event
_Event = tuple[str, str, str, int, date, date, "date | None", "int | None", "str | None"]


def _instalments(rng: random.Random, owed: int, first: date, last: date) -> list[tuple[date, int]]:
    """(day, fen) of the payments of ``owed`` fen, the last on ``last``: with probability _PAID_IN_PARTS one or
    two payments of part of it on days drawn from ``first`` to the day before ``last`` (on time or late as the
    days fall), else the whole on ``last``."""
    if rng.random() >= _PAID_IN_PARTS or (last - first).days < 1 or owed < 2:
        return [(last, owed)]
    days = sorted(first + timedelta(days=rng.randint(0, (last - first).days - 1))
                  for _ in range(rng.choice((1, 1, 2))))
    payments, left = [], owed
    for day in days:
        amount = max(1, min(left - 1, round(left * rng.uniform(0.2, 0.6))))
        if left - amount < 1:
            break
        payments.append((day, amount))
        left -= amount
    return payments + [(last, left)]


def _paid_events(rng: random.Random, rid: str, holder: str, face: int, first: date, due: date,
                 overdue_on: date | None, settled_on: date, parent: str | None) -> list[_Event]:
    """The payments of a claim (or a part) owing ``face`` from ``first``, its overdue mark and its settlement,
    as the ledger reads them: a 'paid' event per payment, the last paying what is left on the day it settles."""
    events: list[_Event] = []
    if overdue_on is not None:
        events.append(("overdue", rid, holder, face, overdue_on, due, None, None, parent))
    for day, amount in _instalments(rng, face, first, settled_on):
        events.append(("paid", rid, holder, face, day, due, None, amount, parent))
    events.append(("settled", rid, holder, face, settled_on, due, settled_on, None, parent))
    return events


def _paid_in_parts(rng: random.Random, claim: _Paid, *, can_split: bool) -> list[_Event]:
    """The financing, splits and payments of ``claim``, as the ledger reads them.

    With probability _SPLIT (never a frozen claim, ``can_split`` False, nor one financed by the day of its last
    split: the contract splits only a CONFIRMED claim, and a part is financed from the day after it came to be),
    its holder passes part of it down the supply chain (to a supplier of its own) one to three times before the
    due date, each a partial transfer that splits the part it kept into ``{id}.1``, passed on, and ``{id}.2``,
    kept, owing together what it still owed; the holder has the part it kept financed. A claim drawn
    late stays late, paid so by one of its parts at least; each other part is paid late with even odds, else
    on time. A claim or a part may be paid in instalments (:func:`_instalments`), the original before its first
    split too. Every part falls due with the claim and settles when its last fen is paid."""
    term_left = (claim.due - claim.confirmed).days
    split_days = sorted(claim.confirmed + timedelta(days=rng.randint(1, term_left - 1))
                        for _ in range(rng.choice((1, 1, 1, 2, 2, 3)))) if term_left >= 2 else []
    if (not can_split or rng.random() >= _SPLIT or not split_days
            or (claim.financed is not None and claim.financed <= split_days[-1])):
        events = _paid_events(rng, claim.rid, claim.holder, claim.face, claim.pay_from, claim.due,
                              claim.overdue_on, claim.settled_on, None)
        if claim.financed is not None:
            events.append(("financed", claim.rid, claim.holder, claim.face, claim.financed, claim.due, None, None,
                           None))
        return events
    events: list[_Event] = []
    owed, rid, parent = claim.face, claim.rid, None
    paid_before = _instalments(rng, owed, claim.confirmed, split_days[0])[:-1]   # the last is the split's day
    for day, amount in paid_before:
        events.append(("paid", rid, claim.holder, claim.face, day, claim.due, None, amount, None))
        owed -= amount
    leaves: list[tuple[str, str, int, date, str]] = []   # (id, holder, face, day it came to be, parent)
    face = claim.face
    for split_on in split_days:
        events.append(("split", rid, claim.holder, face, split_on, claim.due, None, None, parent))
        passed = max(1, min(owed - 1, round(owed * rng.uniform(0.2, 0.7))))
        recipient = f"{claim.holder}-T{rng.randint(1, 4)}"
        kept_id = f"{rid}.2"
        for part, holder, part_face in ((f"{rid}.1", recipient, passed), (kept_id, claim.holder, owed - passed)):
            events += [(kind, part, holder, part_face, split_on, claim.due, None, None, rid)
                       for kind in ("registered", "confirmed")]
        leaves.append((f"{rid}.1", recipient, passed, split_on, rid))
        rid, parent, face, owed = kept_id, rid, owed - passed, owed - passed
    leaves.append((rid, claim.holder, face, split_days[-1], parent))
    late_leaf = rng.randrange(len(leaves)) if claim.overdue_on is not None else -1
    kept_settled_on = claim.settled_on
    for k, (part, holder, part_face, first, part_parent) in enumerate(leaves):
        if k == late_leaf:
            overdue_on, settled_on = claim.overdue_on, claim.settled_on
        elif claim.overdue_on is not None and rng.random() < 0.5:
            overdue_on, settled_on = claim.due + timedelta(days=1), next_working_day(claim.due) + timedelta(
                days=_days_late(rng, claim.p_late))
        else:
            overdue_on, settled_on = None, _paid_on_time(rng, claim.due)
        settled_on = kept_settled_on = max(settled_on, first)
        events += _paid_events(rng, part, holder, part_face, first, claim.due, overdue_on, settled_on, part_parent)
    if claim.financed is not None and claim.financed < kept_settled_on:   # the holder finances the part it kept
        events.append(("financed", rid, claim.holder, face, claim.financed, claim.due, None, None, parent))
    return events


def _simulate_debtor(rng: random.Random, d: _Debtor, cfg: SimulationConfig) -> ReceivableHistory:
    events: list[LedgerEvent] = []
    end = cfg.end
    serial = 0

    def add(kind: str, rid: str, holder: str, face: int, on: date, due: date, settled: date | None = None,
            amount: int | None = None, parent: str | None = None) -> None:
        if on < end:
            events.append(LedgerEvent(receivable_id=rid, debtor=d.id, holder=holder, face_amount=face, kind=kind,
                                      event_date=on, due_date=due, settled_date=settled, amount=amount,
                                      parent_id=parent))

    for month_start in range(0, cfg.days, 30):
        for _ in range(_poisson(rng, d.volume)):
            day = month_start + rng.randint(0, 29)
            registered = cfg.start + timedelta(days=day)
            serial += 1
            rid = f"{d.id}-R{serial:05d}"
            holder = rng.choices(d.suppliers, weights=d.supplier_weights)[0]
            face = max(100_00, int(math.exp(rng.gauss(math.log(400_000_00), 1.0))))
            term = rng.choices([t for t, _ in _TERMS], weights=[w for _, w in _TERMS])[0]
            due = registered + timedelta(days=term)
            p_now = _sigmoid(_logit(d, day, registered, cfg.days))
            add("registered", rid, holder, face, registered, due)
            decided = registered + timedelta(days=rng.randint(1, 5))
            if rng.random() < 0.02 + 0.15 * p_now:
                add("rejected", rid, holder, face, decided, due)
                continue
            add("confirmed", rid, holder, face, decided, due)
            # the day the holder would have it financed, recorded once it is known if an order binds it then
            wanted_financing = decided + timedelta(days=rng.randint(1, 10)) if rng.random() < 0.3 else None
            # the day the debtor may pay from: any day for a claim no order binds, else the day it is lifted
            payable_from: date | None = registered
            frozen_on: date | None = None
            if rng.random() < 0.002 + 0.03 * p_now:
                frozen_on = decided + timedelta(days=rng.randint(1, term - 6))
                add("frozen", rid, holder, face, frozen_on, due)
                # a generator of the claim's own, so the draws of every other claim are those of a simulator
                # that never lifted an order
                lifting_rng = random.Random(f"{cfg.seed}:{rid}:lifting")
                payable_from = _lifting_date(lifting_rng, frozen_on)
                if payable_from is not None:
                    add("unfrozen", rid, holder, face, payable_from, due)
            # paid late or not as the debtor's habits stand on the last day it may pay on time, which its labels
            # are dated by (late_probability)
            on_time_until = next_working_day(due)
            p_late = _late_probability_on(d, on_time_until, cfg)
            if rng.random() < p_late:
                overdue_on, paid = due + timedelta(days=1), on_time_until + timedelta(days=_days_late(rng, p_late))
            else:
                overdue_on, paid = None, _paid_on_time(rng, due)
            settled_on: date | None = None   # none while an order binds it: the contract takes no payment
            if payable_from is not None:
                if payable_from > on_time_until:
                    # lifted after it fell due: it is to be paid by the day of the lifting, and the debtor
                    # pays it as its habits stand that day (the draws above, for the due date, are not used)
                    overdue_on, paid = _paid_from(lifting_rng, _late_probability_on(
                        d, next_working_day(payable_from), cfg), payable_from)
                # lifted days before it fell due: paid once the contract can
                settled_on = max(paid, payable_from)
            financed = None if wanted_financing is None else _financing_day(
                wanted_financing, frozen_on, payable_from, due, settled_on)
            if settled_on is None:
                if financed is not None:
                    add("financed", rid, holder, face, financed, due)
                continue   # nor an overdue mark while an order binds it
            # splits and part payments draw from a generator of the claim's own, so every other draw is that of
            # a simulator which made neither (a frozen claim is never split: the contract splits no frozen claim)
            for event in _paid_in_parts(random.Random(f"{cfg.seed}:{rid}:parts"), _Paid(
                    rid, holder, face, decided, max(decided, payable_from), due, overdue_on, settled_on, financed,
                    p_late),
                    can_split=frozen_on is None):
                add(*event)
    events.sort(key=ledger_order)
    return ReceivableHistory(debtor=d.id, events=events, synthetic=True)


@lru_cache(maxsize=4)
def _debtors(cfg: SimulationConfig) -> dict[str, _Debtor]:
    rng = random.Random(cfg.seed)
    return {d.id: d for d in (_make_debtor(rng, i, cfg) for i in range(cfg.debtors))}


def simulate(cfg: SimulationConfig = SimulationConfig()) -> list[ReceivableHistory]:
    """SYNTHETIC histories for ``cfg.debtors`` debtors; the same config gives the same histories."""
    return [_simulate_debtor(random.Random(f"{cfg.seed}:{d.id}"), d, cfg) for d in _debtors(cfg).values()]


def simulate_debtor(cfg: SimulationConfig, debtor: str) -> ReceivableHistory | None:
    """The SYNTHETIC history :func:`simulate` gives ``debtor`` (None when the config has no such debtor), without
    simulating the others: each debtor's receivables come from a generator of its own, so scoring one of thousands
    takes milliseconds, not minutes."""
    d = _debtors(cfg).get(debtor)
    return None if d is None else _simulate_debtor(random.Random(f"{cfg.seed}:{d.id}"), d, cfg)


def archetypes(cfg: SimulationConfig = SimulationConfig()) -> dict[str, str]:
    """Debtor id -> archetype, for describing a synthetic data set (never a model input)."""
    return {d.id: d.archetype for d in _debtors(cfg).values()}


def late_probability(cfg: SimulationConfig, debtor: str, due: date) -> float:
    """The probability the simulator gave a receivable of ``debtor`` to be paid by ``due`` of being paid late:
    ``due`` is the last day it is on time, as its label dates it (its due date, or for one a freeze order held
    past it the day of the lifting, moved to the next working day when that is a day off).

    For measuring the ceiling only, never a model input: it knows the debtor's
    hidden habit and the wobble and shocks up to the due date.
    """
    return _late_probability_on(_debtors(cfg)[debtor], due, cfg)


def sample_history(cfg: SimulationConfig, debtor: str, registered_from: date) -> ReceivableHistory:
    """``debtor``'s history (:func:`simulate_debtor`) cut to the claims registered on or after ``registered_from``,
    each with every part split from it: a part kept without its claim, or a claim without its parts, is a
    different record (an original the history never saw, or a split claim still owed whole). A ValueError names
    a debtor the config has none of."""
    history = simulate_debtor(cfg, debtor)
    if history is None:
        raise ValueError(f"the simulation of seed {cfg.seed} with {cfg.debtors} debtors has no debtor {debtor!r}: "
                         f"give one of SYN-DEBTOR-0000 to SYN-DEBTOR-{cfg.debtors - 1:04d}")
    parent_of = {e.receivable_id: e.parent_id for e in history.events if e.parent_id is not None}

    def original(rid: str) -> str:
        while rid in parent_of:
            rid = parent_of[rid]
        return rid

    kept = {e.receivable_id for e in history.events
            if e.kind == "registered" and e.parent_id is None and e.event_date >= registered_from}
    return ReceivableHistory(debtor=debtor, synthetic=True,
                             events=[e for e in history.events if original(e.receivable_id) in kept])


def history_file_text(history: ReceivableHistory) -> str:
    """``history`` as a `recfin risk score --history` file: one event a line, so a change reads as a diff."""
    events = ",\n".join("  " + json.dumps(e.model_dump(mode="json", exclude_none=True)) for e in history.events)
    head = json.dumps({"debtor": history.debtor, "synthetic": history.synthetic})[:-1]
    return f'{head},\n "events": [\n{events}\n]}}\n'


def main(argv: list[str] | None = None) -> None:
    """Write one simulated debtor's history as a history file (how client/risk/samples/history.json is made)."""
    parser = argparse.ArgumentParser(prog="python -m client.risk.simulator", description=main.__doc__)
    parser.add_argument("debtor", help="the simulated debtor, SYN-DEBTOR-NNNN")
    parser.add_argument("--seed", type=int, default=SimulationConfig.seed)
    parser.add_argument("--debtors", type=_whole_number_from_1, default=SimulationConfig.debtors,
                        help="the simulation's size")
    parser.add_argument("--registered-from", type=date.fromisoformat, default=SimulationConfig.start,
                        help="keep the claims registered on or after this date (YYYY-MM-DD), with their parts")
    parser.add_argument("--out", type=Path, required=True, help="the history file to write")
    args = parser.parse_args(argv)
    try:
        history = sample_history(SimulationConfig(debtors=args.debtors, seed=args.seed), args.debtor,
                                 args.registered_from)
    except ValueError as exc:
        parser.error(str(exc))
    try:
        write_atomically(args.out, history_file_text(history))
    except OSError as exc:   # a folder, or a place not writable: said in one line, nothing written
        parser.exit(1, f"{parser.prog}: error: cannot write --out {exc.filename or args.out}: "
                       f"{exc.strerror or exc}; give the path of a file to write\n")


def _whole_number_from_1(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is no number of debtors: give a whole number from 1")
    return int(text)


if __name__ == "__main__":
    main()
