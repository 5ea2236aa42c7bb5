"""Settlement: the debtor's payments on a claim (spread pro rata over a split claim's parts) and marking it overdue.

Apart because a payment is on the debtor's word and may reach every part of a split claim at once, ending
financings not disbursed (requested, or accepted) from the due date on (``_ensure_payment_ends_financing``).
"""

from __future__ import annotations

from datetime import date, timedelta

from chaincode.contract import Context, transaction

from . import config as cfg
from . import events, keys, lifecycle, money, queries, settlement
from .errors import PARTS_NAMED, RuleViolation, parts_named, rule
from .model import CONFIRMED, FINANCED, OVERDUE, SETTLED, SPLIT, STATUSES, Payment, Receivable
from .schemas import PaymentResult
from .session import Session, rules
from .store import Store
from .tx_base import TransactionGroup, step_committed_in, step_hidden_by_a_freeze
from .tx_financing import _cancel_accepted, _end_request, _ensure_claim_names_financing

# why the debtor's payment ended a financing a bank accepted and never disbursed (its cancellation_reason)
_ENDED_BY_PAYMENT = ("the debtor's payment, from the claim's due date on, when the bank could no longer "
                     "disburse it (RecordPayment)")


def _ensure_payment_ends_financing(leaf: Receivable, today_iso: str, way_on: str = "", *,
                                   no_one_may_cancel: bool = False) -> None:
    """Refused (``financing-in-progress``) unless a payment on ``leaf``, whose financing is not yet disbursed, may
    end that financing: only from the claim's due date on, whether it is a request no offer of which was accepted
    or a financing a bank accepted.

    From the due date on no bank may offer on a request nor the holder accept an offer, nor may a bank disburse an
    accepted financing (``past-maturity``): neither lends anything any more, and only its holder (or, accepted, its
    bank) could end it, so one left standing would hold back the debtor's payment of the part (and of its whole
    split tree) and have the debtor recorded late. Before then a request is live business between the holder and
    the banks, and an accepted financing one the bank may still disburse, which the debtor's payment must not end:
    the holder withdraws a request to be paid; the debtor pays an accepted financing's bank after disbursement, or
    the holder once the holder or the bank cancels it. ``way_on``: what the debtor can pay meanwhile (other parts
    of a split claim), added when there is something. ``no_one_may_cancel``: neither the holder nor the bank of an
    accepted financing may act (a chaincode definition took the role each is registered in from its org), so the
    refusal names the definition the financing waits on, not a cancellation neither can send, beside the due
    date."""
    if not _financing_holds_back_payment(leaf, today_iso):
        return
    also = f"; {way_on}" if way_on else ""
    if leaf.financier is not None:
        accepted = (f"{leaf.id} has financing {leaf.financing_id} accepted by {leaf.financier}, "
                    "not yet disbursed")
        ends = (f"from its due date {leaf.due_date} on, when the bank can no longer disburse it and the payment "
                "ends it")
        if no_one_may_cancel:
            raise rule("financing-in-progress", f"{accepted}, and neither its holder {leaf.holder} nor "
                       f"{leaf.financier} may cancel it now: this network's configuration (org_roles) lets "
                       "neither's org hold the role its party is registered in, so the financing waits on a "
                       "new chaincode definition giving one of them its role again (`recfin chaincode "
                       "deploy`); then pay once that party cancels it (CancelFinancing), or, the bank's role "
                       f"given back, pay the bank once it disburses it; or pay {ends}{also}")
        raise rule("financing-in-progress", f"{accepted}: pay after disbursement (to the financier), once the "
                   f"holder or the bank cancels it (CancelFinancing), or {ends}{also}")
    raise rule("financing-in-progress", f"{leaf.id} has financing {leaf.financing_id} requested, which banks "
               f"may take up until its due date {leaf.due_date}: pay once its holder withdraws it "
               f"(WithdrawFinancing), or from the due date on, when the payment ends the request{also}")


