"""Read-side logic: who may read what, history, provenance, pages, statistics, invoice use,
a debtor's payment record, a bank's exposure, discount offers.

All of it runs on LevelDB: composite-key range scans, never CouchDB rich queries.
"""

from __future__ import annotations

import functools
import re
from collections import deque
from collections.abc import AsyncIterator, Callable
from datetime import date, datetime
from fractions import Fraction
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from chaincode.shim import KeyEndorsementPolicy

from . import config as cfg
from . import dates, keys, lifecycle
from . import financing as fin
from .daycount import round_half_up
from .errors import NewerVersionRecord, RuleViolation, rule
from .model import (
    CONFIRMED, FINANCED, OVERDUE, REJECTED, SETTLED, SPLIT, STATUSES, WITHDRAWN, DiscountOffer, Disbursement,
    Offer, OfferParties, OfferTerms, Party, Receivable,
)
from .store import Store
from .store_base import (NOT_A_RECORD, UNREADABLE_VALUE, PassedOver, newer_version, parsed_private, readable_record,
                         stored_under_own_key)
from .store_claims import CLAIM_INDEXES, live_financier
from .store_offers import OfferAsMade

__all__ = ["STATUSES", "reads_as_its_party", "may_read", "leaves", "parts_to_act_on", "history",
           "party_history", "provenance",
           "page", "statistics", "invoice_use",
           "financed_page", "open_offers_page", "may_read_payment_record", "payment_record_page",
           "may_read_discount_offers", "discount_offer_page", "discount_offer_as_seen_by", "shown_whoever_published",
           "discount_offers_as_seen_by", "financier_exposure",
           "may_read_request", "request_record", "key_endorsers"]

M = TypeVar("M", bound=BaseModel)


def reads_as_its_party(party: Party, r: Receivable) -> bool:
    """Whether ``party`` reads ``r`` as one of its parties (debtor, holder, creditor, financier) or as the
    regulator: the readers ``may_read`` lets in whatever the claim's financing."""
    return party.role == cfg.REGULATOR or party.uscc in (r.debtor, r.holder, r.creditor, r.financier)


async def may_read(store: Store, party: Party, r: Receivable) -> bool:
    if reads_as_its_party(party, r):
        return True
    if party.role == cfg.FINANCIER and r.financing_id is not None:
        f = await store.financing(r.financing_id)
        return f.status == "REQUESTED"  # banks asked to finance it may price it
    return False


async def leaves(store: Store, r: Receivable) -> list[Receivable]:
    """The receivables without children below ``r`` (``r`` itself if never split), in id order
    (``each_leaf``)."""
    return [leaf async for leaf in each_leaf(store, r)]


async def each_leaf(store: Store, r: Receivable) -> AsyncIterator[Receivable]:
    """The receivables without children below ``r`` (``r`` itself if never split), one by one in id order,
    each read only when the one before has been taken: a caller that stops early reads no further.

    Walked with a stack rather than recursion, so the depth of a lineage (each partial transfer of a
    kept part goes one level deeper) never meets Python's recursion limit.

    Each part is taken only where its record names the claim listing it as the one it was split from
    (``parent_id``): refused ``invalid-state`` otherwise. A claim record two orgs wrote as a new key (altered
    chaincode, under the chaincode-level policy alone) could list another debtor's claim as its part, and a
    payment through it, endorsed by the peers of that claim's orgs running this contract, would settle it."""
    node = r
    # (id, the id of the claim listing it) still to visit, the next one last
    pending: list[tuple[str, str]] = []
    while True:
        if node.children:
            ensure_parts_by_id(node)
            # a split's children are read together: whatever is done with the leaves reads every one of them
            await store.prefetch(*((keys.RECEIVABLE, child_id) for child_id in node.children))
            # so that they come off the stack in id order
            pending.extend((child_id, node.id) for child_id in reversed(node.children))
        else:
            yield node
        if not pending:
            return
        child_id, parent_id = pending.pop()
        node = await store.receivable(child_id)
        if node.parent_id != parent_id:
            raise rule("invalid-state", f"claim {parent_id} lists {node.id} as one of its parts, "
                       f"but {node.id} was split from {node.parent_id or 'no claim'}: "
                       f"{_written_outside(parent_id)}")


# What ``keys.child_id`` appends to the id of the claim a part was split from: a dot and the part's number.
_ONE_SPLIT_STEP = re.compile(r"\.[0-9]+")


def split_from_by_id(part_id: str, claim_id: str) -> bool:
    """Whether ``part_id`` is the id of a part split from ``claim_id`` itself (``keys.child_id``: the claim's id,
    a dot and a number), not from one of its parts, nor another claim's."""
    return part_id.startswith(claim_id) and _ONE_SPLIT_STEP.fullmatch(part_id, len(claim_id)) is not None


def _written_outside(claim_id: str) -> str:
    return (f"the record of {claim_id} was written outside the contract, and nothing is done on its word; act on "
            "the claims themselves, and report the key to the network's operators, whose peers' history of it "
            "names the orgs that wrote it")


def ensure_parts_by_id(r: Receivable) -> None:
    """Refused ``invalid-state`` unless every claim ``r`` lists as its part is one by its id
    (``split_from_by_id``), each listed once: as every split writes its two parts. A claim record two orgs wrote
    as a new key could list its own ancestor, or one part many times over, and a walk down such a lineage would
    never end, or visit a part as often as 2 to the power of its depth, holding the chaincode server's one event
    loop meanwhile: with each part's id longer than its claim's, and each listed once, a walk reads each record
    at most once."""
    seen: set[str] = set()
    for part_id in r.children:
        if part_id in seen or not split_from_by_id(part_id, r.id):
            why = ("twice" if part_id in seen
                   else f"but its id is not {r.id}'s with a part's number after it, "
                        "as the id of a part split from it is")
            raise rule("invalid-state", f"claim {r.id} lists {part_id} as one of its parts, {why}: "
                       f"{_written_outside(r.id)}")
        seen.add(part_id)


async def parts_to_act_on(store: Store, r: Receivable, statuses: tuple[str, ...],
                          holder: str | None = None) -> lifecycle.SplitParts | None:
    """Of ``r``, a ``SPLIT`` claim, the parts not split again (``each_leaf``) in ``statuses`` and, where the
    action is its holder's, held by ``holder``: what a refusal of an action on ``r`` names to take it on
    instead (``lifecycle.ensure_status``). None for a claim not split, whose refusals name no parts (nothing
    is read)."""
    if r.status != SPLIT:
        return None
    ids = [leaf.id async for leaf in each_leaf(store, r)
           if leaf.status in statuses and (holder is None or leaf.holder == holder)]
    return lifecycle.SplitParts(ids, holder)


async def _key_writes(store: Store, object_type: str, object_id: str) -> list[Any]:
    """Every write of one record's key the peer returns, oldest first: at most its ``totalQueryLimit``
    newest."""
    writes = [mod async for mod in store.stub.get_history_for_key(store.key(object_type, object_id))]
    writes.reverse()  # the peer answers newest first; a history reads oldest first
    return writes


def _key_history(writes: list[Any], describe: Callable[[bytes], dict[str, Any]]) -> list[dict]:
    """Every write of one record's key (``_key_writes``): tx id, timestamp, delete flag, and ``describe`` of
    the value. A value no record parses to (two orgs wrote the key outside the contract) is described by
    nothing more: the history is where an auditor finds the transaction that wrote it."""
    out = []
    for mod in writes:
        entry: dict[str, Any] = {"tx_id": mod.tx_id, "timestamp": _ts(mod.timestamp), "is_delete": mod.is_delete}
        if mod.value:
            try:
                entry.update(describe(mod.value))
            except NOT_A_RECORD:
                pass
        out.append(entry)
    return out


