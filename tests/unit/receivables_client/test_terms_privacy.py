"""Where the SDK sends a bank's terms: the orgs of the terms' collection, taken from the claim, never a query's
answer into a block."""

from __future__ import annotations

import asyncio
import json
from types import SimpleNamespace

import pytest

from chaincode.receivables import ReceivablesContract
from chaincode.receivables.config import DEFAULT_CONFIG, NetworkConfig
from chaincode.testing import MemoryLedger, make_identity
from client.receivables import AsyncReceivablesClient, ReceivablesClient
from client.receivables._contract_calls import QUERIES
from client.receivables._models import Offer

from ..ledger_contract import ScriptedLifecycle, committed_definition
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


# BankMSP's parties hold claims and finance them, beside the regulator's org alone
BANK_HOLDS_AND_FINANCES = NetworkConfig(org_roles={"BankMSP": ("supplier", "financier"),
                                                   "RegulatorMSP": ("regulator",)})
# BankMSP's parties hold claims and finance them; two regulator orgs, so the one named is a choice
HOLDS_AND_FINANCES = NetworkConfig(org_roles={"CoreEnterpriseMSP": ("core_enterprise",),
                                              "BankMSP": ("supplier", "financier"), "RegulatorMSP": ("regulator",),
                                              "PbocMSP": ("regulator",)})


class AsyncLifecycle:
    """The AsyncContract of ``_lifecycle``: ``lifecycle``'s answers, awaited."""

    def __init__(self, lifecycle: ScriptedLifecycle) -> None:
        self.lifecycle = lifecycle

    async def evaluate(self, function, **options):
        return self.lifecycle.evaluate(function, **options)


def _network(lifecycle: ScriptedLifecycle, *, awaited: bool = False) -> SimpleNamespace:
    """A Network whose only chaincode asked is ``_lifecycle``."""
    def get_contract(chaincode, contract_name=None):
        assert chaincode == "_lifecycle", chaincode
        return AsyncLifecycle(lifecycle) if awaited else lifecycle
    return SimpleNamespace(get_contract=get_contract)


def _sent(client_class, contract, lifecycle: ScriptedLifecycle, call):
    """``call`` on a ``client_class`` over ``contract`` whose Network answers ``_lifecycle`` from ``lifecycle``."""
    result = call(client_class(contract, _network(lifecycle, awaited=client_class is AsyncReceivablesClient)))
    return asyncio.run(result) if asyncio.iscoroutine(result) else result


def _disbursement_answers() -> dict:
    return {"GetFinancing": {**fakes.financing(holder_msp="BankMSP"), "offers": [fakes.offer(status="ACCEPTED")]},
            "GetOfferTerms": fakes.terms(), "GetReceivable": fakes.receivable(status="FINANCED", holder_msp="BankMSP"),
            "RecordDisbursement": fakes.financing(status="DISBURSED", holder_msp="BankMSP")}


@pytest.mark.parametrize("client_class, contract_class", [(ReceivablesClient, FakeContract),
                                                          (AsyncReceivablesClient, FakeAsyncContract)])
def test_where_the_bank_holds_the_claim_too_the_offer_names_the_first_regulator_org_and_the_disbursement_each(
        client_class, contract_class):
    """The offer needs the terms' collection's policy alone (its org and any regulator org); the disbursement writes
    the accepted financing too, whose key names the org and every regulator org."""
    lifecycle = ScriptedLifecycle(committed_definition(HOLDS_AND_FINANCES))
    offered = contract_class(responses=_offer_answers(holder_msp="BankMSP"))
    _sent(client_class, offered, lifecycle, lambda sdk: sdk.make_offer(F, TERMS))
    assert offered.calls[-1].name == "MakeFinancingOffer"
    assert offered.calls[-1].endorsing_organizations == ["BankMSP", "PbocMSP"]   # of PbocMSP, RegulatorMSP

    disbursed = contract_class(responses=_disbursement_answers())
    _sent(client_class, disbursed, lifecycle, lambda sdk: sdk.record_disbursement(F))
    assert disbursed.calls[-1].name == "RecordDisbursement"
    assert disbursed.calls[-1].endorsing_organizations == ["CoreEnterpriseMSP", "BankMSP", "PbocMSP", "RegulatorMSP"]
    # each read of the definition pinned to the bank's own org's peer
    assert lifecycle.asked == [("QueryChaincodeDefinition", "receivables", ["BankMSP"])] * 2


