"""The regulator's freeze orders: freezing a claim (queued behind an order in effect) and lifting an order.

Apart because only the regulator acts here, on orders compared by ``order_key``, and because who may lift an
order depends on which regulator org recorded it (``_ensure_may_lift``).
"""

from __future__ import annotations

from typing import Any

from chaincode.contract import Context, transaction

from . import config as cfg
from . import events, keys, lifecycle, queries
from .arguments import require_order_reference, require_text
from .errors import parts_named, rule, shown
from .model import SPLIT, FreezeLifting, FreezeOrder, Party, Receivable, order_key
from .session import Session, rules
from .tx_base import TransactionGroup


# UnfreezeReceivable's ``lifts`` when the caller sends no third argument (the order in effect): told apart by
# identity from any text sent, so an explicit blank is refused, not taken as this
_ORDER_IN_EFFECT: Any = object()


async def _recorder_barring(s: Session, regulator: Party, order: FreezeOrder) -> Party | None:
    """The party that recorded ``order`` where its org alone lifts it, not ``regulator``'s: None where
    ``regulator`` may lift it (``_ensure_may_lift``)."""
    if order.by == regulator.uscc:
        return None
    recorder = await s.store.party(order.by)
    if recorder is None or recorder.msp_id == regulator.msp_id or not s.config.may_hold(recorder.msp_id,
                                                                                         cfg.REGULATOR):
        return None
    return recorder


async def _ensure_may_lift(s: Session, regulator: Party, order: FreezeOrder, r: Receivable) -> None:
    """Refused (``not-the-ordering-regulator``) unless ``regulator`` is of the org whose party recorded ``order``:
    one regulator does not lift another's order, though any party of the recording org may. An order whose
    recording party is not registered, or whose org this network's configuration no longer lets hold the
    regulator role (``org_roles``), is lifted by any regulator: no org could lift it otherwise. The refusal names
    the orders binding ``r`` that ``regulator`` may lift, each by ``lifts``: sent without it, a lifting of its own
    order queued behind another org's would otherwise be told only to wait for that org."""
    recorder = await _recorder_barring(s, regulator, order)
    if recorder is None:
        return
    own = [o for o in r.freeze_orders() if o is not order and await _recorder_barring(s, regulator, o) is None]
    liftable = ", ".join(f"{shown(o.order_reference)} ({'in effect' if o is r.frozen else 'queued'})" for o in own)
    name = "name it in lifts to lift it" if len(own) == 1 else "name in lifts the one to lift"
    way_on = f"; of the orders binding {r.id}, {regulator.msp_id} lifts {liftable}: {name}" if own else ""
    raise rule("not-the-ordering-regulator", f"{r.id}'s freeze order {shown(order.order_reference)} was "
               f"recorded by {recorder.uscc} of {recorder.msp_id}: while {recorder.msp_id} is a regulator org "
               f"(org_roles), only its regulators lift it, not {regulator.msp_id}'s; ask {recorder.msp_id} to lift it"
               + way_on)


def _already_bound(r: Receivable, bound: FreezeOrder, order: str) -> str:
    """The ``already-frozen`` refusal of ``order`` on ``r``, which ``bound`` binds already (in effect or
    queued): where that order stands and the way on. A court's second order queues (轮候冻结), but the same
    order recorded twice would leave the claim bound after the court's one lifting, and a freeze retried
    after a lost answer finds its first call committed, in the transaction named."""
    named = "" if bound.order_reference == order else (
        f" ({shown(order)} is that order, compared regardless of spacing, case and full-width forms)")
    if bound is r.frozen:
        place = "in effect"
    else:
        queued = (f" ({r.queued_freezes.index(bound) + 1} of {len(r.queued_freezes)} in the queue)"
                  if len(r.queued_freezes) > 1 else "")
        place = (f"queued behind order {shown(r.frozen.order_reference)}{queued}, taking effect once the "
                 "orders before it are lifted")
    return (f"{r.id} is already frozen by order {shown(bound.order_reference)}{named}, {place} (recorded by "
            f"{bound.by} on {bound.date} in transaction {bound.tx_id}): an order binds a claim once, "
            "so nothing is recorded; an order of "
            "another reference is queued behind those binding the claim (FreezeReceivable), and this one is "
            f"lifted by UnfreezeReceivable with lifts {shown(bound.order_reference)}")


def _ensure_not_a_lifting_sent_again(r: Receivable, order: str) -> None:
    """Refuse (``lifting-sent-again``) a lifting without ``lifts`` cited by the order that made ``r``'s
    last lifting while an order binds the claim: a retry after a lost answer, or the same call run twice,
    whose "order in effect" is by then another than the one it lifted (the one queued behind it), which it
    would lift too, freeing a claim a court still binds. Whatever changed since: an order recorded between the
    first attempt and the retry (queued, or binding a claim that lifting freed) is no sign that the retry
    meant the order in effect now. Checked in the transaction that lifts, so no client's read of the claim
    can be a block behind; an order that lifts that one as well names it in ``lifts``."""
    kept = r.last_unfreeze
    if kept is None or r.frozen is None or order_key(kept.order_reference) != order_key(order):
        return
    raise rule("lifting-sent-again", f"order {shown(order)} already lifted freeze order "
               f"{shown(kept.lifted)} of {r.id} (transaction {kept.tx_id}, {kept.date}), so nothing is "
               "lifted: sent again without lifts it would lift the order in effect now, "
               f"{shown(r.frozen.order_reference)}, too. If the order lifts that one as well, name it in "
               "lifts; GetReceivableHistory shows each order and its lifting")


