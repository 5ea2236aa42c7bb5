"""The text of a financing step shows the date that step set, as its --json does: `recfin finance request` the day
the holder asked (``requested_on``), `recfin finance offer` the day the offer was made (``made_on``), and
`recfin finance notice` the days the assignment notice was issued, acknowledged and released. Before, only --json
said when; the text showed a status with no day.

Over the recording Contract double, as test_cli.py's other finance tests."""

from __future__ import annotations

import json

from . import fakes, test_cli
from .test_cli import invoke

ledger = test_cli.ledger  # the recording double behind the CLI's sessions, a fixture


def _shown_and_sent(*args: str) -> tuple[list[str], dict]:
    as_json = invoke(*args, "--json")
    assert as_json.exit_code == 0, as_json.output
    shown = invoke(*args)
    assert shown.exit_code == 0, shown.output
    return shown.output.splitlines(), json.loads(as_json.output)


def test_a_financing_request_shows_the_day_it_was_made(ledger):
    ledger.responses["RequestFinancing"] = fakes.financing(status="REQUESTED", requested_on="2026-03-02",
                                                           accepted_offer_id=None, financier=None,
                                                           financier_msp=None, collection=None, terms_hash=None)
    lines, doc = _shown_and_sent("finance", "request", "R-1", "--as", "supplier/supplier1")
    assert doc["requested_on"] == "2026-03-02"
    assert "requested_on: 2026-03-02" in lines, lines


def test_an_offer_shows_the_day_it_was_made(ledger):
    ledger.responses["MakeFinancingOffer"] = fakes.offer(made_on="2026-03-04")
    ledger.responses["GetFinancing"] = {**fakes.financing(status="REQUESTED"), "offers": []}
    ledger.responses["GetReceivable"] = fakes.receivable()
    ledger.responses["WhoAmI"] = fakes.party(msp_id="BankMSP", role="financier")
    lines, doc = _shown_and_sent("finance", "offer", "F-1", "--advance-rate", "0.9", "--discount-rate", "0.036",
                                 "--expires", "2026-04-30")
    assert doc["made_on"] == "2026-03-04"
    assert "made_on: 2026-03-04" in lines, lines


def test_a_notice_shows_the_days_it_was_issued_and_acknowledged(ledger):
    ledger.responses["GetAssignmentNotice"] = fakes.notice(status="ACKNOWLEDGED", issued_on="2026-03-03",
                                                           acknowledged_on="2026-03-05")
    lines, doc = _shown_and_sent("finance", "notice", "N-1", "--as", "coreenterprise")
    assert (doc["issued_on"], doc["acknowledged_on"]) == ("2026-03-03", "2026-03-05")
    assert "issued_on: 2026-03-03" in lines and "acknowledged_on: 2026-03-05" in lines, lines