def test_the_regulator_org_is_read_from_the_banks_own_peer_not_another_orgs():
    """A peer of another org could answer with a definition naming its own org a member of the collection (sorted
    first, as CoreEnterpriseMSP is), and would then be sent the terms: the SDK asks the bank's org's peer alone."""
    lifecycle = ScriptedLifecycle(committed_definition(HOLDS_AND_FINANCES), forged={
        "CoreEnterpriseMSP": committed_definition(HOLDS_AND_FINANCES, members={
            "terms-BankMSP-BankMSP": ["BankMSP", "CoreEnterpriseMSP"]})})
    contract = FakeContract(responses=_offer_answers(holder_msp="BankMSP"))
    _sent(ReceivablesClient, contract, lifecycle, lambda sdk: sdk.make_offer(F, TERMS))
    assert [named for _, _, named in lifecycle.asked] == [["BankMSP"]]
    assert contract.calls[-1].endorsing_organizations == ["BankMSP", "PbocMSP"]


def test_where_the_collection_has_no_regulator_org_the_bank_holding_the_claim_too_is_refused_its_offer():
    # a definition whose collection names no regulator org: its configuration, which the contract refuses where it
    # reads one (config.NetworkConfig), made without that check; the SDK reads whatever definition is committed.
    # The collection's policy is met by the bank's org alone, but the offer's new keys answer to the chaincode's
    # any two orgs, which no other member can help meet: sent, the offer would be invalid in its block
    alone = DEFAULT_CONFIG.model_copy(update={
        "org_roles": {"CoreEnterpriseMSP": ("core_enterprise",), "BankMSP": ("supplier", "financier")}})
    contract = FakeContract(responses=_offer_answers(holder_msp="BankMSP"))
    with pytest.raises(ValueError) as refused:
        _sent(ReceivablesClient, contract, ScriptedLifecycle(committed_definition(alone)),
              lambda sdk: sdk.make_offer(F, TERMS))
    assert f"make_offer on {F}: the chaincode's endorsement policy, " in str(refused.value)
    assert ("is met by no members of the terms' collection terms-BankMSP-BankMSP (BankMSP) with BankMSP, the orgs named "
            "for it: only CoreEnterpriseMSP, outside the collection, would meet it") in str(refused.value)
    assert "MakeFinancingOffer" not in [c.name for c in contract.calls]


def test_an_offer_where_the_bank_holds_the_claim_too_is_refused_by_a_client_without_its_network():
    answers = _offer_answers(holder_msp="BankMSP")
    for client, contract in ((ReceivablesClient, FakeContract(responses=answers)),
                             (AsyncReceivablesClient, FakeAsyncContract(responses=answers))):
        with pytest.raises(ValueError, match="regulator org") as refused:
            result = client(contract).make_offer(F, TERMS)
            if asyncio.iscoroutine(result):
                asyncio.run(result)
        assert "this client has no Network to read it through" in str(refused.value)
        assert str(refused.value).endswith("(endorsing_organizations, `--endorsing-org MSP`): BankMSP and a "
                                           "regulator org")
        assert "MakeFinancingOffer" not in [c.name for c in contract.calls]
    # named by the caller, the orgs are sent as given, and nothing is read to choose them
    contract = FakeContract(responses=answers)
    lifecycle = ScriptedLifecycle(committed_definition(HOLDS_AND_FINANCES))
    _sent(ReceivablesClient, contract, lifecycle,
          lambda sdk: sdk.make_offer(F, TERMS, endorsing_organizations=["BankMSP", "RegulatorMSP"]))
    assert contract.only().endorsing_organizations == ["BankMSP", "RegulatorMSP"]
    assert lifecycle.asked == []


