"""A contract answer this client cannot read as its model (a newer contract version's document, with a field the
models do not know): a submit's transaction committed all the same, and is never reported as a call that failed.

The models refuse fields they do not know rather than dropping them (the reasons are at
``client.receivables._contract_calls._ContractCalls._answer``); these tests hold both halves of that decision: the
answer is refused, and what committed is said.
"""

from __future__ import annotations

import asyncio
import copy
import json
import pickle
from concurrent.futures import ProcessPoolExecutor

import grpc
import pytest

from cli.request_ids import may_have_committed
from client.gateway import SubmitResult
from client.gateway.errors import EndorseError, ErrorDetail
from client.receivables import AsyncReceivablesClient, ReceivablesClient, RuleViolation, UnreadableAnswer

from ..ledger_contract import LedgerContract
from . import fakes, test_cli_and_contract_agree, test_exactly_once
from .fakes import FakeContract
from .test_async_client import FakeAsyncContract
from .test_cli_and_contract_agree import confirmed
from .test_cli_party_commands import ok, recfin

channel = test_cli_and_contract_agree.channel   # the fixtures of the tests these extend
world = test_exactly_once.world

NEW_FIELD = "settlement_account"


def answers_as_a_newer_contract(monkeypatch, transaction: str) -> list[str]:
    """``transaction``'s answers carry a field these models do not know, as a newer contract version's would; what
    it writes is unchanged, and the answer still names its transaction. The request ids sent, listed."""
    submit = LedgerContract.submit
    sent: list[str] = []

    def newer(self, name, **options):
        payload = submit(self, name, **options)
        if name != transaction:
            return payload
        sent.append(options["arguments"][-1])
        document = {**json.loads(payload), NEW_FIELD: "6222020200112233445"}
        return SubmitResult(json.dumps(document).encode(), payload.transaction_id)

    monkeypatch.setattr(LedgerContract, "submit", newer)
    return sent


# ------------------------------------------------------------------ the SDK

def test_a_payment_that_committed_with_an_answer_this_client_cannot_read_names_its_transaction(world, monkeypatch):
    net, r = world
    core = net.actors["core"]
    client = ReceivablesClient(LedgerContract(net.ledger, core.identity, lambda: net.now))
    answers_as_a_newer_contract(monkeypatch, "RecordPayment")
    with pytest.raises(UnreadableAnswer) as caught:
        client.record_payment(r["id"], 1_000_00, request_id="PAY-1")
    unread = caught.value
    [payment] = client.get_receivable(r["id"]).payments      # it committed
    assert unread.committed and unread.transaction == "RecordPayment"
    assert unread.transaction_id == payment.tx_id
    assert json.loads(unread.answer)[NEW_FIELD] and json.loads(unread.answer)["id"] == r["id"]
    assert str(unread).startswith(f"RecordPayment committed in transaction {payment.tx_id}, but its answer cannot be "
                                  f"read ({NEW_FIELD}: Extra inputs are not permitted): what it did is on the ledger")
    assert isinstance(unread, ValueError)      # as the model's ValidationError it replaces was
    # under the same request id it changes nothing (and its answer is still the newer contract's)
    with pytest.raises(UnreadableAnswer):
        client.record_payment(r["id"], 1_000_00, request_id="PAY-1")
    assert len(client.get_receivable(r["id"]).payments) == 1


ANSWERS = {
    "a field it does not know": (json.dumps({**fakes.receivable(), NEW_FIELD: "x"}).encode(),
                                 f"{NEW_FIELD}: Extra inputs are not permitted"),
    "a field missing": (json.dumps({k: v for k, v in fakes.receivable().items() if k != "holder"}).encode(),
                        "holder: Field required"),
    "no JSON": (b"<html>502 Bad Gateway</html>", "Invalid JSON"),
}


