"""The ledger commands say what the contract decides, over the real contract on MemoryLedger.

Where a command reads the ledger before acting (to choose who endorses), a read the contract refuses the caller
must not hide the rule that refuses the action, and a read refused for another reason (``not-found`` from a peer a
block behind) stops it; where a help text says what an action leaves behind, the ledger leaves
that; a bad rate is a usage error naming its option; and a call sent with ``--request-id`` is applied once, however
often it is sent, and can be asked about (``recfin request get``). The commands, the SDK and the contract run for
real; the connection is ``TopologySessions`` (the topology's orgs and users, each with its certificate).
"""

from __future__ import annotations

import asyncio
import json
import re
import tracemalloc
from datetime import timedelta

import click
import grpc
import pytest
from fabric_protos.peer import transaction_pb2

from cli import connection, receivable_commands
from cli.receivable_commands import RATE
from cli.request_ids import may_have_committed
from client.gateway.errors import (
    BlockWaitTimeoutError,
    CommitError,
    CommitStatusError,
    EndorseError,
    ErrorDetail,
    EvaluateError,
    GatewayError,
    SubmitError,
    TransactionError,
)
from client.invoices.credit_code import credit_code_check_digit
from client.receivables import AsyncReceivablesClient, FinancingTerms, ReceivablesClient, RuleViolation
from network.contract_config import network_config
from network.topology import load as load_topology

from ..invoices._ledger import SecondsLater
from ..ledger_contract import Channel, LedgerContract, TopologySessions
from . import fakes
from .fakes import FakeContract
from .test_async_client import FakeAsyncContract
from .test_cli_pages_and_currencies import CORE, PARTIES, TIER1, TIER2, registered
from .test_cli_party_commands import ok, recfin

BANK2_BODY = "91110000MA1K00007"
BANK2 = BANK2_BODY + credit_code_check_digit(BANK2_BODY)
OFFER = ["--advance-rate", "0.9", "--discount-rate", "0.036", "--expires", "2026-04-30"]


@pytest.fixture
def channel(monkeypatch, tmp_path) -> Channel:
    """The story's parties, and a second bank acting through officer2."""
    topology = load_topology()
    sessions = TopologySessions(Channel(network_config(topology)), topology, tmp_path)
    monkeypatch.setattr(connection, "open_session", sessions.open_session)
    # the commands' checks before connecting count today as the contract does: the channel's business date
    monkeypatch.setattr(receivable_commands, "business_today", sessions.channel.today)
    for org, uscc, name, role, user in [*PARTIES, ("bank", BANK2, "Second Bank", "financier", "officer2")]:
        ok("party", "register", "--uscc", uscc, "--name", name, "--role", role, "--client", user,
           "--as", f"{org}/admin")
    return sessions.channel


def confirmed(number: str = "26312000000012345678") -> str:
    rid = registered(number)
    ok("receivable", "confirm", rid, "--as", "coreenterprise")
    return rid


def accepted(rid: str) -> str:
    """A financing of ``rid`` whose holder accepted First Bank's offer."""
    financing = ok("finance", "request", rid, "--as", "supplier/supplier1")["id"]
    offer = ok("finance", "offer", financing, *OFFER, "--as", "bank/officer1")["id"]
    ok("finance", "accept", offer, "--as", "supplier/supplier1")
    return financing


def refused(channel: Channel, *args: str) -> str:
    """The one error line of a command the contract refused; nothing was written."""
    before = len(channel.submits)
    res = recfin(*args)
    assert res.exit_code == 1, res.output
    assert len(channel.submits) == before
    return res.output.strip().splitlines()[-1]


# ------------------------------------------------------------------ the action's rule, not the lookup's

