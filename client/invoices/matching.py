"""Three-way matching: invoice against purchase order (采购订单) and goods receipt (入库单/收货单).

Purchase orders and goods receipts come as the CSV or JSON an ERP exports; see
docs/invoices.md for the columns (English or Chinese headers). Lines pair up by
item name, after removing the ``*category*`` prefix that Chinese invoices put
before the name; when several PO lines share the name, an item code that agrees
with the invoice line's spec picks among them (the exact code, else the shortest
code holding the spec), and invoice lines of that name at different prices take
the lines of their price, among every line whose code holds their spec (one priced past the tolerance, those of
the price nearest its own). Only an item no
line names is
paired by item code (against the invoice line's name or spec: a spec such as
``0805`` is shared by different items, so it never outranks a name). An item's
PO lines and receipt lines are added up (an order split over lines, a delivery
received in parts), and so are its invoice lines; a discount line (折扣行:
negative amount, the name of a line above it) is folded into that line. A
receipt line is assigned to PO lines by name, item code and its unit price; one
that may be of PO lines of different code or price, not all the item's, backs
no item and leaves it partial ("cannot be told apart"); so does one giving an item code where every PO line of its
name carries another (another product's delivery), naming both codes. Items whose lines
overlap are compared with their receipt lines together, so no receipt line
backs two items.

A line is
- ``matched`` when it has PO lines and receipt lines, the item's invoiced
  quantity equals the received quantity and does not exceed the ordered one,
  its unit price equals the PO's, each within tolerance, and its amount is its quantity x unit price within
  ``Tolerances.line_fen`` (one line too high beside another too low would add up to the right total);
- ``partial`` when it has a PO line but something is outside tolerance, it was
  not received, it is a negative line that discounts no line above it (goods taken back, which counted with
  the item's other lines would net them down to the receipt's quantity), or its invoice, PO and receipt lines give units that differ and do not convert
  (200 个 are not 200 盘, nor kg m; kg and 千克 are one unit, spelt two ways; a document that gives no unit
  is not compared). The invoice line's and the receipt lines' quantities in another unit of a fixed size than the
  order's are compared in the order's (1 吨 is 1000 kg, 1 打 12 个), the invoice's unit price so too, and the line
  says what was converted (``LineMatch.units_converted``);
- ``unmatched`` when no PO line has its item.
A line that an item code paired (no PO line has its name) says so, with both names (``LineMatch.paired_by_code``).
With ``part_of_delivery`` (a delivery invoiced in several invoices), an invoice for less than the whole receipt
(an item invoiced below its received quantity, "invoiced 100 of 200 received", or receipt lines it does not
invoice) is a part of the delivery, and a full match carries the part (``MatchResult.part``): the receipt's whole
value and the invoice's amount, in fen without tax. Its tolerances are then one-sided: no quantity above the
received one, no unit price above the PO's (by half a fen or more over its line: the PO's price printed to more
places, 7.96460177 for 7.9646, is that price), no amount above the PO value of its quantities (each line rounded to
the fen) past a fen, the contract's allowance for a part, so no part is for more than its goods are worth; what
all the parts add up to the contract bounds (docs/receivables.md). A line of a quantity or amount not above zero (a
red-letter line, or one of nothing) is no part: ``partial``.
The whole match is ``matched`` only when every line is, the invoice's lines add up to its total amount (within
the total tolerance), and the invoice amount (without tax) equals the PO price x invoiced quantity summed, less the invoice's
discount lines, within the total tolerance, and no order or receipt gives a currency
(a currency, 币种 or 货币 column) other than the invoice's. Without ``part_of_delivery`` a match is of the
whole receipt (registered as a claim on all of it), so receipt lines received (quantity above 0) but on no
invoice item make it ``partial`` too, a document problem naming them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction
from functools import cached_property, lru_cache
from typing import Any

from client.money import MAX_FEN, plain_yuan, round_half_up

from ._erp_export import MAX_EXPORT_BYTES, _csv_row, currency_code, read_goods_receipt, read_purchase_order
from ._evidence import evidence_hash
from ._item_keys import item_key, known_unit, unit_factor, unit_key
from ._match_models import (DeliveryPart, GoodsReceipt, LineMatch, LineStatus, MatchResult, OrderLine, PurchaseOrder,
                            Tolerances, fraction_problem, without_none)
from ._reading import line_amount_fen, percent
from .checks import offset_named
from .errors import MalformedInput
from .model import Invoice, InvoiceLine

# What callers import from here: the documents and reading them, the tolerances, matching and its evidence hash.
# ``_csv_row`` is read by client.invoices.sources, which reads a CSV row as an export's is read.
# ``fold_discounts`` is read by client.invoices.checks, which tells a discount line from a red-letter one so.
__all__ = ["MAX_EXPORT_BYTES", "DeliveryPart", "GoodsReceipt", "LineMatch", "LineStatus", "MatchResult",
           "OrderLine", "PurchaseOrder",
           "Tolerances", "_csv_row", "currency_code", "evidence_hash", "fold_discounts", "fraction_problem", "item_key",
           "match_invoice", "read_goods_receipt", "read_purchase_order", "receipt_value", "unit_key", "without_none"]


def _given_unit(unit: str | None) -> str | None:
    """A unit as given, without the spaces around it; None where none is."""
    return unit.strip() if unit and unit.strip() else None


def _one_unit(lines: Any) -> str | None:
    """The one unit that lines giving one give (as the first of them writes it), None where none gives one or they
    give units that differ."""
    # each spelling looked at once: an item's hundreds of PO lines give one or two
    keys = {unit_key(u) for spelling in {l.unit for l in lines} if (u := _given_unit(spelling)) is not None}
    if len(keys) != 1:
        return None
    return next(u for l in lines if (u := _given_unit(l.unit)) is not None)


def _converted(quantity: Decimal, factor: Fraction) -> Decimal | Fraction:
    """A quantity times a conversion factor, exactly: a decimal still where the factor is a power of ten (吨 to kg),
    a fraction where it is not (个 to 打)."""
    if factor == 1:
        return quantity
    for power in (factor, 1 / factor):
        if power.denominator == 1 and str(power.numerator).rstrip("0") == "1":
            shift = len(str(power.numerator)) - 1
            # as plain digits, no zeros after the point (2000, not 2E+3; 5.1, not 5.10000): it is shown so
            digits = format(quantity.scaleb(shift if power is factor else -shift), "f")
            return Decimal(digits.rstrip("0").rstrip(".") if "." in digits else digits)
    return Fraction(quantity) * factor


def _factor_into(unit: str | None, lines: Any) -> Fraction:
    """What a quantity in ``unit`` is multiplied by to be in the unit of ``lines`` (a unit price divided by): 1000
    from 吨 to the order's kg. 1 where either gives no unit, the lines give several, or the units do not convert
    (a unit problem then, :func:`_unit_problem`)."""
    given, theirs = _given_unit(unit), _one_unit(lines)
    if given is None or theirs is None:
        return Fraction(1)
    return unit_factor(given, theirs) or Fraction(1)


def _unit_problem(line: InvoiceLine, ordered: tuple[OrderLine, ...], received: tuple[OrderLine, ...]) -> str | None:
    """Units that differ between the invoice line and its PO and receipt lines, where each gives one, and that do
    not convert to the order's: 200 个 and 200 盘 are not the same quantity, and the figures alone would match. The
    invoice's and the receipt's quantities in another unit of a fixed size than the order's (吨 for its kg) are
    converted to the order's, and no problem; where the order gives no unit, or its lines give several, nothing is
    converted. A document that gives no unit says nothing to compare."""
    given = [("the invoice line", line.unit), *((f"PO line {l.line}", l.unit) for l in ordered),
             *((f"receipt line {l.line}", l.unit) for l in received)]
    given = [(who, unit) for who, raw in given if (unit := _given_unit(raw)) is not None]
    if len({unit_key(unit) for _, unit in given}) <= 1:
        return None
    order_unit = _one_unit(ordered)
    if order_unit is not None and all(unit_factor(unit, order_unit) is not None for _, unit in given):
        return None
    shown = ", ".join(f"{who} in {unit}" for who, unit in given)
    known = {unit_key(unit): known_unit(unit) for _, unit in given}
    if None not in known.values() and len({u.kind for u in known.values() if u is not None}) > 1:
        kinds = ", ".join(f"{unit} a {u.kind}" for unit, u in known.items() if u is not None)
        return (f"the quantities are in units of different kinds ({shown}; {kinds}): they cannot be compared, nor "
                "converted; have the document in the wrong unit corrected")
    return (f"the quantities are in different units ({shown}): they cannot be compared; have the document in the "
            "wrong unit corrected, or its quantity converted to the others' unit")


def _conversion_note(item: "_Item", ordered: tuple[OrderLine, ...], received: tuple[OrderLine, ...],
                     index: "_OrderIndex") -> str | None:
    """Which of an item's lines were converted to the order's unit, and by what: None where none was."""
    order_unit = _one_unit(ordered)
    notes = []
    if item.factor != 1:
        notes.append(f"the invoice line in {_given_unit(item.line.unit)}: quantity x {_factor_text(item.factor)}, "
                     f"unit price x {_factor_text(1 / item.factor)}")
    for r in received:
        factor = index.receipt_factor(r)
        if factor != 1:
            notes.append(f"receipt line {r.line} in {_given_unit(r.unit)}: quantity x {_factor_text(factor)}")
    return f"converted to the order's unit, {order_unit}: {'; '.join(notes)}" if notes else None


def _code_pairing_note(line: InvoiceLine, ordered: tuple[OrderLine, ...], index: "_OrderIndex") -> str | None:
    """Where no PO line has the invoice line's name and an item code paired them (:func:`_order_lines`), the code and
    both names: goods the order calls otherwise may be other goods (resistors invoiced against a capacitor line of the
    same code), which the quantities and prices agreeing do not show. None where a name paired them."""
    if index.by_name.get(item_key(line.name)):
        return None
    codes = ", ".join(sorted({l.item_code for l in ordered if l.item_code}))
    names = " / ".join(dict.fromkeys(l.item_name for l in ordered))
    return (f"paired by item code {codes}: the invoice names {line.name}, PO line {', '.join(_ids(ordered))} "
            f"{names}; check that they are the same goods")


def _within(a: Decimal | Fraction, b: Decimal | Fraction, rel: Decimal) -> bool:
    # exact: Decimal arithmetic rounds at 28 digits
    return abs(Fraction(a) - Fraction(b)) <= abs(Fraction(b)) * Fraction(rel)


def _fraction_text(value: Fraction) -> str:
    """Exact when the value has a decimal form within 28 digits, else to 6 places."""
    approx = Decimal(value.numerator) / Decimal(value.denominator)
    return format(approx, "f") if Fraction(approx) == value else f"{approx:.6f}"


def _number(value: Decimal | Fraction) -> str:
    """A figure for a message: as read, or exactly where it was converted to another unit."""
    return str(value) if isinstance(value, Decimal) else _fraction_text(value)


def _factor_text(factor: Fraction) -> str:
    """A conversion factor, exactly: 1000, 0.001, 1/12."""
    text = _fraction_text(factor)
    return text if Fraction(Decimal(text)) == factor else f"{factor.numerator}/{factor.denominator}"


def _shown(values: list[Any]) -> str:
    """A quantity for a message: one as read (or as converted), or the exact sum of several."""
    return _number(values[0]) if len(values) == 1 else _fraction_text(_total(values))


@dataclass(frozen=True)
class _Item:
    """An invoice line with the discount lines (折扣行) printed right below it folded in."""

    number: int
    line: InvoiceLine
    discount_fen: int = 0
    discount_lines: tuple[int, ...] = ()
    # what the line's quantity is multiplied by (its unit price divided by) to be in its PO lines' unit
    factor: Fraction = Fraction(1)

    @property
    def quantity(self) -> Decimal | Fraction | None:
        """The line's quantity in its PO lines' unit."""
        q = self.line.quantity
        return q if q is None else _converted(q, self.factor)

    @property
    def unit_price(self) -> Decimal | Fraction | None:
        """The line's unit price in its PO lines' unit."""
        p = self.line.unit_price
        return p if p is None else _converted(p, 1 / self.factor)


def fold_discounts(lines: tuple[InvoiceLine, ...]) -> list[_Item]:
    """The invoice's lines as items, each discount line folded into the line it discounts. A negative line left an
    item of its own discounts nothing: on a positive invoice it is a red-letter line (``totals.positive`` fails it),
    and it invoices no goods delivered."""
    # A discount is printed as a line of negative amount, with the name of the line it discounts, below it.
    items: list[_Item] = []
    # the nearest line above with the same name is the one discounted: for each name (its item key),
    # where in ``items`` the last positive line of it stands, kept as lines are read. Looking back through
    # every item for each line took time in the square of the line count (20,000 lines, 3 MB: 4.5 minutes)
    last_positive: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        key = item_key(line.name)
        above = last_positive.get(key)
        if line.amount_fen < 0 and above is not None:
            item = items[above]
            items[above] = _Item(item.number, item.line, item.discount_fen + line.amount_fen,
                                 item.discount_lines + (number,))
        else:
            items.append(_Item(number, line))
            if line.amount_fen > 0:
                last_positive[key] = len(items) - 1
    return items


# Lines are told apart by identity (id()), not by their line column: an export need not number them uniquely.


class _Once:
    """What depends on an item's lines and not on the item, worked out once for all the items of the same lines and
    kept for the match: one item invoiced on many lines (the same name and spec on each) has one tuple of PO lines
    and one of receipt lines, shared by its items, so each result is keyed by the identity of the objects it is
    made of (and any plain values besides). Worked out again for each item, every item went over all of them, in
    the square of the line count: 1,000 lines of one item against as many PO and receipt lines took 11 s. The
    objects are held here, so that no id is taken by another object while its result is kept."""

    def __init__(self) -> None:
        self._known: dict[tuple, Any] = {}
        self._held: list[object] = []

    def __call__(self, what: str, of: tuple[object, ...], make: Any, *values: Any) -> Any:
        """The result ``make()`` gives for the objects ``of`` and ``values``, made the first time it is asked."""
        key = (what, *map(id, of), *values)
        if key not in self._known:
            self._held.append(of)
            self._known[key] = make()
        return self._known[key]

class _OrderIndex:
    """A PO's lines by name and by item code (their item keys), each in the order's own order, made once
    for a match, and the PO lines each receipt line may be of (:func:`_po_lines_of_receipt_line`). Going over
    every PO line for each invoice line and each receipt line took time in the product of their counts: 4,000
    lines each took 11 s, 20,000 each did not end in 15 minutes."""

    def __init__(self, po: PurchaseOrder, tol: Tolerances) -> None:
        self.po, self.tol = po, tol
        self.position = {id(l): n for n, l in enumerate(po.lines)}
        self.by_name: dict[str, list[OrderLine]] = {}
        self.by_code: dict[str, list[OrderLine]] = {}
        # by name and code together: lines of one name (bolts in many sizes) told apart by their codes are looked
        # up by code, not found by going over every line of the name for each invoice line and receipt line
        self.by_name_and_code: dict[tuple[str, str], list[OrderLine]] = {}
        for l in po.lines:
            name = item_key(l.item_name)
            self.by_name.setdefault(name, []).append(l)
            if l.item_code:
                code = item_key(l.item_code)
                self.by_code.setdefault(code, []).append(l)
                self.by_name_and_code.setdefault((name, code), []).append(l)
        # by what decides them (name, code, price, unit): a receipt repeats these for many of its lines
        self.of_receipt_line: dict[tuple[str, str | None, Decimal | None, str | None], list[OrderLine]] = {}
        # each receipt line's factor into its PO lines' unit, by id (the line kept, so its id stays its own)
        self._receipt_factors: dict[int, tuple[OrderLine, Fraction]] = {}
        # by a receipt line's unit and the id of its PO lines' list (held in of_receipt_line): its factor
        self._unit_factors: dict[tuple[str | None, int], Fraction] = {}

    def receipt_factor(self, received: OrderLine) -> Fraction:
        """What a receipt line's quantity is multiplied by to be in the unit of the PO lines it may be of."""
        known = self._receipt_factors.get(id(received))
        if known is None:
            po_lines = _po_lines_of_receipt_line(received, self)
            # once for the receipt lines of one unit and the same PO lines (a delivery received on many lines):
            # going over the PO lines' units for each took time in the square of the line count
            factor = self._unit_factors.get((received.unit, id(po_lines)))
            if factor is None:
                factor = self._unit_factors[received.unit, id(po_lines)] = _factor_into(received.unit, po_lines)
            known = received, factor
            self._receipt_factors[id(received)] = known
        return known[1]

    def received(self, received: OrderLine) -> Decimal | Fraction:
        """A receipt line's quantity in the unit of the PO lines it may be of."""
        return _converted(received.quantity, self.receipt_factor(received))

    def named(self, name: str) -> list[OrderLine]:
        """The lines whose name has the item key ``name``: the index's own list, not to be changed (a copy for
        each of thousands of items of one name would take memory in the square of their count)."""
        return self.by_name.get(name, [])

    def named_and_coded(self, name: str, code: str) -> list[OrderLine]:
        """The lines whose name and item code have the item keys ``name`` and ``code``: the index's own list, not
        to be changed."""
        return self.by_name_and_code.get((name, code), [])

    def coded(self, codes: set[str], taken_by_name: frozenset[int] = frozenset()) -> list[OrderLine]:
        """The lines whose item code has one of the item keys ``codes``, but those in ``taken_by_name``."""
        found = {id(l): l for code in codes for l in self.by_code.get(code, ()) if id(l) not in taken_by_name}
        return sorted(found.values(), key=lambda l: self.position[id(l)])


