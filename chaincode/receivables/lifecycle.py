"""The receivable state machine and the guards every change passes.

    REGISTERED --confirm--> CONFIRMED --split/transfer--> SPLIT (children CONFIRMED)
        |                      |
        +--reject--> REJECTED  +--accept a financing offer--> FINANCED
    FINANCED --financing cancelled before disbursement--> CONFIRMED (an OVERDUE claim stays OVERDUE)
    CONFIRMED / FINANCED --due date passes, unpaid--> OVERDUE
    CONFIRMED / FINANCED / OVERDUE --paid in full / discounted / repaid--> SETTLED

Freezing is not a status: a frozen receivable keeps its status and accepts no
change until the regulator unfreezes it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from .errors import rule, shown
from .money import amount_text
from .model import CONFIRMED, FINANCED, OVERDUE, REGISTERED, Receivable

LIVE = frozenset({REGISTERED, CONFIRMED, FINANCED, OVERDUE})
PAYABLE = frozenset({CONFIRMED, FINANCED, OVERDUE})

# How many splits below its root a claim may lie. A split has two children, the part transferred and the part
# kept, so each partial transfer of a kept part goes one level deeper: the bound caps the partial transfers
# along one line of a lineage. It keeps GetProvenance's nested tree within what JSON readers accept (the SDK's
# parser stops at 200 levels of nesting, two per split, so at 99 splits) and ids short (2 characters a level).
# A whole transfer goes no deeper, so a claim at the limit still moves.
MAX_SPLIT_DEPTH = 64


def ensure_not_frozen(r: Receivable) -> None:
    if r.frozen is not None:
        raise rule("receivable-frozen", f"receivable {r.id} is frozen by order {shown(r.frozen.order_reference)}: "
                   "it accepts no change until the regulator unfreezes it")


def ensure_status(r: Receivable, allowed: Iterable[str], action: str) -> None:
    allowed = tuple(allowed)
    if r.status not in allowed:
        raise rule("invalid-state", f"cannot {action} receivable {r.id} while it is {r.status}: "
                   f"only when {' or '.join(allowed)}")


def ensure_before_maturity(r: Receivable, today: date, action: str) -> None:
    if date.fromisoformat(r.due_date) <= today:
        raise rule("past-maturity", f"receivable {r.id} fell due on {r.due_date}: cannot {action} it on or after maturity")


def is_overdue(r: Receivable, today: date) -> bool:
    """Unpaid past its due date on ``today``: marked OVERDUE, or CONFIRMED or FINANCED with its due date gone by.

    RecordOverdue is bookkeeping any party to the claim may or may not have run: a claim that is not paid by
    its due date is in arrears either way, so no figure of what is overdue can hang on that call."""
    return r.status == OVERDUE or (r.status in PAYABLE and date.fromisoformat(r.due_date) < today)


def mark_overdue(r: Receivable) -> None:
    """``r``, unpaid past its due date, becomes OVERDUE, in arrears since the day after that date (whenever it is
    marked, and by whichever transaction)."""
    r.status = OVERDUE
    r.overdue_since = (date.fromisoformat(r.due_date) + timedelta(days=1)).isoformat()


def ensure_transferable(r: Receivable, today: date) -> None:
    ensure_not_frozen(r)
    if r.status == FINANCED or r.financing_id is not None:
        raise rule("receivable-financed", f"receivable {r.id} has a live financing ({r.financing_id}): "
                   "a financed receivable cannot be split or transferred; settle or withdraw the financing first")
    ensure_status(r, (CONFIRMED,), "split or transfer")
    # A claim past its due date is a debt in arrears whether or not RecordOverdue has run yet: moving it
    # would give children that look current, so the rule cannot hang on that bookkeeping call.
    ensure_before_maturity(r, today, "split or transfer")


def split_depth(r: Receivable) -> int:
    """How many splits below its root ``r`` lies: each split adds ``.1`` or ``.2`` to the id (``keys.child_id``)."""
    return r.id[len(r.root_id):].count(".")


def ensure_splittable(r: Receivable) -> None:
    if (depth := split_depth(r)) >= MAX_SPLIT_DEPTH:
        raise rule("split-too-deep", f"receivable {r.id} lies {depth} splits below its root {r.root_id}, the most a "
                   f"lineage allows ({MAX_SPLIT_DEPTH}, so its provenance stays readable): transfer the whole "
                   "outstanding amount instead of part of it")


def split_amounts(face: int, amount: int, *, currency: str) -> tuple[int, int]:
    """The two children of a split: the part transferred and the part kept. They add up to the face."""
    if amount > face:
        raise rule("split-exceeds-amount", f"cannot split {amount_text(amount, currency)} off a receivable of "
                   f"{amount_text(face, currency)}: the part transferred must not exceed the outstanding amount")
    return amount, face - amount
