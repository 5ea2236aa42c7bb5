"""An argument the chaincode runtime refuses before the contract runs comes to the SDK as a RuleViolation,
``argument-invalid``, as docs/sdk-receivables.md ("Errors") says; only a function the chaincode lacks is a
GatewayError.

The page said a malformed argument came as the ``client.gateway.errors`` exception, unchanged: an integrator's
``except GatewayError`` written for it (a contract older than the SDK, answering an argument it does not take)
never saw it, and its ``except RuleViolation`` took it for a business refusal it did not expect.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from client.gateway.errors import GatewayError
from client.receivables import Receivable, ReceivablesClient, RuleViolation
from client.receivables.errors import lacks_the_transaction

from ..ledger_contract import LedgerContract
from ..receivables.support import standard_net

ERRORS = (Path(__file__).parents[3] / "docs" / "sdk-receivables.md").read_text(encoding="utf-8") \
    .split("\n## Errors\n", 1)[1].split("\n## ", 1)[0]


@pytest.fixture
def client():
    net = asyncio.run(standard_net())
    return ReceivablesClient(LedgerContract(net.ledger, net.actors["tier1"].identity, lambda: net.now))


def test_a_wrong_number_of_arguments_and_text_that_is_no_json_are_argument_invalid(client):
    # as a contract older than the SDK answers an argument it does not take
    with pytest.raises(RuleViolation) as counted:
        client._evaluate("GetReceivable", "R-00000000000000a1", "an argument it does not take",
                         model=Receivable)
    assert counted.value.rule == "argument-invalid" and "takes 1 arguments" in counted.value.detail
    assert isinstance(counted.value.gateway_error, GatewayError)
    with pytest.raises(RuleViolation) as unparsed:
        client._submit("RegisterReceivable", "not JSON", "REG-1", model=Receivable)
    assert unparsed.value.rule == "argument-invalid" and "argument 'receivable'" in unparsed.value.detail


def test_a_function_the_chaincode_lacks_is_the_gateways_error(client):
    with pytest.raises(GatewayError) as lacking:
        client._evaluate("GetSomethingNewer", model=Receivable)
    assert not isinstance(lacking.value, RuleViolation) and lacks_the_transaction(lacking.value)


def test_the_errors_section_says_which_refusals_are_rule_violations():
    said = " ".join(ERRORS.split())
    assert "a malformed argument refused before the contract ran) are the" not in said
    assert ("An argument the chaincode runtime refuses before the contract runs (a wrong number of "
            "arguments, text that is not JSON for a JSON one") in said
    assert "is a `RuleViolation` too, `argument-invalid`" in said
    assert "a function the chaincode does not have" in said and "lacks_the_transaction" in said
