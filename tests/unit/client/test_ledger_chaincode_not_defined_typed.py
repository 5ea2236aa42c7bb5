"""chaincode_definition (``_lifecycle`` QueryChaincodeDefinition) raises the own org's peer answering that the
channel defines no chaincode of that name (Fabric's lifecycle: "namespace <name> is not defined", status 404) as a
NoSuchChaincodeError, a NotOnLedgerError as qscc's NoSuchBlockError is, whose advice says what to do; it was the bare
EvaluateError, Fabric's words alone."""
from __future__ import annotations

import asyncio
import pickle

import grpc
import pytest

from client.gateway import EvaluateError
from client.gateway.errors import ErrorDetail
from client.ledger.lifecycle import chaincode_definition, chaincode_definition_async
from client.ledger.qscc import NoSuchChaincodeError, NotOnLedgerError
from .test_ledger_block_by_number import AnsweringQscc, AwaitedQscc

CHANNEL, OWN_ORG = "receivables", "BankMSP"


def lifecycle_answer(words: str, *, in_detail: bool = False) -> EvaluateError:
    """The EvaluateError of a _lifecycle query the own org's peer answered with ``words``, as the Gateway relays it."""
    if in_detail:
        return EvaluateError("evaluate call to endorser returned error", transaction_id="q",
                             code=grpc.StatusCode.ABORTED, details=[ErrorDetail("peer0.bank:7051", OWN_ORG, f"chaincode response 404, {words}")])
    return EvaluateError(f"evaluate call to endorser returned error: chaincode response 404, {words}",
                         transaction_id="q", code=grpc.StatusCode.UNKNOWN)


class LifecycleOfChannel(AnsweringQscc):
    """The _lifecycle Contract of channel ``receivables``, as ``network.get_contract("_lifecycle")`` is."""
    channel = CHANNEL


@pytest.mark.parametrize("in_detail", [False, True], ids=["in the message", "in a detail"])
def test_a_chaincode_the_channel_does_not_define_is_a_no_such_chaincode_error(in_detail):
    refused = lifecycle_answer("namespace invoices is not defined", in_detail=in_detail)
    with pytest.raises(NoSuchChaincodeError) as raised:
        chaincode_definition(LifecycleOfChannel(refused), OWN_ORG, "invoices")
    error = raised.value
    assert isinstance(error, EvaluateError) and isinstance(error, NotOnLedgerError)
    assert (error.chaincode, error.channel, error.msp_id) == ("invoices", CHANNEL, OWN_ORG)
    assert (error.message, error.details, error.code, error.sent) == (
        refused.message, refused.details, refused.code, refused.sent)
    assert str(error).endswith(f"{OWN_ORG}'s peer finds no chaincode invoices defined on channel {CHANNEL}: no "
                               "definition of that name was committed there (names are case-sensitive; `peer "
                               "lifecycle chaincode querycommitted` lists the ones that were), or its commit has not "
                               "reached this peer yet: ask again once it has. Nothing was changed.")
    copied = pickle.loads(pickle.dumps(error))
    assert type(copied) is NoSuchChaincodeError and str(copied) == str(error) and copied.chaincode == "invoices"


def test_the_async_twin_raises_it_alike():
    class AwaitedLifecycle(AwaitedQscc):
        channel = CHANNEL

    with pytest.raises(NoSuchChaincodeError, match="finds no chaincode invoices defined on channel receivables"):
        asyncio.run(chaincode_definition_async(AwaitedLifecycle(lifecycle_answer("namespace invoices is not defined")),
                                               OWN_ORG, "invoices"))


def test_a_lifecycle_contract_that_names_no_channel_is_said_so():
    with pytest.raises(NoSuchChaincodeError, match="defined on the lifecycle contract's channel: ") as raised:
        chaincode_definition(AnsweringQscc(lifecycle_answer("namespace invoices is not defined")), OWN_ORG, "invoices")
    assert raised.value.channel is None


@pytest.mark.parametrize("refused", [
    # another chaincode's words: not an answer about this one
    lifecycle_answer("namespace invoices2 is not defined"),
    lifecycle_answer("Failed to authorize invocation due to failed ACL check: access denied"),
    # the same words from a call that never reached the peer: no answer of its ledger
    EvaluateError("namespace invoices is not defined", transaction_id="q", code=grpc.StatusCode.UNAVAILABLE),
    EvaluateError("namespace invoices is not defined", transaction_id="q", sent=False),
], ids=["another chaincode", "access denied", "not reached", "not sent"])
def test_every_other_failure_is_raised_as_the_gateway_raised_it(refused):
    with pytest.raises(EvaluateError) as raised:
        chaincode_definition(LifecycleOfChannel(refused), OWN_ORG, "invoices")
    assert raised.value is refused
