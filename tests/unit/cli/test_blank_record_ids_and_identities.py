"""An argument naming a record (a claim's, financing's, offer's or notice's id, an invoice fingerprint) and a
--client or --client-id given empty or blank, as an unset shell variable gives: a usage error (exit 2) naming the
argument or option, before anything connects. The SDK's own refusal of an empty id came out as the command's
answer, exit 1 as a refusal (`receivable audit`: 3, an audit not made), and `party bind --client-id ""` looked
up "no user None"."""
import pytest
from click.testing import CliRunner

from cli.main import main

USCC = "91310000MA1K00002C"


@pytest.mark.parametrize("blank", ["", "  "])
@pytest.mark.parametrize("command, argument", [
    (["receivable", "get", "{}"], "RECEIVABLE_ID"),
    (["receivable", "provenance", "{}"], "RECEIVABLE_ID"),
    (["receivable", "audit", "{}"], "RECEIVABLE_ID"),
    (["receivable", "find-invoice", "{}"], "FINGERPRINT"),
    (["regulator", "freeze", "{}", "--order", "ORD-1"], "RECEIVABLE_ID"),
    (["finance", "get", "{}"], "FINANCING_ID"),
    (["finance", "terms", "{}"], "OFFER_ID"),
    (["finance", "notice", "{}"], "NOTICE_ID"),
    (["finance", "compare", "{}"], "RECEIVABLE"),
    (["discount", "get", "{}"], "OFFER_ID"),
    (["discount", "accept", "D-1", "{}", "--yes"], "RECEIVABLE_ID"),
])
def test_a_blank_record_id_is_a_usage_error_naming_the_argument(ledger_sessions, command, argument, blank):
    res = CliRunner().invoke(main, [blank if word == "{}" else word for word in command] + ["--json"])
    assert res.exit_code == 2, res.output
    assert f"Invalid value for '{argument}': {blank!r} names nothing" in res.stderr
    assert res.stdout == ""
    assert ledger_sessions == []


@pytest.mark.parametrize("blank", ["", "  "])
@pytest.mark.parametrize("command, option", [
    (["party", "bind", USCC, "--client-id", "{}"], "--client-id"),
    (["party", "bind", USCC, "--client", "{}"], "--client"),
    (["party", "unbind", USCC, "--client-id", "{}"], "--client-id"),
    (["party", "register", "--uscc", USCC, "--name", "Tier-1", "--role", "supplier", "--client", "supplier1",
      "--client-id", "{}"], "--client-id"),
])
def test_a_blank_client_or_client_id_is_a_usage_error_naming_the_option(ledger_sessions, command, option, blank):
    res = CliRunner().invoke(main, [blank if word == "{}" else word for word in command])
    assert res.exit_code == 2, res.output
    assert f"Invalid value for '{option}': {blank!r} is blank" in res.stderr
    assert "None" not in res.stderr
    assert ledger_sessions == []


def test_an_id_with_text_is_the_commands_to_look_up(ledger_sessions):
    """An id with text and no spaces around it is sent as given, whatever its form (one with spaces around it is
    refused: tests/unit/cli/test_record_ids_with_spaces_around.py)."""
    res = CliRunner().invoke(main, ["finance", "get", "F-1", "--as", "bank"])
    assert res.exit_code == 1 and "Error: connecting" in res.stderr, res.output
    assert ledger_sessions == [("bank", None)]
