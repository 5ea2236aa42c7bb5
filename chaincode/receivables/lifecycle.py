"""The receivable state machine and the guards every change passes.

    REGISTERED --confirm--> CONFIRMED --split/transfer--> SPLIT (children CONFIRMED)
        |                      |
        +--reject--> REJECTED  +--accept a financing offer--> FINANCED
        |
        +--withdraw (its creditor)--> WITHDRAWN
    FINANCED --financing cancelled before disbursement--> CONFIRMED (an OVERDUE claim stays OVERDUE)
    CONFIRMED / FINANCED --due date passes, unpaid--> OVERDUE
    CONFIRMED / FINANCED / OVERDUE --paid in full / discounted / repaid--> SETTLED

Freezing is not a status: a frozen receivable keeps its status and accepts no
change until the regulator lifts every freeze order that binds it (later orders queue
behind the one in effect, 轮候冻结).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, timedelta
from typing import NamedTuple

from . import dates
from .errors import parts_named, rule, shown
from .money import MAX_AMOUNT, amount_text, amount_to_send
from .model import (
    CONFIRMED, FINANCED, OVERDUE, REGISTERED, REJECTED, SETTLED, SPLIT, WITHDRAWN, DiscountOffer, Receivable,
)

# Tuples in the lifecycle's order, not sets: ensure_status names the allowed statuses in a refusal, and a set's
# order follows the process's hash seed, so endorsing peers would return different text for one refusal.
LIVE = (REGISTERED, CONFIRMED, FINANCED, OVERDUE)
PAYABLE = (CONFIRMED, FINANCED, OVERDUE)
# Ended before confirmation, its invoices released (upgrade.release_invoices): rejected by its debtor, or withdrawn
# by its creditor. Nothing takes a claim out of either, so its invoices back nothing and may back a new claim.
RELEASED = (REJECTED, WITHDRAWN)

# How many splits below its root a claim may lie. A split has two children, the part transferred and the part
# kept, so each partial transfer of a kept part goes one level deeper: the bound caps the partial transfers
# along one line of a lineage. It keeps GetProvenance's nested tree within what JSON readers accept (the SDK's
# parser stops at 200 levels of nesting, two per split, so at 99 splits) and ids short (2 characters a level).
# A whole transfer goes no deeper, so a claim at the limit still moves.
MAX_SPLIT_DEPTH = 64


def ensure_not_frozen(r: Receivable, way_on: str = "") -> None:
    """Refused while any freeze order binds ``r``. ``frozen`` is set whenever one does: an order queued behind
    another (``queued_freezes``) takes its place when the one in effect is lifted, so reading it is enough.
    ``way_on``: what the caller can do meanwhile, added to the refusal when there is something."""
    if r.frozen is not None:
        queue = f" ({len(r.queued_freezes)} more queued behind it)" if r.queued_freezes else ""
        raise rule("receivable-frozen", f"receivable {r.id} is frozen by order {shown(r.frozen.order_reference)}"
                   f"{queue}: it accepts no change until the regulator unfreezes it"
                   + (f"; {way_on}" if way_on else ""))


class SplitParts(NamedTuple):
    """Of a ``SPLIT`` claim, the parts not split again that a caller could act on instead of it
    (``queries.parts_to_act_on``), in id order: in the statuses the action takes, and held by ``holder`` where
    the action is its holder's (None: whoever holds them, for the debtor)."""

    ids: list[str]
    holder: str | None


def split_parts_instead(r: Receivable, parts: SplitParts, statuses: str, action: str) -> str:
    """What a refusal of ``action`` on ``r``, a ``SPLIT`` claim, adds: the ``parts`` to take it on instead,
    however deep the splits below it, or that none is left. Its direct children may be split again, settled or
    held by another supplier, and naming them would send the caller one level down at a time, or to parts it
    cannot act on; past 10 the first 10 are named and how many more (``parts_named``)."""
    held = f" held by {parts.holder}" if parts.holder is not None else ""
    if not parts.ids:
        return (f"; its debt is held in its parts now, and none of them{held} is left {statuses} "
                f"(GetProvenance {r.id} shows each part's status)")
    one = len(parts.ids) == 1
    return (f"; its debt is held in its parts now, of which {parts_named(parts.ids, r.id)}{held} "
            f"{'is' if one else 'are'} {statuses}: {action} {'it' if one else 'those'} instead")


