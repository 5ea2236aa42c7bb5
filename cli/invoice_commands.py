"""`recfin invoice ...`: verify, match and read invoices; register (needs the network).

Exit codes, the same for every command:

    0  passed: every check passed (skipped ones are listed), matched, or read with nothing flagged
    1  findings failed, the match is partial or unmatched, or fields are flagged for a person
    2  bad input: a file that cannot be read, a malformed field, a bad option
    3  something this command needs is missing: an OS tool (tesseract) or the network

The commands are thin: they parse options, call ``client.invoices`` and render.
"""

from __future__ import annotations

from contextlib import ExitStack, contextmanager
from datetime import date, datetime, timezone
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Callable, Iterator, TypeVar

import click

from client.invoices import (
    CheckOptions,
    Enterprise,
    FingerprintRegistry,
    InvoiceError,
    LedgerAnswerInvalid,
    LedgerRegistry,
    MalformedInput,
    MissingDependency,
    ReferenceBusinessRegistry,
    ReferenceCreditBureau,
    ReferenceTaxInvoiceVerifier,
    Tolerances,
    check_invoice,
    invoice_fingerprint,
    match_invoice,
    read_goods_receipt,
    read_invoice,
    read_purchase_order,
    read_scan,
    verify_with_sources,
)
from client.invoices._money import fen_to_text
from client.invoices.scan import DEFAULT_MIN_CONFIDENCE

from .output import emit, one_line

EXIT_PASS, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_MISSING = 0, 1, 2, 3

T = TypeVar("T")


