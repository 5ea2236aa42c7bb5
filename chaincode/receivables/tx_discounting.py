"""Dynamic discounting: a debtor publishes and withdraws early-payment offers, and a holder takes one.

Apart from financing because no bank takes part: the debtor pays the holder early, at a discount the debtor
offers (``settlement`` reckons it), and a retried publication is recognised by its terms as values.
"""

from __future__ import annotations

import functools
import json
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from chaincode.contract import Context, transaction

from . import config as cfg
from . import dates, events, keys, lifecycle, queries, settlement, upgrade
from .arguments import _first_repeat
from .errors import RuleViolation, parts_named, rule, shown
from .submitter import submitter_proof
from .model import (
    CONFIRMED, SETTLED, DiscountOffer, DiscountOfferRequest, DiscountTerms, Payment, Receivable,
    json_object_argument, parse_request,
)
from .schemas import json_argument
from .session import rules
from .tx_base import TransactionGroup, step_committed_in

DiscountOfferArgument = json_argument(DiscountOfferRequest)


def _priced_terms(terms: DiscountTerms) -> dict[str, Any]:
    """What an offer pays at, each term by name, with its rates as values: 0.05 and 0.050 are one rate."""
    scale = None if terms.scale is None else tuple((t.min_days_early, Decimal(t.apr)) for t in terms.scale)
    return {"apr": Decimal(terms.apr) if terms.apr is not None else None, "scale": scale,
            "day_count": terms.day_count, "expires_on": terms.expires_on}


def _discount_terms(req: DiscountOfferRequest) -> tuple:
    """What a discount offer asks, with its rates as values: 0.05 and 0.050 are one rate."""
    return (*_priced_terms(req).values(), tuple(req.receivable_ids))


def _term_text(value: Any) -> str:
    """A term of ``_priced_terms`` as a refusal shows it: rates in fixed point, a scale as DAYS:APR tiers."""
    if value is None:
        return "none"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, tuple):
        return "[" + ", ".join(f"{days}:{format(apr, 'f')}" for days, apr in value) + "]"
    return str(value)


def _terms_as_read(as_read: str) -> DiscountTerms | None:
    """AcceptDiscountOffer's ``as_read`` as sent: the offer's terms as the holder read them, or None when none
    were sent (an earlier client's call, refused once the offer is known: ``_ensure_as_read``)."""
    return parse_request(DiscountTerms, as_read, "as_read") if as_read else None


def _ensure_as_read(d: DiscountOffer, as_read: DiscountTerms | None) -> None:
    """Refuse taking offer ``d`` on other terms than the holder read. The offer's key is under its debtor
    org's key-level policy alone and no transaction changes its terms, so terms that differ were rewritten by
    that org outside the contract: taken as they stand, the claim would settle at a rate its holder never
    agreed to."""
    if as_read is None:
        raise rule("terms-missing", f"pass discount offer {d.id}'s terms as you read them (GetDiscountOffer) "
                   "as as_read, a JSON object of its apr, scale, day_count and expires_on: the acceptance "
                   "settles only on the terms its holder read (recfin's SDK and CLI send them)")
    read, now = _priced_terms(as_read), _priced_terms(d)
    if changed := [name for name in read if read[name] != now[name]]:
        what = "; ".join(f"{name} {_term_text(now[name])}, read as {_term_text(read[name])}"
                         for name in changed)
        raise rule("discount-offer-changed", f"discount offer {d.id} of {d.debtor} does not have the terms "
                   f"it was read with: {what}. No transaction changes an offer's terms, so its debtor's org "
                   "rewrote it; nothing is settled: read the offer again (GetDiscountOffer) and accept it "
                   "only on terms you agree to, or ask the debtor")


