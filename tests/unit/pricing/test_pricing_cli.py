"""`recfin finance ...` through click, with offers from a file (no network)."""
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.finance_commands import finance
from client.pricing import bank_config_path

from ..cli_errors import error_line
from ..risk.risk_helpers import write_card

OFFERS = {
    "receivable": {"receivable_id": "RCV-1", "face_amount": 100_000_000, "due_date": "2027-03-01",
                   "financing_id": "F-1"},   # bank offers are open only on a financing request
    "bank_offers": [
        {"offer_id": "OF-A", "financier": "bank-a", "advance_rate": "0.90", "discount_rate": "0.04", "fees": 50_000,
         "recourse": True, "day_count": "ACT/360", "expires_on": "2026-12-10"},
        {"offer_id": "OF-B", "financier": "bank-b", "advance_rate": "1", "discount_rate": "0.045", "fees": 0,
         "recourse": False, "day_count": "ACT/365", "expires_on": "2026-12-10"},
    ],
    "early_payment": {"offer_id": "DD-1", "debtor": "core", "apr": "0.05", "day_count": "ACT/365",
                      "expires_on": "2027-01-01"},
}


def offers_file(tmp_path, data=OFFERS):
    path = tmp_path / "offers.json"
    path.write_text(json.dumps(data))
    return str(path)


def test_compare_ranks_with_why(tmp_path):
    result = CliRunner().invoke(finance, ["compare", "RCV-1", "--offers", offers_file(tmp_path), "--on", "2026-12-01"])
    assert result.exit_code == 0, result.output
    assert "OF-A: cheapest of 3" in result.output and "OF-B: #2 by cost" in result.output
    assert ("DD-1: not takeable now: RCV-1 has a live financing request F-1, and the contract pays early only a claim "
            "without one (rule receivable-financed); withdraw the request first (recfin finance withdraw F-1), and "
            "the bank offers on it lapse "
            "then; taken then: #3 by cost: 5.0624% a year, 0.7359 points above OF-A; #2 by cash: CNY 1,232.88 less now "
            "than OF-B") in result.output


def test_compare_table_says_which_offer_can_be_taken_now_and_the_step_first_for_the_others(tmp_path):
    result = CliRunner().invoke(finance, ["compare", "RCV-1", "--offers", offers_file(tmp_path), "--on", "2026-12-01",
                                          "--by", "cash"])
    assert result.exit_code == 0, result.output
    header, *rows = result.output.splitlines()[1:4]
    assert header.split()[:3] == ["RANK_BY_COST", "RANK_BY_CASH", "OFFER_ID"]
    assert header.split()[-2:] == ["TAKEABLE_NOW", "FIRST_STEP"]
    # the bank's offers and the debtor's early payment in one ranking, by cash: DD-1 second, behind a step
    assert [row.split()[:3] for row in rows] == [["2", "1", "OF-B"], ["3", "2", "DD-1"]]
    assert rows[0].endswith("yes           -") and rows[1].endswith("no            withdraw the financing request")


def test_compare_ranks_a_banks_quoted_terms_before_any_request_with_request_financing_first(tmp_path):
    """Before asking for financing (which stops the debtor's early payment) the holder compares the two."""
    data = {**OFFERS, "receivable": {**OFFERS["receivable"], "financing_id": None}}
    result = CliRunner().invoke(finance, ["compare", "RCV-1", "--offers", offers_file(tmp_path, data), "--on",
                                          "2026-12-01", "--json"])
    assert result.exit_code == 0, result.output
    proposals = json.loads(result.stdout)["proposals"]
    assert [(p["offer_id"], p["rank_by_cost"], p["rank_by_cash"], p["takeable_now"], p["first_step"])
            for p in proposals] == [("OF-A", 1, 3, False, "request financing"),
                                    ("OF-B", 2, 1, False, "request financing"), ("DD-1", 3, 2, True, None)]
    assert proposals[0]["why"].startswith("not takeable now: RCV-1 has no financing request, and a bank's offer is "
                                          "accepted only on one; request financing first (recfin finance request "
                                          "RCV-1) for bank-a to make its offer on")
    assert proposals[2]["why"].startswith("#3 by cost, the cheapest takeable now: 5.0624% a year, 0.7359 points above "
                                          "OF-A; #2 by cash, the most cash takeable now: CNY 1,232.88 less now than "
                                          "OF-B")


