"""A freeze's or an unfreeze's --order (and the freeze order --lifts names) that the contract would refuse is a
usage error before anything connects: exit 2, the option named, with the network down too. It was found only
once the command had connected, so with no network the regulator was told to start one rather than that the
reference was wrong, and with one it came back a refusal (exit 1) like the contract's answers."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from cli.main import main

RECEIVABLE = "R-0123456789abcdef"
ORDER = "(2026) Hu 0101 Bao 123"
COMMANDS = [["regulator", "freeze"], ["receivable", "freeze"], ["regulator", "unfreeze"], ["receivable", "unfreeze"]]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
@pytest.mark.parametrize("order, said", [("", "order must be 1 to 200 characters"),
                                         ("   ", "order must be 1 to 200 characters"),
                                         ("B" * 201, "order must be 1 to 200 characters"),
                                         ("(2026) Hu\n0101 Bao 123", "order holds '\\n' (U+000A"),
                                         ("\u200b\ufeff", "holds only invisible characters: give the order's "
                                                          "reference as written on the order")])
def test_an_order_the_contract_would_refuse_is_a_usage_error_before_connecting(ledger_sessions, command, order, said):
    res = CliRunner().invoke(main, [*command, RECEIVABLE, "--order", order])
    assert res.exit_code == 2, res.output
    assert "Error: Invalid value for '--order': " in res.output and said in res.output
    assert "nothing was sent" in res.output
    assert ledger_sessions == []


@pytest.mark.parametrize("lifts, said", [("B" * 201, "lifts must be 1 to 200 characters"),
                                         ("(2026) Hu\t0102 Bao 9", "lifts holds '\\t' (U+0009")])
def test_a_lifts_the_contract_would_refuse_is_a_usage_error_before_connecting(ledger_sessions, lifts, said):
    res = CliRunner().invoke(main, ["regulator", "unfreeze", RECEIVABLE, "--order", ORDER, "--lifts", lifts])
    assert res.exit_code == 2, res.output
    assert "Error: Invalid value for '--lifts': " in res.output and said in res.output
    assert ledger_sessions == []


@pytest.mark.parametrize("args", [
    # 200 characters once trimmed, as the contract counts them
    ["regulator", "freeze", RECEIVABLE, "--order", " " + "B" * 200 + " "],
    ["regulator", "freeze", RECEIVABLE, "--order", "（2026）沪0101财保1号"],
    ["regulator", "unfreeze", RECEIVABLE, "--order", ORDER],
    # an invisible --lifts may name an order an earlier contract version recorded so: the contract decides
    ["regulator", "unfreeze", RECEIVABLE, "--order", ORDER, "--lifts", "\u200b"],
])
def test_an_order_the_contract_takes_gets_as_far_as_connecting(ledger_sessions, args):
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 1 and "connecting" in res.output, res.output
    assert len(ledger_sessions) == 1
