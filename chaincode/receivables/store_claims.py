"""The claims' records: every write of a receivable also moves its index entries (holder, debtor, status) and sets
its key-level endorsement policy when it is new, when it is confirmed, and when the orgs that must endorse it
change; with the ``recfin.by-financier`` entry of its live loan, through which alone its bank's exposure counts it.
"""

from __future__ import annotations

from typing import NamedTuple

from chaincode.shim import KeyEndorsementPolicy

from . import keys, lifecycle, policy
from .errors import rule
from .model import CONFIRMED, REGISTERED, Financing, Receivable
from .store_base import StoreBase, contract_policy_orgs, earlier_form_orgs


class ClaimReseal(NamedTuple):
    """What ``ClaimRecords.reseal_receivable`` did, as ResealReceivable answers it (``schemas.Reseal``)."""

    orgs_before: list[str]           # the orgs the claim key's policy named ([] where it had none)
    orgs_after: list[str]            # the orgs it names now (those it named where it was not rewritten)
    member_form_resealed: bool       # the key's policy was in the earlier form, MEMBER, now PEER
    entries_resealed: int            # the entries it covers whose policy was rewritten


# the claims' indexes, each with the field of the claim it lists it under: [value, receivable id] -> 0x00
CLAIM_INDEXES = {keys.BY_HOLDER: "holder", keys.BY_DEBTOR: "debtor", keys.BY_STATUS: "status"}


