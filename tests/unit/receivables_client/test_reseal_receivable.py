"""``reseal_receivable`` names the orgs the claim's key names now, the ones Fabric validates a change of its policy
against, and the reseal it sends then rewrites the policy to the orgs due (docs/sdk-receivables.md, "Who
endorses")."""

from __future__ import annotations

import asyncio

import pytest

from chaincode.receivables import keys
from chaincode.receivables.store_base import earlier_org_policy, org_policy
from chaincode.shim import KeyEndorsementPolicy, create_composite_key
from client.receivables import AsyncReceivablesClient, ReceivablesClient, Reseal, RuleViolation

from ..ledger_contract import Channel
from . import fakes
from .fakes import FakeContract
from .test_async_client import FakeAsyncContract, _refusal
from .test_endorsement import CONFIG, CORE, REGULATOR, SUPPLIER, SUPPLIER2, Needed, claim, register, submits_of


def guarded_by(channel: Channel, receivable_id: str, *orgs: str) -> None:
    """The claim's key-level policy set to ``orgs``, as an earlier contract version left it."""
    kep = KeyEndorsementPolicy()
    kep.add_orgs("MEMBER", *orgs)
    channel.ledger.validation_parameters[create_composite_key(keys.RECEIVABLE, [receivable_id])] = kep.policy()


def key_orgs(channel: Channel, receivable_id: str) -> list[str]:
    policy = channel.ledger.validation_parameters[create_composite_key(keys.RECEIVABLE, [receivable_id])]
    return sorted(KeyEndorsementPolicy(policy).list_orgs())


@pytest.fixture
def frozen_short():
    """A claim frozen before a freeze added the regulator's org: its key names its debtor's and holder's orgs."""
    channel = Channel(CONFIG)
    core = register(channel, 1, CORE, "core_enterprise", "core")
    tier1 = register(channel, 2, SUPPLIER, "supplier", "tier1")
    tier2 = register(channel, 3, SUPPLIER2, "supplier", "tier2")
    regulator = register(channel, 5, REGULATOR, "regulator", "regulator")
    rid = claim(channel, tier1, core, "26312000000000000011")
    regulator.client.freeze(rid, "ORDER-1")
    guarded_by(channel, rid, CORE, SUPPLIER)
    return channel, rid, {"core": core, "tier1": tier1, "tier2": tier2, "regulator": regulator}


@pytest.mark.parametrize("caller", ["tier1", "regulator"])
def test_the_reseal_is_named_to_the_orgs_the_key_names_and_validates_against_them(frozen_short, caller):
    channel, rid, parties = frozen_short
    resealed = parties[caller].client.reseal_receivable(rid)
    reseal = submits_of(channel)[-1]
    assert resealed == Reseal(receivable_id=rid, orgs_before=[CORE, SUPPLIER], orgs_after=[CORE, REGULATOR, SUPPLIER],
                              member_form_resealed=True, tx_id=channel.submits[-1].tx_id)
    # the reseal's transaction: the claim's last change stays the freeze
    assert resealed.write_tx_id == resealed.tx_id != parties[caller].client.get_receivable(rid).last.tx_id
    assert reseal.transaction == "ResealReceivable"
    # the orgs the key named before the reseal: not the regulator's, which Fabric does not check it against
    assert reseal.named == [CORE, SUPPLIER]
    assert reseal.needed == Needed(frozenset({CORE, SUPPLIER}), any_two=False) and reseal.needed.met_by(reseal.named)
    assert key_orgs(channel, rid) == [CORE, REGULATOR, SUPPLIER]


def test_a_key_naming_every_org_due_in_the_earlier_form_is_named_to_its_orgs_and_rewritten_to_their_peers():
    """The key names every org due, as MEMBER principals: the SDK names the orgs it names, whose peers meet
    them, and the reseal rewrites it to the same orgs' peers."""
    channel = Channel(CONFIG)
    core = register(channel, 1, CORE, "core_enterprise", "core")
    tier1 = register(channel, 2, SUPPLIER, "supplier", "tier1")
    rid = claim(channel, tier1, core, "26312000000000000012")
    guarded_by(channel, rid, CORE, SUPPLIER)
    resealed = tier1.client.reseal_receivable(rid)
    reseal = submits_of(channel)[-1]
    assert (resealed.orgs_before, resealed.orgs_after, resealed.member_form_resealed) == (
        [CORE, SUPPLIER], [CORE, SUPPLIER], True)
    assert reseal.named == [CORE, SUPPLIER] and reseal.needed.met_by(reseal.named)
    assert channel.ledger.validation_parameters[create_composite_key(keys.RECEIVABLE, [rid])] == \
        org_policy([CORE, SUPPLIER])
    with pytest.raises(RuleViolation) as refused:
        core.client.reseal_receivable(rid)
    assert refused.value.rule == "nothing-to-reseal"


