"""`recfin invoice ...`: verify, match and read invoices; attest verifications and register (need the network).

Exit codes, the same for every command:

    0  passed: every check passed (skipped ones are listed), matched, read with nothing flagged, or done
    1  findings failed, the match is partial or unmatched, fields are flagged for a person (or a scan read as one
       invoice holds several), a failing verification was attested, or the ledger refused the call (the rule is
       named)
    2  bad input: a file that cannot be read, a malformed field, a bad option
    3  something this command needs is missing: an OS tool (tesseract) or the network, or the ledger's
       answer to attest/register was lost after the call was sent, or could not be read once it committed
       (the line names the request id), or attest's evidence file could not be written once the attestation
       committed (the document is printed)

The commands are thin: they parse options, call ``client.invoices`` and render.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import threading
from contextlib import ExitStack, contextmanager
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Sequence, TypeVar

import click

# the reading read_scan gives a file of several invoices, made here from the readings --each also prints, so that
# the file is read once
from client.atomic_file import check_output_file, staged_file, write_atomically
from client.invoice_limits import (DEFAULT_MAX_AGE_DAYS, DEFAULT_MAX_CREDIT_AGE_DAYS, DEFAULT_MIN_CONFIDENCE,
                                   TAX_DEVICE_TAX_TOLERANCE_FEN)
from client.money import MAX_FEN, AboveCap, plain_yuan, to_fen
from network.errors import NetworkError, shell_word

from . import connection, progress
from .amounts import money
from .options import DATE, FractionType, OutputFileType, PathType, WholeNumberRange, business_today, credit_code_option
from .output import display_width, emit, on_one_line, one_line, paper_identity_text, read_json_file
from .regulator_commands import note_passed_over
from .request_ids import (AnswerLost, Terminated, committed_unread, exactly_once, exactly_once_naming_its_id,
                          request_get_command, request_id_option)

if TYPE_CHECKING:
    from client.invoices import ChecksFailed, Enterprise, Finding, FingerprintRegistry, Invoice, ScanResult

EXIT_PASS, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_MISSING = 0, 1, 2, 3

T = TypeVar("T")


class CommandError(click.ClickException):
    """One line on stderr and a chosen exit code."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class Refused(CommandError):
    """The contract refused the call by one of its rules (exit 1): proven to have written nothing."""

    def __init__(self, message: str) -> None:
        super().__init__(message, EXIT_FAILED)


def _call(fn: Callable[[], T]) -> T:
    from client.invoices import InvoiceError, MalformedInput, MissingDependency, SourceUnavailable

    try:
        return fn()
    except MalformedInput as exc:
        raise CommandError(one_line(exc), EXIT_BAD_INPUT) from None
    except (MissingDependency, SourceUnavailable) as exc:   # something needed is not there: not the input's fault
        raise CommandError(one_line(exc), EXIT_MISSING) from None
    except InvoiceError as exc:
        raise CommandError(one_line(exc), EXIT_BAD_INPUT) from None


def _emit_json(doc: Any) -> None:
    emit(doc, as_json=True)


_MARK = {"pass": "PASS", "fail": "FAIL", "skipped": "SKIP"}


def _print_findings(findings: Sequence[Finding], disagreements: Sequence[Any],
                    note: Callable[[Finding], str] = lambda finding: "") -> None:
    """verify's and attest's findings, then the sources' disagreements, one a line: the check (or field) in a column
    as wide as the longest one, as table() sizes its columns, so a long name (source.registry.seller.established)
    does not push its message out of line with the others'. ``note`` adds to a finding's message."""
    width = max((len(f.check) for f in findings), default=0)
    for f in findings:
        click.echo(f"  {_MARK[f.status]}  {f.check:<{width}} {on_one_line(f.message)}{note(f)}")
    fields = [on_one_line(d.field) for d in disagreements]
    width = max(map(display_width, fields), default=0)
    for field, d in zip(fields, disagreements):
        said = "; ".join(f"{on_one_line(k)}: {on_one_line(v)}" for k, v in d.values.items())
        click.echo(f"  DISAGREE  {field}{' ' * (width - display_width(field))} {said}")


# verify passes an invoice whose line tax it could not check (taxed on the difference, no deduction given), and
# lists the line as skipped; a registration refuses it (tax_left_unchecked), which the line says, so that a PASSED
# verify is not taken for a registrable invoice
_REGISTRATION_REFUSES_UNCHECKED = "recfin invoice register refuses the invoice until this tax can be checked"


def _finding_json(inv: Invoice, finding: Finding) -> dict[str, Any]:
    """A finding of verify's report as --json prints it. A line.tax left unchecked says, as its text line does, that
    a registration refuses the invoice for it: "registration": "refused", and why in "registration_reason"."""
    from client.invoices.register import tax_left_unchecked

    doc = finding.model_dump(mode="json")
    if tax_left_unchecked(inv, finding):
        doc["registration"] = "refused"
        doc["registration_reason"] = f"a receivable needs every line's tax checked: {_REGISTRATION_REFUSES_UNCHECKED}"
    return doc


# The invoice reader's bounds and defaults, read from its modules when a value is checked or the help shown: they
# load pydantic and the contract's models, which defining the commands has no need of.
def _fraction_problem(number: Decimal) -> str | None:
    from client.invoices.matching import fraction_problem

    return fraction_problem(number)


def _max_export_bytes() -> int:
    from client.invoices.matching import MAX_EXPORT_BYTES

    return MAX_EXPORT_BYTES


def _max_scan_bytes() -> int:
    from client.invoices.scan import MAX_SCAN_BYTES

    return MAX_SCAN_BYTES


def _scan_too_large_advice() -> str:
    from client.invoices.scan import SCAN_TOO_LARGE_ADVICE

    return SCAN_TOO_LARGE_ADVICE


def _max_age_days_option(before: str):
    """--max-age-days of verify and register: how old an invoice may be and pass date.plausible."""
    return click.option("--max-age-days", type=WholeNumberRange(min=1), default=DEFAULT_MAX_AGE_DAYS, show_default=True,
                        help=f"oldest plausible issue date (date.plausible), in days before {before}")


def _max_credit_age_days_option(before: str):
    """--max-credit-age-days of the commands that ask the credit bureau: how old its record of the debtor may be and
    pass source.credit.current."""
    return click.option("--max-credit-age-days", type=WholeNumberRange(min=0), default=DEFAULT_MAX_CREDIT_AGE_DAYS,
                        show_default=True,
                        help=f"oldest credit bureau record of the debtor taken as its standing now "
                             f"(source.credit.current), in days before {before}; an older one fails: ask the bureau "
                             "for a current report")


# a tolerance or a confidence: held to the digits of the figures it is compared with (fraction_problem)
_FRACTION = FractionType(_fraction_problem, example="0.005")


_TOLERANCE_HELP = ("rounding allowed per line between computed and printed money (quantity x price, amount x rate)"
                   "{limit} [default: by the invoice: a line's tax may be 6 fen off on an invoice with an 8-digit "
                   "number and a code, issued by a tax-control device, 1 fen on a fully digitalised one; quantity "
                   "x price 1 fen]")


# verify may look further (how far off is a figure?); a registration allows no more than the device rule
_VERIFY_TOLERANCE = click.option("--tolerance-fen", type=WholeNumberRange(min=0), default=None, metavar="FEN",
                                 help=_TOLERANCE_HELP.format(limit=""))
_REGISTER_TOLERANCE = click.option(
    "--tolerance-fen", type=WholeNumberRange(min=0, max=TAX_DEVICE_TAX_TOLERANCE_FEN), default=None, metavar="FEN",
    help=_TOLERANCE_HELP.format(limit=f", 0 to {TAX_DEVICE_TAX_TOLERANCE_FEN} (the tax-control device's rule: a "
                                      "figure further off is wrong, not rounded)"))


def _within_the_amount_cap(_ctx: click.Context, _param: click.Parameter, fen: int) -> int:
    """--total-tolerance-fen held to the cap of the amounts the ledger takes (``to_fen``'s): no two of them differ by
    more, so a tolerance as wide already lets every total through, and a wider one (40 digits) is a typo, printed
    in full in every line that names the tolerance."""
    try:
        return to_fen(fen)
    except AboveCap as exc:
        raise click.BadParameter(f"{exc} (no two amounts the ledger takes differ by more, so a tolerance up to the "
                                 "cap already lets every total through)") from None


_PART_OF_DELIVERY = click.option(
    "--part-of-delivery", is_flag=True,
    help="the invoice is one of several for one delivery: an invoice for less than the whole receipt (a line "
         "invoicing less than was received, \"invoiced 100 of 200 received\", or receipt lines it leaves out) "
         "matches as a part of it; a quantity above the received one, a price above the PO's (by half a fen or more "
         "over the line), is no match")

# an empty --debtor or --supplier (an unset shell variable) is refused, not read as left out, which skips the check;
# one typed in lower case is the code in capitals, as the party commands read it
_party_code_given = credit_code_option("to skip the check", capitals_read=True)


def _party_name_given(_ctx: click.Context, param: click.Parameter, name: str | None) -> str | None:
    """--debtor-name/--supplier-name: a blank one (an unset shell variable) would be compared as the party's name
    and fail every invoice against it; refused as an empty --debtor is."""
    if name is not None and not name.strip():
        raise click.BadParameter(f"{name!r} is blank: give the party's registered name, or leave {param.opts[0]} out "
                                 "to compare the credit code alone")
    return name


@click.group("invoice")
def invoice() -> None:
    """Check e-invoices, match them to orders and receipts, read scans; attest and register on the ledger.

    Exit codes: 0 passed, 1 findings failed (or fields flagged, or the ledger
    refused the call), 2 bad input, 3 a needed tool or the network is missing,
    or `attest` and `register` sent the call and it may have committed (its
    answer lost: the line names the --request-id to run them again with) or
    did (an attestation whose evidence could not be written: the line says
    so); 130 stopped by Ctrl-C (143 SIGTERM, 129 SIGHUP), the line naming the
    request id where the call was sent.

    \b
    Example:
      recfin invoice verify client/invoices/reference_data/samples/einvoice.xml --today 2026-11-30
      recfin invoice attest invoice.xml --as bank/officer1 --evidence invoice.evidence.json
    """


