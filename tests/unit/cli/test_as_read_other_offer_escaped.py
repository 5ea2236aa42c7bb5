"""`recfin discount accept --as-read FILE` whose document is another offer's names that offer's id as it prints:
the id is the file's, which may hold anything, and written as given a line break in it started a second `Error:`
line of its own, and an ESC drove the terminal."""
import json

from click.testing import CliRunner

from cli.main import main

OFFER = {"doc_type": "discount_offer", "apr": "0.05", "day_count": "ACT/365", "expires_on": "2027-06-30",
         "receivable_ids": [], "debtor": "91310000MA1K000019", "debtor_msp": "CoreEnterpriseMSP", "status": "OPEN",
         "published_on": "2026-12-01",
         "last": {"tx_id": "a" * 64, "by": "x", "msp_id": "CoreEnterpriseMSP", "at": "2026-12-01T00:00:00Z",
                  "action": "PUBLISH"}}


def test_the_other_offers_id_is_shown_escaped_on_the_one_error_line(tmp_path, ledger_sessions):
    path = tmp_path / "offer.json"
    path.write_text(json.dumps({**OFFER, "id": "D-\x1b[31mX\nError: forged"}))
    result = CliRunner().invoke(main, ["discount", "accept", "D-0123456789abcdef", "R-0123456789abcdef",
                                       "--as-read", str(path)], color=True)
    assert result.exit_code == 2, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and "\x1b" not in result.output, result.output
    assert "is discount offer 'D-\\x1b[31mX\\nError: forged', not D-0123456789abcdef" in errors[0]
    assert ledger_sessions == []
