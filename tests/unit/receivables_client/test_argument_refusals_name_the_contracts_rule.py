"""An argument the contract refuses whatever the ledger holds is refused before anything is sent, by the blocking
and the async client alike, as :class:`RefusedBeforeSending` carrying the rule the contract answers it with, so that
one handler tells both apart by ``rule`` (the Errors section of docs/sdk-receivables.md).

A request id the contract's rule refuses (``request-id-invalid``), a page size outside 1-100 (``page-size-invalid``)
and a listing's status or scope the contract does not know (``argument-invalid``) were plain ValueErrors naming no
rule, and ``request()`` sent a request id of any spelling, for the contract to refuse it after a round trip. Each
refusal is checked against the contract's own answer to the same argument, on MemoryLedger.
"""

from __future__ import annotations

import asyncio

import pytest

from client.receivables import AsyncReceivablesClient, ReceivablesClient, RefusedBeforeSending
from client.receivables.errors import RULE_PATTERN

from .fakes import BANK, CORE, TIER1, FakeContract
from .test_async_client import FakeAsyncContract
from .test_client_calls import STATE_CHANGING_CALLS
from .test_contract_agreement import Lifecycle

BAD_REQUEST_IDS = ["order 7", "a" * 129, "订单7"]


def refusal_of_both_clients(call) -> list[RefusedBeforeSending]:
    """What ``call`` raised on a blocking and on an async client, each over a recording contract that must have
    been sent nothing."""
    raised = []
    for contract, client_class in ((FakeContract(), ReceivablesClient), (FakeAsyncContract(), AsyncReceivablesClient)):
        with pytest.raises(RefusedBeforeSending) as refused:
            made = call(client_class(contract))
            if client_class is AsyncReceivablesClient:
                asyncio.run(made)
        assert contract.calls == [], "sent all the same"
        raised.append(refused.value)
    assert len({(error.transaction, error.rule, error.detail) for error in raised}) == 1, raised
    return raised


def contract_rule(life: Lifecycle, who, transaction: str, *args: str) -> str:
    """The rule the contract refuses ``transaction`` with, called by ``who`` with ``args``."""
    result = life.call(who, transaction, *args, evaluate=True)
    assert result.status != 200, f"{transaction}{args} was not refused"
    return RULE_PATTERN.search(result.message).group(1)


@pytest.fixture(scope="module")
def regulator():
    """A ledger with a regulator, which may list and read what any party may, and a core enterprise."""
    life = Lifecycle()
    regulator = life.party("RegulatorMSP", "regulator", "Regulator")
    life.core = life.party("CoreEnterpriseMSP", "core_enterprise", "Core Manufacturing")
    return life, regulator


@pytest.mark.parametrize("bad", BAD_REQUEST_IDS)
def test_request_refuses_a_request_id_of_no_spelling_the_contract_takes_before_sending_it(regulator, bad):
    refused = refusal_of_both_clients(lambda client: client.request(bad, TIER1))[0]
    life, reader = regulator
    assert (refused.transaction, refused.rule) == ("GetRequest", contract_rule(life, reader, "GetRequest", bad, TIER1))
    assert "letters, digits" in refused.detail and "give the request id the call was sent with" in refused.detail


@pytest.mark.parametrize("bad", BAD_REQUEST_IDS)
@pytest.mark.parametrize("name, call, answer", STATE_CHANGING_CALLS, ids=[c[0] for c in STATE_CHANGING_CALLS])
def test_a_call_with_a_request_id_the_contract_refuses_names_its_rule(name, call, answer, bad):
    refused = refusal_of_both_clients(lambda client: call(client, request_id=bad))[0]
    assert (refused.transaction, refused.rule) == (name, "request-id-invalid")
    assert "pass None for a fresh one" in refused.detail