def _narrowed(named: list[OrderLine], agreeing: list[OrderLine], claimed_elsewhere: set[int]
              ) -> tuple[OrderLine, ...]:
    """Of the lines that share an item's name, those whose item code agrees with it; when none does, those
    no other item's code claims; only lines still indistinguishable are pooled (added up, prices averaged)."""
    if agreeing:
        return tuple(agreeing)
    unclaimed = [l for l in named if id(l) not in claimed_elsewhere]
    return tuple(unclaimed or named)


def _narrow_all(named: dict[int, list[OrderLine]], agreeing: dict[int, list[OrderLine]]
                ) -> dict[int, tuple[OrderLine, ...]]:
    """:func:`_narrowed` for every item that has named lines."""
    narrowed = {}
    # Once, not per item (which grows with the cube of the line count): an item's own agreeing lines are none
    # wherever _narrowed asks what the others claim, so those are the lines every item's code agrees with.
    claimed = {id(l) for agree in _each_once(agreeing.values()) for l in agree}
    # one tuple for the items of the same named and agreeing lists (one item on many lines), made once for them
    once = _Once()
    for number, lines in named.items():
        if lines:
            agree = agreeing[number]
            narrowed[number] = once("narrowed", (lines, agree),
                                    lambda: _narrowed(lines, agree, claimed if not agree else set()))
    return narrowed


