"""The orgs a bank's accepted terms (transient ``terms``) are sent to: the real SDK and contract on MemoryLedger
(tests/unit/ledger_contract.py), each submit's transient data and named orgs kept as the Gateway would be given
them, across the org configurations a deployment may have. No org outside the terms' collection is sent them,
beyond the debtor's org, whose key-level policy on the claim it changes needs it (chaincode.receivables.collections);
where no endorsers meet the policies without such an org, nothing is sent and the refusal names the orgs and why."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chaincode.receivables.collections import collection_name, collections_config
from chaincode.receivables.config import DEFAULT_CONFIG, NetworkConfig

from ..ledger_contract import Channel, LedgerContract
from .chaincode_policy import deploy_on
from .test_endorsement import BANK, CORE, REGULATOR, SUPPLIER, claim, register, terms

AUDITOR = "AuditorMSP"          # a second org whose parties may be the regulator


@pytest.fixture
def sent(monkeypatch) -> list[tuple[str, list[str] | None]]:
    """Each submit that carried transient terms: (its transaction, the orgs named to endorse it)."""
    carried: list[tuple[str, list[str] | None]] = []
    submit = LedgerContract.submit

    def keeping(self, name, *, arguments=(), transient=None, endorsing_organizations=None, retry=None):
        if transient:
            carried.append((name, None if endorsing_organizations is None else list(endorsing_organizations)))
        return submit(self, name, arguments=arguments, transient=transient,
                      endorsing_organizations=endorsing_organizations, retry=retry)

    monkeypatch.setattr(LedgerContract, "submit", keeping)
    return carried


def members(config: NetworkConfig, holder: str, bank: str) -> set[str]:
    """The member orgs of the terms' collection of ``holder`` and ``bank``."""
    (collection,) = [c for c in collections_config(config) if c["name"] == collection_name(holder, bank)]
    return {org for org in config.msp_ids if f"'{org}.member'" in collection["policy"]}


def one_org_all_three(*more_regulators: str) -> NetworkConfig:
    return NetworkConfig(org_roles={CORE: ("core_enterprise", "supplier", "financier"), SUPPLIER: ("supplier",),
                                    BANK: ("financier",), REGULATOR: ("regulator",),
                                    **{org: ("regulator",) for org in more_regulators}})


def disbursed_on_recourse(channel: Channel, number: str):
    """A claim of CORE's parties, financed by CORE's bank on terms with recourse, disbursed, past its due date: the
    bank's client and the financing's id. The offer is named to the collection's orgs by hand, as the offer's own
    keys are guarded by the chaincode's endorsement policy."""
    core = register(channel, 1, CORE, "core_enterprise", "core")
    holder = register(channel, 2, CORE, "supplier", "core-supplier")
    bank = register(channel, 3, CORE, "financier", "core-bank")
    register(channel, 5, REGULATOR, "regulator", "regulator")
    financing = holder.client.request_financing(claim(channel, holder, core, number, due_in=5)).id
    with_recourse = terms(channel).model_copy(update={"recourse": True})
    offer = bank.client.make_offer(financing, with_recourse, sorted(members(channel.config, CORE, CORE)))
    holder.client.accept_offer(offer.id)
    return bank, financing


THREE_ORGS = f"OutOf(3, '{CORE}.peer', '{SUPPLIER}.peer', '{BANK}.peer', '{REGULATOR}.peer')"


def test_a_demand_where_one_org_is_debtor_holder_and_bank_goes_to_the_financings_orgs_alone(sent):
    """The demand writes the financing alone, whose key names the one org and the regulator's: the chaincode's
    endorsement policy guards no key it writes, so the org it would add (a bank's of another group) is not sent the
    terms."""
    config = one_org_all_three()
    channel = Channel(config)
    deploy_on(channel, THREE_ORGS)
    bank, financing = disbursed_on_recourse(channel, "26312000000000000021")
    bank.client.record_disbursement(financing, endorsing_organizations=[CORE, REGULATOR, BANK])  # as its operator
    channel.now += timedelta(days=10)
    del sent[:]
    bank.client.demand_recourse(financing, "unpaid at maturity")
    assert sent == [("DemandRecourse", [CORE, REGULATOR])]
    assert set(sent[0][1]) <= members(config, CORE, CORE)


