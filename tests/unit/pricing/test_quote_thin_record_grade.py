"""A debtor none of whose claims has fallen due is graded by the model's extrapolation (no debtor like it was trained
on): C for one with no record at all. A bank had no say in it: `finance quote --yes` offered such a debtor its grade C
terms, 80% advanced under 30% of the limit, and the bank's only sign was a note. `thin_record_grade` in the bank's
pricing prices such a debtor at that grade at the least (its model grade where riskier), and declines it where that
grade is `null`; left out, the model's grade is priced, as before."""
import json
from datetime import date

import pytest
import yaml
from click.testing import CliRunner

from cli.finance_commands import finance
from client.pricing import ReceivableTerms, bank_config_path, load_bank_config, quote

ON = date(2026, 12, 1)
TERMS = ReceivableTerms(receivable_id="RCV-1", face_amount=100_000_000, due_date=date(2027, 1, 30))


def config_with(tmp_path, **settings):
    data = yaml.safe_load(bank_config_path("bank").read_text(encoding="utf-8"))
    path = tmp_path / "bank.yaml"
    path.write_text(yaml.safe_dump({**data, **settings}), encoding="utf-8")
    return path


def test_a_thin_record_is_priced_at_the_banks_grade_for_it_and_the_model_grade_is_kept(tmp_path):
    config = load_bank_config(config_with(tmp_path, thin_record_grade="D"))
    thin = quote(config, TERMS, grade="C", on=ON, thin_record=True)
    assert (thin.debtor_grade, thin.priced_grade) == ("C", "D")
    assert thin.offer.advance_rate == quote(config, TERMS, grade="D", on=ON).offer.advance_rate
    assert thin.debtor_limit == quote(config, TERMS, grade="D", on=ON).debtor_limit
    # a debtor with payments on record is priced at its own grade; a thin one graded riskier, at its own too
    assert quote(config, TERMS, grade="C", on=ON).priced_grade == "C"
    assert quote(config, TERMS, grade="D", on=ON, thin_record=True).priced_grade == "D"


def test_a_thin_record_is_declined_where_the_banks_grade_for_it_is_declined(tmp_path):
    config = load_bank_config(config_with(tmp_path, thin_record_grade="E"))
    declined = quote(config, TERMS, grade="C", on=ON, thin_record=True)
    assert declined.offer is None and declined.priced_grade == "E"
    assert declined.declined == ("grade E is declined by bank's policy (thin_record_grade E: the debtor has no "
                                 "payment on record, and the model's grade C is its view of a debtor whose payments "
                                 "are not yet known)")


def config_without_thin_record_grade(tmp_path):
    data = yaml.safe_load(bank_config_path("bank").read_text(encoding="utf-8"))
    data.pop("thin_record_grade", None)
    path = tmp_path / "bank.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_left_out_the_model_grade_is_priced(tmp_path):
    config = load_bank_config(config_without_thin_record_grade(tmp_path))
    assert config.thin_record_grade is None
    assert quote(config, TERMS, grade="C", on=ON, thin_record=True).priced_grade == "C"


def test_the_example_bank_prices_a_debtor_with_no_payment_on_record_at_d_at_the_least():
    # a bank that copies the example must not lend to a debtor whose payments are not yet known on the grade the
    # model extrapolated for it (C for one with no record at all: 80% advanced under 30% of the limit)
    config = load_bank_config(bank_config_path("bank"))
    assert quote(config, TERMS, grade="C", on=ON, thin_record=True).priced_grade == "D"
    assert quote(config, TERMS, grade="B", on=ON).priced_grade == "B"


def test_finance_quote_with_the_example_bank_prices_a_debtor_with_no_record_at_d(empty_history):
    result = CliRunner().invoke(finance, ["quote", "RCV-1", "--as", "bank", "--face", "1,000,000", "--due",
                                          "2027-01-30", "--on", "2026-12-01", "--history", empty_history,
                                          "--debtor", "D-NEW", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["debtor_grade"], data["priced_grade"]) == ("C", "D")


def test_a_grade_that_is_none_is_refused_naming_the_setting(tmp_path):
    from client.pricing import PricingConfigError
    with pytest.raises(PricingConfigError, match="thin_record_grade"):
        load_bank_config(config_with(tmp_path, thin_record_grade="F"))


@pytest.fixture
def empty_history(tmp_path):
    path = tmp_path / "history.json"
    path.write_text(json.dumps({"debtor": "D-NEW", "events": []}), encoding="utf-8")
    return str(path)


def quoted(config, history, *extra):
    return CliRunner().invoke(finance, ["quote", "RCV-1", "--as", "bank", "--config", str(config), "--face",
                                        "1,000,000", "--due", "2027-01-30", "--on", "2026-12-01", "--history",
                                        history, "--debtor", "D-NEW", *extra])


def test_finance_quote_prices_a_debtor_with_no_record_at_the_banks_grade_for_it(tmp_path, empty_history):
    result = quoted(config_with(tmp_path, thin_record_grade="D"), empty_history, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["debtor_grade"], data["priced_grade"], data["offer"]["advance_rate"]) == ("C", "D", "0.70")
    table = quoted(config_with(tmp_path, thin_record_grade="D"), empty_history)
    assert "priced_grade: D" in table.stdout.splitlines()
    assert ("note: priced at grade D, bank's thin_record_grade for a debtor with no payment on record, not at the "
            "model's grade C") in table.stderr


def test_finance_quote_declines_a_debtor_with_no_record_where_the_bank_declines_it(tmp_path, empty_history):
    result = quoted(config_with(tmp_path, thin_record_grade="E"), empty_history)
    assert result.exit_code == 1
    assert "declined: grade E is declined by bank's policy (thin_record_grade E" in result.stdout


def test_a_quote_priced_at_its_own_grade_shows_no_second_grade(tmp_path, empty_history):
    result = quoted(config_with(tmp_path, thin_record_grade="C"), empty_history)
    assert result.exit_code == 0 and "priced_grade" not in result.stdout and "priced at grade" not in result.stderr


def test_on_the_ledger_a_debtor_with_no_payment_yet_is_declined_where_the_bank_declines_it_and_nothing_is_offered(
        world, tmp_path):
    # core has confirmed the one claim, not yet due: no payment on record
    config = config_with(tmp_path, thin_record_grade="E")
    result = CliRunner().invoke(finance, ["quote", world.receivable, "--as", "bank", "--config", str(config), "--yes"])
    assert result.exit_code == 1, result.output
    assert "declined: grade E is declined by bank's policy (thin_record_grade E" in result.stdout
    assert world.client("tier1").get_financing(world.financing).offers == []