def test_a_caller_refused_the_financing_read_hears_the_rule_that_refuses_the_action(channel):
    rid = confirmed()
    financing = accepted(rid)
    # Second Bank and Tier-2 may not read the financing: the read's not-permitted-to-read would say nothing useful
    assert refused(channel, "finance", "disburse", financing, "--as", "bank/officer2").startswith(
        "Error: RecordDisbursement refused: RULE not-the-financier")
    assert refused(channel, "finance", "cancel", financing, "--reason", "x", "--as", "bank/officer2").startswith(
        "Error: CancelFinancing refused: RULE not-the-financier")
    assert refused(channel, "finance", "cancel", financing, "--reason", "x", "--as", "supplier/supplier2").startswith(
        "Error: CancelFinancing refused: RULE not-the-holder")
    assert refused(channel, "finance", "offer", financing, *OFFER, "--as", "bank/officer2").startswith(
        "Error: MakeFinancingOffer refused: RULE invalid-state")
    # an amount in a currency is checked against the claim's, which a caller refused the read cannot learn
    assert refused(channel, "finance", "offer", financing, *OFFER, "--fees", "CNY 20.00",
                   "--as", "bank/officer2").startswith("Error: MakeFinancingOffer refused: RULE invalid-state")
    assert refused(channel, "receivable", "transfer", rid, "--to", TIER2, "--amount", "CNY 1.00",
                   "--as", "supplier/supplier2").startswith("Error: TransferReceivable refused: RULE not-the-holder")


def test_disbursing_without_an_accepted_offer_is_refused_by_the_contract(channel):
    rid = confirmed()
    financing = ok("finance", "request", rid, "--as", "supplier/supplier1")["id"]
    # a bank may read an open request, which has no accepted offer and so no terms to read back
    assert refused(channel, "finance", "disburse", financing, "--as", "bank/officer2").startswith(
        "Error: RecordDisbursement refused: RULE not-the-financier")
    offer = ok("finance", "offer", financing, *OFFER, "--as", "bank/officer1")["id"]
    ok("finance", "accept", offer, "--as", "supplier/supplier1")
    ok("finance", "cancel", financing, "--reason", "credit line withdrawn", "--as", "bank/officer1")
    # the bank, no longer party to the claim, may not read the financing; its disbursement is refused as late
    assert refused(channel, "finance", "disburse", financing, "--as", "bank/officer1").startswith(
        "Error: RecordDisbursement refused: RULE invalid-state: financing")


def refused_read(rule: str) -> EvaluateError:
    return EvaluateError("evaluate call to endorser returned error", transaction_id="tx-1", details=[
        ErrorDetail("peer0", "BankMSP", f"chaincode response 500, RULE {rule}: as the contract words it")])


REFUSED_READ = refused_read("not-permitted-to-read")
BANK2_PARTY = fakes.party(uscc=BANK2, role="financier", msp_id="BankMSP")
TERMS = FinancingTerms(advance_rate="0.9", discount_rate="0.036", recourse=False, expires_on="2026-04-30")
ACTIONS = [
    ("make_offer", lambda c: c.make_offer("F-1", TERMS), "MakeFinancingOffer", TERMS.transient(), fakes.offer()),
    ("record_disbursement", lambda c: c.record_disbursement("F-1"), "RecordDisbursement", None,
     fakes.financing(status="DISBURSED")),
    ("cancel_financing", lambda c: c.cancel_financing("F-1", "x"), "CancelFinancing", None,
     fakes.financing(status="CANCELLED")),
]


@pytest.mark.parametrize("rule", ["not-permitted-to-read", "role-not-allowed-for-org"])
@pytest.mark.parametrize("call, transaction, transient, answer", [a[1:] for a in ACTIONS], ids=[a[0] for a in ACTIONS])
def test_after_a_refused_read_the_action_goes_to_the_callers_org_alone(call, transaction, transient, answer, rule):
    def contract(cls):
        return cls(responses={"WhoAmI": BANK2_PARTY, transaction: answer}, errors={"GetFinancing": refused_read(rule)})

    sync_contract, async_contract = contract(FakeContract), contract(FakeAsyncContract)
    call(ReceivablesClient(sync_contract))
    asyncio.run(call(AsyncReceivablesClient(async_contract)))
    for sent in (sync_contract.calls, async_contract.calls):
        assert [(c.name, c.endorsing_organizations) for c in sent] == [
            ("GetFinancing", None), ("WhoAmI", None), (transaction, ["BankMSP"])]
        assert sent[-1].transient == transient   # terms only where the caller gave them, to its own org's peers