@pytest.mark.parametrize("policy, beyond", [
    (THREE_ORGS, f"only {BANK}, outside the collection, would meet it"),
    (f"AND('{CORE}.peer', '{SUPPLIER}.peer')", f"only {SUPPLIER}, outside the collection, would meet it")],
    ids=["three-orgs", "naming-no-regulator-org"])
def test_a_change_of_the_claim_whose_chaincode_policy_only_an_org_outside_the_collection_meets_is_refused(
        sent, policy, beyond):
    """A disbursement or an exercise of recourse writes the claim's index entries, which the chaincode's endorsement
    policy guards: where no member of the terms' collection meets it with the claim's key's orgs, the org that would
    is not sent the terms; nothing is sent, and the refusal says which org and why."""
    channel = Channel(one_org_all_three())
    deploy_on(channel, policy)
    bank, financing = disbursed_on_recourse(channel, "26312000000000000022")
    del sent[:]
    collection = f"terms-{CORE}-{CORE} ({CORE}, {REGULATOR})"
    with pytest.raises(ValueError) as refused:
        bank.client.record_disbursement(financing)
    assert str(refused.value).startswith(f"record_disbursement on {financing}: the chaincode's endorsement policy, ")
    assert f"is met by no members of the terms' collection {collection}" in str(refused.value)
    assert f"{beyond}, and may not be sent the terms; nothing was sent" in str(refused.value)
    bank.client.record_disbursement(financing, endorsing_organizations=[CORE, REGULATOR])    # as its operator
    channel.now += timedelta(days=10)
    with pytest.raises(ValueError) as refused:
        bank.client.exercise_recourse(financing, "the holder repaid the advance")
    assert str(refused.value).startswith(f"exercise_recourse on {financing}: the chaincode's endorsement policy, ")
    assert f"{beyond}, and may not be sent the terms" in str(refused.value)
    assert sent == [("RecordDisbursement", [CORE, REGULATOR])]


def test_where_the_collection_has_members_enough_they_alone_are_named():
    """With a second regulator org, the claim's key names the one org and both regulator orgs, members of the terms'
    collection all, which meet a chaincode policy asking three orgs: no other org is named."""
    config = one_org_all_three(AUDITOR)
    channel = Channel(config)
    deploy_on(channel, f"OutOf(3, {', '.join(repr(org + '.peer') for org in config.msp_ids)})")
    bank, financing = disbursed_on_recourse(channel, "26312000000000000023")
    bank.client.record_disbursement(financing)
    channel.now += timedelta(days=10)
    bank.client.exercise_recourse(financing, "the holder repaid the advance")
    named = {s.transaction: s.named for s in channel.submits}
    assert named["RecordDisbursement"] == named["ExerciseRecourse"] == [CORE, AUDITOR, REGULATOR]


BANK2 = "Bank2MSP"
CONFIGURATIONS = {
    "default-four-orgs": ({}, SUPPLIER, CORE, BANK),
    "a-second-bank-org": ({BANK2: ("financier",)}, SUPPLIER, CORE, BANK2),
    "holder-is-bank": ({SUPPLIER: ("supplier", "financier")}, SUPPLIER, CORE, SUPPLIER),
    "debtor-is-bank": ({CORE: ("core_enterprise", "financier")}, SUPPLIER, CORE, CORE),
}


