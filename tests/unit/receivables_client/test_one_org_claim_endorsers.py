"""Who the SDK asks to endorse a change to a claim whose debtor and holder (and bank) are all parties of one org: the
orgs the claim's key-level policy names (GetReceivableEndorsers, read from a peer of that org), and the fewest other
orgs of the channel the chaincode's endorsement policy asks besides (read from its committed definition), so that a
peer down in an org neither names (a second bank's) stops nothing; every org of the channel only where those orgs
are no plan; without the Network, the key's orgs for a change carrying a bank's terms and the Gateway's plan for
any other (docs/sdk-receivables.md, "A claim of one org's parties")."""

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
# the changes that write the claim (a demand for recourse writes the financing alone, whose key's orgs are named:
# test_terms_reach_only_their_collection.py)
FINANCING_CHANGES = pytest.mark.parametrize("change", [
    lambda sdk: sdk.record_disbursement("F-1"), lambda sdk: sdk.cancel_financing("F-1", "not disbursed"),
    lambda sdk: sdk.exercise_recourse("F-1", "unpaid")],
    ids=["record_disbursement", "cancel_financing", "exercise_recourse"])
# those that carry the accepted terms, which may reach no org outside their collection (terms-CORE-CORE: CORE and
# the regulator's org), and the one that carries none
CARRYING_TERMS = pytest.mark.parametrize("change", [
    lambda sdk: sdk.record_disbursement("F-1"), lambda sdk: sdk.exercise_recourse("F-1", "unpaid")],
    ids=["record_disbursement", "exercise_recourse"])
CANCELLATION = pytest.mark.parametrize("change", [lambda sdk: sdk.cancel_financing("F-1", "not disbursed")],
                                       ids=["cancel_financing"])


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


def without_collection(lifecycle: ScriptedLifecycle, name: str) -> ScriptedLifecycle:
    """``lifecycle`` answering its definition without collection ``name``, as a collections file leaving it out."""
    configs = lifecycle.definition.collections.config
    del configs[[config.static_collection_config.name for config in configs].index(name)]
    return lifecycle


@both_clients
def test_a_disbursement_whose_terms_collection_is_not_in_the_definition_is_refused_as_every_org_would_get_them(
        awaited):
    contract = down(awaited, responses=ONE_ORG_FINANCED_KEY)
    lifecycle = without_collection(definition_with(), f"terms-{CORE}-{CORE}")
    with pytest.raises(ValueError) as refused:
        sent(awaited, contract, OrgsNetwork(*CHANNEL_ORGS, lifecycle=lifecycle),
             lambda sdk: sdk.record_disbursement("F-1"))
    assert ("evaluate", "GetReceivableEndorsers", [CORE]) in calls_of(contract)   # read, the collection's not
    assert (f"so every org of the channel would be asked to endorse and sent the accepted terms it carries, which "
            f"may reach no org outside their collection terms-{CORE}-{CORE}, whose members cannot be told: the "
            f"chaincode's committed definition has no collection terms-{CORE}-{CORE}; nothing was sent"
            ) in str(refused.value)
    assert [c.kind for c in contract.calls if c.kind == "submit"] == []


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
@CANCELLATION
def test_a_change_to_a_one_org_financed_claim_adds_the_orgs_the_chaincodes_policy_asks(change, policy, added,
                                                                                       awaited):
    # the financing (one org holds and finances it) and a notice are under the chaincode's policy too
    lifecycle = definition_with(policy)
    contract = down(awaited, BANK2, responses=ONE_ORG_FINANCED_KEY)
    sent(awaited, contract, OrgsNetwork(*CHANNEL_ORGS, lifecycle=lifecycle), change)
    assert contract.calls[-1].kind == "submit" and contract.calls[-1].endorsing_organizations == KEY_ORGS + added
    # one read of the definition, for the chaincode's policy and a disbursement's terms' collection alike
    assert [named for *_, named in lifecycle.asked] == [[CORE]]


