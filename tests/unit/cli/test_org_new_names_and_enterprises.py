"""`recfin org add|keys|user add`: a new org's or user's name and an org's --enterprise are checked as typed, before
anything is read or made: one line naming the rule (exit 2), not the patterns of fields derived from them."""
from __future__ import annotations

import json

import pytest

from cli.org_commands import org
from network.crypto import cert_attrs, load_cert

from .conftest import files_under

CODE = "91110000MA1K00007E"
NAME_RULE = "lower-case letters, digits and '-', starting with a letter"
BAD_NAMES = ["Bank 2", "Bank2", "2bank", "bank_2", "bänk", "bank2\n", ""]


def error_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("Error:")]


def assert_one_line_naming_the_rule(result, whose: str) -> None:
    assert result.exit_code == 2, result.output
    (line,) = error_lines(result.output)
    assert f"cannot be {whose} name: use {NAME_RULE}" in line
    # the MSP ID and domain derived from the name are no fields anyone typed
    assert not any(word in result.output for word in ("msp_id", "domain", "pattern"))


@pytest.mark.parametrize("name", BAD_NAMES)
def test_keys_refuses_a_bad_org_name_with_the_rule_and_writes_nothing(runner, tmp_path, name):
    out = tmp_path / "keys"
    result = runner.invoke(org, ["keys", name, "--role", "bank", "--enterprise", CODE, "--out", str(out)])
    assert_one_line_naming_the_rule(result, "an org's")
    assert not out.exists()


@pytest.mark.parametrize("name", ["Bank 2", "bank_2"])
def test_add_refuses_a_bad_org_name_with_the_rule_and_writes_nothing(runner, network_home, name):
    root, block = network_home
    before = files_under(root)
    result = runner.invoke(org, ["add", name, "--role", "bank", "--enterprise", CODE, "--dry-run",
                                 "--config-block", str(block)])
    assert_one_line_naming_the_rule(result, "an org's")
    assert files_under(root) == before


@pytest.mark.parametrize("name", ["bad name", "Supplier9", "supplier/9"])
def test_user_add_refuses_a_bad_user_name_with_the_rule_and_writes_nothing(runner, network_home, name):
    root, _ = network_home
    before = files_under(root)
    result = runner.invoke(org, ["user", "add", "supplier", name, "--attr", "recfin.enterprise=91310000MA1K00002C"])
    assert_one_line_naming_the_rule(result, "a user's")
    assert files_under(root) == before


def test_keys_refuses_an_enterprise_for_a_regulator_and_writes_nothing(runner, tmp_path):
    out = tmp_path / "keys"
    result = runner.invoke(org, ["keys", "reg2", "--role", "regulator", "--enterprise", CODE, "--out", str(out)])
    assert result.exit_code == 2, result.output
    (line,) = error_lines(result.output)
    assert "--enterprise" in line and "a regulator org's users act for no enterprise" in line
    assert "leave --enterprise out" in line
    assert not out.exists()


@pytest.mark.parametrize("command", ["keys", "add"])
def test_an_empty_enterprise_for_a_regulator_is_refused_not_taken_as_left_out(runner, network_home, tmp_path,
                                                                              command):
    """An empty --enterprise is what an unset shell variable gives: the regulator's keys were made as if it had been
    left out, though the command line named an enterprise the variable was meant to hold."""
    root, block = network_home
    before = files_under(root)
    out = tmp_path / "keys"
    where = ["--out", str(out)] if command == "keys" else ["--dry-run", "--config-block", str(block)]
    result = runner.invoke(org, [command, "reg2", "--role", "regulator", "--enterprise", "", *where])
    assert result.exit_code == 2, result.output
    (line,) = error_lines(result.output)
    assert "'--enterprise'" in line and "empty: give a unified social credit code" in line
    assert "or leave --enterprise out for a regulator org" in line
    assert files_under(root) == before and not out.exists()


