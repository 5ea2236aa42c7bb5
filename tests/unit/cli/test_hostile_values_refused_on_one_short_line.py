"""Hostile values on the ledger commands' lines (`receivable`, `finance`, `discount`, `regulator`, `events`,
`transaction`, `request`): each is a usage error, exit 2, before anything connects, with one `Error:` line that
names the option or argument and says what to give, and no traceback.

A 10,000-character value (a paste gone wrong) was echoed whole into that line by most of the options' own checks
(a credit code, an amount, a date, a whole number, a request id, a bookmark, a status, a day count, a tier, an
invoice, a fingerprint, a transaction id): a line of over 10,000 characters. It is cut short as the SDK and the
contract cut a value they refuse (``client.shown.shown_value``): its start and end, and its length."""
from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner

from cli import receivable_commands
from cli.main import main

RID = "R-0123456789ABCDEF"
CODE = "91310000MA1K000019"
LONG = "x" * 10_000
REGISTER = ["receivable", "register", "--debtor", CODE, "--face", "113,000.00", "--issue", "2026-03-02",
            "--due", "2026-05-31", "--invoice", "26312000000012345678,2026-03-01,100000.00,13000.00",
            "--contract-hash", "ab" * 32]
OFFER = ["finance", "offer", "F-0123456789ABCDEF", "--advance-rate", "0.8", "--discount-rate", "0.05"]
PUBLISH = ["discount", "publish", "--apr", "0.04", "--receivable", RID, "--expires", "2026-04-01"]

# (command line with {} where the value goes, what the error line calls the option)
LONG_VALUE_LINES = [
    (["receivable", "list", "--holder", "{}"], "'--holder'"),
    (["receivable", "list", "--status", "{}"], "'--status'"),
    (["receivable", "list", "--page-size", "{}"], "'--page-size'"),
    (["receivable", "list", "--bookmark", "{}"], "'--bookmark'"),
    (["receivable", "pay", RID, "--amount", "{}"], "'--amount'"),
    (["receivable", "pay", RID, "--amount", "1.00", "--request-id", "{}"], "'--request-id'"),
    (["receivable", "transfer", RID, "--to", "{}", "--amount", "1.00"], "'--to'"),
    (["receivable", "find-invoice", "{}"], "'FINGERPRINT'"),
    (["receivable", "register", "--invoice", "{}", *REGISTER[2:10], *REGISTER[12:]], "'--invoice'"),
    (["receivable", "events", "--start-block", "{}"], "'--start-block'"),
    ([*OFFER, "--fees", "{}"], "'--fees'"),
    ([*OFFER, "--day-count", "{}"], "'--day-count'"),
    ([*OFFER, "--expires", "{}"], "'--expires'"),
    (["finance", "offers", "--debtor", "{}"], "'--debtor'"),
    (["discount", "list", "--scope", "{}"], "'--scope'"),
    (["discount", "publish", "--tier", "{}", *PUBLISH[4:]], "'--tier'"),
    ([*PUBLISH, "--day-count", "{}"], "'--day-count'"),
    (["regulator", "list", "{}"], "'STATUS'"),
    (["events", "--limit", "{}"], "'--limit'"),
    (["transaction", "status", "{}"], "'TXID'"),
    (["request", "get", "{}"], "'REQUEST_ID'"),
    (["request", "get", "order-7", "--party", "{}"], "'--party'"),
]

# an MSP ID pasted with a colour escape, a line break, a NUL, a right-to-left override: sent as given, each reached
# the Gateway, which found no peer of such an org to endorse
MSP_IDS = ["Supp\x1b[31mlierMSP", "SupplierMSP\n", "Supplier\x00MSP", "\u202eSupplierMSP"]
ENDORSING_LINES = [
    (["receivable", "confirm", RID, "--endorsing-org", "{}"], "'--endorsing-org'"),
    (["receivable", "reseal", RID, "--endorsing-org", "CoreEnterpriseMSP", "--endorsing-org", "{}"],
     "'--endorsing-org'"),
    (["finance", "disburse", "F-0123456789ABCDEF", "--endorsing-org", "{}"], "'--endorsing-org'"),
    ([*OFFER, "--endorsing-org", "{}"], "'--endorsing-org'"),
]
# who acts, as no org or user of a topology is named (an org's name, MSP ID and user's name are ASCII letters,
# digits and '-'): looked up as given, a long one came back as "File name too long" with the whole path
WHO = [("--as", "x" * 10_000), ("--as", "bank\x1b[31m"), ("--as", "bank/officer\x001"), ("--as", "supplier/\u202e1"),
       ("--org", "x" * 10_000), ("--org", "bank\tx"), ("--user", "officer\x1b1")]