def _each_once(lists: Any) -> list[Any]:
    """Each of the lists or tuples of lines (the values of a dict by item number) once, whatever number of items
    share it: the items of the same lines (one item invoiced on many lines) share one object, whose lines, gathered
    for each item, were gone over once for each, in the square of the line count."""
    return list({id(lines): lines for lines in lists}.values())


def _spec_keys(line: InvoiceLine) -> set[str]:
    return {item_key(line.spec)} if line.spec else set()


def _spec_holding(index: _OrderIndex, named: list[OrderLine], line: InvoiceLine) -> tuple[list[OrderLine], bool]:
    """The lines of its name (``named``) whose item code is the invoice line's spec (and True), or failing that
    holds it (an ERP code often wraps the maker's part number: R0805-10K for spec 0805-10K)."""
    if not line.spec:
        return [], True
    spec = item_key(line.spec)
    exact = index.named_and_coded(item_key(line.name), spec)
    return (exact, True) if exact else ([l for l in named if l.item_code and spec in item_key(l.item_code)], False)


def _tightest(lines: list[OrderLine]) -> list[OrderLine]:
    """Of the lines whose code holds a spec, those of the shortest code: 0805 is R0805 before R0805-10K."""
    shortest = min((len(item_key(l.item_code or "")) for l in lines), default=0)
    return [l for l in lines if len(item_key(l.item_code or "")) == shortest]


def _spec_agreeing_all(index: _OrderIndex, items: list[_Item], named: dict[int, list[OrderLine]]
                       ) -> tuple[dict[int, list[OrderLine]], dict[int, list[OrderLine]]]:
    """The lines each item's spec picks among those of its name: the exact code, else the tightest code
    holding it, leaving out the lines another item (of another spec) picks while others remain, so that
    specs 0805 and 0805-10K take R0805 and R0805-10K, not both R0805-10K. And, for an item picked by the
    tightest code, every line whose code holds its spec that no other spec picks (R0805 and R0805-10K for
    0805), among which a price may choose (:func:`_split_by_price`)."""
    # What an item picks depends on its name and spec alone: worked out once for each of them, its lists shared by
    # the items of that name and spec (one item invoiced on many lines, each of which went over every line of its
    # name, in the square of the line count), not to be changed
    kind_of: dict[int, tuple[str, frozenset[str]]] = {}
    first_of: dict[tuple[str, frozenset[str]], _Item] = {}
    for item in items:
        kind = kind_of[item.number] = (item_key(item.line.name), frozenset(_spec_keys(item.line)))
        first_of.setdefault(kind, item)
    holding = {kind: _spec_holding(index, named[item.number], item.line) for kind, item in first_of.items()}
    picks = {kind: lines if exact else _tightest(lines) for kind, (lines, exact) in holding.items()}
    # the specs picking each line (by id), so that an item asks of its own lines which another spec picks: the
    # lines of every other item's picks, gathered for each item, took time in the square of the item count
    picked_by: dict[int, set[frozenset[str]]] = {}
    for (_, spec), lines in picks.items():
        for l in lines:
            picked_by.setdefault(id(l), set()).add(spec)
    agreeing_of, holding_spec_of = {}, {}
    for kind, (lines, exact) in holding.items():
        if exact:
            agreeing_of[kind] = lines
            continue
        spec = kind[1]
        free = [l for l in lines if not picked_by.get(id(l), set()) - {spec}]
        agreeing_of[kind] = _tightest(free) if free else picks[kind]
        holding_spec_of[kind] = free or picks[kind]
    agreeing = {n: agreeing_of[kind] for n, kind in kind_of.items()}
    holding_spec = {n: holding_spec_of[kind] for n, kind in kind_of.items() if kind in holding_spec_of}
    return agreeing, holding_spec


def _split_by_price(items: list[_Item], ordered: dict[int, tuple[OrderLine, ...]], tol: Tolerances,
                    holding_spec: dict[int, list[OrderLine]]) -> None:
    """Invoice items at different prices that pair with the same PO lines take the lines of their price
    (one product in two grades at two prices, told apart by nothing else). One item alone keeps them all:
    an order split at two prices compares with their average. An item that its spec paired with the
    tightest code holding it chooses by price among every line holding its spec (``holding_spec``): specs
    0805 at 1.00 and 0805 at 2.00 take R0805 at 1.00 and R0805-10K at 2.00, where the code, settled first,
    gave both R0805 and the second was compared with a line not its own."""
    sharing: dict[frozenset[int], list[_Item]] = {}
    once = _Once()   # the ids of the items' lines, and their lines of a price, once for the items of the same
    no_lines: list[OrderLine] = []
    for item in items:
        lines = ordered[item.number]
        if lines:
            sharing.setdefault(once("ids", (lines,), lambda: frozenset(id(l) for l in lines)), []).append(item)
    for same in sharing.values():
        # prices per the unit of the first line shared, so that 5000 a 吨 and 5 a kg are one price
        unit = ordered[same[0].number][0].unit
        if len({_price_in(i.line.unit_price, i.line.unit, unit) if i.line.unit_price is not None else None
                for i in same}) < 2:
            continue
        for item in same:
            lines, spec_holding = ordered[item.number], holding_spec.get(item.number, no_lines)
            ordered[item.number] = once("of its price", (lines, spec_holding), lambda: (
                _of_its_price(tuple(spec_holding), item.line, tol, within_only=True)
                or _of_its_price(lines, item.line, tol)), str(item.line.unit_price), item.line.unit)


def _of_its_price(lines: tuple[OrderLine, ...], line: InvoiceLine, tol: Tolerances,
                  within_only: bool = False) -> tuple[OrderLine, ...]:
    """Of the PO lines invoice lines at different prices share, those of one invoice line's price (within
    tolerance), else those of the price nearest it (and the line is partial for its price). Left with them
    all, a line priced past the tolerance would pair with the lines of another's price, which, correct,
    would then be reported as lines that cannot be told apart, and its own price compared with an average
    no line has. ``within_only``: none, where no line is of its price."""
    priced = [l for l in lines if l.unit_price is not None]
    if line.unit_price is None or not priced:
        return () if within_only else lines
    # the invoice's price in each PO line's unit (5000 a 吨 against 5 a kg)
    price = {id(l): _price_in(line.unit_price, line.unit, l.unit) for l in priced}
    within = [l for l in priced if _within(price[id(l)], l.unit_price, tol.price_rel)]
    if within or within_only:
        return tuple(within)
    gap = {id(l): abs(Fraction(l.unit_price) - Fraction(price[id(l)])) for l in priced}
    nearest = min(gap.values())
    return tuple(l for l in priced if gap[id(l)] == nearest)


def _order_lines(index: _OrderIndex, items: list[_Item]) -> dict[int, tuple[OrderLine, ...]]:
    """The PO lines of each invoice item: those named like it, narrowed by an item code that agrees with its
    spec when several share the name, then by price between invoice lines of one name at different prices;
    only when none is named, those whose item code is its name or spec (a spec such as 0805 is shared by
    different items, so it never outranks a name). Lines another invoice line claims by name are never
    taken by code."""
    invoice_names = {item_key(item.line.name) for item in items}
    taken_by_name = frozenset(id(l) for name in invoice_names for l in index.by_name.get(name, ()))
    named = {item.number: index.named(item_key(item.line.name)) for item in items}
    agreeing, holding_spec = _spec_agreeing_all(index, items, named)
    ordered = _narrow_all(named, agreeing)
    coded: dict[frozenset[str], tuple[OrderLine, ...]] = {}   # once for the items of the same name and spec
    for item in items:
        if item.number not in ordered:
            codes = frozenset({item_key(item.line.name)} | _spec_keys(item.line))
            if codes not in coded:
                coded[codes] = tuple(index.coded(set(codes), taken_by_name))
            ordered[item.number] = coded[codes]
    _split_by_price(items, ordered, index.tol, holding_spec)
    return ordered


