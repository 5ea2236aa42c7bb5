"""Read-side logic: who may read a receivable, history, provenance, pages, statistics, invoice use.

All of it runs on LevelDB: composite-key range scans, never CouchDB rich queries.
"""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Any

from . import config as cfg
from . import keys, lifecycle
from .daycount import round_half_up
from .model import FINANCED, OVERDUE, STATUSES, Party, Receivable
from .store import Store

__all__ = ["STATUSES", "may_read", "leaves", "history", "provenance", "page", "statistics", "invoice_use"]


async def may_read(store: Store, party: Party, r: Receivable) -> bool:
    if party.role == cfg.REGULATOR or party.uscc in (r.debtor, r.holder, r.creditor, r.financier):
        return True
    if party.role == cfg.FINANCIER and r.financing_id is not None:
        f = await store.financing(r.financing_id)
        return f.status == "REQUESTED"  # banks asked to finance it may price it
    return False


async def leaves(store: Store, r: Receivable) -> list[Receivable]:
    """The receivables without children below ``r`` (``r`` itself if never split), in id order."""
    if not r.children:
        return [r]
    out: list[Receivable] = []
    for child_id in r.children:
        out.extend(await leaves(store, await store.receivable(child_id)))
    return out


async def history(store: Store, receivable_id: str) -> list[dict]:
    out = []
    async for mod in store.stub.get_history_for_key(store.key(keys.RECEIVABLE, receivable_id)):
        entry: dict[str, Any] = {"tx_id": mod.tx_id, "timestamp": _ts(mod.timestamp), "is_delete": mod.is_delete}
        if mod.value:
            doc = Receivable.model_validate_json(mod.value)
            entry.update(action=doc.last.action, by=doc.last.by, msp_id=doc.last.msp_id, status=doc.status,
                         holder=doc.holder, outstanding=doc.outstanding, frozen=doc.frozen is not None)
        out.append(entry)
    out.reverse()  # the peer answers newest first; a history reads oldest first
    return out


def _ts(value: Any) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _summary(r: Receivable) -> dict:
    return {"id": r.id, "status": r.status, "holder": r.holder, "face_amount": r.face_amount,
            "outstanding": r.outstanding, "parent_id": r.parent_id}


async def provenance(store: Store, r: Receivable) -> dict:
    ancestors = []
    parent_id = r.parent_id
    while parent_id is not None:
        parent = await store.receivable(parent_id)
        ancestors.append(_summary(parent))
        parent_id = parent.parent_id

    async def tree(node: Receivable) -> dict:
        return {**_summary(node), "children": [await tree(await store.receivable(c)) for c in node.children]}

    return {"id": r.id, "root_id": r.root_id, "ancestors": ancestors, "tree": await tree(r)}


async def page(store: Store, index: str, value: str, page_size: int, bookmark: str) -> dict:
    kvs, meta = await store.stub.get_state_by_partial_composite_key_with_pagination(index, [value], page_size, bookmark)
    ids = [store.stub.split_composite_key(kv.key)[1][1] for kv in kvs]
    docs = await store.stub.get_multiple_states([store.key(keys.RECEIVABLE, i) for i in ids]) if ids else []
    return {"records": [json.loads(d) for d in docs if d],
            "fetched": meta.fetched_records_count, "bookmark": meta.bookmark}


def _share(part: int, whole: int) -> str:
    """A ratio as a decimal string with 4 places, half up ("0.2500")."""
    if whole == 0:
        return "0.0000"
    n = round_half_up(Fraction(part * 10_000, whole))
    return f"{n // 10_000}.{n % 10_000:04d}"


async def statistics(store: Store) -> dict:
    """Exposure over confirmed, unpaid claims (CONFIRMED, FINANCED, OVERDUE leaves), per debtor and in total."""
    per_debtor: dict[str, dict[str, int]] = {}
    counts = {s: 0 for s in STATUSES}
    async for kv in store.stub.get_state_by_partial_composite_key(keys.RECEIVABLE, []):
        r = Receivable.model_validate_json(kv.value)
        counts[r.status] += 1
        if r.status not in lifecycle.PAYABLE:
            continue
        row = per_debtor.setdefault(r.debtor, {"exposure": 0, "financed": 0, "overdue": 0, "receivables": 0})
        row["exposure"] += r.outstanding
        row["receivables"] += 1
        if r.status == FINANCED or (r.financing_id is not None and r.financier is not None):
            row["financed"] += r.outstanding
        if r.status == OVERDUE:
            row["overdue"] += r.outstanding
    total = {k: sum(row[k] for row in per_debtor.values()) for k in ("exposure", "financed", "overdue", "receivables")}
    return {
        "per_debtor": {d: {**row, "financed_share": _share(row["financed"], row["exposure"])}
                       for d, row in sorted(per_debtor.items())},
        "total": {**total, "financed_share": _share(total["financed"], total["exposure"])},
        "count_by_status": counts,
    }


async def invoice_use(store: Store, fp: str) -> dict:
    """What the fingerprint registry says about one invoice.

    ``used``: the registry holds the fingerprint, so a registration naming the
    invoice is refused; it is held from registration on and released only when
    the claim is rejected, so a settled (paid) invoice stays used.
    ``receivable_id``: the root receivable it was registered with, or ``None``.
    ``live``: some claim of that lineage (the root, or a leaf of its splits) is
    still unsettled: REGISTERED, CONFIRMED, FINANCED or OVERDUE.
    """
    owner = await store.fingerprint_owner(fp)
    if owner is None:
        return {"fingerprint": fp, "used": False, "receivable_id": None, "live": False}
    root = await store.receivable(owner)
    live = any(leaf.status in lifecycle.LIVE for leaf in await leaves(store, root))
    return {"fingerprint": fp, "used": True, "receivable_id": owner, "live": live}
