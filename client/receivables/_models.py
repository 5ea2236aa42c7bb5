"""Typed documents of the receivables contract, field for field as the contract writes them.

Each model mirrors one JSON document the contract returns (the names match the
schemas it publishes through ``org.hyperledger.fabric:GetMetadata``) and refuses
fields it does not know, so a contract change shows up as an error rather than
as silently lost data. ``model.to_json()`` gives back the contract's JSON.

- Money is integer fen (``int``); ``to_yuan(fen)`` turns it into ``Decimal`` yuan.
- Business dates are ``datetime.date``; audit timestamps (``Action.at``,
  ``HistoryEntry.timestamp``) stay ISO 8601 strings exactly as written.
- Rates are ``Decimal`` (the contract sends decimal strings).

Requests (``PartyRegistration``, ``InvoiceInput``, ``GoodsReceiptReference``, ``ReceivableRegistration``,
``FinancingTerms``, ``DiscountOfferRequest``, ``ScaleTierIn``, ``InvoiceAttestationRequest``: each a
:class:`Request`) take amounts as int fen or Decimal yuan and rates as Decimal or decimal strings (a discount
offer's sent in one spelling per value, ``CanonicalRateIn``); floats raise ``TypeError``, negative amounts
``ValueError`` (the contract takes none). They are checked when built, on each assignment, and again as sent.
"""

from __future__ import annotations

import json
import re
import reprlib
import secrets
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Generic, Literal, Self, TypeVar

from pydantic import (BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, PrivateAttr, StrictBool,
                      StrictInt, StrictStr, SerializerFunctionWrapHandler, TypeAdapter, ValidationInfo,
                      field_validator, model_serializer, model_validator)
from pydantic_core import PydanticCustomError

from chaincode.receivables.errors import RuleViolation as ContractRuleViolation
from chaincode.receivables.fingerprint import (code_characters_problem, identity_problem, invoice_code_years_problem,
                                               issue_year_problem, number_problem, paper_identity_problem,
                                               paper_number_problem)
from chaincode.receivables.model import INVOICES_MAX, invoices_in_the_claims_currency
from chaincode.receivables.money import parse_currency

from ..business_dates import date_argument
from ..money import LEDGER_MAX_FEN, MAX_FEN, AboveCap, canonical_rate_text, rate_text, to_fen
from ..shown import shown_value
from .errors import NO_VERSION_ANSWERS, ArgumentRefused, ArgumentTypeRefused

Role = Literal["core_enterprise", "supplier", "financier", "regulator"]
Status = Literal["REGISTERED", "CONFIRMED", "REJECTED", "WITHDRAWN", "SPLIT", "FINANCED", "OVERDUE", "SETTLED"]
STATUSES: tuple[str, ...] = ("REGISTERED", "CONFIRMED", "REJECTED", "WITHDRAWN", "SPLIT", "FINANCED", "OVERDUE",
                             "SETTLED")
DayCount = Literal["ACT/360", "ACT/365"]


def _rate_as_written(value: Any, info: ValidationInfo) -> Any:
    # TypeError, which pydantic passes on unwrapped: a caller's number is a fault of the calling code. Named by
    # its field, as a reader of the contract's documents or events reports it as unreadable data.
    field = f"{info.field_name}: " if info.field_name else ""
    if isinstance(value, float):
        raise TypeError(f"{field}{value!r} is a float: money and rates are never floats")
    if isinstance(value, bool):
        raise TypeError(f"{field}{str(value).lower()} is a boolean: a rate is a decimal string (or a Decimal)")
    if isinstance(value, int):
        # the contract writes every rate as a decimal string: a whole JSON number was written by something else,
        # and read as a Decimal it would be written back as a string, no longer what was read
        raise TypeError(f"{field}{value!r} is a number: a rate is a decimal string (or a Decimal), e.g. \"{value}\"")
    # Decimal reads far more than the contract writes (any script's digits, spaces around, a sign, "1_0", ".05"):
    # "١" would be read as 1, a 100% rate, and "-0.05" could not be written back (rate_text). What no contract
    # version wrote is unreadable, as a date not written as the contract writes one is.
    if isinstance(value, str):
        why = ("ASCII digits, a point and more digits (\"0.045\"), or an earlier version's exponent form (\"5E-7\")"
               if not _RATE_AS_WRITTEN.fullmatch(value) else _unwritten(value))
        if why is not None:
            raise ValueError(f"{field}{reprlib.repr(value)} is not a rate as the contract writes one: {why}")
    return value


def _unwritten(rate: str) -> str | None:
    """Why ``rate`` could not be written back (``rate_text``: more digits than a rate has), or None."""
    try:
        rate_text(rate)
    except ValueError as exc:
        return str(exc)
    return None


_RATE_AS_WRITTEN = re.compile(r"[0-9]+(?:\.[0-9]+)?|[0-9](?:\.[0-9]+)?E-[0-9]{1,2}")
"""A rate as a contract writes it: fixed point (``chaincode.receivables.daycount``'s rate, and the 4 places of a
financed share), or ``str(Decimal)``'s exponent form of a small one, which a contract before 9555fad stored
(``5E-7``, ``0E-10``) and its events carry for good. No other exponent: ``1E999999999`` written back in fixed point
(``rate_text``) would be a gigabyte of zeros."""


Fen = Annotated[StrictInt, Field(description="integer fen")]
"""Integer fen in a document (floats refused)."""

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _date_as_written(value: Any, info: ValidationInfo) -> Any:
    # pydantic's date also takes a Unix timestamp (1780185600, as a number or as text) and a datetime
    # at midnight ("2026-05-31T00:00:00Z"), neither of which the contract writes: read as a day, such a
    # value could be one its writer did not mean (a timestamp's day is UTC's, the ledger's is China
    # Standard Time's), so a document holding one is unreadable instead. A datetime.date given in Python
    # passes; a datetime does not.
    if type(value) is date or (isinstance(value, str) and _ISO_DATE.fullmatch(value)):
        return value
    field = f"{info.field_name} " if info.field_name else ""
    raise ValueError(f"{field}{reprlib.repr(value)} is not a date as the contract writes one, YYYY-MM-DD")


BusinessDate = Annotated[date, BeforeValidator(_date_as_written)]
"""A business date in a document: ``YYYY-MM-DD`` text, as the contract writes it (a ``datetime.date`` in
Python), read as ``datetime.date``; anything else pydantic would take for a date is refused."""


def date_given(value: object, what: str) -> date:
    """``value``, a date argument of a call or a request (``what`` names it), as ``client.business_dates``'
    :func:`~client.business_dates.date_argument` takes it; its refusal of another type (a datetime, text, a number)
    an :class:`ArgumentTypeRefused` in the same words: nothing was sent. (``business_dates``, which the CLI and the
    pricing use too, does not import this package, of which it is a dependency.)"""
    try:
        return date_argument(value, what)
    except TypeError as wrong:
        raise ArgumentTypeRefused(str(wrong)) from None


def _date_given(value: Any, info: ValidationInfo) -> Any:
    # pydantic's date takes a number as a Unix timestamp, so issue_date=0 went out as 1970-01-01 and a timestamp of
    # a UTC midnight as that day, and a datetime at midnight as its own day, which is not the ledger's day of it
    # where it was written in UTC: a request's date is a datetime.date, or YYYY-MM-DD text (a JSON document's)
    what = info.field_name or "date"
    if not isinstance(value, str):
        return date_given(value, what)
    if _ISO_DATE.fullmatch(value):
        return value
    raise ValueError(f"{what} {reprlib.repr(value)} is not a date: give a datetime.date, or YYYY-MM-DD text")


DateIn = Annotated[date, BeforeValidator(_date_given)]
"""A date in a request: a ``datetime.date``, or ``YYYY-MM-DD`` text; a number (which pydantic reads as a Unix
timestamp), a datetime or any other text is refused, naming the field."""


RateValue = Annotated[Decimal, BeforeValidator(_rate_as_written),
                      PlainSerializer(rate_text, return_type=str, when_used="json")]
"""A rate: the contract writes decimal strings; Decimal here, the same string in JSON."""

AMOUNT_CAP = "amount_cap"
"""The validation context's key for the largest amount a request takes (default ``MAX_FEN``)."""


class AmountAboveCap(AboveCap, ArgumentRefused):
    """An amount to send above the cap the ledger takes: ``client.money``'s AboveCap, as callers catch it, and an
    argument this client refused, nothing sent."""


