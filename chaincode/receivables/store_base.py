"""What every part of ``Store`` stands on: composite keys, point, batched and paged reads through the stub, the
key-level policies this contract writes (``org_policy``), and private data.

``StoreBase`` is the base of the classes ``Store`` is composed of (``store``), one kind of record each.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import AsyncIterator, Callable, Collection, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from google.protobuf.message import DecodeError

from chaincode.caller_values import json_kind
from chaincode.shim import KV, KeyEndorsementPolicy, PeerError

from . import keys
from .errors import (NewerVersionRecord, RuleViolation, UnreadableRecord, newer_version_record, parse_problem, rule,
                     shown, unreadable)

M = TypeVar("M", bound=BaseModel)

ENTRY_PAGE_SIZE = 1000   # rows per page where a query reads every one (``Store.every_row``)

# How a peer refuses a read of private data whose hash is on the ledger but whose value its private store
# lacks (a member peer that missed the dissemination and has not reconciled yet, or a peer of an org that is
# no member): Fabric's queryHelper.getPrivateData fails the read with this (capitalised before Fabric 2.0),
# where a key never written reads as empty.
PRIVATE_VALUE_NOT_HELD = "private data matching public hash version is not available"


def _not_held_here(exc: PeerError) -> bool:
    return PRIVATE_VALUE_NOT_HELD in str(exc).lower()

# what to do about a stored value no record parses to, where nothing else can be done: the key's history tells who
REPORT_THE_KEY = ("Nothing the contract does can use it: report the key to the network's operators, whose peers' "
                  "history of the key names the transaction that wrote it and the orgs that endorsed it")


# what a peer needs to hold a record to its key's first write (``StoreBase.first_value``)
HISTORY_NEEDED = ("Endorse on a peer that keeps the channel's whole history: core.yaml "
                  "ledger.history.enableHistoryDatabase true (Fabric's default, docs/network.md), "
                  "joined from the channel's genesis block rather than a snapshot")


class HistoryUnavailable(RuleViolation):
    """The peer's history of a key does not reach its first write (rule ``history-unavailable``)."""

    def __init__(self, message: str) -> None:
        super().__init__("history-unavailable", message)


class HistoryIncomplete(HistoryUnavailable):
    """The peer keeps a history of the key, but its oldest write is not the one that created the record."""


NOT_A_RECORD = (ValidationError, RuleViolation)
"""What reading a stored value as a record's model raises where it is no such record: pydantic's refusal, or a
rule one of the model's validators applies (an invoice whose tax is 1.5 is ``amount-not-integer-fen``), which
pydantic does not wrap, a RuleViolation being no ValueError. ``parsed`` refuses both as ``record-unreadable``,
and a read that passes such a value over catches both: a key any two orgs wrote with one would otherwise fail
the statistics, and every list page and history reaching it, naming a rule its caller never broke."""

# what reading a stored value that is no record this version reads raises: ``parsed``'s refusal of one no version
# wrote, or of a newer version's record (``newer_version``); a read that can pass such a value over catches both
UNREADABLE_VALUE = (UnreadableRecord, NewerVersionRecord)


def parsed(model: type[M], raw: bytes, object_type: str, *attributes: str, remedy: str = REPORT_THE_KEY) -> M:
    """``raw``, the stored value of the key ``object_type`` [``attributes``], as ``model``; refused
    ``record-unreadable`` (``errors.unreadable``, naming the key and ``remedy``) where it is no such record, and
    ``record-newer-version`` (``errors.newer_version_record``) where a newer contract version wrote it
    (``newer_version``)."""
    try:
        return model.model_validate_json(raw)
    except NOT_A_RECORD as exc:
        label = keys.label(object_type, *attributes)
        if newer_version(exc):
            raise newer_version_record(label) from None
        raise unreadable(label, parse_problem(exc), remedy) from None


# the field by which each record names the key it is stored under: a claim's, a financing's, an offer's id, a
# party's credit code, a goods receipt entry's receipt key
_OWN_KEY_FIELDS = ("id", "uscc", "receipt_key")

