"""The registries of invoice fingerprints and goods receipts: each entry names the root claim it backs, under that
claim's orgs as registered, and from the acceptance of a financing of its lineage the bank's org too, until a
rejection or withdrawal of the claim releases it.
"""

from __future__ import annotations

import json

from . import keys
from .model import REGISTERED, GoodsReceiptEntry, Receivable
from .store_base import UNREADABLE_VALUE, StoreBase, _named, org_policy, parsed_object

# what a registrant can do about a registry entry no claim wrote
BLOCKED_ENTRY = ("No claim on that invoice or goods receipt can be registered while the entry stands: "
                 "report the key to the network's "
                  "operators, whose peers' history of the key names the transaction that wrote it and the orgs that "
                  "endorsed it, and register the claim once the entry is gone")


class RegistryRecords(StoreBase):
    """The fingerprint and goods receipt registries (part of ``Store``, whose party and claim records,
    ``require_party`` and ``_claim_orgs``, name the orgs guarding an entry)."""

    # -- fingerprint and goods receipt registries: key -> the root receivable it backs, under its claim's orgs
    async def _registry_owner(self, object_type: str, key: str) -> str | None:
        """The root claim the entry names; None where there is none. An entry no transaction of the contract wrote
        (an invoice no claim registered, whose key any two orgs may write) is refused ``record-unreadable``: it
        backs no claim, and it is no free key either, as only those orgs or a new policy of theirs may delete it."""
        raw = await self.stub.get_state(self.key(object_type, key))
        if not raw:
            return None
        return parsed_object(raw, {"receivable_id": str}, object_type, key, remedy=BLOCKED_ENTRY,
                             ids=("receivable_id",))["receivable_id"]

    async def _put_registry_entry(self, object_type: str, key: str, key_field: str, receivable_id: str) -> None:
        await self.stub.put_state(self.key(object_type, key),
                                  json.dumps({key_field: key, "receivable_id": receivable_id}, sort_keys=True).encode())

    async def fingerprint_owner(self, fp: str) -> str | None:
        return await self._registry_owner(keys.FINGERPRINT, fp)

    async def fingerprint_names(self, fp: str, receivable_id: str) -> bool:
        """Whether ``fp``'s entry names the claim ``receivable_id``: one no claim wrote names none (for the changes
        that release or seal a claim's own entries, which such an entry must not stop)."""
        try:
            return await self.fingerprint_owner(fp) == receivable_id
        except UNREADABLE_VALUE:
            return False

    async def put_fingerprint(self, fp: str, r: Receivable) -> None:
        """Register ``fp`` (a key no claim holds) for ``r``, a root claim, under its orgs
        (``_guard_registry_entry``)."""
        await self._put_registry_entry(keys.FINGERPRINT, fp, "fingerprint", r.id)
        await self._guard_registry_entry(self.key(keys.FINGERPRINT, fp), r, new=True)

    async def put_fingerprint_as(self, fp: str, r: Receivable, guarded_as: str) -> None:
        """Register ``fp`` (a key no claim holds) for ``r``, a root claim, under the key-level policy of
        ``guarded_as``, the registry entry of the same invoice's own identity naming ``r``: the orgs of the claim
        as registered, and of each bank that financed a part of its lineage (``guard_for_financing``), so that no
        pair that could not release the one entry releases the other. Where that entry carries none (an earlier
        contract version wrote it), as a registration guards a new entry (``_guard_registry_entry``)."""
        await self._put_registry_entry(keys.FINGERPRINT, fp, "fingerprint", r.id)
        key = self.key(keys.FINGERPRINT, fp)
        if (held := await self.stub.get_state_validation_parameter(guarded_as)) is not None:
            await self.stub.set_state_validation_parameter(key, held)
        else:
            await self._guard_registry_entry(key, r, new=True)

    async def _guard_registry_entry(self, key: str, r: Receivable, *, new: bool) -> bool:
        """Give ``key``, an entry of the fingerprint or goods receipt registry naming ``r`` (a root claim), the
        key-level policy ``put_receivable`` gives the claim's key at registration (``policy.endorsing_orgs`` of the
        claim as registered, unfinanced and unfrozen: its debtor's and its creditor's orgs, whoever holds it now,
        the regulator's where those are one; ``_registry_entry_orgs``) where it has none
        (``_seal_unguarded``): ``new``, a key this transaction writes first, else one an earlier contract version
        wrote, whose policy is read. Under the chaincode-level policy alone, any two orgs (its
        supplier's and a bank's) could delete the entry of a confirmed, financed claim and register the invoice or
        the delivery again; the financing bank's org joins them at acceptance (``guard_for_financing``), or the
        debtor's and the creditor's could. Releasing it needs the same orgs, which endorse the only changes that
        release it: the rejection or withdrawal of the claim, REGISTERED and unfrozen, its creditor its holder. An
        entry is guarded by the claim that wrote it first: a receipt's later parts are its creditor's, on the same
        debtor. None where those orgs are one (no other org's parties may be the regulator): the chaincode-level
        policy's two orgs guard it better. Whether it wrote one."""
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

    async def registry_entries_naming(self, r: Receivable, fingerprints: list[str]) -> list[str]:
        """The keys of the registry entries naming ``r``: those of ``fingerprints`` it holds, and those of its goods
        receipts registered whole for it or in parts, one of them its. An entry naming another claim is left out.
        AcceptFinancingOffer works them out once for a root claim, over ``upgrade.registry_fingerprints`` (its
        invoices' as registered, their paper identities' and the current spellings an upgrade registered for it),
        and passes them to :meth:`entries_not_naming` and :meth:`guard_for_financing`."""
        return [key for key, _ in await self._registry_entries_and_sharing(r, fingerprints)]

    async def guard_for_financing(self, root: Receivable, named: list[str], bank_msp: str) -> int:
        """Add ``bank_msp``, the org of the bank whose offer on a claim of ``root``'s lineage (``root`` itself or a
        part of it) is accepted, to the key-level policy of each registry entry naming ``root`` (``named``, as
        :meth:`registry_entries_naming` gives them), keeping every org it names: the
        debtor's and the creditor's (``_registry_entry_orgs``, where it has none yet), the regulator's, another
        bank's that financed another part. Guarded by those two alone, the debtor and the supplier, running altered
        chaincode on their two peers, could delete the entry of a claim a bank has financed and register the
        invoice or the delivery again as a new claim, for a second bank to finance. The bank's org stays for good:
        none of the changes ending a financing releases the entries (only a rejection or withdrawal of a
        REGISTERED claim does), and a part financed again, by this bank or another, needs it as much. Each entry's
        policy is read (one point read each, bounded as the claim's invoices and receipts are); one that names
        the bank already, in this version's form, is left as it is. How many policies it wrote."""
        written = 0
        for key in named:
            written += await self._add_bank(key, root, bank_msp, None)
        return written

    def entries_not_naming(self, root: Receivable, named: list[str]) -> list[tuple[str, str]]:
        """The registry entries (object type, key attribute) ``root`` was registered under (its invoices'
        fingerprints as registered, their paper identities', its goods receipts') that no longer name it,
        ``named`` being the keys of those that do (:meth:`registry_entries_naming`, over those fingerprints at
        least): deleted, or written again for another claim or none, outside the contract (the debtor's and the
        creditor's orgs together can, until a financing of the claim gives the entries its bank's org,
        ``guard_for_financing``)."""
        registered = [fp for inv in root.invoices for fp in (inv.fingerprint, inv.paper_fingerprint) if fp]
        wanted = [*((keys.FINGERPRINT, fp) for fp in dict.fromkeys(registered)),
                  *((keys.GOODS_RECEIPT, gr.receipt_key) for gr in root.goods_receipts)]
        held = set(named)
        return [entry for entry in wanted if self.key(*entry) not in held]

    async def _add_bank(self, key: str, root: Receivable, bank_msp: str, endorsers: list[str] | None) -> bool:
        """Give ``key``, a registry entry naming ``root``, this version's policy of the orgs it names (those
        ``_registry_entry_orgs`` gives it where it names none) and ``bank_msp``, unless it is that already, or
        ``endorsers`` (the orgs endorsing the change; None: the Gateway plans them from the policies of the keys
        written) leave out an org it names: Fabric would invalidate the rewrite. Whether it wrote one."""
        held = await self.stub.get_state_validation_parameter(key)
        named = _named(held)
        if endorsers is not None and not set(named) <= set(endorsers):
            return False
        orgs = sorted(set(named or await self._registry_entry_orgs(root)) | {bank_msp})
        if len(orgs) < 2 or held == org_policy(orgs):
            return False
        await self._set_policy(key, orgs)
        return True

    async def seal_registry_entries(self, r: Receivable, fingerprints: list[str]) -> int:
        """Guard (``_guard_registry_entry``) each entry naming ``r`` that an earlier contract version left without
        a policy: those of ``fingerprints`` and of its goods receipts (registered whole for it, or in parts, one of
        them its). An entry naming another claim is that claim's, and is left to it. How many policies it wrote."""
        sealed = 0
        for key in await self.registry_entries_naming(r, fingerprints):
            sealed += await self._guard_registry_entry(key, r, new=False)
        return sealed

    async def reseal_registry_entries(self, r: Receivable, fingerprints: list[str],
                                      endorsers: list[str] | None) -> int:
        """For ResealReceivable: rewrite the key-level policy of each entry naming ``r`` (those of
        ``fingerprints`` and of its goods receipts) where the orgs the claim's key names (``endorsers``, which
        endorse the reseal; None where it has no policy) meet it: an entry naming an org beyond them is left
        as it is, its rewrite unendorsable. How many policies it wrote.

        While ``r`` is REGISTERED, the one state in which a rejection or a withdrawal releases its entries,
        to the orgs due (``_registry_entry_orgs``) in this version's form, where it names other orgs (a
        regulator org the configuration replaced, which that release would otherwise have to endorse), is in
        the form earlier versions wrote or has none (``_reseal_entry``); not a receipt's entry naming other
        claims' parts too, which may name the bank of one financed (``guard_for_financing``). In any other
        state, for such an entry, and where those orgs are one, an entry of a claim whose financing is live
        gets its bank's org beside the orgs it names (``guard_for_financing``, which a financing an earlier
        contract version accepted never ran), in this version's form; any other entry in the earlier form (MSP
        role MEMBER, which a client certificate of its orgs meets) gets the same orgs' peers
        (``reseal_earlier_role``), as an UpgradeLedger page writes it: users of those orgs could otherwise
        delete the entry of a confirmed, financed or settled claim between them and register the invoice or
        the delivery again, for a second financing."""
        due = await self._registry_entry_orgs(r) if r.status == REGISTERED else []
        bank = r.financier_msp if r.financing_id is not None else None
        rewritten = 0
        for key, shared in await self._registry_entries_and_sharing(r, fingerprints):
            # a receipt's entry naming other claims' parts too may name the bank of one financed
            # (``guard_for_financing``): rewritten to this claim's orgs, it would lose that bank's org
            if len(due) >= 2 and not shared:
                rewritten += await self._reseal_entry(key, due, endorsers)
            elif bank is not None:
                # a financing an earlier contract version accepted gave the entries no bank's org
                rewritten += await self._add_bank(key, r, bank, endorsers)
            else:
                rewritten += await self.reseal_earlier_role(key, endorsers)
        return rewritten

    async def _registry_entries_and_sharing(self, r: Receivable, fingerprints: list[str]) -> list[tuple[str, bool]]:
        """``registry_entries_naming``, each key with whether its entry names other claims too (a receipt's
        entry listing their parts beside ``r``'s)."""
        named = []
        for fp in dict.fromkeys(fingerprints):
            if await self.fingerprint_names(fp, r.id):
                named.append((self.key(keys.FINGERPRINT, fp), False))
        for gr in r.goods_receipts:
            entry = await self._readable_goods_receipt_entry(gr.receipt_key)
            claims = [p.receivable_id for p in entry.parts] if entry is not None and entry.in_parts else (
                [entry.receivable_id] if entry is not None else [])
            if r.id in claims:
                named.append((self.key(keys.GOODS_RECEIPT, gr.receipt_key), set(claims) != {r.id}))
        return named

    async def goods_receipt_entry(self, receipt_key: str) -> GoodsReceiptEntry | None:
        """The registry's entry of a goods receipt: registered whole (an earlier version's entry reads so) or in
        parts; None when it backs no claim."""
        return await self._get(GoodsReceiptEntry, keys.GOODS_RECEIPT, receipt_key, remedy=BLOCKED_ENTRY)

    async def _readable_goods_receipt_entry(self, receipt_key: str) -> GoodsReceiptEntry | None:
        """``goods_receipt_entry``, None also where the entry is none the contract wrote: it names no claim, and
        the changes that release or seal a claim's own entries pass it over."""
        try:
            return await self.goods_receipt_entry(receipt_key)
        except UNREADABLE_VALUE:
            return None

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
        only is theirs, and stays, and so does one no claim wrote (``_readable_goods_receipt_entry``)."""
        entry = await self._readable_goods_receipt_entry(receipt_key)
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
