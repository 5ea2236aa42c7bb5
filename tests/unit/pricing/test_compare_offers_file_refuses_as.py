"""`recfin finance compare --offers FILE` reads no ledger, so --as, who reads the offers on it, means nothing there:
given, it is refused (exit 2, naming --as) before the file is read, as `finance quote` refuses the options of the
ledger without it. It was taken and left unused, as if the ranking were of what that org may read."""
from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from cli.finance_commands import finance

from ..names_no_org_can_have import no_session_opened

SAMPLE_OFFERS = Path(__file__).parents[3] / "client" / "pricing" / "samples" / "offers.json"
COMPARE = ["compare", "RCV-1", "--offers", str(SAMPLE_OFFERS), "--on", "2026-12-01"]


def test_as_with_an_offers_file_is_refused(monkeypatch):
    no_session_opened(monkeypatch)
    result = CliRunner().invoke(finance, [*COMPARE, "--as", "supplier/supplier1"])
    assert result.exit_code == 2, result.output
    assert ("Error: --as names who reads the offers on the ledger; with --offers FILE they are read from the file "
            "and nothing from the ledger (drop --as)") in " ".join(result.output.split())


def test_an_offers_file_alone_is_still_compared():
    result = CliRunner().invoke(finance, COMPARE)
    assert result.exit_code == 0, result.output