def test_a_regulators_keys_made_without_an_enterprise_carry_none(runner, tmp_path):
    out = tmp_path / "keys"
    result = runner.invoke(org, ["keys", "reg2", "--role", "regulator", "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    assert "--enterprise" not in result.output      # nor does the `org add` line it prints for the admins
    certs = sorted((out / "crypto" / "reg2").rglob("users/inspector*/msp/signcerts/cert.pem"))
    assert certs and all(cert_attrs(load_cert(cert)) == {"recfin.role": "regulator"} for cert in certs)
    assert json.loads(result.stdout)["msp_id"] == "Reg2MSP"


def test_keys_of_another_role_without_an_enterprise_is_a_usage_error(runner, tmp_path):
    out = tmp_path / "keys"
    result = runner.invoke(org, ["keys", "bank2", "--role", "bank", "--out", str(out)])
    assert result.exit_code == 2 and "a bank org's users act for an enterprise" in result.output
    assert not out.exists()


def test_add_refuses_an_enterprise_for_a_regulator_and_writes_nothing(runner, network_home):
    root, block = network_home
    before = files_under(root)
    result = runner.invoke(org, ["add", "reg2", "--role", "regulator", "--enterprise", CODE, "--dry-run",
                                 "--config-block", str(block)])
    assert result.exit_code == 2, result.output
    assert "a regulator org's users act for no enterprise" in result.output
    assert files_under(root) == before


def test_add_help_says_the_definition_goes_with_the_role_and_enterprise_agreed(runner):
    result = runner.invoke(org, ["add", "--help"], terminal_width=200)
    assert result.exit_code == 0
    help_text = " ".join(result.output.split())
    assert "instead of --role" not in help_text
    assert "with the --role and --enterprise agreed, which it must match" in help_text
    # and so it is: a definition without --role is refused
    without_role = runner.invoke(org, ["add", "bank2", "--definition", __file__, "--update-out", "u.tx"])
    assert without_role.exit_code == 2 and "give --role" in without_role.output


# --enterprise typed in lower case is the code in capitals, as the party commands read a code: the users'
# certificates carry it so, as the contract keys the enterprise's party. It was refused, naming the code in capitals
# but making the admin type it again.
def test_keys_of_an_enterprise_typed_in_lower_case_carry_it_in_capitals(runner, tmp_path):
    out = tmp_path / "keys"
    result = runner.invoke(org, ["keys", "bank2", "--role", "bank", "--enterprise", CODE.lower(), "--out", str(out),
                                 "--json"])
    assert result.exit_code == 0, result.output
    certs = sorted((out / "crypto" / "bank2").rglob("users/*/msp/signcerts/cert.pem"))
    # the admin's acts for no enterprise
    enterprises = {cert_attrs(load_cert(cert)).get("recfin.enterprise") for cert in certs} - {None}
    assert enterprises == {CODE}, enterprises


@pytest.mark.parametrize("command", ["keys", "add"])
@pytest.mark.parametrize("given, refusal", [
    # full-width, as a Chinese input method types it: only ASCII letters are read in capitals
    ("９１１１００００ＭＡ１Ｋ００００７Ｅ", "is not a unified social credit code"),
    (CODE[:17].lower() + "F", "GB 32100-2015 gives 'E'"),
    ("", "empty: give a unified social credit code"),
])
def test_an_enterprise_no_code_in_capitals_either_is_refused_before_anything_is_made(runner, network_home, tmp_path,
                                                                                     command, given, refusal):
    root, block = network_home
    before = files_under(root)
    out = tmp_path / "keys"
    where = ["--out", str(out)] if command == "keys" else ["--dry-run", "--config-block", str(block)]
    result = runner.invoke(org, [command, "bank2", "--role", "bank", "--enterprise", given, *where])
    assert result.exit_code == 2, result.output
    (line,) = error_lines(result.output)
    assert "'--enterprise'" in line and refusal in line
    assert files_under(root) == before and not out.exists()