# how many attributes the contract gives a key of each type a read reaches by range or scan (``keys``'
# table): a record's id (an attestation's invoice fingerprint and id, a request's party and id), an index
# entry's leading attributes and, last, the id of the record it lists. Any two orgs can write a new key of the
# type with other attributes, which is no record or entry the contract wrote (``StoreBase.entry_attributes``,
# ``stored_under_own_key``)
KEY_ATTRIBUTES = {
    keys.PARTY: 1, keys.RECEIVABLE: 1, keys.GOODS_RECEIPT: 1, keys.FINANCING: 1, keys.OFFER: 1,
    keys.NOTICE: 1, keys.DISCOUNT: 1, keys.ATTESTATION: 2, keys.REQUEST: 2,
    keys.BY_HOLDER: 2, keys.BY_DEBTOR: 2, keys.BY_STATUS: 2, keys.BY_FINANCING: 2,
    keys.BY_FINANCIER: 3, keys.OPEN_OFFER: 3, keys.OFFER_MADE: 3, keys.DISCOUNT_BY_DEBTOR: 3,
}


def stored_under_own_key(doc: M, object_type: str, attributes: Sequence[str],
                         remedy: str = REPORT_THE_KEY) -> M:
    """``doc``, read from the key ``object_type`` [``attributes``], where the id it names is that key's;
    refused ``record-unreadable`` where it names another. Any two orgs running altered chaincode can write a
    key nobody has written yet, and could copy there another record naming its own id (a financed claim, a
    party): every write of the record goes to the key its id names, so a change of the copy, endorsed by the
    peers of the orgs guarding that key, running this contract, would rewrite the real record (withdraw a
    financed claim and free its invoice, transfer a claim as its holder). Every read of a record holds it to
    this: a point read (``StoreBase._get``), a list's or a range's (``queries``), UpgradeLedger's scan, which
    would otherwise write policies and entries for the real record from the copy (``upgrade``), and an
    invoice's attestations (``Store.attestation_records``, which also holds each to the invoice's
    fingerprint). The id is the key's last attribute, of as many as the type's keys have (``KEY_ATTRIBUTES``):
    a copy under the id with an attribute more (or less), which a scan of the type reaches, is no record."""
    field = _own_key_field(type(doc))
    # a key of no attributes (the type's bare key, which a range scan reaches), or of another count, is no
    # record's own key
    of_its_shape = bool(attributes) and len(attributes) == KEY_ATTRIBUTES.get(object_type, len(attributes))
    if field is not None and getattr(doc, field) != (attributes[-1] if of_its_shape else None):
        raise unreadable(keys.label(object_type, *attributes),
                         f"its {field} is {shown(getattr(doc, field))}, another key's", remedy)
    return doc


@functools.cache
def _own_key_field(model: type[BaseModel]) -> str | None:
    """The field by which records of ``model`` name their own key (``_OWN_KEY_FIELDS``), None where they name
    none: a class's fields are fixed, and a scan holds every record it reads to this."""
    return next((f for f in _OWN_KEY_FIELDS if f in model.model_fields), None)


def readable_record(model: type[M], raw: bytes | None, object_type: str,
                    attributes: Sequence[str]) -> M | None:
    """A record's stored value, read from the key ``object_type`` [``attributes``], as ``model``; None where
    there is none, it is no such record (``NOT_A_RECORD``), or it names another key's id
    (``stored_under_own_key``). For the reads that pass such a value over rather than fail on it (a list, a
    range, UpgradeLedger's scan): each is a key two orgs wrote outside the contract, which would otherwise
    fail every page reaching it, or be taken for the record it copies."""
    if not raw:
        return None
    try:
        return stored_under_own_key(model.model_validate_json(raw), object_type, attributes)
    except NOT_A_RECORD:
        return None


def written_by_a_newer_version(model: type[M], raw: bytes) -> bool:
    """Whether ``raw``, a value ``readable_record`` passed over, is a record of ``model`` a newer contract
    version wrote (``newer_version``), as a read of it by its key would refuse it ``record-newer-version``."""
    try:
        model.model_validate_json(raw)
    except ValidationError as exc:
        return newer_version(exc)
    except NOT_A_RECORD:
        return False
    return False   # it parses: passed over as a copy under another record's key