def fen_sent(amount: Any, what: str, *, cap: int = MAX_FEN) -> int:
    """``amount`` (int fen or Decimal yuan, :func:`client.money.to_fen`) as the fen sent to the receivables
    contract, which takes no negative amount: a negative one raises ValueError naming ``what``, before anything
    is sent. (``to_fen`` itself takes negatives: an invoice line can be one, a red-letter invoice or a discount.)
    Each refusal is the client's own, in ``to_fen``'s words: :class:`ArgumentTypeRefused`, :class:`ArgumentRefused`
    (:class:`AmountAboveCap` above ``cap``, an AboveCap too)."""
    try:
        fen = to_fen(amount, cap=cap)
    except AboveCap as above:
        raise AmountAboveCap(str(above)) from None
    except TypeError as wrong:   # a float, a bool, a str
        raise ArgumentTypeRefused(str(wrong)) from None
    except ValueError as wrong:  # not finite, fractions of a fen
        raise ArgumentRefused(str(wrong)) from None
    if fen < 0:
        unit = "fen" if isinstance(amount, int) else "yuan"
        raise ArgumentRefused(f"{what} is {amount} {unit}: the ledger takes no negative amount; give {what} without "
                         "a minus sign, in int fen or Decimal yuan")
    return fen


def _naming_the_field(check: Callable[..., Any]) -> Callable[[Any, ValidationInfo], Any]:
    """``check`` of a request's field, its TypeError opening with the field's name: pydantic passes a TypeError on as
    raised, without the field's path, so a float tax was refused as "amount 1.5 is a float" and a float
    discount_rate as "rate 0.05 is a float", naming no field of the request."""
    def checked(value: Any, info: ValidationInfo) -> Any:
        try:
            return check(value, info)
        except TypeError as wrong:
            field = info.field_name or ""
            if not field or str(wrong).startswith(field):
                raise
            raise ArgumentTypeRefused(f"{field}: {wrong}") from None
    return checked


@_naming_the_field
def _amount_in(value: Any, info: ValidationInfo) -> int:
    return fen_sent(value, info.field_name or "amount", cap=(info.context or {}).get(AMOUNT_CAP, MAX_FEN))


AmountIn = Annotated[int, BeforeValidator(_amount_in)]
"""An amount in a request: int fen or Decimal yuan (exact to the fen), not negative, at most ``MAX_FEN`` unless the
validation context names another cap (``AMOUNT_CAP``); floats raise TypeError."""

RateIn = Annotated[str, BeforeValidator(_naming_the_field(lambda value, _: rate_text(value)))]
"""A rate of financing terms: Decimal or decimal string, sent as a plain decimal string spelled as given. Terms
travel as transient data under a hash of their spelling, which acceptance and disbursement must repeat exactly
(``OfferTerms.as_request``), so no spelling is changed on the way."""

CanonicalRateIn = Annotated[str, BeforeValidator(_naming_the_field(lambda value, _: canonical_rate_text(value)))]
"""A rate in a transaction's arguments (a discount offer's): Decimal or decimal string, sent in the one spelling of
its value (``canonical_rate_text``), so that a retry with the same request id sends the same text whichever way
the rate was written."""


class Document(BaseModel):
    """A JSON document of the contract. Unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")

    def to_json(self) -> dict[str, Any]:
        """The document as the contract's JSON (dates and rates as strings)."""
        return self.model_dump(mode="json")


class Request(Document):
    """A document the client sends: checked when built, on each assignment, and again as it is sent.

    ``model_copy(update=...)`` validates nothing (pydantic's rule), so a copy could hold Decimal yuan where fen go,
    or a float: :meth:`to_json`, which every request is sent through, validates the request again as it stands,
    with its nested requests (:meth:`checked`), converting as when it was built. The check is idempotent: fen
    already converted stay fen, an int is never read as yuan again. A request nested in one being built is taken
    as it is (pydantic's default), so each is validated once when built, not once per level; the check as sent
    goes through them all."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    SENT_CAP: ClassVar[int] = MAX_FEN
    """The largest amount :meth:`checked` takes by default: a new record's."""

    def checked(self, *, cap: int | None = None) -> Self:
        """The request validated again as it stands, with the requests nested in it, amounts at most ``cap``
        (default :attr:`SENT_CAP`): Decimal yuan become fen; a float, bool or str amount raises TypeError, as
        when it was built."""
        cap = self.SENT_CAP if cap is None else cap
        fields = {name: _checked(value, cap) for name, value in self.__dict__.items()}
        checked = type(self).model_validate(fields, context={AMOUNT_CAP: cap})
        # the fields given stay the ones given: a copy of checked terms draws its salt as the original's would
        object.__setattr__(checked, "__pydantic_fields_set__", set(self.model_fields_set))
        return checked

    def to_json(self) -> dict[str, Any]:
        """The request as the contract's JSON, as sent: validated again first (:meth:`checked`)."""
        return Document.to_json(self.checked())


_LEAVES = frozenset({str, int, bool, Decimal, date, type(None)})
"""Types of field values holding no request (most of a request's), passed on as they are at once."""


def _checked(value: Any, cap: int) -> Any:
    """``value`` of a request's field as it stands, for :meth:`Request.checked` to validate again: a nested request
    as the fields it holds, validated with the rest in one pass; one of a subclass of another request (a
    GoodsReceipt read back, where a GoodsReceiptReference goes) checked on its own, for its field to take as that."""
    if type(value) in _LEAVES:
        return value
    if isinstance(value, Request):
        if Request in type(value).__bases__:
            fields = value.__dict__
            if all(type(item) in _LEAVES for item in fields.values()):
                return fields       # validated into a new request: never changed
            return {name: _checked(item, cap) for name, item in fields.items()}
        return value.checked(cap=cap)
    if isinstance(value, (list, tuple)):
        return type(value)(_checked(item, cap) for item in value)
    if isinstance(value, dict):
        return {key: _checked(item, cap) for key, item in value.items()}
    return value


# ---------------------------------------------------------------- common

class Action(Document):
    """Who did what, when, in which transaction: the last change of a document."""

    action: str
    by: str
    msp_id: str
    at: str
    tx_id: str


# ---------------------------------------------------------------- parties

class PartyRegistration(Request):
    uscc: str
    name: str
    role: Role
    msp_id: str
    client_ids: list[str] = Field(min_length=1)


class Party(Document):
    doc_type: Literal["party"] = "party"
    uscc: str
    name: str
    role: Role
    msp_id: str
    client_ids: list[str]
    registered: Action
    _write_tx_id: str | None = PrivateAttr(default=None)

    @property
    def tx_id(self) -> str:
        """The transaction that wrote this party: for the Party a write returns (``register_party``,
        ``bind_party_identity``, ``unbind_party_identity``) that write's, :attr:`write_tx_id`; for one read
        (``get_party``, ``who_am_i``, ``find_identity_party``) its registration's, ``registered.tx_id``: the record
        keeps no later change (``party_history`` lists every write)."""
        return self._write_tx_id or self.registered.tx_id

    @property
    def write_tx_id(self) -> str | None:
        """The transaction of the write that returned this Party; None for a Party read from the ledger. (The
        record keeps its registration only, so a bind or unbind returns ``registered`` unchanged.)"""
        return self._write_tx_id

    def written_in(self, tx_id: str) -> None:
        """Note the transaction of the write that returned this Party, as the Gateway named it."""
        self._write_tx_id = tx_id


# ---------------------------------------------------------------- receivables

def _identity_problem(code: str, number: str, paper_code: str, paper_number: str) -> str | None:
    """Why the contract refuses an invoice's code and number, or its paper identity (``paper_code``,
    ``paper_number``), in its words and order: each field's own form first (its ``number``, ``code``,
    ``paper_number`` and ``paper_code`` fields' rules), then code and number together (``identity_problem``), then
    the paper pair (``paper_identity_problem``: both or neither, beside a 20-digit number with no code)."""
    if (why := number_problem(number)) is not None:
        return why
    for field, given in (("code", code), ("paper_code", paper_code)):
        if given and (why := code_characters_problem(given)) is not None:
            return f"{field}: {why}"
    if (why := paper_number_problem(paper_number)) is not None:
        return f"paper_number: {why}"
    return identity_problem(code, number) or paper_identity_problem(code, number, paper_code, paper_number)