class ClaimRecords(StoreBase):
    """Receivables, their indexes and key-level policies, and their live loans' entries (part of ``Store``)."""

    # -- receivables
    async def receivable(self, receivable_id: str) -> Receivable:
        return await self._require(Receivable, keys.RECEIVABLE, receivable_id, "receivable")

    async def receivable_or_none(self, receivable_id: str) -> Receivable | None:
        return await self._get(Receivable, keys.RECEIVABLE, receivable_id)

    async def receivable_to_read_ahead(self, receivable_id: str) -> Receivable | None:
        """The claim, to name the records a transaction reads next from it (``prefetch``); None where its key
        cannot be formed, holds none or holds a value ``receivable`` refuses. Nothing is refused here: the read
        that refuses such a claim comes later, where it came before anything was read ahead."""
        return await self.read_ahead(Receivable, keys.RECEIVABLE, [receivable_id])

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
        # A new claim's entries are written without a look for a seal (two round trips each saved on every
        # registration and split): a registered claim's id comes from this transaction's id (keys.new_id), so no
        # key naming it existed before this transaction was proposed; a split's part, whose id is foreseeable,
        # is held back by a seal on its own key as much as on an entry's, so looking at the entries would
        # shield nothing (docs/receivables.md, "What the contract does not guarantee").
        new_claim = before is None
        for index, attr in CLAIM_INDEXES.items():
            new_value = getattr(r, attr)
            old_value = getattr(before, attr) if before is not None else None
            if old_value == new_value:
                continue
            if index == keys.BY_DEBTOR:   # a new claim's: its debtor never changes
                await self.stub.put_state(self.key(index, new_value, r.id), keys.INDEX_VALUE)
                await self._guard_debtor_entry(r, new=True)
                continue
            if new_claim:
                await self.stub.put_state(self.key(index, new_value, r.id), keys.INDEX_VALUE)
                continue
            if old_value is not None:
                await self._move_unsealed_entry(self.key(index, old_value, r.id), None)
            await self._move_unsealed_entry(self.key(index, new_value, r.id), keys.INDEX_VALUE)
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
                    and not await self._under_as_now(key, orgs))):
            await self._set_policy(key, orgs)
        if financier_entry_written and (live := live_financier(r)) is not None:
            await self._set_policy(self.key(keys.BY_FINANCIER, *live, r.id), self._financier_entry_orgs(r))

    async def _move_unsealed_entry(self, key: str, value: bytes | None) -> None:
        """Write ``value`` to ``key``, a claim's ``recfin.by-holder`` or ``recfin.by-status`` entry (None: delete
        it), unless the key carries a key-level policy. The contract gives these entries none, so one there was
        set by two orgs running altered chaincode (the chaincode-level policy alone guards the entry): Fabric
        would validate this write against it, and the change of the claim's holder or status, endorsed by the
        claim's own orgs, would fail for as long as those two refused to endorse it. Left as it is, such an
        entry only lists what its claim says: the lists go by the claim, not its entry (``queries.page``)."""
        if await self.sealed_by_others(key):
            return
        if value is None:
            await self.stub.del_state(key)
        else:
            await self.stub.put_state(key, value)

    async def _guard_debtor_entry(self, r: Receivable, *, new: bool) -> bool:
        """Give ``r``'s ``recfin.by-debtor`` entry the orgs its invoices' registry entries get
        (``_registry_entry_orgs``: the debtor's and the creditor's, the regulator's where those are one) where
        it has none: ``new``, an entry this transaction writes first, else one an earlier contract version
        wrote, whose policy is read. ``GetDebtorPaymentRecord``, which banks price the debtor on, lists the
        debtor's claims through these entries alone: under the chaincode-level policy, the debtor's org and
        any other could delete the entry of a claim it paid late and hide it from every bank. No change
        deletes it (a claim's debtor never changes). None where those orgs are one: the chaincode-level
        policy's two orgs guard it better. Whether it wrote one."""
        orgs = await self._registry_entry_orgs(r)
        key = self.key(keys.BY_DEBTOR, r.debtor, r.id)
        held = None if new else await self.stub.get_state_validation_parameter(key)
        return len(orgs) >= 2 and await self._seal_unguarded(key, orgs, held)

    async def restore_debtor_entry(self, r: Receivable) -> bool:
        """Write ``r``'s ``recfin.by-debtor`` entry where it is missing (deleted by two orgs while an earlier
        contract version left it without a policy), and give it, written here or before, its orgs where it has
        none (``_guard_debtor_entry``). Whether it wrote the entry."""
        key = self.key(keys.BY_DEBTOR, r.debtor, r.id)
        written = not await self.stub.get_state(key)
        if written:
            await self.stub.put_state(key, keys.INDEX_VALUE)
        await self._guard_debtor_entry(r, new=written)
        return written

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
        key carries none (the chaincode-level policy guards it until ``restore_receivable_policy``,
        ``put_receivable`` or ``reseal_receivable`` gives it the orgs due, where those are two or more)."""
        if not held:
            return None
        now = KeyEndorsementPolicy(held).list_orgs()
        return (now, due) if not set(due) <= set(now) else None

    async def reseal_receivable(self, r: Receivable, fingerprints: list[str]) -> ClaimReseal:
        """Rewrite the key-level policy of ``r``'s key where it leaves out an org due
        (``policy.endorsing_orgs``, what ``put_receivable`` writes for the claim as it stands: a claim
        ``restore_receivable_policy`` finds short and UpgradeLedger lists to reseal) to the orgs due, and
        where it is in the form earlier contract versions wrote (``earlier_org_policy``: MSP role MEMBER,
        which any certificate of its orgs meets, a client's too) to this version's (``org_policy``: their
        peers), keeping the orgs it names where it leaves out none, as UpgradeLedger's page would
        (``reseal_earlier_role``). Only the key's policy is written, never its value: Fabric checks the change
        against the policy the key carries, so the orgs it names endorse it (a peer meets a MEMBER principal
        of its org too), and nothing of the claim moves.

        The entries the claim's reseal covers are brought to this version's form too, whether its key is
        rewritten or not (``_reseal_entry``): the live loan's ``recfin.by-financier`` entry, to the claim's
        orgs (``_financier_entry_orgs``), and its registry entries (those of ``fingerprints`` and of its
        goods receipts, ``reseal_registry_entries``): while ``r`` is REGISTERED to the orgs its registration
        gives them, in any other state one in the earlier form to the same orgs' peers, with its bank's org
        while its financing is live. Each is checked
        against its own policy, which the orgs the key names (the reseal's endorsers) must meet: an entry
        naming an org beyond them is left as it is.

        A key with no policy (``orgs_before`` empty) gets the orgs due too: one whose claim was written while
        they were one org, to which no write gave a policy (``put_receivable`` writes no one-org one).
        UpgradeLedger seals it (``restore_receivable_policy``), and so does the claim's next write
        (``put_receivable``); until one of them does, the chaincode-level policy guards it, so this write too
        takes nothing from any org.

        Refused ``nothing-to-reseal`` where nothing is rewritten: the key names every org due already and is
        not in the earlier form (this version's form, or one no version wrote, left as it is), and no entry it
        covers needs rewriting; ``claim-needs-two-orgs`` where the key must be given the orgs due and those
        are one (``policy.one_org_refusal``): an earlier form naming that org alone is rewritten to that
        org's peers, which narrows who may write the key and names no org it did not name."""
        key = self.key(keys.RECEIVABLE, r.id)
        held = await self.stub.get_state_validation_parameter(key)
        due = self._claim_orgs(r)
        named = KeyEndorsementPolicy(held).list_orgs() if held else []
        short = ([], due) if not held else self._short_policy(held, due)
        earlier = earlier_form_orgs(held)
        if short is not None and len(due) < 2:
            raise policy.one_org_refusal(r, due)
        # an earlier form naming every org due keeps its orgs (one the configuration no longer names included,
        # as a key in this version's form does): only the role it names changes
        orgs_after = due if short is not None else earlier if earlier is not None else named
        if short is not None or earlier is not None:
            await self._set_policy(key, orgs_after)
        # the orgs the key names endorse the reseal (None where it has none: the Gateway plans them)
        endorsers = named or None
        entries = 0
        live = live_financier(r)
        entry = self.key(keys.BY_FINANCIER, *live, r.id) if live is not None else None
        if entry is not None and await self.stub.get_state(entry):
            entries += await self._reseal_entry(entry, self._financier_entry_orgs(r), endorsers)
        if r.status not in lifecycle.RELEASED:   # a claim rejected or withdrawn holds no registry entry
            entries += await self.reseal_registry_entries(r, fingerprints, endorsers)
        if short is None and earlier is None and not entries:
            raise rule("nothing-to-reseal", f"{r.id}'s key already names every org due ({', '.join(due)}), "
                       "and not in the form earlier contract versions wrote (MSP role MEMBER), nor does "
                       "any entry it covers (its live loan's, its registry entries) need a rewrite its key's "
                       "orgs can endorse: there is nothing to reseal, and nothing was changed")
        return ClaimReseal(named, orgs_after, earlier is not None, entries)

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
        """Whether live loan ``f`` on ``r`` changes only with its bank's org endorsing (point reads of two
        keys' policies): the claim's key under a policy every one of whose orgs endorses (``org_policy``, or
        the form earlier versions wrote of it, ``earlier_org_policy``), the bank's among them, and the
        financing's under its holder's and its bank's orgs, as acceptance writes them (with the regulator's where
        one org is both; none where no regulator's org is another: ``put_financing``). A loan two orgs accepted
        with altered chaincode under a policy of their own (one naming the bank's org as one of several that may
        endorse alone, too), or made up, is not: its record and its private figures are theirs to rewrite. Orgs
        the claim's policy names beyond the bank's are not asked for: a claim frozen when the regulator's org was
        replaced keeps the old one."""
        if not (r.holder_msp and r.financier_msp):
            return False   # a claim two orgs wrote naming a bank with no org: no policy could name it
        # the contract's own policy, as it writes it or as earlier versions did (UpgradeLedger reseals those)
        held = await self.stub.get_state_validation_parameter(self.key(keys.RECEIVABLE, r.id))
        named = contract_policy_orgs(held)
        if named is None or r.financier_msp not in named:
            return False
        deal = self._deal_policy_orgs((r.holder_msp, r.financier_msp))
        return deal is None or await self._under(self.key(keys.FINANCING, f.id), deal)

    async def financed_by(self, financier: str, debtor: str) -> list[Receivable]:
        """The debtor's receivables with a live financing of ``financier``, in id order (for queries only:
        ``every_row``). The claim decides, not its ``recfin.by-financier`` entry: an entry nobody wrote yet is
        a new key, which any two orgs can write, so a claim is listed only under its own entry, while it names
        the entry's bank and debtor as its live financing's (``live_financier``); an entry of another shape
        (``entry_attributes``), naming a claim missing, or another bank's or debtor's, is passed over rather
        than failing the bank's figures or counting another's loan in them. A value no claim parses to is
        refused ``record-unreadable``, naming its key, as every read of a claim by its id refuses it: this read
        cannot tell whose loan it is, and passed over, the bank's own would go uncounted."""
        ids = [entry[-1] async for kv in self.every_row(keys.BY_FINANCIER, financier, debtor)
               if (entry := self.entry_attributes(kv.key, keys.BY_FINANCIER)) is not None]
        claims = [await self.receivable_or_none(i) for i in ids]
        return [r for r in claims if live_financier(r) == (financier, debtor)]

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


def live_financier(r: Receivable | None) -> tuple[str, str] | None:
    """(bank, debtor) while the claim has a live financing with a bank (accepted, not yet repaid)."""
    if r is None or r.financing_id is None or r.financier is None:
        return None
    return r.financier, r.debtor
