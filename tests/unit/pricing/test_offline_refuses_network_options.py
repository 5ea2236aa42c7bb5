"""`recfin finance quote --face --due` and `finance compare --offers FILE` read no network: --data-root (whose
profile the ledger is read through) and --timeout (how long each ledger call waits) mean nothing there. Given on the
command line, each is refused (exit 2, naming it) before anything is read, as quote refuses --yes there; they were
taken and left unused, as if heeded. RECFIN_TIMEOUT, which an operator sets once for every command, is not refused."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.connection import TIMEOUT_VARIABLE
from cli.finance_commands import finance

from ..names_no_org_can_have import no_session_opened

SAMPLE_OFFERS = Path(__file__).parents[3] / "client" / "pricing" / "samples" / "offers.json"
QUOTE = ["quote", "RCV-1", "--as", "bank", "--face", "1,000,000", "--due", "2027-03-01", "--grade", "B",
         "--on", "2026-12-01", "--json"]
COMPARE = ["compare", "RCV-1", "--offers", str(SAMPLE_OFFERS), "--on", "2026-12-01", "--json"]


def refused(result, option: str, said: str) -> None:
    assert result.exit_code == 2, result.output
    one_line = " ".join(result.output.split())
    assert f"Error: {option} {said}" in one_line and f"(drop {option})" in one_line, one_line
    assert "Traceback" not in result.output and result.stdout.count("{") == 0


@pytest.mark.parametrize(("given", "option", "said"), [
    (["--data-root", "{tmp}"], "--data-root", "names the network data folder whose profile a quote on the ledger "
                                              "reads; with --face and --due nothing is read from a network"),
    (["--timeout", "5"], "--timeout", "bounds each call a quote on the ledger makes; with --face and --due nothing "
                                      "is called"),
], ids=["data-root", "timeout"])
def test_quote_without_the_ledger_refuses_network_options(tmp_path, monkeypatch, given, option, said):
    no_session_opened(monkeypatch)
    given = [word.replace("{tmp}", str(tmp_path)) for word in given]
    refused(CliRunner().invoke(finance, [*QUOTE, *given]), option, said)


@pytest.mark.parametrize(("given", "option", "said"), [
    (["--data-root", "{tmp}"], "--data-root", "names the network data folder whose profile reads the offers on the "
                                              "ledger; with --offers FILE they are read from the file and nothing "
                                              "from the ledger"),
    (["--timeout", "5"], "--timeout", "bounds each call that reads the offers on the ledger; with --offers FILE "
                                      "they are read from the file and nothing from the ledger"),
], ids=["data-root", "timeout"])
def test_compare_with_an_offers_file_refuses_network_options(tmp_path, monkeypatch, given, option, said):
    no_session_opened(monkeypatch)
    given = [word.replace("{tmp}", str(tmp_path)) for word in given]
    refused(CliRunner().invoke(finance, [*COMPARE, *given]), option, said)


@pytest.mark.parametrize("command", [QUOTE, COMPARE], ids=["quote", "compare"])
def test_the_timeout_variable_set_for_every_command_is_not_refused(monkeypatch, command):
    no_session_opened(monkeypatch)
    result = CliRunner().invoke(finance, command, env={TIMEOUT_VARIABLE: "5"})
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)