@pytest.mark.parametrize("roles, holder_org, debtor_org, bank_org", CONFIGURATIONS.values(), ids=CONFIGURATIONS)
def test_every_change_carrying_terms_goes_to_its_collections_members_and_the_debtors_org_alone(
        sent, roles, holder_org, debtor_org, bank_org):
    """The offer, acceptance, disbursement, demand and exercise of recourse, in each configuration: the orgs named
    are members of the terms' collection, and the debtor's org where the change writes the claim, whose key names
    it; acceptance is left to the Gateway (None), which plans a proposal carrying transient data within the
    collection's members."""
    from .test_deal_endorsers_where_one_org_plays_two_parties import channel_of
    from .test_endorsement import claim as registered_claim
    channel = channel_of(**roles)
    config = channel.config
    core = register(channel, 1, debtor_org, "core_enterprise", "core")
    holder = register(channel, 2, holder_org, "supplier", "tier1")
    bank = register(channel, 3, bank_org, "financier", "bank")
    register(channel, 5, REGULATOR, "regulator", "regulator")
    financing = holder.client.request_financing(registered_claim(channel, holder, core, "26312000000000000024",
                                                                 due_in=5)).id
    with_recourse = terms(channel).model_copy(update={"recourse": True})
    holder.client.accept_offer(bank.client.make_offer(financing, with_recourse).id)
    bank.client.record_disbursement(financing)
    channel.now += timedelta(days=10)
    bank.client.demand_recourse(financing, "unpaid at maturity")
    bank.client.exercise_recourse(financing, "the holder repaid the advance")
    allowed = members(config, holder_org, bank_org)
    assert [name for name, _ in sent] == ["MakeFinancingOffer", "AcceptFinancingOffer", "RecordDisbursement",
                                          "DemandRecourse", "ExerciseRecourse"]
    for name, orgs in sent:
        claim_written = name in ("AcceptFinancingOffer", "RecordDisbursement", "ExerciseRecourse")
        assert orgs is None if name == "AcceptFinancingOffer" else set(orgs) <= allowed | (
            {debtor_org} if claim_written else set()), (name, orgs)


def offer_on_a_claim_of_one_org(channel: Channel, number: str):
    """A request on a claim whose debtor, holder and bank are parties of CORE: the bank's client and the request's
    id."""
    core = register(channel, 1, CORE, "core_enterprise", "core")
    holder = register(channel, 2, CORE, "supplier", "core-supplier")
    bank = register(channel, 3, CORE, "financier", "core-bank")
    register(channel, 5, REGULATOR, "regulator", "regulator")
    return bank, holder.client.request_financing(claim(channel, holder, core, number, due_in=5)).id


@pytest.mark.parametrize("policy, beyond", [
    (THREE_ORGS, f"only {BANK}, outside the collection, would meet it"),
    (f"AND('{CORE}.peer', '{SUPPLIER}.peer')", f"only {SUPPLIER}, outside the collection, would meet it")],
    ids=["three-orgs", "naming-no-regulator-org"])
def test_an_offer_whose_new_keys_only_an_org_outside_the_collection_could_endorse_is_refused(sent, policy, beyond):
    """Where the holder and the bank are parties of one org, the offer goes to members of the terms' collection
    alone; its record and index entries are new keys, which the chaincode's endorsement policy guards: where no
    members meet it, the offer would be invalid in its block, so nothing is sent, and the refusal names the policy,
    the collection's members and what to do."""
    channel = Channel(one_org_all_three())
    deploy_on(channel, policy)
    bank, financing = offer_on_a_claim_of_one_org(channel, "26312000000000000025")
    with pytest.raises(ValueError) as refused:
        bank.client.make_offer(financing, terms(channel))
    assert str(refused.value).startswith(f"make_offer on {financing}: the chaincode's endorsement policy, ")
    assert f"is met by no members of the terms' collection terms-{CORE}-{CORE} ({CORE}, {REGULATOR})" in str(
        refused.value)
    assert f"{beyond}, and may not be sent the terms; nothing was sent" in str(refused.value)
    assert "`recfin chaincode deploy --signature-policy`" in str(refused.value)
    assert sent == []


def test_an_offer_of_one_org_names_the_collections_members_its_new_keys_need():
    """With a second regulator org, the members of the terms' collection meet a chaincode policy asking three orgs:
    the offer goes to the fewest of them that do, and to no other org."""
    config = one_org_all_three(AUDITOR)
    channel = Channel(config)
    deploy_on(channel, f"OutOf(3, {', '.join(repr(org + '.peer') for org in config.msp_ids)})")
    bank, financing = offer_on_a_claim_of_one_org(channel, "26312000000000000026")
    bank.client.make_offer(financing, terms(channel))
    named = {s.transaction: s.named for s in channel.submits}
    assert named["MakeFinancingOffer"] == [CORE, AUDITOR, REGULATOR]