@pytest.mark.parametrize("rule", ["not-found", "caller-not-a-party"])
@pytest.mark.parametrize("call", [a[1] for a in ACTIONS], ids=[a[0] for a in ACTIONS])
def test_a_read_refused_for_another_reason_than_who_asks_is_raised_and_nothing_is_sent(call, rule):
    # not-found from a peer a block behind: sent to the caller's org alone, the action would fail validation
    def contract(cls):
        return cls(responses={"WhoAmI": BANK2_PARTY}, errors={"GetFinancing": refused_read(rule)})

    sync_contract, async_contract = contract(FakeContract), contract(FakeAsyncContract)
    with pytest.raises(RuleViolation) as sync_refusal:
        call(ReceivablesClient(sync_contract))
    with pytest.raises(RuleViolation) as async_refusal:
        asyncio.run(call(AsyncReceivablesClient(async_contract)))
    assert (sync_refusal.value.transaction, sync_refusal.value.rule) == ("GetFinancing", rule)
    assert (async_refusal.value.transaction, async_refusal.value.rule) == ("GetFinancing", rule)
    assert [c.name for c in sync_contract.calls] == [c.name for c in async_contract.calls] == ["GetFinancing"]


def behind_once(monkeypatch, transaction: str) -> None:
    """The evaluating peer has not yet the block that wrote what ``transaction`` reads, once: it says not-found."""
    evaluate = LedgerContract.evaluate
    missed = []

    def stale(self, name, **options):
        if name == transaction and not missed:
            missed.append(name)
            raise refused_read("not-found")
        return evaluate(self, name, **options)

    monkeypatch.setattr(LedgerContract, "evaluate", stale)


def test_a_command_whose_read_a_peer_a_block_behind_refuses_sends_nothing(channel, monkeypatch):
    rid = confirmed()   # a CNY claim
    behind_once(monkeypatch, "GetReceivable")
    # the currency check needs the claim: without it "USD 1,000.00" would be paid as CNY 1,000.00
    assert refused(channel, "receivable", "pay", rid, "--amount", "USD 1,000.00", "--as", "coreenterprise").startswith(
        "Error: GetReceivable refused: RULE not-found")
    assert channel.document("recfin.receivable", rid)["payments"] == []
    financing = ok("finance", "request", rid, "--as", "supplier/supplier1")["id"]
    behind_once(monkeypatch, "GetFinancing")
    assert refused(channel, "finance", "offer", financing, *OFFER, "--fees", "CNY 20.00",
                   "--as", "bank/officer2").startswith("Error: GetFinancing refused: RULE not-found")
    offer = ok("finance", "offer", financing, *OFFER, "--as", "bank/officer1")["id"]
    ok("finance", "accept", offer, "--as", "supplier/supplier1")
    behind_once(monkeypatch, "GetFinancing")
    # sent to the bank's org alone, the cancellation would fail the claim's policy at validation
    assert refused(channel, "finance", "cancel", financing, "--reason", "x", "--as", "bank/officer1").startswith(
        "Error: GetFinancing refused: RULE not-found")
    assert ok("finance", "get", financing, "--as", "bank/officer1")["status"] == "ACCEPTED"


@pytest.mark.parametrize("call", [a[1] for a in ACTIONS], ids=[a[0] for a in ACTIONS])
def test_a_lookup_that_fails_for_another_reason_sends_nothing(call):
    down = GatewayError("peer unavailable")
    contract = FakeContract(responses={"WhoAmI": BANK2_PARTY}, errors={"GetFinancing": down})
    with pytest.raises(GatewayError):
        call(ReceivablesClient(contract))
    assert [c.name for c in contract.calls] == ["GetFinancing"]


# ------------------------------------------------------------------ help texts against the ledger

