"""From a verification against data sources to an attestation on the ledger, in one call.

:func:`attest_verification` turns a :class:`~client.invoices.sources.SourceVerification`
into its canonical evidence document (:func:`~client.invoices.sources.attestation`)
and submits ``AttestInvoiceVerification`` with the document's digest and the
values verified (buyer, issue date, total with tax) through a
:class:`~client.receivables.ReceivablesClient`. The caller must act for a party
of an attesting role (a bank: the regulator does not attest)::

    from client.invoices import ReferenceBusinessRegistry, ReferenceTaxInvoiceVerifier, read_invoice, verify_with_sources
    from client.invoices.attest import attest_verification

    inv = read_invoice("invoice.xml")
    result = verify_with_sources(inv, ReferenceTaxInvoiceVerifier(), ReferenceBusinessRegistry())
    done = attest_verification(receivables, inv, result)
    print(done.record.outcome, done.record.tx_id, done.evidence.digest)

Keep ``done.evidence.document``: it is what the digest on the ledger proves. An error that may have
committed keeps it as ``error.evidence``, with the ``attested_at`` to send it again with.
This module imports the receivables SDK (and so the gateway); the rest of
``client.invoices`` works without them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, get_args

from chaincode.receivables.attestation import ATTESTED_CURRENCY
from chaincode.receivables.fingerprint import (code_characters_problem, code_year_problem, digitalised_year_problem,
                                               identity_problem, issue_year_problem, number_problem)
from client.business_dates import business_today
from client.money import plain_yuan
from client.shown import shown_value
from client.receivables import InvoiceAttestation, InvoiceAttestationRequest

from .credit_code import credit_code_problem
from .fingerprint import invoice_fingerprint
from .model import Invoice, Status
from .register import ensure_reviewed
from .sources import TAX_FOUND, Attestation, SourceVerification, attestation, evidence_digest, from_a_source, passes


@dataclass(frozen=True)
class LedgerAttestation:
    """The evidence document (keep it) and the record the ledger holds of it."""

    evidence: Attestation
    record: InvoiceAttestation


def attestation_request(invoice: Invoice, evidence: Attestation, *, reviewed: bool = False
                        ) -> InvoiceAttestationRequest:
    """The ``AttestInvoiceVerification`` request for an invoice's evidence document.

    The request names as its sources those that checked the invoice (the document's ``sources``), never one
    asked that held nothing of it (its ``sources_skipped``): the ledger counts every source an attestation names
    as having checked the invoice (a network's ``attestation_sources``).

    Raises NotReviewed for an invoice read from a scan with fields flagged (:attr:`Invoice.unreviewed`), or with a
    ``min_confidence`` below the default, unless ``reviewed``: a person has checked them, since the ledger would
    record a verification of a misreading.

    Raises ValueError, naming the field, for a document of another shape than
    :func:`~client.invoices.sources.attestation` writes (a key missing, a list where a mapping is, a number where
    text is, a value JSON cannot write): one built or edited by hand.

    Raises ValueError for a red-letter (negative) or zero invoice, whose total the ledger does not take;
    for an invoice in another currency than CNY (:data:`ATTESTED_CURRENCY`), since an attestation verifies a
    VAT invoice and the ledger reads the total it carries as CNY; when
    ``evidence.digest`` is not the SHA-256 of the document's canonical JSON (the ledger would hold the digest of
    no document anyone keeps); when the document is about another invoice, or verified other values than the
    invoice carries: the ledger would then record a verification of something this invoice is not; when it
    names no source, or no source it names answered (each one skipped), since such a verification verified
    nothing; when it names a source twice; when the tax invoice verifier did not find the invoice and nothing
    failed or disagreed either (the registry or the credit bureau alone asked): neither a pass nor a failure to
    warn of; when its outcome is not the one its findings give (:func:`~client.invoices.sources.passes`:
    ``pass`` exactly when the tax invoice verifier found the invoice and no finding failed or disagreed);
    and for a pass of an invoice whose amount + tax is not its total with tax (``totals.with_tax`` fails): a
    registration gives the ledger the amount and the tax, and a pass counts only for a total with tax equal
    to their sum, so such a pass would back no registration of the invoice and contradict other attesters'
    passes of it. Raises ValueError too when the seller or the buyer is named by no unified social credit code
    (no tax id, or one of before 2015), which the contract refuses (rule credit-code-invalid); when its number
    or code is no invoice identity the contract takes (``number``, ``code``: rules invoice-number-invalid and
    invoice-code-invalid, as ``number.format`` and ``number.code`` fail), or it is dated after today, China
    Standard Time (``issue_date``: rule invoice-date-in-future), which the contract refuses, pass or failure.
    """
    ensure_reviewed(invoice, reviewed, "attest it")
    document = evidence.document
    if (why := _document_shape_problem(document)) is not None:
        raise ValueError(f"the evidence of invoice {invoice.number} is no document attestation() makes: {why}; "
                         "attest the evidence attestation() makes of a verification, as it made it")
    if invoice.total_with_tax_fen <= 0:
        raise ValueError(f"total_with_tax: invoice {invoice.number} has a total with tax of "
                         f"{plain_yuan(invoice.total_with_tax_fen)}: a red-letter (negative) or zero invoice backs no "
                         "receivable, and the ledger attests only a total above 0; verify the invoice it reverses "
                         "instead (the tax source shows it red-flushed)")
    if invoice.currency != ATTESTED_CURRENCY:
        raise ValueError(f"currency: invoice {invoice.number} is in {invoice.currency}: an attestation "
                         "verifies a VAT invoice against the tax authority's records, in "
                         f"{ATTESTED_CURRENCY}, and the ledger reads the total with tax it carries as "
                         f"{ATTESTED_CURRENCY}, so it would count for no registration of this invoice; only "
                         f"an invoice in {ATTESTED_CURRENCY} is attested")
    for party in ("seller", "buyer"):
        _refuse_a_tax_id_of_no_credit_code(invoice, party)
    digest = evidence_digest(document)
    if evidence.digest != digest:
        raise ValueError(f"digest: the evidence of invoice {invoice.number} gives the digest "
                         f"{_named(evidence.digest)}, but its document's SHA-256 is {digest}: the document was "
                         "changed after it was made, or the digest is another document's, and the ledger would hold "
                         "the digest of no document anyone keeps; attest the evidence as attestation() makes it")
    sources = document.get("sources")
    skipped = document.get("sources_skipped") or []
    if not sources and not skipped:
        raise ValueError(f"the evidence of invoice {invoice.number} names no data source: a verification that asked "
                         "none verified nothing, so there is nothing to attest; verify the invoice against the tax "
                         "invoice verifier (and the business registry or credit bureau) and attest that")
    twice = sorted({name for name in sources if sources.count(name) > 1})
    if twice:
        raise ValueError(f"the evidence of invoice {invoice.number} names the source {', '.join(twice)} more than "
                         "once: each source asked is named once (the ledger refuses a repeated one); verify the "
                         "invoice again and attest that")
    statuses = [(f.get("check"), f.get("status")) for f in document.get("findings", [])]
    answers = [status for check, status in statuses if from_a_source(check or "")]
    if all(status == "skipped" for status in answers):
        raise ValueError(f"no source the evidence of invoice {invoice.number} names "
                         f"({', '.join([*(sources or []), *skipped])}) knew the "
                         "invoice or its parties (each answer skipped): nothing was verified, so there is nothing to "
                         "attest; verify the invoice against the tax invoice verifier and attest that")
    failed = [check for check, status in statuses if status == "fail"]
    disagreed = [d.get("field") for d in document.get("disagreements", [])]
    tax_found = (TAX_FOUND, "pass") in statuses
    # the sources' answers only: the finding that the tax source was not asked (sources.confirmed) says nothing
    # is wrong with the invoice, and a failure attested would warn the next bank of nothing
    if not tax_found and not disagreed and "fail" not in answers:
        raise ValueError(f"the evidence of invoice {invoice.number} has no answer of the tax invoice verifier that "
                         f"it found the invoice ({TAX_FOUND}), and no source it names ({', '.join(sources)}) found "
                         "anything wrong: the registry and the credit bureau know the parties, not the invoice, so "
                         "there is neither a pass nor a failure to attest; verify the invoice against the tax invoice "
                         "verifier and attest that")
    outcome = "pass" if passes(statuses, bool(disagreed)) else "fail"
    if document.get("outcome") != outcome:
        why = ([f"{', '.join(failed)} failed"] if failed else []) + (
            [f"the invoice and its sources disagree on {', '.join(disagreed)}"] if disagreed else []) + (
            [f"the tax invoice verifier did not find the invoice ({TAX_FOUND} is not pass)"] if not tax_found else [])
        raise ValueError(f"outcome: the evidence of invoice {invoice.number} says {document.get('outcome')!r}, but its "
                         f"findings give {outcome}: "
                         + ("; ".join(why) if why else "the tax invoice verifier found the invoice, and nothing failed "
                                                       "or disagreed")
                         + "; verify the invoice again and attest that")
    # the fingerprint too: the ledger files the attestation under it, and one of another invoice beside this one's
    # number and code (an evidence file edited, its digest taken again) would be refused there once connected
    ours = {"invoice_number": invoice.number, "invoice_code": invoice.code, "seller_tax_id": invoice.seller.tax_id,
            "fingerprint": invoice_fingerprint(invoice), "buyer_tax_id": invoice.buyer.tax_id,
            "issue_date": invoice.issue_date.isoformat(), "total_with_tax_fen": invoice.total_with_tax_fen}
    differ = [f"{field} {_named(document.get(field))}, not {_named(value)}" for field, value in ours.items()
              if document.get(field) != value]
    if differ:
        raise ValueError(f"the evidence is not about invoice {invoice.number} as given: it has {'; '.join(differ)}")
    added_up = invoice.total_amount_fen + invoice.total_tax_fen
    if outcome == "pass" and added_up != invoice.total_with_tax_fen:
        # the contract compares what a pass verified with the amount + tax a registration gives (a failure
        # counts whatever its values, and still warns the next bank)
        raise ValueError(f"total_with_tax: invoice {invoice.number} gives amount "
                         f"{plain_yuan(invoice.total_amount_fen)} + tax "
                         f"{plain_yuan(invoice.total_tax_fen)} = {plain_yuan(added_up)}, not its total "
                         f"with tax {plain_yuan(invoice.total_with_tax_fen)} (totals.with_tax): a "
                         "registration gives the ledger the amount and the tax, and a pass counts only for "
                         "a total with tax equal to their sum, so this pass would back no registration of "
                         "the invoice and contradict other attesters' passes of it; correct the figure "
                         "misread or mistyped (recfin invoice verify names it), then verify the invoice "
                         "again and attest that")
    _refuse_what_the_ledger_attests_no_invoice_as(invoice)
    return InvoiceAttestationRequest.from_evidence(document, evidence.digest)


# the evidence document's fields, as attestation() writes them: a document built or edited by hand is read by these
# names, and one of another shape (a list where a mapping is, a number where text is) would otherwise fail deep
# inside the checks below with an AttributeError or KeyError naming no field
_DOCUMENT_TEXT = ("kind", "invoice_number", "invoice_code", "seller_tax_id", "fingerprint", "buyer_tax_id",
                  "issue_date", "outcome", "attested_at")
_DOCUMENT_TEXT_LISTS = ("sources", "sources_skipped")
_FINDING_TEXT = ("check", "status", "message")
_FINDING_STATUSES = get_args(Status)


def _document_shape_problem(document: dict) -> str | None:
    """What in an evidence document is not where, or not of the type, :func:`~client.invoices.sources.attestation`
    writes it, naming the field (``findings[2].status``), or None for a document of that shape."""
    missing = [name for name in (*_DOCUMENT_TEXT, "total_with_tax_fen", *_DOCUMENT_TEXT_LISTS, "findings",
                                 "disagreements") if name not in document]
    if missing:
        return f"it has no {', '.join(missing)}"
    for name in _DOCUMENT_TEXT:
        if not isinstance(document[name], str):
            return f"{name} is {_kind_of(document[name])}, not text"
    total = document["total_with_tax_fen"]
    if not isinstance(total, int) or isinstance(total, bool):
        return f"total_with_tax_fen is {_kind_of(total)}, not a whole number of fen"
    for name in _DOCUMENT_TEXT_LISTS:
        if not isinstance(document[name], list):
            return f"{name} is {_kind_of(document[name])}, not a list of source names"
        for at, value in enumerate(document[name]):
            if not isinstance(value, str):
                return f"{name}[{at}] is {_kind_of(value)}, not a source name (text)"
    for name, fields in (("findings", _FINDING_TEXT), ("disagreements", ("field",))):
        if not isinstance(document[name], list):
            return f"{name} is {_kind_of(document[name])}, not a list of {name}"
        for at, item in enumerate(document[name]):
            if not isinstance(item, dict):
                return f"{name}[{at}] is {_kind_of(item)}, not a mapping"
            for field in fields:
                if field not in item:
                    return f"{name}[{at}] has no {field}"
                if not isinstance(item[field], str):
                    return f"{name}[{at}].{field} is {_kind_of(item[field])}, not text"
            if name == "findings" and item["status"] not in _FINDING_STATUSES:
                return (f"findings[{at}].status is {shown_value(item['status'])}, not one of "
                        f"{', '.join(_FINDING_STATUSES)}")
    try:
        evidence_digest(document)
    except (TypeError, ValueError) as exc:   # a set, a date or another value JSON does not write; a circular one
        return f"it holds a value JSON cannot write ({exc})"
    return None


# the longest text a refusal names whole: a fingerprint or a digest (64 hex digits) is; a longer one is no value
# attestation() writes, and is named by its start, end and length (shown_value), as is a 400-digit total
_NAMED_WHOLE_UP_TO = 100


def _named(value: Any) -> str:
    """A value of the evidence (or of the invoice) in a refusal: text quoted whole up to :data:`_NAMED_WHOLE_UP_TO`
    characters, anything longer, and any number, as :func:`~client.shown.shown_value` shows it (cut short past 60
    characters), so that a document edited by hand to a 400-digit total does not make a refusal as long."""
    if isinstance(value, str) and len(value) <= _NAMED_WHOLE_UP_TO:
        return repr(value)
    return shown_value(value)


def _kind_of(value: Any) -> str:
    """How a misplaced value is named in a refusal: its JSON kind, with the value where it is short."""
    kind = {type(None): "null", bool: "a boolean", int: "a number", float: "a number", str: "text",
            list: "a list", dict: "a mapping"}.get(type(value), f"a {type(value).__name__}")
    return kind if isinstance(value, (list, dict)) or value is None else f"{kind} {shown_value(value)}"


def _refuse_a_tax_id_of_no_credit_code(invoice: Invoice, party: str) -> None:
    """ValueError when the invoice names ``party`` (seller or buyer) by no unified social credit code: the
    contract takes an attestation's tax ids as credit codes only (rule credit-code-invalid), so it would
    refuse one after connecting, whatever the sources said of a buyer with no tax id or a tax id of before
    2015."""
    tax_id = getattr(invoice, party).tax_id
    why = credit_code_problem(tax_id)
    if why is None:
        return
    if not tax_id:
        named = "has no tax id"
        advice = (f"have the invoice reissued with the {party}'s credit code" if party == "seller" else
                  "an invoice to a buyer without one (a person) backs no receivable, so there is nothing to "
                  "attest")
    else:
        named = f"has the tax id {tax_id!r}, which is no credit code: {why}"
        advice = ("a tax id of before 2015 (15 or 20 characters) is none: have the invoice reissued with the "
                  f"{party}'s credit code, or correct one misread or mistyped (recfin invoice verify names "
                  "it); then verify the invoice again and attest that")
    raise ValueError(f"{party}_tax_id: the {party} of invoice {invoice.number} {named} (rule "
                     "credit-code-invalid): the ledger attests only an invoice between parties named by "
                     f"their unified social credit code (统一社会信用代码, 18 characters); {advice}")


def _refuse_what_the_ledger_attests_no_invoice_as(invoice: Invoice) -> None:
    """ValueError for an invoice whose attestation the contract refuses by its identity or its date, with
    the contract's own checks in its order (``InvoiceAttestationRequest``'s number and code, then
    ``attestation.checked_fingerprint``, ``checked_issue_date``, ``checked_code_year`` and ``checked_number_year``): a
    number or code misread or mistyped fingerprints no invoice a registration can name, so even a failure attested
    of it would warn no bank, an invoice dated after today was not issued yet, one dated before its code's printing
    year was not issued on that form, and a 20-digit number opening with another year than its date's is no
    invoice issued on that date."""
    if (why := number_problem(invoice.number)) is not None:
        field, rule = "number", "invoice-number-invalid"
    elif (why := code_characters_problem(invoice.code) or identity_problem(invoice.code, invoice.number)
            or digitalised_year_problem(invoice.number)) is not None:
        field, rule = "code", "invoice-code-invalid"
    if why is not None:
        raise ValueError(f"{field}: {why} (rule {rule}): the ledger attests only an invoice it can "
                         "fingerprint; correct what was misread or mistyped (recfin invoice verify names "
                         "it), then verify the invoice again and attest that")
    if invoice.issue_date > (today := business_today()):
        raise ValueError(f"issue_date: invoice {invoice.number} is dated {invoice.issue_date}, after today "
                         f"{today} (China Standard Time), and the ledger attests an invoice only once issued "
                         "(rule invoice-date-in-future): give the date the invoice bears, or attest it from "
                         "that date on")
    if (why := code_year_problem(invoice.code, invoice.issue_date)) is not None:
        raise ValueError(f"code: {why} (rule invoice-code-invalid), then verify the invoice again and attest that")
    if (why := issue_year_problem(invoice.number, invoice.issue_date)) is not None:
        raise ValueError(f"number: {why} (rule invoice-code-invalid), then verify the invoice again and attest that")


def attest_verification(receivables: Any, invoice: Invoice, verification: SourceVerification, *,
                        attested_at: datetime | None = None, request_id: str | None = None,
                        reviewed: bool = False) -> LedgerAttestation:
    """Attest ``verification`` of ``invoice`` on the ledger through ``receivables`` (a ReceivablesClient).

    ``reviewed``: as :func:`attestation_request`.
    ``attested_at`` goes into the evidence document (default: now), an aware datetime
    (one without a time zone raises ValueError, nothing sent); the ledger
    records its own time, the transaction's. Pass the same ``request_id`` and
    ``attested_at`` on a retry so that it returns the first record. A call whose
    answer was lost (its error carries ``request_id``) keeps the document it sent
    on its error as ``evidence``, and a note names the ``attested_at`` to retry with
    (:func:`_keep_the_evidence`).
    """
    evidence = attestation(verification, attested_at)
    request = attestation_request(invoice, evidence, reviewed=reviewed)
    try:
        record = receivables.attest_invoice_verification(request, request_id=request_id)
    except BaseException as error:   # a cancellation or Ctrl-C too: it carries the request id as well
        _keep_the_evidence(error, evidence)
        raise
    return LedgerAttestation(evidence=evidence, record=record)


def _keep_the_evidence(error: BaseException, evidence: Attestation) -> None:
    """Keep on ``error`` the evidence document a call sent, where its answer was lost: the SDK names such a
    call's request id on its error (``error.request_id``) and says to call again with it. With the default
    ``attested_at`` (now) a call made again writes another document, whose other digest the contract refuses
    under that id once the first committed (``request-id-reused``), and the document whose digest the ledger
    then holds, the proof of the attestation, was nowhere but in this call. A refusal carries no request id:
    nothing of it was written."""
    request_id = getattr(error, "request_id", None)
    if request_id is None:
        return
    error.evidence = evidence
    attested_at = evidence.document["attested_at"]
    error.add_note(f"its evidence document is error.evidence (attested_at {attested_at}), whose digest the "
                   "ledger holds if it committed: call attest_verification again with "
                   f"request_id={request_id!r} and attested_at=datetime.fromisoformat({attested_at!r}), "
                   "which sends the same document; another attested_at sends another, refused "
                   "(request-id-reused) once the first committed")
