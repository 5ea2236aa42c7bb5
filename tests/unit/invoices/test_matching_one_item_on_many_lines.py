"""Three-way matching of one item invoiced on many lines (the same name and spec on each) works out what depends on
the item's lines once for all of its lines: it went over every line of its name for each invoice line, and over
every receipt line for each, in the square of the line count (1,000 lines of one item against as many PO and receipt
lines: 11.6 s; 2,000 through the CLI: 76 s). Held here to give every result the way it was worked out before: the
functions matching changed, as they were, are the oracle, run on random documents that repeat their lines."""

from __future__ import annotations

import functools
import types
from decimal import Decimal

from hypothesis import example, given, settings, strategies as st

from client.invoices import matching
from client.invoices.errors import MalformedInput
from client.invoices.matching import GoodsReceipt, OrderLine, PurchaseOrder, match_invoice, receipt_value

from ._samples import invoice, line


@functools.cache
def _matching_as_it_was() -> dict:
    """The matching module's namespace with the functions it changed as they were (``_OLD``), every function of it
    bound to that namespace, so that one the change left alone calls the old ones too."""
    namespace = dict(vars(matching))
    for name, value in vars(matching).items():
        if isinstance(value, types.FunctionType) and value.__module__ == matching.__name__:
            rebound = types.FunctionType(value.__code__, namespace, name, value.__defaults__, value.__closure__)
            rebound.__kwdefaults__ = value.__kwdefaults__
            namespace[name] = rebound
    exec(compile("from __future__ import annotations\n" + _OLD, "<matching as it was>", "exec"), namespace)
    return namespace


INVOICE_NAMES = ("*电子元件*贴片电容", "*电子元件*电阻", "*金属制品*螺栓")
ORDER_NAMES = ("贴片电容", "电阻", "螺栓")
SPECS = (None, "0805", "0805-10K")
CODES = (None, "0805", "R0805", "R0805-10K", "0805-10K", "C0603")
UNITS = (None, "个", "打", "kg", "吨")
PRICES = ("1.50", "1.5", "2.00", "0.80", "18.00", "1500")   # 18.00 a 打 is 1.50 a 个, 1500 a 吨 1.5 a kg
QUANTITIES = ("1", "2", "3", "12", "0")


@st.composite
def _repeated(draw, template, most: int) -> list:
    """Lines drawn from one to three templates, each used again and again (one item on many lines)."""
    kinds = draw(st.lists(template, min_size=1, max_size=3))
    return [kinds[i] for i in draw(st.lists(st.integers(0, len(kinds) - 1), max_size=most))]


def _some(draw, choices: tuple) -> st.SearchStrategy:
    """One to three of ``choices``, from which a document's lines are all drawn: lines of few names, specs, codes,
    units and prices, so that they meet (two lines of one item in different units, two specs of one code...)."""
    return st.sampled_from(draw(st.lists(st.sampled_from(choices), min_size=1, max_size=3, unique=True)))


@st.composite
def _documents(draw) -> tuple:
    """An invoice, its PO and a receipt, each repeating a few lines many times, with names, specs, codes, units
    and prices that pair them in every way matching tells apart."""
    named = draw(st.lists(st.integers(0, len(ORDER_NAMES) - 1), min_size=1, max_size=2, unique=True))
    invoice_names, order_names = (st.sampled_from([names[n] for n in named]) for names in (INVOICE_NAMES, ORDER_NAMES))
    specs, codes, units = _some(draw, SPECS), _some(draw, CODES), _some(draw, UNITS)
    quantities, prices = _some(draw, QUANTITIES), _some(draw, PRICES)
    invoice_line = st.builds(
        lambda name, spec, unit, quantity, price, taken_back: line(
            name, f"-{quantity}" if taken_back else quantity, price, "0.13", unit=unit, spec=spec),
        invoice_names, specs, units, quantities, prices,
        st.sampled_from((False, False, False, True)))   # some a discount, or goods taken back
    lines = draw(_repeated(invoice_line, 14).filter(bool))
    order_line = st.tuples(order_names, codes, units, quantities, st.none() | prices)
    po = PurchaseOrder(number="PO-1", lines=tuple(
        OrderLine(line=str(n), item_name=name, item_code=code, unit=unit, quantity=Decimal(quantity),
                  unit_price=None if price is None else Decimal(price))
        for n, (name, code, unit, quantity, price) in enumerate(draw(_repeated(order_line, 10)), start=1)))
    receipt_line = st.tuples(order_names, codes, units, quantities, st.none() | st.none() | prices)
    receipt = GoodsReceipt(number="GR-1", po_number=draw(st.sampled_from(("PO-1", "PO-1", "PO-2"))), lines=tuple(
        OrderLine(line=str(n), item_name=name, item_code=code, unit=unit, quantity=Decimal(quantity),
                  unit_price=None if price is None else Decimal(price))
        for n, (name, code, unit, quantity, price) in enumerate(draw(_repeated(receipt_line, 10)), start=1)))
    return invoice(lines=tuple(lines)), po, receipt


