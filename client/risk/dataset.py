"""Training examples: features as of a date, labels from after it.

One example is one confirmed receivable of a debtor that falls due in the
``horizon`` days after ``as_of``. Its inputs are the debtor's features as of
``as_of`` (computed from the history cut at ``as_of``, so nothing after it can
leak in); its label is 1 when the receivable was not paid by its due date
(paid late, or still unpaid when the history ends), else 0. The model thus
estimates: the probability that a receivable of this debtor falling due in
the next ``horizon`` days is paid late.

Debtors are split into training and held-out sets by a seeded shuffle of their
ids, so no held-out debtor's history, at any date, is seen in training.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from .features import HORIZON_DAYS, DebtorFeatures, debtor_features
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


def labelled_claims(history: ReceivableHistory, as_of: date, horizon: int = HORIZON_DAYS) -> list[tuple[date, int]]:
    """(due date, label) of the debtor's confirmed receivables due in (as_of, as_of + horizon], by receivable id;
    label 1 = not paid by the due date.

    A claim closed by a split is not labelled: it is never settled itself, its
    parts are paid (and labelled) instead, as :func:`debtor_features` counts them.
    This is the only function that reads events after ``as_of``.
    """
    last = as_of + timedelta(days=horizon)
    confirmed: dict[str, date] = {}
    settled: dict[str, date] = {}
    split: set[str] = set()
    for e in history.events:
        if e.kind == "confirmed":
            confirmed[e.receivable_id] = e.due_date
        elif e.kind == "settled" and e.settled_date is not None:
            settled[e.receivable_id] = e.settled_date
        elif e.kind == "split":
            split.add(e.receivable_id)
    labels = []
    for rid, due in sorted(confirmed.items()):
        if as_of < due <= last and rid not in split:
            paid = settled.get(rid)
            labels.append((due, 0 if paid is not None and paid <= due else 1))
    return labels


def late_labels(history: ReceivableHistory, as_of: date, horizon: int = HORIZON_DAYS) -> list[int]:
    """The labels of :func:`labelled_claims`."""
    return [label for _, label in labelled_claims(history, as_of, horizon)]


def build_examples(histories: list[ReceivableHistory], as_of_dates: list[date],
                   horizon: int = HORIZON_DAYS) -> Examples:
    out = Examples()
    for history in histories:
        for as_of in as_of_dates:
            labelled = labelled_claims(history, as_of, horizon)
            if not labelled:
                continue
            feats = debtor_features(history.as_of(as_of), as_of)
            row = feats.model_inputs()
            for due, label in labelled:
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
    """``count`` as-of dates, the first after a year of history, the last leaving room for the horizon."""
    first, last = 400, days - horizon - 1
    step = (last - first) // max(count - 1, 1)
    return [start + timedelta(days=first + i * step) for i in range(count)]
