"""A history read from the ledger knows each claim's holder, and whether its financing is live, only as of the date it
was read: the contract's payment record names the holder of that date and drops the financing date of a financing
cancelled or taken back by then, and dates neither change. Scored as of an earlier date (`risk score --history FILE
--as-of EARLIER`), every model input is of that date, but the concentration and the financed share shown beside the
grade are of the read: the command says so, rather than show a holder's share as of a day it did not hold the
claims."""
from datetime import date

import pytest

from cli.risk_commands import risk
from client.risk import ReceivableHistory

from ..cli_errors import invoke
from .risk_helpers import DEBTOR, ev

DUE, READ, EARLIER = date(2026, 3, 1), date(2026, 2, 14), date(2026, 1, 20)
# two claims, both held by S2 when read: one of them was transferred to S2 after EARLIER, which the record does not date
READ_LATER = ReceivableHistory(debtor=DEBTOR, read_as_of=READ,
                               events=[ev(r, kind, date(2026, 1, 5), DUE, holder="S2")
                                       for r in ("R1", "R2") for kind in ("registered", "confirmed")])
NOTE = (f"note: concentration and financed_share are of {READ}, the date {{path}} was read from the ledger as of, "
        f"not of {EARLIER}:")


@pytest.fixture
def history_file(tmp_path):
    path = tmp_path / "read.json"
    path.write_text(READ_LATER.model_dump_json())
    return path


@pytest.mark.parametrize("as_json", [False, True], ids=["table", "json"])
def test_scored_as_of_a_date_before_the_read_it_says_which_figures_are_of_the_read(history_file, as_json):
    result = invoke(risk, "score", DEBTOR, "--history", history_file, "--as-of", str(EARLIER),
                    *(["--json"] if as_json else []))
    assert result.exit_code == 0, result.output
    assert NOTE.format(path=history_file) in result.stderr
    assert "neither is an input of the model" in result.stderr


@pytest.mark.parametrize("as_of", [[], ["--as-of", str(READ)]], ids=["no --as-of", "the read's date"])
def test_scored_as_of_the_read_it_says_nothing_of_it(history_file, as_of):
    result = invoke(risk, "score", DEBTOR, "--history", history_file, *as_of)
    assert result.exit_code == 0, result.output
    assert "concentration and financed_share are of" not in result.stderr


def test_a_history_not_read_from_the_ledger_says_nothing_of_it(tmp_path):
    path = tmp_path / "by-hand.json"
    path.write_text(READ_LATER.model_copy(update={"read_as_of": None}).model_dump_json())
    result = invoke(risk, "score", DEBTOR, "--history", path, "--as-of", str(EARLIER))
    assert result.exit_code == 0, result.output
    assert "concentration and financed_share are of" not in result.stderr
