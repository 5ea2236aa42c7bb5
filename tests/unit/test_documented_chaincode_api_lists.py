"""docs/chaincode-api.md lists exactly the feature contract's transactions ("The feature contract"), the
receivables contract's options ("The receivables contract's options"), the chaincode server's metrics
("Operations endpoint") and the server's command-line options: the integration tests call the first by those
names, operators set the second by those keys, scrape the third and start the server with the last, so one
added, renamed or changed must not leave the page behind."""
from __future__ import annotations

import ast
import os
import re
import subprocess
import sys

from chaincode.feature_contract import FeatureContract
from chaincode.receivables.config import NetworkConfig
from chaincode.shim.operations import ChaincodeMetrics
from fabric_protos.peer import chaincode_shim_pb2 as shim_pb2
from tests.unit.test_documented_python import ROOT, fences

PAGE = (ROOT / "docs" / "chaincode-api.md").read_text(encoding="utf-8")


def test_the_list_is_the_contracts_transactions():
    section = PAGE.split("\n## The feature contract\n", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"`([A-Z][A-Za-z]+)`", section.split("Deploy it with", 1)[0])) - {"FeatureContract"}
    transactions = set(FeatureContract().transactions())
    assert listed == transactions, (f"listed, not transactions: {sorted(listed - transactions)}; transactions not "
                                    f"listed: {sorted(transactions - listed)}")


def test_the_options_table_is_the_network_configs_fields_with_their_defaults():
    """"The receivables contract's options" has a row per ``NetworkConfig`` field, and a default written as a
    Python value (``None``, ``("financier",)``) is the field's."""
    section = PAGE.split("\n## The receivables contract's options\n", 1)[1].split("\n## ", 1)[0]
    rows = dict(re.findall(r"^\| `(\w+)` \| (.+?) \| ", section, re.MULTILINE))
    fields = NetworkConfig.model_fields
    assert set(rows) == set(fields), f"the options table and NetworkConfig differ in {sorted(set(rows) ^ set(fields))}"
    for name, default in rows.items():
        written = re.fullmatch(r"`(.+)`", default)
        if written is not None:
            assert ast.literal_eval(written[1]) == fields[name].get_default(call_default_factory=True), \
                f"the options table gives {name} the default {written[1]}"


def test_the_metrics_table_and_scrape_are_what_the_server_exposes():
    """The /metrics table names each family the server exposes with its type and labels, and the example
    scrape's HELP and TYPE lines are the server's own."""
    section = PAGE.split("\n### Operations endpoint: /healthz and /metrics\n", 1)[1].split("\n## ", 1)[0]
    table = {name: (kind, set(re.findall(r"`(\w+)`", labels)))
             for name, kind, labels in re.findall(r"^\| `(recfin_\w+)` \| (\w+) \|([^|]*)\|", section, re.MULTILINE)}
    metrics = ChaincodeMetrics()
    metrics.request_sent(shim_pb2.ChaincodeMessage.GET_STATE)
    metrics.transaction_finished(b"features:GetState", 200, metrics.transaction_started())
    exposed = metrics.render().splitlines()
    kinds = dict(re.findall(r"^# TYPE (\w+) (\w+)$", "\n".join(exposed), re.MULTILINE))
    labels: dict[str, set[str]] = {name: set() for name in kinds}
    for line in exposed:
        if sample := re.match(r"^(\w+?)(?:_bucket|_sum|_count)?\{(.*)\} ", line):
            family = next(name for name in kinds if sample[1].startswith(name))
            labels[family] |= set(re.findall(r'(\w+)="', sample[2])) - {"le"}
    assert table == {name: (kind, labels[name]) for name, kind in kinds.items()}, "the /metrics table"
    scrape = next(fence.source for fence in fences(section) if "curl -s" in fence.source)
    said = [line for line in scrape.splitlines() if line.startswith("# ")]
    assert said == [line for line in exposed if line.startswith("# ")], "the example scrape's HELP and TYPE lines"


def test_every_flag_of_the_chaincode_server_is_named():
    """Each option ``python -m chaincode`` takes (its --help) is named on the page: an operator setting up the
    server reads its options there."""
    shown = subprocess.run([sys.executable, "-m", "chaincode", "--help"], cwd=ROOT, capture_output=True, text=True,
                           check=True, env={**os.environ, "COLUMNS": "400"}).stdout
    flags = {flag for line in shown.splitlines() if line.startswith("  -")
             for flag in re.findall(r"(?:^|, )(--[a-z][a-z-]+)", line.strip())} - {"--help"}
    assert {"--contract", "--operations-address"} <= flags, "the server's --help is not read as it is laid out"
    unnamed = sorted(flag for flag in flags if f"`{flag}" not in PAGE and f" {flag} " not in PAGE)
    assert not unnamed, f"chaincode-api.md does not name the server's options {unnamed}"