async def _no_one_may_cancel(s: Session, leaf: Receivable) -> bool:
    """Whether neither party that may cancel ``leaf``'s accepted financing, its holder and its bank, may act:
    a later chaincode definition took the role each is registered in from its org (org_roles). Read only for a
    payment the financing refuses."""
    if leaf.financier is None:
        return False
    parties = [await s.store.party(uscc) for uscc in (leaf.holder, leaf.financier)]
    return not any(p is not None and s.config.may_hold(p.msp_id, p.role) for p in parties)


def _financing_holds_back_payment(leaf: Receivable, today_iso: str) -> bool:
    """Whether ``leaf``'s financing refuses a payment of it (``_ensure_payment_ends_financing``): one not yet
    disbursed (requested, or accepted), before the claim's due date; from then on the payment ends it. A
    disbursed one is paid to its bank."""
    if leaf.financing_id is None or leaf.notice_id is not None:
        return False
    return today_iso < leaf.due_date


# The most parts a payment through a split claim reaches. Each part paid is a write, and the walk to them a
# read of every claim of the tree: at 500 parts some 1,000 reads and 500 writes of about a kilobyte each,
# a read-write set near the orderer's 512 KB preferred block size (BatchSize.PreferredMaxBytes), already one
# that any change to a part between endorsement and commit fails (MVCC_READ_CONFLICT). Two suppliers
# splitting between them can grow a tree at will, and past this its parts are paid one by one.
PAYMENT_PARTS_MAX = 500


async def _parts_a_payment_reaches(store: Store, r: Receivable) -> list[Receivable]:
    """The parts of the split claim ``r`` (settled ones too), read up to one past ``PAYMENT_PARTS_MAX``: more
    are refused ``too-many-parts``, naming the cap and parts to pay one by one."""
    parts: list[Receivable] = []
    async for part in queries.each_leaf(store, r):
        parts.append(part)
        if len(parts) > PAYMENT_PARTS_MAX:
            payable = [p.id for p in parts if p.status in lifecycle.PAYABLE and p.frozen is None]
            first = f": among them {parts_named(payable[:PARTS_NAMED], r.id)}" if payable else ""
            raise rule("too-many-parts", f"a payment through receivable {r.id} would reach more than "
                       f"{PAYMENT_PARTS_MAX} parts, the most one payment is spread over: pay its parts "
                       f"one by one (RecordPayment on each), as GetProvenance {r.id} lists them with their "
                       f"status{first}")
    return parts


def _ensure_past_due(r: Receivable, today_iso: str) -> None:
    """Refused (``not-yet-due``) on or before ``r``'s due date, naming the first day it can be marked: only the
    date cures this, so a party told just that the claim is not overdue would not know when to mark it."""
    if today_iso <= r.due_date:
        due = date.fromisoformat(r.due_date)
        # from the day mark_overdue dates the arrears from; the calendar's last day has none after it
        when = (f"mark it overdue (RecordOverdue) from {due + timedelta(days=1)} if it is unpaid by then"
                if due < date.max else "the calendar has no day after it on which it could be marked overdue")
        raise rule("not-yet-due", f"{r.id} is due {r.due_date}; today is {today_iso}: it is not overdue, as its "
                   f"debtor may pay it until its due date ends; {when}")


def _payable_parts(r: Receivable, parts: list[Receivable]) -> list[Receivable]:
    """The parts of the split claim ``r`` a payment through it is spread over: those still payable.

    None left (every part settled or otherwise ended) is refused ``invalid-state``, as a settled claim never
    split is, rather than as a payment above the nothing outstanding. The parts' statuses are named in the
    lifecycle's order, so every endorsing peer returns the same text."""
    payable = [part for part in parts if part.status in lifecycle.PAYABLE]
    if not payable:
        raise rule("invalid-state", f"cannot record a payment on receivable {r.id} while it is {SPLIT} and "
                   f"every part of it is {_statuses_of(parts)}: nothing is left to pay on it (a payment "
                   f"reaches only a part {' or '.join(lifecycle.PAYABLE)})")
    return payable


