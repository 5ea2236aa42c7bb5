"""The contract's settings are taken as written: a boolean is no number of days, nor a number or a word a flag.

Read leniently, ``max_payment_term_days: yes`` would be a term of 1 day (every claim due later refused) and "90" or
90.0 would pass for 90; ``require_attestation: "yes"`` or 1 would turn attestation on, true and 1 even giving the
same definition digest. Both the deployed file and the topology's ``contract:`` block refuse them, naming the
setting and what it takes.
"""

from __future__ import annotations

import json

import pytest

from chaincode.receivables import config as cfg
from chaincode.receivables.config import DEFAULT_CONFIG, ContractSettings, NetworkConfigError
from network import topology
from network.errors import TopologyError

DAYS_WANTED = "is not a whole number of days: write the days as a number, without quotes or decimals (e.g. 90), or " \
              "null for one calendar year"
FLAG_WANTED = "is not true or false: write true or false, without quotes"


def parsed(**settings) -> cfg.NetworkConfig:
    return cfg.parse_config(json.dumps(json.loads(cfg.to_json(DEFAULT_CONFIG)) | settings), "network_config.json")


@pytest.mark.parametrize("days, as_written", [(True, "true"), (False, "false"), ("90", "'90'"), (90.0, "90.0"),
                                              ([90], "[90]")])
def test_a_term_that_is_no_whole_number_is_refused_naming_the_setting(days, as_written):
    with pytest.raises(NetworkConfigError) as refused:
        parsed(max_payment_term_days=days)
    assert str(refused.value) == f"network_config.json: max_payment_term_days: {as_written} {DAYS_WANTED}"


@pytest.mark.parametrize("flag, as_written", [("yes", "'yes'"), ("true", "'true'"), (1, "1"), (0, "0"),
                                              (None, "null")])
def test_require_attestation_is_true_or_false_only(flag, as_written):
    with pytest.raises(NetworkConfigError) as refused:
        parsed(require_attestation=flag)
    assert str(refused.value) == f"network_config.json: require_attestation: {as_written} {FLAG_WANTED}"


def test_true_and_1_no_longer_share_a_digest():
    assert parsed(require_attestation=True).require_attestation is True
    with pytest.raises(NetworkConfigError):
        parsed(require_attestation=1)


@pytest.mark.parametrize("days", [None, 1, 90, 366])
def test_a_whole_number_of_days_or_null_is_taken(days):
    assert parsed(max_payment_term_days=days).max_payment_term_days == days


def test_the_default_configuration_reads_back_as_written():
    assert cfg.parse_config(cfg.to_json(DEFAULT_CONFIG), "network_config.json") == DEFAULT_CONFIG


def test_the_topology_files_defaults_still_load():
    assert topology.load().contract == ContractSettings()


@pytest.mark.parametrize("setting, default, written, as_read, wanted", [
    ("max_payment_term_days", "null", "yes", "true", DAYS_WANTED),     # YAML reads yes as true
    ("max_payment_term_days", "null", '"90"', "'90'", DAYS_WANTED),
    ("max_payment_term_days", "null", "90.0", "90.0", DAYS_WANTED),
    ("require_attestation", "false", '"yes"', "'yes'", FLAG_WANTED),
    ("require_attestation", "false", "1", "1", FLAG_WANTED),
])
def test_the_topologys_contract_block_refuses_them_too(tmp_path, setting, default, written, as_read, wanted):
    text = topology.DEFAULT_TOPOLOGY.read_text()
    assert text.count(f"  {setting}: {default} ") == 1
    path = tmp_path / "topology.yaml"
    path.write_text(text.replace(f"  {setting}: {default} ", f"  {setting}: {written} "))
    with pytest.raises(TopologyError) as refused:
        topology.load(path)
    assert str(refused.value) == f"topology.yaml: contract.{setting}: {as_read} {wanted}"


def test_the_topologys_contract_block_takes_a_number_of_days(tmp_path):
    text = topology.DEFAULT_TOPOLOGY.read_text()
    path = tmp_path / "topology.yaml"
    path.write_text(text.replace("  max_payment_term_days: null ", "  max_payment_term_days: 90 ")
                    .replace("  require_attestation: false ", "  require_attestation: true "))
    settings = topology.load(path).contract
    assert (settings.max_payment_term_days, settings.require_attestation) == (90, True)


@pytest.mark.parametrize("text, as_written", [("null", "null"), ("[1, true]", "[1, true]"), ('"90"', "'90'")])
def test_a_file_that_is_no_object_is_refused_naming_what_it_holds_as_json_writes_it(text, as_written):
    with pytest.raises(NetworkConfigError) as refused:
        cfg.parse_config(text, "network_config.json")
    assert str(refused.value) == f"network_config.json: expected a JSON object, got {as_written}"