def ensure_status(r: Receivable, allowed: Sequence[str], action: str, *, today: date | None = None,
                  sent_again: str = "", parts: SplitParts | None = None) -> None:
    """Refused unless ``r`` is in one of the ``allowed`` statuses, named in the order given (never a set's:
    the refusal text must be the same on every endorsing peer). ``today``, when the caller knows it: a claim
    its debtor has yet to confirm is named as past confirming once its due date has come. ``sent_again``:
    where the caller's own step sent before made the status, the transaction it committed in
    (``tx_base.step_committed_in``), ending the refusal. ``parts``: of a ``SPLIT`` claim, the parts the caller
    could take the action on instead (``queries.parts_to_act_on``), named by the refusal. Every refusal says
    where the claim stands and what, if anything, is left to do with it (``where_it_stands``)."""
    if r.status not in allowed:
        statuses = " or ".join(allowed)
        raise rule("invalid-state", f"cannot {action} receivable {r.id} while it is {r.status}: "
                   f"only when {statuses}{where_it_stands(r, allowed, action, today, parts)}{sent_again}")


def where_it_stands(r: Receivable, allowed: Sequence[str], action: str, today: date | None = None,
                    parts: SplitParts | None = None) -> str:
    """What a refusal of ``action`` on ``r``, in a status not ``allowed``, adds: how the claim came to stand
    where it does, and the step, if any, open to its parties from there; or that none is, where its status is
    final. "only when CONFIRMED" alone would send a caller to wait for a status the claim may never get back.
    ``today``, ``parts``: as ``ensure_status`` takes them."""
    if r.status == REGISTERED:
        # a claim its debtor has yet to answer: confirmation is the step that lets the action on, refused from
        # the due date on (past-maturity), so from then on the refusal names what ConfirmReceivable's does
        return _confirmation_way(r, today)
    if r.status == SPLIT:
        # A split's parts begin CONFIRMED and carry the claim's debt from then on, so an action a CONFIRMED
        # claim takes is one to take on them: the refusal names them, as a split claim never changes again.
        if CONFIRMED in allowed and parts is not None:
            return split_parts_instead(r, parts, " or ".join(allowed), action)
        return (f"; its debt is held in its parts now ({parts_named(r.children, r.id)}), each acted on in its own "
                f"right, and a split claim never changes again: GetProvenance {r.id} shows each part's status")
    if r.status == REJECTED:
        return (f"; its debtor {r.debtor} rejected it, which is final: no step acts on it again, and its invoices "
                f"are released, so its creditor {r.creditor} registers a new claim on them (RegisterReceivable), "
                "with nothing to withdraw first")
    if r.status == WITHDRAWN:
        on = f" on {r.withdrawn_on}" if r.withdrawn_on else ""
        return (f"; its creditor {r.creditor} withdrew it{on}, which is final: no step acts on it again, and its "
                "invoices are released, free to back a new claim (RegisterReceivable)")
    if r.status == SETTLED:
        return "; it is paid in full, which is final: nothing is left to pay on it, and no step acts on it again"
    if r.status == OVERDUE:
        since = f", in arrears since {r.overdue_since}" if r.overdue_since else ""
        return (f"; it fell due on {r.due_date} unpaid{since}, and is never CONFIRMED again: what is left is for "
                f"its debtor {r.debtor} to pay it (RecordPayment)")
    if r.status == FINANCED and CONFIRMED in allowed:
        return f"; it has a live financing ({r.financing_id}), at most one per claim: {financing_way_out(r)}"
    if r.status in (CONFIRMED, FINANCED):
        on = f" on {r.confirmed_on}" if r.confirmed_on else ""
        return (f"; its debtor {r.debtor} confirmed it{on}, an irrevocable promise to pay that no step undoes: "
                f"what is left is for the debtor to pay it by its due date {r.due_date} (RecordPayment)")
    return ""


