"""The documents three-way matching compares and what it answers: purchase order and goods receipt lines as read,
the tolerances within which figures are equal, and the result of a match, line by line and for the whole invoice."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer

from client.shown import shown_value

from ._reading import beyond_digit_limits, without_trailing_zeros


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class OrderLine(_Frozen):
    line: str
    item_code: str | None = None
    item_name: str
    quantity: Decimal
    unit_price: Decimal | None = None
    unit: str | None = Field(default=None, description="the unit the quantity is in (个, 箱, 千克), where given")


_CURRENCY_FIELD = Field(default=None, description="the ISO 4217 code of its prices (CNY, USD) where the file gives "
                                                  "one (a currency, 币种 or 货币 column or key); None where it does not")


class PurchaseOrder(_Frozen):
    number: str
    lines: tuple[OrderLine, ...]
    currency: str | None = _CURRENCY_FIELD


class GoodsReceipt(_Frozen):
    number: str
    po_number: str | None = None
    lines: tuple[OrderLine, ...]
    currency: str | None = _CURRENCY_FIELD


def fraction_problem(value: Decimal) -> str | None:
    """Why a number is no fraction from 0 to 1 that a tolerance (or a confidence) can be, or ``None`` where it is
    one. It is held to the digits of the figures it is compared with (:func:`beyond_digit_limits`): 1E-999999999 is
    short to write, but a fraction of a billion digits, and comparing with it would not end. Zeros after its last
    digit are no digits of its value: 0.010000000000000000000000 is 0.01."""
    if not value.is_finite() or not 0 <= value <= 1:
        return "must be a fraction from 0 to 1 (0.005 is 0.5%)"
    beyond = beyond_digit_limits(without_trailing_zeros(value))
    return None if beyond is None else (f"has {beyond}, more than any figure it is compared with: give a fraction "
                                      "from 0 to 1 with fewer digits (0.005 is 0.5%)")


@dataclass(frozen=True)
class Tolerances:
    """How far apart is still equal. Relative tolerances are fractions (0.01 = 1%), refused (``ValueError``) when
    they are not a fraction from 0 to 1 or have more digits than the figures they compare (:func:`fraction_problem`);
    ``total_fen`` is refused when it is not a whole number of fen from 0 up, and so is ``line_fen``: how far a
    line's amount may be from its quantity x unit price, the fen it is rounded to (as ``line.amount`` checks it;
    a registration's ``tolerance_fen`` widens both alike)."""

    quantity_rel: Decimal = Decimal("0")
    price_rel: Decimal = Decimal("0.005")
    total_fen: int = 100
    line_fen: int = 1

    def __post_init__(self) -> None:
        for name in ("quantity_rel", "price_rel"):
            given = getattr(self, name)
            if isinstance(given, bool) or not isinstance(given, (Decimal, int, float)):
                raise ValueError(f"Tolerances.{name} is {given!r}: give a Decimal fraction from 0 to 1, "
                                 "such as Decimal('0.005') for 0.5%")
            value = Decimal(repr(given)) if isinstance(given, float) else Decimal(given)  # 0.01, not its binary value
            problem = fraction_problem(value)
            if problem is not None:
                raise ValueError(f"Tolerances.{name} {shown_value(given)} {problem}")
            object.__setattr__(self, name, without_trailing_zeros(value))
        # a whole number of fen, as the CLI's --total-tolerance-fen takes it: infinity matched any total, and a
        # negative one made every match partial
        for name, example in (("total_fen", "100 for CNY 1.00"), ("line_fen", "1 for CNY 0.01")):
            given = getattr(self, name)
            if isinstance(given, bool) or not isinstance(given, int) or given < 0:
                raise ValueError(f"Tolerances.{name} is {given!r}: give a whole number of fen from 0 up, "
                                 f"such as {example}")


LineStatus = Literal["matched", "partial", "unmatched"]


class LineMatch(_Frozen):
    invoice_line: int
    item: str
    status: LineStatus
    po_line: str | None = Field(default=None, description="the first of po_lines")
    receipt_line: str | None = Field(default=None, description="the first of receipt_lines")
    po_lines: tuple[str, ...] = Field(default=(), description="every PO line of the item (an order split over lines)")
    receipt_lines: tuple[str, ...] = Field(default=(), description="the receipt lines its received quantity is "
                                           "compared with (partial deliveries, items that share lines)")
    discount_of: int | None = Field(default=None, description="a discount line: the invoice line it is folded into")
    problems: tuple[str, ...] = ()
    part_of_delivery: str | None = Field(default=None, description=(
        "matched as a part of its delivery (``part_of_delivery=True``): what was invoiced of what was received, "
        "\"invoiced 100 of 200 received\"; None otherwise"))
    units_converted: str | None = Field(default=None, description=(
        "which of the line's invoice and receipt lines were in another unit than the order's (吨 for its kg), and "
        "the factor their quantities were multiplied by (unit prices divided by) to compare in the order's; None "
        "where none was"))

    paired_by_code: str | None = Field(default=None, description=(
        "where no PO line has the invoice line's name and an item code paired them: the code and both names, which "
        "may be of other goods (\"paired by item code C0805: the invoice names ..., PO line 1 ...\"); None where a "
        "name paired them"))

    @model_serializer(mode="wrap")
    def _notes_when_given(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return without_none(handler(self), "part_of_delivery", "units_converted", "paired_by_code")


class DeliveryPart(_Frozen):
    """What an invoice matched as a part of its delivery is for, in fen without tax: the whole receipt's value
    (:func:`receipt_value`: the same for every invoice of the delivery) and the invoice's amount (合计金额), which
    the contract counts as the part's share. A registration sends ``received_fen`` as the goods receipt's part."""

    received_fen: int = Field(description="the receipt's value: each receipt line's quantity at its PO line's unit "
                                           "price, summed exactly, rounded half up to the fen once")
    invoiced_fen: int = Field(description="the invoice's amount without tax (合计金额), as the contract counts it")


class MatchResult(_Frozen):
    status: LineStatus
    invoice_number: str
    po_number: str
    receipt_number: str
    lines: tuple[LineMatch, ...]
    not_invoiced_po_lines: tuple[str, ...]
    expected_amount_fen: int
    invoice_amount_fen: int
    problems: tuple[str, ...] = Field(default=(), description="document-level problems (totals, references)")
    part: DeliveryPart | None = Field(default=None, description=(
        "a full match of an invoice for part of what the receipt received (``part_of_delivery=True``): its share "
        "of the delivery; None for a match of the whole delivery, or one not full"))

    @property
    def ok(self) -> bool:
        return self.status == "matched"

    @model_serializer(mode="wrap")
    def _part_when_one(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return without_none(handler(self), "part")


def without_none(dumped: dict[str, Any], *fields: str) -> dict[str, Any]:
    """``dumped`` without each of ``fields`` that is None: fields set only in some matches (a delivery invoiced in
    parts, units converted, a line paired by item code), so that a document without them dumps (and goes out) as
    before they were added."""
    for field in fields:
        if field in dumped and dumped[field] is None:
            del dumped[field]
    return dumped
