"""UpgradeLedger: the entries a ledger written by earlier contract versions lacks, written from its own records.

Some entries are written only when the record they derive from changes, so a record an earlier version wrote,
and nothing has changed since, goes without them:

- ``recfin.by-financier`` (since 2617ce3): a financing accepted before it is missing from its bank's
  exposure (GetFinancierExposure), so the bank could lend past its limit on the debtor;
- ``recfin.discount-by-debtor`` (since 2617ce3): an early-payment offer published before it is missing from
  ListDiscountOffers;
- ``recfin.open-offer``: a financing offer still OPEN from before it is missing from its bank's ``offered``
  (GetFinancierExposure), so the bank could lend past its limit on the debtor;
- the bank's ``keys.OFFER_MADE`` entry of a financing offer still OPEN (not where the bank dropped it: its
  ``keys.OFFER_MADE_DROPPED`` mark), without which it cannot be accepted, and the claim's orgs as the key-level
  policy of a ``recfin.by-financier`` entry without one: until then the debtor's and the holder's orgs could
  delete the offer's ``recfin.open-offer`` entry or the loan's ``recfin.by-financier`` entry, taking an offer
  still acceptable or a loan still out from the bank's figures without moving their version. Written as
  ``Store.restore_open_offer_entry`` and ``Store.restore_financier_entry`` say; counted in ``writes`` alone;
- the fingerprint registry under an invoice's current spelling: an invoice registered under a spelling now
  refused (a dashed number before 35b3bf4, a zero-padded code before d72cf20) is registered only under that
  fingerprint, so the same invoice in the one spelling the contract now takes could be registered, and financed,
  a second time (version 1 fingerprints, replaced by 5210831, were never deployed: no ledger holds one);
- the key-level policy of the registry entries naming a claim (its invoices' fingerprints, its goods receipts'
  entries), which earlier versions never set: any two orgs (a supplier's and a bank's) could delete the entry of
  a confirmed, financed claim and register its invoice or delivery again. The orgs are those a registration gives
  them (``Store._guard_registry_entry``), written only on an entry without a policy, none where they are one org,
  as for claims; counted in ``writes`` alone;
- a claim's key-level policy (``policy.endorsing_orgs``: the debtor's and the holder's orgs), which earlier versions
  set only at confirmation: a claim they left REGISTERED could be rewritten by any two orgs (the chaincode-level
  policy) before its debtor confirmed it, and one they left REJECTED revived (so could one they left REGISTERED
  and this version rejected or withdrew, which keeps the key as it was: neither changes an org); so is
  a claim of any status written while its orgs due were one org, which no write gave a policy, once a second org
  is due (a regulator org the configuration added). The policy is written only on a key that has none, and only
  where two or more orgs are due, so under the chaincode-level policy that guards it until then: the upgrade lets
  no org do anything any two could not already do, and from then on a change needs the orgs due;
- a financing's key-level policy (the holder's and the bank's orgs), which earlier versions never set: the record
  of a deal accepted before it (its disbursement, recourse demands, repayment, cancellation, recourse) could be
  rewritten or erased by any two orgs, the debtor's and the regulator's among them. The orgs are the claim's
  (its holder and its financier, under the claim's own key-level policy) while the financing is live, else the
  financing's own record; as for claims, only a key without a policy gets one, the regulator's org added where one
  org both holds and finances, and none where no regulator's org is another (that org's policy alone would be
  weaker than the chaincode's two orgs);
- a discount offer's key-level policy (the org of its debtor's party record, not the ``debtor_msp`` the offer
  names, which two orgs writing it choose) on its key and its ``recfin.discount-by-debtor`` entry, which versions
  before 42422e6 never set: any two orgs could raise its rate, extend its expiry, empty its claims or reopen it.
  Each key without a policy gets it, the entry whether or not this page wrote it;
- a claim's ``recfin.by-debtor`` entry, written back where missing, and its key-level policy (the orgs of its
  invoices' fingerprints, ``Store.restore_debtor_entry``), which earlier versions never set: the debtor's org
  and any other could delete the entry of a claim it paid late, hiding it from ``GetDebtorPaymentRecord``;
- a request record's key-level policy (its party's org, ``Store.seal_request``) and an assignment notice's
  (the debtor's and the bank's orgs, with the regulator's where those are one, ``Store.restore_notice_policy``),
  which earlier versions never set: two orgs could delete a request record for a retry to apply its request
  again, or mark a notice acknowledged without the debtor. Each only where the key has none; these are counted
  in ``writes`` alone. A live loan's notice is the one its claim names, sealed with the claim's page; an ended
  one's, the one its financing record names, with the financings' page;
- every key-level policy in the form earlier versions wrote it (``store_base.earlier_org_policy``: MEMBER
  principals, which any certificate of an org named meets, a client's too) rewritten to this version's (the
  same orgs' peers, ``Store.reseal_earlier_role``): the keys of each page of claims, discount offers and
  financings, then those of the kinds in ``RESEALED_ONLY``, page by page. Unlike the rest, this rewrites a
  policy a key has: Fabric validates it against that policy, so the page's endorsers include the peers of the
  orgs it names (the Gateway plans them from the keys' policies), which meet it; no org gains or loses a say.
  One naming an org outside the configuration is left: that org's peer would never endorse it, failing the
  page on every run; so is that of a record passed over (below), for which nothing is written.

A claim whose key carries a policy that leaves out an org due (a freeze before b8aeb33 kept the debtor's and
the holder's orgs only; an earlier version guarded a claim of one org's parties by that org alone) is not
rewritten to the orgs due (only from the earlier form to the same orgs' peers, above): Fabric checks a change
of a policy against that policy, and a change of the orgs is theirs to endorse. The page lists it in
``claims_to_reseal`` (the orgs its key names, the orgs due); until resealed (ResealReceivable, which those
orgs endorse), those orgs alone can change it.

A record this contract cannot read (a value no model of it parses, one naming another key's id, as a copy
two orgs wrote as a new key does, or an offer or a live financing whose claim is missing) is passed over and
listed in ``unreadable``; the page goes on with the next, as failing it would every time. So is a record a
claim it reads needs: a claim transferred since whose creditor's party record cannot be read (the party's key
listed) gets no registry entry nor registry policy, whose orgs include that party's; a collision whose claim
has a split part that cannot be read is reported with its lineage counted live (the claim's key listed).
A record a newer version of the contract wrote (``store_base.newer_version``: this peer runs an older version
than the ledger's) is passed over the same way, but listed in ``newer_version``, so that no one hunts for who
wrote it outside the contract: the page writes nothing for it, nor for a record naming it (a claim's key is
listed, not the offer's or financing's naming it), and the channel's version, run again, upgrades them.

A page that restores a ``recfin.by-financier`` or ``recfin.open-offer`` entry raises what that bank has out or on
offer on the debtor (``queries.financier_exposure``), so it moves the version of the bank's exposure there
(``Store.exposure_version``) once: an offer priced on a read before it is refused. Where two other orgs sealed
that version's fixed key before the bank's first offer there, the page moves it aside to an entry under the bank's
org alone, without the private copy the bank's offers give theirs, so that it needs neither the peers of the orgs
that sealed it nor the holder's, one of them where its org sealed it with the debtor's (``_move_exposure_version``).

A transaction upgrades one page: ``page_size`` receivables, then, once they are done, discount offers, then
financing offers, then financings, then request records, then the keys of each kind of ``RESEALED_ONLY``, from
a bookmark (the key the previous page stopped at). Every entry it writes is derived from records it reads in
the same transaction, and only where the entry (or policy) is missing, or the policy is in the earlier form:
it changes no record's value, so running it again writes nothing more, and the orderer's read-set check voids
a page whose records changed meanwhile (run it again). A fingerprint already held by another claim is never
taken from it: that invoice backs two claims, registered under two spellings, which is double financing that
already happened; the page returns each such pair and names them in its event. So does a claim that lists one
invoice twice under two spellings (refused now as ``invoice-listed-twice``; earlier versions took it, the
fingerprints differing): its face amount may count that invoice twice, and its pair names the same claim as
``held_by``.

The answer's ``writes`` counts every write the page makes: each value it writes (an entry, the version of a
bank's exposure moved) and each key-level policy it writes or rewrites, one each, a key written both counting
two. The other counts name some kinds of them only: a page that wrote only a ``recfin.by-debtor`` entry
back, a ``recfin.offer-made`` entry or policies they do not count says so in ``writes``. A page run again
writes nothing, and says 0.

RejectReceivable and WithdrawReceivable release, with the fingerprints a claim was registered under, those of their
current spellings this upgrade registered for it (``release_invoices``), or the invoice would stay blocked for good.
A claim so released (``lifecycle.RELEASED``) backs no invoice, so the upgrade registers none for it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any, TypeVar

from pydantic import BaseModel

from . import fingerprint, keys, lifecycle, queries
from .errors import NewerVersionRecord, rule
from .model import LIVE_FINANCING, REGISTERED, DiscountOffer, Financing, Invoice, Offer, Receivable
from .store import Store
from .store_base import NOT_A_RECORD, readable_record, written_by_a_newer_version

# the keys besides those of SCANNED_RECORDS that earlier versions gave a key-level policy, in the form they
# wrote (``store_base.earlier_org_policy``): a page of them reseals each (``Store.reseal_earlier_role``),
# reading no value
RESEALED_ONLY = (keys.PARTY, keys.CLIENT, keys.FINGERPRINT, keys.GOODS_RECEIPT, keys.BY_FINANCIER,
                 keys.OFFER_MADE, keys.OFFER_MADE_DROPPED, keys.DISCOUNT_BY_DEBTOR, keys.ATTESTATION,
                 keys.ATTESTATION_LAST)
# the records a page reads, each kind from which it writes what their records lack
SCANNED_RECORDS = (keys.RECEIVABLE, keys.DISCOUNT, keys.OFFER, keys.FINANCING, keys.REQUEST)
# in this order; a bookmark is a key of one of them (a page of an earlier version's scan stops at none after
# keys.FINANCING)
SCANNED = (*SCANNED_RECORDS, *RESEALED_ONLY)

UNREADABLE = NOT_A_RECORD
"""What reading a record this contract cannot take raises: a value no model of it parses (``record-unreadable``
where the store reads it by its key), or a claim the record names that is missing (``not-found``). Such a
record is passed over and listed (``unreadable``): failing the page would fail it every time, and leave every
record after it, of every kind, without its entries."""

M = TypeVar("M", bound=BaseModel)


async def upgrade_page(store: Store, page_size: int, bookmark: str,
                       channel_orgs: Collection[str]) -> dict[str, Any]:
    """Upgrade the next ``page_size`` records from ``bookmark`` ("" for the first page); the answer says what
    was written, the collisions found, and the bookmark of the next page (``done`` once there is none).
    ``channel_orgs``: the orgs of the configuration, the only ones whose policies a page reseals
    (``Store.reseal_earlier_role``)."""
    scanning = next((t for t in SCANNED if bookmark.startswith(store.key(t))), SCANNED[0])
    # every write of the page goes through this stub, which counts them (``writes``): the fields below count
    # some kinds only, and a page that wrote only what they leave out would otherwise say it wrote nothing
    store = Store(written := _WritesCounted(store.stub), store.regulators)
    report: dict[str, Any] = {"scanned": 0, "writes": 0, "financier_entries": 0, "discount_offer_entries": 0,
                              "open_offer_entries": 0, "fingerprint_entries": 0, "claim_policies": 0,
                              "financing_policies": 0, "discount_offer_policies": 0, "collisions": [],
                              "without_current_spelling": [], "unreadable": [], "newer_version": [],
                              "claims_to_reseal": []}
    # (bank, debtor) whose exposure or offers an entry written adds to -> the holder org of the first such record
    raised: dict[tuple[str, str], str] = {}
    records, next_key = [], ""
    iterator = store.records_from(scanning, bookmark)
    async for kv in iterator:
        if len(records) == page_size:
            next_key = kv.key  # the next page starts here
            break
        records.append((kv.key, kv.value))
    await iterator.close()
    if scanning == keys.RECEIVABLE:
        receivables = [r for _, r in _parsed(store, Receivable, records, report)]
        # the claims it cannot read; a claim read is upgraded, whatever a record it names (listed too) holds
        passed_over = {*report["unreadable"], *report["newer_version"]}
        await store.prefetch(*(entry for r in receivables for entry in _entries_read(r)))
        claimed: dict[str, str] = {}  # fingerprints written by this page: a transaction does not read its own writes
        for r in receivables:
            await _upgrade_receivable(store, r, claimed, report, raised)
    elif scanning == keys.DISCOUNT:
        await _restore_discount_offers(store, _parsed(store, DiscountOffer, records, report), report)
    elif scanning == keys.OFFER:
        offers = _parsed(store, Offer, records, report)
        report["open_offer_entries"] += await _restore_open_offers(store, offers, raised, report)
    elif scanning == keys.FINANCING:
        financings = _parsed(store, Financing, records, report)
        report["financing_policies"] += await _restore_financing_policies(store, financings, report)
        await _restore_notice_policies(store, financings, report)
    elif scanning == keys.REQUEST:
        await _seal_requests(store, [key for key, _ in records], report)
    # every key read, of every kind, where it carries a policy in the form earlier versions wrote: the same
    # orgs, their peers now (an offer's and a request's never carried one, and none of an earlier version);
    # not that of a record passed over, for which nothing is written: orgs wrote it outside the contract, and
    # the key is left as they left it, to find out who
    if scanning != keys.RECEIVABLE:
        passed_over = {*report["unreadable"], *report["newer_version"]}
    if scanning not in (keys.OFFER, keys.REQUEST):
        for key, _ in records:
            if key not in passed_over:
                await store.reseal_earlier_role(key, channel_orgs)
    # an entry restored adds to what its bank has out or on offer on the debtor: a quote priced on a read before it
    # must not pass (Store.exposure_version); each pair's version read once and moved once, as a transaction does
    # not read its own writes
    for (bank, debtor), holder_msp in sorted(raised.items()):
        await _move_exposure_version(store, bank, debtor, holder_msp)
    report["scanned"] = len(records)
    report["writes"] = len(written.writes)
    for passed in ("unreadable", "newer_version"):   # a claim several records name, once
        report[passed] = list(dict.fromkeys(report[passed]))
    if not next_key and scanning != SCANNED[-1]:
        next_key = store.key(SCANNED[SCANNED.index(scanning) + 1])  # the next kind of record, from its first
    return {**report, "bookmark": next_key, "done": not next_key}


class _WritesCounted:
    """A stub that writes through ``stub`` and keeps the writes made (``writes``): each key's value (put or
    deleted), each key's key-level policy and each purge once, as a transaction's write set holds them, a
    private collection's apart. Every other call goes to ``stub`` as it is."""

    def __init__(self, stub: Any) -> None:
        self._stub = stub
        self.writes: set[tuple[str, str, str]] = set()   # (what: value or policy, collection, key)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stub, name)

    async def put_state(self, key: str, value: bytes) -> None:
        await self._stub.put_state(key, value)
        self.writes.add(("value", "", key))

    async def del_state(self, key: str) -> None:
        await self._stub.del_state(key)
        self.writes.add(("value", "", key))

    async def set_state_validation_parameter(self, key: str, policy: bytes) -> None:
        await self._stub.set_state_validation_parameter(key, policy)
        self.writes.add(("policy", "", key))

    async def put_private_data(self, collection: str, key: str, value: bytes) -> None:
        await self._stub.put_private_data(collection, key, value)
        self.writes.add(("value", collection, key))

    async def del_private_data(self, collection: str, key: str) -> None:
        await self._stub.del_private_data(collection, key)
        self.writes.add(("value", collection, key))

    async def purge_private_data(self, collection: str, key: str) -> None:
        await self._stub.purge_private_data(collection, key)
        self.writes.add(("purge", collection, key))

    async def set_private_data_validation_parameter(self, collection: str, key: str, policy: bytes) -> None:
        await self._stub.set_private_data_validation_parameter(collection, key, policy)
        self.writes.add(("policy", collection, key))


