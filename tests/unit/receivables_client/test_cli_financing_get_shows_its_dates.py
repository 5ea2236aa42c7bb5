"""`recfin finance get` prints every date its --json holds: when the holder asked for the financing
(``requested_on``) and when each offer was made (``made_on``), with the dates it was disbursed, repaid, cancelled
or recoursed on. Before, the text left out ``requested_on`` and the offers' ``made_on``: a reader of the text could
not see when the request or an offer was made, which only --json told.

Over the recording Contract double, as test_cli.py's other ``finance get`` tests."""

from __future__ import annotations

import json

from . import fakes, test_cli
from .test_cli import invoke

ledger = test_cli.ledger  # the recording double behind the CLI's sessions, a fixture


def _dates(doc: dict) -> dict[str, str]:
    return {k: v for k, v in doc.items() if k.endswith("_on") and v is not None}


def _financing(**over) -> dict:
    return {**fakes.financing(status="DISBURSED", requested_on="2026-03-02", disbursed_on="2026-03-09", **over),
            "offers": [fakes.offer(id="O-1", made_on="2026-03-04"), fakes.offer(id="O-2", made_on="2026-03-05")]}


def test_each_date_of_the_financing_in_its_json_is_a_line_of_the_text(ledger):
    ledger.responses["GetFinancing"] = _financing()
    as_json = json.loads(invoke("finance", "get", "F-1", "--as", "supplier/supplier1", "--json").output)
    dates = _dates({k: v for k, v in as_json.items() if k != "offers"})
    assert dates == {"requested_on": "2026-03-02", "disbursed_on": "2026-03-09"}
    shown = invoke("finance", "get", "F-1", "--as", "supplier/supplier1")
    assert shown.exit_code == 0, shown.output
    lines = shown.output.splitlines()
    assert all(f"{k}: {v}" in lines for k, v in dates.items()), shown.output


def test_each_offer_row_shows_the_day_the_offer_was_made(ledger):
    ledger.responses["GetFinancing"] = _financing()
    shown = invoke("finance", "get", "F-1", "--as", "supplier/supplier1")
    assert shown.exit_code == 0, shown.output
    lines = shown.output.splitlines()
    header = next(line for line in lines if line.startswith("ID "))
    assert "MADE_ON" in header.split()
    rows = {line.split()[0]: line.split() for line in lines[lines.index(header) + 1:] if line.startswith("O-")}
    made_on = header.split().index("MADE_ON")
    assert {offer: row[made_on] for offer, row in rows.items()} == {"O-1": "2026-03-04", "O-2": "2026-03-05"}