PAGED = [
    ("ListReceivablesByHolder", lambda c, size: c.list_by_holder(TIER1, page_size=size)),
    ("ListReceivablesByDebtor", lambda c, size: c.list_by_debtor(CORE, page_size=size)),
    ("ListReceivablesByStatus", lambda c, size: c.list_by_status("CONFIRMED", page_size=size)),
    ("ListReceivablesByFinancier", lambda c, size: c.list_by_financier(BANK, page_size=size)),
    ("ListOffersByFinancier", lambda c, size: c.list_offers_by_financier(BANK, page_size=size)),
    ("ListDiscountOffers", lambda c, size: c.list_discount_offers(CORE, page_size=size)),
    ("GetDebtorPaymentRecord", lambda c, size: c.debtor_payment_record(CORE, page_size=size)),
    ("UpgradeLedger", lambda c, size: c.upgrade_ledger(size)),
]


@pytest.mark.parametrize("size", [0, 101, -1])
@pytest.mark.parametrize("name, call", PAGED, ids=[p[0] for p in PAGED])
def test_a_page_size_outside_1_to_100_is_refused_by_the_contracts_rule(regulator, name, call, size):
    refused = refusal_of_both_clients(lambda client: call(client, size))[0]
    life, reader = regulator
    # the contract's answer to the same page size: the regulator listing its own holdings, and a status
    assert (refused.transaction, refused.rule) == (name, "page-size-invalid") == (
        name, contract_rule(life, reader, "ListReceivablesByHolder", reader.uscc, str(size), "")) == (
        name, contract_rule(life, reader, "ListReceivablesByStatus", "CONFIRMED", str(size), ""))
    assert "ask for 1 to 100 records per page" in refused.detail


@pytest.mark.parametrize("status", ["confirmed", "PAID", ""])
def test_a_status_the_contract_does_not_know_is_refused_by_its_rule(regulator, status):
    refused = refusal_of_both_clients(lambda client: client.list_by_status(status))[0]
    life, reader = regulator
    assert (refused.transaction, refused.rule) == (
        "ListReceivablesByStatus", contract_rule(life, reader, "ListReceivablesByStatus", status, "20", ""))
    assert "CONFIRMED" in refused.detail


def test_a_status_that_is_no_str_is_a_type_error_as_any_other_argument_of_the_wrong_type():
    for client in (ReceivablesClient(FakeContract()), AsyncReceivablesClient(FakeAsyncContract())):
        with pytest.raises(TypeError, match="status must be a str, not int"):
            listed = client.list_by_status(5)
            if isinstance(client, AsyncReceivablesClient):
                asyncio.run(listed)
        assert client.contract.calls == []


@pytest.mark.parametrize("scope", ["closed", "OPEN"])
def test_a_discount_offer_scope_the_contract_does_not_know_is_refused_by_its_rule(regulator, scope):
    refused = refusal_of_both_clients(lambda client: client.list_discount_offers(CORE, scope=scope))[0]
    life, reader = regulator
    assert (refused.transaction, refused.rule) == (
        "ListDiscountOffers", contract_rule(life, reader, "ListDiscountOffers", life.core.uscc, "", "20", "", scope))
    assert "open" in refused.detail and "all" in refused.detail


@pytest.mark.parametrize("debtor, receivable_id", [(None, None), ("", ""), (None, "")])
def test_discount_offers_of_no_debtor_and_no_claim_are_refused_as_by_the_contract(regulator, debtor, receivable_id):
    refused = refusal_of_both_clients(lambda client: client.list_discount_offers(debtor, receivable_id))[0]
    life, reader = regulator
    answered = life.call(reader, "ListDiscountOffers", "", "", "20", "", "open", evaluate=True)
    assert (refused.transaction, refused.rule, refused.detail) == (
        "ListDiscountOffers", *RULE_PATTERN.search(answered.message).groups())


def test_the_refusal_reads_as_the_peers_refusal_would():
    """``RULE <code>: <detail>`` in its text, on one line, as a RuleViolation's."""
    refused = refusal_of_both_clients(lambda client: client.list_by_holder(TIER1, page_size=0))[0]
    match = RULE_PATTERN.search(str(refused))
    assert (match.group(1), "\n" in str(refused)) == ("page-size-invalid", False)
    assert match.group(2).startswith(refused.detail)
