"""Who the SDK asks to endorse a change to a claim whose debtor and holder (and bank) are all parties of one org: the
orgs the claim's key-level policy names (GetReceivableEndorsers, read from a peer of that org), and the fewest other
orgs of the channel the chaincode's endorsement policy asks besides (read from its committed definition), so that a
peer down in an org neither names (a second bank's) stops nothing; every org of the channel only where those orgs
are no plan; the Gateway's plan, or a ValueError for a write of a bank's terms, without the Network
(docs/sdk-receivables.md, "A claim of one org's parties")."""

from __future__ import annotations

import asyncio

import grpc
import pytest

from chaincode.receivables.config import NetworkConfig
from client.gateway.errors import EndorseError, ErrorDetail, EvaluateError
from client.ledger.lifecycle import LIFECYCLE
from client.ledger.qscc import QSCC
from client.receivables import AsyncReceivablesClient, ReceivablesClient, RuleViolation
from client.receivables.errors import lacks_the_transaction

from ..ledger_contract import ScriptedLifecycle, committed_definition
from . import fakes
from .chaincode_policy import CHANNEL_ENDORSEMENT, any_two_peers, deployed
from .audit_ledger import CHANNEL, ScriptedQscc, names_config_block
from .test_audit import BANK, CORE, ONE_ORG_FINANCED, REGULATOR, SUPPLIER, OrgsDown, R

BANK2, PBOC = "Bank2MSP", "PbocMSP"
CHANNEL_ORGS = (SUPPLIER, BANK, CORE, REGULATOR, BANK2)
EVERY_ORG = [CORE, BANK2, BANK, REGULATOR, SUPPLIER]          # the debtor's org first, then the others by name
ONE_ORG = fakes.receivable(holder_msp=CORE)                   # its debtor and its holder are parties of CORE
KEY_ORGS = [CORE, REGULATOR]                                  # what its key-level policy names
# CORE's parties owe, hold and finance claims: the terms' collection of its holder and its bank is terms-CORE-CORE
ONE_ORG_ALL_ROLES = NetworkConfig(org_roles={CORE: ("core_enterprise", "supplier", "financier"),
                                             SUPPLIER: ("supplier",), BANK: ("financier",), BANK2: ("financier",),
                                             REGULATOR: ("regulator",)})


def definition_with(policy: str | None = None, **collections) -> ScriptedLifecycle:
    """``_lifecycle`` answering the chaincode's definition for ONE_ORG_ALL_ROLES (``collections`` as
    :func:`committed_definition` takes them) committed with ``policy`` (default: the topology's, any two orgs)."""
    return ScriptedLifecycle(deployed(committed_definition(ONE_ORG_ALL_ROLES, **collections),
                                      policy or any_two_peers(ONE_ORG_ALL_ROLES)))


class Awaited:
    """A system chaincode's Contract as an AsyncNetwork gives it: the same answers, awaited."""

    def __init__(self, contract) -> None:
        self.contract = contract

    async def evaluate(self, function, **options):
        return self.contract.evaluate(function, **options)


class OrgsNetwork:
    """A gateway Network whose qscc names ``orgs`` as the channel's and whose ``_lifecycle`` answers ``lifecycle``."""

    def __init__(self, *orgs: str, lifecycle: ScriptedLifecycle | None = None, awaited: bool = False) -> None:
        self.name = CHANNEL
        self.qscc = ScriptedQscc([names_config_block(list(orgs))], {})
        self.lifecycle = lifecycle or definition_with()
        self.awaited = awaited

    def get_contract(self, chaincode, contract_name=None):
        contract = {QSCC: self.qscc, LIFECYCLE: self.lifecycle}[chaincode]
        return Awaited(contract) if self.awaited else contract


class AsyncOrgsDown(OrgsDown):
    """:class:`OrgsDown` with the AsyncContract's awaited calls."""

    async def submit(self, name, **options):  # type: ignore[override]
        return OrgsDown.submit(self, name, **options)

    async def evaluate(self, name, **options):  # type: ignore[override]
        return OrgsDown.evaluate(self, name, **options)


