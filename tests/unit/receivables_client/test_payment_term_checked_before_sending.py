"""A registration whose due date is past the maximum payment term is refused before it is sent, in the contract's
own words: the client asks the contract's settings (GetContractSettings) and holds the claim to them by the
contract's rule (``chaincode.receivables.payment_term``). Where the settings cannot be read (a chaincode from before
GetContractSettings), the registration is sent as before and the contract decides."""

from __future__ import annotations

import asyncio
from datetime import date

import grpc
import pytest

from client.gateway.errors import EvaluateError
from cli import connection
from client.receivables import (AsyncReceivablesClient, InvoiceInput, ReceivableRegistration, ReceivablesClient,
                                RefusedBeforeSending, RuleViolation)

from ..ledger_contract import Channel
from . import fakes
from .fakes import FakeContract
from .test_async_client import FakeAsyncContract
from .test_cli_pages_and_currencies import CORE, parties_on_the_contract, registered
from .test_cli_party_commands import recfin
from .test_client_calls import registration

SETTINGS = fakes.contract_settings(max_payment_term_days=90, payment_term="90 days (max_payment_term_days)")
# the contract's words for registration() due on 2026-06-01 under a 90-day term, registered on 2026-03-02
PAST_THE_TERM = ("due date 2026-06-01 is 92 days after the date of invoices[0] (number 26312000000012345678), "
                 "2026-03-01 (the term runs from it, as it is earlier than the issue date 2026-03-02), past the "
                 "maximum payment term of 90 days (max_payment_term_days): give a due date on or before 2026-05-30")
OLDER_CHAINCODE = EvaluateError("evaluate call to endorser returned error: function GetContractSettings is not a "
                                "transaction of contract 'receivables'", transaction_id="t",
                                code=grpc.StatusCode.UNKNOWN)


def _past_the_term():
    return registration().model_copy(update={"due_date": date(2026, 6, 1)})


def test_a_due_date_past_the_term_is_refused_with_the_contracts_rule_and_nothing_is_sent():
    contract = FakeContract(responses={"GetContractSettings": SETTINGS})
    with pytest.raises(RefusedBeforeSending) as refused:
        ReceivablesClient(contract).check_payment_term(_past_the_term(), today=date(2026, 3, 2))
    assert (refused.value.transaction, refused.value.rule, refused.value.detail) == (
        "RegisterReceivable", "payment-term-too-long", PAST_THE_TERM)
    assert [c.name for c in contract.calls] == ["GetContractSettings"]


def test_a_copy_holding_its_due_date_as_text_is_checked_as_it_is_sent():
    # model_copy(update=...) validates nothing; register_receivable reads "2026-06-01" as the date it is
    contract = FakeContract(responses={"GetContractSettings": SETTINGS})
    copy = registration().model_copy(update={"due_date": "2026-06-01"})
    with pytest.raises(RefusedBeforeSending) as refused:
        ReceivablesClient(contract).check_payment_term(copy, today=date(2026, 3, 2))
    assert refused.value.detail == PAST_THE_TERM


def test_the_async_client_refuses_it_alike():
    contract = FakeAsyncContract(responses={"GetContractSettings": SETTINGS})
    with pytest.raises(RefusedBeforeSending) as refused:
        asyncio.run(AsyncReceivablesClient(contract).check_payment_term(_past_the_term(), today=date(2026, 3, 2)))
    assert refused.value.detail == PAST_THE_TERM


def test_a_due_date_on_the_terms_last_day_passes_with_the_settings_read():
    contract = FakeContract(responses={"GetContractSettings": SETTINGS})
    on_the_last_day = registration().model_copy(update={"due_date": date(2026, 5, 30)})
    settings = ReceivablesClient(contract).check_payment_term(on_the_last_day, today=date(2026, 3, 2))
    assert settings is not None and settings.max_payment_term_days == 90


@pytest.mark.parametrize("client, contract_class", [(ReceivablesClient, FakeContract),
                                                     (AsyncReceivablesClient, FakeAsyncContract)])
def test_a_chaincode_without_the_settings_query_leaves_the_decision_to_the_contract(client, contract_class):
    contract = contract_class(errors={"GetContractSettings": OLDER_CHAINCODE})
    checked = client(contract).check_payment_term(_past_the_term(), today=date(2026, 3, 2))
    assert (asyncio.run(checked) if asyncio.iscoroutine(checked) else checked) is None


def test_an_answer_no_configuration_could_give_leaves_the_decision_to_the_contract():
    # a term of 0 days, which no configuration loads with: not read as "every claim is past the term"
    contract = FakeContract(responses={"GetContractSettings": fakes.contract_settings(max_payment_term_days=0)})
    assert ReceivablesClient(contract).check_payment_term(_past_the_term(), today=date(2026, 3, 2)) is None


@pytest.mark.parametrize("client, contract_class", [(ReceivablesClient, FakeContract),
                                                     (AsyncReceivablesClient, FakeAsyncContract)])
