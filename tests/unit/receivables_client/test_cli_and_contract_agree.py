"""The ledger commands say what the contract decides, over the real contract on MemoryLedger.

Where a command reads the ledger before acting (to choose who endorses), a read the contract refuses must not
hide the rule that refuses the action; where a help text says what an action leaves behind, the ledger leaves
that; a bad rate is a usage error naming its option; and a call sent with ``--request-id`` is applied once, however
often it is sent, and can be asked about (``recfin request get``). The commands, the SDK and the contract run for
real; the connection is ``TopologySessions`` (the topology's orgs and users, each with its certificate).
"""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta, timezone

import pytest

from cli import connection
from client.gateway.errors import CommitStatusError, EvaluateError, ErrorDetail, GatewayError
from client.invoices.credit_code import credit_code_check_digit
from client.receivables import AsyncReceivablesClient, FinancingTerms, ReceivablesClient
from network.contract_config import network_config
from network.topology import load as load_topology

from ..ledger_contract import Channel, LedgerContract, TopologySessions
from . import fakes
from .fakes import FakeContract
from .test_async_client import FakeAsyncContract
from .test_cli_pages_and_currencies import CORE, PARTIES, TIER2, registered
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
    for org, uscc, name, role, user in [*PARTIES, ("bank", BANK2, "Second Bank", "financier", "officer2")]:
        ok("party", "register", "--uscc", uscc, "--name", name, "--role", role, "--client", user,
           "--as", f"{org}/admin")
    return sessions.channel


def confirmed(number: str = "24312000000012345678") -> str:
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


REFUSED_READ = EvaluateError("evaluate call to endorser returned error", transaction_id="tx-1", details=[
    ErrorDetail("peer0", "BankMSP", "chaincode response 500, RULE not-permitted-to-read: not a party")])
BANK2_PARTY = fakes.party(uscc=BANK2, role="financier", msp_id="BankMSP")
TERMS = FinancingTerms(advance_rate="0.9", discount_rate="0.036", recourse=False, expires_on="2026-04-30")
ACTIONS = [
    ("make_offer", lambda c: c.make_offer("F-1", TERMS), "MakeFinancingOffer", TERMS.transient(), fakes.offer()),
    ("record_disbursement", lambda c: c.record_disbursement("F-1"), "RecordDisbursement", None,
     fakes.financing(status="DISBURSED")),
    ("cancel_financing", lambda c: c.cancel_financing("F-1", "x"), "CancelFinancing", None,
     fakes.financing(status="CANCELLED")),
]


@pytest.mark.parametrize("call, transaction, transient, answer", [a[1:] for a in ACTIONS], ids=[a[0] for a in ACTIONS])
def test_after_a_refused_read_the_action_goes_to_the_callers_org_alone(call, transaction, transient, answer):
    def contract(cls):
        return cls(responses={"WhoAmI": BANK2_PARTY, transaction: answer}, errors={"GetFinancing": REFUSED_READ})

    sync_contract, async_contract = contract(FakeContract), contract(FakeAsyncContract)
    call(ReceivablesClient(sync_contract))
    asyncio.run(call(AsyncReceivablesClient(async_contract)))
    for sent in (sync_contract.calls, async_contract.calls):
        assert [(c.name, c.endorsing_organizations) for c in sent] == [
            ("GetFinancing", None), ("WhoAmI", None), (transaction, ["BankMSP"])]
        assert sent[-1].transient == transient   # terms only where the caller gave them, to its own org's peers


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
])
def test_a_bad_rate_is_a_usage_error_naming_the_option_and_nothing_is_asked(channel, args, option):
    calls = len(channel.activity)
    res = recfin(*args)
    assert res.exit_code == 2, res.output
    assert f"Invalid value for '{option}': rate " in res.output and "write a decimal fraction" in res.output
    assert len(channel.activity) == calls


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


