"""`recfin finance quote --debtor` on the ledger reads a credit code typed in lower case in capitals, as the `party`
commands do: the contract keys parties and claims by codes in capitals only, so ``9131000000000001xn`` can only be
the claim's debtor ``9131000000000001XN``. It was refused, exit 2, as no unified social credit code. Over the real
contract in memory (ledger_world.World)."""
from __future__ import annotations

import json

from click.testing import CliRunner

from cli.finance_commands import finance

from .test_finance_ledger import SAMPLE_HISTORY, quote


def test_the_claims_debtor_in_lower_case_is_the_claims_debtor(world):
    core = world.uscc("core")
    assert core.lower() != core   # it has letters to read so
    result = quote(world, "--grade", "B", "--debtor", core.lower(), "--yes", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["made_offer"]["financing_id"] == world.financing


def test_a_history_file_of_the_claims_debtor_is_priced_with_its_code_in_lower_case(world, tmp_path):
    core = world.uscc("core")
    sample = json.loads(open(SAMPLE_HISTORY, encoding="utf-8").read())
    shared = tmp_path / "core.json"
    shared.write_text(json.dumps({**sample, "debtor": core,
                                  "events": [{**e, "debtor": core} for e in sample["events"]]}))
    result = quote(world, "--history", str(shared), "--debtor", core.lower(), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["debtor"] == core


def test_another_partys_code_in_lower_case_is_still_refused_naming_it_in_capitals(world):
    other = world.uscc("tier1")
    result = quote(world, "--grade", "B", "--debtor", other.lower(), "--yes")
    assert result.exit_code == 1
    assert f"--debtor {other} is not the debtor of {world.receivable}" in result.output
    assert world.client("tier1").get_financing(world.financing).offers == []


def test_help_says_a_code_in_lower_case_is_read_in_capitals():
    shown = " ".join(CliRunner().invoke(finance, ["quote", "--help"]).output.split())
    assert "its credit code, read in capitals as the ledger keeps it (91310000ma1k000019 is 91310000MA1K000019)" \
        in shown
