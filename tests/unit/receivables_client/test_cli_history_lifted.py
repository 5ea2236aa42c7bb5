"""`recfin receivable history`: an unfreeze's row names the freeze order it lifted (LIFTED) beside the order that
lifted it. The contract's entries give the orders binding the claim after each write, so next to the lifting
order the order in effect after it, the one that was queued, read as the order lifted. Over the real contract on
MemoryLedger."""
from __future__ import annotations

import pytest

from ..ledger_contract import Channel
from .test_cli_history_orders import _cells, _frozen_by_three_orders, history_table
from .test_cli_pages_and_currencies import parties_on_the_contract
from .test_cli_party_commands import ok


@pytest.fixture
def channel(monkeypatch, tmp_path) -> Channel:
    return parties_on_the_contract(monkeypatch, tmp_path)


def columns(rid: str, *names: str) -> list[tuple[str, ...]]:
    """The cells of ``names`` in each row of the history of ``rid``, oldest first."""
    header, rows = history_table(rid)
    table = "\n".join([header, *rows])
    return list(zip(*(_cells(table, name) for name in names)))


def test_each_unfreeze_names_the_order_it_lifted_in_effect_or_queued(channel):
    rid = _frozen_by_three_orders("26312000000012349995")    # ORDER-A in effect, ORDER-Q and ORDER-R queued
    ok("regulator", "unfreeze", rid, "--order", "LIFT-A", "--as", "regulator")
    ok("regulator", "unfreeze", rid, "--order", "LIFT-R", "--lifts", "ORDER-R", "--as", "regulator")
    ok("regulator", "unfreeze", rid, "--order", "LIFT-Q", "--as", "regulator")

    rows = columns(rid, "ACTION", "FREEZE_ORDER", "QUEUED_ORDERS", "LIFTING_ORDER", "LIFTED")
    assert rows[-3:] == [
        ("UnfreezeReceivable", "ORDER-Q", "ORDER-R", "LIFT-A", "ORDER-A"),   # in effect: the first queued follows
        ("UnfreezeReceivable", "ORDER-Q", "-", "LIFT-R", "ORDER-R"),         # a queued one: ORDER-Q still binds
        ("UnfreezeReceivable", "-", "-", "LIFT-Q", "ORDER-Q"),
    ]
    assert all(lifted == "-" for action, *_, lifted in rows if action != "UnfreezeReceivable")


def test_the_json_keeps_the_contracts_entries(channel):
    rid = _frozen_by_three_orders("26312000000012349994")
    ok("regulator", "unfreeze", rid, "--order", "LIFT-A", "--as", "regulator")
    entries = ok("receivable", "history", rid, "--as", "supplier/supplier1")
    assert "lifted" not in entries[-1]
    assert (entries[-1]["freeze_order"], entries[-1]["lifting_order"]) == ("ORDER-Q", "LIFT-A")