def test_compare_json_by_cash(tmp_path):
    result = CliRunner().invoke(finance, ["compare", "RCV-1", "--offers", offers_file(tmp_path), "--on", "2026-12-01",
                                          "--by", "cash", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [p["offer_id"] for p in data["proposals"]] == ["OF-B", "DD-1", "OF-A"]
    assert [p["rank_by_cash"] for p in data["proposals"]] == [1, 2, 3]
    assert data["proposals"][2]["net_cash"] == 89_050_000 and data["proposals"][2]["apr"] == "0.043265"
    assert [p["first_step"] for p in data["proposals"]] == [None, "withdraw the financing request", None]


def test_compare_takes_several_early_payment_offers_from_a_file(tmp_path):
    data = {"receivable": {**OFFERS["receivable"], "financing_id": None}, "bank_offers": [],   # early payment open
            "early_payments": [OFFERS["early_payment"], {**OFFERS["early_payment"], "offer_id": "DD-2", "apr": "0.03"}]}
    result = CliRunner().invoke(finance, ["compare", "RCV-1", "--offers", offers_file(tmp_path, data), "--on",
                                          "2026-12-01", "--json"])
    assert result.exit_code == 0, result.output
    assert [(p["offer_id"], p["rank_by_cost"]) for p in json.loads(result.stdout)["proposals"]] == [("DD-2", 1),
                                                                                                      ("DD-1", 2)]
    both = {**data, "early_payment": OFFERS["early_payment"]}
    result = CliRunner().invoke(finance, ["compare", "RCV-1", "--offers", offers_file(tmp_path, both)])
    assert result.exit_code == 2 and "early_payment: give it or early_payments, not both" in result.output


def test_compare_errors_are_one_line(tmp_path):
    bad = json.loads(json.dumps(OFFERS))
    bad["bank_offers"][0]["discount_rate"] = 0.04
    result = CliRunner().invoke(finance, ["compare", "RCV-1", "--offers", offers_file(tmp_path, bad)])
    assert result.exit_code == 2 and "bank_offers.0.discount_rate" in result.output
    result = CliRunner().invoke(finance, ["compare", "RCV-2", "--offers", offers_file(tmp_path)])
    assert result.exit_code == 2 and "not RCV-2" in result.output
    result = CliRunner().invoke(finance, ["compare", "RCV-1", "--data-root", str(tmp_path)])  # no network there
    assert result.exit_code == 1 and "connection profile" in result.output and "--offers FILE" in result.output


def test_quote_as_a_bank(tmp_path):
    args = ["quote", "RCV-1", "--as", "bank", "--face", "1,000,000", "--due", "2027-03-01",
            "--grade", "B", "--on", "2026-12-01"]
    result = CliRunner().invoke(finance, args + ["--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["offer"]["discount_rate"] == "0.0400" and data["priced"]["interest"] == 900_000
    table = CliRunner().invoke(finance, args)
    assert "priced.apr: 4.5338%" in table.output and "priced.net_cash: CNY 890,050.00" in table.output


def test_an_offline_quote_as_a_bank_user_reads_the_bank_orgs_pricing_file():
    """--as ORG/USER names the org's file, as on the ledger: not a file named after the user's path."""
    args = ["quote", "RCV-1", "--face", "1,000,000", "--due", "2027-03-01", "--grade", "B", "--on", "2026-12-01",
            "--json"]
    as_org = CliRunner().invoke(finance, args + ["--as", "bank"])
    as_user = CliRunner().invoke(finance, args + ["--as", "bank/officer1"])
    assert as_user.exit_code == 0, as_user.output
    assert json.loads(as_user.stdout) == json.loads(as_org.stdout)


def test_quote_without_a_network_or_the_receivable_says_what_to_pass(tmp_path):
    result = CliRunner().invoke(finance, ["quote", "RCV-1", "--as", "bank", "--grade", "A",
                                          "--data-root", str(tmp_path)])
    assert result.exit_code == 1 and "connection profile" in result.output and "--face AMOUNT --due" in result.output
    result = CliRunner().invoke(finance, ["quote", "RCV-1", "--as", "bank", "--grade", "A", "--face", "100"])
    assert result.exit_code == 2 and "--due" in result.output


def test_quote_reports_a_bad_config(tmp_path):
    path = tmp_path / "b.yaml"
    path.write_text("bank: x\nbase_rate: 0.03\n")
    result = CliRunner().invoke(finance, ["quote", "R", "--as", "x", "--config", str(path), "--face", "100",
                                          "--due", "2027-01-01", "--grade", "A"])
    assert result.exit_code == 2 and "base_rate" in result.output


def test_quote_scores_the_debtor_from_a_history_file(tmp_path):
    from client.risk.simulator import SimulationConfig, simulate
    history = simulate(SimulationConfig(debtors=2, seed=4))[0]
    path = tmp_path / "h.json"
    path.write_text(history.model_dump_json())
    result = CliRunner().invoke(finance, ["quote", "RCV-9", "--as", "bank", "--face", "1,000,000",
                                          "--due", "2026-03-01", "--on", "2025-12-31", "--history", str(path),
                                          "--debtor", history.debtor, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["debtor_grade"] in "ABCDE" and 0 <= float(data["probability_late"]) <= 1
    assert data["synthetic"] is True   # the simulator's debtor, said so as `risk score` says it


def test_a_quote_scored_from_a_synthetic_history_says_so_and_one_from_a_real_history_does_not(tmp_path):
    from cli.risk_commands import SYNTHETIC_NOTE
    table = quote_from_history("2025-12-30", "--json")
    assert table.exit_code == 0, table.output
    assert json.loads(table.stdout)["synthetic"] is True
    args = ["quote", "RCV-1", "--as", "bank", "--face", "1,000,000", "--due", HISTORY_CLAIM_DUE, "--on",
            "2025-12-30", "--debtor", "SYN-DEBTOR-0007"]
    printed = CliRunner().invoke(finance, args + ["--history", SAMPLE_HISTORY])
    assert printed.exit_code == 0, printed.output
    assert printed.stdout.splitlines()[0] == SYNTHETIC_NOTE and "debtor_grade: " in printed.stdout
    real = json.loads(Path(SAMPLE_HISTORY).read_text())
    real["synthetic"] = False   # the same events, as a history read from a ledger would be marked
    path = tmp_path / "real.json"
    path.write_text(json.dumps(real))
    unmarked = CliRunner().invoke(finance, args + ["--history", str(path)])
    assert unmarked.exit_code == 0, unmarked.output
    assert SYNTHETIC_NOTE not in unmarked.output
    shown = CliRunner().invoke(finance, args + ["--history", str(path), "--json"])
    assert json.loads(shown.stdout)["synthetic"] is False
    graded = CliRunner().invoke(finance, args[:-2] + ["--grade", "B", "--json"])   # nothing scored
    assert json.loads(graded.stdout)["synthetic"] is False


def test_compare_lists_an_early_payment_that_would_leave_nothing_to_pay_as_ineligible(tmp_path):
    data = {**OFFERS, "receivable": {**OFFERS["receivable"], "due_date": "2027-12-01"},   # 365 days early
            "early_payment": {**OFFERS["early_payment"], "apr": "1", "day_count": "ACT/360"}}
    result = CliRunner().invoke(finance, ["compare", "RCV-1", "--offers", offers_file(tmp_path, data), "--on",
                                          "2026-12-01"])
    assert result.exit_code == 0, result.output
    assert "OF-A: cheapest of 2" in result.output
    assert "DD-1: not eligible: 100.00% a year for 365 days early (ACT/360) is a discount of CNY 1,013,888.89" in \
        result.output


def test_compare_takes_the_live_financing_from_the_file(tmp_path):
    data = {**OFFERS, "receivable": {**OFFERS["receivable"], "financing_id": "F-1"}}
    result = CliRunner().invoke(finance, ["compare", "RCV-1", "--offers", offers_file(tmp_path, data), "--on",
                                          "2026-12-01", "--json"])
    assert result.exit_code == 0, result.output
    proposals = json.loads(result.stdout)["proposals"]
    assert [(p["offer_id"], p["takeable_now"]) for p in proposals] == [("OF-A", True), ("OF-B", True), ("DD-1", False)]


# SYN-DEBTOR-0007's, its last event on 2025-12-30
SAMPLE_HISTORY = str(Path(__file__).parents[3] / "client" / "risk" / "samples" / "history.json")


# within the shipped bank's 360 days of every --on these tests quote on: a quote it declines exits 1
HISTORY_CLAIM_DUE = "2026-09-25"


def quote_from_history(on: str, *extra: str):
    return CliRunner().invoke(finance, ["quote", "RCV-1", "--as", "bank", "--face", "1,000,000",
                                        "--due", HISTORY_CLAIM_DUE, "--on", on, "--history", SAMPLE_HISTORY,
                                        "--debtor", "SYN-DEBTOR-0007", "--json", *extra])


def test_quote_scores_a_history_file_as_of_its_last_event_not_a_later_disbursement_date():
    """The file is a snapshot: as of a later --on every claim open in it would count as unpaid."""
    from cli.risk_commands import risk
    scored = CliRunner().invoke(risk, ["score", "SYN-DEBTOR-0007", "--history", SAMPLE_HISTORY, "--json"])
    assert scored.exit_code == 0, scored.output
    expected = json.loads(scored.stdout)
    assert expected["as_of"] == "2025-12-30"
    later = quote_from_history("2026-06-30")
    assert later.exit_code == 0, later.output
    data = json.loads(later.stdout)
    assert (data["probability_late"], data["debtor_grade"]) == (expected["probability_late"], expected["grade"])
    assert "scored as of 2025-12-30, the date of the last event in" in later.stderr
    assert "priced for disbursement on 2026-06-30" in later.stderr
    assert data["priced"]["days"] == (date.fromisoformat(HISTORY_CLAIM_DUE) - date(2026, 6, 30)).days  # for --on


def test_quote_scores_a_history_file_as_of_an_earlier_disbursement_date_without_a_note():
    earlier = quote_from_history("2025-10-01")
    assert earlier.exit_code == 0, earlier.output
    assert "note: the debtor is scored as of" not in earlier.stderr
    on_the_day = quote_from_history("2025-12-30")
    assert json.loads(on_the_day.stdout)["probability_late"] != json.loads(earlier.stdout)["probability_late"]


@pytest.mark.parametrize("day", ["9999-12-30", "1899-12-31", "3000-01-01"])
def test_quote_refuses_a_disbursement_date_off_the_calendars_ends(day):
    for risk in (["--grade", "B"], ["--history", SAMPLE_HISTORY, "--debtor", "SYN-DEBTOR-0007"]):
        result = CliRunner().invoke(finance, ["quote", "RCV-1", "--as", "bank", "--face", "1,000,000",
                                              "--due", "9999-12-31", "--on", day, *risk])
        assert result.exit_code == 2, result.output
        assert f"Invalid value for '--on': {day} is outside 1900-01-01 .. 2999-12-31" in result.output


@pytest.mark.parametrize("day", ["9999-12-30", "1899-12-31"])
def test_compare_refuses_a_date_off_the_calendars_ends(tmp_path, day):
    result = CliRunner().invoke(finance, ["compare", "RCV-1", "--offers", offers_file(tmp_path), "--on", day])
    assert result.exit_code == 2, result.output
    assert f"Invalid value for '--on': {day} is outside 1900-01-01 .. 2999-12-31" in result.output


def test_compare_with_a_file_compares_only_the_named_discount_offer(tmp_path):
    data = {"receivable": {**OFFERS["receivable"], "financing_id": None}, "bank_offers": [],
            "early_payments": [OFFERS["early_payment"], {**OFFERS["early_payment"], "offer_id": "DD-2", "apr": "0.03"}]}
    path = offers_file(tmp_path, data)
    for named in ("DD-1", "DD-2"):
        result = CliRunner().invoke(finance, ["compare", "RCV-1", "--offers", path, "--on", "2026-12-01",
                                              "--discount-offer", named, "--json"])
        assert result.exit_code == 0, result.output
        assert [(p["offer_id"], p["rank_by_cost"]) for p in json.loads(result.stdout)["proposals"]] == [(named, 1)]


def test_compare_with_a_file_keeps_the_bank_offers_beside_the_named_discount_offer(tmp_path):
    result = CliRunner().invoke(finance, ["compare", "RCV-1", "--offers", offers_file(tmp_path), "--on", "2026-12-01",
                                          "--discount-offer", "DD-1", "--json"])
    assert result.exit_code == 0, result.output
    assert [p["offer_id"] for p in json.loads(result.stdout)["proposals"]] == ["OF-A", "OF-B", "DD-1"]


def test_compare_refuses_a_discount_offer_the_file_does_not_hold_as_a_usage_error_naming_it(tmp_path):
    # the two options disagree: it exited 1, as a refusal of the offers themselves does
    path = offers_file(tmp_path)
    result = CliRunner().invoke(finance, ["compare", "RCV-1", "--offers", path, "--discount-offer", "DD-9"])
    assert result.exit_code == 2 and error_line(result) == (
        f"Error: Invalid value for '--discount-offer': DD-9: {path} has no early-payment offer of that id; "
        f"it has DD-1: give one of those, or drop --discount-offer")
    none = offers_file(tmp_path, {**OFFERS, "early_payment": None})
    result = CliRunner().invoke(finance, ["compare", "RCV-1", "--offers", none, "--discount-offer", "DD-1"])
    assert result.exit_code == 2 and error_line(result) == (
        f"Error: Invalid value for '--discount-offer': DD-1: {none} has no early-payment offer of that id; "
        f"it has none: drop --discount-offer")


def test_quote_scores_with_the_model_given(tmp_path):
    from client.risk import DEFAULT_MODEL
    shipped = quote_from_history("2025-12-30")
    assert shipped.exit_code == 0, shipped.output
    data = json.loads(DEFAULT_MODEL.read_text())
    data["intercept"] += 3   # a debtor e^3 times likelier, in odds, to pay late
    riskier = tmp_path / "model.json"
    riskier.write_text(json.dumps(data))
    write_card(riskier)   # the card a training of it would write: the scorer loads no artefact without one
    result = quote_from_history("2025-12-30", "--model", str(riskier))
    assert result.exit_code == 1, result.output   # graded E, which the shipped bank declines
    assert float(json.loads(result.stdout)["probability_late"]) > float(json.loads(shipped.stdout)["probability_late"])


def test_quote_refuses_a_missing_or_damaged_model_in_one_line(tmp_path, monkeypatch):
    from client.risk import DEFAULT_MODEL
    damaged = tmp_path / "model.json"
    damaged.write_text(json.dumps({**json.loads(DEFAULT_MODEL.read_text()), "version": "v3"}))
    result = quote_from_history("2025-12-30", "--model", str(damaged))
    assert result.exit_code == 2 and f"{damaged} is not a usable model artefact: version: the artefact is " \
        "late_payment-v3" in error_line(result)
    monkeypatch.setattr("client.risk.model_file.DEFAULT_MODEL", tmp_path / "missing.json")   # the shipped one lost
    result = quote_from_history("2025-12-30")
    assert result.exit_code == 1 and f"no model at {tmp_path / 'missing.json'}: run `recfin risk train` first" in \
        error_line(result)


def test_quote_refuses_a_model_with_a_grade_given_as_nothing_is_scored(tmp_path):
    result = CliRunner().invoke(finance, ["quote", "RCV-1", "--as", "bank", "--face", "1,000,000", "--due",
                                          "2026-12-31", "--on", "2026-06-30", "--grade", "B", "--model",
                                          str(tmp_path / "model.json")])
    assert result.exit_code == 2 and "with --grade or --probability nothing is scored: drop --model" in result.output


def test_compare_shows_the_apr_rounded_once_from_its_exact_value(tmp_path):
    # 901,844 / 89,098,156 x 365 / 90 = 4.1049990...%: --json states 0.041050, the table 4.1050% (to the quote's 4
    # places) and the why as the table (not 4.1049% nor 4.11%)
    data = {"receivable": OFFERS["receivable"], "bank_offers": [{**OFFERS["bank_offers"][0], "fees": 1_844}]}
    args = ["compare", "RCV-1", "--offers", offers_file(tmp_path, data), "--on", "2026-12-01"]
    [proposal] = json.loads(CliRunner().invoke(finance, args + ["--json"]).stdout)["proposals"]
    assert proposal["apr"] == "0.041050"
    table = CliRunner().invoke(finance, args)
    assert table.exit_code == 0, table.output
    row = table.output.splitlines()[2].split()
    assert row[2] == "OF-A" and "4.1050%" in row and "4.11%" not in table.output
    assert "OF-A: cheapest of 1 at 4.1050% a year all-in" in table.output


def test_compare_shows_amounts_in_the_claims_currency(tmp_path):
    data = {**OFFERS, "receivable": {**OFFERS["receivable"], "currency": "USD"}}
    result = CliRunner().invoke(finance, ["compare", "RCV-1", "--offers", offers_file(tmp_path, data), "--on",
                                          "2026-12-01"])
    assert result.exit_code == 0, result.output
    rows = {line.split()[2]: line for line in result.output.splitlines()[2:5]}
    # net cash, interest, fees
    assert rows["OF-A"].split()[7:13] == ["USD", "890,500.00", "USD", "9,000.00", "USD", "500.00"]
    assert "most cash now (USD 988,904.11)" in result.output and "CNY" not in result.output


def test_quote_shows_amounts_in_the_configurations_currency(tmp_path):
    usd = tmp_path / "usd-bank.yaml"
    usd.write_text(bank_config_path("bank").read_text(encoding="utf-8").replace("currency: CNY", "currency: USD"))
    result = CliRunner().invoke(finance, ["quote", "RCV-1", "--config", str(usd), "--face",
                                          "1,000,000", "--due", "2027-03-01", "--grade", "B", "--on", "2026-12-01"])
    assert result.exit_code == 0, result.output
    for line in ("debtor_limit: USD 120,000,000.00", "exposure: USD 0.00", "available: USD 120,000,000.00",
                 "priced.advance: USD 900,000.00", "priced.fees: USD 950.00", "priced.net_cash: USD 890,050.00",
                 "priced.remainder_at_maturity: USD 100,000.00", "priced.apr: 4.5338%"):
        assert line in result.output.splitlines(), line
    assert "CNY" not in result.output


@pytest.mark.parametrize("probability", ["0.02996", "0.03", "0.06996", "0.07", "0.14996", "0.15", "0.29996", "0.3"])
def test_a_debtor_scored_at_a_grade_bound_gets_the_grade_quote_gives_its_probability(tmp_path, probability):
    """`risk score`, a quote scored from the history and a quote given the model's probability grade alike, though
    just below a bound the probability shown (4 places) rounds up onto it."""
    import math
    from cli.risk_commands import risk
    from client.risk import DEFAULT_MODEL, MODEL_FEATURES, LatePaymentModel
    data = json.loads(DEFAULT_MODEL.read_text())
    data["coef"] = [0.0] * len(data["coef"])   # every debtor scores the intercept's probability
    data["intercept"] = math.log(float(probability) / (1 - float(probability)))
    model = tmp_path / "model.json"
    model.write_text(json.dumps(data))
    write_card(model)
    exact = repr(LatePaymentModel.model_validate(data).probability([0.0] * len(MODEL_FEATURES)))
    scored = CliRunner().invoke(risk, ["score", "SYN-DEBTOR-0007", "--history", SAMPLE_HISTORY, "--model", str(model),
                                       "--json"])
    assert scored.exit_code == 0, scored.output
    grade = json.loads(scored.stdout)["grade"]
    declined = grade == "E"   # the shipped bank finances no grade E: declined, exit 1
    from_history = quote_from_history("2025-12-30", "--model", str(model))
    assert from_history.exit_code == (1 if declined else 0), from_history.output
    given = CliRunner().invoke(finance, ["quote", "RCV-1", "--as", "bank", "--face", "1,000,000", "--due",
                                         HISTORY_CLAIM_DUE, "--on", "2025-12-30", "--probability", exact, "--json"])
    assert given.exit_code == from_history.exit_code, given.output
    assert json.loads(from_history.stdout)["debtor_grade"] == json.loads(given.stdout)["debtor_grade"] == grade
    if len(probability) > 4:   # just below the bound: shown on it, graded below it
        assert json.loads(scored.stdout)["probability_late"] == str(Decimal(probability).quantize(Decimal("0.0001")))
        assert grade == {"0.02996": "A", "0.06996": "B", "0.14996": "C", "0.29996": "D"}[probability]


def test_the_shipped_networks_banks_quote_with_the_shipped_pricing(tmp_path):
    """Each financier org of network/topology.yaml has its pricing under its name, so `--as ORG/USER` needs no
    --config: the quote gets as far as connecting."""
    import yaml
    from client.pricing import load_bank_config
    topology = yaml.safe_load((Path(__file__).parents[3] / "network" / "topology.yaml").read_text(encoding="utf-8"))
    banks = [org["name"] for org in topology["orgs"] if org.get("role") == "financier"]
    assert banks
    for bank in banks:
        assert load_bank_config(bank_config_path(bank)).bank == bank
        result = CliRunner().invoke(finance, ["quote", "R-7f3a9c0d1e2b4a5c", "--as", f"{bank}/officer1", "--grade",
                                              "B", "--data-root", str(tmp_path)])
        assert result.exit_code == 1 and "connection profile" in result.output, result.output
        assert "pricing" not in result.output


def test_a_bank_without_shipped_pricing_is_told_to_pass_config(tmp_path):
    # --data-root on the ledger only: without it (--face, --due) it is refused, as nothing is read from a network
    for as_, how in (("other-bank/officer1", ["--data-root", str(tmp_path)]),
                     ("other-bank", ["--face", "100", "--due", "2027-01-01"])):
        result = CliRunner().invoke(finance, ["quote", "R-1", "--as", as_, "--grade", "B", *how])
        assert result.exit_code == 2, result.output   # before connecting, on the ledger too
        assert (f"Invalid value for '--as': no pricing configuration for other-bank at "
                f"{bank_config_path('other-bank')}: pass --config YAML (e.g. --config {bank_config_path('bank')})"
                ) in error_line(result)
