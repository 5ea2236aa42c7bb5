"""Financing arithmetic: what a bank advances against a receivable.

    principal = outstanding x advance rate                (half up, to the fen)
    interest  = principal x discount rate x days / basis  (days: disbursement -> due date, ACT)
    net       = principal - interest - fees               (paid to the holder)

The advance is on the outstanding amount, what the debtor still owes, not on the face:
a claim the debtor has partly paid is worth only the rest to the bank, which the debtor
pays it at maturity. Interest is charged on the money advanced (the principal), not on
the outstanding amount: with an advance rate of 100% the two coincide.

The disbursement carries the terms' secret salt. Its hash is public (the financing's
``disbursement_hash``, and Fabric's hash of the private write in every block), and the
outstanding amount, the dates and so the days are public too: without the salt, trying the
likely advance rates, discount rates and bases would find the private terms in seconds.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from . import daycount
from .errors import rule
from .money import amount_text
from .model import Disbursement, OfferTerms


def principal(terms: OfferTerms, outstanding: int) -> int:
    """What ``terms`` advance on a claim with ``outstanding`` fen unpaid: outstanding x advance rate, half up to the
    fen. The disbursement, the check when an offer is made and a bank's exposure (GetFinancierExposure) all take
    it from here, so the figure a bank prices against its limit is the one it would pay out."""
    return daycount.proportion_fen(outstanding, Decimal(terms.advance_rate))


def ensure_disbursable(terms: OfferTerms, outstanding: int, *, currency: str) -> None:
    """Refuse, when the offer is made, terms no disbursement could ever take: every disbursement of them would
    be refused (``financing-not-positive``), and a claim whose holder accepted them would wait on a cancellation.

    Only what cannot improve later is refused: the principal (the outstanding amount at the advance rate),
    which stays as it is while the financing is live (the claim is neither paid, transferred nor discounted
    meanwhile) and would only shrink after, and the fixed fees. Interest is not: it falls day by day to the
    due date, so terms whose interest takes the cash today may leave some later."""
    if Decimal(terms.advance_rate) == 0:
        raise rule("rate-invalid", "advance_rate is 0: the bank would advance nothing, so no disbursement could be "
                   "recorded; offer an advance rate above 0 and at most 1 "
                   "(\"0.8\" advances 80% of the outstanding amount)")
    advanced = principal(terms, outstanding)
    if advanced == 0:
        raise rule("advance-rounds-to-zero", f"advance_rate {terms.advance_rate} of the outstanding "
                   f"{amount_text(outstanding, currency)} is {amount_text(0, currency)} to the nearest fen: no "
                   f"disbursement could be recorded; offer a higher advance rate, or none on so small a claim")
    if terms.fees >= advanced:
        raise rule("fees-not-below-advance", f"fees of {amount_text(terms.fees, currency)} would take all of the "
                   f"{amount_text(advanced, currency)} advanced (advance_rate {terms.advance_rate} of the outstanding "
                   f"{amount_text(outstanding, currency)}): no disbursement could be recorded; offer fees below the "
                   f"advance, or a higher advance rate")


def ensure_disbursable_by_date(*, financing_id: str, receivable_id: str, due_date: str, days: int) -> None:
    """Refused (``past-maturity``) with ``days`` left to ``due_date`` none: from the due date on, the accepted
    financing can never be disbursed, so the refusal names the ways it ends: a cancellation, or the debtor's
    payment, which ends it from then on (RecordPayment)."""
    if days <= 0:
        raise rule("past-maturity", f"receivable {receivable_id} is due {due_date}: nothing to finance on "
                   f"or after maturity, so financing {financing_id} can no longer be disbursed; end it with "
                   "CancelFinancing (the holder or the bank), or the debtor's payment of the holder "
                   "(RecordPayment) ends it")


def _most_days_leaving_cash(advanced: int, terms: OfferTerms, days: int) -> int | None:
    """The most days, fewer than ``days``, that a disbursement of ``advanced`` on ``terms`` may lend for
    and still leave the holder some cash; None where even one day leaves none. Interest never falls as
    the days grow, so the days that leave cash are those up to some count, found by halving."""
    rate = Decimal(terms.discount_rate)

    def leaves_cash(d: int) -> bool:
        return advanced - daycount.interest_fen(advanced, rate, d, terms.day_count) - terms.fees > 0

    low, high = 0, days - 1  # the count sought, if any, is in [low, high]; 0 stands for none
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if leaves_cash(middle) else (low, middle - 1)
    return low if low >= 1 and leaves_cash(low) else None


def disbursement(*, financing_id: str, receivable_id: str, outstanding: int, currency: str, terms: OfferTerms,
                 disbursed_on: str, due_date: str, days: int) -> Disbursement:
    ensure_disbursable_by_date(financing_id=financing_id, receivable_id=receivable_id, due_date=due_date,
                               days=days)
    advanced = principal(terms, outstanding)
    interest = daycount.interest_fen(advanced, Decimal(terms.discount_rate), days, terms.day_count)
    net = advanced - interest - terms.fees
    if net <= 0:
        # interest falls day by day to the due date, so a later disbursement may leave cash where this one
        # leaves none; fees of the whole advance (an offer made before they were refused) leave none any day
        end = "end the financing with CancelFinancing (the holder or the bank), which releases the claim"
        if (most := _most_days_leaving_cash(advanced, terms, days)) is None:
            way_on = f"no day before the due date {due_date} leaves the holder any: {end}"
        else:
            start = (date.fromisoformat(due_date) - timedelta(days=most)).isoformat()
            way_on = (f"interest falls day by day, and a disbursement from {start} on ({most} days or fewer "
                      f"before the due date {due_date}) leaves the holder some: disburse then, or {end}")
        raise rule("financing-not-positive", f"financing {financing_id}: the terms leave "
                   f"{amount_text(net, currency)} for the holder: interest {amount_text(interest, currency)} "
                   f"and fees {amount_text(terms.fees, currency)} consume the principal "
                   f"{amount_text(advanced, currency)}; {way_on}")
    return Disbursement(financing_id=financing_id, receivable_id=receivable_id, outstanding=outstanding,
                        principal=advanced, interest=interest, fees=terms.fees, net_amount=net, days=days,
                        day_count=terms.day_count, disbursed_on=disbursed_on, due_date=due_date, salt=terms.salt)
