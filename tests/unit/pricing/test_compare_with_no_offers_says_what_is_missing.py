"""`recfin finance compare` of a claim no offer is open on says what it lacks and who can change it: with no financing
request, that banks have nothing to offer on and how its holder asks; with one, that no bank has offered on it yet
and how a bank does; both times, that its debtor has no early-payment offer. It said "no open offers on it" alone,
which left a supplier to guess whether no bank had been asked or none had answered. --json lists no proposal."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cli.finance_commands import finance

CLAIM = {"receivable_id": "RCV-1", "face_amount": 100000000, "due_date": "2027-03-01"}


def compared(tmp_path, claim: dict, *json_flag: str):
    path = tmp_path / "offers.json"
    path.write_text(json.dumps({"receivable": claim, "bank_offers": [], "early_payments": []}))
    return CliRunner().invoke(finance, ["compare", "RCV-1", "--offers", str(path), "--on", "2026-12-01", *json_flag])


@pytest.mark.parametrize("claim, says", [
    (CLAIM, "it has no financing request for banks to offer on (its holder asks with `recfin finance request RCV-1 "
            "--as HOLDER`)"),
    ({**CLAIM, "financing_id": "F-0123456789abcdef"},
     "no bank has offered on its financing request F-0123456789abcdef yet (a bank offers with `recfin finance "
     "quote RCV-1 --as BANK --yes`)"),
], ids=["no request", "a request"])
def test_a_claim_with_no_offer_says_what_it_lacks(tmp_path, claim, says):
    result = compared(tmp_path, claim)
    assert result.exit_code == 0, result.output
    last = result.output.splitlines()[-1]
    assert last == f"no open offers on it: {says}, and its debtor has no open early-payment offer on it"


def test_its_json_lists_no_proposal(tmp_path):
    result = compared(tmp_path, CLAIM, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["proposals"] == []


@pytest.mark.parametrize("claim, says", [
    ({**CLAIM, "status": "REGISTERED"},
     "it has no financing request for banks to offer on, and its debtor has no open early-payment offer on it; "
     "RCV-1 is REGISTERED, not yet confirmed by its debtor"),
    ({**CLAIM, "status": "REJECTED"},
     "it has no financing request for banks to offer on, and its debtor has no open early-payment offer on it; "
     "RCV-1 is REJECTED, and the contract takes an offer only on a CONFIRMED claim"),
    ({**CLAIM, "financing_id": "F-0123456789abcdef", "frozen_by": "FO-1"},
     "no bank has offered on its financing request F-0123456789abcdef yet, and its debtor has no open early-payment "
     "offer on it; RCV-1 is frozen by order FO-1"),
    ({**CLAIM, "financing_id": "F-0123456789abcdef", "financing_status": "ACCEPTED"},
     "its financing F-0123456789abcdef is accepted, so banks make no more offers on it, and its debtor has no open "
     "early-payment offer on it"),
    ({**CLAIM, "financing_id": "F-0123456789abcdef", "financing_status": "DISBURSED", "status": "FINANCED"},
     "its financing F-0123456789abcdef is disbursed, so banks make no more offers on it"),
], ids=["registered", "rejected", "frozen with a request", "financing accepted", "financing disbursed"])
def test_a_step_the_contract_would_refuse_is_not_named(tmp_path, claim, says):
    # a request or a bank's offer on a claim not confirmed, frozen, or financed already would be refused: naming
    # its command as the way on sent the holder or a bank to a refusal, and called an accepted financing unanswered
    result = compared(tmp_path, claim)
    assert result.exit_code == 0, result.output
    last = result.output.splitlines()[-1]
    assert last.startswith(f"no open offers on it: {says}"), last
    assert "`recfin finance request" not in last and "`recfin finance quote" not in last
