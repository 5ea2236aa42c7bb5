"""limits.max_days bounds the days financed from the earliest the offer can be disbursed, the day it is made (its
holder may accept it and the bank disburse that day), as well as from the disbursement date priced for: a later
``--on`` does not let the bank offer on a claim further off than it finances."""
import json
from datetime import date, timedelta
from pathlib import Path

from click.testing import CliRunner

from cli.finance_commands import EXIT_DECLINED, finance
from client.pricing import ReceivableTerms, bank_config_path, load_bank_config, quote

from .ledger_world import CONFIG

MADE_ON = date(2026, 12, 1)


def test_a_claim_max_days_off_from_the_day_offered_is_priced_and_one_day_further_is_declined_whatever_on():
    config = load_bank_config(bank_config_path("bank"))
    assert config.limits.max_days == 360
    on = MADE_ON + timedelta(days=5)    # within offer_valid_days
    at = ReceivableTerms(receivable_id="R", face_amount=100_000_000, due_date=MADE_ON + timedelta(days=360))
    past = at.model_copy(update={"due_date": MADE_ON + timedelta(days=361)})
    assert quote(config, at, grade="A", on=on, offered_on=MADE_ON).offer is not None
    declined = quote(config, past, grade="A", on=on, offered_on=MADE_ON)
    assert declined.offer is None
    assert declined.declined == ("361 days to the due date from 2026-12-01, the day the offer would be made and the "
                                 "earliest it can be disbursed; bank finances at most 360")
    # from the date priced for, it says so as before
    assert quote(config, past, grade="A", on=MADE_ON, offered_on=MADE_ON).declined == \
        "361 days to the due date; bank finances at most 360"


def test_a_quote_for_a_later_disbursement_makes_no_offer_the_bank_could_disburse_for_longer(world, tmp_path):
    cfg = tmp_path / "bank-88.yaml"    # the claim is due in 90 days; this bank finances at most 88
    cfg.write_text(Path(CONFIG).read_text(encoding="utf-8").replace("max_days: 360", "max_days: 88"))
    later = date.fromisoformat(world.today) + timedelta(days=5)   # 85 days before the due date
    result = CliRunner().invoke(finance, ["quote", world.receivable, "--as", "bank", "--config", str(cfg),
                                          "--grade", "A", "--on", str(later), "--yes", "--json"])
    data = json.loads(result.stdout)
    assert result.exit_code == EXIT_DECLINED and data["made_offer"] is None
    assert data["declined"] == (f"90 days to the due date from {world.today}, the day the offer would be made and "
                                f"the earliest it can be disbursed; bank finances at most 88")
    assert world.client("bank").financier_exposure(world.uscc("core")).offered_in("CNY") == 0