@invoice.command("verify")
@click.argument("file", type=PathType(dir_okay=False, path_type=Path, reads=True))
@click.option("--debtor", metavar="CREDIT_CODE", callback=_party_code_given,
              help="the registered debtor the buyer must be (read in capitals, as GB 32100-2015 writes it)")
@click.option("--debtor-name", metavar="NAME", callback=_party_name_given,
              help="the debtor's registered name, also compared (with --debtor)")
@click.option("--supplier", metavar="CREDIT_CODE", callback=_party_code_given,
              help="the registering supplier the seller must be (read in capitals)")
@click.option("--supplier-name", metavar="NAME", callback=_party_name_given,
              help="the supplier's registered name, also compared (with --supplier)")
@click.option("--today", type=DATE, help="reference date (default: today in China Standard Time, as the ledger dates)")
@_max_age_days_option("--today")
@_VERIFY_TOLERANCE
@click.option("--reference-sources", is_flag=True,
              help="also ask the reference tax, registry and credit sources (synthetic local data)")
@_max_credit_age_days_option("--today (with --reference-sources)")
@click.option("--ledger", is_flag=True,
              help="also ask the ledger whether the invoice already backs a receivable (FindInvoice; needs the network)")
@click.option("--as", "as_", metavar="ORG[/USER]",
              help="with --ledger: who asks, an org (name or MSP ID) and optionally a user of its profile "
                   "[default: supplier, its first client user]")
@click.option("--org", hidden=True, help="Alias: the ORG of --as.")
@click.option("--user", hidden=True, help="Alias: the USER of --as.")
@click.option("--data-root", type=PathType(file_okay=False, path_type=Path),
              help="with --ledger: network data folder holding profiles/ (default: the topology's)")
@connection.call_timeout_option()
@click.option("--json", "as_json", is_flag=True, help="print the report as JSON")
def verify(file: Path, debtor: str | None, debtor_name: str | None, supplier: str | None,
           supplier_name: str | None, today: date | None, max_age_days: int, tolerance_fen: int | None,
           reference_sources: bool, max_credit_age_days: int, ledger: bool, as_: str | None, org: str | None,
           user: str | None, data_root: Path | None, as_json: bool) -> None:
    """Check an e-invoice (XML or JSON) and report each named finding.

    The duplicate check against the ledger runs with --ledger (the org's user
    must act for a registered party); without it the finding is reported as
    skipped.

    A line of an invoice taxed on the difference (差额征税) that gives no
    deduction (扣除额) and whose tax is below amount x rate has its tax
    reported as skipped: it cannot be checked.
    Such an invoice may pass here, but recfin invoice register refuses it,
    as the skipped line says (with --json, its finding has "registration":
    "refused" and why in "registration_reason").

    A red-letter (negative) invoice fails totals.positive naming the invoice
    it offsets, where its remark names one (with --json, "offsets": its
    number, code and fingerprint): a claim that invoice backs is owed that
    much less. With --ledger, offsets.ledger says which receivable the
    invoice it offsets backs, live or settled, or that it backs none.

    The examples read the shipped samples from the repository root; the
    first checks as of a day the reference credit record (of 2026-08-31) is
    current on; the second needs the network; the third allows a line's
    figures to be 3 fen off (the default is chosen by the invoice, see
    --tolerance-fen).

    \b
    Example:
      recfin invoice verify client/invoices/reference_data/samples/einvoice.xml --today 2026-09-10 \\
        --debtor 91440300MA5F7KQ3XU --supplier 91440300MA5G2HT8LX --reference-sources --json
      recfin invoice verify client/invoices/reference_data/samples/einvoice.xml \\
        --ledger --as supplier/supplier1 --json
      recfin invoice verify client/invoices/reference_data/samples/einvoice.xml --today 2026-11-30 \\
        --tolerance-fen 3
    """
    from client.invoices import (CheckOptions, ReferenceBusinessRegistry, ReferenceCreditBureau,
                                 ReferenceTaxInvoiceVerifier, check_invoice, invoice_fingerprint, read_invoice,
                                 verify_with_sources)
    from client.invoices.checks import offset_identity
    from client.invoices.register import tax_left_unchecked

    debtor_party = _registered_party("--debtor", debtor, debtor_name)
    supplier_party = _registered_party("--supplier", supplier, supplier_name)
    _only_with_ledger(ledger, {"--as": as_, "--org": org, "--user": user, "--data-root": data_root})
    inv = _call(lambda: read_invoice(file))
    with _ledger_registry(ledger, as_, org, user, data_root) as registry:
        options = CheckOptions(
            today=today or business_today(),
            max_age_days=max_age_days,
            tolerance_fen=tolerance_fen,
            debtor=debtor_party,
            supplier=supplier_party,
            registry=registry,
        )
        report = check_invoice(inv, options)
    sources = None
    if reference_sources:
        sources = _call(lambda: verify_with_sources(inv, ReferenceTaxInvoiceVerifier(), ReferenceBusinessRegistry(),
                                                    ReferenceCreditBureau(), today=options.today,
                                                    max_credit_age_days=max_credit_age_days))
    passed = report.ok and (sources is None or sources.ok)
    findings = list(report.findings) + (list(sources.findings) if sources else [])
    disagreements = list(sources.disagreements) if sources else []
    # a disagreement between sources fails the verification by itself: counted, so the summary says why
    counts = {s: sum(1 for f in findings if f.status == s) for s in ("pass", "fail", "skipped")}
    counts["disagreements"] = len(disagreements)
    if as_json:
        doc: dict[str, Any] = {
            "file": str(file), "invoice_number": inv.number, "fingerprint": invoice_fingerprint(inv),
            **_paper_identity_json(inv),
            # the invoice a red-letter invoice offsets, and its fingerprint: a claim it backs is owed that much less
            **({"offsets": offset_identity(inv)} if inv.original_number else {}),
            "result": "pass" if passed else "fail",
            "counts": {"passed": counts["pass"], "failed": counts["fail"], "skipped": counts["skipped"],
                       "disagreements": counts["disagreements"]},
            "findings": [_finding_json(inv, f) for f in report.findings],
        }
        if sources is not None:
            doc["sources"] = {"findings": [f.model_dump(mode="json") for f in sources.findings],
                              "disagreements": [d.model_dump() for d in sources.disagreements]}
        _emit_json(doc)
    else:
        # the invoice's text, and the findings that quote it, each on its own line: a name holding a line break or a
        # terminal escape would otherwise print a PASSED line of its own, or hide the FAIL lines after it
        click.echo(f"invoice {on_one_line(inv.number)}{paper_identity_text(inv)}  "
                   f"{on_one_line(inv.seller.name)} -> "
                   f"{on_one_line(inv.buyer.name)}  {plain_yuan(inv.total_with_tax_fen)} {on_one_line(inv.currency)}  "
                   f"issued {inv.issue_date}")
        _print_findings(findings, disagreements,
                        lambda f: f"; {_REGISTRATION_REFUSES_UNCHECKED}" if tax_left_unchecked(inv, f) else "")
        disagreed = counts["disagreements"]
        click.echo(f"{'PASSED' if passed else 'FAILED'}: {counts['pass']} passed, {counts['fail']} failed, "
                   f"{counts['skipped']} skipped"
                   + (f", {disagreed} disagreement{'' if disagreed == 1 else 's'}" if disagreed else ""))
    raise SystemExit(EXIT_PASS if passed else EXIT_FAILED)


def _paper_identity_json(inv: Invoice) -> dict[str, str]:
    """The paper identity of an invoice delivered on paper and its fingerprint, for a --json document naming the
    invoice; nothing for any other invoice, whose document stays as it was."""
    from client.invoices.fingerprint import fingerprint_of

    if not inv.paper_code:
        return {}
    return {"paper_code": inv.paper_code, "paper_number": inv.paper_number,
            "paper_fingerprint": fingerprint_of(inv.seller.tax_id, inv.paper_code, inv.paper_number)}


def _registered_party(option: str, credit_code: str | None, name: str | None) -> Enterprise | None:
    """The party ``--debtor``/``--supplier`` (and its ``-name``) name, or None when neither is given. The check
    compares the invoice's party by credit code first and then by name, so a name alone is a usage error rather
    than a check silently skipped."""
    from client.invoices import Enterprise

    if name is not None and credit_code is None:
        raise CommandError(f"{option}-name needs {option} CREDIT_CODE: the party is checked by its credit code, and "
                           "its name is compared as well", EXIT_BAD_INPUT)
    return Enterprise(credit_code, name) if credit_code is not None else None


def _only_with_ledger(ledger: bool, given: dict[str, object]) -> None:
    """Who asks the ledger and where are options of --ledger: without it nothing is asked, so one given alone is a
    usage error rather than silently ignored (the user meant the duplicate check to run)."""
    named = [option for option, value in given.items() if value is not None]
    if named and not ledger:
        raise click.UsageError(f"{' and '.join(named)} {'are' if len(named) > 1 else 'is'} only for --ledger (who "
                               f"asks the ledger, and where its connection profiles are), and without it nothing "
                               f"asks: add --ledger to check the ledger for the invoice, or drop {' and '.join(named)}")


@contextmanager
def _ledger_registry(wanted: bool, as_: str | None, org: str | None, user: str | None, data_root: Path | None
                     ) -> Iterator[FingerprintRegistry | None]:
    """The ledger's fingerprint registry over a Gateway session as ``--as`` (or ``--org``/``--user``),
    or ``None`` without --ledger.

    A failure to connect or to ask exits 3 with one line: the duplicate check
    could not run, so the invoice must not be reported as passing it.
    """
    from client.gateway import GatewayError
    from client.invoices import LedgerAnswerInvalid, LedgerRegistry
    from client.receivables import CONTRACT_NAME

    if not wanted:
        yield None
        return
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

    who_org, who_user = connection.caller(as_, org, user, "supplier")
    with ExitStack() as stack:
        session = asking(lambda: stack.enter_context(connection.open_session(who_org, who_user, data_root)))
        contract = asking(lambda: progress.reporting_waits(   # says what it waits for when slow
            session.gateway.get_network(session.profile.channel).get_contract(session.profile.chaincode,
                                                                              CONTRACT_NAME)))
        yield Registry(LedgerRegistry(contract))