def _po_lines_of_receipt_line(received: OrderLine, index: _OrderIndex) -> list[OrderLine]:
    """The PO lines a receipt line may be a delivery of: those named like it (or, when none is, carrying
    its item code), narrowed to those of its item code, then to those of its unit price, when it has them
    and some PO line agrees. The list is shared by the receipt lines of the same name, code and price: not to
    be changed."""
    name = item_key(received.item_name)
    code = item_key(received.item_code) if received.item_code else None
    unit = _given_unit(received.unit)
    key = (name, code, received.unit_price, unit_key(unit) if unit is not None else None)
    known = index.of_receipt_line.get(key)
    if known is not None:
        return known
    candidates = index.named(name)
    if code is not None:
        if candidates:
            coded = index.named_and_coded(name, code)
        else:
            coded = list(index.by_code.get(code, ()))
        if not coded and _of_other_codes(received, candidates):
            candidates = []
        else:
            candidates = coded or candidates
    if len(candidates) > 1 and received.unit_price is not None:
        priced = [l for l in candidates if l.unit_price is not None
                  and _within(_price_in(received.unit_price, unit, l.unit), l.unit_price, index.tol.price_rel)]
        candidates = priced or candidates
    index.of_receipt_line[key] = candidates
    return candidates


def _price_in(price: Decimal, unit: str | None, to_unit: str | None) -> Decimal | Fraction:
    """A unit price per ``unit`` as a price per ``to_unit`` where they convert (5000 a 吨 is 5 a kg), else as
    given."""
    given, wanted = _given_unit(unit), _given_unit(to_unit)
    factor = unit_factor(given, wanted) if given is not None and wanted is not None else None
    return price if factor is None or factor == 1 else Fraction(price) / factor


def _of_other_codes(received: OrderLine, named: list[OrderLine]) -> bool:
    """Whether a receipt line gives an item code and every PO line of its name (``named``, some) carries another:
    the receipt line is of another product of that name (C0603 received where C0805 was ordered), which backs no
    PO line (:func:`_po_lines_of_receipt_line`): one product's delivery never backs another's invoice line."""
    code = item_key(received.item_code or "")
    return bool(code and named) and all(l.item_code and item_key(l.item_code) != code for l in named)


def _other_code_problem(received: tuple[OrderLine, ...], ordered: tuple[OrderLine, ...]) -> str:
    """The receipt lines of an item's name that give another item code than its PO lines', each named with both
    codes."""
    ordered_codes = sorted({l.item_code for l in ordered if l.item_code})
    named = "; ".join(f"receipt line {r.line} ({r.item_name}) is of item code {r.item_code}" for r in received)
    return (f"{named}, PO line {', '.join(_ids(ordered))} of item code {', '.join(ordered_codes)}: a delivery of "
            "another product does not back this invoice line (correct the receipt's item code, or match against "
            "the order of that product)")


def _indistinguishable(lines: list[OrderLine]) -> bool:
    """PO lines that neither an item code nor a price tells apart (an order split over like lines)."""
    return len({(item_key(l.item_code or ""), l.unit_price) for l in lines}) <= 1


def _receipt_lines(receipt: GoodsReceipt, index: _OrderIndex, ordered_of: dict[int, tuple[OrderLine, ...]]
                   ) -> tuple[dict[int, tuple[OrderLine, ...]], dict[int, tuple[OrderLine, ...]],
                                         dict[int, tuple[OrderLine, ...]]]:
    """The receipt lines of each item ordered, those it cannot tell apart from another item's, and those of its
    PO lines' name but of another item code (:func:`_of_other_codes`), which back nothing.

    A receipt line is assigned to PO lines (:func:`_po_lines_of_receipt_line`); it backs an item when every
    PO line it may be of is one of the item's, or they are alike. When it may be of PO lines of different
    code or price, some not the item's, it backs no item: its quantity would count for goods of another
    code or price (one product's deliveries backing another's invoice line)."""
    # Each id set once, and items of the same PO lines (one item invoiced on many lines) sorted once: set
    # operations per item and receipt line would grow with the cube of the line count. Each item's set of PO
    # lines finds the receipt lines that may be of them through those lines (``touching``): going over every
    # receipt line for each item took time in the product of the line counts. The receipt lines that may be of
    # the same PO lines (one list, :func:`_po_lines_of_receipt_line`: a delivery of one item received on many
    # lines) are one entry, their PO lines gone over once for all of them, not once for each.
    possible = _ReceiptLinesByPoLines()
    other_coded = _ReceiptLinesByPoLines()   # the lines of a name, but of other codes than all its PO lines
    once = _Once()
    for at, r in enumerate(receipt.lines):
        candidates = _po_lines_of_receipt_line(r, index)
        possible.add(at, r, candidates)
        if not candidates and r.item_code:
            named = index.named(item_key(r.item_name))
            if once("other codes", (named,), lambda: _of_other_codes(r, named), item_key(r.item_code)):
                other_coded.add(at, r, named)
    of_lines: dict[frozenset[int], tuple[tuple[OrderLine, ...], ...]] = {}
    received: dict[int, tuple[OrderLine, ...]] = {}
    unclear: dict[int, tuple[OrderLine, ...]] = {}
    other_code: dict[int, tuple[OrderLine, ...]] = {}
    once = _Once()   # each item's set of PO line ids, once for the items of the same lines
    for n, ordered in ordered_of.items():
        own = once("ids", (ordered,), lambda: frozenset(id(l) for l in ordered))
        if own not in of_lines:
            mine, doubtful = [], []
            for ids, alike, r in possible.touching(own):
                (mine if ids <= own or alike else doubtful).append(r)
            of_lines[own] = (tuple(mine), tuple(doubtful), tuple(r for _, _, r in other_coded.touching(own)))
        received[n], unclear[n], other_code[n] = of_lines[own]
    return received, unclear, other_code


class _ReceiptLinesByPoLines:
    """Receipt lines by the list of PO lines each may be of (one list for the lines of the same name, code and
    price, :func:`_po_lines_of_receipt_line`), found through those PO lines."""

    def __init__(self) -> None:
        # by id of a list of PO lines: the list, its ids, whether they are alike, and its receipt lines with where
        # each stands in the receipt
        self._of: dict[int, tuple[list[OrderLine], frozenset[int], bool, list[tuple[int, OrderLine]]]] = {}
        self._touching: dict[int, list[int]] = {}   # by PO line id: the ids of the lists holding it

    def add(self, at: int, received: OrderLine, po_lines: list[OrderLine]) -> None:
        known = self._of.get(id(po_lines))
        if known is None:
            known = self._of[id(po_lines)] = (po_lines, frozenset(id(l) for l in po_lines),
                                              _indistinguishable(po_lines), [])
            for l in po_lines:
                self._touching.setdefault(id(l), []).append(id(po_lines))
        known[3].append((at, received))

    def touching(self, po_line_ids: frozenset[int]) -> list[tuple[frozenset[int], bool, OrderLine]]:
        """The receipt lines that may be of one of the PO lines ``po_line_ids`` or more, in the receipt's order,
        each with the ids of the PO lines it may be of and whether those are alike."""
        lists = {of for line_id in po_line_ids for of in self._touching.get(line_id, ())}
        found = [(at, ids, alike, r) for of in lists for _, ids, alike, lines in [self._of[of]] for at, r in lines]
        found.sort(key=lambda each: each[0])
        return [(ids, alike, r) for _, ids, alike, r in found]


def _groups(items: list[_Item], ordered_of: dict[int, tuple[OrderLine, ...]],
            received_of: dict[int, tuple[OrderLine, ...]]) -> dict[int, list[_Item]]:
    """The items whose PO or receipt lines overlap, grouped (by item number), so that every PO line and
    every receipt line backs the quantities of one group only: a receipt line cannot count for two items."""
    leader = {item.number: item.number for item in items}

    def find(n: int) -> int:
        while leader[n] != n:
            n = leader[n]
        return n

    first_with: dict[int, int] = {}
    # an item of the same PO and receipt lines as one before (one item invoiced on many lines) joins that one's
    # group, as going over those lines again would join it, once for each line, in the square of the line count
    first_of_lines: dict[tuple[int, int], int] = {}
    for item in items:
        ordered, received = ordered_of[item.number], received_of[item.number]
        same = first_of_lines.setdefault((id(ordered), id(received)), item.number)
        if same != item.number:
            leader[find(item.number)] = find(same)
            continue
        for l in ordered + received:
            other = first_with.setdefault(id(l), item.number)
            leader[find(item.number)] = find(other)
    groups: dict[int, list[_Item]] = {}
    for item in items:
        groups.setdefault(find(item.number), []).append(item)
    return {item.number: groups[find(item.number)] for item in items}


def _lines_of(group: list[_Item], lines_of: dict[int, tuple[OrderLine, ...]],
              position: dict[int, int]) -> tuple[OrderLine, ...]:
    """Every line of a group's items once, in the document's order (``position``: where each line, by id,
    stands in it), sorted rather than found by going over the whole document for each group."""
    lines = {id(l): l for of_item in _each_once(lines_of[item.number] for item in group) for l in of_item}
    return tuple(sorted(lines.values(), key=lambda l: position[id(l)]))


