"""`finance quote`: a file an option names that cannot be read is a usage error naming the option (exit 2),
never exit 1, which a declined quote exits with; --history without --debtor names the debtor(s) the file
holds."""
import json
from pathlib import Path

import pytest

from cli.finance_commands import finance

from ..cli_errors import error_line, invoke

QUOTE = ["quote", "RCV-1", "--as", "bank", "--face", "1,000,000", "--due", "2026-09-25", "--on", "2025-12-30"]
# SYN-DEBTOR-0007's
SAMPLE_HISTORY = Path(__file__).parents[3] / "client" / "risk" / "samples" / "history.json"


def quote(*args):
    return invoke(finance, *QUOTE, *args)


@pytest.mark.parametrize("option, extra", [
    ("--config", ["--grade", "B"]),
    ("--history", ["--debtor", "SYN-DEBTOR-0007"]),
    ("--model", ["--history", SAMPLE_HISTORY, "--debtor", "SYN-DEBTOR-0007"]),
])
def test_a_missing_file_is_a_usage_error_naming_its_option(tmp_path, option, extra):
    missing = tmp_path / "nope.json"
    r = quote(option, missing, *extra)
    assert r.exit_code == 2 and r.stdout == ""
    assert error_line(r).startswith(f"Error: Invalid value for '{option}': ")
    assert str(missing) in error_line(r)


@pytest.mark.parametrize("content, problem", [(b"", "is empty"), (b"{x", "is not JSON"),
                                              (b"\xff\xfe", "UTF-8")])
def test_a_history_file_that_is_not_json_is_a_usage_error_naming_the_option(tmp_path, content, problem):
    path = tmp_path / "history.json"
    path.write_bytes(content)
    r = quote("--history", path, "--debtor", "SYN-DEBTOR-0007")
    assert r.exit_code == 2 and r.stdout == ""
    assert error_line(r).startswith(f"Error: Invalid value for '--history': {path}")
    assert problem in error_line(r)


def test_history_without_debtor_names_the_debtor_the_file_holds():
    r = quote("--history", SAMPLE_HISTORY)
    assert r.exit_code == 2 and r.stdout == ""
    assert error_line(r) == (f"Error: --history needs --debtor, the id of the debtor it holds: "
                             f"{SAMPLE_HISTORY} holds the history of SYN-DEBTOR-0007; "
                             f"add --debtor SYN-DEBTOR-0007")


def test_history_without_debtor_lists_each_debtor_a_list_of_events_names_once(tmp_path):
    path = tmp_path / "events.json"
    path.write_text(json.dumps([{"debtor": "D-1"}, {"debtor": "D-2"}, {"debtor": "D-1"}]))
    r = quote("--history", path)
    assert r.exit_code == 2
    assert error_line(r) == (f"Error: --history needs --debtor, the id of the debtor it holds: {path} names "
                             f"the debtors D-1, D-2; add --debtor with the one to price")


def test_history_without_debtor_says_when_the_file_names_none(tmp_path):
    path = tmp_path / "events.json"
    path.write_text("[]")
    r = quote("--history", path)
    assert r.exit_code == 2 and f"{path} names no debtor; give the debtor's id with --debtor" in error_line(r)