# an order's or a receipt's export: refused past the size its reader takes (MAX_EXPORT_BYTES), naming the
# option, before anything reads it
_EXPORT_FILE = PathType(dir_okay=False, path_type=Path, reads=True, max_bytes=_max_export_bytes)


@invoice.command("match")
@click.argument("invoice_file", metavar="INVOICE", type=PathType(dir_okay=False, path_type=Path, reads=True))
@click.option("--po", "po_file", required=True, type=_EXPORT_FILE,
              help="purchase order export (CSV or JSON, at most 8 MiB)")
@click.option("--receipt", "receipt_file", required=True, type=_EXPORT_FILE,
              help="goods receipt export (CSV or JSON, at most 8 MiB)")
@click.option("--price-tolerance", default="0.005", show_default=True, type=_FRACTION,
              help="unit price difference allowed, as a fraction of the PO price")
@click.option("--quantity-tolerance", default="0", show_default=True, type=_FRACTION,
              help="quantity difference allowed, as a fraction")
@click.option("--total-tolerance-fen", type=WholeNumberRange(min=0), callback=_within_the_amount_cap, default=100,
              show_default=True,
              help=f"difference allowed between the invoice amount and the PO value, and between the sum of the "
                   f"invoice's lines and its total amount, in fen, at most {MAX_FEN} (the cap of the amounts the "
                   f"ledger takes)")
@_PART_OF_DELIVERY
@click.option("--json", "as_json", is_flag=True, help="print the result as JSON")
def match(invoice_file: Path, po_file: Path, receipt_file: Path, price_tolerance: Decimal,
          quantity_tolerance: Decimal, total_tolerance_fen: int, part_of_delivery: bool, as_json: bool) -> None:
    """Three-way match an invoice against a purchase order and a goods receipt.

    Lines pair by item name (else item code: such a line prints the code and
    both names under it); quantities and prices compare per item, within the
    tolerances. A line naming the same PO and receipt lines as an earlier
    one, more than one of either (one item on many lines), names that line
    instead of listing them again (with --json, lines_as_on_line in place
    of po_lines and receipt_lines). With --part-of-delivery, an invoice for
    less than the whole receipt (one of several invoices for a delivery)
    matches, each line below its received quantity saying what it invoiced
    of what was received, and a last line gives the invoice's amount and
    the receipt's whole value (each received quantity at its PO line's
    price), both without tax, which recfin invoice register
    --part-of-delivery registers (a receipt worth more than the ledger
    takes is refused, exit 2); no quantity above the received one and no
    price above the PO's (by half a fen or more over the line: the PO's
    price printed to more places is that price) is then within tolerance.
    Without it, the match is
    of the whole receipt: an invoice below a received quantity, or leaving
    out receipt lines that received goods, is partial (exit 1), the lines
    left out printed as a DOCUMENT problem.
    Where the invoice, the order and the receipt give units (a unit, 单位 or
    计量单位 column) that differ, the line is partial, naming them. Where the order or the receipt gives a currency
    (a currency, 币种 or 货币 column) other than the invoice's, the match is
    partial (exit 1), printed as a DOCUMENT problem.

    The example reads the shipped samples from the repository root.

    \b
    Example:
      recfin invoice match client/invoices/reference_data/samples/einvoice.xml \\
        --po client/invoices/reference_data/samples/purchase_order.csv \\
        --receipt client/invoices/reference_data/samples/goods_receipt.csv --json
    """
    from client.invoices import Tolerances, match_invoice, read_goods_receipt, read_invoice, read_purchase_order

    inv = _call(lambda: read_invoice(invoice_file))
    po = _call(lambda: read_purchase_order(po_file))
    gr = _call(lambda: read_goods_receipt(receipt_file))
    tolerances = Tolerances(quantity_rel=quantity_tolerance, price_rel=price_tolerance, total_fen=total_tolerance_fen)
    result = _call(lambda: match_invoice(inv, po, gr, tolerances, part_of_delivery=part_of_delivery))
    named_before = _lines_named_before(result.lines)
    if as_json:
        _emit_json(_match_json(result, named_before))
    else:
        # every name and number from the three files, and the problems that quote them, each on its own line (see
        # verify)
        click.echo(f"invoice {on_one_line(inv.number)} / PO {on_one_line(po.number)} / receipt "
                   f"{on_one_line(gr.number)}: {result.status}")
        for line in result.lines:
            if line.invoice_line in named_before:
                where = f"PO and receipt lines as line {named_before[line.invoice_line]}"
            else:
                po_lines = " + ".join(map(on_one_line, line.po_lines))
                receipt_lines = " + ".join(map(on_one_line, line.receipt_lines))
                where = f"PO line {po_lines}" if po_lines else "no PO line"
                if po_lines:
                    where += f", receipt line {receipt_lines}" if receipt_lines else ", not received"
            if line.discount_of is not None:
                where = f"discount on line {line.discount_of}; {where}"
            click.echo(f"  {line.status.upper():<9} {line.invoice_line}. {on_one_line(line.item)} ({where})")
            if line.part_of_delivery:
                click.echo(f"            part of the delivery: {on_one_line(line.part_of_delivery)}")
            if line.units_converted:   # "converted to the order's unit, kg: ..."
                click.echo(f"            units {on_one_line(line.units_converted)}")
            if line.paired_by_code:    # the invoice's name and the order's differ: both shown
                click.echo(f"            {on_one_line(line.paired_by_code)}")
            for problem in line.problems:
                click.echo(f"            - {on_one_line(problem)}")
        for problem in result.problems:   # of the documents as wholes: totals, currencies, which PO a receipt is for
            click.echo(f"  DOCUMENT  {on_one_line(problem)}")
        if result.not_invoiced_po_lines:
            click.echo(f"  PO lines not on this invoice: {', '.join(map(on_one_line, result.not_invoiced_po_lines))}")
        counts = {s: sum(1 for l in result.lines if l.status == s) for s in ("matched", "partial", "unmatched")}
        documents = f", {len(result.problems)} document problem{'s' * (len(result.problems) > 1)}" \
            if result.problems else ""
        click.echo(f"{result.status.upper()}: {counts['matched']} matched, {counts['partial']} partially matched, "
                   f"{counts['unmatched']} unmatched{documents}")
        if result.part is not None:
            click.echo(f"PART OF THE DELIVERY: invoiced {plain_yuan(result.part.invoiced_fen)} of "
                       f"{plain_yuan(result.part.received_fen)} received (without tax)")
    raise SystemExit(EXIT_PASS if result.ok else EXIT_FAILED)


@invoice.command("read")
@click.argument("scan", type=PathType(dir_okay=False, path_type=Path, reads=True, max_bytes=_max_scan_bytes,
                                      too_large_advice=_scan_too_large_advice))
@click.option("--min-confidence", default=str(DEFAULT_MIN_CONFIDENCE),
              show_default=True, type=_FRACTION,
              help="fields read with less confidence (0 to 1) are flagged for a person; a file --invoice-out "
                   "writes below the default is refused by verify, match and register until a person has checked "
                   "every field and deleted its \"min_confidence\" entry")
@click.option("--each", is_flag=True,
              help="read every invoice the file holds (a PDF of a month's invoices, two invoices on one page) and "
                   "print each, in the order printed (--json: a list); exit 0 only when every one is read with "
                   "nothing flagged")
@click.option("--invoice-out", type=OutputFileType(path_type=Path),
              help="also write the invoice read as recfin invoice JSON (what verify, match and register read) to "
                   "this file, its flagged fields listed under \"unreviewed\": verify, match and register refuse "
                   "it until they are checked against the scan, corrected, and that entry deleted. With --each, one "
                   "file "
                   "per invoice, named by the invoice's place in the file: invoice.json gives invoice-1.json, "
                   "invoice-2.json, ... (a place is always there and never shared, where a number may be misread "
                   "or printed by two sellers)")
@click.option("--replace", is_flag=True,
              help="write over a file already at --invoice-out (with --each, at any of its files); without it "
                   "one is refused, as it may hold a person's corrections of an earlier reading (without "
                   "--invoice-out, refused: there is nothing to write over)")
@click.option("--no-image-check", "image_check", flag_value=False, default=True,
              help="do not read by OCR the images covering half a page or more of a PDF whose text layer is read "
                   "(seconds a page): its number, date, tax ids and totals are then flagged as not compared with "
                   "what the page shows")