def test_cancelling_leaves_an_overdue_claim_overdue_as_the_help_says(channel):
    rid = confirmed()
    financing = accepted(rid)
    channel.now += timedelta(days=91)   # past the due date, 2026-05-31
    ok("receivable", "overdue", rid, "--as", "supplier/supplier1")
    ok("finance", "cancel", financing, "--reason", "not disbursed by the due date", "--as", "supplier/supplier1")
    assert ok("receivable", "get", rid, "--as", "supplier/supplier1")["status"] == "OVERDUE"
    assert "RULE invalid-state" in refused(channel, "finance", "request", rid, "--as", "supplier/supplier1")
    assert "RULE invalid-state" in refused(channel, "receivable", "transfer", rid, "--to", TIER2, "--amount", "1",
                                           "--as", "supplier/supplier1")
    help_text = " ".join(recfin("finance", "cancel", "--help").output.split())
    assert "an OVERDUE claim stays OVERDUE (only payment is left for it)" in help_text
    assert "confirmed claim again (financed anew, transferred" not in help_text


@pytest.mark.parametrize("path", [("regulator", "freeze"), ("receivable", "freeze")])
def test_freeze_help_says_a_split_claim_is_refused_as_the_ledger_does(channel, path):
    rid = confirmed()
    ok("receivable", "transfer", rid, "--to", TIER2, "--amount", "130.00", "--as", "supplier/supplier1")
    assert "RULE invalid-state: cannot freeze" in refused(channel, *path, rid, "--order", "(2026) Hu 1", "--as",
                                                          "regulator")
    ok(*path, f"{rid}.2", "--order", "(2026) Hu 1", "--as", "regulator")
    assert "RULE receivable-frozen" in refused(channel, "receivable", "pay", rid, "--amount", "100",
                                               "--as", "coreenterprise")
    help_text = " ".join(recfin(*path, "--help").output.split())
    assert "every leaf under it" not in help_text
    assert "a split one is refused (invalid-state)" in help_text and "A payment over a split tree" in help_text


# ------------------------------------------------------------------ rates

@pytest.mark.parametrize("args, option", [
    (["finance", "offer", "F-1", "--advance-rate", "abc", "--discount-rate", "0.036", "--expires", "2026-04-30",
      "--as", "bank/officer1"], "--advance-rate"),
    (["finance", "offer", "F-1", "--advance-rate", "0.9", "--discount-rate", "-0.1", "--expires", "2026-04-30",
      "--as", "bank/officer1"], "--discount-rate"),
    (["discount", "publish", "--apr", "five", "--expires", "2026-04-01", "--as", "coreenterprise"], "--apr"),
    (["discount", "publish", "--tier", "30:NaN", "--expires", "2026-04-01", "--as", "coreenterprise"], "--tier"),
    # numbers the contract's rate rule refuses: a sign, more than 10 decimal places, more than 1
    *[(["finance", "offer", "F-1", "--advance-rate", rate, "--discount-rate", "0.036", "--expires", "2026-04-30",
        "--as", "bank/officer1"], "--advance-rate") for rate in ["-0", "0.00000000001", "1000", "1.5", "0"]],
    (["finance", "offer", "F-1", "--advance-rate", "0.9", "--discount-rate", "1.01", "--expires", "2026-04-30",
      "--as", "bank/officer1"], "--discount-rate"),
    *[(["discount", "publish", "--tier", tier, "--expires", "2026-04-01", "--as", "coreenterprise"], "--tier")
      for tier in ["30:-0", "30:1e-11"]],
    (["discount", "publish", "--apr", "1e-100000000", "--expires", "2026-04-01", "--as", "coreenterprise"], "--apr"),
])
def test_a_bad_rate_is_a_usage_error_naming_the_option_and_nothing_is_asked(channel, args, option):
    calls = len(channel.activity)
    res = recfin(*args)
    assert res.exit_code == 2, res.output
    assert f"Invalid value for '{option}': rate " in res.output and "write a decimal fraction" in res.output
    assert len(channel.activity) == calls


def test_a_rate_with_a_huge_exponent_is_refused_before_it_is_written_out():
    tracemalloc.start()
    try:
        with pytest.raises(click.BadParameter, match="has an exponent of -100000000"):
            RATE.convert("1e-100000000", None, None)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000   # written out it is 100 million characters
    assert RATE.convert("3.6E-2", None, None) == "0.036" and RATE.convert("0E-10", None, None) == "0.0000000000"