def _outcome(work) -> tuple:
    """What ``work`` gives, every field of it, or what it raised."""
    try:
        result = work()
    except MalformedInput as refused:
        return "refused", str(refused)
    return "gave", result.model_dump() if hasattr(result, "model_dump") else result


def _one_item_in_two_units() -> tuple:
    """Two lines of one item and spec, in 打 and in 个 at the same price per 个: one PO line and one receipt line
    for both, each line noted converted or not by its own unit (random documents seldom meet so)."""
    lines = (line("*电子元件*贴片电容", "1", "18.00", "0.13", unit="打", spec="0805"),
             line("*电子元件*贴片电容", "12", "1.50", "0.13", unit="个", spec="0805"))
    po = PurchaseOrder(number="PO-1", lines=(OrderLine(line="1", item_name="贴片电容", item_code="0805", unit="个",
                                                       quantity=Decimal(24), unit_price=Decimal("1.50")),))
    receipt = GoodsReceipt(number="GR-1", po_number="PO-1", lines=(
        OrderLine(line="1", item_name="贴片电容", item_code="0805", unit="个", quantity=Decimal(24)),))
    return invoice(lines=lines), po, receipt


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(_documents(), st.booleans())
@example(_one_item_in_two_units(), False)
def test_matching_gives_what_it_gave_before_it_went_over_repeated_lines_once(documents, part_of_delivery):
    before = _outcome(lambda: _matching_as_it_was()["match_invoice"](*documents, part_of_delivery=part_of_delivery))
    assert _outcome(lambda: match_invoice(*documents, part_of_delivery=part_of_delivery)) == before


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(_documents())
def test_a_receipt_is_valued_as_before(documents):
    _, po, receipt = documents
    before = _outcome(lambda: _matching_as_it_was()["receipt_value"](receipt, po))
    assert _outcome(lambda: receipt_value(receipt, po)) == before


def _one_line(name: str, unit: str, code: str | None = None, quantity: int = 4, price: str = "1.50") -> tuple:
    """A PO of one line and its receipt of one line, both of ``name`` (and ``code``) in ``unit``."""
    po = PurchaseOrder(number="PO-1", lines=(OrderLine(line="1", item_name=name, item_code=code, unit=unit,
                                                       quantity=Decimal(quantity), unit_price=Decimal(price)),))
    receipt = GoodsReceipt(number="GR-1", po_number="PO-1", lines=(
        OrderLine(line="1", item_name=name, item_code=code, unit=unit, quantity=Decimal(quantity)),))
    return po, receipt


def _each_line_as_before(documents: tuple, field) -> list:
    """``field`` of each line of the match, checked to be what the functions as they were give."""
    result = match_invoice(*documents)
    assert _outcome(lambda: result) == _outcome(lambda: _matching_as_it_was()["match_invoice"](*documents))
    return [field(l) for l in result.lines]


def test_two_spellings_of_one_name_paired_by_code_each_name_their_own_spelling():
    """The lines of one item key (ＲＥＳ and res) share their PO lines, and what is worked out once for them: the
    note that a code paired them names the invoice's name as each line writes it, not as the first did."""
    lines = (line("ＲＥＳ", "2", "1.50", "0.13", unit="个"), line("res", "2", "1.50", "0.13", unit="个"))
    documents = (invoice(lines=lines), *_one_line("电阻", "个", code="RES"))
    notes = _each_line_as_before(documents, lambda l: l.paired_by_code)
    assert ["the invoice names ＲＥＳ," in notes[0], "the invoice names res," in notes[1]] == [True, True]


