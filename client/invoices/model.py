"""The typed invoice model and the report of checks over it.

Money is integer fen (分). Quantities, unit prices and tax rates are ``Decimal``.
Amounts read from a file must have at most two decimal places: an amount such
as ``10.005`` is malformed, never rounded silently.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .. import invoice_limits
from ..shown import shown_value
from ..user_files import on_one_line

from .fingerprint import offset_identity_problem, paper_identity_problem


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Party(_Frozen):
    """A seller (销售方) or buyer (购买方) as printed on the invoice."""

    name: str
    tax_id: str = Field(description="taxpayer identification number; since 2015 the unified social credit code")


class InvoiceLine(_Frozen):
    """One item line (项目): amount and tax exclude each other, both in fen."""

    name: str
    spec: str | None = None
    unit: str | None = None
    quantity: Decimal | None = None
    unit_price: Decimal | None = None
    amount_fen: int
    tax_rate: Decimal = Field(description="a fraction: 0.06 for 6%; 0 for exempt (免税) and not taxed (不征税)")
    tax_fen: int
    deduction_fen: int | None = Field(default=None, description="扣除额 of a line taxed on the difference (差额征税): "
                                                                "its tax is (amount - deduction) x rate")


DEFAULT_MIN_CONFIDENCE = invoice_limits.DEFAULT_MIN_CONFIDENCE


class UnreviewedField(_Frozen):
    """A field of a scanned invoice flagged when it was read (:class:`~client.invoices.scan.ScanResult`) and not yet
    checked by a person: where it is (``lines[1].name``) and why it was flagged."""

    field: str
    reason: str


# How many flagged fields a refusal names, and the longest place or reason it names as written: the reader flags a
# few fields of an invoice, each with a reason of a sentence or a few (one naming why the page images could not be
# read, joined to the field's own reason, runs past 550 characters), and a hand-edited list may hold anything
_FLAGS_NAMED = 10
_FLAG_TEXT_LENGTH = 1000


def flagged_fields_named(flags: Sequence[tuple[object, object]]) -> str:
    """Flagged fields, each a place and why it was flagged, as a refusal names them (an invoice file's
    ``unreviewed`` list, :attr:`Invoice.unreviewed`): ``lines[1].name (low confidence 0.561 < 0.800); ...``, the
    first ten of a longer list and how many more."""
    named = "; ".join(f"{_flag_text(field)} ({_flag_text(reason)})" for field, reason in flags[:_FLAGS_NAMED])
    if len(flags) > _FLAGS_NAMED:
        named += f"; and {len(flags) - _FLAGS_NAMED} more"
    return named


def _flag_text(value: object) -> str:
    """A flagged field's place or reason as a refusal names it: text as the reader wrote it (``lines[1].name``,
    ``low confidence 0.561 < 0.800``), so a person finds it in the file and in the reading; anything else (no text,
    or text holding a character that does not print as itself, or longer than the reader writes) as every refused
    value is shown, quoted, escaped and cut short (:func:`~client.shown.shown_value`)."""
    if isinstance(value, str) and len(value) <= _FLAG_TEXT_LENGTH and on_one_line(value) == value:
        return value
    return shown_value(value)


class Invoice(_Frozen):
    """An electronic invoice in the one shape every reader produces.

    ``unreviewed`` lists the fields of a scan's reading flagged for a person (:func:`~client.invoices.read_scan`
    sets it); it is empty on an invoice read from a file, since every reader refuses a file whose ``unreviewed``
    list is not empty. A registration or attestation refuses an invoice that has any unless told they were
    reviewed, and so one read with ``min_confidence`` below :data:`DEFAULT_MIN_CONFIDENCE`, which flagged no field
    read with less: nothing says which of its fields a person should check."""

    number: str = Field(description="发票号码; 20 digits on a fully digitalised e-invoice, 8 on an older one")
    code: str = Field(default="", description="发票代码 (10 or 12 digits) of an invoice with an 8-digit number; "
                                              "empty on a fully digitalised e-invoice, which has none")
    paper_code: str = Field(default="", description="the paper form's 发票代码 on a fully digitalised e-invoice "
                                                    "delivered on paper (数电纸质发票); empty otherwise")
    paper_number: str = Field(default="", description="the paper form's 8-digit 发票号码 beside paper_code; "
                                                      "empty otherwise")
    original_number: str = Field(default="", description="of a red-letter (负数) invoice, the number of the blue "
                                                         "invoice it offsets (对应蓝字发票号码), as its remark names "
                                                         "it; empty where it names none")
    original_code: str = Field(default="", description="the 发票代码 of that invoice where its number is of 8 digits; "
                                                       "empty otherwise")
    issue_date: date
    seller: Party
    buyer: Party
    lines: tuple[InvoiceLine, ...]
    total_amount_fen: int = Field(description="合计金额, without tax")
    total_tax_fen: int = Field(description="合计税额")
    total_with_tax_fen: int = Field(description="价税合计")
    total_in_words: str | None = Field(default=None, description="价税合计（大写）, the total with tax in words "
                                                                 "(壹万壹仟叁佰圆整) as the file gives it; None where "
                                                                 "it gives none")
    currency: str = "CNY"
    kind: str | None = Field(default=None, description="e.g. 增值税专用发票 / 普通发票, when the file says")
    taxed_on_difference: bool = Field(default=False, description="the invoice says it is taxed on the difference "
                                                                 "(差额征税), whether or not it gives the deduction")
    unreviewed: tuple[UnreviewedField, ...] = Field(default=(), description="fields of a scan's reading flagged "
                                                    "for a person and not yet checked; empty on an invoice file's")
    min_confidence: float | None = Field(default=None, ge=0, le=1, allow_inf_nan=False, exclude=True,
                                         description="of an invoice read from a scan, the confidence its fields were "
                                                     "flagged below (read_scan's min_confidence); None on one read "
                                                     "from a file")
    source: str | None = Field(default=None, description="the file it was read from", exclude=True)

    @model_validator(mode="after")
    def _sound_paper_identity(self) -> Invoice:
        # a paper identity the ledger could not look up, or the contract would refuse, is refused where it is given
        if (problem := paper_identity_problem(self.code, self.number, self.paper_code, self.paper_number)) is not None:
            raise ValueError(problem[1])
        return self

    @model_validator(mode="after")
    def _sound_original(self) -> Invoice:
        # the invoice a red-letter invoice offsets is named as any invoice is, or not at all
        if self.original_code and not self.original_number:
            raise ValueError(f"original_code {self.original_code} without original_number: give the number of the "
                             "invoice it offsets too")
        if self.original_number and (problem := offset_identity_problem(
                self.original_code, self.original_number, self.code, self.number, self.paper_code,
                self.paper_number)) is not None:
            raise ValueError(problem)
        return self


Status = Literal["pass", "fail", "skipped"]


class Finding(_Frozen):
    """The outcome of one named check.

    ``skipped`` means the check could not run (its input was not given, e.g. no
    registered debtor); it never counts as a pass in :attr:`Report.skipped`.
    """

    check: str
    status: Status
    message: str
    details: dict[str, Any] = Field(default_factory=dict)


class Report(_Frozen):
    """Findings over one subject (an invoice, a match)."""

    subject: str
    findings: tuple[Finding, ...]

    @property
    def failed(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.status == "fail")

    @property
    def skipped(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.status == "skipped")

    @property
    def ok(self) -> bool:
        """No finding failed (skipped ones are listed, not failed)."""
        return not self.failed

    def finding(self, check: str) -> Finding:
        """The first finding of a check by name; ``KeyError`` if there is none."""
        for f in self.findings:
            if f.check == check:
                return f
        raise KeyError(check)

    def of(self, check: str) -> tuple[Finding, ...]:
        """Every finding of a check by name (per-line checks give one per line)."""
        return tuple(f for f in self.findings if f.check == check)
