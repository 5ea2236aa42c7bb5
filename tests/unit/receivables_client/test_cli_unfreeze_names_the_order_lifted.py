"""`recfin regulator unfreeze` names, under its table, the freeze order it lifted and the order that lifted it:
without --lifts the contract picks the order in effect, and the table shows only what binds the claim after."""
from __future__ import annotations

from . import test_cli_history_orders
from .test_cli_party_commands import ok, recfin
from .test_cli_pages_and_currencies import registered

channel = test_cli_history_orders.channel   # the contract behind the commands, a fixture


def test_the_unfreeze_table_names_the_order_lifted_and_the_lifting_order(channel):
    rid = registered("26312000000012347777")
    ok("receivable", "confirm", rid, "--as", "coreenterprise")
    ok("regulator", "freeze", rid, "--order", "ORDER-A", "--as", "regulator/inspector1")
    ok("regulator", "freeze", rid, "--order", "ORDER-B", "--as", "regulator/inspector1")

    lifted = recfin("regulator", "unfreeze", rid, "--order", "LIFT-1", "--as", "regulator")
    assert lifted.exit_code == 0, lifted.output
    lines = lifted.output.rstrip().splitlines()
    tx = next(line for line in lines if line.startswith("tx: ")).removeprefix("tx: ")
    assert "lifted: freeze order ORDER-A, by order LIFT-1" in lines, lifted.output
    assert any(line.startswith("frozen: ORDER-B ") for line in lines), lifted.output   # now in effect
    # the lifting recorded is this transaction's: the line and the tx line prove the same write
    assert ok("receivable", "get", rid, "--as", "regulator")["last_unfreeze"]["tx_id"] == tx

    freed = recfin("regulator", "unfreeze", rid, "--order", "LIFT-2", "--lifts", "ORDER-B", "--as", "regulator")
    assert freed.exit_code == 0, freed.output
    assert freed.output.rstrip().splitlines()[-1] == "lifted: freeze order ORDER-B, by order LIFT-2", freed.output


def test_a_freeze_prints_no_lifting_line_for_an_earlier_lifting(channel):
    rid = registered("26312000000012347776")
    ok("receivable", "confirm", rid, "--as", "coreenterprise")
    ok("regulator", "freeze", rid, "--order", "ORDER-A", "--as", "regulator/inspector1")
    ok("regulator", "unfreeze", rid, "--order", "LIFT-1", "--as", "regulator")
    again = recfin("regulator", "freeze", rid, "--order", "ORDER-C", "--as", "regulator/inspector1")
    assert again.exit_code == 0 and "lifted:" not in again.output, again.output
