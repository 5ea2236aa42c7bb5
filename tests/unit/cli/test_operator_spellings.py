"""What an operator types is taken in the spellings the CLI itself shows, and what it shows can be followed: one set
of role names for `org add|keys --role` and `party register --role`, claim statuses in any case behind a one-word
metavar, "Did you mean" naming only options --help shows, whole numbers refused as such, the required one of two
contract options said in --help, and a --bundle folder that does not exist said to be missing."""
from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from cli.main import main
from cli.options import WholeNumberRange
from client.receivables import STATUSES
from network.bundle_host import BundleHost
from network.errors import NetworkError

SAMPLE = Path(__file__).parents[3] / "client" / "invoices" / "reference_data" / "samples" / "einvoice.xml"
ROLE_METAVAR = "[bank|core-enterprise|regulator|supplier]"
PARTY = ["party", "register", "--uscc", "91310000MA1K00002C", "--name", "Tier-1 Parts Co.", "--client", "supplier1"]


def command(*path: str):
    found = main
    for name in path:
        found = found.commands[name]
    return found


def parsed(path: tuple[str, ...], args: list[str]) -> dict:
    """The values click hands the command for args: parsed and converted, nothing run (no network needed)."""
    return command(*path).make_context(" ".join(path), args).params


def run(*args: str):
    return CliRunner().invoke(main, list(args), prog_name="recfin")


def one_line(text: str) -> str:
    return " ".join(text.split())


def refusal(*args: str, command=main) -> str:
    """The usage error (exit 2) args get, on one line as the terminal's wrapping would not split it."""
    result = CliRunner().invoke(command, list(args), prog_name="recfin")
    assert result.exit_code == 2, result.output
    return one_line(result.output)


# ------------------------------------------------------------------ --role: one name per role, every spelling taken

@pytest.mark.parametrize("spelling, contract_role", [
    ("core-enterprise", "core_enterprise"), ("core_enterprise", "core_enterprise"),
    ("Core-Enterprise", "core_enterprise"),
    ("bank", "financier"), ("financier", "financier"), ("BANK", "financier"),
    ("supplier", "supplier"), ("Regulator", "regulator"),
])
def test_party_register_takes_every_spelling_of_a_role_as_the_contract_names_it(spelling, contract_role):
    assert parsed(("party", "register"), PARTY[2:] + ["--role", spelling])["role"] == contract_role


@pytest.mark.parametrize("subcommand", ["keys", "add"])
@pytest.mark.parametrize("spelling, org_role", [
    ("financier", "bank"), ("Bank", "bank"),
    ("core_enterprise", "core-enterprise"), ("CORE-ENTERPRISE", "core-enterprise"),
    ("supplier", "supplier"), ("regulator", "regulator"),
])
def test_org_keys_and_add_take_every_spelling_of_a_role_as_org_add_names_it(subcommand, spelling, org_role):
    assert parsed(("org", subcommand), ["bank2", "--role", spelling])["role"] == org_role


@pytest.mark.parametrize("path", [("party", "register"), ("org", "add"), ("org", "keys")])
def test_each_role_option_shows_the_same_names_and_says_what_else_it_takes(path):
    result = run(*path, "--help")
    assert result.exit_code == 0, result.output
    assert f"--role {ROLE_METAVAR}" in result.output
    assert "financier and core_enterprise are taken too, in any case, with '-' or '_'" in one_line(result.output)


@pytest.mark.parametrize("path", [("party", "register"), ("org", "keys")])
def test_a_role_that_is_none_is_refused_naming_what_is_taken(path):
    args = PARTY[2:] if path == ("party", "register") else ["bank2"]
    assert ("Invalid value for '--role': 'lender' is not a role: give one of bank, core-enterprise, regulator, "
            "supplier (a bank is the ledger's financier; the names financier and core_enterprise are taken too, "
            "in any case, with '-' or '_')") in refusal(*path, *args, "--role", "lender")


# ------------------------------------------------------------------ claim statuses

def test_regulator_list_shows_status_as_one_word_and_lists_the_statuses():
    result = run("regulator", "list", "--help")
    assert result.exit_code == 0, result.output
    assert "Usage: recfin regulator list [OPTIONS] STATUS\n" in result.output
    assert f"STATUS is one of {', '.join(STATUSES)}, in any case." in one_line(result.output)