@click.option("--json", "as_json", is_flag=True, help="print the fields and the invoice as JSON")
def read(scan: Path, min_confidence: Decimal, each: bool, invoice_out: Path | None, replace: bool,
         image_check: bool, as_json: bool) -> None:
    """Read a PDF or scanned invoice (OCR: tesseract, Chinese and English).

    Every field comes with a confidence; flagged fields need a person's eyes.
    A page scanned on its side or upside down is turned upright and read (a
    "turned" note, not flagged). Without tesseract's osd data a page that
    reads as no invoice is read as scanned (a "not_turned" note, not flagged,
    naming the pages: one of the invoice scanned turned would be missing). Both
    notes come first among the fields. Pages after the one printing the
    invoice's total with tax (a letter, a statement of account) are not read
    into it: a "pages_after" note names them, flagged where one prints item
    rows (a list of goods, whose rows are not counted) or the invoice's remark
    may go on there (unread). A scan with no invoice text either way
    (blank, askew by more than 20 degrees, too small or blurred, or not an invoice) gives that one reason
    and exits 2.
    With --invoice-out the invoice goes on to `invoice verify`, `match` and
    `register`; its flagged fields are listed in the file under "unreviewed",
    and those commands refuse it until a person has checked them against the
    scan, corrected them and deleted that entry. The file records the
    --min-confidence used: one below the default flagged no field read with
    less, and those commands refuse it until a person has checked every field
    and deleted its "min_confidence" entry. An incomplete reading writes
    nothing. A file already at --invoice-out (with --each, at any of its
    files) is refused (exit 2), nothing written, unless --replace: it may
    hold a person's corrections of an earlier reading. A file of more than
    50 pages (or frames) to read by OCR is refused (exit 2): split it.
    Stopped by SIGTERM, the command stops
    tesseract, removes the page images it wrote for it and exits 143.

    A file is read as one invoice. Where it holds several, none is read
    (exit 1) and each is named with its pages: split the file into one file
    per invoice, or read them all with --each.

    A PDF read from its text layer whose page is half or more covered by
    images (a picture of the page, which may print another invoice than its
    text says) has those images read by OCR too, a few seconds a page: its
    number, date, tax ids and totals are flagged, both readings given, where
    the picture prints them otherwise. --no-image-check skips that and flags
    those fields as not compared.

    The examples read the shipped sample (a PDF with a text layer) from the
    repository root; the third reads each invoice of a file, as a list, and
    the fourth writes each to a file of its own: invoice-1.json, ...

    \b
    Example:
      recfin invoice read client/invoices/reference_data/samples/einvoice.pdf --min-confidence 0.8 --json
      recfin invoice read client/invoices/reference_data/samples/einvoice.pdf --invoice-out invoice.json
      recfin invoice read client/invoices/reference_data/samples/einvoice.pdf --each --json
      recfin invoice read client/invoices/reference_data/samples/einvoice.pdf --each --invoice-out invoice.json
    """
    from client.invoices import read_scans

    if replace and invoice_out is None:
        raise CommandError("--replace needs --invoice-out FILE: it lets the reading write over the file there; "
                           "without --invoice-out nothing is written", EXIT_BAD_INPUT)
    if invoice_out is not None:    # with --each, the first file's (each one's name is known once the file is read)
        _refuse_invoice_out(scan, _each_invoice_path(invoice_out, 1) if each and invoice_out.name else invoice_out,
                            replace)
    with _sigterm_exits():
        results = _call(lambda: read_scans(scan, min_confidence=float(min_confidence), image_check=image_check))
    if results[0].no_invoice_text:
        raise SystemExit(_no_invoice_text(results[0], each, as_json))
    if each:
        raise SystemExit(_read_each(scan, results, invoice_out, replace, min_confidence, as_json))
    if len(results) > 1:
        raise SystemExit(_several_invoices(scan, results, invoice_out, as_json))
    [result] = results
    if invoice_out is not None:
        _write_invoice_read(result, invoice_out, min_confidence)
    if as_json:
        _emit_json(_reading_json(result))
    else:
        click.echo(f"{scan} read by {result.method}")
        _print_reading(result)
    raise SystemExit(_reading_exit_code(result))


def _lines_named_before(lines: Sequence[Any]) -> dict[int, int]:
    """The invoice lines that name the same PO lines and receipt lines as an earlier one, more than one of either,
    each with that earlier line's number: the lines of one item (on thousands of invoice lines) are compared with
    the same thousands of PO and receipt lines, and listed again for each, the output grew with the square of their
    count (2,000 lines printed 52 MB, 124 MB as JSON). Such a line names them by the first line that lists them."""
    first_of: dict[tuple[tuple[str, ...], tuple[str, ...]], int] = {}
    named_before = {}
    for line in lines:
        if len(line.po_lines) > 1 or len(line.receipt_lines) > 1:
            first = first_of.setdefault((line.po_lines, line.receipt_lines), line.invoice_line)
            if first != line.invoice_line:
                named_before[line.invoice_line] = first
    return named_before


def _match_json(result: Any, named_before: dict[int, int]) -> dict[str, Any]:
    """The match as JSON: a line of :func:`_lines_named_before` gives ``lines_as_on_line``, the invoice line whose
    ``po_lines`` and ``receipt_lines`` are its own, in their place; every line keeps ``po_line`` and
    ``receipt_line``."""
    doc = result.model_dump(mode="json", exclude={"lines"})
    lines = []
    for line in result.lines:
        if line.invoice_line in named_before:
            dumped = line.model_dump(mode="json", exclude={"po_lines", "receipt_lines"})
            dumped["lines_as_on_line"] = named_before[line.invoice_line]
        else:
            dumped = line.model_dump(mode="json")
        lines.append(dumped)
    return {**doc, "lines": lines}


EXIT_TERMINATED = 128 + signal.SIGTERM   # what a shell reports for a process SIGTERM ended


@contextmanager
def _sigterm_exits() -> Iterator[None]:
    """SIGTERM (timeout(1), systemd stopping a unit, a CI job cancelled) raised as SystemExit while a scan is read:
    by default it ends the process at once, and the page images OCR writes to a temporary folder for tesseract,
    copies of the invoice, were left behind; raised, each folder is removed as its reading unwinds, and a tesseract
    running is stopped. Python takes signal handlers in the main thread alone: elsewhere, nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def exit_terminated(signum, frame):
        click.echo("Error: terminated (SIGTERM) while reading the scan", err=True)
        raise SystemExit(EXIT_TERMINATED)

    previous = signal.signal(signal.SIGTERM, exit_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _no_invoice_text(result: ScanResult, each: bool, as_json: bool) -> int:
    """A file whose pages hold no invoice text (blank, askew past 20 degrees, too small or blurred, or no invoice):
    no field of an invoice to review, so the one reason and what to do, as for a file that cannot be read (exit 2);
    --json prints the reading, the reason its one field ``invoice_text`` (with --each, a list of it). No
    --invoice-out is written: there is no invoice, which the reason says."""
    if not as_json:
        raise CommandError(result.no_invoice_text, EXIT_BAD_INPUT)
    _emit_json([_reading_json(result)] if each else _reading_json(result))
    return EXIT_BAD_INPUT


def _reading_exit_code(result: ScanResult) -> int:
    return EXIT_PASS if result.ok else EXIT_FAILED


def _reading_json(result: ScanResult) -> dict[str, Any]:
    doc = result.model_dump(mode="json")
    doc["flagged"] = result.flagged
    return doc


def _read_below_the_default(result: ScanResult) -> bool:
    """The reading's fields were flagged below a confidence under the default, as it recorded it (the float the
    readers of its file compare), so that no field of it is known to be right."""
    threshold = result.invoice.min_confidence if result.invoice is not None else None
    return threshold is not None and threshold < DEFAULT_MIN_CONFIDENCE


def _print_reading(result: ScanResult, indent: str = "") -> None:
    """Each field with its confidence, then a line saying whether a person must look; ``indent`` sets an
    invoice of --each apart from the line that sums up the file."""
    width = max(map(len, result.fields), default=0)
    for name, f in result.fields.items():
        mark = "CHECK" if f.flagged else "ok   "
        reason = f"  <- {f.reason}" if f.reason else ""
        click.echo(f"{indent}  {mark} {name:<{width}} {f.confidence:4.2f}  "
                   f"{f.value if f.value is not None else '-'}{reason}")
    if result.ok and _read_below_the_default(result):
        # nothing flagged only because the bar was lowered: no field is known to be right, and what the reading
        # writes is refused until a person has checked each one
        click.echo(f"{indent}READ below the default confidence ({result.invoice.min_confidence:.2f} < "
                   f"{DEFAULT_MIN_CONFIDENCE:.2f}): no field flagged, but a person must check every field before "
                   f"verify, match and register take it")
    elif result.ok:
        click.echo(f"{indent}READ: every field read with confidence")
    else:
        click.echo(f"{indent}NEEDS REVIEW: {len(result.flagged)} field(s) flagged"
                   + ("" if result.invoice else "; the invoice is incomplete"))


def _invoice_named(result: ScanResult) -> str:
    """An invoice of a file of several, as a person finds it in the file: its number, seller and pages."""
    from client.invoices.scan import pages_text

    number, seller = result.fields["number"].value, result.fields["seller.name"].value
    return (f"{number or 'number not read'}{f' of {seller}' if seller else ''} on "
            f"{pages_text(result.pages)}")


def _several_invoices(scan: Path, results: list[ScanResult], invoice_out: Path | None, as_json: bool) -> int:
    """A file of several invoices read without --each: none of them is the file's invoice, so each is named with
    its pages and nothing is written (exit 1, a person splits the file or reads it again with --each). --json
    prints what ``read_scan`` returns: the first's fields, no invoice, and the flagged field ``invoices``."""
    from client.invoices.scan import first_of_several

    if invoice_out is not None:
        click.echo(f"{invoice_out} not written: {scan} holds {len(results)} invoices, and a file is read as one "
                   f"invoice: with --each, --invoice-out writes one file per invoice "
                   f"({_each_invoice_path(invoice_out, 1)}, ...); or split the file", err=True)
    if as_json:
        _emit_json(_reading_json(first_of_several(results)))
    else:
        click.echo(f"{scan} read by {results[0].method}: the file holds {len(results)} invoices, and a file is read "
                   "as one invoice, so none was read")
        for place, result in enumerate(results, start=1):
            click.echo(f"  {place}. {_invoice_named(result)}")
        click.echo(f"NEEDS REVIEW: split the file into one file per invoice, or read each with "
                   f"`recfin invoice read {shell_word(scan)} --each`")
    return EXIT_FAILED


def _read_each(scan: Path, results: list[ScanResult], invoice_out: Path | None, replace: bool,
               min_confidence: Decimal, as_json: bool) -> int:
    """--each: every invoice of the file, in the order printed (--json a list, one reading each); the exit code is
    the worst of theirs. --invoice-out writes each invoice to its own file (:func:`_each_invoice_path`)."""
    if invoice_out is not None:
        paths = [_each_invoice_path(invoice_out, place) for place in range(1, len(results) + 1)]
        for path in paths:      # all of them before any is written: no file is half the answer
            _refuse_invoice_out(scan, path, replace)
        for place, (result, path) in enumerate(zip(results, paths), start=1):
            _write_invoice_read(result, path, min_confidence, f"invoice {place} of {len(results)}")
    if as_json:
        _emit_json([_reading_json(result) for result in results])
    else:
        click.echo(f"{scan} read by {results[0].method}: {len(results)} invoice(s)")
        for place, result in enumerate(results, start=1):
            click.echo(f"invoice {place} of {len(results)}: {_invoice_named(result)}")
            _print_reading(result, indent="  ")
        flagged = [str(place) for place, result in enumerate(results, start=1) if not result.ok]
        if flagged:
            click.echo(f"NEEDS REVIEW: {len(flagged)} of {len(results)} invoice(s) with fields flagged: invoice "
                       f"{', '.join(flagged)}")
        elif any(_read_below_the_default(result) for result in results):
            click.echo(f"READ below the default confidence: {len(results)} invoice(s), no field flagged, but a "
                       f"person must check every field before verify, match and register take them")
        else:
            click.echo(f"READ: {len(results)} invoice(s), every field of each read with confidence")
    return max(_reading_exit_code(result) for result in results)