AMOUNTS = ["1e3", "1,2,3", "-0.00", "\uff10.\uff15", "", "a\x1b[31mb"]   # \uff10.\uff15: a full-width 0.5
DATES = ["2026-02-30", "", "2026-3-1", "a\nb"]
# (command line with {} where the value goes, what the error line calls the option)
AMOUNT_LINES = [
    (["receivable", "pay", RID, "--amount", "{}"], "'--amount'"),
    (["receivable", "transfer", RID, "--to", CODE, "--amount", "{}"], "'--amount'"),
    ([*REGISTER[:4], "--face", "{}", *REGISTER[6:]], "'--face'"),
    ([*OFFER, "--fees", "{}"], "'--fees'"),
]
DATE_LINES = [
    ([*REGISTER[:6], "--issue", "{}", *REGISTER[8:]], "'--issue'"),
    ([*REGISTER[:8], "--due", "{}", *REGISTER[10:]], "'--due'"),
    ([*OFFER, "--expires", "{}"], "'--expires'"),
    (["discount", "publish", "--apr", "0.04", "--receivable", RID, "--expires", "{}"], "'--expires'"),
]


@pytest.fixture(autouse=True)
def business_day(monkeypatch):
    """REGISTER's claim is issued on 2026-03-02 and due on 2026-05-31: the commands count today as its issue date."""
    monkeypatch.setattr(receivable_commands, "business_today", lambda: date(2026, 3, 2))


def refused(line: list[str], value: str, option: str, ledger_sessions) -> str:
    """The one error line of ``line`` with ``value`` in it, checked as the module says."""
    result = CliRunner().invoke(main, [value if word == "{}" else word for word in line])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 2, result.output
    errors = [text for text in result.output.splitlines() if text.startswith("Error")]
    assert len(errors) == 1 and result.output.rstrip("\n").endswith(errors[0]), result.output
    assert f"Invalid value for {option}" in errors[0], errors[0]
    assert ledger_sessions == []
    return errors[0]


@pytest.mark.parametrize("line, option", LONG_VALUE_LINES, ids=[f"{line[0]} {line[1]} {option}"
                                                                 for line, option in LONG_VALUE_LINES])
def test_a_long_value_is_shown_cut_short(line, option, ledger_sessions):
    said = refused(line, LONG, option, ledger_sessions)
    assert "(10000 characters)" in said and len(said) < 500, said[:300]


@pytest.mark.parametrize("value", MSP_IDS)
@pytest.mark.parametrize("line, option", ENDORSING_LINES, ids=[f"{line[0]} {line[1]}" for line, _ in ENDORSING_LINES])
def test_an_endorsing_org_that_does_not_print_is_refused_before_connecting(line, option, value, ledger_sessions):
    assert "does not print" in refused(line, value, option, ledger_sessions)


@pytest.mark.parametrize("option, value", WHO)
@pytest.mark.parametrize("line", [["receivable", "get", RID], ["regulator", "statistics"], ["events"],
                                  ["receivable", "audit", RID], ["transaction", "status", "ab" * 32]],
                         ids=lambda line: " ".join(line[:2]))
def test_who_acts_is_refused_before_connecting_when_no_profile_can_name_it(line, option, value, ledger_sessions):
    said = refused([*line, option, "{}"], value, f"'{option}'", ledger_sessions)
    assert "ASCII letters, digits and '-'" in said and len(said) < 500, said[:300]


