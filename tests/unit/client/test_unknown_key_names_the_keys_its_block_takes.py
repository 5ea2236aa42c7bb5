"""A key the topology or a bank's pricing file does not take is refused naming the keys its block does take, in one
helper (client.yaml_files.unknown_key_note) that both use. Two ways it fell short: the block of an entry of a dict
(a grade, an org's namespace) was lost when the entry's name was also the name of one of the block's fields (a grade
named ``spread``, an org ``address``), and the refusal then named no keys at all; and the topology's named a key
holding a line break as written, so the rest of its line began a line of its own."""
from __future__ import annotations

import copy

import pytest
import yaml

from client.pricing import PricingConfigError, bank_config_path, load_bank_config
from network.errors import TopologyError
from network.topology import DEFAULT_TOPOLOGY, parse

TOPOLOGY = yaml.safe_load(DEFAULT_TOPOLOGY.read_text())
PRICING = bank_config_path("bank").read_text(encoding="utf-8")


def topology_refusal(change) -> str:
    data = copy.deepcopy(TOPOLOGY)
    change(data)
    with pytest.raises(TopologyError) as refused:
        parse(data)
    return str(refused.value)


def test_a_grade_named_as_a_grade_field_still_names_a_grades_keys(tmp_path):
    path = tmp_path / "bank-c.yaml"
    grade_e = "  E: null                    # declined\n"
    assert grade_e in PRICING
    path.write_text(PRICING.replace(grade_e, grade_e + '  spread: {sprad: "0.01", advance_rate: "0.8", '
                                                       'limit_factor: "1"}\n', 1), encoding="utf-8")
    with pytest.raises(PricingConfigError) as refused:
        load_bank_config(path)
    assert ("grades.spread.sprad: Extra inputs are not permitted: sprad is no key of this block, which takes spread, "
            "advance_rate, limit_factor") in str(refused.value)


def test_a_namespace_of_an_org_named_as_a_namespace_field_still_names_its_keys():
    said = topology_refusal(lambda data: data.update(
        namespaces={"address": {"netnz": "o", "netns": "o", "address": "10.0.0.1"}}))
    assert ("topology.yaml: namespaces.address.netnz: Extra inputs are not permitted: netnz is no key of this block, "
            "which takes netns, address") in said.splitlines()


def test_a_topology_key_with_a_line_break_is_named_on_the_line_of_its_refusal():
    said = topology_refusal(lambda data: data["orgs"][0].update({"pe\ner": 1}))
    assert said.splitlines() == [
        "topology.yaml: orgs[0]: Extra inputs are not permitted: 'pe\\ner' is no key of this block, which takes name, "
        "msp_id, domain, address, role, admin, chaincode_server_port, chaincode_server_host, peers, users"]
