"""Invoices: read e-invoices and scans into one model, check them, match them, verify them.

Integrators import from here::

    from client.invoices import read_invoice, check_invoice, CheckOptions

- :func:`read_invoice` / :func:`parse_invoice` -- fully digitalised e-invoice XML, its JSON twin, recfin JSON
- :func:`read_scan` -- PDF text layer, or OCR of an image / image-only PDF, with per-field confidence
  (:func:`read_scans`: each invoice of a file that holds several)
- :func:`check_invoice` -- the named checks (totals, tax, check digits, dates, parties, duplicates)
- :func:`match_invoice` -- three-way match against a purchase order and a goods receipt
- :func:`registration_from_match` -- a receivable registration from a matched invoice that passes its checks
  (:func:`registration_from_documents`: matching the invoice, the order and the receipt itself, once)
- :func:`verify_with_sources` -- tax authority, business registry and credit bureau, disagreements shown
- :func:`invoice_fingerprint` -- the fingerprint the ledger keys invoices by
- :class:`LedgerRegistry` -- the ledger's fingerprint registry (``FindInvoice``) over the Fabric Gateway
- :func:`client.invoices.attest.attest_verification` -- a verification attested on the ledger, in one call
  (imported from its module: it needs the receivables SDK and the gateway)
"""

from .checks import CheckOptions, Enterprise, FingerprintRegistry, InMemoryRegistry, InvoiceUse, check_invoice
from .credit_code import check_tax_id, credit_code_check_digit, is_valid_credit_code
from .errors import (InvoiceError, LedgerAnswerInvalid, MalformedInput, MissingDependency, SourceUnavailable,
                     UnsupportedFormat)
from .fingerprint import fingerprint_of, invoice_fingerprint
from .ledger import InvoiceLookup, LedgerRegistry
from .matching import (
    GoodsReceipt,
    MatchResult,
    PurchaseOrder,
    Tolerances,
    evidence_hash,
    match_invoice,
    read_goods_receipt,
    read_purchase_order,
)
from .model import Finding, Invoice, InvoiceLine, Party, Report, UnreviewedField
from .parse import invoice_to_json, parse_invoice, read_invoice
from .register import (
    ChecksFailed,
    NotMatched,
    NotReviewed,
    ReceivableRegistrar,
    ReceivableRegistration,
    registration_from_documents,
    registration_from_match,
)
from .scan import FieldReading, ScanResult, read_scan, read_scans
from .sources import (
    BusinessRegistry,
    CreditBureau,
    ReferenceBusinessRegistry,
    ReferenceCreditBureau,
    ReferenceTaxInvoiceVerifier,
    SourceVerification,
    TaxInvoiceVerifier,
    attestation,
    verify_with_sources,
)

__all__ = [
    "BusinessRegistry", "CheckOptions", "ChecksFailed", "CreditBureau", "Enterprise", "FieldReading", "Finding",
    "FingerprintRegistry", "GoodsReceipt", "InMemoryRegistry", "Invoice", "InvoiceError", "InvoiceLine",
    "InvoiceLookup", "InvoiceUse", "LedgerAnswerInvalid", "LedgerRegistry", "MalformedInput", "MatchResult", "MissingDependency", "NotMatched", "NotReviewed", "Party",
    "PurchaseOrder", "ReceivableRegistrar", "ReceivableRegistration", "ReferenceBusinessRegistry",
    "ReferenceCreditBureau", "ReferenceTaxInvoiceVerifier", "Report", "ScanResult", "SourceUnavailable",
    "SourceVerification",
    "TaxInvoiceVerifier", "Tolerances", "UnreviewedField", "UnsupportedFormat", "attestation", "check_invoice", "check_tax_id",
    "credit_code_check_digit", "evidence_hash", "fingerprint_of", "invoice_fingerprint", "invoice_to_json",
    "is_valid_credit_code", "match_invoice", "parse_invoice", "read_goods_receipt", "read_invoice",
    "read_purchase_order", "read_scan", "read_scans", "registration_from_documents", "registration_from_match",
    "verify_with_sources",
]
