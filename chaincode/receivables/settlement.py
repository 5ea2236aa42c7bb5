"""Settlement arithmetic: pro-rata allocation over split children, dynamic discounting.

Pro rata: a payment against a receivable that was split is spread over its
live leaves in proportion to their outstanding amounts by the largest-remainder
method: each leaf gets ``floor(payment x outstanding / total)`` fen, and the fen
left over go one each to the leaves with the largest remainders (ties: in id
order). The shares add up to the payment exactly and none exceeds its leaf.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from . import dates, daycount
from .errors import rule
from .money import amount_text, amount_to_send
from .model import DiscountTerms, ScaleTier


def ensure_within_outstanding(amount: int, outstanding: list[tuple[str, int]], *, currency: str,
                              receivable_id: str, besides: str = "") -> None:
    """Refused (``payment-exceeds-outstanding``) where ``amount`` is more than the total ``outstanding`` lists (as
    ``allocate_pro_rata`` takes them), naming the payment that settles the claim: nothing of an overpayment is
    recorded, so the debtor who sent one must know what to send instead. ``besides``: what else refuses the
    payment for now (a freeze, a financing), added to the refusal when there is something."""
    total = sum(o for _, o in outstanding)
    if amount > total:
        whole = [key for key, _ in outstanding] == [receivable_id]
        owed, paid = amount_text(total, currency), amount_text(amount, currency)
        raise rule("payment-exceeds-outstanding", f"payment of {paid} exceeds the {owed} outstanding on "
                   f"{receivable_id if whole else f'the unpaid parts of {receivable_id}'}: nothing is recorded, "
                   "as a payment is recorded whole or not at all and the ledger keeps no credit above what is "
                   f"owed; pay {owed} or less (RecordPayment of {amount_to_send(total, currency)} settles "
                   f"{'it' if whole else 'them'})"
                   + (f"; besides, {besides}" if besides else ""))


def allocate_pro_rata(amount: int, outstanding: list[tuple[str, int]], *, currency: str,
                      receivable_id: str) -> dict[str, int]:
    """Each key's share of ``amount`` (all in ``currency``, the claim's, which a refusal names), paid on
    ``receivable_id``: the one claim ``outstanding`` lists, or the split claim whose unpaid parts it lists.

    More than the total is refused (``ensure_within_outstanding``)."""
    ensure_within_outstanding(amount, outstanding, currency=currency, receivable_id=receivable_id)
    total = sum(o for _, o in outstanding)
    if total == 0:
        return {key: 0 for key, _ in outstanding}
    shares = {key: amount * o // total for key, o in outstanding}
    left = amount - sum(shares.values())
    by_remainder = sorted(outstanding, key=lambda item: (-(amount * item[1] % total), item[0]))
    for key, _ in by_remainder[:left]:
        shares[key] += 1
    return shares


def check_discount_terms(apr: str | None, scale: list[ScaleTier] | None) -> None:
    """A discount offer's rate is a flat ``apr`` or a sliding ``scale``, and each tier of a scale starts at its own
    ``min_days_early``: of two tiers at the same days, :func:`discount_rate_for` would apply the first listed and
    silently ignore the other (``discount-terms-invalid``)."""
    if (apr is None) == (scale is None) or scale == []:
        raise rule("discount-terms-invalid", "give exactly one of apr (a flat annual rate) or scale (tiers of "
                   "min_days_early and apr)")
    days = [t.min_days_early for t in scale or []]
    repeated = sorted({d for d in days if days.count(d) > 1})
    if repeated:
        raise rule("discount-terms-invalid", f"the scale has more than one tier at min_days_early "
                   f"{', '.join(map(str, repeated))}: give each tier its own min_days_early, with its one apr")


def discount_rate_for(offer: DiscountTerms, days_early: int) -> Decimal | None:
    """The APR that applies ``days_early`` before maturity: the flat APR, or the best tier reached (of an
    offer, or of the terms a publication asks for)."""
    if offer.apr is not None:
        return Decimal(offer.apr)
    tiers = [t for t in (offer.scale or []) if t.min_days_early <= days_early]
    if not tiers:
        return None
    return Decimal(max(tiers, key=lambda t: t.min_days_early).apr)


def early_payment(outstanding: int, apr: Decimal, days_early: int, basis: str, *, currency: str) -> tuple[int, int]:
    """(amount paid, discount): settles at outstanding x (1 - apr x days early / basis).

    The discount is rounded half up to the fen. A discount that would leave nothing (or less) to pay is refused,
    after that rounding (``discount >= outstanding``): a high APR far from maturity is not an early payment. On any
    amount above a few fen that is apr x days early / basis of about 1 or more (exactly: at least
    1 - 1 / (2 x outstanding fen)); on a few fen the rounding gets there sooner (1 fen at 100% for 180 days ACT/360
    is 0.5 fen, rounded to 1 fen, and refused).
    """
    discount = daycount.interest_fen(outstanding, apr, days_early, basis)
    if discount >= outstanding:
        raise rule("discount-exceeds-amount", f"{apr} a year for {dates.days_text(days_early)} ({basis}) is "
                   f"a discount of {amount_text(discount, currency)} on {amount_text(outstanding, currency)} "
                   "outstanding, leaving nothing to pay: the debtor offers a lower rate, or the holder waits "
                   "until nearer maturity")
    return outstanding - discount, discount


def days_early(today: date, due: date) -> int:
    return daycount.days_between(today, due)