def _order_not_binding(r: Receivable, named: str, binding: list[FreezeOrder]) -> str:
    """The ``freeze-order-not-found`` refusal of lifting ``named`` on ``r``, which binds no order of
    it, naming those that do. Where the claim's last lifting lifted that order (a lifting retried with
    ``lifts`` after a lost answer finds its first call committed), it says so and sends no one to lift
    the orders that still bind it: one lifted in its place would free the claim of a court's order."""
    orders = ", ".join(shown(o.order_reference) for o in binding)
    kept = r.last_unfreeze
    if kept is not None and order_key(kept.lifted) == order_key(named):
        return (f"{r.id} is not frozen by order {shown(named)}: order {shown(kept.order_reference)} "
                f"lifted it already (transaction {kept.tx_id}, {kept.date}), so nothing is lifted, and a "
                "lifting sent again after a lost answer committed the first time; the orders that still "
                f"bind it are {orders}, each lifted only by the order that lifts it")
    return (f"{r.id} is not frozen by order {shown(named)}: the orders that bind it are {orders}; "
            "lift one of those")


async def _nothing_to_lift(s: Session, r: Receivable, named: str | None) -> str:
    """The ``not-frozen`` refusal of a lifting on ``r``, which no order binds: the lifting the claim keeps (a
    lifting retried after a lost answer finds its first call committed) and, of a split claim, the parts that
    are frozen, each on its own, whose orders are lifted there: with ``lifts`` (``named``), those that order
    binds, in effect or queued, as a lifting naming it on another part is refused
    ``freeze-order-not-found``."""
    kept = r.last_unfreeze
    lifted = ("it records no lifting" if kept is None else
              f"its last lifting, by order {shown(kept.order_reference)} on {kept.date}, lifted order "
              f"{shown(kept.lifted)}")
    way_on = "check the receivable id against the order (GetReceivable shows a claim's freeze orders)"
    if r.status == SPLIT:
        parts = await queries.leaves(s.store, r)
        frozen = [leaf.id for leaf in parts if leaf.frozen is not None]
        bound = frozen if named is None else [leaf.id for leaf in parts if leaf.freeze_order_named(named)]
        order = "the order" if named is None else f"order {shown(named)}"
        way_on = (f"its debt is held in its parts, each frozen on its own, and {order} is lifted on those "
                  "it binds (GetReceivable of a part shows its orders); "
                  f"{'frozen are' if named is None else 'it binds'} {parts_named(bound, r.id)}"
                  if bound else
                  f"its debt is held in its parts, and {order} binds none of them; frozen by other orders "
                  f"are {parts_named(frozen, r.id)}" if frozen else
                  "its debt is held in its parts, and none of them is frozen either")
    return f"{r.id} is not frozen: no freeze order binds it, so there is nothing to lift ({lifted}); {way_on}"


