"""Where the SDK sends a bank's terms: the orgs of the terms' collection, taken from the claim, never a query's
answer into a block."""

from __future__ import annotations

import asyncio
import json

import pytest

from chaincode.receivables import ReceivablesContract
from chaincode.testing import MemoryLedger, make_identity
from client.receivables import AsyncReceivablesClient, ReceivablesClient
from client.receivables._client import QUERIES
from client.receivables._models import Offer

from . import fakes
from .fakes import BANK, FakeContract
from .test_async_client import FakeAsyncContract
from .test_client_calls import TERMS

F = fakes.financing()["id"]


def _offer_answers(**claim) -> dict:
    return {"GetFinancing": {**fakes.financing(status="REQUESTED", financier=None, financier_msp=None), "offers": []},
            "GetReceivable": fakes.receivable(**claim),
            "WhoAmI": fakes.party(uscc=BANK, role="financier", msp_id="BankMSP"),
            "MakeFinancingOffer": fakes.offer()}


def test_an_offer_goes_to_the_claims_holder_org_not_the_one_a_rewritten_request_names():
    answers = _offer_answers()
    answers["GetFinancing"] = {**answers["GetFinancing"], "holder_msp": "Supplier2MSP"}
    contract = FakeContract(responses=answers)
    ReceivablesClient(contract).make_offer(F, TERMS)
    assert contract.calls[-1].name == "MakeFinancingOffer"
    assert contract.calls[-1].endorsing_organizations == ["SupplierMSP", "BankMSP"]
    async_contract = FakeAsyncContract(responses=answers)
    asyncio.run(AsyncReceivablesClient(async_contract).make_offer(F, TERMS))
    assert async_contract.calls[-1].endorsing_organizations == ["SupplierMSP", "BankMSP"]


def test_an_offer_where_the_bank_holds_the_claim_too_names_no_org_for_the_caller_to_guess():
    answers = _offer_answers(holder_msp="BankMSP")
    for client, contract in ((ReceivablesClient, FakeContract(responses=answers)),
                             (AsyncReceivablesClient, FakeAsyncContract(responses=answers))):
        with pytest.raises(ValueError, match="regulator org") as refused:
            result = client(contract).make_offer(F, TERMS)
            if asyncio.iscoroutine(result):
                asyncio.run(result)
        assert "endorsing_organizations" in str(refused.value) and "BankMSP" in str(refused.value)
        assert "MakeFinancingOffer" not in [c.name for c in contract.calls]
    # named by the caller, the orgs are sent as given
    contract = FakeContract(responses=answers)
    ReceivablesClient(contract).make_offer(F, TERMS, endorsing_organizations=["BankMSP", "RegulatorMSP"])
    assert contract.only().endorsing_organizations == ["BankMSP", "RegulatorMSP"]


def test_a_disbursement_where_the_bank_holds_the_claim_too_is_not_sent_without_named_orgs():
    answers = {"GetFinancing": {**fakes.financing(holder_msp="BankMSP"), "offers": [fakes.offer(status="ACCEPTED")]},
               "GetOfferTerms": fakes.terms(), "GetReceivable": fakes.receivable(status="FINANCED", holder_msp="BankMSP"),
               "RecordDisbursement": fakes.financing(status="DISBURSED", holder_msp="BankMSP")}
    for client, contract in ((ReceivablesClient, FakeContract(responses=answers)),
                             (AsyncReceivablesClient, FakeAsyncContract(responses=answers))):
        with pytest.raises(ValueError, match="debtor's org, BankMSP and a regulator org"):
            result = client(contract).record_disbursement(F)
            if asyncio.iscoroutine(result):
                asyncio.run(result)
        assert "RecordDisbursement" not in [c.name for c in contract.calls]
    contract = FakeContract(responses=answers)
    ReceivablesClient(contract).record_disbursement(
        F, endorsing_organizations=["CoreEnterpriseMSP", "BankMSP", "RegulatorMSP"])
    assert contract.calls[-1].endorsing_organizations == ["CoreEnterpriseMSP", "BankMSP", "RegulatorMSP"]


def test_a_disbursement_where_the_debtor_holder_and_bank_are_one_org_is_sent_to_it_and_the_channels_others():
    answers = {"GetFinancing": {**fakes.financing(holder_msp="BankMSP"), "offers": [fakes.offer(status="ACCEPTED")]},
               "GetOfferTerms": fakes.terms(),
               "GetReceivable": fakes.receivable(status="FINANCED", holder_msp="BankMSP", debtor_msp="BankMSP"),
               "RecordDisbursement": fakes.financing(status="DISBURSED", holder_msp="BankMSP")}

    def channel_orgs_with(msp_id):   # the channel's orgs, as its config block names them
        return [msp_id, "RegulatorMSP"]
        yield

    for client, contract in ((ReceivablesClient, FakeContract(responses=answers)),
                             (AsyncReceivablesClient, FakeAsyncContract(responses=answers))):
        sdk = client(contract)
        sdk._every_org_with = channel_orgs_with
        result = sdk.record_disbursement(F)
        if asyncio.iscoroutine(result):
            asyncio.run(result)
        assert contract.calls[-1].name == "RecordDisbursement"
        assert contract.calls[-1].endorsing_organizations == ["BankMSP", "RegulatorMSP"]


