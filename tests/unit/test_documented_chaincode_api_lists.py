"""docs/chaincode-api.md lists exactly the feature contract's transactions ("The feature contract") and the
receivables contract's options ("The receivables contract's options"): the integration tests call the one by
those names and operators set the other by those keys, so a transaction or option added, renamed or given
another default must not leave the page behind."""
from __future__ import annotations

import ast
import re

from chaincode.feature_contract import FeatureContract
from chaincode.receivables.config import NetworkConfig
from tests.unit.test_documented_python import ROOT

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
