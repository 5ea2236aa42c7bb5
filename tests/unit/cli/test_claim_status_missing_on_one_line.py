"""`recfin regulator list` without its STATUS says so on one line, naming the statuses as the ledger writes them:
click's own message listed them a line each, folded to lower case, below the error line."""
from __future__ import annotations

from cli.main import main
from tests.unit.cli.test_error_lines_escape_controls import error_line


def test_a_missing_status_is_one_line_naming_the_statuses_as_the_ledger_writes_them(runner):
    result = runner.invoke(main, ["regulator", "list", "--json"])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert error_line(result) == (
        "Error: Missing argument 'STATUS'. Give one of REGISTERED, CONFIRMED, REJECTED, WITHDRAWN, SPLIT, FINANCED, "
        "OVERDUE, SETTLED (in any case).")
