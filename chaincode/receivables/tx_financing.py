"""What the financing groups share: the transient key their terms travel under, ending a request, the checks of a
financing record against its claim and of an offer against its bank's own keys, and ``FinancingGroup``, their base,
with the reads every group makes (a financing with its claim, the transient terms, the calling bank as financier).

A financing has records and rules of its own (a request, offers, a bank's exposure and the keys that guard it, terms
in a private data collection passed as transient data under ``TERMS_TRANSIENT_KEY``): its transactions are four
groups, one module each, in the order a financing goes: the holder's request (``tx_financing_request``), the banks'
offers and the holder's acceptance (``tx_financing_offers``), the loan from disbursement to repayment or
cancellation (``tx_financing_loan``), and recourse (``tx_financing_recourse``). Ending a request (``_end_request``)
is shared with the settlement group, which a payment may end one in, and the check that a request names its claim's
holder with the query group, which reads its terms.
"""

from __future__ import annotations

from collections.abc import Callable

from chaincode.contract import Context

from . import config as cfg
from . import keys, lifecycle, money
from .errors import rule
from .model import (
    CONFIRMED, FINANCED, LIVE_FINANCING, Action, Financing, Offer, OfferTerms, Party, Receivable, parse_request,
)
from .session import Session
from .store_offers import OfferAsMade
from .tx_base import TransactionGroup, step_committed_in

TERMS_TRANSIENT_KEY = "terms"


async def _end_request(s: Session, f: Financing, r: Receivable, act: Action) -> None:
    """End ``f``, a request no offer of which was accepted, on its claim ``r``: its open offers lapse, it is
    WITHDRAWN and ``r`` drops it; the caller writes ``r``. No key written here is under a bank's org: the
    offers and their open-offer entries are under the chaincode-level policy, the request under the claim's
    own orgs (``Store.put_financing_request``), and the debtor's and holder's orgs, which endorse the claim's
    own change, endorse these too. One two orgs gave a policy of their own is left as it is (``Store.end_request``,
    ``lapse_offer``), or they could hold the claim's change back."""
    for o in await s.store.offers_of(f.id):
        if o.status == "OPEN":
            o.status, o.last = "LAPSED", act
            await s.store.lapse_offer(o, r.debtor)
    f.status, f.last = "WITHDRAWN", act
    r.financing_id = None
    await s.store.end_request(f, r)


def _cancel_accepted(f: Financing, r: Receivable, act: Action, why: str, on: str) -> None:
    """End ``f``, a financing a bank accepted and has not disbursed, on its claim ``r``, on business date ``on``:
    CancelFinancing by the holder or the bank, or the debtor's payment from the due date on, when the bank can no
    longer disburse it. The bank leaves the claim (its index entry and its org in the claim's key-level policy go
    with it: Store.put_receivable), a FINANCED claim is CONFIRMED again and an OVERDUE one stays OVERDUE, and the
    financing is CANCELLED with ``why``; the accepted offer and its private terms stay as they were, for the
    record. The caller writes both."""
    if r.status == FINANCED:
        r.status = CONFIRMED
    r.financing_id, r.financier, r.financier_msp, r.last = None, None, None, act
    f.status, f.cancelled_on, f.cancellation_reason, f.last = "CANCELLED", on, why, act


def _ensure_request_of_claims_holder(f: Financing, r: Receivable) -> None:
    """Refuse a financing request that names another holder than its claim does. Until acceptance the request's
    key has no key-level policy where an earlier contract version made it (any two orgs may write it, by running
    altered chaincode), its claim's orgs' where this one did, while the claim's names its holder's org: so the
    claim says whose request it is, and whose collection the terms go to."""
    if (f.holder, f.holder_msp) != (r.holder, r.holder_msp):
        raise rule("invalid-state", f"financing {f.id} names {f.holder} of {f.holder_msp} as the holder, but its "
                   f"claim {r.id} is held by {r.holder} of {r.holder_msp}: the request record was changed outside "
                   "the contract, and no terms go to a collection on its word; the claim's holder withdraws it "
                   "(WithdrawFinancing) and requests financing again")