async def _move_exposure_version(store: Store, bank: str, debtor: str, holder_msp: str) -> None:
    """Move the version of ``bank``'s exposure on ``debtor`` once (``Store.move_exposure_version``). Where two other
    orgs sealed its fixed key before the bank's first offer there, the version moves aside to an entry under the
    bank's org alone, named after ``holder_msp`` (the holder org of a record whose entry the page restored) and the
    page's transaction, without the private copy the bank's offers give theirs: written to the fixed key, the page
    would need the peers of the orgs that sealed it, and with a copy in the holder's and the bank's collection the
    holder's peer, which, where the holder's org is one of those that sealed it, could withhold it; either way it
    and every page after it would fail for as long as they withheld them. A bank without a party record has the key
    written as read."""
    party = await store.party(bank)
    held = await store.exposure_version_held(bank, debtor, party.msp_id if party else "")
    await store.move_exposure_version(bank, debtor, held, upgrade=(party.msp_id if party else "", holder_msp))


async def _restore_discount_offers(store: Store, offers: list[tuple[str, DiscountOffer]],
                                   report: dict[str, Any]) -> None:
    """Write each offer's missing ``recfin.discount-by-debtor`` entry and seal it and the offer with the org of
    its debtor's party record (``Store.seal_discount_offer``), not the ``debtor_msp`` the offer names: two orgs
    writing an offer write that too, and sealing with one of their orgs would hand that org alone its keys.
    An offer whose debtor's party record is missing or unreadable is passed over, the party's key listed (as for
    a claim's creditor): no org is shown to be its debtor's, and the offer's keys get no entry and no policy.
    The parties and the entries are read together first, in one round trip, where the entries alone took one
    each."""
    await store.prefetch(*((keys.PARTY, d.debtor) for _, d in offers),
                         *((keys.DISCOUNT_BY_DEBTOR, d.debtor, d.published_on, d.id) for _, d in offers))
    for _, d in offers:
        try:
            party = await store.require_party(d.debtor)
        except UNREADABLE as problem:
            _pass_over(report, store.key(keys.PARTY, d.debtor), isinstance(problem, NewerVersionRecord))
            continue
        entry_written = await store.restore_discount_entry(d)
        report["discount_offer_entries"] += entry_written
        report["discount_offer_policies"] += await store.seal_discount_offer(d, party.msp_id,
                                                                             entry_written=entry_written)


