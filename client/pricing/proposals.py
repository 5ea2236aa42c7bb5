"""Financing proposals for one receivable: every live offer, priced and ranked.

The holder of a confirmed receivable can take cash before the due date in two
ways: a bank's financing offer (advance against the claim, less discount
interest and fees) or one of the debtor's early-payment offers (dynamic
discounting: the debtor pays the face less a discount now). :func:`rank_proposals`
prices each with :mod:`client.pricing.money` and ranks them two ways:

- by cost: the effective annual cost (APR, fees included), cheapest first;
- by cash: the net cash the holder receives now, most first.

Ties break on cash (for cost) or cost (for cash), then non-recourse before
recourse, then the offer's id. Offers that have expired, leave no cash, or do
not apply (an early-payment scale whose first tier needs more days) are
returned as ineligible with the reason. Each proposal's ``why`` says where it
ranks and what puts it there.

The remainder of the face a bank does not advance (face - advance) is not
financed: the holder still collects it at maturity. It is shown
(``remainder_at_maturity``) but not counted as cash now.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from client.money import MAX_FEN, percent, yuan

from .money import BASES, days_between, effective_annual_cost, interest_fen, proportion_fen

Basis = Literal["ACT/360", "ACT/365"]


def _rate(value: object, field: str) -> Decimal:
    # the messages do not repeat ``field``: pydantic's error path already names it
    if isinstance(value, float) or isinstance(value, bool):
        raise ValueError("write rates as strings, e.g. \"0.045\" for 4.5% (a float is not exact)")
    try:
        rate = Decimal(str(value))
    except Exception:
        raise ValueError(f"{value!r} is not a decimal rate") from None
    if not rate.is_finite() or rate < 0 or rate > 1:
        raise ValueError(f"{value} must be between 0 and 1 (a fraction: 0.045 is 4.5%)")
    return rate


# Money in offers and configurations: whole fen as an integer, no float or string (a unit mistake, yuan for fen,
# is refused rather than rounded), and under the contract's cap.
Fen = Annotated[int, Field(ge=0, le=MAX_FEN, strict=True)]


class BankOffer(BaseModel):
    """A bank's commercial terms, as the receivables contract keeps them (OfferTerms)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    offer_id: str = Field(min_length=1)
    financier: str = Field(min_length=1)
    advance_rate: Decimal
    discount_rate: Decimal
    fees: Fen = Field(default=0, description="fen")
    recourse: bool
    day_count: Basis = "ACT/360"
    expires_on: date

    @field_validator("advance_rate", "discount_rate", mode="before")
    @classmethod
    def _rates(cls, v: object, info) -> Decimal:
        return _rate(v, info.field_name)