def _receivable_entry(value: bytes) -> dict[str, Any]:
    """A claim as one write left it. The financing and the freeze it was under are read from each write, since
    the state forgets them: a financing cancelled, recoursed or ended clears the claim's ``financing_id``, an
    unfreeze clears ``frozen`` (or puts the first queued order there, ``queued_orders`` the rest). The write that
    lifted a freeze is the one whose transaction ``last_unfreeze`` names."""
    doc = Receivable.model_validate_json(value)
    lifting = doc.last_unfreeze
    return dict(action=doc.last.action, by=doc.last.by, msp_id=doc.last.msp_id, status=doc.status,
                holder=doc.holder, outstanding=doc.outstanding, financing_id=doc.financing_id,
                financier=doc.financier, frozen=doc.frozen is not None,
                freeze_order=doc.frozen.order_reference if doc.frozen else None,
                queued_orders=[o.order_reference for o in doc.queued_freezes],
                lifting_order=lifting.order_reference if lifting and lifting.tx_id == doc.last.tx_id else None)


async def history(store: Store, receivable_id: str) -> list[dict]:
    """Every write of the claim's key, oldest first; refused ``history-cut`` where the peer's answer does not
    reach the write that created the claim (``claim_writes``). A write before that one is no state of the claim
    (``_since_creation``), and is shown by its transaction, time and delete flag alone, as a write no claim
    parses to is."""
    writes = await _key_writes(store, keys.RECEIVABLE, receivable_id)
    since = await claim_writes(store, receivable_id, writes)
    before = writes[:len(writes) - len(since)]
    return _key_history(before, lambda value: {}) + _key_history(since, _receivable_entry)


async def _since_creation(store: Store, receivable_id: str, writes: list[Any]) -> list[Any] | None:
    """The claim's ``writes`` (oldest first) from the one that created it on: its registration, for a claim
    split from none; for a part, the split of the claim it was split from, the transaction that claim's record
    names last (nothing writes a ``SPLIT`` claim's value after its split: a reseal changes only its key's
    policy). None where no write of them created it: the peer returns a key's newest writes only, up to its
    ``ledger.state.totalQueryLimit``, and says nothing when it stops short.

    A write no claim parses to, or naming another claim's id, is no state of it (two orgs wrote the key outside
    the contract) and is passed over; a key with none holds no claim, and nothing is cut of it (all its writes).
    So is a write before the one that created the claim: a part's id is its claim's with ``.1`` or ``.2`` after
    it, known before the split, and until the split writes the key with its policy any two orgs can write it.
    Taken as the claim's first, such a write would cut the history of every part split from that claim since."""
    parents: dict[str, Receivable | None] = {}
    stated = False
    for at, mod in enumerate(writes):
        state = (None if mod.is_delete
                 else readable_record(Receivable, mod.value, keys.RECEIVABLE, [receivable_id]))
        if state is None:
            continue
        stated = True
        if await _created(store, state, mod.tx_id, parents):
            return writes[at:]
    return None if stated else writes


async def _created(store: Store, state: Receivable, tx_id: str, parents: dict[str, Receivable | None]) -> bool:
    """Whether ``state``, written by ``tx_id``, is the claim as the transaction that created it left it
    (``_since_creation``); ``parents``: the claims named as those parts were split from, read once each."""
    if state.parent_id is None:
        return state.last.action == "RegisterReceivable"
    if state.last.action != "TransferReceivable":
        return False
    if state.parent_id not in parents:
        parents[state.parent_id] = await store.receivable_or_none(state.parent_id)
    parent = parents[state.parent_id]
    return (parent is not None and parent.status == SPLIT and parent.last.tx_id == tx_id
            and state.id in parent.children)


async def claim_writes(store: Store, receivable_id: str, writes: list[Any]) -> list[Any]:
    """Of ``writes``, the claim's key history as the peer returned it (``_key_writes``), those from the one that
    created the claim (``_since_creation``), oldest first; refused ``history-cut`` where they do not reach that
    write: a history starting midway would read as the claim's whole life. ``GetDebtorPaymentRecord`` names
    such a claim in its page's ``history_cut`` instead."""
    since = await _since_creation(store, receivable_id, writes)
    if since is None:
        raise rule("history-cut", f"the peer's history of receivable {receivable_id} holds its {len(writes)} "
                   "newest writes and does not reach the one that created it: the peer returns at most its "
                   "ledger.state.totalQueryLimit writes of a key, and more were made of this claim's; ask a "
                   "peer whose operators set ledger.state.totalQueryLimit (core.yaml) above the claim's "
                   "writes")
    return since


async def party_history(store: Store, uscc: str) -> list[dict]:
    """Every write of a party record, oldest first, with the org, the name, the role and the identities the record
    named after each: a renamed party's former names are those of its earlier writes, and a bind or an unbind
    shows as the identities of one write against the one before."""
    return _key_history(await _key_writes(store, keys.PARTY, uscc), _party_entry)


def _party_entry(value: bytes) -> dict[str, Any]:
    # the role and the identities as well: no transaction of the contract changes the role, but the record is
    # under its own org's policy alone, so that org's peer can rewrite either, and this is where it shows
    party = Party.model_validate_json(value)
    return {"msp_id": party.msp_id, "name": party.name, "role": party.role, "client_ids": list(party.client_ids)}


def _ts(value: Any) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _summary(r: Receivable) -> dict:
    return {"id": r.id, "status": r.status, "holder": r.holder, "face_amount": r.face_amount,
            "outstanding": r.outstanding, "parent_id": r.parent_id}


def _redacted(r: Receivable) -> dict:
    """A node of a provenance tree its reader may not read (``may_read``): where it lies in the tree, nothing of it."""
    return _redacted_id(r.id, r.parent_id)


def _redacted_id(receivable_id: str, parent_id: str | None) -> dict:
    return {"id": receivable_id, "status": None, "holder": None, "face_amount": None, "outstanding": None,
            "parent_id": parent_id, "redacted": True}


async def _unread_ancestor(store: Store, receivable_id: str) -> dict:
    """An ancestor this peer cannot read, redacted (``_redacted_id``). Unread, its record does not tell its
    parent: that is the claim its id extends (``keys.child_id``: ``<parent>.<n>``) where that claim, read,
    lists it among its children, so the ancestors go on from there; where none does (that claim missing,
    unreadable too, or not listing it), ``parent_id`` is None and ``parent_unknown`` says that the ancestors
    end there for that reason, not at the root. An id extending none is a root's, which has no parent."""
    if "." not in receivable_id:
        return _redacted_id(receivable_id, None)
    named = receivable_id.rsplit(".", 1)[0]
    try:
        parent = await store.receivable_or_none(named)
    except UNREADABLE_VALUE:
        parent = None
    if parent is not None and receivable_id in parent.children:
        return _redacted_id(receivable_id, named)
    return {**_redacted_id(receivable_id, None), "parent_unknown": True}