def test_a_disbursement_where_the_holder_is_its_bank_whose_new_keys_only_an_org_outside_could_endorse_is_refused(
        sent):
    """The holder and the bank are parties of one org, the debtor of another: the disbursement goes to the debtor's
    org and the members of the terms' collection, and writes the claim's index entries, new keys the chaincode's
    endorsement policy guards. Where those orgs do not meet it and only an org outside the collection would, the
    disbursement would be invalid in its block: nothing is sent, and the refusal names the policy and the org."""
    from .test_deal_endorsers_where_one_org_plays_two_parties import channel_of
    channel = channel_of(**{SUPPLIER: ("supplier", "financier")})
    deploy_on(channel, f"OutOf(2, '{CORE}.peer', '{BANK}.peer')")
    core = register(channel, 1, CORE, "core_enterprise", "core")
    holder = register(channel, 2, SUPPLIER, "supplier", "tier1")
    bank = register(channel, 3, SUPPLIER, "financier", "tier1-bank")
    register(channel, 5, REGULATOR, "regulator", "regulator")
    financing = holder.client.request_financing(claim(channel, holder, core, "26312000000000000027", due_in=5)).id
    offer = bank.client.make_offer(financing, terms(channel), [SUPPLIER, REGULATOR])       # as its operator
    holder.client.accept_offer(offer.id)
    del sent[:]
    with pytest.raises(ValueError) as refused:
        bank.client.record_disbursement(financing)
    assert str(refused.value).startswith(f"record_disbursement on {financing}: the chaincode's endorsement policy, ")
    assert f"only {BANK}, outside the collection, would meet it, and may not be sent the terms; nothing was sent" in \
        str(refused.value)
    assert sent == []


def request_of_a_supplier(channel: Channel, number: str):
    """A request of SUPPLIER's party on a claim of CORE's, and BANK's bank: the bank's client and the request's id."""
    core = register(channel, 1, CORE, "core_enterprise", "core")
    holder = register(channel, 2, SUPPLIER, "supplier", "tier1")
    bank = register(channel, 3, BANK, "financier", "bank")
    register(channel, 5, REGULATOR, "regulator", "regulator")
    return bank, holder.client.request_financing(claim(channel, holder, core, number, due_in=5)).id


def test_an_offer_of_two_orgs_names_the_collections_member_its_new_keys_need_besides():
    """The holder's and the bank's orgs meet the collection's policy; the offer's record and index entries, new keys,
    answer to the chaincode's policy, which asks three orgs: the regulator's org, a member, is named too."""
    channel = Channel(DEFAULT_CONFIG)
    deploy_on(channel, THREE_ORGS)
    bank, financing = request_of_a_supplier(channel, "26312000000000000028")
    bank.client.make_offer(financing, terms(channel))
    named = {s.transaction: s.named for s in channel.submits}
    assert named["MakeFinancingOffer"] == [SUPPLIER, BANK, REGULATOR]


def test_an_offer_of_two_orgs_whose_new_keys_only_an_org_outside_the_collection_could_endorse_is_refused(sent):
    channel = Channel(DEFAULT_CONFIG)
    deploy_on(channel, f"AND('{CORE}.peer', '{BANK}.peer')")
    bank, financing = request_of_a_supplier(channel, "26312000000000000029")
    with pytest.raises(ValueError) as refused:
        bank.client.make_offer(financing, terms(channel))
    assert str(refused.value).startswith(f"make_offer on {financing}: the chaincode's endorsement policy, ")
    assert (f"is met by no members of the terms' collection terms-{SUPPLIER}-{BANK} ({BANK}, {REGULATOR}, {SUPPLIER}) "
            f"with {SUPPLIER}, {BANK}, the orgs named for it: only {CORE}, outside the collection, would meet it") in \
        str(refused.value)
    assert sent == []
