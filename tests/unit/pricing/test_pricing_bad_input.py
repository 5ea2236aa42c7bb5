"""Bad input an operator may hand `recfin finance ...` offline: one line saying what is wrong, never a traceback."""
import json
from pathlib import Path

import pytest
import yaml

from cli.finance_commands import finance
from client.pricing import PricingConfigError, bank_config_path, load_bank_config
from client.pricing.proposals import SCALE_TIERS_MAX
from client.yaml_files import MAX_LISTED_PROBLEMS, MAX_YAML_BYTES

from ..cli_errors import error_line, invoke as run_command

SHIPPED = bank_config_path("bank").read_text(encoding="utf-8")
QUOTE = ["quote", "RCV-1", "--as", "bank", "--face", "1,000,000", "--due", "2027-03-01", "--on", "2026-12-01"]
OFFERS = json.loads((Path(__file__).parents[3] / "client" / "pricing" / "samples" / "offers.json").read_text())


def invoke(*args):
    return run_command(finance, *args)


def config(tmp_path, text, encoding="utf-8"):
    path = tmp_path / "bank.yaml"
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize("old,new,field", [
    ("flat: 50000", "flat: 500.00", "fees.flat"),
    ("flat: 50000", "flat: true", "fees.flat"),
    ("per_debtor: 20000000000", 'per_debtor: "20000000000"', "limits.per_debtor"),
    ("per_debtor: 20000000000", "per_debtor: 1000000000000000000", "limits.per_debtor"),
    ("min_advance: 1000000", "min_advance: 10000.5", "limits.min_advance"),
])
def test_money_settings_are_whole_fen_under_the_cap(tmp_path, old, new, field):
    with pytest.raises(PricingConfigError, match=field):
        load_bank_config(config(tmp_path, SHIPPED.replace(old, new)))


@pytest.mark.parametrize("text,expected", [
    ("bank: [unclosed\n", "not valid YAML at line 2, column 1"),
    (SHIPPED.replace("bank: bank", "bank: 示例银行"), "not UTF-8 text"),
    ("", "empty"),
    ("- a\n", "not a mapping"),
])
def test_unreadable_configurations_are_one_line(tmp_path, text, expected):
    # a usage error naming the option (exit 2): a declined quote exits 1
    encoding = "gbk" if "示例" in text else "utf-8"
    path = config(tmp_path, text, encoding)
    r = invoke(*QUOTE, "--grade", "B", "--config", path)
    assert r.exit_code == 2 and expected in error_line(r)
    assert error_line(r).startswith(f"Error: Invalid value for '--config': {path}: ")


def test_a_missing_configuration_is_a_usage_error_naming_the_option(tmp_path):
    # it exited 1, as a declined quote does, naming no option
    r = invoke(*QUOTE, "--grade", "B", "--config", tmp_path / "nope.yaml")
    assert r.exit_code == 2 and r.stdout == ""
    assert error_line(r) == (f"Error: Invalid value for '--config': {tmp_path / 'nope.yaml'}: cannot read "
                             f"file: No such file or directory")


def test_a_setting_wrong_in_a_configuration_given_is_a_usage_error_naming_the_option(tmp_path):
    # the file was read, but the file given is wrong: a usage error naming the option (exit 2), never exit 1,
    # which a declined quote exits with
    path = config(tmp_path, SHIPPED.replace("flat: 50000", "flat: true"))
    r = invoke(*QUOTE, "--grade", "B", "--config", path)
    assert r.exit_code == 2 and "fees.flat" in error_line(r)
    assert error_line(r).startswith(f"Error: Invalid value for '--config': {path.name}: fees.flat")


def test_a_missing_key_and_a_rate_out_of_range_name_the_field_once(tmp_path):
    no_limit = "\n".join(l for l in SHIPPED.splitlines() if "per_debtor" not in l)
    assert "limits.per_debtor: Field required" in error_line(invoke(*QUOTE, "--grade", "B", "--config",
                                                                    config(tmp_path, no_limit)))
    line = error_line(invoke(*QUOTE, "--grade", "B", "--config",
                             config(tmp_path, SHIPPED.replace('"0.0310"', '"1.5"'))))
    assert "base_rate: 1.5 must be between 0 and 1" in line and "base_rate: base_rate" not in line