def _parsed(store: Store, model: type[M], records: list[tuple[str, bytes]],
            report: dict[str, Any]) -> list[tuple[str, M]]:
    """Each of ``records`` (key, value) that ``model`` reads, with its key; the key of each it cannot read
    added to the report's ``unreadable``, as is that of a record naming another key's id
    (``stored_under_own_key``): a copy of a claim, an offer or a financing two orgs wrote as a new key, from
    which the page would write the real record's policy and entries as the copy says. One a newer contract
    version wrote goes to ``newer_version`` instead (``_pass_over``)."""
    out = []
    for key, raw in records:
        if (doc := readable_record(model, raw, *store.stub.split_composite_key(key))) is None:
            _pass_over(report, key, written_by_a_newer_version(model, raw))
        else:
            out.append((key, doc))
    return out


def _pass_over(report: dict[str, Any], key: str, newer: bool) -> None:
    """List ``key``, a record the page passes over and writes nothing for: in ``newer_version`` where a
    newer contract version wrote it (``newer``: its read was refused ``errors.NewerVersionRecord``, or its
    value is one), so this peer's contract is older than the ledger, which installing the channel's version
    and running the upgrade again puts right; in ``unreadable`` otherwise, a record no version wrote. Either
    way the page goes on, as failing it would fail it on every run: two orgs can write a new key holding any
    value, one with a field this version does not know among them."""
    report["newer_version" if newer else "unreadable"].append(key)