def _confirmation_way(r: Receivable, today: date | None) -> str:
    """What lets an action on ``r``, a claim its debtor has yet to confirm: the confirmation before its due
    date, or, that date come by ``today``, what ConfirmReceivable's ``past-maturity`` refusal names instead."""
    if today is None or today < date.fromisoformat(r.due_date):
        return (f"; its debtor {r.debtor} confirms it first (ConfirmReceivable), before its due date "
                f"{r.due_date}")
    return (f"; it fell due on {r.due_date} unconfirmed, and its debtor {r.debtor} can no longer confirm it: "
            f"the debtor rejects it (RejectReceivable), or its creditor {r.creditor} withdraws it "
            "(WithdrawReceivable) and registers the claim anew with a due date to come")


def ensure_before_maturity(r: Receivable, today: date, action: str, way_on: str = "") -> None:
    """Refused on or after ``r``'s due date. ``way_on``: what the caller can do instead, added to the refusal
    when there is something (the due date never moves)."""
    if date.fromisoformat(r.due_date) <= today:
        raise rule("past-maturity", f"receivable {r.id} fell due on {r.due_date}: cannot {action} it on or "
                   "after maturity" + (f"; {way_on}" if way_on else ""))


def is_overdue(r: Receivable, today: date) -> bool:
    """Unpaid past its due date on ``today``: marked OVERDUE, or CONFIRMED or FINANCED with its due date gone by.

    RecordOverdue is bookkeeping any party to the claim may or may not have run: a claim that is not paid by
    its due date is in arrears either way, so no figure of what is overdue can hang on that call."""
    return r.status == OVERDUE or (r.status in PAYABLE and date.fromisoformat(r.due_date) < today)


def mark_overdue(r: Receivable) -> None:
    """``r``, unpaid past its due date, becomes OVERDUE, in arrears since the day after that date (whenever it is
    marked, and by whichever transaction)."""
    r.status = OVERDUE
    r.overdue_since = (date.fromisoformat(r.due_date) + timedelta(days=1)).isoformat()


# How far before a change that committed first a step may be stamped by honest clients: peers checking proposal
# timestamps take each within their time window of their own clocks, so the first may be stamped that much ahead
# and the second that much behind.
MISORDER_ALLOWED = 2 * dates.PEER_TIME_WINDOW


def ensure_stamped_after(now: str, earlier: str, step: str, follows: str) -> None:
    """Refused (``timestamp-out-of-order``) where ``step``, stamped ``now``, is stamped more than
    ``MISORDER_ALLOWED`` before ``earlier``, the stamp of ``follows``, a change that committed before it. No two
    clients within the peers' time window stamp so; a client the peers did not hold to it (peers without the
    check, docs/network.md) could date a disbursement weeks before its acceptance, or a payment on time on a
    claim marked overdue weeks after its due date. Within that allowance both stamps stand, as the window lets
    them (docs/receivables.md, "Rules that hold everywhere"). A stamp a record two orgs wrote need not hold is
    passed over."""
    if not (dates.is_time(now) and dates.is_time(earlier)):
        return
    # compared as a difference: the allowance taken off a stamp in the first 30 minutes of year 1 (a wrong clock's)
    # would fall before any datetime (OverflowError)
    if dates.as_time(earlier) - dates.as_time(now) > MISORDER_ALLOWED:
        minutes = MISORDER_ALLOWED // timedelta(minutes=1)
        raise rule("timestamp-out-of-order", f"this {step} is stamped {now}, more than {minutes} minutes before "
                   f"{follows} ({earlier}), which committed before it: no two clients within the peers' time window "
                   "stamp so, so its client's clock is wrong; nothing is recorded: send it again from a client "
                   "whose clock is right")


def ensure_paid_as_overdue(r: Receivable, now: str, step: str) -> None:
    """``ensure_stamped_after`` for a payment of ``r``: marked OVERDUE, it was marked from the start of the day
    after its due date (China time) on, which its payment follows."""
    if r.status == OVERDUE:
        arrears_from = date.fromisoformat(r.due_date) + timedelta(days=1)
        # ensure_stamped_after writes the stamp right after these words: they end on the day it starts
        ensure_stamped_after(now, dates.start_of(arrears_from), step, f"the marking of {r.id} OVERDUE (due "
                             f"{r.due_date}), stamped no earlier than the start of {arrears_from.isoformat()} in China")


