"""Financing proposals for one receivable: every live offer, priced and ranked.

The holder of a confirmed receivable can take cash before the due date in two
ways: a bank's financing offer (advance against what the claim still owes, less
discount interest and fees) or one of the debtor's early-payment offers
(dynamic discounting: the debtor pays what is still owed less a discount now).
:func:`rank_proposals` prices each with :mod:`client.pricing.money` and ranks
them two ways:

- by cost: the effective annual cost (APR, fees included), cheapest first;
- by cash: the net cash the holder receives now, most first.

Ties break on cash (for cost) or cost (for cash), then non-recourse before
recourse, then one takeable now before one that needs a step first, then the
offer's id; an offer's ``why`` names the offers it ties with and the tie-break that
parts it from the one just before it. Offers that have expired, leave no cash, or do not apply (an
early-payment scale whose first tier needs more days) are returned as
ineligible with the reason.

Some offers the contract would refuse today. They are ranked all the same, so
a bank's offer and the debtor's early payment are compared even though only one
of them can be taken at a time, but ``takeable_now`` is false and
``first_step`` says what must happen first: every offer on a frozen receivable
(``ReceivableTerms.frozen_by``, rule receivable-frozen: the regulator lifts the
freeze, and every order ``queued_freezes`` names queued behind it), every offer on a receivable that is not confirmed
(``ReceivableTerms.status``, rule invalid-state: the debtor confirms it), an
early-payment offer on a receivable with a live financing
(``ReceivableTerms.financing_id``, rule receivable-financed: the request
withdrawn, or an accepted financing cancelled), and a bank's offer on a
receivable without a financing request (it is accepted only on one: request
financing). An offer no step would make takeable (early payment on a claim
whose financing is disbursed; any offer on a claim rejected or withdrawn) is
priced but not ranked; a claim settled or split has nothing outstanding, and is refused (ValueError), whatever
financing its terms name, as the ledger reader refuses it. Each proposal's ``why`` says where it ranks and what
puts it there, and, for one not takeable now, why and what to do.

The remainder of the outstanding amount a bank does not advance (outstanding -
advance) is not financed: it is the holder's at maturity, though not paid to it on the
ledger. From disbursement every payment on the claim is recorded as the bank's, so the
debtor pays the bank the whole outstanding amount, and the bank pays the excess over the
advance over to the holder off the ledger (docs/receivables.md, "Financing", step 6). It
is shown (``remainder_at_maturity``) but not counted as cash now.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Annotated, Any, Literal

from pydantic import (BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, ValidationInfo, computed_field,
                      field_validator, model_validator)
from pydantic_core import PydanticCustomError

from chaincode.receivables.dates import days_text
from chaincode.receivables.errors import RuleViolation
from chaincode.receivables.lifecycle import way_out_of_financing
from chaincode.receivables.model import DiscountOfferRequest, ScaleTier as ContractScaleTier
from chaincode.receivables.money import hundredths_problem
from chaincode.receivables.settlement import check_discount_terms
from client.business_dates import IsoDay, date_argument
from client.money import (LEDGER_MAX_FEN, MAX_FEN, RATE_PLACES, RATE_WHOLE_DIGITS, exact_percent, fen_up_to, money,
                          rate_text)
from client.shown import shown_value

from .money import (APR_DAY_COUNT, APR_PERCENT_PLACES, BASES, annual_cost, days_between, effective_annual_cost,
                    interest_fen, percent_of, places_apart, proportion_fen)

Basis = Literal["ACT/360", "ACT/365"]


# What the receivables contract takes as a rate (chaincode/receivables/daycount.py, parse_rate): up to three
# digits, a point and up to ten decimals, at most 1. A rate is held to it when read, before any arithmetic:
# more decimals would be refused on the ledger, and an exponent such as 1e-300000000 would make Decimal and
# Fraction arithmetic run for minutes.
RATE_TEXT = re.compile(rf"[0-9]{{1,{RATE_WHOLE_DIGITS}}}(\.[0-9]{{1,{RATE_PLACES}}})?")
RATE_FORM = "a decimal fraction from 0 to 1 with at most 10 decimal places and no exponent, e.g. \"0.045\" for 4.5%"


def _rate(value: object, field: str) -> Decimal:
    # the messages do not repeat ``field``: pydantic's error path already names it
    if isinstance(value, float) or isinstance(value, bool):
        raise ValueError("write rates as strings, e.g. \"0.045\" for 4.5% (a float is not exact)")
    if isinstance(value, int):   # an unquoted 0 or 1 in YAML or JSON
        if not 0 <= value <= 1:
            raise ValueError(_not_a_fraction(shown_value(value), Decimal(value) if 1 < value <= 100 else None))
        text = str(value)
    elif isinstance(value, Decimal):   # from code: its form is checked before it is written out (see RATE_TEXT)
        fits = value.is_finite() and value.as_tuple().exponent >= -RATE_PLACES and value.adjusted() < RATE_WHOLE_DIGITS
        text = format(value, "f") if fits else None
    elif isinstance(value, str):
        text = value
    else:
        raise ValueError(f"{shown_value(value)} is not a decimal rate")
    if text is not None and (percent := _PERCENT_TEXT.fullmatch(text)):
        raise ValueError(_a_percentage(shown_value(value), Decimal(percent[1])))
    if text is None or not RATE_TEXT.fullmatch(text):
        raise ValueError(f"{shown_value(value)} is not a rate the contract takes: write {RATE_FORM}")
    rate = Decimal(text)
    if rate > 1:
        raise ValueError(_not_a_fraction(text, rate))
    return rate


# a rate written as a percentage ("3.1%", "3.1 %"): the one form whose meaning is plain, so the fraction is named
_PERCENT_TEXT = re.compile(r"\s*([0-9]{1,12}(?:\.[0-9]{1,12})?)\s*%\s*")


def _a_percentage(shown: str, percent: Decimal) -> str:
    """Why a rate written with a percent sign is refused, with the fraction to write where the contract takes it."""
    fraction = percent.scaleb(-2)
    if fraction > 1 or fraction.normalize().as_tuple().exponent < -RATE_PLACES:
        return f"{shown} is a percentage, and the contract takes {RATE_FORM}"
    return (f'{shown} is a percentage, and the contract takes a decimal fraction (0.045 is 4.5%); '
            f'for {format(percent.normalize(), "f")}%, write "{format(fraction.normalize(), "f")}"')


def _not_a_fraction(shown: str, rate: Decimal | None) -> str:
    """Why a rate above 1 is refused; one up to 100 is most likely a percentage written for the fraction, so the
    fraction it would be is named, when the contract takes it (at most 10 decimal places)."""
    said = f"{shown} must be between 0 and 1 (a fraction: 0.045 is 4.5%)"
    if rate is None or not 1 < rate <= 100:
        return said
    fraction = rate.scaleb(-2).normalize()
    if fraction.as_tuple().exponent < -RATE_PLACES:
        return said
    return f'{said}; for {format(rate.normalize(), "f")}%, write "{format(fraction, "f")}"'


# A rate in JSON: the plain decimal string the contract takes ("0.0000002", where str() would give "2E-7").
Rate = Annotated[Decimal, PlainSerializer(rate_text, return_type=str, when_used="json")]


def fixed_point_text(value: Decimal) -> str:
    """A computed fraction as quotes and proposals write it: fixed point ("0.0000001", where str() gives "1E-7"), every
    digit given. Not :func:`~client.money.rate_text`: a proposal's APR or a debtor's probability of paying late is no
    rate sent to the contract, so it is not held to a rate's form: an APR of 1000 and above (fees large beside the
    cash over a few days), or a probability given to 17 places (a model's float written out), is written as it is."""
    return format(value, "f")


# A proposal's APR, fees included: computed, written as it is (fixed_point_text)
ComputedApr = Annotated[Decimal, PlainSerializer(fixed_point_text, return_type=str, when_used="json")]


def _whole_fen(value: object) -> object:
    # the money types' own error, so that it, and no other whole number's (a count of days), says what fen are
    if isinstance(value, bool) or not isinstance(value, int):
        raise PydanticCustomError("whole_fen",
                                  "Input should be a valid integer (whole fen, e.g. 50000 for 500.00 yuan)")
    return value


# Money in offers and configurations: whole fen as an integer, no float or string (a unit mistake, yuan for fen,
# is refused rather than rounded), and under the contract's cap.
# An amount past the cap is refused in fen, with the cap in yuan and fen (``fen_up_to``); a negative one by ``ge``.
Fen = Annotated[int, BeforeValidator(_whole_fen), BeforeValidator(fen_up_to(MAX_FEN)),
                Field(ge=0, le=MAX_FEN, strict=True)]
# The same for amounts read from the ledger, which records written under the contract's earlier cap may hold.
LedgerFen = Annotated[int, BeforeValidator(_whole_fen), BeforeValidator(fen_up_to(LEDGER_MAX_FEN)),
                      Field(ge=0, le=LEDGER_MAX_FEN, strict=True)]




class BankOffer(BaseModel):
    """A bank's commercial terms, as the receivables contract keeps them (OfferTerms)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    offer_id: str = Field(min_length=1)
    financier: str = Field(min_length=1)
    advance_rate: Rate
    discount_rate: Rate
    fees: LedgerFen = Field(default=0, description="fen")
    recourse: bool = Field(strict=True)    # "yes" or 0 is no term a bank offered, as on the contract
    day_count: Basis = "ACT/360"
    expires_on: IsoDay
    # A quote's advance rate and fees are priced on what the claim owed then: its fees are whole fen on that
    # advance, and its rate may be cut to fit the limit on it. Taken on another amount (the debtor paid part of
    # the claim since), they would lend another sum at a cost the bank never quoted. None for terms bound to no
    # amount (an offer read from the ledger: the contract holds the outstanding amount while its request is open).
    quoted_outstanding: LedgerFen | None = Field(
        default=None, gt=0, description="fen: the claim's outstanding amount the offer was quoted on; its advance "
                                        "rate and fees hold for that amount only")

    @field_validator("advance_rate", "discount_rate", mode="before")
    @classmethod
    def _rates(cls, v: object, info) -> Decimal:
        return _rate(v, info.field_name)


# The days early a scale tier may start at, the contract's own bounds (its ScaleTier's Field(ge=..., le=...)):
# a tier beyond them is in no offer the contract publishes (PublishDiscountOffer refuses it), so none is
# compared.
_TIER_DAYS = {type(bound).__name__: bound
              for bound in ContractScaleTier.model_fields["min_days_early"].metadata}
TIER_DAYS_MIN: int = _TIER_DAYS["Ge"].ge
TIER_DAYS_MAX: int = _TIER_DAYS["Le"].le


class ScaleTier(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    min_days_early: int = Field(strict=True)   # true or "30" is no count of days, as on the contract
    apr: Rate

    @field_validator("min_days_early")
    @classmethod
    def _days_the_contract_takes(cls, v: int) -> int:
        if not TIER_DAYS_MIN <= v <= TIER_DAYS_MAX:
            raise ValueError(f"{shown_value(v)} days: a tier starts from {TIER_DAYS_MIN} to {TIER_DAYS_MAX} "
                             "days early, as the contract takes it (PublishDiscountOffer refuses any other, so "
                             "no offer on the ledger holds one); give a number of days in that range")
        return v

    @field_validator("apr", mode="before")
    @classmethod
    def _apr(cls, v: object) -> Decimal:
        return _rate(v, "apr")


# The most tiers the contract takes in a scale: a file with more holds no offer the ledger could, and the contract's
# check of the tiers (check_discount_terms) takes time growing with the square of their number.
SCALE_TIERS_MAX: int = next(bound.max_length for bound in DiscountOfferRequest.model_fields["scale"].metadata
                            if hasattr(bound, "max_length"))

# The validation context of an early-payment offer read from the ledger (EarlyPaymentOffer.model_validate(...,
# context=READ_FROM_THE_LEDGER)): one published before the contract refused two tiers at the same min_days_early
# may hold them, and is priced, as the contract settles it, at the first of them listed.
_LEDGER_READ = "read_from_the_ledger"
READ_FROM_THE_LEDGER = {_LEDGER_READ: True}


class EarlyPaymentOffer(BaseModel):
    """The debtor's dynamic-discounting offer: a flat APR or a sliding scale."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    offer_id: str = Field(min_length=1)
    debtor: str = Field(min_length=1)
    apr: Rate | None = None
    scale: list[ScaleTier] | None = Field(default=None, max_length=SCALE_TIERS_MAX)
    day_count: Basis = "ACT/360"
    expires_on: IsoDay
    # as the ledger holds it: a withdrawn offer is priced as not eligible, as AcceptDiscountOffer refuses it
    status: Literal["OPEN", "WITHDRAWN"] = "OPEN"
    withdrawn_on: IsoDay | None = None

    @field_validator("apr", mode="before")
    @classmethod
    def _apr(cls, v: object) -> Decimal | None:
        return None if v is None else _rate(v, "apr")

    @field_validator("scale")
    @classmethod
    def _one_tier_at_each_days(cls, scale: list[ScaleTier] | None, info: ValidationInfo) -> list[ScaleTier] | None:
        # of two tiers at the same min_days_early the first listed would apply and the other be ignored without a
        # word: the contract refuses such a scale when it is published, and so is it here, in the contract's words
        if scale and not (info.context or {}).get(_LEDGER_READ):
            try:
                check_discount_terms(None, scale)
            except RuleViolation as refusal:
                raise ValueError(f"{refusal.detail} (the contract refuses such a scale: rule {refusal.code})") from None
        return scale

    @model_validator(mode="after")
    def _one_of(self) -> "EarlyPaymentOffer":
        if (self.apr is None) == (not self.scale):
            raise ValueError("give either apr or scale, not both and not neither")
        return self

    def apr_for(self, days_early: int) -> Decimal | None:
        """The flat APR, or the highest tier reached (None: no tier reached)."""
        if self.apr is not None:
            return self.apr
        tiers = [t for t in self.scale or [] if t.min_days_early <= days_early]
        return max(tiers, key=lambda t: t.min_days_early).apr if tiers else None


LiveFinancingStatus = Literal["REQUESTED", "ACCEPTED", "DISBURSED"]
# every status the contract gives a claim (tests hold it to the SDK's STATUSES): a claim read from the ledger in any
# of them must load, so that its status, not a validation error, says why there is nothing to compare
ClaimStatus = Literal["REGISTERED", "CONFIRMED", "REJECTED", "WITHDRAWN", "SPLIT", "FINANCED", "OVERDUE", "SETTLED"]


def _currency_code(value: object) -> object:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Z]{3}", value):
        raise ValueError(f"{shown_value(value)} is not a currency: give a three-letter ISO 4217 code in capitals, "
                         "e.g. CNY")
    return value


