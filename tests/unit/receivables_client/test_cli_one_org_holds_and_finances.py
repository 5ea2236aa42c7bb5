"""`recfin finance offer` and `finance disburse` by a bank of the claim holder's own org, over the real contract on
MemoryLedger: the terms' collection then needs that org and a regulator org, which the SDK reads from the chaincode's
committed definition; where the definition has no such collection, the refusal is one line naming the option
(``--endorsing-org``), and nothing is sent.

The commands, the SDK and the contract run for real; the connection is ``TopologySessions`` (the topology's orgs and
users), on a contract configured so that the supplier org's parties may finance too, as a group's finance arm would.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from chaincode.receivables.config import DEFAULT_CONFIG, NetworkConfig
from cli import connection, receivable_commands
from cli.main import main
from network.topology import load as load_topology

from ..ledger_contract import Channel, TopologySessions, committed_definition
from .test_cli_pages_and_currencies import PARTIES, registered
from .test_cli_party_commands import ok
from .test_contract_agreement import credit_code
from .test_endorsement import BANK, REGULATOR, SUPPLIER, submits_of

CORE_MSP = "CoreEnterpriseMSP"
HOLDS_AND_FINANCES = NetworkConfig(org_roles={CORE_MSP: ("core_enterprise",), SUPPLIER: ("supplier", "financier"),
                                              BANK: ("financier",), REGULATOR: ("regulator",)})
GROUP_BANK = "supplier/supplier3"   # the supplier org's finance arm
OFFER = ["--advance-rate", "0.9", "--discount-rate", "0.036", "--expires", "2026-04-30"]


@pytest.fixture
def channel(monkeypatch, tmp_path) -> Channel:
    """The story's parties and, in the supplier org, a financier acting through supplier3."""
    sessions = TopologySessions(Channel(HOLDS_AND_FINANCES), load_topology(), tmp_path)
    monkeypatch.setattr(connection, "open_session", sessions.open_session)
    # the commands' checks before connecting count today as the contract does: the channel's business date
    monkeypatch.setattr(receivable_commands, "business_today", sessions.channel.today)
    for org, uscc, name, role, user in [*PARTIES, ("supplier", credit_code(77), "Group Finance", "financier",
                                                   "supplier3")]:
        ok("party", "register", "--uscc", uscc, "--name", name, "--role", role, "--client", user,
           "--as", f"{org}/admin")
    return sessions.channel


def refused_before_sending(channel: Channel, *args: str) -> str:
    """The one error line of a command refused before anything was submitted."""
    before = len(channel.submits)
    res = CliRunner().invoke(main, list(args))
    assert res.exit_code == 1, res.output
    assert len(channel.submits) == before
    [line] = res.output.strip().splitlines()
    return line


def test_a_bank_of_the_holders_org_offers_and_disburses_with_the_regulator_org_the_sdk_reads(channel):
    rid = registered("26312000000087654321")
    ok("receivable", "confirm", rid, "--as", "coreenterprise")
    financing = ok("finance", "request", rid, "--as", "supplier/supplier1")["id"]

    offer = ok("finance", "offer", financing, *OFFER, "--as", GROUP_BANK)
    assert offer["status"] == "OPEN" and offer["financing_id"] == financing
    ok("finance", "accept", offer["id"], "--as", "supplier/supplier1")
    disbursed = ok("finance", "disburse", financing, "--as", GROUP_BANK)
    assert disbursed["status"] == "DISBURSED"

    # sent to the holder's org and the regulator's, which meet every policy validation checks, the terms'
    # collection's included; the regulator's read each time from a peer of the bank's own org
    sent = {s.transaction: s for s in submits_of(channel) if s.transaction in ("MakeFinancingOffer",
                                                                                "RecordDisbursement")}
    assert sent["MakeFinancingOffer"].named == [SUPPLIER, REGULATOR]
    assert sent["RecordDisbursement"].named == [CORE_MSP, SUPPLIER, REGULATOR]
    assert all(s.needed.met_by(s.named) for s in sent.values())
    assert [named for _, _, named in channel.lifecycle.asked] == [[SUPPLIER], [SUPPLIER]]


def test_where_the_definition_has_no_collection_for_the_org_the_operator_names_the_orgs(channel):
    """A definition committed before the org's parties could finance has no collection ``terms-<org>-<org>``."""
    channel.lifecycle.definition = committed_definition(DEFAULT_CONFIG)
    rid = registered("26312000000087654322")
    ok("receivable", "confirm", rid, "--as", "coreenterprise")
    financing = ok("finance", "request", rid, "--as", "supplier/supplier1")["id"]

    line = refused_before_sending(channel, "finance", "offer", financing, *OFFER, "--as", GROUP_BANK)
    assert line.startswith(f"Error: make_offer on {financing}: its holder and its bank are both parties of "
                           f"{SUPPLIER}")
    assert f"has no collection terms-{SUPPLIER}-{SUPPLIER}" in line
    assert line.endswith(f"`--endorsing-org MSP`): {SUPPLIER} and a regulator org")

    offer = ok("finance", "offer", financing, *OFFER, "--as", GROUP_BANK,
               "--endorsing-org", SUPPLIER, "--endorsing-org", REGULATOR)
    ok("finance", "accept", offer["id"], "--as", "supplier/supplier1")

    line = refused_before_sending(channel, "finance", "disburse", financing, "--as", GROUP_BANK)
    assert line.startswith(f"Error: record_disbursement on {financing}: ")
    assert line.endswith(f"`--endorsing-org MSP`): {CORE_MSP}, {SUPPLIER} and a regulator org")

    disbursed = ok("finance", "disburse", financing, "--as", GROUP_BANK, "--endorsing-org", CORE_MSP,
                   "--endorsing-org", SUPPLIER, "--endorsing-org", REGULATOR)
    assert disbursed["status"] == "DISBURSED"
    sent = {s.transaction: s for s in submits_of(channel) if s.transaction in ("MakeFinancingOffer",
                                                                                "RecordDisbursement")}
    assert sent["MakeFinancingOffer"].named == [SUPPLIER, REGULATOR]
    assert sent["RecordDisbursement"].named == [CORE_MSP, SUPPLIER, REGULATOR]