def _ensure_split_from(part_id: str, claim_id: str) -> None:
    """Refused ``invalid-state`` unless ``part_id``, a claim whose record names ``claim_id`` as the one it was
    split from, is a part of it by its id (``split_from_by_id``): a record two orgs wrote as a new key could name
    a part of its own, and a walk up its ancestors would never end."""
    if not split_from_by_id(part_id, claim_id):
        raise rule("invalid-state", f"receivable {part_id} names {claim_id} as the claim it was split from, but "
                   f"its id is not {claim_id}'s with a part's number after it, as the id of a part split from it "
                   f"is: {_written_outside(part_id)}")


def _as_a_split_wrote_it(part: Receivable, listed_by: str) -> bool:
    """Whether ``part``, a claim the claim ``listed_by`` lists as one of its parts, is as a split writes it: it
    names ``listed_by`` as the claim it was split from, and lists its own parts by their ids, each once
    (``ensure_parts_by_id``). Otherwise its record was written outside the contract (two orgs running altered
    chaincode), and nothing it says of the lineage is taken."""
    if part.parent_id != listed_by:
        return False
    try:
        ensure_parts_by_id(part)
    except RuleViolation:
        return False
    return True


async def _readable_part(store: Store, part_id: str, listed_by: str, passed: PassedOver) -> Receivable | None:
    """The record of ``part_id``, a part the claim ``listed_by`` lists, or None where this peer cannot read it, or
    where it is not as a split writes it (``_as_a_split_wrote_it``). Either is added to ``passed`` (the second as
    no version's record), so that the part is shown where it lies, redacted, with nothing below it: refused, two
    orgs rewriting one part would deny the tree of every other part to the regulator and the claim's creditor
    for good."""
    try:
        part = await store.receivable(part_id)
    except UNREADABLE_VALUE as problem:
        passed.add(store.key(keys.RECEIVABLE, part_id), newer=isinstance(problem, NewerVersionRecord))
        return None
    if not _as_a_split_wrote_it(part, listed_by):
        passed.add(store.key(keys.RECEIVABLE, part_id), newer=False)
        return None
    return part


async def _readable_ancestor(store: Store, receivable_id: str, passed: PassedOver) -> Receivable | None:
    """The ancestor's record, or None where this peer cannot read it, or where it names as the claim it was split
    from one its id does not extend (``split_from_by_id``): no split writes that, and taken on its word, the walk
    up could loop. Either is added to ``passed`` (the second as no version's record), so that the ancestors are
    shown on by its id (``_unread_ancestor``) rather than the provenance of every part below it refused for good."""
    try:
        ancestor = await store.receivable(receivable_id)
    except UNREADABLE_VALUE as problem:
        passed.add(store.key(keys.RECEIVABLE, receivable_id), newer=isinstance(problem, NewerVersionRecord))
        return None
    if ancestor.parent_id is not None and not split_from_by_id(ancestor.id, ancestor.parent_id):
        passed.add(store.key(keys.RECEIVABLE, receivable_id), newer=False)
        return None
    return ancestor


# How many parts below the claim asked about one GetProvenance reads at most. A claim split again and again has a
# tree with no bound but the split depth's (2^64 parts), and one answer reading them all would read unboundedly
# many keys in one evaluate: past this, a node's children are left out (``children_omitted``), as at
# ``lifecycle.MAX_SPLIT_DEPTH``, and GetProvenance of that node answers them. The tree is read level by level, so
# what is left out is the farthest from the claim asked about. As many parts as a payment spreads over at most.
PROVENANCE_PARTS_MAX = 500


async def provenance(store: Store, reader: Party, r: Receivable) -> dict:
    """``r``'s ancestors up to its root and the tree of the parts split from it, for ``reader``, who may read ``r``.

    Each node of the tree is shown as ``reader`` may read it (``may_read``, as GetReceivable decides): one it may
    not keeps its id, parent and children, with no holder, status or amounts (``_redacted``). A part moves on
    after it left its holder, and its later holders, payments and financing are theirs and the debtor's: the
    holder of a claim that was split, or a part it passed on, keeps reading its own part but not theirs. The
    ancestors are shown whole: each is a claim split, which never changes again, so they tell how ``r`` came
    about and nothing that happened since. An ancestor this peer cannot read is shown where it lies, redacted,
    and named as a part of the tree is (``_unread_ancestor``).

    So is a claim of the lineage whose record no split writes (``_readable_ancestor``, ``_readable_part``:
    the orgs its key's policy names rewrote it, running altered chaincode), with nothing below it, its key in
    ``unreadable``: the walk takes nothing on its word, and still ends. Only ``r``'s own record is refused so
    (``invalid-state``): it is the one asked about."""
    # a part this peer cannot read is shown where it lies, redacted, and named: refused, it would deny the
    # whole answer over one record
    passed = PassedOver()
    ancestors = []
    # each ancestor's id shorter than the one before (``_ensure_split_from``), so the walk up ends
    child_id, parent_id = r.id, r.parent_id
    while parent_id is not None:
        _ensure_split_from(child_id, parent_id)   # the claim asked about; an ancestor is checked as it is read
        parent = await _readable_ancestor(store, parent_id, passed)
        if parent is None:
            ancestor = await _unread_ancestor(store, parent_id)
            ancestors.append(ancestor)
            child_id, parent_id = parent_id, ancestor["parent_id"]
            continue
        ancestors.append(_summary(parent))
        child_id, parent_id = parent_id, parent.parent_id

    # built with a queue rather than recursion: a lineage's depth is no recursion depth; level by level, so that
    # the parts left out past PROVENANCE_PARTS_MAX are the deepest
    tree = {**_summary(r), "children": []}
    ensure_parts_by_id(r)   # and each node's below (``_readable_part``): no part is visited twice, the walk ends
    # (id, its parent's id and list, level)
    pending = deque((child_id, r.id, tree["children"], 1) for child_id in r.children)
    to_read = PROVENANCE_PARTS_MAX - len(pending)   # how many more parts this answer may read
    while pending:
        child_id, parent_id, siblings, level = pending.popleft()
        node = await _readable_part(store, child_id, parent_id, passed)
        if node is None:
            siblings.append({**_redacted_id(child_id, parent_id), "children": []})
            continue
        seen = _summary(node) if await may_read(store, reader, node) else _redacted(node)
        entry = {**seen, "children": []}
        siblings.append(entry)
        if node.children and (level == lifecycle.MAX_SPLIT_DEPTH or len(node.children) > to_read):
            # At that depth, only a lineage split deeper before the limit existed (ca1ccfd): a nesting that deep
            # is past what JSON readers take (pydantic's parser stops at 200 levels). Past PROVENANCE_PARTS_MAX,
            # a tree split too wide to read in one evaluate. GetProvenance of this node answers the rest below it.
            entry["children_omitted"] = True
            continue
        to_read -= len(node.children)
        pending.extend((grandchild, node.id, entry["children"], level + 1) for grandchild in node.children)

    return {"id": r.id, "root_id": r.root_id, "ancestors": ancestors, "tree": tree, **passed.fields()}


async def page(store: Store, index: str, value: str, page_size: int, bookmark: str) -> dict:
    """One page of the receivables ``index`` lists under ``value`` (a holder, a debtor, a status), in id order.

    ``Store.put_receivable`` moves the entries with every write of the claim, as every contract version did; still,
    the claim decides, not its entry: an entry nobody wrote yet is a new key, which any two orgs can write, so a
    claim is listed only while its holder, debtor or status (``CLAIM_INDEXES``) is the entry's. An entry out of
    step, or whose claim is missing or unreadable, is scanned and left out (``fetched`` counts it)."""
    attr = CLAIM_INDEXES[index]
    return await _receivables_page(store, index, [value], page_size, bookmark,
                                   keep=lambda r, entry: getattr(r, attr) == entry[0])


