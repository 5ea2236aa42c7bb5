"""Invoice verification attestations: a checking party signs what the data sources said about an invoice.

An attestation says "invoice X (fingerprint F), with buyer B, dated D, for T
with tax, was verified against sources S, with outcome R; the evidence
document has digest D", and the ledger adds who attested (party, role, MSP)
and when: the transaction timestamp. The submitting client sets that timestamp
when it builds the proposal; the endorsing peers only check that it lies within
a window of their own clocks (Fabric's ``peer.authentication.timewindow``, 15
minutes by default), so it is the time the attester's client chose, trusted to
within that window. The evidence itself stays off the ledger; anyone holding the document
can hash it and compare.

Attestations are never changed or deleted: a later check (an invoice voided or
red-flushed after it was first verified) is a new attestation. When
``NetworkConfig.require_attestation`` is on, registration asks
:func:`registration_problem` about each invoice: the newest attestation of
each attester whose role still attests counts, none may fail, and one must
pass, naming every source in ``attestation_sources`` and the values the
registration gives the invoice (buyer, date, amount + tax).
"""

from __future__ import annotations

from . import fingerprint, money
from .config import NetworkConfig
from .errors import RuleViolation, rule
from .model import Action, Invoice, InvoiceAttestation, InvoiceAttestationRequest, Party


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


def standing(config: NetworkConfig,
             attestations: list[InvoiceAttestation]) -> tuple[list[InvoiceAttestation], list[InvoiceAttestation]]:
    """What each checker says now: the newest attestation of each attester (the input is oldest first), split
    into those of roles in ``config.attesting_roles`` and those of roles the network no longer lets attest
    (a new chaincode definition may have taken a role off the list; what its parties signed no longer counts)."""
    newest: dict[str, InvoiceAttestation] = {}
    for a in attestations:
        newest[a.attester] = a
    counted = [a for a in newest.values() if a.attester_role in config.attesting_roles]
    ignored = [a for a in newest.values() if a.attester_role not in config.attesting_roles]
    return counted, ignored


def value_differences(a: InvoiceAttestation, invoice: Invoice) -> list[str]:
    """How the values ``a`` verified differ from the invoice a registration gives (empty: they are the same)."""
    differ = []
    if a.total_with_tax != invoice.amount + invoice.tax:
        differ.append(f"total with tax {money.yuan(a.total_with_tax)} (registered: "
                      f"{money.yuan(invoice.amount + invoice.tax)})")
    if a.issue_date != invoice.date:
        differ.append(f"date {a.issue_date} (registered: {invoice.date})")
    if a.buyer_tax_id != invoice.buyer_tax_id:
        differ.append(f"buyer {a.buyer_tax_id} (registered: {invoice.buyer_tax_id})")
    return differ


def _not_counted(ignored: list[InvoiceAttestation]) -> str:
    if not ignored:
        return ""
    roles = ", ".join(sorted({a.attester_role for a in ignored}))
    return (f"; not counted: {len(ignored)} attestation(s) by a {roles}, a role this network no longer lets attest "
            f"(attesting_roles)")


def registration_problem(config: NetworkConfig, invoice: Invoice,
                         attestations: list[InvoiceAttestation]) -> RuleViolation | None:
    """Why an invoice may not back a registration under ``require_attestation``, or None when it may."""
    counted, ignored = standing(config, attestations)
    named = f"invoice {invoice.number} (fingerprint {invoice.fingerprint[:12]}…)"
    for a in counted:
        if a.outcome == "fail":
            return rule("invoice-verification-failed", f"{named} was attested as failing verification by "
                        f"{a.attester} in transaction {a.attested.tx_id}: settle the discrepancy with the tax "
                        "authority, then have that party verify and attest it again")
    required = set(config.attestation_sources)
    passing = [a for a in counted if a.outcome == "pass" and required <= set(a.sources)]
    if any(not value_differences(a, invoice) for a in passing):
        return None
    if passing:
        differ = "; ".join(f"{a.attester} (transaction {a.attested.tx_id}) verified "
                           f"{', '.join(value_differences(a, invoice))}" for a in passing)
        return rule("invoice-attested-values-differ", f"{named} was attested as passing verification, but not with "
                    f"the values this registration gives it: {differ}{_not_counted(ignored)}. Register the invoice "
                    "as it was verified, or have it verified and attested again (recfin invoice attest)")
    sources = f" naming the sources {', '.join(sorted(required))}" if required else ""
    return rule("invoice-not-attested", f"{named} has no passing verification attestation{sources}, and this network "
                f"requires one{_not_counted(ignored)}: ask a {' or '.join(config.attesting_roles)} to verify it and "
                "attest the result (recfin invoice attest), then register again")
