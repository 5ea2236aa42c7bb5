"""Reading and writing the contract's documents through the stub.

One place knows the key layout: every write of a receivable also moves its
index entries (holder, debtor, status) and sets its key-level endorsement
policy when it is new, when it is confirmed, and when the orgs that must
endorse it change.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import AsyncIterator, Collection, Sequence
from typing import Any, TypeVar

from google.protobuf.message import DecodeError
from pydantic import BaseModel

from chaincode.shim import KV, KeyEndorsementPolicy

from . import attestation, keys, policy, uscc as credit_code
from .identity import lists_identity
from .errors import RuleViolation, rule, shown
from .model import (CONFIRMED, REGISTERED, AssignmentNotice, DiscountOffer, Financing, GoodsReceiptEntry,
                    InvoiceAttestation, Offer, Party, Receivable)

M = TypeVar("M", bound=BaseModel)

ENTRY_PAGE_SIZE = 1000   # rows per page where a query reads every one (``Store.every_row``)
# the most offers a bank's offer may name as left out of the figures it was priced on (MakeFinancingOffer's
# ``uncounted_offers``): those of its offers on the debtor that lapsed, were accepted or expired since its last offer
# there, or that two orgs hid
UNCOUNTED_OFFERS_MAX = 1000


def too_many_uncounted_offers(count: int) -> str:
    """Why a priced offer naming ``count`` (> UNCOUNTED_OFFERS_MAX) uncounted offers is not made: each priced offer
    drops the bank's entries its figures left out, so a bank's own offers alone do not pile up past the cap
    between two of them; entries past it were written in its name by other orgs, or offers made without the list
    let them pile up."""
    return (f"the bank's exposure lists {count} uncounted offers on the debtor, more than the "
            f"{UNCOUNTED_OFFERS_MAX} one offer drops: each offer priced with them drops those its figures left out, "
            "so this many were written in the bank's name by other orgs (recfin.offer-made entries under its org), "
            "or its offers were made without them; look at GetFinancierExposure's uncounted_offers before lending "
            "more on this debtor")


def uncounted_offers_problem(ids: object, given: str, what_to_send: str) -> str | None:
    """Why ``ids`` (parsed) cannot be MakeFinancingOffer's ``uncounted_offers``, or None: a list of at most
    UNCOUNTED_OFFERS_MAX offer ids. ``given`` names what was sent, ``what_to_send`` says what to send instead; the
    contract and the SDK refuse with the same words."""
    if not isinstance(ids, list):
        problem = "not a list"
    elif len(ids) > UNCOUNTED_OFFERS_MAX:
        return too_many_uncounted_offers(len(ids))
    elif wrong := [i for i in ids if not (isinstance(i, str) and keys.is_offer_id(i))]:
        problem = f"{shown(wrong[0])} is not an offer id (\"O-\" and 16 hex digits)"
    else:
        return None
    return f"{given}: {problem}; {what_to_send}"


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
        taken only where it has its type (0x00, an earlier contract's, records none)."""
        doc = _as_made(raw)
        text = {field: value if isinstance(value := doc.get(field), str) else None
                for field in ("currency", "receivable_id", "financing_id")}
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


