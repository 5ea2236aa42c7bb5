"""Invoice verification attestations, never changed once written, and each attester's newest of an invoice, under
the attester's org's key-level policy.
"""

from __future__ import annotations

import dataclasses
import json

from . import attestation, keys
from .model import InvoiceAttestation
from .store_base import StoreBase


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
