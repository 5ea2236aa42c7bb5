"""A registered claim's course before any financing: its debtor confirms or rejects it, its creditor withdraws it,
and its holder transfers or splits it.

Apart from registration, which builds a claim from documents, because these move a claim from state to state
under ``lifecycle``'s guards, each on the word of one of its parties.
"""

from __future__ import annotations

from chaincode.contract import Context, transaction

from . import config as cfg
from . import events, keys, lifecycle, money, queries, upgrade
from .arguments import require_text
from .errors import rule
from .model import CONFIRMED, REGISTERED, REJECTED, SPLIT, WITHDRAWN, Receivable
from .schemas import TransferResult
from .session import Session, rules
from .tx_base import TransactionGroup, step_committed_in, step_hidden_by_a_freeze


async def _end_registration(s: Session, r: Receivable, by: str, action: str, reason: str, status: str,
                            reason_field: str, **dated: str) -> str:
    """End a REGISTERED claim its debtor never confirmed (``action`` by party ``by``: RejectReceivable,
    WithdrawReceivable) for ``reason``, kept in ``reason_field``, with ``dated`` fields set: its status becomes
    ``status`` and its invoices and goods receipts are released. Returns the reason as kept, for the caller's
    event (emitted there, so every emit names its event by its ``events`` constant)."""
    # first: a claim confirmed stays confirmed ("reject", "withdraw" in the refusal)
    lifecycle.ensure_status(r, (REGISTERED,), action.removesuffix("Receivable").lower())
    why = require_text(reason, "reason")   # before the freeze: no lifting cures a reason left blank
    lifecycle.ensure_not_frozen(r)
    before = r.model_copy()
    r.status = status
    for name, value in {reason_field: why, **dated}.items():
        setattr(r, name, value)
    r.last = s.action(action, by)
    await upgrade.release_invoices(s.store, r)   # with the current spellings UpgradeLedger registered for it
    await s.store.put_receivable(r, before)
    return why