def test_rates_reach_the_contract_as_decimal_strings(channel):
    rid = confirmed()
    financing = ok("finance", "request", rid, "--as", "supplier/supplier1")["id"]
    offer = ok("finance", "offer", financing, "--advance-rate", " 0.90", "--discount-rate", "3.6E-2",
               "--expires", "2026-04-30", "--as", "bank/officer1")["id"]
    terms = ok("finance", "terms", offer, "--as", "bank/officer1")
    assert (terms["advance_rate"], terms["discount_rate"]) == ("0.90", "0.036")
    published = ok("discount", "publish", "--tier", "30:0.04", "--expires", "2026-04-01", "--as", "coreenterprise")
    assert published["scale"] == [{"min_days_early": 30, "apr": "0.04"}]


# ------------------------------------------------------------------ request ids

def test_a_transfer_sent_twice_with_its_request_id_moves_the_claim_once(channel):
    rid = confirmed()
    transfer = ["receivable", "transfer", rid, "--to", TIER2, "--amount", "130.00", "--request-id", "order-7",
                "--as", "supplier/supplier1"]
    first = ok(*transfer)
    state = dict(channel.ledger.state)
    assert ok(*transfer) == first   # the first result
    assert channel.ledger.state == state   # and nothing written
    record = ok("request", "get", "order-7", "--as", "supplier/supplier1")
    assert (record["transaction"], record["tx_id"]) == ("TransferReceivable", first["last"]["tx_id"])
    assert record["result"]["children"] == [f"{rid}.1", f"{rid}.2"]
    table = recfin("request", "get", "order-7", "--as", "supplier/supplier1")
    assert table.exit_code == 0, table.output
    assert f"result: {rid} SPLIT (parts {rid}.1, {rid}.2)" in table.output
    applied = [line.split() for line in table.output.split("applied:\n", 1)[1].splitlines()]
    assert applied == [["PART", "RECEIVABLE_ID", "HOLDER", "OUTSTANDING"],
                       ["transferred", f"{rid}.1", TIER2, "CNY", "130.00"],
                       ["kept", f"{rid}.2", TIER1, "CNY", "1,000.00"]]


def test_request_get_shows_where_a_payment_went_and_whom_a_whole_transfer_reached(channel):
    rid = confirmed()
    ok("receivable", "transfer", rid, "--to", TIER2, "--amount", "1,130.00", "--request-id", "order-9",
       "--as", "supplier/supplier1")
    moved = recfin("request", "get", "order-9", "--as", "supplier/supplier1")
    assert moved.exit_code == 0, moved.output
    assert moved.output.split("applied:\n", 1)[1].splitlines()[1].split() == [
        "transferred", rid, TIER2, "CNY", "1,130.00"]
    ok("receivable", "pay", rid, "--amount", "100.00", "--request-id", "PAY-3", "--as", "coreenterprise")
    paid = recfin("request", "get", "PAY-3", "--as", "coreenterprise")
    assert paid.exit_code == 0, paid.output
    assert [line.split() for line in paid.output.split("applied:\n", 1)[1].splitlines()] == [
        ["RECEIVABLE_ID", "AMOUNT", "PAYEE", "OUTSTANDING"], [rid, "CNY", "100.00", TIER2, "CNY", "1,030.00"]]


def test_request_get_of_a_malformed_id_is_a_usage_error_and_nothing_is_asked(channel):
    calls = len(channel.activity)
    res = recfin("request", "get", "a b", "--as", "supplier/supplier1")
    assert res.exit_code == 2, res.output
    assert "Invalid value for 'REQUEST_ID': 'a b' is not a request id" in res.output
    assert len(channel.activity) == calls


def test_request_get_without_a_committed_attempt_says_not_found_and_others_may_not_ask(channel):
    assert "GetRequest refused: RULE not-found" in refused(channel, "request", "get", "order-8",
                                                           "--as", "supplier/supplier1")
    ok("receivable", "pay", confirmed(), "--amount", "1", "--request-id", "PAY-1", "--as", "coreenterprise")
    assert "RULE not-permitted-to-read" in refused(channel, "request", "get", "PAY-1", "--party", CORE,
                                                   "--as", "supplier/supplier1")
    assert ok("request", "get", "PAY-1", "--party", CORE, "--as", "regulator")["transaction"] == "RecordPayment"