def _each_invoice_path(invoice_out: Path, place: int) -> Path:
    """Where --each --invoice-out writes the invoice at ``place`` (from 1) in the file: ``invoice.json`` gives
    ``invoice-1.json``. By place, not number: a number may be misread, unread, or the same on two sellers'
    invoices, and two invoices must never go to one file."""
    return invoice_out.with_name(f"{invoice_out.stem}-{place}{invoice_out.suffix}")


def _refuse_invoice_out(scan: Path, invoice_out: Path, replace: bool) -> None:
    """Before anything is written: --invoice-out must not be the scan, nor lead to a device, FIFO or folder (a
    regular file would replace it), nor be in a missing folder (a mistyped one is not made); nor, without
    --replace, be a file already there, which may be an earlier reading a person has since corrected."""
    if os.path.exists(scan) and os.path.exists(invoice_out) and os.path.samefile(scan, invoice_out):
        raise CommandError(f"--invoice-out {invoice_out} is the scan being read: give another file, or the scan is "
                           "lost", EXIT_BAD_INPUT)
    problem = check_output_file(invoice_out)
    if problem is not None:
        raise CommandError(f"--invoice-out {invoice_out}: {problem}", EXIT_BAD_INPUT)
    if os.path.exists(invoice_out) and not replace:
        raise CommandError(f"--invoice-out {invoice_out} exists: it may hold a person's corrections of an earlier "
                           "reading; nothing was written: give another file, or --replace to write over it",
                           EXIT_BAD_INPUT)


def _write_invoice_read(result: ScanResult, path: Path, min_confidence: Decimal, which: str | None = None) -> None:
    """The invoice a reading produced, as recfin invoice JSON, so the checks and registration take it; a
    reading with fields missing has no invoice, and writing part of one would pass for the whole. Fields flagged
    go into the file's ``unreviewed`` list (each field and why), which every reader refuses until a person has
    checked them and deleted the entry. The file records the ``min_confidence`` the fields were flagged below: one
    under the default flagged none read with less, and every reader refuses it until a person has checked every
    field and deleted that entry. ``which`` names the invoice among several (--each)."""
    from client.invoices import invoice_to_json
    from client.invoices.parse import LOW_CONFIDENCE_ADVICE, UNREVIEWED_ADVICE

    if result.invoice is None:
        click.echo(f"{path} not written: the reading{f' of {which}' if which else ''} is incomplete "
                   f"({len(result.flagged)} field(s) flagged)", err=True)
        return
    try:
        write_atomically(path, json.dumps(invoice_to_json(result.invoice), ensure_ascii=False, indent=2) + "\n")
    except OSError as exc:
        raise CommandError(f"cannot write {path}: {exc.strerror or exc}", EXIT_BAD_INPUT) from None
    flagged = (f"; it lists the {len(result.flagged)} flagged field(s) under \"unreviewed\", and verify, match and "
               f"register refuse it until you {UNREVIEWED_ADVICE}" if result.invoice.unreviewed else "")
    # the threshold the reading recorded, as the readers of the file will compare it: a --min-confidence within
    # float rounding of the default is recorded as the default, and the file then is not refused for it
    below = (f"; read with --min-confidence {min_confidence}, below the default {DEFAULT_MIN_CONFIDENCE:.2f}, it "
             f"flags no field read with less, and verify, match and register refuse it until you "
             f"{LOW_CONFIDENCE_ADVICE}" if _read_below_the_default(result) else "")
    click.echo(f"{which or 'invoice'} written to {path}{flagged}{below}", err=True)


# ------------------------------------------------------------------ on the ledger

@contextmanager
def _ledger_session(identity: str, data_root: Path | None) -> Iterator[Any]:
    """A Gateway session as ``ORG[/USER]``. A contract refusal exits 1 naming the rule (:class:`Refused`); an
    answer this client cannot read, a network, profile or gateway failure exits 3 with one line."""
    from client.gateway import GatewayError
    from client.receivables import RuleViolation, UnreadableAnswer

    org, user = connection.parse_as(identity)
    try:
        with connection.open_session(org, user, data_root) as session:
            yield session
    except RuleViolation as exc:
        raise Refused(connection.describe(exc)) from None
    except UnreadableAnswer as exc:   # the ledger was reached: it answered in a shape this client does not know
        raise CommandError(connection.describe(exc), EXIT_MISSING) from None
    except (GatewayError, NetworkError, OSError, ValueError) as exc:
        raise CommandError(f"cannot reach the ledger as {on_one_line(identity)}: {connection.describe(exc)}",
                           EXIT_MISSING) from None


def _as_option(role: str, example: str):
    # checked as the command line is read: before the invoice is read, or any evidence file written for the call
    return click.option("--as", "identity", required=True, metavar="ORG[/USER]", callback=connection.names_a_caller,
                        help=f"who acts: {role} org (name or MSP ID) and optionally a user of its profile, "
                             f"e.g. {example}")


_DATA_ROOT = click.option("--data-root", type=PathType(file_okay=False, path_type=Path),
                          help="network data folder holding profiles/ (default: the topology's)")


def _evidence_path(_ctx: click.Context, _param: click.Parameter, value: str | None) -> Path | None:
    """--evidence as a path to a file, named through no '..': refused (exit 2, before the invoice is read) where it
    ends in no file name ('.', '..', a trailing '/'), has a '..' part, or has a file (or a link to nothing) on its
    way, under which no folder is made. Through '..' the folders checked before sending,
    made by the write and removed after a refusal are not the ones the path names (``newdir/../e.json`` needs
    ``newdir``, and a walk up ``a/b/..`` never reaches ``a/b``): an attestation could commit, then find its
    evidence unwritable, or leave folders behind."""
    if value is None:
        return None
    parts = value.split(os.sep)
    example = "e.g. evidence/invoice.evidence.json; nothing was attested"
    if ".." in parts:
        raise click.BadParameter(f"{value!r} goes through '..': name the evidence file's folder without '..' (its "
                                 f"folders are checked, made and removed by name), {example}")
    if parts[-1] in ("", "."):
        raise click.BadParameter(f"{value!r} names a folder, not a file: end it with the evidence file's name, "
                                 f"{example}")
    # a file on the way is refused before the invoice is read and verified; the rest of what the write needs is
    # checked once it is known whether a retry sends a file already there (which is not written again)
    if (problem := _not_a_folder_on_the_way(Path(value))) is not None:
        raise click.BadParameter(f"{problem}; nothing was attested: give another --evidence path")
    return Path(value)


@invoice.command("attest")
@click.argument("file", type=PathType(dir_okay=False, path_type=Path, reads=True))
@_as_option("a bank's", "bank/officer1")
@click.option("--evidence", "evidence_file", type=OutputFileType(path_type=str),
              callback=_evidence_path,
              help="also write the evidence document (the verification the ledger holds the digest of) here, "
                   "as the bytes that digest is taken of (canonical JSON: sha256sum FILE prints it), "
                   "once the attestation committed or its answer was lost; with --request-id, before it is "
                   "sent (removed again if the call is refused). FILE.request-id beside it names the request "
                   "it was sent with. A file already there is never written over (exit 2, nothing sent), "
                   "unless --request-id retries "
                   "the request it was sent with; nor is a path through '..' or ending in no file name taken")
@request_id_option("the first attestation", retry=(
    "Needs --evidence: the evidence file is written before the call is sent, with FILE.request-id naming this id, "
    "and the same command with the same id sends that evidence again (its time included), so a retry after a "
    "timeout returns the first attestation and attests nothing twice; an evidence file sent with another id is "
    "refused."))
