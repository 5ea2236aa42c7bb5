"""Training examples: features as of a date, labels from after it.

One example is one receivable of a debtor, confirmed by the end of ``as_of``,
that falls due in the ``horizon`` days after it and is still open then (one
registered or confirmed later did not exist yet for a bank to price). Which
receivables are examples is decided from what the ledger shows at the end of
``as_of`` alone: the due date is the one the debtor confirmed, and a receivable a
freeze order binds then is no example, however and whenever the order is lifted
later (the contract refuses financing it, and the day it is to be paid by is the
day of a lifting not known yet). Its inputs
are the debtor's features as of ``as_of`` (computed from the history cut at
``as_of``, so nothing after it can leak in); its label is 1 when the
receivable was not paid by its due date, or by the next working day when that is
a Saturday, Sunday or public holiday (paid late, or still unpaid when the
history ends), else 0, as the features count it; the label is dated by that last
day on time (of a split receivable, whose parts are each to be paid by their own
day, by the day that decided it: the first part's not paid by it when late, the
last part's when on time, the day after which the features count it as well:
:func:`~client.risk.features.day_decided`). The model thus estimates: the
probability that an open receivable of this debtor falling due in the next
``horizon`` days is paid late. A receivable is counted as the debtor confirmed
it, however its holders split it (:class:`~client.risk.features.OriginalClaim`),
as the features count it.
An order recorded after ``as_of`` that binds the receivable when it falls due
moves only its label: it is to be paid by the day the last order is lifted, and
labelled against that day (as the features measure it), whether that day falls
in the horizon or after it; one such an order still binds when the history ends
has no label (:func:`~client.risk.features.fell_due_under_a_freeze`: the contract
took no payment on it, and its outcome is not known yet). An order binds the part
of a split receivable it names: the receivable is labelled by its other parts, as
the features count it (:func:`~client.risk.features.as_the_debtor_could_pay`), and
has no label only where orders bind every part.

Only what the history shows is labelled: the date it ends (``history_ends``:
the date the ledger was read as of, the simulation's last day) is given, and a
receivable due on or after it is left out, for whether it will be paid on time
is not known yet: that day may not be over (a ledger read as of today), so
labels cover due dates up to the day before it, and a receivable to be paid by
the day of a lifting on or after it is left out alike (of a split receivable,
one with a part to be paid by such a day, paid by then or not). As-of dates
(:func:`snapshot_dates`) are at least ``horizon`` days apart, so no receivable
is labelled at two of them.

Debtors are split into training and held-out sets by a seeded shuffle of their
ids, so no held-out debtor's history, at any date, is seen in training.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from .features import (HORIZON_DAYS, DebtorFeatures, OriginalClaim, as_the_debtor_could_pay, claim_states,
                       debtor_features_on, original_claims)
from .history import ReceivableHistory

__all__ = ["HORIZON_DAYS", "Examples", "build_examples", "labelled_claims", "late_labels", "snapshot_dates",
           "split_debtors"]


@dataclass
class Examples:
    inputs: list[list[float]] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)
    debtors: list[str] = field(default_factory=list)
    as_of: list[date] = field(default_factory=list)
    due_dates: list[date] = field(default_factory=list)
    features: list[DebtorFeatures] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.labels)


def labelled_claims(history: ReceivableHistory, as_of: date, horizon: int = HORIZON_DAYS, *,
                    history_ends: date) -> list[tuple[date, int]]:
    """(due date, label) of the debtor's receivables confirmed by the end of ``as_of``, due in
    (as_of, as_of + horizon] and open at the end of ``as_of``, and no freeze order binding them then, one per
    original claim (parts of a split count as the claim they came from, confirmed when it was), by its id; label
    1 = not paid by the due date. This is the only function that reads events after ``as_of``, and they decide
    the label, never which claims are labelled, but for one whose outcome the history does not show (below): the
    horizon holds the due date the debtor confirmed, and the date returned is the day the claim was to be paid
    by, the day of the lifting for one a freeze order recorded after ``as_of`` held past its due date (of a split
    claim whose parts are to be paid by different days, the day that decided it:
    :func:`~client.risk.features.day_decided`, as the features date it).

    ``history_ends`` is the last date the history covers, which may be today and not over yet: a receivable due on
    or after it is left out (unpaid then, it may yet be paid on time; one due on it is left out paid or not, so that
    day's on-time payments do not lean the labels toward on time), and events after it are not read; so is one a
    freeze order recorded after ``as_of`` held past its due date that binds it still then, or was lifted on that
    day (of a split one, any part so held, paid by then or not). A receivable whose settlement the ledger recorded by
    the end of ``as_of`` is left out as well: a bank prices claims that are still open, and the features as of
    ``as_of`` already count that settlement, so its label would be known on the day it is predicted for. One paid by
    then but recorded later is open to the features as of ``as_of``, and is labelled (by its payment date).
    """
    return _labels(original_claims(claim_states(history, history_ends)), as_of, horizon, history_ends)


def _labels(claims: list[OriginalClaim], as_of: date, horizon: int, history_ends: date) -> list[tuple[date, int]]:
    """:func:`labelled_claims` from the history's claims as they stood when it ends."""
    if as_of > history_ends:
        raise ValueError(f"as_of {as_of} is after {history_ends}, the date the history ends: as of then every "
                         "claim open at its end would count as overdue; give an as-of date on or before it")
    # the history ends on a day not yet over (a ledger read as of today): whether a claim due that day is paid by its
    # end is not known, so none due then is labelled, paid or not (leaving out only the unpaid would keep that day's
    # on-time outcomes and lean the labels toward on time)
    last = min(as_of + timedelta(days=horizon), history_ends - timedelta(days=1))
    labels = []
    for claim in claims:
        # by the due date the debtor confirmed, which as_of knows, not the day a freeze lifted after it moved
        # the payment to: that day would pick claims by what was not known yet
        if not as_of < claim.due_date <= last:
            continue
        # not confirmed yet on the day (registered later, or awaiting the debtor): there is no claim to price then,
        # and that it would come to be, and on what terms, is known only later
        if claim.confirmed_on > as_of:
            continue
        # decided on when the settlement was recorded, as the features see it, not on the payment date it names
        if claim.settled_recorded_on is not None and claim.settled_recorded_on <= as_of:
            continue
        # frozen on the day: the contract refuses financing it, and the day it is to be paid by is the day the
        # regulator lifts the order, which is not known then; left out however the order is lifted later
        if claim.frozen_at(as_of):
            continue
        # an order recorded after as_of bound it when it fell due and binds it still when the history ends: the
        # contract took no payment, so whether it was paid in time says nothing of the debtor (the features leave
        # it out of timeliness) and its outcome is not known. An order binds the part of a split claim it names:
        # the claim is labelled by its other parts, as the features count it, and left out only where orders bind
        # every part. One whose last order was lifted after it fell due is to be paid by the day of the lifting
        # (its ``due``), known only once that day is over
        claim = as_the_debtor_could_pay(claim)
        # each part is to be paid by its own day (a part an order held past the due date, by the day of the
        # lifting), and the claim's outcome is known once the last of them is over: one on or after the end is
        # not, paid that day or not, as for a claim never split (leaving out only the parts unpaid then would
        # keep those paid early and lean the labels toward on time)
        if claim is None or max(p.pay_by for p in claim.parts) >= history_ends:
            continue
        # the other parts settled by as_of: what was open then is the part an order binds since, outcome unknown
        if claim.settled_recorded_on is not None and claim.settled_recorded_on <= as_of:
            continue
        # dated by the day its outcome was decided, from the day after which the features count it on time or
        # late (day_decided): late on the first day a part was to be paid by and was not, on time on the last
        labels.append((claim.decided_on, int(claim.settled_on is None or claim.days_late > 0)))
    return labels


def late_labels(history: ReceivableHistory, as_of: date, horizon: int = HORIZON_DAYS, *,
                history_ends: date) -> list[int]:
    """The labels of :func:`labelled_claims`."""
    return [label for _, label in labelled_claims(history, as_of, horizon, history_ends=history_ends)]


def build_examples(histories: list[ReceivableHistory], as_of_dates: list[date], horizon: int = HORIZON_DAYS, *,
                   history_ends: date) -> Examples:
    """One example per receivable :func:`labelled_claims` labels, for each history at each as-of date;
    ``history_ends`` is the last date the histories cover."""
    out = Examples()
    for history in histories:
        claims = original_claims(claim_states(history, history_ends))   # once per history, for every date
        labelled = {as_of: labels for as_of in sorted(as_of_dates)
                    if (labels := _labels(claims, as_of, horizon, history_ends))}
        # the features as of every date from one pass over the history, as debtor_features gives them date by date
        features = dict(zip(labelled, debtor_features_on(history, list(labelled))))
        for as_of in as_of_dates:
            if as_of not in labelled:
                continue
            feats = features[as_of]
            row = feats.model_inputs()
            for due, label in labelled[as_of]:
                out.inputs.append(row)
                out.labels.append(label)
                out.debtors.append(history.debtor)
                out.as_of.append(as_of)
                out.due_dates.append(due)
                out.features.append(feats)
    return out


def split_debtors(debtors: list[str], seed: int, held_out_share: float = 0.3) -> tuple[set[str], set[str]]:
    """(training, held-out) debtor ids, by a seeded shuffle."""
    ids = sorted(set(debtors))
    random.Random(f"split:{seed}").shuffle(ids)
    cut = round(len(ids) * held_out_share)
    return set(ids[cut:]), set(ids[:cut])


def snapshot_dates(start: date, days: int, horizon: int = HORIZON_DAYS, count: int = 8) -> list[date]:
    """Up to ``count`` as-of dates, evenly spread over a history of ``days`` days from ``start``: the first after a
    year of history (400 days), the last leaving room for the horizon, and at least ``horizon`` days apart, so that
    no receivable falls due in the horizon of two of them and is labelled twice (fewer dates when fewer fit)."""
    first, last = 400, days - horizon - 1
    step = max(horizon, (last - first) // max(count - 1, 1))
    fit = max(0, (last - first) // step + 1)
    return [start + timedelta(days=first + i * step) for i in range(min(count, fit))]