def test_register_pay_and_publish_send_the_request_id_given(channel):
    register = ["receivable", "register", "--as", "supplier/supplier1", "--debtor", CORE, "--face", "1,130.00",
                "--issue", "2026-03-02", "--due", "2026-05-31", "--invoice", "26312000000012345678,2026-03-01,"
                "1000.00,130.00", "--contract-hash", "c" * 64, "--request-id", "PO-42"]
    rid = ok(*register)["id"]
    assert ok(*register)["id"] == rid and len(channel.documents("recfin.receivable")) == 1
    ok("receivable", "confirm", rid, "--as", "coreenterprise")
    pay = ["receivable", "pay", rid, "--amount", "100.00", "--request-id", "PAY-7", "--as", "coreenterprise"]
    ok(*pay)
    assert ok(*pay)["outstanding"] == 103_000   # paid once
    publish = ["discount", "publish", "--apr", "0.05", "--expires", "2026-04-01", "--request-id", "DISC-3",
               "--as", "coreenterprise"]
    assert ok(*publish)["id"] == ok(*publish)["id"]
    assert len(channel.documents("recfin.discount")) == 1
    for who, request_id, transaction in [("supplier/supplier1", "PO-42", "RegisterReceivable"),
                                         ("coreenterprise", "PAY-7", "RecordPayment"),
                                         ("coreenterprise", "DISC-3", "PublishDiscountOffer")]:
        assert ok("request", "get", request_id, "--as", who)["transaction"] == transaction


@pytest.mark.parametrize("request_id", ["", "two words", "x" * 129])
def test_a_bad_request_id_is_a_usage_error_and_nothing_is_asked(channel, request_id):
    calls = len(channel.activity)
    res = recfin("receivable", "pay", "R-1", "--amount", "1", "--request-id", request_id, "--as", "coreenterprise")
    assert res.exit_code == 2, res.output
    assert "Invalid value for '--request-id'" in res.output and "is not a request id" in res.output
    assert len(channel.activity) == calls


LOST_ANSWERS = [
    CommitStatusError("commit status not received: deadline exceeded", transaction_id="tx-lost",
                      code=grpc.StatusCode.DEADLINE_EXCEEDED),
    CommitStatusError("commit status not received: peer unavailable", transaction_id="tx-lost",
                      code=grpc.StatusCode.UNAVAILABLE),
    SubmitError("no answer from the orderer in time", transaction_id="tx-lost", code=grpc.StatusCode.DEADLINE_EXCEEDED),
    # the connection dropped after the Gateway peer passed the transaction on, or a broadcast failed after sending
    SubmitError("Socket closed", transaction_id="tx-lost", code=grpc.StatusCode.UNAVAILABLE),
    SubmitError("Cancelled on client", transaction_id="tx-lost", code=grpc.StatusCode.CANCELLED),
    SubmitError("Stream removed", transaction_id="tx-lost", code=grpc.StatusCode.UNKNOWN),
    SubmitError("no orderers could successfully process transaction", transaction_id="tx-lost",
                code=grpc.StatusCode.UNAVAILABLE, details=[ErrorDetail("orderer0:7050", "OrdererMSP", "EOF")]),
    # an orderer's 4xx: the Gateway tries orderers in turn, and one tried before may have taken it
    SubmitError("received unsuccessful response from orderer: status=BAD_REQUEST, info=bad envelope",
                transaction_id="tx-lost", code=grpc.StatusCode.ABORTED),
]
NOTHING_COMMITTED = [
    EndorseError("failed to endorse transaction", transaction_id="tx-e", code=grpc.StatusCode.ABORTED,
                 details=[ErrorDetail("peer0", "CoreEnterpriseMSP", "connection refused")]),
    EndorseError("endorsement timed out", transaction_id="tx-e", code=grpc.StatusCode.DEADLINE_EXCEEDED),
    CommitError(transaction_id="tx-c", validation_code=transaction_pb2.MVCC_READ_CONFLICT, block_number=7),
    GatewayError("peer unavailable", code=grpc.StatusCode.UNAVAILABLE),
    BlockWaitTimeoutError(channel="receivables", block_number=9, address="", timeout=1.0),
    # the Gateway peer would not send it: unsigned, a channel it does not know, a call it refused
    SubmitError("prepared transaction must be signed", transaction_id="tx-s", code=grpc.StatusCode.INVALID_ARGUMENT),
    SubmitError("channel 'x' not found", transaction_id="tx-s", code=grpc.StatusCode.FAILED_PRECONDITION),
    SubmitError("access denied", transaction_id="tx-s", code=grpc.StatusCode.PERMISSION_DENIED),
]