async def financed_page(store: Store, financier: str, debtor: str, page_size: int, bookmark: str) -> dict:
    """One page of the claims ``financier`` finances (``recfin.by-financier``: from the acceptance of its offer
    until repayment, cancellation or recourse), by debtor then id; only ``debtor``'s unless it is empty.

    ``Store.put_receivable`` keeps the entries in step with the claims; still, the claim decides, not its entry:
    a claim is shown only while it names the bank as its live financier, so an entry out of step with its claim
    never shows a bank a claim it may no longer read. Such an entry is scanned and left out (``fetched`` counts
    it)."""
    values = [financier, debtor] if debtor else [financier]
    # the entry's bank and debtor must be the claim's live financing's: one under another debtor, or left from
    # a financing repaid (whose claim still names its bank), shows nothing
    return await _receivables_page(store, keys.BY_FINANCIER, values, page_size, bookmark,
                                   keep=lambda r, entry: live_financier(r) == tuple(entry[:2]))


async def open_offers_page(store: Store, financier: str, debtor: str, page_size: int, bookmark: str) -> dict:
    """One page of the offers ``financier`` has OPEN (``recfin.open-offer``: from ``MakeFinancingOffer`` until
    the offer is accepted, lapses or is withdrawn), by debtor then offer id; only ``debtor``'s unless it is empty.
    Each row is the offer's public record and its claim's debtor (``debtor``): never its private terms.

    Expired offers still OPEN are listed: an expiry date passes without a transaction, and the expiry is one of the
    private terms, which this list does not read (a public read, like the list of financed claims);
    ``GetOfferTerms`` tells an offer's expiry, and ``GetFinancierExposure`` lists only the offers a holder could
    accept today.

    As with the financed claims, the offer and its claim decide, not the entry: a row shows only while the offer
    is OPEN, made by the entry's bank, on a claim of the entry's debtor, so an entry out of step shows nothing
    (it is scanned and left out: ``fetched`` counts it)."""
    values = [financier, debtor] if debtor else [financier]
    rows, meta = await _index_records(store, keys.OPEN_OFFER, values, page_size, bookmark, keys.OFFER)
    passed = PassedOver()
    offers = [(o, entry) for entry, key, d in rows
              if (o := passed.read(Offer, d, key, keys.OFFER, entry[-1:])) is not None]
    offers = [(o, entry) for o, entry in offers if o.status == "OPEN" and o.financier == entry[0]]
    # the offer records no debtor: its claim's (which no change of the claim alters) must be the entry's, read for
    # the page's offers in one round trip (an offer naming a claim id no key can be formed of is no offer the
    # model reads: ``model.KeyAttribute``)
    claim_keys = [store.key(keys.RECEIVABLE, o.receivable_id) for o, _ in offers]
    claims = await store.stub.get_multiple_states(claim_keys) if offers else []
    records = [{**o.to_json(), "debtor": entry[1]} for (o, entry), key, claim in zip(offers, claim_keys, claims)
               if (r := passed.read(Receivable, claim, key, keys.RECEIVABLE, [o.receivable_id])) is not None
               and r.debtor == entry[1]]
    return _page_of(records, meta, passed)


async def _receivables_page(store: Store, index: str, values: list[str], page_size: int, bookmark: str,
                            keep: Callable[[Receivable, list[str]], bool] | None = None) -> dict:
    """The receivables of one page of an index whose last attribute is the receivable id, read in one round
    trip; with ``keep``, only those it keeps (given the claim and its entry's attributes). Each is answered as
    GetReceivable answers it, through the model: a claim an earlier version stored reads with the fields added
    since at their defaults (an invoice's ``code``, ``currency``), not as the bytes it was stored in."""
    rows, meta = await _index_records(store, index, values, page_size, bookmark, keys.RECEIVABLE)
    passed = PassedOver()
    claims = [(r, entry) for entry, key, d in rows
              if (r := passed.read(Receivable, d, key, keys.RECEIVABLE, entry[-1:])) is not None]
    return _page_of([r.to_json() for r, entry in claims if keep is None or keep(r, entry)], meta, passed)


async def _index_records(store: Store, index: str, values: list[str], page_size: int, bookmark: str,
                         record_type: str) -> tuple[list[tuple[list[str], str, bytes | None]], Any]:
    """One page of an index whose last attribute is the id of a ``record_type`` record: each entry's attributes
    with that record's key and value (None when there is none), the records read in one round trip; and the
    page's metadata. An entry of another shape than the contract writes (``StoreBase.entry_attributes``) is
    scanned and left out."""
    kvs, meta = await store.index_page(index, values, page_size, bookmark)
    entries = [entry for kv in kvs if (entry := store.entry_attributes(kv.key, index)) is not None]
    record_keys = [store.key(record_type, entry[-1]) for entry in entries]
    docs = await store.stub.get_multiple_states(record_keys) if entries else []
    return list(zip(entries, record_keys, docs)), meta


def _page_of(records: list[dict], meta: Any, passed: PassedOver) -> dict:
    """A list's page: its records, how many entries the peer scanned for it, the next page's bookmark, and the
    records it passed over as this peer cannot read them (``PassedOver``: ``unreadable``, ``newer_version``).
    Listed, not refused: any two orgs can write a new key under a list's range, and a refusal would deny the
    list to every reader for good; a reader counting the page learns what it does not hold."""
    return {"records": records, "fetched": meta.fetched_records_count, "bookmark": meta.bookmark,
            **passed.fields()}


def _share(part: int, whole: int) -> str:
    """A ratio as a decimal string with 4 places, half up ("0.2500")."""
    if whole == 0:
        return "0.0000"
    n = round_half_up(Fraction(part * 10_000, whole))
    return f"{n // 10_000}.{n % 10_000:04d}"


_FIGURES = ("exposure", "financed", "overdue", "receivables")


async def statistics(store: Store, today: date) -> dict:
    """Exposure over confirmed, unpaid claims (CONFIRMED, FINANCED, OVERDUE leaves), per debtor and in total,
    each per currency: a sum of fen of different currencies means nothing, so none is ever made.

    ``overdue`` counts every such claim unpaid past its due date on ``today`` (the business date), marked
    OVERDUE or not (``lifecycle.is_overdue``), as the debtor's payment record does."""
    per_debtor: dict[str, dict[str, dict[str, int]]] = {}
    counts = {s: 0 for s in STATUSES}
    # a claim this peer cannot read is named, not refused: two orgs can write a new claim key holding any value
    # (one with a field this version does not know among them), and a refusal would deny the regulator its
    # figures for good; named, the figures say which claims they leave out
    passed = PassedOver()
    async for kv in store.every_row(keys.RECEIVABLE):   # every claim, however many: page after page
        if (r := passed.read(Receivable, kv.value, kv.key, *store.stub.split_composite_key(kv.key))) is None:
            continue   # no claim, or a copy of one: two orgs wrote the key outside the contract
        counts[r.status] += 1
        if r.status not in lifecycle.PAYABLE:
            continue
        row = per_debtor.setdefault(r.debtor, {}).setdefault(r.currency, dict.fromkeys(_FIGURES, 0))
        row["exposure"] += r.outstanding
        row["receivables"] += 1
        if r.status == FINANCED or (r.financing_id is not None and r.financier is not None):
            row["financed"] += r.outstanding
        if lifecycle.is_overdue(r, today):
            row["overdue"] += r.outstanding
    totals: dict[str, dict[str, int]] = {}
    for by_currency in per_debtor.values():
        for currency, row in by_currency.items():
            total = totals.setdefault(currency, dict.fromkeys(_FIGURES, 0))
            for figure in _FIGURES:
                total[figure] += row[figure]
    return {
        "per_debtor": {d: _with_shares(by_currency) for d, by_currency in sorted(per_debtor.items())},
        "total": _with_shares(totals),
        "count_by_status": counts,
        **passed.fields(),
    }