class CommandError(click.ClickException):
    """One line on stderr and a chosen exit code."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def _call(fn: Callable[[], T]) -> T:
    try:
        return fn()
    except MalformedInput as exc:
        raise CommandError(one_line(exc), EXIT_BAD_INPUT) from None
    except MissingDependency as exc:
        raise CommandError(one_line(exc), EXIT_MISSING) from None
    except InvoiceError as exc:
        raise CommandError(one_line(exc), EXIT_BAD_INPUT) from None


def _emit_json(doc: Any) -> None:
    emit(doc, as_json=True)


_MARK = {"pass": "PASS", "fail": "FAIL", "skipped": "SKIP"}


def _parse_date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2026-09-01") from None


def _parse_decimal(_ctx: click.Context, _param: click.Parameter, value: str) -> Decimal:
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise click.BadParameter(f"{value!r} is not a number") from None
    if not number.is_finite() or number < 0:
        raise click.BadParameter(f"{value!r} must be a non-negative number")
    return number


@click.group("invoice")
def invoice() -> None:
    """Check e-invoices, match them to orders and receipts, read scans.

    Exit codes: 0 passed, 1 findings failed (or fields flagged), 2 bad input,
    3 a needed tool or the network is missing.
    """


@invoice.command("verify")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--debtor", metavar="CREDIT_CODE", help="the registered debtor the buyer must be")
@click.option("--debtor-name", metavar="NAME", help="the debtor's registered name (also compared)")
@click.option("--supplier", metavar="CREDIT_CODE", help="the registering supplier the seller must be")
@click.option("--supplier-name", metavar="NAME", help="the supplier's registered name (also compared)")
@click.option("--today", callback=_parse_date, metavar="YYYY-MM-DD", help="reference date (default: today, UTC)")
@click.option("--max-age-days", type=click.IntRange(min=1), default=365, show_default=True,
              help="oldest plausible issue date, in days before --today")
@click.option("--tolerance-fen", type=click.IntRange(min=0), default=1, show_default=True,
              help="rounding allowed between computed and printed amounts")
@click.option("--reference-sources", is_flag=True,
              help="also ask the reference tax, registry and credit sources (synthetic local data)")
@click.option("--ledger", is_flag=True,
              help="also ask the ledger whether the invoice already backs a receivable (FindInvoice; needs the network)")
@click.option("--org", default="supplier", show_default=True, help="with --ledger: org name or MSP ID to connect as")
@click.option("--user", help="with --ledger: user of the org (default: its first client user)")
@click.option("--data-root", type=click.Path(file_okay=False, path_type=Path),
              help="with --ledger: network data folder holding profiles/ (default: the topology's)")
@click.option("--json", "as_json", is_flag=True, help="print the report as JSON")
def verify(file: Path, debtor: str | None, debtor_name: str | None, supplier: str | None,
           supplier_name: str | None, today: date | None, max_age_days: int, tolerance_fen: int,
           reference_sources: bool, ledger: bool, org: str, user: str | None, data_root: Path | None,
           as_json: bool) -> None:
    """Check an e-invoice (XML or JSON) and report each named finding.

    The duplicate check against the ledger runs with --ledger (the org's user
    must act for a registered party); without it the finding is reported as
    skipped.
    """
    inv = _call(lambda: read_invoice(file))
    with _ledger_registry(ledger, org, user, data_root) as registry:
        options = CheckOptions(
            today=today or datetime.now(timezone.utc).date(),
            max_age_days=max_age_days,
            tolerance_fen=tolerance_fen,
            debtor=Enterprise(debtor, debtor_name) if debtor else None,
            supplier=Enterprise(supplier, supplier_name) if supplier else None,
            registry=registry,
        )
        report = check_invoice(inv, options)
    sources = None
    if reference_sources:
        sources = _call(lambda: verify_with_sources(inv, ReferenceTaxInvoiceVerifier(), ReferenceBusinessRegistry(),
                                                    ReferenceCreditBureau()))
    passed = report.ok and (sources is None or sources.ok)
    if as_json:
        doc: dict[str, Any] = {
            "file": str(file), "invoice_number": inv.number, "fingerprint": invoice_fingerprint(inv),
            "result": "pass" if passed else "fail",
            "findings": [f.model_dump(mode="json") for f in report.findings],
        }
        if sources is not None:
            doc["sources"] = {"findings": [f.model_dump(mode="json") for f in sources.findings],
                              "disagreements": [d.model_dump() for d in sources.disagreements]}
        _emit_json(doc)
    else:
        click.echo(f"invoice {inv.number}  {inv.seller.name} -> {inv.buyer.name}  "
                   f"{fen_to_text(inv.total_with_tax_fen)} {inv.currency}  issued {inv.issue_date}")
        findings = list(report.findings) + (list(sources.findings) if sources else [])
        for f in findings:
            click.echo(f"  {_MARK[f.status]}  {f.check:<24} {f.message}")
        for d in sources.disagreements if sources else ():
            said = "; ".join(f"{k}: {v}" for k, v in d.values.items())
            click.echo(f"  DISAGREE  {d.field:<20} {said}")
        counts = {s: sum(1 for f in findings if f.status == s) for s in ("pass", "fail", "skipped")}
        click.echo(f"{'PASSED' if passed else 'FAILED'}: {counts['pass']} passed, {counts['fail']} failed, "
                   f"{counts['skipped']} skipped")
    raise SystemExit(EXIT_PASS if passed else EXIT_FAILED)


@contextmanager
def _ledger_registry(wanted: bool, org: str, user: str | None, data_root: Path | None
                     ) -> Iterator[FingerprintRegistry | None]:
    """The ledger's fingerprint registry over a Gateway session of ``org``, or ``None`` without --ledger.

    A failure to connect or to ask exits 3 with one line: the duplicate check
    could not run, so the invoice must not be reported as passing it.
    """
    if not wanted:
        yield None
        return
    # imported here, so that the offline commands never need the network packages
    from client.gateway import GatewayError
    from client.receivables import CONTRACT_NAME
    from network.errors import NetworkError

    from . import connection

    failures = (GatewayError, NetworkError, LedgerAnswerInvalid, OSError, ValueError)

    def asking(fn: Callable[[], T]) -> T:
        try:
            return fn()
        except failures as exc:
            raise CommandError(f"cannot ask the ledger: {connection.describe(exc)}", EXIT_MISSING) from None

    class Registry:
        def __init__(self, inner: LedgerRegistry) -> None:
            self.inner = inner

        def receivable_for(self, fingerprint: str):
            return asking(lambda: self.inner.receivable_for(fingerprint))

    with ExitStack() as stack:
        session = asking(lambda: stack.enter_context(connection.open_session(org, user, data_root)))
        contract = asking(lambda: session.gateway.get_network(session.profile.channel)
                          .get_contract(session.profile.chaincode, CONTRACT_NAME))
        yield Registry(LedgerRegistry(contract))


@invoice.command("match")
@click.argument("invoice_file", metavar="INVOICE", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--po", "po_file", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="purchase order export (CSV or JSON)")
@click.option("--receipt", "receipt_file", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="goods receipt export (CSV or JSON)")
@click.option("--price-tolerance", default="0.005", show_default=True, callback=_parse_decimal,
              help="unit price difference allowed, as a fraction of the PO price")
@click.option("--quantity-tolerance", default="0", show_default=True, callback=_parse_decimal,
              help="quantity difference allowed, as a fraction")
@click.option("--total-tolerance-fen", type=click.IntRange(min=0), default=100, show_default=True,
              help="difference allowed between the invoice amount and the PO value, in fen")
@click.option("--json", "as_json", is_flag=True, help="print the result as JSON")
def match(invoice_file: Path, po_file: Path, receipt_file: Path, price_tolerance: Decimal,
          quantity_tolerance: Decimal, total_tolerance_fen: int, as_json: bool) -> None:
    """Three-way match an invoice against a purchase order and a goods receipt."""
    inv = _call(lambda: read_invoice(invoice_file))
    po = _call(lambda: read_purchase_order(po_file))
    gr = _call(lambda: read_goods_receipt(receipt_file))
    result = match_invoice(inv, po, gr, Tolerances(quantity_rel=quantity_tolerance, price_rel=price_tolerance,
                                                   total_fen=total_tolerance_fen))
    if as_json:
        _emit_json(result.model_dump(mode="json"))
    else:
        click.echo(f"invoice {inv.number} / PO {po.number} / receipt {gr.number}: {result.status}")
        for line in result.lines:
            where = f"PO line {line.po_line}" if line.po_line else "no PO line"
            if line.po_line:
                where += f", receipt line {line.receipt_line}" if line.receipt_line else ", not received"
            click.echo(f"  {line.status.upper():<9} {line.invoice_line}. {line.item} ({where})")
            for problem in line.problems:
                click.echo(f"            - {problem}")
        for problem in result.problems:
            click.echo(f"  TOTAL     {problem}")
        if result.not_invoiced_po_lines:
            click.echo(f"  PO lines not on this invoice: {', '.join(result.not_invoiced_po_lines)}")
        counts = {s: sum(1 for l in result.lines if l.status == s) for s in ("matched", "partial", "unmatched")}
        click.echo(f"{result.status.upper()}: {counts['matched']} matched, {counts['partial']} partially matched, "
                   f"{counts['unmatched']} unmatched")
    raise SystemExit(EXIT_PASS if result.ok else EXIT_FAILED)


@invoice.command("read")
@click.argument("scan", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--min-confidence", type=click.FloatRange(0, 1), default=DEFAULT_MIN_CONFIDENCE, show_default=True,
              help="fields read with less confidence are flagged for a person")
@click.option("--json", "as_json", is_flag=True, help="print the fields and the invoice as JSON")
def read(scan: Path, min_confidence: float, as_json: bool) -> None:
    """Read a PDF or scanned invoice (OCR: tesseract, Chinese and English).

    Every field comes with a confidence; flagged fields need a person's eyes.
    """
    result = _call(lambda: read_scan(scan, min_confidence=min_confidence))
    if as_json:
        doc = result.model_dump(mode="json")
        doc["flagged"] = result.flagged
        _emit_json(doc)
    else:
        click.echo(f"{scan} read by {result.method}")
        for name, f in result.fields.items():
            mark = "CHECK" if f.flagged else "ok   "
            reason = f"  <- {f.reason}" if f.reason else ""
            click.echo(f"  {mark} {name:<16} {f.confidence:4.2f}  {f.value if f.value is not None else '-'}{reason}")
        if result.ok:
            click.echo("READ: every field read with confidence")
        else:
            click.echo(f"NEEDS REVIEW: {len(result.flagged)} field(s) flagged"
                       + ("" if result.invoice else "; the invoice is incomplete"))
    raise SystemExit(EXIT_PASS if result.ok else EXIT_FAILED)


@invoice.command("register")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--as", "identity", required=True, metavar="SUPPLIER/USER", help="the supplier org and user to act as")
def register(file: Path, identity: str) -> None:
    """Register a receivable backed by an invoice (needs the network)."""
    if "/" not in identity:
        raise CommandError(f"--as {identity!r}: expected SUPPLIER/USER, e.g. supplier1/alice", EXIT_BAD_INPUT)
    inv = _call(lambda: read_invoice(file))
    raise CommandError(
        f"cannot register invoice {inv.number} as {identity}: registering needs a running Fabric network and the "
        "Gateway client wired into this command, and this build has neither; `recfin invoice verify` and "
        "`recfin invoice match` work offline",
        EXIT_MISSING,
    )