def _ids(lines: tuple[OrderLine, ...]) -> tuple[str, ...]:
    return tuple(l.line for l in lines)


def _total(lines: Any) -> Fraction:
    return _exact_sum(tuple(lines))


@lru_cache(maxsize=64)
def _exact_sum(quantities: tuple[Decimal, ...]) -> Fraction:
    # the same sums again for each of an item's invoice lines (one item invoiced on hundreds of lines): a tuple of
    # decimals hashes far quicker than it adds up as fractions
    return sum((Fraction(q) for q in quantities), Fraction(0))


def match_invoice(invoice: Invoice, po: PurchaseOrder, receipt: GoodsReceipt,
                  tolerances: Tolerances | None = None, *, part_of_delivery: bool = False) -> MatchResult:
    """Match every invoice line against the PO and the receipt.

    Quantities compare per item: an item's invoice lines, PO lines and receipt lines are each added up,
    so an order split over two lines or a delivery received in two parts matches as one. A discount line
    (negative amount, the same name, right below its line) is folded into that line.

    With ``part_of_delivery``, an invoice for less than was received (a delivery invoiced in several invoices)
    matches, each such line saying so ("invoiced 100 of 200 received"), and a full match carries its share of the
    delivery (:class:`DeliveryPart`); more than was received is still no match. Without it, such an invoice (below
    a received quantity, or leaving receipt lines out) is ``partial``. Raises :class:`MalformedInput` for a
    delivery part whose receipt is worth more than the ledger takes (:func:`receipt_value`).
    """
    tol = tolerances or Tolerances()
    doc_problems: list[str] = []
    if receipt.po_number and receipt.po_number != po.number:
        doc_problems.append(f"the receipt {receipt.number} is for PO {receipt.po_number}, not {po.number}: match the "
                            f"invoice against PO {receipt.po_number}, or against the receipt of PO {po.number}")
    if receipt.number == po.number:
        doc_problems.append(f"the goods receipt's number {receipt.number} is the purchase order's: the order's own "
                            "file given as the receipt is no record of goods received; match against the goods "
                            "receipt (入库单) of the delivery")
    red_letter = invoice.total_with_tax_fen < 0
    if red_letter:
        doc_problems.append(_red_letter_problem(invoice))
    doc_problems.extend(_currency_problems(invoice, po, receipt))
    doc_problems.extend(_lines_total_problem(invoice, tol))
    items = fold_discounts(invoice.lines)
    index = _OrderIndex(po, tol)
    ordered_of = _order_lines(index, items)
    once = _Once()   # what depends on an item's lines alone, once for the items of the same lines
    # each invoice line's quantity and price in its PO lines' unit, where it gives another that converts (吨 to kg)
    items = [item if factor == 1 else replace(item, factor=factor)
             for item in items for ordered in [ordered_of[item.number]]
             for factor in [once("factor", (ordered,), lambda: _factor_into(item.line.unit, ordered), item.line.unit)]]
    on_order = [item for item in items if ordered_of[item.number]]
    received_of, unclear_of, other_code_of = _receipt_lines(
        receipt, index, {item.number: ordered_of[item.number] for item in on_order})
    in_receipt = {id(l): n for n, l in enumerate(receipt.lines)}
    group_of = _groups(on_order, ordered_of, received_of)
    # Each item's PO lines as a set of ids, made once: the same object for the items of the same lines (one item
    # invoiced on many lines), so that telling them apart is `is`, not a comparison of the sets item by item.
    same_lines: dict[frozenset[int], frozenset[int]] = {}

    def ids_of(lines: tuple[OrderLine, ...]) -> frozenset[int]:
        ids = frozenset(id(l) for l in lines)
        return same_lines.setdefault(ids, ids)
    line_ids = {item.number: once("ids", (ordered,), lambda: ids_of(ordered))
                for item in on_order for ordered in [ordered_of[item.number]]}
    received_of_group: dict[int, tuple[OrderLine, ...]] = {}   # by id(group): its items share one list
    counts_of_group: dict[int, _GroupCounts] = {}

    results: list[LineMatch] = []
    expected = Fraction(0)
    # the same, each line rounded to the fen as an invoice line's amount is: what a part's invoice is held to
    lines_fen = 0
    for item in items:
        line, ordered = item.line, ordered_of[item.number]
        if not ordered:
            results.append(LineMatch(invoice_line=item.number, item=line.name, status="unmatched",
                                     problems=(_NO_PO_LINE,)))
            results.extend(LineMatch(invoice_line=d, item=line.name, status="unmatched", discount_of=item.number,
                                     problems=(f"a discount on line {item.number}, which is not on the order",))
                           for d in item.discount_lines)
            continue
        group = group_of[item.number]
        if id(group) not in received_of_group:
            received_of_group[id(group)] = _lines_of(group, received_of, in_receipt)
            counts_of_group[id(group)] = _group_counts(group, ordered_of, line_ids)
        received = received_of_group[id(group)]
        problems, part_note = _item_problems(item, counts_of_group[id(group)], ordered, received,
                                             unclear_of[item.number], index, part_of_delivery,
                                             own=line_ids[item.number], other_code=other_code_of[item.number],
                                             red_letter=red_letter, once=once)
        own_received = received_of[item.number]
        unit_problem = once("unit problem", (ordered, own_received),
                            lambda: _unit_problem(line, ordered, own_received), line.unit)
        if unit_problem is not None:   # first: the quantities compared below are then in different units
            problems.insert(0, unit_problem)
        problems.extend(_amount_problems(invoice.lines, (item.number, *item.discount_lines), tol.line_fen))
        if item.quantity is not None and item.unit_price is not None:
            at_po_price = Fraction(item.quantity) * _order_price_once(once, ordered, item.unit_price)
            expected += at_po_price
            lines_fen += round_half_up(at_po_price * 100)
        expected += Fraction(item.discount_fen, 100)
        lines_fen += item.discount_fen
        status: LineStatus = "partial" if problems else "matched"
        where = dict(po_line=ordered[0].line, po_lines=once("line names", (ordered,), lambda: _ids(ordered)),
                     receipt_line=received[0].line if received else None,
                     receipt_lines=once("line names", (received,), lambda: _ids(received)))
        converted = once("conversion note", (ordered, own_received),
                         lambda: _conversion_note(item, ordered, own_received, index), item.factor, line.unit)
        by_code = once("code pairing note", (ordered,), lambda: _code_pairing_note(line, ordered, index), line.name)
        results.append(LineMatch(invoice_line=item.number, item=line.name, status=status, problems=tuple(problems),
                                 part_of_delivery=part_note, units_converted=converted, paired_by_code=by_code,
                                 **where))
        results.extend(LineMatch(invoice_line=d, item=line.name, status=status, discount_of=item.number, **where)
                       for d in item.discount_lines)
    results.sort(key=lambda r: r.invoice_line)
    expected_fen = round_half_up(expected * 100)
    if abs(expected_fen - invoice.total_amount_fen) > tol.total_fen:
        doc_problems.append(f"invoice amount {plain_yuan(invoice.total_amount_fen)} is not the PO value of the "
                            f"invoiced quantities less the invoice's discounts {plain_yuan(expected_fen)} "
                            f"(tolerance {plain_yuan(tol.total_fen)}): each line may be within the price tolerance "
                            "while the invoice asks more, or less, than the order's value past the total tolerance; "
                            "have the invoice reissued at the order's prices")
    part = None
    if part_of_delivery:
        # less than the whole receipt: an item below its received quantity, or receipt lines it does not invoice
        # that received goods (one received in quantity 0 left nothing to invoice, as without the option)
        backing = {id(l) for lines in _each_once(received_of.values()) for l in lines}
        if any(r.part_of_delivery for r in results) \
                or any(id(l) not in backing and l.quantity != 0 for l in receipt.lines):
            part, problems = _delivery_part(invoice, index, receipt, lines_fen)
            doc_problems.extend(problems)
    else:
        invoiced_po_lines = {id(l) for lines in _each_once(ordered_of.values()) for l in lines}
        doc_problems.extend(_receipt_lines_not_invoiced(receipt, index, invoiced_po_lines, received_of,
                                                        unclear_of))
    statuses = {r.status for r in results}
    if statuses == {"matched"} and not doc_problems:
        overall: LineStatus = "matched"
    elif statuses == {"unmatched"}:
        overall = "unmatched"
    else:
        overall = "partial"
    on_invoice = {id(l) for ordered in _each_once(ordered_of.values()) for l in ordered}
    return MatchResult(
        status=overall, invoice_number=invoice.number, po_number=po.number, receipt_number=receipt.number,
        lines=tuple(results), not_invoiced_po_lines=tuple(l.line for l in po.lines if id(l) not in on_invoice),
        expected_amount_fen=expected_fen, invoice_amount_fen=invoice.total_amount_fen, problems=tuple(doc_problems),
        part=part if overall == "matched" else None,
    )


