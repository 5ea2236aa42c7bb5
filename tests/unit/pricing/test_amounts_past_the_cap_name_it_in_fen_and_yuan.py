"""An amount in an offers file or a bank's pricing above what the ledger holds (a claim's outstanding amount near
2**63 fen, fees of 10**18) is refused in the words every other amount past a cap is (``client.money.above_cap``):
the amount in fen, the cap in yuan and in fen, and what to do. Pydantic's own words said only "Input should be less
than or equal to 100000000000000000", a number of no unit that reads as yuan as well as fen."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import yaml

from cli.finance_commands import finance
from client.money import LEDGER_MAX_FEN, MAX_FEN
from client.pricing import PricingConfigError, bank_config_path, load_bank_config

from ..cli_errors import error_line, invoke as run_command

OFFERS = json.loads((Path(__file__).parents[3] / "client" / "pricing" / "samples" / "offers.json").read_text())
LEDGER_CAP = "1,000,000,000,000,000.00 yuan (100,000,000,000,000,000 fen)"
NEW_RECORD_CAP = "90,071,992,547,409.91 yuan (9,007,199,254,740,991 fen)"


@pytest.mark.parametrize("where, field", [("receivable", "face_amount"), ("bank_offers", "fees")])
@pytest.mark.parametrize("amount", [LEDGER_MAX_FEN + 1, 2**63 - 1, 2**63])
def test_an_offers_file_amount_past_the_ledgers_cap_names_it(tmp_path, where, field, amount):
    data = copy.deepcopy(OFFERS)
    (data[where][0] if isinstance(data[where], list) else data[where])[field] = amount
    path = tmp_path / "offers.json"
    path.write_text(json.dumps(data))
    result = run_command(finance, "compare", "RCV-1", "--offers", path, "--on", "2026-12-01")
    assert result.exit_code == 2
    at = f"{where}.0.{field}" if where == "bank_offers" else f"{where}.{field}"
    assert error_line(result).endswith(f"offers.json: {at}: amount {amount:,} fen is above the cap of {LEDGER_CAP} "
                                       "that the ledger accepts: check the amount")


def test_an_amount_at_the_ledgers_cap_is_taken(tmp_path):
    data = copy.deepcopy(OFFERS)
    data["receivable"]["face_amount"] = LEDGER_MAX_FEN
    path = tmp_path / "offers.json"
    path.write_text(json.dumps(data))
    assert run_command(finance, "compare", "RCV-1", "--offers", path, "--on", "2026-12-01").exit_code == 0


def test_a_bank_pricing_amount_past_the_cap_for_new_records_names_it(tmp_path):
    settings = yaml.safe_load(bank_config_path("bank").read_text())
    settings["limits"]["per_debtor"] = MAX_FEN + 1
    path = tmp_path / "bank.yaml"
    path.write_text(yaml.safe_dump(settings))
    with pytest.raises(PricingConfigError) as refused:
        load_bank_config(path)
    assert str(refused.value) == (f"bank.yaml: limits.per_debtor: amount {MAX_FEN + 1:,} fen is above the cap of "
                                  f"{NEW_RECORD_CAP} that the ledger accepts: check the amount")