def test_a_retry_of_a_registration_that_committed_is_left_to_the_contract(client, contract_class):
    # the claim registered under this id when the term allowed it: the contract answers the retry with it, so a
    # term shortened since does not refuse the retry as if nothing had been registered
    committed = fakes.request_record(request_id="reg-0001", transaction="RegisterReceivable",
                                     result=fakes.receivable())
    contract = contract_class(responses={"GetContractSettings": SETTINGS, "GetRequest": committed})
    checked = client(contract).check_payment_term(_past_the_term(), today=date(2026, 3, 2), request_id="reg-0001")
    settings = asyncio.run(checked) if asyncio.iscoroutine(checked) else checked
    assert settings is not None and settings.max_payment_term_days == 90
    assert [c.name for c in contract.calls] == ["GetContractSettings", "GetRequest"]


def test_a_request_id_no_call_committed_with_is_refused_as_any():
    never = EvaluateError("evaluate call to endorser returned error: chaincode response 500, RULE not-found: no "
                          "request reg-0002 of yours", transaction_id="t", code=grpc.StatusCode.UNKNOWN)
    contract = FakeContract(responses={"GetContractSettings": SETTINGS}, errors={"GetRequest": never})
    with pytest.raises(RefusedBeforeSending) as refused:
        ReceivablesClient(contract).check_payment_term(_past_the_term(), today=date(2026, 3, 2),
                                                       request_id="reg-0002")
    assert refused.value.detail == PAST_THE_TERM


def test_the_cli_refuses_before_sending_in_the_words_the_contract_answers(monkeypatch, tmp_path):
    channel: Channel = parties_on_the_contract(monkeypatch, tmp_path)
    before = len(channel.activity)
    refused = recfin("receivable", "register", "--as", "supplier/supplier1", "--debtor", CORE, "--face", "1,130.00",
                     "--issue", "2026-03-02", "--due", "2027-03-03", "--contract-hash", "c" * 64,
                     "--invoice", "26312000000012345678,2026-03-01,1000.00,130.00")
    assert refused.exit_code == 1, refused.output
    # the settings read, and nothing sent
    assert [(a.kind, a.transaction) for a in channel.activity[before:]
            if a.transaction not in ("WhoAmI", None)] == [("evaluate", "GetContractSettings")]
    # the contract itself, sent the same claim without the check, answers in the same words
    with connection.open_session("supplier", "supplier1") as session:
        me = session.client.who_am_i().uscc
        claim = ReceivableRegistration(
            debtor=CORE, face_amount=113_000, issue_date=date(2026, 3, 2), due_date=date(2027, 3, 3),
            invoices=[InvoiceInput(number="26312000000012345678", date=date(2026, 3, 1), amount=100_000,
                                   tax=13_000, seller_tax_id=me, buyer_tax_id=CORE)], contract_hash="c" * 64)
        with pytest.raises(RuleViolation) as answered:
            session.client.register_receivable(claim)
    assert answered.value.rule == "payment-term-too-long"
    assert "give a due date on or before 2027-03-01" in answered.value.detail
    assert f"RULE payment-term-too-long: {answered.value.detail}; nothing was sent" in refused.output


def test_the_cli_registers_a_claim_within_the_term(monkeypatch, tmp_path):
    channel = parties_on_the_contract(monkeypatch, tmp_path)
    assert registered("26312000000012345678").startswith("R-")
    assert [c for c in channel.submits if c.transaction == "RegisterReceivable"]


def test_the_cli_sends_again_a_registration_that_committed_under_its_request_id(monkeypatch, tmp_path):
    channel: Channel = parties_on_the_contract(monkeypatch, tmp_path)
    command = ("receivable", "register", "--as", "supplier/supplier1", "--debtor", CORE, "--face", "1,130.00",
               "--issue", "2026-03-02", "--due", "2026-05-31", "--contract-hash", "c" * 64, "--request-id",
               "reg-0001", "--invoice", "26312000000012345678,2026-03-01,1000.00,130.00")
    first = recfin(*command)
    assert first.exit_code == 0, first.output
    # the network's term shortened since (a new definition): the retry is answered with the claim registered
    contract = channel.ledger.router.default_contract
    contract.config = contract.config.model_copy(update={"max_payment_term_days": 30})
    again = recfin(*command)
    assert again.exit_code == 0, again.output
    assert again.output.split()[1] == first.output.split()[1]
    # a new request id is held to the shortened term
    other = recfin(*command[:-4], "--request-id", "reg-0002", *command[-2:])
    assert other.exit_code == 1 and "past the maximum payment term of 30 days" in other.output


def test_invoice_register_refuses_before_sending_under_the_networks_term(monkeypatch):
    from tests.unit.invoices._ledger import Ledger
    from tests.unit.invoices.test_attest import INVOICE, MATCHED, run
    from chaincode.receivables.config import DEFAULT_CONFIG

    ledger = Ledger(DEFAULT_CONFIG.model_copy(update={"max_payment_term_days": 30})).serve(monkeypatch)
    sent = []
    monkeypatch.setattr(ReceivablesClient, "register_receivable", lambda self, *a, **kw: sent.append(a))
    refused = run("register", INVOICE, *MATCHED, "--as", "supplier/supplier1")   # due 2026-11-30, issued 2026-09-01
    assert refused.exit_code == 1, refused.output
    assert ("RegisterReceivable would be refused: RULE payment-term-too-long: due date 2026-11-30 is 90 days after "
            "the issue date 2026-09-01") in refused.output
    assert "give a due date on or before 2026-10-01; nothing was sent" in refused.output
    assert sent == [] and ledger.opened == [("supplier", "supplier1")]