def sent(awaited: bool, contract: OrgsDown, network: OrgsNetwork, call):
    """``call`` on a client of the kind ``awaited`` says, over ``contract`` and ``network``."""
    network.awaited = awaited
    result = call((AsyncReceivablesClient if awaited else ReceivablesClient)(contract, network))
    return asyncio.run(result) if asyncio.iscoroutine(result) else result


def down(awaited: bool, *orgs: str, **fields) -> OrgsDown:
    """A contract whose Gateway has no peer of ``orgs`` to endorse with (sync or async)."""
    return (AsyncOrgsDown if awaited else OrgsDown)(*orgs, **fields)


def calls_of(contract) -> list[tuple[str, str, list[str] | None]]:
    return [(call.kind, call.name, call.endorsing_organizations) for call in contract.calls]


def evaluate_refused(transaction: str, said: str, code: grpc.StatusCode | None = None) -> EvaluateError:
    """An evaluate of ``transaction`` the peer of CORE answered with ``said``, as the Gateway words it."""
    peer = ErrorDetail("peer0", CORE, f"chaincode response 500, {said}")
    return EvaluateError("evaluate call to endorser returned error", transaction_id="q", code=code, details=[peer])


NO_SUCH_TRANSACTION = evaluate_refused("GetReceivableEndorsers", "function 'receivables:GetReceivableEndorsers' is "
                                                                 "not a transaction of contract 'receivables'")


both_clients = pytest.mark.parametrize("awaited", [False, True], ids=["blocking", "async"])


@both_clients
def test_a_one_org_claim_is_confirmed_by_the_orgs_its_key_names_and_a_down_bank_is_not_asked(awaited):
    contract = down(awaited, BANK2, responses={"GetReceivable": ONE_ORG, "GetReceivableEndorsers": KEY_ORGS,
                                               "ConfirmReceivable": ONE_ORG})
    network = OrgsNetwork(*CHANNEL_ORGS)
    sent(awaited, contract, network, lambda sdk: sdk.confirm(R))
    assert calls_of(contract) == [("evaluate", "GetReceivable", None),
                                  # from a peer of the claim's org, the debtor's own
                                  ("evaluate", "GetReceivableEndorsers", [CORE]),
                                  ("submit", "ConfirmReceivable", KEY_ORGS)]
    assert network.qscc.asked == []                               # the channel's orgs are not needed


@both_clients
def test_the_org_an_audit_looks_for_is_named_first_where_the_keys_orgs_would_leave_it_out(awaited):
    contract = down(awaited, responses={"GetReceivable": ONE_ORG, "GetReceivableEndorsers": [PBOC, REGULATOR],
                                        "ConfirmReceivable": ONE_ORG})
    sent(awaited, contract, OrgsNetwork(*CHANNEL_ORGS), lambda sdk: sdk.confirm(R))
    assert contract.calls[-1].endorsing_organizations == [CORE, PBOC, REGULATOR]


def test_a_two_org_claim_is_confirmed_by_its_debtors_and_holders_orgs_without_reading_its_key():
    contract = OrgsDown(BANK2, responses={"GetReceivable": fakes.receivable(), "ConfirmReceivable": ONE_ORG})
    ReceivablesClient(contract, OrgsNetwork(*CHANNEL_ORGS)).confirm(R)
    assert calls_of(contract) == [("evaluate", "GetReceivable", None), ("submit", "ConfirmReceivable", [CORE, SUPPLIER])]


NOT_PERMITTED = evaluate_refused("GetReceivableEndorsers", "RULE not-permitted-to-read: not a party to the claim")

# (the answer of GetReceivableEndorsers, or its error; what the EndorseError says of why every org was asked)
FALLBACKS = {
    "no-policy": ([], "its key carries none, so the chaincode-level policy guards it"),
    "one-org-policy": ([CORE], f"its key names {CORE} alone, as an earlier contract version wrote it"),
    "chaincode-predates-the-query": (NO_SUCH_TRANSACTION, "the chaincode on the channel predates "
                                                          "GetReceivableEndorsers, which reads them"),
    "caller-may-not-read-it": (NOT_PERMITTED, "the caller may not read them: not-permitted-to-read"),
}


