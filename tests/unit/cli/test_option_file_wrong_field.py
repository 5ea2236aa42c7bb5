"""A file an option names that reads as JSON or YAML but holds a wrong or missing field is a usage error
(exit 2) naming the option, the file and the field, as one that cannot be read is; it exited 1, the code of
what the command itself answers (a declined `finance quote`), so a script could not tell a wrong file from a
refusal.

So is a --topology file that is there but cannot be read or is no valid topology, for every command that
takes --topology: it exited 1."""
from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
import yaml
from click.testing import CliRunner
from pydantic import BaseModel

from cli.main import main
from client.risk import DEFAULT_MODEL
from network.topology import DEFAULT_TOPOLOGY

from ..cli_errors import error_line

BANK_CONFIG = Path(__file__).parents[3] / "client" / "pricing" / "banks" / "bank.yaml"
OFFERS = {
    "receivable": {"receivable_id": "RCV-1", "face_amount": 100_000_000, "due_date": "2027-03-01",
                   "financing_id": "F-1"},
    "bank_offers": [{"offer_id": "OF-A", "financier": "bank-a", "advance_rate": "0.90",
                     "discount_rate": "0.04", "fees": 50_000, "recourse": True, "day_count": "ACT/360",
                     "expires_on": "2026-12-10"}],
}
QUOTE = ["finance", "quote", "RCV-1", "--as", "bank", "--face", "1,000,000", "--due", "2026-09-25",
         "--on", "2025-12-30"]


def run(runner: CliRunner, *args, env: dict | None = None):
    return runner.invoke(main, [str(a) for a in args], env=env)


