"""`recfin chaincode config` names the rule the contract applies for a setting left unset, not a bare "-".

A "-" beside max_payment_term_days reads as "no limit on the payment term", while the contract refuses a due
date more than a calendar year after the issue date; --json keeps the file's null.
"""
from __future__ import annotations

import json

from cli.main import main
from network.topology import DEFAULT_TOPOLOGY


def test_unset_rules_are_shown_as_the_defaults_the_contract_applies(runner):
    result = runner.invoke(main, ["chaincode", "config"])
    assert result.exit_code == 0, result.output
    lines = dict(line.split(": ", 1) for line in result.output.splitlines() if ": " in line)
    assert lines["max_payment_term_days"] == "one calendar year (the default: max_payment_term_days is unset)"
    assert lines["max_attestation_age_days"] == "30 days (the default: max_attestation_age_days is unset)"
    assert lines["attestation_sources"] == "any source (the default: attestation_sources is empty)"


def test_json_keeps_the_unset_values(runner):
    result = runner.invoke(main, ["chaincode", "config", "--json"])
    assert result.exit_code == 0, result.output
    config = json.loads(result.output)["config"]
    assert config["max_payment_term_days"] is None and config["max_attestation_age_days"] is None
    assert config["attestation_sources"] == []


def test_a_set_rule_is_shown_as_set(runner, tmp_path):
    text = DEFAULT_TOPOLOGY.read_text()
    unset = "  max_payment_term_days: null "
    assert unset in text
    topology = tmp_path / "topology.yaml"
    topology.write_text(text.replace(unset, "  max_payment_term_days: 90 "))
    result = runner.invoke(main, ["chaincode", "config", "--topology", str(topology)])
    assert result.exit_code == 0, result.output
    assert "\nmax_payment_term_days: 90\n" in result.output
