"""Folding discount lines (折扣行) into the lines they discount looks each line's name up once: it looked
back through every line above for each line, work in the square of the line count, so that checking a 3 MB
invoice of 20,000 lines (within the 5 MiB a file may be) took 4.5 minutes of CPU. The nearest positive line
above of the same name is still the one a discount folds into."""

from __future__ import annotations

from decimal import Decimal

from client.invoices import matching
from client.invoices.matching import fold_discounts
from client.invoices.model import InvoiceLine

from ._samples import line


def _discount(name: str, amount_fen: int) -> InvoiceLine:
    return InvoiceLine(name=name, spec=None, unit=None, quantity=None, unit_price=None, amount_fen=amount_fen,
                       tax_rate=Decimal("0.13"), tax_fen=round(amount_fen * 0.13))


def test_each_line_name_is_keyed_once_however_many_lines_stand_above(monkeypatch):
    keyed = []

    def counting_item_key(name):
        keyed.append(name)
        return name

    monkeypatch.setattr(matching, "item_key", counting_item_key)
    lines = tuple(line(f"*电子元件*零件{i}", "2", "1.50", "0.13") for i in range(300))
    assert len(fold_discounts(lines)) == 300
    assert len(keyed) == 300


def test_a_discount_folds_into_the_nearest_positive_line_above_of_its_name():
    first, other, second = (line("*日用品*洗衣液", "10", "20.00", "0.13"), line("*日用品*肥皂", "5", "3.00", "0.13"),
                            line("*日用品*洗衣液", "4", "20.00", "0.13"))
    items = fold_discounts((first, other, second, _discount("*日用品*洗衣液", -2000), _discount("*日用品*肥皂", -300)))
    assert [(item.number, item.discount_fen, item.discount_lines) for item in items] == [
        (1, 0, ()), (2, -300, (5,)), (3, -2000, (4,))]


def test_a_discount_with_no_positive_line_of_its_name_above_stays_an_item_of_its_own():
    items = fold_discounts((_discount("*日用品*洗衣液", -2000), line("*日用品*洗衣液", "10", "20.00", "0.13")))
    assert [(item.number, item.discount_fen) for item in items] == [(1, 0), (2, 0)]