def _currency(value: object) -> object:
    # as the contract takes a currency for a new claim (chaincode/receivables/money.py): a three-letter code, and one
    # whose minor unit is a hundredth, since every amount is whole fen (JPY 900,000.00 would be yen with sen)
    _currency_code(value)
    if (why := hundredths_problem(value)) is not None:
        raise ValueError(why)
    return value


# A currency a bank sets in its pricing configuration: one the contract takes a claim in today.
Currency = Annotated[str, BeforeValidator(_currency), Field(description="ISO 4217 code in capitals, e.g. CNY")]
# A claim's currency, as the ledger holds it: a claim an earlier contract registered in JPY is still there to compare
# offers on, so only the code's form is checked
ClaimCurrency = Annotated[str, BeforeValidator(_currency_code), Field(description="ISO 4217 code in capitals")]


class ReceivableTerms(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    receivable_id: str = Field(min_length=1)
    # named face_amount, as files and --json have always called it: for a partly paid claim it is what is still owed
    face_amount: LedgerFen = Field(gt=0, description="fen: the outstanding amount, what the claim still owes")
    due_date: IsoDay
    currency: ClaimCurrency = Field(default="CNY", description="the claim's currency: every amount is in it")
    status: ClaimStatus = Field(default="CONFIRMED", description="the claim's status: the contract takes an offer "
                                                                 "only on a CONFIRMED claim (rule invalid-state)")
    financing_id: str | None = Field(default=None, min_length=1,
                                     description="the receivable's live financing, if any: early payment waits for "
                                                 "it, and a bank's offer is accepted only on a live request")
    financing_status: LiveFinancingStatus | None = Field(
        default=None, description="that financing's status; REQUESTED (offers still open) when not given")
    frozen_by: str | None = Field(default=None, min_length=1,
                                  description="the regulator's freeze order on the receivable, if any: while it "
                                              "holds, the contract takes no offer on it")
    queued_freezes: list[str] = Field(default_factory=list,
                                      description="the freeze orders queued behind frozen_by (轮候冻结), oldest "
                                                  "first: each binds the receivable in turn once the orders before "
                                                  "it are lifted, so lifting frozen_by alone does not free it")

    @model_validator(mode="after")
    def _status_of_a_financing(self) -> "ReceivableTerms":
        if self.financing_status is not None and self.financing_id is None:
            raise ValueError("financing_status: give it with the financing_id it is the status of")
        if self.queued_freezes and self.frozen_by is None:
            raise ValueError("queued_freezes: give them with the frozen_by order they are queued behind")
        if any(not order for order in self.queued_freezes):
            raise ValueError("queued_freezes: an order reference is empty; name each order queued")
        return self


class Proposal(BaseModel):
    """One offer priced. ``eligible``: its terms apply to the receivable on the date. ``takeable_now``: eligible,
    and the contract would let the holder take it now (it defaults to ``eligible``). ``first_step``: for an eligible
    offer not takeable now, what must happen before it is (None when it is takeable now, or when nothing would make
    it so). Ranked: the eligible offers takeable now or after their first step."""

    model_config = ConfigDict(frozen=True)

    offer_id: str
    source: Literal["bank", "early-payment"]
    counterparty: str
    eligible: bool
    takeable_now: bool
    first_step: str | None = None
    days: int
    day_count: str
    recourse: bool
    annual_rate: Rate | None = None
    advance: int = 0
    interest: int = 0
    fees: int = 0
    net_cash: int = 0
    remainder_at_maturity: int = 0
    apr: ComputedApr | None = None
    rank_by_cost: int | None = None
    rank_by_cash: int | None = None
    why: str = ""

    @model_validator(mode="before")
    @classmethod
    def _takeable_if_eligible(cls, data: Any) -> Any:
        if isinstance(data, dict) and "takeable_now" not in data:
            data = {**data, "takeable_now": data.get("eligible")}
        return data

    @computed_field
    @property
    def apr_day_count(self) -> str | None:
        """The day count ``apr`` is on: ACT/365, a 365-day year, whatever the offer's ``day_count`` (the basis of its
        ``annual_rate``), so that offers on either basis compare; None where ``apr`` is."""
        return None if self.apr is None else APR_DAY_COUNT

    @property
    def exact_apr(self) -> Fraction | None:
        """The APR unrounded, from the proposal's own amounts (None where ``apr`` is): what ranks compare, what people
        are shown, rounded once (``percent_of``), and the gap between two offers; ``apr`` is it to 6 places, what
        offers and JSON state."""
        return None if self.apr is None else annual_cost(self.interest + self.fees, self.net_cash, self.days)

    @property
    def rankable(self) -> bool:
        """Eligible, and takeable now or once its first step is done."""
        return self.eligible and (self.takeable_now or self.first_step is not None)


def advance_rounds_to_nothing(outstanding: int, currency: str) -> str:
    """Why an advance of 0 fen lends nothing, said so whatever the fees or the minimum advance: the bank-side pricer
    declines it, an offer compared is not eligible, and the contract refuses such an offer when it is made (rule
    advance-rounds-to-zero)."""
    return (f"the advance on {money(outstanding, currency)} outstanding rounds to {money(0, currency)}: nothing to "
            f"finance (rule advance-rounds-to-zero)")


def past_maturity(terms: ReceivableTerms, on: date, when: str, what: str) -> str:
    """Why nothing can be financed or paid early on ``on``, ``when`` (the disbursement date, or the day the cash
    would be taken), on or after the claim's due date, in the contract's rule: ``what`` the contract does not do
    from that date on ("finances no claim")."""
    day = f"the {when}" if terms.due_date == on else f"before the {when}"
    return (f"{terms.receivable_id} is due on {terms.due_date}, {day} {on}: the contract {what} on or after its due "
            f"date (rule past-maturity)")


def _expired(expires_on: date) -> str:
    """Why an offer is not taken after its expiry, in the rule the contract refuses its acceptance by."""
    return f"expired on {expires_on} (rule offer-expired)"


def price_bank_offer(offer: BankOffer, terms: ReceivableTerms, on: date, *, accepting: bool = False) -> Proposal:
    """``offer`` priced for taking the cash on ``on``. ``accepting``: priced for the holder to accept it, which the
    contract allows only on a live financing request (``terms.financing_id``); without it, priced as the bank makes
    it, on the request it is for (what the bank-side pricer quotes)."""
    days = days_between(date_argument(on, "on"), terms.due_date)
    base = dict(offer_id=offer.offer_id, source="bank", counterparty=offer.financier, days=days,
                day_count=offer.day_count, recourse=offer.recourse, annual_rate=offer.discount_rate)
    if offer.expires_on < on:
        return Proposal(eligible=False, why=f"not eligible: {_expired(offer.expires_on)}", **base)
    if days <= 0:
        return Proposal(eligible=False, why="not eligible: " + past_maturity(
            terms, on, "day the cash would be taken", "finances no claim"), **base)
    if offer.quoted_outstanding not in (None, terms.face_amount):
        return Proposal(eligible=False, why=f"not eligible: {_quoted_on_another_amount(offer, terms)}", **base)
    advance = proportion_fen(terms.face_amount, offer.advance_rate)
    interest = interest_fen(advance, offer.discount_rate, days, offer.day_count)
    net = advance - interest - offer.fees
    amounts = dict(advance=advance, interest=interest, fees=offer.fees, net_cash=net,
                   remainder_at_maturity=terms.face_amount - advance)
    if offer.advance_rate == 0:   # nothing rounded away: the contract refuses the rate itself, in its rule
        zero = ("advance_rate is 0: the bank would advance nothing, and the contract refuses such an offer "
                "when it is made (rule rate-invalid)")
        return Proposal(eligible=False, why=f"not eligible: {zero}", **base, **amounts)
    if advance == 0:   # before the net: fees there would read as consuming an advance that never was
        nothing = advance_rounds_to_nothing(terms.face_amount, terms.currency)
        return Proposal(eligible=False, why=f"not eligible: {nothing}", **base, **amounts)
    if offer.fees >= advance and not accepting:
        # refused when it is made, not when it would be disbursed: unlike interest, which falls day by day
        # to the due date, the fees never leave cash on this advance, whatever day it is disbursed
        def shown(fen: int) -> str:
            return money(fen, terms.currency)
        taken = (f"fees of {shown(offer.fees)} take all of the {shown(advance)} advanced on "
                 f"{shown(terms.face_amount)} outstanding, and the contract refuses such an offer when it is "
                 f"made (rule fees-not-below-advance): no later disbursement date leaves cash")
        return Proposal(eligible=False, why=f"not eligible: {taken}", **base, **amounts)
    if net <= 0:
        consumed = (f"interest and fees consume the advance ({money(net, terms.currency)} left), and the "
                    f"contract disburses nothing that leaves no cash (rule financing-not-positive)")
        return Proposal(eligible=False, why=f"not eligible: {consumed}", **base, **amounts)
    p = Proposal(eligible=True, apr=effective_annual_cost(interest + offer.fees, net, days), **base, **amounts)
    if obstacles := _obstacles(terms, bank_offer=offer if accepting else None):
        return _not_takeable(p, obstacles, terms.currency)
    return p


def _quoted_on_another_amount(offer: BankOffer, terms: ReceivableTerms) -> str:
    """Why an offer quoted on one outstanding amount is not taken on the other the claim now owes: its fees (and
    a rate cut to fit the bank's limit) were priced for the advance on the amount quoted."""
    def shown(fen: int) -> str:
        return money(fen, terms.currency)
    quoted, now = offer.quoted_outstanding, terms.face_amount
    return (f"quoted on {shown(quoted)} outstanding, but {terms.receivable_id} now owes {shown(now)}: its advance "
            f"rate and fees of {shown(offer.fees)} were priced for an advance of "
            f"{shown(proportion_fen(quoted, offer.advance_rate))}, not "
            f"{shown(proportion_fen(now, offer.advance_rate))}; "
            f"ask {offer.financier} to quote again on {shown(now)} outstanding")


def price_early_payment(offer: EarlyPaymentOffer, terms: ReceivableTerms, on: date) -> Proposal:
    days = days_between(date_argument(on, "on"), terms.due_date)
    rate = offer.apr_for(days)
    base = dict(offer_id=offer.offer_id, source="early-payment", counterparty=offer.debtor, days=days,
                day_count=offer.day_count, recourse=False, annual_rate=rate)
    # in the order AcceptDiscountOffer refuses them: a claim past its due date first, as no offer pays it early
    # (a new one the holder is sent to ask for neither), then what refuses the claim for good whatever the offer
    # (its status, a disbursed financing), then the offer's withdrawal, its expiry, its scale and its discount
    if days <= 0:
        return Proposal(eligible=False, why="not eligible: " + past_maturity(
            terms, on, "day the cash would be taken", "pays no claim early"), **base)
    for_good = _refused_whatever_the_offer(terms)

    def not_eligible(fault: str, **amounts: int) -> Proposal:
        return Proposal(eligible=False, why=f"not eligible: {for_good or fault}", **base, **amounts)

    if offer.status == "WITHDRAWN":
        on_day = f" on {offer.withdrawn_on}" if offer.withdrawn_on is not None else ""
        return not_eligible(f"withdrawn by its debtor {offer.debtor}{on_day}, and the contract pays no withdrawn "
                            f"offer (rule discount-offer-withdrawn): ask the debtor for a new offer")
    if offer.expires_on < on:
        return not_eligible(_expired(offer.expires_on))
    if rate is None:
        first = min(t.min_days_early for t in offer.scale or [])
        return not_eligible(f"the scale starts at {days_text(first)} early, this is {days_text(days)} early "
                            f"(rule discount-not-applicable)")
    discount = interest_fen(terms.face_amount, rate, days, offer.day_count)
    net = terms.face_amount - discount
    amounts = dict(advance=terms.face_amount, interest=discount, fees=0, net_cash=net)
    if net <= 0:   # the contract refuses it too (rule discount-exceeds-amount)
        # the offer's rate with every digit, never rounded: half up to 2 places, 99.995% would read 100.00%, a rate
        # no offer may carry
        return not_eligible(f"{exact_percent(rate)} a year for {days_text(days)} early ({offer.day_count}) is a "
                            f"discount of {money(discount, terms.currency)} on "
                            f"{money(terms.face_amount, terms.currency)} outstanding, leaving nothing to pay "
                            f"(rule discount-exceeds-amount); nearer the due date the discount is smaller", **amounts)
    p = Proposal(eligible=True, apr=effective_annual_cost(discount, net, days), **base, **amounts)
    if obstacles := _obstacles(terms, early_payment=True):
        return _not_takeable(p, obstacles, terms.currency)
    return p


# What stops the contract taking an eligible offer today: (why, the step that lifts it, or None when none does).
Obstacle = tuple[str, str | None]


def _obstacles(terms: ReceivableTerms, *, early_payment: bool = False, bank_offer: BankOffer | None = None
               ) -> list[Obstacle]:
    """Why the contract would refuse an eligible offer today, each with the step that lifts it, in the order the steps
    must happen ([] if it would take it). ``bank_offer``: a bank's offer the holder would accept.

    A freeze stops every offer (rule receivable-frozen, checked first). A claim that is not CONFIRMED takes no offer
    (rule invalid-state): a REGISTERED one until its debtor confirms it, any other for good. A live financing stops
    early payment (rule receivable-financed; reason given before the claim's status), and a disbursed one stops it
    for good: it ends only with the claim settled. A bank's offer is accepted only on a live financing request.
    """
    found: list[Obstacle] = []
    if terms.frozen_by is not None and terms.queued_freezes:
        orders = len(terms.queued_freezes) + 1
        found.append((f"{terms.receivable_id} is frozen by order {terms.frozen_by}, with {orders - 1} more queued "
                      f"behind it ({', '.join(terms.queued_freezes)}), each binding it in turn: lifting one does not "
                      f"free it, and the contract takes no offer on it until the regulator lifts all "
                      f"{orders} (rule receivable-frozen)",
                      f"the regulator lifts all {orders} freeze orders"))
    elif terms.frozen_by is not None:
        found.append((f"{terms.receivable_id} is frozen by order {terms.frozen_by}, and the contract takes no offer "
                      f"on it until the regulator unfreezes it (rule receivable-frozen)",
                      "the regulator lifts the freeze"))
    if early_payment and terms.financing_id is not None:
        found.append(_financing_stops_early_payment(terms))
    # the claim's status apart from its financing: FINANCED is the financing's doing, and its step above lifts it
    # for early payment; any other status but CONFIRMED stops the offer whatever the financing
    if terms.status != "CONFIRMED" and not (early_payment and terms.financing_id is not None
                                            and terms.status == "FINANCED"):
        found.append(_status_stops_offers(terms))
    if bank_offer is not None and terms.financing_id is None and terms.status in ("CONFIRMED", "REGISTERED"):
        found.append((f"{terms.receivable_id} has no financing request, and a bank's offer is accepted only on one; "
                      f"request financing first (recfin finance request {terms.receivable_id}) for "
                      f"{bank_offer.financier} to make its offer on, and the debtor's early payment waits while the "
                      f"request is open", "request financing"))
    return found


def what_stops_every_offer(terms: ReceivableTerms) -> list[str]:
    """Why the contract takes no offer on the claim today, a bank's or the debtor's, whatever its terms, in the words
    an offer's why gives them: its freeze orders, a status other than CONFIRMED ([] when neither)."""
    return [reason for reason, _step in _obstacles(terms)]


def _refused_whatever_the_offer(terms: ReceivableTerms) -> str:
    """Why the contract takes no early-payment offer on the claim, ever, before it looks at the offer itself
    (AcceptDiscountOffer): a status other than CONFIRMED that no step changes, a financing the bank has disbursed.
    "" when nothing does: a freeze, a financing request, an accepted financing or a confirmation to come is
    refused after the offer's own faults, and each has a step that lifts it."""
    return "; and ".join(reason for reason, step in _obstacles(terms, early_payment=True) if step is None)


def _not_takeable(priced: Proposal, obstacles: list[Obstacle], currency: str) -> Proposal:
    """An eligible offer (``priced``) the contract would refuse today: why, and the steps that would make it
    takeable, if any."""
    steps = [step for _, step in obstacles]
    if None in steps:
        return priced.model_copy(update={"takeable_now": False, "why": _hold(obstacles)})
    return priced.model_copy(update={
        "takeable_now": False, "first_step": ", then ".join(steps),
        "why": f"{_hold(obstacles)}; taken then, it would pay {money(priced.net_cash, currency)} now at "
               f"{percent_of(priced.exact_apr, APR_PERCENT_PLACES)} a year all-in"})


def _hold(obstacles: list[Obstacle]) -> str:
    """What stops the holder taking an offer: for now, or for good when a reason has no step that lifts it."""
    reasons = "; and ".join(reason for reason, _ in obstacles)
    return f"not takeable: {reasons}" if any(step is None for _, step in obstacles) else f"not takeable now: {reasons}"


def _status_stops_offers(terms: ReceivableTerms) -> Obstacle:
    if terms.status == "REGISTERED":
        return (f"{terms.receivable_id} is REGISTERED, not yet confirmed by its debtor, and the contract takes an "
                f"offer only on a CONFIRMED claim (rule invalid-state); it can be taken once the debtor confirms it "
                f"(recfin receivable confirm {terms.receivable_id})", "the debtor confirms the claim")
    return (f"{terms.receivable_id} is {terms.status}, and the contract takes an offer only on a CONFIRMED claim "
            f"(rule invalid-state)", None)


def _financing_stops_early_payment(terms: ReceivableTerms) -> Obstacle:
    if terms.financing_status in (None, "REQUESTED"):
        return (f"{terms.receivable_id} has a live financing request {terms.financing_id}, and the contract pays "
                f"early only a claim without one (rule receivable-financed); withdraw the request first "
                f"(recfin finance withdraw {terms.financing_id}), and the bank offers on it lapse then",
                "withdraw the financing request")
    # what ends an accepted financing, in the words of the contract's refusal (AcceptDiscountOffer's)
    way_out = way_out_of_financing("the bank", disbursed=terms.financing_status == "DISBURSED")
    if terms.financing_status == "ACCEPTED":
        return (f"{terms.receivable_id} is financed ({terms.financing_id}, accepted, not yet disbursed), so the "
                f"financier, not the holder, would be paid (rule receivable-financed); early payment becomes "
                f"possible once that financing ends: {way_out} (recfin finance cancel {terms.financing_id} "
                f"--reason TEXT)", "cancel the accepted financing")
    return (f"{terms.receivable_id} is financed ({terms.financing_id}, disbursed), so the bank, not the "
            f"holder, is paid (rule receivable-financed); {way_out}: the bank's record of that repayment "
            f"settles the claim, so early payment will not be possible on it", None)


# the statuses of a claim with nothing outstanding: paid in full, or its whole amount split into parts
def discount_offer_not_for_receivable(offer_id: str, offer_debtor: str, listed: Sequence[str],
                                      receivable_id: str, receivable_debtor: str) -> str:
    """Why an early-payment offer named for a claim is not compared on it: it does not cover the claim
    (``lifecycle.discount_offer_covers``), as AcceptDiscountOffer refuses it, before it looks at the
    offer's withdrawal or expiry. Another debtor's offer is told by the claim's debtor, in
    GetDiscountOffer's words; one listing other claims by those it lists."""
    why = (f", owed by {receivable_debtor}" if offer_debtor != receivable_debtor
           else f", which it does not list (it lists {', '.join(listed)})")
    return not_for_receivable(
        f"discount offer {offer_id} of {offer_debtor} does not cover {receivable_id}{why}", receivable_id)


def not_for_receivable(refused: str, receivable_id: str) -> str:
    """``refused`` (the offer, its debtor and the claim it does not cover) with the contract's rule and
    what to do, in AcceptDiscountOffer's words."""
    return (f"{refused}: an offer covers its debtor's claims it lists and the parts split from them (all "
            f"of them when it lists none), and the contract takes no other (rule "
            f"discount-offer-not-for-receivable); take one that covers {receivable_id} (ListDiscountOffers "
            f"by {receivable_id} lists the open ones)")


NOTHING_OUTSTANDING = ("SETTLED", "SPLIT")


def nothing_outstanding(receivable_id: str, status: str, children: Sequence[str] = ()) -> str:
    """Why a claim of ``status`` with nothing outstanding (one read from the ledger, or of NOTHING_OUTSTANDING) has
    no offer to compare; ``children``: the parts a SPLIT claim was split into, where known."""
    if status == "SPLIT":
        into = f" into {', '.join(children)}" if children else ""
        return (f"{receivable_id} was split{into}: nothing is outstanding on it, so nothing is left to finance or pay "
                f"early; compare the part you hold")
    return (f"{receivable_id} is {status.lower()}: nothing is outstanding on it, so nothing is left to finance or pay "
            f"early")


def model_argument(value: object, what: str, model: type[BaseModel]) -> None:
    """A TypeError unless ``value`` is a ``model``, naming ``what`` and, for a dict, how to build one from it."""
    if not isinstance(value, model):
        how = (f": {model.__name__}.model_validate(the_dict) builds one from a dict of its fields, checking each"
               if isinstance(value, Mapping) else "")
        raise TypeError(f"{what} must be of type {model.__name__}, not {type(value).__name__}{how}")


def rank_proposals(terms: ReceivableTerms, on: date, bank_offers: Sequence[BankOffer],
                   early_payments: Sequence[EarlyPaymentOffer] = (), *, by: Literal["cost", "cash"] = "cost"
                   ) -> list[Proposal]:
    """Every offer priced for the holder taking cash on ``on``. Ranked, and ordered ``by`` cost or cash: those
    takeable now and those takeable after a first step, together, so a bank's offer and the debtor's early payment
    are compared even while only one of them can be taken. Then the eligible ones no step would make takeable, then
    the ineligible ones. ``by`` another than "cost" or "cash" is a ValueError."""
    # one offer alone is refused by name: a pydantic model iterates as its (field, value) pairs, so it would fail
    # further on as an AttributeError on a tuple, naming neither the argument nor the fix
    for argument, offers, kind in (("bank_offers", bank_offers, BankOffer),
                                   ("early_payments", early_payments, EarlyPaymentOffer)):
        if isinstance(offers, kind):
            raise TypeError(f"{argument} takes a list of {kind.__name__}, not one alone: pass [offer]")
        if isinstance(offers, (str, bytes, Mapping)) or not isinstance(offers, Iterable):
            raise TypeError(f"{argument} takes a list of {kind.__name__}, not {type(offers).__name__}")
    # listed once: a generator read for the offer ids would leave nothing to price
    bank_offers, early_payments = list(bank_offers), list(early_payments)
    # each of its model, named with how to build one, where a dict read from JSON raised an AttributeError from
    # inside, as did terms of another type
    model_argument(terms, "terms", ReceivableTerms)
    for argument, offers, kind in (("bank_offers", bank_offers, BankOffer),
                                   ("early_payments", early_payments, EarlyPaymentOffer)):
        for i, offer in enumerate(offers):
            model_argument(offer, f"{argument}[{i}]", kind)
    date_argument(on, "on")
    if by not in ("cost", "cash"):   # any other was taken for cash: the most cash first, asked for the cheapest
        raise ValueError(f"by={by!r}: rank by 'cost' (the effective annual cost, cheapest first) or by 'cash' (the "
                         "net cash now, most first)")
    if terms.status in NOTHING_OUTSTANDING:   # refused as the ledger reader refuses it, whatever its financing
        raise ValueError(nothing_outstanding(terms.receivable_id, terms.status))
    ids = [o.offer_id for o in bank_offers] + [e.offer_id for e in early_payments]
    duplicated = sorted(i for i, uses in Counter(ids).items() if uses > 1)   # counted once: ids.count is quadratic
    if duplicated:
        raise ValueError(f"offer ids must be unique: {', '.join(duplicated)} used more than once; give each offer "
                         "its own offer_id")
    priced = [price_bank_offer(o, terms, on, accepting=True) for o in bank_offers]
    priced += [price_early_payment(e, terms, on) for e in early_payments]
    holds = {o.offer_id: _obstacles(terms, bank_offer=o) for o in bank_offers}
    holds |= {e.offer_id: _obstacles(terms, early_payment=True) for e in early_payments}
    choices = [p for p in priced if p.rankable]
    by_cost, by_cash = sorted(choices, key=_cost_order), sorted(choices, key=_cash_order)
    ranks = _Ranks(by_cost, by_cash)
    places = apr_places(priced)   # the APR column's: the reasons say the figures the table shows

    ranked = []
    for p in choices:
        reasons = _why(p, ranks, terms, places)
        ranked.append(p.model_copy(update={
            "rank_by_cost": ranks.cost[p.offer_id], "rank_by_cash": ranks.cash[p.offer_id],
            # what stands between the holder and the offer first, then how it compares once taken
            "why": reasons if p.takeable_now else f"{_hold(holds[p.offer_id])}; taken then: {reasons}"}))
    order = (lambda p: p.rank_by_cost) if by == "cost" else (lambda p: p.rank_by_cash)
    never = sorted((p for p in priced if p.eligible and not p.rankable),
                   key=_cost_order if by == "cost" else _cash_order)
    return sorted(ranked, key=order) + never + [p for p in priced if not p.eligible]


def apr_places(proposals: Sequence[Proposal]) -> int:
    """The places an APR of ``proposals`` is shown to, in a table and in each ``why``: a quote's
    (APR_PERCENT_PLACES), or more where two different APRs would look alike at them, so an offer ranked after
    another by cost never shows the same APR as it."""
    aprs = sorted({p.exact_apr for p in proposals if p.apr is not None})
    return max([APR_PERCENT_PLACES, *(places_apart(a, b, APR_PERCENT_PLACES) for a, b in zip(aprs, aprs[1:]))])


class _Ranks:
    """Each ranked offer's place by cost and by cash, the best of all and the best of those takeable now."""

    def __init__(self, by_cost: list[Proposal], by_cash: list[Proposal]) -> None:
        self.count = len(by_cost)
        self.by_cost, self.by_cash = by_cost, by_cash
        self.cost = {p.offer_id: i + 1 for i, p in enumerate(by_cost)}
        self.cash = {p.offer_id: i + 1 for i, p in enumerate(by_cash)}
        self.cheapest, self.richest = (by_cost[0], by_cash[0]) if by_cost else (None, None)
        self.cheapest_now = next((p for p in by_cost if p.takeable_now), None)
        self.richest_now = next((p for p in by_cash if p.takeable_now), None)


# On the exact APR, not the 6-place one offers state: two offers 0.0000004 apart share a 6-place figure, and the
# dearer could rank first, on cash, with the cheaper "0.00 points above" it.
def _cost_order(p: Proposal) -> tuple:
    return (p.exact_apr, -p.net_cash, p.recourse, not p.takeable_now, p.offer_id)


def _cash_order(p: Proposal) -> tuple:
    return (-p.net_cash, p.exact_apr, p.recourse, not p.takeable_now, p.offer_id)


def _tied(order: list[Proposal], rank: int, measure) -> tuple[list[Proposal], list[Proposal]]:
    """The offers of ``order`` ranked before and after the one at ``rank`` that are equal to it on ``measure``
    (its exact APR, or its net cash): they are apart on the tie-breaks alone."""
    p = order[rank - 1]
    ahead = [o for o in order[:rank - 1] if measure(o) == measure(p)]
    after = [o for o in order[rank:] if measure(o) == measure(p)]
    return ahead, after


def _ids(offers: list[Proposal]) -> str:
    ids = [o.offer_id for o in offers]
    return ids[0] if len(ids) == 1 else f"{', '.join(ids[:-1])} and {ids[-1]}"


def _tie_break(p: Proposal, ahead: Proposal, by: Literal["cost", "cash"], shown, places: int) -> str:
    """Why ``ahead``, equal to ``p`` on ``by``, ranks directly before it: the first tie-break that parts them, in the
    order :func:`_cost_order` and :func:`_cash_order` apply them. ``places``: the APRs' (:func:`apr_places`)."""
    if by == "cost" and ahead.net_cash != p.net_cash:
        return f", which pays {shown(ahead.net_cash - p.net_cash)} more now"
    if by == "cash" and ahead.exact_apr != p.exact_apr:
        return (f", which costs less a year all-in ({percent_of(ahead.exact_apr, places)} against "
                f"{percent_of(p.exact_apr, places)})")
    if ahead.recourse != p.recourse:
        return ", which is without recourse"
    if ahead.takeable_now != p.takeable_now:
        return ", which can be taken now"
    return " by offer id alone: the two are alike in all else"


# why an offer on ACT/360 costs more a year than one on ACT/365 at the same quoted rate, in an offer's why
ACT_360_COSTS_MORE = "ACT/360 charges 365/360 of the quoted rate over a year"


def _why(p: Proposal, ranks: _Ranks, terms: ReceivableTerms, places: int) -> str:
    """Where ``p`` ranks and why, its APRs to ``places`` (:func:`apr_places`), at which different APRs show apart."""
    def shown(fen: int) -> str:
        return money(fen, terms.currency)
    parts = []
    cost_rank, cash_rank = ranks.cost[p.offer_id], ranks.cash[p.offer_id]
    # an offer behind only offers that need a step first is the best the holder can take today: say so
    best_now = p.takeable_now and ranks.cheapest_now is p
    # offers as cheap (or paying as much) as this one: ranked apart by the tie-breaks alone, which are said
    cost_ahead, cost_after = _tied(ranks.by_cost, cost_rank, lambda o: o.exact_apr)
    cash_ahead, cash_after = _tied(ranks.by_cash, cash_rank, lambda o: o.net_cash)
    if cost_rank == 1:
        parts.append(f"cheapest of {ranks.count} at {percent_of(p.exact_apr, places)} a year all-in"
                     + (f", as are {_ids(cost_after)}, ranked after it" if cost_after else ""))
    else:
        gap = ""
        if not cost_ahead or cost_ahead[0] is not ranks.cheapest:
            # percentage points, the exact gap rounded once as the rates are: it need not be the difference of the
            # two rounded rates shown (5.0624% and 4.3265%, 0.73587... points apart: 0.7359); to more places where
            # these would say 0.0000 of an offer that costs more
            gap_apr = p.exact_apr - ranks.cheapest.exact_apr
            gap_places = places_apart(gap_apr, Fraction(0), places)
            gap = f", {percent_of(gap_apr, gap_places).removesuffix('%')} points above {ranks.cheapest.offer_id}"
        tie = (f", as cheap as {_ids(cost_ahead)}, after {cost_ahead[-1].offer_id}"
               f"{_tie_break(p, cost_ahead[-1], 'cost', shown, places)}") if cost_ahead else ""
        # said of this offer before the other's id, not after it, where it would read as said of that one
        parts.append(f"#{cost_rank} by cost" + (", the cheapest takeable now" if best_now else "")
                     + f": {percent_of(p.exact_apr, places)} a year{gap}{tie}")
    if cash_rank == 1:
        parts.append(f"most cash now ({shown(p.net_cash)}"
                     + (f"; as much from {_ids(cash_after)}, ranked after it" if cash_after else "") + ")")
    else:
        gap = ("" if cash_ahead and cash_ahead[0] is ranks.richest else
               f": {shown(ranks.richest.net_cash - p.net_cash)} less now than {ranks.richest.offer_id}")
        tie = (f"{'; ' if gap else ': '}as much cash now ({shown(p.net_cash)}) as {_ids(cash_ahead)}, after "
               f"{cash_ahead[-1].offer_id}{_tie_break(p, cash_ahead[-1], 'cash', shown, places)}") if cash_ahead else ""
        parts.append(f"#{cash_rank} by cash"
                     + (", the most cash takeable now" if p.takeable_now and ranks.richest_now is p else "")
                     + gap + tie)
    if p.source == "bank":
        if p.advance < terms.face_amount:
            parts.append(f"advances {shown(p.advance)} of {shown(terms.face_amount)} outstanding; the rest comes at "
                         f"maturity")
        if p.fees:
            parts.append(f"fees {shown(p.fees)} add to the cost")
        if p.day_count == "ACT/360":
            parts.append(ACT_360_COSTS_MORE)
        parts.append("with recourse: you repay if the debtor does not" if p.recourse else "without recourse")
    else:
        parts.append(f"the debtor pays {shown(p.net_cash)} now instead of the {shown(terms.face_amount)} outstanding "
                     f"on {terms.due_date}")
        # the debtor's discount is counted on its basis as a bank's interest is: at one quoted rate, an
        # early payment on ACT/360 costs more than a bank's offer on ACT/365, and says why as the bank's does
        if p.day_count == "ACT/360":
            parts.append(ACT_360_COSTS_MORE)
        parts.append("no fees, no recourse")
    return "; ".join(parts)


__all__ = ["BASES", "NOTHING_OUTSTANDING", "READ_FROM_THE_LEDGER", "SCALE_TIERS_MAX", "TIER_DAYS_MAX",
           "TIER_DAYS_MIN", "BankOffer", "EarlyPaymentOffer",
           "Proposal", "ReceivableTerms", "ScaleTier", "advance_rounds_to_nothing", "apr_places", "fixed_point_text",
           "model_argument", "nothing_outstanding", "past_maturity", "price_bank_offer", "price_early_payment",
           "rank_proposals"]
