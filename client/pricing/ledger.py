"""The inputs of a proposal ranking, read from the ledger through the typed receivables API.

:func:`proposal_inputs_from_ledger` gathers, for one receivable, what
:func:`client.pricing.proposals.rank_proposals` needs:

- the receivable (``get_receivable``): its outstanding amount, currency, due date,
  status (the contract takes offers only on a confirmed claim), live financing, if
  any (the contract pays no early-payment offer while one is live), and freeze
  order, if any (the contract takes no offer while it holds);
- the open bank offers on its live financing request (``get_financing``) and
  each offer's private terms (``get_offer_terms``; readable by the holder, the
  offering bank and the regulator, from a peer of the collection), the offer
  expiring as the contract holds it to (``Offer.expiry``: the one in its terms, or
  the public one an earlier contract version wrote on its record if that is
  earlier); an offer the peer cannot read is in none of them, its key given to
  ``passed_over``, and so is one whose private terms the peer does not hold yet
  (``GetOfferTerms`` not-found: it missed them and has not reconciled), named in
  ``terms_not_on_this_peer`` (:class:`TermsNotOnThisPeer`) where the caller gives that list;
- the debtor's early-payment offers that cover it and are open today
  (``iter_discount_offers``, the contract's ``ListDiscountOffers``), or the one
  named by its id, which, withdrawn or expired, is priced as not eligible, saying
  so (discount-offer-withdrawn, offer-expired). That one is read with the receivable
  when it is a part of a split claim
  (``get_discount_offer(..., receivable_id=)``), so its holder reads an offer
  listing the claim it was split from, which it may not read, and by id alone
  otherwise (a contract before that argument still answers); an offer the contract says does not cover it (another
  debtor's, or listing other claims: discount-offer-not-for-receivable, the rule
  that would refuse taking it) is refused (ValueError) naming the rule, as
  AcceptDiscountOffer refuses it before it looks at the offer's withdrawal or expiry.

``receivables`` is ``client.receivables.ReceivablesClient`` connected as the
holder (or anything with those methods).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import BaseModel, ConfigDict, model_validator

from chaincode.receivables.lifecycle import discount_offer_covers
from chaincode.receivables.model import Offer as ContractOffer
from client.receivables.errors import RuleViolation

from .proposals import (READ_FROM_THE_LEDGER, BankOffer, EarlyPaymentOffer, ReceivableTerms, ScaleTier,
                        discount_offer_not_for_receivable, not_for_receivable, nothing_outstanding)

if TYPE_CHECKING:
    from client.receivables import PassedOver


class ProposalInputs(BaseModel):
    """A receivable and the offers on it: what the ledger gives, or an ``--offers`` file."""

    model_config = ConfigDict(extra="forbid")

    receivable: ReceivableTerms
    bank_offers: list[BankOffer] = []
    early_payments: list[EarlyPaymentOffer] = []

    @model_validator(mode="after")
    def _bank_offers_on_a_request(self) -> "ProposalInputs":
        """Bank offers are open only while a financing is REQUESTED: once accepted, the accepted offer is taken and
        the others lapsed. Without a financing (in a file only: on the ledger no offer stands without a request) they
        are terms a bank quoted, which it would offer on a request: ranked with "request financing" as the step
        first."""
        if not self.bank_offers:
            return self
        terms = self.receivable
        if terms.financing_id is not None and terms.financing_status not in (None, "REQUESTED"):
            raise ValueError(f"receivable.financing_status: {terms.financing_id} is {terms.financing_status}, and "
                             f"bank offers are open only while a financing is REQUESTED (the accepted offer is "
                             f"taken, the others lapsed): leave bank_offers empty, or give status REQUESTED")
        return self

    @model_validator(mode="before")
    @classmethod
    def _one_early_payment(cls, data: Any) -> Any:
        """A file may name one early-payment offer as ``early_payment``: it is read as a list of one."""
        if isinstance(data, dict) and "early_payment" in data:
            data = dict(data)
            one = data.pop("early_payment")
            if "early_payments" in data:
                raise ValueError("early_payment: give it or early_payments, not both")
            data["early_payments"] = [] if one is None else [one]
        return data


class TermsNotOnThisPeer(BaseModel):
    """A bank offer on the request left out of a comparison: the peer that answered does not hold its private terms
    yet (``GetOfferTerms`` not-found), so its rates are unknown there; ``why`` says so and what to do."""

    model_config = ConfigDict(extra="forbid")

    offer_id: str
    financier: str
    why: str


class OfferReader(Protocol):
    def get_receivable(self, receivable_id: str) -> Any: ...
    def get_financing(self, financing_id: str) -> Any: ...
    def get_offer_terms(self, offer_id: str) -> Any: ...
    def get_discount_offer(self, offer_id: str, *, receivable_id: str | None = None) -> Any: ...
    def iter_discount_offers(self, debtor: str | None = None, receivable_id: str | None = None, *,
                             scope: str = "open", page_size: int = 50) -> Iterable[Any]: ...


def receivable_terms(receivable: Any, *, financing_status: str | None = None) -> ReceivableTerms:
    """What pricing needs of a claim read from the ledger (a ``client.receivables.Receivable``): what it still owes
    (the contract advances on that), its due date, state, and the freeze orders that bind it, in effect and
    queued (one lifting does not free a claim other orders are queued on)."""
    return ReceivableTerms(receivable_id=receivable.id, face_amount=receivable.outstanding,
                           due_date=receivable.due_date, currency=receivable.currency, status=receivable.status,
                           financing_id=receivable.financing_id, financing_status=financing_status,
                           frozen_by=receivable.frozen.order_reference if receivable.frozen else None,
                           queued_freezes=[order.order_reference for order in receivable.queued_freezes])


def proposal_inputs_from_ledger(receivables: OfferReader, receivable_id: str, *,
                                discount_offer_id: str | None = None,
                                passed_over: PassedOver | None = None,
                                terms_not_on_this_peer: list[TermsNotOnThisPeer] | None = None) -> ProposalInputs:
    """What ranking the offers on ``receivable_id`` needs (the module's docstring). ``passed_over``, where
    given, gets the keys of the request's offers the peer passed over as it cannot read them
    (``FinancingView``'s ``unreadable`` and ``newer_version``): they are in no bank offer here, and a holder
    comparing the offers should be told one is missing. ``terms_not_on_this_peer``, where given, gets each open
    offer whose private terms the peer does not hold yet, which is then in no bank offer either: one such offer
    does not keep the others from being compared. Without it, that refusal (not-found) is raised, as before."""
    r = receivables.get_receivable(receivable_id)
    if r.outstanding == 0:
        raise ValueError(nothing_outstanding(r.id, r.status, r.children))
    financing = receivables.get_financing(r.financing_id) if r.financing_id else None
    if financing is not None and passed_over is not None:
        # a contract before the fields answers none (nor does a reader other than the SDK's)
        passed_over.unreadable.extend(getattr(financing, "unreadable", []))
        passed_over.newer_version.extend(getattr(financing, "newer_version", []))
    terms = receivable_terms(r, financing_status=financing.status if financing else None)
    bank_offers = []
    # rates pass as the Decimals the SDK read (str() would write a small one as "1E-7", not the contract's form)
    for offer in financing.offers if financing else ():
        if offer.status != "OPEN":
            continue
        try:
            t = receivables.get_offer_terms(offer.id)
        except RuleViolation as refusal:
            if refusal.rule != "not-found" or terms_not_on_this_peer is None:
                raise
            terms_not_on_this_peer.append(_terms_not_here(offer, refusal))
            continue
        # the last day AcceptFinancingOffer takes it, by the contract's own rule on the SDK's records of the offer
        # and its terms, which have the fields it reads: an offer an earlier contract version wrote with a public
        # expiry is held to that one too, where earlier than its terms'
        expires_on = ContractOffer.expiry(offer, t)
        bank_offers.append(BankOffer(offer_id=offer.id, financier=offer.financier, advance_rate=t.advance_rate,
                                     discount_rate=t.discount_rate, fees=t.fees, recourse=t.recourse,
                                     day_count=t.day_count, expires_on=expires_on))
    if discount_offer_id:
        # withdrawn or expired, it is priced as not eligible, the day and the contract's rule said
        covering = [_discount_offer_covering(receivables, discount_offer_id, r)]
    else:
        covering = receivables.iter_discount_offers(receivable_id=receivable_id)  # open ones covering it
    return ProposalInputs(receivable=terms, bank_offers=bank_offers,
                          early_payments=[early_payment_offer(d) for d in covering])


def _terms_not_here(offer: Any, refusal: RuleViolation) -> TermsNotOnThisPeer:
    """An open offer whose private terms this peer does not hold yet: a peer of the terms' collection that missed
    them when they were written gets them by private data reconciliation, so asking again soon finds them."""
    return TermsNotOnThisPeer(offer_id=offer.id, financier=offer.financier,
                              why=f"not compared: its private terms are not on this peer yet, so ask again shortly, "
                                  f"or read from a peer of another org of the offer ({refusal.detail})")


def _discount_offer_covering(receivables: OfferReader, offer_id: str, r: Any) -> Any:
    """The offer as read for ``r`` (shown as the list by ``r`` shows it). One the contract says does not
    cover ``r`` (another debtor's, or listing other claims) is refused (ValueError), as acceptance on
    ``r`` is refused by that rule before the offer's withdrawal or expiry is looked at. The receivable is
    sent for a part of a split claim only, whose holder may not read the claim the offer lists: a
    contract before GetDiscountOffer took it refuses it, and on a claim never split it changes nothing."""
    try:
        d = receivables.get_discount_offer(offer_id, receivable_id=r.id if r.parent_id else None)
    except RuleViolation as refusal:
        if refusal.rule != "discount-offer-not-for-receivable":
            raise
        # the offer, its debtor and the part, as the contract names them; its advice is GetDiscountOffer's
        raise ValueError(not_for_receivable(refusal.detail.split(": ", 1)[0], r.id)) from None
    if not discount_offer_covers(d, r):
        raise ValueError(discount_offer_not_for_receivable(d.id, d.debtor, d.receivable_ids, r.id,
                                                           r.debtor))
    return d


def early_payment_offer(offer: Any) -> EarlyPaymentOffer:
    """A discount offer read from the ledger (a ``client.receivables.DiscountOffer``) as pricing takes it
    (``price_early_payment``), as read: a scale with two tiers at the same days is priced at the first, and a
    withdrawn offer (its status and day carried over) as not eligible, as the contract refuses to pay it."""
    return EarlyPaymentOffer.model_validate(dict(
        offer_id=offer.id, debtor=offer.debtor, apr=offer.apr,
        scale=([ScaleTier(min_days_early=tier.min_days_early, apr=tier.apr) for tier in offer.scale]
               if offer.scale else None),
        day_count=offer.day_count, expires_on=offer.expires_on, status=offer.status,
        withdrawn_on=getattr(offer, "withdrawn_on", None)),   # a reader's offer without the field: none said
        context=READ_FROM_THE_LEDGER)

