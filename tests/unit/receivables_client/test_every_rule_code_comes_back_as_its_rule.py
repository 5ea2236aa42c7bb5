"""Every rule code the contract raises, and every one docs/receivables.md's table lists, comes back from a call as a
RuleViolation carrying that code and the contract's advice whole, from an endorsement's peer details or from an
evaluation's own message, as the contract's runtime words it (``session.rules``: ``RULE <code>: <advice>``).

The codes are read from the contract's source (``tests/unit/test_documented_rule_codes``), so a code added there is
tried here too: one spelled outside ``RULE_PATTERN`` (a capital, an underscore) would come back as a bare gateway
error, with no rule to tell it by.
"""

from __future__ import annotations

import asyncio

import grpc
import pytest

from chaincode.contract import ContractError
from chaincode.receivables.errors import RuleViolation as ContractRuleViolation
from chaincode.receivables.errors import shown
from chaincode.receivables.session import rules
from client.gateway.errors import EndorseError, ErrorDetail, EvaluateError
from client.receivables import AsyncReceivablesClient, ReceivablesClient, RuleViolation
from tests.unit.test_documented_rule_codes import documented_codes, raised_codes

from .fakes import FakeContract
from .test_async_client import FakeAsyncContract

# advice as the contract writes it: a caller's value quoted by ``shown`` (colons, quotes, a RULE-like text inside)
ADVICE = f"R-1 is {shown('RULE fake-code: x')}: give the claim's id as recfin prints it (`recfin receivable get`)"
CODES = sorted(set(raised_codes()) | documented_codes())


def contract_refusal(code: str) -> str:
    """The message the contract's runtime answers a refusal under ``code`` with."""
    @rules
    async def refused(self, ctx):
        raise ContractRuleViolation(code, ADVICE)

    try:
        asyncio.run(refused(None, None))
    except ContractError as error:
        return error.message
    raise AssertionError("not refused")


def test_the_codes_are_read():
    assert len(CODES) > 100 and {"not-the-holder", "record-unreadable", "request-id-invalid"} <= set(CODES)


@pytest.mark.parametrize("code", CODES)
def test_a_refusal_in_a_peers_endorsement_detail_is_its_rule(code):
    error = EndorseError("failed to endorse transaction, see attached details for more info", transaction_id="tx-9",
                         code=grpc.StatusCode.ABORTED,
                         details=[ErrorDetail("peer0.supplier:7051", "SupplierMSP",
                                              f"chaincode response 500, {contract_refusal(code)}")])
    for client, run in ((ReceivablesClient(FakeContract(errors={"RejectReceivable": error})), lambda made: made),
                        (AsyncReceivablesClient(FakeAsyncContract(errors={"RejectReceivable": error})), asyncio.run)):
        with pytest.raises(RuleViolation) as caught:
            run(client.reject("R-0123456789abcdef", "not delivered"))
        assert (caught.value.rule, caught.value.detail, caught.value.transaction_id) == (code, ADVICE, "tx-9")
        assert caught.value.gateway_error is error


@pytest.mark.parametrize("code", CODES)
def test_a_refusal_in_an_evaluations_message_is_its_rule(code):
    error = EvaluateError(f"evaluate call to endorser returned error: chaincode response 500, {contract_refusal(code)}",
                          transaction_id="tx-1", code=grpc.StatusCode.ABORTED)
    with pytest.raises(RuleViolation) as caught:
        ReceivablesClient(FakeContract(errors={"GetReceivable": error})).get_receivable("R-0123456789abcdef")
    assert (caught.value.rule, caught.value.detail) == (code, ADVICE)
