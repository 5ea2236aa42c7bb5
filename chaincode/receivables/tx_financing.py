"""Financing a claim: the holder's request, the banks' offers on private terms, acceptance, disbursement with its
assignment notice, repayment, cancellation and recourse.

Apart because a financing has records and rules of its own (a request, offers, a bank's exposure and the keys
that guard it, terms in a private data collection passed as transient data under ``TERMS_TRANSIENT_KEY``). Ending
a request (``_end_request``) is shared with the settlement group, which a payment may end one in, and the check
that a request names its claim's holder with the query group, which reads its terms.
"""

from __future__ import annotations

import json
import re
from datetime import date

from chaincode.contract import Context, transaction

from . import collections as colls
from . import config as cfg
from . import events, keys, lifecycle, money
from . import financing as fin
from .arguments import _require_text
from .errors import rule, shown
from .model import (
    CONFIRMED, FINANCED, SETTLED, Action, AssignmentNotice, Financing, Offer, OfferTerms, Party, Payment, Receivable,
    RecourseDemand, parse_request, sha256_hex,
)
from .session import Session, rules
from .store import DROPPED_UNCOUNTED, OfferAsMade, offer_made_records, uncounted_offers_problem
from .tx_base import TransactionGroup

TERMS_TRANSIENT_KEY = "terms"


async def _end_request(s: Session, f: Financing, r: Receivable, act: Action) -> None:
    """End ``f``, a request no offer of which was accepted, on its claim ``r``: its open offers lapse, it is
    WITHDRAWN and ``r`` drops it; the caller writes ``r``. Every key written here (offers, their open-offer
    entries, the financing) is under the chaincode-level policy, none under a bank's org: the debtor's and
    holder's orgs, which endorse the claim's own change, endorse these too."""
    for o in await s.store.offers_of(f.id):
        if o.status == "OPEN":
            o.status, o.last = "LAPSED", act
            await s.store.put_offer(o, r.debtor)
    f.status, f.last = "WITHDRAWN", act
    r.financing_id = None
    await s.store.put_financing(f)


_VERSION = re.compile(r"[0-9]{1,15}")


def _version(value: str) -> int:
    """An exposure version as sent (GetFinancierExposure's ``version``, in decimal digits)."""
    if not _VERSION.fullmatch(value):
        raise rule("argument-invalid", f"exposure version {shown(value)}: send the version GetFinancierExposure "
                   "answered, in digits 0-9, or nothing to offer without the check")
    return int(value)


def _uncounted_offers(value: str) -> frozenset[str]:
    """MakeFinancingOffer's ``uncounted_offers`` as sent: a JSON list of offer ids (GetFinancierExposure's
    ``uncounted_offers``), or nothing for none."""
    if not value:
        return frozenset()
    try:
        ids = json.loads(value)
    except ValueError:
        ids = None
    if problem := uncounted_offers_problem(ids, f"uncounted offers {shown(value)}",
                                           "send the uncounted_offers GetFinancierExposure answered with the version, "
                                           "a JSON list of offer ids, or nothing for none"):
        raise rule("argument-invalid", problem)
    return frozenset(ids)


def _ensure_request_of_claims_holder(f: Financing, r: Receivable) -> None:
    """Refuse a financing request that names another holder than its claim does. Until acceptance the request's
    key has no key-level policy (any two orgs may write it, by running altered chaincode), while the claim's
    names its holder's org: so the claim says whose request it is, and whose collection the terms go to."""
    if (f.holder, f.holder_msp) != (r.holder, r.holder_msp):
        raise rule("invalid-state", f"financing {f.id} names {f.holder} of {f.holder_msp} as the holder, but its "
                   f"claim {r.id} is held by {r.holder} of {r.holder_msp}: the request record was changed outside "
                   "the contract, and no terms go to a collection on its word; the claim's holder withdraws it "
                   "(WithdrawFinancing) and requests financing again")


def _ensure_claim_names_financing(f: Financing, r: Receivable) -> None:
    """Refuse acting on financing ``f`` through its claim ``r`` unless the claim names it as its live financing, at
    the stage the financing says it is at: a request (no financier on the claim yet), or an accepted or disbursed
    financing (the claim's financier being the financing's bank). A request and its offers have no key-level policy
    (any two orgs may write them, by running altered chaincode) and the records of an earlier contract's financings
    none until UpgradeLedger: an ended request rewritten back to REQUESTED, or one made up on a live claim, would
    otherwise be offered on and accepted, and a request rewritten to ACCEPTED or DISBURSED disbursed, repaid or
    cancelled, with the claim financed by no bank it names. The claim, under its own key-level policy, says which
    financing is live and whose. Called once the financing's status allows the action, so an ended one is refused
    by its status, as before."""
    fix = ("the financing record was changed outside the contract, and nothing is done on its word; act on the "
           "financing the claim names (its holder and financier see it with GetReceivable), or, with none, the "
           "claim's holder requests financing again")
    if r.financing_id != f.id:
        raise rule("invalid-state", f"financing {f.id} says it is of claim {r.id}, which does not name it as its "
                   f"live financing: {fix}")
    if f.status == "REQUESTED":
        if r.financier is not None:
            raise rule("invalid-state", f"financing {f.id} is an open request, but its claim {r.id} is financed "
                       f"by {r.financier} already: {fix}")
    elif (f.financier, f.financier_msp) != (r.financier, r.financier_msp):
        bank = f"{r.financier} of {r.financier_msp}" if r.financier else "no bank"
        raise rule("invalid-state", f"financing {f.id} is {f.status} with {f.financier} of {f.financier_msp} as "
                   f"its bank, but its claim {r.id} names {bank} as its financier: {fix}")
    # the claim's notice tells an accepted financing from a disbursed one: RecordDisbursement alone sets it, and no
    # claim is financed again once a disbursed financing ends (it is settled, or past its due date)
    elif f.status == "ACCEPTED" and r.notice_id is not None:
        raise rule("invalid-state", f"financing {f.id} is ACCEPTED, but its claim {r.id} carries assignment notice "
                   f"{r.notice_id}, which only a disbursement issues: {fix}")
    elif f.status == "DISBURSED" and (f.notice_id is None or r.notice_id != f.notice_id):
        raise rule("invalid-state", f"financing {f.id} is DISBURSED with notice {f.notice_id}, but its claim {r.id} "
                   f"carries notice {r.notice_id}: {fix}")