async def _claims_of(store: Store, records: list[tuple[str, M]], claim_id: Callable[[M], str],
                     report: dict[str, Any]) -> dict[str, Receivable]:
    """The claim each of ``records`` names (``claim_id(record)``), read in one batch, by the record's key; the key
    of a record whose claim is missing or unreadable added to the report's ``unreadable`` instead, or, where a
    newer contract version wrote the claim, the claim's key to ``newer_version``."""
    await store.prefetch(*((keys.RECEIVABLE, claim_id(record)) for _, record in records))
    claims = {}
    for key, record in records:
        try:
            claims[key] = await store.receivable(claim_id(record))
        except UNREADABLE as problem:
            newer = isinstance(problem, NewerVersionRecord)
            _pass_over(report, store.key(keys.RECEIVABLE, claim_id(record)) if newer else key, newer)
    return claims


async def _restore_open_offers(store: Store, offers: list[tuple[str, Offer]], raised: dict[tuple[str, str], str],
                               report: dict[str, Any]) -> int:
    """Write the missing ``recfin.open-offer`` entries of the OPEN ``offers`` (key, offer); how many, each one's
    bank and debtor added to ``raised`` (with its claim's holder org). The debtor is their claims', read in one
    batch, and the entries are looked up in another; an offer whose claim cannot be read is listed as
    unreadable."""
    claims = await _claims_of(store, [(key, o) for key, o in offers if o.status == "OPEN"],
                              lambda o: o.receivable_id, report)
    still_open = [(o, claims[key]) for key, o in offers if key in claims]
    await store.prefetch(*((index, o.financier, r.debtor, o.id) for o, r in still_open
                           for index in (keys.OPEN_OFFER, keys.OFFER_MADE, keys.OFFER_MADE_DROPPED)))
    written = 0
    for o, r in still_open:
        if await store.restore_open_offer_entry(o, r.debtor):
            raised.setdefault((o.financier, r.debtor), r.holder_msp)
            written += 1
    return written


