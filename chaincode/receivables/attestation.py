"""Invoice verification attestations: a checking party signs what the data sources said about an invoice.

An attestation says "invoice X (fingerprint F) was verified against sources S,
with outcome R; the evidence document has digest D", and the ledger adds who
attested (party, role, MSP) and when: the transaction timestamp, never the
attester's clock. The evidence itself stays off the ledger; anyone holding the
document can hash it and compare.

Attestations are never changed or deleted: a later check (an invoice voided or
red-flushed after it was first verified) is a new attestation. When
``NetworkConfig.require_attestation`` is on, registration asks
:func:`registration_problem` about each invoice: the newest attestation of
each attester counts, one of them must pass (naming every source in
``attestation_sources``), and none may fail.
"""

from __future__ import annotations

from . import fingerprint
from .config import NetworkConfig
from .errors import RuleViolation, rule
from .model import Action, InvoiceAttestation, InvoiceAttestationRequest, Party


def checked_fingerprint(req: InvoiceAttestationRequest) -> str:
    """The fingerprint the contract computes from the invoice's identity; it must be the one attested."""
    if (why := fingerprint.identity_problem(req.code, req.number)) is not None:
        raise rule("invoice-code-invalid", why)
    fp = fingerprint.invoice_fingerprint(req.seller_tax_id, req.code, req.number)
    if fp != req.fingerprint:
        raise rule("fingerprint-mismatch", f"invoice {req.number} of seller {req.seller_tax_id} has fingerprint {fp}, "
                   f"not {req.fingerprint}: compute it as sha256({fingerprint.VERSION}|seller tax id|code|number) "
                   "and verify that invoice again")
    return fp


def new_attestation(req: InvoiceAttestationRequest, attester: Party, attestation_id: str,
                    attested: Action) -> InvoiceAttestation:
    checked_fingerprint(req)
    return InvoiceAttestation(**req.model_dump(), id=attestation_id, attester=attester.uscc,
                              attester_role=attester.role, attested=attested)


def standing(attestations: list[InvoiceAttestation]) -> list[InvoiceAttestation]:
    """The newest attestation of each attester (the input is oldest first): what each checker says now."""
    newest: dict[str, InvoiceAttestation] = {}
    for a in attestations:
        newest[a.attester] = a
    return list(newest.values())


def registration_problem(config: NetworkConfig, invoice_number: str, fp: str,
                         attestations: list[InvoiceAttestation]) -> RuleViolation | None:
    """Why an invoice may not back a registration under ``require_attestation``, or None when it may."""
    current = standing(attestations)
    for a in current:
        if a.outcome == "fail":
            return rule("invoice-verification-failed", f"invoice {invoice_number} (fingerprint {fp[:12]}…) was attested "
                        f"as failing verification by {a.attester} in transaction {a.attested.tx_id}: settle the "
                        "discrepancy with the tax authority, then have that party verify and attest it again")
    required = set(config.attestation_sources)
    if not any(a.outcome == "pass" and required <= set(a.sources) for a in current):
        sources = f" naming the sources {', '.join(sorted(required))}" if required else ""
        return rule("invoice-not-attested", f"invoice {invoice_number} (fingerprint {fp[:12]}…) has no passing "
                    f"verification attestation{sources}, and this network requires one: ask a "
                    f"{' or '.join(config.attesting_roles)} to verify it and attest the result "
                    "(recfin invoice attest), then register again")
    return None