def ensure_paid_after_last_change(r: Receivable, now: str, step: str) -> None:
    """``ensure_stamped_after`` for a payment of ``r`` (the debtor's, the repayment a bank records, an early
    payment): stamped no earlier than its marking OVERDUE (``ensure_paid_as_overdue``), nor than the claim's last
    change, which committed before it. Stamped before a lifting of its freeze, or the end of a financing that held
    the payment back, both past the due date, a payment would be recorded on time on a day the claim could not be
    paid; before a disbursement, the repayment would be dated before the bank lent anything; before the transfer
    to its holder, an early payment would be reckoned for days its holder did not hold it."""
    ensure_paid_as_overdue(r, now, step)
    ensure_stamped_after(now, r.last.at, step, f"{r.id}'s {r.last.action}")


def ensure_actionable_but_for_financing(r: Receivable, today: date, action: str,
                                        due_way_on: str = "", *, sent_again: str = "",
                                        parts: SplitParts | None = None) -> None:
    """Refused for what no step of a financing cures, before a caller names its financing's way out: a claim
    settled (paid to its bank, whose repayment record is still to come), overdue, split or otherwise not
    CONFIRMED, or past its due date stays refused once the financing ends, so naming the way out would send
    the holder to end the financing for an ``action`` refused all the same. FINANCED passes: its financing is
    the caller's to refuse, with the way out. ``due_way_on``: what is left to do with a claim past its due
    date, added to that refusal. ``sent_again``, ``parts``: as ``ensure_status`` takes them, for a status
    refused."""
    if r.status == SPLIT:
        # its parts fall due with it: past that date the parts its refusal names would be refused in turn
        ensure_before_maturity(r, today, action, due_way_on)
    if r.status == OVERDUE and due_way_on:
        # marked in arrears, it is never CONFIRMED again: "only when CONFIRMED" alone would send the caller to
        # wait for a status it cannot get back, so the refusal says what is left, as past-maturity's does
        raise rule("invalid-state", f"cannot {action} receivable {r.id} while it is {OVERDUE}: it fell due on "
                   f"{r.due_date} unpaid; {due_way_on}")
    if r.status != FINANCED:
        ensure_status(r, (CONFIRMED,), action, today=today, sent_again=sent_again, parts=parts)
    ensure_before_maturity(r, today, action, due_way_on)


def ensure_transferable(r: Receivable, today: date, parts: SplitParts | None = None) -> None:
    """What the claim refuses a split or transfer for, whatever its freeze: the caller checks what it was sent
    next, and then ``ensure_free_to_move``, what a lifting or the end of a financing lets through."""
    # ``parts``: of a SPLIT claim, the holder's parts to move instead (``queries.parts_to_act_on``).
    # A claim past its due date is a debt in arrears whether or not RecordOverdue has run yet: moving it
    # would give children that look current, so the rule cannot hang on that bookkeeping call. Refused by
    # that before the freeze, as no lifting lets such a claim move.
    # the holder is told what is left: the due date never moves, so no wait lets the claim move again
    ensure_actionable_but_for_financing(r, today, "split or transfer", "a claim that has fallen due is paid, "
                                        f"no longer moved: its debtor {r.debtor} pays it (RecordPayment)",
                                        parts=parts)
    # A loan disbursed (its notice issued) ends only once the claim is paid, or taken back overdue by recourse,
    # after which it never moves: refused by that before the freeze too, as no lifting lets such a claim move.
    if _financed(r) and r.notice_id is not None:
        _refuse_financed(r)


def ensure_free_to_move(r: Receivable) -> None:
    """A split or transfer of ``r``, which ``ensure_transferable`` passed, refused while a freeze binds it, then
    while a financing its holder can end (a request, an accepted financing not yet disbursed) is live: last, as
    the lifting and that end let it through, so that no caller waits for them only to be refused again."""
    ensure_not_frozen(r)
    if _financed(r):
        _refuse_financed(r)


def _financed(r: Receivable) -> bool:
    return r.status == FINANCED or r.financing_id is not None


def _refuse_financed(r: Receivable) -> None:
    """The ``receivable-financed`` refusal of a split or transfer of ``r``, naming what ends its financing."""
    raise rule("receivable-financed", f"receivable {r.id} has a live financing ({r.financing_id}): "
               f"a financed receivable cannot be split or transferred; {financing_way_out(r)}")


def financing_way_out(r: Receivable) -> str:
    """What ends ``r``'s live financing at the stage the claim says it is at, for a refusal the financing
    stands in the way of (a transfer, a discount): withdrawal ends only a request, cancellation only an
    accepted financing not yet disbursed, and a disbursed one is over once the debtor pays the bank."""
    return way_out_of_financing(r.financier, disbursed=r.notice_id is not None)