async def _restore_notice_policies(store: Store, financings: list[tuple[str, Financing]],
                                   report: dict[str, Any]) -> None:
    """Give the assignment notice each of ``financings`` (key, financing) issued at its disbursement, where the
    financing has ended, the debtor's and the bank's orgs (the regulator's too where they are one) where it has no
    policy (``Store.restore_notice_policy``): one an earlier contract version issued. The debtor's org is its
    claim's (read in one batch; a claim that cannot be read is listed as unreadable, and its notice gets none):
    the notice's own record, which had no policy, could say anything; the bank's org is the financing record's.
    A live financing's notice (the claim names the financing) is passed over here: the claim's page sealed the
    notice its claim names (``_upgrade_receivable``), not the one the financing record names, which had no
    policy either and which two orgs could have blanked or pointed at another notice. Counted in ``writes``
    alone."""
    issued = [(key, f) for key, f in financings if f.notice_id and f.financier_msp]
    claims = await _claims_of(store, issued, lambda f: f.receivable_id, report)
    for key, f in issued:
        if (claim := claims.get(key)) is None or not claim.debtor_msp or claim.financing_id == f.id:
            continue
        await store.restore_notice_policy(f.notice_id or "", (claim.debtor_msp, f.financier_msp or ""))


async def _seal_requests(store: Store, request_keys: list[str], report: dict[str, Any]) -> None:
    """Give each request record of ``request_keys`` its party's org (``Store.seal_request``) where it has no
    policy: records earlier contract versions wrote. The parties are read in one batch; a party record that
    cannot be read is listed as unreadable, and its requests get none. Counted in ``writes`` alone. A key of
    another shape than a request record's (``StoreBase.entry_attributes``: the type's bare key, say) is none:
    two orgs wrote it, and it gets nothing."""
    owners = {key: entry[0] for key in request_keys
              if (entry := store.entry_attributes(key, keys.REQUEST)) is not None}
    await store.prefetch(*((keys.PARTY, uscc) for uscc in dict.fromkeys(owners.values())))
    for key, uscc in owners.items():
        try:
            await store.seal_request(key, uscc)
        except UNREADABLE as problem:
            _pass_over(report, store.key(keys.PARTY, uscc), isinstance(problem, NewerVersionRecord))


async def _restore_financing_policies(store: Store, financings: list[tuple[str, Financing]],
                                      report: dict[str, Any]) -> int:
    """Give the key of each financing (key, financing) a bank accepted its holder's and its bank's orgs where it
    has no policy, and each open request its claim names the claim's own orgs, as RequestFinancing gives one now
    (``Store.restore_request_policy``); how many. A live one (the claim names it) takes them from its claim, whose
    key-level policy has guarded them since its confirmation; an ended one from its own record: a transaction no
    longer changes it, and any two orgs could have rewritten that record before as after, so the upgrade lets no
    org do what two could not. A live one or an open request whose claim cannot be read is listed as unreadable,
    and gets none; a request its claim no longer names is acted on no more, and is left."""
    accepted = [(key, f) for key, f in financings if f.financier_msp is not None]
    live = [(key, f) for key, f in accepted if f.status in LIVE_FINANCING]
    requested = [(key, f) for key, f in financings if f.status == "REQUESTED" and f.financier_msp is None]
    claims = await _claims_of(store, live + requested, lambda f: f.receivable_id, report)
    without_claim = {key for key, _ in live} - set(claims)   # listed as unreadable
    written = 0
    for key, f in requested:
        if (claim := claims.get(key)) is not None and claim.financing_id == f.id:
            written += await store.restore_request_policy(f, claim)
    for key, f in accepted:
        if key in without_claim:
            continue
        claim = claims.get(key)
        if claim is not None and claim.financing_id == f.id and claim.financier_msp is not None:
            parties = (claim.holder_msp, claim.financier_msp)
        else:
            parties = (f.holder_msp, f.financier_msp)
        written += await store.restore_financing_policy(f, parties)
    return written


def _spelt(r: Receivable) -> list[tuple[Invoice, str | None]]:
    """Each invoice of ``r`` with its fingerprint in the current spelling (None when it has none)."""
    out = []
    for inv in r.invoices:  # on a root only
        spelling = fingerprint.current_spelling(inv.code, inv.number)
        out.append((inv, None if spelling is None else fingerprint.invoice_fingerprint(inv.seller_tax_id, *spelling)))
    return out


def _entries_read(r: Receivable) -> list[tuple[str, ...]]:
    """The entries ``_upgrade_receivable`` reads for ``r``, for one prefetch of the whole page."""
    live = [(keys.BY_FINANCIER, r.financier, r.debtor, r.id)] if r.financing_id and r.financier else []
    spelt = ([(keys.FINGERPRINT, fp) for fp in [*(fp for _, fp in _spelt(r) if fp is not None),
                                                 *_paper_fingerprints(r)]]
             if r.status not in lifecycle.RELEASED else [])
    notice = [(keys.NOTICE, n)] if (n := _live_notice(r)) is not None else []
    return [(keys.BY_DEBTOR, r.debtor, r.id), *live, *notice, *spelt]