class PassedOver:
    """The keys of the records a read passes over because this peer cannot read them, named as UpgradeLedger
    names them: ``newer_version``, a record a newer contract version wrote (this peer runs an older one:
    install the channel's version), and ``unreadable``, one no version wrote (a value two orgs wrote outside
    the contract, or a copy of another record under a key not its own). A list, the statistics or an exposure
    that passes one over answers both, in the order met, so that a reader summing a page knows what it does
    not hold, rather than being told a smaller figure with no sign anything was left out."""

    def __init__(self) -> None:
        self.unreadable: list[str] = []
        self.newer_version: list[str] = []

    def add(self, key: str, *, newer: bool) -> None:
        found = self.newer_version if newer else self.unreadable
        if key not in found:   # a record two entries of one page name, once
            found.append(key)

    def read(self, model: type[M], raw: bytes | None, key: str, object_type: str,
             attributes: Sequence[str]) -> M | None:
        """``readable_record`` of ``raw``, the value under ``key`` (``object_type`` [``attributes``]); a value
        it passes over (not an empty key, which holds no record) is added by ``key``."""
        doc = readable_record(model, raw, object_type, attributes)
        if doc is None and raw:
            self.add(key, newer=written_by_a_newer_version(model, raw))
        return doc

    def fields(self) -> dict[str, list[str]]:
        """The answer's ``unreadable`` and ``newer_version``."""
        return {"unreadable": list(self.unreadable), "newer_version": list(self.newer_version)}


def newer_version(exc: Exception) -> bool:
    """Whether a stored value ``exc`` refused holds every field this version reads, each as it reads it, and fields
    it does not know besides, or a status value it does not know: what a newer contract version writes (each adds
    fields, with defaults, and some a status). Reading it here means this peer runs an older version than the
    channel's, which its operators put right by installing that one (``errors.newer_version_record`` says so),
    rather than a record to report (``REPORT_THE_KEY``)."""
    return isinstance(exc, ValidationError) and all(e["type"] == "extra_forbidden" or _a_status_it_does_not_know(e)
                                                    for e in exc.errors())


# a status value as every version spells one (REGISTERED, WITHDRAWN, ...)
_STATUS_VALUE = re.compile(r"[A-Z][A-Z_]{0,39}")


def _a_status_it_does_not_know(error: Any) -> bool:
    """Whether a refused field is a record's ``status`` holding a status name this version lacks: newer versions
    have added statuses so (8969a81 a claim's WITHDRAWN with withdrawn_on; an offer's WITHDRAWN, a financing's
    CANCELLED and RECOURSED, a notice's RELEASED after it)."""
    value = error.get("input")
    return (error["type"] == "literal_error" and tuple(error["loc"]) == ("status",) and isinstance(value, str)
            and _STATUS_VALUE.fullmatch(value) is not None)


def parsed_private(load: Callable[[bytes], M], raw: bytes, collection: str, object_type: str, ident: str) -> M:
    """``raw``, the private record ``object_type`` [``ident``] of ``collection``, as ``load`` reads it (a model's
    ``model_validate_json``, ``OfferTerms.from_stored``); refused ``record-unreadable`` or ``record-newer-version`` as
    ``parsed`` refuses. A private record takes the writes its collection's endorsement policy lets through (a peer of
    the holder's org and one of the bank's: ``collections.terms_endorsement_policy``), whatever chaincode those
    peers ran, so its value may be one this contract never wrote."""
    try:
        return load(raw)
    except (ValueError, RecursionError, RuleViolation) as exc:   # pydantic's ValidationError is a ValueError, as
        # json's error is; a RuleViolation is a model validator's refusal of the value (NOT_A_RECORD)
        label = f"{keys.label(object_type, ident)} of collection {collection}"
        if newer_version(exc):
            raise newer_version_record(label) from None
        raise unreadable(label, parse_problem(exc), REPORT_THE_KEY) from None


def parsed_object(raw: bytes, fields: dict[str, type], object_type: str, *attributes: str,
                  remedy: str = REPORT_THE_KEY, ids: Collection[str] = ()) -> dict[str, Any]:
    """``raw``, the stored value of the key ``object_type`` [``attributes``], as the JSON object the contract writes
    there, holding at least ``fields``, each of its type, those of them in ``ids`` (a record's id, which the
    contract forms a key of) ids of which a key can be formed (``keys.can_be_attribute``), as the models hold
    theirs (``model.KeyAttribute``); refused ``record-unreadable`` as ``parsed`` refuses."""
    record = keys.label(object_type, *attributes)
    try:
        doc = json.loads(raw)
    except (ValueError, RecursionError) as exc:   # not UTF-8, not JSON, nested past the parser's depth
        raise unreadable(record, parse_problem(exc), remedy) from None
    if not isinstance(doc, dict):
        raise unreadable(record, f"a JSON {json_kind(type(doc))}, not an object", remedy)
    for field, kind in fields.items():
        if field not in doc:
            raise unreadable(record, f"no {field}", remedy)
        if not isinstance(doc[field], kind):
            raise unreadable(record, f"its {field} is not a JSON {json_kind(kind)}", remedy)
        if field in ids and not keys.can_be_attribute(doc[field]):
            raise unreadable(record, f"its {field} holds U+0000, U+10FFFF or a lone surrogate", remedy)
    return doc


