"""The orgs a bank's accepted terms (transient ``terms``) are sent to: the real SDK and contract on MemoryLedger
(tests/unit/ledger_contract.py), each submit's transient data and named orgs kept as the Gateway would be given
them, across the org configurations a deployment may have. No org outside the terms' collection is sent them,
beyond the debtor's org, whose key-level policy on the claim it changes needs it (chaincode.receivables.collections);
where no endorsers meet the policies without such an org, nothing is sent and the refusal names the orgs and why."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chaincode.receivables.collections import collection_name, collections_config
from chaincode.receivables.config import NetworkConfig

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