def _receipt_lines_not_invoiced(receipt: GoodsReceipt, index: _OrderIndex, invoiced_po_lines: set[int],
                                received_of: dict[int, tuple[OrderLine, ...]],
                                unclear_of: dict[int, tuple[OrderLine, ...]]) -> list[str]:
    """Outside a delivery invoiced in parts, the receipt lines no invoice item is for, as a document problem: a
    match without the option is of the whole receipt (registered with no part, a claim on all of it), so an
    invoice leaving received goods out is for less than it claims, as one below a received quantity is. A line
    received in quantity 0 received nothing to invoice; one that may be of several items' PO lines is already
    the problem of the item it may be for; a PO line never received has no receipt line to name. A line of no PO
    line (free samples, or a name the invoice's item is already reported as not received under) is no part of what
    an invoice for this order claims, nor of the receipt's value, while every PO line is invoiced or received under
    its own name; while one is neither, the line may be its goods under another name, and is named."""
    invoiced = {id(l) for lines in _each_once((*received_of.values(), *unclear_of.values())) for l in lines}
    po_lines_of = {id(l): _po_lines_of_receipt_line(l, index) for l in receipt.lines}
    received_po_lines = {id(p) for lines in _each_once(po_lines_of.values()) for p in lines}
    unaccounted = any(id(p) not in invoiced_po_lines and id(p) not in received_po_lines
                      for p in index.po.lines)
    left_out = [l for l in receipt.lines if id(l) not in invoiced and l.quantity != 0
                and (po_lines_of[id(l)] or unaccounted)]
    if not left_out:
        return []
    named = ", ".join(f"{l.line} ({l.item_name})" for l in left_out)
    return [f"receipt {receipt.number} line{'s' * (len(left_out) > 1)} {named} received but not on this invoice: "
            "without --part-of-delivery (part_of_delivery=True) an invoice is matched against, and registered as a "
            "claim on, the whole receipt; an invoice for part of a delivery is matched and registered with that "
            "option"]


def receipt_value(receipt: GoodsReceipt, po: PurchaseOrder,
                  tolerances: Tolerances | None = None) -> tuple[int | None, tuple[str, ...]]:
    """The whole receipt's value in fen, without tax, as a delivery invoiced in parts is registered (every part of
    it gives the same, whichever items its invoice is for), and what keeps it from being told.

    Each receipt line's quantity at the unit price of the PO line it is a delivery of
    (:func:`_po_lines_of_receipt_line`), rounded half up to the fen line by line, as an invoice rounds its lines,
    then summed: parts whose invoices each take whole receipt lines at the PO's prices add up to it exactly, and
    the contract's 10 fen of rounding absorb receipt lines split between invoices. A receipt line that may be of
    PO lines at different prices (nothing, no item code or
    unit price of its own, tells which was received), of no PO line, or of one without a price, cannot be valued:
    ``(None, problems)``. A value above the ledger's cap (``MAX_FEN``) raises :class:`MalformedInput`: a quantity
    or price mistyped, which no tolerance makes a delivery."""
    return _receipt_value(receipt, _OrderIndex(po, tolerances or Tolerances()))


def _receipt_value(receipt: GoodsReceipt, index: _OrderIndex) -> tuple[int | None, tuple[str, ...]]:
    """:func:`receipt_value`, the PO's lines indexed."""
    po = index.po
    value, problems = 0, []
    # the prices of a list of PO lines and their names, once for the receipt lines that may be of the same
    # (a delivery of one item received on many lines), which went over them for each
    once = _Once()
    for received in receipt.lines:
        candidates = _po_lines_of_receipt_line(received, index)
        prices = once("prices", (candidates,), lambda: frozenset(l.unit_price for l in candidates))
        if not candidates:
            problems.append(f"receipt line {received.line} ({received.item_name}) is of no line of PO {po.number}")
        elif None in prices:
            problems.append(f"receipt line {received.line} ({received.item_name}) is of PO line "
                            f"{once('names', (candidates,), lambda: ' or '.join(_ids(tuple(candidates))))}, which "
                            "gives no unit price")
        elif len(prices) > 1:
            problems.append(f"receipt line {received.line} ({received.item_name}) may be of PO line "
                            f"{once('names', (candidates,), lambda: ' or '.join(_ids(tuple(candidates))))}, at "
                            f"different unit prices ({', '.join(str(p) for p in sorted(prices))}): which was "
                            "received cannot be told (give the receipt line the item code or unit price of its PO "
                            "line)")
        else:
            value += round_half_up(Fraction(index.received(received)) * Fraction(next(iter(prices))) * 100)
    if problems:
        return None, tuple(problems)
    if value > MAX_FEN:
        # each quantity and price is within its own limits, their product need not be: the ledger would refuse the
        # part, so the documents are refused here, as an amount above the cap is when read
        raise MalformedInput(f"goods receipt {receipt.number}", "quantity", (
            f"the received quantities at the unit prices of PO {po.number} are worth {plain_yuan(value)} yuan, "
            f"above the cap of {plain_yuan(MAX_FEN)} yuan that the ledger accepts: check the receipt's quantities "
            "and the order's unit prices"))
    return value, ()


def _delivery_part(invoice: Invoice, index: _OrderIndex, receipt: GoodsReceipt,
                   lines_fen: int) -> tuple[DeliveryPart | None, list[str]]:
    """The part of its delivery an invoice for less than the whole receipt is, and the document problems that keep
    it from being one: a receipt that cannot be valued, an amount above ``lines_fen`` (the PO value of the
    invoiced quantities, each line rounded to the fen as the invoice rounds it, less its discounts) by more than
    a fen (more is a price above the PO's). The contract also bounds what all the
    receipt's parts invoice together (10 fen of rounding past its value), which one invoice cannot
    show: an invoice passing here may still be refused there when earlier parts took that allowance."""
    received, problems = _receipt_value(receipt, index)
    why = [f"the receipt {receipt.number} cannot be valued as a delivery invoiced in parts is: {p}" for p in problems]
    why.extend(_received_beyond_order(receipt, index))
    if invoice.total_amount_fen > lines_fen + 1:
        why.append(f"invoice amount {plain_yuan(invoice.total_amount_fen)} is above the PO value of the invoiced "
                   f"quantities, each line rounded to the fen, less the invoice's discounts {plain_yuan(lines_fen)} "
                   "by more than the fen of rounding the contract allows a part: an invoice of a delivery invoiced "
                   "in parts is for at most the PO's value of what it invoices")
    if received is None:
        return None, why
    return DeliveryPart(received_fen=received, invoiced_fen=invoice.total_amount_fen), why


def _received_beyond_order(receipt: GoodsReceipt, index: _OrderIndex) -> list[str]:
    """The receipt lines that received more of PO lines than they ordered (past the quantity tolerance), as
    problems of a delivery invoiced in parts. The parts are bounded by the receipt's value, and each invoice
    by the order only on its own: two invoices each for the 200 ordered would be parts of a receipt of 400 (a
    row exported twice, or goods delivered past the order), where one invoice for the 400 exceeds the ordered
    quantity. Receipt lines that may be of the same PO lines are counted together, as items whose lines
    overlap are."""
    leader: dict[int, int] = {}   # PO lines joined by the receipt lines that may be of them, by id

    def find(line_id: int) -> int:
        while leader.setdefault(line_id, line_id) != line_id:
            line_id = leader[line_id]
        return line_id

    of_po_lines = []
    joined: set[int] = set()   # the lists of PO lines joined: once for the receipt lines that may be of the same
    for received in receipt.lines:
        candidates = _po_lines_of_receipt_line(received, index)
        if id(candidates) not in joined:   # each list is held by index.of_receipt_line, its id its own
            joined.add(id(candidates))
            for other in candidates[1:]:
                leader[find(id(other))] = find(id(candidates[0]))
        if candidates:
            of_po_lines.append((received, candidates[0]))
    groups: dict[int, tuple[list[OrderLine], list[OrderLine]]] = {}
    for received, first in of_po_lines:
        groups.setdefault(find(id(first)), ([], []))[0].append(received)
    for ordered in index.po.lines:
        if id(ordered) in leader:
            groups[find(id(ordered))][1].append(ordered)
    problems = []
    for received_lines, ordered_lines in groups.values():
        got = tuple(index.received(l) for l in received_lines)
        asked = tuple(l.quantity for l in ordered_lines)
        if _total(got) > _total(asked) * (1 + Fraction(index.tol.quantity_rel)):
            problems.append(
                f"receipt {receipt.number} line {' + '.join(_ids(tuple(received_lines)))} "
                f"({received_lines[0].item_name}) received {_shown(list(got))}, above the "
                f"{_shown(list(asked))} ordered on PO line {' + '.join(_ids(tuple(ordered_lines)))}: "
                "the parts of a delivery, each within the order, could together invoice more than was "
                "ordered, which one invoice for it may not; have the receipt corrected (a row exported "
                "twice?) or the order amended to what was received")
    return problems