def _ensure_claim_names_financing(f: Financing, r: Receivable) -> None:
    """Refuse acting on financing ``f`` through its claim ``r`` unless the claim names it as its live financing, at
    the stage the financing says it is at: a request (no financier on the claim yet), or an accepted or disbursed
    financing (the claim's financier being the financing's bank). Offers, and a request an earlier contract version
    made, have no key-level policy (any two orgs may write them, by running altered chaincode; a request this
    one made, its claim's orgs), and the records of an earlier contract's financings
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


# how a request ended, by the transaction that ended it (Financing.last), with the way on from there: its
# holder's withdrawal, or the debtor's payment from the claim's due date on (_end_request), after which no
# financing of the claim follows; a request keeps no date of its own for either
_NEW_REQUEST = ("a new financing of the claim, if any, starts with its holder's new request "
                "(RequestFinancing), on which banks may offer again")
_REQUEST_ENDED_BY = {
    "WithdrawFinancing": ("its holder withdrew the request",
                          f"{_NEW_REQUEST}, while the claim is confirmed and not yet due"),
    "RecordPayment": ("the debtor's payment of the claim, from its due date on, ended the request",
                      "no financing follows, as a claim is financed only before its due date"),
}


# what follows a loan that ended with the money lent, by how it ended: the repayment settles the claim, and
# recourse gives it back past its due date, after which it is financed no more (a new request is refused)
_AFTER_THE_LOAN = {
    "REPAID": "the claim is paid in full, so no financing of it follows, and nothing is left to do on it",
    "RECOURSED": ("the claim is past its due date, so no financing of it follows: its debtor pays the holder what "
                  "it still owes (RecordPayment)"),
}


# the bank's step that takes a financing into each of these statuses
_STEP_INTO = {"DISBURSED": "RecordDisbursement", "REPAID": "RecordRepayment", "RECOURSED": "ExerciseRecourse"}


def _step_committed_in(f: Financing, step: str, bank: Party) -> str:
    """``step_committed_in`` for ``step``, the bank's step refused, on financing ``f``: only a step that
    takes a financing into its status (a disbursement of a repaid financing is no disbursement sent again)."""
    if _STEP_INTO.get(f.status) != step:
        return ""
    return step_committed_in(f.status, f.last, step, bank.uscc)


def _how_it_ended(f: Financing) -> str | None:
    """How financing ``f`` ended, with the way on from there, for a refusal of a step on it; None while it is
    a request or live. Refused naming only the status the step follows ("disbursement follows acceptance"),
    the bank of a cancelled financing was not told it had ended, nor the holder of a withdrawn request that a
    new request is its way on."""
    if f.status == "WITHDRAWN":
        how, way_on = _REQUEST_ENDED_BY.get(f.last.action, ("the request ended", _NEW_REQUEST))
        return (f"{how} ({f.last.action} at {f.last.at}), its open offers lapsed, and nothing more is "
                f"recorded on it; {way_on}")
    if f.status == "CANCELLED" and f.last.action == "RecordPayment":
        return (f"the debtor's payment on {f.cancelled_on}, from the claim's due date on, ended it before any "
                f"disbursement ({f.last.action} at {f.last.at}), and nothing more is recorded on it; "
                f"{_REQUEST_ENDED_BY['RecordPayment'][1]}")
    return {"CANCELLED": f"it was cancelled on {f.cancelled_on}, before any disbursement, and nothing "
                         f"more is recorded on it; {_NEW_REQUEST}",
            "REPAID": f"its repayment was recorded on {f.repaid_on}, and nothing more is recorded on it; "
                      f"{_AFTER_THE_LOAN['REPAID']}",
            "RECOURSED": f"the claim went back to its holder on {f.recourse_on} (ExerciseRecourse), and "
                         f"nothing more is recorded on it; {_AFTER_THE_LOAN['RECOURSED']}"}.get(f.status)


def request_ended_for_good(f: Financing) -> bool:
    """Whether financing ``f`` ended in a way no new request of its claim follows: its loan repaid (the claim
    settled), the claim taken back by recourse (past its due date), or the request, or the financing a bank accepted
    and never disbursed, ended by the debtor's payment from the due date on. A request its holder withdrew, or a
    financing its holder or its bank cancelled, may be followed by one."""
    ended_by_payment = f.status in ("WITHDRAWN", "CANCELLED") and f.last.action == "RecordPayment"
    return f.status in _AFTER_THE_LOAN or ended_by_payment


def _ensure_not_frozen_while_live(f: Financing, r: Receivable) -> None:
    """Refuse (``receivable-frozen``) a change of financing ``f`` while a freeze binds its claim ``r``, where
    the financing is live (accepted or disbursed): then its bank is party to the claim and the freeze is what
    stops the change. An ended one (cancelled, repaid, recoursed) is refused by its status instead, checked
    next: the bank of a cancelled or recoursed one left the claim and reads it no more (GetReceivable), so a
    refusal naming a freeze ordered since would tell it the claim is frozen and by which court order (a repaid
    one's bank still reads the claim, which keeps it as financier, but a settled claim is never frozen); and
    any caller would be sent to wait for a lifting after which the same change is refused all the same."""
    if f.status in LIVE_FINANCING:
        lifecycle.ensure_not_frozen(r)


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


class FinancingGroup(TransactionGroup):
    """The base of the financing groups: the reads and checks several of their transactions make."""

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

    def _offered_terms(self, ctx: Context, terms_hash: str | None) -> OfferTerms:
        """The transient terms, which must be those whose hash the offer recorded: an offer made before 9555fad
        hashed its rates as str(Decimal) wrote them ("0E-10" for "0.0000000000")."""
        terms = self._terms(ctx, accepted=True)
        if terms_hash not in (terms.terms_hash(), terms.legacy_terms_hash()):
            raise rule("terms-mismatch", f"the terms given hash to {terms.terms_hash()[:12]}…, the offer to "
                       f"{(terms_hash or '')[:12]}…: pass exactly the offer's terms (GetOfferTerms)")
        return terms

    async def _as_financier(self, s: Session, financing_id: str) -> tuple[Party, Financing, Receivable]:
        await self._prefetch_financing(s, financing_id)
        bank = await s.party_with_role(cfg.FINANCIER)
        f = await s.store.financing(financing_id)
        if f.financier != bank.uscc:
            if (offer := await self._open_offer_of(s, f, bank)) is not None:
                raise rule("not-the-financier", f"{bank.uscc} is not the financier of {f.id} yet: the holder "
                           f"has not accepted its open offer {offer.id} on request {f.id}; the bank becomes "
                           "its financier once the holder accepts the offer (AcceptFinancingOffer), and then "
                           "disburses (RecordDisbursement); or it withdraws the offer "
                           "(WithdrawFinancingOffer)")
            raise rule("not-the-financier", f"{bank.uscc} is not the financier of {f.id}: only the bank "
                       "whose offer was accepted may do this, from an identity acting for it; check the "
                       "financing id")
        return bank, f, await s.store.receivable(f.receivable_id)

    @staticmethod
    async def _open_offer_of(s: Session, f: Financing, bank: Party) -> Offer | None:
        """``bank``'s open offer on ``f`` while it is a request, else None: a bank stepping on a request it
        offered on was told to check the financing id, where the holder has not accepted its offer yet."""
        if f.status != "REQUESTED":
            return None
        offers = await s.store.offers_of(f.id)
        return next((o for o in offers if o.financier == bank.uscc and o.status == "OPEN"), None)

    async def _as_financier_in(self, s: Session, financing_id: str, status: str, refusal: str, *, step: str,
                               refused_for_good: Callable[[Financing, Receivable], None] | None = None,
                               freeze_checked_after: bool = False) -> tuple[Party, Financing, Receivable]:
        """The calling bank, the financing and its claim, where the bank takes a financing in ``status`` a
        step on (``step``: disburses an accepted one, records a disbursed one repaid, calls on its recourse):
        the financing's bank, the financing in ``status`` (else ``invalid-state``, ``refusal`` saying which step
        follows which), the one its claim names, what ``refused_for_good`` refuses (a disbursement past the
        due date, recourse on terms without it, with no reason or before the claim is past due) and the claim not
        frozen. Each of those
        transactions refuses by these rules in this order, but for one: a live financing still on its way to
        ``status`` (an accepted one repaid before it is disbursed) is refused by the freeze before its status,
        as the lifting lets it get there, but for an accepted one whose claim is due, which never gets there.
        Every other refusal comes before the freeze, as no lifting cures it (an ended financing, a disbursed one
        disbursed again, a claim past its due date, what the bank sent wrong), so no bank waits for the lifting
        only to be refused again; an ended one's bank, moreover, may no longer read the claim, and learns nothing
        of a freeze ordered since (``_ensure_not_frozen_while_live``). ``freeze_checked_after``: the caller
        refuses a freeze itself, once what it checks next has passed, which no lifting cures either (the loan's
        records, the terms sent)."""
        bank, f, r = await self._as_financier(s, financing_id)
        if f.status != status:
            # an accepted financing's way on is its disbursement, but for one whose claim is due: refused
            # then for good (past-maturity), it ends by cancellation alone, frozen claim or not
            accepted_past_due = f.status == "ACCEPTED" and s.today_iso >= r.due_date
            # accepted, a financing is disbursed once the lifting lets it be, and then repaid or recoursed
            if f.status in LIVE_FINANCING[:LIVE_FINANCING.index(status)] and not accepted_past_due:
                lifecycle.ensure_not_frozen(r)
            if (ended := _how_it_ended(f)) is not None:
                raise rule("invalid-state", f"financing {f.id} is {f.status} (GetFinancing shows it): "
                           f"{ended}{_step_committed_in(f, step, bank)}")
            if accepted_past_due:
                raise rule("invalid-state", f"financing {f.id} is ACCEPTED and was never disbursed, and from "
                           f"its claim's due date {r.due_date} on it can no longer be: nothing was lent to "
                           "repay or take back; end it with CancelFinancing (the holder or the bank), or the "
                           "debtor's payment of the holder (RecordPayment) ends it")
            raise rule("invalid-state",
                       f"financing {f.id} is {f.status}: {refusal}{_step_committed_in(f, step, bank)}")
        _ensure_claim_names_financing(f, r)
        if refused_for_good is not None:
            refused_for_good(f, r)
        if not freeze_checked_after:
            lifecycle.ensure_not_frozen(r)
        return bank, f, r
