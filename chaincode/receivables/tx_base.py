"""The base of the groups of transactions ``ReceivablesContract`` is composed of.

Each ``tx_*`` module holds one business area's transactions as a class deriving from ``TransactionGroup``; the
contract class mixes them together. What a group takes from the contract it is mixed into (its configuration, its
collections, a ``Session`` per transaction) is named here, and so are the checks that the caller is a claim's
debtor or its holder, which the lifecycle, financing, discounting and settlement groups all make.
"""

from __future__ import annotations

from collections.abc import Callable

from chaincode.contract import Context

from . import config as cfg
from . import keys
from .errors import rule
from .model import Party, Receivable
from .session import Session


class TransactionGroup:
    """Transactions of one business area, mixed into ``ReceivablesContract``, which sets ``config`` and
    ``collection_names`` and defines ``_session``."""

    config: cfg.NetworkConfig
    collection_names: set[str]
    _session: Callable[[Context], Session]

    async def _as_debtor(self, s: Session, receivable_id: str) -> tuple[Party, Receivable]:
        party = await s.party_with_role(cfg.CORE_ENTERPRISE, prefetch=((keys.RECEIVABLE, receivable_id),))
        r = await s.store.receivable(receivable_id)
        if r.debtor != party.uscc:
            # the debtor is not named: a core enterprise that does not owe a claim may not read it
            raise rule("not-the-debtor", f"{party.uscc} is not the debtor of {r.id}: only its debtor may do this; "
                       "check the receivable id")
        return party, r

    async def _as_holder(self, s: Session, receivable_id: str) -> tuple[Party, Receivable]:
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
