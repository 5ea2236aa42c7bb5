"""The documents the contract stores and the requests it accepts (pydantic).

Money fields are integer fen, validated by :mod:`.money` (floats, booleans and
negatives are refused with a rule code); business dates are ``YYYY-MM-DD``
strings; timestamps are ISO 8601 UTC strings from the transaction timestamp.
Stored documents carry ``doc_type`` so a reader of raw state knows what it sees.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field,
                      SerializerFunctionWrapHandler, StringConstraints, ValidationError, ValidationInfo,
                      field_validator, model_serializer, model_validator)
from pydantic_core import PydanticCustomError

from chaincode.caller_values import first_errors, refuse_repeated_keys
from chaincode.client_ids import client_id_as_sent

from . import config, dates, daycount, fingerprint, keys, limits, money, uscc
from .errors import RuleViolation, rule, shown
from .identity import refusal_of_client_id, refusal_of_node_identity


AMOUNT_CAP = "amount_cap"   # the validation context's key for the largest amount a model takes


def _amount_cap(info: ValidationInfo) -> int:
    # A request is held to the cap on what callers send (parse_request says so); a stored record is read as it
    # was written, under the cap of its day, so a record above today's cap still reads and can be acted on.
    return (info.context or {}).get(AMOUNT_CAP, money.STORED_AMOUNT_LIMIT)


def _fen(value: Any, info: ValidationInfo) -> int:
    return money.parse_amount(value, info.field_name or "amount", cap=_amount_cap(info))


def _fen_or_zero(value: Any, info: ValidationInfo) -> int:
    return money.parse_amount(value, info.field_name or "amount", allow_zero=True, cap=_amount_cap(info))


def _date(value: Any, info: ValidationInfo) -> str:
    return dates.parse_date(value, info.field_name or "date").isoformat()


def _credit_code(value: Any, info: ValidationInfo) -> str:
    why = uscc.problem(value)
    if why:
        raise rule("credit-code-invalid", f"{info.field_name}: {why}")
    return value


def _text_checked(problem: Callable[[str], str | None], code: str) -> Callable[[Any, ValidationInfo], Any]:
    """A validator refusing (``code``) a string ``problem`` finds wrong, naming the field and the problem.
    Only a string can be a number or a code; anything else is left to pydantic's type error (argument-invalid)."""
    def check(value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, str) and (why := problem(value)) is not None:
            raise rule(code, f"{info.field_name}: {why}")
        return value
    return check


_invoice_number = _text_checked(fingerprint.number_problem, "invoice-number-invalid")
_invoice_code = _text_checked(fingerprint.code_characters_problem, "invoice-code-invalid")
_paper_number = _text_checked(fingerprint.paper_number_problem, "invoice-number-invalid")


def _currency(value: Any, info: ValidationInfo) -> str:
    return money.parse_currency(value, info.field_name or "currency")


def _rate(value: Any, info: ValidationInfo) -> str:
    # Fixed-point, never str()'s exponent form ("5E-7", "0E-10"): the stored rate must parse again.
    return format(daycount.parse_rate(value, info.field_name or "rate"), "f")


# The longest text of a rate in str(Decimal)'s exponent form: all the digits a rate may have
# (``daycount.parse_rate``), its point and an exponent of its places ("E-10").
_LONGEST_EXPONENT_FORM = daycount.RATE_WHOLE_DIGITS + daycount.RATE_PLACES + len(".E-10")


def fixed_point_rate(value: Any) -> Any:
    """A rate as a contract before 9555fad stored it, in the fixed-point form stored since: that contract
    wrote ``str(Decimal)``, so a rate sent as "0.0000005" or "0.0000000000" was stored as "5E-7" or "0E-10",
    which ``Rate`` refuses. Any other value is returned as it is, for the model to judge; so is a number in
    more digits than a rate has, or whose power of ten lies beyond a rate's places: "1E999999999" in fixed
    point is a gigabyte of zeros, and any two orgs can store it in terms under a key of their own. The model
    refuses it as it refuses any other such rate, without that text ever being built."""
    if not isinstance(value, str) or "E" not in value.upper() or len(value) > _LONGEST_EXPONENT_FORM:
        return value
    try:
        number = Decimal(value)
    except InvalidOperation:
        return value
    if not number.is_finite() or not -daycount.RATE_PLACES <= number.as_tuple().exponent <= 0:
        return value
    return format(number, "f")


def without_retired_fields(data: Any, retired: tuple[str, ...]) -> Any:
    """A stored record without the fields an earlier contract wrote into it and this one no longer has: stored
    models refuse fields they do not know, so each retired field is named where its model is."""
    if isinstance(data, dict) and any(name in data for name in retired):
        return {name: value for name, value in data.items() if name not in retired}
    return data


def _basis(value: Any, info: ValidationInfo) -> str:
    return daycount.parse_basis(value)


Fen = Annotated[int, BeforeValidator(_fen), Field(description="integer fen, > 0")]
FenOrZero = Annotated[int, BeforeValidator(_fen_or_zero), Field(description="integer fen, >= 0")]
IsoDate = Annotated[str, BeforeValidator(_date), Field(description="YYYY-MM-DD")]
CreditCode = Annotated[str, BeforeValidator(_credit_code),
                       Field(description="unified social credit code, GB 32100-2015")]
InvoiceNumber = Annotated[str, BeforeValidator(_invoice_number), Field(
    description="发票号码: 20 digits on a fully digitalised e-invoice, 8 on an older one (with a code); "
                "no other spelling, so that one invoice has one fingerprint")]
# the pattern stays for the schema; the validator refuses first, naming the rule and what to send
InvoiceCode = Annotated[str, BeforeValidator(_invoice_code), Field(max_length=12, pattern=r"^[0-9]*$")]
PaperNumber = Annotated[str, BeforeValidator(_paper_number), Field(pattern=r"^([0-9]{8})?$")]
Currency = Annotated[str, BeforeValidator(_currency), Field(description="ISO 4217")]
Rate = Annotated[str, BeforeValidator(_rate), Field(description="decimal fraction as a string: \"0.045\" is 4.5%")]
Basis = Annotated[str, BeforeValidator(_basis), Field(description="ACT/360 or ACT/365")]
Role = Literal["core_enterprise", "supplier", "financier", "regulator"]
Text = Annotated[str, Field(min_length=1, max_length=200)]


def _key_attribute(value: str) -> str:
    # short, without pydantic's "Value error, ": the refusal quotes the parser's first complaint, field path
    # included, cut at 60 characters (``shown``)
    if not keys.can_be_attribute(value):
        raise PydanticCustomError("key_delimiter", "holds U+0000 or U+10FFFF")
    return value


