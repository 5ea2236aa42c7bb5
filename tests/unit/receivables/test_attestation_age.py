"""How old a passing attestation may be and still back a registration (max_attestation_age_days)."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest

from chaincode.receivables import config as cfg
from chaincode.receivables.config import DEFAULT_CONFIG, NetworkConfig, NetworkConfigError, parse_config

from .support import Net, attestation_request, standard_net

NUMBER = "26442000000000000042"


def requiring(**over) -> NetworkConfig:
    return DEFAULT_CONFIG.model_copy(update={"require_attestation": True, **over})


async def attested_then_registered_later(net: Net, later: timedelta) -> tuple[dict, dict]:
    """A registration of an invoice issued and attested now, as sent ``later``: dated then, due 30 days after."""
    tier1, core = net.actors["tier1"], net.actors["core"]
    reg = net.registration(tier1, core, invoice_no=NUMBER)
    a = await net.ok(net.actors["bank"], "AttestInvoiceVerification",
                     attestation_request(tier1.uscc, NUMBER, invoice=reg["invoices"][0]))
    net.now += later
    reg.update(issue_date=net.today, due_date=net.day(30))
    return reg, a


async def test_a_pass_older_than_the_default_30_days_is_stale_and_named_with_its_age():
    net = await standard_net(requiring())
    reg, a = await attested_then_registered_later(net, timedelta(days=30, seconds=1))
    message = await net.refused(net.actors["tier1"], "RegisterReceivable", reg, rule="invoice-not-attested")
    assert "not counted: 1 attestation(s) passing, but stale" in message
    assert f"made it at {a['attested']['at']}, 30 days before this registration" in message
    assert "counts for at most 30 days (the default: max_attestation_age_days is unset)" in message
    # verified again, the invoice registers on the new pass
    await net.ok(net.actors["bank"], "AttestInvoiceVerification",
                 attestation_request(net.actors["tier1"].uscc, NUMBER, invoice=reg["invoices"][0]))
    net.advance(minutes=1)
    await net.ok(net.actors["tier1"], "RegisterReceivable", reg)


async def test_a_pass_exactly_30_days_old_still_counts():
    net = await standard_net(requiring())
    reg, _ = await attested_then_registered_later(net, timedelta(days=30))
    await net.ok(net.actors["tier1"], "RegisterReceivable", reg)


@pytest.mark.parametrize("days, registered_after, counts, limit", [
    (300, 299, True, "300 days"), (300, 301, False, "300 days"), (1, 2, False, "1 day")])
async def test_the_network_sets_how_old_a_pass_may_be(days, registered_after, counts, limit):
    net = await standard_net(requiring(max_attestation_age_days=days))
    reg, _ = await attested_then_registered_later(net, timedelta(days=registered_after))
    if counts:
        await net.ok(net.actors["tier1"], "RegisterReceivable", reg)
    else:
        message = await net.refused(net.actors["tier1"], "RegisterReceivable", reg, rule="invoice-not-attested")
        assert (f"{registered_after} days before this registration, and a pass counts for at most {limit} "
                "(max_attestation_age_days)") in message


async def test_a_pass_made_before_a_rejected_registration_does_not_back_one_a_year_later():
    # the reviewer's case: one pass, a claim registered on it and rejected, the invoice registered again long after
    net = await standard_net(requiring())
    tier1, core = net.actors["tier1"], net.actors["core"]
    reg, _ = await attested_then_registered_later(net, timedelta(days=1))
    first = await net.ok(tier1, "RegisterReceivable", reg)
    await net.ok(core, "RejectReceivable", first["id"], "goods not delivered")
    net.advance(days=300)
    reg.update(issue_date=net.today, due_date=net.day(30))
    await net.refused(tier1, "RegisterReceivable", reg, rule="invoice-not-attested")


async def test_a_stale_pass_still_says_what_its_attester_verified_and_contradicts_another():
    # its attester has not taken those values back: a stale reading of another total still disagrees
    net = await standard_net(requiring())
    tier1, core = net.actors["tier1"], net.actors["core"]
    reg = net.registration(tier1, core, invoice_no=NUMBER)
    other_total = dict(reg["invoices"][0], amount=reg["invoices"][0]["amount"] * 9)
    await net.ok(net.actors["bank"], "AttestInvoiceVerification",
                 attestation_request(tier1.uscc, NUMBER, invoice=other_total))
    net.advance(days=40)
    reg.update(issue_date=net.today, due_date=net.day(30))
    await net.ok(net.actors["bank2"], "AttestInvoiceVerification",
                 attestation_request(tier1.uscc, NUMBER, invoice=reg["invoices"][0]))
    net.advance(minutes=1)
    message = await net.refused(tier1, "RegisterReceivable", reg, rule="invoice-attestations-disagree")
    assert net.actors["bank"].uscc in message and net.actors["bank2"].uscc in message


async def test_a_failure_counts_whatever_its_age():
    net = await standard_net(requiring())
    tier1, core = net.actors["tier1"], net.actors["core"]
    reg = net.registration(tier1, core, invoice_no=NUMBER)
    await net.ok(net.actors["bank"], "AttestInvoiceVerification",
                 attestation_request(tier1.uscc, NUMBER, invoice=reg["invoices"][0], outcome="fail"))
    net.advance(days=200)
    reg.update(issue_date=net.today, due_date=net.day(30))
    await net.ok(net.actors["bank2"], "AttestInvoiceVerification",
                 attestation_request(tier1.uscc, NUMBER, invoice=reg["invoices"][0]))
    net.advance(minutes=1)
    await net.refused(tier1, "RegisterReceivable", reg, rule="invoice-verification-failed")


@pytest.mark.parametrize("written, says", [
    (0, "0 days: a passing attestation counts for a registration made at most that many days after it"),
    (-5, "-5 days"),
    ("30", "'30' is not a whole number of days"),
    (30.0, "30.0 is not a whole number of days"),
    (True, "true is not a whole number of days"),
    # past a hundred years: no limit a network means; past timedelta's range, every attested registration
    # failed with an internal OverflowError, the file having loaded
    (36_501, "36501 days: a passing attestation counts for a registration made at most that many days after "
             "it, so write 1 to 36500 (a hundred years)"),
    (1_000_000_000, "1000000000 days"),
])
def test_an_age_that_is_no_whole_number_of_days_from_1_to_a_hundred_years_is_refused_at_load(written, says):
    doc = json.loads(cfg.to_json(DEFAULT_CONFIG)) | {"max_attestation_age_days": written}
    with pytest.raises(NetworkConfigError, match=re.escape(f"network_config.json: max_attestation_age_days: {says}")):
        parse_config(json.dumps(doc), "network_config.json")


async def test_the_longest_age_allowed_loads_and_a_registration_is_checked_against_it():
    doc = json.loads(cfg.to_json(requiring())) | {"max_attestation_age_days": cfg.MAX_ATTESTATION_AGE_DAYS}
    net = await standard_net(parse_config(json.dumps(doc), "network_config.json"))
    reg, _ = await attested_then_registered_later(net, timedelta(days=300))   # stale by the default
    assert (await net.ok(net.actors["tier1"], "RegisterReceivable", reg))["status"] == "REGISTERED"


def test_a_configuration_without_the_age_keeps_its_file_and_digest_and_runs_with_30_days():
    # networks deployed before the setting existed: their file, digest and approved definition stay valid
    written = json.loads(cfg.to_json(DEFAULT_CONFIG))
    assert "max_attestation_age_days" not in written
    read = parse_config(json.dumps(written), "network_config.json")
    assert read.max_attestation_age_days is None and read.attestation_age_limit_days == 30
    assert cfg.digest(read) == cfg.digest(DEFAULT_CONFIG)
    assert parse_config(json.dumps(written | {"max_attestation_age_days": None}), "f").attestation_age_limit_days == 30
    set_to_45 = DEFAULT_CONFIG.model_copy(update={"max_attestation_age_days": 45})
    assert json.loads(cfg.to_json(set_to_45))["max_attestation_age_days"] == 45
    assert cfg.digest(set_to_45) != cfg.digest(DEFAULT_CONFIG)
    assert parse_config(cfg.to_json(set_to_45), "f").attestation_age_limit_days == 45


def test_the_topologys_contract_block_sets_the_age_and_recfin_chaincode_config_shows_it(tmp_path):
    from network import contract_config
    from network.topology import load as load_topology

    topology = load_topology()
    assert contract_config.report(topology, tmp_path)["config"]["max_attestation_age_days"] is None   # 30 days
    set_to_45 = topology.model_copy(update={"contract": cfg.ContractSettings(max_attestation_age_days=45)})
    report = contract_config.report(set_to_45, tmp_path)
    assert report["config"]["max_attestation_age_days"] == 45
    assert contract_config.network_config(set_to_45).attestation_age_limit_days == 45
    assert report["version"] != contract_config.report(topology, tmp_path)["version"]
