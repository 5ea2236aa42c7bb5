"""A credit code typed or pasted in lower case (``91350100m000100y43``) is the code in capitals: GB 32100-2015 writes
its letters so and the contract keys parties, claims and offers only by codes so written, so the `party`,
`receivable`, `finance` and `discount` commands send it in capitals. They refused it, naming the code in capitals
but making the user type it again. Over the real contract on MemoryLedger (``TopologySessions``)."""
from __future__ import annotations

import click
import pytest

from cli.options import credit_code_option

from ..receivables_client.test_cli_pages_and_currencies import BANK, CORE, TIER1, TIER2, parties_on_the_contract
from ..receivables_client.test_cli_party_commands import ok


@pytest.fixture
def channel(monkeypatch, tmp_path):
    return parties_on_the_contract(monkeypatch, tmp_path)


def test_party_get_and_history_take_a_code_in_lower_case(channel):
    assert ok("party", "get", TIER1.lower(), "--as", "supplier/supplier1")["uscc"] == TIER1
    assert [entry["name"] for entry in ok("party", "history", TIER1.lower(), "--as", "supplier/supplier1")] \
        == ["Tier-1"]


def test_a_claim_registered_and_listed_with_codes_in_lower_case_names_them_in_capitals(channel):
    registered = ok("receivable", "register", "--as", "supplier/supplier1", "--debtor", CORE.lower(),
                    "--face", "1,130.00", "--issue", "2026-03-02", "--due", "2026-05-31",
                    "--invoice", "26312000000012345678,2026-03-01,1000.00,130.00", "--contract-hash", "c" * 64)
    assert registered["debtor"] == CORE
    ok("receivable", "confirm", registered["id"], "--as", "coreenterprise")
    split = ok("receivable", "transfer", registered["id"], "--to", TIER2.lower(), "--amount", "100",
               "--as", "supplier/supplier1")
    assert split["status"] == "SPLIT"
    listed = ok("receivable", "list", "--holder", TIER2.lower(), "--as", "supplier/supplier2")
    assert [(claim["holder"], claim["debtor"]) for claim in listed["records"]] == [(TIER2, CORE)]


def test_a_code_in_lower_case_that_is_no_code_in_capitals_either_is_refused_naming_it_as_given():
    wrong_check = TIER1[:-1].lower() + "3"
    check = credit_code_option(capitals_read=True)
    with pytest.raises(click.BadParameter) as refused:
        check(None, click.Argument(["uscc"]), wrong_check)
    assert refused.value.message.startswith(f"{wrong_check!r} is not a unified social credit code (check digit is")


# full-width, as a Chinese input method types it; and 17 characters ending in the ligature ff, which str.upper
# writes as FF: 91310000MA1K0015FF is a valid code, but not the one typed
@pytest.mark.parametrize("given", ["９１３１００００ＭＡ１Ｋ０００００１９", "91310000MA1K0015\ufb00"])
def test_only_ascii_letters_are_read_in_capitals(given):
    with pytest.raises(click.BadParameter, match="is not a unified social credit code"):
        credit_code_option(capitals_read=True)(None, click.Argument(["uscc"]), given)


def test_a_code_without_capitals_read_is_refused_as_before():
    with pytest.raises(click.BadParameter, match="in lower case: a credit code is written in capitals"):
        credit_code_option()(None, click.Argument(["uscc"]), BANK.lower())


# the Turkish dotless i and the German sharp s: neither is read as an ASCII letter, and the lower-case ASCII letters
# beside them are read in capitals all the same, so that the refusal names only the character no code holds (it
# named the y and m too, which are read)
@pytest.mark.parametrize("given, odd", [("91350100\u0131000100y43", "'\u0131'"),
                                        ("91350100m000100y4\u00df", "'\u00df'")])
def test_beside_a_character_no_code_holds_only_that_character_is_named(given, odd):
    with pytest.raises(click.BadParameter) as refused:
        credit_code_option(capitals_read=True)(None, click.Argument(["uscc"]), given)
    assert f"(contains {odd}, outside 0-9 and A-Z" in refused.value.message