# A stored record's field the contract forms a key of (an id, a credit code, a date an index orders by): a
# value holding a key delimiter (``keys.can_be_attribute``) is no record this contract wrote, as every value
# it writes there is an id it made, a party's credit code or a date, and is refused where read
# (``record-unreadable``, naming the record's key) or passed over by a list, as any other such value. Forming
# the key of it would refuse the call argument-invalid, blaming the caller's argument for what the record
# says. For stored models only: a caller's id is refused argument-invalid where its key is formed
# (``StoreBase.key``).
KeyAttribute = Annotated[str, AfterValidator(_key_attribute)]


# U+2028 and U+2029 end a line; U+061C, U+200E-200F, U+202A-202E and U+2066-2069 are the bidirectional controls
_NOT_ON_ONE_LINE = frozenset("\u2028\u2029\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def ensure_one_line(value: str, field: str) -> None:
    """Refused (``argument-invalid``) when ``value``, text a party writes (a reason, an order reference, a party's
    name), holds a control character or a line or paragraph separator, which on a record and in an event would
    start a line that reads as one of its own, or a bidirectional control, which would display the rest of the
    line reversed. For requests only: records written before keep theirs."""
    # Unicode's stability policy fixes category Cc (U+0000-001F, U+007F-009F), and the rest is a fixed list, so
    # peers on any Python agree: the separators, and the bidirectional controls, which reorder what follows them
    breaking = next((c for c in value if unicodedata.category(c) == "Cc" or c in _NOT_ON_ONE_LINE), None)
    if breaking is not None:
        raise rule("argument-invalid", f"{field} holds {shown(breaking)} (U+{ord(breaking):04X} "
                   f"{unicodedata.name(breaking, 'CONTROL CHARACTER')}): write it on one line of printable text, "
                   "a space in place of a line break or tab")


# receivable statuses
REGISTERED, CONFIRMED, REJECTED, WITHDRAWN, SPLIT, FINANCED, OVERDUE, SETTLED = (
    "REGISTERED", "CONFIRMED", "REJECTED", "WITHDRAWN", "SPLIT", "FINANCED", "OVERDUE", "SETTLED")
Status = Literal["REGISTERED", "CONFIRMED", "REJECTED", "WITHDRAWN", "SPLIT", "FINANCED", "OVERDUE", "SETTLED"]
STATUSES = limits.STATUSES


class Doc(BaseModel):
    model_config = ConfigDict(extra="forbid")

    def to_json(self) -> dict:
        return self.model_dump(mode="json")

    def to_bytes(self) -> bytes:
        return canonical_json(self.to_json())


def canonical_json(value: Any) -> bytes:
    """Sorted keys, no spaces, UTF-8: the same bytes on every endorser."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


D = TypeVar("D", bound=BaseModel)


# a field path of the models' own names; anything else in a path is a key the caller sent
_PLAIN_PATH = re.compile(r"[A-Za-z0-9_.]{1,100}")


def _field_path(loc: tuple, what: str) -> str:
    path = ".".join(str(part) for part in loc) or what
    return path if _PLAIN_PATH.fullmatch(path) else shown(path)


def parse_request(model: type[D], raw: str | bytes | dict, what: str, *,
                  amount_cap: int = money.MAX_AMOUNT) -> D:
    """Validate a JSON request (text, as transient data comes, or an object already parsed); shape errors
    become rule ``argument-invalid``. Its amounts are held to ``amount_cap``: the cap on what callers send,
    unless the request repeats a stored record (terms at disbursement).

    Text is parsed by pydantic, not ``json``: its parser bounds nesting and refuses a number too long to
    convert with a message of its own, where ``json.loads`` raises RecursionError on ``[[[[…`` and answers a
    4301-digit integer with Python's advice on ``sys.set_int_max_str_digits``."""
    if not isinstance(raw, (str, bytes, dict)):
        raise rule("argument-invalid", f"{what} must be a JSON object")
    try:
        context = {AMOUNT_CAP: amount_cap}
        if not isinstance(raw, (str, bytes)):
            return model.model_validate(raw, context=context)
        request = model.model_validate_json(raw, context=context)
    except ValidationError as exc:
        # the first few only: a list of thousands of wrong items would make a message of megabytes
        errors, more = first_errors(exc)
        if errors[0]["type"] == "json_invalid":
            why = errors[0]["msg"].removeprefix("Invalid JSON: ")
            raise rule("argument-invalid", f"{what} is not JSON this contract can read ({why}): send a JSON "
                       "object") from None
        if errors[0]["type"] == "model_type" and not errors[0]["loc"]:
            raise rule("argument-invalid", f"{what} must be a JSON object") from None
        problems = "; ".join(f"{_field_path(e['loc'], what)}: {e['msg']}" for e in errors) + more
        raise rule("argument-invalid", f"{what}: {problems}") from None
    # as the runtime refuses in a JSON parameter: pydantic keeps a repeated key's last value, other readers
    # its first, so one reading ``as_read`` on the ledger, or terms sent as transient data, could read other
    # terms
    try:
        refuse_repeated_keys(raw.encode("utf-8") if isinstance(raw, str) else raw)
    except ValueError as exc:
        raise rule("argument-invalid", f"{what}: {exc}") from None
    return request


def json_object_argument(value: Any, what: str) -> dict:
    """``value``, a transaction's JSON argument (``schemas.json_argument``: the runtime has parsed it), refused
    (``argument-invalid``) unless a JSON object, the shape GetMetadata publishes. A string would be read as JSON
    again by ``parse_request``, which reads transient data as text: a document encoded twice was taken, bound to
    a request id by other text than the object's, and any other string refused as "not JSON", which it was."""
    if isinstance(value, dict):
        return value
    kind = ("JSON null" if value is None else "a JSON boolean" if isinstance(value, bool)
            else "a JSON string" if isinstance(value, str) else "a JSON array" if isinstance(value, list)
            else "a JSON number")
    raise rule("argument-invalid", f"{what} must be a JSON object, not {kind}: send the object itself"
               + (", not a string holding its JSON" if isinstance(value, str) else ""))


class Action(Doc):
    """Who did what, when, in which transaction: the last change of a document."""

    action: str
    by: str = Field(description="the acting party's credit code, or the admin's client identity")
    msp_id: str
    at: str = Field(description="transaction timestamp, ISO 8601 UTC")
    tx_id: str


# ---------------------------------------------------------------- parties

PARTY_NAME_MAX = 200    # Text's bound: a party's name is 1 to 200 characters as sent
# long enough for ``shown`` to quote any name whole, each character escaped at most as \U0001xxxx
_WHOLE_NAME = 10 * PARTY_NAME_MAX + 2


def party_name_shown(name: str) -> str:
    """``name``, a party's name as RegisterParty and RenameParty take it, refused unless it shows an enterprise
    on one line: a name is printed in records and events, as a reason is (``ensure_one_line``), one of
    spaces or invisible characters alone (a zero-width space) would show no party in them at all, and one that starts
    or ends with such a character would print as the name without it, another party's perhaps (ValueError, naming
    the name to send). Records stored before keep theirs, and are renamed to the trimmed name."""
    ensure_one_line(name, "name")
    if not visible_characters(name):
        raise ValueError("name has no visible character: give the enterprise's registered name")
    if (trimmed := without_invisible_ends(name)) != name:
        # "Acme Ltd " prints as "Acme Ltd": a second party whose name reads as the first's
        ends = [f"{where} with U+{ord(end):04X} {unicodedata.name(end, 'FORMAT CHARACTER')}"
                for where, end in (("starts", name[0]), ("ends", name[-1])) if _invisible(end)]
        raise ValueError(f"name {' and '.join(ends)}, white space or an invisible character: it would print as the "
                         f"name without it, which another party may have; send {shown(trimmed, _WHOLE_NAME)}")
    return name


def _client_id_as_sent(value: Any) -> Any:
    # only text is an id; anything else is left to pydantic's type error (argument-invalid)
    return client_id_as_sent(value) if isinstance(value, str) else value


class PartyRegistration(Doc):
    uscc: CreditCode
    name: Text
    role: Role
    msp_id: Text

    @field_validator("name")
    @classmethod
    def _name_on_one_line(cls, name: str) -> str:
        return party_name_shown(name)
    # Trimmed as BindPartyIdentity trims (client_id_as_sent): a padded id kept as sent would be a binding that acts
    # for no one yet counts as one left to act (last-identity rule); the escaped space an id may end in stays.
    client_ids: list[Annotated[str, StringConstraints(min_length=1, max_length=1000),
                               BeforeValidator(_client_id_as_sent)]] = Field(
        min_length=1, description="client identities that act for the party: x509::<subject>::<issuer> (trimmed)")

    @field_validator("client_ids")
    @classmethod
    def _ids_certificates_present(cls, client_ids: list[str]) -> list[str]:
        for position, client_id in enumerate(client_ids):
            field = f"client_ids[{position}]"
            if (refused := refusal_of_client_id(client_id, field) or refusal_of_node_identity(client_id, field)):
                raise refused
        return client_ids


class Party(Doc):
    doc_type: Literal["party"] = "party"
    uscc: KeyAttribute
    name: str
    role: Role
    msp_id: KeyAttribute
    client_ids: list[KeyAttribute]
    registered: Action


# ---------------------------------------------------------------- receivables

INVOICES_MAX = 100   # invoices one registration may list
# an invoice's paper identity (数电纸质发票), left out of its JSON where empty
PAPER_FIELDS = ("paper_code", "paper_number", "paper_fingerprint")


class InvoiceInput(Doc):
    number: InvoiceNumber
    code: Annotated[InvoiceCode, Field(description="发票代码 (10 or 12 digits) of an invoice with an 8-digit "
                                                  "number; empty (the default) for a fully digitalised "
                                                  "e-invoice")] = ""
    date: IsoDate
    amount: Fen = Field(description="amount excluding tax (合计金额), fen")
    tax: FenOrZero = Field(description="tax (合计税额), fen")
    seller_tax_id: CreditCode
    buyer_tax_id: CreditCode
    currency: Currency = Field(
        default=money.DEFAULT_CURRENCY,
        description="the currency of amount and tax; CNY (the default) for a VAT invoice, the only kind the tax "
                    "authority issues and attesters verify. A claim is registered in its invoices' currency")
    paper_code: Annotated[InvoiceCode, Field(description=(
        "of a fully digitalised e-invoice delivered on paper (数电纸质发票): the paper form's 发票代码 (10 or 12 "
        "digits), with paper_number; the invoice is then held under both identities (fingerprint.paper_identity_"
        "problem). Only with a 20-digit number and no code; empty (the default): none"))] = ""
    paper_number: Annotated[PaperNumber, Field(description=(
        "the paper form's 8-digit 发票号码, with paper_code; empty (the default): none"))] = ""

    @model_serializer(mode="wrap")
    def _paper_identity_when_given(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # an invoice without a paper form is stored and answered as before invoices could name one, which an
        # earlier SDK or contract version (refusing fields it does not know) still reads
        data = handler(self)
        for field in PAPER_FIELDS:
            if data.get(field) == "":
                data.pop(field)
        return data

    @model_validator(mode="after")
    def _total_within_the_cap(self, info: ValidationInfo) -> "InvoiceInput":
        # An attestation carries the invoice's total with tax (价税合计), held to the same cap as every amount sent:
        # an invoice whose amount and tax each pass but whose total does not would register and never be attested.
        cap = _amount_cap(info)
        if (total := self.amount + self.tax) > cap:
            amount, tax, total_text, cap_text = (money.amount_text(fen, self.currency)
                                                 for fen in (self.amount, self.tax, total, cap))
            raise rule("amount-too-large", f"amount {amount} + tax {tax} = "
                       f"{total_text}, above the cap of {cap_text} on its total with tax (价税合计), which its "
                       "attestation carries: check the invoice's amounts")
        return self


def invoice_label(position: int, number: Any) -> str:
    """How a refusal names one invoice of a registration: its place in ``invoices``, counted from 0 as in the
    request's own field paths (``invoices.1.date``), and its number, unless that is what is refused (the refusal
    then quotes it)."""
    if isinstance(number, str) and fingerprint.number_problem(number) is None:
        return f"invoices[{position}] (number {number})"
    return f"invoices[{position}]"


class Invoice(InvoiceInput):
    # as stored: read back without the request's number rule, so records written before it stay readable
    number: str
    fingerprint: KeyAttribute = Field(description="sha256 of recfin-invoice-v2|seller tax id|code|number "
                                                  "(fingerprint.py)")
    paper_number: str = ""
    paper_fingerprint: KeyAttribute = Field(default="", description="the fingerprint of its paper identity "
                                                                    "(paper_code, paper_number), under which the "
                                                                    "registry holds it too; empty: none")

    @model_validator(mode="after")
    def _total_within_the_cap(self, info: ValidationInfo) -> "Invoice":
        # a stored invoice reads as it was written: an earlier contract capped amount and tax only each
        return self


GOODS_RECEIPTS_MAX = 100           # goods receipts one registration may list
BUYER_DOCUMENT_NUMBER_MAX = 100    # characters of a purchase order or goods receipt number

_BUYER_DOCUMENTS = {"po_number": "purchase order number (采购订单号)", "receipt_number": "goods receipt number (入库单号)"}


def _buyer_document_number(value: Any, info: ValidationInfo) -> Any:
    # only a string can be a number; anything else is left to pydantic's type error (argument-invalid)
    if not isinstance(value, str):
        return value
    field = info.field_name or "number"
    what = _BUYER_DOCUMENTS.get(field, "number")
    if not value.strip():
        raise rule("goods-receipt-invalid", f"{field} is empty: send the buyer's {what} as its document gives it")
    # the registry keys the number as given: a padded spelling would be a second key for the same receipt
    if value != value.strip():
        raise rule("goods-receipt-invalid", f"{field} {shown(value)} has spaces around it: send the buyer's {what} "
                   "without them, as its document gives it")
    if len(value) > BUYER_DOCUMENT_NUMBER_MAX:
        raise rule("goods-receipt-invalid", f"{field} is {len(value)} characters long: a {what} has at most "
                   f"{BUYER_DOCUMENT_NUMBER_MAX}; send it as the buyer's document gives it")
    ensure_one_line(value, field)   # shown on the record the debtor reads before it confirms
    # the characters it may hold are RegisterReceivable's to check (buyer_number_character_problem): one an earlier
    # contract took stays usable where the registry holds its receipt under that spelling
    return value


# The characters of a purchase order or goods receipt number: printable ASCII (spaces inside included) and CJK
# ideographs (a Chinese ERP's 入库-0107). The registry keys a number as given, so an invisible character (U+200B,
# U+FEFF, a soft hyphen) or a look-alike (Cyrillic Р, U+2011 hyphen, full-width Ｇ) would be a second key for a
# delivery, and on the record the debtor confirms it would read as the first. Fixed code point ranges, not
# unicodedata's, so every peer on any Python agrees: U+3007 (〇, the Chinese numeral zero of 二〇二六), CJK Unified
# Ideographs and their extensions A to I, their assigned code points only (Unicode 15.1: a code point left
# unassigned in a block prints as nothing or a box); the compatibility ideographs (U+F900-FAFF, U+2F800-2FA1F) are
# left out, each being another code for a unified one.
_CJK_IDEOGRAPHS = ((0x3007, 0x3007), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0x20000, 0x2A6DF), (0x2A700, 0x2B739),
                   (0x2B740, 0x2B81D), (0x2B820, 0x2CEA1), (0x2CEB0, 0x2EBE0), (0x2EBF0, 0x2EE5D), (0x30000, 0x3134A),
                   (0x31350, 0x323AF))
# what to send in place of a character of a look-alike kind: a full-width form (U+FF01-FF5E) is its ASCII
# character's at U+FEE0 above it, a space of another width (no-break, ideographic, en, em, thin ...) a space, a
# dash or minus sign the ASCII hyphen-minus, the numero sign No.
_FULL_WIDTH_OFFSET = 0xFEE0
_ASCII_FOR = {**{space: " " for space in (0xA0, *range(0x2000, 0x200B), 0x202F, 0x3000)},
              **{dash: "-" for dash in (*range(0x2010, 0x2016), 0x2212, 0xFE58, 0xFE63)}, 0x2116: "No."}


def in_buyer_number(c: str) -> bool:
    """Whether a purchase order or goods receipt number may hold the character ``c``: printable ASCII (U+0020 to
    U+007E) or a CJK ideograph."""
    point = ord(c)
    return 0x20 <= point <= 0x7E or any(low <= point <= high for low, high in _CJK_IDEOGRAPHS)


def buyer_number_character_problem(value: str, field: str) -> str | None:
    """Why ``value``, the ``field`` (po_number or receipt_number) of a goods receipt, holds a character it may not
    (:func:`in_buyer_number`), naming the first such, or ``None`` when it holds none. RegisterReceivable refuses
    such a number (``goods-receipt-invalid``) with this text, unless the registry holds its receipt under it
    already (an earlier contract's spelling). The text is the same on every Python: the character by its code
    point, the number quoted by :func:`ascii`."""
    at = next((i for i, c in enumerate(value) if not in_buyer_number(c)), None)
    if at is None:
        return None
    what, point = _BUYER_DOCUMENTS.get(field, "number"), ord(value[at])
    ascii_form = chr(point - _FULL_WIDTH_OFFSET) if 0xFF01 <= point <= 0xFF5E else _ASCII_FOR.get(point)
    instead = f" ({ascii_form!r} in place of U+{point:04X})" if ascii_form is not None else ""
    return (f"{field} {ascii(value)} holds U+{point:04X} at character {at + 1}: send the buyer's {what} as its "
            "document gives it, in ASCII letters, digits and punctuation or Chinese characters, full-width letters "
            f"and digits as half-width{instead}; any other character, unseen or looking like one of these, would "
            "make a second key for the same delivery (a number with one is taken only for a receipt registered "
            "under that very spelling before the rule)")


def buyer_number_as_shown(value: str) -> str:
    """A stored purchase order or goods receipt number as a person is shown it: each character a number may not
    hold (:func:`in_buyer_number`), which a receipt registered before that rule keeps, and each this Python does
    not print, escaped (``\\u200b``), so that it does not read as the number without it; a backslash is shown
    doubled, so that a number typed with ``\\u200b`` in it does not read as one holding U+200B. For display only:
    what prints follows the Python's Unicode version, which no contract's answer may."""
    return "".join("\\\\" if c == "\\" else c if in_buyer_number(c) and c.isprintable()
                   else (f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}") for c in value)


BuyerDocumentNumber = Annotated[str, BeforeValidator(_buyer_document_number), Field(
    description=f"as the buyer's document gives it: 1 to {BUYER_DOCUMENT_NUMBER_MAX} characters on one line, no "
                "spaces around them, each printable ASCII (U+0020-007E) or a CJK ideograph (another character only "
                "in a receipt the registry holds under that spelling, registered before that rule)")]


def _part_value(value: Any, info: ValidationInfo) -> int:
    # the amount rules of every figure in fen, under this field's rule code: a part is a goods receipt's shape
    try:
        return money.parse_amount(value, info.field_name or "part", cap=_amount_cap(info))
    except RuleViolation as refused:
        raise rule("goods-receipt-invalid", f"part: {refused.detail}") from None


PartValue = Annotated[int, BeforeValidator(_part_value), Field(description="integer fen, > 0")]


class GoodsReceiptPartReference(Doc):
    """What a registration says of a delivery invoiced in several invoices, its claim being for one part of it: the
    receipt's whole value. The part's share, what this claim invoices of it, is the contract's to count (the
    registration's invoices' ``amount``, without tax), not the supplier's to state."""

    received: PartValue = Field(description="the whole receipt's value: every quantity received at the unit price of "
                                            "its purchase order line, without tax, integer fen > 0")


class GoodsReceiptPart(GoodsReceiptPartReference):
    """A claim's part of a delivery invoiced in parts, as the contract recorded it at registration, for the debtor
    to check before it confirms: the receipt's value the supplier gave, what this claim invoices of it, and what
    the receipt's live parts invoiced at its registration."""

    # as stored: read back without the request's rules, as Invoice is
    received: int = Field(description="the whole receipt's value the registration gave, fen without tax")
    invoiced: int = Field(description="this claim's share: the sum of its invoices' amount (合计金额, without tax), "
                                      "fen, as the contract counted it")
    # default None: the contract of e813413, the first with parts, stored {received, invoiced} only. No check
    # of the contract reads this figure (the registry's entry of the receipt counts its parts); the debtor does.
    invoiced_before: int | None = Field(
        default=None, description="what the receipt's live parts invoiced at this part's registration, fen, "
                                  "fixed then (a part ended since still counts in it): with invoiced, the "
                                  "running total the debtor compares with the receipt; null on a part "
                                  "registered by the contract of e813413, which did not record it")


class GoodsReceiptReference(Doc):
    """A goods receipt (入库单) a registration says the claim is for: the buyer's receipt under its purchase
    order. The contract keys it by the debtor's credit code and both numbers (``fingerprint.goods_receipt_key``).
    Without ``part`` the claim is for the whole delivery; with it, for that share of a delivery invoiced in
    parts."""

    po_number: BuyerDocumentNumber
    receipt_number: BuyerDocumentNumber
    part: GoodsReceiptPartReference | None = Field(
        default=None, description="for a claim on one part of a delivery invoiced in parts: {received}, the receipt's "
                                  "whole value in fen; only in a registration listing this one receipt (none: the "
                                  "claim is for the whole receipt)")

    @model_serializer(mode="wrap")
    def _part_when_given(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # a receipt registered whole is stored and answered as before receipts could be invoiced in parts, which
        # an earlier SDK (refusing fields it does not know) still reads
        data = handler(self)
        if data.get("part") is None:
            data.pop("part", None)
        return data


class GoodsReceipt(GoodsReceiptReference):
    # as stored: read back without the request's rules, as Invoice is
    po_number: str
    receipt_number: str
    part: GoodsReceiptPart | None = Field(default=None, description=(
        "the claim's part of a delivery invoiced in parts, {received, invoiced, invoiced_before} in fen (none: the "
        "claim is for the whole receipt)"))
    receipt_key: KeyAttribute = Field(description="sha256 of the JSON array [recfin-goods-receipt-v1, "
                                                  "debtor, po number, receipt number], their ASCII letters in "
                                                  "capitals (fingerprint.goods_receipt_key), or the key an earlier "
                                                  "contract held the receipt under, its numbers as sent")


class ReceiptPartHeld(Doc):
    receivable_id: KeyAttribute = Field(description="the root receivable the part backs")
    invoiced: int


class GoodsReceiptEntry(Doc):
    """The goods receipt registry's entry (``keys.GOODS_RECEIPT``): the receipt registered whole, for one claim
    (``receivable_id``, the only shape before receipts could be invoiced in parts), or in parts (``received``, the
    value the first part set, and each live part)."""

    receipt_key: KeyAttribute
    receivable_id: KeyAttribute | None = None
    received: int | None = None
    parts: list[ReceiptPartHeld] = Field(default_factory=list)

    @property
    def in_parts(self) -> bool:
        return self.receivable_id is None

    @property
    def invoiced(self) -> int:
        return sum(p.invoiced for p in self.parts)

    def stored(self) -> dict[str, Any]:
        """The entry as the ledger holds it: a whole registration's exactly as before parts
        (``{receipt_key, receivable_id}``), a receipt in parts' without the whole one's field."""
        if not self.in_parts:
            return {"receipt_key": self.receipt_key, "receivable_id": self.receivable_id}
        return {"receipt_key": self.receipt_key, "received": self.received, "parts": [p.to_json() for p in self.parts]}


def receipt_label(position: int, entry: Any) -> str:
    """How a refusal names one goods receipt of a registration: its place in ``goods_receipts``, counted from 0 as
    in the request's own field paths, and its numbers where both are sound (else the refusal quotes the one
    refused)."""
    if isinstance(entry, GoodsReceiptReference):
        return f"goods_receipts[{position}] (PO {entry.po_number}, receipt {entry.receipt_number})"
    return f"goods_receipts[{position}]"


def _each_named(entries: Any, model: type[D], limit: int, info: ValidationInfo,
                label: Callable[[int, Any], str]) -> Any:
    """Each entry of a registration's list validated as ``model`` first, so that a field's rule
    (amount-not-integer-fen, credit-code-invalid, ...), raised by the field's validator, which knows the field's
    name but not which entry of the list it is in, says which one: ``label(position, entry)``. Shape errors are
    left to the list's validation, which reports them with their path, and so are entries past ``limit`` (too
    many)."""
    if not isinstance(entries, list):
        return entries     # the list's validation refuses it
    checked: list[Any] = []
    for position, entry in enumerate(entries[:limit]):
        try:
            checked.append(model.model_validate(entry, context=info.context))
        except RuleViolation as refused:
            raise rule(refused.code, f"{label(position, entry)}: {refused.detail}") from None
        except ValidationError:
            checked.append(entry)
    return checked + entries[limit:]


class ReceivableRegistration(Doc):
    debtor: CreditCode
    face_amount: Fen
    currency: Currency = money.DEFAULT_CURRENCY
    issue_date: IsoDate
    due_date: IsoDate
    invoices: list[InvoiceInput] = Field(min_length=1, max_length=INVOICES_MAX)
    contract_hash: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 hex of the trade contract")]
    goods_receipts: list[GoodsReceiptReference] = Field(
        default_factory=list, max_length=GOODS_RECEIPTS_MAX,
        description="the goods receipts (入库单) the claim is for, each {po_number, receipt_number}, with "
                    "part ({received}) for a claim on one part of a delivery invoiced in parts; a receipt "
                    "backs one claim, or one claim per part, until that claim is rejected or withdrawn "
                    "(none: the default)")

    @field_validator("invoices", mode="before")
    @classmethod
    def _refusals_name_the_invoice(cls, invoices: Any, info: ValidationInfo) -> Any:
        return _each_named(invoices, InvoiceInput, INVOICES_MAX, info, lambda position, invoice: invoice_label(
            position, invoice.get("number") if isinstance(invoice, dict) else None))

    @field_validator("goods_receipts", mode="before")
    @classmethod
    def _refusals_name_the_receipt(cls, receipts: Any, info: ValidationInfo) -> Any:
        # the entry is named by its place only: a refused field is quoted in the refusal itself
        return _each_named(receipts, GoodsReceiptReference, GOODS_RECEIPTS_MAX, info,
                           lambda position, _: receipt_label(position, None))


class Payment(Doc):
    amount: int
    payee: str = Field(description="credit code of the party paid: the holder, or the financier while financed")
    payee_role: Literal["holder", "financier"]
    date: str
    tx_id: str
    late: bool = False
    method: Literal["payment", "dynamic-discount", "repayment"] = "payment"
    discount: int = 0


# Brackets a case number is written in: 〔2026〕 (the older style), 【2026】, [2026] and (2026) are one case.
_CASE_BRACKETS = str.maketrans({"〔": "(", "〕": ")", "【": "(", "】": ")", "[": "(", "]": ")"})


def order_key(reference: str) -> str:
    """An order reference as it is compared, not as it is stored: NFKC (full-width ``（2026）`` reads as ``(2026)``),
    without whitespace or invisible format characters (a space left out, a BOM or a zero-width space pasted with
    it), case-number brackets as one, case folded; so the same court order typed again with other formatting is
    the order already recorded, not a second one the court's single lifting would leave binding the claim."""
    return visible_characters(unicodedata.normalize("NFKC", reference)).translate(_CASE_BRACKETS).casefold()


def _invisible(character: str) -> bool:
    """Whitespace, or an invisible format character (Unicode category Cf: a zero-width space, a byte order mark)."""
    return character.isspace() or unicodedata.category(character) == "Cf"


def visible_characters(text: str) -> str:
    """``text`` without whitespace or invisible format characters (Unicode category Cf: a zero-width space, a byte
    order mark): what a reader sees of it."""
    return "".join(c for c in text if not _invisible(c))


def without_invisible_ends(text: str) -> str:
    """``text`` without the whitespace and invisible format characters it starts or ends with (``str.strip``
    keeps a zero-width space or a byte order mark); those inside it stay."""
    start, end = 0, len(text)
    while start < end and _invisible(text[start]):
        start += 1
    while end > start and _invisible(text[end - 1]):
        end -= 1
    return text[start:end]


class FreezeOrder(Doc):
    order_reference: str
    by: KeyAttribute
    date: str
    tx_id: str


class FreezeLifting(Doc):
    """The order that last lifted a freeze order of a claim (UnfreezeReceivable), kept on the claim after the
    freeze is gone, so the lifting is read back from the claim and its history, not only from the event."""

    order_reference: str = Field(description="the order that lifted the freeze")
    lifted: str = Field(description="the reference of the freeze order it lifted: the one in effect, or a queued one")
    by: str
    date: str
    tx_id: str


class Receivable(Doc):
    doc_type: Literal["receivable"] = "receivable"
    id: KeyAttribute
    status: Status
    debtor: KeyAttribute
    debtor_msp: str
    creditor: KeyAttribute = Field(description="the original creditor: the supplier that registered the "
                                               "claim (a split's children keep the root's)")
    holder: KeyAttribute
    holder_msp: str
    face_amount: int
    outstanding: int
    currency: str
    issue_date: str
    due_date: str
    invoices: list[Invoice] = Field(
        default_factory=list, description="on the root only: a split part lists none, the root's registry entries "
                                          "standing for its lineage")
    contract_hash: str
    goods_receipts: list[GoodsReceipt] = Field(
        default_factory=list, description="the goods receipts the registration listed, for the debtor to check "
                                          "before it confirms (none on a claim registered without, or before "
                                          "claims listed them); on the root only: a split part lists none, the "
                                          "root's registry entries standing for its lineage")
    root_id: KeyAttribute
    parent_id: KeyAttribute | None = None
    children: list[KeyAttribute] = Field(default_factory=list)
    confirmed_on: str | None = None
    rejection_reason: str | None = None
    withdrawn_on: str | None = Field(default=None, description="the day its creditor withdrew it while REGISTERED "
                                     "(WithdrawReceivable): its invoices were released")
    withdrawal_reason: str | None = None
    financing_id: KeyAttribute | None = Field(default=None, description="the live financing, at most one")
    financier: KeyAttribute | None = None
    financier_msp: str | None = None
    notice_id: KeyAttribute | None = None
    payments: list[Payment] = Field(default_factory=list)
    overdue_since: str | None = None
    frozen: FreezeOrder | None = Field(default=None, description=(
        "the freeze order in effect: set while any order binds the claim (a queued one takes effect here when the "
        "orders before it are lifted), null when none does"))
    queued_freezes: list[FreezeOrder] = Field(default_factory=list, description=(
        "later freeze orders of a claim frozen already (轮候冻结), oldest first: each takes effect, as frozen, when "
        "the orders before it are lifted; none on a claim an earlier version stored"))
    last_unfreeze: FreezeLifting | None = Field(default=None, description=(
        "the last lifting of a freeze order, the current or a queued one: null on a claim never unfrozen, or "
        "unfrozen before the lifting was kept"))
    last: Action

    def paid_to_financier(self) -> int:
        """What the debtor has paid the bank on the claim, fen: the payments recorded after its notice."""
        return sum(p.amount for p in self.payments if p.payee_role == "financier")

    def freeze_orders(self) -> list[FreezeOrder]:
        """Every order that binds the claim: the one in effect, then the queued ones in the order recorded."""
        return [self.frozen, *self.queued_freezes] if self.frozen is not None else list(self.queued_freezes)

    def freeze_order_named(self, reference: str) -> FreezeOrder | None:
        """The order binding the claim, in effect or queued, that ``reference`` names: the one written exactly so,
        else the first that compares equal by ``order_key`` (two orders a build comparing exact text queued may
        differ only in formatting; the one named as written is the one meant)."""
        orders = self.freeze_orders()
        exact = next((o for o in orders if o.order_reference == reference), None)
        if exact is not None:
            return exact
        wanted = order_key(reference)
        return next((o for o in orders if order_key(o.order_reference) == wanted), None)

    @model_validator(mode="before")
    @classmethod
    def _invoices_in_the_claims_currency(cls, data: Any) -> Any:
        return invoices_in_the_claims_currency(data)


def invoices_in_the_claims_currency(data: Any) -> Any:
    """A stored receivable document whose invoices all name their currency. An invoice stored before invoices
    carried a currency was registered in the claim's: a registration then said its invoices were in its
    currency, it did not say so of each. Every read that returns stored documents applies this, so no read
    answers differently from GetReceivable. Invoices that are not a list are left as they are, for the model's
    own validation to refuse."""
    invoices = data.get("invoices") if isinstance(data, dict) else None
    if isinstance(invoices, (list, tuple)) and any(isinstance(i, dict) and "currency" not in i for i in invoices):
        data = {**data, "invoices": [{"currency": data.get("currency"), **i} if isinstance(i, dict) else i
                                     for i in invoices]}
    return data


# ---------------------------------------------------------------- financing

class OfferTerms(Doc):
    """The commercial terms of a bank's offer: private data, hashed on the public record."""

    advance_rate: Rate = Field(description="share of the claim's outstanding amount advanced, e.g. \"0.9\"")
    discount_rate: Rate = Field(description="annual discount rate, e.g. \"0.045\"")
    fees: FenOrZero = 0
    # Strict: a lenient bool would store "yes", "1" or 0 as a binding recourse term, and the public hash would
    # then be of terms the bank never sent.
    recourse: Annotated[bool, Field(
        strict=True, description="whether the bank may reclaim the advance from the holder: JSON true or false")]
    day_count: Basis = daycount.DEFAULT_BASIS
    expires_on: IsoDate
    salt: Annotated[str, Field(
        min_length=16, max_length=128,
        description="random text so the public hash cannot be guessed from the few likely terms")]

    def terms_hash(self) -> str:
        return sha256_hex(self.to_bytes())

    def legacy_terms_hash(self) -> str:
        """The hash an offer made before 9555fad recorded for these terms: its contract stored (and hashed) the
        rates in ``str(Decimal)`` form, "0E-10" for "0.0000000000", and the same for every other rate."""
        doc = self.to_json()
        for field in ("advance_rate", "discount_rate"):
            doc[field] = str(Decimal(doc[field]))
        return sha256_hex(canonical_json(doc))

    @classmethod
    def from_stored(cls, raw: bytes) -> "OfferTerms":
        """Private terms as stored, read with their rates in fixed-point form (``fixed_point_rate``): terms
        stored before 9555fad hold "0E-10", which the request's rule refuses. Not for hashing: the stored hash is
        over the stored bytes."""
        doc = json.loads(raw)
        if isinstance(doc, dict):
            doc = {**doc, **{f: fixed_point_rate(doc[f]) for f in ("advance_rate", "discount_rate") if f in doc}}
        return cls.model_validate(doc)


class OfferParties(Doc):
    """Private, beside an offer's terms (``MakeFinancingOffer``): the bank that made the offer and the holder
    it was made to, who read the terms (with the regulator). The offer's public record, and its request until
    acceptance, have no key-level policy, so any two orgs could rewrite the bank or the holder they name; a
    private write needs the collection's endorsement policy, the holder's and the bank's orgs. Offers an
    earlier contract version made have none."""

    doc_type: Literal["offer-parties"] = "offer-parties"
    offer_id: str
    financier: str
    holder: str


class RecourseDemand(Doc):
    """One call of the bank on the holder to take the claim back (DemandRecourse, 回购通知), as the financing
    keeps it."""

    on: str = Field(description="the demand's transaction date")
    reason: str
    # None only on the demand of a financing recorded by dd690ce, which kept the day and the reason alone
    # (demand_before_the_list)
    outstanding: int | None = Field(default=None, description="what the debtor still owed on the claim then, fen "
                                    "(null on a demand recorded before demands kept it)")
    currency: Currency | None = Field(default=None, description="the claim's currency (null on a demand recorded "
                                      "before demands kept it)")
    tx_id: str | None = Field(default=None, description="the demand's transaction (null on a demand recorded "
                              "before demands kept it)")


# Fields earlier contracts wrote into a financing and this one no longer has. offer_ids: written (always empty)
# until 3949550 dropped it; every financing requested before carries it. recourse_demanded_on and
# recourse_demand_reason: dd690ce, the first contract with DemandRecourse, kept its one demand in them alone;
# 6a0e1d7 added recourse_demands and wrote them beside it as the list's last entry again, until 57f36f3. A record
# that holds them without a list entry keeps its demand as the list's one entry (demand_before_the_list), so
# dropping them loses nothing.
RETIRED_FINANCING_FIELDS = ("offer_ids", "recourse_demanded_on", "recourse_demand_reason")


def demand_before_the_list(data: Any) -> Any:
    """A stored financing whose demand of recourse is in ``recourse_demands``. dd690ce kept a financing's one
    demand as ``recourse_demanded_on`` and ``recourse_demand_reason`` only; read as the list's one entry, it still
    counts (a second demand the same day is refused) and the next write keeps it. What that contract did not
    record of a demand (what the debtor still owed then, the currency, the transaction) is None."""
    if isinstance(data, dict) and data.get("recourse_demanded_on") is not None and not data.get("recourse_demands"):
        demand = {"on": data["recourse_demanded_on"], "reason": data.get("recourse_demand_reason"),
                  "outstanding": None, "currency": None, "tx_id": None}
        return {**data, "recourse_demands": [demand]}
    return data


# a financing whose bank is party to its claim: accepted, or disbursed and not yet repaid or recoursed
LIVE_FINANCING = ("ACCEPTED", "DISBURSED")


class Financing(Doc):
    doc_type: Literal["financing"] = "financing"
    id: KeyAttribute
    receivable_id: KeyAttribute
    holder: KeyAttribute
    holder_msp: str
    status: Literal["REQUESTED", "ACCEPTED", "DISBURSED", "REPAID", "WITHDRAWN", "CANCELLED", "RECOURSED"]
    requested_on: str
    accepted_offer_id: KeyAttribute | None = None
    financier: KeyAttribute | None = None
    financier_msp: str | None = None
    collection: str | None = None
    terms_hash: str | None = None
    disbursed_on: str | None = None
    disbursement_hash: str | None = None
    notice_id: KeyAttribute | None = None
    repaid_on: str | None = None
    cancelled_on: str | None = Field(default=None, description="an accepted financing ended before disbursement")
    cancellation_reason: str | None = None
    recourse_on: str | None = Field(default=None, description="the bank, unpaid by the debtor, took the advance "
                                    "back from the holder under recourse terms; the claim went back to the holder")
    recourse_reason: str | None = None
    recourse_demands: list[RecourseDemand] = Field(default_factory=list, description="every demand of the bank "
                                                   "that the holder take the claim back, in order, at most one a "
                                                   "day; kept once the financing is repaid or recourse is exercised")
    last: Action

    @model_validator(mode="before")
    @classmethod
    def _without_retired_fields(cls, data: Any) -> Any:
        return without_retired_fields(demand_before_the_list(data), RETIRED_FINANCING_FIELDS)


class Offer(Doc):
    doc_type: Literal["offer"] = "offer"
    id: KeyAttribute
    financing_id: KeyAttribute
    receivable_id: KeyAttribute
    financier: KeyAttribute
    financier_msp: str
    collection: str
    terms_hash: str
    expires_on: str | None = Field(default=None, description="written in clear only by a contract version before "
                                   "the expiry became private like the other terms; absent on offers made since")
    status: Literal["OPEN", "ACCEPTED", "LAPSED", "WITHDRAWN"]
    made_on: str
    withdrawn_on: str | None = Field(default=None, description="the bank withdrew the offer while it was open: no "
                                     "holder can accept it")
    withdrawal_reason: str | None = None
    last: Action

    def to_json(self) -> dict:
        doc = super().to_json()
        if doc["expires_on"] is None:  # the expiry is one of the private terms: no key for it on the public record
            del doc["expires_on"]
        return doc

    def expiry(self, terms: OfferTerms) -> str:
        """The last day the holder may accept: the terms', or the public one a legacy record wrote if earlier."""
        return min(terms.expires_on, self.expires_on or terms.expires_on)


class Disbursement(Doc):
    """Private: the amounts of a disbursement, computed from the accepted terms."""

    doc_type: Literal["disbursement"] = "disbursement"
    financing_id: str
    receivable_id: str
    outstanding: int = Field(description="what the debtor still owed on the claim at disbursement, fen: the "
                                         "amount advanced against (a claim partly paid is financed on the rest)")
    principal: int = Field(description="outstanding x advance rate, fen")
    interest: int = Field(description="principal x discount rate x days / basis, fen")
    fees: int
    net_amount: int = Field(description="principal - interest - fees: what the holder receives")
    days: int
    day_count: str
    disbursed_on: str
    due_date: str
    salt: str = Field(default="", description="the accepted terms' salt: the outstanding amount, dates and days are "
                      "public, so without it the likely rates could be hashed until the public disbursement_hash "
                      "matched (empty on a disbursement recorded before disbursements were salted)")

    @model_validator(mode="before")
    @classmethod
    def _outstanding_under_its_earlier_name(cls, data: Any) -> Any:
        return outstanding_under_its_earlier_name(data)


def outstanding_under_its_earlier_name(data: Any) -> Any:
    """A stored disbursement with the amount advanced against as ``outstanding``. Contracts before fc0b0ee named
    it ``face_amount`` but gave it the claim's outstanding amount all the same (RecordDisbursement passed
    ``r.outstanding``): the same figure under its earlier name. No contract wrote both; a record holding both with
    different figures is refused rather than read as either."""
    if not isinstance(data, dict) or "face_amount" not in data:
        return data
    earlier = data["face_amount"]
    if data.get("outstanding", earlier) != earlier:
        raise ValueError(f"the disbursement record of financing {data.get('financing_id')} holds face_amount "
                         f"{earlier!r} and outstanding {data['outstanding']!r}, which differ: no contract version "
                         "wrote both, so the record was altered since: the record as written hashes to the "
                         "financing's disbursement_hash")
    return {**without_retired_fields(data, ("face_amount",)), "outstanding": earlier}


class AssignmentNotice(Doc):
    """债权转让通知: tells the debtor to pay the financier at maturity."""

    doc_type: Literal["notice"] = "notice"
    id: KeyAttribute
    receivable_id: KeyAttribute
    financing_id: KeyAttribute
    debtor: KeyAttribute
    assignor: KeyAttribute
    financier: KeyAttribute
    text: str
    issued_on: str
    status: Literal["ISSUED", "ACKNOWLEDGED", "RELEASED"]
    acknowledged_on: str | None = None
    released_on: str | None = Field(default=None, description="the financier exercised recourse: the claim is the "
                                    "holder's again, and the debtor pays the holder, not the financier")
    last: Action


# ---------------------------------------------------------------- dynamic discounting

class ScaleTier(Doc):
    min_days_early: Annotated[int, Field(strict=True, ge=limits.TIER_MIN_DAYS_EARLY, le=limits.TIER_MAX_DAYS_EARLY)]
    apr: Rate


class DiscountTerms(Doc):
    """What a discount offer pays at: a flat ``apr`` or a sliding ``scale``, the day-count basis and the
    expiry. AcceptDiscountOffer takes them again as the holder read them (``as_read``) and refuses the
    acceptance when the offer's differ (``discount-offer-changed``)."""

    apr: Rate | None = None
    scale: list[ScaleTier] | None = Field(default=None, max_length=20)
    day_count: Basis = daycount.DEFAULT_BASIS
    expires_on: IsoDate

    @classmethod
    def as_read(cls, offer: dict) -> str:
        """AcceptDiscountOffer's ``as_read`` argument for ``offer``, a discount offer's JSON as read: its
        terms, in the spelling read."""
        return json.dumps({name: offer[name] for name in cls.model_fields}, separators=(",", ":"),
                          ensure_ascii=False)


# the claims a discount offer covers, as requested and as stored (``DiscountOffer``, which holds each to being
# a key's attribute)
_DISCOUNT_CLAIMS = Field(default_factory=list, max_length=1000,
                         description="empty: every confirmed payable of the debtor")


class DiscountOfferRequest(DiscountTerms):
    receivable_ids: list[str] = _DISCOUNT_CLAIMS


class DiscountOffer(DiscountOfferRequest):
    doc_type: Literal["discount_offer"] = "discount_offer"
    id: KeyAttribute
    debtor: KeyAttribute
    debtor_msp: str
    status: Literal["OPEN", "WITHDRAWN"]
    published_on: KeyAttribute   # an attribute of its recfin.discount-by-debtor entry
    withdrawn_on: str | None = Field(default=None, description="the day the debtor withdrew it (WithdrawDiscountOffer)")
    last: Action
    # the claims an offer covers are read by their keys; the request's ids are held to that where read
    # (PublishDiscountOffer reads each claim before it writes the offer). Each held as an item of the list, so
    # a refusal names which one (``receivable_ids.2``), as a party's client_ids or a claim's children do
    receivable_ids: list[KeyAttribute] = _DISCOUNT_CLAIMS


ROLES = config.ROLES


# ---------------------------------------------------------------- invoice verification attestations

SourceName = config.SourceName


class InvoiceAttestationRequest(Doc):
    """What a checking party attests: which invoice, the values verified, which sources, what they found, the
    evidence's digest. A registration counts a passing attestation only for an invoice with the same buyer,
    date and amount + tax (see attestation.registration_problem)."""

    seller_tax_id: CreditCode
    code: Annotated[InvoiceCode, Field(description="发票代码; empty for a fully digitalised e-invoice")] \
        = ""
    number: InvoiceNumber
    fingerprint: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$",
                                      description="the invoice fingerprint as the attester computed it; the "
                                                  "contract computes it again and refuses a mismatch")]
    buyer_tax_id: Annotated[CreditCode, Field(description="the buyer's credit code, as verified")]
    issue_date: Annotated[IsoDate, Field(description="the invoice's date, as verified")]
    total_with_tax: Annotated[Fen, Field(description="价税合计 (amount + tax) as verified, integer fen")]
    sources: list[SourceName] = Field(min_length=1, max_length=config.MAX_SOURCES, description="the sources asked")
    # never counted as having checked the invoice; what they clear is attestation._as_it_stands's
    sources_skipped: list[SourceName] = Field(
        default_factory=list, max_length=config.MAX_SOURCES,
        description="the sources asked that held nothing of the invoice or its parties (each answer skipped), named "
                    "in none of sources; left out of the record where empty")
    outcome: Literal["pass", "fail"]
    evidence_digest: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$",
                                          description="SHA-256 hex of the canonical verification document "
                                                      "(client.invoices.attestation)")]

    def to_json(self) -> dict:
        """Without ``sources_skipped`` where it is empty: such a record reads as every contract version before the
        field wrote one, and a peer still running one reads it."""
        document = super().to_json()
        if not document["sources_skipped"]:
            del document["sources_skipped"]
        return document


class InvoiceAttestation(InvoiceAttestationRequest):
    number: str  # as stored: readable without the request's number rule (see Invoice)
    # None on a record of the contract before attestations carried the values verified: it matches no registration
    buyer_tax_id: CreditCode | None = Field(default=None, description="the buyer's credit code, as verified")
    issue_date: IsoDate | None = Field(default=None, description="the invoice's date, as verified")
    total_with_tax: Fen | None = Field(default=None, description="价税合计 (amount + tax) as verified, integer fen")
    doc_type: Literal["invoice_attestation"] = "invoice_attestation"
    id: KeyAttribute
    attester: KeyAttribute = Field(description="credit code of the attesting party")
    attester_role: Role
    attested: Action = Field(description="who attested, from which MSP, at the transaction timestamp, "
                                         "in which transaction")