def _lines_total_problem(invoice: Invoice, tol: Tolerances) -> list[str]:
    """An invoice whose lines add up to another amount than its total (合计金额), past the total tolerance: the
    total is compared with the PO value and the lines with the order, so each could pass while the invoice says
    two amounts. (Within the tolerance the two amounts are as near as the total must be to the PO value;
    ``totals.amount`` holds them to the fen.)"""
    lines_fen = sum(line.amount_fen for line in invoice.lines)
    if abs(lines_fen - invoice.total_amount_fen) <= tol.total_fen:
        return []
    return [f"the invoice's lines add up to {plain_yuan(lines_fen)}, its total amount (合计金额) says "
            f"{plain_yuan(invoice.total_amount_fen)}: which amount it is for cannot be told; check the invoice "
            "(recfin invoice verify names its lines)"]


def _currency_problems(invoice: Invoice, po: PurchaseOrder, receipt: GoodsReceipt) -> list[str]:
    """An order or a receipt that says it is in another currency than the invoice: its prices are of another
    money, and 1.50 USD a piece matching 1.50 CNY a piece would back a receivable with an order it is not. A
    document that says no currency is taken to be in the invoice's, as before currencies were read."""
    invoiced = invoice.currency or "CNY"
    return [f"currency: the {what} {number} is in {currency}, the invoice in {invoiced}: prices in two currencies "
            f"do not compare; match the invoice against a {what} in {invoiced}"
            for what, number, currency in (("purchase order", po.number, po.currency),
                                           ("goods receipt", receipt.number, receipt.currency))
            if currency is not None and currency != invoiced]


def _order_price(ordered: tuple[OrderLine, ...], invoiced_price: Decimal | Fraction) -> Fraction:
    """The PO price of an item: the one price of its PO lines, or their quantity-weighted average when an
    order split over lines priced them differently. A PO line without a price takes the invoiced one."""
    # compared as decimals (as exact as fractions, and far quicker for an item on hundreds of PO lines)
    prices = [l.unit_price if l.unit_price is not None else invoiced_price for l in ordered]
    if len(set(prices)) == 1:
        return Fraction(prices[0])
    quantity = _total(l.quantity for l in ordered)
    if quantity == 0:
        return Fraction(prices[0])
    return sum((Fraction(l.quantity) * Fraction(p) for l, p in zip(ordered, prices)), Fraction(0)) / quantity


# What a partial line does next, as its problem says: the field that did not match, the tolerance it was held to, and
# the way forward, which an officer deciding whether the invoice can back a receivable reads.
_NO_PO_LINE = ("no purchase order line for this item: no PO line has its name (its *category* prefix aside), nor an "
               "item code that is its name or spec; match the invoice against the order the item was bought on")
_INVOICED_BELOW_RECEIVED = ("an invoice for part of a delivery is matched with --part-of-delivery "
                            "(part_of_delivery=True); otherwise have the invoice reissued for what was received")
_INVOICED_ABOVE_RECEIVED = ("more is invoiced than was received; have the invoice reissued for what this receipt "
                            "received (an invoice covering several deliveries matches no one receipt)")


class _Invoiced:
    """Invoice items whose quantities count together (a group of items whose lines overlap, or the items of the
    same PO lines): their quantities, added up once for all of them, and a note naming their lines, made only for
    a message. Counted per item, each of an item's thousands of invoice lines would go over all the others again."""

    def __init__(self, items: list[_Item]) -> None:
        self.items = items
        self.quantities = [q for i in items if (q := i.quantity) is not None]
        self.total = _total(self.quantities)

    @cached_property
    def shown(self) -> str:
        """The quantity for a message, with the note naming the lines when there are several: made once, for the
        first of the items a problem is reported on."""
        note = f" (invoice lines {_runs([i.number for i in self.items])})" if len(self.items) > 1 else ""
        return f"{_shown(self.quantities)}{note}"