def endorsers_answer(answer) -> dict:
    """The FakeContract fields that make GetReceivableEndorsers answer ``answer``, or raise it."""
    if isinstance(answer, Exception):
        return {"errors": {"GetReceivableEndorsers": answer}}
    return {"responses": {"GetReceivableEndorsers": answer}}


@both_clients
@pytest.mark.parametrize("case", FALLBACKS)
def test_where_the_keys_orgs_are_no_plan_every_org_is_asked_and_a_down_one_is_named_with_why(case, awaited):
    answer, why = FALLBACKS[case]
    fields = endorsers_answer(answer)
    fields.setdefault("responses", {}).update({"GetReceivable": ONE_ORG, "ConfirmReceivable": ONE_ORG})
    up = down(awaited, **fields)
    sent(awaited, up, OrgsNetwork(*CHANNEL_ORGS), lambda sdk: sdk.confirm(R))
    assert calls_of(up)[-1] == ("submit", "ConfirmReceivable", EVERY_ORG)

    bank2_down = down(awaited, BANK2, **fields)
    with pytest.raises(EndorseError) as caught:
        sent(awaited, bank2_down, OrgsNetwork(*CHANNEL_ORGS), lambda sdk: sdk.confirm(R))
    assert [c.endorsing_organizations for c in bank2_down.calls if c.kind == "submit"] == [EVERY_ORG]
    assert caught.value.message.startswith(
        f"confirming {R} needs {CORE} and the orgs the claim's key-level policy names, which could not be used "
        f"({why}), so every org of the channel was asked to endorse and {BANK2} could not (failed to find any "
        f"endorsing peers for org(s): {BANK2}); start a peer of {BANK2} with the chaincode")


@both_clients
@pytest.mark.parametrize("error", [
    evaluate_refused("GetReceivableEndorsers", "RULE not-found: no receivable R-00000000000000a1"),
    EvaluateError("no peers available to evaluate chaincode receivables", transaction_id="q",
                  code=grpc.StatusCode.UNAVAILABLE)], ids=["a-peer-a-block-behind", "no-peer-of-the-org"])
def test_any_other_failure_of_the_read_is_raised_and_nothing_is_sent(error, awaited):
    contract = down(awaited, responses={"GetReceivable": ONE_ORG}, errors={"GetReceivableEndorsers": error})
    with pytest.raises((RuleViolation, EvaluateError)):
        sent(awaited, contract, OrgsNetwork(*CHANNEL_ORGS), lambda sdk: sdk.confirm(R))
    assert [c.kind for c in contract.calls] == ["evaluate", "evaluate"]


def test_a_missing_transaction_is_told_from_the_peers_message_and_from_no_other_refusal():
    assert lacks_the_transaction(NO_SUCH_TRANSACTION)
    assert lacks_the_transaction(EvaluateError("function 'receivables:X' is not a transaction of contract "
                                               "'receivables'", transaction_id="q"))
    assert not lacks_the_transaction(NOT_PERMITTED)
    assert not lacks_the_transaction(EvaluateError("no peers available", transaction_id="q"))


ONE_ORG_FINANCED_KEY = {**ONE_ORG_FINANCED, "GetReceivableEndorsers": KEY_ORGS,
                        "DemandRecourse": fakes.financing(status="DISBURSED")}
FINANCING_CHANGES = pytest.mark.parametrize("change", [
    lambda sdk: sdk.record_disbursement("F-1"), lambda sdk: sdk.cancel_financing("F-1", "not disbursed"),
    lambda sdk: sdk.exercise_recourse("F-1", "unpaid"), lambda sdk: sdk.demand_recourse("F-1", "unpaid")],
    ids=["record_disbursement", "cancel_financing", "exercise_recourse", "demand_recourse"])