class LifecycleTransactions(TransactionGroup):
    """ConfirmReceivable, RejectReceivable, WithdrawReceivable, TransferReceivable."""

    @transaction
    @rules
    async def ConfirmReceivable(self, ctx: Context, receivable_id: str) -> Receivable:
        """The debtor confirms (确权): its irrevocable promise to pay the holder at maturity."""
        s = self._session(ctx)
        # what the invoice check below reads first, read with the debtor's party
        debtor, r = await self._as_debtor(s, receivable_id, upgrade.first_reads_of_the_invoice_check)
        # a claim confirmed already or past its due date: refused by that first, as no lifting cures it
        again = (step_committed_in(r.status, r.last, "ConfirmReceivable", debtor.uscc)
                 or step_hidden_by_a_freeze(r.status, r.last, "ConfirmReceivable", CONFIRMED))
        lifecycle.ensure_status(r, (REGISTERED,), "confirm", sent_again=again)
        # the claim stays REGISTERED, holding its invoices, until one of these ends it
        lifecycle.ensure_before_maturity(
            r, s.today, "confirm", f"reject it (RejectReceivable), or its creditor {r.creditor} withdraws it "
            "(WithdrawReceivable) and registers the claim anew with a due date to come")
        # before the freeze: no lifting cures an invoice two live claims hold
        await upgrade.ensure_invoices_back_it_alone(s.store, r, "confirm")
        lifecycle.ensure_not_frozen(r)
        before = r.model_copy()
        r.status, r.confirmed_on = CONFIRMED, s.today_iso
        r.last = s.action("ConfirmReceivable", debtor.uscc)
        await s.store.put_receivable(r, before)
        s.emit(events.RECEIVABLE_CONFIRMED, r.id, debtor=r.debtor, holder=r.holder, face_amount=r.face_amount,
               currency=r.currency)
        return r.to_json()

    @transaction
    @rules
    async def RejectReceivable(self, ctx: Context, receivable_id: str, reason: str) -> Receivable:
        """The debtor rejects a claim it does not owe; its invoices and goods receipts are released."""
        s = self._session(ctx)
        debtor, r = await self._as_debtor(s, receivable_id)
        why = await _end_registration(s, r, debtor.uscc, "RejectReceivable", reason, REJECTED, "rejection_reason")
        s.emit(events.RECEIVABLE_REJECTED, r.id, reason=why)
        return r.to_json()

    @transaction
    @rules
    async def WithdrawReceivable(self, ctx: Context, receivable_id: str, reason: str) -> Receivable:
        """The creditor withdraws a claim it registered that its debtor has not confirmed; its invoices (and goods
        receipts) are released.

        Only the debtor answers a registration, and from the due date on it can no longer confirm it
        (``past-maturity``): a claim it never answers, or one registered with a mistake, would otherwise hold its
        invoices for good, and no corrected claim could be registered on them. Any day, the due date passed or
        not; never while frozen. While REGISTERED the creditor is its holder (nothing moves an unconfirmed claim),
        so the holder's check is the creditor's. WITHDRAWN is final, like REJECTED.
        """
        s = self._session(ctx)
        creditor, r = await self._as_holder(s, receivable_id)
        why = await _end_registration(s, r, creditor.uscc, "WithdrawReceivable", reason, WITHDRAWN,
                                      "withdrawal_reason", withdrawn_on=s.today_iso)
        s.emit(events.RECEIVABLE_WITHDRAWN, r.id, reason=why)
        return r.to_json()

    # ================================================================ split and transfer

    @transaction
    @rules
    async def TransferReceivable(self, ctx: Context, receivable_id: str, to: str, amount: str,
                                 request_id: str = "") -> TransferResult:
        """The holder transfers all of a confirmed claim, or splits part of it off, to another party.

        The whole outstanding amount moves the claim itself; less splits it into
        two children (``<id>.1`` transferred, ``<id>.2`` kept) that add up to it.
        With a ``request_id``, a retry of a transfer that committed returns its result and moves nothing.
        """
        s = self._session(ctx)
        args = (receivable_id, to, amount)
        caller = await s.party((keys.RECEIVABLE, receivable_id), (keys.PARTY, to), request_id=request_id)
        if (done := await s.replay(caller, request_id, "TransferReceivable", *args)) is not None:
            return done
        holder, r = await self._as_holder(s, receivable_id)
        # of a split claim, the parts the holder can move instead, however deep below it
        own_parts = await queries.parts_to_act_on(s.store, r, (CONFIRMED,), holder.uscc)
        lifecycle.ensure_transferable(r, s.today, own_parts)
        # what the caller sent is checked before the freeze and the financing: neither the lifting nor the
        # financing's end cures a wrong recipient or amount, or a split past the depth limit
        # a part of the claim (split-exceeds-amount): held to the claim's cap, so one stored above today's moves whole
        value = money.parse_amount(amount, "amount", cap=money.STORED_AMOUNT_LIMIT)
        recipient = await s.store.require_party(to)
        if recipient.uscc == holder.uscc:
            raise rule("transfer-to-self", f"{holder.uscc} already holds {r.id}, so nothing is changed: "
                       "name another supplier as the recipient (`to`)")
        if recipient.role != cfg.SUPPLIER:
            # a bank is the recipient a holder most often means: it finances the claim instead of holding it
            bank = (" (a bank finances a claim on its holder's RequestFinancing)"
                    if recipient.role == cfg.FINANCIER else "")
            raise rule("recipient-cannot-hold", f"{recipient.uscc} is a {recipient.role}: receivables pass "
                       f"only between suppliers, so name a supplier as the recipient{bank}")
        s.ensure_role_allowed(recipient, "takes part")       # it could never act on the claim it received
        transferred, kept = lifecycle.split_amounts(r.outstanding, value, currency=r.currency)
        if kept != 0:
            lifecycle.ensure_splittable(r)
        lifecycle.ensure_free_to_move(r)
        before = r.model_copy()
        if kept == 0:
            r.holder, r.holder_msp = recipient.uscc, recipient.msp_id
            r.last = s.action("TransferReceivable", holder.uscc)
            await s.store.put_receivable(r, before)
            s.emit(events.RECEIVABLE_TRANSFERRED, r.id, **{"from": holder.uscc, "to": recipient.uscc,
                   "amount": transferred, "currency": r.currency})
            return await s.remember(holder, request_id, "TransferReceivable", args, r.to_json())
        children = []
        for n, (amt, owner) in enumerate(((transferred, recipient), (kept, holder)), 1):
            child = Receivable(
                id=keys.child_id(r.id, n), status=CONFIRMED, debtor=r.debtor, debtor_msp=r.debtor_msp,
                creditor=r.creditor, holder=owner.uscc, holder_msp=owner.msp_id, face_amount=amt, outstanding=amt,
                currency=r.currency, issue_date=r.issue_date, due_date=r.due_date, contract_hash=r.contract_hash,
                root_id=r.root_id, parent_id=r.id, confirmed_on=r.confirmed_on,
                last=s.action("TransferReceivable", holder.uscc))
            await s.store.put_receivable(child, None, split_from=before)
            children.append(child)
        r.status, r.outstanding, r.children = SPLIT, 0, [c.id for c in children]
        r.last = s.action("TransferReceivable", holder.uscc)
        await s.store.put_receivable(r, before)
        # what each part holds, so a follower of the events keeps the parts' balances without reading them
        s.emit(events.RECEIVABLE_SPLIT, r.id, **{"from": holder.uscc, "to": recipient.uscc, "amount": transferred,
               "kept": kept, "currency": r.currency, "children": r.children})
        return await s.remember(holder, request_id, "TransferReceivable", args,
                                {**r.to_json(), "children_records": [c.to_json() for c in children]})