def _ensure_as_offered(as_made: OfferAsMade, offer_id: str, financing_id: str, r: Receivable) -> None:
    """Refuse accepting or disbursing offer ``offer_id`` under ``financing_id`` on claim ``r`` unless its bank's own
    keys (``recfin.offer-made`` entry or its mark, which no two other orgs can rewrite) say the bank made it on that
    claim and request, with the outstanding amount and currency the claim has: the bank counted the offer's advance
    on those (GetFinancierExposure), and nothing the contract does changes them while the offer stands. Keys an
    earlier contract version wrote record none, and pass."""
    if as_made.made_on_another(r.id, financing_id):
        raise rule("offer-not-this-financing", f"offer {offer_id} was made on claim {as_made.receivable_id} under "
                   f"request {as_made.financing_id}, not on claim {r.id} under {financing_id}, as its bank's own "
                   "records say: the offer, request or financing record was changed outside the contract, and its "
                   "terms are not lent here; end the financing (WithdrawFinancing before acceptance, CancelFinancing "
                   "after) and ask the bank for an offer on this claim")
    # paid to a bank before any bank lent on it: no such payment is recorded before a disbursement's notice, and no
    # claim is financed again once a loan on it ends (settled, or past its due date), but a bank's exposure
    # takes each as collected on the loan
    if paid := r.paid_to_financier():
        raise rule("claim-changed-since-offer", f"claim {r.id} records {money.amount_text(paid, r.currency)} paid to "
                   f"a financier, though no bank has lent on it: the claim was changed outside the contract, and "
                   f"offer {offer_id} is neither accepted nor disbursed; end the financing (WithdrawFinancing before "
                   "acceptance, CancelFinancing after)")
    if as_made.differs_from(r):
        raise rule("claim-changed-since-offer", f"claim {r.id} has {money.amount_text(r.outstanding, r.currency)} "
                   f"outstanding, but offer {offer_id} was made on "
                   f"{money.amount_text(as_made.outstanding or 0, as_made.currency or r.currency)}, the amount its "
                   "bank counted against its limit: the claim was changed outside the contract, and the offer is "
                   "neither accepted nor disbursed; end the financing (WithdrawFinancing before acceptance, "
                   "CancelFinancing after) and ask the bank for an offer on the claim as it stands")