@both_clients
@asking_more
@CARRYING_TERMS
def test_a_change_carrying_terms_that_only_orgs_outside_their_collection_would_meet_the_policy_with_is_refused(
        change, policy, added, awaited):
    lifecycle = definition_with(policy)
    contract = down(awaited, responses=ONE_ORG_FINANCED_KEY)
    with pytest.raises(ValueError) as refused:
        sent(awaited, contract, OrgsNetwork(*CHANNEL_ORGS, lifecycle=lifecycle), change)
    assert (f"is met by no members of the terms' collection terms-{CORE}-{CORE} ({CORE}, {REGULATOR}) with the orgs "
            f"the claim's key-level policy names ({CORE}, {REGULATOR}, read from a peer of {CORE}): only "
            f"{', '.join(added)}, outside the collection, would meet it, and may not be sent the terms; nothing was "
            "sent") in str(refused.value)
    assert [c.kind for c in contract.calls if c.kind == "submit"] == []
    assert [named for *_, named in lifecycle.asked] == [[CORE]]


def custom_plugin(lifecycle: ScriptedLifecycle) -> ScriptedLifecycle:
    """``lifecycle`` answering its definition with a validation plugin of the operator's, which reads the
    validation parameter its own way."""
    lifecycle.definition.validation_plugin = "quorum-vscc"
    return lifecycle