def way_out_of_financing(bank: str | None, *, disbursed: bool) -> str:
    """``financing_way_out`` for a financing at a stage told apart: ``bank`` None for a request, else the bank
    that accepted it (its credit code, or "the bank" for a reader that knows none), ``disbursed`` once it has
    lent. The SDK's pricing (``client.pricing``) says why early payment waits in these words too."""
    if bank is None:
        return "its holder withdraws the request first (WithdrawFinancing)"
    if not disbursed:
        return f"the holder or {bank} cancels it first (CancelFinancing), as it is not yet disbursed"
    return f"{bank} has disbursed it, and the debtor pays the bank"


def split_depth(r: Receivable) -> int:
    """How many splits below its root ``r`` lies: each split adds ``.1`` or ``.2`` to the id (``keys.child_id``)."""
    return r.id[len(r.root_id):].count(".")


# What ``keys.child_id`` appends to a parent's id, once per split: ``.`` and the part's number.
_SPLIT_STEPS = re.compile(r"(?:\.[0-9]+)+")


def is_part_of(receivable_id: str, claim_id: str) -> bool:
    """Whether ``receivable_id`` is the claim ``claim_id`` or a part split from it, at any depth. A part's id is
    its parent's with ``.1`` or ``.2`` added (``keys.child_id``), so what follows the claim's id must be such
    steps and nothing else: ``R-10`` is no part of ``R-1``, nor ``R-1.10`` of ``R-1.1``."""
    return receivable_id == claim_id or (receivable_id.startswith(claim_id)
                                         and _SPLIT_STEPS.fullmatch(receivable_id, len(claim_id)) is not None)


def discount_offer_covers(offer: DiscountOffer, claim: Receivable) -> bool:
    """Whether a holder may take the early-payment ``offer`` on ``claim`` (AcceptDiscountOffer): the claim's
    debtor published it, and it lists no claims (every payable of the debtor) or lists the claim or one the claim
    was split from. A split changes who holds each part, not the debt the debtor offered to pay early.

    The SDK's records of an offer and a claim have the fields read here, so ``finance compare`` judges them by
    this rule too (client/pricing/ledger.py)."""
    return offer.debtor == claim.debtor and (not offer.receivable_ids
                                             or any(is_part_of(claim.id, listed) for listed in offer.receivable_ids))


def ensure_splittable(r: Receivable) -> None:
    if (depth := split_depth(r)) >= MAX_SPLIT_DEPTH:
        raise rule("split-too-deep", f"receivable {r.id} lies {depth} splits below its root {r.root_id}, the most a "
                   f"lineage allows ({MAX_SPLIT_DEPTH}, so its provenance stays readable): transfer the whole "
                   "outstanding amount instead of part of it")


def split_amounts(face: int, amount: int, *, currency: str) -> tuple[int, int]:
    """The two children of a split: the part transferred and the part kept. They add up to the face."""
    if amount > face:
        raise rule("split-exceeds-amount", f"cannot split {amount_text(amount, currency)} off a receivable of "
                   f"{amount_text(face, currency)}: the part transferred must not exceed the outstanding amount")
    kept = face - amount
    if kept != 0 and max(amount, kept) > MAX_AMOUNT:
        # A claim stored under the earlier cap (money.STORED_AMOUNT_LIMIT) moves whole as it is, but a split
        # writes two new records: an amount above MAX_AMOUNT in them would not read exactly in every JSON
        # parser, which every record written since the cap came in does.
        low, high, larger = max(face - MAX_AMOUNT, 1), MAX_AMOUNT, max(amount, kept)
        within = (f", or split off between {amount_to_send(low, currency)} and {amount_to_send(high, currency)}"
                  if low <= high else "")
        raise rule("amount-too-large", f"splitting {amount_text(amount, currency)} off a receivable of "
                   f"{amount_text(face, currency)} would write a part of {amount_text(larger, currency)}: "
                   f"each part of a split is capped at {amount_text(MAX_AMOUNT, currency)} ({MAX_AMOUNT} fen, the "
                   f"most every JSON parser reads exactly); transfer the whole outstanding amount{within}")
    return amount, kept
