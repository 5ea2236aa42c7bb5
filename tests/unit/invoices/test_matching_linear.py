"""Three-way matching indexes the order's and the receipt's lines once: it went over every PO line for each
invoice line and each receipt line, and over every receipt line for each invoice item, so that 4,000 lines of
each took 11 s and 20,000 of each did not end in 15 minutes. The steps matching takes are counted (lines of
matching.py run), not timed: twice the lines take about twice the steps, not four times."""

from __future__ import annotations

import json
import sys
from decimal import Decimal

from click.testing import CliRunner
import pytest

from client.invoices import matching
from client.invoices.matching import GoodsReceipt, OrderLine, PurchaseOrder, match_invoice, receipt_value

from cli import invoice_commands
from client.invoices.parse import invoice_to_json

from ._samples import invoice, line


def _documents(count: int, spec_in_code: bool, one_name: bool = False) -> tuple:
    """An invoice of ``count`` items, each on its own PO line and receipt line. With ``spec_in_code`` the
    invoice line's spec is held in the PO line's code (0805-7 in R0805-7), not the code itself. With
    ``one_name`` every item has the same name (螺栓 in many sizes), told apart by its code alone."""
    name = "零件{}".format
    if one_name:
        name = "零件".format
    lines = tuple(line(f"*电子元件*{name(n)}", "2", "1.50", "0.13", unit="个", spec=f"0805-{n}") for n in range(count))
    code = "R0805-{}" if spec_in_code else "0805-{}"
    po = PurchaseOrder(number="PO-1", lines=tuple(
        OrderLine(line=str(n + 1), item_name=name(n), item_code=code.format(n), quantity=Decimal(2),
                  unit_price=Decimal("1.50"), unit="个") for n in range(count)))
    receipt = GoodsReceipt(number="GR-1", po_number="PO-1", lines=tuple(
        OrderLine(line=str(n + 1), item_name=name(n), item_code=code.format(n), quantity=Decimal(2),
                  unit="个") for n in range(count)))
    return invoice(lines=lines), po, receipt


class _TooManySteps(Exception):
    pass


def _steps(work, budget: int | None = None) -> int:
    """The lines of matching.py run while ``work`` runs; past ``budget`` of them, ``work`` is stopped
    (:class:`_TooManySteps`), so that code taking steps in the square of the line count fails without running them
    all."""
    counted = [0]
    source = matching.__file__

    def tracer(frame, event, arg):
        if frame.f_code.co_filename != source:
            return None

        def local(frame, event, arg):
            if event == "line":
                counted[0] += 1
                if budget is not None and counted[0] > budget:
                    raise _TooManySteps(f"more than {budget} lines of matching.py run")
            return local
        return local

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        work()
    finally:
        sys.settrace(previous)
    return counted[0]


@pytest.mark.parametrize("spec_in_code", [False, True], ids=["code is the spec", "code holds the spec"])
@pytest.mark.parametrize("part_of_delivery", [False, True], ids=["whole receipt", "part of delivery"])
def test_twice_the_lines_take_about_twice_the_steps(spec_in_code, part_of_delivery):
    def steps(count: int) -> int:
        documents = _documents(count, spec_in_code)

        def work():
            result = match_invoice(*documents, part_of_delivery=part_of_delivery)
            assert result.status == "matched", result.problems
        return _steps(work)

    small, large = steps(150), steps(300)
    assert large < 2.3 * small, f"{small} steps for 150 lines of each, {large} for 300"


def test_items_of_one_name_told_apart_by_their_codes_take_steps_in_proportion_to_their_lines():
    """Lines of one name (bolts in many sizes) are paired by the code that is the invoice line's spec: looking
    the code up among every line of the name, for each invoice line and each receipt line, took time in the square
    of the line count (2,000 lines of each 4.7 s, 4,000 18 s)."""
    def steps(count: int) -> int:
        documents = _documents(count, spec_in_code=False, one_name=True)

        def work():
            result = match_invoice(*documents)
            assert result.status == "matched", result.problems
        return _steps(work)

    small, large = steps(150), steps(300)
    assert large < 2.3 * small, f"{small} steps for 150 lines of each, {large} for 300"


def test_valuing_a_receipt_takes_steps_in_proportion_to_its_lines():
    def steps(count: int) -> int:
        _, po, receipt = _documents(count, spec_in_code=False)
        return _steps(lambda: receipt_value(receipt, po))

    small, large = steps(150), steps(300)
    assert large < 2.3 * small, f"{small} steps for 150 lines of each, {large} for 300"


