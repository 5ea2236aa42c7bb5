"""A second bank org joins the running channel, finances a receivable, and leaves again.

The bank joins the way companies on separate hosts do it, through `recfin org`: `org add
--update-out` computes the config update in Python and writes it unsigned; three org admins
sign the file in turn with `org sign` (MAJORITY Admins of the four), and `org submit` checks
the policy, submits it through `peer channel update`, starts the new org's peer, joins it, and
deploys the receivables chaincode again as a new sequence whose contract configuration names
the new org's role (with its offer-terms collection), restarting every org's chaincode server
with it. The tests then use the new org's own peer, and `recfin org remove`, signed at once
by three admins, takes it out again, deploying the chaincode once more without it.
"""
from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from click.testing import CliRunner

from chaincode.receivables.uscc import check_character
from cli.connection import open_session
from cli.demo_commands import business_today
from cli.main import main
from client.gateway import GatewayError
from client.receivables import FinancingTerms, client_id_of
from client.receivables.errors import rule_violation_from
from network import Network, channel, channel_config, contract_config, nodeconfig, probes
from network.org_membership import OrgMembership

from .conftest import caught_up, register_claim

NEW_BANK = "bank2"
NEW_BANK_MSP = "Bank2MSP"
NEW_BANK_CODE = "91110000MA1K00007" + check_character("91110000MA1K00007")


def recfin_org(net, *args: str) -> dict:
    """`recfin org ARGS --data-root NET --json` as an org admin types it; its JSON, or the test fails with its words."""
    result = CliRunner().invoke(main, ["org", *args, "--data-root", str(net.data_root), "--json"])
    assert result.exit_code == 0, f"recfin org {' '.join(args)}: {result.output}"
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def bank2_added(receivables_deployed, tmp_path_factory) -> Network:
    """The suite's network with bank2 added through `org add --update-out`, `org sign` x3 and `org submit`:
    a Network loaded afresh, which reads the membership the commands recorded."""
    net = receivables_deployed
    update = tmp_path_factory.mktemp("onboarding") / "bank2.tx"
    try:
        written = recfin_org(net, "add", NEW_BANK, "--role", "bank", "--enterprise", NEW_BANK_CODE,
                             "--update-out", str(update), "--no-sign")
        assert written["signed_by"] == [] and not written["policy_satisfied"]
        for n, admin in enumerate(("bank", "supplier", "coreenterprise"), start=1):
            signed = recfin_org(net, "sign", str(update), "--as", admin)
            assert len(signed["signed_by"]) == n and signed["policy_satisfied"] == (n == 3), signed
        submitted = recfin_org(net, "submit", str(update))
        assert submitted["submitted"] and not submitted["already_applied"], submitted
        yield Network.load(data_root=net.data_root, say=print)
    finally:
        # The network is the suite's: the removal test takes the bank out; if it failed or did not run, do it here.
        now = Network.load(data_root=net.data_root, say=print)
        if NEW_BANK in [o.name for o in now.topology.orgs]:
            OrgMembership(now).remove(NEW_BANK)


def test_a_dry_run_names_the_missing_signatures_and_submits_nothing(receivables_deployed):
    net = receivables_deployed
    plan = recfin_org(net, "add", "bank3", "--role", "bank", "--enterprise", NEW_BANK_CODE, "--dry-run",
                      "--sign-as", "bank")
    assert plan["policy_satisfied"] is False and plan["policies"][0]["needed"] == 3
    members = OrgMembership(net)
    assert "Bank3MSP" not in channel_config.application_orgs(members.fetch_config("bank"))


def test_the_new_bank_is_in_the_channel_config_and_its_peer_caught_up(bank2_added):
    net = bank2_added
    config = OrgMembership(net).fetch_config("supplier")
    assert NEW_BANK_MSP in channel_config.application_orgs(config)
    peer = net.topology.peers(NEW_BANK)[0]
    assert probes.healthy(peer.operations_address)
    assert net.topology.channel in channel.peer_channels(net.tools, net.topology, net.data_root, peer)
    heights = [channel.node_height(net.tools, net.topology, net.data_root, n) for n in net.topology.peers()]
    assert heights[-1] == max(heights)


def test_the_new_bank_approved_the_committed_definition_and_serves_it(bank2_added):
    net = bank2_added
    statuses = net.status()
    server = next(s for s in statuses if s.kind == "chaincode" and s.org == NEW_BANK_MSP
                  and s.name.startswith(f"{net.topology.chaincode.name}."))
    assert server.pid is not None and server.healthy
    env = nodeconfig.peer_admin_env(net.topology, net.data_root, NEW_BANK)
    res = net.tools.run("peer", ["lifecycle", "chaincode", "querycommitted", "--channelID", net.topology.channel,
                                 "--name", net.topology.chaincode.name, "--output", "json"], env)
    committed = json.loads(res.stdout)
    assert committed["approvals"][NEW_BANK_MSP] is True
    # the committed definition is the one naming the configuration with the new bank in it
    assert committed["version"] == contract_config.definition_version(net.topology)
    assert contract_config.network_config(net.topology).org_roles[NEW_BANK_MSP] == ("financier",)
    # A read pinned to the new bank's own peer runs the chaincode on its own server: the contract
    # answers (its officer is no registered party yet) rather than the peer failing to reach it.
    # (Unpinned, the Gateway would retry on another org's peer, which gives the same answer.)
    with open_session(NEW_BANK, "officer1", net.data_root) as officer:
        with pytest.raises(GatewayError) as no_party:
            officer.client.contract.evaluate("WhoAmI", endorsing_organizations=[NEW_BANK_MSP])
        refusal = rule_violation_from(no_party.value, "WhoAmI")
        assert refusal is not None and refusal.rule == "caller-not-a-party", no_party.value


