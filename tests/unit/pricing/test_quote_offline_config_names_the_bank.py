"""`recfin finance quote --face --due --config FILE` quotes without a network and without a profile: the file is the
pricing of the bank its ``bank:`` names, so --as may be left out, and if given must be that name, written as a bank
writes it ("Bank of China"). --as was checked as an org's profile name there too, which refused such a name (a
space is in no org's name) and demanded --as when the file already named the bank; and an --as naming another bank
was passed over, the quote labelled with the file's bank all the same."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cli.finance_commands import finance
from client.pricing.config import bank_config_path

from ..names_no_org_can_have import no_session_opened

OFFLINE = ["quote", "RCV-1", "--face", "1,000,000", "--due", "2027-03-01", "--grade", "B", "--on", "2026-12-01"]


def pricing_of(tmp_path, bank: str):
    path = tmp_path / "pricing.yaml"
    path.write_text(bank_config_path("bank").read_text(encoding="utf-8").replace("bank: bank", f"bank: {bank}"),
                    encoding="utf-8")
    return str(path)


def test_a_banks_name_as_it_writes_it_quotes_from_its_file(tmp_path, monkeypatch):
    no_session_opened(monkeypatch)
    config = pricing_of(tmp_path, "Bank of China")
    result = CliRunner().invoke(finance, [*OFFLINE, "--config", config, "--as", "Bank of China", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["bank"] == "Bank of China"


def test_the_file_names_the_bank_without_as(tmp_path, monkeypatch):
    no_session_opened(monkeypatch)
    result = CliRunner().invoke(finance, [*OFFLINE, "--config", pricing_of(tmp_path, "Bank of China"), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["bank"] == "Bank of China"


def test_an_org_and_user_of_the_files_bank_is_taken(tmp_path):
    result = CliRunner().invoke(finance, [*OFFLINE, "--config", pricing_of(tmp_path, "bank"), "--as", "bank/officer1"])
    assert result.exit_code == 0, result.output


def test_an_as_naming_another_bank_than_the_file_is_refused(tmp_path):
    config = pricing_of(tmp_path, "bank")
    result = CliRunner().invoke(finance, [*OFFLINE, "--config", config, "--as", "Bank of China"])
    assert result.exit_code == 2, result.output
    said = " ".join(result.output.split())
    assert "Invalid value for '--as'" in said and "Bank of China is not the bank" in said
    assert "it names bank (its bank:); drop --as" in said and "priced" not in said


def test_a_long_as_naming_another_bank_is_cut_short(tmp_path):
    result = CliRunner().invoke(finance, [*OFFLINE, "--config", pricing_of(tmp_path, "bank"), "--as", "x" * 10_000])
    assert result.exit_code == 2 and len(result.output) < 1000, result.output


def test_without_config_as_is_still_needed_and_says_config_takes_any_name():
    missing = CliRunner().invoke(finance, OFFLINE)
    assert missing.exit_code == 2 and "Missing option '--as'" in missing.output
    assert "--config FILE" in missing.output
    spaced = CliRunner().invoke(finance, [*OFFLINE, "--as", "Bank of China"])
    said = " ".join(spaced.output.split())
    assert spaced.exit_code == 2 and "Invalid value for '--as'" in said and "--config FILE" in said


def test_on_the_ledger_as_is_still_required(tmp_path, monkeypatch):
    no_session_opened(monkeypatch)
    result = CliRunner().invoke(finance, ["quote", "R-1", "--config", pricing_of(tmp_path, "bank"), "--grade", "B"])
    assert result.exit_code == 2 and "Missing option '--as'" in result.output
    assert "on the ledger" in result.output


@pytest.mark.parametrize("as_", ["Bank of China/", "Bank of China/alice/x", "Bank of China/ "])
def test_the_files_bank_with_a_user_named_wrong_is_refused(tmp_path, as_):
    # BANK/USER is taken where ORG/USER would be; a user empty or with a slash is refused, as ORG/USER's is
    result = CliRunner().invoke(finance, [*OFFLINE, "--config", pricing_of(tmp_path, "Bank of China"), "--as", as_])
    assert result.exit_code == 2, result.output
    said = " ".join(result.output.split())
    assert "Invalid value for '--as'" in said and "or Bank of China/USER" in said and "Traceback" not in said


def test_an_empty_as_is_shown_as_such(tmp_path):
    result = CliRunner().invoke(finance, [*OFFLINE, "--config", pricing_of(tmp_path, "bank"), "--as", ""])
    assert result.exit_code == 2, result.output
    assert "'' is not the bank" in " ".join(result.output.split())