class FreezeTransactions(TransactionGroup):
    """FreezeReceivable, UnfreezeReceivable."""

    @transaction
    @rules
    async def FreezeReceivable(self, ctx: Context, receivable_id: str, order_reference: str) -> Receivable:
        """The regulator freezes a claim under an order: nothing changes until it is unfrozen. Validated against the
        claim's key-level policy before it (the debtor's and the holder's orgs, the bank's while financed), the
        freeze adds the regulator's org to it (``policy.endorsing_orgs``), so that the orgs it binds cannot lift it
        between them: every later write of the claim, the unfreeze included, needs the regulator's peer too.
        That holds once it commits, and only then: validated against the policy before it, the freeze needs the
        endorsement of each org it binds, so one whose peer refuses it or does not answer keeps it from committing,
        and one that commits a change of the claim first (a transfer, a discount, a payment) makes it fail
        MVCC_READ_CONFLICT; the order is then enforced off the ledger (docs/receivables.md, "What the contract does
        not guarantee").

        On a claim another order freezes already, the order is queued (轮候冻结, ``queued_freezes``): it takes
        effect when the orders before it are lifted, so lifting the first does not free a claim the second binds.
        An order that binds the claim already, in effect or queued, is refused ``already-frozen``: references are
        compared by ``order_key`` (NFKC, whitespace collapsed, case folded), so ``（2026）沪0101财保1号`` is
        ``(2026)沪0101财保1号``, and stored as given (trimmed)."""
        s = self._session(ctx)
        regulator = await s.party_with_role(cfg.REGULATOR, prefetch=((keys.RECEIVABLE, receivable_id),))
        order = require_order_reference(order_reference, "order_reference")
        r = await s.store.receivable(receivable_id)
        # compared by ``order_key``: the same order typed with other spacing, case or full-width characters
        if (bound := r.freeze_order_named(order)) is not None:
            raise rule("already-frozen", _already_bound(r, bound, order))
        if r.status == SPLIT:
            # a split claim never changes again: the debt is held in its parts now, each frozen on its own, so
            # the refusal names those a freeze would take (live, not bound by this order yet: one another order
            # freezes takes it queued), in id order as on every peer
            parts = [leaf.id for leaf in await queries.leaves(s.store, r) if leaf.status in lifecycle.LIVE
                     and leaf.freeze_order_named(order) is None]
            advice = (f"freeze those of its parts the order names: {parts_named(parts, r.id)}" if parts else
                      "none of its parts can be frozen either: each is settled or frozen by this order already")
            raise rule("invalid-state", f"cannot freeze receivable {r.id} while it is SPLIT: {advice}")
        lifecycle.ensure_status(r, lifecycle.LIVE, "freeze")
        before = r.model_copy()
        recorded = FreezeOrder(order_reference=order, by=regulator.uscc, date=s.today_iso, tx_id=s.tx_id)
        queued = r.frozen is not None
        if queued:
            # a new list: ``before`` (a shallow copy) shares the old one, and the store compares the two
            r.queued_freezes = [*r.queued_freezes, recorded]
        else:
            r.frozen = recorded
        r.last = s.action("FreezeReceivable", regulator.uscc)
        await s.store.put_receivable(r, before)
        s.emit(events.RECEIVABLE_FROZEN, r.id, order_reference=order, queued=queued)
        return r.to_json()

    @transaction
    @rules
    async def UnfreezeReceivable(self, ctx: Context, receivable_id: str, order_reference: str,
                                 lifts: str = _ORDER_IN_EFFECT) -> Receivable:
        """The regulator lifts a freeze order, citing the order that lifts it: ``lifts`` names the freeze order
        lifted (compared as FreezeReceivable compares them, by ``order_key``); left out (as a client before queued
        orders calls it), the one in effect. A blank ``lifts`` is refused ``argument-invalid``: it names no order,
        and taken as the one in effect it would lift the order with priority, which cannot be put back in its
        place. Lifting the order in effect makes the first queued one take effect, so the claim stays frozen;
        lifting a queued one takes it off the queue.
        Only when the last order is lifted is the claim free: ``frozen`` null, and its policy drops the regulator's
        org (which endorses the lifting with the claim's others; a claim an earlier contract version froze never
        had it). The claim keeps the lifting order and the order it lifted (``last_unfreeze``) until a later
        lifting. Without ``lifts``, the order that made that lifting is refused while an order binds the
        claim, whatever was recorded since (``lifting-sent-again``): sent again after a lost answer, it would
        lift the next order too. A ``lifts`` that binds no order of the claim is refused
        ``freeze-order-not-found`` naming those that do (and, where the claim's last lifting lifted that
        order, that lifting: sent again, it lifts nothing twice). An order is lifted by a regulator of the
        org whose party recorded it, not by another regulator org (``not-the-ordering-regulator``;
        ``_ensure_may_lift`` says when any regulator may)."""
        s = self._session(ctx)
        regulator = await s.party_with_role(cfg.REGULATOR, prefetch=((keys.RECEIVABLE, receivable_id),))
        order = require_order_reference(order_reference, "order_reference")
        if lifts is _ORDER_IN_EFFECT:
            named = None
        elif not lifts.strip():
            raise rule("argument-invalid", "lifts is blank: name the freeze order lifted, or leave lifts out to "
                                           "lift the order in effect")
        else:
            named = require_text(lifts, "lifts", 200)
        r = await s.store.receivable(receivable_id)
        if r.frozen is None:
            raise rule("not-frozen", await _nothing_to_lift(s, r, named))
        binding = r.freeze_orders()
        # an invisible-only lifts names only an order stored so exactly (by an earlier contract, which took one)
        if named is not None and not any(o.order_reference == named for o in binding):
            named = require_order_reference(named, "lifts")
        if named is None:
            _ensure_not_a_lifting_sent_again(r, order)
        lifted = binding[0] if named is None else r.freeze_order_named(named)
        if lifted is None:
            raise rule("freeze-order-not-found", _order_not_binding(r, named, binding))
        await _ensure_may_lift(s, regulator, lifted, r)
        before = r.model_copy()
        rest = [o for o in binding if o is not lifted]
        r.frozen, r.queued_freezes = (rest[0], rest[1:]) if rest else (None, [])
        r.last_unfreeze = FreezeLifting(order_reference=order, lifted=lifted.order_reference, by=regulator.uscc,
                                        date=s.today_iso, tx_id=s.tx_id)
        r.last = s.action("UnfreezeReceivable", regulator.uscc)
        await s.store.put_receivable(r, before)
        s.emit(events.RECEIVABLE_UNFROZEN, r.id, order_reference=order, lifted=lifted.order_reference,
               frozen_by=r.frozen.order_reference if r.frozen else None)
        return r.to_json()