def _with_shares(by_currency: dict[str, dict[str, int]]) -> dict[str, dict]:
    """Each currency's figures, in currency order, with the financed share of its exposure."""
    return {c: {**row, "financed_share": _share(row["financed"], row["exposure"])}
            for c, row in sorted(by_currency.items())}


async def invoice_use(store: Store, fp: str) -> dict:
    """What the fingerprint registry says about one invoice.

    ``used``: the registry holds the fingerprint, so a registration naming the
    invoice is refused; it is held from registration on and released only when
    the claim is rejected by its debtor or withdrawn by its creditor, so a settled
    (paid) invoice stays used.
    ``receivable_id``: the root receivable it was registered with, or ``None``.
    ``live``: some claim of that lineage (the root, or a leaf of its splits) is
    still unsettled: REGISTERED, CONFIRMED, FINANCED or OVERDUE.
    """
    owner = await store.fingerprint_owner(fp)
    if owner is None:
        return {"fingerprint": fp, "used": False, "receivable_id": None, "live": False}
    live = await lineage_live(store, await store.receivable(owner))
    return {"fingerprint": fp, "used": True, "receivable_id": owner, "live": live}


async def lineage_live(store: Store, root: Receivable) -> bool:
    """Some claim of ``root``'s lineage (the root, or a leaf of its splits) is still unsettled: REGISTERED,
    CONFIRMED, FINANCED or OVERDUE. The walk stops at the first live part: a lineage may hold thousands of
    parts, and the first live one answers."""
    async for leaf in each_leaf(store, root):
        if leaf.status in lifecycle.LIVE:
            return True
    return False


# ---------------------------------------------------------------- a debtor's payment record

def may_read_payment_record(party: Party, debtor: str) -> bool:
    """Financiers (to price claims on the debtor), the debtor itself and the regulator."""
    return party.role in (cfg.FINANCIER, cfg.REGULATOR) or party.uscc == debtor


def _holder_label(reader: Party, debtor: str) -> tuple[str, Callable[[str], str]]:
    """How holders appear to ``reader``: credit codes for the debtor and the regulator, who may list the
    debtor's receivables anyway; an opaque per-reader token for a bank (keys.holder_token)."""
    if reader.role == cfg.FINANCIER:
        return "token", functools.partial(keys.holder_token, reader.uscc, debtor)
    return "credit-code", str


async def payment_record_page(store: Store, reader: Party, debtor: str, as_of: date, page_size: int,
                              bookmark: str) -> dict:
    """One page of the debtor's receivables (by-debtor index, id order) as they stood at the end of ``as_of``.

    Each record is built from the key's history up to that date only, so
    nothing recorded later shows; a claim registered later is left out (the
    page then holds fewer records than it scanned: ``fetched``).

    The claim decides, not its entry: an entry nobody wrote yet is a new key, which any two orgs can write, and one
    under this debtor naming another debtor's claim would price the debtor on that claim's payments. A claim's
    debtor never changes, so a claim is listed only where every state of it up to ``as_of`` names ``debtor``;
    otherwise the entry is scanned and left out (``fetched`` counts it), as is one of another shape than the
    contract writes (``StoreBase.entry_attributes``).

    A claim whose key history, as the peer returns it, does not reach the write that created it
    (``_since_creation``) is left out and named in ``history_cut``: one the peer cut at its
    ``totalQueryLimit``, or a record no transaction of this contract created. The page still answers, as a
    record two orgs planted would otherwise refuse the debtor's record to every reader for good. So is a claim
    one of whose writes up to ``as_of`` a newer contract version made (``_states_until``): this peer,
    running an older version, cannot read that state, and would build the record from those before it.
    """
    holder_ids, label = _holder_label(reader, debtor)
    kvs, meta = await store.index_page(keys.BY_DEBTOR, [debtor], page_size, bookmark)
    records, history_cut = [], []
    for kv in kvs:
        if (entry := store.entry_attributes(kv.key, keys.BY_DEBTOR)) is None:
            continue
        claim_id = entry[-1]
        all_writes = await _key_writes(store, keys.RECEIVABLE, claim_id)
        if (writes := await _since_creation(store, claim_id, all_writes)) is None:
            # passed over and named, not refused: any two orgs can write a new key holding a claim of the
            # debtor whose one write created nothing, and a refusal would deny every bank the debtor's record
            if (cut_states := _states_until(claim_id, all_writes, date.max)[0]) and _of_debtor(cut_states, debtor):
                history_cut.append(claim_id)
            continue
        states, newer_version_wrote = _states_until(claim_id, writes, as_of)
        if newer_version_wrote:
            # a state this version cannot read: built from the states before it, the record would show the
            # claim as it stood then (one paid on time as unpaid and overdue), so it is named and not counted
            # (one of which it reads no state at all too: a newer version registered it)
            if _of_debtor(states, debtor):
                history_cut.append(claim_id)
            continue
        if states and _of_debtor(states, debtor):
            records.append(_payment_record(states, as_of, label))
    return {"debtor": debtor, "as_of": as_of.isoformat(), "holder_ids": holder_ids, "records": records,
            "history_cut": history_cut, "fetched": meta.fetched_records_count, "bookmark": meta.bookmark}


def _of_debtor(states: list[tuple[date, Receivable]], debtor: str) -> bool:
    """Every state names ``debtor``: a claim's debtor never changes, so one naming another is none of its."""
    return all(doc.debtor == debtor for _, doc in states)


async def key_endorsers(store: Store, object_type: str, object_id: str) -> list[str]:
    """The MSP IDs a record key's key-level policy names, sorted; [] when the key has none (the chaincode-level
    policy guards it). The stored policy, not one derived from today's configuration: a key keeps the orgs of the
    transaction that last set it."""
    held = await store.stub.get_state_validation_parameter(store.key(object_type, object_id))
    return KeyEndorsementPolicy(held).list_orgs() if held else []


def _states_until(receivable_id: str, writes: list[Any], as_of: date
                  ) -> tuple[list[tuple[date, Receivable]], bool]:
    """The receivable as each of its key's ``writes`` (``_key_writes``) left it, oldest first, up to the end
    of ``as_of`` (business date), each write parsed once. A write no claim parses to, or naming another claim's id
    (two orgs wrote the key outside the contract: a copy of another claim), is no state of this claim, and is
    passed over. The caller checks first that the writes reach the claim's creation (``_since_creation``):
    otherwise the claim would be left out, or its record start midway.

    With them, whether one of the writes up to the end of ``as_of`` holds a claim a newer contract version wrote
    (``store_base.newer_version``): this peer runs an older version than the ledger's (a chaincode server left on
    an earlier release, or a channel taken back to one), and reads that state of the claim as none. Such a write
    without a timestamp counts as one by ``as_of``."""
    states, newer = [], False
    for mod in writes:
        if mod.is_delete or not mod.value:
            continue
        try:
            doc = stored_under_own_key(Receivable.model_validate_json(mod.value), keys.RECEIVABLE, [receivable_id])
        except ValidationError as exc:
            if newer_version(exc) and not (mod.timestamp and dates.business_date(mod.timestamp) > as_of):
                newer = True
            continue
        except NOT_A_RECORD:
            continue
        day = dates.business_date(mod.timestamp or datetime.fromisoformat(doc.last.at.replace("Z", "+00:00")))
        if day <= as_of:
            states.append((day, doc))
    return states, newer