@both_clients
@FINANCING_CHANGES
def test_a_change_to_a_one_org_financed_claim_is_endorsed_by_the_orgs_its_key_names(change, awaited):
    """The claim's key names CORE and the regulator's org; the financing (one org holds and finances it: no policy
    of its own), a notice and the index entries are under the chaincode-level policy, any two orgs, which those
    two meet; a disbursement's terms' collection (terms-CORE-CORE) asks CORE and a regulator org, which they are."""
    contract = down(awaited, BANK2, responses=ONE_ORG_FINANCED_KEY)
    network = OrgsNetwork(*CHANNEL_ORGS)
    sent(awaited, contract, network, change)
    assert contract.calls[-1].kind == "submit" and contract.calls[-1].endorsing_organizations == KEY_ORGS
    assert ("evaluate", "GetReceivableEndorsers", [CORE]) in calls_of(contract)
    assert network.qscc.asked == []


@both_clients
def test_a_disbursement_names_the_regulator_org_the_terms_collection_asks_beside_the_keys_orgs(awaited):
    # an operator's collections file whose terms-CORE-CORE asks PbocMSP, an org the claim's key does not name
    terms_of_core = f"terms-{CORE}-{CORE}"
    lifecycle = definition_with(members={terms_of_core: [CORE, PBOC, REGULATOR]},
                                endorsement={terms_of_core: f"AND('{CORE}.member', '{PBOC}.member')"})
    contract = down(awaited, BANK2, responses=ONE_ORG_FINANCED_KEY)
    sent(awaited, contract, OrgsNetwork(*CHANNEL_ORGS, PBOC, lifecycle=lifecycle),
         lambda sdk: sdk.record_disbursement("F-1"))
    assert contract.calls[-1].endorsing_organizations == [CORE, REGULATOR, PBOC]
    assert [named for *_, named in lifecycle.asked] == [[CORE]]


@both_clients
def test_a_disbursement_whose_terms_collection_cannot_be_read_goes_to_every_org(awaited):
    contract = down(awaited, responses=ONE_ORG_FINANCED_KEY, chaincode_name="receivables-v2")   # not defined
    sent(awaited, contract, OrgsNetwork(*CHANNEL_ORGS), lambda sdk: sdk.record_disbursement("F-1"))
    assert ("evaluate", "GetReceivableEndorsers", [CORE]) in calls_of(contract)   # read, the collection's not
    assert contract.calls[-1].endorsing_organizations == EVERY_ORG


@both_clients
@pytest.mark.parametrize("case", FALLBACKS)
def test_where_the_keys_orgs_are_no_plan_a_one_org_financed_claims_change_goes_to_every_org(case, awaited):
    fields = endorsers_answer(FALLBACKS[case][0])
    fields["responses"] = {**ONE_ORG_FINANCED, **fields.get("responses", {})}
    contract = down(awaited, **fields)
    sent(awaited, contract, OrgsNetwork(*CHANNEL_ORGS), lambda sdk: sdk.cancel_financing("F-1", "not disbursed"))
    assert ("evaluate", "GetReceivableEndorsers", [CORE]) in calls_of(contract)
    assert contract.calls[-1].endorsing_organizations == EVERY_ORG


# a chaincode policy the key's orgs (CORE and the regulator's) do not meet, and the orgs the SDK adds to meet it: the
# fewest, of sets equally few the first by name, only orgs a part of the policy names (BANK2, down, is in none)
ASKING_MORE = {
    "three-orgs": (f"OutOf(3, '{CORE}.peer', '{SUPPLIER}.peer', '{BANK}.peer', '{REGULATOR}.peer')", [BANK]),
    "naming-no-regulator-org": (f"AND('{CORE}.peer', '{SUPPLIER}.peer')", [SUPPLIER]),
}
asking_more = pytest.mark.parametrize("policy, added", ASKING_MORE.values(), ids=ASKING_MORE)