def test_only_a_lost_answer_may_hide_a_commit():
    assert [may_have_committed(e) for e in LOST_ANSWERS] == [True] * len(LOST_ANSWERS)
    assert [may_have_committed(e) for e in NOTHING_COMMITTED] == [False] * len(NOTHING_COMMITTED)


@pytest.mark.parametrize("error", [e for e in NOTHING_COMMITTED if isinstance(e, TransactionError)],
                         ids=lambda e: f"{type(e).__name__}-{e.code.name if e.code else None}")
def test_a_failure_that_proves_nothing_committed_is_reported_as_it_is(channel, monkeypatch, error):
    rid = confirmed()

    def fails(self, name, **options):
        raise error   # nothing reaches the ledger

    monkeypatch.setattr(LedgerContract, "submit", fails)
    res = recfin("receivable", "pay", rid, "--amount", "100.00", "--as", "coreenterprise")
    assert res.exit_code == 1, res.output
    line = res.output.strip().splitlines()[-1]
    # the command's line names the gateway peer its session asked, which describe() outside it cannot
    said = re.sub(r"the gateway peer \S+ \(\S+\) it asked, or a node or chaincode server behind it,",
                  "a node or chaincode server", line)
    assert said == f"Error: {connection.describe(error)}"
    assert "may have committed" not in line and "request id" not in line
    assert channel.document("recfin.receivable", rid)["payments"] == []


def pay_losing_the_answer_once(monkeypatch, error: BaseException) -> tuple[str, object, str]:
    """A payment on a confirmed claim that commits, then fails with ``error`` as its answer is awaited: the claim,
    the command's result and the request id it was sent with."""
    rid = confirmed()
    submit = LedgerContract.submit
    sent = []

    def answer_lost_once(self, name, **options):
        payload = submit(self, name, **options)
        if name == "RecordPayment" and not sent:
            sent.append(options["arguments"][-1])
            raise error
        return payload

    monkeypatch.setattr(LedgerContract, "submit", answer_lost_once)
    return rid, recfin("receivable", "pay", rid, "--amount", "100.00", "--as", "coreenterprise"), sent[0]


def paid_once_by_the_retry(channel, rid: str, request_id: str) -> bool:
    again = ok("receivable", "pay", rid, "--amount", "100.00", "--request-id", request_id, "--as", "coreenterprise")
    return again["outstanding"] == 103_000 and len(channel.document("recfin.receivable", rid)["payments"]) == 1


@pytest.mark.parametrize("error", LOST_ANSWERS, ids=lambda e: f"{type(e).__name__}-{e.code.name}")
def test_a_call_whose_answer_was_lost_names_its_request_id_and_the_retry_applies_it_once(channel, monkeypatch, error):
    rid, res, sent = pay_losing_the_answer_once(monkeypatch, error)
    assert res.exit_code == 1, res.output
    line = res.output.strip().splitlines()[-1]
    assert error.message in line and f"it may have committed; run the same command with --request-id {sent}" in line
    assert f"recfin request get {sent}" in line
    assert ok("request", "get", sent, "--as", "coreenterprise")["transaction"] == "RecordPayment"
    assert paid_once_by_the_retry(channel, rid, sent)


def test_a_ctrl_c_while_a_call_waits_names_its_request_id_and_the_retry_applies_it_once(channel, monkeypatch):
    """Interrupted while it waited for its commit status, the call may have committed: without its id in the
    error line, the same command again would send a fresh id and pay twice."""
    rid, res, sent = pay_losing_the_answer_once(monkeypatch, KeyboardInterrupt())
    assert res.exit_code == 130, res.output
    line = res.output.strip().splitlines()[-1]
    assert line.startswith(f"Error: interrupted (request id {sent}: it may have committed; run the same command "
                           f"with --request-id {sent}")
    assert paid_once_by_the_retry(channel, rid, sent)