@pytest.mark.parametrize("path, args", [(("regulator", "list"), ["overdue"]),
                                        (("receivable", "list"), ["--status", "Overdue"])])
def test_a_status_is_taken_in_any_case_and_passed_on_as_the_ledger_writes_it(path, args):
    assert parsed(path, args)["status"] == "OVERDUE"


@pytest.mark.parametrize("args, hint", [(["regulator", "list", "late"], "'STATUS'"),
                                        (["receivable", "list", "--status", "late"], "'--status'")])
def test_an_unknown_status_is_refused_naming_the_statuses_as_written(args, hint):
    said = refusal(*args)
    assert (f"Invalid value for {hint}: 'late' is not a claim status: give one of {', '.join(STATUSES)} "
            f"(in any case)") in said
    assert "{REGISTERED|" not in said


# ------------------------------------------------------------------ "Did you mean"

def test_a_mistyped_option_is_not_answered_with_the_hidden_aliases():
    said = refusal("receivable", "get", "R-1", "--bogus")
    assert "No such option '--bogus'" in said
    assert "'--org'" not in said and "'--user'" not in said


def test_a_mistyped_option_still_gets_the_shown_options_that_are_near_it():
    assert "(Did you mean one of: '--as', '--json'?)" in refusal("receivable", "get", "R-1", "--jsn")


def test_the_hidden_aliases_still_work():
    assert parsed(("receivable", "get"), ["R-1", "--org", "bank", "--user", "officer1"])["org"] == "bank"


# ------------------------------------------------------------------ whole numbers

@pytest.mark.parametrize("args, option, value, example", [
    (["events", "--start-block", "abc"], "--start-block", "abc", "100"),
    (["invoice", "verify", str(SAMPLE), "--tolerance-fen", "1.5"], "--tolerance-fen", "1.5", "100"),
    (["regulator", "list", "OVERDUE", "--page-size", "ten"], "--page-size", "ten", "100"),
    (["chaincode", "upgrade-ledger", "--page-size", "2.0"], "--page-size", "2.0", "100"),
    (["risk", "evaluate", "--debtors", "many"], "--debtors", "many", "100"),
])
def test_a_number_that_is_not_whole_is_refused_naming_the_kind_with_an_example(args, option, value, example):
    said = refusal(*args)
    assert (f"Invalid value for '{option}': '{value}' is not a whole number: give one in the digits 0-9 with no "
            f"point or unit, e.g. {example}") in said
    assert "integer range" not in said


@pytest.mark.parametrize("number_range, example", [(WholeNumberRange(1, 10), "10"),
                                                   (WholeNumberRange(min=500), "500"),
                                                   (WholeNumberRange(0, 100, max_open=True), "99")])
def test_the_example_is_one_the_range_takes(number_range, example):
    @click.command()
    @click.option("--count", type=number_range)
    def counted(count):
        pass
    assert f"'x' is not a whole number: give one in the digits 0-9 with no point or unit, e.g. {example}" in (
        refusal("--count", "x", command=counted))


# ------------------------------------------------------------------ receivable register's contract options

def test_register_help_says_one_of_the_contract_options_is_required():
    result = run("receivable", "register", "--help")
    assert result.exit_code == 0, result.output
    text = one_line(result.output)
    assert "its SHA-256 is recorded. [one of the two is required: this or --contract-hash]" in text
    assert "SHA-256 hex of the trade contract. [one of the two is required: this or --contract-file]" in text


# ------------------------------------------------------------------ host join --bundle

def test_a_bundle_folder_that_does_not_exist_is_said_to_be_missing(tmp_path):
    missing = tmp_path / "nope"
    result = run("host", "join", "--bundle", str(missing))
    assert result.exit_code != 0
    assert f"Error: {missing} does not exist: point --bundle (or RECFIN_BUNDLE) at the folder" in result.output
    assert "holds no bundle.json" not in result.output
    with pytest.raises(NetworkError, match="does not exist"):
        BundleHost.open(missing)