@both_clients
@asking_more
def test_where_the_keys_orgs_do_not_meet_the_chaincodes_policy_the_fewest_orgs_that_do_are_added(policy, added,
                                                                                                awaited):
    """The claim's index entries carry no key-level policy: Fabric checks them against the chaincode's, which the
    key's two orgs meet only when it is the topology's any two orgs."""
    lifecycle = definition_with(policy)
    contract = down(awaited, BANK2, responses={"GetReceivable": ONE_ORG, "GetReceivableEndorsers": KEY_ORGS,
                                               "ConfirmReceivable": ONE_ORG})
    network = OrgsNetwork(*CHANNEL_ORGS, lifecycle=lifecycle)
    sent(awaited, contract, network, lambda sdk: sdk.confirm(R))
    assert calls_of(contract)[-1] == ("submit", "ConfirmReceivable", KEY_ORGS + added)
    assert [named for *_, named in lifecycle.asked] == [[CORE]]            # the definition, from CORE's peer
    assert network.qscc.asked and {tuple(named) for *_, named in network.qscc.asked} == {(CORE,)}   # the channel's


@both_clients
@asking_more
@FINANCING_CHANGES
def test_a_change_to_a_one_org_financed_claim_adds_the_orgs_the_chaincodes_policy_asks(change, policy, added,
                                                                                       awaited):
    # the financing (one org holds and finances it) and a notice are under the chaincode's policy too
    lifecycle = definition_with(policy)
    contract = down(awaited, BANK2, responses=ONE_ORG_FINANCED_KEY)
    sent(awaited, contract, OrgsNetwork(*CHANNEL_ORGS, lifecycle=lifecycle), change)
    assert contract.calls[-1].kind == "submit" and contract.calls[-1].endorsing_organizations == KEY_ORGS + added
    # one read of the definition, for the chaincode's policy and a disbursement's terms' collection alike
    assert [named for *_, named in lifecycle.asked] == [[CORE]]


# where the chaincode's policy cannot be had or met: (the definition _lifecycle answers, the chaincode's name, what
# the EndorseError says of why every org was asked)
UNPLANNED = {
    "channel-policy": (definition_with(CHANNEL_ENDORSEMENT), "receivables",
                       "the chaincode's endorsement policy is the channel's /Channel/Application/Endorsement, whose "
                       "orgs its committed definition does not tell"),
    "no-orgs-of-the-channel-meet-it": (definition_with(f"AND('{CORE}.peer', '{PBOC}.peer')"), "receivables",
                                       f"no orgs of the channel meet the chaincode's endorsement policy with {CORE}, "
                                       f"{REGULATOR}"),
    "definition-unreadable": (definition_with(), "receivables-v2",
                              f"the chaincode's committed definition, which holds its endorsement policy, could not "
                              f"be read from a peer of {CORE}: evaluate call to endorser returned error: failed to "
                              "invoke backing implementation of 'QueryChaincodeDefinition': namespace receivables-v2 "
                              "is not defined"),
    "definition-without-a-policy": (ScriptedLifecycle(committed_definition(ONE_ORG_ALL_ROLES)), "receivables",
                                    "the chaincode's committed definition holds no endorsement policy"),
}


@both_clients
@pytest.mark.parametrize("case", UNPLANNED)
def test_where_the_chaincodes_policy_cannot_be_had_or_met_every_org_is_asked_and_says_why(case, awaited):
    lifecycle, chaincode, why = UNPLANNED[case]
    answers = {"GetReceivable": ONE_ORG, "GetReceivableEndorsers": KEY_ORGS, "ConfirmReceivable": ONE_ORG}
    up = down(awaited, responses=answers, chaincode_name=chaincode)
    sent(awaited, up, OrgsNetwork(*CHANNEL_ORGS, lifecycle=lifecycle), lambda sdk: sdk.confirm(R))
    assert calls_of(up)[-1] == ("submit", "ConfirmReceivable", EVERY_ORG)

    bank2_down = down(awaited, BANK2, responses=answers, chaincode_name=chaincode)
    with pytest.raises(EndorseError) as caught:
        sent(awaited, bank2_down, OrgsNetwork(*CHANNEL_ORGS, lifecycle=lifecycle), lambda sdk: sdk.confirm(R))
    assert caught.value.message.startswith(
        f"confirming {R} needs {CORE} and the orgs the claim's key-level policy names, which could not be used "
        f"({why}), so every org of the channel was asked to endorse and {BANK2} could not")