def _live_notice(r: Receivable) -> str | None:
    """The id of the assignment notice of ``r``'s live loan (financed by a bank, disbursed), else None."""
    return r.notice_id if r.financing_id and r.financier_msp and r.notice_id else None


async def _upgrade_receivable(store: Store, r: Receivable, claimed: dict[str, str], report: dict[str, Any],
                              raised: dict[tuple[str, str], str]) -> None:
    if await store.restore_financier_entry(r):
        report["financier_entries"] += 1
        raised.setdefault((r.financier or "", r.debtor), r.holder_msp)
    registry_orgs_read = True
    try:
        await store.restore_debtor_entry(r)
    except UNREADABLE as problem:
        # its creditor's party record, whose org guards the entry, missing or unreadable (a claim transferred
        # since: its holder's org is not its creditor's); the same org guards its registry entries, so those
        # are left too, as sealing or writing one would fail the page on every run
        _pass_over(report, store.key(keys.PARTY, r.creditor), isinstance(problem, NewerVersionRecord))
        registry_orgs_read = False
    wrote, short = await store.restore_receivable_policy(r)
    report["claim_policies"] += wrote
    # a live loan's assignment notice, as the claim names it (under the claim's own key-level policy), not as its
    # financing record does: one an earlier version accepted had no policy, and two orgs could have blanked or
    # changed the notice id there, leaving the debtor's promise to pay the bank theirs to mark acknowledged
    if (live := _live_notice(r)) is not None:
        await store.restore_notice_policy(live, (r.debtor_msp, r.financier_msp or ""))
    if short is not None:
        # A page cannot rewrite its policy (Fabric checks a change of a policy against that policy, which the page's
        # endorsers do not meet): listed for the orgs it names to reseal. One a freeze before b8aeb33 set (the
        # debtor's and the holder's orgs, without the regulator's), or an earlier version's one-org policy.
        report["claims_to_reseal"].append({"receivable_id": r.id, "key_orgs": short[0], "due_orgs": short[1]})
    if r.status in lifecycle.RELEASED or not registry_orgs_read:  # released invoices back nothing; (above)
        return
    held_here: dict[str, Invoice] = {}  # a current-spelling fingerprint -> the invoice of r that stands for it
    # the entries naming r this page did not write: its invoices', their paper identities' (数电纸质发票)
    registered = [inv.fingerprint for inv in r.invoices] + _paper_fingerprints(r)
    # an invoice registered under its current spelling first: a second spelling of it is the one listed twice
    for inv, fp in sorted(_spelt(r), key=lambda spelt: spelt[1] != spelt[0].fingerprint):
        if fp is None:
            report["without_current_spelling"].append({"receivable_id": r.id, "code": inv.code, "number": inv.number,
                                                       "fingerprint": inv.fingerprint})
            continue
        if fp in held_here:  # the same invoice, listed a second time under another spelling
            live = await _lineage_live(store, r, report)
            report["collisions"].append(_collision(fp, r, inv, live, r, held_here[fp], live))
            continue
        held_here[fp] = inv
        try:
            owner = claimed.get(fp) or await store.fingerprint_owner(fp)
        except UNREADABLE:   # an entry no claim wrote (a new key two orgs wrote): it names none, and stays
            report["unreadable"].append(store.key(keys.FINGERPRINT, fp))
            continue
        if owner is None:
            await store.put_fingerprint(fp, r)
            claimed[fp] = r.id
            report["fingerprint_entries"] += 1
        elif owner == r.id and fp != inv.fingerprint:  # an earlier page wrote it, without a policy then
            registered.append(fp)
        elif owner != r.id:
            try:
                held_by = await store.receivable(owner)
            except UNREADABLE as problem:   # a registry entry for a claim missing or unreadable (no
                # contract writes one), or one a newer version wrote
                _pass_over(report, store.key(keys.RECEIVABLE, owner), isinstance(problem, NewerVersionRecord))
                continue
            report["collisions"].append(_collision(fp, r, inv, await _lineage_live(store, r, report), held_by,
                                                   _invoice_under(held_by, fp),
                                                   await _lineage_live(store, held_by, report)))
    # its entries (its goods receipts' too) as an earlier version left them
    await store.seal_registry_entries(r, registered)


async def _lineage_live(store: Store, r: Receivable, report: dict[str, Any]) -> bool:
    """Whether some claim of ``r``'s lineage is unsettled (``queries.lineage_live``), for a collision. Where
    a part of it cannot be read (missing, unreadable, or naming another claim as the one it was split from:
    keys two orgs wrote outside the contract), ``r``'s key is listed unreadable and the lineage counted
    live, so the collision, double financing that happened, is still reported for the regulator to check,
    rather than the page failing on every run."""
    try:
        return await queries.lineage_live(store, r)
    except UNREADABLE as problem:
        _pass_over(report, store.key(keys.RECEIVABLE, r.id), isinstance(problem, NewerVersionRecord))
        return True


def _collision(fp: str, r: Receivable, inv: Invoice, live: bool, held_by: Receivable, held: Invoice | None,
               held_by_live: bool) -> dict[str, Any]:
    """A collision entry: ``inv`` of ``r`` has current-spelling fingerprint ``fp``, which the registry holds for
    ``held`` of ``held_by`` (``r`` itself when it lists the invoice twice), each invoice as its claim stores it."""
    return {"fingerprint": fp, "receivable_id": r.id, "code": inv.code, "number": inv.number, "live": live,
            "held_by": held_by.id, "held_by_code": held.code if held else "",
            "held_by_number": held.number if held else "", "held_by_live": held_by_live}


