"""Recourse on a disbursed financing the debtor has not paid by its due date: the bank's demand on the holder, and
the holder's taking the claim back, which the bank records.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from chaincode.contract import Context, transaction

from . import events, lifecycle
from .arguments import require_text
from .errors import rule
from .model import SETTLED, Financing, OfferTerms, Party, Receivable, RecourseDemand
from .session import Session, rules
from .tx_financing import TERMS_TRANSIENT_KEY, FinancingGroup


def _ensure_not_demanded_again(f: Financing, today_iso: str) -> None:
    """Refused (``recourse-already-demanded``) where ``f``'s latest recourse demand is of ``today_iso`` or later.

    One a day is enough, and it makes a resubmission (a retry after a lost answer) a refusal that says the demand
    is on the ledger, naming its transaction, rather than a second demand. The date is the client's timestamp's,
    which the peers take within their time window: around midnight a host whose clock is minutes behind stamps
    the day before the latest demand's, so every demand up to the latest's day is refused, not only one of its
    day, and the list stays one a day and in order (its last entry the latest demand)."""
    latest = max(f.recourse_demands, key=lambda d: d.on, default=None)
    if latest is None or latest.on < today_iso:
        return
    done = (f"demanded recourse today ({today_iso}) already" if latest.on == today_iso else
            f"demanded recourse on {latest.on} already, and this demand's timestamp dates it {today_iso}, "
            "before that")
    # a demand the first recourse-demand version recorded kept no transaction
    committed = f", in transaction {latest.tx_id}" if latest.tx_id else ""
    raise rule("recourse-already-demanded", f"financing {f.id}: {f.financier} {done}{committed} (GetFinancing "
               "shows the demand); demand again on a later day, or, once the holder has paid, record it with "
               "ExerciseRecourse")


def _ensure_unpaid_and_past_due(r: Receivable, today: date) -> None:
    """Refused where claim ``r`` leaves nothing to recourse (paid in full) or the debtor may still pay it (on or
    before its due date). Neither is cured by lifting a freeze: the date alone cures the second."""
    if r.status == SETTLED:
        raise rule("invalid-state", f"receivable {r.id} is paid in full: nothing is left to recourse; record "
                   "the repayment (RecordRepayment)")
    if today.isoformat() <= r.due_date:
        raise rule("not-yet-due", f"{r.id} is due {r.due_date}; today is {today}: recourse follows the "
                   "debtor's failure to pay by the due date, so call on it from the day after "
                   f"{r.due_date} if the debtor has not paid by then")


class RecourseTransactions(FinancingGroup):
    """DemandRecourse, ExerciseRecourse."""

    async def _recourse_open(self, ctx: Context, s: Session, financing_id: str, step: str, reason: str, *,
                             before_freeze: Callable[[Financing, Receivable], None] | None = None,
                             ) -> tuple[Party, Financing, Receivable]:
        """The calling bank, the financing and its claim, where the bank may call on the holder's recourse
        (demand it, DemandRecourse, or record it met, ExerciseRecourse): the financing's bank, the financing
        DISBURSED (an ended financing is refused by its status first: its bank no longer reads the claim) on
        terms with recourse (the accepted ones again, transient), the claim unpaid and past its due date, and
        not frozen. Both transactions (``step``) refuse by these rules in this order, what ``before_freeze`` refuses
        checked before the terms. The terms, the claim paid or not yet past its due date, and on a frozen claim
        a blank ``reason`` (checked last by the transaction on one not frozen), come before the freeze, as no
        lifting cures any of them: a bank refused as frozen before the due date would wait for the lifting only
        to be told then to wait for the date."""

        def checked_before_freeze(f: Financing, r: Receivable) -> None:
            if before_freeze is not None:
                before_freeze(f, r)
            # the terms are private: the bank passes them, read from its own peer, and only their hash is checked
            if not self._offered_terms(ctx, f.terms_hash).recourse:
                raise rule("without-recourse", f"financing {f.id} was accepted on terms without recourse "
                           "(recourse: false): the bank bears the debtor's default and cannot take the claim back "
                           "to the holder; the debtor still owes it the claim")
            _ensure_unpaid_and_past_due(r, s.today)
            if r.frozen is not None:
                # a blank reason, which no lifting cures, before the freeze; on a claim not frozen each transaction
                # checks it last, after what a demand sent again the same day is told whatever its reason
                require_text(reason, "reason")

        bank, f, r = await self._as_financier_in(s, financing_id, "DISBURSED",
                                                 "recourse is demanded or exercised only on a disbursed "
                                                 "financing the debtor has not paid: an accepted one "
                                                 "is disbursed first (RecordDisbursement); a repaid, "
                                                 "recoursed or ended one has nothing left to recourse "
                                                 "(GetFinancing shows how it ended)", step=step,
                                                 refused_for_good=checked_before_freeze)
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

        def sent_again_after_a_freeze(f: Financing, r: Receivable) -> None:
            # a resubmission after a lost answer, with a freeze recorded on the claim since, is told its demand is
            # on the ledger as on a claim not frozen: refused as frozen, the bank would wait for the lifting and
            # then, on a later day, record a second demand where the first stands
            if r.frozen is not None:
                _ensure_not_demanded_again(f, s.today_iso)

        bank, f, r = await self._recourse_open(ctx, s, financing_id, "DemandRecourse", reason,
                                               before_freeze=sent_again_after_a_freeze)
        _ensure_not_demanded_again(f, s.today_iso)
        why = require_text(reason, "reason")
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
        bank, f, r = await self._recourse_open(ctx, s, financing_id, "ExerciseRecourse", reason)
        why = require_text(reason, "reason")
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