@both_clients
@FINANCING_CHANGES
def test_where_the_chaincode_names_a_channel_policy_a_one_org_financed_claims_change_goes_to_every_org(change,
                                                                                                      awaited):
    contract = down(awaited, responses=ONE_ORG_FINANCED_KEY)
    sent(awaited, contract, OrgsNetwork(*CHANNEL_ORGS, lifecycle=definition_with(CHANNEL_ENDORSEMENT)), change)
    assert contract.calls[-1].endorsing_organizations == EVERY_ORG


@both_clients
def test_a_regulator_org_that_cannot_endorse_is_named_with_the_orgs_the_key_names_and_what_to_do(awaited):
    contract = down(awaited, REGULATOR, responses={"GetReceivable": ONE_ORG, "GetReceivableEndorsers": KEY_ORGS})
    with pytest.raises(EndorseError) as caught:
        sent(awaited, contract, OrgsNetwork(*CHANNEL_ORGS), lambda sdk: sdk.confirm(R))
    assert [c.endorsing_organizations for c in contract.calls if c.kind == "submit"] == [KEY_ORGS]   # tried once
    assert caught.value.message == (
        f"confirming {R} needs {CORE} and the orgs the claim's key-level policy names ({CORE}, {REGULATOR}, read "
        f"from a peer of {CORE}), so {CORE}, {REGULATOR} were asked to endorse and {REGULATOR} could not (failed to "
        f"find any endorsing peers for org(s): {REGULATOR}); start a peer of {REGULATOR} with the chaincode, or name "
        f"the endorsing orgs yourself, {CORE} and the orgs the claim's key names among them (endorsing_organizations, "
        "`--endorsing-org MSP`)")
    assert caught.value.transaction_id == "t" and caught.value.code == grpc.StatusCode.UNAVAILABLE


@both_clients
@FINANCING_CHANGES
def test_an_org_the_chaincodes_policy_added_that_cannot_endorse_is_named_with_why_it_was_asked(change, awaited):
    policy, added = ASKING_MORE["three-orgs"]
    contract = down(awaited, *added, responses=ONE_ORG_FINANCED_KEY)
    with pytest.raises(EndorseError) as caught:
        sent(awaited, contract, OrgsNetwork(*CHANNEL_ORGS, lifecycle=definition_with(policy)), change)
    assert (f" on {fakes.financing()['id']} needs {CORE} and the orgs the claim's key-level policy names ({CORE}, "
            f"{REGULATOR}, read from a peer of {CORE}), and {BANK}, which the chaincode's endorsement policy asks, so "
            f"{CORE}, {REGULATOR}, {BANK} were asked to endorse and {BANK} could not") in caught.value.message
    assert caught.value.message.endswith("(endorsing_organizations, `--endorsing-org MSP`)")


@both_clients
def test_the_orgs_own_peer_that_cannot_endorse_is_said_as_the_gateway_says_it(awaited):
    contract = down(awaited, CORE, responses={"GetReceivable": ONE_ORG, "GetReceivableEndorsers": KEY_ORGS})
    with pytest.raises(EndorseError) as caught:
        sent(awaited, contract, OrgsNetwork(*CHANNEL_ORGS), lambda sdk: sdk.confirm(R))
    assert caught.value.message == f"failed to find any endorsing peers for org(s): {CORE}"


READING = (f"reading the orgs the key of claim {R} names, on a peer of {CORE}, to choose who endorses confirming {R}: "
           "nothing was sent; name the endorsing orgs yourself to send it without this read (endorsing_organizations, "
           "`--endorsing-org MSP`)")