@pytest.mark.parametrize("definition, chaincode, said", [
    (committed_definition(DEFAULT_CONFIG), "receivables",
     "the definition of chaincode receivables has no collection terms-BankMSP-BankMSP"),
    (committed_definition(HOLDS_AND_FINANCES), "receivables-v2",
     "it could not be read from a peer of BankMSP (evaluate call to endorser returned error: failed to invoke "
     "backing implementation of 'QueryChaincodeDefinition': namespace receivables-v2 is not defined)"),
], ids=["no-such-collection", "definition-unreadable"])
def test_where_the_definition_names_no_regulator_org_the_disbursement_is_refused_naming_the_orgs_to_pass(
        definition, chaincode, said):
    for client_class, contract_class in ((ReceivablesClient, FakeContract),
                                         (AsyncReceivablesClient, FakeAsyncContract)):
        contract = contract_class(responses=_disbursement_answers(), chaincode_name=chaincode)
        with pytest.raises(ValueError) as refused:
            _sent(client_class, contract, ScriptedLifecycle(definition), lambda sdk: sdk.record_disbursement(F))
        assert said in str(refused.value)
        assert str(refused.value).endswith("`--endorsing-org MSP`): CoreEnterpriseMSP, BankMSP and a regulator org")
        assert "RecordDisbursement" not in [c.name for c in contract.calls]
    contract = FakeContract(responses=_disbursement_answers())
    ReceivablesClient(contract).record_disbursement(
        F, endorsing_organizations=["CoreEnterpriseMSP", "BankMSP", "RegulatorMSP"])
    assert contract.calls[-1].endorsing_organizations == ["CoreEnterpriseMSP", "BankMSP", "RegulatorMSP"]


def test_a_disbursement_where_the_debtor_holder_and_bank_are_one_org_and_the_key_has_no_policy_goes_to_every_org():
    """Every org of the channel, members of the terms' collection all (BankMSP's, whose parties hold and finance, and
    the regulator's)."""
    answers = {"GetFinancing": {**fakes.financing(holder_msp="BankMSP"), "offers": [fakes.offer(status="ACCEPTED")]},
               "GetOfferTerms": fakes.terms(),
               "GetReceivable": fakes.receivable(status="FINANCED", holder_msp="BankMSP", debtor_msp="BankMSP"),
               "GetReceivableEndorsers": [],   # no policy names the claim's orgs
               "RecordDisbursement": fakes.financing(status="DISBURSED", holder_msp="BankMSP")}
    from .test_one_org_claim_endorsers import OrgsNetwork

    for client, contract in ((ReceivablesClient, FakeContract(responses=answers)),
                             (AsyncReceivablesClient, FakeAsyncContract(responses=answers))):
        # the channel's orgs, as its config block names them
        network = OrgsNetwork("RegulatorMSP", "BankMSP", awaited=client is AsyncReceivablesClient,
                              lifecycle=ScriptedLifecycle(committed_definition(BANK_HOLDS_AND_FINANCES)))
        result = client(contract, network).record_disbursement(F)
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