def _statuses_of(parts: list[Receivable]) -> str:
    """The statuses the ``parts`` are in, named in the lifecycle's order, so every endorsing peer returns the
    same text."""
    return " or ".join(status for status in STATUSES if any(part.status == status for part in parts))


# The statuses RecordOverdue marks: an OVERDUE claim is marked already, a settled or ended one owes nothing.
MARKABLE = (CONFIRMED, FINANCED)


def _overdue_parts_instead(r: Receivable, parts: list[Receivable], caller: str) -> str:
    """Why the split claim ``r``, past its due date, is not marked overdue by ``caller``, naming the unsplit
    ``parts`` it can mark instead: its direct children may be split in turn or settled, and a refusal naming
    them would send the caller one level down at a time, or to parts with nothing left to mark. A part is
    marked by its own debtor, holder or financier, so a caller other than the debtor is named only the parts
    it holds or finances: any other would refuse it (``not-a-party-to-claim``), and their statuses are not
    its to read."""
    if caller == r.debtor:
        markable = [part.id for part in parts if part.status in MARKABLE]
        if not markable:
            return (f"cannot mark overdue receivable {r.id} while it is {SPLIT} and every part of it is "
                    f"{_statuses_of(parts)}: none is left to mark overdue (only a part "
                    f"{' or '.join(MARKABLE)} is)")
        return (f"cannot mark overdue receivable {r.id} while it is {SPLIT}: its debt is held in its parts "
                f"now, of which {parts_named(markable, r.id)} {'is' if len(markable) == 1 else 'are'} still "
                f"{' or '.join(MARKABLE)}: mark {'it' if len(markable) == 1 else 'those'} overdue instead")
    markable = [part.id for part in parts
                if part.status in MARKABLE and caller in (part.holder, part.financier)]
    held = (f"cannot mark overdue receivable {r.id} while it is {SPLIT}: its debt is held in its parts now, "
            "each marked overdue by its own debtor, holder or financier")
    if not markable:
        return (f"{held}, and none that {caller} holds or finances is left to mark (only a part "
                f"{' or '.join(MARKABLE)} is)")
    return (f"{held}: of those {caller} holds or finances, {parts_named(markable, r.id)} "
            f"{'is' if len(markable) == 1 else 'are'} still {' or '.join(MARKABLE)}: mark "
            f"{'it' if len(markable) == 1 else 'those'} overdue instead")


def _paid_without(r: Receivable, stopping: Receivable, leaves: list[Receivable], today_iso: str) -> str:
    """What the debtor can pay while ``stopping``, a part of the split claim ``r`` that is frozen or whose
    financing holds its payment back, stops a payment through ``r``: the payment is spread over every unpaid
    part (``leaves``), so it is refused whole, but each part neither frozen nor held back by its financing
    takes one of its own. Nothing when ``r`` is no split claim, or no part is free."""
    free = [leaf.id for leaf in leaves
            if leaf.frozen is None and not _financing_holds_back_payment(leaf, today_iso)]
    if r.status != SPLIT or not free:
        return ""
    return (f"a payment through {r.id} is spread over its unpaid parts, {stopping.id} among them, so none is "
            f"recorded: its other parts {parts_named(free, r.id)} can be paid one by one "
            "(RecordPayment on each)")


# What refuses a payment for now, until the regulator lifts a freeze or a financing ends (``_ensure_not_held_back``)
HELD_BACK = ("receivable-frozen", "financing-in-progress")


async def _ensure_not_held_back(s: Session, r: Receivable, leaves: list[Receivable]) -> None:
    """Refused while a freeze order binds ``r`` or one of the ``leaves`` a payment through it reaches
    (``receivable-frozen``), or while a leaf's financing holds its payment back (``financing-in-progress``): each
    naming the parts a payment of their own still reaches."""
    lifecycle.ensure_not_frozen(r)
    for leaf in leaves:
        if leaf.frozen is not None:
            lifecycle.ensure_not_frozen(leaf, _paid_without(r, leaf, leaves, s.today_iso))
        if _financing_holds_back_payment(leaf, s.today_iso):
            _ensure_payment_ends_financing(leaf, s.today_iso, _paid_without(r, leaf, leaves, s.today_iso),
                                           no_one_may_cancel=await _no_one_may_cancel(s, leaf))