class FinancingTransactions(TransactionGroup):
    """RequestFinancing, WithdrawFinancing, MakeFinancingOffer, WithdrawFinancingOffer,
    AcceptFinancingOffer, RecordDisbursement, AcknowledgeAssignment, RecordRepayment, CancelFinancing,
    DemandRecourse, ExerciseRecourse."""

    @transaction
    @rules
    async def RequestFinancing(self, ctx: Context, receivable_id: str) -> Financing:
        """The holder asks banks to finance a confirmed claim (at most one live financing)."""
        s = self._session(ctx)
        holder, r = await self._as_holder(s, receivable_id)
        lifecycle.ensure_not_frozen(r)
        if r.financing_id is not None:
            raise rule("financing-already-live", f"{r.id} already has live financing {r.financing_id}: at most one per receivable")
        lifecycle.ensure_status(r, (CONFIRMED,), "finance")
        lifecycle.ensure_before_maturity(r, s.today, "finance")
        f = Financing(id=keys.new_id("F", s.tx_id), receivable_id=r.id, holder=holder.uscc, holder_msp=holder.msp_id,
                      status="REQUESTED", requested_on=s.today_iso, last=s.action("RequestFinancing", holder.uscc))
        before = r.model_copy()
        r.financing_id = f.id
        r.last = f.last
        await s.store.put_financing(f)
        await s.store.put_receivable(r, before)
        s.emit(events.FINANCING_REQUESTED, r.id, financing_id=f.id, outstanding=r.outstanding, currency=r.currency,
               due_date=r.due_date)
        return f.to_json()

    @transaction
    @rules
    async def WithdrawFinancing(self, ctx: Context, financing_id: str) -> Financing:
        """The holder withdraws a request no offer of which it has accepted; open offers lapse."""
        s = self._session(ctx)
        await self._prefetch_financing(s, financing_id)
        f = await s.store.financing(financing_id)
        holder, r = await self._as_holder(s, f.receivable_id)
        lifecycle.ensure_not_frozen(r)
        if f.status != "REQUESTED":
            raise rule("invalid-state", f"financing {f.id} is {f.status}: only a request not yet accepted can be withdrawn")
        # ending a request the claim does not name would drop the claim's live financing instead
        _ensure_claim_names_financing(f, r)
        before = r.model_copy()
        await _end_request(s, f, r, s.action("WithdrawFinancing", holder.uscc))
        r.last = f.last
        await s.store.put_receivable(r, before)
        s.emit(events.FINANCING_WITHDRAWN, r.id, financing_id=f.id)
        return f.to_json()

    async def _prefetch_financing(self, s: Session, financing_id: str, *, callers_offer: bool = False) -> None:
        """Read a financing with the caller's binding, then its receivable with the caller's party (and,
        with ``callers_offer``, the entry of the caller's offer on it): what every successful
        transaction on a financing reads, in two round trips instead of four or five."""
        await s.store.prefetch(s.binding, (keys.FINANCING, financing_id))
        f = await s.store.financing_or_none(financing_id)
        code = await s.caller_code()
        if f is None or code is None:
            return  # the reads that follow report it
        await s.read_with_party((keys.RECEIVABLE, f.receivable_id),
                                *([(keys.OFFER_BY_BANK, f.id, code)] if callers_offer else []))

    def _terms(self, ctx: Context, *, accepted: bool = False) -> OfferTerms:
        """The transient terms; ``accepted``: they repeat an accepted offer's, stored under the cap of its day."""
        raw = ctx.stub.get_transient().get(TERMS_TRANSIENT_KEY)
        if raw is None:
            if accepted:
                raise rule("terms-missing", f"pass the offer's terms as transient data under "
                           f"{TERMS_TRANSIENT_KEY!r}, exactly as GetOfferTerms returns them: they are checked "
                           "against the hash the offer recorded")
            raise rule("terms-missing", f"pass the offer terms as transient data under {TERMS_TRANSIENT_KEY!r}: "
                       "they go to private data and only their hash to the public record")
        return parse_request(OfferTerms, raw, "terms",
                             amount_cap=money.STORED_AMOUNT_LIMIT if accepted else money.MAX_AMOUNT)

    @transaction(transient={TERMS_TRANSIENT_KEY: OfferTerms})
    @rules
    async def MakeFinancingOffer(self, ctx: Context, financing_id: str, exposure_version: str = "",
                                 uncounted_offers: str = "") -> Offer:
        """A bank offers terms (transient ``terms``, expiry included): kept private, the public offer keeps their hash.

        ``exposure_version`` (optional): the ``version`` of the bank's exposure on the claim's debtor that the bank
        priced the offer against (GetFinancierExposure). The offer is refused (``exposure-changed``) when the
        version has moved since: another offer of the bank on the debtor came, the one change that can raise what
        the bank has out and on offer there (``Store.exposure_version``); so an offer checked against the bank's
        limit on that read keeps the bank within it, whichever host made the other offer. Every offer moves the
        version, with or without one sent.

        ``uncounted_offers`` (optional; a JSON list of offer ids, empty for none): the read's ``uncounted_offers``,
        the bank's offers on the debtor its figures left out. Their ``recfin.offer-made`` entries are dropped,
        whatever their records say now, as those of its offers no longer OPEN are (``Store._drop_offers_made``),
        so that none of them can be accepted (``offer-not-listed``): two orgs that hid an offer from the read by
        rewriting its record, then wrote it back, move no version. Ids without an entry are passed over. An
        acceptance of a named offer and this offer do not both commit: each reads what the other writes (the
        offer's record; the entry and its mark), so the later fails MVCC_READ_CONFLICT. A named offer disbursed
        since (its bank's entry records the request) makes this offer ``exposure-changed``: marked uncounted now,
        it would be marked after the money left."""
        s = self._session(ctx)
        priced_at = _version(exposure_version) if exposure_version else None
        uncounted = _uncounted_offers(uncounted_offers)
        await self._prefetch_financing(s, financing_id, callers_offer=True)
        bank = await s.party_with_role(cfg.FINANCIER)
        f = await s.store.financing(financing_id)
        r = await s.store.receivable(f.receivable_id)
        # before the freeze check, and without the state: a bank reads the claim only while the request is open
        if f.status != "REQUESTED":
            raise rule("invalid-state", f"financing {f.id} is no longer an open request: offers are made only on "
                       "open requests")
        _ensure_claim_names_financing(f, r)
        _ensure_request_of_claims_holder(f, r)
        lifecycle.ensure_not_frozen(r)
        # what acceptance checks of the claim: an offer on a claim no longer confirmed or past its due date could
        # never be accepted, and would stand OPEN on the request for nothing
        lifecycle.ensure_status(r, (CONFIRMED,), "finance")
        lifecycle.ensure_before_maturity(r, s.today, "finance")
        terms = self._terms(ctx)
        fin.ensure_disbursable(terms, r.outstanding, currency=r.currency)
        if terms.expires_on < s.today_iso:
            raise rule("offer-expired", f"the offer would expire on {terms.expires_on}, before today {s.today}")
        # a point read, not a range scan: concurrent offers of different banks do not conflict
        if (earlier := await s.store.offer_of_bank(f.id, bank.uscc)) is not None:
            raise rule("offer-already-made", f"{bank.uscc} already made offer {earlier} on {f.id}: one offer per bank "
                       "and request; to change its terms, withdraw it first (WithdrawFinancingOffer)")
        version = await s.store.exposure_version(bank.uscc, r.debtor)
        if priced_at is not None and priced_at > version:
            raise rule("exposure-version-ahead", f"the exposure of {bank.uscc} on {r.debtor} is at version {version} "
                       f"on this peer, behind the {priced_at} the offer was priced on: the peer that endorses has "
                       "not yet caught up with the one the exposure was read from; send the offer again shortly")
        if priced_at is not None and priced_at != version:
            raise rule("exposure-changed", f"the exposure of {bank.uscc} on {r.debtor} is at version {version}, not "
                       f"{priced_at} as when the offer was priced: another offer of the bank on the debtor came "
                       "since; read the exposure again (GetFinancierExposure) and price the offer against it")
        # an offer the read left out that was lent since, before this one commits: the read's figures no longer
        # hold, and marking it uncounted now would come after the money left
        if lent := await s.store.disbursed_among(bank.uscc, r.debtor, uncounted):
            raise rule("exposure-changed", f"offer {lent} of {bank.uscc}, which the exposure read left out "
                       "(uncounted_offers), has been disbursed since: the figures the offer was priced on no longer "
                       "hold; read the exposure again (GetFinancierExposure) and price the offer against it")
        # the claim's holder org, under the claim's key-level policy: the request's copy is checked against it above
        collection = colls.collection_name(r.holder_msp, bank.msp_id)
        if collection not in self.collection_names:
            raise rule("no-collection", f"no private data collection {collection} for {r.holder_msp} and {bank.msp_id}: "
                       "add the org pair to the chaincode's configuration")
        o = Offer(id=keys.new_id("O", s.tx_id), financing_id=f.id, receivable_id=r.id, financier=bank.uscc,
                  financier_msp=bank.msp_id, collection=collection, terms_hash=terms.terms_hash(),
                  status="OPEN", made_on=s.today_iso,
                  last=s.action("MakeFinancingOffer", bank.uscc))
        await s.store.put_private(collection, terms, keys.TERMS, o.id)
        await s.store.put_offer(o, r.debtor, offered_on=r, uncounted=uncounted)
        await s.store.move_exposure_version(bank.uscc, r.debtor, version)
        s.emit(events.FINANCING_OFFERED, r.id, financing_id=f.id, offer_id=o.id, financier=bank.uscc,
               terms_hash=o.terms_hash)
        return o.to_json()

    @transaction
    @rules
    async def WithdrawFinancingOffer(self, ctx: Context, offer_id: str, reason: str) -> Offer:
        """The bank that made an offer withdraws it while it is open: no holder can accept it afterwards.

        A bank's terms or its room under its limit on the debtor change after it offered, and an open offer
        is one acceptance away from being lent, without the bank being asked again. The offer is WITHDRAWN
        (``withdrawn_on``, ``withdrawal_reason``) and leaves the bank's open offers on the debtor
        (GetFinancierExposure); its private terms stay, for the record. The bank may then offer on the same
        request again, on new terms. An accepted offer is ended by CancelFinancing before disbursement.

        A frozen claim does not stop it: the withdrawal moves no part of the claim, it takes an encumbrance off it,
        and the open offer would otherwise count against the bank's limit for as long as the freeze lasts and be
        acceptable again the moment it is lifted.
        """
        s = self._session(ctx)
        # the role first: an identity acting for no bank learns nothing of the offer, not even that it exists
        bank = await s.party_with_role(cfg.FINANCIER, prefetch=((keys.OFFER, offer_id),))
        o = await s.store.offer(offer_id)
        if o.financier != bank.uscc:
            raise rule("not-the-financier", f"{bank.uscc} did not make offer {o.id}: only the bank that made an "
                       "offer may withdraw it")
        # the offer names its financing and claim: the claim is read for its debtor (the offer's index entry), the
        # financing is not read at all, so a withdrawal conflicts with no change of the request but the offer's own
        await s.store.prefetch((keys.RECEIVABLE, o.receivable_id), (keys.OFFER_BY_BANK, o.financing_id, o.financier))
        r = await s.store.receivable(o.receivable_id)
        if o.status != "OPEN":
            hint = {"ACCEPTED": f": the holder accepted it; end financing {o.financing_id} before disbursement with "
                                "CancelFinancing",
                    "LAPSED": ": the holder accepted another offer or the request ended, so it can no longer be "
                              "accepted"}.get(o.status, "")
            raise rule("invalid-state", f"offer {o.id} is {o.status}: only an open offer can be withdrawn{hint}")
        why = _require_text(reason, "reason")
        o.status, o.withdrawn_on, o.withdrawal_reason = "WITHDRAWN", s.today_iso, why
        o.last = s.action("WithdrawFinancingOffer", bank.uscc)
        await s.store.put_offer(o, r.debtor)
        s.emit(events.FINANCING_OFFER_WITHDRAWN, r.id, financing_id=o.financing_id, offer_id=o.id,
               financier=bank.uscc, reason=why)
        return o.to_json()

    def _offered_terms(self, ctx: Context, terms_hash: str | None) -> OfferTerms:
        """The transient terms, which must be those whose hash the offer recorded: an offer made before 9555fad
        hashed its rates as str(Decimal) wrote them ("0E-10" for "0.0000000000")."""
        terms = self._terms(ctx, accepted=True)
        if terms_hash not in (terms.terms_hash(), terms.legacy_terms_hash()):
            raise rule("terms-mismatch", f"the terms given hash to {terms.terms_hash()[:12]}…, the offer to "
                       f"{(terms_hash or '')[:12]}…: pass exactly the offer's terms (GetOfferTerms)")
        return terms

    @transaction(transient={TERMS_TRANSIENT_KEY: OfferTerms})
    @rules
    async def AcceptFinancingOffer(self, ctx: Context, offer_id: str) -> Financing:
        """The holder accepts one offer (its terms again as transient ``terms``, for their expiry); the others
        lapse; the bank becomes the claim's financier."""
        s = self._session(ctx)
        await s.store.prefetch(s.binding, (keys.OFFER, offer_id))
        o = await s.store.offer(offer_id)
        # an offer names its financing's receivable (MakeFinancingOffer copies it) and its bank: read with the party
        await s.read_with_party((keys.FINANCING, o.financing_id), (keys.RECEIVABLE, o.receivable_id),
                                (keys.PARTY, o.financier))
        f = await s.store.financing(o.financing_id)
        holder, r = await self._as_holder(s, f.receivable_id)
        lifecycle.ensure_not_frozen(r)
        if f.status != "REQUESTED" or o.status != "OPEN":
            raise rule("invalid-state", f"offer {o.id} is {o.status} on financing {f.status}: only an open offer on an open request can be accepted")
        # the claim, not the request record, says which request is live: accepted, the claim would be financed
        # with no financing it names, its bank out of recfin.by-financier and the debtor paying the holder
        _ensure_claim_names_financing(f, r)
        # refused here, while the holder can still withdraw the request: accepted, the request's record could no
        # longer be ended that way, and its rewritten holder would stand in the deal's record
        _ensure_request_of_claims_holder(f, r)
        # only the bank's own recfin.offer-made entry keeps an offer in its ``offered`` whatever two other orgs
        # write: its record, and its recfin.open-offer entry, any two can rewrite or delete. An offer without that
        # entry, or whose entry the bank dropped (its record then saying it had ended), may have been left out of
        # figures the bank priced another offer on: taken, it would be lent past the bank's limit on the debtor.
        # The bank's org from its party record: the offer's financier_msp is the offer record's, which two orgs
        # could rewrite
        bank_msp = (await s.store.require_party(o.financier)).msp_id
        if o.financier_msp != bank_msp:
            # copied into the claim and the loan's entry, it would leave them guarded without the bank's org
            raise rule("invalid-state", f"offer {o.id} names {o.financier_msp} as its bank's org, but its bank "
                       f"{o.financier} acts for {bank_msp}: the offer record was changed outside the contract, and "
                       "it cannot be accepted; ask the bank for a new offer")
        as_made = await s.store.offer_as_made(o.financier, r.debtor, o.id, bank_msp)
        if not as_made.entry_standing:
            raise rule("offer-not-listed", f"offer {o.id} is OPEN but lacks its bank's recfin.offer-made entry on "
                       f"{r.debtor} under {bank_msp} alone, or its bank dropped that entry, so its bank's open "
                       "offers may not have counted it and it cannot be accepted: an offer an earlier contract "
                       "version made gets the entry from UpgradeLedger, then accept it; for any other, ask the "
                       "bank for a new offer")
        _ensure_as_offered(as_made, o.id, o.financing_id, r)
        # the expiry is private: the holder passes the terms, read from its own peer, and only checks run on
        # them (an offer an earlier contract wrote with a public expiry holds to that one as well)
        if (expiry := o.expiry(self._offered_terms(ctx, o.terms_hash))) < s.today_iso:
            raise rule("offer-expired", f"offer {o.id} expired on {expiry}")
        lifecycle.ensure_status(r, (CONFIRMED,), "finance")
        # Terms that could never be disbursed (no fen advanced, fees taking the advance) are refused when the
        # offer is made (private data is not read in endorsement, the debtor's org holds none), and the
        # outstanding amount cannot change while the financing is live; acceptance checks only the terms' hash
        # and expiry. An offer made by a contract before that check and still OPEN was never checked:
        # accepted, its disbursement is refused (financing-not-positive) and CancelFinancing ends it, releasing
        # the claim.
        # the bank could never disburse it (RecordDisbursement refuses past maturity), and the debtor could not pay
        lifecycle.ensure_before_maturity(r, s.today, "finance")
        # a bank whose org lost the financier role could never disburse, and the claim would wait on it
        s.ensure_role_allowed(await s.store.require_party(o.financier), "takes part")
        act = s.action("AcceptFinancingOffer", holder.uscc)
        for other in await s.store.offers_of(f.id):
            if other.id != o.id and other.status == "OPEN":
                other.status, other.last = "LAPSED", act
                await s.store.put_offer(other, r.debtor)
        o.status, o.last = "ACCEPTED", act
        f.status, f.accepted_offer_id, f.financier, f.financier_msp = "ACCEPTED", o.id, o.financier, o.financier_msp
        f.collection, f.terms_hash, f.last = o.collection, o.terms_hash, act
        before = r.model_copy()
        r.status, r.financier, r.financier_msp, r.last = FINANCED, o.financier, o.financier_msp, act
        await s.store.put_offer(o, r.debtor)
        # the deal's record: its parties' orgs from now on, the claim's holder's and the offer's bank's
        await s.store.put_financing(f, parties=(r.holder_msp, o.financier_msp))
        await s.store.put_receivable(r, before)
        s.emit(events.FINANCING_OFFER_ACCEPTED, r.id, financing_id=f.id, offer_id=o.id, financier=o.financier)
        return f.to_json()

    async def _as_financier(self, s: Session, financing_id: str) -> tuple[Party, Financing, Receivable]:
        await self._prefetch_financing(s, financing_id)
        bank = await s.party_with_role(cfg.FINANCIER)
        f = await s.store.financing(financing_id)
        if f.financier != bank.uscc:
            raise rule("not-the-financier", f"{bank.uscc} is not the financier of {f.id}")
        return bank, f, await s.store.receivable(f.receivable_id)

    @transaction(transient={TERMS_TRANSIENT_KEY: OfferTerms})
    @rules
    async def RecordDisbursement(self, ctx: Context, financing_id: str) -> Financing:
        """The bank records the advance (terms again as transient ``terms``) and notifies the debtor of the assignment."""
        s = self._session(ctx)
        bank, f, r = await self._as_financier(s, financing_id)
        lifecycle.ensure_not_frozen(r)
        if f.status != "ACCEPTED":
            raise rule("invalid-state", f"financing {f.id} is {f.status}: disbursement follows acceptance, once")
        _ensure_claim_names_financing(f, r)
        # the loan's entry and the bank's own keys on the accepted offer, all read below, in one round trip
        await s.store.prefetch(*s.store.financier_entry_records(r),
                               *offer_made_records(bank.uscc, r.debtor, f.accepted_offer_id or ""))
        # the bank's exposure finds a loan only through its recfin.by-financier entry, which an acceptance endorsed
        # by two orgs running altered chaincode could leave out: no money leaves for a loan the bank's figures miss
        if not await s.store.financier_entry_standing(r, bank.msp_id):
            raise rule("loan-not-in-exposure", f"financing {f.id} on claim {r.id} is missing from {bank.uscc}'s "
                       f"exposure on {r.debtor}, or could be taken out of it (no recfin.by-financier entry, one not "
                       f"under the claim's orgs with {bank.msp_id}, or a claim naming {r.financier_msp} as its "
                       "bank's org), so it is not disbursed: run UpgradeLedger, which writes a missing entry and "
                       "moves the exposure's version, or ResealReceivable, which puts the entry under the claim's "
                       "orgs, read the exposure again and disburse if the limit allows; a claim naming another org "
                       "as its bank's was changed outside the contract: end the financing (CancelFinancing)")
        # the bank's own keys on the accepted offer, which no two other orgs can rewrite: an offer its next offer
        # named among those its figures left out, accepted before that offer committed, is not lent beside it
        as_made = await s.store.offer_as_made(bank.uscc, r.debtor, f.accepted_offer_id or "", bank.msp_id)
        if as_made.dropped == DROPPED_UNCOUNTED:
            raise rule("offer-uncounted", f"financing {f.id} accepted offer {f.accepted_offer_id}, which "
                       f"{bank.uscc}'s exposure on {r.debtor} did not count when it priced a later offer there (it "
                       "named it in uncounted_offers: its record or claim read as ended or not acceptable, rewritten "
                       "outside the contract, then accepted), so it is not disbursed: disbursed, the bank could be "
                       "past its limit on the debtor; end the financing (CancelFinancing), and offer again if the "
                       "limit allows")
        _ensure_as_offered(as_made, f.accepted_offer_id or "", f.id, r)
        # a loan its bank's org does not guard (accepted by two orgs' altered chaincode under a policy of their own)
        # could be written back to a request once lent, its offer then named nowhere: the bank's next offer on the
        # debtor could not see it was out (MakeFinancingOffer's check of its uncounted offers)
        if not await s.store.loan_sealed(r, f):
            raise rule("loan-not-sealed", f"financing {f.id} on claim {r.id} can change without {bank.msp_id}'s "
                       "endorsement (the claim's key not under all the claim's orgs, or the financing's not under "
                       "its holder's and its bank's), so it is not disbursed: a financing an earlier contract version "
                       "accepted gets its policies from UpgradeLedger, a claim its orgs from ResealReceivable; then "
                       "disburse. Any other was accepted outside the contract: end it (CancelFinancing)")
        # the accepted offer's collection, copied from an offer record any two orgs could have rewritten before
        # acceptance: the advance's record goes only to the collection of the claim's holder org and this bank's
        if f.collection != (expected := colls.collection_name(r.holder_msp, bank.msp_id)):
            raise rule("invalid-state", f"financing {f.id} names collection {f.collection} for its terms, not "
                       f"{expected} of its claim's holder org and its bank's: the offer record was changed outside "
                       "the contract, and the advance is not recorded there; end the financing (CancelFinancing)")
        # the terms the financing names are those kept under its accepted offer (their hash, which every peer
        # holds): an acceptance two orgs wrote could name another offer of the bank's, or none, whose own keys
        # (checked above) then say nothing of these terms
        if await s.store.private_hash(f.collection, keys.TERMS, f.accepted_offer_id or "") != f.terms_hash:
            raise rule("offer-not-this-financing", f"financing {f.id} names offer {f.accepted_offer_id} with terms "
                       f"hashing to {(f.terms_hash or '')[:12]}…, but that offer's terms in {f.collection} are not "
                       "those: the financing record was changed outside the contract, and nothing is lent on it; end "
                       "the financing (CancelFinancing)")
        terms = self._offered_terms(ctx, f.terms_hash)
        d = fin.disbursement(financing_id=f.id, receivable_id=r.id, outstanding=r.outstanding, currency=r.currency,
                             terms=terms, disbursed_on=s.today_iso, due_date=r.due_date,
                             days=(date.fromisoformat(r.due_date) - s.today).days)
        act = s.action("RecordDisbursement", bank.uscc)
        notice = AssignmentNotice(
            id=keys.new_id("N", s.tx_id), receivable_id=r.id, financing_id=f.id, debtor=r.debtor, assignor=r.holder,
            financier=bank.uscc, issued_on=s.today_iso, status="ISSUED", last=act,
            text=(f"Receivable {r.id} of {money.amount_text(r.outstanding, r.currency)} due {r.due_date}, held by "
                  f"{r.holder}, has been assigned to {bank.uscc}. Pay {bank.uscc} at maturity."))
        f.status, f.disbursed_on, f.disbursement_hash = "DISBURSED", s.today_iso, sha256_hex(d.to_bytes())
        f.notice_id, f.last = notice.id, act
        before = r.model_copy()
        r.notice_id, r.last = notice.id, act
        await s.store.put_private(f.collection, d, keys.DISBURSEMENT, f.id)
        await s.store.put_notice(notice)
        await s.store.put_financing(f)
        await s.store.put_receivable(r, before)
        s.emit(events.FINANCING_DISBURSED, r.id, financing_id=f.id, notice_id=notice.id, financier=bank.uscc)
        return f.to_json()

    @transaction
    @rules
    async def AcknowledgeAssignment(self, ctx: Context, notice_id: str) -> AssignmentNotice:
        """The debtor acknowledges the assignment notice (while its financing is disbursed): it will pay the financier."""
        s = self._session(ctx)
        await s.store.prefetch(s.binding, (keys.NOTICE, notice_id))
        n = await s.store.notice(notice_id)
        await s.read_with_party((keys.RECEIVABLE, n.receivable_id), (keys.FINANCING, n.financing_id))
        debtor, r = await self._as_debtor(s, n.receivable_id)
        lifecycle.ensure_not_frozen(r)
        if n.status != "ISSUED":
            raise rule("invalid-state", f"notice {n.id} is already {n.status}")
        f = await s.store.financing(n.financing_id)
        # the notice tells the debtor whom to pay until the financing is repaid; acknowledged afterwards, the
        # ledger would show a promise to pay a bank that has been paid
        if f.status != "DISBURSED":
            raise rule("invalid-state", f"notice {n.id} is of financing {f.id}, which is {f.status}: a notice is "
                       "acknowledged only while its financing is DISBURSED; once the bank is repaid the claim owes "
                       "it nothing, so there is nothing left to acknowledge (GetFinancing shows the financing)")
        _ensure_claim_names_financing(f, r)
        # the notice the disbursement issued, under its own key, is the one the claim names, and says what the
        # claim and its financing say: a notice record has no key-level policy, and the debtor's acknowledgement is
        # its promise to pay whom the notice names
        if not notice_id == n.id == r.notice_id:
            raise rule("invalid-state", f"notice {notice_id} is not the one claim {r.id} names ({r.notice_id}): the "
                       "notice record was changed outside the contract; acknowledge the claim's own notice")
        if (n.financier, n.debtor, n.assignor) != (f.financier, r.debtor, r.holder):
            raise rule("invalid-state", f"notice {n.id} names {n.financier} as the financier, {n.debtor} as the "
                       f"debtor and {n.assignor} as the assignor, but its financing and claim name {f.financier}, "
                       f"{r.debtor} and {r.holder}: the notice record was changed outside the contract, and the "
                       "debtor promises nothing on its word")
        n.status, n.acknowledged_on, n.last = "ACKNOWLEDGED", s.today_iso, s.action("AcknowledgeAssignment", debtor.uscc)
        await s.store.put_notice(n)
        s.emit(events.ASSIGNMENT_ACKNOWLEDGED, r.id, notice_id=n.id, financier=n.financier)
        return n.to_json()

    @transaction
    @rules
    async def RecordRepayment(self, ctx: Context, financing_id: str) -> Financing:
        """The financier records that the debtor paid it; the financing closes and the claim is settled."""
        s = self._session(ctx)
        bank, f, r = await self._as_financier(s, financing_id)
        lifecycle.ensure_not_frozen(r)
        if f.status != "DISBURSED":
            raise rule("invalid-state", f"financing {f.id} is {f.status}: repayment follows disbursement, once")
        _ensure_claim_names_financing(f, r)
        act = s.action("RecordRepayment", bank.uscc)
        before = r.model_copy()
        if r.status != SETTLED:
            r.payments.append(Payment(amount=r.outstanding, payee=bank.uscc, payee_role="financier", date=s.today_iso,
                                      tx_id=s.tx_id, late=s.today_iso > r.due_date, method="repayment"))
            r.outstanding, r.status = 0, SETTLED
        r.financing_id, r.last = None, act
        f.status, f.repaid_on, f.last = "REPAID", s.today_iso, act
        await s.store.put_financing(f)
        await s.store.put_receivable(r, before)
        s.emit(events.FINANCING_REPAID, r.id, financing_id=f.id, financier=bank.uscc)
        return f.to_json()

    @transaction
    @rules
    async def CancelFinancing(self, ctx: Context, financing_id: str, reason: str) -> Financing:
        """The holder or the accepted bank ends an accepted financing the bank has not disbursed.

        Nothing else ends one: withdrawal is for requests not yet accepted, the
        debtor cannot pay before disbursement, and disbursement is refused from
        maturity on. The bank leaves the claim: a FINANCED claim is CONFIRMED
        again (paid, or before its due date financed anew or transferred), an
        OVERDUE one stays OVERDUE (only payment is left for it); the accepted
        offer and its private terms stay as they were, for the record. No assignment
        notice exists yet: disbursement issues it.
        """
        s = self._session(ctx)
        await self._prefetch_financing(s, financing_id)
        party = await s.party_with_role(cfg.SUPPLIER, cfg.FINANCIER)
        f = await s.store.financing(financing_id)
        r = await s.store.receivable(f.receivable_id)
        if party.role == cfg.SUPPLIER and party.uscc != r.holder:
            raise rule("not-the-holder", f"{party.uscc} does not hold {r.id}: only its holder or the bank whose "
                       "offer it accepted may cancel its financing")
        if party.role == cfg.FINANCIER and party.uscc != f.financier:
            raise rule("not-the-financier", f"{party.uscc} is not the financier of {f.id}: only the bank whose offer "
                       "was accepted, or the holder, may cancel it")
        lifecycle.ensure_not_frozen(r)
        if f.status == "DISBURSED":
            raise rule("financing-disbursed", f"financing {f.id} was disbursed on {f.disbursed_on}: it ends with "
                       "repayment (RecordRepayment by the bank), not cancellation")
        if f.status != "ACCEPTED":
            hint = ": withdraw a request not yet accepted (WithdrawFinancing)" if f.status == "REQUESTED" else ""
            raise rule("invalid-state", f"financing {f.id} is {f.status}: only an accepted financing not yet "
                       f"disbursed can be cancelled{hint}")
        _ensure_claim_names_financing(f, r)
        why = _require_text(reason, "reason")
        act = s.action("CancelFinancing", party.uscc)
        before = r.model_copy()
        if r.status == FINANCED:  # an overdue claim stays overdue
            r.status = CONFIRMED
        # the bank leaves the claim: its index entry and its org in the key-level policy go with it (Store)
        r.financing_id, r.financier, r.financier_msp, r.last = None, None, None, act
        f.status, f.cancelled_on, f.cancellation_reason, f.last = "CANCELLED", s.today_iso, why, act
        await s.store.put_financing(f)
        await s.store.put_receivable(r, before)
        s.emit(events.FINANCING_CANCELLED, r.id, financing_id=f.id, financier=f.financier, by=party.uscc,
               reason=why, status=r.status)
        return f.to_json()

    async def _recourse_open(self, ctx: Context, s: Session, financing_id: str) -> tuple[Party, Financing, Receivable]:
        """The calling bank, the financing and its claim, where the bank may call on the holder's recourse (demand
        it, DemandRecourse, or record it met, ExerciseRecourse): the financing's bank, the claim not frozen, the
        financing DISBURSED on terms with recourse (the accepted ones again, transient), the claim unpaid and past
        its due date. Both transactions refuse by these rules in this order."""
        bank, f, r = await self._as_financier(s, financing_id)
        lifecycle.ensure_not_frozen(r)
        if f.status != "DISBURSED":
            raise rule("invalid-state", f"financing {f.id} is {f.status}: recourse is demanded or exercised "
                       "only on a disbursed financing the debtor has not paid")
        _ensure_claim_names_financing(f, r)
        # the terms are private: the bank passes them, read from its own peer, and only their hash is checked
        if not self._offered_terms(ctx, f.terms_hash).recourse:
            raise rule("without-recourse", f"financing {f.id} was accepted on terms without recourse "
                       "(recourse: false): the bank bears the debtor's default and cannot take the claim back to "
                       "the holder; the debtor still owes it the claim")
        if r.status == SETTLED:
            raise rule("invalid-state", f"receivable {r.id} is paid in full: nothing is left to recourse; record "
                       "the repayment (RecordRepayment)")
        if s.today_iso <= r.due_date:
            raise rule("not-yet-due", f"{r.id} is due {r.due_date}; today is {s.today}: recourse follows the "
                       "debtor's failure to pay by the due date")
        return bank, f, r

    @transaction(transient={TERMS_TRANSIENT_KEY: OfferTerms})
    @rules
    async def DemandRecourse(self, ctx: Context, financing_id: str, reason: str) -> Financing:
        """The bank of a disbursed financing with recourse, unpaid by the debtor past the due date, calls on the
        holder to take the claim back (回购通知; the accepted terms again as transient ``terms``, for their
        ``recourse``): the holder and the regulator see on the ledger that the bank has called on it. A bank may
        demand again on a later day (a new deadline, after a partial payment by the debtor, after an extension):
        each demand is kept, at most one a day.

        A notice, not a change of hands: the financing stays DISBURSED, the demand is appended to
        ``recourse_demands`` (with what the debtor still owed then), whose last entry is the latest; the claim
        is unchanged. The debtor may still pay the bank
        (RecordPayment, then RecordRepayment, end the matter), and ExerciseRecourse records the holder's
        repurchase with or without a demand before it.
        """
        s = self._session(ctx)
        bank, f, r = await self._recourse_open(ctx, s, financing_id)
        # one a day is enough, and it makes a resubmission (a retry after a lost answer) a refusal that says the
        # demand is on the ledger rather than a second demand
        if f.recourse_demands and f.recourse_demands[-1].on == s.today_iso:
            raise rule("recourse-already-demanded", f"financing {f.id}: {f.financier} demanded recourse today "
                       f"({s.today_iso}) already (GetFinancing shows the demand); demand again on a later day, or, "
                       "once the holder has paid, record it with ExerciseRecourse")
        why = _require_text(reason, "reason")
        # the financing record alone changes, under the policy its acceptance gave it (the holder's and the bank's
        # orgs, Store.put_financing); the claim and its policy are left as they are
        act = s.action("DemandRecourse", bank.uscc)
        f.recourse_demands.append(RecourseDemand(on=s.today_iso, reason=why, outstanding=r.outstanding,
                                                 currency=r.currency, tx_id=act.tx_id))
        f.last = act
        await s.store.put_financing(f)
        s.emit(events.RECOURSE_DEMANDED, r.id, financing_id=f.id, financier=bank.uscc, holder=r.holder,
               outstanding=r.outstanding, currency=r.currency, reason=why)
        return f.to_json()

    @transaction(transient={TERMS_TRANSIENT_KEY: OfferTerms})
    @rules
    async def ExerciseRecourse(self, ctx: Context, financing_id: str, reason: str) -> Financing:
        """The bank of a disbursed financing with recourse, unpaid by the debtor past the due date, records that
        the holder has taken the claim back (the accepted terms again as transient ``terms``, for their
        ``recourse``): as RecordRepayment records the debtor's payment, the bank, which is paid, records it once
        the holder has paid it back; it cannot be undone.

        The financing ends RECOURSED and the bank leaves the claim: it is the holder's again, OVERDUE, and the
        debtor pays the holder from now on (its assignment notice is RELEASED). What the holder paid the bank
        follows their agreement and stays off the ledger, as the disbursement's figures stay private. Terms
        without recourse leave the debtor's default with the bank: refused (``without-recourse``).
        """
        s = self._session(ctx)
        bank, f, r = await self._recourse_open(ctx, s, financing_id)
        why = _require_text(reason, "reason")
        act = s.action("ExerciseRecourse", bank.uscc)
        notice = await s.store.notice(f.notice_id or "")
        notice.status, notice.released_on, notice.last = "RELEASED", s.today_iso, act
        before = r.model_copy()
        # past due and unpaid: OVERDUE whether or not RecordOverdue marked it; the bank leaves the claim, and its
        # index entry and its org in the key-level policy go with it (Store)
        lifecycle.mark_overdue(r)
        r.financing_id, r.financier, r.financier_msp, r.last = None, None, None, act
        f.status, f.recourse_on, f.recourse_reason, f.last = "RECOURSED", s.today_iso, why, act
        await s.store.put_notice(notice)
        await s.store.put_financing(f)
        await s.store.put_receivable(r, before)
        s.emit(events.RECOURSE_EXERCISED, r.id, financing_id=f.id, financier=bank.uscc, holder=r.holder,
               notice_id=notice.id, outstanding=r.outstanding, currency=r.currency, reason=why)
        return f.to_json()