def test_invoice_commands_take_the_request_id(monkeypatch, tmp_path):
    from client.invoices import sources

    from ..invoices._ledger import Ledger
    from ..invoices.test_attest import INVOICE, MATCHED, run

    ledger = Ledger().serve(monkeypatch)
    monkeypatch.setattr(sources, "datetime", SecondsLater)
    attest = ["attest", INVOICE, "--as", "bank/officer1", "--request-id", "VER-1", "--evidence", tmp_path / "ev.json",
              "--json"]
    first = run(*attest)
    assert first.exit_code == 0, first.output
    # the evidence carries the attempt's time: the retry sends the file's again, and gets the first attestation
    again = run(*attest)
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["attestation"] == json.loads(first.stdout)["attestation"]
    assert ledger.client("bank").request("VER-1").transaction == "AttestInvoiceVerification"
    assert len(ledger.client("bank").invoice_attestations(json.loads(first.stdout)["fingerprint"])) == 1
    register = ["register", INVOICE, *MATCHED, "--as", "supplier/supplier1", "--request-id", "PO-9", "--json"]
    first = run(*register)
    assert first.exit_code == 0, first.output
    assert json.loads(run(*register).stdout)["id"] == json.loads(first.stdout)["id"]
    assert ledger.client("supplier").request("PO-9").transaction == "RegisterReceivable"
    bad = run("register", INVOICE, *MATCHED, "--as", "supplier/supplier1", "--request-id", "a b")
    assert bad.exit_code == 2 and "Invalid value for '--request-id'" in bad.output


def test_an_offers_private_expiry_is_shown_to_the_holder_and_its_bank_and_not_to_another_bank(channel):
    rid = confirmed()
    financing = ok("finance", "request", rid, "--as", "supplier/supplier1")["id"]
    made = ok("finance", "offer", financing, *OFFER, "--as", "bank/officer1")
    assert made["expires_on"] == "2026-04-30"   # the bank's own terms'
    assert "expires_on" not in channel.document("recfin.offer", made["id"])
    for user, shown in (("supplier/supplier1", True), ("bank/officer1", True), ("bank/officer2", False)):
        res = recfin("finance", "get", financing, "--as", user)
        assert res.exit_code == 0, res.output
        assert ("2026-04-30" in res.output) is shown, user
        offers = ok("finance", "get", financing, "--as", user)["offers"]
        assert [o.get("expires_on") for o in offers] == ["2026-04-30" if shown else None], user
        # another bank is refused the terms: whether this peer holds them is not known, not said to be false
        assert [o["terms_on_this_peer"] for o in offers] == [True if shown else None], user
    assert ok("finance", "accept", made["id"], "--as", "supplier/supplier1")["status"] == "ACCEPTED"


def test_finance_get_shows_the_financing_when_this_peer_lacks_an_offers_terms(channel):
    rid = confirmed()
    financing = ok("finance", "request", rid, "--as", "supplier/supplier1")["id"]
    made = ok("finance", "offer", financing, *OFFER, "--as", "bank/officer1")
    # a peer that missed the terms' dissemination and has not reconciled yet: GetOfferTerms answers not-found
    for entries in channel.ledger.private_state.values():
        for key in [k for k in entries if made["id"] in k and "recfin.terms" in k]:
            del entries[key]
    res = recfin("finance", "get", financing, "--as", "supplier/supplier1", "--json")
    assert res.exit_code == 0, res.output
    assert [o["id"] for o in json.loads(res.stdout)["offers"]] == [made["id"]]
    assert "expires_on" not in json.loads(res.stdout)["offers"][0]
    # a script tells an offer whose terms this peer lacks (ask again, or another member's peer) from one it read
    assert json.loads(res.stdout)["offers"][0]["terms_on_this_peer"] is False
    assert f"note: offer {made['id']}'s expiry is in its private terms, which this peer does not hold yet" \
        in res.stderr
