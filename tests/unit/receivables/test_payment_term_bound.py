"""max_payment_term_days is a whole number from 1 to 36500 (a hundred years), refused past it where the configuration
is read (the deployed file and the topology's ``contract:`` block), naming the setting. Unbounded, 10**18 loaded and
was written in every GetContractSettings answer, which a server started with a lower digit limit than the others
(PYTHONINTMAXSTRDIGITS) failed as an internal error for a term long enough. The SDK holds a claim to whatever term
a contract answers, one of another version's longer term included."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from chaincode.receivables import config as cfg
from chaincode.receivables.config import DEFAULT_CONFIG, NetworkConfigError
from client.receivables import ReceivablesClient, RefusedBeforeSending
from network import topology
from network.errors import TopologyError

from ..receivables_client import fakes
from ..receivables_client.fakes import FakeContract
from ..receivables_client.test_client_calls import registration
from .support import standard_net

OUT_OF_RANGE = ("days: a claim may fall due at most that many days after its term starts, so write 1 to 36500 "
                "(a hundred years), or null for one calendar year")


def with_term(days: int) -> str:
    return json.dumps(json.loads(cfg.to_json(DEFAULT_CONFIG)) | {"max_payment_term_days": days})


@pytest.mark.parametrize("days", [0, -1, 36_501, 10**9, 10**18])
def test_a_term_out_of_range_is_refused_at_load_naming_the_setting(days):
    with pytest.raises(NetworkConfigError) as refused:
        cfg.parse_config(with_term(days), "network_config.json")
    assert str(refused.value) == f"network_config.json: max_payment_term_days: {days} {OUT_OF_RANGE}"


@pytest.mark.parametrize("digits", [41, 1000])
def test_a_term_too_long_to_show_is_named_by_its_length(digits):
    with pytest.raises(NetworkConfigError) as refused:
        cfg.parse_config(with_term(int("9" * digits)), "network_config.json")
    assert str(refused.value) == (f"network_config.json: max_payment_term_days: an integer of {digits} digits is not "
                                  "a number of days any setting takes: write the days as a number (e.g. 90), or "
                                  "null for one calendar year")


def test_the_topologys_contract_block_refuses_it_too(tmp_path):
    text = topology.DEFAULT_TOPOLOGY.read_text()
    path = tmp_path / "topology.yaml"
    path.write_text(text.replace("  max_payment_term_days: null ", f"  max_payment_term_days: {10**18} "))
    with pytest.raises(TopologyError) as refused:
        topology.load(path)
    assert str(refused.value) == f"topology.yaml: contract.max_payment_term_days: {10**18} {OUT_OF_RANGE}"


async def test_the_longest_term_loads_and_a_registration_is_held_to_it():
    net = await standard_net(cfg.parse_config(with_term(cfg.MAX_PAYMENT_TERM_DAYS), "network_config.json"))
    tier1, core = net.actors["tier1"], net.actors["core"]
    await net.refused(tier1, "RegisterReceivable", net.registration(tier1, core, 1000, due_in=36_501),
                      rule="payment-term-too-long")
    assert (await net.ok(tier1, "RegisterReceivable", net.registration(tier1, core, 1000, due_in=36_500)))[
        "status"] == "REGISTERED"


START = date(2026, 3, 1)   # the term's start: the date of registration()'s invoice, earlier than its issue date


@pytest.mark.parametrize("term, due", [(40_000, START + timedelta(days=40_000)), (10**18, date.max)])
def test_the_sdk_holds_a_claim_to_a_longer_term_a_contract_of_another_version_answers(term, due):
    contract = FakeContract(responses={"GetContractSettings": fakes.contract_settings(
        max_payment_term_days=term, payment_term=f"{term} days (max_payment_term_days)")})
    client = ReceivablesClient(contract)
    checked = client.check_payment_term(registration().model_copy(update={"due_date": due}), today=date(2026, 3, 2))
    assert checked.max_payment_term_days == term


def test_the_sdk_refuses_a_claim_past_such_a_term():
    contract = FakeContract(responses={"GetContractSettings": fakes.contract_settings(
        max_payment_term_days=40_000, payment_term="40000 days (max_payment_term_days)")})
    past = registration().model_copy(update={"due_date": START + timedelta(days=40_001)})
    with pytest.raises(RefusedBeforeSending, match="past the maximum payment term of 40000 days"):
        ReceivablesClient(contract).check_payment_term(past, today=date(2026, 3, 2))