def test_request_get_without_a_committed_attempt_says_not_found_and_others_may_not_ask(channel):
    assert "GetRequest refused: RULE not-found" in refused(channel, "request", "get", "order-8",
                                                           "--as", "supplier/supplier1")
    ok("receivable", "pay", confirmed(), "--amount", "1", "--request-id", "PAY-1", "--as", "coreenterprise")
    assert "RULE not-permitted-to-read" in refused(channel, "request", "get", "PAY-1", "--party", CORE,
                                                   "--as", "supplier/supplier1")
    assert ok("request", "get", "PAY-1", "--party", CORE, "--as", "regulator")["transaction"] == "RecordPayment"


def test_register_pay_and_publish_send_the_request_id_given(channel):
    register = ["receivable", "register", "--as", "supplier/supplier1", "--debtor", CORE, "--face", "1,130.00",
                "--issue", "2026-03-02", "--due", "2026-05-31", "--invoice", "24312000000012345678,2026-03-01,"
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


def test_a_call_whose_answer_was_lost_names_its_request_id_and_the_retry_applies_it_once(channel, monkeypatch):
    rid = confirmed()
    submit = LedgerContract.submit
    lost = []

    def answer_lost_once(self, name, **options):
        payload = submit(self, name, **options)
        if name == "RecordPayment" and not lost:
            lost.append(options["arguments"][-1])
            raise CommitStatusError("commit status not received: deadline exceeded", transaction_id="tx-lost")
        return payload

    monkeypatch.setattr(LedgerContract, "submit", answer_lost_once)
    res = recfin("receivable", "pay", rid, "--amount", "100.00", "--as", "coreenterprise")
    assert res.exit_code == 1, res.output
    line = res.output.strip().splitlines()[-1]
    assert "commit status not received" in line and f"--request-id {lost[0]}" in line
    assert f"recfin request get {lost[0]}" in line
    assert ok("request", "get", lost[0], "--as", "coreenterprise")["transaction"] == "RecordPayment"
    again = ok("receivable", "pay", rid, "--amount", "100.00", "--request-id", lost[0], "--as", "coreenterprise")
    assert again["outstanding"] == 103_000 and len(channel.document("recfin.receivable", rid)["payments"]) == 1


class SecondsLater(datetime):
    """``datetime`` whose ``now`` is a second later at each call: each attempt's evidence has its own time."""

    calls = 0

    @classmethod
    def now(cls, tz=None):
        cls.calls += 1
        return datetime(2026, 9, 10, 2, 0, tzinfo=timezone.utc) + timedelta(seconds=cls.calls)


def test_invoice_commands_take_the_request_id(monkeypatch):
    from client.invoices import sources

    from ..invoices._ledger import Ledger
    from ..invoices.test_attest import INVOICE, MATCHED, run

    ledger = Ledger().serve(monkeypatch)
    monkeypatch.setattr(sources, "datetime", SecondsLater)
    attest = ["attest", INVOICE, "--as", "bank/officer1", "--request-id", "VER-1"]
    assert run(*attest).exit_code == 0
    again = run(*attest)   # the evidence carries the attempt's time: the same id is refused, as the help says
    assert again.exit_code == 1 and "RULE request-id-reused" in again.output
    assert ledger.client("bank").request("VER-1").transaction == "AttestInvoiceVerification"
    register = ["register", INVOICE, *MATCHED, "--as", "supplier/supplier1", "--request-id", "PO-9", "--json"]
    first = run(*register)
    assert first.exit_code == 0, first.output
    assert json.loads(run(*register).stdout)["id"] == json.loads(first.stdout)["id"]
    assert ledger.client("supplier").request("PO-9").transaction == "RegisterReceivable"
    bad = run("register", INVOICE, *MATCHED, "--as", "supplier/supplier1", "--request-id", "a b")
    assert bad.exit_code == 2 and "Invalid value for '--request-id'" in bad.output