def _invoice_under(holder: Receivable, fp: str) -> Invoice | None:
    """The invoice of ``holder`` the registry's entry ``fp`` stands for: the one registered under ``fp``, else
    the one whose current spelling it is (an entry this upgrade wrote). None only for an entry no invoice of
    ``holder`` gives, which no contract version writes."""
    spelt = _spelt(holder)
    return (next((inv for inv, _ in spelt if inv.fingerprint == fp), None)
            or next((inv for inv, current in spelt if current == fp), None))


def _paper_fingerprints(r: Receivable) -> list[str]:
    """The fingerprints of the paper identities (数电纸质发票: ``paper_code``, ``paper_number``) ``r``'s invoices
    name, under which its registration wrote an entry each beside the invoice's own."""
    return [inv.paper_fingerprint for inv in r.invoices if inv.paper_fingerprint]


def registry_fingerprints(r: Receivable) -> list[str]:
    """The fingerprints whose registry entries a reseal of ``r`` covers (``Store.reseal_receivable``, with its
    goods receipts' entries): those of its invoices, of their current spellings the upgrade registered for
    it, and of their paper identities."""
    return [*(each for inv, fp in _spelt(r) for each in (inv.fingerprint, fp) if each is not None),
            *_paper_fingerprints(r)]


async def release_invoices(store: Store, r: Receivable) -> None:
    """Release ``r``'s invoices (RejectReceivable, WithdrawReceivable): the fingerprints it was registered under
    (its invoices' and their paper identities', 数电纸质发票), and the ones of their
    current spellings the upgrade registered for it, each where its entry names ``r``: one another claim holds
    stays its, and one no claim wrote stays too.
    Its goods receipts go with them, as far as they are its: a receipt's entry naming it, or its part of a
    receipt invoiced in parts (an entry another claim holds stays that claim's, as a spelling's does): a claim
    registered before claims listed any has none, and the upgrade writes none (no earlier record names a
    receipt)."""
    # the same entries a reseal covers: what a registration or UpgradeLedger wrote for r is what it releases
    released = list(dict.fromkeys(registry_fingerprints(r)))
    # read together: one round trip on a peer offering multi-key reads, however many invoices and identities
    await store.prefetch(*((keys.FINGERPRINT, each) for each in released))
    for each in released:
        # only an entry naming r: a claim record two orgs wrote as a new key could list another claim's
        # invoice, whose entry its withdrawal, endorsed by peers running this contract, would otherwise delete
        if await store.fingerprint_names(each, r.id):
            await store.release_registry_entry(keys.FINGERPRINT, each)
    for gr in r.goods_receipts:
        await store.release_goods_receipt(gr.receipt_key, r.id)


def _spellings_beside(inv: Invoice) -> list[tuple[str, str, str]]:
    """The spellings (code, number, fingerprint) under which the registry may hold ``inv`` for another claim,
    beside the one it was registered under: its current spelling (``fingerprint.current_spelling``), which
    UpgradeLedger registers for the claim it scans first, and that spelling's other one
    (``fingerprint.other_spelling``: a 12-digit code and 8-digit number run together, or the other way round),
    which registrations before db3db1ca did not read; and, where it names one, its paper identity (数电纸质发票:
    ``paper_code``, ``paper_number``, whose entry its registration wrote for it) and that one's other spelling,
    so that an entry of either naming another live claim holds the step back as the invoice's own would."""
    if (spelling := fingerprint.current_spelling(inv.code, inv.number)) is None:
        return []
    spellings = [spelling]
    if (other := fingerprint.other_spelling(*spelling)) is not None:
        spellings.append(other)
    if inv.paper_fingerprint:
        # its paper identity (数电纸质发票), whose entry its registration wrote, and that one's other spelling
        spellings.append((inv.paper_code, inv.paper_number))
        if (other := fingerprint.other_spelling(inv.paper_code, inv.paper_number)) is not None:
            spellings.append(other)
    beside = {fingerprint.invoice_fingerprint(inv.seller_tax_id, *each): each for each in spellings}
    return [(code, number, fp) for fp, (code, number) in beside.items() if fp != inv.fingerprint]


def _entries_beside(root: Receivable) -> list[tuple[str, ...]]:
    """The registry entries ``ensure_invoices_back_it_alone`` reads for ``root`` (a root claim): one per
    invoice in its current spelling that has another spelling, two at most for one stored in a spelling
    refused now, none otherwise, and one or two more for an invoice naming a paper identity, its entry and
    that of its other spelling where it has one (``_spellings_beside``)."""
    return [(keys.FINGERPRINT, fp) for inv in root.invoices for _, _, fp in _spellings_beside(inv)]


def first_reads_of_the_invoice_check(r: Receivable) -> list[tuple[str, ...]]:
    """What ``ensure_invoices_back_it_alone`` reads first for ``r``, for a transaction making that check to read
    it in a round trip it makes anyway once it holds ``r`` (``Store.prefetch``, ``Session.read_with_party``):
    for a part of a split claim its root, whose invoices name the entries read next
    (``invoice_check_entries``); for a root those entries."""
    return [(keys.RECEIVABLE, r.root_id)] if r.root_id != r.id else _entries_beside(r)


