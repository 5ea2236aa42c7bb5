"""The typed receivables API: the receivables contract's business operations and documents.

    from client.gateway import connect, load_msp_folder
    from client.receivables import ReceivablesClient, CONTRACT_NAME

    with connect(...) as gateway:
        network = gateway.get_network("receivables")
        receivables = ReceivablesClient(network.get_contract("receivables", CONTRACT_NAME), network)
        r = receivables.confirm("R-0123456789abcdef")
        print(r.status, r.outstanding, r.last.tx_id)

Talks to the contract through ``client.gateway`` only: the two share the JSON documents and transaction
names, and a unit test checks they agree. Where it must decide exactly as the contract does, it runs the
contract's own code rather than a copy: ``chaincode.shim.x509_client_id`` (in ``client_id_of``), so an id it
forms is the id the contract sees, and ``chaincode.receivables.model.invoices_in_the_claims_currency``, so an
older claim's invoices read in the same currency as through GetReceivable.
See docs/sdk-receivables.md.
"""

from ._client import (CONTRACT_NAME, RACE_RETRY, READ_REFUSALS, AsyncReceivablesClient, ReceivablesClient,
                      new_request_id, refuses_the_caller, unless_refused_the_read)
from ._events import EVENT_NAMES, AsyncReceivablesEvents, ReceivablesEvent, ReceivablesEvents
from ._identity import client_id_of
from ._models import (
    STATUSES,
    Action,
    Allocation,
    AssignmentNotice,
    DiscountOffer,
    DiscountOfferPage,
    DiscountOfferRequest,
    Document,
    Exposure,
    FinancedClaim,
    FinancierExposure,
    FingerprintCollision,
    Financing,
    FinancingTerms,
    FinancingView,
    FreezeOrder,
    HistoryEntry,
    IdentityParty,
    Invoice,
    InvoiceAttestation,
    InvoiceAttestationRequest,
    InvoiceInput,
    InvoiceLookup,
    LedgerUpgrade,
    Offer,
    OfferTerms,
    OpenOffer,
    Page,
    Party,
    PartyHistoryEntry,
    PartyRegistration,
    Payment,
    PaymentRecord,
    PaymentRecordPage,
    PaymentResult,
    Provenance,
    ProvenanceNode,
    Receivable,
    ReceivableRegistration,
    ReceivableSummary,
    RecordedPayment,
    RequestRecord,
    ScaleTier,
    ScaleTierIn,
    Statistics,
    TransferResult,
    UnspelledInvoice,
)
from ..money import Amount, rate_text, to_fen, to_yuan
from .errors import ReceivablesError, RuleViolation

__all__ = [
    "ReceivablesClient",
    "AsyncReceivablesClient",
    "CONTRACT_NAME",
    "new_request_id",
    "RACE_RETRY",
    "ReceivablesError",
    "RuleViolation",
    "READ_REFUSALS",
    "refuses_the_caller",
    "unless_refused_the_read",
    "ReceivablesEvent",
    "ReceivablesEvents",
    "AsyncReceivablesEvents",
    "EVENT_NAMES",
    "client_id_of",
    "Amount",
    "to_fen",
    "to_yuan",
    "rate_text",
    "STATUSES",
    "Document",
    "Action",
    "Party",
    "PartyHistoryEntry",
    "PartyRegistration",
    "Invoice",
    "InvoiceInput",
    "InvoiceLookup",
    "InvoiceAttestationRequest",
    "InvoiceAttestation",
    "ReceivableRegistration",
    "Receivable",
    "Payment",
    "FreezeOrder",
    "TransferResult",
    "Allocation",
    "PaymentResult",
    "RequestRecord",
    "FinancingTerms",
    "OfferTerms",
    "Financing",
    "FinancingView",
    "Offer",
    "AssignmentNotice",
    "ScaleTier",
    "ScaleTierIn",
    "DiscountOfferRequest",
    "DiscountOffer",
    "HistoryEntry",
    "IdentityParty",
    "ReceivableSummary",
    "ProvenanceNode",
    "Provenance",
    "Page",
    "Exposure",
    "Statistics",
    "PaymentRecord",
    "RecordedPayment",
    "PaymentRecordPage",
    "DiscountOfferPage",
    "FinancedClaim",
    "FinancierExposure",
    "OpenOffer",
    "LedgerUpgrade",
    "FingerprintCollision",
    "UnspelledInvoice",
]