@both_clients
def test_a_refused_read_of_the_keys_orgs_says_what_it_was_reading_and_keeps_its_rule(awaited):
    behind = evaluate_refused("GetReceivableEndorsers", f"RULE not-found: no receivable {R}")
    contract = down(awaited, responses={"GetReceivable": ONE_ORG}, errors={"GetReceivableEndorsers": behind})
    with pytest.raises(RuleViolation) as caught:
        sent(awaited, contract, OrgsNetwork(*CHANNEL_ORGS), lambda sdk: sdk.confirm(R))
    assert (caught.value.rule, caught.value.transaction) == ("not-found", "GetReceivableEndorsers")
    assert caught.value.detail == f"no receivable {R} ({READING})"
    assert str(caught.value) == f"GetReceivableEndorsers refused: RULE not-found: no receivable {R} ({READING})"


@both_clients
def test_a_failed_read_of_the_keys_orgs_says_what_it_was_reading_and_keeps_its_code(awaited):
    unavailable = EvaluateError("no peers available to evaluate chaincode receivables", transaction_id="q",
                                code=grpc.StatusCode.UNAVAILABLE)
    contract = down(awaited, responses={"GetReceivable": ONE_ORG}, errors={"GetReceivableEndorsers": unavailable})
    with pytest.raises(EvaluateError) as caught:
        sent(awaited, contract, OrgsNetwork(*CHANNEL_ORGS), lambda sdk: sdk.confirm(R))
    assert caught.value.message == f"no peers available to evaluate chaincode receivables ({READING})"
    assert (caught.value.code, caught.value.transaction_id) == (grpc.StatusCode.UNAVAILABLE, "q")
    assert str(caught.value) == f"[tx q] UNAVAILABLE: {caught.value.message}"
    assert caught.value.__cause__ is unavailable


def without_network(awaited: bool, contract: OrgsDown, call):
    """``call`` on a client of the kind ``awaited`` says, built on ``contract`` alone."""
    result = call((AsyncReceivablesClient if awaited else ReceivablesClient)(contract))
    return asyncio.run(result) if asyncio.iscoroutine(result) else result


@both_clients
def test_without_the_network_a_one_org_claims_confirmation_is_left_to_the_gateway(awaited):
    # neither the chaincode's policy nor the channel's orgs can be read: the key's orgs alone might not meet it
    contract = down(awaited, responses={"GetReceivable": ONE_ORG, "GetReceivableEndorsers": KEY_ORGS,
                                        "ConfirmReceivable": ONE_ORG})
    without_network(awaited, contract, lambda sdk: sdk.confirm(R))
    assert calls_of(contract) == [("evaluate", "GetReceivable", None), ("submit", "ConfirmReceivable", None)]


@both_clients
@pytest.mark.parametrize("change", [
    lambda sdk: sdk.cancel_financing("F-1", "not disbursed"), lambda sdk: sdk.exercise_recourse("F-1", "unpaid"),
    lambda sdk: sdk.demand_recourse("F-1", "unpaid")], ids=["cancel_financing", "exercise_recourse", "demand_recourse"])
def test_without_the_network_a_change_to_a_one_org_financed_claim_is_left_to_the_gateway(change, awaited):
    contract = down(awaited, responses=ONE_ORG_FINANCED_KEY)
    without_network(awaited, contract, change)
    assert contract.calls[-1].kind == "submit" and contract.calls[-1].endorsing_organizations is None
    assert "GetReceivableEndorsers" not in [c.name for c in contract.calls]


@both_clients
def test_without_the_network_a_one_org_disbursement_is_refused_before_anything_is_sent(awaited):
    # left to plan, the Gateway could send the terms to any org: the caller names the orgs, as for a holder and a
    # bank of one org whose debtor is of another
    contract = down(awaited, responses=ONE_ORG_FINANCED_KEY)
    with pytest.raises(ValueError) as refused:
        without_network(awaited, contract, lambda sdk: sdk.record_disbursement("F-1"))
    assert "this client has no Network to read it through" in str(refused.value)
    assert str(refused.value).endswith(f"(endorsing_organizations, `--endorsing-org MSP`): {CORE} and a regulator org")
    assert [c.kind for c in contract.calls if c.kind == "submit"] == []
