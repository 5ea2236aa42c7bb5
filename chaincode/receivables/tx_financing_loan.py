"""An accepted financing to its end: the bank's disbursement with its assignment notice, the debtor's
acknowledgement of the notice, the repayment the bank records, and cancellation before disbursement.
"""

from __future__ import annotations

from datetime import date

from chaincode.contract import Context, transaction

from . import collections as colls
from . import config as cfg
from . import events, keys, lifecycle, money
from . import financing as fin
from .arguments import require_text
from .errors import rule
from .model import SETTLED, AssignmentNotice, Financing, OfferTerms, Payment, Receivable, sha256_hex
from .session import rules
from .store_offers import DROPPED_UNCOUNTED, offer_made_records
from .tx_financing import (
    TERMS_TRANSIENT_KEY, FinancingGroup, _cancel_accepted, _ensure_as_offered, _ensure_claim_names_financing,
    _how_it_ended, _ensure_not_frozen_while_live,
)
from .tx_base import step_committed_in


def _days_to_maturity(r: Receivable, today: date) -> int:
    """The days from ``today`` to ``r``'s due date: those a disbursement today would lend for."""
    return (date.fromisoformat(r.due_date) - today).days


class LoanTransactions(FinancingGroup):
    """RecordDisbursement, AcknowledgeAssignment, RecordRepayment, CancelFinancing."""

    @transaction(transient={TERMS_TRANSIENT_KEY: OfferTerms})
    @rules
    async def RecordDisbursement(self, ctx: Context, financing_id: str) -> Financing:
        """The bank records the advance (terms again as transient ``terms``) and notifies the debtor of the
        assignment."""
        s = self._session(ctx)

        def ensure_before_maturity(f: Financing, r: Receivable) -> None:
            # before the freeze: from the due date on no lifting lets the financing be disbursed
            fin.ensure_disbursable_by_date(financing_id=f.id, receivable_id=r.id, due_date=r.due_date,
                                           days=_days_to_maturity(r, s.today))

        # the freeze is checked below, once the loan's records and the terms have passed: no lifting cures those
        bank, f, r = await self._as_financier_in(s, financing_id, "ACCEPTED",
                                                 "disbursement follows acceptance, once",
                                                 step="RecordDisbursement",
                                                 refused_for_good=ensure_before_maturity, freeze_checked_after=True)
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
                       "its holder's and its bank's, and the regulator's where those are one org), so it is not "
                       "disbursed: a financing an earlier contract version accepted gets its policies from "
                       "UpgradeLedger, a claim its orgs from ResealReceivable; then disburse. Any other was "
                       "accepted outside the contract: end it (CancelFinancing)")
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
        lifecycle.ensure_stamped_after(s.now, f.last.at, "RecordDisbursement", f"financing {f.id}'s {f.last.action}")
        d = fin.disbursement(financing_id=f.id, receivable_id=r.id, outstanding=r.outstanding, currency=r.currency,
                             terms=terms, disbursed_on=s.today_iso, due_date=r.due_date,
                             days=_days_to_maturity(r, s.today))
        lifecycle.ensure_not_frozen(r)
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
        await s.store.put_notice(notice, parties=(r.debtor_msp, bank.msp_id))
        await s.store.put_financing(f)
        await s.store.put_receivable(r, before)
        s.emit(events.FINANCING_DISBURSED, r.id, financing_id=f.id, notice_id=notice.id, financier=bank.uscc)
        return f.to_json()

    @transaction
    @rules
    async def AcknowledgeAssignment(self, ctx: Context, notice_id: str) -> AssignmentNotice:
        """The debtor acknowledges the assignment notice (while its financing is disbursed): it will pay the
        financier."""
        s = self._session(ctx)
        await s.store.prefetch(s.binding, (keys.NOTICE, notice_id))
        n = await s.store.notice(notice_id)
        await s.read_with_party((keys.RECEIVABLE, n.receivable_id), (keys.FINANCING, n.financing_id))
        debtor, r = await self._as_debtor(s, n.receivable_id)
        if n.status != "ISSUED":
            # after the debtor's check above: only the notice's debtor learns what acknowledged it
            raise rule("invalid-state", f"notice {n.id} is already {n.status}"
                       f"{step_committed_in(n.status, n.last, 'AcknowledgeAssignment', debtor.uscc)}")
        f = await s.store.financing(n.financing_id)
        # the notice tells the debtor whom to pay until the financing is repaid; acknowledged afterwards, the
        # ledger would show a promise to pay a bank that has been paid
        if f.status != "DISBURSED":
            raise rule("invalid-state", f"notice {n.id} is of financing {f.id}, which is {f.status}: a notice is "
                       "acknowledged only while its financing is DISBURSED; once the bank is repaid the claim owes "
                       "it nothing, so there is nothing left to acknowledge (GetFinancing shows the financing)")
        _ensure_claim_names_financing(f, r)
        # the notice the disbursement issued, under its own key, is the one the claim names, and says what the
        # claim and its financing say: one an earlier contract version issued has no key-level policy until
        # UpgradeLedger gives it one, and the debtor's acknowledgement is its promise to pay whom the notice
        # names
        if not notice_id == n.id == r.notice_id:
            raise rule("invalid-state", f"notice {notice_id} is not the one claim {r.id} names ({r.notice_id}): the "
                       "notice record was changed outside the contract; acknowledge the claim's own notice")
        if (n.financier, n.debtor, n.assignor) != (f.financier, r.debtor, r.holder):
            raise rule("invalid-state", f"notice {n.id} names {n.financier} as the financier, {n.debtor} as the "
                       f"debtor and {n.assignor} as the assignor, but its financing and claim name {f.financier}, "
                       f"{r.debtor} and {r.holder}: the notice record was changed outside the contract, and the "
                       "debtor promises nothing on its word")
        # last: a notice acknowledged or released, or one of a financing no longer disbursed, is refused above
        # whether or not the claim is frozen, so no debtor waits for the lifting only to be refused again
        lifecycle.ensure_not_frozen(r)
        n.status, n.acknowledged_on, n.last = ("ACKNOWLEDGED", s.today_iso,
                                               s.action("AcknowledgeAssignment", debtor.uscc))
        await s.store.put_notice(n)
        s.emit(events.ASSIGNMENT_ACKNOWLEDGED, r.id, notice_id=n.id, financier=n.financier)
        return n.to_json()

    @transaction
    @rules
    async def RecordRepayment(self, ctx: Context, financing_id: str) -> Financing:
        """The financier records that the debtor paid it; the financing closes and the claim is settled."""
        s = self._session(ctx)
        bank, f, r = await self._as_financier_in(s, financing_id, "DISBURSED",
                                                 "repayment follows disbursement, once",
                                                 step="RecordRepayment")
        lifecycle.ensure_paid_after_last_change(r, s.now, "RecordRepayment")
        act = s.action("RecordRepayment", bank.uscc)
        before = r.model_copy()
        # what the claim still owed, recorded as paid to the bank today: none where the debtor's payments settled it
        paid = 0 if r.status == SETTLED else r.outstanding
        if r.status != SETTLED:
            r.payments.append(Payment(amount=r.outstanding, payee=bank.uscc, payee_role="financier", date=s.today_iso,
                                      tx_id=s.tx_id, late=s.today_iso > r.due_date, method="repayment"))
            r.outstanding, r.status = 0, SETTLED
        r.financing_id, r.last = None, act
        f.status, f.repaid_on, f.last = "REPAID", s.today_iso, act
        await s.store.put_financing(f)
        await s.store.put_receivable(r, before)
        s.emit(events.FINANCING_REPAID, r.id, financing_id=f.id, financier=bank.uscc, paid=paid, currency=r.currency)
        return f.to_json()

    @transaction
    @rules
    async def CancelFinancing(self, ctx: Context, financing_id: str, reason: str) -> Financing:
        """The holder or the accepted bank ends an accepted financing the bank has not disbursed.

        Withdrawal is for requests not yet accepted, and the debtor cannot pay
        before disbursement; disbursement is refused from maturity on, and from
        then on the debtor's payment ends the financing too (RecordPayment), as
        this does. The bank leaves the claim: a FINANCED claim is CONFIRMED
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
            if (offer := await self._open_offer_of(s, f, party)) is not None:
                raise rule("not-the-financier", f"{party.uscc} is not the financier of {f.id}: the holder "
                           f"has not accepted its open offer {offer.id} on request {f.id}, so there is no "
                           "accepted financing to cancel; withdraw the offer instead "
                           "(WithdrawFinancingOffer)")
            raise rule("not-the-financier", f"{party.uscc} is not the financier of {f.id}: only the bank whose offer "
                       "was accepted, or the holder, may cancel it")
        # never cancellable, frozen claim or not: named first, so that no one waits for a lifting to learn it
        if f.status == "DISBURSED":
            raise rule("financing-disbursed", f"financing {f.id} was disbursed on {f.disbursed_on}: it ends with "
                       "repayment (RecordRepayment by the bank), not cancellation")
        why = require_text(reason, "reason")   # before the freeze: no lifting cures a reason left blank
        _ensure_not_frozen_while_live(f, r)
        if f.status != "ACCEPTED":
            ended = _how_it_ended(f)
            hint = (": withdraw a request not yet accepted (WithdrawFinancing)" if f.status == "REQUESTED"
                    else f": {ended}" if ended is not None else "")
            # the holder and the bank may each cancel: sent again after a lost answer, the caller's own
            # cancellation is named, which "it was cancelled" alone does not tell from the other party's
            raise rule("invalid-state", f"financing {f.id} is {f.status}: only an accepted financing not yet "
                       f"disbursed can be cancelled{hint}"
                       f"{step_committed_in(f.status, f.last, 'CancelFinancing', party.uscc)}")
        _ensure_claim_names_financing(f, r)
        before = r.model_copy()
        _cancel_accepted(f, r, s.action("CancelFinancing", party.uscc), why, s.today_iso)
        await s.store.put_financing(f)
        await s.store.put_receivable(r, before)
        s.emit(events.FINANCING_CANCELLED, r.id, financing_id=f.id, financier=f.financier, by=party.uscc,
               reason=why, status=r.status)
        return f.to_json()