def _payment_record(states: list[tuple[date, Receivable]], as_of: date, label: Callable[[str], str]) -> dict:
    """What the risk features need of one claim: the day each state was first reached, amounts (with their
    currency, so a reader never adds amounts of two currencies), the payments made by ``as_of``, lateness.

    ``financed_on`` is the day the financing live on ``as_of`` was accepted:
    a financing cancelled before disbursement returns the claim to CONFIRMED
    (or leaves it OVERDUE) with no financing, and counts no more, as in the
    regulator's statistics; so does one the bank took back to the holder under
    recourse (OVERDUE, no financing), and one the debtor's payment from the due date on
    ended before disbursement, settling the claim in the same write (SETTLED, the bank
    gone from it). A financing that ended in settlement (repayment, or the debtor paying
    the bank) stays on the record: its claim keeps its financier.
    """
    reached: dict[str, str] = {}
    freezes: list[str] = []
    unfreezes: list[str] = []
    orders_before = 0
    financed_on: str | None = None
    for day, doc in states:
        reached.setdefault(doc.status, day.isoformat())
        if doc.status == FINANCED and financed_on is None:
            financed_on = day.isoformat()
        elif doc.financing_id is None and (doc.status != SETTLED or doc.financier is None):
            financed_on = None  # the financing was cancelled, withdrawn or recoursed without settling the claim
        # a date per order recorded, in effect or queued behind another, and per order lifted (a lifting takes
        # one off, even where a queued order takes effect), so that a reader counting both knows on each day
        # whether an order still bound the claim; counted from the orders each state holds, not from
        # last_unfreeze, which a lifting before it was kept left null
        orders = len(doc.freeze_orders())
        freezes += [day.isoformat()] * max(0, orders - orders_before)
        unfreezes += [day.isoformat()] * max(0, orders_before - orders)
        orders_before = orders
    r = states[-1][1]
    due = date.fromisoformat(r.due_date)
    payable = r.status in lifecycle.PAYABLE
    settled_on = reached.get(SETTLED)
    if settled_on is not None:
        days_late = max(0, (date.fromisoformat(settled_on) - due).days)
    else:
        days_late = max(0, (as_of - due).days) if payable else 0
    return {
        "receivable_id": r.id, "parent_id": r.parent_id, "holder": label(r.holder),
        "face_amount": r.face_amount, "outstanding": r.outstanding, "currency": r.currency, "due_date": r.due_date,
        "status": r.status,
        "registered_on": states[0][0].isoformat(), "confirmed_on": r.confirmed_on,
        "rejected_on": reached.get(REJECTED), "withdrawn_on": reached.get(WITHDRAWN), "financed_on": financed_on,
        "marked_overdue_on": reached.get(OVERDUE), "split_on": reached.get("SPLIT"), "settled_on": settled_on,
        "days_late": days_late, "overdue": lifecycle.is_overdue(r, as_of),
        "freezes": freezes, "unfreezes": unfreezes, "frozen": r.frozen is not None,
        # the last state up to as_of lists every payment made by then; what each took off the claim, so that
        # face minus their sum is what was still owed on any day (an early payment's discount was forgiven)
        "payments": [{"paid_on": p.date, "amount": p.amount + p.discount} for p in r.payments],
    }


# ---------------------------------------------------------------- discount offers

def may_read_discount_offers(party: Party, debtor: str) -> bool:
    """A debtor's early-payment offers are for its suppliers, the debtor itself and the regulator."""
    return party.uscc == debtor or party.role in (cfg.SUPPLIER, cfg.REGULATOR)


def is_open(d: DiscountOffer, today: str) -> bool:
    """Open: not withdrawn and not expired (as AcceptDiscountOffer decides)."""
    return d.status == "OPEN" and d.expires_on >= today


def shown_whoever_published(reader: Party, d: DiscountOffer) -> bool:
    """Whether ``reader`` is shown ``d`` though no member of its debtor's org is shown to have published it
    (``DiscountRecords.require_published_by_its_debtor``): the debtor, which withdraws such an offer (and, one an
    earlier contract version published, publishes it again from its terms), and the regulator. A supplier is not:
    it takes offers, and would plan cash on an early payment its debtor never offered and no holder can take."""
    return reader.uscc == d.debtor or reader.role == cfg.REGULATOR


def _seen_whole(reader: Party, d: DiscountOffer) -> bool:
    return not d.receivable_ids or reader.uscc == d.debtor or reader.role == cfg.REGULATOR


async def discount_offer_as_seen_by(store: Store, reader: Party, d: DiscountOffer, *,
                                    part: Receivable | None = None) -> dict | None:
    """``d`` as ``reader`` may see it. The debtor and the regulator see it whole, and so does anyone an offer on
    all the debtor's payables (no ``receivable_ids``). Of an offer listing claims, a supplier sees only the ids
    of those it may read (``may_read``: it holds or created them), and an offer listing none of those not at all
    (None): its ids name other suppliers' claims, and an empty list would read as an offer on every payable.

    ``part``: a claim ``reader`` may read, shown as ``discount_offers_as_seen_by`` shows it (the claims it was
    split from too), so one offer read by id reads as ListDiscountOffers by that claim lists it.

    A listed claim this peer cannot read is passed over, as the list passes it over, where the offer still shows
    ``reader`` a claim: the claim of another supplier's refused the offer to every supplier. Where it shows none,
    that claim is refused as its read refuses it (``record-unreadable``, ``record-newer-version``, naming its key
    and the way out): it may be ``reader``'s own, and the offer is not told to be none of its business."""
    passed = PassedOver()
    seen = (await discount_offers_as_seen_by(store, reader, [d], part=part, passed=passed))[0]
    if seen is None and (passed.unreadable or passed.newer_version):
        await discount_offers_as_seen_by(store, reader, [d], part=part)   # refuses as the claim's read does
    return seen


async def discount_offers_as_seen_by(store: Store, reader: Party, offers: list[DiscountOffer], *,
                                     part: Receivable | None = None, passed: PassedOver | None = None
                                     ) -> list[dict | None]:
    """Each of ``offers`` as ``reader`` may see it (``discount_offer_as_seen_by``). The claims the offers list
    are read in one prefetch and each is decided once, however many offers list it: a page of offers costs one
    round trip (the stub splits a long list into the peer's chunks), not one per offer.

    ``part``, a claim ``reader`` may read: the claims it was split from are shown too where an offer lists them.
    Such an offer covers the part (``lifecycle.discount_offer_covers``), and the part's own id already names
    them (``keys.child_id``), so its holder learns nothing from seeing them and can find the offer it may take.

    ``passed``: a listed claim this peer cannot read is added to it and shown to nobody, rather than refusing
    every offer on the page (refused ``record-unreadable`` or ``record-newer-version`` without it)."""
    listed = list(dict.fromkeys(i for d in offers if not _seen_whole(reader, d) for i in d.receivable_ids))
    await store.prefetch(*((keys.RECEIVABLE, i) for i in listed))
    readable = {i for i in listed if (part is not None and lifecycle.is_part_of(part.id, i))
                or await _listed_claim_readable(store, reader, i, passed)}
    seen: list[dict | None] = []
    for d in offers:
        if _seen_whole(reader, d):
            seen.append(d.to_json())
            continue
        ids = [i for i in d.receivable_ids if i in readable]
        seen.append({**d.to_json(), "receivable_ids": ids} if ids else None)
    return seen