def _same_discount_offer(sent: Any, recorded: Any) -> bool:
    """Whether the offer ``sent`` asks for what the ``recorded`` publication published. Clients send a rate in one
    spelling per value now; one that sent "0.050" before and "0.05" on its retry asks for the same offer, and must
    get it back rather than request-id-reused."""
    try:
        asked = parse_request(DiscountOfferRequest, sent, "offer")
        published = DiscountOfferRequest.model_validate(
            {name: recorded[name] for name in DiscountOfferRequest.model_fields if name in recorded})
    except (RuleViolation, ValidationError, TypeError):
        return False
    return _discount_terms(asked) == _discount_terms(published)


def _listed_receivables(offer: Any) -> list[tuple[str, str]]:
    """The receivables a discount offer request lists, for prefetching: only from a well-formed list
    (parsing reports the rest), so a successful publication reads each of them anyway."""
    listed = offer.get("receivable_ids") if isinstance(offer, dict) else None
    if not isinstance(listed, list) or len(listed) > 1000 or not all(isinstance(i, str) for i in listed):
        return []
    return [(keys.RECEIVABLE, i) for i in listed]


def _acceptance_committed_in(d: DiscountOffer, r: Receivable, holder: str) -> str:
    """``step_committed_in`` for AcceptDiscountOffer of offer ``d`` on claim ``r`` by ``holder`` sent again:
    where the claim's last change is this holder's acceptance and its payment is what ``d`` pays on the
    claim that day. The claim keeps no offer id: that payment, priced by ``d``'s terms, stands for the
    acceptance of ``d``, so one of another offer (another rate, another debtor's) is not named as this one's
    first attempt; only an offer of the same debtor paying exactly the same could not be told from it."""
    again = step_committed_in(r.status, r.last, "AcceptDiscountOffer", holder)
    if not again or not r.payments or not lifecycle.discount_offer_covers(d, r):
        return ""
    paid = r.payments[-1]
    if paid.method != "dynamic-discount" or paid.tx_id != r.last.tx_id:
        return ""
    early = settlement.days_early(date.fromisoformat(paid.date), date.fromisoformat(r.due_date))
    if (apr := settlement.discount_rate_for(d, early)) is None:
        return ""
    try:
        priced = settlement.early_payment(paid.amount + paid.discount, apr, early, d.day_count,
                                          currency=r.currency)
    except RuleViolation:   # a rate this offer could not have been taken at: no acceptance of it
        return ""
    return again if priced == (paid.amount, paid.discount) else ""


def _settled_under_another_request(r: Receivable, holder: str) -> str:
    """For AcceptDiscountOffer with a request id no attempt of which committed, on claim ``r`` that ``holder``'s own
    acceptance settled: that acceptance, under another request id, and how the caller tells whether it was this
    one sent before under the id it was first sent with (a retry sent with a fresh id after a lost answer)."""
    if not step_committed_in(r.status, r.last, "AcceptDiscountOffer", holder):
        return ""
    return (f"; {holder} settled it by an acceptance under another request id, in transaction {r.last.tx_id} at "
            f"{r.last.at}: if that was this acceptance sent before, GetRequest of the id it was sent with "
            "(recfin request get ID) returns it")


def _financed(r: Receivable) -> str:
    """Why claim ``r``, under a financing a bank accepted, is not paid early to its holder, and what ends that
    financing."""
    return (f"{r.id} has live financing {r.financing_id}: the financier, not the holder, is paid; "
            f"{lifecycle.financing_way_out(r)}")


def _taken_once_lifted(d: DiscountOffer, r: Receivable) -> str:
    """What a refusal of taking offer ``d`` on claim ``r``, frozen, adds: the last day the holder may still take it
    once the freeze is lifted. Waiting for the lifting brings the early payment only by then: the offer's expiry,
    the day before the claim's due date, or, on a sliding scale, the last day its first tier is reached."""
    due = date.fromisoformat(r.due_date)
    last_early = min((t.min_days_early for t in d.scale or []), default=1)
    last = min(d.expires_on, (due - timedelta(days=max(last_early, 1))).isoformat())
    reached = f", its scale's first tier {dates.days_text(last_early)} early" if d.scale else ""
    return (f"discount offer {d.id} can be taken on it once the freeze is lifted, until {last} (the offer expires "
            f"on {d.expires_on}{reached}, and {r.id} is due {r.due_date}), at the rate for the days then still "
            "early")