async def invoice_check_entries(store: Store, r: Receivable, *, guarded: bool = False) -> list[tuple[str, ...]]:
    """The registry entries ``ensure_invoices_back_it_alone`` reads for ``r``, for a transaction making that
    check to read them in a round trip it makes anyway (``Store.prefetch``): those of ``r``'s root, which a
    part's transaction reads ahead (``first_reads_of_the_invoice_check``), or else reads here. None where the
    root cannot be read: the check refuses that itself, where it refused it before. ``guarded``: with the
    entries naming the root that an accepted financing guards (``Store.guard_for_financing``: those of
    ``registry_fingerprints`` and of its goods receipts), which AcceptFinancingOffer reads next."""
    if (root := r if r.root_id == r.id else await store.receivable_to_read_ahead(r.root_id)) is None:
        return []
    entries = _entries_beside(root)
    if guarded:
        entries += [*((keys.FINGERPRINT, fp) for fp in registry_fingerprints(root)),
                    *((keys.GOODS_RECEIPT, gr.receipt_key) for gr in root.goods_receipts)]
    return list(dict.fromkeys(entries))


async def _invoice_backing_another_claim(store: Store, root: Receivable
                                         ) -> tuple[Invoice, tuple[str, str, str], str, Receivable | None] | None:
    """An invoice of ``root`` (a root claim) whose registry entry under another spelling (``_spellings_beside``)
    names another claim whose lineage is live, as (the invoice, that spelling, that claim's id, that claim,
    None where this peer cannot read it); None where there is none. The entries (``_entries_beside``) are read
    together, in one round trip where the transaction has not read them ahead with records of its own
    (``invoice_check_entries``). An entry no transaction of the contract wrote, or naming no claim on the
    ledger, names none (as for a release); a claim named that cannot be read, or whose lineage cannot, counts
    as live: the invoice is not financed twice on a record this peer cannot read."""
    beside = [(inv, spelling) for inv in root.invoices for spelling in _spellings_beside(inv)]
    await store.prefetch(*_entries_beside(root))
    for inv, spelling in beside:
        try:
            owner = await store.fingerprint_owner(spelling[2])
        except UNREADABLE:
            continue
        if owner is None or owner == root.id:
            continue
        try:
            if (other := await store.receivable_or_none(owner)) is None:
                continue
            live = await queries.lineage_live(store, other)
        except UNREADABLE:
            return inv, spelling, owner, None
        if live:
            return inv, spelling, owner, other
    return None


async def ensure_invoices_back_it_alone(store: Store, r: Receivable, step: str) -> None:
    """Refuse ``step`` (``"confirm"``, ``"finance"``, ``"discount"``) of ``r`` while an invoice of its root is
    held by another live claim under another spelling (``_invoice_backing_another_claim``): a ledger written
    before registrations read an invoice's other spelling (db3db1ca), or before UpgradeLedger registered its
    current spelling, may hold two live claims on one invoice, and each confirmation, financing or early
    payment of both would pay that invoice twice. Refused ``invoice-already-financed``, naming the other claim
    and what ends one of the two; a part of a split claim is judged by its root's invoices.

    Its reads (a part's root, then the entries, ``_entries_beside``) depend on the claim, so each costs a round
    trip of its own unless the transaction reads it ahead with records it reads anyway
    (``first_reads_of_the_invoice_check``, ``invoice_check_entries``): ConfirmReceivable, RequestFinancing,
    AcceptFinancingOffer and AcceptDiscountOffer do, and cost one round trip more than without the check only
    where nothing is left to read a part's entries with (RequestFinancing, whose caller's party is read with
    the root) or its root (AcceptDiscountOffer with a request id: read after the retry check, as a retry
    answered from its request reads no claim). The other claim and its lineage are read only where an entry
    names one."""
    root = r if r.root_id == r.id else await store.receivable(r.root_id)
    if (found := await _invoice_backing_another_claim(store, root)) is None:
        return
    inv, (code, number, fp), owner, other = found
    of = f"{r.id}'s invoice" if root.id == r.id else f"the invoice of {r.id}'s root {root.id}"
    given = f"code {inv.code} and number {inv.number}" if inv.code else f"number {inv.number} with no code"
    as_ = f"code {code} and number {number}" if code else f"number {number} with no code"
    held = (f"{of} given as {given} is registered as {as_} too (fingerprint {fp[:12]}…), for receivable "
            f"{owner}, ")
    if other is None:
        state = ("which this peer cannot read (a record written outside the contract, or by a newer contract "
                 "version): ask another peer, or the network's operators")
    elif other.status == REGISTERED:
        state = (f"which is REGISTERED: its creditor {other.creditor} withdraws whichever of the two is the "
                 "mistaken claim (WithdrawReceivable) while it is REGISTERED, or its debtor rejects it "
                 "(RejectReceivable)")
    else:
        state = (f"whose lineage is live ({owner} is {other.status}), so no withdrawal or rejection releases "
                 f"that one: if {r.id} is the mistaken claim and REGISTERED, its creditor withdraws it "
                 "(WithdrawReceivable) or its debtor rejects it (RejectReceivable)")
    raise rule("invoice-already-financed", f"{held}{state}; the regulator may freeze either claim meanwhile "
               f"(FreezeReceivable). One invoice backs one live claim, so {r.id} cannot {step} while both "
               "stand (the two were registered before the contract read an invoice's other spellings)")
