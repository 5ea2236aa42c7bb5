"""The banks' financing offers and what keeps a bank's figures on a debtor true: each offer's entries (by request,
by bank, open, and the bank's own ``recfin.offer-made`` entry and its mark once dropped, ``OfferAsMade``), the
version of the bank's exposure on the debtor. The check of the offers a priced offer names as left out of its
figures, which the contract and the SDK share, is ``arguments.uncounted_offers_problem``.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
from collections.abc import Collection

from chaincode.shim import PeerError

from . import collections as colls
from . import keys
from .errors import NewerVersionRecord, UnreadableRecord, rule, shown, unreadable
from .model import Offer, OfferParties, Receivable
from .store_base import (UNREADABLE_VALUE, PassedOver, StoreBase, contract_policy_orgs, parsed, parsed_private,
                         stored_under_own_key)


# why the bank's transaction dropped an offer's ``keys.OFFER_MADE`` entry, as its ``keys.OFFER_MADE_DROPPED`` mark says
DROPPED_WITHDRAWN, DROPPED_CLOSED, DROPPED_UNCOUNTED = "withdrawn", "closed", "uncounted"


@dataclasses.dataclass(frozen=True)
class OfferAsMade:
    """What the bank's own keys say of one of its offers (``Store.offer_as_made``): the claim it was made on, the
    request, and the claim's outstanding amount and currency when the bank offered (None: not recorded, on an
    entry an earlier contract or UpgradeLedger wrote), and why its bank dropped the offer's entry (None: it never
    did; "" for a mark an earlier contract wrote). ``entry_standing``: the entry stands, and was never dropped."""

    outstanding: int | None = None
    currency: str | None = None
    dropped: str | None = None
    entry_standing: bool = False
    receivable_id: str | None = None
    financing_id: str | None = None

    @classmethod
    def recorded(cls, raw: bytes, *, entry_standing: bool) -> "OfferAsMade":
        """What an entry (``entry_standing``) or a mark, under the bank's org alone, records: its JSON fields, each
        taken only where it has its type (0x00, an earlier contract's, records none), its text only where a
        key can be formed of it (``keys.can_be_attribute``: an id holding U+0000, which no offer records, two
        orgs wrote under a new key, and forming the request's key of it would refuse the bank's offer
        argument-invalid)."""
        doc = _as_made(raw)
        text = {field: value if isinstance(value := doc.get(field), str) and keys.can_be_attribute(value)
                else None for field in ("currency", "receivable_id", "financing_id")}
        outstanding = doc.get("outstanding")
        if not (type(outstanding) is int and outstanding >= 0 and text["currency"] is not None):
            outstanding, text["currency"] = None, None
        dropped = None if entry_standing else doc.get("dropped") if isinstance(doc.get("dropped"), str) else ""
        return cls(outstanding, text["currency"], dropped, entry_standing, text["receivable_id"], text["financing_id"])

    def differs_from(self, r: Receivable) -> bool:
        """Whether ``r``, the offer's claim, no longer has the amount or currency the bank offered on: nothing the
        contract does changes them while an offer stands (a payment ends the request, a transfer or discount
        needs none live), so two orgs rewrote the claim, before its acceptance gave it the bank's org."""
        return self.outstanding is not None and (r.outstanding, r.currency) != (self.outstanding, self.currency)

    def made_on_another(self, receivable_id: str, financing_id: str) -> bool:
        """Whether the bank made the offer on another claim or request than ``receivable_id`` under
        ``financing_id``: an offer record, a request or an acceptance two orgs wrote could name any offer of the
        bank's, its terms lent on a claim it was not made on."""
        return self.receivable_id is not None and (self.receivable_id, self.financing_id) != (receivable_id,
                                                                                              financing_id)


def offer_made_records(bank: str, debtor: str, offer_id: str) -> tuple[tuple[str, ...], ...]:
    """The bank's keys on its offer that ``Store.offer_as_made`` reads: its entry and its mark."""
    return (keys.OFFER_MADE, bank, debtor, offer_id), (keys.OFFER_MADE_DROPPED, bank, debtor, offer_id)


# an exposure version as ``move_exposure_version`` writes it: a count in digits, of no more than a caller may
# send (MakeFinancingOffer's ``exposure_version``), which no count of offers reaches
_STORED_VERSION = re.compile(rb"[0-9]{1,15}")
_VERSION_MAX = 10 ** 15 - 1   # the highest such count: moved on, it would no longer be one
# the highest count taken from a key two orgs other than the bank's can write a count of their choosing to (the
# fixed key, an entry moved aside without its private copy): the bank's own entries count on from it, and from a
# count near _VERSION_MAX they would run past 15 digits after a few moves, no read would take them, and the version
# would fall back to what those orgs wrote, where the next move would bring back a version read before. From this
# one, more moves than any bank makes are left.
_UNGUARDED_COUNT_MAX = 10 ** 12 - 1


@dataclasses.dataclass(frozen=True)
class ExposureVersion:
    """A bank's exposure version on a debtor as read (``Store.exposure_version_held``): ``value``, and ``key``, the
    key its next move writes (None: ``recfin.exposure-version [bank, debtor]`` carries a policy others set, and the
    bank's next offer moves the version aside to a key of its own)."""

    value: int
    key: str | None


# longer than any entry or mark this contract writes (some 150 bytes): two orgs can write a new key's value, and a
# deep or long one would cost every read of the bank's figures
_AS_MADE_MAX = 1024


def _as_made(raw: bytes | None) -> dict:
    """The JSON object of an offer-made entry or its mark; empty for 0x00 or anything else."""
    if not raw or len(raw) > _AS_MADE_MAX or not raw.startswith(b"{"):
        return {}
    try:
        doc = json.loads(raw)
    except (ValueError, RecursionError):
        return {}
    return doc if isinstance(doc, dict) else {}


# what to do about an offer's record no offer parses to (one naming its bank, request or claim by an id no key
# can be formed of among them): no holder can accept it, and its request's withdrawal passes it over; and
# about a bank's ``recfin.offer-by-bank`` entry holding no offer id, which keeps the bank from offering on the
# request
_FORGED_OFFER_REMEDY = ("Nothing is done on its word: while the request it was made on is open, the "
                        "claim's holder withdraws that request (WithdrawFinancing), which lapses its other "
                        "offers, and requests financing again; report the key to the network's operators, "
                        "whose peers' history of the key names the transaction that wrote it and the orgs "
                        "that endorsed it")


# each offer of a bank's own next offer on a debtor reads every offer the bank has open there (``_still_open``):
# the same records, unchanged, offer after offer, so each stored value's answer is kept. Only a value of the
# length this contract writes (an offer's is some 600 bytes): any two orgs can rewrite an offer's key with a
# value of any length that still parses, up to the peer's 100 MB message, which every bank's offer on the
# debtor would then keep. So 1,024 answers hold under 2.5 MB.
_OFFER_STATUSES_KEPT = 1024
_OFFER_VALUE_KEPT_MAX = 2048


def _offer_status(raw: bytes, offer_id: str) -> str:
    """The status of the offer ``raw`` holds, read from the key of ``offer_id`` as ``StoreBase._get`` reads it:
    refused ``record-unreadable`` or ``record-newer-version`` alike, and each time, as a refusal is not kept. The
    answer depends on the value and the id alone, so a kept one is the answer reading them again would give: a
    changed offer is another value."""
    if len(raw) > _OFFER_VALUE_KEPT_MAX:
        return _read_offer_status(raw, offer_id)
    return _kept_offer_status(raw, offer_id)


def _read_offer_status(raw: bytes, offer_id: str) -> str:
    return stored_under_own_key(parsed(Offer, raw, keys.OFFER, offer_id), keys.OFFER, (offer_id,)).status


_kept_offer_status = functools.lru_cache(maxsize=_OFFER_STATUSES_KEPT)(_read_offer_status)


class OfferRecords(StoreBase):
    """Financing offers, their entries and the exposure's version (part of ``Store``, whose financing records,
    ``financing_or_none``, tell a disbursed offer)."""

    async def offer(self, offer_id: str) -> Offer:
        """The offer, refused as ``_require`` refuses, its ``record-unreadable`` naming the holder's way out
        (``_FORGED_OFFER_REMEDY``). No key-level policy guards an offer's record, so any two orgs can rewrite
        it, to name its bank, request or claim by an id holding U+0000 or U+10FFFF too, which the model
        refuses (``model.KeyAttribute``): forming that key would refuse the call as argument-invalid, blaming
        the caller's offer id for what the record says."""
        o = await self._get(Offer, keys.OFFER, offer_id, remedy=_FORGED_OFFER_REMEDY)
        if o is None:
            raise rule("not-found", f"no financing offer {shown(offer_id)} on this channel: check the id")
        return o

    async def put_offer(self, o: Offer, debtor: str, offered_on: Receivable | None = None,
                        uncounted: Collection[str] = ()) -> None:
        """Write the offer (``debtor``: its claim's, which no change of the claim alters) and keep its
        ``recfin.open-offer`` entry while it is OPEN, deleting it in the change that accepts, lapses or
        withdraws it; a withdrawn offer's ``recfin.offer-by-bank`` entry goes too, where it is this offer's.

        No key of an offer carries a key-level policy, nor does its ``recfin.open-offer`` entry: the holder's
        acceptance of another bank's offer, its withdrawal of the request and the debtor's payment ending it lapse
        this one without the bank's endorsement. A policy naming the bank's org (with the holder's or not) would
        make each of them wait on every offering bank's peer, so the debtor's and the holder's orgs can delete the
        entry. So a new offer also gets its bank's own ``keys.OFFER_MADE`` entry, under the bank's org alone, which no
        lapse has to touch: ``offered`` counts the OPEN offers either entry lists (``open_offers``), so deleting
        entries takes none out of it (rewriting the offer's record to say it ended does, until it is written
        back), and AcceptFinancingOffer takes only an offer that still has it. The entry records the claim's
        outstanding amount and currency as the bank offered on them (``offered_on``: the claim of a new offer), and
        ``offered`` counts the offer's advance on those: before acceptance the debtor's and the holder's orgs can
        rewrite the claim, and one written smaller while the bank reads would count the offer low; acceptance and
        disbursement refuse a claim that no longer has them (``OfferAsMade.differs_from``). The bank's withdrawal
        drops that entry; a lapse or an acceptance leaves it, to the bank's next offer on the debtor
        (``_drop_offers_made``), and a dropped entry leaves its mark, so an offer the bank's figures may have left out
        is never accepted. ``uncounted`` (a new offer's): the offers the figures it was priced on left out, whose
        entries it drops whatever their records say now (``_drop_offers_made``)."""
        await self._put(o, keys.OFFER, o.id)
        if offered_on is not None:
            await self.stub.put_state(self.key(keys.BY_FINANCING, o.financing_id, o.id), keys.INDEX_VALUE)
            await self.stub.put_state(self.key(keys.OFFER_BY_BANK, o.financing_id, o.financier), o.id.encode())
            await self._drop_offers_made(o.financier, o.financier_msp, debtor, closed_only=True, uncounted=uncounted)
            await self._put_offer_made(o, debtor, offered_on)
        entry = self.key(keys.OPEN_OFFER, o.financier, debtor, o.id)
        if o.status == "OPEN":
            await self.stub.put_state(entry, keys.INDEX_VALUE)
        elif not await self.sealed_by_others(entry):   # a sealed entry shows nothing once its offer is not OPEN
            await self.stub.del_state(entry)
        # withdrawn, the bank may offer on the request again, on new terms: its entry goes, if it is this offer's
        # (rewritten after the bank offered again, an old withdrawn offer must not free the new one's place)
        # compared as stored, not read as an id (``offer_of_bank``): an entry two orgs rewrote to bytes that
        # are no UTF-8 text is no offer's, and is left as it is rather than refusing the bank its withdrawal
        by_bank = self.key(keys.OFFER_BY_BANK, o.financing_id, o.financier)
        if o.status == "WITHDRAWN" and await self.stub.get_state(by_bank) == o.id.encode():
            await self.stub.del_state(by_bank)
        if o.status == "WITHDRAWN":
            await self._drop_offers_made(o.financier, o.financier_msp, debtor, offer_id=o.id)

    async def lapse_offer(self, o: Offer, debtor: str) -> None:
        """Write ``o``, an offer the end of its request or the acceptance of another offer lapses (``put_offer``),
        unless its key carries a key-level policy (``sealed_by_others``): the contract gives an offer none, so one
        there was set by two orgs running altered chaincode, and the holder's withdrawal, its acceptance of another
        offer or the debtor's payment, endorsed by the claim's own orgs, would fail validation while those two
        refused to endorse it. Left as it is, the offer is accepted no more: its request is no longer open."""
        if await self.sealed_by_others(self.key(keys.OFFER, o.id)):
            return
        await self.put_offer(o, debtor)

    async def _put_offer_made(self, o: Offer, debtor: str, claim: Receivable | None) -> None:
        """``o``'s ``keys.OFFER_MADE`` entry, recording its request, ``claim``'s id, outstanding amount and currency
        (0x00, nothing recorded, without one: an offer an earlier contract made, whose claim may have been rewritten
        since)."""
        key = self.key(keys.OFFER_MADE, o.financier, debtor, o.id)
        value = (keys.INDEX_VALUE if claim is None else
                 json.dumps({"currency": claim.currency, "financing_id": o.financing_id,
                             "outstanding": claim.outstanding, "receivable_id": claim.id}, sort_keys=True).encode())
        await self.stub.put_state(key, value)
        await self._set_policy(key, [o.financier_msp])

    async def _drop_offers_made(self, bank: str, bank_msp: str, debtor: str, *, offer_id: str = "",
                                closed_only: bool = False, uncounted: Collection[str] = ()) -> None:
        """Delete the bank's ``keys.OFFER_MADE`` entries on the debtor: the one of ``offer_id``, or with ``closed_only``
        those whose offer is no longer OPEN (read in one batch), so the bank's entries there stay as many as its
        offers still open, and one more for each that lapsed or was accepted since its last offer, and those of the
        ``uncounted`` offers (ids with no entry are passed over): the offers GetFinancierExposure answered the
        bank's figures left out, OPEN again or not (two orgs can rewrite a record to hide it while the bank reads
        and write it back before its offer comes), so that none of them is accepted past the limit the bank priced
        against. Only an entry
        under the bank's org alone is deleted, the one its offer got: any two orgs can write a new key, under a
        policy of their own, which a deletion in the bank's transaction could not meet. Each entry deleted leaves its
        ``keys.OFFER_MADE_DROPPED`` mark, saying why (``DROPPED_*``; an ``uncounted`` offer's says so whatever its
        record says) with the entry's amount, so the offer can never be accepted, and one accepted before this
        transaction committed, but left out of the figures it was priced on, is never disbursed
        (``offer_as_made``). Where a mark stands already (the entry written again, a new key, by two orgs), it is
        kept, its amount and all, and only marked ``uncounted`` where this drop is so; a mark under another policy
        could not be written, and is left.

        With ``closed_only``, the bank's next offer reads every one of its entries on the debtor and each listed
        offer's record: its cost follows the bank's offers open there, and an acceptance, lapse or withdrawal of
        one of them committed between its endorsement and its commit fails it (MVCC_READ_CONFLICT; sent again,
        it passes), as another offer of the bank on the debtor does through the exposure's version. That holds for
        an ``uncounted`` offer too, whose record is read all the same: its acceptance committed first fails the
        offer, and the offer committed first fails the acceptance, which read the entry it deletes and the mark it
        writes (``offer_as_made``)."""
        if offer_id:
            named = [offer_id]
        else:
            # an entry of another shape (``entry_attributes``) is no offer's: two orgs wrote it, as a new key;
            # every entry, however many the bank has on the debtor, as one plain query in this writing
            # transaction would stop without a word at the peer's totalQueryLimit and leave the rest unchecked
            named = [entry[-1] async for kv in self.every_row_of_a_write(keys.OFFER_MADE, bank, debtor)
                     if (entry := self.entry_attributes(kv.key, keys.OFFER_MADE)) is not None]
        if closed_only:
            await self.prefetch(*((keys.OFFER, i) for i in named))
            # each record read, an uncounted offer's included: its read is what an acceptance conflicts with
            named = [i for i in named if not await self._still_open(i) or i in uncounted]
        for i in named:
            key = self.key(keys.OFFER_MADE, bank, debtor, i)
            if (raw := await self.stub.get_state(key)) and await self._under(key, [bank_msp]):
                await self.stub.del_state(key)
                why = (DROPPED_WITHDRAWN if offer_id else DROPPED_UNCOUNTED if i in uncounted else DROPPED_CLOSED)
                await self._mark_dropped(self.key(keys.OFFER_MADE_DROPPED, bank, debtor, i), raw, why, bank_msp)

    async def _mark_dropped(self, mark: str, entry: bytes, why: str, bank_msp: str) -> None:
        """Write the ``keys.OFFER_MADE_DROPPED`` mark of a dropped entry (``_drop_offers_made``)."""
        if not (held := await self.stub.get_state(mark)):
            # what the entry recorded goes with it: the amount, the claim and the request the offer was made on
            await self.stub.put_state(mark, json.dumps({**_as_made(entry), "dropped": why}, sort_keys=True).encode())
            await self._set_policy(mark, [bank_msp])
        elif why == DROPPED_UNCOUNTED and await self._under(mark, [bank_msp]):
            doc = _as_made(held)
            if doc.get("dropped") != why:
                await self.stub.put_state(mark, json.dumps({**doc, "dropped": why}, sort_keys=True).encode())

    async def _still_open(self, offer_id: str) -> bool:
        """Whether the offer is OPEN, for the bank's next offer, which drops for good the entries of
        those that are not: a key holding no offer, or a value no offer parses to (any two orgs can write
        or delete it), holds no open offer. A newer contract version's offer refuses the transaction
        (``record-newer-version``): this peer cannot tell whether it is open, and taken for closed, an
        open offer would lose its entry and never be accepted, even once every peer runs that version."""
        raw = await self.stub.get_state(self.key(keys.OFFER, offer_id))
        if not raw:   # as ``_get`` reads it: no offer
            return False
        try:
            return _offer_status(raw, offer_id) == "OPEN"
        except UnreadableRecord:
            return False

    async def _readable_offer(self, offer_id: str, passed: PassedOver) -> Offer | None:
        """The offer, or None where its key holds none or a value no offer parses to (any two orgs can write or
        delete an offer's key), which is added to ``passed``."""
        try:
            return await self._get(Offer, keys.OFFER, offer_id)
        except UNREADABLE_VALUE as problem:
            passed.add(self.key(keys.OFFER, offer_id), newer=isinstance(problem, NewerVersionRecord))
            return None

    async def exposure_version(self, bank: str, debtor: str) -> int:
        """The version of ``bank``'s exposure on ``debtor`` (0 before it first moves): it moves with every change that
        can raise what the bank has out and on offer on the debtor (``queries.financier_exposure``): an offer of the
        bank on the debtor's claims, and an UpgradeLedger page restoring the bank's entries there. An acceptance
        moves an advance from offered to out and adds nothing (the exposure counts an offer while an acceptance of
        it may still commit), and everything else lowers them. A limit checked against the figures read with a
        version still holds while the version stands still. Where it is kept: ``exposure_version_held``."""
        return (await self.exposure_version_held(bank, debtor)).value

    async def exposure_version_held(self, bank: str, debtor: str, bank_msp: str | None = None) -> ExposureVersion:
        """The version of ``bank``'s exposure on ``debtor`` and the key its next move writes (``bank_msp``: the bank's
        org; left out, read from the bank's party record, none where it has none).

        ``recfin.exposure-version [bank, debtor]`` holds it, under the bank's org alone from the bank's first offer
        on the debtor. Before that offer the key is new, a fixed name: any two orgs (the debtor's and a supplier's)
        can write it first, with a value and a policy of their own, and Fabric would hold every offer of the bank
        on the debtor to that policy. So a value there that is no count in digits, or one past
        ``_UNGUARDED_COUNT_MAX``, reads as 0, and where the key carries another policy than the bank's org alone
        (or holds ``_UNGUARDED_COUNT_MAX``, one more of which would read as 0), the bank's next offer leaves it and
        moves the version aside (``move_exposure_version``) to
        ``recfin.exposure-version [bank, debtor, holder org, offer id]``, named after that offer (its id comes from
        its transaction's, so no other org can write the key first), under the bank's org alone, with a private copy
        in the terms collection of the claim's holder org and the bank's, which no write reaches without the bank's
        peer. Such an entry, where one stands, holds the version from then on, whatever the fixed key says, and so
        does the fixed key once under the bank's org alone. Until one of those stands, an entry without its copy
        raises the version to its count where it is under the bank's org alone (no other org can lower or delete
        it then) and that count is no more than ``_UNGUARDED_COUNT_MAX``: an UpgradeLedger page restoring the
        bank's entries moves the version aside to one, named after the page's transaction id, where the fixed key
        is sealed by others. Two orgs can write one too (a new key, under any policy), but then only raise a
        version that, before the bank's own key, they could set anyway; once that key stands, an entry without its
        copy, or naming a collection the contract's definition lacks, says nothing; and two orgs that can write the
        fixed key before the bank's first offer can put it under the bank's org alone at a lower count, read as the
        bank's own, so that a page's entry says nothing and the version falls back (docs/receivables.md, "Before
        the bank's first offer on a debtor": a limit, as this read cannot tell that key from the bank's). The fixed
        key and the entries are read in one plain range query: an entry written meanwhile fails the transaction at
        commit, as a change of the fixed key does."""
        if bank_msp is None:
            party = await self.party(bank)
            bank_msp = party.msp_id if party else ""
        fixed = self.key(keys.EXPOSURE_VERSION, bank, debtor)
        raw, found, without_copy = None, None, []
        async for kv in self.stub.get_state_by_partial_composite_key(keys.EXPOSURE_VERSION, [bank, debtor]):
            if kv.key == fixed:
                raw = kv.value
                continue
            _, attributes = self.stub.split_composite_key(kv.key)
            if (len(attributes) != 4 or not bank_msp or not all(keys.can_be_attribute(a) for a in attributes)
                    or not _STORED_VERSION.fullmatch(kv.value or b"")
                    or (found is not None and int(kv.value) <= found.value)):
                continue
            if await self._written_by_the_bank(kv.key, attributes[2], bank_msp):
                found = ExposureVersion(int(kv.value), kv.key)
            elif int(kv.value) <= _UNGUARDED_COUNT_MAX:
                without_copy.append((int(kv.value), kv.key))
        if found is not None:
            return found
        # Fabric keeps a key's policy only with a value: an empty key carries none
        held = await self.stub.get_state_validation_parameter(fixed) if raw else None
        value = int(raw) if raw and _STORED_VERSION.fullmatch(raw) and int(raw) <= _UNGUARDED_COUNT_MAX else 0
        if held is not None and contract_policy_orgs(held) == [bank_msp]:
            return ExposureVersion(value, fixed)
        # not yet the bank's: an entry an UpgradeLedger page moved it aside to, under the bank's org alone, raises it
        for count, key in sorted(without_copy, reverse=True):
            if count <= value:
                break
            if await self._under(key, [bank_msp]):
                value = count
                break
        return ExposureVersion(value, fixed if held is None else None)

    async def _written_by_the_bank(self, key: str, holder_msp: str, bank_msp: str) -> bool:
        """Whether ``key``, a bank's exposure version moved aside, has its private copy in the terms collection
        of ``holder_msp`` and ``bank_msp``, which only a write the bank's peer endorsed puts there."""
        try:
            return bool(await self.stub.get_private_data_hash(colls.collection_name(holder_msp, bank_msp), key))
        except PeerError:
            return False

    async def move_exposure_version(self, bank: str, debtor: str, read: ExposureVersion, *,
                                    offer: tuple[str, str, str] | None = None,
                                    upgrade: tuple[str, str] | None = None) -> None:
        """Move the version of ``bank``'s exposure on ``debtor`` on from ``read``, as this transaction read it
        (``exposure_version_held``). Read and written by each such change, so that two of them on one bank and
        debtor never commit in one block: the second fails MVCC_READ_CONFLICT (or its range read a phantom) and,
        sent again, moves it after the first.

        ``offer`` (the bank's org, the claim's holder org and the offer's id: a bank's offer, which the bank's peer
        endorses): the version is written under the bank's org alone, so that no other org can rewrite it or seal
        it with a policy of its own; where ``read`` found the fixed key sealed by others, or at a count one more of
        which no read takes from it (``_UNGUARDED_COUNT_MAX``: it would read as 0, a version read before), to a new
        ``recfin.exposure-version`` entry named after the claim's holder org and the offer, with its private copy.

        ``upgrade`` (the bank's org and the holder org of a record of the bank's an UpgradeLedger page restored an
        entry of): the page writes the key it read without a policy (needing the bank's peer where that key is under
        the bank's org); where that is the fixed key sealed by others, which their peers alone could let it write,
        it moves the version aside to an entry named after the holder org and the page's transaction id, under the
        bank's org alone, without a private copy: a copy needs the collection's endorsement policy, the holder's
        peer among it, and a holder's org that sealed the key with the debtor's could then hold the page, and
        every page after it, by withholding its peer. Such an entry counts only until the bank has a key of its
        own there (``exposure_version_held``), so the page needs no org's peer in particular, as before that key
        no write of the version does. Where ``read`` found the version at ``_UNGUARDED_COUNT_MAX`` on the fixed key or
        an entry without its copy, the page writes nothing: one more there would read as 0 or not count, and only
        an entry with its copy, which the page cannot write, holds a count above it. Neither given (or ``upgrade``
        naming no bank org, a bank without a party record): the key read, else the fixed key."""
        key, seal_with = read.key, offer[0] if offer is not None else None
        fixed = self.key(keys.EXPOSURE_VERSION, bank, debtor)
        if offer is None and key in (fixed, None) and read.value >= _UNGUARDED_COUNT_MAX:
            # a count only two orgs other than the bank's can have written: one more, on the fixed key or an entry
            # without its copy, would read as 0 or not at all, and the page can write no entry with its copy
            # (the holder's peer), so it leaves the version where they put it (docs/receivables.md, "Before the
            # bank's first offer on a debtor"); the bank's next offer moves it aside to an entry of its own
            return
        if key == fixed and offer is not None and read.value >= _UNGUARDED_COUNT_MAX:
            # one more on the fixed key would read as 0 (a count there past _UNGUARDED_COUNT_MAX may be any two
            # orgs'), a version read before: the offer moves it aside to its own entry, which reads back as written
            key = None
        if key is None and offer is not None:
            bank_msp, holder_msp, offer_id = offer
            key = self.key(keys.EXPOSURE_VERSION, bank, debtor, holder_msp, offer_id)
            await self.stub.put_private_data(colls.collection_name(holder_msp, bank_msp), key, keys.INDEX_VALUE)
        elif key is None and upgrade is not None and upgrade[0]:
            bank_msp, holder_msp = upgrade
            key = self.key(keys.EXPOSURE_VERSION, bank, debtor, holder_msp, self.stub.tx_id)
            seal_with = bank_msp   # a new key: under the chaincode-level policy, any two orgs could rewrite it
        key = key or fixed
        await self.stub.put_state(key, str(read.value + 1).encode())
        if seal_with is not None:
            await self._set_policy(key, [seal_with])

    async def restore_open_offer_entry(self, o: Offer, debtor: str) -> bool:
        """Write the ``recfin.open-offer`` entry of an OPEN offer made before the index existed, when it is
        missing; whether it wrote one. Its ``keys.OFFER_MADE`` entry, which offers made before it existed lack, is
        written too where missing (not counted: it raises ``offered`` only where the other entry is missing), but
        not where its bank dropped it (``keys.OFFER_MADE_DROPPED``): written again, an offer the bank's figures left out
        could be accepted."""
        if o.status != "OPEN":
            return False
        if not (await self.stub.get_state(self.key(keys.OFFER_MADE, o.financier, debtor, o.id))
                or await self.stub.get_state(self.key(keys.OFFER_MADE_DROPPED, o.financier, debtor, o.id))):
            await self._put_offer_made(o, debtor, None)
        entry = self.key(keys.OPEN_OFFER, o.financier, debtor, o.id)
        if await self.stub.get_state(entry):
            return False
        await self.stub.put_state(entry, keys.INDEX_VALUE)
        return True

    async def offer_as_made(self, bank: str, debtor: str, offer_id: str, bank_msp: str) -> OfferAsMade:
        """What ``bank``'s own keys say of its offer ``offer_id`` on ``debtor`` (point reads of its
        ``keys.OFFER_MADE`` entry and its ``keys.OFFER_MADE_DROPPED`` mark; ``bank_msp``: the bank's org, from its
        party record). ``entry_standing``: the entry stands under the bank's org alone and its bank never dropped
        it, so its ``offered`` has counted the offer throughout, whatever the offer's record said meanwhile. The
        amount is the entry's then, else the mark's; a mark not under the bank's org alone, which two other orgs
        wrote, says nothing of what the bank did and counts as dropped ``uncounted``."""
        # the entry and the mark in one round trip: an acceptance reads both, a refusal commits nothing
        await self.prefetch(*offer_made_records(bank, debtor, offer_id))
        mark = self.key(keys.OFFER_MADE_DROPPED, bank, debtor, offer_id)
        if held := await self.stub.get_state(mark):
            if not await self._under(mark, [bank_msp]):
                return OfferAsMade(dropped=DROPPED_UNCOUNTED)
            return OfferAsMade.recorded(held, entry_standing=False)
        entry = self.key(keys.OFFER_MADE, bank, debtor, offer_id)
        if (held := await self.stub.get_state(entry)) and await self._under(entry, [bank_msp]):
            return OfferAsMade.recorded(held, entry_standing=True)
        return OfferAsMade()

    async def disbursed_among(self, bank: str, debtor: str, offer_ids: Collection[str]) -> str | None:
        """The first of ``offer_ids`` (in id order) whose bank's ``keys.OFFER_MADE`` entry on ``debtor`` records a
        request now DISBURSED on that offer, with the private disbursement record its bank wrote (its hash, on every
        peer: two orgs can make up an entry and a financing, new keys, but not private data the bank's org must
        endorse), or None (batched reads: the entries, then the requests they record). A disbursement needs the
        loan sealed with the bank's org (``loan_sealed``), so no two other orgs can write a disbursed financing
        back; each financing read joins the read set, so a disbursement committed between this read and its
        transaction's commit fails that transaction (MVCC_READ_CONFLICT). An entry recording no request (0x00, an
        earlier contract's) is passed over."""
        ids = sorted(offer_ids)
        await self.prefetch(*((keys.OFFER_MADE, bank, debtor, i) for i in ids))
        recorded = {}
        for i in ids:
            raw = await self.stub.get_state(self.key(keys.OFFER_MADE, bank, debtor, i))
            if raw and (financing_id := OfferAsMade.recorded(raw, entry_standing=True).financing_id):
                recorded[i] = financing_id
        await self.prefetch(*((keys.FINANCING, financing_id) for financing_id in recorded.values()))
        for i, financing_id in recorded.items():
            try:
                f = await self.financing_or_none(financing_id)
            except UNREADABLE_VALUE:   # a value no financing parses to: two orgs wrote it, and no disbursement did
                continue
            if (f is not None and f.status == "DISBURSED" and f.accepted_offer_id == i and f.collection
                    and f.disbursement_hash
                    and await self.private_hash(f.collection, keys.DISBURSEMENT, f.id) == f.disbursement_hash):
                return i
        return None

    async def open_offers(self, financier: str, debtor: str, bank_msp: str, passed: PassedOver
                          ) -> tuple[list[Offer], dict[str, OfferAsMade]]:
        """The offers ``recfin.open-offer`` or the bank's own ``keys.OFFER_MADE`` entries list under the bank and the
        debtor (``put_offer``), in id order, the offers read in batches (``prefetch``): those still OPEN, expired
        ones included (an expiry date passes without a transaction), and those a lapse or an acceptance closed
        since the bank's last offer there, which the caller leaves out by their status. An ``OFFER_MADE`` entry
        not under ``bank_msp`` (the bank's org) alone, which any two orgs can write under a policy of their own,
        lists nothing, nor does an entry of either index of another shape than the contract writes
        (``entry_attributes``), and an entry whose offer record is missing or unreadable (any two orgs can
        delete or rewrite it) counts nothing: none makes the bank's figures fail. An offer record this peer
        cannot read is added to ``passed``. The caller holds each offer
        to its entry: made by the bank, on a claim of the debtor. With them, what the bank's own entries say, by
        offer id: the amount each recorded, and the ids whose offers the caller did not count are those its
        next offer drops (``uncounted``)."""
        ids = {entry[-1] async for kv in self.every_row(keys.OPEN_OFFER, financier, debtor)
               if (entry := self.entry_attributes(kv.key, keys.OPEN_OFFER)) is not None}
        made = {}
        async for kv in self.every_row(keys.OFFER_MADE, financier, debtor):
            if (entry := self.entry_attributes(kv.key, keys.OFFER_MADE)) is not None \
                    and await self._under(kv.key, [bank_msp]):
                made[entry[-1]] = OfferAsMade.recorded(kv.value, entry_standing=True)
        ids.update(made)
        await self.prefetch(*((keys.OFFER, i) for i in sorted(ids)))
        return [o for i in sorted(ids) if (o := await self._readable_offer(i, passed)) is not None], made

    async def offer_parties(self, collection: str, offer_id: str) -> OfferParties | None:
        """Whose offer ``offer_id`` is and to whom it was made, as the private record ``MakeFinancingOffer``
        writes beside its terms in ``collection`` says (the offer's public record, any two orgs can rewrite;
        this one, only the collection's endorsement policy, the holder's and the bank's orgs); None for an
        offer an earlier contract version made, or where this peer holds none (then it holds no terms
        either)."""
        raw = await self.get_private(collection, keys.OFFER_PARTIES, offer_id)
        if raw is None:
            return None
        return parsed_private(OfferParties.model_validate_json, raw, collection, keys.OFFER_PARTIES, offer_id)

    async def offer_of_bank(self, financing_id: str, bank: str) -> str | None:
        """The id of the offer ``bank`` has made and not withdrawn on the request (its
        ``recfin.offer-by-bank`` entry), None where there is none; refused ``record-unreadable``, naming the
        entry, where it holds bytes that are no UTF-8 text, so no offer id: the entry has no key-level policy,
        so any two orgs can rewrite it, and decoding it failed the bank's next offer on the request as an
        internal error."""
        raw = await self.stub.get_state(self.key(keys.OFFER_BY_BANK, financing_id, bank))
        if not raw:
            return None
        try:
            return raw.decode()
        except UnicodeDecodeError:
            raise unreadable(keys.label(keys.OFFER_BY_BANK, financing_id, bank),
                             f"{shown(raw)}, no offer id in UTF-8 text", _FORGED_OFFER_REMEDY) from None

    async def offers_of(self, financing_id: str, passed: PassedOver | None = None) -> list[Offer]:
        """The offers made on the request, in id order. The offer decides, not its ``recfin.by-financing``
        entry: an entry nobody wrote yet is a new key, which any two orgs can write, so an offer is listed only
        under its own entry, while it names the request; an entry of another shape (``entry_attributes``),
        naming an offer of another request (which the request's acceptance or withdrawal would lapse), or an
        offer missing, is passed over. So is a value no offer parses to (``record-unreadable`` where read by
        its id): no holder can accept it while so, and the request's withdrawal, its way out
        (``_FORGED_OFFER_REMEDY``), or an acceptance of another offer, ends the request, whose offers no
        holder can accept then, whatever two orgs write back to their records (which, under no key-level
        policy, they could do to a lapsed offer anyway). A newer contract version's offer refuses the call
        (``record-newer-version``), as ``_still_open`` does: this peer cannot tell whether it is open. With
        ``passed`` (a read, which changes nothing), each offer passed over as this peer cannot read it, a newer
        version's too, is added to it instead, so that the answer names it (``PassedOver``)."""
        # every entry, however many withdrawn offers the request has gathered: past the peer's totalQueryLimit
        # one query would leave out an open offer, which an acceptance would then not lapse
        ids = [entry[-1] async for kv in self.every_row_of_a_write(keys.BY_FINANCING, financing_id)
               if (entry := self.entry_attributes(kv.key, keys.BY_FINANCING)) is not None]
        await self.prefetch(*((keys.OFFER, i) for i in ids))
        offers = [await self._offer_or_none(i, passed) for i in sorted(ids)]
        return [o for o in offers if o is not None and o.financing_id == financing_id]

    async def _offer_or_none(self, offer_id: str, passed: PassedOver | None) -> Offer | None:
        """The offer, or None where its key holds none or a value no offer parses to (``offers_of``): with
        ``passed``, one a newer version wrote too, and either is added to it."""
        try:
            return await self._get(Offer, keys.OFFER, offer_id)
        except UNREADABLE_VALUE as problem:
            newer = isinstance(problem, NewerVersionRecord)
            if passed is None:
                if newer:
                    raise
                return None
            passed.add(self.key(keys.OFFER, offer_id), newer=newer)
            return None