class StoreBase:
    """Keys, reads and writes through the stub, and key-level policies: what every part of ``Store`` uses."""

    def __init__(self, stub: Any, regulators: Sequence[str] | None = None) -> None:
        """regulators: the orgs whose parties may be the regulator under the configuration in force
        (``NetworkConfig.msps_with_role``), which a claim's key-level policy names while it is frozen or where its
        parties are one org (``policy.endorsing_orgs``); required to write a claim."""
        self.stub = stub
        self.regulators = regulators
        # first_write's answers by key: a transaction sees no write of its own in a history, so a key's first write
        # stays what it was read as, and a second check of one record costs no second history query
        self._first_writes: dict[str, Any] = {}
        # records read ahead (``read_ahead``) by key, with the value read: the next ``_get`` of the key takes the
        # record rather than parsing the same value again
        self._read_ahead: dict[str, tuple[bytes, BaseModel]] = {}

    def key(self, object_type: str, *attributes: str) -> str:
        if (key := self.key_or_none(object_type, *attributes)) is None:
            # an id, credit code or client id from the caller with U+0000 or U+10FFFF (the key delimiters):
            # never one a record names, which the model refuses (``model.KeyAttribute``)
            bad = next((a for a in attributes if not keys.can_be_attribute(a)), "")
            raise rule("argument-invalid", f"{shown(bad)} contains U+0000 or U+10FFFF, which no id, credit code "
                       "or client identity may contain")
        return key

    def key_or_none(self, object_type: str, *attributes: str) -> str | None:
        """The key, or None where an attribute holds U+0000 or U+10FFFF (``keys.KEY_DELIMITERS``): for
        ``prefetch``, which reads ahead what a caller's arguments name, leaving an id no key can be formed of
        to the read that refuses it argument-invalid (``key``). A stored record naming such an id is no record
        the model reads (``model.KeyAttribute``), nor an index entry (``entry_attributes``)."""
        try:
            return self.stub.create_composite_key(object_type, list(attributes))
        except ValueError:
            return None

    async def prefetch(self, *records: tuple[str, ...]) -> None:
        """Read, in one round trip to the peer, records this transaction is about to read one by one
        (each an object type and its attributes); the stub answers the later reads from this one.

        Name only records every successful path reads anyway: each read joins the read set the
        orderer's validation checks. A record whose key cannot be formed is left to the read that
        will report it."""
        wanted = [key for object_type, *attributes in records
                  if (key := self.key_or_none(object_type, *attributes)) is not None]
        if len(wanted) > 1:
            await self.stub.get_multiple_states(wanted)

    async def _under(self, key: str, orgs: Sequence[str]) -> bool:
        """Whether ``key`` carries the key-level policy of ``orgs`` this contract writes (:func:`org_policy`),
        or the form earlier versions wrote of it (:func:`earlier_org_policy`, which UpgradeLedger reseals), no
        other (a point read of its metadata): a key guarded by those orgs as the contract guards it."""
        return await self.stub.get_state_validation_parameter(key) in _forms_of(list(orgs))

    async def _under_as_now(self, key: str, orgs: Sequence[str]) -> bool:
        """Whether ``key`` carries the key-level policy of ``orgs`` as this version writes it
        (:func:`org_policy`), not the earlier form of it, nor another: where a write that gives the key its
        policy is due anyway."""
        return await self.stub.get_state_validation_parameter(key) == org_policy(list(orgs))

    async def _reseal_entry(self, key: str, orgs: list[str], endorsers: Collection[str] | None) -> bool:
        """For ResealReceivable: rewrite the key-level policy of ``key``, an entry the claim's reseal covers
        beside its key (its live loan's ``recfin.by-financier`` entry, its registry entries), to the one this
        version writes of ``orgs`` (:func:`org_policy`), where it carries none or another policy the contract
        wrote (:func:`earlier_org_policy` of the same orgs, which any certificate of them meets, a client's
        too; one naming other orgs). Fabric checks the rewrite against the entry's own policy, which
        ``endorsers`` (the orgs the claim's key names: the SDK names them, ``GetReceivableEndorsers``) must
        meet, so one naming an org beyond them is left as it is, as is a policy no contract version wrote:
        their rewrite would fail validation. ``endorsers`` None where the claim's key has no policy: the
        Gateway plans the endorsers then, from the policies of the keys the reseal writes. Whether it wrote
        one."""
        held = await self.stub.get_state_validation_parameter(key)
        if held == org_policy(orgs):
            return False
        if held:
            named = contract_policy_orgs(held)
            if named is None or (endorsers is not None and not set(named) <= set(endorsers)):
                return False
        await self._set_policy(key, orgs)
        return True

    async def first_value(self, id_prefix: str, object_type: str, *attributes: str) -> bytes | None:
        """The value the first write of the key ``object_type`` [``attributes``] gave it, in the peer's
        history; None where the history records none (a key written before the peer joined the channel from a
        snapshot, and not since: nothing to hold a record to). Unlike a key-level policy, which the org it
        names may rewrite in the same transaction as the value, nothing a transaction writes changes what an
        earlier one wrote: a record an org rewrote under its own policy, to speak for another org, still shows
        the value the contract first wrote.

        That first write is the transaction the record's id (the key's last attribute) was made from
        (``keys.new_id(id_prefix, tx_id)``). A history whose oldest write is another is not whole, and is
        refused ``history-unavailable`` (``HistoryIncomplete``): Fabric ends a history query at the peer's
        ``ledger.state.totalQueryLimit`` without a word, newest first, so an org that rewrote its own record
        that often would have its rewrites taken for the first write; a peer joined from a snapshot lacks the
        writes before it. So is a peer that keeps no history (``ledger.history.enableHistoryDatabase: false``;
        ``HistoryUnavailable``). The history is read to its end: Fabric gives the newest write first."""
        first = await self.first_write(id_prefix, object_type, *attributes)
        return None if first is None or first.is_delete else first.value

    async def first_write(self, id_prefix: str, object_type: str, *attributes: str) -> Any:
        """The first write of the key ``object_type`` [``attributes``] in the peer's history (its ``tx_id``,
        ``value``, ``is_delete``), as ``first_value`` reads and refuses it; None where the history records none."""
        key, label, record_id = self.key(object_type, *attributes), keys.label(object_type, *attributes), \
            attributes[-1]
        if key in self._first_writes:
            return self._first_writes[key]
        first = None
        try:
            async for mod in self.stub.get_history_for_key(key):
                first = mod
        except PeerError as exc:
            raise HistoryUnavailable(f"the peer could not read the history of {label} ({exc}), which "
                                     f"holds the record to its first write: {HISTORY_NEEDED}") from None
        if first is None:
            self._first_writes[key] = None
            return None
        if keys.new_id(id_prefix, first.tx_id) != record_id:
            raise HistoryIncomplete(
                f"the peer's history of {label} starts at transaction {first.tx_id}, not at the one that "
                f"created {record_id}: the key has more writes than the peer's ledger.state.totalQueryLimit "
                "returns (which only its own org, rewriting it, could have made), or the peer joined the "
                f"channel from a snapshot taken after; the record cannot be held to its first write. "
                f"{HISTORY_NEEDED}")
        self._first_writes[key] = first
        return first

    async def _get(self, model: type[M], object_type: str, *attributes: str, remedy: str = REPORT_THE_KEY) -> M | None:
        """The record, None where the key holds none; refused ``record-unreadable`` (``parsed``) where it holds a
        value no such record parses to, or one naming another key's id (``stored_under_own_key``)."""
        key = self.key(object_type, *attributes)
        raw = await self.stub.get_state(key)
        if raw is None or raw == b"":
            return None
        ahead = self._read_ahead.pop(key, None)
        if ahead is not None and ahead[0] is raw and type(ahead[1]) is model:
            return ahead[1]   # the value ``readable_record`` read as the record, under this key: what is parsed below
        return stored_under_own_key(parsed(model, raw, object_type, *attributes, remedy=remedy), object_type,
                                    attributes, remedy)

    async def read_ahead(self, model: type[M], object_type: str, attributes: Sequence[str]) -> M | None:
        """The record under ``object_type`` [``attributes``], read to name what the transaction reads next from it
        (``prefetch``): None where its key cannot be formed, holds none or a value ``readable_record`` passes over,
        refused later by the read that refused it before. The record returned is the one the next ``_get`` of the
        key returns, the same object, rather than parsing the same value again (a claim takes some 0.1 ms): read
        it, change nothing of it, and keep none of it past that read."""
        if (key := self.key_or_none(object_type, *attributes)) is None:
            return None
        raw = await self.stub.get_state(key)
        if (doc := readable_record(model, raw, object_type, attributes)) is not None:
            self._read_ahead[key] = (raw, doc)
        return doc

    async def _put(self, doc: Any, object_type: str, *attributes: str) -> None:
        await self.stub.put_state(self.key(object_type, *attributes), doc.to_bytes())

    async def _require(self, model: type[M], object_type: str, ident: str, what: str) -> M:
        doc = await self._get(model, object_type, ident)
        if doc is None:
            raise rule("not-found", f"no {what} {shown(ident)} on this channel: check the id")
        return doc

    def entry_attributes(self, key: str, object_type: str) -> list[str] | None:
        """The attributes of ``key``, a key of ``object_type`` a range read returned, where it has as many as
        the contract gives one (``KEY_ATTRIBUTES``): an index entry's leading attributes and, last, the id of
        the record it lists (a record's own id, for a scan of records); None where it has another count. An
        entry nobody wrote yet is a new key, which any two orgs can write under the range with fewer or more
        attributes: read at an attribute it lacks, it would fail every read of the range, and taken for the
        entry of the record its last attribute names, list that record twice. Such a key is scanned and left
        out. Of the shape, an entry can still name a record not its own: each reader then lists the record
        only where its fields are the entry's leading attributes."""
        found_type, attributes = self.stub.split_composite_key(key)
        # an attribute holding U+10FFFF (a key no shim forms, which two orgs can write all the same) names no
        # record whose key could be formed: read, it would refuse the list argument-invalid
        of_its_shape = (found_type == object_type and len(attributes) == KEY_ATTRIBUTES[object_type]
                        and all(map(keys.can_be_attribute, attributes)))
        return attributes if of_its_shape else None

    async def index_page(self, index: str, values: Sequence[str], page_size: int,
                         bookmark: str) -> tuple[list[Any], Any]:
        """One page of the entries of ``index`` under ``values`` (its leading attributes: a holder; a bank, or a
        bank and a debtor), from ``bookmark`` ("" for the first page), and the page's metadata.

        The peer starts a page at the bookmark as given, without checking it lies in the range asked
        for, so a bookmark from below the range would page through other holders' or debtors' entries.
        Only a key under ``values``, as the previous page of this list returned it, is accepted."""
        if isinstance(values, str):   # a str is a Sequence too: its characters would be taken for attributes
            raise TypeError("index_page takes the index's leading attributes as a list, not one str")
        # formed first, bookmark or not: a value with U+0000 or U+10FFFF is refused as argument-invalid here
        # rather than failing inside the stub's range query
        prefix = self.key(index, *values)
        # the list's range ends at prefix + U+10FFFF (the shim's partial key range): a bookmark there or past it
        # is none the list returned either
        if bookmark and not (bookmark.startswith(prefix) and bookmark < prefix + "\U0010ffff"):
            raise rule("bookmark-invalid", f"{shown(bookmark)} is not a bookmark of this list: send \"\" for the "
                       "first page and then the bookmark the previous page returned")
        return await self.stub.get_state_by_partial_composite_key_with_pagination(index, list(values), page_size,
                                                                                  bookmark)

    async def sealed_by_others(self, key: str) -> bool:
        """Whether ``key``, one to which the contract gives no key-level policy at the write asked for (an index
        entry, an offer), carries one all the same: set by two orgs running altered
        chaincode, which the chaincode-level policy alone lets write it. Fabric would validate the contract's write
        against that policy, failing the step, endorsed by its own parties' orgs, until those two endorse it."""
        return await self.stub.get_state_validation_parameter(key) is not None

    async def _set_policy(self, key: str, orgs: list[str]) -> None:
        await self.stub.set_state_validation_parameter(key, org_policy(orgs))

    async def _seal_unguarded(self, key: str, orgs: list[str], held: bytes | None) -> bool:
        """Give ``key`` the key-level policy of ``orgs`` where ``held`` (the policy it carries, as this transaction
        read it, or knows it: a key it wrote itself carries none yet) is none: a record an earlier contract version
        left under the chaincode-level policy. That policy guards the key until this write, so the write lets no
        org do what two could not. A key carrying any policy is left as it is: Fabric would take a change of it
        only from that policy's orgs. Whether it wrote one."""
        if held is not None:
            return False
        await self._set_policy(key, orgs)
        return True

    async def reseal_earlier_role(self, key: str, channel_orgs: Collection[str] | None) -> bool:
        """Rewrite ``key``'s key-level policy, where it is the form earlier contract versions wrote
        (:func:`earlier_org_policy`: any certificate of the orgs it names satisfied it, a client's too), to
        the one this version writes of the same orgs (:func:`org_policy`: their peers). Fabric validates the
        rewrite against the earlier policy, which the peers of those orgs, endorsing it, meet: no org gains or
        loses a say, and from then on an org's client cannot sign a change of the key on its own. Any other
        policy, or none, is left as it is, and so is one naming an org outside ``channel_orgs`` (the
        configuration's: one that left, a regulator org replaced; for ResealReceivable the orgs the claim's
        key names, which endorse it), whose peer would never endorse the rewrite, failing every try of the
        transaction; None: no such limit (a reseal whose endorsers the Gateway plans from the keys' policies).
        Whether it wrote one."""
        orgs = earlier_form_orgs(await self.stub.get_state_validation_parameter(key))
        if orgs is None or (channel_orgs is not None and not set(orgs) <= set(channel_orgs)):
            return False
        await self._set_policy(key, orgs)
        return True

    def records_from(self, object_type: str, bookmark: str) -> Any:
        """The records of ``object_type`` (all of them: ``recfin.receivable``, ...) from ``bookmark`` on, in key
        order: "" from the first, else a key of that range, as a previous scan stopped at. An iterator, not a
        paginated query: Fabric refuses writes after a paginated query in the same transaction."""
        start = self.key(object_type)
        if not bookmark:
            return self.stub.get_state_by_partial_composite_key(object_type, [])
        # U+10FFFF right after the type is the range's end (the peer's partial-key range): no key of it
        if not bookmark.startswith(start) or bookmark.startswith(start + "\U0010ffff"):
            raise rule("bookmark-invalid", f"{shown(bookmark)} is not a bookmark of this scan: send \"\" for the "
                       "first page and then the bookmark the previous page returned")
        return self.stub.get_state_by_partial_composite_key_from(object_type, [], bookmark)

    async def every_row(self, object_type: str, *attributes: str) -> AsyncIterator[KV]:
        """Every key and value under ``object_type`` and ``attributes``, in key order, page after page. A plain
        range query stops without a word at the peer's ``ledger.state.totalQueryLimit`` (100,000 rows by
        default); a page says where the next one starts. For queries only: Fabric's peer refuses any write
        after a paginated query in a transaction."""
        bookmark = ""
        while True:
            kvs, meta = await self.stub.get_state_by_partial_composite_key_with_pagination(
                object_type, list(attributes), ENTRY_PAGE_SIZE, bookmark)
            for kv in kvs:
                yield kv
            if not (bookmark := meta.bookmark):
                return

    async def every_row_of_a_write(self, object_type: str, *attributes: str) -> AsyncIterator[KV]:
        """Every key and value under ``object_type`` and ``attributes``, in key order, as ``every_row`` reads
        them, for a transaction that writes (which no paginated query may precede): plain range queries, each
        from just past the last key the one before returned, until one returns none. One plain query would
        stop without a word at the peer's ``ledger.state.totalQueryLimit``, and whatever lay past it would be
        passed over as if it were not there."""
        start = ""
        while True:
            iterator = (self.stub.get_state_by_partial_composite_key_from(object_type, list(attributes), start)
                        if start else self.stub.get_state_by_partial_composite_key(object_type, list(attributes)))
            last = None
            async for kv in iterator:
                last = kv.key
                yield kv
            if last is None:
                return
            start = last + "\x00"   # the least key past ``last``: the next query starts after it

    # -- private data
    async def put_private(self, collection: str, doc: Any, object_type: str, ident: str) -> None:
        await self.stub.put_private_data(collection, self.key(object_type, ident), doc.to_bytes())

    async def private_hash(self, collection: str, object_type: str, ident: str) -> str | None:
        """The SHA-256 (hex) of a private record, which every peer holds, member of ``collection`` or not; None where
        there is none or ``ident`` cannot be a key."""
        try:
            key = self.key(object_type, ident)
        except RuleViolation:
            return None
        held = await self.stub.get_private_data_hash(collection, key)
        return held.hex() if held else None

    async def get_private(self, collection: str, object_type: str, ident: str) -> bytes | None:
        """The private record, None where there is none or where this peer does not hold its value (the
        peer's refusal of that read, PRIVATE_VALUE_NOT_HELD): the caller's refusal then says where to ask."""
        try:
            return await self.stub.get_private_data(collection, self.key(object_type, ident))
        except PeerError as exc:
            if not _not_held_here(exc):
                raise
            return None

    async def get_private_many(self, object_type: str, records: list[tuple[str, str]]) -> dict[str, bytes | None]:
        """The private records of ``object_type`` named by (collection, id), by id: one batched read per
        collection rather than one round trip per record. None where this peer does not hold the value, as
        ``get_private`` (a GET_STATE_MULTIPLE answers it empty: the peer checks no hash version there)."""
        by_collection: dict[str, list[str]] = {}
        for collection, ident in records:
            by_collection.setdefault(collection, []).append(ident)
        found: dict[str, bytes | None] = {}
        for collection, ids in by_collection.items():
            keys_of_ids = [self.key(object_type, i) for i in ids]
            try:
                values = await self.stub.get_multiple_private_data(collection, keys_of_ids)
            except PeerError as exc:
                if not _not_held_here(exc):
                    raise
                # read one GET_STATE at a time (a peer offering no multi-key reads): the first value it
                # lacks failed them all, so each is read alone to learn which it lacks
                values = [await self.get_private(collection, object_type, i) for i in ids]
            found.update(zip(ids, values))
        return found