@_max_credit_age_days_option("the day attested (China Standard Time)")
@_DATA_ROOT
@connection.call_timeout_option()
@click.option("--json", "as_json", is_flag=True, help="print the evidence and the ledger's record as JSON")
def attest(file: Path, identity: str, evidence_file: Path | None, request_id: str | None, max_credit_age_days: int,
           data_root: Path | None, as_json: bool) -> None:
    """Verify an invoice with the data sources and attest the result on the ledger.

    The tax, registry and credit sources are asked (the reference providers);
    the outcome, the values verified (buyer, date, total with tax) and the
    digest of the evidence document are signed on the ledger by the --as
    party, at the transaction's time. Where the network requires attestation,
    a registration counts it only for the invoice with those values. A failing
    verification is attested too (and exits 1): it warns the next bank. A
    credit record of the debtor older than --max-credit-age-days before the day
    attested fails source.credit.current: ask the bureau for a current report,
    and attest again with it. One
    the ledger would not take (a red-letter invoice's negative total, sources
    that all skipped), or a pass no registration could match (an invoice whose
    amount + tax is not its total with tax), is refused before anything is
    written or sent (exit 2, naming the field). Keep
    the evidence document (--evidence): the digest on the ledger proves it. It
    is written once the attestation committed, or when its answer was lost
    (the error line then names the request id to retry with), and FILE.request-id
    beside it names the request it was sent with. A path that cannot be written
    (or goes through '..') is refused before anything is sent (exit 2); should the write fail all the
    same once the attestation committed, the document is printed on stdout
    instead (exit 3): save it. So is a file already at the path (exit 2,
    nothing sent): it may be the only copy of an earlier attestation's
    evidence; only a retry with the request id it was sent with uses it.

    With --request-id (and --evidence) the evidence is written before the call
    is sent (removed if the contract refuses the call, kept for the retry on
    any other failure), and an evidence file already
    there, sent with that id, is sent again rather than made anew: run the same
    command after a timeout and the ledger returns the first attestation. An
    evidence file sent with another id is refused: for a new attestation give a
    new --request-id and another --evidence path.

    \b
    Example:
      recfin invoice attest invoice.xml --as bank/officer1 --evidence invoice.evidence.json
      recfin invoice attest invoice.xml --as bank/officer1 --request-id VER-2026-0311 \\
        --evidence invoice.evidence.json
    """
    from client.invoices import (ReferenceBusinessRegistry, ReferenceCreditBureau, ReferenceTaxInvoiceVerifier,
                                 attestation, read_invoice, verify_with_sources)
    from client.invoices.attest import LedgerAttestation, attestation_request

    if request_id is not None and evidence_file is None:
        raise CommandError("--request-id needs --evidence FILE: a retry sends the evidence written there again (its "
                           "time included), so that the ledger returns the first attestation", EXIT_BAD_INPUT)
    inv = _call(lambda: read_invoice(file))
    # os.path.exists: a path the OS refuses to look up (a name too long) is no file there, and is refused below
    sent_again = request_id is not None and os.path.exists(evidence_file)
    # the credit record is judged on the day attested: a retry's, the day of the evidence it sends again, so that
    # the verification remade is the one sent, whatever day the retry runs on
    verified_on = (_evidence_day(evidence_file) if sent_again else None) or business_today()
    result = _call(lambda: verify_with_sources(inv, ReferenceTaxInvoiceVerifier(), ReferenceBusinessRegistry(),
                                               ReferenceCreditBureau(), today=verified_on,
                                               max_credit_age_days=max_credit_age_days))
    # With --request-id the file must be there before sending, for a retry to send it again; without, it is
    # written only once the call may have committed, so that a refused call leaves no evidence of nothing attested.
    # A file already there is refused in either case (but for that retry): it may be the only copy of an earlier
    # attestation's evidence, whose time cannot be made again.
    written_before = False
    folders_made: list[Path] = []   # by the evidence written before sending: removed with it if the call is refused
    if sent_again:
        evidence = _evidence_sent_again(evidence_file, result, request_id)
    else:
        evidence = attestation(result)
        if evidence_file is not None:
            _refuse_existing_evidence(evidence_file)
            _check_writable(evidence_file)
            _check_creatable(evidence_file)
    # built before anything is written or sent: what the ledger would refuse to take (a red-letter invoice's
    # negative total, a verification that verified nothing) is bad input, not a ledger out of reach
    try:
        request = attestation_request(inv, evidence)
    except ValueError as exc:
        raise CommandError(f"{file}: {connection.describe(exc)}; nothing was attested", EXIT_BAD_INPUT) from None
    if request_id is not None and not sent_again:
        _create_evidence(evidence_file, evidence.document, request_id, folders_made)
        written_before = True
    sent_with: list[str] = []

    def send(rid: str) -> Any:
        sent_with.append(rid)
        return LedgerAttestation(evidence=evidence,
                                 record=session.client.attest_invoice_verification(request, request_id=rid))

    keep_after = evidence_file is not None and request_id is None   # written once the call may have committed
    retry = _RETRY_WITH_THE_EVIDENCE if evidence_file is not None else _NO_EVIDENCE_KEPT
    try:
        with _ledger_session(identity, data_root) as session:
            done = exactly_once(request_id, send, exit_code=EXIT_MISSING, retry=retry)
    except AnswerLost as lost:
        if keep_after:
            try:
                _keep_evidence(evidence_file, evidence.document, sent_with[-1])
            except OSError as exc:
                click.echo(_evidence_text(evidence.document), nl=False)   # the attestation may hold its digest
                rid, committed = sent_with[-1], committed_unread(lost.__cause__)
                advice = "" if committed else (f"; `{request_get_command(rid)}` tells whether it committed; attest "
                                               "anew, with --evidence, only if it did not")
                # a signal's cut keeps its own words and exit code (130, 143, 129), as exactly_once gave them
                stopped_by_signal = isinstance(lost.__cause__, KeyboardInterrupt)
                cause = (str(lost.__cause__) if isinstance(lost.__cause__, Terminated)
                         else connection.describe(lost.__cause__))
                raise AnswerLost(f"{cause} (request id {rid}: it "
                                 f"{'committed' if committed else 'may have committed'}; {one_line(exc)}, so its "
                                 f"evidence document is printed on stdout instead: keep it{advice})",
                                 lost.exit_code if stopped_by_signal else EXIT_MISSING) from None
        raise
    except Refused as refused:   # proven to have written nothing: evidence written for it would prove nothing
        if not written_before:
            raise
        _remove_evidence(evidence_file, folders_made)
        raise Refused(f"{refused.message}; {evidence_file} was removed: it held nothing attested") from None
    except (CommandError, click.UsageError) as failed:
        if not written_before:
            raise
        if not sent_with:   # no call was made (the profile or user of --as is not there): the evidence proves nothing
            _remove_evidence(evidence_file, folders_made)
            if isinstance(failed, click.UsageError):
                raise
            raise CommandError(f"{failed.message}; nothing was sent, and {evidence_file} was removed",
                               failed.exit_code) from None
        # not a refusal: whatever it was, the evidence is kept, and a retry with the same id sends it again
        raise CommandError(f"{failed.message}; {evidence_file} is kept: the same command with --request-id "
                           f"{request_id} sends it again", failed.exit_code) from None
    not_written = None
    if keep_after:
        try:
            _keep_evidence(evidence_file, evidence.document, sent_with[-1])
        except OSError as exc:   # checked free and writable before sending, so something changed meanwhile
            not_written = exc
    record = done.record
    if as_json:
        _emit_json({"file": str(file), "invoice_number": inv.number, "fingerprint": record.fingerprint,
                    "outcome": record.outcome, "evidence": {"digest": done.evidence.digest,
                                                            "document": done.evidence.document},
                    "attestation": record.to_json(), "request_id": sent_with[-1]})
    else:
        # the invoice's text, and the answers quoting it, each on its own line, as verify prints them: a party name
        # holding a line break or a terminal escape would otherwise print an ATTESTED line of its own, or hide the
        # one below that the ledger's record gives
        click.echo(f"invoice {on_one_line(inv.number)}  fingerprint {record.fingerprint}")
        _print_findings(result.findings, result.disagreements)
        click.echo(f"ATTESTED {record.outcome.upper()} by {record.attester} ({record.attester_role}, "
                   f"{record.attested.msp_id}) at {record.attested.at} in tx {record.tx_id}")
        click.echo(f"  verified {_verified(record)}")
        click.echo(f"  evidence digest {done.evidence.digest}")
    if not_written is not None:
        # committed: the document the ledger holds the digest of must not be lost with the file
        if not as_json:
            click.echo(f"evidence document (not written to {evidence_file}):")
            click.echo(_evidence_text(done.evidence.document), nl=False)
        raise CommandError(f"attested in tx {record.tx_id}, but {one_line(not_written)}: its evidence document is "
                           f"printed on stdout ({'evidence.document' if as_json else 'above'}) instead: save it; "
                           "the digest on the ledger proves it", EXIT_MISSING)
    raise SystemExit(EXIT_PASS if record.passed else EXIT_FAILED)


# exactly_once's retry advice: {request_get} is the `recfin request get` the caller runs (request_get_command)
_RETRY_WITH_THE_EVIDENCE = ("run the same command with --request-id {request_id} and the same --evidence file (it "
                            "holds this attempt's time) to attest at most once, or `{request_get}` to see whether it "
                            "did")
_NO_EVIDENCE_KEPT = ("`{request_get}` tells whether it did; its evidence document was not kept (no --evidence), so "
                     "attest anew, with --evidence, only if it did not")


def _evidence_time(document: dict) -> datetime:
    """The ``attested_at`` of an evidence document, as :func:`client.invoices.attestation` takes it back."""
    return datetime.fromisoformat(document["attested_at"])


def _evidence_day(evidence_file: Path) -> date | None:
    """The business date (China Standard Time) of the evidence in ``evidence_file``, or None where it holds no
    evidence time to read: :func:`_evidence_sent_again` then refuses the file, saying why."""
    from client.business_dates import business_date

    try:
        document = read_json_file(evidence_file, "--evidence", "the evidence document of the attempt this command "
                                                               "retries")
        return business_date(_evidence_time(document))
    except (click.ClickException, TypeError, KeyError, ValueError):
        return None


def _request_id_file(evidence_file: Path) -> Path:
    """``FILE.request-id``: the request id the evidence in ``evidence_file`` was sent with. Only that id sends the
    file again: the document carries no request id (its digest is what the ledger records)."""
    return evidence_file.with_name(evidence_file.name + ".request-id")


