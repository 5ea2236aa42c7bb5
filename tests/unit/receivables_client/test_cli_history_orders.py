"""`recfin receivable history`: each change with the order a freeze was under and the order that lifted it."""

from __future__ import annotations

import pytest

from ..ledger_contract import Channel
from .test_cli_party_commands import ok, recfin
from .test_cli_pages_and_currencies import parties_on_the_contract, registered


@pytest.fixture
def channel(monkeypatch, tmp_path) -> Channel:
    return parties_on_the_contract(monkeypatch, tmp_path)


def history_table(rid: str) -> tuple[str, list[str]]:
    """`receivable history` of ``rid`` as the supplier sees it: its header line and its rows."""
    history = recfin("receivable", "history", rid, "--as", "supplier/supplier1")
    assert history.exit_code == 0, history.output
    header, *rows = history.output.splitlines()
    return header, rows


def test_the_history_table_shows_the_freeze_order_and_the_lifting_order(channel):
    rid = registered("26312000000012349999")
    ok("receivable", "confirm", rid, "--as", "coreenterprise")
    ok("regulator", "freeze", rid, "--order", "ORDER-A", "--as", "regulator/inspector1")
    ok("regulator", "unfreeze", rid, "--order", "LIFT-B", "--as", "regulator/inspector1")

    header, rows = history_table(rid)
    assert {"FINANCING_ID", "FINANCIER", "FREEZE_ORDER", "LIFTING_ORDER", "LIFTED"} <= set(header.split())
    (frozen,) = [row for row in rows if "FreezeReceivable" in row]
    (lifted,) = [row for row in rows if "UnfreezeReceivable" in row]
    assert "ORDER-A" in frozen and "LIFT-B" not in frozen
    # the unfreeze leaves the claim under no order; ORDER-A is named as the order it lifted
    table = "\n".join([header, *rows])
    assert _cells(table, "FREEZE_ORDER")[rows.index(lifted)] == "-"
    assert (_cells(table, "LIFTING_ORDER")[rows.index(lifted)], _cells(table, "LIFTED")[rows.index(lifted)]) == (
        "LIFT-B", "ORDER-A")


def test_the_history_table_shows_the_orders_queued_behind_the_one_in_effect(channel):
    rid = registered("26312000000012349998")
    ok("receivable", "confirm", rid, "--as", "coreenterprise")
    ok("regulator", "freeze", rid, "--order", "ORDER-A", "--as", "regulator/inspector1")
    ok("regulator", "freeze", rid, "--order", "ORDER-Q", "--as", "regulator/inspector1")

    header, rows = history_table(rid)
    assert "QUEUED_ORDERS" in header.split()
    first, queued = [row for row in rows if "FreezeReceivable" in row]
    assert "ORDER-Q" not in first and "ORDER-A" in queued and "ORDER-Q" in queued


def _cells(output: str, column: str) -> list[str]:
    """The cells of ``column`` in a table, its rows in order (columns are left-aligned, padded to the widest)."""
    header, *rows = output.splitlines()
    names = header.split()
    start = header.index(column)
    following = names.index(column) + 1
    end = header.index(names[following], start) if following < len(names) else None
    return [row[start:end].strip() for row in rows]


def _frozen_by_three_orders(invoice_number: str) -> str:
    """A confirmed claim frozen by ORDER-A, with ORDER-Q and ORDER-R queued behind it."""
    rid = registered(invoice_number)
    ok("receivable", "confirm", rid, "--as", "coreenterprise")
    for order in ("ORDER-A", "ORDER-Q", "ORDER-R"):
        ok("regulator", "freeze", rid, "--order", order, "--as", "regulator/inspector1")
    return rid


def test_the_queued_orders_column_names_them_as_text_and_shows_a_dash_for_none(channel):
    rid = _frozen_by_three_orders("26312000000012349997")
    header, rows = history_table(rid)
    assert _cells("\n".join([header, *rows]), "QUEUED_ORDERS") == ["-", "-", "-", "ORDER-Q", "ORDER-Q, ORDER-R"]


def test_receivable_get_names_the_orders_queued_behind_the_one_in_effect(channel):
    rid = _frozen_by_three_orders("26312000000012349996")
    got = recfin("receivable", "get", rid, "--as", "supplier/supplier1")
    assert got.exit_code == 0, got.output
    assert "\nfrozen: ORDER-A (" in got.output
    assert "+2 queued behind it: ORDER-Q, ORDER-R" in got.output.splitlines(), got.output
    assert [o["order_reference"] for o in ok("receivable", "get", rid, "--as", "supplier/supplier1")[
        "queued_freezes"]] == ["ORDER-Q", "ORDER-R"]