def test_the_new_bank_finances_a_receivable(bank2_added):
    # `org add` deployed a new definition of the receivables chaincode: its contract configuration
    # names Bank2MSP as a financier org, it carries the terms-SupplierMSP-Bank2MSP collection, and
    # every org's chaincode server restarted with that configuration. So Bank2MSP's admin registers
    # its bank, and its officer offers and disburses through its own peer.
    net = bank2_added
    root = net.data_root
    with open_session(NEW_BANK, admin=True, data_root=root) as admin:
        officer_cert = admin.profile.user("officer1").cert
        admin.client.register_party(NEW_BANK_CODE, "Second Commercial Bank", "financier", NEW_BANK_MSP,
                                    [client_id_of(officer_cert)])
    with open_session("supplier", "supplier1", root) as tier1, open_session("coreenterprise", "treasurer", root) as core, \
            open_session(NEW_BANK, "officer1", root) as bank2:
        today = business_today()
        claim = register_claim(tier1, core, "50000.00", "6500.00")
        claim = caught_up(core, tier1).confirm(claim.id)
        financing = caught_up(tier1, core).request_financing(claim.id)
        terms = FinancingTerms(advance_rate=Decimal("0.88"), discount_rate=Decimal("0.034"), recourse=False,
                               expires_on=today + timedelta(days=14))
        offer = caught_up(bank2, tier1).make_offer(financing.id, terms)
        caught_up(tier1, bank2).accept_offer(offer.id)
        disbursed = caught_up(bank2, tier1).record_disbursement(financing.id, terms)
        assert (disbursed.status, disbursed.financier_msp) == ("DISBURSED", NEW_BANK_MSP)


def test_removing_the_new_bank_takes_it_out_of_the_channel(bank2_added):
    peer = bank2_added.topology.peers(NEW_BANK)[0]
    signers = ["--sign-as", "bank", "--sign-as", "supplier", "--sign-as", "coreenterprise"]
    # The claim the new bank financed (the test before) names Bank2MSP in its key-level policy until the
    # financing ends: removed now, its repayment could never be endorsed. So the removal is refused naming it,
    # nothing sent.
    root = bank2_added.data_root
    with open_session("regulator", data_root=root) as regulator:
        financed = [c for c in regulator.client.iter_receivables("status", "FINANCED", page_size=100)
                    if c.financier_msp == NEW_BANK_MSP]
    if financed:            # (none when this test runs alone)
        refused = CliRunner().invoke(main, ["org", "remove", NEW_BANK, *signers, "--data-root", str(root)])
        assert refused.exit_code != 0 and "financed by its bank" in refused.output, refused.output
        assert all(c.id in refused.output for c in financed[:5]), refused.output
        with open_session(NEW_BANK, "officer1", root) as bank2:
            for claim in financed:
                assert bank2.client.record_repayment(claim.financing_id).status == "REPAID"
    removed = recfin_org(bank2_added, "remove", NEW_BANK, *signers)
    assert removed["submitted"] and removed["policy_satisfied"], removed
    assert (removed["policies"][0]["needed"], removed["policies"][0]["of"]) == (3, 5)
    net = Network.load(data_root=bank2_added.data_root, say=print)
    assert NEW_BANK_MSP not in channel_config.application_orgs(OrgMembership(net).fetch_config("bank"))
    assert NEW_BANK not in [o.name for o in net.topology.orgs]
    assert not probes.healthy(peer.operations_address)
    # The definition was deployed again without it: the configuration no longer names Bank2MSP, while
    # its collection stays in the definition (Fabric keeps every collection), unused.
    env = nodeconfig.peer_admin_env(net.topology, net.data_root, "bank")
    res = net.tools.run("peer", ["lifecycle", "chaincode", "querycommitted", "--channelID", net.topology.channel,
                                 "--name", net.topology.chaincode.name, "--output", "json"], env)
    committed = json.loads(res.stdout)
    assert committed["version"] == contract_config.definition_version(net.topology)
    assert NEW_BANK_MSP not in committed["approvals"]
    collections = json.loads(contract_config.collections_path(net.data_root, net.topology.chaincode.name).read_text())
    assert "terms-SupplierMSP-Bank2MSP" in {c["name"] for c in collections}
    # The four orgs still transact without it: a claim registered and confirmed through their peers, which the
    # regulator then counts.
    with open_session("supplier", "supplier1", net.data_root) as tier1, \
            open_session("coreenterprise", "treasurer", net.data_root) as core, \
            open_session("regulator", data_root=net.data_root) as regulator:
        confirmed_before = regulator.client.statistics().count_by_status.get("CONFIRMED", 0)
        claim = register_claim(tier1, core, "1000.00", "130.00")
        assert caught_up(core, tier1).confirm(claim.id).status == "CONFIRMED"
        assert caught_up(regulator, core).statistics().count_by_status["CONFIRMED"] == confirmed_before + 1
