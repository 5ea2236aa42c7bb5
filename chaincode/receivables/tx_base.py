"""The base of the groups of transactions ``ReceivablesContract`` is composed of.

Each ``tx_*`` module holds one business area's transactions as a class deriving from ``TransactionGroup``; the
contract class mixes them together. What a group takes from the contract it is mixed into (its configuration, its
collections, a ``Session`` per transaction) is named here, and so are the checks that the caller is a claim's
debtor or its holder, which the lifecycle, financing, discounting and settlement groups all make, and what a
step a record's status allows once says when it is sent again (``step_committed_in``).
"""

from __future__ import annotations

from collections.abc import Callable

from chaincode.contract import Context

from . import config as cfg
from . import keys
from .errors import rule
from .model import Action, Party, Receivable
from .session import Session


def step_committed_in(status: str, last: Action, step: str, caller: str) -> str:
    """For the refusal of ``step`` by ``caller`` (a credit code) on a record now in ``status``: where the
    record's last change ``last`` is that same step by that same party, which took it into ``status``, the
    transaction it committed in; "" where a later change followed (a freeze or its lifting too: a claim keeps
    no other record of a confirmation's or an overdue marking's transaction), another step made it, or another
    party.
    A step a status allows once and that takes no request id (a confirmation, an acknowledgement, an
    acceptance of a discount, a disbursement) sent again after its answer was lost (a timeout, Ctrl-C) is
    refused by that status: this tells the caller its own first attempt committed, and in which transaction,
    which the lost answer's line named, where the status alone could as well be another's change. Only for a
    caller the transaction's own checks let read the record, as the transaction id and time are its."""
    if last.action != step or last.by != caller:
        return ""
    return (f"; the {step} that made it {status} committed in transaction {last.tx_id} at {last.at}: "
            "sent again, it records nothing twice")


# the regulator's steps on a claim: they change neither its status nor anything else its parties' steps record
FREEZE_STEPS = ("FreezeReceivable", "UnfreezeReceivable")


def step_hidden_by_a_freeze(status: str, last: Action, step: str, makes: str) -> str:
    """For the refusal of ``step``, which takes a claim into ``makes``, on a claim now in ``status``: where it is
    in ``makes`` and its last change ``last`` is the regulator's freeze or lifting of an order, that this change
    came since and where the caller finds the step that made the status. The claim keeps only its last change,
    so ``step_committed_in`` names no transaction then, and a confirmation or an overdue marking keeps its
    transaction nowhere else: refused by its status alone, the caller sending its step again after a lost answer
    could not tell its own success from another's change, nor why the refusal names none."""
    if status != makes or last.action not in FREEZE_STEPS:
        return ""
    return (f"; the regulator's {last.action} at {last.at} came after it became {status} and is its last "
            f"change, and the claim keeps no other record of the transaction that made it {status}: whether "
            f"that was this {step} sent before, GetReceivableHistory shows (each change of the claim with its "
            "party and transaction)")


ReadsNext = Callable[[Receivable], list[tuple[str, ...]]]
"""The records a transaction reads once it holds a claim, named from the claim (``Store.prefetch``'s records)."""


async def _read_claim_first(s: Session, receivable_id: str, reads_next: ReadsNext) -> None:
    """Read the claim with the caller's binding, then the records ``reads_next`` names from it with the caller's
    party, in the round trip that reads the party anyway (``Session.read_with_party``) rather than in one of
    their own: for records every successful path reads once it holds the claim (its root, the registry entries
    of its invoices). Nothing is refused here: a claim whose key cannot be formed, or that cannot be read, reads
    nothing ahead, left to the reads that refuse it where they refused it before."""
    await s.store.prefetch(s.binding, (keys.RECEIVABLE, receivable_id))
    if (r := await s.store.receivable_to_read_ahead(receivable_id)) is not None:
        await s.read_with_party(*reads_next(r))


class TransactionGroup:
    """Transactions of one business area, mixed into ``ReceivablesContract``, which sets ``config`` and
    ``collection_names`` and defines ``_session``."""

    config: cfg.NetworkConfig
    collection_names: set[str]
    _session: Callable[[Context], Session]

    async def _as_debtor(self, s: Session, receivable_id: str,
                         reads_next: ReadsNext | None = None) -> tuple[Party, Receivable]:
        """The caller, which must be the claim's debtor, and the claim; ``reads_next``: see ``_read_claim_first``."""
        if reads_next is not None:
            await _read_claim_first(s, receivable_id, reads_next)
        party = await s.party_with_role(cfg.CORE_ENTERPRISE, prefetch=((keys.RECEIVABLE, receivable_id),))
        r = await s.store.receivable(receivable_id)
        if r.debtor != party.uscc:
            # the debtor is not named: a core enterprise that does not owe a claim may not read it
            raise rule("not-the-debtor", f"{party.uscc} is not the debtor of {r.id}: only its debtor may do this; "
                       "check the receivable id")
        return party, r

    async def _as_holder(self, s: Session, receivable_id: str,
                         reads_next: ReadsNext | None = None) -> tuple[Party, Receivable]:
        """The caller, which must be the claim's holder, and the claim; ``reads_next``: see ``_read_claim_first``."""
        if reads_next is not None:
            await _read_claim_first(s, receivable_id, reads_next)
        party = await s.party((keys.RECEIVABLE, receivable_id))
        r = await s.store.receivable(receivable_id)
        if r.holder != party.uscc:
            # the holder is named: every org reads every event, which names it, so this tells no one more; its
            # creditor, which reads the claim still, is sent to where it went
            transferred = (f"; {party.uscc} registered it and it was transferred since (GetProvenance {r.id} "
                           "shows to whom)" if party.uscc == r.creditor else "")
            raise rule("not-the-holder", f"{party.uscc} does not hold {r.id}: only its holder may do this, "
                       f"{r.holder}, so the call has to come from an identity acting for "
                       f"{r.holder}{transferred}")
        return party, r