def _runs(numbers: list[int]) -> str:
    """Line numbers for a message, three or more in a row written as a range (``1-4000``, ``2, 5-7``): every one of
    an item's lines carries the note, which naming thousands of lines one by one would make as long as the invoice
    on each of them."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(f"{run[0]}-{run[-1]}" if len(run) > 2 else ", ".join(map(str, run)) for run in runs)


@dataclass(frozen=True)
class _GroupCounts:
    """What a group of items whose lines overlap (:func:`_groups`) compares with, worked out once for all its
    items: the group's invoiced quantities (``whole``, compared with the receipt lines it shares); by each set of PO
    line ids (one object for the items of the same lines, :func:`match_invoice`'s ``line_ids``), the quantities of
    the items of those lines (compared with what they ordered), and the PO lines they share with items of other
    lines and those items' numbers (lines that cannot be told apart)."""

    whole: _Invoiced
    same_item: dict[int, _Invoiced]
    overlap: dict[int, tuple[list[str], list[int]]]


def _group_counts(group: list[_Item], ordered_of: dict[int, tuple[OrderLine, ...]],
                  line_ids: dict[int, frozenset[int]]) -> _GroupCounts:
    by_lines: dict[int, list[_Item]] = {}
    for item in group:
        by_lines.setdefault(id(line_ids[item.number]), []).append(item)
    # which sets of lines hold each PO line, so that a set's overlaps are found through its own lines, not by
    # comparing it with every other set of the group
    holding: dict[int, list[frozenset[int]]] = {}
    for items in by_lines.values():
        own = line_ids[items[0].number]
        for line_id in own:
            holding.setdefault(line_id, []).append(own)
    overlap = {}
    for key, items in by_lines.items():
        own = line_ids[items[0].number]
        others = {id(other) for line_id in own for other in holding[line_id] if other is not own}
        shared = [l.line for l in ordered_of[items[0].number]
                  if any(other is not own for other in holding[id(l)])]
        overlap[key] = shared, [i.number for i in group if id(line_ids[i.number]) in others]
    return _GroupCounts(whole=_Invoiced(group), same_item={key: _Invoiced(items) for key, items in by_lines.items()},
                        overlap=overlap)


def _item_problems(item: _Item, counts: _GroupCounts, ordered: tuple[OrderLine, ...],
                   received: tuple[OrderLine, ...], unclear: tuple[OrderLine, ...], index: _OrderIndex,
                   part_of_delivery: bool = False, *, own: frozenset[int],
                   other_code: tuple[OrderLine, ...] = (),
                   red_letter: bool = False, once: _Once | None = None) -> tuple[list[str], str | None]:
    """What keeps an item from matching, and, with ``part_of_delivery``, what it invoiced of what was received
    where that is less (None where it is not). Its ordered quantity and price are those of its own PO lines
    (``ordered``, their ids ``own``), shared only with the invoice lines of the same item; its received quantity
    is compared for the whole group of items whose lines overlap (``counts``), so no receipt line counts twice.
    ``other_code``: receipt lines of its name but of another item code, which back nothing. ``red_letter``: the
    invoice is a red-letter one, whose negative lines are its return, not a blue invoice's to put on one.
    ``once``: the match's :class:`_Once`, what depends on the lines alone worked out once for their items."""
    line, tol = item.line, index.tol
    once = once or _Once()
    problems: list[str] = []
    shared, overlapping = counts.overlap[id(own)]
    if overlapping:
        problems.append(f"PO line {', '.join(shared)} also pairs with invoice line "
                        f"{', '.join(map(str, overlapping))}, which is not the same item: the lines "
                        "cannot be told apart (give them names or item codes that differ)")
    if item.discount_lines and line.amount_fen + item.discount_fen <= 0:
        problems.append(f"the discount on lines {', '.join(map(str, item.discount_lines))} takes the amount to "
                        f"{plain_yuan(line.amount_fen + item.discount_fen)}, not above zero")
    if other_code:
        problems.append(once("other code", (other_code, ordered), lambda: _other_code_problem(other_code, ordered)))
    if part_of_delivery and (line.amount_fen <= 0 or (line.quantity is not None and line.quantity <= 0)):
        # below the received quantity, it would read as a part: a part of no value, or of negative value, which
        # the registration would send as the invoice's share of the delivery
        problems.append(_on_the_red_letter_invoice(line) if red_letter else _not_a_part_problem(line))
        return problems, None
    if line.amount_fen < 0 or (line.quantity is not None and line.quantity < 0):
        # a negative line no discount: counted with the item's other lines, 1500 invoiced less 500 taken back
        # would pass for the 1000 received
        problems.append(_on_the_red_letter_invoice(line) if red_letter else _taken_back_problem(line))
        return problems, None
    if item.quantity is None or item.unit_price is None:
        problems.append("the invoice line has no quantity or unit price: what it invoices cannot be compared with the "
                        "order and the receipt; have the invoice reissued giving the line's quantity and unit price")
        return problems, None
    unit_price = item.unit_price   # in the order's unit
    part_note = None
    if unclear:
        problems.append(once("unclear", (unclear,), lambda: _unclear_problem(unclear, index)))
    elif not received:
        problems.append("not received: no goods receipt line for this item; match the invoice against the receipt of "
                        "the delivery that brought it, once the goods are received")
    else:
        invoiced = counts.whole
        got, got_shown, parts = once("received", (received,), lambda: _received_figures(received, index))
        if part_of_delivery and invoiced.total < got:
            part_note = f"invoiced {invoiced.shown} of {got_shown} received{parts}"
        elif part_of_delivery and invoiced.total > got:
            # one-sided: parts invoicing above the received quantities could add up to more than was received
            problems.append(f"invoiced quantity {invoiced.shown} is above the received "
                            f"{got_shown}{parts}: an invoice of a delivery invoiced "
                            "in parts invoices at most what was received, whatever the quantity tolerance")
        elif abs(invoiced.total - got) > got * Fraction(tol.quantity_rel):
            problems.append(f"invoiced quantity {invoiced.shown} is not the received {got_shown}{parts}, past "
                            f"the quantity tolerance of {percent(tol.quantity_rel)}: "
                            + (_INVOICED_BELOW_RECEIVED if invoiced.total < got else _INVOICED_ABOVE_RECEIVED))
    invoiced = counts.same_item[id(own)]
    if invoiced.total > once("ordered", (ordered,), lambda: _total(l.quantity for l in ordered)) \
            * (1 + Fraction(tol.quantity_rel)):
        problems.append(f"invoiced quantity {invoiced.shown} exceeds the ordered "
                        f"{once('ordered shown', (ordered,), lambda: _ordered_shown(ordered))}, past the quantity "
                        "tolerance of "
                        f"{percent(tol.quantity_rel)}: have the invoice reissued for at most what was ordered, or "
                        "match against the order amended to what was delivered")
    prices = once("prices", (ordered,), lambda: [l.unit_price for l in ordered if l.unit_price is not None])
    price = _order_price_once(once, ordered, unit_price)
    shown = once("price shown", (ordered,), lambda: (
        str(prices[0]) if len(set(prices)) == 1 else f"{_fraction_text(price)} (the PO lines' average)")
        if prices else "", str(unit_price))
    if prices and part_of_delivery and _priced_above(unit_price, price, item.quantity):
        # one-sided: the receipt is valued at the PO's prices, so parts priced above them could add up past it
        problems.append(f"unit price {_number(unit_price)} is above the PO price {shown}: an invoice of a delivery "
                        "invoiced in parts is at most at the PO's price, whatever the price tolerance")
    elif prices and not _within(unit_price, price, tol.price_rel):
        problems.append(f"unit price {_number(unit_price)} is not the PO price {shown}, past the price tolerance of "
                        f"{percent(tol.price_rel)}: have the invoice reissued at the order's price, or match against "
                        "the order amended to the price agreed")
    return problems, part_note


def _received_figures(received: tuple[OrderLine, ...], index: _OrderIndex) -> tuple[Fraction, str, str]:
    """The quantity received on an item's receipt lines in the order's unit, that quantity for a message, and the
    note naming the lines where there are several."""
    got_each = [index.received(l) for l in received]
    parts = f" (receipt lines {' + '.join(_ids(received))})" if len(received) > 1 else ""
    return _total(got_each), _shown(got_each), parts


def _ordered_shown(ordered: tuple[OrderLine, ...]) -> str:
    """The quantity ordered on an item's PO lines for a message, with the note naming the lines where there are
    several."""
    parts = f" (PO lines {' + '.join(_ids(ordered))})" if len(ordered) > 1 else ""
    return f"{_shown([l.quantity for l in ordered])}{parts}"


def _order_price_once(once: _Once, ordered: tuple[OrderLine, ...], invoiced_price: Decimal | Fraction) -> Fraction:
    """:func:`_order_price`, once for the items of the same PO lines at the same invoiced price."""
    return once("order price", (ordered,), lambda: _order_price(ordered, invoiced_price), str(invoiced_price))


def _priced_above(unit_price: Decimal | Fraction, po_price: Fraction, quantity: Decimal | Fraction) -> bool:
    """Whether a line of a delivery invoiced in parts is priced above the PO's: by enough that its quantity at that
    price is worth half a fen more or above. Less is the PO's price printed to more places, not a higher one: an
    order keeps 7.9646 without tax where the invoicing software prints 9.00 with tax at 13 % as 7.96460177, which
    changes no line's amount at the fen (the invoice's amount is held to the PO value of its lines apart)."""
    above = Fraction(unit_price) - po_price
    return above > 0 and abs(Fraction(quantity)) * above * 100 >= Fraction(1, 2)


def _amount_problems(lines: tuple[InvoiceLine, ...], numbers: tuple[int, ...], tolerance_fen: int) -> list[str]:
    """The lines (by number) whose amount is not their quantity x unit price, within the fen an amount is rounded
    to (``Tolerances.line_fen``). Quantities and prices are compared with the order and the receipt, and only the
    total amount with the PO value: one line priced a fen too high and another a fen too low add up to the total
    all the same, and the invoice would match asking too much for one item."""
    problems = []
    for number in numbers:
        line = lines[number - 1]
        if line.quantity is None or line.unit_price is None:
            continue
        expected = line_amount_fen(line.quantity, line.unit_price)
        if abs(expected - line.amount_fen) > tolerance_fen:
            problems.append(f"line {number}: {line.quantity} x {line.unit_price} = {plain_yuan(expected)}, but its "
                            f"amount is {plain_yuan(line.amount_fen)}: an amount that is not its quantity x unit "
                            "price matches no order, even where another line's makes up for it in the total; "
                            "check the invoice (recfin invoice verify names its lines)")
    return problems


def _line_figures(line: InvoiceLine) -> str:
    """An invoice line's quantity (where it gives one) and amount, as a refusal of the line names them."""
    quantity = f"quantity {line.quantity}, " if line.quantity is not None else ""
    return f"{quantity}amount {plain_yuan(line.amount_fen)}"


def _not_a_part_problem(line: InvoiceLine) -> str:
    """Why a line of no goods (a quantity or amount of zero) or of goods taken back (a red-letter line, negative)
    is no part of a delivery."""
    return (f"the line invoices {_line_figures(line)}, not above zero: a line of no goods, or of goods taken back "
            "(a red-letter line), is no part of a delivery; invoice a part with lines above zero, and a return on a "
            "red-letter invoice of its own")


def _taken_back_problem(line: InvoiceLine) -> str:
    """Why a negative line that discounts no line above it (a red-letter line on a blue invoice) matches nothing."""
    return (f"the line invoices {_line_figures(line)}: it takes goods back, and is no discount (a negative line "
            "right below a line of the same name), so it is matched against no goods received; counted with the "
            "item's other lines it would net them down to the receipt's quantity. Invoice the goods delivered, and a "
            "return on a red-letter invoice of its own")


def _red_letter_problem(invoice: Invoice) -> str:
    """Why a red-letter invoice (total with tax below zero) matches no goods received: it takes back goods of the
    invoice it offsets, named as its remark names it (:func:`~client.invoices.checks.offset_named`), which is the
    one to match; one naming none sends the reader to its seller."""
    said = (f"invoice {invoice.number} is a red-letter invoice (total with tax "
            f"{plain_yuan(invoice.total_with_tax_fen)})")
    taken_back = "it takes goods back, so it matches no goods received and backs no receivable"
    if not invoice.original_number:
        return (f"{said} that names no invoice it offsets (对应蓝字发票号码, in its remark): {taken_back}; ask its "
                "seller which invoice it takes back, and match that one")
    return (f"{said}, offsetting invoice {offset_named(invoice)}: {taken_back}; match the invoice it offsets, and "
            "check any claim that invoice backs (recfin invoice verify --ledger on this invoice)")


def _on_the_red_letter_invoice(line: InvoiceLine) -> str:
    """Why a line of a red-letter invoice matches nothing: the invoice is the return (:func:`_red_letter_problem`)."""
    return (f"the line invoices {_line_figures(line)}: it takes goods back, as the red-letter invoice it is on does, "
            "so it is matched against no goods received")


def _unclear_problem(unclear: tuple[OrderLine, ...], index: _OrderIndex) -> str:
    """Which receipt lines may be of which PO lines, alike ones named together."""
    may_be: dict[tuple[str, ...], list[str]] = {}
    # named once for the receipt lines that may be of the same PO lines (one list, held by the index), not for each
    names_of: dict[int, tuple[str, ...]] = {}
    for r in unclear:
        candidates = _po_lines_of_receipt_line(r, index)
        if id(candidates) not in names_of:
            names_of[id(candidates)] = _ids(tuple(candidates))
        may_be.setdefault(names_of[id(candidates)], []).append(r.line)
    which = "; ".join((f"receipt lines {', '.join(receipt)} may each be" if len(receipt) > 1 else
                       f"receipt line {receipt[0]} may be") + f" of PO line {' or '.join(candidates)}"
                      for candidates, receipt in may_be.items())
    return (f"{which}, whose item codes or prices differ: the receipt lines cannot be told apart (give the "
            "receipt's lines the item codes or unit prices of their PO lines)")