class InvoiceInput(Request):
    number: str = Field(description="发票号码: 20 digits on a fully digitalised e-invoice, 8 on an older one")
    code: str = Field(default="", description="发票代码 of an invoice with an 8-digit number; empty for a fully "
                                              "digitalised e-invoice")
    date: DateIn
    amount: AmountIn = Field(description="amount excluding tax (合计金额), fen")
    tax: AmountIn = Field(description="tax (合计税额), fen")
    seller_tax_id: str
    buyer_tax_id: str
    currency: str = Field(default="CNY", description="the currency of amount and tax (a VAT invoice's is CNY); "
                                                     "the registration's currency must be its invoices'")
    paper_code: str = Field(default="", description=(
        "of a fully digitalised e-invoice delivered on paper (数电纸质发票): the paper form's 发票代码, with "
        "paper_number; the contract then holds the invoice under both identities. Only with a 20-digit number "
        "and no code; empty (the default): none"))
    paper_number: str = Field(default="", description="the paper form's 8-digit 发票号码, with paper_code")

    @field_validator("number", "date")
    @classmethod
    def _number_of_its_issue_year(cls, value: Any, info: ValidationInfo) -> Any:
        # the client's check before a registration (number.code of client.invoices.checks): the contract takes
        # no date on trust, so it cannot refuse a code and number run together whose first digits pass for a
        # year. A field's validator, not the model's: a refused assignment leaves the invoice as it was.
        number, day = ((value, info.data.get("date")) if info.field_name == "number"
                       else (info.data.get("number"), value))
        if isinstance(number, str) and isinstance(day, date) and \
                (why := issue_year_problem(number.strip(), day)) is not None:
            raise ValueError(f"invoice dated {day.isoformat()}: {why}")
        return value

    @model_validator(mode="after")
    def _identity_and_code_years(self, info: ValidationInfo) -> Self:
        # The contract's checks of the invoice's code and number, its paper identity (数电纸质发票) and the years
        # its code and paper code were printed in, in its words, when the invoice is built and again as it is
        # sent (Request.checked), so that a mistake is told before an endorser refuses it. Not on an assignment,
        # where pydantic names the field assigned (in a request holding invoices, the field holding them, which is
        # none of an invoice's): paper_code and paper_number, or code and number, are given one after the other,
        # and a pair is whole only once both are.
        if info.field_name in type(self).model_fields:
            return self
        if (why := _identity_problem(self.code, self.number, self.paper_code, self.paper_number)) is not None:
            raise ValueError(why)
        if (why := invoice_code_years_problem(self.code, self.paper_code, self.date)) is not None:
            raise ValueError(why)
        return self

    @model_serializer(mode="wrap")
    def _currency_when_not_cny(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # CNY is the contract's default: a CNY invoice goes out as before invoices carried a currency, which a
        # contract of that time (refusing fields it does not know) still takes
        data = handler(self)
        if data.get("currency") == "CNY":
            del data["currency"]
        # so is one naming no paper identity
        for field in ("paper_code", "paper_number"):
            if data.get(field) == "":
                del data[field]
        return data


class Invoice(Document):
    number: str
    code: str = ""
    date: BusinessDate
    amount: Fen
    tax: Fen
    seller_tax_id: str
    buyer_tax_id: str
    currency: str = "CNY"
    fingerprint: str
    paper_code: str = ""
    """The paper form's 发票代码 of a fully digitalised e-invoice delivered on paper (数电纸质发票); "" where the
    registration named none, as on every invoice registered before the contract took one."""
    paper_number: str = ""
    """The paper form's 8-digit 发票号码, with ``paper_code``."""
    paper_fingerprint: str = ""
    """The fingerprint of the paper identity, under which the invoice registry holds the invoice too
    (``find_invoice`` answers it)."""

    @model_serializer(mode="wrap")
    def _paper_identity_when_named(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # as the contract writes it: without the paper fields where the registration named no paper identity
        data = handler(self)
        for field in ("paper_code", "paper_number", "paper_fingerprint"):
            if data.get(field) == "":
                del data[field]
        return data


class GoodsReceiptPartReference(Request):
    """What a registration says of a delivery invoiced in several invoices, its claim being for one part of it: the
    receipt's whole value. The contract counts the part's share itself, from the registration's invoices."""

    received: AmountIn = Field(description="the whole receipt's value: every quantity received at the unit price of "
                                           "its purchase order line, without tax, fen; every part of one receipt "
                                           "gives the same")


class GoodsReceiptPart(Document):
    """A claim's part of a delivery invoiced in parts, as the contract recorded it at registration: for the debtor
    to compare with its own receipt, and the running total, before it confirms."""

    received: Fen = Field(description="the whole receipt's value the registration gave, fen without tax")
    invoiced: Fen = Field(description="this claim's share: the sum of its invoices' amount (合计金额, without tax), "
                                      "as the contract counted it")
    invoiced_before: Fen | None = Field(
        default=None, description="what the receipt's live parts invoiced at this part's registration, fixed "
                                  "then (a part ended since still counts in it); None: not recorded, on a "
                                  "part registered by the contract of e813413, the first with parts")


class GoodsReceiptReference(Request):
    """A goods receipt (入库单) the claim is for: the buyer's purchase order and receipt numbers, as its documents
    give them, and, for a delivery invoiced in parts, the claim's ``part`` of it. The contract keys it with the
    debtor's credit code, and refuses a receipt another live claim lists, except further parts of a receipt
    registered in parts, up to its received value. A number holding a character other than printable ASCII or a
    CJK ideograph is sent as given: the contract takes one only for a receipt its registry holds under that
    spelling (registered before the rule), which the client cannot see, and refuses it otherwise
    (``goods-receipt-invalid``)."""

    po_number: str = Field(description="采购订单号, as the buyer's order gives it")
    receipt_number: str = Field(description="入库单号, as the buyer's receipt gives it")
    part: GoodsReceiptPartReference | None = Field(default=None, description=(
        "for a claim on one part of a delivery invoiced in parts, the receipt's whole value; only in a registration "
        "listing this one receipt. None: the claim is for the whole receipt"))

    @model_validator(mode="before")
    @classmethod
    def _reference_of_a_receipt_read(cls, data: Any) -> Any:
        # a receipt read back from a claim (GoodsReceipt, a subclass) goes into a new registration as the reference
        # it holds: its numbers and, for a part, the receipt's whole value; what the contract recorded (receipt_key,
        # the part's invoiced amounts) is the contract's to count again, not the client's to send
        if not isinstance(data, GoodsReceiptReference) or type(data) is cls or not issubclass(type(data), cls):
            return data
        fields = {name: getattr(data, name) for name in cls.model_fields}
        part = fields.get("part")
        if part is not None and not isinstance(part, GoodsReceiptPartReference):
            fields["part"] = {"received": part.received}
        return fields

    @model_serializer(mode="wrap")
    def _part_when_given(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # none is the contract's default: a receipt registered whole goes out, and is read, as before receipts
        # could be invoiced in parts, which a contract of that time (refusing fields it does not know) still takes
        data = handler(self)
        if "part" in data and data["part"] is None:
            del data["part"]
        return data


class GoodsReceipt(GoodsReceiptReference):
    part: GoodsReceiptPart | None = Field(default=None, description=(
        "the claim's part of a delivery invoiced in parts: received, invoiced and invoiced_before, as the contract "
        "recorded them; None: the claim is for the whole receipt"))
    receipt_key: str = Field(description="the registry's key: sha256 of [recfin-goods-receipt-v1, debtor, PO number, "
                                         "receipt number] as JSON, the numbers' ASCII letters in capitals, or the "
                                         "key an earlier contract held the receipt under, its numbers as sent")


class ReceivableRegistration(Request):
    debtor: str
    face_amount: AmountIn
    currency: str = "CNY"
    issue_date: DateIn
    due_date: DateIn
    invoices: list[InvoiceInput] = Field(
        min_length=1, max_length=INVOICES_MAX,
        description=f"the invoices the claim is for, at most {INVOICES_MAX}: the contract refuses more "
                    "(argument-invalid), so a longer list is refused before it is sent")
    contract_hash: str
    goods_receipts: list[GoodsReceiptReference] = Field(
        default_factory=list, max_length=100,
        description="the goods receipts the claim is for, with part for a claim on one part of a delivery invoiced "
                    "in parts; a receipt backs one claim, or one claim per part, until that claim is rejected or "
                    "withdrawn")

    @model_serializer(mode="wrap")
    def _receipts_when_listed(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # none is the contract's default: a registration listing none goes out as before registrations could list
        # them, which a contract of that time (refusing fields it does not know) still takes
        data = handler(self)
        if not data.get("goods_receipts"):
            data.pop("goods_receipts", None)   # absent already where include=, exclude= or exclude_* left it out
        return data


class Payment(Document):
    amount: Fen
    payee: str
    payee_role: Literal["holder", "financier"]
    date: BusinessDate
    tx_id: str
    late: StrictBool = False
    method: Literal["payment", "dynamic-discount", "repayment"] = "payment"
    discount: Fen = 0


class FreezeOrder(Document):
    order_reference: str
    by: str
    date: BusinessDate
    tx_id: str


class FreezeLifting(Document):
    """The order that last lifted a freeze order of the claim (``Receivable.last_unfreeze``) and the freeze order it
    lifted (the one in effect, or a queued one)."""

    order_reference: str
    lifted: str
    by: str
    date: BusinessDate
    tx_id: str


class Receivable(Document):
    doc_type: Literal["receivable"] = "receivable"
    id: str
    status: Status
    debtor: str
    debtor_msp: str
    creditor: str
    holder: str
    holder_msp: str
    face_amount: Fen
    outstanding: Fen
    currency: str
    issue_date: BusinessDate
    due_date: BusinessDate
    invoices: list[Invoice] = Field(default_factory=list)
    contract_hash: str
    goods_receipts: list[GoodsReceipt] = Field(default_factory=list)    # on the root; a record before them: none
    root_id: str
    parent_id: str | None = None
    children: list[str] = Field(default_factory=list)
    confirmed_on: BusinessDate | None = None
    rejection_reason: str | None = None
    withdrawn_on: BusinessDate | None = None        # its creditor withdrew it while REGISTERED (``withdraw``)
    withdrawal_reason: str | None = None
    financing_id: str | None = None
    financier: str | None = None
    financier_msp: str | None = None
    notice_id: str | None = None
    payments: list[Payment] = Field(default_factory=list)
    overdue_since: BusinessDate | None = None
    frozen: FreezeOrder | None = None               # the order in effect: set while any order binds the claim
    queued_freezes: list[FreezeOrder] = Field(default_factory=list)   # later orders (轮候冻结), oldest first
    last_unfreeze: FreezeLifting | None = None     # never unfrozen, or unfrozen before liftings were kept: None
    last: Action

    @model_validator(mode="before")
    @classmethod
    def _invoices_in_the_claims_currency(cls, data: Any) -> Any:
        # read as the contract reads them, by its own function (a stored result replayed for a request id, say,
        # still lacks the currency its invoices were registered in)
        return invoices_in_the_claims_currency(data)

    @property
    def tx_id(self) -> str:
        """The transaction of the last change."""
        return self.last.tx_id


class TransferResult(Receivable):
    """The receivable transferred or split; on a split, the two children (``<id>.1`` moved, ``<id>.2`` kept)."""

    children_records: list[Receivable] = Field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        data = super().to_json()
        if "children_records" not in self.model_fields_set:  # a whole transfer returns the receivable alone
            del data["children_records"]
        return data


class Allocation(Document):
    receivable_id: str
    amount: Fen
    payee: str
    outstanding: Fen


class PaymentResult(Receivable):
    """The receivable paid against, with where each fen went (one allocation per leaf paid)."""

    allocations: list[Allocation]
    _payment_tx_id: str | None = PrivateAttr(default=None)
    _tx_id_unread_because: str | None = PrivateAttr(default=None)

    @property
    def tx_id(self) -> str | None:  # type: ignore[override]
        """The payment's transaction. A claim not split is paid itself, so its last change is the payment
        (``last.tx_id``). A split claim is paid through its leaves and keeps the split as its last change, so its
        payment's transaction is the one its request record names: ``record_payment`` reads it, as does
        ``RequestRecord.typed_result``. None for a split claim's result read otherwise, or when that read failed
        after the payment committed (``request(request_id).tx_id`` names it; the ``PaymentRecorded`` event carries
        it too)."""
        return self._payment_tx_id if self.status == "SPLIT" else self.last.tx_id

    def recorded_in(self, tx_id: str) -> None:
        """Note the transaction that recorded the payment, as a request record names it."""
        self._payment_tx_id = tx_id

    @property
    def tx_id_unread_because(self) -> str | None:
        """Why :attr:`tx_id` is None after ``record_payment`` on a split claim: the reading of the request record
        failed (the payment committed all the same). None when it was read, or not needed."""
        return self._tx_id_unread_because

    def tx_id_unread(self, because: str) -> None:
        self._tx_id_unread_because = because


# ---------------------------------------------------------------- financing

def new_salt() -> str:
    """A fresh salt for financing terms: 32 random hex characters."""
    return secrets.token_hex(16)


class FinancingTerms(Request):
    """A bank's commercial terms (private data; the public offer keeps their hash).

    ``salt`` defaults to 32 random hex characters so the hash cannot be found by
    guessing the few likely terms. Keep the terms: the disbursement must pass
    exactly these again (or read them back with ``get_offer_terms``).

    One salt serves one offer: a holder reads its own offer's terms in clear, so the same salt in another holder's
    offer would let it find that offer's terms by hashing guesses against the public ``terms_hash``. A copy with
    changes (``model_copy(update=...)`` not naming ``salt``) is new terms and draws a fresh salt, unless the salt was
    given explicitly; ``make_offer`` refuses a salt its client already sent in an offer on another financing.
    """

    # terms repeated at acceptance and disbursement may hold fees stored under the earlier cap; a new offer's are
    # held to MAX_FEN by make_offer before anything is read or sent
    SENT_CAP: ClassVar[int] = LEDGER_MAX_FEN

    advance_rate: RateIn
    discount_rate: RateIn
    fees: AmountIn = 0
    recourse: StrictBool   # the contract refuses anything but true/false; refuse "yes" here, before signing
    day_count: DayCount = "ACT/360"
    expires_on: DateIn
    salt: str = Field(default_factory=new_salt, min_length=16, max_length=128)

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy; one with changes draws a fresh salt unless ``update`` names one or the salt was given
        explicitly (changed terms are another offer's, see the class)."""
        drawn = bool(update) and "salt" not in (update or {}) and "salt" not in self.model_fields_set
        if drawn:
            update = {**(update or {}), "salt": new_salt()}
        copy = super().model_copy(update=update, deep=deep)
        if drawn:
            copy.__pydantic_fields_set__.discard("salt")    # drawn as the default is: a later copy draws again
        return copy

    def transient(self) -> dict[str, bytes]:
        """The transient map the contract expects: the terms as JSON under ``terms``, as sent (:meth:`to_json`)."""
        return {"terms": json.dumps(self.to_json(), sort_keys=True, separators=(",", ":")).encode("utf-8")}


class OfferTerms(Document):
    """Terms as ``GetOfferTerms`` returns them."""

    advance_rate: RateValue
    discount_rate: RateValue
    fees: Fen = 0                    # the contract's defaults: a reader takes any terms its schema allows
    recourse: StrictBool
    day_count: DayCount = "ACT/360"
    expires_on: BusinessDate
    salt: str

    def as_request(self) -> FinancingTerms:
        """The same terms, to pass to a disbursement."""
        # held to the cap of the offer's day, as the contract holds terms repeated at disbursement: fees an offer
        # stored under the earlier cap still go back exactly as they are
        return FinancingTerms.model_validate(self.to_json(), context={AMOUNT_CAP: LEDGER_MAX_FEN})


class Disbursement(Document):
    """A disbursed financing's private record of the advance, as ``GetDisbursement`` returns it (the holder,
    the bank and the regulator read it): amounts in fen, computed from the accepted terms on the day of
    disbursement."""

    doc_type: Literal["disbursement"] = "disbursement"
    financing_id: str
    receivable_id: str
    outstanding: Fen = Field(description="what the debtor still owed on the claim: the amount advanced "
                                         "against")
    principal: Fen = Field(description="outstanding x advance rate")
    interest: Fen = Field(description="principal x discount rate x days / basis")
    fees: Fen
    net_amount: Fen = Field(description="principal - interest - fees: what the holder received")
    days: StrictInt
    day_count: DayCount
    disbursed_on: BusinessDate
    due_date: BusinessDate
    salt: str = Field(default="", description="the accepted terms' salt (empty on a disbursement recorded "
                      "before disbursements were salted)")


class RecourseDemand(Document):
    """One demand of the bank that the holder take the claim back (``demand_recourse``), as the financing keeps it."""

    on: BusinessDate
    reason: str
    # what the debtor still owed on the claim then, its currency, the demand's transaction: None only on a demand
    # recorded by the first contract with DemandRecourse, which kept the day and the reason alone
    outstanding: Fen | None = None
    currency: str | None = None
    tx_id: str | None = None


class Financing(Document):
    doc_type: Literal["financing"] = "financing"
    id: str
    receivable_id: str
    holder: str
    holder_msp: str
    status: Literal["REQUESTED", "ACCEPTED", "DISBURSED", "REPAID", "WITHDRAWN", "CANCELLED", "RECOURSED"]
    requested_on: BusinessDate
    accepted_offer_id: str | None = None
    financier: str | None = None
    financier_msp: str | None = None
    collection: str | None = None
    terms_hash: str | None = None
    disbursed_on: BusinessDate | None = None
    disbursement_hash: str | None = None
    notice_id: str | None = None
    repaid_on: BusinessDate | None = None
    cancelled_on: BusinessDate | None = None
    cancellation_reason: str | None = None
    recourse_on: BusinessDate | None = None       # RECOURSED: the bank took the advance back from the holder
    recourse_reason: str | None = None
    # every demand that the holder take the claim back (the financing stays DISBURSED), in order, one a day at most
    recourse_demands: list[RecourseDemand] = Field(default_factory=list)
    last: Action

    @property
    def latest_recourse_demand(self) -> RecourseDemand | None:
        """The bank's latest demand of recourse (the last of ``recourse_demands``); None before the first."""
        return self.recourse_demands[-1] if self.recourse_demands else None
    @property
    def tx_id(self) -> str:
        return self.last.tx_id


class Offer(Document):
    doc_type: Literal["offer"] = "offer"
    id: str
    financing_id: str
    receivable_id: str
    financier: str
    financier_msp: str
    collection: str
    terms_hash: str
    # private (get_offer_terms): only an offer an earlier contract made shows one
    expires_on: BusinessDate | None = None
    status: Literal["OPEN", "ACCEPTED", "LAPSED", "WITHDRAWN"]
    made_on: BusinessDate
    withdrawn_on: BusinessDate | None = None      # WITHDRAWN: the bank took it back while it was open
    withdrawal_reason: str | None = None
    last: Action

    @model_serializer(mode="wrap")
    def _no_private_expiry(self, handler: Any) -> dict[str, Any]:
        doc = handler(self)
        if doc.get("expires_on") is None:   # as the contract writes it: no key for a private expiry
            doc.pop("expires_on", None)
        return doc

    @property
    def tx_id(self) -> str:
        return self.last.tx_id


class AssignmentNotice(Document):
    """债权转让通知: tells the debtor to pay the financier at maturity."""

    doc_type: Literal["notice"] = "notice"
    id: str
    receivable_id: str
    financing_id: str
    debtor: str
    assignor: str
    financier: str
    text: str
    issued_on: BusinessDate
    status: Literal["ISSUED", "ACKNOWLEDGED", "RELEASED"]
    acknowledged_on: BusinessDate | None = None
    # RELEASED: recourse gave the claim back; the debtor pays the holder
    released_on: BusinessDate | None = None
    last: Action

    @property
    def tx_id(self) -> str:
        return self.last.tx_id


# ---------------------------------------------------------------- dynamic discounting

class ScaleTier(Document):
    min_days_early: StrictInt
    apr: RateValue


class ScaleTierIn(Request):
    min_days_early: StrictInt
    apr: CanonicalRateIn


class DiscountOfferRequest(Request):
    """An early-payment offer: exactly one of ``apr`` (flat) or ``scale`` (tiers)."""

    apr: CanonicalRateIn | None = None
    scale: list[ScaleTierIn] | None = None
    day_count: DayCount = "ACT/360"
    expires_on: DateIn
    receivable_ids: list[str] = Field(default_factory=list, description="empty: every confirmed payable of the debtor")


class DiscountOffer(Document):
    doc_type: Literal["discount_offer"] = "discount_offer"
    apr: RateValue | None = None
    scale: list[ScaleTier] | None = None
    day_count: DayCount = "ACT/360"
    expires_on: BusinessDate
    receivable_ids: list[str] = Field(default_factory=list)   # empty: every confirmed payable of the debtor
    id: str
    debtor: str
    debtor_msp: str
    status: Literal["OPEN", "WITHDRAWN"]
    published_on: BusinessDate
    withdrawn_on: BusinessDate | None = None
    last: Action

    @property
    def tx_id(self) -> str:
        return self.last.tx_id


# ---------------------------------------------------------------- invoice verification attestations

Outcome = Literal["pass", "fail"]


def _without_empty_sources_skipped(document: dict[str, Any]) -> dict[str, Any]:
    """An attestation's JSON as the contract writes it: ``sources_skipped`` only where it lists some."""
    if not document["sources_skipped"]:
        del document["sources_skipped"]
    return document


class InvoiceAttestationRequest(Request):
    """What a bank attests about an invoice: the values verified, the sources asked, the outcome,
    the evidence's digest.

    ``from_evidence`` builds it from the canonical verification document
    (``client.invoices.attestation``), so the ledger record says exactly what the document says.
    With ``require_attestation`` on, a registration counts a passing attestation only for an invoice with the
    same buyer, date and amount + tax.
    """

    seller_tax_id: str
    code: str = Field(default="", description="发票代码; empty for a fully digitalised e-invoice")
    number: str
    fingerprint: str = Field(description="the invoice fingerprint; the contract computes it again and refuses a "
                                         "mismatch")
    buyer_tax_id: str = Field(description="the buyer's credit code, as verified")
    issue_date: DateIn = Field(description="the invoice's date, as verified")
    total_with_tax: AmountIn = Field(description="价税合计 (amount + tax) as verified, fen")
    sources: list[str] = Field(min_length=1)
    sources_skipped: list[str] = Field(default_factory=list,
                                       description="the sources asked that held nothing of the invoice or its parties")
    outcome: Outcome
    evidence_digest: str = Field(description="SHA-256 hex of the canonical verification document")

    @field_validator("sources", "sources_skipped")
    @classmethod
    def _each_source_once(cls, sources: list[str]) -> list[str]:
        # the contract refuses a name given twice (argument-invalid): refused here, before anything is signed
        twice = sorted({s for s in sources if sources.count(s) > 1})
        if twice:
            raise ValueError(f"names {', '.join(twice)} more than once: name each source asked once")
        return sources

    @model_validator(mode="after")
    def _checked_or_skipped(self) -> "InvoiceAttestationRequest":
        # the contract refuses a source named in both (argument-invalid)
        both = [s for s in self.sources if s in self.sources_skipped]
        if both:
            raise ValueError(f"{', '.join(both)} is named both in sources (it checked the invoice) and in "
                             "sources_skipped (it held nothing of it): name a source that answered in sources alone")
        return self

    def to_json(self) -> dict[str, Any]:
        """As sent: without ``sources_skipped`` where it is empty, which a contract before the field refuses."""
        return _without_empty_sources_skipped(super().to_json())

    @classmethod
    def from_evidence(cls, document: dict[str, Any], digest: str) -> "InvoiceAttestationRequest":
        """The request for a verification document (``client.invoices.attestation``, ``kind``
        ``recfin.invoice-verification/2``) and its digest."""
        from client.invoices.sources import ATTESTATION_KIND  # the documents come from there; imported when used

        if document.get("kind") != ATTESTATION_KIND:
            raise ValueError(f"not an invoice verification document of kind {ATTESTATION_KIND}: kind "
                             f"{document.get('kind')!r} (verify the invoice again to make one)")
        return cls(seller_tax_id=document["seller_tax_id"], code=document["invoice_code"],
                   number=document["invoice_number"], fingerprint=document["fingerprint"],
                   buyer_tax_id=document["buyer_tax_id"], issue_date=date.fromisoformat(document["issue_date"]),
                   total_with_tax=document["total_with_tax_fen"], sources=list(document["sources"]),
                   sources_skipped=list(document.get("sources_skipped") or []),
                   outcome=document["outcome"], evidence_digest=digest)


class InvoiceAttestation(Document):
    """An attestation on the ledger: the request, who attested (party, role, MSP) and when (the transaction time)."""

    doc_type: Literal["invoice_attestation"] = "invoice_attestation"
    seller_tax_id: str
    code: str = ""     # 发票代码; empty for a fully digitalised e-invoice
    number: str
    fingerprint: str
    # None on a record written before attestations carried the values verified (it matches no registration)
    buyer_tax_id: str | None = None
    issue_date: BusinessDate | None = None
    total_with_tax: Fen | None = None
    sources: list[str]
    # empty, and left out of the contract's JSON, where no source asked held nothing of the invoice
    sources_skipped: list[str] = Field(default_factory=list)
    outcome: Outcome
    evidence_digest: str
    id: str
    attester: str
    attester_role: Role
    attested: Action

    def to_json(self) -> dict[str, Any]:
        """The attestation as the contract's JSON, exactly: without ``sources_skipped`` where it had none."""
        return _without_empty_sources_skipped(super().to_json())

    @property
    def passed(self) -> bool:
        return self.outcome == "pass"

    @property
    def tx_id(self) -> str:
        return self.attested.tx_id


class ListedAttestation(InvoiceAttestation):
    """An attestation as ``invoice_attestations`` lists it, with ``not_counted_reason``: why no registration counts
    it as its attester's word, None where one may, and from a contract before the field. A pass nothing its
    attester wrote shows is its own (no write of its attester's ``recfin.attestation-last`` entry names it, the
    attester has no entry, or the answering peer's history holds no write of it: an earlier contract version's
    record or one two other orgs wrote in its name) counts against a registration but backs none, as does one
    recorded before attestations carried the values verified; a failure so written still refuses a registration,
    since nothing tells it from its attester's own, and the reason says so. What depends on the registration (who
    registers it, when) a refusal names."""

    not_counted_reason: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The attestation as the contract's JSON, exactly: without ``not_counted_reason`` where the answer had none
        (a contract before the field, or the list answer)."""
        document = super().to_json()
        if "not_counted_reason" not in self.model_fields_set:
            del document["not_counted_reason"]
        return document

    @property
    def counted(self) -> bool:
        """Whether a registration may count it as its attester's word (as far as the answer tells). A failure not
        so counted still refuses a registration: its ``not_counted_reason`` says so."""
        return self.not_counted_reason is None


# ---------------------------------------------------------------- queries

class HistoryEntry(Document):
    tx_id: str
    timestamp: str
    is_delete: StrictBool
    action: str | None = None
    by: str | None = None
    msp_id: str | None = None
    status: Status | None = None
    holder: str | None = None
    outstanding: Fen | None = None
    financing_id: str | None = None     # the financing after this write: a cancelled or recoursed one's only record
    financier: str | None = None
    frozen: StrictBool | None = None
    freeze_order: str | None = None     # the order frozen under after this write
    queued_orders: list[str] = Field(default_factory=list)    # the orders queued behind it, oldest first
    lifting_order: str | None = None    # on the UnfreezeReceivable write: the order that lifted the freeze


class PartyHistoryEntry(Document):
    """One write of a party record (``party_history``): the transaction, when, and the org, the name, the role and
    the identities the record named after it (a renamed party's former names are those of its earlier writes; a
    bind or an unbind changes ``client_ids``). No transaction changes a party's role: a write that does was made
    outside the contract, by the party's own org, whose peer alone endorses changes of its parties' records."""

    tx_id: str
    timestamp: str
    is_delete: StrictBool
    msp_id: str | None = None
    name: str | None = None     # absent from a contract older than the field, and on a delete
    role: str | None = None     # as name
    client_ids: list[str] | None = None     # as name


class InvoiceLookup(Document):
    """Whether an invoice fingerprint is used, by which root receivable, and whether that claim is still live."""

    fingerprint: str
    used: StrictBool
    receivable_id: str | None
    live: StrictBool


class ContractSettingsView(Document):
    """The contract's rules as the peer's chaincode server holds them (GetContractSettings), each unset one with the
    value the contract applies in its stead: what a registration is held to before it is sent."""

    max_payment_term_days: int | None = Field(default=..., ge=1,
                                              description="the longest span from a claim's issue date (or its "
                                                          "earliest invoice's date when earlier) to its due date; "
                                                          "None: one calendar year")
    payment_term: str = Field(description="the maximum payment term in words, as a refusal names it")
    require_attestation: StrictBool
    attestation_sources: list[str] = Field(description="sources a passing attestation must name; empty: any")
    max_attestation_age_days: int | None = Field(description="as configured; None: the default")
    attestation_age_limit_days: int = Field(description="the limit applied: max_attestation_age_days or its default")
    attesting_roles: list[str]
    config_digest: str = Field(description="sha256 hex of the configuration; the chaincode definition's version "
                                           "names its first 12 digits (1.0+cfg.<12 hex>)")


class IdentityParty(Document):
    """The party a client identity acts for (``party``), or None when it acts for none: never bound, unbound, or
    named by a binding its party's record does not list. ``bound_to``: the credit code its binding names all the
    same (None: no binding, or one whose value is no credit code); with ``party`` None, a ``bound_to`` shows a
    binding and a record that disagree. ``held_by``: the other orgs whose key-level policy holds its binding key
    (None: none does); its org can neither write nor delete that binding, so an unbind does not count it as an
    identity left to act for the party."""

    msp_id: str
    client_id: str
    party: Party | None
    bound_to: str | None
    held_by: list[str] | None = None   # absent from a contract older than the field: none known


class ReceivableSummary(Document):
    id: str
    status: Status
    holder: str
    face_amount: Fen
    outstanding: Fen
    parent_id: str | None


class ProvenanceNode(ReceivableSummary):
    """A claim of the tree below the one asked about. One the caller may not read (``get_receivable`` would be
    refused: a part passed on to another holder, say) is ``redacted``: its ``status``, ``holder`` and amounts are
    None, its ``id``, ``parent_id`` and ``children`` are given."""

    status: Status | None
    holder: str | None
    face_amount: Fen | None
    outstanding: Fen | None
    children: list[ProvenanceNode]
    children_omitted: StrictBool = False
    """True (children empty) on a node whose children are not in this answer: one 64 levels below the one asked
    about (a lineage split deeper before the contract limited splits), or one whose children would take the
    answer past 500 parts, read level by level. ``provenance(node.id)`` answers the parts below."""
    redacted: StrictBool = False
    """True on a node the caller may not read: only where it lies in the tree is shown."""

    @model_serializer(mode="wrap")
    def _flags_only_when_true(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # the contract writes each flag only on the node it is true of
        data = handler(self)
        for flag in ("children_omitted", "redacted"):
            if not data.get(flag):
                data.pop(flag, None)
        return data


class ProvenanceAncestor(ReceivableSummary):
    """A claim the one asked about was split from. One the peer that answered cannot read is ``redacted``: its
    ``status``, ``holder`` and amounts are None, its key in ``unreadable`` or ``newer_version``. Unread, its
    record does not tell its parent: ``parent_id`` is then the claim its id extends (``<parent>.<n>``) that lists
    it among its children, None where none does (``parent_unknown``: the ancestors end there, short of the
    root) or where its id is a root's."""

    status: Status | None
    holder: str | None
    face_amount: Fen | None
    outstanding: Fen | None
    redacted: StrictBool = False
    """True on an ancestor the peer cannot read: only where it lies in the chain is shown."""
    parent_unknown: StrictBool = False
    """True on a redacted ancestor whose parent could not be told: the ancestors end at it."""

    @model_serializer(mode="wrap")
    def _flags_only_when_true(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # the contract writes each flag only on the ancestor it is true of
        data = handler(self)
        for flag in ("redacted", "parent_unknown"):
            if not data.get(flag):
                data.pop(flag, None)
        return data


RecordT = TypeVar("RecordT")


class PassedOver(Document):
    """The records an answer passed over, as the peer that answered cannot read them or no contract version
    wrote them, by ledger key, as ``upgrade_ledger`` names them: in none of its records or figures. Empty from a
    contract before the fields.

    ``unreadable``: records no contract version wrote (a value written outside the contract): report the keys to
    the network's operators. ``newer_version``: records a newer contract version wrote, which the peer's older
    version cannot read: install the channel's version on that peer, or read from another."""

    unreadable: list[str] = Field(default_factory=list)
    newer_version: list[str] = Field(default_factory=list)

    @property
    def passed_over(self) -> int:
        """How many records the answer left out as the peer could not read them: 0 for a whole answer."""
        return len(self.unreadable) + len(self.newer_version)


class Provenance(PassedOver):
    """``provenance``'s answer. A part of the tree the peer that answered cannot read is a ``redacted`` node where
    it lies, with nothing below it, its key in ``unreadable`` or ``newer_version`` (:class:`PassedOver`); so is
    an ancestor, in its place among ``ancestors`` (:class:`ProvenanceAncestor`)."""

    id: str
    root_id: str
    ancestors: list[ProvenanceAncestor]
    tree: ProvenanceNode


class FinancingView(Financing, PassedOver):
    """A financing with the public records of its offers (``GetFinancing``). An offer record the peer that
    answered cannot read is in none of ``offers``: its key is in ``unreadable`` or ``newer_version``
    (:class:`PassedOver`; empty from a contract before the fields), so a holder choosing among the offers
    knows one is missing."""

    offers: list[Offer]


class _AttestationsRead(PassedOver):
    attestations: list[ListedAttestation]


class InvoiceAttestations(list):
    """``invoice_attestations``: an invoice's attestations, oldest first (a list of :class:`ListedAttestation`, each
    saying whether a registration counts it), and the records under the invoice the peer that answered passed over as it
    cannot read them (``unreadable``, ``newer_version``: their ledger keys, as :class:`PassedOver` names them; empty
    from a contract before the fields). One in ``newer_version`` is an attestation a newer contract version wrote, whose
    outcome that peer cannot tell: a registration of the invoice there, under ``require_attestation``, is refused
    ``record-newer-version``."""

    def __init__(self, attestations: Iterable[ListedAttestation] = (), *, unreadable: Iterable[str] = (),
                 newer_version: Iterable[str] = ()) -> None:
        super().__init__(attestations)
        self.unreadable, self.newer_version = list(unreadable), list(newer_version)

    @property
    def passed_over(self) -> int:
        """How many records the answer left out as the peer could not read them: 0 for a whole answer."""
        return len(self.unreadable) + len(self.newer_version)

    @classmethod
    def model_validate_json(cls, payload: bytes | str) -> InvoiceAttestations:
        """The answer as the contract gives it: an object with the records passed over, or the list alone (a
        contract before the fields, or a call asking for the list)."""
        if isinstance(payload, bytes):
            payload = payload.decode()
        if payload.lstrip().startswith("["):
            return cls(TypeAdapter(list[ListedAttestation]).validate_json(payload))
        read = _AttestationsRead.model_validate_json(payload)
        return cls(read.attestations, unreadable=read.unreadable, newer_version=read.newer_version)



class Paged(PassedOver, Generic[RecordT]):
    """One page of a list the contract pages: its records, how many, and the ``bookmark`` of the next page (``""``
    when there is none); the records it passed over (:class:`PassedOver`)."""

    records: list[RecordT]
    fetched: StrictInt
    bookmark: str

    @property
    def more(self) -> bool:
        return bool(self.bookmark)


class Page(Paged[Receivable]):
    """One page of receivables; pass ``bookmark`` for the next page (``""`` when there is none)."""


class Exposure(Document):
    """The statistics of one currency: amounts in fen of that currency."""

    exposure: Fen
    financed: Fen
    overdue: Fen
    receivables: StrictInt
    financed_share: RateValue


class Statistics(PassedOver):
    """``GetStatistics``: amounts grouped by currency (ISO 4217), never added across currencies.

    ``per_debtor[debtor][currency]`` and ``total[currency]`` are :class:`Exposure`; ``count_by_status``
    counts claims of every currency; none counts a claim in ``unreadable`` or ``newer_version``.
    """

    per_debtor: dict[str, dict[str, Exposure]]
    total: dict[str, Exposure]
    count_by_status: dict[str, StrictInt]


# ---------------------------------------------------------------- reads for risk and pricing

class RecordedPayment(Document):
    """One payment in a payment record: its business date, and the fen it took off the claim (an early payment's
    discount included)."""

    paid_on: BusinessDate
    amount: Fen


class PaymentRecord(Document):
    """One claim of a debtor as the ledger stood on the page's ``as_of``: the date each state was first reached
    (``None`` when not reached), amounts in ``currency`` and lateness. ``holder`` is a credit code, or for a
    bank an opaque token, the same for one holder in every answer about this debtor to this bank."""

    receivable_id: str
    parent_id: str | None
    holder: str
    face_amount: Fen
    outstanding: Fen
    currency: str  # required: a default would label another currency's claim as CNY, the mix-up it prevents
    due_date: BusinessDate
    status: Status
    registered_on: BusinessDate
    confirmed_on: BusinessDate | None
    rejected_on: BusinessDate | None
    # absent from a contract older than WithdrawReceivable: none withdrawn
    withdrawn_on: BusinessDate | None = None
    financed_on: BusinessDate | None
    marked_overdue_on: BusinessDate | None
    split_on: BusinessDate | None
    settled_on: BusinessDate | None
    days_late: StrictInt
    overdue: StrictBool
    freezes: list[BusinessDate]
    # one per order lifted, as freezes has one per order recorded. Empty from a contract older than the list: its
    # liftings unknown, a claim frozen once reads as frozen since (the risk features leave it out as before)
    unfreezes: list[BusinessDate] = Field(default_factory=list)
    frozen: StrictBool
    # oldest first; face_amount less their amounts is what was owed on a day. Empty from a contract older than the
    # list (its partly paid claims then read at face, as before)
    payments: list[RecordedPayment] = Field(default_factory=list)


class PaymentRecordPage(Document):
    """One page of ``GetDebtorPaymentRecord``; pass ``bookmark`` for the next (``""`` when there is none)."""

    debtor: str
    as_of: BusinessDate
    holder_ids: Literal["credit-code", "token"]
    records: list[PaymentRecord]
    # claims whose history the peer cut at its totalQueryLimit, or a record no transaction of this contract
    # created: not counted in records. Absent from a contract older than the field: none named
    history_cut: list[str] = Field(default_factory=list)
    fetched: StrictInt
    bookmark: str

    @property
    def more(self) -> bool:
        return bool(self.bookmark)


class DiscountOfferPage(Paged[DiscountOffer]):
    """One page of ``ListDiscountOffers``, oldest publication first."""


class ListedOffer(Offer):
    """An offer of a bank's list of open offers: its public record (no private term: the expiry too is read with
    ``get_offer_terms``) and the debtor of the claim it is on."""

    debtor: str


class OfferPage(Paged[ListedOffer]):
    """One page of ``ListOffersByFinancier``: a bank's offers still OPEN, by debtor then offer id (expired ones
    included: their expiry is private); pass ``bookmark`` for the next (``""`` when there is none)."""


class FinancedClaim(Document):
    """One live financing (accepted or disbursed) of a bank on a debtor's claim, and its principal still out."""

    receivable_id: str
    financing_id: str
    status: Literal["ACCEPTED", "DISBURSED"]
    due_date: BusinessDate
    currency: str
    principal: Fen
    collected: Fen
    outstanding_principal: Fen


class OpenOffer(Document):
    """One offer of a bank on a debtor's claim that the holder could accept today, and the advance it would make
    (outstanding x advance rate, as the disbursement computes it)."""

    offer_id: str
    financing_id: str
    receivable_id: str
    due_date: BusinessDate
    expires_on: BusinessDate
    currency: str
    outstanding: Fen
    advance: Fen


def _currency_code(currency: Any) -> str:
    """``currency`` as the ledger spells every currency (ISO 4217, three capital letters, the contract's own rule);
    ValueError naming it otherwise: a lookup under another spelling would find nothing and answer 0."""
    try:
        return parse_currency(currency)
    except ContractRuleViolation:
        raise ValueError(f"currency {currency!r}: give an ISO 4217 code in capitals (CNY, USD), as the ledger "
                         "spells every currency; under another spelling nothing would match") from None


class FinancierExposure(PassedOver):
    """``GetFinancierExposure``: one bank's outstanding financed principal on one debtor, per currency
    (``exposure``: currency -> fen), and the financings it is made of; and the advances its offers there that
    holders can still accept would add (``offered``), and those offers. An offer or its claim the peer cannot
    read counts nothing and is named in ``unreadable`` or ``newer_version`` (:class:`PassedOver`).

    Against a limit on the debtor, count both (:meth:`committed_in`): each open offer is one acceptance away
    from being out, and the bank is not asked again."""

    financier: str
    debtor: str
    # the version of these figures, moved by each offer of the bank on the debtor: make_offer(...,
    # exposure_version=) with an offer priced on them is refused if it has moved since. None from a contract before
    # the version, which takes none with an offer (make_offer then sends none)
    version: StrictInt | None = None
    exposure: dict[str, Fen]
    financings: list[FinancedClaim]
    offered: dict[str, Fen]
    offers: list[OpenOffer]
    # the bank's offers on the debtor its own entries list that neither offered nor exposure counts (lapsed, the
    # accepted offer of a loan since repaid, cancelled or ended by recourse, of which nothing is out, or their
    # record rewritten by other orgs; not one its own terms say has expired, which acceptance
    # refuses by those terms), in id order: make_offer(..., uncounted_offers=) with an offer priced
    # on these figures drops them, so that none is accepted, or disbursed, after. Empty from a contract before them
    uncounted_offers: tuple[StrictStr, ...] = ()

    def exposure_in(self, currency: str) -> int:
        """The outstanding principal in ``currency``, fen: 0 when the bank has none in it. A currency the ledger
        could not hold (not three capital letters: ``"cny"``) raises ValueError rather than answer 0."""
        return self.exposure.get(_currency_code(currency), 0)

    def offered_in(self, currency: str) -> int:
        """What the bank's open offers in ``currency`` would advance if accepted, fen: 0 when it has none (a
        currency not three capital letters raises ValueError, as for :meth:`exposure_in`)."""
        return self.offered.get(_currency_code(currency), 0)

    def committed_in(self, currency: str) -> int:
        """``exposure_in`` + ``offered_in``: what to hold against a limit on the debtor in ``currency``, fen."""
        return self.exposure_in(currency) + self.offered_in(currency)


# ---------------------------------------------------------------- business request records

# the document each transaction that takes a request id returns, hence records
_RECORDED_RESULTS: dict[str, type[Document]] = {
    "RegisterReceivable": Receivable, "TransferReceivable": TransferResult, "RecordPayment": PaymentResult,
    "PublishDiscountOffer": DiscountOffer, "AttestInvoiceVerification": InvoiceAttestation,
    "AcceptDiscountOffer": Receivable,
}


class RequestRecord(Document):
    """``GetRequest``: what the contract recorded for a business request id when it first applied it.

    ``tx_id`` is the transaction that applied it; ``result`` is the document that
    call returned (and every retry with the same id returned since), as JSON;
    :attr:`typed_result` gives it as its model.
    """

    request_id: str
    party: str
    transaction: str
    arguments: str
    tx_id: str
    at: str
    result: dict[str, Any]

    @property
    def typed_result(self) -> Document:
        """``result`` as the transaction's model (a TransferResult for TransferReceivable...)."""
        model = _RECORDED_RESULTS.get(self.transaction)
        if model is None:
            raise ValueError(f"no model for the result of {self.transaction}: read result as JSON")
        result = model.model_validate(self.result)
        if isinstance(result, PaymentResult):
            result.recorded_in(self.tx_id)
        return result


# ---------------------------------------------------------------- ledger upgrade

class FingerprintCollision(Document):
    """An invoice that backs two claims, or one claim twice: ``receivable_id`` registered it under a spelling the
    contract now refuses, ``held_by`` (the same claim when it lists the invoice twice) under another, and the
    registry holds the current spelling for ``held_by``; ``held_by_code`` and ``held_by_number`` are the
    invoice as ``held_by`` stores it. Double financing that already happened: ``upgrade_ledger`` reports it and
    changes neither claim."""

    fingerprint: str
    receivable_id: str
    code: str
    number: str
    held_by: str
    held_by_code: str
    held_by_number: str
    live: StrictBool
    held_by_live: StrictBool


class UnspelledInvoice(Document):
    """A stored invoice whose code and number give no spelling the contract accepts now (letters, another length,
    an 8-digit number without its code): registered under its stored fingerprint only."""

    receivable_id: str
    code: str
    number: str
    fingerprint: str


class ClaimToReseal(Document):
    """A claim whose key-level policy leaves out an org due now (``due_orgs``): a freeze before b8aeb33 kept the
    debtor's and the holder's orgs only, an earlier version guarded a claim of one org's parties by that org alone.
    ``upgrade_ledger`` cannot rewrite it (Fabric checks a change of a policy against that policy); until resealed
    (``reseal_receivable``), the orgs its key names (``key_orgs``) can change the claim between them, a freeze's
    lifting included."""

    receivable_id: str
    key_orgs: list[str]
    due_orgs: list[str]


class Reseal(Document):
    """What ``reseal_receivable`` did: the claim's key-level policy named ``orgs_before`` (the orgs that
    endorsed the reseal) and names ``orgs_after``, the orgs due now (the same orgs where the key named them
    all already, in the form earlier contract versions wrote), each org's peers; nothing else of the claim
    changed. ``member_form_resealed``: the policy was in that earlier form (MSP role MEMBER, which a client
    certificate of its orgs met too), rewritten to role PEER; False from a contract before ResealReceivable
    rewrote that form. ``entries_resealed``: how many entries the reseal covers beside the key (its live
    loan's ``recfin.by-financier`` entry, its invoices' and goods receipts' registry entries: while it is
    REGISTERED to the orgs due, past that one in the earlier form to the same orgs' peers) had their policy
    rewritten to this version's form, where the key may have needed nothing (its
    orgs then the same before and after, ``member_form_resealed`` False); 0 from a contract before the
    reseal counted them. ``tx_id`` is the reseal's transaction: the claim's ``last`` keeps naming its last
    business change."""

    receivable_id: str
    orgs_before: list[str]
    orgs_after: list[str]
    member_form_resealed: StrictBool = False
    entries_resealed: StrictInt = 0
    tx_id: str

    @property
    def write_tx_id(self) -> str:
        """The transaction of the write that returned this (``tx_id``), as a Party a write returns names its."""
        return self.tx_id


class LedgerUpgrade(Document):
    """``UpgradeLedger`` for one page: the entries and key-level policies written, the collisions and invoices
    without a current spelling found, the claims it cannot reseal (``claims_to_reseal``) and the records it
    passed over (``unreadable``), and the bookmark of the next page (``done`` once none is left)."""

    scanned: StrictInt
    # every write of the page, a value or a key-level policy each (those the counts below name and the rest);
    # None from a contract before it counted them, whose pages and LedgerUpgraded events did not carry it
    writes: StrictInt | None = None
    financier_entries: StrictInt
    discount_offer_entries: StrictInt
    # 0 from a contract before the open-offer index, whose pages and LedgerUpgraded events did not count it:
    # those events stay in the blocks and must still read
    open_offer_entries: StrictInt = 0
    fingerprint_entries: StrictInt
    # 0 from a contract before REGISTERED claims carried a key-level policy (its pages wrote none), as above
    claim_policies: StrictInt = 0
    # 0 from a contract before financings carried a key-level policy (its pages scanned none), as above
    financing_policies: StrictInt = 0
    # empty or 0 from a contract before discount offers were sealed, records passed over and claims to reseal
    # listed, as above
    discount_offer_policies: StrictInt = 0
    collisions: list[FingerprintCollision]
    without_current_spelling: list[UnspelledInvoice]
    # keys of records the contract could not read, passed over (a value it cannot parse, or an offer or live
    # financing whose claim is missing)
    unreadable: list[str] = []
    # keys of records a newer contract version wrote, passed over (the peer runs an older version than the
    # ledger's: install the channel's version and run the upgrade again); empty from a contract before it told
    # them from the unreadable ones, which listed them there
    newer_version: list[str] = []
    claims_to_reseal: list[ClaimToReseal] = []
    bookmark: str
    # no page left to read, not a ledger upgraded: the records the pages listed in unreadable and newer_version
    # (and the records naming newer_version's) were passed over, nothing written for them
    done: StrictBool

    @model_validator(mode="after")
    def _done_when_no_bookmark_is_left(self) -> "LedgerUpgrade":
        """The contract answers ``done`` exactly where no bookmark is left (``upgrade.upgrade_page``, every
        version). Taken as it came, a page saying otherwise would have a walk (``recfin chaincode upgrade-ledger``)
        send the first page again without end (not done, no bookmark), or stop with the pages past the bookmark
        never scanned (done, a bookmark): it is no answer this client can use."""
        if self.done != (self.bookmark == ""):
            # shown cut short: the bookmark is the contract's answer, of any length
            raise PydanticCustomError(NO_VERSION_ANSWERS, "done is {done} with the bookmark {bookmark}: the contract "
                                      "says done exactly when no bookmark is left",
                                      {"done": json.dumps(self.done), "bookmark": shown_value(self.bookmark)})
        return self

    @property
    def written(self) -> int:
        """Every value and key-level policy written on this page (``writes``); from a contract before it
        counted them, the entries and the claims', financings' and discount offers' key-level policies its
        counts name (it left out ``recfin.by-debtor`` entries written back, ``recfin.offer-made`` entries and
        the other policies it wrote)."""
        if self.writes is not None:
            return self.writes
        return (self.financier_entries + self.discount_offer_entries + self.open_offer_entries
                + self.fingerprint_entries + self.claim_policies + self.financing_policies
                + self.discount_offer_policies)