def test_where_one_org_holds_and_finances_the_orgs_the_sdk_names_meet_the_collection_and_the_claim():
    """Through the real contract: the bank of the holder's own org offers and disburses, the SDK naming a regulator
    org it read from the chaincode's definition, and the orgs it names meet every policy validation checks, the
    terms' collection's included."""
    from ..ledger_contract import Channel
    from .test_endorsement import BANK as BANK_MSP, CORE, REGULATOR, SUPPLIER, claim, register, submits_of, terms

    holds_and_finances = NetworkConfig(org_roles={CORE: ("core_enterprise",), SUPPLIER: ("supplier", "financier"),
                                                  BANK_MSP: ("financier",), REGULATOR: ("regulator",)})
    channel = Channel(holds_and_finances)
    core = register(channel, 1, CORE, "core_enterprise", "core")
    tier1 = register(channel, 2, SUPPLIER, "supplier", "tier1")
    group_bank = register(channel, 3, SUPPLIER, "financier", "group-bank")
    register(channel, 5, REGULATOR, "regulator", "regulator")
    financing = tier1.client.request_financing(claim(channel, tier1, core, "26312000000000000011")).id
    offer = group_bank.client.make_offer(financing, terms(channel))
    tier1.client.accept_offer(offer.id)
    assert group_bank.client.record_disbursement(financing).status == "DISBURSED"
    named = {s.transaction: s for s in submits_of(channel) if s.transaction in ("MakeFinancingOffer",
                                                                                 "RecordDisbursement")}
    assert named["MakeFinancingOffer"].named == [SUPPLIER, REGULATOR]
    assert named["RecordDisbursement"].named == [CORE, SUPPLIER, REGULATOR]
    assert named["MakeFinancingOffer"].needed.orgs == {SUPPLIER, REGULATOR}
    assert named["RecordDisbursement"].needed.orgs == {CORE, SUPPLIER, REGULATOR}
    assert all(s.needed.met_by(s.named) for s in named.values())
    assert [named for _, _, named in channel.lifecycle.asked] == [[SUPPLIER], [SUPPLIER]]


def test_where_one_org_is_debtor_holder_and_bank_the_disbursement_names_the_orgs_of_the_claims_key():
    """Through the real contract: the debtor of that org too, the SDK names the orgs the claim's key names, that org
    and the regulator's, which the terms' collection's policy needs too, and not the channel's other bank; nothing is
    refused."""
    from ..ledger_contract import Channel
    from .chaincode_policy import deploy_on
    from .test_endorsement import BANK as BANK_MSP, CORE, REGULATOR, claim, register, submits_of, terms

    roles = ("core_enterprise", "supplier", "financier")
    channel = Channel(NetworkConfig(org_roles={CORE: roles, BANK_MSP: ("financier",), REGULATOR: ("regulator",)}))
    deploy_on(channel)   # the topology's chaincode policy, any two orgs' peers, which the key's two orgs meet
    core, supplier, bank = (register(channel, n, CORE, role, f"core-{role}") for n, role in enumerate(roles, 1))
    register(channel, 5, REGULATOR, "regulator", "regulator")
    financing = supplier.client.request_financing(claim(channel, supplier, core, "26312000000000000009", due_in=5)).id
    supplier.client.accept_offer(bank.client.make_offer(financing, terms(channel), [CORE, REGULATOR]).id)
    assert bank.client.record_disbursement(financing).status == "DISBURSED"
    disbursement, = (s for s in submits_of(channel) if s.transaction == "RecordDisbursement")
    assert disbursement.named == [CORE, REGULATOR]
    assert disbursement.needed.met_by(disbursement.named)


TERMS_OF_BANK = "terms-BankMSP-BankMSP"


def _offer_named(definition) -> list[str]:
    contract = FakeContract(responses=_offer_answers(holder_msp="BankMSP"))
    _sent(ReceivablesClient, contract, ScriptedLifecycle(definition), lambda sdk: sdk.make_offer(F, TERMS))
    return contract.calls[-1].endorsing_organizations


@pytest.mark.parametrize("members, endorsement, named", [
    # a member the endorsement policy does not name (sorted first) would be sent the terms, and the write fail
    (["AuditMSP", "BankMSP", "PbocMSP", "RegulatorMSP"], None, ["BankMSP", "PbocMSP"]),
    # the policy names one regulator org of the two members
    (None, "AND('BankMSP.member', 'RegulatorMSP.member')", ["BankMSP", "RegulatorMSP"]),
    # an org the policy names that is no member is not sent the terms: the member it names is
    (None, "AND('BankMSP.member', OR('AuditMSP.member', 'RegulatorMSP.member'))", ["BankMSP", "RegulatorMSP"]),
], ids=["member-not-in-policy", "policy-names-one-member", "policy-names-a-non-member"])
def test_where_the_collection_has_an_endorsement_policy_the_regulator_org_is_a_member_it_names(
        members, endorsement, named):
    definition = committed_definition(HOLDS_AND_FINANCES, members=members and {TERMS_OF_BANK: members},
                                      endorsement=endorsement and {TERMS_OF_BANK: endorsement})
    assert _offer_named(definition) == named


