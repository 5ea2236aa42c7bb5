"""An option naming a record, an org or a debtor that names none (blank, as an unset shell variable gives; for
`risk score` on the ledger, no credit code) is a usage error before anything connects: exit 2, naming the option.
Each went to the network: a blank --endorsing-org was sent as an org, answered by the Gateway as no peer of org ""
found; a blank --receivable or --discount-offer came back as the SDK's refusal (exit 1); and with the network down
each was told to start it rather than what was wrong."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from cli import connection
from cli.main import main

RECEIVABLE = "R-0123456789abcdef"
DEBTOR = "91310000MA1K000019"
BLANK_ORG = "Invalid value for '--endorsing-org': '' is blank (an unset shell variable?): give an org's MSP ID"


def run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.mark.parametrize("args, said", [
    (["receivable", "confirm", RECEIVABLE, "--endorsing-org", ""], BLANK_ORG),
    (["receivable", "reseal", RECEIVABLE, "--endorsing-org", "CoreEnterpriseMSP", "--endorsing-org", ""], BLANK_ORG),
    (["finance", "disburse", "F-0123456789abcdef", "--endorsing-org", " "], "' ' is blank"),
    (["party", "register", "--uscc", "91310000MA1K00002C", "--name", "Tier-1 Parts Co.", "--role", "supplier",
      "--client", "supplier1", "--endorsing-org", ""], BLANK_ORG),
    (["discount", "publish", "--apr", "0.05", "--expires", "2030-01-01", "--receivable", RECEIVABLE,
      "--receivable", ""], "Invalid value for '--receivable': '' names nothing (an unset shell variable?): give the "
                           "receivable id itself"),
    (["discount", "get", "D-0123456789abcdef", "--receivable", " "], "Invalid value for '--receivable': ' ' names "
                                                                      "nothing"),
    (["finance", "compare", RECEIVABLE, "--discount-offer", ""], "Invalid value for '--discount-offer': '' names "
                                                                  "nothing"),
])
def test_a_blank_name_is_a_usage_error_before_connecting(ledger_sessions, args, said):
    res = run(*args)
    assert res.exit_code == 2, res.output
    assert said in res.output
    assert ledger_sessions == []


@pytest.fixture
def no_connection(monkeypatch):
    def refuse(*_a, **_k):
        raise AssertionError("connected")
    monkeypatch.setattr(connection, "open_session", refuse)


@pytest.mark.parametrize("debtor, said", [
    ("", "empty: give a unified social credit code"),
    ("SYN-DEBTOR-0007", "'SYN-DEBTOR-0007' is not a unified social credit code"),
    ("91310000MA1K00001X", "check digit is 'X', GB 32100-2015 gives '9'"),
])
def test_risk_score_on_the_ledger_refuses_a_debtor_that_is_no_credit_code_before_connecting(no_connection, debtor,
                                                                                              said):
    res = run("risk", "score", debtor)
    assert res.exit_code == 2, res.output
    assert "Invalid value for 'DEBTOR': " in res.output and said in res.output
    assert "a history file's or the simulator's debtor is scored with --history or --synthetic-seed" in res.output


def test_risk_score_reads_the_ledger_for_a_credit_code(no_connection):
    res = run("risk", "score", DEBTOR)
    assert isinstance(res.exception, AssertionError) and str(res.exception) == "connected"


@pytest.mark.parametrize("args", [
    ["receivable", "confirm", RECEIVABLE, "--endorsing-org", "CoreEnterpriseMSP", "--endorsing-org", "SupplierMSP"],
    ["discount", "get", "D-0123456789abcdef", "--receivable", RECEIVABLE],
    ["discount", "publish", "--apr", "0.05", "--expires", "2030-01-01", "--receivable", RECEIVABLE],
])
def test_names_given_get_as_far_as_connecting(ledger_sessions, args):
    res = run(*args)
    assert res.exit_code == 1 and "connecting" in res.output, res.output
    assert len(ledger_sessions) == 1