def test_a_bank_without_a_shipped_configuration_is_a_usage_error_naming_as():
    # the command line names a bank the command cannot price for: exit 2 naming --as, as an unreadable --config is
    # exit 2 naming --config, so a script tells both from a declined quote (exit 1)
    r = invoke("quote", "RCV-1", "--as", "no-such-bank", "--face", "1,000,000", "--due", "2027-03-01", "--grade", "B")
    assert r.exit_code == 2 and error_line(r).startswith(
        "Error: Invalid value for '--as': no pricing configuration for no-such-bank at ")
    assert "--config" in error_line(r)


@pytest.mark.parametrize("face,expected", [("1.005", "more than two decimals"), ("0", "is zero"),
                                           ("1.5fen", "not an amount"), ("1" + "0" * 27, "above the cap"),
                                           ("USD 1,000,000", "is in USD")])
def test_face_is_an_amount_in_the_banks_currency_under_the_cap(face, expected):
    args = [a if a != "1,000,000" else face for a in QUOTE]
    r = invoke(*args, "--grade", "B")
    assert r.exit_code == 2 and "Invalid value for '--face'" in r.output and expected in r.output


def test_face_and_exposure_read_yuan_as_every_amount_option_does():
    """The same number means the same money here as in `receivable register --face` or `receivable pay --amount`."""
    in_yuan = invoke(*QUOTE, "--grade", "B", "--json")
    in_fen = invoke(*[a if a != "1,000,000" else "100000000fen" for a in QUOTE], "--grade", "B", "--json")
    assert in_yuan.exit_code == 0 and json.loads(in_yuan.stdout)["priced"]["advance"] == 90_000_000
    assert in_fen.stdout == in_yuan.stdout
    exposure = invoke(*QUOTE, "--grade", "B", "--exposure", "CNY 1,234.56", "--json")
    assert json.loads(exposure.stdout)["exposure"] == 123_456
    r = invoke(*QUOTE, "--grade", "B", "--exposure", "9" * 26)
    assert r.exit_code == 2 and "above the cap" in r.output
    r = invoke(*QUOTE, "--grade", "B", "--exposure", "USD 10")
    assert r.exit_code == 2 and "Invalid value for '--exposure'" in r.output and "is in USD" in r.output


@pytest.mark.parametrize("p", ["nan", "NaN", "Infinity", "-inf", "1.5"])
def test_probability_must_be_a_finite_fraction(p):
    r = invoke(*QUOTE, "--probability", p)
    assert r.exit_code == 2 and "must be between 0 and 1" in r.output


def test_yes_without_the_ledger_is_refused_rather_than_ignored():
    r = invoke(*QUOTE, "--grade", "B", "--yes")
    assert r.exit_code == 2 and "--yes makes the offer on the ledger" in r.output


def test_the_offline_quote_json_has_integer_fen_and_decimal_strings():
    data = json.loads(invoke(*QUOTE, "--grade", "B", "--json").stdout)
    assert all(isinstance(data["priced"][k], int) for k in ("advance", "interest", "fees", "net_cash"))
    assert isinstance(data["offer"]["discount_rate"], str) and isinstance(data["priced"]["apr"], str)


# --- compare --offers -------------------------------------------------------------

def offers(tmp_path, data=None, raw: bytes | None = None):
    path = tmp_path / "offers.json"
    path.write_bytes(raw if raw is not None else json.dumps(data).encode())
    return path


@pytest.mark.parametrize("where,key,value", [
    ("receivable", "face_amount", 100_000_000.0), ("receivable", "face_amount", "100000000"),
    ("receivable", "face_amount", 10**40), ("bank_offers", "fees", True), ("bank_offers", "fees", 500.0),
    ("bank_offers", "fees", 10**40),
])
def test_offer_amounts_are_whole_fen_under_the_cap(tmp_path, where, key, value):
    data = json.loads(json.dumps(OFFERS))
    (data[where] if where == "receivable" else data[where][0])[key] = value
    r = invoke("compare", "RCV-1", "--offers", offers(tmp_path, data), "--on", "2026-12-01", "--json")
    assert r.exit_code == 2 and key in error_line(r) and r.stdout == ""