def test_receipt_lines_of_one_name_keep_the_receipts_order_and_their_pairing():
    """Receipt lines of one PO line, apart in the receipt, are named together in the receipt's own order."""
    inv = invoice(lines=(line("*电子元件*贴片电容", "300", "1.50", "0.13", spec="0805"),
                         line("*电子元件*电阻", "50", "0.80", "0.13")))
    po = PurchaseOrder(number="PO-1", lines=(
        OrderLine(line="1", item_name="贴片电容", item_code="C0805", quantity=Decimal(300),
                  unit_price=Decimal("1.50")),
        OrderLine(line="2", item_name="电阻", quantity=Decimal(50), unit_price=Decimal("0.80"))))
    receipt = GoodsReceipt(number="GR-1", po_number="PO-1", lines=(
        OrderLine(line="1", item_name="贴片电容", item_code="C0805", quantity=Decimal(200)),
        OrderLine(line="2", item_name="电阻", quantity=Decimal(50)),
        OrderLine(line="3", item_name="贴片电容", item_code="C0805", quantity=Decimal(100))))
    result = match_invoice(inv, po, receipt)
    assert result.status == "matched", result.problems
    assert [(l.po_lines, l.receipt_lines) for l in result.lines] == [(("1",), ("1", "3")), (("2",), ("2",))]


def _one_item_on_many_lines(count: int, code: str) -> tuple:
    """An invoice of ``count`` lines of one item (the same name and spec, 0805), ordered on as many PO lines of item
    code ``code`` and received on as many receipt lines: an order and its delivery booked line by line."""
    lines = tuple(line("*电子元件*贴片电容", "2", "1.50", "0.13", unit="个", spec="0805") for _ in range(count))
    po = PurchaseOrder(number="PO-1", lines=tuple(
        OrderLine(line=str(n + 1), item_name="贴片电容", item_code=code, quantity=Decimal(2),
                  unit_price=Decimal("1.50"), unit="个") for n in range(count)))
    receipt = GoodsReceipt(number="GR-1", po_number="PO-1", lines=tuple(
        OrderLine(line=str(n + 1), item_name="贴片电容", item_code=code, quantity=Decimal(2), unit="个")
        for n in range(count)))
    return invoice(lines=lines), po, receipt


@pytest.mark.parametrize("code", ["0805", "R0805"], ids=["code is the spec", "code holds the spec"])
@pytest.mark.parametrize("part_of_delivery", [False, True], ids=["whole receipt", "part of delivery"])
def test_one_item_invoiced_on_2000_lines_takes_steps_in_proportion_to_its_lines(code, part_of_delivery):
    """Each invoice line of one item went over every PO line of its name (picking those its spec agrees with,
    grouping, comparing quantities and prices) and every receipt line: 1,000 lines took 11.6 s, 2,000 through the
    CLI 76 s, the 5 MiB an invoice may be hours. What depends on the item's lines alone is worked out once for all
    its lines now: some 400 lines of matching.py run for each invoice line, where before it was some 70 times the
    line count for each (71 million for 1,000 lines; stopped past the budget here)."""
    count = 2000
    documents = _one_item_on_many_lines(count, code)
    results = []
    steps = _steps(lambda: results.append(match_invoice(*documents, part_of_delivery=part_of_delivery)),
                   budget=600 * count)
    result, = results
    assert result.status == "matched", result.problems[:1]
    assert steps > 100 * count   # counted: the work was traced
    assert [len(l.po_lines) for l in result.lines] == [count] * count


def test_the_cli_shows_the_lines_one_item_pairs_with_once_for_all_its_lines(tmp_path, monkeypatch):
    """Each of an item's 300 lines names the same 300 PO lines and 300 receipt lines: the list is made printable
    and shown once, on the first line, and each later line names that line (180,000 numbers made printable for 300
    lines, 8 million for 2,000; shown again for each, 52 MB printed for 2,000)."""
    count = 300
    inv, _, _ = _one_item_on_many_lines(count, "R0805")
    (tmp_path / "inv.json").write_text(json.dumps(invoice_to_json(inv), ensure_ascii=False), encoding="utf-8")
    (tmp_path / "po.csv").write_text("po_number,line,item_code,item_name,quantity,unit_price,unit\n" + "".join(
        f"PO-1,{n + 1},R0805,贴片电容,2,1.50,个\n" for n in range(count)), encoding="utf-8")
    (tmp_path / "gr.csv").write_text("receipt_number,po_number,line,item_code,item_name,quantity,unit\n" + "".join(
        f"GR-1,PO-1,{n + 1},R0805,贴片电容,2,个\n" for n in range(count)), encoding="utf-8")
    shown = []
    printable = invoice_commands.on_one_line
    monkeypatch.setattr(invoice_commands, "on_one_line", lambda text: shown.append(text) or printable(text))
    done = CliRunner().invoke(invoice_commands.invoice, ["match", str(tmp_path / "inv.json"), "--po",
                                                         str(tmp_path / "po.csv"), "--receipt",
                                                         str(tmp_path / "gr.csv")])
    assert done.exit_code == 0, done.output
    every_line = " + ".join(str(n) for n in range(1, count + 1))
    where = f"(PO line {every_line}, receipt line {every_line})"
    assert done.output.splitlines()[1] == f"  MATCHED   1. *电子元件*贴片电容 {where}"
    assert done.output.count(where) == 1
    assert done.output.splitlines()[2] == "  MATCHED   2. *电子元件*贴片电容 (PO and receipt lines as line 1)"
    assert len(shown) < 5 * count