class SettlementTransactions(TransactionGroup):
    """RecordPayment, RecordOverdue."""

    @transaction
    @rules
    async def RecordPayment(self, ctx: Context, receivable_id: str, amount: str, request_id: str = "") -> PaymentResult:
        """The debtor records a payment to the payee (holder, or financier once notified).

        On the debtor's word alone: the payee does not acknowledge it, so a payment recorded but never made still
        pays the claim down, or settles it and so ends the bank's recourse, and counts in the debtor's payment
        record (docs/receivables.md, "What the contract does not guarantee").

        Against a claim that was split, the payment is spread pro rata over its
        unpaid leaves, exact to the fen. With a ``request_id``, a retry of a
        payment that committed returns its result and pays nothing twice.
        From the due date on, a leaf paid whose financing is not disbursed has it
        ended: a request as WithdrawFinancing ends it, one a bank accepted as
        CancelFinancing does (``_ensure_payment_ends_financing``).
        """
        s = self._session(ctx)
        args = (receivable_id, amount)
        caller = await s.party_with_role(cfg.CORE_ENTERPRISE, prefetch=((keys.RECEIVABLE, receivable_id),),
                                         request_id=request_id)
        if (done := await s.replay(caller, request_id, "RecordPayment", *args)) is not None:
            return done
        debtor, r = await self._as_debtor(s, receivable_id)
        # at most what is owed (payment-exceeds-outstanding): a claim stored above today's cap can be paid in one go
        value = money.parse_amount(amount, "amount", cap=money.STORED_AMOUNT_LIMIT)
        # refused by its status before a freeze: no lifting makes a claim not yet confirmed, or settled, payable
        if r.status == SPLIT:
            leaves = _payable_parts(r, await _parts_a_payment_reaches(s.store, r))
        else:
            # a payment sent again (without its request id) after it settled the claim: named as the debtor's own
            lifecycle.ensure_status(r, lifecycle.PAYABLE, "record a payment on", today=s.today,
                                    sent_again=step_committed_in(r.status, r.last, "RecordPayment", debtor.uscc))
            leaves = [r]
        owed = [(leaf.id, leaf.outstanding) for leaf in leaves]
        try:
            await _ensure_not_held_back(s, r, leaves)
        except RuleViolation as held_back:
            # an amount above what is owed stays refused once the freeze is lifted or the financing ended: refused
            # by that first, on what is read already, naming what holds the payment back too, so the debtor does
            # not wait for the one only to be refused the other (a record unreadable on the way is refused as is)
            if held_back.code in HELD_BACK:
                settlement.ensure_within_outstanding(value, owed, currency=r.currency, receivable_id=r.id,
                                                     besides=held_back.detail)
            raise
        shares = settlement.allocate_pro_rata(value, owed, currency=r.currency, receivable_id=r.id)
        paid = [leaf for leaf in leaves if shares[leaf.id] != 0]
        for leaf in paid:
            lifecycle.ensure_paid_after_last_change(leaf, s.now, "RecordPayment")
        # the financings not disbursed the payment ends (checked above), read in one round trip
        ending = {leaf.id: leaf.financing_id for leaf in paid
                  if leaf.financing_id is not None and leaf.notice_id is None}
        await s.store.prefetch(*((keys.FINANCING, financing_id) for financing_id in ending.values()))
        act = s.action("RecordPayment", debtor.uscc)
        allocations, withdrawn, cancelled = [], [], []
        for leaf in paid:
            share = shares[leaf.id]
            before = leaf.model_copy()
            if leaf.id in ending:
                f = await s.store.financing(ending[leaf.id])
                if leaf.financier is None:
                    await _end_request(s, f, leaf, act)
                    withdrawn.append({"receivable_id": leaf.id, "financing_id": f.id})
                else:
                    # the claim, under its key-level policy, says the financing is accepted: its record must too
                    _ensure_claim_names_financing(f, leaf)
                    cancelled.append({"receivable_id": leaf.id, "financing_id": f.id, "financier": leaf.financier})
                    _cancel_accepted(f, leaf, act, _ENDED_BY_PAYMENT, s.today_iso)
                    await s.store.put_financing(f)
            to_financier = leaf.notice_id is not None and leaf.financing_id is not None
            payee = leaf.financier if to_financier else leaf.holder
            leaf.payments.append(Payment(amount=share, payee=payee,
                                         payee_role="financier" if to_financier else "holder", date=s.today_iso,
                                         tx_id=s.tx_id, late=s.today_iso > leaf.due_date))
            leaf.outstanding -= share
            if leaf.outstanding == 0:
                leaf.status = SETTLED
            leaf.last = act
            await s.store.put_receivable(leaf, before)
            allocations.append({"receivable_id": leaf.id, "amount": share, "payee": payee,
                                "outstanding": leaf.outstanding})
        # one event per transaction: the requests and accepted financings the payment ended are named in it (with
        # the part, as FinancingWithdrawn and FinancingCancelled name them), as the parts paid are, and only when
        # there are any
        s.emit(events.PAYMENT_RECORDED, r.id, amount=value, currency=r.currency, allocations=allocations,
               **({"financings_withdrawn": withdrawn} if withdrawn else {}),
               **({"financings_cancelled": cancelled} if cancelled else {}))
        return await s.remember(debtor, request_id, "RecordPayment", args, {**r.to_json(), "allocations": allocations})

    @transaction
    @rules
    async def RecordOverdue(self, ctx: Context, receivable_id: str) -> Receivable:
        """The claim's debtor, holder or financier records that it is unpaid past its due date (by the
        transaction's date).

        Its parties only, and that checked before anything about the claim: the answer is the whole claim (an
        evaluate writes nothing and can be repeated), and a refusal naming its status, due date or freeze order
        would tell a caller what GetReceivable refuses it.
        """
        s = self._session(ctx)
        party = await s.party_with_role(cfg.CORE_ENTERPRISE, cfg.SUPPLIER, cfg.FINANCIER,
                                        prefetch=((keys.RECEIVABLE, receivable_id),))
        r = await s.store.receivable(receivable_id)
        if party.uscc not in (r.debtor, r.holder, r.financier):
            raise rule("not-a-party-to-claim", f"{party.uscc} is not the debtor, holder or financier of {r.id}: only "
                       "they may mark it overdue; check the receivable id")
        if r.status == SPLIT:
            # its parts fall due with it: before then the parts its refusal names would be refused in turn
            _ensure_past_due(r, s.today_iso)
            parts = await queries.leaves(s.store, r)
            raise rule("invalid-state", _overdue_parts_instead(r, parts, party.uscc))
        lifecycle.ensure_status(r, MARKABLE, "mark overdue", today=s.today,
                                sent_again=step_committed_in(r.status, r.last, "RecordOverdue", party.uscc)
                                or step_hidden_by_a_freeze(r.status, r.last, "RecordOverdue", OVERDUE))
        _ensure_past_due(r, s.today_iso)
        # last: a claim marked already, or not yet due, is refused above whether or not it is frozen, so no
        # party waits for the lifting only to be refused again
        lifecycle.ensure_not_frozen(r)
        before = r.model_copy()
        lifecycle.mark_overdue(r)
        r.last = s.action("RecordOverdue", party.uscc)
        await s.store.put_receivable(r, before)
        s.emit(events.RECEIVABLE_OVERDUE, r.id, outstanding=r.outstanding, currency=r.currency, due_date=r.due_date)
        return r.to_json()