def test_the_queries_are_the_transactions_the_contract_tags_evaluate():
    ledger = MemoryLedger([ReceivablesContract()])
    result = asyncio.run(ledger.evaluate(make_identity("SupplierMSP", "reader"), "org.hyperledger.fabric:GetMetadata"))
    transactions = json.loads(result.payload)["contracts"]["receivables"]["transactions"]
    assert QUERIES == {t["name"] for t in transactions if "evaluate" in t["tag"]}


@pytest.mark.parametrize("query", ["GetOfferTerms", "GetFinancierExposure"])
def test_a_query_is_never_submitted(query):
    refusal = f"{query} is a query of the contract: evaluate it"
    contract = FakeContract(responses={query: {}})
    with pytest.raises(ValueError, match=refusal):
        ReceivablesClient(contract)._submit(query, "O-1", model=Offer)
    pending = AsyncReceivablesClient(contract)._submit(query, "O-1", model=Offer)   # raised when awaited
    with pytest.raises(ValueError, match=refusal):
        asyncio.run(pending)
    assert contract.calls == []


def test_where_one_org_holds_and_finances_the_named_orgs_meet_the_collection_and_the_claim():
    """Through the real contract: the bank of the holder's own org offers and disburses with a regulator org named,
    and the orgs it names meet every policy validation checks, the terms' collection's included."""
    from chaincode.receivables.config import NetworkConfig

    from ..ledger_contract import Channel
    from .test_endorsement import BANK as BANK_MSP, CORE, REGULATOR, SUPPLIER, claim, register, submits_of, terms

    holds_and_finances = NetworkConfig(org_roles={CORE: ("core_enterprise",), SUPPLIER: ("supplier", "financier"),
                                                  BANK_MSP: ("financier",), REGULATOR: ("regulator",)})
    channel = Channel(holds_and_finances)
    core = register(channel, 1, CORE, "core_enterprise", "core")
    tier1 = register(channel, 2, SUPPLIER, "supplier", "tier1")
    group_bank = register(channel, 3, SUPPLIER, "financier", "group-bank")
    register(channel, 5, REGULATOR, "regulator", "regulator")
    financing = tier1.client.request_financing(claim(channel, tier1, core, "24312000000000000011")).id
    with pytest.raises(ValueError, match="regulator org"):
        group_bank.client.make_offer(financing, terms(channel))
    offer = group_bank.client.make_offer(financing, terms(channel), [SUPPLIER, REGULATOR])
    tier1.client.accept_offer(offer.id)
    with pytest.raises(ValueError, match="regulator org"):
        group_bank.client.record_disbursement(financing)
    group_bank.client.record_disbursement(financing, endorsing_organizations=[CORE, SUPPLIER, REGULATOR])
    named = {s.transaction: s for s in submits_of(channel) if s.transaction in ("MakeFinancingOffer",
                                                                                 "RecordDisbursement")}
    assert named["MakeFinancingOffer"].needed.orgs == {SUPPLIER, REGULATOR}
    assert named["RecordDisbursement"].needed.orgs == {CORE, SUPPLIER, REGULATOR}
    assert all(s.needed.met_by(s.named) for s in named.values())


def test_where_one_org_is_debtor_holder_and_bank_the_disbursement_names_it_and_every_other_org():
    """Through the real contract: the debtor of that org too, the SDK names that org and every other of the channel,
    here the regulator's, which is what the claim's and the terms' collection's policies need; nothing is refused."""
    from chaincode.receivables.config import NetworkConfig

    from ..ledger_contract import Channel
    from .test_endorsement import CORE, REGULATOR, claim, register, submits_of, terms

    roles = ("core_enterprise", "supplier", "financier")
    channel = Channel(NetworkConfig(org_roles={CORE: roles, REGULATOR: ("regulator",)}))
    core, supplier, bank = (register(channel, n, CORE, role, f"core-{role}") for n, role in enumerate(roles, 1))
    register(channel, 5, REGULATOR, "regulator", "regulator")
    financing = supplier.client.request_financing(claim(channel, supplier, core, "24312000000000000009", due_in=5)).id
    supplier.client.accept_offer(bank.client.make_offer(financing, terms(channel), [CORE, REGULATOR]).id)
    assert bank.client.record_disbursement(financing).status == "DISBURSED"
    disbursement, = (s for s in submits_of(channel) if s.transaction == "RecordDisbursement")
    assert sorted(disbursement.named) == [CORE, REGULATOR]
    assert disbursement.needed.met_by(disbursement.named)
