"""Invoice verification attestations, never changed once written, and each attester's newest of an invoice, under
the attester's org's key-level policy.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Collection

from chaincode.shim import PeerError

from . import attestation, dates, keys
from .errors import shown, unreadable
from .model import InvoiceAttestation
from .store_base import (HISTORY_NEEDED, UNREADABLE_VALUE, HistoryIncomplete, HistoryUnavailable, StoreBase,
                         parsed_object, readable_record, written_by_a_newer_version)

_NEWEST_FIELDS = tuple(field.name for field in dataclasses.fields(attestation.Newest))
_FORGED_NEWEST = ("No attestation of the invoice by that attester can be recorded, nor any registration of it "
                  "counted, while the entry stands: report the key to the network's operators, whose peers' history "
                  "of the key names the transaction that wrote it and the orgs that endorsed it")


def _entry_of(value: bytes) -> dict[str, str] | None:
    """A write of a ``recfin.attestation-last`` entry as its fields, None where it is no such entry (it names no
    record then)."""
    try:
        entry = json.loads(value)
    except ValueError:
        return None
    if not isinstance(entry, dict) or not all(isinstance(entry.get(field), str) for field in _NEWEST_FIELDS) \
            or not dates.is_time(entry["at"]):
        return None
    return entry


class AttestationRecords(StoreBase):
    """Invoice verification attestations and their attesters' newest (part of ``Store``)."""

    # -- invoice verification attestations (never changed once written)
    async def put_attestation(self, a: InvoiceAttestation) -> None:
        """Record ``a`` and make it its attester's newest of the invoice (``newest_attestation``), both keys under
        the attester's org's key-level policy: under the chaincode-level policy alone, any two orgs (the creditor's
        and the debtor's, which the contract refuses as attesters) could delete a bank's failure, or point its
        newest elsewhere. Only the attester's own pointer is written: each attester's is a key of its own."""
        key = self.key(keys.ATTESTATION, a.fingerprint, a.id)
        await self.stub.put_state(key, a.to_bytes())
        await self._set_policy(key, [a.attested.msp_id])
        await self._put_newest(a.fingerprint, a.attester, attestation.Newest.of(a), a.attested.msp_id)

    async def newest_attestation(self, fp: str, attester: str) -> attestation.Newest | None:
        """``attester``'s newest attestation of the invoice (None: it has not attested it), from its own
        ``recfin.attestation-last`` entry, which only its attestations of the invoice write: at commit Fabric finds
        two by one attester sent at once in conflict, and two by different attesters not.

        Once per invoice, at its first attestation since those entries exist (no ``recfin.attestations-indexed``
        entry yet), the entries are written from the invoice's attestations, for every attester of those an earlier
        contract version recorded, and the invoice marked: only after that does a missing entry mean no attestation.
        That first attestation reads the invoice's attestations, a range any attestation of the invoice changes, so
        of two first ones sent at once one is invalidated, to be sent again; the records themselves are not changed.
        An entry is written there only where it is missing, under its attester's org (``put_attestation``): the mark
        is under the chaincode-level policy, and once two orgs delete it, the entries every attester's own
        attestations keep (each under that attester's org) are not rewritten, which only their orgs could."""
        indexed = self.key(keys.ATTESTATIONS_INDEXED, fp)
        if await self.stub.get_state(indexed):
            return await self._newest_entry(fp, attester)
        found = await self.attestations_of(fp)
        newest = attestation.newest_by_attester(found)
        attester_org = {a.attester: a.attested.msp_id for a in found}
        await self.prefetch(*((keys.ATTESTATION_LAST, fp, each) for each in dict.fromkeys([attester, *newest])))
        # The attester's own entry where it has one, as with the mark: a record in its name the entry does not
        # name (two other orgs can write a new key) would otherwise pass for its newest, and one dated ahead would
        # refuse every attestation it makes after. The records count only for an attester without one.
        own = await self._newest_entry(fp, attester)
        for earlier_attester, theirs in newest.items():
            if not await self.stub.get_state(self.key(keys.ATTESTATION_LAST, fp, earlier_attester)):
                await self._put_newest(fp, earlier_attester, theirs, attester_org[earlier_attester])
        await self.stub.put_state(indexed, keys.INDEX_VALUE)
        return own if own is not None else newest.get(attester)

    async def attestations_kept(self, fp: str
                                ) -> tuple[list[InvoiceAttestation], list[str], list[str], dict[str, str]]:
        """The invoice's attestations (``attestations_of``) but those past their attester's newest as its own entry
        names it (``attestation.past_newest``): records two other orgs wrote in its name, after its last
        attestation. Under an attester without an entry (an invoice not attested since the entries exist, or an
        attester that has not attested it), every record is kept. With them, the ids of the records no
        attestation parses to and of those a newer contract version wrote (``attestation_records``), and the ids of
        the records kept that nothing their attester wrote shows are its own, each with why
        (``attestation.vouching_gap``: dated before the first its entry named, of an attester without an entry, or
        read on a peer whose history of the entry holds no write), which count against a registration but back
        none."""
        found, unreadable, newer = await self.attestation_records(fp)
        newest = await self._attesters_newest(fp, found)
        vouched = await self._attesters_vouched(fp, newest)
        kept = [a for a in found if not self._not_its_attesters(a, newest, vouched)]
        return kept, unreadable, newer, self._unvouched(kept, newest, vouched)

    async def attestations_listed(self, fp: str
                                  ) -> tuple[list[InvoiceAttestation], list[str], list[str], dict[str, str]]:
        """The invoice's attestations as a registration counts them (``attestations_kept``), for a read: a record
        past its attester's newest is named with the records no attestation parses to (``unreadable``), not
        listed as the attester's word. An attester whose entry no attestation wrote (``_newest_entry``) has all
        its records listed, as before entries existed: a read is not refused over a key any two orgs can write.
        Last, the ids of the records listed that nothing their attester wrote shows are its own, each with why
        (``attestation.vouching_gap``), from the entries and their history read already."""
        found, unreadable, newer = await self.attestation_records(fp)
        forged_entries: set[str] = set()
        newest = await self._attesters_newest(fp, found, forged_entries=forged_entries)
        vouched = await self._attesters_vouched(fp, newest)
        listed = []
        for a in found:
            if self._not_its_attesters(a, newest, vouched):
                unreadable.append(a.id)
            else:
                listed.append(a)
        return listed, unreadable, newer, self._unvouched(listed, newest, vouched, forged_entries)

    @staticmethod
    def _unvouched(records: list[InvoiceAttestation], newest: dict[str, attestation.Newest | None],
                   vouched: dict[str, attestation.Vouched | None], forged_entries: Collection[str] = ()
                   ) -> dict[str, str]:
        """The ids of ``records`` nothing their attester wrote shows are its own, each with why
        (``attestation.vouching_gap``)."""
        gaps = {a.id: attestation.vouching_gap(a, newest[a.attester], vouched.get(a.attester),
                                               entry_unreadable=a.attester in forged_entries) for a in records}
        return {attestation_id: gap for attestation_id, gap in gaps.items() if gap is not None}

    async def _attesters_newest(self, fp: str, found: list[InvoiceAttestation], *,
                                forged_entries: set[str] | None = None) -> dict[str, attestation.Newest | None]:
        """The newest of each attester of ``found`` as its own entry keeps it (``_newest_entry``), the entries
        read in one round trip; given ``forged_entries``, an entry no attestation wrote reads as none, its attester
        added there, rather than refusing."""
        attesters = list(dict.fromkeys(a.attester for a in found))
        await self.prefetch(*((keys.ATTESTATION_LAST, fp, attester) for attester in attesters))
        newest: dict[str, attestation.Newest | None] = {}
        for attester in attesters:
            try:
                newest[attester] = await self._newest_entry(fp, attester)
            except UNREADABLE_VALUE:
                if forged_entries is None:
                    raise
                newest[attester] = None
                forged_entries.add(attester)
        return newest

    @staticmethod
    def _not_its_attesters(a: InvoiceAttestation, newest: dict[str, attestation.Newest | None],
                           vouched: dict[str, attestation.Vouched | None]) -> bool:
        """Whether ``a`` is a record two other orgs wrote in its attester's name: dated past the newest its entry
        names (``attestation.past_newest``), or before it but named by no write of that entry
        (``attestation.unvouched``)."""
        return (attestation.past_newest(a, newest[a.attester])
                or attestation.unvouched(a, vouched.get(a.attester)))

    async def _attesters_vouched(self, fp: str, newest: dict[str, attestation.Newest | None]
                                 ) -> dict[str, attestation.Vouched | None]:
        """For each attester with an entry in ``newest``, what the peer's history of that entry vouches for
        (``_entry_vouches``)."""
        return {attester: await self._entry_vouches(fp, attester)
                for attester, theirs in newest.items() if theirs is not None}

    async def _entry_vouches(self, fp: str, attester: str) -> attestation.Vouched | None:
        """The records the peer's history of ``attester``'s ``recfin.attestation-last`` entry of the invoice names
        (``attestation.Vouched``): each attestation writes the entry naming itself, in its own transaction, under
        its attester's org, so a write whose transaction is the one the id it names was made in is the attester's
        own; the first write names the record the attester's attestations go on from (its first under entries, or
        an earlier version's newest, indexed). None where the history holds no write (a peer joined from a
        snapshot since). A peer keeping no history is refused ``history-unavailable``, as a record's first write
        is read (``first_write``)."""
        key = self.key(keys.ATTESTATION_LAST, fp, attester)
        writes = []
        try:
            async for mod in self.stub.get_history_for_key(key):
                writes.append(mod)
        except PeerError as exc:
            raise HistoryUnavailable(f"the peer could not read the history of "
                                     f"{keys.label(keys.ATTESTATION_LAST, fp, attester)} ({exc}), which tells the "
                                     f"attester's own attestations from records in its name: {HISTORY_NEEDED}") \
                from None
        named = [(mod.tx_id, entry) for mod in reversed(writes)   # Fabric gives the newest write first
                 if not mod.is_delete and (entry := _entry_of(mod.value)) is not None]
        if not named:
            return None
        first = named[0][1]
        ids = {entry["attestation_id"] for tx_id, entry in named if entry["tx_id"] == tx_id}
        return attestation.Vouched(ids=frozenset({first["attestation_id"], *ids}),
                                   since=dates.as_time(first["at"]))

    async def _in_its_first_attesters_name(self, a: InvoiceAttestation) -> bool:
        """Whether the record names the attester, and its org, the first write of its key named (or its key
        has no history: written before the peer joined from a snapshot). Attestations are never changed, and
        the key is under its attester's org alone, whose peer alone makes a rewrite of it valid (setting
        another org's policy with it, if it likes): that org could otherwise rewrite an attestation it made
        into one in another attester's name (``attester``, ``attested.msp_id``), to be listed and counted as
        that attester's. Nor does one whose history the peer returns without its first write
        (``first_value``): only rewrites past the peer's ``ledger.state.totalQueryLimit`` make it so, and they
        would pass for the first write."""
        try:
            raw = await self.first_value("A", keys.ATTESTATION, a.fingerprint, a.id)
        except HistoryIncomplete:
            return False
        if raw is None:
            return True
        first = readable_record(InvoiceAttestation, raw, keys.ATTESTATION, [a.fingerprint, a.id])
        return first is not None and ((first.attester, first.attested.msp_id)
                                      == (a.attester, a.attested.msp_id))

    async def _newest_entry(self, fp: str, attester: str) -> attestation.Newest | None:
        """The attester's newest attestation of an invoice as its ``recfin.attestation-last`` entry keeps it (None: it
        has no entry). An entry no attestation wrote (a new key, which any two orgs may write for an attester that
        has none) is refused ``record-unreadable``: nothing the attester attests could be ordered after it, nor could
        a registration tell which of its records are its own."""
        raw = await self.stub.get_state(self.key(keys.ATTESTATION_LAST, fp, attester))
        if not raw:
            return None
        entry = parsed_object(raw, {field: str for field in _NEWEST_FIELDS}, keys.ATTESTATION_LAST, fp, attester,
                              remedy=_FORGED_NEWEST)
        if not dates.is_time(entry["at"]):
            raise unreadable(keys.label(keys.ATTESTATION_LAST, fp, attester), f"its at {shown(entry['at'])} is no "
                             "transaction time", _FORGED_NEWEST)
        return attestation.Newest(**{field: entry[field] for field in _NEWEST_FIELDS})

    async def _put_newest(self, fp: str, attester: str, newest: attestation.Newest, attester_msp: str) -> None:
        key = self.key(keys.ATTESTATION_LAST, fp, attester)
        await self.stub.put_state(key, json.dumps(dataclasses.asdict(newest), sort_keys=True).encode())
        await self._set_policy(key, [attester_msp])

    async def named_newest(self, fp: str, attestation_ids: list[str]) -> list[str]:
        """Those of ``attestation_ids`` (records under the invoice a newer contract version wrote) that some
        attester's ``recfin.attestation-last`` entry of the invoice names as its newest. Every attestation writes
        its attester's entry, under the attester's org, so a newer version's attestation is named there, or was
        before a later one of its attester's (itself a newer version's, so refused as well); one no entry names
        is a new key any two orgs could write, which must not hold back the invoice's registration for good. An
        entry whose value names no id names none: the attester's next attestation refuses it. Reads the
        invoice's entries as a range, re-checked at commit (``every_row_of_a_write``)."""
        named: set[str] = set()
        async for kv in self.every_row_of_a_write(keys.ATTESTATION_LAST, fp):
            try:
                entry = json.loads(kv.value)
            except ValueError:
                continue
            if isinstance(entry, dict) and isinstance(entry.get("attestation_id"), str):
                named.add(entry["attestation_id"])
        return [attestation_id for attestation_id in attestation_ids if attestation_id in named]

    async def attestations_of(self, fp: str) -> list[InvoiceAttestation]:
        """Every attestation of an invoice, oldest first (by transaction timestamp, then transaction id). One
        attester's are so in the order they committed (``attestation.order_problem``); the tx id only orders
        different attesters' attestations at the same time, which changes only the order they are listed in. A
        range read: in a submitted transaction, Fabric checks at commit that no attestation of the invoice was added
        since."""
        return (await self.attestation_records(fp))[0]

    async def attestation_records(self, fp: str) -> tuple[list[InvoiceAttestation], list[str], list[str]]:
        """The invoice's attestations (``attestations_of``); the attestation ids of the records under it
        that are none (``unreadable``): a value no attestation parses to, one whose time is no transaction time, one
        naming another attester than its key's first write did (``_in_its_first_attesters_name``), or a
        copy of an attestation under a key other than the one it was written to (its ``fingerprint`` or its
        ``id`` another key's, as ``stored_under_own_key`` holds every record to its id): a copy of another invoice's
        pass would otherwise count for this one. Every attestation the contract records is under its
        attester's org's policy, so only two orgs writing a new key wrote those; they say nothing anyone could
        count, and each would otherwise fail every read of the invoice's attestations. A key under the
        invoice of another shape than an attestation's (``entry_attributes``) is none either, and is left out
        of both: a copy there would count twice, and the id it ends with is another key's. Last, the ids of the
        records a newer contract version wrote (``newer_version``: this peer runs an older one), apart from
        the others: what such an attestation says (a failure, other values) this version cannot read, so a
        registration must not go on as if it were not there, and the remedy is the peer's, not a report of
        the key."""
        found, unreadable_ids, newer_ids = [], [], []
        # every record, however many the invoice has: RegisterReceivable reads them in a write, and past the
        # peer's totalQueryLimit one plain query would leave out an attestation registration asks for
        async for kv in self.every_row_of_a_write(keys.ATTESTATION, fp):
            if (attributes := self.entry_attributes(kv.key, keys.ATTESTATION)) is None:
                continue   # no attestation's key (``entry_attributes``): a copy there would count twice
            a = readable_record(InvoiceAttestation, kv.value, keys.ATTESTATION, attributes)
            if a is None and written_by_a_newer_version(InvoiceAttestation, kv.value):
                newer_ids.append(attributes[-1])
            elif (a is None or a.fingerprint != fp or not dates.is_time(a.attested.at)
                    or not await self._in_its_first_attesters_name(a)):
                unreadable_ids.append(attributes[-1])
            else:
                found.append(a)
        return (sorted(found, key=lambda a: (attestation.attested_time(a), a.attested.tx_id)), unreadable_ids,
                newer_ids)