@pytest.mark.parametrize("answer, problem", ANSWERS.values(), ids=ANSWERS)
def test_any_answer_that_is_not_the_models_is_unreadable_and_a_submits_committed(answer, problem):
    submitted = SubmitResult(answer, "ab" * 32)
    sync_contract = FakeContract(responses={"ConfirmReceivable": submitted, "GetReceivable": answer})
    async_contract = FakeAsyncContract(responses={"ConfirmReceivable": submitted, "GetReceivable": answer})
    confirms = [lambda: ReceivablesClient(sync_contract).confirm("R-1", endorsing_organizations=["CoreMSP"]),
                lambda: asyncio.run(AsyncReceivablesClient(async_contract).confirm(
                    "R-1", endorsing_organizations=["CoreMSP"]))]
    for confirm in confirms:
        with pytest.raises(UnreadableAnswer) as caught:
            confirm()
        assert caught.value.committed and caught.value.transaction_id == "ab" * 32
        assert caught.value.answer == answer and problem in caught.value.problem
        assert may_have_committed(caught.value)
    reads = [lambda: ReceivablesClient(sync_contract).get_receivable("R-1"),
             lambda: asyncio.run(AsyncReceivablesClient(async_contract).get_receivable("R-1"))]
    for read in reads:
        with pytest.raises(UnreadableAnswer) as caught:
            read()
        assert not caught.value.committed and caught.value.transaction_id is None
        assert str(caught.value).startswith("GetReceivable answered with a document this client cannot read (")
        assert not may_have_committed(caught.value)   # a read wrote nothing


# ------------------------------------------------------------------ the CLI

def test_a_payment_committed_with_an_answer_this_client_cannot_read_names_its_request_id(channel, monkeypatch):
    """Before, the error read as a failed call without its request id: the same command again paid twice."""
    rid = confirmed()
    sent = answers_as_a_newer_contract(monkeypatch, "RecordPayment")
    res = recfin("receivable", "pay", rid, "--amount", "100.00", "--as", "coreenterprise")
    assert res.exit_code == 1, res.output
    [payment] = channel.document("recfin.receivable", rid)["payments"]
    line = res.output.strip().splitlines()[-1]
    assert line.startswith(f"Error: RecordPayment committed in transaction {payment['tx_id']}, but its answer cannot "
                           "be read")
    assert line.endswith(f"(request id {sent[0]}: it committed; `recfin request get {sent[0]} --as "
                         "coreenterprise/treasurer --json` shows what it recorded)")
    record = ok("request", "get", sent[0], "--as", "coreenterprise")     # a record reads whatever its result holds
    assert record["tx_id"] == payment["tx_id"] and record["result"]["payments"] == [payment]
    again = recfin("receivable", "pay", rid, "--amount", "100.00", "--request-id", sent[0], "--as", "coreenterprise")
    assert again.exit_code == 1 and "it committed" in again.output
    assert len(channel.document("recfin.receivable", rid)["payments"]) == 1


# ------------------------------------------------------------------ across processes

def unreadable_payment(committed: bool) -> UnreadableAnswer:
    return UnreadableAnswer("RecordPayment", b'{"id": "R-1", "settlement_account": "x"}',
                            "settlement_account: Extra inputs are not permitted", committed=committed,
                            transaction_id="ab" * 32 if committed else None)


def refused_transfer() -> RuleViolation:
    cause = EndorseError("failed to endorse transaction", transaction_id="tx-9", code=grpc.StatusCode.ABORTED,
                         details=[ErrorDetail("peer0.example:7051", "SupplierMSP",
                                              "chaincode response 500, RULE not-the-holder: not yours")])
    return RuleViolation("not-the-holder", "not yours", transaction="TransferReceivable", gateway_error=cause)


@pytest.mark.parametrize("error", [unreadable_payment(True), unreadable_payment(False), refused_transfer()],
                         ids=["unreadable committed", "unreadable read", "rule violation"])
def test_the_receivables_errors_survive_pickling_and_copying_with_every_field(error):
    """Their keyword-only fields once made them impossible to unpickle (the class called with the message alone)."""
    twins = [pickle.loads(pickle.dumps(error, protocol=p)) for p in range(pickle.HIGHEST_PROTOCOL + 1)]
    for twin in [*twins, copy.copy(error), copy.deepcopy(error)]:
        assert type(twin) is type(error)
        assert str(twin) == str(error) and twin.args == error.args
        assert vars(twin).keys() == vars(error).keys()
        for name, value in vars(error).items():
            if name == "gateway_error":   # a GatewayError, compared as those are: type, message and fields
                assert type(twin.gateway_error) is type(value) and vars(twin.gateway_error) == vars(value)
            else:
                assert getattr(twin, name) == value, name


def raise_unreadable_payment() -> None:
    raise unreadable_payment(True)


def test_a_process_pool_workers_unreadable_answer_reaches_the_caller_whole():
    with ProcessPoolExecutor(max_workers=1) as pool:
        with pytest.raises(UnreadableAnswer) as caught:
            pool.submit(raise_unreadable_payment).result()
    assert caught.value.committed and caught.value.transaction_id == "ab" * 32
    assert may_have_committed(caught.value)