class ScaleTier(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    min_days_early: int = Field(ge=1)
    apr: Decimal

    @field_validator("apr", mode="before")
    @classmethod
    def _apr(cls, v: object) -> Decimal:
        return _rate(v, "apr")


class EarlyPaymentOffer(BaseModel):
    """The debtor's dynamic-discounting offer: a flat APR or a sliding scale."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    offer_id: str = Field(min_length=1)
    debtor: str = Field(min_length=1)
    apr: Decimal | None = None
    scale: list[ScaleTier] | None = None
    day_count: Basis = "ACT/360"
    expires_on: date

    @field_validator("apr", mode="before")
    @classmethod
    def _apr(cls, v: object) -> Decimal | None:
        return None if v is None else _rate(v, "apr")

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


class ReceivableTerms(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    receivable_id: str = Field(min_length=1)
    face_amount: Fen = Field(gt=0, description="fen: the outstanding amount")
    due_date: date


class Proposal(BaseModel):
    model_config = ConfigDict(frozen=True)

    offer_id: str
    source: Literal["bank", "early-payment"]
    counterparty: str
    eligible: bool
    days: int
    day_count: str
    recourse: bool
    annual_rate: Decimal | None = None
    advance: int = 0
    interest: int = 0
    fees: int = 0
    net_cash: int = 0
    remainder_at_maturity: int = 0
    apr: Decimal | None = None
    rank_by_cost: int | None = None
    rank_by_cash: int | None = None
    why: str = ""


def price_bank_offer(offer: BankOffer, terms: ReceivableTerms, on: date) -> Proposal:
    days = days_between(on, terms.due_date)
    base = dict(offer_id=offer.offer_id, source="bank", counterparty=offer.financier, days=days,
                day_count=offer.day_count, recourse=offer.recourse, annual_rate=offer.discount_rate)
    if offer.expires_on < on:
        return Proposal(eligible=False, why=f"not eligible: expired on {offer.expires_on}", **base)
    if days <= 0:
        return Proposal(eligible=False, why="not eligible: the receivable is due; nothing left to finance", **base)
    advance = proportion_fen(terms.face_amount, offer.advance_rate)
    interest = interest_fen(advance, offer.discount_rate, days, offer.day_count)
    net = advance - interest - offer.fees
    amounts = dict(advance=advance, interest=interest, fees=offer.fees, net_cash=net,
                   remainder_at_maturity=terms.face_amount - advance)
    if net <= 0:
        return Proposal(eligible=False, why=f"not eligible: interest and fees consume the advance ({yuan(net)} left)",
                        **base, **amounts)
    return Proposal(eligible=True, apr=effective_annual_cost(interest + offer.fees, net, days), **base, **amounts)


def price_early_payment(offer: EarlyPaymentOffer, terms: ReceivableTerms, on: date) -> Proposal:
    days = days_between(on, terms.due_date)
    rate = offer.apr_for(days)
    base = dict(offer_id=offer.offer_id, source="early-payment", counterparty=offer.debtor, days=days,
                day_count=offer.day_count, recourse=False, annual_rate=rate)
    if offer.expires_on < on:
        return Proposal(eligible=False, why=f"not eligible: expired on {offer.expires_on}", **base)
    if days <= 0:
        return Proposal(eligible=False, why="not eligible: the receivable is due; nothing to pay early", **base)
    if rate is None:
        first = min(t.min_days_early for t in offer.scale or [])
        return Proposal(eligible=False, why=f"not eligible: the scale starts at {first} days early, this is {days}", **base)
    discount = interest_fen(terms.face_amount, rate, days, offer.day_count)
    net = terms.face_amount - discount
    return Proposal(eligible=True, advance=terms.face_amount, interest=discount, fees=0, net_cash=net,
                    apr=effective_annual_cost(discount, net, days), **base)


def rank_proposals(terms: ReceivableTerms, on: date, bank_offers: Sequence[BankOffer],
                   early_payments: Sequence[EarlyPaymentOffer] = (), *, by: Literal["cost", "cash"] = "cost"
                   ) -> list[Proposal]:
    """Every offer priced for taking cash on ``on``; eligible ones ranked, ordered ``by`` cost or cash."""
    if isinstance(early_payments, EarlyPaymentOffer):
        raise TypeError("early_payments takes a list of EarlyPaymentOffer: pass [offer]")
    ids = [o.offer_id for o in bank_offers] + [e.offer_id for e in early_payments]
    duplicated = sorted({i for i in ids if ids.count(i) > 1})
    if duplicated:
        raise ValueError(f"offer ids must be unique: {', '.join(duplicated)} used more than once")
    priced = [price_bank_offer(o, terms, on) for o in bank_offers]
    priced += [price_early_payment(e, terms, on) for e in early_payments]
    live = [p for p in priced if p.eligible]
    by_cost = sorted(live, key=lambda p: (p.apr, -p.net_cash, p.recourse, p.offer_id))
    by_cash = sorted(live, key=lambda p: (-p.net_cash, p.apr, p.recourse, p.offer_id))
    cost_rank = {p.offer_id: i + 1 for i, p in enumerate(by_cost)}
    cash_rank = {p.offer_id: i + 1 for i, p in enumerate(by_cash)}
    cheapest, richest = (by_cost[0], by_cash[0]) if live else (None, None)

    ranked = []
    for p in live:
        ranked.append(p.model_copy(update={
            "rank_by_cost": cost_rank[p.offer_id], "rank_by_cash": cash_rank[p.offer_id],
            "why": _why(p, cost_rank[p.offer_id], cash_rank[p.offer_id], cheapest, richest, len(live), terms)}))
    order = (lambda p: p.rank_by_cost) if by == "cost" else (lambda p: p.rank_by_cash)
    return sorted(ranked, key=order) + [p for p in priced if not p.eligible]


def _why(p: Proposal, cost_rank: int, cash_rank: int, cheapest: Proposal, richest: Proposal, n: int,
         terms: ReceivableTerms) -> str:
    parts = []
    if cost_rank == 1:
        parts.append(f"cheapest of {n} at {percent(p.apr, 2)} a year all-in")
    else:
        gap = (p.apr - cheapest.apr) * 100
        parts.append(f"#{cost_rank} by cost: {percent(p.apr, 2)} a year, {gap:.2f} points above {cheapest.offer_id}")
    if cash_rank == 1:
        parts.append(f"most cash now ({yuan(p.net_cash)})")
    else:
        parts.append(f"#{cash_rank} by cash: {yuan(richest.net_cash - p.net_cash)} less now than {richest.offer_id}")
    if p.source == "bank":
        if p.advance < terms.face_amount:
            parts.append(f"advances {yuan(p.advance)} of {yuan(terms.face_amount)}; the rest comes at maturity")
        if p.fees:
            parts.append(f"fees {yuan(p.fees)} add to the cost")
        if p.day_count == "ACT/360":
            parts.append("ACT/360 charges 365/360 of the quoted rate over a year")
        parts.append("with recourse: you repay if the debtor does not" if p.recourse else "without recourse")
    else:
        parts.append(f"the debtor pays {yuan(p.net_cash)} now instead of {yuan(terms.face_amount)} on "
                     f"{terms.due_date}; no fees, no recourse")
    return "; ".join(parts)


__all__ = ["BASES", "BankOffer", "EarlyPaymentOffer", "Proposal", "ReceivableTerms", "ScaleTier",
           "price_bank_offer", "price_early_payment", "rank_proposals"]