# The MSP role of every org a key-level policy of this contract names: the org's peers. The network's MSPs
# enable NodeOUs, so a role tells a peer from a client; a MEMBER principal is met by any valid certificate of
# the org, so a client of it (a user of one of the org's several parties, say) could sign a transaction
# writing the key itself, as its only "endorsement", without any peer running the contract.
POLICY_ROLE = "PEER"
# the role earlier contract versions named, which UpgradeLedger reseals to POLICY_ROLE
# (``reseal_earlier_role``)
EARLIER_POLICY_ROLE = "MEMBER"


def org_policy(orgs: Sequence[str], role: str = POLICY_ROLE) -> bytes:
    """The key-level policy every key this contract guards carries: a peer of each of ``orgs`` endorses
    (deterministic bytes, so a stored policy is compared by value)."""
    return _org_policy(tuple(orgs), role)


@functools.lru_cache(maxsize=256)
def _org_policy(orgs: tuple[str, ...], role: str) -> bytes:
    # A transaction writes 4-5 policies, of the same few sets of the channel's orgs: the bytes depend on
    # the orgs and the role alone, so each set's protobuf is built once per process, not once per write.
    kep = KeyEndorsementPolicy()
    kep.add_orgs(role, *orgs)
    return kep.policy()


def earlier_org_policy(orgs: list[str]) -> bytes:
    """The policy of ``orgs`` as earlier contract versions wrote it: each of them endorses as a member, which
    any certificate of the org satisfies. Still the contract's own, to be resealed
    (``StoreBase.reseal_earlier_role``), never another org's nor tampering."""
    return org_policy(orgs, EARLIER_POLICY_ROLE)


def _forms_of(orgs: list[str]) -> tuple[bytes, bytes]:
    """The policy of ``orgs`` as this version writes it and as earlier ones did."""
    return org_policy(orgs), earlier_org_policy(orgs)


def _named(held: bytes | None) -> list[str]:
    """The orgs a stored policy names, sorted; [] where there is none or it cannot be read."""
    if not held:
        return []
    try:
        return KeyEndorsementPolicy(held).list_orgs()
    except (ValueError, DecodeError):   # no SignaturePolicyEnvelope of MSP roles
        return []


def contract_policy_orgs(held: bytes | None) -> list[str] | None:
    """The orgs ``held`` names, sorted, where it is a key-level policy this contract writes
    (:func:`org_policy`) or wrote (:func:`earlier_org_policy`); None where there is none, or it is another
    (written outside the contract, or unreadable)."""
    orgs = _named(held)
    return orgs if orgs and held in _forms_of(orgs) else None


def earlier_form_orgs(held: bytes | None) -> list[str] | None:
    """The orgs ``held`` names where it is the form earlier versions wrote (:func:`earlier_org_policy`), else
    None."""
    orgs = _named(held)
    return orgs if orgs and held == earlier_org_policy(orgs) else None
