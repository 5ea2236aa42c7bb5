"""Standard interfaces to external data sources, reference providers, and cross-source verification.

Three kinds of source, one small typed interface each:

- :class:`TaxInvoiceVerifier` -- the tax authority's invoice verification (发票查验):
  does the invoice exist, with which parties and amount, is it normal, void or red-flushed;
- :class:`BusinessRegistry` -- the enterprise registry (工商登记): name and status of a credit code;
- :class:`CreditBureau` -- a credit bureau (征信): rating and overdue history of a credit code.

The reference providers read local files under ``reference_data/`` (synthetic
data, made up for the project) so the platform runs without outside access. A
real provider implements the same Protocol; nothing else changes.

:func:`verify_with_sources` asks every source given and reports, as findings,
what each says; where sources (or the invoice) disagree on a field, it lists
a :class:`Disagreement` with every source's value rather than choosing one.
:func:`attestation` turns the result into the canonical document and digest
that can later be attested on the ledger.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict, ValidationError

from client.user_files import UnreadableFile, read_user_text

from .checks import normalise_name
from .errors import MalformedInput
from .fingerprint import invoice_fingerprint
from .model import Finding, Invoice

REFERENCE_DATA = Path(__file__).with_name("reference_data")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class TaxInvoiceRecord(_Frozen):
    number: str
    seller_tax_id: str
    seller_name: str
    buyer_tax_id: str
    buyer_name: str
    issue_date: date
    total_with_tax_fen: int
    status: Literal["normal", "void", "red-flushed"]


class RegistryRecord(_Frozen):
    credit_code: str
    name: str
    status: Literal["active", "deregistered", "revoked"]
    established: date | None = None


class CreditRecord(_Frozen):
    credit_code: str
    rating: str
    overdue_count: int
    as_of: date


class TaxInvoiceVerifier(Protocol):
    source: str

    def lookup_invoice(self, number: str, seller_tax_id: str) -> TaxInvoiceRecord | None: ...


class BusinessRegistry(Protocol):
    source: str

    def lookup_enterprise(self, credit_code: str) -> RegistryRecord | None: ...


class CreditBureau(Protocol):
    source: str

    def lookup_credit(self, credit_code: str) -> CreditRecord | None: ...


# --- reference providers over local files ----------------------------------------

def _load_json(path: Path) -> list[dict]:
    try:
        doc = json.loads(read_user_text(path))
    except UnreadableFile as exc:
        raise MalformedInput(str(path), None, exc.problem) from None
    except json.JSONDecodeError as exc:
        raise MalformedInput(str(path), None, f"invalid JSON at line {exc.lineno}: {exc.msg}") from None
    records = doc.get("records") if isinstance(doc, dict) else None
    if not isinstance(records, list):
        raise MalformedInput(str(path), "records", "missing or not a list")
    return records


def _typed(model, rows: list[dict], path: Path) -> list:
    out = []
    for i, row in enumerate(rows):
        try:
            out.append(model.model_validate(row))
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first["loc"])
            raise MalformedInput(str(path), f"records[{i}].{field}", first["msg"]) from None
    return out


class ReferenceTaxInvoiceVerifier:
    """Tax invoice verification from ``tax_invoices.json`` (synthetic)."""

    source = "reference-tax"

    def __init__(self, path: Path | None = None) -> None:
        path = path or REFERENCE_DATA / "tax_invoices.json"
        self._records = {(r.number, r.seller_tax_id): r for r in _typed(TaxInvoiceRecord, _load_json(path), path)}

    def lookup_invoice(self, number: str, seller_tax_id: str) -> TaxInvoiceRecord | None:
        return self._records.get((number, seller_tax_id))


class ReferenceBusinessRegistry:
    """Business registry from ``business_registry.csv`` (synthetic)."""

    source = "reference-registry"

    def __init__(self, path: Path | None = None) -> None:
        path = path or REFERENCE_DATA / "business_registry.csv"
        try:
            text = read_user_text(path)
        except UnreadableFile as exc:
            raise MalformedInput(str(path), None, exc.problem) from None
        rows = [{k: (v or None) for k, v in row.items()} for row in csv.DictReader(io.StringIO(text))]
        self._records = {r.credit_code: r for r in _typed(RegistryRecord, rows, path)}

    def lookup_enterprise(self, credit_code: str) -> RegistryRecord | None:
        return self._records.get(credit_code)


class ReferenceCreditBureau:
    """Credit bureau from ``credit_bureau.json`` (synthetic)."""

    source = "reference-credit"

    def __init__(self, path: Path | None = None) -> None:
        path = path or REFERENCE_DATA / "credit_bureau.json"
        self._records = {r.credit_code: r for r in _typed(CreditRecord, _load_json(path), path)}

    def lookup_credit(self, credit_code: str) -> CreditRecord | None:
        return self._records.get(credit_code)


# --- verification across sources --------------------------------------------------

class Disagreement(_Frozen):
    """One field on which the invoice and the sources do not all say the same."""

    field: str
    values: dict[str, str]


class SourceVerification(_Frozen):
    invoice_number: str
    fingerprint: str
    sources: tuple[str, ...]
    findings: tuple[Finding, ...]
    disagreements: tuple[Disagreement, ...]

    @property
    def ok(self) -> bool:
        return not self.disagreements and all(f.status != "fail" for f in self.findings)


def verify_with_sources(invoice: Invoice, tax: TaxInvoiceVerifier | None = None,
                        registry: BusinessRegistry | None = None,
                        bureau: CreditBureau | None = None) -> SourceVerification:
    """Ask each source given about the invoice and its parties; nothing is hidden."""
    findings: list[Finding] = []
    said: dict[str, dict[str, str]] = {
        "seller.name": {"invoice": invoice.seller.name},
        "buyer.name": {"invoice": invoice.buyer.name},
    }
    used: list[str] = []
    if tax is not None:
        used.append(tax.source)
        record = tax.lookup_invoice(invoice.number, invoice.seller.tax_id)
        if record is None:
            findings.append(Finding(check="source.tax.found", status="fail",
                                    message=f"{tax.source}: no such invoice from seller {invoice.seller.tax_id}"))
        else:
            findings.append(Finding(check="source.tax.found", status="pass", message=f"{tax.source}: invoice found"))
            findings.append(Finding(check="source.tax.status", status="pass" if record.status == "normal" else "fail",
                                    message=f"{tax.source}: invoice is {record.status}"))
            said["seller.name"][tax.source] = record.seller_name
            said["buyer.name"][tax.source] = record.buyer_name
            for field, ours, theirs in (
                ("buyer.tax_id", invoice.buyer.tax_id, record.buyer_tax_id),
                ("issue_date", invoice.issue_date.isoformat(), record.issue_date.isoformat()),
                ("total_with_tax_fen", str(invoice.total_with_tax_fen), str(record.total_with_tax_fen)),
            ):
                said.setdefault(field, {"invoice": ours})[tax.source] = theirs
    else:
        findings.append(Finding(check="source.tax.found", status="skipped", message="no tax invoice verifier given"))
    if registry is not None:
        used.append(registry.source)
        for side, party in (("seller", invoice.seller), ("buyer", invoice.buyer)):
            record = registry.lookup_enterprise(party.tax_id)
            check = f"source.registry.{side}"
            if record is None:
                findings.append(Finding(check=check, status="fail",
                                        message=f"{registry.source}: no enterprise {party.tax_id}"))
                continue
            said[f"{side}.name"][registry.source] = record.name
            findings.append(Finding(check=check, status="pass" if record.status == "active" else "fail",
                                    message=f"{registry.source}: {record.name} is {record.status}",
                                    details={"credit_code": record.credit_code, "status": record.status}))
            findings.append(_established(registry.source, side, record, invoice.issue_date))
    else:
        findings.append(Finding(check="source.registry.seller", status="skipped", message="no business registry given"))
    if bureau is not None:
        used.append(bureau.source)
        record = bureau.lookup_credit(invoice.buyer.tax_id)
        if record is None:
            findings.append(Finding(check="source.credit.debtor", status="skipped",
                                    message=f"{bureau.source}: no credit record for {invoice.buyer.tax_id}"))
        else:
            findings.append(Finding(check="source.credit.debtor", status="pass",
                                    message=f"{bureau.source}: rating {record.rating}, "
                                            f"{record.overdue_count} overdue as of {record.as_of}",
                                    details=record.model_dump(mode="json")))
    disagreements = []
    for field, values in said.items():
        distinct = {normalise_name(v) if field.endswith(".name") else v for v in values.values()}
        if len(values) > 1 and len(distinct) > 1:
            disagreements.append(Disagreement(field=field, values=values))
    return SourceVerification(invoice_number=invoice.number, fingerprint=invoice_fingerprint(invoice),
                              sources=tuple(used), findings=tuple(findings), disagreements=tuple(disagreements))


def _established(source: str, side: str, record: RegistryRecord, issued: date) -> Finding:
    """An enterprise cannot have issued or received an invoice dated before it was established."""
    check = f"source.registry.{side}.established"
    if record.established is None:
        return Finding(check=check, status="skipped", message=f"{source}: no establishment date for {record.name}")
    before = issued < record.established
    return Finding(check=check, status="fail" if before else "pass",
                   message=(f"{source}: the invoice is dated {issued}, before {record.name} was established on "
                            f"{record.established}" if before else
                            f"{source}: {record.name} was established on {record.established}, before the invoice"),
                   details={"established": record.established.isoformat(), "issue_date": issued.isoformat()})


class Attestation(_Frozen):
    """The document to attest on the ledger, and its SHA-256 digest (hex)."""

    document: dict
    digest: str


def attestation(result: SourceVerification, attested_at: datetime | None = None) -> Attestation:
    """The canonical attestation of a verification (keys sorted, compact, UTF-8, then SHA-256).

    Putting it on the ledger needs the network and is not done here.
    """
    when = (attested_at or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(microsecond=0)
    document = {
        "kind": "recfin.invoice-verification/1",
        "invoice_number": result.invoice_number,
        "fingerprint": result.fingerprint,
        "sources": list(result.sources),
        "outcome": "pass" if result.ok else "fail",
        "findings": [{"check": f.check, "status": f.status, "message": f.message} for f in result.findings],
        "disagreements": [d.model_dump() for d in result.disagreements],
        "attested_at": when.isoformat().replace("+00:00", "Z"),
    }
    digest = hashlib.sha256(json.dumps(document, sort_keys=True, separators=(",", ":"),
                                       ensure_ascii=False).encode("utf-8")).hexdigest()
    return Attestation(document=document, digest=digest)
