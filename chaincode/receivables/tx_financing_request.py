"""Financing a claim, its start: the holder's request to the banks, and its withdrawal while no offer is accepted.
"""

from __future__ import annotations

from chaincode.contract import Context, transaction

from . import events, keys, lifecycle, queries, upgrade
from .errors import rule
from .model import CONFIRMED, OVERDUE, SPLIT, Financing, Receivable
from .session import rules
from .tx_financing import FinancingGroup, _end_request, _ensure_claim_names_financing, _how_it_ended


def _refuse_financing_live(r: Receivable) -> None:
    """The ``financing-already-live`` refusal of a request on ``r``, naming what ends its live financing."""
    raise rule("financing-already-live", f"{r.id} already has live financing {r.financing_id} (GetFinancing "
               f"{r.financing_id} shows it): at most one per receivable, so a new request waits until it "
               f"ends; {lifecycle.financing_way_out(r)}")


class FinancingRequestTransactions(FinancingGroup):
    """RequestFinancing, WithdrawFinancing."""

    @transaction
    @rules
    async def RequestFinancing(self, ctx: Context, receivable_id: str) -> Financing:
        """The holder asks banks to finance a confirmed claim (at most one live financing)."""
        s = self._session(ctx)
        # what the invoice check below reads first (a part's root), read with the holder's party: every request
        # that succeeds makes the check, as a claim with a live financing is refused
        holder, r = await self._as_holder(s, receivable_id, upgrade.first_reads_of_the_invoice_check)
        if r.financing_id is None:
            # a claim not confirmed or past its due date: refused by that before the freeze, as no lifting
            # lets it be financed (one with a live financing: below)
            if r.status == SPLIT:
                # its parts fall due with it: past that date the parts a refusal named would refuse in turn
                lifecycle.ensure_before_maturity(r, s.today, "finance")
            own_parts = await queries.parts_to_act_on(s.store, r, (CONFIRMED,), holder.uscc)
            lifecycle.ensure_status(r, (CONFIRMED,), "finance", today=s.today, parts=own_parts)
            lifecycle.ensure_before_maturity(r, s.today, "finance")
            # before the freeze: no lifting cures an invoice two live claims hold
            await upgrade.ensure_invoices_back_it_alone(s.store, r, "finance")
        elif r.notice_id is not None:
            # a loan disbursed (its notice issued) ends only once the claim is paid, or taken back overdue by
            # recourse, after which it is never financed again: refused by that before the freeze, as no lifting
            # lets the claim be financed (a request or an accepted financing its holder can end is refused by
            # the freeze first: the lifting lets the holder end it)
            _refuse_financing_live(r)
        else:
            # a request or an accepted financing on a claim in arrears or past its due date: ending it first, the
            # way financing-already-live names, would only lead to this request refused for that, as the due date
            # never moves; refused for it first, and before the freeze
            if r.status == OVERDUE:
                lifecycle.ensure_status(r, (CONFIRMED,), "finance", today=s.today)
            lifecycle.ensure_before_maturity(r, s.today, "finance")
        lifecycle.ensure_not_frozen(r)
        if r.financing_id is not None:
            _refuse_financing_live(r)
        f = Financing(id=keys.new_id("F", s.tx_id), receivable_id=r.id, holder=holder.uscc, holder_msp=holder.msp_id,
                      status="REQUESTED", requested_on=s.today_iso, last=s.action("RequestFinancing", holder.uscc))
        before = r.model_copy()
        r.financing_id = f.id
        r.last = f.last
        # under the claim's own orgs: no two other orgs can seal it against the acceptance that must write it
        await s.store.put_financing_request(f, r)
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
        if f.status != "REQUESTED":
            # the way forward from where the financing stands: accepted, it is cancelled; disbursed, the bank
            # is repaid (or takes recourse); ended (cancelled, repaid, recoursed), how and when it ended and
            # what is left, as the bank's steps on it say: a cancelled one's holder may request anew
            accepted = (f": it ends before disbursement by cancellation (CancelFinancing, by the holder or "
                        f"{f.financier})")
            disbursed = (f": {f.financier} has disbursed it, and it ends when the bank records its repayment "
                         "(RecordRepayment) or, on terms with recourse, the holder's taking the claim back "
                         "(ExerciseRecourse)")
            ended = _how_it_ended(f)
            hint = {"ACCEPTED": accepted, "DISBURSED": disbursed}.get(f.status, f": {ended}" if ended else "")
            raise rule("invalid-state", f"financing {f.id} is {f.status}: only a request not yet accepted "
                       f"can be withdrawn{hint}")
        # ending a request the claim does not name would drop the claim's live financing instead
        _ensure_claim_names_financing(f, r)
        # after the status: a financing past its request is never withdrawn, frozen claim or not, so no holder
        # waits for the lifting only to be refused again
        lifecycle.ensure_not_frozen(r)
        before = r.model_copy()
        await _end_request(s, f, r, s.action("WithdrawFinancing", holder.uscc))
        r.last = f.last
        await s.store.put_receivable(r, before)
        s.emit(events.FINANCING_WITHDRAWN, r.id, financing_id=f.id)
        return f.to_json()