async def _listed_claim_readable(store: Store, reader: Party, receivable_id: str, passed: PassedOver | None) -> bool:
    """Whether ``reader`` may read the claim an offer lists (``may_read``); one this peer cannot read is added to
    ``passed`` where given (False), refused otherwise."""
    r = (await store.receivable_or_none(receivable_id) if passed is None
         else await _claim_or_passed_over(store, receivable_id, passed))
    return r is not None and await may_read(store, reader, r)


async def discount_offer_page(store: Store, reader: Party, debtor: str, receivable: Receivable | None,
                              open_on: str | None, page_size: int, bookmark: str) -> dict:
    """One page of the debtor's discount offers, oldest first, as ``reader`` may see them
    (``discount_offer_as_seen_by``): those covering ``receivable`` when given, those open on ``open_on`` when
    given; none that acceptance would refuse as naming another debtor than published it (``as_published``), nor,
    to a supplier, as published by no member of its debtor's org (``shown_whoever_published``).
    ``fetched`` counts the offers scanned before filtering."""
    passed = PassedOver()
    offers, meta = await store.discount_offers_page(debtor, page_size, bookmark, passed)
    kept = [d for d in offers if (receivable is None or lifecycle.discount_offer_covers(d, receivable))
            and (open_on is None or is_open(d, open_on))]
    seen = await discount_offers_as_seen_by(store, reader, kept, part=receivable, passed=passed)
    # last, as it reads the offer's history: only the offers the page would show otherwise pay that read
    shown = [(d, doc) for d, doc in zip(kept, seen) if doc is not None and await store.as_published(d)]
    # and, for a supplier, the offer's publisher record and the debtor's party, whose org it must name: those of
    # the page's offers in one round trip (the history was read just above, and is not read again)
    held = [d for d, _ in shown if not shown_whoever_published(reader, d)]
    await store.prefetch(*((keys.DISCOUNT_PUBLISHER, d.id) for d in held), *([(keys.PARTY, debtor)] if held else []))
    listed = [doc for d, doc in shown
              if shown_whoever_published(reader, d) or await store.shown_published_by_its_debtor(d)]
    return _page_of(listed, meta, passed)


# ---------------------------------------------------------------- a bank's exposure to a debtor

async def financier_exposure(store: Store, financier: str, debtor: str, today: str) -> dict:
    """The principal ``financier`` has out, and not yet recovered, on the debtor's claims, and what its open
    offers on them would add.

    Per live financing (accepted or disbursed, not yet repaid): the principal
    is the disbursement's (private data), or for an accepted offer not yet
    disbursed the one its terms will advance (``financing.principal``); less
    what the debtor has paid the bank on the claim. ``exposure`` sums them per
    currency: what is out.

    Per open offer of the bank on the debtor's claims (``_open_offers``): the
    advance its terms would make if the holder accepted it today. ``offered``
    sums them per currency: what the holders can still put out, each by one
    acceptance, without asking the bank again. A pricer holds ``exposure`` +
    ``offered`` (in the currency priced) against its limit on the debtor: with
    ``exposure`` alone, every quote would see the whole limit free while earlier
    offers stand, and holders could accept them all.

    ``version`` is the version of these figures (``Store.exposure_version``): an
    offer sent with it (MakeFinancingOffer's ``exposure_version``) is refused if
    another offer of the bank on the debtor came after this read, the change that
    can raise them. ``today``: the day an offer must still be acceptable on to
    count, which GetFinancierExposure takes from its timestamp less the peers'
    time window, so that an acceptance stamped before midnight and committed
    after the read finds its offer counted (``dates.earliest_date_still_stamped``).

    ``uncounted_offers``: the offers the bank's own ``recfin.offer-made`` entries list on the debtor that
    neither ``offered`` nor ``exposure`` counts, whatever the reason (lapsed, their loan ended, their record or
    claim missing or rewritten), in id order; but for an offer its own terms say has expired: AcceptFinancingOffer
    refuses it by those terms, held to the ones kept under the offer, and named here it would be named in the
    priced offer's arguments and by the ``uncounted`` mark that offer leaves, both public, telling every org that
    the private expiry had passed. Two orgs can rewrite an offer's record to hide it while the bank reads and write
    it back before the bank's next offer, which the version does not see: an offer sent with them
    (MakeFinancingOffer's ``uncounted_offers``) drops their entries, so none of them can be accepted after, nor
    disbursed if accepted before it committed.

    Private data is read from this peer: a peer of the bank's org or the
    regulator's holds it.
    """
    claims, accepted = [], []
    for r in await store.financed_by(financier, debtor):
        f = await store.financing(r.financing_id or "")
        accepted.append((f, r))
        principal = await _principal(store, f, r)
        collected = r.paid_to_financier()
        claims.append({"receivable_id": r.id, "financing_id": f.id, "status": f.status, "due_date": r.due_date,
                       "currency": r.currency, "principal": principal, "collected": collected,
                       "outstanding_principal": max(0, principal - collected)})
    # an offer or its claim this peer cannot read is named (``unreadable``, ``newer_version``) and counts nothing,
    # rather than refusing the figures: one the bank's own entries list is among ``uncounted_offers`` too, which an
    # offer priced on these figures drops, so the limit holds; refused, any two orgs writing one key would deny the
    # bank its figures on the debtor. A live loan's claim is refused instead (``Store.financed_by``): nothing drops
    # a loan that is out, and passed over, its principal would be missing from ``exposure``
    passed = PassedOver()
    offers, made, expired = await _open_offers(store, financier, debtor, today, passed)
    # an accepted offer counts in ``exposure``, as its financing: named uncounted, it could not be disbursed. Only a
    # loan on the claim the bank's entry recorded, sealed with the bank's org: two orgs can make up a loan entry, a
    # claim and a financing naming an offer they hid (new keys, under any policy), or accept it with altered
    # chaincode under their own policy, counted at next to nothing and rewritten after, to keep it out of this list
    counted = {row["offer_id"] for row in offers}
    for f, r in accepted:
        if (as_made := made.get(f.accepted_offer_id or "")) is not None and as_made.receivable_id in (None, r.id) \
                and await store.loan_sealed(r, f):
            counted.add(f.accepted_offer_id)
    # an id of another shape names no offer the contract made (two orgs can write an entry under the bank's
    # org, a new key taking any policy), and the bank could not send it
    uncounted = sorted(i for i in made.keys() - counted - expired if keys.is_offer_id(i))
    return {"financier": financier, "debtor": debtor, "version": await store.exposure_version(financier, debtor),
            "exposure": _per_currency(claims, "outstanding_principal"), "financings": claims,
            "offered": _per_currency(offers, "advance"), "offers": offers, "uncounted_offers": uncounted,
            **passed.fields()}


def _per_currency(rows: list[dict], figure: str) -> dict[str, int]:
    """``figure`` of ``rows`` summed per currency, in currency order: fen of different currencies are never added."""
    sums: dict[str, int] = {}
    for row in rows:
        sums[row["currency"]] = sums.get(row["currency"], 0) + row[figure]
    return dict(sorted(sums.items()))