def _ensure_not_withdrawn(d: DiscountOffer) -> None:
    if d.status == "WITHDRAWN":
        raise rule("discount-offer-withdrawn", f"discount offer {d.id} was withdrawn by its debtor {d.debtor} on "
                   f"{d.withdrawn_on}: ask the debtor for a new offer (ListDiscountOffers lists the open ones)")


class DiscountingTransactions(TransactionGroup):
    """PublishDiscountOffer, AcceptDiscountOffer, WithdrawDiscountOffer."""

    @transaction
    @rules
    async def PublishDiscountOffer(self, ctx: Context, offer: DiscountOfferArgument,
                                   request_id: str = "") -> DiscountOffer:
        """The debtor offers early payment on its confirmed payables: a flat APR or a sliding scale.

        Each claim listed must be the debtor's, CONFIRMED and not yet due, as AcceptDiscountOffer requires; it
        stays covered when a transfer splits it, part by part (``lifecycle.discount_offer_covers``). An offer
        listing none covers every confirmed payable of the debtor, now and later.

        With a ``request_id``, a retry of a publication that committed returns its offer and publishes no second one.
        """
        s = self._session(ctx)
        debtor = await s.party_with_role(cfg.CORE_ENTERPRISE, prefetch=tuple(_listed_receivables(offer)),
                                         request_id=request_id)
        raw = json.dumps(json_object_argument(offer, "offer"), sort_keys=True, ensure_ascii=False)
        if (done := await s.replay(debtor, request_id, "PublishDiscountOffer", raw,
                                   same_request=functools.partial(_same_discount_offer, offer))) is not None:
            return done
        req = parse_request(DiscountOfferRequest, offer, "offer")
        # a claim listed twice would be stored, announced and listed twice, though the offer covers it once
        if (repeat := _first_repeat(req.receivable_ids)) is not None:
            position, first = repeat
            raise rule("argument-invalid", f"offer: receivable_ids[{position}] {shown(req.receivable_ids[position])} "
                       f"is listed already as receivable_ids[{first}]: list each claim once")
        settlement.check_discount_terms(req.apr, req.scale)
        if req.expires_on < s.today_iso:
            raise rule("offer-expired", f"the offer would expire on {req.expires_on}, before today "
                       f"{s.today}: give an expires_on of today or later, the last day a holder may take it")
        for rid in req.receivable_ids:
            r = await s.store.receivable(rid)
            if r.debtor != debtor.uscc:
                raise rule("not-the-debtor", f"{debtor.uscc} does not owe {rid}: a debtor offers early payment on its "
                           "own payables only; take it out of receivable_ids")
            # what AcceptDiscountOffer asks of the claim: a holder takes early payment on a CONFIRMED claim before
            # its due date, so an offer listing any other could never be taken on it
            if r.status != CONFIRMED:
                # listed before its split, a claim covers its parts; split already, its parts are listed:
                # those still CONFIRMED however deep below it, whoever holds them
                parts = await queries.parts_to_act_on(s.store, r, (CONFIRMED,))
                instead = ("take it out of receivable_ids" if parts is None
                           else f"list its parts still CONFIRMED instead: {parts_named(parts.ids, r.id)}"
                           if parts.ids
                           else "none of its parts is CONFIRMED any more: take it out of receivable_ids")
                raise rule("invalid-state", f"receivable {r.id} is {r.status}: early payment is offered on CONFIRMED "
                           f"payables only (a holder can take it on no other); {instead}")
            lifecycle.ensure_before_maturity(r, s.today, "offer early payment on",
                                             "take it out of receivable_ids")
            # a scale whose first tier lies beyond the claim's due date is never reached on it: each day
            # brings the claim nearer its due date, so AcceptDiscountOffer would refuse it on every day
            early = settlement.days_early(s.today, date.fromisoformat(r.due_date))
            if settlement.discount_rate_for(req, early) is None:
                first = min(t.min_days_early for t in req.scale or [])
                raise rule("discount-not-applicable", f"receivable {r.id} is due {r.due_date}, "
                           f"{dates.days_text(early)} from today, and the scale starts at "
                           f"{dates.days_text(first)} early: no holder could take the offer on it on any day; "
                           "take it out of receivable_ids or add a tier it reaches")
        d = DiscountOffer(**req.model_dump(), id=keys.new_id("D", s.tx_id), debtor=debtor.uscc,
                          debtor_msp=debtor.msp_id, status="OPEN", published_on=s.today_iso,
                          last=s.action("PublishDiscountOffer", debtor.uscc))
        await s.store.put_discount_offer(d, debtor.msp_id)
        await s.store.put_publisher_proof(d, submitter_proof(ctx.stub))
        s.emit(events.DISCOUNT_OFFER_PUBLISHED, None, offer_id=d.id, debtor=d.debtor, receivable_ids=d.receivable_ids)
        return await s.remember(debtor, request_id, "PublishDiscountOffer", (raw,), d.to_json())

    @transaction
    @rules
    async def AcceptDiscountOffer(self, ctx: Context, offer_id: str, receivable_id: str,
                                  as_read: str = "", request_id: str = "") -> Receivable:
        """The holder takes early payment: the claim settles at outstanding x (1 - apr x days early / basis).

        ``as_read``: the offer's terms as the holder read them (GetDiscountOffer), a JSON object of its
        ``apr``, ``scale``, ``day_count`` and ``expires_on``. The acceptance is refused when the offer's terms
        are not those (``discount-offer-changed``, naming each term that differs), and without them
        (``terms-missing``): the debtor's org alone may write the offer's key, so only the terms the holder
        read bind its acceptance.

        The acceptance stands for the debtor's early payment: the discounted amount is recorded as paid to the holder
        today and the claim is SETTLED; nothing records whether the money arrives (docs/receivables.md, "What the
        contract does not guarantee").

        With a ``request_id``, a retry of an acceptance that committed returns the claim it settled and settles
        nothing twice; the same id for another offer, claim or terms is ``request-id-reused``. Without one, an
        acceptance sent again is refused by the claim's status (``_acceptance_committed_in``)."""
        s = self._session(ctx)
        read = _terms_as_read(as_read)
        args = (offer_id, receivable_id, as_read)
        # read in the round trip of the caller's binding, which every acceptance reads anyway: the offer, the record
        # of who published it (``require_published_by_its_debtor``) and the claim
        await s.store.prefetch(s.binding, (keys.DISCOUNT, offer_id), (keys.DISCOUNT_PUBLISHER, offer_id),
                               (keys.RECEIVABLE, receivable_id))
        if request_id:
            # before any guard on the claim: the acceptance that committed settled it, and its retry is answered
            caller = await s.party(request_id=request_id)
            if (done := await s.replay(caller, request_id, "AcceptDiscountOffer", *args)) is not None:
                return done
        # the caller first, then the offer: only the claim's holder learns whether an offer id exists, as
        # GetDiscountOffer tells no one else (a bank, another core enterprise)
        # what the invoice check below reads first (a part's root), read with the holder's party; with a request
        # id that was read with the request, which a retry answered above reads no claim with, so the check's
        # reads wait for the debtor's party below
        reads_next = None if request_id else upgrade.first_reads_of_the_invoice_check
        holder, r = await self._as_holder(s, receivable_id, reads_next)
        # The holder is a supplier, which may read every debtor's offers (GetDiscountOffer): another debtor's offer
        # is refused below as one that does not cover the claim, as reading it with the claim is.
        d = await s.store.discount_offer(offer_id)
        # the debtor's party, whose org the check below holds the offer's publisher to and whose role is checked
        # further on, read with the registry entries the invoice check below reads
        await s.store.prefetch((keys.PARTY, d.debtor), *await upgrade.invoice_check_entries(s.store, r))
        # an offer no member of its debtor's org published settles nothing: its debtor's peer would otherwise endorse
        # the settlement of the claim on an early payment it never offered
        await s.store.require_published_by_its_debtor(d)
        # a claim settled, overdue, split or past its due date first, as for a transfer: neither ending
        # its financing nor lifting a freeze would let it be discounted, so their refusals would send the
        # holder to wait or end it for nothing. Past the due date there is nothing to pay early.
        # with a request id, an attempt that committed was answered above: this one is another request, whatever
        # the offer that settled the claim paid, and naming that as this one's first attempt would merge the two
        sent_again = (_settled_under_another_request(r, holder.uscc) if request_id
                      else _acceptance_committed_in(d, r, holder.uscc))
        # past its due date, what is left is the debtor's payment of the whole: no wait brings an early one
        lifecycle.ensure_actionable_but_for_financing(
            r, s.today, "discount", "a claim that has fallen due is paid, no longer paid early: its debtor "
            f"{r.debtor} pays what is outstanding (RecordPayment)", sent_again=sent_again,
            parts=await queries.parts_to_act_on(s.store, r, (CONFIRMED,), holder.uscc))
        # A freeze, and a live financing the holder can end (a request it withdraws, an accepted financing it
        # or the bank cancels), are refused below, once the offer is known to be one the holder could take:
        # for an offer withdrawn, expired, another debtor's, out of reach or leaving nothing to pay, the holder
        # would wait for the freeze to be lifted, or lose its financing, for nothing. A disbursed financing is
        # refused now: no step ends it before the claim is paid.
        financing_status = None
        if r.financing_id is not None:
            financing_status = (await s.store.financing(r.financing_id)).status
            if financing_status not in ("REQUESTED", "ACCEPTED"):
                raise rule("receivable-financed", _financed(r))
        if financing_status != "ACCEPTED":   # an accepted financing made the claim FINANCED: refused below
            lifecycle.ensure_status(r, (CONFIRMED,), "discount", today=s.today)
        if not lifecycle.discount_offer_covers(d, r):
            raise rule("discount-offer-not-for-receivable", f"offer {d.id} of {d.debtor} does not cover "
                       f"{r.id}: an offer covers its debtor's claims it lists and the parts split from them "
                       f"(all of them when it lists none); take one that covers {r.id} (ListDiscountOffers "
                       f"by {r.id} lists the open ones)")
        _ensure_not_withdrawn(d)
        if not queries.is_open(d, s.today_iso):
            raise rule("offer-expired", f"discount offer {d.id} expired on {d.expires_on}: no holder can "
                       "take it any more; ask the debtor for a new offer (ListDiscountOffers lists the open "
                       "ones)")
        # before anything is priced, and before the holder is told to end its financing request for this offer
        _ensure_as_read(d, read)
        # stamped before the offer was published, the claim would be paid for more days early than it could be
        lifecycle.ensure_stamped_after(s.now, d.last.at, "AcceptDiscountOffer",
                                       f"discount offer {d.id}'s {d.last.action}")
        # nor before the claim's last change (its transfer to the holder, the lifting of a freeze): the same
        lifecycle.ensure_paid_after_last_change(r, s.now, "AcceptDiscountOffer")
        early = settlement.days_early(s.today, date.fromisoformat(r.due_date))   # at least 1: checked above
        apr = settlement.discount_rate_for(d, early)
        if apr is None:
            first = min(t.min_days_early for t in d.scale or [])
            raise rule("discount-not-applicable", f"{dates.days_text(early)} early reaches no tier of offer "
                       f"{d.id}, whose scale starts at {dates.days_text(first)} early: {r.id} is due "
                       f"{r.due_date}, nearer each day, so the offer can no longer be taken on it; ask the "
                       "debtor for an offer that pays this close to the due date")
        # the acceptance stands for the debtor's early payment: a debtor whose org lost its role could not
        # record that payment itself (RecordPayment), nor withdraw the offer (WithdrawDiscountOffer), so its
        # offer binds no one until a new definition gives its org the role again
        s.ensure_role_allowed(await s.store.require_party(d.debtor), "takes part",
                              f"its offer {d.id} is taken by no holder until then, as {r.id} would be "
                              "settled on the word of a debtor that can neither pay nor withdraw the offer")
        paid, discount = settlement.early_payment(r.outstanding, apr, early, d.day_count, currency=r.currency)
        # before the freeze: no lifting cures an invoice two live claims hold
        await upgrade.ensure_invoices_back_it_alone(s.store, r, "discount")
        lifecycle.ensure_not_frozen(r, _taken_once_lifted(d, r))
        if financing_status == "REQUESTED":
            # no bank has accepted: the holder is still the one paid, and may end the request itself. Said only
            # now: withdrawing the request lapses the banks' offers on it, for nothing if this offer were refused
            raise rule("receivable-financed", f"{r.id} has an open financing request {r.financing_id} that no "
                       "bank has accepted yet: withdraw the request (WithdrawFinancing), then take the offer")
        if financing_status == "ACCEPTED":
            raise rule("receivable-financed", _financed(r))
        before = r.model_copy()
        r.payments.append(Payment(amount=paid, discount=discount, payee=holder.uscc, payee_role="holder",
                                  date=s.today_iso, tx_id=s.tx_id, method="dynamic-discount"))
        r.outstanding, r.status = 0, SETTLED
        r.last = s.action("AcceptDiscountOffer", holder.uscc)
        await s.store.put_receivable(r, before)
        # the basis with the rate and the days: the discount is outstanding x apr x days early / basis, and the same
        # rate and days give another figure on ACT/365 than on ACT/360
        s.emit(events.DISCOUNT_OFFER_ACCEPTED, r.id, offer_id=d.id, paid=paid, discount=discount, currency=r.currency,
               days_early=early, apr=format(apr, "f"),   # fixed point, as stored rates are: never "1E-7"
               day_count=d.day_count)
        return await s.remember(holder, request_id, "AcceptDiscountOffer", args, r.to_json())

    @transaction
    @rules
    async def WithdrawDiscountOffer(self, ctx: Context, offer_id: str) -> DiscountOffer:
        """The debtor withdraws an early-payment offer it published: from then on no holder can accept it.

        Only an open offer (not withdrawn, not expired) is withdrawn; claims already settled under it stay settled.
        """
        s = self._session(ctx)
        debtor = await s.party_with_role(cfg.CORE_ENTERPRISE, prefetch=((keys.DISCOUNT, offer_id),))
        d = await s.store.discount_offer(offer_id)
        if d.debtor != debtor.uscc:
            raise rule("not-the-debtor", f"discount offer {d.id} was published by {d.debtor}, not {debtor.uscc}: "
                       "only the debtor that published an offer may withdraw it")
        if d.status == "WITHDRAWN":
            # the debtor's own withdrawal sent again after its answer was lost: said so, not sent to itself
            raise rule("discount-offer-withdrawn", f"discount offer {d.id} was withdrawn on {d.withdrawn_on}: no "
                       "holder can take it any more, so there is nothing to withdraw"
                       + step_committed_in(d.status, d.last, "WithdrawDiscountOffer", debtor.uscc))
        if d.expires_on < s.today_iso:
            raise rule("offer-expired", f"discount offer {d.id} expired on {d.expires_on}: no holder can accept it "
                       "any more, so there is nothing to withdraw")
        d.status, d.withdrawn_on = "WITHDRAWN", s.today_iso
        d.last = s.action("WithdrawDiscountOffer", debtor.uscc)
        # the debtor's party record names its org: the offer's own debtor_msp is whatever its writers wrote
        await s.store.put_discount_offer(d, debtor.msp_id)
        s.emit(events.DISCOUNT_OFFER_WITHDRAWN, None, offer_id=d.id, debtor=d.debtor, receivable_ids=d.receivable_ids)
        return d.to_json()