def test_where_the_collection_sets_no_endorsement_policy_the_chaincodes_decides_which_member_is_named():
    """Its writes are then checked against the chaincode's policy, the deploy's (any two of the channel's orgs'
    peers): AuditMSP, a member that policy does not name, would make the write invalid; RegulatorMSP meets it."""
    definition = committed_definition(HOLDS_AND_FINANCES, members={TERMS_OF_BANK: ["AuditMSP", "BankMSP", "RegulatorMSP"]},
                                      endorsement={TERMS_OF_BANK: None})
    assert _offer_named(definition) == ["BankMSP", "RegulatorMSP"]


def test_where_neither_policy_tells_the_orgs_the_regulator_org_is_the_first_other_member():
    # a chaincode policy the definition does not spell out (none here; a channel policy alike): the derived default,
    # any two orgs, is assumed, which any other member meets with the bank's org
    definition = committed_definition(HOLDS_AND_FINANCES, members={TERMS_OF_BANK: ["AuditMSP", "BankMSP"]},
                                      endorsement={TERMS_OF_BANK: None}, chaincode_policy=None)
    assert _offer_named(definition) == ["BankMSP", "AuditMSP"]


def test_where_no_member_meets_the_chaincodes_policy_the_offer_is_refused():
    definition = committed_definition(HOLDS_AND_FINANCES, members={TERMS_OF_BANK: ["AuditMSP", "BankMSP"]},
                                      endorsement={TERMS_OF_BANK: None})
    contract = FakeContract(responses=_offer_answers(holder_msp="BankMSP"))
    with pytest.raises(ValueError, match="sets no endorsement policy of its own, and no set of its members' peers "
                                         "meets the chaincode's"):
        _sent(ReceivablesClient, contract, ScriptedLifecycle(definition), lambda sdk: sdk.make_offer(F, TERMS))
    assert all(call.kind != "submit" for call in contract.calls)


def test_where_the_endorsement_policy_names_no_other_member_the_offer_is_refused_naming_the_orgs_to_pass():
    definition = committed_definition(HOLDS_AND_FINANCES,
                                      endorsement={TERMS_OF_BANK: "AND('BankMSP.member', 'AuditMSP.member')"})
    contract = FakeContract(responses=_offer_answers(holder_msp="BankMSP"))
    with pytest.raises(ValueError) as refused:
        _sent(ReceivablesClient, contract, ScriptedLifecycle(definition), lambda sdk: sdk.make_offer(F, TERMS))
    assert f"the endorsement policy of collection {TERMS_OF_BANK} names no member of it other than BankMSP (it " \
           "names AuditMSP, none of them a member, which the terms may not be sent to)" in str(refused.value)
    assert str(refused.value).endswith("`--endorsing-org MSP`): BankMSP and a regulator org")
    assert "MakeFinancingOffer" not in [c.name for c in contract.calls]


def test_a_member_that_does_not_decode_is_refused_with_the_orgs_to_pass():
    definition = committed_definition(HOLDS_AND_FINANCES)
    static = next(c.static_collection_config for c in definition.collections.config
                  if c.static_collection_config.name == TERMS_OF_BANK)
    static.member_orgs_policy.signature_policy.identities[0].principal = b"\xff\xff"
    for client_class, contract_class in ((ReceivablesClient, FakeContract),
                                         (AsyncReceivablesClient, FakeAsyncContract)):
        contract = contract_class(responses=_offer_answers(holder_msp="BankMSP"))
        with pytest.raises(ValueError) as refused:
            _sent(client_class, contract, ScriptedLifecycle(definition), lambda sdk: sdk.make_offer(F, TERMS))
        assert f"a member of {TERMS_OF_BANK} does not decode" in str(refused.value)
        assert str(refused.value).endswith("`--endorsing-org MSP`): BankMSP and a regulator org")
        assert "MakeFinancingOffer" not in [c.name for c in contract.calls]