# where the chaincode's policy cannot be had or met: (the definition _lifecycle answers, the chaincode's name, what
# the EndorseError says of why every org was asked)
UNPLANNED = {
    "channel-policy": (definition_with(CHANNEL_ENDORSEMENT), "receivables",
                       "the chaincode's endorsement policy is the channel's /Channel/Application/Endorsement, whose "
                       "orgs its committed definition does not tell"),
    "custom-validation-plugin": (custom_plugin(definition_with()), "receivables",
                                 "the chaincode's committed definition names validation plugin quorum-vscc, whose "
                                 "policy the SDK cannot read"),
    "definition-without-a-policy": (ScriptedLifecycle(committed_definition(ONE_ORG_ALL_ROLES, chaincode_policy=None)),
                                    "receivables",
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
@CANCELLATION
def test_where_the_chaincode_names_a_channel_policy_a_one_org_financed_claims_change_goes_to_every_org(change,
                                                                                                      awaited):
    contract = down(awaited, responses=ONE_ORG_FINANCED_KEY)
    sent(awaited, contract, OrgsNetwork(*CHANNEL_ORGS, lifecycle=definition_with(CHANNEL_ENDORSEMENT)), change)
    assert contract.calls[-1].endorsing_organizations == EVERY_ORG


@both_clients
@CARRYING_TERMS
def test_where_the_chaincode_names_a_channel_policy_a_change_carrying_terms_is_refused_naming_the_orgs_outside(
        change, awaited):
    contract = down(awaited, responses=ONE_ORG_FINANCED_KEY)
    with pytest.raises(ValueError) as refused:
        sent(awaited, contract, OrgsNetwork(*CHANNEL_ORGS, lifecycle=definition_with(CHANNEL_ENDORSEMENT)), change)
    outside = [org for org in EVERY_ORG if org not in (CORE, REGULATOR)]
    assert (f"which may reach no org outside their collection terms-{CORE}-{CORE}, whose members are {CORE}, "
            f"{REGULATOR}, not {', '.join(outside)}; nothing was sent: name the endorsing orgs yourself, {CORE} and "
            "the regulator orgs the claim's key names") in str(refused.value)
    assert [c.kind for c in contract.calls if c.kind == "submit"] == []


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
@CANCELLATION
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
def test_a_refused_read_of_the_keys_orgs_says_what_it_was_reading_and_keeps_its_rule_and_cause(awaited):
    behind = evaluate_refused("GetReceivableEndorsers", f"RULE not-found: no receivable {R}")
    contract = down(awaited, responses={"GetReceivable": ONE_ORG}, errors={"GetReceivableEndorsers": behind})
    with pytest.raises(RuleViolation) as caught:
        sent(awaited, contract, OrgsNetwork(*CHANNEL_ORGS), lambda sdk: sdk.confirm(R))
    assert (caught.value.rule, caught.value.transaction) == ("not-found", "GetReceivableEndorsers")
    assert caught.value.detail == f"no receivable {R} ({READING})"
    # raised from the GatewayError the read met, as a refusal of a call the caller made is
    assert caught.value.__cause__ is caught.value.gateway_error
    assert isinstance(caught.value.__cause__, EvaluateError) and caught.value.__cause__.message == behind.message
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
def test_without_the_network_a_one_org_financings_cancellation_is_left_to_the_gateway(awaited):
    # it carries no terms: the Gateway's plan sends the claim's change only, as a confirmation's
    contract = down(awaited, responses=ONE_ORG_FINANCED_KEY)
    without_network(awaited, contract, lambda sdk: sdk.cancel_financing("F-1", "not disbursed"))
    assert contract.calls[-1].kind == "submit" and contract.calls[-1].endorsing_organizations is None
    assert "GetReceivableEndorsers" not in [c.name for c in contract.calls]


CARRYING_TERMS = pytest.mark.parametrize("change", [
    lambda sdk: sdk.record_disbursement("F-1"), lambda sdk: sdk.exercise_recourse("F-1", "unpaid"),
    lambda sdk: sdk.demand_recourse("F-1", "unpaid")], ids=["record_disbursement", "exercise_recourse",
                                                           "demand_recourse"])


@both_clients
@CARRYING_TERMS
def test_without_the_network_a_change_carrying_the_terms_goes_to_the_orgs_the_claims_key_names(change, awaited):
    """Left to plan, the Gateway could send the terms to any org (a competing bank): the key's orgs, that org and the
    regulator's, are members of the terms' collection. Neither the definition nor the channel's orgs is read."""
    contract = down(awaited, responses=ONE_ORG_FINANCED_KEY)
    without_network(awaited, contract, change)
    submitted = contract.calls[-1]
    assert submitted.kind == "submit" and submitted.endorsing_organizations == KEY_ORGS
    assert "terms" in submitted.transient
    assert ("evaluate", "GetReceivableEndorsers", [CORE]) in calls_of(contract)


@both_clients
@CARRYING_TERMS
@pytest.mark.parametrize("key", [
    {"errors": {"GetReceivableEndorsers": NO_SUCH_TRANSACTION}},
    {"responses": {**ONE_ORG_FINANCED_KEY, "GetReceivableEndorsers": []}},
    {"responses": {**ONE_ORG_FINANCED_KEY, "GetReceivableEndorsers": [CORE]}}],
    ids=["cannot-be-read", "no-policy", "names-its-org-alone"])
def test_without_the_network_a_change_carrying_the_terms_that_would_go_to_its_org_alone_is_not_sent(
        change, awaited, key):
    """The org alone meets no chaincode policy: ordered, the change could only be invalidated, and the Gateway's
    plan could send the terms to another bank; so nothing is sent and the caller is told what to pass."""
    contract = down(awaited, **{"responses": ONE_ORG_FINANCED_KEY, **key})
    with pytest.raises(ValueError, match=f"{CORE} alone would be asked to endorse, which no chaincode policy takes; "
                                         "nothing was sent: pass endorsing_organizations"):
        without_network(awaited, contract, change)
    assert all(call.kind != "submit" for call in contract.calls)


@both_clients
def test_without_the_network_an_org_of_the_keys_that_cannot_endorse_is_named_with_why_it_was_asked(awaited):
    contract = down(awaited, REGULATOR, responses=ONE_ORG_FINANCED_KEY)
    with pytest.raises(EndorseError) as caught:
        without_network(awaited, contract, lambda sdk: sdk.demand_recourse("F-1", "unpaid"))
    assert (f"needs {CORE} and the orgs the claim's key-level policy names ({CORE}, {REGULATOR}, read from a peer of "
            f"{CORE}), with no Network to read the chaincode's endorsement policy through, so {CORE}, {REGULATOR} "
            f"were asked to endorse and {REGULATOR} could not") in caught.value.message


DEFINITION_READ = ("reading the chaincode's committed definition, which holds its endorsement policy, on a peer of "
                   f"{CORE}, to choose who endorses ")


class UnavailableLifecycle(ScriptedLifecycle):
    """``_lifecycle`` whose peers cannot answer (down, or the caller refused by the channel's ACL)."""

    def evaluate(self, function, **options):
        self.asked.append((function, options.get("arguments", ()), options.get("endorsing_organizations")))
        raise EvaluateError("no peers available to evaluate chaincode _lifecycle", transaction_id="z",
                            code=grpc.StatusCode.UNAVAILABLE)


@both_clients
@pytest.mark.parametrize("lifecycle, chaincode, said", [
    (UnavailableLifecycle(definition_with().definition), "receivables",
     "no peers available to evaluate chaincode _lifecycle"),
    (definition_with(), "receivables-v2", "evaluate call to endorser returned error: failed to invoke backing "
                                          "implementation of 'QueryChaincodeDefinition': namespace receivables-v2 is "
                                          "not defined")], ids=["no-peer-answers", "not-defined"])
def test_a_failed_read_of_the_definition_is_raised_saying_what_it_was_reading_and_nothing_is_sent(lifecycle, chaincode,
                                                                                                 said, awaited):
    """Not every org: a peer down in a second bank would stop the confirmation, and a disbursement's terms would go
    to every org."""
    answers = {"GetReceivable": ONE_ORG, "GetReceivableEndorsers": KEY_ORGS, "ConfirmReceivable": ONE_ORG}
    contract = down(awaited, responses=answers, chaincode_name=chaincode)
    with pytest.raises(EvaluateError) as caught:
        sent(awaited, contract, OrgsNetwork(*CHANNEL_ORGS, lifecycle=lifecycle), lambda sdk: sdk.confirm(R))
    assert caught.value.message.startswith(f"{said} ({DEFINITION_READ}confirming {R}: nothing was sent")
    assert [c.kind for c in contract.calls] == ["evaluate", "evaluate"]


@both_clients
@FINANCING_CHANGES
def test_a_failed_read_of_the_definition_sends_no_change_to_a_one_org_financed_claim(change, awaited):
    contract = down(awaited, responses=ONE_ORG_FINANCED_KEY)
    lifecycle = UnavailableLifecycle(definition_with().definition)
    with pytest.raises(EvaluateError, match="reading the chaincode's committed definition") as caught:
        sent(awaited, contract, OrgsNetwork(*CHANNEL_ORGS, lifecycle=lifecycle), change)
    assert caught.value.code == grpc.StatusCode.UNAVAILABLE
    assert [c.kind for c in contract.calls if c.kind == "submit"] == []


@both_clients
@pytest.mark.parametrize("change, met_by_none", [
    (lambda sdk: sdk.confirm(R), f"is met by no orgs of the channel ({', '.join(sorted(CHANNEL_ORGS))}) with the "
                                 f"orgs the claim's key-level policy names ({CORE}, {REGULATOR}, read from a peer of "
                                 f"{CORE}), so nothing was sent"),
    (lambda sdk: sdk.record_disbursement("F-1"),
     f"is met by no members of the terms' collection terms-{CORE}-{CORE} ({CORE}, {REGULATOR}) with the orgs the "
     f"claim's key-level policy names ({CORE}, {REGULATOR}, read from a peer of {CORE}): no orgs of the channel meet "
     "it either; nothing was sent")], ids=["confirm", "record_disbursement"])
def test_a_chaincode_policy_no_orgs_of_the_channel_meet_with_the_keys_is_refused_naming_it(change, met_by_none,
                                                                                           awaited):
    """Every org could not meet it either: the transaction would be invalid, and sent again on a retry."""
    contract = down(awaited, responses={**ONE_ORG_FINANCED_KEY, "GetReceivable": ONE_ORG,
                                        "ConfirmReceivable": ONE_ORG})
    network = OrgsNetwork(*CHANNEL_ORGS, lifecycle=definition_with(f"AND('{CORE}.peer', '{PBOC}.peer')"))
    with pytest.raises(ValueError) as refused:
        sent(awaited, contract, network, change)
    assert (f"the chaincode's endorsement policy, AND('{CORE}.peer', '{PBOC}.peer') (its committed definition, read "
            f"from a peer of {CORE}), {met_by_none}") in str(refused.value)
    assert [c.kind for c in contract.calls if c.kind == "submit"] == []
    # the channel's orgs, read once (its height, then its config block), not again for an every-org plan
    assert [function for function, *_ in network.qscc.asked] == ["GetChainInfo", "GetBlockByNumber"]


class UnavailableQscc:
    """qscc whose peers cannot answer."""

    def evaluate(self, function, **options):
        raise EvaluateError("no peers available to evaluate chaincode qscc", transaction_id="c",
                            code=grpc.StatusCode.UNAVAILABLE)


@both_clients
@pytest.mark.parametrize("lifecycle", [definition_with(f"OutOf(3, '{CORE}.peer', '{SUPPLIER}.peer', '{BANK}.peer')"),
                                       definition_with(CHANNEL_ENDORSEMENT)], ids=["orgs-to-add", "every-org"])
def test_a_failed_read_of_the_channels_orgs_says_what_it_was_reading_and_nothing_is_sent(lifecycle, awaited):
    contract = down(awaited, responses={"GetReceivable": ONE_ORG, "GetReceivableEndorsers": KEY_ORGS})
    network = OrgsNetwork(*CHANNEL_ORGS, lifecycle=lifecycle)
    network.qscc = UnavailableQscc()
    with pytest.raises(EvaluateError) as caught:
        sent(awaited, contract, network, lambda sdk: sdk.confirm(R))
    assert caught.value.message.startswith(
        f"no peers available to evaluate chaincode qscc (reading the channel's orgs from its config block, on a peer "
        f"of {CORE}, to choose who endorses confirming {R}: nothing was sent")
    assert [c.kind for c in contract.calls if c.kind == "submit"] == []


class PlannedEndorseError(EndorseError):
    """An EndorseError of a subclass, with a field of its own, refused before it was sent."""

    def __init__(self, message: str, **fields) -> None:
        super().__init__(message, **fields)
        self.planned_orgs = [CORE, REGULATOR]


class RefusedUnsent(OrgsDown):
    """A contract whose Gateway refuses a submit naming a ``down`` org with a :class:`PlannedEndorseError`."""

    def submit(self, name, **options):
        try:
            return OrgsDown.submit(self, name, **options)
        except EndorseError as error:
            raise PlannedEndorseError(error.message, transaction_id="t", code=error.code, sent=False) from error


def test_an_endorse_error_said_again_keeps_its_class_and_every_field():
    contract = RefusedUnsent(REGULATOR, responses={"GetReceivable": ONE_ORG, "GetReceivableEndorsers": KEY_ORGS})
    with pytest.raises(EndorseError) as caught:
        ReceivablesClient(contract, OrgsNetwork(*CHANNEL_ORGS)).confirm(R)
    said = caught.value
    assert said.message.startswith(f"confirming {R} needs {CORE} and the orgs the claim's key-level policy names")
    assert type(said) is PlannedEndorseError and said.sent is False and said.planned_orgs == [CORE, REGULATOR]
    assert str(said) == f"[tx t] UNAVAILABLE: {said.message}\n{said.advice}" and said.args == (str(said),)
