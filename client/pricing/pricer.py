"""The bank-side pricer: a debtor's risk grade and the bank's exposure -> an offer.

    annual discount rate = base rate + spread[grade]      (no part for the tenor or the limit)
    advance rate         = advance_rate[grade], or if that advance would not fit what is
                           available, a rate of the contract's 10 decimal places giving the
                           largest advance (rounded half up) that does, in the fewest places
                         = advance_rate[grade] - cut to fit   (0 when it fits)
    debtor limit         = per-debtor limit x limit_factor[grade]   (fen, half up)
    available            = max(0, debtor limit - exposure - open offers)
    advance              = outstanding x advance rate                (fen, half up)
                           at most available; when the rate is cut, short of it by less than
                           outstanding / 10^10 + 1 fen (a rate's last place), and 0 where even a
                           rate of 10^-10 advances more than available
    fees                 = flat + advance x fee rate                (fen, half up)

The advance is on the claim's outstanding amount (what the debtor still owes;
the face, while nothing is paid), as the contract computes a disbursement.
Exposure is what the bank has lent against the debtor and not recovered; open
offers, what its offers on the debtor's other claims would advance if their
holders accepted them: each is one acceptance away from being lent, so both
count against the limit, and two quotes in a row cannot each take all of it.
Two at once would each read the room before the other's offer is on the ledger:
on one host they take turns (:mod:`client.pricing.quote_lock`), and
:class:`LimitStanding`, read once the offer is on the ledger, shows what an
offer committed meanwhile elsewhere added.

So the limit shrinks as risk grows (a smaller limit factor) and as exposure
and open offers grow (less left). The bank declines when the grade is declined (null in its
configuration), the time to the due date is longer than it finances (from the
disbursement date priced for, or from the day the offer is made, the earliest it
can be disbursed), nothing
is available under the limit, the advance would be below its minimum, its fees
would take all of the advance (rule fees-not-below-advance, as the contract refuses
such an offer), or the offer, open ``offer_valid_days`` from the day it is made, would lapse before the
disbursement date it is priced for. It is open until the day before the claim's due date if that comes
first: the contract takes no acceptance from the due date on.
Interest, net cash and APR follow :mod:`client.pricing.money`. A priced quote says how its two rates are made
(:class:`RateParts`): the parts of each add up to it exactly. The tenor is priced in the interest, for the days
to the due date (and declined past ``max_days``), not in the rate; the limit, in the advance.

Every amount is in the bank's configured currency (``BankPricing.currency``): a
claim in another currency is refused (``ValueError``), not priced against a
limit and fees meant for other money.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, PlainSerializer, computed_field

from client.business_dates import date_argument
from client.money import money
from client.shown import shown_value

from .config import BankPricing
from .money import days_between, proportion_fen, whole_argument
from .proposals import (RATE_PLACES, BankOffer, Proposal, Rate, ReceivableTerms, advance_rounds_to_nothing,
                        fixed_point_text, model_argument, past_maturity, price_bank_offer)


def _unsigned_zero(p: Decimal) -> Decimal:
    return p.copy_abs() if p.is_zero() else p   # "-0" typed is 0, and written "0"


Probability = Annotated[Decimal, AfterValidator(_unsigned_zero),
                        PlainSerializer(fixed_point_text, return_type=str, when_used="json")]


def _a_probability(p: Decimal) -> bool:
    """Whether ``p`` is a fraction from 0 to 1; a Decimal NaN is not, and compares with nothing (InvalidOperation)."""
    try:
        return 0 <= p <= 1
    except InvalidOperation:
        return False


def _a_flag(value: object, what: str) -> bool:
    """``value`` as True or False: a value equal to one of them is taken as it (1 and 0, as SQLite reads a boolean
    column back; numpy's bool, as a table's column holds one). Anything else is a TypeError naming ``what``: text
    ("no") is truthy, and would be priced as True."""
    try:
        flag = bool(value)
        if value == flag:
            return flag
    except (ArithmeticError, TypeError, ValueError):   # a signalling NaN, an array of several
        pass
    raise TypeError(f"{what} must be True or False, not {type(value).__name__} ({shown_value(value)})")


class RateParts(BaseModel):
    """How a priced quote's two rates are made from the bank's configuration, each part a decimal fraction:

        offer.discount_rate = base_rate + spread             (the priced grade's spread)
        offer.advance_rate  = grade_advance_rate - cut_to_fit

    ``cut_to_fit``: what the grade's advance rate lost so that the advance fits what is available under the
    debtor limit (0 when it fits). The discount rate has no part for the tenor or the limit: the days to the due
    date are priced in the interest, and the limit bounds only the advance."""

    model_config = ConfigDict(frozen=True)

    base_rate: Rate
    spread: Rate
    grade_advance_rate: Rate
    cut_to_fit: Rate


class Quote(BaseModel):
    model_config = ConfigDict(frozen=True)

    bank: str
    receivable_id: str
    currency: str
    debtor_grade: str
    # the grade whose terms are priced: debtor_grade, or the bank's thin_record_grade where that is riskier
    priced_grade: str
    probability_late: Probability | None
    on: date
    # the claim's: the day priced.days run to from ``on``, in calendar days, a Saturday, Sunday or public holiday
    # included (as the contract counts the days of a disbursement), though the debtor pays on time the next working day
    due_date: date
    debtor_limit: int
    exposure: int
    open_offers: int = 0
    available: int
    offer: BankOffer | None
    priced: Proposal | None
    declined: str | None = None
    # how offer's rates are made; None when declined
    rate_parts: RateParts | None = None


class LimitStanding(BaseModel):
    """What a bank holds against its limit on one debtor, read again once its offer is on the ledger: what it lends
    (``exposure``) and what its open offers there would advance (``open_offers``, the new one's included), fen of
    ``currency``. Above ``debtor_limit`` only when another offer committed between the quote's read and its offer:
    one the quote could not see."""

    model_config = ConfigDict(frozen=True)

    currency: str
    exposure: int
    open_offers: int
    debtor_limit: int

    @computed_field
    @property
    def over_limit_by(self) -> int:
        return max(0, self.exposure + self.open_offers - self.debtor_limit)


def quote(config: BankPricing, terms: ReceivableTerms, *, grade: str, on: date, exposure: int = 0,
          open_offers: int = 0, probability_late: Decimal | None = None, offered_on: date | None = None,
          thin_record: bool = False) -> Quote:
    """The bank's offer for one receivable of a debtor with ``grade`` (``terms.face_amount``: what it still owes),
    priced for disbursement ``on``, given what the bank already lends against the debtor and what its open offers on
    the debtor's other claims would advance (both fen in the claim's currency, which must be the configuration's).
    ``offered_on``: the day the offer is made (on the ledger, its today), from which it is open
    ``offer_valid_days`` [default: ``on``]. ``probability_late``: the debtor's, shown on the quote (a fraction from 0
    to 1, else a ValueError).
    ``thin_record``: none of the debtor's claims has fallen due, so
    ``grade`` is the model's extrapolation; priced at the configuration's ``thin_record_grade`` where that is
    riskier."""
    # each argument of the wrong type named before anything compares it: a str or a NaN raised from inside, a
    # datetime for ``on`` from the first comparison of days, a dict for the configuration or the terms from where
    # it was first read (AttributeError), and a str thin_record ("no") priced at the thin grade
    model_argument(config, "config", BankPricing)
    model_argument(terms, "terms", ReceivableTerms)
    date_argument(on, "on")
    if offered_on is not None:
        date_argument(offered_on, "offered_on")
    thin_record = _a_flag(thin_record, "thin_record")
    if (refusal := config.currency_refusal(terms.currency)) is not None:
        raise ValueError(refusal)
    exposure = whole_argument(exposure, "exposure", "fen")
    open_offers = whole_argument(open_offers, "open_offers", "fen")
    for argument, fen, what in (
            ("exposure", exposure, "what the bank lends against the debtor and has not recovered"),
            ("open_offers", open_offers, "what its open offers on the debtor's other claims would advance")):
        if fen < 0:
            raise ValueError(f"{argument} {fen} fen cannot be negative: give {what}, in fen, 0 or more")
    # the quote shows it beside the grade it is priced at
    if isinstance(probability_late, bool) or not isinstance(probability_late, (Decimal, int, float, type(None))):
        raise TypeError(f"probability_late must be a Decimal fraction from 0 to 1 (0.3 is 30%), or None, not "
                        f"{type(probability_late).__name__} ({shown_value(probability_late)})")
    if probability_late is not None and not _a_probability(probability_late):
        raise ValueError(f"probability_late {probability_late} is not a probability: give a fraction from 0 to 1 "
                         "(0.3 is 30%), or None")
    try:
        known = grade in config.grades
    except TypeError:   # a list or a dict: "unhashable type", naming nothing
        raise TypeError(f"grade must be a str, one of {', '.join(config.grades)}, not {type(grade).__name__} "
                        f"({shown_value(grade)})") from None
    if not known:   # None too, a ValueError as it always was
        raise ValueError(f"grade {shown_value(grade)} is not one of {', '.join(config.grades)}")
    priced_grade = _grade_priced(config, grade, thin_record)
    terms_by_grade = config.grades[priced_grade]
    factor = terms_by_grade.limit_factor if terms_by_grade else Decimal(0)
    limit = proportion_fen(config.limits.per_debtor, factor)
    available = max(0, limit - exposure - open_offers)
    common = dict(bank=config.bank, receivable_id=terms.receivable_id, currency=terms.currency, debtor_grade=grade,
                  priced_grade=priced_grade, probability_late=probability_late, on=on, due_date=terms.due_date,
                  debtor_limit=limit,
                  exposure=exposure, open_offers=open_offers, available=available)

    def declined(reason: str) -> Quote:
        return Quote(offer=None, priced=None, declined=reason, **common)

    if terms_by_grade is None:
        policy = "" if priced_grade == grade else (
            f" (thin_record_grade {priced_grade}: the debtor has no payment on record, and the model's grade {grade} "
            f"is its view of a debtor whose payments are not yet known)")
        return declined(f"grade {priced_grade} is declined by {config.bank}'s policy{policy}")
    # open offer_valid_days from the day it is made, not from the disbursement date it is priced for: the policy
    # bounds how long an offer binds the bank and sits on its limit, and a later disbursement date would stretch that
    # (to past the claim's due date). Its terms are rates, which hold whenever the cash is taken while it is open.
    made_on = on if offered_on is None else offered_on
    # a date gone by can be no disbursement date of an offer made now: priced over days already past (and
    # scored as of then), its figures would be for a financing that cannot happen. Said before any reason
    # counted from that date (too many days to the due date, from it), which a quote for the day the offer
    # is made may not have.
    if on < made_on:
        if terms.due_date <= made_on:
            return declined(past_maturity(terms, made_on, "day the offer would be made", "finances no claim"))
        return declined(f"the disbursement date {on} is before {made_on}, the day the offer would be made: "
                        f"quote for a disbursement on {made_on} or later")
    days = days_between(on, terms.due_date)
    if days <= 0:
        return declined(past_maturity(terms, on, "disbursement date", "finances no claim"))
    if days > config.limits.max_days:
        return declined(f"{days} days to the due date; {config.bank} finances at most {config.limits.max_days}")
    # its holder may accept it the day it is made and the bank disburse that day: financed from then, a later
    # disbursement date priced for must not hide days beyond what the bank finances
    days_from_made = days_between(made_on, terms.due_date)
    if days_from_made > config.limits.max_days:
        return declined(f"{days_from_made} days to the due date from {made_on}, the day the offer would be made and "
                        f"the earliest it can be disbursed; {config.bank} finances at most {config.limits.max_days}")
    shown = partial(money, currency=terms.currency)   # the configuration's currency, checked above
    taken = f"exposure {shown(exposure)}" + (f", open offers {shown(open_offers)}" if open_offers else "")
    if available == 0:
        return declined(f"no room under the debtor limit {shown(limit)} ({taken})")
    advance_rate = terms_by_grade.advance_rate
    cut = proportion_fen(terms.face_amount, advance_rate) > available
    if cut:
        advance_rate = _rate_within(available, terms.face_amount)
    advance = proportion_fen(terms.face_amount, advance_rate)
    if advance == 0 or advance < config.limits.min_advance:
        # no advance at all is said so whatever the minimum: "CNY 0.00 is below the minimum CNY 0.00" contradicts itself
        short = "nothing to finance" if advance == 0 else f"below the minimum {shown(config.limits.min_advance)}"
        if not cut:
            if advance == 0:
                return declined(advance_rounds_to_nothing(terms.face_amount, terms.currency))
            return declined(f"the advance {shown(advance)} is {short}")
        room = f"the debtor limit {shown(limit)} leaves only {shown(available)} ({taken})"
        if available < config.limits.min_advance:
            return declined(f"{room}, below the minimum advance {shown(config.limits.min_advance)}")
        return declined(f"{room}, and on {shown(terms.face_amount)} outstanding the largest advance rate within it "
                        f"that the contract takes ({RATE_PLACES} decimal places) advances {shown(advance)}, {short}")
    fees = config.fees.flat + proportion_fen(advance, config.fees.rate_of_advance)
    lapses_on = made_on + timedelta(days=config.offer_valid_days)
    if lapses_on < on:
        return declined(f"an offer made on {made_on} is open {config.offer_valid_days} days (offer_valid_days), "
                        f"until {lapses_on}: it would lapse before the disbursement date {on}; quote for a "
                        f"disbursement by {lapses_on}")
    # the last day the holder may accept it: from the claim's due date on the contract takes no acceptance (rule
    # past-maturity), so an expiry past the day before would name days on which the offer cannot be taken
    expires_on = min(lapses_on, terms.due_date - timedelta(days=1))
    # offer_id and financier are labels from the configuration, not the ledger's: the contract gives an
    # offer its id when it is made, and names the bank by its credit code. With them the offer is a bank
    # offer of an offers file as it stands (`finance compare --offers`)
    offer = BankOffer(offer_id=f"{config.bank}:{terms.receivable_id}", financier=config.bank,
                      advance_rate=advance_rate, discount_rate=config.base_rate + terms_by_grade.spread, fees=fees,
                      recourse=config.recourse, day_count=config.day_count, expires_on=expires_on,
                      quoted_outstanding=terms.face_amount)
    priced = price_bank_offer(offer, terms, on)
    if not priced.eligible:
        return declined(priced.why.removeprefix("not eligible: "))
    parts = RateParts(base_rate=config.base_rate, spread=terms_by_grade.spread,
                      grade_advance_rate=terms_by_grade.advance_rate,
                      cut_to_fit=terms_by_grade.advance_rate - advance_rate)
    return Quote(offer=offer, priced=priced, rate_parts=parts, **common)


def _grade_priced(config: BankPricing, grade: str, thin_record: bool) -> str:
    """``grade``, or for a debtor with no payment on record the bank's ``thin_record_grade`` where that is riskier
    (grades run from A, the safest, to E)."""
    if not thin_record or config.thin_record_grade is None:
        return grade
    return max(grade, config.thin_record_grade)


def _rate_within(available: int, outstanding: int) -> Decimal:
    """An advance rate of the contract's 10 decimal places giving the largest advance on ``outstanding`` that fits
    ``available``; of the rates giving it, the one with the fewest decimal places (0.45, not 0.4500000049).

    The advance of rate n / 10^10 is outstanding x n / 10^10 rounded half up, so it is at most A while
    2 x outstanding x n < (2A + 1) x 10^10, and at least A once 2 x outstanding x n >= (2A - 1) x 10^10. (The
    floor of available / outstanding to 10 places can fall a fen or more short above 5 x 10^9 fen.) Computed on
    integers, exactly: a Decimal division rounds to 28 digits first and could round up past the limit.
    """
    scale = 10**RATE_PLACES
    largest = ((2 * available + 1) * scale - 1) // (2 * outstanding)
    advance = proportion_fen(outstanding, Decimal(largest).scaleb(-RATE_PLACES))
    # every n from here to largest advances as much
    smallest = max(0, -(-(2 * advance - 1) * scale // (2 * outstanding)))
    for places in range(RATE_PLACES + 1):
        step = 10 ** (RATE_PLACES - places)
        shortest = -(-smallest // step) * step   # the first multiple of step from smallest on
        if shortest <= largest:
            return Decimal(shortest).scaleb(-RATE_PLACES).normalize()
    raise AssertionError("unreachable: with 10 places, smallest itself is at most largest")