def written(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def refused_naming(result, option: str, *said: str) -> str:
    line = error_line(result)
    assert result.exit_code == 2, result.output
    assert line.startswith(f"Error: Invalid value for '{option}': "), line
    for words in said:
        assert words in line, line
    return line


# ------------------------------------------------------------------ a wrong field in a JSON or YAML file

def test_an_offers_file_with_a_wrong_field_is_a_usage_error_naming_the_option_file_and_field(runner,
                                                                                             tmp_path):
    bad = json.loads(json.dumps(OFFERS))
    bad["bank_offers"][0]["discount_rate"] = 0.04          # a JSON number, where a rate is a quoted decimal
    path = written(tmp_path, "offers.json", json.dumps(bad))
    refused_naming(run(runner, "finance", "compare", "RCV-1", "--offers", path), "--offers",
                   f"{path}: bank_offers.0.discount_rate")


def test_an_offers_file_about_another_receivable_is_a_usage_error_naming_the_option(runner, tmp_path):
    path = written(tmp_path, "offers.json", json.dumps(OFFERS))
    refused_naming(run(runner, "finance", "compare", "RCV-2", "--offers", path), "--offers",
                   f"{path} is about RCV-1, not RCV-2")


def test_a_pricing_config_with_a_wrong_setting_is_a_usage_error_naming_the_option_and_field(runner, tmp_path):
    text = BANK_CONFIG.read_text(encoding="utf-8").replace('base_rate: "0.0310"', 'base_rate: "1:30"')
    path = written(tmp_path, "bank.yaml", text)
    refused_naming(run(runner, *QUOTE, "--grade", "B", "--config", path), "--config", "bank.yaml: base_rate:")


def test_a_history_file_with_a_wrong_field_is_a_usage_error_naming_the_option_and_field(runner, tmp_path):
    path = written(tmp_path, "history.json", json.dumps({"debtor": "D1", "events": [
        {"receivable_id": "R1", "debtor": "D1", "event": "confirmed", "event_date": "2025-02-30",
         "amount": 100}]}))
    refused_naming(run(runner, "risk", "score", "D1", "--history", path), "--history", f"{path}: events.0.")
    refused_naming(run(runner, *QUOTE, "--history", path, "--debtor", "D1"), "--history",
                   f"{path}: events.0.")


def test_a_history_file_of_another_debtor_is_a_usage_error_naming_the_option(runner, tmp_path):
    path = written(tmp_path, "history.json", json.dumps({"debtor": "D2", "events": []}))
    refused_naming(run(runner, "risk", "score", "D1", "--history", path), "--history",
                   f"{path} holds the history of D2, not D1")


def test_a_model_file_with_a_wrong_field_is_a_usage_error_naming_the_option_and_field(runner, tmp_path):
    history = written(tmp_path, "history.json", json.dumps({"debtor": "D1", "events": []}))
    data = json.loads(DEFAULT_MODEL.read_text())
    del data["version"]
    model = written(tmp_path, "model.json", json.dumps(data))
    refused_naming(run(runner, "risk", "score", "D1", "--history", history, "--model", model), "--model",
                   f"{model} is not a usable model artefact: version: missing")
    refused_naming(run(runner, *QUOTE, "--history", history, "--debtor", "D1", "--model", model), "--model",
                   "version: missing")


def test_an_org_definition_with_a_wrong_field_is_a_usage_error_naming_the_option(runner, tmp_path):
    path = written(tmp_path, "bank2.definition.json",
                   json.dumps({"format": "recfin.org-definition/1", "org": {"name": "bank2", "msp_id": 7}}))
    refused_naming(run(runner, "org", "add", "bank2", "--role", "bank", "--enterprise", "91110000MA1K00007E",
                       "--dry-run", "--definition", path), "--definition", f"{path} org: ")


def test_a_config_block_that_is_no_block_is_a_usage_error_naming_the_option(runner, tmp_path):
    path = tmp_path / "config.block"
    path.write_bytes(b"\x0a\x00")      # a Block with no transaction
    refused_naming(run(runner, "org", "remove", "bank", "--dry-run", "--config-block", path),
                   "--config-block", f"{path}: block 0 holds 0 transactions")


class _Shape(BaseModel):
    amount: int


def test_a_wrong_field_in_a_file_no_option_named_stays_one_line_exit_1():
    from cli.output import validated

    # the shipped model or bank settings, read by default: no option is at fault
    with pytest.raises(click.ClickException) as refused:
        validated(_Shape, {"amount": "x"}, None, lambda exc: "shipped.json: amount: not a whole number")
    assert not isinstance(refused.value, click.UsageError) and refused.value.exit_code == 1
    # the refusal's one line, not pydantic's report of several
    assert refused.value.message == "shipped.json: amount: not a whole number"
    with pytest.raises(click.BadParameter) as refused:
        validated(_Shape, {"amount": "x"}, "--shape", lambda exc: "given.json: amount: not a whole number")
    assert refused.value.exit_code == 2 and refused.value.param_hint == "'--shape'"
    assert refused.value.message == "given.json: amount: not a whole number"


# ------------------------------------------------------------------ --topology

def misspelt_topology(tmp_path: Path) -> Path:
    data = yaml.safe_load(DEFAULT_TOPOLOGY.read_text())
    data["orgs"][2]["peers"][0]["prot"] = data["orgs"][2]["peers"][0].pop("port")
    return written(tmp_path, "topology.yaml", yaml.safe_dump(data))


TOPOLOGY_COMMANDS = {
    "network up": ["network", "up"],
    "network status": ["network", "status"],
    "network down": ["network", "down"],
    "network prepare": ["network", "prepare"],
    "demo": ["demo"],
    "org add": ["org", "add", "bank2", "--role", "bank", "--enterprise", "91110000MA1K00007E", "--dry-run"],
    "org keys": ["org", "keys", "bank2", "--role", "bank"],
    "org sign": ["org", "sign", "@update", "--as", "bank"],
    "chaincode config": ["chaincode", "config"],
    "bench": ["bench", "--workload", "confirm"],
}


@pytest.mark.parametrize("command", TOPOLOGY_COMMANDS)
def test_a_topology_that_is_no_valid_topology_is_a_usage_error_naming_the_option_and_field(runner, tmp_path,
                                                                                           command):
    topology = misspelt_topology(tmp_path)
    update = written(tmp_path, "bank2.tx", "")
    args = [str(update) if a == "@update" else a for a in TOPOLOGY_COMMANDS[command]]
    result = run(runner, *args, "--topology", topology)
    refused_naming(result, "--topology", "topology.yaml: orgs[2].peers[0]", "prot")
    assert not (tmp_path / "home").exists()       # refused before anything was made


@pytest.mark.parametrize("content", ["orgs: [\n", "", "just text\n"], ids=["not YAML", "empty", "no mapping"])
def test_a_topology_that_cannot_be_read_as_one_is_a_usage_error(runner, tmp_path, content):
    topology = written(tmp_path, "topology.yaml", content)
    refused_naming(run(runner, "network", "status", "--topology", topology), "--topology", "topology.yaml")


def test_a_missing_topology_is_a_usage_error_naming_the_option(runner, tmp_path):
    refused_naming(run(runner, "network", "up", "--topology", tmp_path / "nope.yaml"), "--topology",
                   f"cannot read topology {tmp_path / 'nope.yaml'}: No such file or directory")


def test_a_topology_given_by_the_environment_says_so(runner, tmp_path):
    topology = misspelt_topology(tmp_path)
    result = run(runner, "network", "status", env={"RECFIN_TOPOLOGY": str(topology)})
    refused_naming(result, "--topology", "given by RECFIN_TOPOLOGY: topology.yaml: orgs[2].peers[0]")


def test_a_valid_topology_passes_to_the_command(runner, tmp_path):
    topology = written(tmp_path, "topology.yaml", DEFAULT_TOPOLOGY.read_text())
    result = run(runner, "network", "status", "--topology", topology)
    assert result.exit_code == 1 and "Invalid value" not in result.output       # no network there: its answer