def _evidence_text(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _refuse_existing_evidence(evidence_file: Path) -> None:
    """Refuse, before anything is sent, an --evidence path a file is already at (a dangling link included): it may
    be the only copy of an earlier attestation's evidence document, which the ledger holds the digest of only and
    which cannot be made again (it carries its time); and one whose ``FILE.request-id`` is taken by something that
    is not a file, which the request id could not be written to."""
    sidecar = _request_id_file(evidence_file)
    if os.path.lexists(sidecar) and not os.path.isfile(sidecar):
        # the request id is written there: a folder (or anything but a file) would fail that write once sent
        raise CommandError(f"{sidecar} is in the way: the request id of the evidence is written there, and it is not "
                           "a file; nothing was attested: move it, or give another --evidence path", EXIT_BAD_INPUT)
    if not os.path.lexists(evidence_file):
        return
    raise CommandError(
        f"{evidence_file} already exists and {_what_the_file_was_sent_with(evidence_file)}: it may be the only copy "
        "of an attested evidence document (the ledger holds its digest only), so it is not written over; nothing "
        "was attested: give another --evidence path", EXIT_BAD_INPUT)


def _nearest_existing(folder: Path) -> Path:
    """``folder``, or the nearest one above it that is there: the write makes the folders missing below it."""
    while not os.path.lexists(folder) and folder != folder.parent:
        folder = folder.parent
    return folder


def _not_a_folder_on_the_way(evidence_file: Path) -> str | None:
    """Why no evidence can be written at ``evidence_file`` as the nearest existing folder on its path is no folder
    (a file, a link to nothing), or None."""
    existing = _nearest_existing(evidence_file.parent)
    if existing.is_dir():
        return None
    return f"cannot write {evidence_file}: {existing} is {'a file' if existing.is_file() else 'a link to nothing'}, " \
           "not a folder"


def _check_writable(evidence_file: Path) -> None:
    """Refuse, before anything is sent, an --evidence path the document cannot be written to, so that a committed
    attestation does not lose its evidence to a path that was never writable: the nearest folder on the path that
    exists must be a folder this user may write in (the write makes the folders missing below it). Nothing is
    made here, so a refused call leaves no folder behind."""
    if (problem := _not_a_folder_on_the_way(evidence_file)) is not None:
        raise CommandError(f"{problem}; nothing was attested: give another --evidence path", EXIT_BAD_INPUT)
    existing = _nearest_existing(evidence_file.parent)
    if not os.access(existing, os.W_OK | os.X_OK):
        raise CommandError(f"cannot write {evidence_file}: the folder {existing} is not writable by this user; "
                           "nothing was attested: give another --evidence path", EXIT_BAD_INPUT)


class _TrialOnly(Exception):
    """Ends a trial staging of a file before it is put in place (:func:`_check_creatable`)."""


def _check_creatable(evidence_file: Path) -> None:
    """Refuse, before anything is sent, an --evidence path the OS will not create the files at (a name longer than the
    filesystem takes, a folder it cannot make): the evidence file and FILE.request-id are each staged as their write
    stages them (the longest names it makes) and removed again unplaced, with the folders made for them."""
    made: list[Path] = []
    try:
        _make_folders(evidence_file.parent, made)
        for path in (evidence_file, _request_id_file(evidence_file)):
            try:
                with staged_file(path, replace=False):
                    raise _TrialOnly
            except _TrialOnly:
                pass
    except OSError as exc:
        shorter = " (a shorter name)" if exc.errno == errno.ENAMETOOLONG else ""
        raise CommandError(f"cannot write {evidence_file}: {exc.strerror or exc}; nothing was attested: give another "
                           f"--evidence path{shorter}", EXIT_BAD_INPUT) from None
    finally:
        _remove_folders_made(made)


def _create_evidence(evidence_file: Path, document: dict, request_id: str, made: list[Path]) -> None:
    """Write the evidence of a call about to be sent with ``request_id``, then its id beside it; never over a file
    that appeared since the command looked (then the id beside it is left alone). The folders made for it are
    added to ``made``; when the writing fails, the files and those folders are removed again."""
    from client.invoices.sources import canonical_evidence

    try:
        _make_folders(evidence_file.parent, made)
        write_atomically(evidence_file, canonical_evidence(document), replace=False)
    except FileExistsError:
        _remove_folders_made(made)
        raise CommandError(f"{evidence_file} appeared while this command ran; nothing was attested: give another "
                           "--evidence path", EXIT_BAD_INPUT) from None
    except OSError as exc:
        _remove_folders_made(made)
        raise CommandError(f"cannot write {evidence_file}: {exc.strerror or exc}; nothing was attested",
                           EXIT_BAD_INPUT) from None
    try:
        write_atomically(_request_id_file(evidence_file), request_id + "\n")
    except OSError as exc:
        _remove_evidence(evidence_file, made)
        raise CommandError(f"cannot write {_request_id_file(evidence_file)}: {exc.strerror or exc}; nothing was "
                           "attested", EXIT_BAD_INPUT) from None


def _keep_evidence(evidence_file: Path, document: dict, request_id: str) -> None:
    """Write the evidence of a call sent with ``request_id`` that may have committed, then its id beside it. Never
    over a file: the path was free when the command looked, and a file that appeared since may be another
    attestation's evidence (an OSError, as any failed write: the caller prints the document instead, and the
    folders made for the file are removed again)."""
    from client.invoices.sources import canonical_evidence

    made: list[Path] = []
    try:
        _make_folders(evidence_file.parent, made)
        write_atomically(evidence_file, canonical_evidence(document), replace=False)
    except FileExistsError:
        _remove_folders_made(made)
        raise FileExistsError(errno.EEXIST, "a file appeared there while this command ran", str(evidence_file)
                              ) from None
    except OSError:
        _remove_folders_made(made)
        raise
    write_atomically(_request_id_file(evidence_file), request_id + "\n")


def _remove_evidence(evidence_file: Path, made: list[Path]) -> None:
    """Remove the evidence written for a call that was refused (the ledger holds no record of it), and the folders
    ``made`` for it, as far as they are empty."""
    for written in (evidence_file, _request_id_file(evidence_file)):
        try:
            written.unlink(missing_ok=True)
        except OSError:     # not what this command wrote (a folder put there meanwhile): left alone
            pass
    _remove_folders_made(made)


def _make_folders(folder: Path, made: list[Path]) -> None:
    """Make ``folder`` and the folders missing above it, outermost first, adding to ``made`` each one this command
    made: not one that another process made meanwhile, which is not this command's to remove. ``made`` holds those
    made so far when one cannot be made (an OSError)."""
    missing = []
    while not os.path.lexists(folder) and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for folder in reversed(missing):
        try:
            folder.mkdir()
        except FileExistsError:
            continue
        made.append(folder)


def _remove_folders_made(made: list[Path]) -> None:
    """Remove the folders ``made`` (:func:`_make_folders`), innermost first, as far as they are empty: one that
    something else was put in meanwhile stays, and so do those above it."""
    for folder in reversed(made):
        try:
            folder.rmdir()
        except FileNotFoundError:   # removed meanwhile: the one above may be empty
            continue
        except OSError:
            return


def _sent_with(evidence_file: Path) -> str | None:
    """The request id ``FILE.request-id`` names, or None without that file."""
    try:
        return _request_id_file(evidence_file).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise CommandError(f"cannot read {_request_id_file(evidence_file)}: {exc.strerror or exc}", EXIT_BAD_INPUT
                           ) from None


def _what_the_file_was_sent_with(evidence_file: Path) -> str:
    """What an evidence file already there was sent with, and how to tell whether it committed or retry it."""
    sent_with, named_in = _sent_with(evidence_file), _request_id_file(evidence_file).name
    if not sent_with:
        return f"was not written for a request id (no {named_in} beside it)"
    return (f"holds the evidence sent with request id {sent_with} (named in {named_in}; "
            f"`{request_get_command(sent_with)}` tells whether it committed, and --request-id {sent_with} retries it)")


def _evidence_sent_again(evidence_file: Path, result: Any, request_id: str) -> Any:
    """The evidence a retry with the same --request-id sends: the document in ``evidence_file``, written by the
    first attempt with that id, remade from this verification at its time. Only identical arguments are answered
    with the first attestation (anything else is refused request-id-reused), so the file must have been sent with
    this id and be this verification's evidence."""
    from client.invoices import attestation
    from client.invoices.sources import non_finite_number_at

    if _sent_with(evidence_file) != request_id:
        raise CommandError(
            f"{evidence_file} {_what_the_file_was_sent_with(evidence_file)}: sent with --request-id {request_id} it "
            f"would be attested again, at its old time; give another --evidence path for request {request_id}",
            EXIT_BAD_INPUT)
    document = read_json_file(evidence_file, "--evidence",
                              "the evidence document of the attempt this command retries")
    if (place := non_finite_number_at(document)) is not None:
        # Python's JSON reader takes NaN and Infinity, which JSON does not have: no evidence document holds one
        # (canonical_evidence refuses it), so the file was edited; named here, not as another verification's
        where, number = place
        raise CommandError(f"{evidence_file}: {where}: {number} is no JSON number (JSON has none for NaN or "
                           "Infinity), so the file is no evidence document this command wrote, and not what a retry "
                           f"sends again; to attest anew, give a new --request-id and another --evidence path",
                           EXIT_BAD_INPUT)
    try:
        evidence = attestation(result, _evidence_time(document))
    except (TypeError, KeyError, ValueError):
        evidence = None
    if evidence is None or evidence.document != document:
        raise CommandError(
            f"{evidence_file} is not the evidence of this verification of invoice {result.invoice_number}: with "
            f"--request-id {request_id}, an evidence file already there is what a retry sends again; to attest "
            "anew, give a new --request-id and another --evidence path", EXIT_BAD_INPUT)
    return evidence


def _names_an_invoice(_ctx: click.Context, _param: click.Parameter, invoice_ref: str) -> str:
    """FILE|FINGERPRINT of `invoice attestations`, refused (a usage error naming it, before anything connects) where
    it names no invoice: empty or blank (an unset shell variable; ``Path("")`` is the current folder, refused as
    "Is a directory"), a folder, or no file and no fingerprint either (what the user meant is unknown, so the
    message says both forms)."""
    from client.invoices.fingerprint import is_fingerprint

    give = "give the invoice's XML or JSON file, or its fingerprint (64 hex digits)"
    if not invoice_ref.strip():
        raise click.BadParameter(f"{invoice_ref!r} names nothing (an unset shell variable?): {give}")
    if os.path.isdir(invoice_ref):
        raise click.BadParameter(f"{invoice_ref!r} is a folder: {give}")
    if not os.path.exists(invoice_ref) and not is_fingerprint(invoice_ref.lower()):
        raise click.BadParameter(f"{invoice_ref!r} is no file here, nor a fingerprint: {give}")
    return invoice_ref


@invoice.command("attestations")
@click.argument("invoice_ref", metavar="FILE|FINGERPRINT", callback=_names_an_invoice)
@_as_option("the invoice's seller's or buyer's, an attesting role's (a bank's by default) or the regulator's",
             "supplier/supplier1")
@_DATA_ROOT
@connection.call_timeout_option()
@click.option("--json", "as_json", is_flag=True, help="print the attestations as JSON")
def attestations(invoice_ref: str, identity: str, data_root: Path | None, as_json: bool) -> None:
    """Show the verification attestations of an invoice on the ledger, oldest first.

    Name the invoice by its file or by its fingerprint (64 hex digits). An attestation the peer cannot read (a
    newer contract version's, whose outcome it cannot tell, or one no version wrote) is not shown: a warning
    line after the list names it, and --json lists the keys in newer_version and unreadable. A pass no
    registration counts as its attester's (nothing its attester wrote shows it is its own, or it has no values
    verified) has a "not counted:" line saying why; a failure nothing its attester wrote shows is its own, which
    still refuses a registration, a "not vouched for:" line (--json: not_counted_reason, null where neither).

    \b
    Example:
      recfin invoice attestations invoice.xml --as supplier/supplier1 --json
    """
    from client.invoices import invoice_fingerprint, read_invoice
    from client.invoices.fingerprint import is_fingerprint

    if is_fingerprint(invoice_ref.lower()) and not Path(invoice_ref).exists():
        fingerprint = invoice_ref.lower()      # as printed by other tools in upper case; the ledger's is lower
    else:
        fingerprint = invoice_fingerprint(_call(lambda: read_invoice(Path(invoice_ref))))
    with _ledger_session(identity, data_root) as session:
        records = session.client.invoice_attestations(fingerprint)
    if as_json:
        _emit_json({"fingerprint": fingerprint, "attestations": [a.to_json() for a in records],
                    "unreadable": records.unreadable, "newer_version": records.newer_version})
        return
    click.echo(f"fingerprint {fingerprint}: {len(records)} attestation(s)")
    for a in records:
        skipped = f" (skipped {', '.join(a.sources_skipped)})" if a.sources_skipped else ""
        click.echo(f"  {a.outcome.upper():<4}  {a.attested.at}  {a.attester} ({a.attester_role}, {a.attested.msp_id})  "
                   f"sources {', '.join(a.sources)}{skipped}  tx {a.tx_id}")
        click.echo(f"        verified {_verified(a)}")
        if a.not_counted_reason:   # listed, but not shown to be its attester's word
            click.echo(f"        {'not counted' if a.passed else 'not vouched for'}: {a.not_counted_reason}")
    # a newer version's attestation may be a failure: the list above is not all the ledger holds of the invoice
    note_passed_over(records.unreadable, records.newer_version, "in no attestation above")


def _verified(a) -> str:
    """The values an attestation verified, as a registration compares them."""
    from chaincode.receivables.attestation import ATTESTED_CURRENCY

    if a.total_with_tax is None:  # a record of the contract before attestations carried the values
        return "no values on record (attested before they were recorded): it counts for no registration"
    return f"total with tax {money(a.total_with_tax, ATTESTED_CURRENCY)}, dated {a.issue_date}, buyer {a.buyer_tax_id}"


def _where_verify_shows(refusal: ChecksFailed) -> str:
    """Where recfin invoice verify shows what refused a registration. A refusal for unchecked line taxes alone
    says that verify lists them as skipped, and why a registration refuses them: verify may pass such an invoice."""
    if len(refusal.unchecked) < len(refusal.failed):
        return "see recfin invoice verify"
    numbers = [str(f.details["line"]) for f in refusal.unchecked]
    lines = f"line {numbers[0]}" if len(numbers) == 1 else f"lines {', '.join(numbers)}"
    return (f"recfin invoice verify lists the tax of {lines} as skipped, not failed, and may pass the invoice: it "
            "reports what it could check, while a registration needs every line's tax checked")


@invoice.command("register")
@click.argument("file", type=PathType(dir_okay=False, path_type=Path, reads=True))
@click.option("--po", "po_file", required=True, type=_EXPORT_FILE,
              help="purchase order export (CSV or JSON, at most 8 MiB)")
@click.option("--receipt", "receipt_file", required=True, type=_EXPORT_FILE,
              help="goods receipt export (CSV or JSON, at most 8 MiB)")
@click.option("--due", "due_date", required=True, type=DATE,
              help="the date the debtor pays the claim")
@_REGISTER_TOLERANCE
@_max_age_days_option("today (China Standard Time, as the ledger dates the registration)")
@_PART_OF_DELIVERY
@_as_option("the supplier's", "supplier/supplier1")
@request_id_option("the receivable it registered")
@_DATA_ROOT
@connection.call_timeout_option()
@click.option("--json", "as_json", is_flag=True, help="print the registered receivable as JSON")
def register(file: Path, po_file: Path, receipt_file: Path, due_date: date, tolerance_fen: int | None,
             max_age_days: int, part_of_delivery: bool, identity: str, request_id: str | None,
             data_root: Path | None, as_json: bool) -> None:
    """Register a receivable backed by a checked and matched invoice (needs the network).

    The invoice's own checks must pass first (totals, lines and their tax
    rates, tax ids, number and code, as recfin invoice verify reports them, with
    the same --tolerance-fen, here at most 6 fen; and its date, date.plausible:
    not after today, China Standard Time, nor more than --max-age-days before
    it; the failed ones are named, exit 1). The due date must be after the
    invoice's date and after today (exit 2). A line whose tax they cannot check is refused too, though verify
    lists it as skipped and may pass the invoice: a line of an invoice taxed
    on the difference (差额征税) that gives no deduction (扣除额), whose tax, and
    the face amount built on it, could be any figure below amount x rate.
    Then the three-way match. The face amount is the invoice's total with
    tax, the debtor its buyer; the evidence hash of invoice, order and receipt
    goes on the ledger as the contract hash, and the goods receipt matched on
    the claim, so that it backs no other claim while this one stands (a
    chaincode from before that registry refuses it, and the line says to
    upgrade the chaincode: the receipt is never left out to get through).
    The receipt must name its PO (its export's po_number column): one naming
    none would match any order, so it is refused (exit 2).
    With --part-of-delivery, an invoice for less than the whole receipt
    registers as a part of the delivery (the receipt's value, as recfin
    invoice match --part-of-delivery prints it; the contract counts the
    invoice's amount as the part), and the delivery's other invoices
    register their parts, up to what was received;
    a chaincode from before receipts in parts refuses it, the line saying to
    upgrade it. An invoice delivered on paper (数电纸质发票) whose file gives
    its paper form's code and number (paper_code, paper_number) is registered
    under both its identities, and the line names both; a chaincode from
    before paper identities refuses it, the line saying to upgrade it.
    Where the network requires it,
    the invoice needs a passing verification attestation first (recfin invoice
    attest), of these values: the buyer, the date and the total with tax.

    \b
    Example:
      recfin invoice register invoice.xml --po purchase_order.csv --receipt goods_receipt.csv \\
        --due 2027-08-31 --as supplier/supplier1 --json
      recfin invoice register invoice.xml --po purchase_order.csv --receipt goods_receipt.csv \\
        --due 2027-08-31 --as supplier/supplier1 --request-id PO-2026-0042
      recfin invoice register invoice.xml --po purchase_order.csv --receipt goods_receipt.csv \\
        --due 2027-08-31 --tolerance-fen 3 --as supplier/supplier1 --json
      recfin invoice register invoice-1-of-2.xml --po purchase_order.csv --receipt goods_receipt.csv \\
        --due 2027-08-31 --part-of-delivery --as supplier/supplier1
    """
    from client.invoices import (ChecksFailed, InvoiceError, NotMatched, read_goods_receipt, read_invoice,
                                 read_purchase_order, registration_from_documents)
    from client.invoices.register import (GOODS_RECEIPTS_NEED_AN_UPGRADE, GOODS_RECEIPT_PARTS_NEED_AN_UPGRADE,
                                          PAPER_IDENTITIES_NEED_AN_UPGRADE, predates_goods_receipt_parts,
                                          predates_goods_receipts, predates_paper_identities)
    from client.receivables import ReceivableRegistration, RefusedBeforeSending, RuleViolation

    inv = _call(lambda: read_invoice(file))
    po = _call(lambda: read_purchase_order(po_file))
    gr = _call(lambda: read_goods_receipt(receipt_file))
    try:
        registration = registration_from_documents(inv, po, gr, due_date, tolerance_fen,
                                                   part_of_delivery=part_of_delivery, today=business_today(),
                                                   max_age_days=max_age_days)
    except ChecksFailed as exc:
        raise CommandError(f"{one_line(exc)} ({_where_verify_shows(exc)})", EXIT_FAILED) from None
    except NotMatched as exc:
        raise CommandError(f"{one_line(exc)} (see recfin invoice match)", EXIT_FAILED) from None
    except InvoiceError as exc:
        raise CommandError(one_line(exc), EXIT_BAD_INPUT) from None
    request = ReceivableRegistration.model_validate(json.loads(registration.wire()))
    with _ledger_session(identity, data_root) as session:
        try:
            # a due date past the network's maximum payment term is refused before anything is sent (not a retry
            # of a registration that committed under --request-id: the contract answers it as it did then)
            session.client.check_payment_term(request, today=business_today(), request_id=request_id)
            r, sent_with = exactly_once_naming_its_id(
                request_id, lambda rid: session.client.register_receivable(request, request_id=rid),
                exit_code=EXIT_MISSING)
        except RefusedBeforeSending as refused:
            raise Refused(str(refused)) from None
        except RuleViolation as refused:
            if predates_goods_receipts(refused.rule, refused.detail):
                raise Refused(f"{connection.describe(refused)}: {GOODS_RECEIPTS_NEED_AN_UPGRADE}") from None
            if predates_goods_receipt_parts(refused.rule, refused.detail):
                raise Refused(f"{connection.describe(refused)}: {GOODS_RECEIPT_PARTS_NEED_AN_UPGRADE}") from None
            if predates_paper_identities(refused.rule, refused.detail):
                raise Refused(f"{connection.describe(refused)}: {PAPER_IDENTITIES_NEED_AN_UPGRADE}") from None
            raise
    if as_json:
        _emit_json({**r.to_json(), "request_id": sent_with})
    else:
        # the part as the contract recorded it: the share it counted, and what the receipt's earlier parts invoiced
        # (which the contract of e813413, the first with parts, did not record)
        part = r.goods_receipts[0].part if r.goods_receipts else None
        before = ("" if part is None or part.invoiced_before is None
                  else f"{plain_yuan(part.invoiced_before)} invoiced before it, ")
        of_delivery = "" if part is None else (
            f" (part of receipt {gr.number}: {plain_yuan(part.invoiced)} of {plain_yuan(part.received)} received, "
            f"{before}without tax)")
        click.echo(f"registered {r.id} for invoice {inv.number}{paper_identity_text(inv)}{of_delivery}: "
                   f"{plain_yuan(r.face_amount)} "
                   f"{r.currency} owed by {r.debtor}, due {r.due_date}, status {r.status}, tx {r.last.tx_id}")