class Store:
    def __init__(self, stub: Any, regulators: Sequence[str] | None = None) -> None:
        """regulators: the orgs whose parties may be the regulator under the configuration in force
        (``NetworkConfig.msps_with_role``), which a claim's key-level policy names while it is frozen or where its
        parties are one org (``policy.endorsing_orgs``); required to write a claim."""
        self.stub = stub
        self.regulators = regulators

    def key(self, object_type: str, *attributes: str) -> str:
        try:
            return self.stub.create_composite_key(object_type, list(attributes))
        except ValueError:
            # an id, credit code or client id from the caller with U+0000 or U+10FFFF (the key delimiters)
            bad = next((a for a in attributes if "\x00" in a or "\U0010ffff" in a), "")
            raise rule("argument-invalid", f"{shown(bad)} contains U+0000 or U+10FFFF, which no id, credit code "
                       "or client identity may contain") from None

    async def prefetch(self, *records: tuple[str, ...]) -> None:
        """Read, in one round trip to the peer, records this transaction is about to read one by one
        (each an object type and its attributes); the stub answers the later reads from this one.

        Name only records every successful path reads anyway: each read joins the read set the
        orderer's validation checks. A record whose key cannot be formed is left to the read that
        will report it."""
        wanted = []
        for object_type, *attributes in records:
            try:
                wanted.append(self.stub.create_composite_key(object_type, attributes))
            except ValueError:
                continue
        if len(wanted) > 1:
            await self.stub.get_multiple_states(wanted)

    async def _under(self, key: str, orgs: Sequence[str]) -> bool:
        """Whether ``key`` carries the key-level policy of ``orgs`` (:func:`org_policy`), no other (a point read of
        its metadata)."""
        return await self.stub.get_state_validation_parameter(key) == org_policy(list(orgs))

    async def _get(self, model: type[M], object_type: str, *attributes: str) -> M | None:
        raw = await self.stub.get_state(self.key(object_type, *attributes))
        return None if raw is None or raw == b"" else model.model_validate_json(raw)

    async def _put(self, doc: Any, object_type: str, *attributes: str) -> None:
        await self.stub.put_state(self.key(object_type, *attributes), doc.to_bytes())

    async def _require(self, model: type[M], object_type: str, ident: str, what: str) -> M:
        doc = await self._get(model, object_type, ident)
        if doc is None:
            raise rule("not-found", f"no {what} {shown(ident)} on this channel: check the id")
        return doc

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

    # -- parties
    async def party(self, uscc: str) -> Party | None:
        return await self._get(Party, keys.PARTY, uscc)

    async def require_party(self, uscc: str) -> Party:
        party = await self.party(uscc)
        if party is None:
            raise rule("party-not-registered", f"no party with credit code {shown(uscc)} is registered: its org admin "
                       "registers it first")
        return party

    async def client_bound(self, msp_id: str, client_id: str) -> str | None:
        """The credit code a client identity's binding names, or None: no binding, or a value that is no
        well-formed credit code. Two other orgs can write a new binding key with any bytes (not UTF-8, U+0000,
        ...) under the chaincode policy: such a binding is stray and acts for no one, like one naming a party
        whose record does not list the identity, and must not fail the transactions that read it."""
        raw = await self.stub.get_state(self.key(keys.CLIENT, msp_id, client_id))
        try:
            code = raw.decode() if raw else None
        except UnicodeDecodeError:
            return None
        return code if credit_code.is_valid(code) else None

    async def party_acted_for(self, msp_id: str, client_id: str) -> Party | None:
        """The party a client identity acts for, as Session.party decides it: its binding names the party and
        the party record lists it. None for an identity never bound or unbound, and for a binding the record
        does not list (one other orgs could have written under the chaincode policy)."""
        uscc = await self.client_bound(msp_id, client_id)
        party = await self.party(uscc) if uscc is not None else None
        return party if party is not None and lists_identity(party, msp_id, client_id) else None

    async def acting_for_others(self, party: Party) -> dict[str, str]:
        """The identities ``party``'s record lists that act for another party (their binding names it, and its
        record lists them too), each with that party's credit code. Writing their bindings again would take
        them from that party, whose record says otherwise; a binding naming a party whose record does not list
        the identity (or no party) is stray, and is not counted."""
        await self.prefetch(*((keys.CLIENT, party.msp_id, client_id) for client_id in party.client_ids))
        others = {}
        for client_id in party.client_ids:
            owner = await self.party_acted_for(party.msp_id, client_id)
            if owner is not None and owner.uscc != party.uscc:
                others[client_id] = owner.uscc
        return others

    async def binding_held_by(self, msp_id: str, client_id: str) -> list[str] | None:
        """The orgs a client identity's binding key-level policy names when it is not exactly ``msp_id``'s
        own (``["an unreadable policy"]`` if it cannot be read), else None (no policy, or the org's own).

        Only other orgs can have set such a policy: a new binding key falls under the chaincode policy, so two
        of them can write it with a policy of their own in the same transaction. Fabric then invalidates any
        write or delete of the key that policy's orgs did not endorse, so the party's org cannot touch it."""
        held = await self.stub.get_state_validation_parameter(self.key(keys.CLIENT, msp_id, client_id))
        if held is None or held == org_policy([msp_id]):
            return None
        try:
            return KeyEndorsementPolicy(held).list_orgs()
        except (DecodeError, ValueError):   # not a SignaturePolicyEnvelope of MSP roles
            return ["an unreadable policy"]

    async def bindings_to_seal(self, party: Party) -> list[str]:
        """The identities ``party``'s record lists whose bindings its org writes again for it (``put_party``),
        and so the identities that act for it once that is done: all but those acting for another party
        (``acting_for_others``, left to it) and those whose binding key other orgs hold a policy on
        (``binding_held_by``: the party's org cannot write it, and the record decides anyway)."""
        others = await self.acting_for_others(party)
        # An id with surrounding spaces (an older contract stored one as sent) is no certificate's: it acts for no one.
        return [client_id for client_id in party.client_ids
                if client_id == client_id.strip() and client_id not in others
                and await self.binding_held_by(party.msp_id, client_id) is None]

    async def put_party(self, party: Party, client_ids: list[str]) -> None:
        """Write the party record and the bindings of ``client_ids`` (each naming the party), every key under
        the party org's key-level policy. Given ``bindings_to_seal``, a binding written by an older contract
        version (which set no policy) gets one, and a binding others removed or re-pointed at a party whose
        record does not list it is restored: the record is what decides. ``client_ids`` must hold no identity
        whose binding key other orgs hold (``binding_held_by``): Fabric would invalidate the transaction."""
        key = self.key(keys.PARTY, party.uscc)
        await self.stub.put_state(key, party.to_bytes())
        # Later changes to a party record, and to its live bindings, need its own org's endorsement. A binding
        # key written anew (or after an unbind) falls under the chaincode policy, so Session.party also
        # requires the party record to list the identity: a binding other orgs forge acts for no one.
        await self._set_policy(key, [party.msp_id])
        for client_id in client_ids:
            client_key = self.key(keys.CLIENT, party.msp_id, client_id)
            await self.stub.put_state(client_key, party.uscc.encode())
            await self._set_policy(client_key, [party.msp_id])

    async def release_client(self, msp_id: str, client_id: str) -> None:
        """Delete a client identity's binding (its key-level policy goes with it, as Fabric keeps metadata
        only with a value); binding it again later writes both anew. A binding key other orgs hold a policy on
        (``binding_held_by``) is left as it is: the party's org cannot delete it, and once the record no
        longer lists the identity, the binding acts for no one."""
        if await self.binding_held_by(msp_id, client_id) is None:
            await self.stub.del_state(self.key(keys.CLIENT, msp_id, client_id))

    # -- business request ids (idempotent retries)
    async def request(self, party_uscc: str, request_id: str) -> dict | None:
        raw = await self.stub.get_state(self.key(keys.REQUEST, party_uscc, request_id))
        return json.loads(raw) if raw else None

    async def put_request(self, party_uscc: str, request_id: str, record: dict) -> None:
        await self.stub.put_state(self.key(keys.REQUEST, party_uscc, request_id),
                                  json.dumps(record, separators=(",", ":"), ensure_ascii=False).encode())

    # -- receivables
    async def receivable(self, receivable_id: str) -> Receivable:
        return await self._require(Receivable, keys.RECEIVABLE, receivable_id, "receivable")

    async def receivable_or_none(self, receivable_id: str) -> Receivable | None:
        return await self._get(Receivable, keys.RECEIVABLE, receivable_id)

    async def put_receivable(self, r: Receivable, before: Receivable | None, *,
                             split_from: Receivable | None = None) -> None:
        """Write ``r`` and keep its indexes and key-level policy in step with it.

        ``before`` is the record as it was read (None for a new one). Only its top-level fields are
        compared, so a shallow ``model_copy()`` taken before the change is enough.

        The policy (``policy.endorsing_orgs``) is written with a new claim, whenever its orgs change, and at
        confirmation, as every contract version wrote it: a claim an earlier version registered has none
        until then, unless UpgradeLedger gave it one. Writing the same policy again asks no other endorser of
        the confirmation (the key is written anyway); like any policy write, it makes a later transaction of
        the same block that writes the key fail as ENDORSEMENT_POLICY_FAILURE rather than as the read conflict
        it is anyway, as the confirmation always did. A rejection or a withdrawal of a REGISTERED claim keeps
        the policy it had; a freeze adds the regulator's org to it (any write of a frozen claim whose key lacks it
        does: one an earlier version froze), and the last lifting takes it off again. A claim
        whose parties are one org (``policy.parties_orgs``), which an earlier contract version guarded by that
        org alone, gets its policy at its next write, whatever changes.

        Where no other org's parties may be the regulator, a claim whose debtor and holder are one org's parties
        has no second org but a bank's, for as long as it finances it. So a write that makes such a claim (a new
        one, or one whose debtor and holder were not both that org's) is refused (``policy.one_org_refusal``), and
        so is one that begins its financing: when the financing ended, the claim would be one org's again. A
        claim an earlier version left so (``split_from``: for a new part, the claim it was split from) is
        written, and its key keeps the policy it has while it has no second org."""
        key = self.key(keys.RECEIVABLE, r.id)
        orgs = self._claim_orgs(r)
        one_org_already = False
        parties_alone = self._claim_orgs(r.model_copy(update={"financing_id": None}))
        if len(parties_alone) < 2:
            was = before if before is not None else split_from
            same_parties = was is not None and (was.debtor_msp, was.holder_msp) == (r.debtor_msp, r.holder_msp)
            financing_begins = before is not None and before.financing_id is None and r.financing_id is not None
            if not same_parties or financing_begins:
                raise policy.one_org_refusal(r, parties_alone, financing=same_parties)
            one_org_already = len(orgs) < 2
        await self.stub.put_state(key, r.to_bytes())
        for index, attr in ((keys.BY_HOLDER, "holder"), (keys.BY_DEBTOR, "debtor"), (keys.BY_STATUS, "status")):
            new_value = getattr(r, attr)
            old_value = getattr(before, attr) if before is not None else None
            if old_value == new_value:
                continue
            if old_value is not None:
                await self.stub.del_state(self.key(index, old_value, r.id))
            await self.stub.put_state(self.key(index, new_value, r.id), keys.INDEX_VALUE)
        financier_entry_written = await self._index_financier(r, before)
        if one_org_already:
            # That org's peer can write the key alone already (an earlier contract version's policy naming only
            # it), or the chaincode-level policy guards it (none set yet): refusing protects nothing, and would
            # strand the claim (never paid, never overdue). A one-org policy is never written; the one the key
            # has, if any, stays until the claim has a second org.
            return
        confirmed = before is not None and before.status == REGISTERED and r.status == CONFIRMED
        # The orgs computed may not change while the policy on the key is short of them, and the key says which it
        # is: where the claim's parties are one org, it may be an earlier contract version's, that org's alone; on
        # a frozen claim, a freeze before freezes added the regulator's org left it out, and an order queued or
        # taking effect now must add it, or the orgs it binds could lift it between them. The write is endorsed
        # by the orgs the key names already, as the freeze's is.
        if (before is None or confirmed or self._claim_orgs(before) != orgs
                or ((len(policy.parties_orgs(before)) < 2 or r.frozen is not None)
                    and not await self._under(key, orgs))):
            await self._set_policy(key, orgs)
        if financier_entry_written and (live := live_financier(r)) is not None:
            await self._set_policy(self.key(keys.BY_FINANCIER, *live, r.id), self._financier_entry_orgs(r))

    def _claim_orgs(self, r: Receivable) -> list[str]:
        """``policy.endorsing_orgs`` of ``r`` under the configuration's regulator orgs."""
        if self.regulators is None:
            raise TypeError("a Store that writes a claim's key-level policy is given the configuration's regulator "
                            "orgs (Store(stub, regulators=...))")
        return policy.endorsing_orgs(r, self.regulators)

    async def restore_receivable_policy(self, r: Receivable) -> tuple[bool, tuple[list[str], list[str]] | None]:
        """Give ``r``'s key the policy ``put_receivable`` would have written when it has none and the orgs due
        (``policy.endorsing_orgs``) are two or more, whatever the claim's status: a claim an earlier contract version
        left REGISTERED or REJECTED, or left REGISTERED for this one to reject or withdraw, which set none before
        confirmation; and one of any status written while its orgs due were one
        org, to which no write gave one (``put_receivable`` writes no one-org policy). A key carrying any policy is
        left as it is: Fabric would take a change of it only from that policy's orgs. So is one whose policy would
        name a single org: the chaincode-level policy's two orgs guard it better.

        Whether it wrote one, and, for a key whose policy leaves out an org ``policy.endorsing_orgs`` names, (the
        orgs it names, the orgs due), else None (a key without a policy too: sealed here where it has two orgs due,
        guarded by the chaincode-level policy where it has one). The key's policy is read once for both."""
        key = self.key(keys.RECEIVABLE, r.id)
        held = await self.stub.get_state_validation_parameter(key)
        if held is None:
            due = self._claim_orgs(r)
            # Whatever the status: the write is validated against the chaincode-level policy, the one that guards
            # the key until then, so any two orgs able to subvert this page could already rewrite the claim itself,
            # as for a REGISTERED claim; the page gives them nothing, and from its commit a change needs the orgs
            # due. Left to a reseal, a CONFIRMED or later claim would stay open to any two orgs, and no list would
            # name it (``claims_to_reseal`` lists keys whose policy is short).
            wrote = len(due) >= 2 and await self._seal_unguarded(key, due, held)
            return wrote, None
        return False, self._short_policy(held, self._claim_orgs(r))

    @staticmethod
    def _short_policy(held: bytes | None, due: list[str]) -> tuple[list[str], list[str]] | None:
        """(the orgs ``held`` names, ``due``) where ``held``, the key-level policy a claim's key carries, leaves out
        one of the orgs ``due`` the claim (``policy.endorsing_orgs``); None where it leaves out none, and where the
        key carries none (the chaincode-level policy guards it until ``restore_receivable_policy``, ``put_receivable`` or
        ``reseal_receivable`` gives it the orgs due, where those are two or more)."""
        if not held:
            return None
        now = KeyEndorsementPolicy(held).list_orgs()
        return (now, due) if not set(due) <= set(now) else None

    async def reseal_receivable(self, r: Receivable) -> tuple[list[str], list[str]]:
        """Rewrite the key-level policy of ``r``'s key to the orgs due (``policy.endorsing_orgs``, what
        ``put_receivable`` writes for the claim as it stands) where the policy it carries leaves one out (a claim
        ``restore_receivable_policy`` finds short and UpgradeLedger lists to reseal); the orgs it named and the orgs
        it names now. Only the key's policy is written, never its value: Fabric checks the change against the
        policy the key carries, so the orgs it names endorse it, and nothing of the claim moves.

        A key with no policy (``orgs_before`` empty) gets the orgs due too: one whose claim was written while they
        were one org, to which no write gave a policy (``put_receivable`` writes no one-org one). UpgradeLedger
        seals it (``restore_receivable_policy``), and so does the claim's next write (``put_receivable``); until
        one of them does, the chaincode-level policy guards it, so this write too takes nothing from any org.

        Refused ``nothing-to-reseal`` where the key names every org due already, and ``claim-needs-two-orgs`` where
        the orgs due are one (``policy.one_org_refusal``)."""
        key = self.key(keys.RECEIVABLE, r.id)
        held = await self.stub.get_state_validation_parameter(key)
        due = self._claim_orgs(r)
        short = ([], due) if not held else self._short_policy(held, due)
        if short is None:
            raise rule("nothing-to-reseal", f"{r.id}'s key already names every org due "
                       f"({', '.join(due)}): there is nothing to reseal, and nothing was changed")
        key_orgs = short[0]
        if len(due) < 2:
            raise policy.one_org_refusal(r, due)
        await self._set_policy(key, due)
        # the live loan's recfin.by-financier entry: a regulator org the configuration replaced goes there too
        live = live_financier(r)
        entry = self.key(keys.BY_FINANCIER, *live, r.id) if live is not None else None
        if entry is not None and await self.stub.get_state(entry):
            entry_orgs = self._financier_entry_orgs(r)
            if not await self._under(entry, entry_orgs):
                await self._set_policy(entry, entry_orgs)
        return sorted(key_orgs), due

    def _financier_entry_orgs(self, r: Receivable) -> list[str]:
        """The orgs guarding a live loan's ``recfin.by-financier`` entry: the claim's, unfrozen (the debtor's, the
        holder's and the bank's; the regulator's where the parties are one org). The bank's exposure and portfolio
        find the loan only through the entry: under the chaincode-level policy, the debtor's and the holder's orgs
        could delete it, the loan still out. Those orgs stay the claim's while the loan is live (no transfer, the
        bank named until it ends), so every change that ends it, endorsed by the claim's orgs, may delete the
        entry; a freeze or its lifting, which adds or drops the regulator's org, leaves the entry as it is."""
        return self._claim_orgs(r.model_copy(update={"frozen": None}))

    async def _index_financier(self, r: Receivable, before: Receivable | None) -> bool:
        """Keep ``recfin.by-financier`` [bank, debtor, id] while a bank's financing of the claim is live
        (acceptance to repayment), so one bank's exposure to one debtor is a range scan of its own entries.
        Whether it wrote a new entry, which ``put_receivable`` then puts under the claim's orgs."""
        new, old = live_financier(r), live_financier(before)
        if new == old:
            return False
        if old is not None:
            await self.stub.del_state(self.key(keys.BY_FINANCIER, *old, r.id))
        if new is not None:
            await self.stub.put_state(self.key(keys.BY_FINANCIER, *new, r.id), keys.INDEX_VALUE)
        return new is not None

    async def restore_financier_entry(self, r: Receivable) -> bool:
        """Write ``r``'s ``recfin.by-financier`` entry when its financing is live and the entry is missing (a
        financing accepted before the index existed, 2617ce3, until a change moved it); whether it wrote one.
        The entry, written here or by an earlier contract version, gets its orgs (``_financier_entry_orgs``)
        where it carries no policy (``_seal_unguarded``): under the chaincode-level policy alone, the debtor's
        and the holder's orgs could drop a live loan from its bank's exposure. None where those orgs are one."""
        live = live_financier(r)
        if live is None:
            return False
        key = self.key(keys.BY_FINANCIER, *live, r.id)
        orgs = self._financier_entry_orgs(r)
        written = not await self.stub.get_state(key)
        if written:
            await self.stub.put_state(key, keys.INDEX_VALUE)
        if len(orgs) >= 2:
            held = None if written else await self.stub.get_state_validation_parameter(key)
            await self._seal_unguarded(key, orgs, held)
        return written

    async def loan_sealed(self, r: Receivable, f: Financing) -> bool:
        """Whether live loan ``f`` on ``r`` changes only with its bank's org endorsing (point reads of two keys'
        policies): the claim's key under a policy every one of whose orgs endorses (``org_policy``), the bank's
        among them, and the financing's under its holder's and its bank's orgs, as acceptance writes them (none
        where one org is both: ``put_financing``). A loan two orgs accepted with altered chaincode under a policy
        of their own (one naming the bank's org as one of several that may endorse alone, too), or made up, is
        not: its record and its private figures are theirs to rewrite. Orgs the claim's policy names beyond the
        bank's are not asked for: a claim frozen when the regulator's org was replaced keeps the old one."""
        if not (r.holder_msp and r.financier_msp):
            return False   # a claim two orgs wrote naming a bank with no org: no policy could name it
        held = await self.stub.get_state_validation_parameter(self.key(keys.RECEIVABLE, r.id))
        try:
            named = sorted(KeyEndorsementPolicy(held).list_orgs()) if held else []
        except (ValueError, DecodeError):   # no policy this contract or Fabric's SDKs write
            return False
        if r.financier_msp not in named or held != org_policy(named):
            return False
        parties = sorted({r.holder_msp, r.financier_msp})
        return len(parties) != 2 or await self._under(self.key(keys.FINANCING, f.id), parties)

    async def financed_by(self, financier: str, debtor: str) -> list[Receivable]:
        """The debtor's receivables with a live financing of ``financier``, in id order (for queries only:
        ``every_row``)."""
        ids = [self.stub.split_composite_key(kv.key)[1][2] async for kv in
               self.every_row(keys.BY_FINANCIER, financier, debtor)]
        return [await self.receivable(i) for i in ids]

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

    # -- fingerprint and goods receipt registries: key -> the root receivable it backs, under its claim's orgs
    async def _registry_owner(self, object_type: str, key: str) -> str | None:
        raw = await self.stub.get_state(self.key(object_type, key))
        return json.loads(raw)["receivable_id"] if raw else None

    async def _put_registry_entry(self, object_type: str, key: str, key_field: str, receivable_id: str) -> None:
        await self.stub.put_state(self.key(object_type, key),
                                  json.dumps({key_field: key, "receivable_id": receivable_id}, sort_keys=True).encode())

    async def fingerprint_owner(self, fp: str) -> str | None:
        return await self._registry_owner(keys.FINGERPRINT, fp)

    async def put_fingerprint(self, fp: str, r: Receivable) -> None:
        """Register ``fp`` (a key no claim holds) for ``r``, a root claim, under its orgs
        (``_guard_registry_entry``)."""
        await self._put_registry_entry(keys.FINGERPRINT, fp, "fingerprint", r.id)
        await self._guard_registry_entry(self.key(keys.FINGERPRINT, fp), r, new=True)

    async def _guard_registry_entry(self, key: str, r: Receivable, *, new: bool) -> bool:
        """Give ``key``, an entry of the fingerprint or goods receipt registry naming ``r`` (a root claim), the
        key-level policy ``put_receivable`` gives the claim's key at registration (``policy.endorsing_orgs`` of the
        claim as registered, unfinanced and unfrozen: its debtor's and its creditor's orgs, whoever holds it now,
        the regulator's where those are one; ``_registry_entry_orgs``) where it has none
        (``_seal_unguarded``): ``new``, a key this transaction writes first, else one an earlier contract version
        wrote, whose policy is read. Under the chaincode-level policy alone, any two orgs (its
        supplier's and a bank's) could delete the entry of a confirmed, financed claim and register the invoice or
        the delivery again. Releasing it needs the same orgs, which endorse the only changes that release it: the
        rejection or withdrawal of the claim, REGISTERED and unfrozen, its creditor its holder. An entry is guarded by
        the claim that wrote it first: a receipt's later parts are its creditor's, on the same debtor. None where
        those orgs are one (no other org's parties may be the regulator): the chaincode-level policy's two orgs
        guard it better. Whether it wrote one."""
        orgs = await self._registry_entry_orgs(r)
        held = None if new else await self.stub.get_state_validation_parameter(key)
        return len(orgs) >= 2 and await self._seal_unguarded(key, orgs, held)

    async def _registry_entry_orgs(self, r: Receivable) -> list[str]:
        """The orgs guarding an entry naming ``r`` (``_guard_registry_entry``): those of the claim as registered,
        its creditor its holder, whoever holds it now. An entry an upgrade seals for a claim since transferred
        names its creditor's org still, which registers the receipt's later parts and withdraws them, not the
        transferee's."""
        creditor_msp = r.holder_msp if r.holder == r.creditor else (await self.require_party(r.creditor)).msp_id
        return self._claim_orgs(r.model_copy(update={"holder": r.creditor, "holder_msp": creditor_msp,
                                                     "financing_id": None, "frozen": None}))

    async def seal_registry_entries(self, r: Receivable, fingerprints: list[str]) -> int:
        """Guard (``_guard_registry_entry``) each entry naming ``r`` that an earlier contract version left without
        a policy: those of ``fingerprints`` and of its goods receipts (registered whole for it, or in parts, one of
        them its). An entry naming another claim is that claim's, and is left to it. How many policies it wrote."""
        sealed = 0
        for key in await self._registry_entries_naming(r, fingerprints):
            sealed += await self._guard_registry_entry(key, r, new=False)
        return sealed

    async def reseal_registry_entries(self, r: Receivable, fingerprints: list[str]) -> int:
        """Rewrite the key-level policy of each entry naming ``r`` (those of ``fingerprints`` and of its goods
        receipts) that names other orgs than are due (``_registry_entry_orgs``): for ResealReceivable of a claim
        still REGISTERED, the one state in which a rejection or a withdrawal releases its entries, which a
        regulator org the configuration replaced would otherwise have to endorse. Its entries name the orgs its
        key got at registration, the ones that endorse the claim's reseal. None where the orgs due are one. How
        many policies it wrote."""
        due = await self._registry_entry_orgs(r)
        if len(due) < 2:
            return 0
        rewritten = 0
        for key in await self._registry_entries_naming(r, fingerprints):
            if not await self._under(key, due):
                await self._set_policy(key, due)
                rewritten += 1
        return rewritten

    async def _registry_entries_naming(self, r: Receivable, fingerprints: list[str]) -> list[str]:
        """The keys of the registry entries naming ``r``: those of ``fingerprints`` it holds, and those of its goods
        receipts registered whole for it or in parts, one of them its. An entry naming another claim is left out."""
        named = []
        for fp in dict.fromkeys(fingerprints):
            if await self.fingerprint_owner(fp) == r.id:
                named.append(self.key(keys.FINGERPRINT, fp))
        for gr in r.goods_receipts:
            entry = await self.goods_receipt_entry(gr.receipt_key)
            if entry is not None and r.id in ([p.receivable_id for p in entry.parts] if entry.in_parts
                                              else [entry.receivable_id]):
                named.append(self.key(keys.GOODS_RECEIPT, gr.receipt_key))
        return named

    async def goods_receipt_entry(self, receipt_key: str) -> GoodsReceiptEntry | None:
        """The registry's entry of a goods receipt: registered whole (an earlier version's entry reads so) or in
        parts; None when it backs no claim."""
        raw = await self.stub.get_state(self.key(keys.GOODS_RECEIPT, receipt_key))
        return GoodsReceiptEntry.model_validate_json(raw) if raw else None

    async def put_goods_receipt(self, receipt_key: str, r: Receivable) -> None:
        """Register a goods receipt no claim holds, whole, for ``r``, a root claim, under its orgs
        (``_guard_registry_entry``)."""
        await self._put_registry_entry(keys.GOODS_RECEIPT, receipt_key, "receipt_key", r.id)
        await self._guard_registry_entry(self.key(keys.GOODS_RECEIPT, receipt_key), r, new=True)

    async def put_goods_receipt_entry(self, entry: GoodsReceiptEntry, registering: Receivable | None = None, *,
                                      new: bool = False) -> None:
        """Write the entry of a receipt registered in parts. ``registering``: the claim a registration adds its
        part for, which guards the entry where it has no policy (``new``: the receipt's first part); a release
        writes the entry under the policy it has."""
        key = self.key(keys.GOODS_RECEIPT, entry.receipt_key)
        await self.stub.put_state(key, json.dumps(entry.stored(), sort_keys=True).encode())
        if registering is not None:
            await self._guard_registry_entry(key, registering, new=new)

    async def release_goods_receipt(self, receipt_key: str, receivable_id: str) -> None:
        """Release what ``receivable_id`` holds of a goods receipt: the entry of a receipt registered whole for it,
        or its part of one registered in parts (the entry goes with the last part). An entry naming other claims
        only is theirs, and stays."""
        entry = await self.goods_receipt_entry(receipt_key)
        if entry is None:
            return
        if not entry.in_parts:
            if entry.receivable_id == receivable_id:
                await self.release_registry_entry(keys.GOODS_RECEIPT, receipt_key)
            return
        left = [p for p in entry.parts if p.receivable_id != receivable_id]
        if not left:
            await self.release_registry_entry(keys.GOODS_RECEIPT, receipt_key)
        elif len(left) < len(entry.parts):
            await self.put_goods_receipt_entry(entry.model_copy(update={"parts": left}))

    async def release_registry_entry(self, object_type: str, key: str) -> None:
        """Delete the entry ``key`` of the registry ``object_type`` (``keys.FINGERPRINT``, ``keys.GOODS_RECEIPT``):
        the invoice or goods receipt backs no claim any more. Its key-level policy goes with it (Fabric keeps
        metadata only with a value), so registering it again starts under the chaincode-level policy."""
        await self.stub.del_state(self.key(object_type, key))

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

    # -- financing
    async def financing(self, financing_id: str) -> Financing:
        return await self._require(Financing, keys.FINANCING, financing_id, "financing")

    async def financing_or_none(self, financing_id: str) -> Financing | None:
        """The financing, or None when there is none or its id cannot be a key (for planning reads:
        ``financing`` reports either, in its turn)."""
        try:
            return await self._get(Financing, keys.FINANCING, financing_id)
        except RuleViolation:
            return None

    async def put_financing(self, f: Financing, *, parties: tuple[str, str] | None = None) -> None:
        """Write the financing; with ``parties`` (the holder's and the bank's orgs, given by the change that names
        its bank, from the claim and the accepted offer: not from the request's own record, which any two orgs
        could have rewritten), give its key their key-level policy: from then on the deal's record (its disbursement, demand,
        repayment, cancellation, recourse) changes only with both parties' peers endorsing, whatever two other
        orgs run. A request has none before (the holder's withdrawal and the debtor's payment end it without any
        bank). Written once: a policy written again fails a later change of the key in the same block. Where one
        org both holds and finances, the chaincode policy (two orgs) is left to guard it: that org's alone would be
        weaker."""
        key = self.key(keys.FINANCING, f.id)
        await self.stub.put_state(key, f.to_bytes())
        if parties is not None and len(set(parties)) == 2:
            await self._set_policy(key, sorted(parties))

    async def restore_financing_policy(self, f: Financing, parties: tuple[str, str]) -> bool:
        """Give ``f``'s key the policy ``put_financing`` writes at acceptance (``parties``: the holder's and the
        bank's orgs) when it has none: a financing an earlier contract version accepted, which set none. Not where
        one org is both, as at acceptance; a key carrying any policy is left as it is. Whether it wrote one."""
        if len(set(parties)) != 2:
            return False
        key = self.key(keys.FINANCING, f.id)
        return await self._seal_unguarded(key, sorted(parties), await self.stub.get_state_validation_parameter(key))

    async def offer(self, offer_id: str) -> Offer:
        return await self._require(Offer, keys.OFFER, offer_id, "financing offer")

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
        disbursement refuse a claim that no longer has them (``OfferAsMade.differs_from``). The bank's withdrawal drops that
        entry; a lapse or an acceptance leaves it, to the bank's next offer on the debtor (``_drop_offers_made``),
        and a dropped entry leaves its mark, so an offer the bank's figures may have left out is never accepted.
        ``uncounted`` (a new offer's): the offers the figures it was priced on left out, whose entries it drops
        whatever their records say now (``_drop_offers_made``)."""
        await self._put(o, keys.OFFER, o.id)
        if offered_on is not None:
            await self.stub.put_state(self.key(keys.BY_FINANCING, o.financing_id, o.id), keys.INDEX_VALUE)
            await self.stub.put_state(self.key(keys.OFFER_BY_BANK, o.financing_id, o.financier), o.id.encode())
            await self._drop_offers_made(o.financier, o.financier_msp, debtor, closed_only=True, uncounted=uncounted)
            await self._put_offer_made(o, debtor, offered_on)
        entry = self.key(keys.OPEN_OFFER, o.financier, debtor, o.id)
        if o.status == "OPEN":
            await self.stub.put_state(entry, keys.INDEX_VALUE)
        else:
            await self.stub.del_state(entry)
        # withdrawn, the bank may offer on the request again, on new terms: its entry goes, if it is this offer's
        # (rewritten after the bank offered again, an old withdrawn offer must not free the new one's place)
        if o.status == "WITHDRAWN" and await self.offer_of_bank(o.financing_id, o.financier) == o.id:
            await self.stub.del_state(self.key(keys.OFFER_BY_BANK, o.financing_id, o.financier))
        if o.status == "WITHDRAWN":
            await self._drop_offers_made(o.financier, o.financier_msp, debtor, offer_id=o.id)

    async def _put_offer_made(self, o: Offer, debtor: str, claim: Receivable | None) -> None:
        """``o``'s ``keys.OFFER_MADE`` entry, recording its request, ``claim``'s id, outstanding amount and currency
        (0x00, nothing recorded, without one: an offer an earlier contract made, whose claim may have been rewritten
        since)."""
        key = self.key(keys.OFFER_MADE, o.financier, debtor, o.id)
        value = (keys.INDEX_VALUE if claim is None else
                 json.dumps({"currency": claim.currency, "financing_id": o.financing_id, "outstanding": claim.outstanding,
                             "receivable_id": claim.id}, sort_keys=True).encode())
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
            named = [self.stub.split_composite_key(kv.key)[1][2] async for kv in
                     self.stub.get_state_by_partial_composite_key(keys.OFFER_MADE, [bank, debtor])]
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
        o = await self._readable_offer(offer_id)
        return o is not None and o.status == "OPEN"

    async def readable_receivable(self, receivable_id: str) -> Receivable | None:
        """The claim, or None where its key holds none or a value no claim parses to (before its key-level policy
        names a bank, the debtor's and the holder's orgs can write or delete it)."""
        try:
            return await self.receivable_or_none(receivable_id)
        except ValueError:
            return None

    async def _readable_offer(self, offer_id: str) -> Offer | None:
        """The offer, or None where its key holds none or a value no offer parses to (any two orgs can write or
        delete an offer's key)."""
        try:
            return await self._get(Offer, keys.OFFER, offer_id)
        except ValueError:
            return None

    async def exposure_version(self, bank: str, debtor: str) -> int:
        """The version of ``bank``'s exposure on ``debtor`` (``recfin.exposure-version``; 0 before it first moves):
        it moves with every change that can raise what the bank has out and on offer on the debtor
        (``queries.financier_exposure``): an offer of the bank on the debtor's claims, and an UpgradeLedger page
        restoring the bank's entries there. An acceptance moves an advance from offered to out and adds nothing
        (the exposure counts an offer while an acceptance of it may still commit), and everything else lowers
        them. A limit checked against the figures read with a version still holds while the version stands
        still."""
        raw = await self.stub.get_state(self.key(keys.EXPOSURE_VERSION, bank, debtor))
        return int(raw) if raw else 0

    async def move_exposure_version(self, bank: str, debtor: str, read: int) -> None:
        """Move the version of ``bank``'s exposure on ``debtor`` on (``read``: the version read in this transaction).
        Read and written by each such change, so that two of them on one bank and debtor never commit in one
        block: the second fails MVCC_READ_CONFLICT and, sent again, moves it after the first."""
        await self.stub.put_state(self.key(keys.EXPOSURE_VERSION, bank, debtor), str(read + 1).encode())

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
        """What ``bank``'s own keys say of its offer ``offer_id`` on ``debtor`` (point reads of its ``keys.OFFER_MADE`` entry and its
        ``keys.OFFER_MADE_DROPPED`` mark; ``bank_msp``: the bank's org, from its party record). ``entry_standing``:
        the entry stands under the bank's org alone and its bank never dropped it, so its ``offered`` has counted
        the offer throughout, whatever the offer's record said meanwhile. The amount is the entry's then, else the
        mark's; a mark not under the bank's org alone, which two other orgs wrote, says nothing of what the bank did
        and counts as dropped ``uncounted``."""
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
            except ValueError:   # a value no financing parses to: two orgs wrote it, and no disbursement did
                continue
            if (f is not None and f.status == "DISBURSED" and f.accepted_offer_id == i and f.collection
                    and f.disbursement_hash
                    and await self.private_hash(f.collection, keys.DISBURSEMENT, f.id) == f.disbursement_hash):
                return i
        return None

    @staticmethod
    def financier_entry_records(r: Receivable) -> tuple[tuple[str, ...], ...]:
        """The record ``financier_entry_standing`` reads, for a caller to ``prefetch`` it with others."""
        live = live_financier(r)
        return () if live is None else ((keys.BY_FINANCIER, *live, r.id),)

    async def financier_entry_standing(self, r: Receivable, bank_msp: str) -> bool:
        """Whether ``r``'s live loan is its bank's (``bank_msp``, the bank's org, named by the claim) and has its
        ``recfin.by-financier`` entry, through which alone the bank's exposure counts it, under the claim's orgs
        with the bank's (``_financier_entry_orgs``): an entry under another policy, or a claim naming another org
        as its bank's (an offer record rewritten before acceptance), leaves the loan for two orgs to delete from
        the figures (point reads)."""
        live = live_financier(r)
        if live is None or r.financier_msp != bank_msp:
            return False
        entry = self.key(keys.BY_FINANCIER, *live, r.id)
        return (bool(await self.stub.get_state(entry))
                and await self._under(entry, self._financier_entry_orgs(r)))

    async def open_offers(self, financier: str, debtor: str, bank_msp: str
                          ) -> tuple[list[Offer], dict[str, OfferAsMade]]:
        """The offers ``recfin.open-offer`` or the bank's own ``keys.OFFER_MADE`` entries list under the bank and the
        debtor (``put_offer``), in id order, the offers read in batches (``prefetch``): those still OPEN, expired
        ones included (an expiry date passes without a transaction), and those a lapse or an acceptance closed
        since the bank's last offer there, which the caller leaves out by their status. An ``OFFER_MADE`` entry
        not under ``bank_msp`` (the bank's org) alone, which any two orgs can write under a policy of their own,
        lists nothing, and an entry whose offer record is missing or unreadable (any two orgs can delete or
        rewrite it) counts nothing: neither makes the bank's figures fail. With them, what the bank's own entries
        say, by offer id: the amount each recorded, and the ids whose offers the caller did not count are those its
        next offer drops (``uncounted``)."""
        ids = {self.stub.split_composite_key(kv.key)[1][2] async for kv in
               self.every_row(keys.OPEN_OFFER, financier, debtor)}
        made = {}
        async for kv in self.every_row(keys.OFFER_MADE, financier, debtor):
            if await self._under(kv.key, [bank_msp]):
                made[self.stub.split_composite_key(kv.key)[1][2]] = OfferAsMade.recorded(kv.value, entry_standing=True)
        ids.update(made)
        await self.prefetch(*((keys.OFFER, i) for i in sorted(ids)))
        return [o for i in sorted(ids) if (o := await self._readable_offer(i)) is not None], made

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

    async def offer_of_bank(self, financing_id: str, bank: str) -> str | None:
        raw = await self.stub.get_state(self.key(keys.OFFER_BY_BANK, financing_id, bank))
        return raw.decode() if raw else None

    async def offers_of(self, financing_id: str) -> list[Offer]:
        ids = [self.stub.split_composite_key(kv.key)[1][1]
               async for kv in self.stub.get_state_by_partial_composite_key(keys.BY_FINANCING, [financing_id])]
        await self.prefetch(*((keys.OFFER, i) for i in ids))
        return [o for o in [await self._get(Offer, keys.OFFER, i) for i in sorted(ids)] if o is not None]

    async def notice(self, notice_id: str) -> AssignmentNotice:
        return await self._require(AssignmentNotice, keys.NOTICE, notice_id, "assignment notice")

    async def put_notice(self, n: AssignmentNotice) -> None:
        await self._put(n, keys.NOTICE, n.id)

    async def discount_offer(self, offer_id: str) -> DiscountOffer:
        return await self._require(DiscountOffer, keys.DISCOUNT, offer_id, "discount offer")

    async def put_discount_offer(self, d: DiscountOffer) -> None:
        """Write the offer and its index entry, both under the debtor org's key-level policy: the offer binds
        the debtor alone, so only its org's endorsement may change it (withdraw it, or undo a withdrawal) or
        drop it from the debtor's list; under the chaincode policy any two other orgs could. A new offer's keys
        fall under the chaincode policy for the publication itself, like every new key."""
        key = self.key(keys.DISCOUNT, d.id)
        await self.stub.put_state(key, d.to_bytes())
        # indexed by fields that never change, so writing the entry again on a later update is harmless
        index_key = self._discount_entry(d)
        await self.stub.put_state(index_key, keys.INDEX_VALUE)
        for written in (key, index_key):
            await self._set_policy(written, [d.debtor_msp])

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

    async def seal_discount_offer(self, d: DiscountOffer, *, entry_written: bool) -> int:
        """Give the offer's key and its ``recfin.discount-by-debtor`` entry the debtor org's policy, as
        ``put_discount_offer`` does, each where it has none (``_seal_unguarded``): an offer published before
        42422e6 and never changed since is under the chaincode-level policy, which lets any two orgs raise its
        rate, extend its expiry, empty its claims or reopen it. ``entry_written``: this transaction wrote the entry
        (``restore_discount_entry``), so it carries none, and its policy is not read. How many policies it
        wrote."""
        offer_key, entry_key = self.key(keys.DISCOUNT, d.id), self._discount_entry(d)
        written = await self._seal_unguarded(offer_key, [d.debtor_msp],
                                             await self.stub.get_state_validation_parameter(offer_key))
        entry_held = None if entry_written else await self.stub.get_state_validation_parameter(entry_key)
        return written + await self._seal_unguarded(entry_key, [d.debtor_msp], entry_held)

    async def discount_offers_page(self, debtor: str, page_size: int, bookmark: str) -> tuple[list[DiscountOffer], Any]:
        """One page of the debtor's discount offers, oldest publication first (then id), and the page's metadata."""
        kvs, meta = await self.index_page(keys.DISCOUNT_BY_DEBTOR, [debtor], page_size, bookmark)
        ids = [self.stub.split_composite_key(kv.key)[1][2] for kv in kvs]
        await self.prefetch(*((keys.DISCOUNT, i) for i in ids))   # the page's offers in one round trip
        return [await self.discount_offer(i) for i in ids], meta

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
        own_key = self.key(keys.ATTESTATION_LAST, fp, attester)
        if await self.stub.get_state(indexed):
            return await self._newest_entry(own_key)
        found = await self.attestations_of(fp)
        newest = attestation.newest_by_attester(found)
        attester_org = {a.attester: a.attested.msp_id for a in found}
        await self.prefetch(*((keys.ATTESTATION_LAST, fp, each) for each in dict.fromkeys([attester, *newest])))
        # The attester's own entry where it has one, as with the mark: a record in its name the entry does not
        # name (two other orgs can write a new key) would otherwise pass for its newest, and one dated ahead would
        # refuse every attestation it makes after. The records count only for an attester without one.
        own = await self._newest_entry(own_key)
        for earlier_attester, theirs in newest.items():
            if not await self.stub.get_state(self.key(keys.ATTESTATION_LAST, fp, earlier_attester)):
                await self._put_newest(fp, earlier_attester, theirs, attester_org[earlier_attester])
        await self.stub.put_state(indexed, keys.INDEX_VALUE)
        return own if own is not None else newest.get(attester)

    async def attestations_kept(self, fp: str) -> list[InvoiceAttestation]:
        """The invoice's attestations (``attestations_of``) but those past their attester's newest as its own entry
        names it (``attestation.past_newest``): records two other orgs wrote in its name, after its last
        attestation. Under an attester without an entry (an invoice not attested since the entries exist, or an
        attester that has not attested it), every record is counted."""
        found = await self.attestations_of(fp)
        attesters = list(dict.fromkeys(a.attester for a in found))
        await self.prefetch(*((keys.ATTESTATION_LAST, fp, attester) for attester in attesters))
        newest = {attester: await self._newest_entry(self.key(keys.ATTESTATION_LAST, fp, attester))
                  for attester in attesters}
        return [a for a in found if not attestation.past_newest(a, newest[a.attester])]

    async def _newest_entry(self, key: str) -> attestation.Newest | None:
        """The attester's newest attestation of an invoice as its ``recfin.attestation-last`` entry ``key`` keeps it
        (None: it has no entry)."""
        raw = await self.stub.get_state(key)
        return attestation.Newest(**json.loads(raw)) if raw else None

    async def _put_newest(self, fp: str, attester: str, newest: attestation.Newest, attester_msp: str) -> None:
        key = self.key(keys.ATTESTATION_LAST, fp, attester)
        await self.stub.put_state(key, json.dumps(dataclasses.asdict(newest), sort_keys=True).encode())
        await self._set_policy(key, [attester_msp])

    async def attestations_of(self, fp: str) -> list[InvoiceAttestation]:
        """Every attestation of an invoice, oldest first (by transaction timestamp, then transaction id). One
        attester's are so in the order they committed (``attestation.order_problem``); the tx id only orders
        different attesters' attestations at the same time, which changes only the order they are listed in. A
        range read: in a submitted transaction, Fabric checks at commit that no attestation of the invoice was added
        since."""
        found = [InvoiceAttestation.model_validate_json(kv.value)
                 async for kv in self.stub.get_state_by_partial_composite_key(keys.ATTESTATION, [fp])]
        return sorted(found, key=lambda a: (attestation.attested_time(a), a.attested.tx_id))

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
        return await self.stub.get_private_data(collection, self.key(object_type, ident))

    async def get_private_many(self, object_type: str, records: list[tuple[str, str]]) -> dict[str, bytes | None]:
        """The private records of ``object_type`` named by (collection, id), by id: one batched read per
        collection rather than one round trip per record."""
        by_collection: dict[str, list[str]] = {}
        for collection, ident in records:
            by_collection.setdefault(collection, []).append(ident)
        found: dict[str, bytes | None] = {}
        for collection, ids in by_collection.items():
            values = await self.stub.get_multiple_private_data(collection, [self.key(object_type, i) for i in ids])
            found.update(zip(ids, values))
        return found


def org_policy(orgs: list[str]) -> bytes:
    """The key-level policy every key this contract guards carries: each of ``orgs`` endorses, as a member
    (deterministic bytes, so a stored policy is compared by value)."""
    kep = KeyEndorsementPolicy()
    kep.add_orgs("MEMBER", *orgs)
    return kep.policy()


def live_financier(r: Receivable | None) -> tuple[str, str] | None:
    """(bank, debtor) while the claim has a live financing with a bank (accepted, not yet repaid)."""
    if r is None or r.financing_id is None or r.financier is None:
        return None
    return r.financier, r.debtor