@pytest.mark.parametrize("value", AMOUNTS)
@pytest.mark.parametrize("line, option", AMOUNT_LINES, ids=[line[1] + " " + option for line, option in AMOUNT_LINES])
def test_an_amount_no_one_writes_so_is_refused(line, option, value, ledger_sessions):
    refused(line, value, option, ledger_sessions)


@pytest.mark.parametrize("value", DATES)
@pytest.mark.parametrize("line, option", DATE_LINES, ids=[line[1] + " " + option for line, option in DATE_LINES])
def test_a_date_no_calendar_has_is_refused(line, option, value, ledger_sessions):
    refused(line, value, option, ledger_sessions)


@pytest.mark.parametrize("line", [["events"], ["receivable", "events"]], ids=" ".join)
def test_a_checkpoint_path_the_system_will_not_look_up_is_refused_not_a_traceback(line, ledger_sessions):
    """A path longer than the system looks up (ENAMETOOLONG) raised OSError from the check of its folder."""
    said = refused([*line, "--checkpoint", "{}"], "x/" * 3000, "'--checkpoint'", ledger_sessions)
    assert said.endswith("File name too long: check the path"), said[-200:]


# Long values of the shape that passes an option's first check and was echoed whole by a later one: an amount above
# the cap, with three decimals, a minus sign, full-width digits or only zeros; a tier's day count; an invoice's
# amount or date; a contract hash, a role, a currency; an id or a transaction id that is all spaces; a user given
# twice; a checkpoint path the system will not look up, or whose file name is too long
LONG_SHAPED_LINES = [
    (["receivable", "pay", RID, "--amount", "1" * 10_000], "'--amount'"),
    (["receivable", "pay", RID, "--amount", "1." + "0" * 10_000], "'--amount'"),
    (["receivable", "pay", RID, "--amount", "1," + "000," * 2_500 + "000"], "'--amount'"),
    (["receivable", "pay", RID, "--amount", "-" + "1" * 10_000], "'--amount'"),
    (["receivable", "pay", RID, "--amount", "\uff11" * 10_000], "'--amount'"),
    (["receivable", "pay", RID, "--amount", "0" * 10_000], "'--amount'"),
    (["discount", "publish", "--tier", "9" * 10_000 + ":0.04", *PUBLISH[4:]], "'--tier'"),
    (["receivable", "register", "--invoice", "26312000000012345678,2026-03-01," + "1" * 10_000 + ",130.00",
      *REGISTER[2:10], *REGISTER[12:]], "'--invoice'"),
    (["receivable", "register", "--invoice", "26312000000012345678," + "2" * 10_000 + ",1000.00,130.00",
      *REGISTER[2:10], *REGISTER[12:]], "'--invoice'"),
    ([*REGISTER[:12], "--contract-hash", "a" * 10_000], "'--contract-hash'"),
    ([*REGISTER, "--currency", "X" * 10_000], "'--currency'"),
    (["party", "register", "--uscc", CODE, "--name", "Tier-1 Parts Co.", "--role", "x" * 10_000], "'--role'"),
    (["receivable", "get", " " * 10_000], "'RECEIVABLE_ID'"),
    (["party", "register", "--uscc", CODE, "--name", "Tier-1 Parts Co.", "--role", "supplier",
      "--client", "u" * 10_000, "--client", "u" * 10_000], "'--client'"),
    (["transaction", "status", " " * 10_000], "'TXID'"),
    (["events", "--checkpoint", "x/" * 5_000], "'--checkpoint'"),
    (["events", "--checkpoint", "x" * 10_000], "'--checkpoint'"),
]


@pytest.mark.parametrize("line, option", LONG_SHAPED_LINES, ids=[f"{line[1]} {option} {i}"
                                                                 for i, (line, option) in enumerate(LONG_SHAPED_LINES)])
def test_a_long_value_a_later_check_refuses_is_shown_cut_short(line, option, ledger_sessions):
    said = refused(line, "", option, ledger_sessions)
    assert "characters)" in said and len(said) < 500, said[:300]