def test_a_registered_claims_earlier_form_entry_is_resealed_alone_by_the_orgs_its_key_names():
    """The claim's key needs nothing; its invoice's registry entry is in the earlier form of the same orgs:
    the orgs the SDK names (the key's) meet the entry's policy, which Fabric checks the rewrite against."""
    channel = Channel(CONFIG)
    core = register(channel, 1, CORE, "core_enterprise", "core")
    tier1 = register(channel, 2, SUPPLIER, "supplier", "tier1")
    rid = claim(channel, tier1, core, "26312000000000000013", confirmed=False)
    entry = create_composite_key(keys.FINGERPRINT, [tier1.client.get_receivable(rid).invoices[0].fingerprint])
    channel.ledger.validation_parameters[entry] = earlier_org_policy([CORE, SUPPLIER])
    resealed = tier1.client.reseal_receivable(rid)
    reseal = submits_of(channel)[-1]
    assert (resealed.orgs_before, resealed.orgs_after, resealed.member_form_resealed,
            resealed.entries_resealed) == ([CORE, SUPPLIER], [CORE, SUPPLIER], False, 1)
    assert reseal.named == [CORE, SUPPLIER] and reseal.needed.met_by(reseal.named)
    assert channel.ledger.validation_parameters[entry] == org_policy([CORE, SUPPLIER])
    with pytest.raises(RuleViolation) as refused:
        core.client.reseal_receivable(rid)
    assert refused.value.rule == "nothing-to-reseal"


def test_an_answer_from_a_contract_before_the_earlier_form_was_resealed_reads_as_no_such_rewrite():
    answer = {"receivable_id": "R-1", "orgs_before": [CORE, SUPPLIER],
              "orgs_after": [CORE, REGULATOR, SUPPLIER], "tx_id": "ab" * 32}
    read = Reseal.model_validate(answer)
    assert read.member_form_resealed is False and read.entries_resealed == 0


def test_a_key_naming_every_org_due_is_refused_and_nothing_is_written(frozen_short):
    channel, rid, parties = frozen_short
    parties["tier1"].client.reseal_receivable(rid)
    committed = len(channel.submits)
    with pytest.raises(RuleViolation) as refused:
        parties["core"].client.reseal_receivable(rid)
    assert refused.value.rule == "nothing-to-reseal"
    assert len(channel.submits) == committed


def test_a_caller_refused_the_read_is_sent_to_the_gateways_plan_and_refused_by_the_reseals_rule(frozen_short):
    channel, rid, parties = frozen_short
    with pytest.raises(RuleViolation) as refused:
        parties["tier2"].client.reseal_receivable(rid)
    assert refused.value.rule == "not-a-party-to-claim"
    assert key_orgs(channel, rid) == [CORE, SUPPLIER]


def test_the_async_client_sends_what_the_blocking_one_sends():
    answers = {"GetReceivableEndorsers": [CORE, SUPPLIER],
               "ResealReceivable": {"receivable_id": "R-1", "orgs_before": [CORE, SUPPLIER],
                                    "orgs_after": [CORE, REGULATOR, SUPPLIER], "tx_id": "ab" * 32}}
    sync_contract, async_contract = FakeContract(responses=answers), FakeAsyncContract(responses=answers)
    expected = ReceivablesClient(sync_contract).reseal_receivable("R-1")
    assert asyncio.run(AsyncReceivablesClient(async_contract).reseal_receivable("R-1")) == expected
    assert async_contract.calls == sync_contract.calls
    assert [(c.kind, c.name, c.endorsing_organizations) for c in sync_contract.calls] == [
        ("evaluate", "GetReceivableEndorsers", None), ("submit", "ResealReceivable", [CORE, SUPPLIER])]


def test_a_read_refused_for_another_reason_is_raised_by_both_clients_and_nothing_is_sent():
    errors = {"GetReceivableEndorsers": _refusal("not-found")}
    for contract, run in ((FakeContract(errors=errors), lambda c: ReceivablesClient(c).reseal_receivable("R-1")),
                          (FakeAsyncContract(errors=errors),
                           lambda c: asyncio.run(AsyncReceivablesClient(c).reseal_receivable("R-1")))):
        with pytest.raises(RuleViolation) as raised:
            run(contract)
        assert raised.value.rule == "not-found"
        assert [c.kind for c in contract.calls] == ["evaluate"]


def test_a_read_refused_to_the_caller_leaves_the_plan_to_the_gateway_in_the_async_client_too():
    contract = FakeAsyncContract(responses={"ResealReceivable": fakes.receivable()},
                                 errors={"GetReceivableEndorsers": _refusal("not-permitted-to-read"),
                                         "ResealReceivable": _refusal("not-a-party-to-claim")})
    with pytest.raises(RuleViolation) as raised:
        asyncio.run(AsyncReceivablesClient(contract).reseal_receivable("R-1"))
    assert raised.value.rule == "not-a-party-to-claim"
    assert contract.calls[-1].name == "ResealReceivable" and contract.calls[-1].endorsing_organizations is None