@pytest.mark.parametrize("raw,expected", [
    (b"", "is empty"), (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ('{"receivable": "应收"}'.encode("gbk"), "not UTF-8 text"), (b"<xml/>", "is not JSON"),
])
def test_unreadable_offer_files_are_one_line(tmp_path, raw, expected):
    path = offers(tmp_path, raw=raw)
    r = invoke("compare", "RCV-1", "--offers", path)
    assert r.exit_code == 2 and expected in error_line(r)
    assert error_line(r).startswith(f"Error: Invalid value for '--offers': {path}")


def test_a_missing_offers_file_is_a_usage_error_naming_the_option(tmp_path):
    r = invoke("compare", "RCV-1", "--offers", tmp_path / "nope.json")
    assert r.exit_code == 2
    assert error_line(r) == (f"Error: Invalid value for '--offers': {tmp_path / 'nope.json'}: cannot read "
                             f"file: No such file or directory")


def test_duplicate_offer_ids_name_the_file(tmp_path):
    data = json.loads(json.dumps(OFFERS))
    data["bank_offers"].append(dict(data["bank_offers"][0]))
    path = offers(tmp_path, data)
    assert error_line(invoke("compare", "RCV-1", "--offers", path)).endswith(
        f"{path}: offer ids must be unique: OF-A used more than once; give each offer its own offer_id")


def test_cash_taken_after_the_due_date_is_said_so(tmp_path):
    r = invoke("compare", "RCV-1", "--offers", offers(tmp_path, OFFERS), "--on", "2027-06-01")
    assert r.exit_code == 0 and "(92 days after the due date)" in r.output and "-92" not in r.output


def test_offline_quotes_and_comparisons_date_by_the_business_day(tmp_path, monkeypatch):
    import cli.finance_commands as commands
    from datetime import date
    monkeypatch.setattr(commands, "business_today", lambda: date(2026, 12, 2))
    quote = invoke(*[a for a in QUOTE if a not in ("--on", "2026-12-01")], "--grade", "B", "--json")
    assert json.loads(quote.stdout)["on"] == "2026-12-02"
    compare = invoke("compare", "RCV-1", "--offers", offers(tmp_path, OFFERS), "--json")
    assert json.loads(compare.stdout)["on"] == "2026-12-02"


@pytest.mark.parametrize("old,new,expected", [
    ('base_rate: "0.0310"', 'base_rate: "0.03100000000001"', "base_rate: '0.03100000000001' is not a rate the "
                                                             "contract takes: write a decimal fraction from 0 to 1 "
                                                             "with at most 10 decimal places"),
    ('base_rate: "0.0310"', 'base_rate: "1e-300000000"', "base_rate: '1e-300000000' is not a rate the contract takes"),
    ('rate_of_advance: "0.0005"', 'rate_of_advance: "1e-300000000"', "fees.rate_of_advance: '1e-300000000' is not"),
    ('base_rate: "0.0310"', 'base_rate: "0.999"', "grades.A.spread: base_rate 0.999 + spread 0.0040 = 1.0030, "
                                                  "above 1"),
    ("flat: 50000", "flat: 20000000000", "fees.flat: 20000000000 fen flat plus 0.0005 of the advance "
                                         "is 20010000000 fen on the largest advance"),
])
def test_rates_and_fees_the_contract_would_refuse_are_refused_when_the_file_is_read(tmp_path, old, new, expected):
    path = config(tmp_path, SHIPPED.replace(old, new))
    with pytest.raises(PricingConfigError, match="^bank.yaml: "):
        load_bank_config(path)
    r = invoke(*QUOTE, "--grade", "B", "--config", path)
    assert r.exit_code == 2 and expected in error_line(r) and r.stdout == ""


def test_an_offers_file_rate_with_a_huge_exponent_is_refused_before_any_arithmetic(tmp_path):
    data = json.loads(json.dumps(OFFERS))
    data["bank_offers"][0]["discount_rate"] = "1e-300000000"
    r = invoke("compare", "RCV-1", "--offers", offers(tmp_path, data), "--on", "2026-12-01")
    assert r.exit_code == 2 and "bank_offers.0.discount_rate: '1e-300000000' is not a rate" in error_line(r)


@pytest.mark.parametrize("new,expected", [
    ("base_rate: " + "9" * 5000,
     "Exceeds the limit (4300 digits) for integer string conversion: value has 5000 digits"),
    ("base_rate: 2026-13-01", "month must be in 1..12"),
])
def test_a_value_yaml_reads_but_python_cannot_build_names_the_file_and_line(tmp_path, new, expected):
    path = config(tmp_path, SHIPPED.replace('base_rate: "0.0310"', new))
    line = SHIPPED[:SHIPPED.index('base_rate: "0.0310"')].count("\n") + 1
    with pytest.raises(PricingConfigError, match=f"^{path}: cannot read the value .* at line {line}, column 12 "):
        load_bank_config(path)
    r = invoke(*QUOTE, "--grade", "B", "--config", path)
    assert r.exit_code == 2 and expected in error_line(r) and "set_int_max_str_digits" not in error_line(r)


@pytest.mark.parametrize("new,expected", [
    ('base_rate: !!bool "x"', "the tag !!bool at line 7, column 12: tags are not read in a bank's pricing settings: "
                              "remove it"),
    ('base_rate: !!int ""', "the tag !!int at line 7, column 12"),
    ('base_rate: &rate "0.0310"', "the anchor &rate at line 7, column 12: anchors and aliases (&name, *name) are not "
                                  "read in a bank's pricing settings"),
    ('base_rate: "0.0310"\x00', "not valid YAML at line 7, column 20: the character U+0000 is not allowed"),
])
def test_tags_anchors_and_forbidden_characters_are_refused_naming_the_line(tmp_path, new, expected):
    path = config(tmp_path, SHIPPED.replace('base_rate: "0.0310"', new))
    with pytest.raises(PricingConfigError, match=f"^{path}: "):
        load_bank_config(path)
    r = invoke(*QUOTE, "--grade", "B", "--config", path)
    assert r.exit_code == 2 and expected in error_line(r) and r.stdout == ""
    assert error_line(r).startswith(f"Error: Invalid value for '--config': {path}: ")


def test_a_base_60_number_is_text_and_refused_as_a_rate(tmp_path):
    r = invoke(*QUOTE, "--grade", "B", "--config", config(tmp_path, SHIPPED.replace('base_rate: "0.0310"',
                                                                                   "base_rate: 1:30")))
    assert r.exit_code == 2 and "base_rate: '1:30' is not a rate the contract takes" in error_line(r)


@pytest.mark.parametrize("receivable,expected", [
    ({"financing_status": "ACCEPTED"}, "receivable.financing_status: F-0123456789abcdef is ACCEPTED, and bank offers "
                                       "are open only while a financing is REQUESTED"),
    ({"financing_status": "DISBURSED"}, "F-0123456789abcdef is DISBURSED"),
])
def test_an_offers_file_has_bank_offers_only_on_a_financing_request_or_none(tmp_path, receivable, expected):
    """Once a financing is accepted its other offers have lapsed. (Without any financing, bank offers are terms
    quoted before a request: test_pricing_cli ranks them with "request financing" first.)"""
    data = json.loads(json.dumps(OFFERS))
    data["receivable"].update(receivable)
    r = invoke("compare", "RCV-1", "--offers", offers(tmp_path, data), "--on", "2026-12-01")
    assert r.exit_code == 2 and expected in error_line(r) and r.stdout == ""
    data["bank_offers"] = []   # the same receivable, with only the debtor's early-payment offer: a state it can be in
    assert invoke("compare", "RCV-1", "--offers", offers(tmp_path, data), "--on", "2026-12-01").exit_code == 0
    requested = json.loads(json.dumps(OFFERS))
    requested["receivable"]["financing_status"] = "REQUESTED"
    assert invoke("compare", "RCV-1", "--offers", offers(tmp_path, requested), "--on", "2026-12-01").exit_code == 0


def test_an_offers_file_can_say_the_receivable_is_frozen(tmp_path):
    data = json.loads(json.dumps(OFFERS))
    data["receivable"]["frozen_by"] = "ORDER-1"
    r = invoke("compare", "RCV-1", "--offers", offers(tmp_path, data), "--on", "2026-12-01", "--json")
    assert r.exit_code == 0, r.output
    proposals = json.loads(r.stdout)["proposals"]
    assert [(p["offer_id"], p["takeable_now"]) for p in proposals] == [("OF-A", False), ("DD-1", False)]
    assert all(p["why"].startswith("not takeable now: RCV-1 is frozen by order ORDER-1") for p in proposals)


def test_debtor_without_history_is_refused_offline_as_it_cannot_be_checked():
    r = invoke(*QUOTE, "--grade", "B", "--debtor", "SYN-DEBTOR-0007")
    assert r.exit_code == 2 and "--debtor names the debtor in --history" in r.output


def test_the_docs_show_the_shipped_offers_file_and_what_compare_prints_for_it():
    docs = (Path(__file__).parents[3] / "docs" / "risk-and-pricing.md").read_text(encoding="utf-8")
    sample = Path(__file__).parents[3] / "client" / "pricing" / "samples" / "offers.json"
    assert f"```json\n{sample.read_text()}```" in docs
    printed = invoke("compare", "RCV-1", "--offers", sample, "--on", "2026-12-01")
    assert printed.exit_code == 0, printed.output
    assert f"```text\n{printed.output}```" in docs
    assert "DD-1: not takeable now: RCV-1 has a live financing request F-0123456789abcdef" in printed.output


@pytest.mark.parametrize("flat,rate,field,hint", [
    # the fee rate alone takes the whole advance: the rate is at fault, and no word of fen
    ("0", '"1"', "fees.rate_of_advance: 0 fen flat plus 1 of the advance", 'fees.rate_of_advance is a fraction'),
    ("20000000000", '"0"', "fees.flat: 20000000000 fen flat plus 0 of the advance", "fees.flat is whole fen"),
    # neither alone, both together: each is named, each with how it is written
    ("10000000000", '"0.5"', "fees.flat and fees.rate_of_advance: 10000000000 fen flat plus 0.5",
     "fees.flat is whole fen: 50000 is 500.00 yuan; fees.rate_of_advance is a fraction"),
])
def test_fees_that_take_the_whole_advance_name_the_setting_at_fault(tmp_path, flat, rate, field, hint):
    text = SHIPPED.replace("flat: 50000", f"flat: {flat}").replace('rate_of_advance: "0.0005"',
                                                                    f"rate_of_advance: {rate}")
    line = error_line(invoke(*QUOTE, "--grade", "B", "--config", config(tmp_path, text)))
    assert f"bank.yaml: {field}" in line and hint in line
    if "fees.flat" not in field.split(":")[0]:
        assert "whole fen" not in line


@pytest.mark.parametrize("old,new,money", [
    ("flat: 50000", "flat: 500.5", True), ("min_advance: 1000000", "min_advance: 10000.5", True),
    ("max_days: 360", "max_days: 30.5", False), ("offer_valid_days: 7", "offer_valid_days: 7.5", False),
])
def test_only_money_settings_are_told_to_write_whole_fen(tmp_path, old, new, money):
    with pytest.raises(PricingConfigError) as err:
        load_bank_config(config(tmp_path, SHIPPED.replace(old, new)))
    assert ("whole fen" in str(err.value)) is money, str(err.value)


@pytest.mark.parametrize("where,key,value,money", [
    ("bank_offers", "fees", 500.5, True), ("receivable", "face_amount", 1000.5, True),
    ("early_payments", "min_days_early", 30.5, False), ("early_payments", "min_days_early", "thirty", False),
])
def test_only_money_in_an_offers_file_is_told_to_write_whole_fen(tmp_path, where, key, value, money):
    data = json.loads(json.dumps(OFFERS))
    if key == "min_days_early":   # a sliding scale's tier: a count of days, not money
        data["early_payments"][0] = {**data["early_payments"][0], "apr": None,
                                     "scale": [{"min_days_early": value, "apr": "0.05"}]}
    else:
        (data[where] if where == "receivable" else data[where][0])[key] = value
    line = error_line(invoke("compare", "RCV-1", "--offers", offers(tmp_path, data), "--on", "2026-12-01"))
    assert key in line and ("whole fen" in line) is money, line


@pytest.mark.parametrize("key,value", [("recourse", "yes"), ("recourse", 0), ("min_days_early", True),
                                       ("min_days_early", "30")])
def test_an_offers_file_takes_recourse_and_days_as_the_contract_does(tmp_path, key, value):
    """The contract refuses "yes" or 0 for recourse and true or "30" for a tier's days: a file holding them
    describes no offer the ledger could hold."""
    data = json.loads(json.dumps(OFFERS))
    if key == "min_days_early":
        data["early_payments"][0] = {**data["early_payments"][0], "apr": None,
                                     "scale": [{"min_days_early": value, "apr": "0.05"}]}
    else:
        data["bank_offers"][0][key] = value
    r = invoke("compare", "RCV-1", "--offers", offers(tmp_path, data), "--on", "2026-12-01")
    assert r.exit_code == 2 and key in error_line(r), r.output


def test_an_offers_file_scale_with_two_tiers_at_the_same_days_is_refused_as_the_contract_refuses_it(tmp_path):
    # the first tier listed at 30 days applied and the other was ignored without a word: the contract refuses such a
    # scale when the debtor publishes it (discount-terms-invalid), so no offer on the ledger could hold it
    data = json.loads(json.dumps(OFFERS))
    tiers = [{"min_days_early": 30, "apr": "0.02"}, {"min_days_early": 60, "apr": "0.03"},
             {"min_days_early": 30, "apr": "0.09"}]
    data["early_payments"][0] = {**data["early_payments"][0], "apr": None, "scale": tiers}
    r = invoke("compare", "RCV-1", "--offers", offers(tmp_path, data), "--on", "2026-12-01")
    assert r.exit_code == 2 and r.stdout == ""
    assert error_line(r).endswith(
        ": early_payments.0.scale: the scale has more than one tier at min_days_early 30: give each tier its own "
        "min_days_early, with its one apr (the contract refuses such a scale: rule discount-terms-invalid)")
    data["early_payments"][0]["scale"][2]["min_days_early"] = 90
    assert invoke("compare", "RCV-1", "--offers", offers(tmp_path, data), "--on", "2026-12-01").exit_code == 0


def test_an_offers_file_scale_holds_no_more_tiers_than_the_contract_takes(tmp_path):
    # a longer scale describes no offer the ledger could hold, and the contract's check of the tiers takes time
    # growing with the square of their number: a file of a million tiers must be refused by their count first
    assert SCALE_TIERS_MAX == 20
    data = json.loads(json.dumps(OFFERS))
    tiers = [{"min_days_early": days, "apr": "0.02"} for days in range(1, SCALE_TIERS_MAX + 2)]
    data["early_payments"][0] = {**data["early_payments"][0], "apr": None, "scale": tiers[:-1]}
    assert invoke("compare", "RCV-1", "--offers", offers(tmp_path, data), "--on", "2026-12-01").exit_code == 0
    data["early_payments"][0]["scale"] = tiers
    r = invoke("compare", "RCV-1", "--offers", offers(tmp_path, data), "--on", "2026-12-01")
    assert r.exit_code == 2
    assert f"early_payments.0.scale: List should have at most {SCALE_TIERS_MAX} items" in error_line(r)


# ---- a file far larger than settings, or wrong in thousands of places --------------------------------------------

def test_a_pricing_file_over_the_yaml_cap_is_refused_before_it_is_parsed(tmp_path):
    """Read as any file a person names (1 GiB), 5 MB of grades took 25 s and 846 MB to be refused."""
    path = tmp_path / "bank.yaml"
    with path.open("wb") as f:              # sparse: no disk, no time
        f.truncate(MAX_YAML_BYTES + 1)
    with pytest.raises(PricingConfigError) as err:
        load_bank_config(path)
    assert str(err.value) == (f"{path}: over 4 MiB, far larger than a bank's pricing settings could be: is it the "
                              f"right file?")


def test_thousands_of_invalid_settings_are_reported_as_the_first_few_and_a_count(tmp_path):
    settings = yaml.safe_load(SHIPPED)
    settings["grades"] = {f"g{number}": 1 for number in range(2000)}
    path = config(tmp_path, yaml.safe_dump(settings))
    with pytest.raises(PricingConfigError) as err:
        load_bank_config(path)
    listed = str(err.value).removeprefix("bank.yaml: ").split("; ")
    assert len(listed) == MAX_LISTED_PROBLEMS + 1
    assert listed[0] == ("grades.g0: should be an object of named fields (a JSON object, a YAML mapping), not a "
                         "number")
    assert listed[-1] == "and 1980 more problems: fix these, then run the command again to see the rest"
    r = invoke(*QUOTE, "--grade", "B", "--config", path)
    assert r.exit_code == 2 and error_line(r).endswith("and 1980 more problems: fix these, then run the command "
                                                       "again to see the rest")


def test_a_few_invalid_settings_are_all_listed_without_a_count(tmp_path):
    path = config(tmp_path, SHIPPED.replace("flat: 50000", "flat: 500.00").replace('base_rate: "0.0310"',
                                                                                   "base_rate: 0.031"))
    with pytest.raises(PricingConfigError) as err:
        load_bank_config(path)
    assert str(err.value).count("; ") == 1 and "more problem" not in str(err.value)


@pytest.mark.parametrize("added, key, first, second", [
    # a second limits block at the end would replace the first: 100 times its limit, min_advance and max_days back to
    # their defaults
    ("limits:\n  per_debtor: 2000000000000\n", "limits", "limits:", "limits:\n  per_debtor: 2000000000000"),
    ('base_rate: "0.0010"\n', "base_rate", "base_rate:", 'base_rate: "0.0010"'),
])
def test_a_setting_given_twice_in_a_pricing_file_is_refused_naming_both_lines(tmp_path, added, key, first, second):
    text = SHIPPED + added
    path = config(tmp_path, text)
    lines = [text[:text.index(first)].count("\n") + 1, text[:text.rindex(second)].count("\n") + 1]
    r = invoke(*QUOTE, "--grade", "A", "--config", path)
    assert r.exit_code == 2 and r.stdout == ""
    assert error_line(r) == (f"Error: Invalid value for '--config': {path}: the key {key} is given twice, at "
                             f"line {lines[0]}, column 1 and "
                             f"line {lines[1]}, column 1: keep one (YAML would read only the last)")


def test_a_key_given_twice_in_an_offers_file_is_refused_naming_the_key_and_its_object(tmp_path):
    # "fees": 50000, "fees": 0 was priced with no fees
    text = json.dumps(OFFERS).replace('"fees": 50000', '"fees": 50000, "fees": 0')
    assert text != json.dumps(OFFERS)
    path = offers(tmp_path, raw=text.encode())
    r = invoke("compare", "RCV-1", "--offers", path, "--on", "2026-12-01", "--json")
    assert r.exit_code == 2 and r.stdout == ""
    assert error_line(r) == (f"Error: Invalid value for '--offers': {path}: the key fees is given more than "
                             f"once in the object at bank_offers[0]: "
                             f"keep one (which of them is meant cannot be told)")


def test_a_setting_given_twice_with_the_same_value_is_read_as_given_once(tmp_path):
    # the copy YAML keeps says what the other says: nothing is dropped
    once = invoke(*QUOTE, "--grade", "A", "--json")
    assert once.exit_code == 0
    path = config(tmp_path, SHIPPED + 'base_rate: "0.0310"\n')
    assert path.read_text().count("base_rate:") == 2
    twice = invoke(*QUOTE, "--grade", "A", "--json", "--config", path)
    assert twice.exit_code == 0 and twice.stdout == once.stdout


def test_a_key_given_twice_in_an_offers_file_with_the_same_value_is_read(tmp_path):
    # both copies say the same, as an invoice's may
    ranked = invoke("compare", "RCV-1", "--offers", offers(tmp_path, OFFERS), "--on", "2026-12-01", "--json")
    assert ranked.exit_code == 0
    text = json.dumps(OFFERS).replace('"fees": 50000', '"fees": 50000, "fees": 50000')
    assert text != json.dumps(OFFERS)
    r = invoke("compare", "RCV-1", "--offers", offers(tmp_path, raw=text.encode()), "--on", "2026-12-01", "--json")
    assert r.exit_code == 0 and r.stdout == ranked.stdout


def test_a_setting_given_twice_is_named_on_one_line_whatever_it_holds(tmp_path):
    # a key with a line break in it would otherwise print what reads as a second error
    path = config(tmp_path, SHIPPED + '"x\\nError: grade A is fine": 1\n"x\\nError: grade A is fine": 2\n')
    r = invoke(*QUOTE, "--grade", "A", "--config", path)
    assert r.exit_code == 2 and r.stdout == ""
    assert error_line(r).startswith(f"Error: Invalid value for '--config': {path}: the key "
                                    f"'x\\nError: grade A is fine' is given twice, at line ")


@pytest.mark.parametrize("field, setting", [("advance_rate", 'advance_rate: "0.70"'),
                                            ("limit_factor", 'limit_factor: "0.10"')])
def test_a_financed_grade_lending_nothing_is_refused_and_told_to_decline_the_grade(tmp_path, field, setting):
    # a limit factor of 0 declined every quote with "no room under the debtor limit CNY 0.00", which points at the
    # exposure, not at the setting
    grade_d = 'D: {spread: "0.0350", advance_rate: "0.70", limit_factor: "0.10"}'
    assert grade_d in SHIPPED
    path = config(tmp_path, SHIPPED.replace(grade_d, grade_d.replace(setting, f'{field}: "0"')))
    r = invoke(*QUOTE, "--grade", "D", "--config", path)
    assert r.exit_code == 2 and r.stdout == ""
    assert error_line(r) == (f"Error: Invalid value for '--config': bank.yaml: grades.D.{field}: must be "
                             f"above 0: decline the grade with `null` instead")


@pytest.mark.parametrize("limits, factor, problem", [
    # 1000 fen x 0.0004 is 0.4 fen, 0 once rounded as the pricer rounds the limit
    ({"per_debtor: 20000000000": "per_debtor: 1000", "min_advance: 1000000": "min_advance: 0"}, "0.0004",
     "limits.per_debtor 1000 fen x 0.0004 is a debtor limit of 0 fen (rounded half up), so every quote at grade D "
     "would be declined with no room under the limit; raise limit_factor or limits.per_debtor, or decline the grade "
     "with `null` instead"),
    ({}, "0.00004",
     "limits.per_debtor 20000000000 fen x 0.00004 is a debtor limit of 800000 fen, below limits.min_advance 1000000 "
     "fen, so every quote at grade D would be declined with no advance reaching the minimum; raise limit_factor or "
     "limits.per_debtor, lower limits.min_advance, or decline the grade with `null` instead"),
])
def test_a_financed_grade_whose_limit_lends_nothing_is_refused_naming_the_setting(tmp_path, limits, factor, problem):
    # a limit factor above 0 can still leave a limit of 0 fen, or one below the minimum advance: such a file loaded,
    # and every quote at the grade was declined with "no room under the debtor limit CNY 0.00", pointing at the
    # exposure instead of the setting
    text = SHIPPED.replace("flat: 50000", "flat: 0").replace('limit_factor: "0.10"', f'limit_factor: "{factor}"')
    for old, new in limits.items():
        assert old in text
        text = text.replace(old, new)
    r = invoke(*QUOTE, "--grade", "D", "--config", config(tmp_path, text))
    assert r.exit_code == 2 and r.stdout == ""
    assert error_line(r) == ("Error: Invalid value for '--config': bank.yaml: grades.D.limit_factor: "
                             f"{problem}")


def test_an_unknown_setting_is_named_on_one_line_whatever_it_holds(tmp_path):
    # the setting's name comes from the file: a line break in it would print what reads as a second error
    path = config(tmp_path, SHIPPED + '"x\\nError: grade A is fine": 1\n')
    r = invoke(*QUOTE, "--grade", "A", "--config", path)
    assert r.exit_code == 2 and r.stdout == ""
    assert "'x\\nError: grade A is fine': Extra inputs are not permitted" in error_line(r)
    assert [line for line in r.stderr.splitlines() if "Error" in line] == [error_line(r)]   # under click's usage
