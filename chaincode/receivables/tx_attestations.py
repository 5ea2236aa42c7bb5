"""Invoice verification: a bank's attestation of what data sources said about an invoice, and reading them.

Apart because attestations are records of their own, keyed by invoice fingerprint, which registration reads
(``attestation.registration_problem``) where the network's configuration asks for them.
"""

from __future__ import annotations

import json

from chaincode.contract import Context, transaction

from . import attestation, events, fingerprint, keys
from .arguments import _fingerprint
from .errors import rule, shown
from .model import InvoiceAttestation, InvoiceAttestationRequest, json_object_argument, parse_request
from .schemas import json_argument
from .session import Session, rules
from .store_base import UNREADABLE_VALUE
from .tx_base import TransactionGroup

AttestationArgument = json_argument(InvoiceAttestationRequest)


async def _claim_backed(s: Session, a: InvoiceAttestation) -> str | None:
    """The root claim the invoice ``a`` attests backs, as the fingerprint registry names it under the invoice's
    fingerprint or that of its other spelling (``fingerprint.other_spelling``), the two a registration reads; None
    where it backs none. A failure recorded once the claim exists undoes nothing, and its event naming the claim is
    how the claim's holder and banks following the events learn of it. An entry not in the form a registration
    writes (two orgs can write a new key) names no claim, and does not stop the attestation being recorded; one
    in that form is taken at its word, as ``FindInvoice`` takes it (reading the claim to check it lists the
    invoice would make every attestation of its invoices conflict with every change of the claim)."""
    fps = [a.fingerprint]
    if (other := fingerprint.other_spelling(a.code, a.number)) is not None:
        fps.append(fingerprint.invoice_fingerprint(a.seller_tax_id, *other))
    await s.store.prefetch(*((keys.FINGERPRINT, fp) for fp in fps))
    for fp in fps:
        try:
            owner = await s.store.fingerprint_owner(fp)
        except UNREADABLE_VALUE:
            continue
        if owner is not None:
            return owner
    return None


