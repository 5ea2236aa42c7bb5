"""Chaincode events: exactly one per transaction that changes the ledger, naming what happened (none from one
that changes nothing: a retry answered from its request record, an UpgradeLedger page with nothing to write or
report).

The payload is JSON with ``event`` (the name), ``receivable_id`` (``null`` for
party, attestation, discount-offer publication and withdrawal, and ledger upgrade events; an accepted discount
offer names the claim it settled) and the details of the change. A payload with an amount (integer fen) names
its ``currency``, the claim's: fen alone do not say what they are fen of (docs/receivables.md, "Events").
"""

from __future__ import annotations

from typing import Any

from .model import canonical_json

PARTY_REGISTERED = "PartyRegistered"
PARTY_RENAMED = "PartyRenamed"
PARTY_IDENTITY_BOUND = "PartyIdentityBound"
PARTY_IDENTITY_UNBOUND = "PartyIdentityUnbound"
RECEIVABLE_REGISTERED = "ReceivableRegistered"
RECEIVABLE_CONFIRMED = "ReceivableConfirmed"
RECEIVABLE_REJECTED = "ReceivableRejected"
RECEIVABLE_WITHDRAWN = "ReceivableWithdrawn"
RECEIVABLE_TRANSFERRED = "ReceivableTransferred"
RECEIVABLE_SPLIT = "ReceivableSplit"
PAPER_IDENTITY_LINKED = "PaperIdentityLinked"
FINANCING_REQUESTED = "FinancingRequested"
FINANCING_WITHDRAWN = "FinancingWithdrawn"
FINANCING_OFFERED = "FinancingOffered"
FINANCING_OFFER_ACCEPTED = "FinancingOfferAccepted"
FINANCING_OFFER_WITHDRAWN = "FinancingOfferWithdrawn"
FINANCING_DISBURSED = "FinancingDisbursed"
ASSIGNMENT_ACKNOWLEDGED = "AssignmentNoticeAcknowledged"
FINANCING_REPAID = "FinancingRepaid"
FINANCING_CANCELLED = "FinancingCancelled"
RECOURSE_DEMANDED = "RecourseDemanded"
RECOURSE_EXERCISED = "RecourseExercised"
DISCOUNT_OFFER_PUBLISHED = "DiscountOfferPublished"
DISCOUNT_OFFER_ACCEPTED = "DiscountOfferAccepted"
DISCOUNT_OFFER_WITHDRAWN = "DiscountOfferWithdrawn"
PAYMENT_RECORDED = "PaymentRecorded"
RECEIVABLE_OVERDUE = "ReceivableOverdue"
RECEIVABLE_FROZEN = "ReceivableFrozen"
RECEIVABLE_UNFROZEN = "ReceivableUnfrozen"
RECEIVABLE_RESEALED = "ReceivableResealed"
INVOICE_VERIFICATION_ATTESTED = "InvoiceVerificationAttested"
LEDGER_UPGRADED = "LedgerUpgraded"


def payload(name: str, receivable_id: str | None, tx_id: str, /, **details: Any) -> bytes:
    return canonical_json({"event": name, "receivable_id": receivable_id, "tx_id": tx_id, **details})