def test_two_spellings_of_one_unit_each_name_their_own_spelling():
    """KG and kg are one unit, converted alike to the order's 吨 (or not comparable with its 个): the conversion note
    and the unit problem of each line name its unit as the line writes it, not as the first line of its PO lines
    did."""
    lines = tuple(line("*金属制品*螺栓", "1000", "1.50", "0.13", unit=unit) for unit in ("KG", "kg"))
    notes = _each_line_as_before((invoice(lines=lines), *_one_line("螺栓", "吨", quantity=2, price="1500")),
                                 lambda l: l.units_converted)
    assert ["the invoice line in KG:" in notes[0], "the invoice line in kg:" in notes[1]] == [True, True]
    problems = _each_line_as_before((invoice(lines=lines), *_one_line("螺栓", "个", quantity=2000)),
                                    lambda l: l.problems[0])
    assert ["the invoice line in KG," in problems[0], "the invoice line in kg," in problems[1]] == [True, True]


def test_the_oracle_is_the_code_as_it_was():
    """The functions given as they were are not the module's own (else the comparison above compares them with
    themselves)."""
    assert _matching_as_it_was()["match_invoice"] is not match_invoice
    assert _matching_as_it_was()["_receipt_lines"].__code__.co_filename == "<matching as it was>"
    assert _matching_as_it_was()["_delivery_part"].__globals__ is _matching_as_it_was()


