"""The debtors' discount offers (dynamic discounting) and their index by debtor, under the debtor org's key-level
policy.
"""

from __future__ import annotations

import json
from typing import Any

from . import keys
from .errors import NewerVersionRecord, unreadable
from .submitter import submitted_by
from .model import DiscountOffer
from .store_base import UNREADABLE_VALUE, HistoryIncomplete, PassedOver, StoreBase

# what a holder is told of an offer no member of its debtor's org can be shown to have published
_OFFER_NOT_SHOWN_PUBLISHED = ("No holder can take it while it stands: ask the debtor whether it is its offer; if it "
                              "is (one an earlier contract version published, which kept no such proof, included), "
                              "the debtor withdraws it and publishes it again (PublishDiscountOffer); if not, report "
                              "the key to the network's operators (its history names the transaction that wrote it)")

_OFFER_OF_ANOTHER_ORG = ("No holder can take the offer, nor can it be withdrawn, while it stands: report the "
                         "key to the network's operators (its history names the transaction that wrote it); "
                         "the debtor it names publishes a new offer")


class DiscountRecords(StoreBase):
    """Discount offers and their index by debtor (part of ``Store``)."""

    async def discount_offer(self, offer_id: str) -> DiscountOffer:
        """The offer, refused ``record-unreadable`` where it names another debtor than it was published by
        (``_first_published_by``)."""
        d = await self._require(DiscountOffer, keys.DISCOUNT, offer_id, "discount offer")
        if (first := await self._first_published_by(d)) is not None:
            raise unreadable(keys.label(keys.DISCOUNT, d.id), f"it names {d.debtor_msp}'s debtor {d.debtor}, "
                             f"but was published as {first}'s: that org alone, running altered chaincode, "
                             "could have rewritten it", _OFFER_OF_ANOTHER_ORG)
        return d

    async def as_published(self, d: DiscountOffer) -> bool:
        """Whether ``discount_offer`` reads ``d`` as it stands: it names the debtor, and its org, that
        published it (``_first_published_by``), and the peer's history of its key reaches that publication
        (False otherwise: ``HistoryIncomplete``, which ``discount_offer`` refuses too). A peer keeping no
        history refuses ``history-unavailable``, as ``discount_offer`` does. One read of the key's history."""
        try:
            return await self._first_published_by(d) is None
        except HistoryIncomplete:
            return False

    async def _first_published_by(self, d: DiscountOffer) -> str | None:
        """The debtor (and its org) the first write of ``d``'s key named where it is not ``d``'s, else None.
        An offer's key is under its debtor's org alone, so that org's peer alone makes a rewrite of it valid,
        and it may set another org's policy in the same write: one debtor's org rewriting its own offer to
        name another org's debtor would have that debtor's peer, running the contract, endorse the settlement
        of its claims on an early payment it never offered. Its debtor is written once, at publication, and
        never changed: the key's history keeps it. A first write no offer parses to names no debtor either;
        with no history of the key (written before the peer joined from a snapshot), the offer is read as it
        is; with one not reaching its publication, it is refused ``history-unavailable`` (``first_value``)."""
        raw = await self.first_value("D", keys.DISCOUNT, d.id)
        if raw is None:
            return None
        try:
            first = json.loads(raw)
        except ValueError:
            first = None
        published = ((first.get("debtor"), first.get("debtor_msp")) if isinstance(first, dict)
                     else (None, None))
        return None if published == (d.debtor, d.debtor_msp) else f"{published[1]} {published[0]}"

    async def require_published_by_its_debtor(self, d: DiscountOffer) -> None:
        """Refuse ``record-unreadable`` an offer whose publication no member of its debtor's org is shown to have
        submitted (``_not_shown_published``)."""
        if (why := await self._not_shown_published(d)) is not None:
            raise unreadable(keys.label(keys.DISCOUNT, d.id), f"{why}; two other orgs, running altered chaincode, "
                             "could have written it in the debtor's name", _OFFER_NOT_SHOWN_PUBLISHED)

    async def shown_published_by_its_debtor(self, d: DiscountOffer) -> bool:
        """Whether ``require_published_by_its_debtor`` takes ``d``: for a list, which leaves out what it refuses.
        Reads the offer key's history (once per transaction: ``first_write``) and its publisher record; read the
        records of a page's offers in one round trip first (``DISCOUNT_PUBLISHER``)."""
        return await self._not_shown_published(d) is None

    async def _not_shown_published(self, d: DiscountOffer) -> str | None:
        """Why no member of ``d``'s debtor's org is shown to have submitted its publication, or None where one is.
        An offer's key is new when it is published, so the chaincode-level policy alone guards that
        write: any two orgs (neither the debtor's), running altered chaincode, could write an offer in a
        debtor's name, and a holder of a third org taking it would have its claim settled on an early payment the
        debtor never offered, the debtor's peer, running the contract, endorsing the settlement. The publication
        records its submitter's identity and nonce (``recfin.discount-publisher``, ``identity.submitter_proof``),
        which hash to the transaction id of the offer key's first write only if they are that transaction's:
        Fabric committed it with that submitter's signature verified as a member of the MSP it names. An offer
        whose key has no history on this peer (written before a snapshot it joined from, and not since) is taken as
        it is, as ``discount_offer`` takes it.

        The org is the debtor party's (its record, under that org's policy), not the ``debtor_msp`` the offer
        names: the orgs writing an offer write that too, and naming one of their own, with the record of their own
        transaction, would pass for the debtor's."""
        first = await self.first_write("D", keys.DISCOUNT, d.id)
        if first is None:
            return None
        raw = await self.stub.get_state(self.key(keys.DISCOUNT_PUBLISHER, d.id))
        party = await self.party(d.debtor)
        if party is None or party.msp_id != d.debtor_msp:
            return (f"it names {d.debtor_msp} as the org of its debtor {d.debtor}, but "
                    + (f"{d.debtor} is a party of {party.msp_id}" if party is not None
                       else f"no party {d.debtor} is registered"))
        try:
            proof = json.loads(raw) if raw else None
        except ValueError:
            proof = None
        by = submitted_by(proof, first.tx_id)
        if by == party.msp_id:
            return None
        debtor = f"a member of {d.debtor_msp}, whose debtor {d.debtor} it names"
        return (f"nothing shows that {debtor}, submitted transaction {first.tx_id}, which published it: there is no "
                f"{keys.DISCOUNT_PUBLISHER} record of its submitter" if not raw
                else f"its {keys.DISCOUNT_PUBLISHER} record is of no transaction that published it, so nothing shows "
                     f"that {debtor}, did" if by is None
                else f"transaction {first.tx_id}, which published it, was submitted by a member of {by}, not by "
                     f"{debtor}")

    async def put_publisher_proof(self, d: DiscountOffer, proof: dict[str, str]) -> None:
        """Record who submitted the publication of ``d`` (``require_published_by_its_debtor``), under the debtor
        org's policy, as the offer is: no other orgs can delete it and make the offer one no holder takes."""
        key = self.key(keys.DISCOUNT_PUBLISHER, d.id)
        await self.stub.put_state(key, json.dumps(proof, sort_keys=True).encode())
        await self._set_policy(key, [d.debtor_msp])

    async def put_discount_offer(self, d: DiscountOffer, debtor_org: str) -> None:
        """Write the offer and its index entry, both under the debtor org's key-level policy: the offer binds
        the debtor alone, so only its org's endorsement may change it (withdraw it, or undo a withdrawal) or
        drop it from the debtor's list; under the chaincode policy any two other orgs could. A new offer's keys
        fall under the chaincode policy for the publication itself, like every new key.

        ``debtor_org``: the org of the debtor's party record (the caller's, who publishes or withdraws it), not
        the offer's own ``debtor_msp``: two other orgs writing an offer write that field too, and an offer
        naming one of their orgs, withdrawn, would hand that org alone its keys (``_not_shown_published``)."""
        key = self.key(keys.DISCOUNT, d.id)
        await self.stub.put_state(key, d.to_bytes())
        # indexed by fields that never change, so writing the entry again on a later update is harmless
        index_key = self._discount_entry(d)
        await self.stub.put_state(index_key, keys.INDEX_VALUE)
        for written in (key, index_key):
            await self._set_policy(written, [debtor_org])

    def _discount_entry(self, d: DiscountOffer) -> str:
        return self.key(keys.DISCOUNT_BY_DEBTOR, d.debtor, d.published_on, d.id)

    async def restore_discount_entry(self, d: DiscountOffer) -> bool:
        """Write the offer's ``recfin.discount-by-debtor`` entry when it is missing: an offer published before the
        index existed (2617ce3) and never changed since. Whether it wrote one; ``seal_discount_offer`` then gives
        it its policy."""
        index_key = self._discount_entry(d)
        if await self.stub.get_state(index_key):
            return False
        await self.stub.put_state(index_key, keys.INDEX_VALUE)
        return True

    async def seal_discount_offer(self, d: DiscountOffer, debtor_org: str, *, entry_written: bool) -> int:
        """Give the offer's key and its ``recfin.discount-by-debtor`` entry the debtor org's policy, as
        ``put_discount_offer`` does, each where it has none (``_seal_unguarded``): an offer published before
        42422e6 and never changed since is under the chaincode-level policy, which lets any two orgs raise its
        rate, extend its expiry, empty its claims or reopen it. ``debtor_org``: the org of the debtor's party
        record, not the offer's own ``debtor_msp``, which two orgs writing the offer choose (``put_discount_offer``).
        ``entry_written``: this transaction wrote the entry (``restore_discount_entry``), so it carries none, and
        its policy is not read. How many policies it wrote."""
        offer_key, entry_key = self.key(keys.DISCOUNT, d.id), self._discount_entry(d)
        written = await self._seal_unguarded(offer_key, [debtor_org],
                                             await self.stub.get_state_validation_parameter(offer_key))
        entry_held = None if entry_written else await self.stub.get_state_validation_parameter(entry_key)
        return written + await self._seal_unguarded(entry_key, [debtor_org], entry_held)

    async def discount_offers_page(self, debtor: str, page_size: int, bookmark: str,
                                   passed: PassedOver | None = None) -> tuple[list[DiscountOffer], Any]:
        """One page of the debtor's discount offers, oldest publication first (then id), and the page's metadata.

        The offer decides, not its entry: an entry nobody wrote yet is a new key, which any two orgs can write, so
        an offer is listed only under its own entry (``_discount_entry``: ``debtor``, its publication date, its
        id); an entry naming another debtor's offer, or an offer under another date (listed twice, out of order),
        one of another shape (``entry_attributes``: the debtor alone, no id), or an offer missing or
        unreadable, is scanned and left out (the metadata counts it); one this peer cannot read is added to
        ``passed`` too (``PassedOver``), so that the page says it left it out."""
        kvs, meta = await self.index_page(keys.DISCOUNT_BY_DEBTOR, [debtor], page_size, bookmark)
        entries = [entry for kv in kvs
                   if (entry := self.entry_attributes(kv.key, keys.DISCOUNT_BY_DEBTOR)) is not None]
        await self.prefetch(*((keys.DISCOUNT, entry[-1]) for entry in entries))   # in one round trip
        # compared field by field: the key of an offer two orgs wrote, U+0000 in its date, could not be formed
        return [d for entry in entries if (d := await self._listed_discount_offer(entry[-1], passed)) is not None
                and entry == [d.debtor, d.published_on, d.id]], meta

    async def _listed_discount_offer(self, offer_id: str, passed: PassedOver | None) -> DiscountOffer | None:
        try:
            return await self._get(DiscountOffer, keys.DISCOUNT, offer_id)
        except UNREADABLE_VALUE as problem:
            if passed is not None:
                passed.add(self.key(keys.DISCOUNT, offer_id), newer=isinstance(problem, NewerVersionRecord))
            return None