async def _open_offers(store: Store, financier: str, debtor: str, today: str, passed: PassedOver
                       ) -> tuple[list[dict], dict[str, OfferAsMade], set[str]]:
    """The bank's offers on the debtor's claims that the holder could accept today, as AcceptFinancingOffer decides:
    the offer OPEN (not lapsed by a withdrawal or another acceptance) and not expired, on a live request (the claim
    names the financing and no financier yet: acceptance names one), the claim CONFIRMED and not yet due. A frozen
    claim's offer counts: lifting the freeze makes it acceptable again, without the bank. In claim id order.

    Only the bank's ``recfin.open-offer`` and ``recfin.offer-made`` entries under the debtor are scanned
    (``Store.open_offers``: the second, under the bank's org, keeps an offer counted whatever two other orgs
    delete; one not under it, or naming no offer, counts nothing), so the cost follows its offers still OPEN
    there, and those closed since its last offer on the debtor, not the debtor's history nor other banks'
    requests: the offers, then their claims, are each
    read in one batch, and their terms in one batched private read per collection. An expiry date, or a claim
    falling due, passes without a transaction, so those are decided here; the expiry is one of the private terms
    (or, on an offer an earlier contract made, also on its public record). The advance is on the outstanding
    amount, and in the currency, the bank's ``recfin.offer-made`` entry recorded when it offered, which two orgs
    cannot rewrite as they can the claim before acceptance (the claim's, on an entry that recorded none). With
    them, what the bank's own ``recfin.offer-made`` entries say, by offer id (``Store.open_offers``), and the
    ids of the offers left out because their own terms say they expired before ``today``, on claims that would
    take them otherwise. An offer or a claim this peer cannot read is added to ``passed``."""
    bank_msp = (await store.require_party(financier)).msp_id
    listed, made = await store.open_offers(financier, debtor, bank_msp, passed)
    offers = [o for o in listed if o.financier == financier and o.status == "OPEN" and (o.expires_on or today) >= today]
    await store.prefetch(*((keys.RECEIVABLE, o.receivable_id) for o in offers))
    # a claim any two orgs deleted, or wrote as no claim parses to, before acceptance gave it the bank's
    # org: its offer cannot be accepted while so, and counts nothing rather than failing the bank's figures
    claims = {o.id: claim for o in offers if (claim := await _offers_claim(store, o, passed)) is not None}
    acceptable = sorted((o for o in offers if o.id in claims and _acceptable_on(claims[o.id], o.financing_id, debtor,
                                                                                today)),
                        key=lambda o: (o.receivable_id, o.id))
    terms = await store.get_private_many(keys.TERMS, [(o.collection, o.id) for o in acceptable])
    # whose offer each is, as the private record beside its terms says: the offer's record, which any two orgs
    # can rewrite, could name another bank, whose figures would then tell it the advance and the expiry
    made_by = await store.get_private_many(keys.OFFER_PARTIES, [(o.collection, o.id) for o in acceptable])
    rows, expired = [], set()
    for o in acceptable:
        r = claims[o.id]
        if (raw := terms[o.id]) is None:
            raise not_on_this_peer(f"the private record of offer {o.id} (terms)", o.collection)
        if (parties := made_by[o.id]) is not None and parsed_private(
                OfferParties.model_validate_json, parties, o.collection, keys.OFFER_PARTIES, o.id
        ).financier != financier:
            continue
        stored = parsed_private(OfferTerms.from_stored, raw, o.collection, keys.TERMS, o.id)
        as_made = made.get(o.id)
        outstanding, currency = ((as_made.outstanding, as_made.currency)
                                 if as_made is not None and as_made.outstanding is not None
                                 else (r.outstanding, r.currency))
        if (expiry := o.expiry(stored)) >= today:
            rows.append({"offer_id": o.id, "financing_id": o.financing_id, "receivable_id": r.id,
                         "due_date": r.due_date, "expires_on": expiry, "currency": currency,
                         "outstanding": outstanding, "advance": fin.principal(stored, outstanding)})
        else:
            expired.add(o.id)
    return rows, made, expired


async def _offers_claim(store: Store, o: Offer, passed: PassedOver) -> Receivable | None:
    """The claim of offer ``o``, None where there is none or this peer cannot read it (added to ``passed``)."""
    return await _claim_or_passed_over(store, o.receivable_id, passed)


async def _claim_or_passed_over(store: Store, receivable_id: str, passed: PassedOver) -> Receivable | None:
    """The claim, None where there is none or this peer cannot read it (added to ``passed``)."""
    try:
        return await store.receivable_or_none(receivable_id)
    except UNREADABLE_VALUE as problem:
        passed.add(store.key(keys.RECEIVABLE, receivable_id), newer=isinstance(problem, NewerVersionRecord))
        return None


def _acceptable_on(r: Receivable, financing_id: str, debtor: str, today: str) -> bool:
    """The claim of an open offer on ``financing_id`` lets the holder accept it today: still the debtor's claim
    under that live request, with no financier yet, CONFIRMED and not yet due."""
    return (r.debtor == debtor and r.financing_id == financing_id and r.financier is None and r.status == CONFIRMED
            and r.due_date > today)


async def _principal(store: Store, f: Any, r: Receivable) -> int:
    if f.status == "DISBURSED":
        raw = await store.get_private(f.collection, keys.DISBURSEMENT, f.id)
        if raw is not None:
            return parsed_private(Disbursement.model_validate_json, raw, f.collection, keys.DISBURSEMENT,
                                  f.id).principal
        raise not_on_this_peer(f"the private record of financing {f.id} (disbursement)", f.collection)
    raw = await store.get_private(f.collection, keys.TERMS, f.accepted_offer_id or "")
    if raw is not None:
        # from_stored: terms an offer made before 9555fad stored hold rates such as "0E-10"
        terms = parsed_private(OfferTerms.from_stored, raw, f.collection, keys.TERMS, f.accepted_offer_id or "")
        return fin.principal(terms, r.outstanding)
    raise not_on_this_peer(f"the private record of financing {f.id} (accepted terms)", f.collection)


def not_on_this_peer(what: str, collection: str) -> Exception:
    """The refusal of a read of private data ``what`` of ``collection`` that this peer does not hold, for every
    query that reads some: a member peer may not have it yet, as dissemination is best effort
    (``requiredPeerCount`` 0) and reconciliation fills the gap later, so asking again is a way out as well as
    asking another member org's peer."""
    return rule("not-found", f"{what} is not on this peer: a peer of {collection}'s member orgs (the holder's, "
                "the bank's and the regulator's) that missed it when it was written gets it by private data "
                "reconciliation, so ask again shortly, or ask a peer of another of those orgs")


# ---------------------------------------------------------------- business request records

def may_read_request(caller: Party | None, admin_of: str | None, owner: Party) -> bool:
    """A party's request records are for the party itself, an admin of its org (who binds the identities
    acting for it) and the regulator. ``caller`` is None and ``admin_of`` the MSP ID for an org admin."""
    if admin_of is not None:
        return admin_of == owner.msp_id
    return caller is not None and (caller.uscc == owner.uscc or caller.role == cfg.REGULATOR)


def request_record(owner: str, request_id: str, record: dict) -> dict:
    """The stored ``recfin.request`` record as GetRequest answers it, naming whose request it is."""
    return {"request_id": request_id, "party": owner, "transaction": record["transaction"],
            "arguments": record["arguments"], "tx_id": record["tx_id"], "at": record["at"],
            "result": record["result"]}