# The functions of client/invoices/matching.py that going over an item's lines once changed, as they were.
_OLD = r'''
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

    def receipt_factor(self, received: OrderLine) -> Fraction:
        """What a receipt line's quantity is multiplied by to be in the unit of the PO lines it may be of."""
        known = self._receipt_factors.get(id(received))
        if known is None:
            known = received, _factor_into(received.unit, _po_lines_of_receipt_line(received, self))
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


def _narrow_all(named: dict[int, list[OrderLine]], agreeing: dict[int, list[OrderLine]]
                ) -> dict[int, tuple[OrderLine, ...]]:
    """:func:`_narrowed` for every item that has named lines."""
    narrowed = {}
    # Once, not per item (which grows with the cube of the line count): an item's own agreeing lines are none
    # wherever _narrowed asks what the others claim, so those are the lines every item's code agrees with.
    claimed = {id(l) for agree in agreeing.values() for l in agree}
    for number, lines in named.items():
        if lines:
            narrowed[number] = _narrowed(lines, agreeing[number], claimed if not agreeing[number] else set())
    return narrowed


def _spec_agreeing_all(index: _OrderIndex, items: list[_Item], named: dict[int, list[OrderLine]]
                       ) -> tuple[dict[int, list[OrderLine]], dict[int, list[OrderLine]]]:
    """The lines each item's spec picks among those of its name: the exact code, else the tightest code
    holding it, leaving out the lines another item (of another spec) picks while others remain, so that
    specs 0805 and 0805-10K take R0805 and R0805-10K, not both R0805-10K. And, for an item picked by the
    tightest code, every line whose code holds its spec that no other spec picks (R0805 and R0805-10K for
    0805), among which a price may choose (:func:`_split_by_price`)."""
    holding = {item.number: _spec_holding(index, named[item.number], item.line) for item in items}
    picks = {n: lines if exact else _tightest(lines) for n, (lines, exact) in holding.items()}
    spec_of = {item.number: frozenset(_spec_keys(item.line)) for item in items}
    # the specs picking each line (by id), so that an item asks of its own lines which another spec picks: the
    # lines of every other item's picks, gathered for each item, took time in the square of the item count
    picked_by: dict[int, set[frozenset[str]]] = {}
    for m, lines in picks.items():
        for l in lines:
            picked_by.setdefault(id(l), set()).add(spec_of[m])
    agreeing, holding_spec = {}, {}
    for n, (lines, exact) in holding.items():
        if exact:
            agreeing[n] = lines
            continue
        free = [l for l in lines if not picked_by.get(id(l), set()) - {spec_of[n]}]
        agreeing[n] = _tightest(free) if free else picks[n]
        holding_spec[n] = free or picks[n]
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
    for item in items:
        if ordered[item.number]:
            sharing.setdefault(frozenset(id(l) for l in ordered[item.number]), []).append(item)
    for same in sharing.values():
        # prices per the unit of the first line shared, so that 5000 a 吨 and 5 a kg are one price
        unit = ordered[same[0].number][0].unit
        if len({_price_in(i.line.unit_price, i.line.unit, unit) if i.line.unit_price is not None else None
                for i in same}) < 2:
            continue
        for item in same:
            wider = _of_its_price(tuple(holding_spec.get(item.number, ())), item.line, tol, within_only=True)
            ordered[item.number] = wider or _of_its_price(ordered[item.number], item.line, tol)


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
    for item in items:
        if item.number not in ordered:
            codes = {item_key(item.line.name)} | _spec_keys(item.line)
            ordered[item.number] = tuple(index.coded(codes, taken_by_name))
    _split_by_price(items, ordered, index.tol, holding_spec)
    return ordered


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
    # receipt line for each item took time in the product of the line counts.
    possible, other_coded = [], []
    touching: dict[int, list[int]] = {}         # by PO line id: where in ``possible`` the lines of it stand
    other_touching: dict[int, list[int]] = {}   # the same in ``other_coded``
    for r in receipt.lines:
        candidates = _po_lines_of_receipt_line(r, index)
        for l in candidates:
            touching.setdefault(id(l), []).append(len(possible))
        possible.append((r, frozenset(id(l) for l in candidates), _indistinguishable(candidates)))
        if not candidates and r.item_code:
            named = index.named(item_key(r.item_name))
            if _of_other_codes(r, named):
                for l in named:
                    other_touching.setdefault(id(l), []).append(len(other_coded))
                other_coded.append((r, frozenset(id(l) for l in named)))
    of_lines: dict[frozenset[int], tuple[tuple[OrderLine, ...], ...]] = {}
    received: dict[int, tuple[OrderLine, ...]] = {}
    unclear: dict[int, tuple[OrderLine, ...]] = {}
    other_code: dict[int, tuple[OrderLine, ...]] = {}
    for n, ordered in ordered_of.items():
        own = frozenset(id(l) for l in ordered)
        if own not in of_lines:
            mine, doubtful = [], []
            for at in sorted({at for line_id in own for at in touching.get(line_id, ())}):
                r, ids, alike = possible[at]
                (mine if ids <= own or alike else doubtful).append(r)
            other = sorted({at for line_id in own for at in other_touching.get(line_id, ())})
            of_lines[own] = (tuple(mine), tuple(doubtful), tuple(other_coded[at][0] for at in other))
        received[n], unclear[n], other_code[n] = of_lines[own]
    return received, unclear, other_code


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
    for item in items:
        for l in ordered_of[item.number] + received_of[item.number]:
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
    lines = {id(l): l for item in group for l in lines_of[item.number]}
    return tuple(sorted(lines.values(), key=lambda l: position[id(l)]))


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
    # each invoice line's quantity and price in its PO lines' unit, where it gives another that converts (吨 to kg)
    items = [item if factor == 1 else replace(item, factor=factor)
             for item in items for factor in [_factor_into(item.line.unit, ordered_of[item.number])]]
    on_order = [item for item in items if ordered_of[item.number]]
    received_of, unclear_of, other_code_of = _receipt_lines(
        receipt, index, {item.number: ordered_of[item.number] for item in on_order})
    in_receipt = {id(l): n for n, l in enumerate(receipt.lines)}
    group_of = _groups(on_order, ordered_of, received_of)
    # Each item's PO lines as a set of ids, made once: the same object for the items of the same lines (one item
    # invoiced on many lines), so that telling them apart is `is`, not a comparison of the sets item by item.
    same_lines: dict[frozenset[int], frozenset[int]] = {}
    line_ids = {item.number: same_lines.setdefault(ids, ids)
                for item in on_order for ids in [frozenset(id(l) for l in ordered_of[item.number])]}
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
                                             red_letter=red_letter)
        unit_problem = _unit_problem(line, ordered, received_of[item.number])
        if unit_problem is not None:   # first: the quantities compared below are then in different units
            problems.insert(0, unit_problem)
        problems.extend(_amount_problems(invoice.lines, (item.number, *item.discount_lines), tol.line_fen))
        if item.quantity is not None and item.unit_price is not None:
            at_po_price = Fraction(item.quantity) * _order_price(ordered, item.unit_price)
            expected += at_po_price
            lines_fen += round_half_up(at_po_price * 100)
        expected += Fraction(item.discount_fen, 100)
        lines_fen += item.discount_fen
        status: LineStatus = "partial" if problems else "matched"
        where = dict(po_line=ordered[0].line, po_lines=_ids(ordered),
                     receipt_line=received[0].line if received else None, receipt_lines=_ids(received))
        results.append(LineMatch(invoice_line=item.number, item=line.name, status=status, problems=tuple(problems),
                                 part_of_delivery=part_note,
                                 units_converted=_conversion_note(item, ordered, received_of[item.number], index),
                                 paired_by_code=_code_pairing_note(line, ordered, index), **where))
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
        backing = {id(l) for lines in received_of.values() for l in lines}
        if any(r.part_of_delivery for r in results) \
                or any(id(l) not in backing and l.quantity != 0 for l in receipt.lines):
            part, problems = _delivery_part(invoice, index, receipt, lines_fen)
            doc_problems.extend(problems)
    else:
        invoiced_po_lines = {id(l) for lines in ordered_of.values() for l in lines}
        doc_problems.extend(_receipt_lines_not_invoiced(receipt, index, invoiced_po_lines, received_of,
                                                        unclear_of))
    statuses = {r.status for r in results}
    if statuses == {"matched"} and not doc_problems:
        overall: LineStatus = "matched"
    elif statuses == {"unmatched"}:
        overall = "unmatched"
    else:
        overall = "partial"
    on_invoice = {id(l) for ordered in ordered_of.values() for l in ordered}
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
    invoiced = {id(l) for lines in (*received_of.values(), *unclear_of.values()) for l in lines}
    po_lines_of = {id(l): _po_lines_of_receipt_line(l, index) for l in receipt.lines}
    received_po_lines = {id(p) for lines in po_lines_of.values() for p in lines}
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


def _receipt_value(receipt: GoodsReceipt, index: _OrderIndex) -> tuple[int | None, tuple[str, ...]]:
    """:func:`receipt_value`, the PO's lines indexed."""
    po = index.po
    value, problems = 0, []
    for received in receipt.lines:
        candidates = _po_lines_of_receipt_line(received, index)
        prices = {l.unit_price for l in candidates}
        if not candidates:
            problems.append(f"receipt line {received.line} ({received.item_name}) is of no line of PO {po.number}")
        elif None in prices:
            problems.append(f"receipt line {received.line} ({received.item_name}) is of PO line "
                            f"{' or '.join(_ids(tuple(candidates)))}, which gives no unit price")
        elif len(prices) > 1:
            problems.append(f"receipt line {received.line} ({received.item_name}) may be of PO line "
                            f"{' or '.join(_ids(tuple(candidates)))}, at different unit prices "
                            f"({', '.join(str(p) for p in sorted(prices))}): which was received cannot be told (give "
                            "the receipt line the item code or unit price of its PO line)")
        else:
            value += round_half_up(Fraction(index.received(received)) * Fraction(prices.pop()) * 100)
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
    for received in receipt.lines:
        candidates = _po_lines_of_receipt_line(received, index)
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


def _item_problems(item: _Item, counts: _GroupCounts, ordered: tuple[OrderLine, ...],
                   received: tuple[OrderLine, ...], unclear: tuple[OrderLine, ...], index: _OrderIndex,
                   part_of_delivery: bool = False, *, own: frozenset[int],
                   other_code: tuple[OrderLine, ...] = (),
                   red_letter: bool = False) -> tuple[list[str], str | None]:
    """What keeps an item from matching, and, with ``part_of_delivery``, what it invoiced of what was received
    where that is less (None where it is not). Its ordered quantity and price are those of its own PO lines
    (``ordered``, their ids ``own``), shared only with the invoice lines of the same item; its received quantity
    is compared for the whole group of items whose lines overlap (``counts``), so no receipt line counts twice.
    ``other_code``: receipt lines of its name but of another item code, which back nothing. ``red_letter``: the
    invoice is a red-letter one, whose negative lines are its return, not a blue invoice's to put on one."""
    line, tol = item.line, index.tol
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
        problems.append(_other_code_problem(other_code, ordered))
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
        problems.append(_unclear_problem(unclear, index))
    elif not received:
        problems.append("not received: no goods receipt line for this item; match the invoice against the receipt of "
                        "the delivery that brought it, once the goods are received")
    else:
        invoiced = counts.whole
        got_each = [index.received(l) for l in received]
        got = _total(got_each)
        parts = f" (receipt lines {' + '.join(_ids(received))})" if len(received) > 1 else ""
        if part_of_delivery and invoiced.total < got:
            part_note = f"invoiced {invoiced.shown} of {_shown(got_each)} received{parts}"
        elif part_of_delivery and invoiced.total > got:
            # one-sided: parts invoicing above the received quantities could add up to more than was received
            problems.append(f"invoiced quantity {invoiced.shown} is above the received "
                            f"{_shown(got_each)}{parts}: an invoice of a delivery invoiced "
                            "in parts invoices at most what was received, whatever the quantity tolerance")
        elif abs(invoiced.total - got) > got * Fraction(tol.quantity_rel):
            problems.append(f"invoiced quantity {invoiced.shown} is not the received {_shown(got_each)}{parts}, past "
                            f"the quantity tolerance of {percent(tol.quantity_rel)}: "
                            + (_INVOICED_BELOW_RECEIVED if invoiced.total < got else _INVOICED_ABOVE_RECEIVED))
    invoiced = counts.same_item[id(own)]
    if invoiced.total > _total(l.quantity for l in ordered) * (1 + Fraction(tol.quantity_rel)):
        parts = f" (PO lines {' + '.join(_ids(ordered))})" if len(ordered) > 1 else ""
        problems.append(f"invoiced quantity {invoiced.shown} exceeds the ordered "
                        f"{_shown([l.quantity for l in ordered])}{parts}, past the quantity tolerance of "
                        f"{percent(tol.quantity_rel)}: have the invoice reissued for at most what was ordered, or "
                        "match against the order amended to what was delivered")
    prices = [l.unit_price for l in ordered if l.unit_price is not None]
    price = _order_price(ordered, unit_price)
    shown = (str(prices[0]) if len(set(prices)) == 1 else f"{_fraction_text(price)} (the PO lines' average)") \
        if prices else ""
    if prices and part_of_delivery and _priced_above(unit_price, price, item.quantity):
        # one-sided: the receipt is valued at the PO's prices, so parts priced above them could add up past it
        problems.append(f"unit price {_number(unit_price)} is above the PO price {shown}: an invoice of a delivery "
                        "invoiced in parts is at most at the PO's price, whatever the price tolerance")
    elif prices and not _within(unit_price, price, tol.price_rel):
        problems.append(f"unit price {_number(unit_price)} is not the PO price {shown}, past the price tolerance of "
                        f"{percent(tol.price_rel)}: have the invoice reissued at the order's price, or match against "
                        "the order amended to the price agreed")
    return problems, part_note


def _unclear_problem(unclear: tuple[OrderLine, ...], index: _OrderIndex) -> str:
    """Which receipt lines may be of which PO lines, alike ones named together."""
    may_be: dict[tuple[str, ...], list[str]] = {}
    for r in unclear:
        may_be.setdefault(_ids(tuple(_po_lines_of_receipt_line(r, index))), []).append(r.line)
    which = "; ".join((f"receipt lines {', '.join(receipt)} may each be" if len(receipt) > 1 else
                       f"receipt line {receipt[0]} may be") + f" of PO line {' or '.join(candidates)}"
                      for candidates, receipt in may_be.items())
    return (f"{which}, whose item codes or prices differ: the receipt lines cannot be told apart (give the "
            "receipt's lines the item codes or unit prices of their PO lines)")
'''