class AttestationTransactions(TransactionGroup):
    """AttestInvoiceVerification, GetInvoiceAttestations."""

    @transaction
    @rules
    async def AttestInvoiceVerification(self, ctx: Context, attestation_request: AttestationArgument,
                                        request_id: str = "") -> InvoiceAttestation:
        """A bank (a role in ``NetworkConfig.attesting_roles``) signs what data sources said about an invoice.

        The record names the invoice (the fingerprint is computed again here),
        the values verified (buyer, date, amount + tax), the sources, the
        outcome and the evidence document's digest; the attester and the time
        (the transaction timestamp) come from the transaction. That time must
        be after the attester's earlier attestations of the invoice
        (``attestation-out-of-order``), so the newest is the last committed: it
        reads and writes the attester's newest (``Store.newest_attestation``), so
        only the same attester's attestations of the invoice conflict with it. With a
        ``request_id``, a retry returns the first record.

        The event names the root claim the invoice backs (``_claim_backed``), null where it backs none: a failure
        recorded after the registration undoes nothing, and is seen by whoever follows the claim.
        """
        s = self._session(ctx)
        if not self.config.attesting_roles:
            raise rule("role-not-permitted", "this network's configuration names no attesting role (attesting_roles "
                       "is empty): nobody may attest an invoice verification until a new chaincode definition "
                       "names a role in attesting_roles")
        attester = await s.party_with_role(*self.config.attesting_roles, request_id=request_id)
        raw = json.dumps(json_object_argument(attestation_request, "attestation_request"), sort_keys=True,
                         ensure_ascii=False)
        if (done := await s.replay(attester, request_id, "AttestInvoiceVerification", raw)) is not None:
            return done
        req = parse_request(InvoiceAttestationRequest, attestation_request, "attestation_request")
        a = attestation.new_attestation(req, attester, keys.new_id("A", s.tx_id),
                                        s.action("AttestInvoiceVerification", attester.uscc), s.today)
        # after the replay: a retry of a recorded request is answered with its record, whatever its time
        newest = await s.store.newest_attestation(a.fingerprint, a.attester)
        if (why := attestation.order_problem(a, newest)) is not None:
            raise why
        await s.store.put_attestation(a)
        claim = await _claim_backed(s, a)
        # the sources asked that held nothing: a follower sees from them that a pass clears its attester's failure
        # there (attestation._as_it_stands); left out where none, so an event stays as before the field
        s.emit(events.INVOICE_VERIFICATION_ATTESTED, claim, attestation_id=a.id, fingerprint=a.fingerprint,
               outcome=a.outcome, sources=a.sources, attester=a.attester,
               **({"sources_skipped": a.sources_skipped} if a.sources_skipped else {}))
        return await s.remember(attester, request_id, "AttestInvoiceVerification", (raw,), a.to_json())

    @transaction(evaluate=True)
    @rules
    async def GetInvoiceAttestations(self, ctx: Context, fingerprint: str, answer: str = "list"
                                     ) -> list[InvoiceAttestation]:
        """Every verification attestation of an invoice, oldest first, to the invoice's seller and buyer, a party of
        an attesting role and the regulator.

        ``answer`` ``list`` (the default, and all a contract before it took): the list alone, the answer GetMetadata
        describes (its schema subset cannot say "one of two shapes"). ``object``: the list as ``attestations``,
        with ``unreadable`` and ``newer_version``, the keys of the records under the invoice
        this peer passed over as it cannot read them (``PassedOver``, as the list queries name them): one no
        contract version wrote (among them one dated after its attester's newest, or before it but written by none
        of its attestations, which a registration does not count either: ``Store.attestations_listed``), or one a newer version wrote, whose outcome this peer cannot tell, and which
        refuses a registration of the invoice under ``require_attestation`` (``record-newer-version``) where its
        attester's entry names it (``Store.named_newest``); one no entry names is in ``unreadable``. Each
        attestation there carries ``not_counted_reason``: why no registration counts it as its attester's word
        (``attestation.listed_not_counted_reason``: a record nothing its attester wrote vouches for, a pass of which
        counts against a registration but backs none and a failure of which still refuses one, or a pass recorded
        without the values verified), null where one may; what depends on the registration (who registers, when)
        a refusal names.

        An attestation names the invoice's buyer, date, total with tax and the bank that checked it, and a
        fingerprint is computed from the seller's public credit code and a number that can be guessed:
        another supplier, or another debtor, is answered an empty list, as for an invoice nobody attested.
        The seller is the one the fingerprint is of (the contract computed it again from the record's
        seller), the buyer the one an attestation names. A refusal would tell it apart from an invoice with
        no attestation (which tells nobody anything, and is answered empty): guessing numbers, it would
        learn which of another supplier's invoices exist and were checked by a bank, before or without any
        registration.
        """
        s = self._session(ctx)
        party = await s.party()
        _fingerprint(fingerprint)
        if answer not in ("list", "object"):
            raise rule("argument-invalid", f"answer {shown(answer)}: ask for list (the attestations alone) or object "
                       "(with the records passed over, unreadable and newer_version)")
        records, unreadable, newer, unnamed = await s.store.attestations_listed(fingerprint)
        if not attestation.may_read(self.config, party, records):
            # nor what was passed over: that too would tell an attested invoice from one nobody attested
            records, unreadable, newer = [], [], []
        if answer == "list":
            return [a.to_json() for a in records]
        # each with whether a registration counts it as its attester's word: a record nothing its attester wrote
        # vouches for is listed (it counts against a registration) but would otherwise read as the attester's word
        listed = [{**a.to_json(),
                   "not_counted_reason": attestation.listed_not_counted_reason(self.config, a, unnamed)}
                  for a in records]
        if newer:
            # one no attester's entry names is no newer version's attestation but a new key two orgs wrote, as a
            # registration reads it: named newer_version, its remedy would be a version that does not exist
            named = await s.store.named_newest(fingerprint, newer)
            unreadable, newer = [*unreadable, *(each for each in newer if each not in named)], named
        return {"attestations": listed,
                "unreadable": [s.store.key(keys.ATTESTATION, fingerprint, each) for each in unreadable],
                "newer_version": [s.store.key(keys.ATTESTATION, fingerprint, each) for each in newer]}
