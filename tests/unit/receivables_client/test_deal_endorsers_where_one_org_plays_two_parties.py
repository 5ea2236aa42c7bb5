"""Who the SDK names to endorse a financing's steps where one org's parties stand on both sides of the deal.

The contract puts a financing's key under its holder's and its bank's orgs, and an assignment notice's under its
debtor's and its bank's, with every regulator org where those two are one org (a group's finance company lending
to a supplier of its own org, or inside the core enterprise's org: docs/receivables.md, "Key-level policies"). The
real SDK and contract run on MemoryLedger (tests/unit/ledger_contract.py); what validation needs of each submit is
computed from the ledger before and after it (test_endorsement.py), and the orgs the SDK names must meet it, with
the terms reaching no org outside their collection.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from chaincode.receivables.config import DEFAULT_CONFIG, NetworkConfig

from ..ledger_contract import Channel
from .test_endorsement import CORE, REGULATOR, SUPPLIER, Party, claim, register, submits_of, terms

# a second org whose parties may be the regulator: the keys name every one of them
AUDITOR = "AuditorMSP"
NAMED = ("RecordDisbursement", "CancelFinancing", "DemandRecourse", "ExerciseRecourse")


def channel_of(**roles: tuple[str, ...]) -> Channel:
    return Channel(NetworkConfig(org_roles={**DEFAULT_CONFIG.org_roles, AUDITOR: ("regulator",), **roles}))


def every_step(channel: Channel, holder: Party, debtor: Party, bank: Party) -> None:
    """Three claims of ``holder`` on ``debtor`` financed by ``bank``: one disbursed, acknowledged and repaid, one
    cancelled before disbursement, one past its due date on recourse, demanded and recoursed."""
    repaid = holder.client.request_financing(claim(channel, holder, debtor, "26312000000000000011")).id
    holder.client.accept_offer(bank.client.make_offer(repaid, terms(channel)).id)
    notice = bank.client.record_disbursement(repaid).notice_id
    debtor.client.acknowledge_assignment(notice)
    bank.client.record_repayment(repaid)
    cancelled = holder.client.request_financing(claim(channel, holder, debtor, "26312000000000000012")).id
    holder.client.accept_offer(bank.client.make_offer(cancelled, terms(channel)).id)
    bank.client.cancel_financing(cancelled, "terms revised")
    recoursed = holder.client.request_financing(claim(channel, holder, debtor, "26312000000000000013",
                                                      due_in=5)).id
    with_recourse = terms(channel).model_copy(update={"recourse": True})
    holder.client.accept_offer(bank.client.make_offer(recoursed, with_recourse).id)
    bank.client.record_disbursement(recoursed)
    channel.now += timedelta(days=10)
    bank.client.demand_recourse(recoursed, "unpaid at maturity")
    bank.client.exercise_recourse(recoursed, "the holder repaid the advance")


def named_steps(channel: Channel) -> dict[str, list]:
    steps: dict[str, list] = {}
    for s in submits_of(channel):
        if s.transaction in NAMED:
            steps.setdefault(s.transaction, []).append(s)
    assert set(steps) == set(NAMED)
    return steps


def test_a_bank_of_the_holders_org_names_every_regulator_org_to_each_change_of_the_financing():
    channel = channel_of(**{SUPPLIER: ("supplier", "financier")})
    core = register(channel, 1, CORE, "core_enterprise", "core")
    tier1 = register(channel, 2, SUPPLIER, "supplier", "tier1")
    group_bank = register(channel, 3, SUPPLIER, "financier", "group-bank")
    register(channel, 5, REGULATOR, "regulator", "regulator")
    every_step(channel, tier1, core, group_bank)
    steps = named_steps(channel)
    for transaction, submits in steps.items():
        for s in submits:
            assert {SUPPLIER, REGULATOR, AUDITOR} <= s.needed.orgs, transaction   # the financing's key
            assert s.needed.met_by(s.named), (transaction, s.named)
    # the demand writes the financing alone: its key's orgs, members of the terms' collection, not the debtor's
    assert [s.named for s in steps["DemandRecourse"]] == [[SUPPLIER, AUDITOR, REGULATOR]]
    assert sorted(steps["CancelFinancing"][0].named) == sorted([CORE, SUPPLIER, AUDITOR, REGULATOR])


def test_a_bank_of_the_debtors_org_names_every_regulator_org_to_the_recourse_that_releases_the_notice():
    channel = channel_of(**{CORE: ("core_enterprise", "financier")})
    core = register(channel, 1, CORE, "core_enterprise", "core")
    tier1 = register(channel, 2, SUPPLIER, "supplier", "tier1")
    group_bank = register(channel, 3, CORE, "financier", "group-bank")
    register(channel, 5, REGULATOR, "regulator", "regulator")
    every_step(channel, tier1, core, group_bank)
    steps = named_steps(channel)
    for transaction, submits in steps.items():
        for s in submits:
            assert s.needed.met_by(s.named), (transaction, s.named)
    (recourse,) = steps["ExerciseRecourse"]
    assert {CORE, REGULATOR, AUDITOR} <= recourse.needed.orgs                # the notice's key
    assert sorted(recourse.named) == sorted([CORE, SUPPLIER, AUDITOR, REGULATOR])
    # the other steps write no notice: the claim's orgs and the financing's, two orgs each
    assert all(REGULATOR not in s.named for t in ("CancelFinancing", "DemandRecourse") for s in steps[t])


@pytest.mark.parametrize("bank_org, collapsed", [(SUPPLIER, "its holder and its bank"),
                                                 (CORE, "its debtor and its bank")])
def test_without_a_network_a_change_carrying_terms_names_the_orgs_to_pass_and_sends_nothing(bank_org, collapsed):
    channel = channel_of(**{bank_org: (DEFAULT_CONFIG.org_roles[bank_org][0], "financier")})
    core = register(channel, 1, CORE, "core_enterprise", "core")
    tier1 = register(channel, 2, SUPPLIER, "supplier", "tier1")
    group_bank = register(channel, 3, bank_org, "financier", "group-bank")
    financing = tier1.client.request_financing(claim(channel, tier1, core, "26312000000000000014", due_in=5)).id
    with_recourse = terms(channel).model_copy(update={"recourse": True})
    tier1.client.accept_offer(group_bank.client.make_offer(financing, with_recourse).id)
    group_bank.client.record_disbursement(financing)
    channel.now += timedelta(days=10)
    group_bank.client.network = None
    before = len(channel.submits)
    with pytest.raises(ValueError) as refused:
        group_bank.client.exercise_recourse(financing, "the holder repaid the advance")
    assert str(refused.value).startswith(f"exercise_recourse on {financing}: {collapsed} are both parties of "
                                         f"{bank_org}")
    assert str(refused.value).endswith("`--endorsing-org MSP`): " + ", ".join(
        dict.fromkeys([CORE, SUPPLIER, bank_org])) + " and every regulator org")
    assert len(channel.submits) == before