FOUR_MEMBERS = ["AuditMSP", "BankMSP", "PbocMSP", "RegulatorMSP"]


@pytest.mark.parametrize("endorsement, named", [
    # every org the rule names is named, not the first other one alone
    ("AND('BankMSP.member', 'AuditMSP.member', 'RegulatorMSP.member')", ["BankMSP", "AuditMSP", "RegulatorMSP"]),
    # the bank's org meets no leaf of it, so two others are needed
    ("OutOf(2, 'AuditMSP.member', 'RegulatorMSP.member')", ["BankMSP", "AuditMSP", "RegulatorMSP"]),
    # the bank's org meets it alone, but the offer's new keys answer to the chaincode's any two orgs: the first
    # other member in name order that policy names (not AuditMSP) is named too
    ("OR('BankMSP.member', 'RegulatorMSP.member')", ["BankMSP", "PbocMSP"]),
    # the collection's own policy (chaincode.receivables.collections): any one regulator org, the first in name order
    ("AND('BankMSP.member', OR('PbocMSP.member', 'RegulatorMSP.member'))", ["BankMSP", "PbocMSP"]),
    # fewest before first in name order, and a peer principal is met by the org's peer as a member one is
    ("AND('BankMSP.member', OR(AND('AuditMSP.member', 'PbocMSP.member'), 'RegulatorMSP.peer'))",
     ["BankMSP", "RegulatorMSP"]),
], ids=["and-of-three", "two-of-two-others", "or-met-by-the-bank", "default", "fewest-orgs"])
def test_the_orgs_named_are_the_fewest_members_whose_peers_meet_the_collections_endorsement_rule(endorsement, named):
    definition = committed_definition(HOLDS_AND_FINANCES, members={TERMS_OF_BANK: FOUR_MEMBERS},
                                      endorsement={TERMS_OF_BANK: endorsement})
    assert _offer_named(definition) == named


@pytest.mark.parametrize("endorsement", [
    "AND('BankMSP.member', 'RegulatorMSP.admin')",   # a peer's endorsement is no admin's signature
    "AND('BankMSP.member', 'BankMSP.peer')",          # one endorsement per org, each counted once
    # Fabric's n-out-of keeps every part it meets: the OR uses both orgs' endorsements, and the last leaf has none
    "AND(OR('BankMSP.member', 'RegulatorMSP.member'), 'RegulatorMSP.member')",
], ids=["admin", "two-of-one-org", "greedy"])
def test_where_no_set_of_members_peers_meets_the_endorsement_rule_the_offer_is_refused_naming_the_orgs_to_pass(
        endorsement):
    definition = committed_definition(HOLDS_AND_FINANCES, members={TERMS_OF_BANK: FOUR_MEMBERS},
                                      endorsement={TERMS_OF_BANK: endorsement})
    for client_class, contract_class in ((ReceivablesClient, FakeContract),
                                         (AsyncReceivablesClient, FakeAsyncContract)):
        contract = contract_class(responses=_offer_answers(holder_msp="BankMSP"))
        with pytest.raises(ValueError) as refused:
            _sent(client_class, contract, ScriptedLifecycle(definition), lambda sdk: sdk.make_offer(F, TERMS))
        assert f"no set of its members' peers meets the endorsement policy of collection {TERMS_OF_BANK}" \
               in str(refused.value)
        assert str(refused.value).endswith("`--endorsing-org MSP`): BankMSP and a regulator org")
        assert "MakeFinancingOffer" not in [c.name for c in contract.calls]
