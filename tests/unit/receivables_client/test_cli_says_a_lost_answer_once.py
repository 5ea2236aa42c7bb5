"""A change whose answer was lost after the orderer may have taken it says once that it may have committed, with
this CLI's commands: the SDK's error says it too (``str()``, for whoever logs it), with its Python call
(``network.new_commit(...).status()``), which the CLI's line leaves out. Over the real contract on MemoryLedger."""

from __future__ import annotations

import pytest

from . import test_cli_and_contract_agree
from .test_cli_and_contract_agree import LOST_ANSWERS, pay_losing_the_answer_once, registered
from .test_cli_party_commands import recfin
from .test_lost_answer_without_a_request_id import SEEN_IN_FLIGHT, answer_lost

channel = test_cli_and_contract_agree.channel   # the fixture of the tests these extend


def said_once(line: str) -> None:
    assert "new_commit" not in line and "It may still commit" not in line, line
    assert line.count("may have committed") == 1, line


@pytest.mark.parametrize("error", SEEN_IN_FLIGHT, ids=lambda e: f"{type(e).__name__}-{e.code.name}")
def test_a_change_without_a_request_id_says_it_once(channel, monkeypatch, error):
    assert "may still commit" in str(error)   # what the SDK says, for whoever logs it
    rid = registered("26312000000012345678")
    answer_lost(monkeypatch, "ConfirmReceivable", error)
    res = recfin("receivable", "confirm", rid, "--as", "coreenterprise")
    assert res.exit_code == 1, res.output
    line = res.output.strip()
    said_once(line)
    assert error.message in line and "`recfin transaction status tx-lost --as coreenterprise/treasurer`" in line


@pytest.mark.parametrize("error", LOST_ANSWERS, ids=lambda e: f"{type(e).__name__}-{e.code.name}")
def test_a_change_with_a_request_id_says_it_once(channel, monkeypatch, error):
    _rid, res, sent = pay_losing_the_answer_once(monkeypatch, error)
    assert res.exit_code == 1, res.output
    line = res.output.strip().splitlines()[-1]
    said_once(line)
    assert error.message in line and f"--request-id {sent}" in line
